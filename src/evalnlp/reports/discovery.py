"""Discovery's outputs: the topics as JSON (the ``discover --output FILE.json`` contract), a Markdown summary,
a self-contained HTML page of plots, and the draft codebook of ``--suggest`` as YAML.

Error codes: E161 an output or suggestion file of an unsupported type, E162 one in a folder that does not exist.
"""

from __future__ import annotations

import html
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evalnlp import errors

if TYPE_CHECKING:
    from evalnlp.discovery import Discovery

__all__ = ["OUTPUT_TYPES", "check_output", "check_suggestion", "render_html", "render_markdown", "write_discovery",
           "write_suggestion"]

#: Output files :func:`write_discovery` writes, by extension.
OUTPUT_TYPES = (".json", ".html", ".md")


def write_suggestion(discovery: Discovery, codebook, path: str | Path) -> Path:
    """Write the draft codebook of :func:`evalnlp.discovery.suggest_codebook` as YAML (validated before it is
    kept)."""
    from evalnlp.codebook import codebook_to_yaml, validate_codebook
    from evalnlp.discovery.suggestion import suggest_codebook
    from evalnlp.util import atomic_path

    check_suggestion(path)
    target = Path(path)
    draft, new_ids = suggest_codebook(discovery, codebook)
    header = [
        f"{DRAFT_HEAD}{codebook.id!r}, written by `evalnlp discover` "
        f"(embedding {discovery.embedding}, seed {discovery.seed}).",
        "# Every theme of the original codebook is kept as it was; the themes proposed from emergent topics are:",
        *(f"#   {tid}" for tid in new_ids),
        *(["#   (none: every topic found is near an existing theme)"] if not new_ids else []),
        "# Their labels, definitions and keywords are drafts made from the topics' keywords (words as written,",
        "# not lemmas), and their examples are the topics' most typical passages: edit all of them, then check",
        "# the file with `evalnlp codebook validate FILE`.",
    ]
    body = codebook_to_yaml(draft).split("\n", 1)[1]
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
        validate_codebook(tmp)
    return target


def _check_folder(path: Path) -> None:
    from evalnlp.util import check_output_path

    check_output_path(path)


#: How a draft codebook written by ``discover --suggest`` starts (see :func:`write_suggestion`).
DRAFT_HEAD = "# Draft extension of codebook "


def is_draft(path: str | Path) -> bool:
    """Whether the file at ``path`` is a draft codebook ``discover --suggest`` wrote (by its first line)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except OSError:
        return False
    return first.startswith(DRAFT_HEAD) and "written by `evalnlp discover`" in first


def check_suggestion(path: str | Path | None) -> None:
    """E161 (wrong kind of file) or E162 (no such folder) unless ``path`` is None or a .yaml/.yml file name in an existing folder."""
    if path is None:
        return
    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        raise errors.error("E161", "suggestion", path=str(path))
    _check_folder(Path(path))


def check_output(path: str | Path | None) -> None:
    """E161 (wrong kind of file) or E162 (no such folder) unless ``path`` is None or a file name ending in one of :data:`OUTPUT_TYPES` in an existing folder."""
    if path is None:
        return
    if Path(path).suffix.lower() not in OUTPUT_TYPES:
        raise errors.error("E161", "discover", output_types=', '.join(OUTPUT_TYPES), path=str(path))
    _check_folder(Path(path))


def write_discovery(discovery: Discovery, path: str | Path, *, title: str = "Themes discovered") -> Path:
    """Write ``discovery`` as JSON (the contract), a self-contained HTML page of plots, or Markdown."""
    from evalnlp.util import atomic_path

    check_output(path)
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        text = json.dumps(discovery.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif suffix == ".md":
        text = render_markdown(discovery, title=title)
    else:
        text = render_html(discovery, title=title)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def _md_cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def _describe(discovery: Discovery) -> list[str]:
    filters = ", ".join(f"{k} = {v!r}" for k, v in discovery.filters.items() if v is not None) or "none"
    return [
        f"- Passages: {discovery.n_passages:,} ({discovery.n_outliers:,} fit no topic); filters: {filters}",
        f"- Codebook: `{discovery.codebook_id}`; seed words from its keywords: {'yes' if discovery.guided else 'no'}",
        f"- Embedding: `{discovery.embedding}` (sha256 {discovery.encoder_sha256[:12]}); seed {discovery.seed}; "
        f"smallest topic {discovery.min_topic_size} passages",
        f"- A topic is emergent when its similarity to every theme (a catch-all aside) is below "
        f"{discovery.emergent_below:.2f}",
    ]


def render_markdown(discovery: Discovery, *, title: str = "Themes discovered") -> str:
    """A readable summary: the topic table, then each topic's keywords and examples."""
    t = discovery.topics
    lines = [f"# {title}", "", *_describe(discovery), "",
             f"{len(t)} topics, {int(t['emergent'].sum()) if len(t) else 0} emergent.", ""]
    if len(t):
        lines += ["| topic | size | label | keywords | nearest theme | similarity | emergent |",
                  "|---:|---:|---|---|---|---:|---|"]
        for r in t.itertuples(index=False):
            sim = "" if r.similarity != r.similarity else f"{r.similarity:.2f}"
            lines.append(f"| {r.topic} | {r.size:,} | {_md_cell(r.label)} | {_md_cell(', '.join(r.keywords))} | "
                         f"{_md_cell(r.theme or '')} | {sim} | {'**yes**' if r.emergent else 'no'} |")
        lines.append("")
        for r in t.itertuples(index=False):
            head = f"## Topic {r.topic}: {r.label}" + (" (emergent)" if r.emergent else "")
            near = f"nearest theme `{r.theme}` ({r.theme_label}), similarity {r.similarity:.2f}" if r.theme else \
                "no theme in the codebook"
            lines += [head, "", f"{r.size:,} passages; {near}.", "",
                      f"- c-TF-IDF keywords: {', '.join(r.keywords) or '(none)'}",
                      f"- KeyBERT-inspired keywords: {', '.join(r.keybert) or '(none)'}", "", "Examples:", ""]
            lines += [f"> {_md_cell(e)}\n" for e in r.examples]
    return "\n".join(lines).rstrip() + "\n"


