"""One self-contained HTML report: inline CSS and inline SVG charts, no scripts and no network fetches.

Sections: theme prevalence (bars with Wilson 95% intervals), a theme-by-group heatmap, sentiment by
theme (stacked bars), the claim table with its quotes, the top quotes per theme, notes and provenance.
The charts are drawn here as SVG elements, so the file opens anywhere, offline, and prints well.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from evalnlp.errors import command_line
from evalnlp.reports._common import (
    testimonial_lines,
    PAGE_GROUPS,
    SENTIMENT,
    attribution,
    claims_display,
    group_parts,
    matrix_wide,
    pct,
    place,
    provenance_rows,
    quoted,
    theme_display,
    write_text,
)

_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1b1b;margin:0;
background:#fafafa;line-height:1.45}
.page{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff}main:focus{outline:none}
.skip{position:absolute;left:8px;top:-60px;padding:8px 14px;background:#1f4e79;color:#fff;font-weight:600;z-index:1}
.skip:focus{top:8px}
h1{font-size:1.8em;margin:.2em 0 .3em}h2{margin-top:2em;border-bottom:2px solid #1f4e79;padding-bottom:4px}
h3{margin-top:1.4em}
table{border-collapse:collapse;margin:12px 0 20px;font-size:.9em;width:100%}
th,td{border:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#1f4e79;color:#fff;font-weight:600}tr:nth-child(even) td{background:#f6f8fa}
tbody th{background:#fff;color:#1b1b1b}tbody tr:nth-child(even) th{background:#f6f8fa}
caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 6px;color:#333}
td.num{text-align:right;font-variant-numeric:tabular-nums}
blockquote{margin:10px 0;padding:8px 14px;border-left:4px solid #1f4e79;background:#f3f7fb}
blockquote p{margin:0 0 4px;overflow-wrap:anywhere}.attr{color:#555;font-size:.88em}
.summary{color:#333}.chart{margin:8px 0 16px;max-width:100%;height:auto}
nav ul{columns:2;padding-left:18px}pre{white-space:pre-wrap;background:#f6f8fa;padding:10px;font-size:.85em}
.strong{color:#1a7f37;font-weight:600}.moderate{color:#9a6700;font-weight:600}.limited{color:#bc4c00}
.none{color:#82071e}.wide{overflow-x:auto;margin:12px 0 20px}
a:focus-visible,.wide:focus-visible{outline:3px solid #1f4e79;outline-offset:2px}.wide>table{margin:0}.wide>.chart{max-width:none}
.print{display:none}
@media (max-width:640px){.page{padding:16px 12px 48px}nav ul{columns:1}}
@page{size:A4;margin:14mm 12mm}
@media print{.wide{overflow:visible}.wide>.chart{max-width:100%}body{background:#fff}.page{max-width:none;padding:0}
.skip{display:none}
th,tr:nth-child(even) td,tbody th,blockquote,pre{-webkit-print-color-adjust:exact;print-color-adjust:exact}
blockquote,tr,.chart,li{break-inside:avoid}h2,h3{break-after:avoid}thead{display:table-header-group}
table{font-size:.8em}th,td{padding:3px 5px;overflow-wrap:anywhere}.screen{display:none}.print{display:block}}
"""

_SENT_COLOURS = {"positive": "#2e8540", "mixed": "#e0a800", "negative": "#c62828", "neutral": "#9e9e9e"}
_FONT = 'font-family="Arial, Helvetica, sans-serif"'


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return escape(" ".join(str(value).split()))


#: Pixels between the lines of a chart label wrapped onto several lines (the charts' text is 12 px), and the
#: characters a line of a theme label holds in the 250 px left of the bars.
_LINE = 14
_LABEL_CHARS = 36


def _wrap(text: Any, width: int) -> list[str]:
    """A chart label on lines of at most ``width`` characters, broken between words (a word longer than a line
    is broken inside it): every word of the label is shown, so two labels that differ are never drawn alike, as
    two long group names cut to the same first 20 characters were."""
    import textwrap

    return textwrap.wrap(" ".join(str(text).split()), width, break_long_words=True, break_on_hyphens=False) or [""]


def _label(x: float, middle: float, lines: list[str], anchor: str = "end", fill: str = "") -> str:
    """A ``<text>`` of ``lines``, one ``<tspan>`` a line, centred on the height ``middle``."""
    first = middle + 4 - (len(lines) - 1) * _LINE / 2
    spans = "".join(f'<tspan x="{x:.1f}" y="{first + k * _LINE:.1f}">{_e(line)}</tspan>'
                    for k, line in enumerate(lines))
    colour = f' fill="{fill}"' if fill else ""
    return f'<text text-anchor="{anchor}"{colour}>{spans}</text>'


