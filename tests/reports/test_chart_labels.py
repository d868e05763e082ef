"""The report's charts show every theme and group label whole: wrapped onto lines, never cut short."""

from __future__ import annotations

import re

import pytest


def _shown(svg: str) -> list[str]:
    """The words of each ``<text>`` of a chart, its lines joined by a space (its tooltip left out)."""
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    return [" ".join(re.findall(r"<tspan\b[^>]*>([^<]*)</tspan>", t)) or re.sub(r"<title>.*?</title>|<[^>]+>", "", t)
            for t in texts]


LONG_THEME = "Practice, organisational and system-wide change in how services run"


@pytest.fixture(scope="module")
def long_labels(evidence):
    """The fixture's matrix with two groups whose names share their first 30 characters, and a theme label
    longer than the 38 characters a chart's row label was cut to."""
    matrix = evidence.matrices["programme"].copy()
    groups = list(dict.fromkeys(matrix["group"]))
    names = {groups[0]: "Clinical Leadership Fellowship 2023 cohort", groups[1]: "Clinical Leadership Fellowship 2024 cohort"}
    matrix["group"] = matrix["group"].map(lambda g: names.get(g, g))
    first = matrix["theme"].iloc[0]
    matrix.loc[matrix["theme"] == first, "label"] = LONG_THEME
    themes = evidence.themes.copy()
    themes.loc[themes["theme"] == first, "label"] = LONG_THEME
    return matrix, themes, list(names.values())


def test_heatmap_shows_two_groups_of_one_beginning_apart_and_each_label_whole(long_labels):
    from evalnlp.reports.html import heatmap_svg

    matrix, _, names = long_labels
    shown = _shown(heatmap_svg(matrix, "cohort"))
    assert names[0] in shown and names[1] in shown
    assert LONG_THEME in shown
    assert not any("\u2026" in t for t in shown)


def test_prevalence_and_sentiment_charts_show_a_long_theme_label_whole(long_labels):
    from evalnlp.reports.html import prevalence_svg, sentiment_svg

    _, themes, _ = long_labels
    for chart in (prevalence_svg(themes), sentiment_svg(themes)):
        shown = _shown(chart)
        assert LONG_THEME in shown and not any("\u2026" in t for t in shown)