def _figures(discovery: Discovery) -> tuple[list[tuple[str, Any]], list[str]]:
    """Plotly figures for the HTML page, and notes on those that could not be drawn."""
    import plotly.graph_objects as go

    figures: list[tuple[str, Any]] = []
    notes: list[str] = []
    t = discovery.topics
    model = discovery.model
    n = len(t)
    if n:
        sim = discovery.similarity.loc[t["topic"]]
        labels = [f"{r.topic}: {r.label}" for r in t.itertuples(index=False)]
        heat = go.Figure(go.Heatmap(z=sim.to_numpy(), x=list(sim.columns), y=labels, colorscale="Blues",
                                    zmin=-0.2, zmax=1.0, colorbar={"title": "similarity"}))
        heat.update_layout(title="Topic to theme similarity (centred cosine)", height=max(320, 28 * n + 140),
                           yaxis={"autorange": "reversed"}, template="plotly_white")
        figures.append(("topic-theme", heat))
    plots = [
        ("barchart", "top words per topic", lambda: model.visualize_barchart(top_n_topics=min(n, 16), n_words=8)),
        ("topics", "intertopic distance map", lambda: model.visualize_topics()),
        ("hierarchy", "topic hierarchy", lambda: model.visualize_hierarchy()),
        ("heatmap", "topic similarity", lambda: model.visualize_heatmap()),
    ]
    for key, what, draw in plots:
        if model is None or n < 2:
            notes.append(f"The {what} needs at least two topics.")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                figures.append((key, draw()))
        except Exception as exc:  # BERTopic's plots fail in assorted ways on small or odd topic sets
            notes.append(f"The {what} could not be drawn for these topics ({type(exc).__name__}: {exc}).")
    return figures, notes


#: The colours of the icons of a chart's toolbar (zoom, pan, download): plotly draws them in its grey at 30% opacity,
#: 1.7:1 on the white page, short of the 3:1 a control needs to be seen (WCAG 1.4.11); these are 7.0:1 and 17:1.
MODEBAR = {"color": "#595959", "activecolor": "#1b1b1b"}

#: The name of each chart of the HTML page, by its key, and what each chart's caption adds.
CHART_NAMES = {"topic-theme": "Topic to theme similarity", "barchart": "Top words per topic",
               "topics": "Intertopic distance map", "hierarchy": "Topic hierarchy", "heatmap": "Topic similarity"}
CHART_WORDS = "The topic table below gives each topic's size, keywords and nearest theme in words."

#: The topic table's caption: what each column holds.
TOPICS_CAPTION = ("Each topic's size in passages, label, keywords, nearest codebook theme and its similarity, whether it "
                  "is emergent, and its most typical passages")


def render_html(discovery: Discovery, *, title: str = "Themes discovered") -> str:
    """One self-contained HTML page: plotly's JavaScript inlined once, BERTopic's plots (their toolbars' icons in
    :data:`MODEBAR`'s colours), the topic table. The page is in British English, as the reports are, and its table
    is one a screen reader can read: a caption, a header cell for each column (``scope="col"``) and each row's topic
    number as the row's header (``scope="row"``)."""
    figures, notes = _figures(discovery)
    parts = []
    for i, (key, fig) in enumerate(figures):
        fig.update_layout(modebar=MODEBAR)
        chart = fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"evalnlp-{key}",
                            config={"displaylogo": False})
        # a chart drawn by plotly has no name a screen reader can give: its figure is named by a caption, which
        # says where the topics' figures are in words
        parts.append(f'<figure aria-labelledby="evalnlp-{key}-caption"><figcaption id="evalnlp-{key}-caption">'
                     f"<b>{CHART_NAMES[key]}.</b> {CHART_WORDS}</figcaption>{chart}</figure>")
    rows = "".join(
        f'<tr><th scope="row">{r.topic}</th><td>{r.size:,}</td><td>{html.escape(r.label)}</td>'
        f"<td>{html.escape(', '.join(r.keywords))}</td><td>{html.escape(r.theme or '')}</td>"
        f"<td>{'' if r.similarity != r.similarity else f'{r.similarity:.2f}'}</td>"
        f"<td>{'yes' if r.emergent else 'no'}</td>"
        f"<td>{'<br>'.join(html.escape(e) for e in r.examples)}</td></tr>"
        for r in discovery.topics.itertuples(index=False))
    head = "".join(f'<th scope="col">{name}</th>' for name in ("topic", "size", "label", "keywords", "nearest theme",
                                                               "similarity", "emergent", "examples"))
    about = "".join(f"<li>{html.escape(line[2:]).replace('`', '')}</li>" for line in _describe(discovery))
    note_html = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:90%}}th{{text-align:left}}
caption{{caption-side:top;text-align:left;font-weight:600;padding:0 0 6px}}.note{{color:#666}}
figure{{margin:1.5em 0}}figcaption{{margin:0 0 6px}}</style>
</head><body><main><h1>{html.escape(title)}</h1><ul>{about}</ul>
{''.join(parts)}{note_html}
<h2>Topics</h2><table><caption>{TOPICS_CAPTION}</caption><thead><tr>{head}</tr></thead>
<tbody>{rows}</tbody></table>
</main></body></html>
"""