def _row_height(labels: Sequence[Any], least: int = 28) -> int:
    """The height of a chart's rows: room for the theme label of most lines, at least ``least``."""
    most = max((len(_wrap(label, _LABEL_CHARS)) for label in labels), default=1)
    return max(least, most * _LINE + 10)


# ---------------------------------------------------------------------------------------- charts


def _section_id(prefix: str, name: str) -> str:
    """A valid, unique HTML id for a section named after data (an attribute): ``prefix`` (unique already) and
    the name's letters and digits, lower-cased, joined by hyphens (``by-1-site-name``)."""
    import re

    slug = "-".join(re.findall(r"[^\W_]+", name.casefold()))
    return f"{prefix}-{slug}" if slug else prefix


def _svg_open(chart_id: str, width: float, height: float, title: str, desc: str) -> list[str]:
    """The opening tag and text alternative of a chart (``title`` and ``desc`` already escaped): its title names
    it, its description says where its figures are in words, since a screen reader reads the chart as one image."""
    return [f'<svg class="chart" id="chart-{chart_id}" role="img" aria-labelledby="chart-{chart_id}-title" '
            f'aria-describedby="chart-{chart_id}-desc" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {_FONT} font-size="12">',
            f'<title id="chart-{chart_id}-title">{title}</title><desc id="chart-{chart_id}-desc">{desc}</desc>']


