"""The HTML report in a real headless Chromium: no console errors, charts in the DOM, a screenshot that is
not blank. Skipped (with the reason) only when Chromium is not installed; `make test` installs it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from evalnlp.api import write_report

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                             shutil.which("chromium-browser") or "") if p and Path(p).exists()), None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (/usr/bin/chromium); "
                       "install it with `make chromium` or `apt-get install chromium`"),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--hide-scrollbars", "--window-size=1200,2400"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def report(report_store, cb, claims_path, tmp_path_factory) -> Path:
    return write_report(report_store, cb, tmp_path_factory.mktemp("html") / "report.html", claims=claims_path)


def test_report_renders_without_console_errors_and_has_its_charts(report, tmp_path):
    proc = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "Content Security Policy" in line]
    assert console == []
    dom = proc.stdout
    for chart in ("chart-prevalence", "chart-heatmap", "chart-sentiment"):
        assert f'id="{chart}"' in dom
    assert dom.count("<rect") > 20 and "Strength rule" in dom


def test_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", report.as_uri())
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 2400)
    assert ImageStat.Stat(image).var[0] > 100  # a blank page has variance 0
    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """The demo survey and evaluation report coded with the shipped impact model and sentiment, with the demo's
    claims, as `make demo` does it."""
    from helpers import REPO

    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    corpus = REPO / "corpora" / "demo_leadership"
    questions = ["What has changed in how you work since the programme?", "What did you value most?",
                 "What could be improved?"]
    tmp = tmp_path_factory.mktemp("demo")
    store = Store(tmp / "demo.duckdb")
    try:
        api.ingest(store, [corpus / "survey.xlsx"], text=questions, id="respondent_id")
        api.ingest(store, [corpus / "evaluation_report.docx"])
        api.classify(store, codebook="impact")
        return write_report(store, load_codebook("impact"), tmp / "report.html", by=["programme"],
                            claims=corpus / "claims.yaml")
    finally:
        store.close()


def test_demo_report_reads_right_in_the_browser(demo_report, tmp_path):
    """Spot-check of what a report writer sees: the appreciative leadership survey reads as appreciative, and
    the report says how many passages got no theme."""
    import re

    proc = chromium(tmp_path, "--dump-dom", demo_report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert re.search(r"\d+ of them, \d+\.\d%, with no theme", dom)
    counts = {label: int(n) for n, label in re.findall(
        r"<title>Relationships &amp; collaboration: (\d+) (positive|negative|mixed|neutral)</title>", dom)}
    assert counts.get("positive", 0) > 3 * counts.get("negative", 0), counts
    endorsement = {label: int(n) for n, label in re.findall(
        r"<title>Endorsement &amp; satisfaction: (\d+) (positive|negative|mixed|neutral)</title>", dom)}
    assert endorsement.get("positive", 0) > 5 * endorsement.get("negative", 0), endorsement


def test_demo_report_prints_each_quote_with_its_attribution_and_each_heading_with_what_follows(demo_report,
                                                                                              tmp_path):
    """Printed to PDF (as a writer prints or saves the report), a quote is not cut from its attribution line
    by a page break, no table row is cut in two, and no heading is left alone at the foot of a page."""
    import re

    from pypdf import PdfReader

    pdf = tmp_path / "report.pdf"
    proc = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", demo_report.as_uri())
    assert proc.returncode == 0 and pdf.exists(), proc.stderr[-2000:]
    pages = [[line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
             for page in PdfReader(pdf).pages]
    assert len(pages) > 3 and all(pages)
    html = demo_report.read_text(encoding="utf-8")
    headings = {" ".join(re.sub(r"<[^>]+>", "", h).split()) for h in re.findall(r"<h[23]>(.*?)</h[23]>", html)}
    assert "Strength rule" in headings and "Top quotes per theme" in headings
    orphaned = [(n, lines[0]) for n, lines in enumerate(pages[1:], 2) if lines[0].startswith("\u2014")]
    assert orphaned == [], "an attribution line opens a page, away from its quote"
    stranded = [(n, lines[-1]) for n, lines in enumerate(pages[:-1], 1) if lines[-1] in headings]
    assert stranded == [], "a heading ends a page, away from its text"
    # the claims table's rows are whole: a claim's first and last words share a page
    start = next(n for n, lines in enumerate(pages) if "Claims" in lines)
    claims = re.search(r'<section id="claims">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", claims, re.S)
    assert len(rows) >= 3
    for row in rows:
        cells = [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        claim, ending = cells[0].split()[0], " ".join(cells[0].split()[-3:])
        first = next(n for n in range(start, len(pages)) if claim in " ".join(pages[n]))
        last = next(n for n in range(start, len(pages)) if ending in " ".join(pages[n]))
        assert first == last, (claim, first + 1, last + 1)


def probe_layout(page: Path, tmp_path: Path, width: int) -> dict:
    """The page's layout as Chromium lays it out at ``width``: the page's scroll width, the window's width, and
    each shown chart's label size in px (12 px drawn, times the chart's scale on screen; a chart only printed is not
    shown)."""
    import json
    import re

    probe = tmp_path / "probe.html"
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)  # only so the probe may run
    script = ("<script>const r={page:document.documentElement.scrollWidth,screen:window.innerWidth,"
              "charts:[...document.querySelectorAll('svg.chart')].filter(s=>s.getClientRects().length).map(s=>12*s.getBoundingClientRect().width/"
              "s.viewBox.baseVal.width)};document.body.setAttribute('data-probe',JSON.stringify(r));</script>")
    probe.write_text(html.replace("</main>", "</main>" + script), encoding="utf-8")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    flags = [f for f in FLAGS if not f.startswith("--window-size")]
    proc = subprocess.run([CHROMIUM, *flags, f"--window-size={width},844", f"--user-data-dir={profile}",
                           "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = re.search(r"data-probe=\"([^\"]*)\"", proc.stdout)
    assert found, proc.stdout[:500]
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_demo_report_reads_on_a_phone_without_scrolling_the_page_sideways(demo_report, tmp_path):
    """At a phone's width the page itself is no wider than the screen (a wide table or chart scrolls in its own
    box) and the charts' labels are drawn at a size that can be read (at least 9 px), not shrunk to fit."""
    probed = probe_layout(demo_report, tmp_path, 390)
    assert probed["screen"] <= 500  # headless Chromium's narrowest window
    assert probed["page"] <= probed["screen"], probed
    assert len(probed["charts"]) == 3 and min(probed["charts"]) >= 9, probed


def test_a_heatmap_of_many_groups_keeps_readable_labels_on_a_desktop(evidence, tmp_path):
    """Sixteen sites make a heatmap wider than the page: it scrolls in its box at full size rather than being
    shrunk until its labels are 6 px, and the page itself does not scroll sideways."""
    import dataclasses

    from evalnlp.reports import write_evidence

    matrix = evidence.matrices["programme"]
    sites = pd.concat([matrix[matrix["group"] == matrix["group"].iloc[0]].assign(group=f"Site {chr(65 + i)}")
                       for i in range(16)], ignore_index=True)
    assert sites["group"].nunique() == 16
    (page,) = write_evidence(dataclasses.replace(evidence, matrices={"site": sites}), tmp_path / "wide.html")
    probed = probe_layout(page, tmp_path, 1280)
    assert probed["page"] <= probed["screen"], probed
    assert len(probed["charts"]) == 3 and min(probed["charts"]) >= 11.9, probed