def prevalence_svg(themes: pd.DataFrame) -> str:
    """Horizontal bars of each theme's share with its 95% interval as a whisker."""
    left, bar_w, row_h, top = 250, 420, _row_height(themes["label"]), 30
    height = top + row_h * len(themes) + 30
    width = left + bar_w + 140
    parts = _svg_open("prevalence", width, height, "Share of documents mentioning each theme, with 95% intervals",
                      "Each bar's share and count is written beside it; the table below gives every figure.")
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * bar_w
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="#e1e4e8"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="#555">{int(tick * 100)}%</text>')
    for i, r in enumerate(themes.itertuples(index=False)):
        y = top + i * row_h
        cy = y + row_h / 2
        w = max(0.0, float(r.share)) * bar_w
        parts.append(_label(left - 8, cy, _wrap(r.label, _LABEL_CHARS)))
        parts.append(f'<rect x="{left}" y="{cy - 9:.1f}" width="{w:.1f}" height="18" fill="#4a7fb5">'
                     f'<title>{_e(r.label)}: {pct(r.share)} ({int(r.documents)} of {int(r.n)} documents)</title></rect>')
        x0, x1 = left + float(r.ci_low) * bar_w, left + float(r.ci_high) * bar_w
        parts.append(f'<line x1="{x0:.1f}" y1="{cy:.1f}" x2="{x1:.1f}" y2="{cy:.1f}" stroke="#1b1b1b" stroke-width="1.5"/>')
        for x in (x0, x1):
            parts.append(f'<line x1="{x:.1f}" y1="{cy - 5:.1f}" x2="{x:.1f}" y2="{cy + 5:.1f}" stroke="#1b1b1b" stroke-width="1.5"/>')
        parts.append(f'<text x="{x1 + 6:.1f}" y="{cy + 4:.1f}" fill="#333">{pct(r.share)} ({int(r.documents)}/{int(r.n)})</text>')
    parts.append(f'<text x="{left + bar_w / 2}" y="{height - 6}" text-anchor="middle" fill="#555">'
                 "share of documents coded (bar) and Wilson 95% interval (whisker)</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def _luminance(colour: str) -> float:
    """The relative luminance of a ``#rrggbb`` colour, as WCAG 2.1 defines it."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(ink: str, paper: str) -> float:
    """The WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21; text needs 4.5)."""
    light, dark = sorted((_luminance(ink), _luminance(paper)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _ink(paper: str) -> str:
    """The text colour for a figure drawn on ``paper``: the page's near-black or white, whichever stands out more,
    or black where neither reaches WCAG's 4.5:1 (mid-blue cells, between 55% and 75% of the darkest, once got
    white at 3.0:1). Black or white always reaches 4.58:1."""
    best = max(("#1b1b1b", "#ffffff"), key=lambda ink: contrast(ink, paper))
    return best if contrast(best, paper) >= 4.5 else "#000000"


def _blend(share: float, top: float) -> str:
    t = 0.0 if top <= 0 else min(1.0, share / top)
    lo, hi = (247, 251, 255), (8, 69, 148)
    rgb = [round(a + (b - a) * t) for a, b in zip(lo, hi)]
    return "#%02x%02x%02x" % tuple(rgb)


def heatmap_svg(matrix: pd.DataFrame, attr: str, *, chart_id: str = "heatmap", top_share: float | None = None,
                part: str = "") -> str:
    """Theme rows by group columns, each cell shaded by the share of the group's documents. A part of a larger
    matrix (printed in parts) is shaded on the whole's scale (``top_share``, its largest share) and its title
    names the ``part``."""
    groups = list(dict.fromkeys(matrix["group"]))
    themes = list(dict.fromkeys(matrix["theme"]))
    labels = dict(zip(matrix["theme"], matrix["label"]))
    # each group's name in full above its column, on as many lines as it takes (a column is widened to hold the
    # longest word, up to 180 px); each theme's label in full on the left
    longest = max((len(w) for g in groups for w in str(g).split()), default=1)
    cell_w = max(92, min(180, 8 + 7 * longest))
    heads = [_wrap(g, (cell_w - 8) // 7) for g in groups]
    left, cell_h = 250, _row_height([labels[t] for t in themes])
    top = 12 + _LINE * max((len(h) for h in heads), default=1)
    width = max(left + cell_w * len(groups) + 120, 640)
    height = top + cell_h * len(themes) + 36
    if top_share is None:
        top_share = float(matrix["share"].max()) if len(matrix) else 0.0
    cells = {(r.theme, r.group): r for r in matrix.itertuples(index=False)}
    parts = _svg_open(chart_id, width, height,
                      f"Share of documents mentioning each theme by {_e(attr)}{', ' + _e(part) if part else ''}",
                      "Each cell's share is written in it; the table below gives every cell's counts.")
    for j, (g, head) in enumerate(zip(groups, heads)):
        x = left + j * cell_w + (cell_w - 2) / 2
        parts.append(_label(x, top - 12 - (len(head) - 1) * _LINE / 2, head, "middle"))
    for i, t in enumerate(themes):
        y = top + i * cell_h
        parts.append(_label(left - 8, y + (cell_h - 2) / 2, _wrap(labels[t], _LABEL_CHARS)))
        for j, g in enumerate(groups):
            r = cells[(t, g)]
            x = left + j * cell_w
            fill = _blend(float(r.share), top_share)
            ink = _ink(fill)
            parts.append(f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                         f"<title>{_e(labels[t])} / {_e(g)}: {int(r.documents)} of {int(r.n)} documents "
                         f"({pct(r.share)})</title></rect>")
            parts.append(f'<text x="{x + (cell_w - 2) / 2:.1f}" y="{y + (cell_h - 2) / 2 + 4:.1f}" '
                         f'text-anchor="middle" fill="{ink}">{pct(r.share)}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}" fill="#555">darker = larger share of the group\'s documents '
                 f"(darkest = {pct(top_share)})</text>")
    parts.append("</svg>")
    return "\n".join(parts)


#: Hatching over two of the sentiment colours, so that the four parts of a bar differ in more than hue: printed in
#: black and white, or seen without telling red from green, positive (solid dark) and negative (cross-hatched)
#: still differ, as do mixed (striped) and neutral (solid light).
_SENT_PATTERNS = (
    '<defs><pattern id="sentiment-mixed" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0a800"/>'
    '<line x1="1.5" y1="0" x2="1.5" y2="6" stroke="#1b1b1b" stroke-width="1.5"/></pattern>'
    '<pattern id="sentiment-negative" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#c62828"/>'
    '<path d="M0 3H6M3 0V6" stroke="#ffffff" stroke-width="1.2"/></pattern></defs>')
_SENT_FILLS = {"positive": _SENT_COLOURS["positive"], "mixed": "url(#sentiment-mixed)",
               "negative": "url(#sentiment-negative)", "neutral": _SENT_COLOURS["neutral"]}


def sentiment_svg(themes: pd.DataFrame) -> str:
    """100% stacked bars of each theme's passages by sentiment label, each bar's counts written beside it (the
    colours and hatching only repeat what the words say)."""
    # narrower than the prevalence bars: the counts follow in words
    left, bar_w, row_h, top = 250, 300, _row_height(themes["label"]), 40
    height = top + row_h * len(themes) + 20
    width = left + bar_w + 360
    parts = _svg_open("sentiment", width, height, "Sentiment of each theme's passages",
                      "Each bar's counts by sentiment are written beside it, as they are in the theme prevalence "
                      "table.")
    parts.append(_SENT_PATTERNS)
    x = left
    for label in SENTIMENT:
        parts.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{_SENT_FILLS[label]}" stroke="#1b1b1b" '
                     'stroke-width="0.75"/>')
        parts.append(f'<text x="{x + 19}" y="18">{label}</text>')
        x += 95
    for i, r in enumerate(themes.itertuples(index=False)):
        y = top + i * row_h
        counts = {label: int(getattr(r, label)) for label in SENTIMENT}
        total = sum(counts.values())
        cy = y + row_h / 2
        parts.append(_label(left - 8, cy, _wrap(r.label, _LABEL_CHARS)))
        if total == 0:
            parts.append(f'<rect x="{left}" y="{cy - 9:.1f}" width="{bar_w}" height="18" fill="#f0f0f0"/>')
            parts.append(f'<text x="{left + 6}" y="{cy + 4:.1f}" fill="#555">no scored passages</text>')
            continue
        x = float(left)
        for label in SENTIMENT:
            w = counts[label] / total * bar_w
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{cy - 9:.1f}" width="{w:.1f}" height="18" '
                             f'fill="{_SENT_FILLS[label]}" stroke="#1b1b1b" stroke-width="0.75">'
                             f"<title>{_e(r.label)}: {counts[label]} {label}</title></rect>")
            x += w
        spelt = ", ".join(f"{counts[label]} {label}" for label in SENTIMENT)
        parts.append(f'<text x="{left + bar_w + 6}" y="{cy + 4:.1f}" fill="#333">n={total}: {spelt}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------- html pieces


def _table(df: pd.DataFrame, caption: str, key: str) -> str:
    """``df`` as a table a screen reader can read: its caption, a header cell for each column (``scope="col"``) and
    the first column's cells as the row's header (``scope="row"``), so each figure is announced with its theme
    and column."""
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in df.columns)
    rows = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(f'<th scope="row">{_e(v)}</th>' if i == 0 else
                        f'<td class="num">{_e(v)}</td>' if num else f"<td>{_e(v)}</td>"
                        for i, (v, num) in enumerate(zip(row, numeric)))
        rows.append(f"<tr>{cells}</tr>")
    return _wide(f'<table><caption id="table-{key}">{_e(caption)}</caption><thead><tr>{head}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table>', f"table-{key}")


def _matrix_html(matrix: pd.DataFrame, attr: str, caption: str, key: str, heatmap: bool) -> str:
    """A framework matrix's table (theme rows by group columns), after its heatmap when ``heatmap``. On screen
    each is one, in a box that scrolls sideways. A matrix of more than :data:`PAGE_GROUPS` groups is printed
    instead in parts of the theme column and up to that many groups each (the heatmap's parts, shaded on one
    scale, then the table's), since on paper a table's columns past the page's edge were cut off (16 groups
    printed 14) and a heatmap was shrunk to fit until its figures were a few pixels high. Each form is hidden
    from the other medium, so a screen reader reads the figures once."""
    wide = matrix_wide(matrix)
    screen = ((_wide(heatmap_svg(matrix, attr), "chart-heatmap-title") if heatmap else "")
              + _table(wide, caption, key))
    groups = list(dict.fromkeys(matrix["group"]))
    if len(groups) <= PAGE_GROUPS:
        return screen
    charts, tables = [], []
    for n, (start, stop) in enumerate(group_parts(len(groups)), 1):
        part = f"groups {start + 1}\u2013{stop} of {len(groups)}"
        if heatmap:
            chart = heatmap_svg(matrix[matrix["group"].isin(groups[start:stop])], attr,
                                chart_id=f"heatmap-print-{n}", top_share=float(matrix["share"].max()), part=part)
            charts.append(_wide(chart, f"chart-heatmap-print-{n}-title"))
        tables.append(_table(wide[[wide.columns[0], *wide.columns[1 + start:1 + stop]]], f"{caption}, {part}",
                             f"{key}-print-{n}"))
    return f'<div class="screen">{screen}</div><div class="print">{"".join(charts + tables)}</div>'


def _wide(content: str, label: str) -> str:
    """A chart or table in a box of its own width: on a narrow screen (or zoomed in) it keeps a size its labels can
    be read at and the box scrolls sideways, rather than the whole page or a chart shrunk to a third. The box is
    a named region that takes keyboard focus (``label``: the id of its caption or chart title), so it can be
    scrolled with the arrow keys as well as a mouse."""
    return f'<div class="wide" role="region" tabindex="0" aria-labelledby="{label}">{content}</div>'


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _quote_html(q: dict[str, Any]) -> str:
    return (f"<blockquote><p>{_e(quoted(q['text']))}</p>"
            f'<p class="attr">\u2014 {_e(attribution(q))}</p></blockquote>')


def _claims_html(claims: pd.DataFrame, rule: str) -> str:
    # each claim's quotes follow the table, its best quote first, so the table leaves that column out: with it,
    # ten columns squeezed the quote to a few words a line and a printed row to most of a page
    parts = [_table(claims_display(claims).drop(columns=["Best quote"]),
                    "Each claim's passages, documents, sources, references, testimonials and reach figures, and its "
                    "strength", "claims")]
    for _, c in claims.iterrows():
        parts.append(f"<h3>{_e(c['id'])}: {_e(c['text'])}</h3>")
        parts.append(f'<p>Strength: <span class="{_e(c["strength"])}">{_e(c["strength"])}</span>; '
                     f"{_plural(int(c['segments']), 'passage')} in {_plural(int(c['documents']), 'document')} "
                     f"from {_plural(int(c['sources']), 'source')}; "
                     f"{_plural(int(c['references']), 'corroborating reference')}; "
                     f"{_plural(int(c['attributed']), 'attributed testimonial')}.</p>")
        parts.extend(_quote_html(q) for q in c["quotes"])
        testimonials = c.get("testimonials") or []
        if testimonials:
            parts.append("<p>Attributed testimonials:</p>")
        for tm in testimonials:
            said, who, entries = testimonial_lines(tm)
            cited = "".join(f'<p class="attr">{_e(e)}</p>' for e in entries)
            parts.append(f"<blockquote><p>{_e(said)}</p><p class=\"attr\">\u2014 {_e(who)}</p>{cited}"
                         "</blockquote>")
        if c["reach"]:
            items = "".join(f"<li>{_e(r['text'])} <span class=\"attr\">({_e(place(r['source'], r['locator'], ', '))})"
                            f"</span></li>" for r in c["reach"])
            parts.append(f"<p>Reach figures:</p><ul>{items}</ul>")
    parts.append(f"<h3>Strength rule</h3><pre>{escape(rule.rstrip())}</pre>")
    return "\n".join(parts)


def _quotes_html(quotes: pd.DataFrame | None, themes: pd.DataFrame) -> str:
    from evalnlp.quotes import quote_records

    parts = []
    labels = dict(zip(themes["theme"], themes["label"]))
    if quotes is None:
        for r in themes.itertuples(index=False):
            if r.quote:
                parts.append(f"<h3>{_e(r.label)}</h3>")
                parts.append(_quote_html({"text": r.quote, "speaker": r.quote_speaker, "source_ref": r.quote_source_ref,
                                          "source": r.quote_source, "locator": r.quote_locator}))
        return "\n".join(parts) or "<p>No coded passages.</p>"
    records = quote_records(quotes)
    for theme in themes["theme"]:
        mine = [q for q in records if q["theme"] == theme]
        if mine:
            parts.append(f"<h3>{_e(labels.get(theme, theme))}</h3>")
            parts.extend(_quote_html(q) for q in mine)
    return "\n".join(parts) or "<p>No coded passages.</p>"


_THEME_CAPTION = ("Each theme's passages and documents, its share of the documents coded (Wilson 95% interval), "
                  "and its passages by sentiment")


def render_html(evidence, *, quotes: pd.DataFrame | None = None, heatmap: str | None = None,
                title: str = "Evidence report") -> str:
    """The report as one HTML string. ``heatmap`` names the matrix to draw (default: the first one);
    ``quotes`` is a quote table (top quotes per theme); without it each theme's best quote is shown."""
    cb = evidence.codebook
    themes = evidence.themes
    sections: list[tuple[str, str, str]] = []
    sections.append(("prevalence", "Theme prevalence",
                     _wide(prevalence_svg(themes), "chart-prevalence-title")
                     + _table(theme_display(themes).drop(columns=["Best quote"]),
                              _THEME_CAPTION.replace("documents coded", evidence.share_of), "prevalence")))
    if evidence.matrices:
        attr = heatmap if heatmap in evidence.matrices else next(iter(evidence.matrices))
        for i, (name, matrix) in enumerate(evidence.matrices.items(), 1):
            caption = f"Themes by {name}: documents with the theme / {evidence.share_of} in the group (share)"
            sid = _section_id(f"by-{i}", name)
            body = _matrix_html(matrix, name, caption, sid, heatmap=name == attr)
            sections.append((sid, f"Themes by {name}", body))
    sections.append(("sentiment", "Sentiment by theme", _wide(sentiment_svg(themes), "chart-sentiment-title")))
    if len(evidence.claims):
        sections.append(("claims", "Claims", _claims_html(evidence.claims, evidence.strength_rule)))
    sections.append(("quotes", "Top quotes per theme", _quotes_html(quotes, themes)))
    if evidence.notes:
        items = "".join(f"<li>{_e(command_line(n))}</li>" for n in evidence.notes)  # a file: the command line's words
        sections.append(("notes", "Notes", f"<ul>{items}</ul>"))
    prov = pd.DataFrame(provenance_rows(evidence.provenance, cb), columns=["Item", "Value"])
    sections.append(("provenance", "Provenance", _table(prov, "Codebook, data, coders, runs and package versions "
                                                            "behind the figures", "provenance")))
    toc = "".join(f'<li><a href="#{_e(sid)}">{_e(name)}</a></li>' for sid, name, _ in sections)
    body = "\n".join(f'<section id="{_e(sid)}"><h2>{_e(name)}</h2>\n{html}</section>' for sid, name, html in sections)
    summary = (f"Codebook <b>{_e(cb['id'])}</b> (version {_e(cb.get('version'))}, sha256 "
               f"<code>{_e(str(cb.get('sha256'))[:12])}</code>): {evidence.documents_coded:,} documents "
               f"coded{' ' + _e(evidence.unread_text) if evidence.unread_text else ''}, "
               f"{evidence.segments_coded:,} passages ({evidence.segments_no_theme:,} of them, "
               f"{pct(evidence.no_theme_share)}, with no theme{evidence.human_note}). "
               f"Share = documents with the theme / {evidence.share_of}; "
               "intervals are Wilson 95% intervals. Quotes are de-identified unless stated otherwise.")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n"
        # the skip link comes first, and the contents stand before the main content, not in it, so a keyboard user
        # reaches the report in one key press instead of tabbing through every entry of the contents (WCAG 2.4.1)
        '<body><a class="skip" href="#main">Skip to main content</a><div class="page">'
        f'<header><h1>{_e(title)}</h1></header><nav aria-label="Contents"><ul>{toc}</ul></nav>\n'
        f'<main id="main" tabindex="-1"><p class="summary">{summary}</p>\n{body}\n</main></div></body></html>\n'
    )


def write_evidence_html(evidence, path: str | Path, title: str = "Evidence report") -> Path:
    """Write :func:`render_html` of ``evidence`` to ``path`` atomically."""
    return write_text(path, render_html(evidence, title=title))


def pick_heatmap_attribute(corpus, candidates: Sequence[str] | None = None) -> str | None:
    """The first metadata key whose coded documents fall in 2-12 groups (missing values aside), skipping
    keys that give every document its own group and the id column documents were read with (ids: a
    respondent who answered two questions has two documents under one id)."""
    builtins = corpus.builtin_attributes()
    attrs = list(candidates) if candidates else [a for a in corpus.known_attributes() if a not in builtins]
    for attr in attrs:
        if not candidates and corpus.names_documents(attr):
            continue
        groups, largest = corpus.group_spread(attr)
        if 2 <= groups <= 12 and largest > 1:  # an id column (one document per group) is no grouping
            return attr
    return None


def report_html(evidence, path: str | Path, *, title: str, quotes: pd.DataFrame | None = None,
                heatmap: str | None = None, redact: bool = True) -> Path:
    """Render the whole self-contained HTML report to ``path`` from what :func:`evalnlp.api.write_report`
    gathered: the evidence, the top quotes per theme, and the attribute of the heatmap. Returns ``path``."""
    html = render_html(evidence, quotes=quotes, heatmap=heatmap, title=title)
    if not redact:
        html = html.replace("Quotes are de-identified unless stated otherwise.",
                            "Quotes are NOT de-identified (redaction was turned off).")
    return write_text(path, html)
