"""Markdown renderings of evidence tables and quotes (GitHub-flavoured pipe tables)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from evalnlp.errors import command_line
from evalnlp.reports._common import (
    testimonial_lines,
    attribution,
    claims_display,
    matrix_wide,
    pct,
    place,
    provenance_rows,
    quoted,
    theme_display,
)


#: Characters that Markdown (CommonMark, GitHub's) reads as formatting, links or HTML anywhere in a line (an
#: underscore inside a word, as in ``evalnlp_theme``, is not emphasis, nor is ``&`` outside an entity).
_INLINE = re.compile(r"([\\`*\[\]<>|~]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;))")
#: What makes a line an ordered list item (``1.``, ``2)``) or a heading, list item, quote or rule when it starts it.
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")
_LEADING_MARK = re.compile(r"^([#+\-=>])")
#: Square brackets that Markdown reads as the words they are, written without escapes so that a quote copied
#: from the file as it stands reads ``Dr [NAME]``: a pair with text and no bracket inside, not followed by ``(``,
#: ``[`` or ``:`` (a link, a reference link, a link definition) and not a footnote (``[^1]``). With every
#: ``[label]:`` escaped the file defines no link, so such a pair is never a link.
_PLAIN_BRACKETS = re.compile(r"\[(?!\^)([^\[\]]*\S[^\[\]]*)\](?![(\[:])")


def _cell(value: Any, *, line_start: bool = False) -> str:
    """``value`` as Markdown text that reads as the words it is: on one line, every character Markdown would
    take for formatting, a link or HTML escaped (``*star*`` stays ``*star*``, ``<b>`` stays ``<b>``); with
    ``line_start``, also what would make a line a heading, list item or quote."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text, parts, at = " ".join(str(value).split()), [], 0
    for m in _PLAIN_BRACKETS.finditer(text):
        parts += [_INLINE.sub(r"\\\1", text[at:m.start()]), "[", _INLINE.sub(r"\\\1", m.group(1)), "]"]
        at = m.end()
    text = "".join(parts) + _INLINE.sub(r"\\\1", text[at:])
    if line_start:
        text = _LEADING_MARK.sub(r"\\\1", _LEADING_NUMBER.sub(r"\1\\\2", text))
    return text


def table(df: pd.DataFrame) -> str:
    """A pipe table; numbers right-aligned."""
    if df.columns.empty:
        return ""
    head = "| " + " | ".join(_cell(c) for c in df.columns) + " |"
    align = "| " + " | ".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else "---" for c in df.columns) + " |"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False, name=None)]
    return "\n".join([head, align, *body])


def evidence_markdown(evidence, title: str = "Evidence tables") -> str:
    """The evidence tables as one Markdown document."""
    cb = evidence.codebook
    out = [f"# {title}", "",
           f"Codebook `{cb['id']}` (version {cb.get('version')}): {evidence.documents_coded:,} documents "
           f"coded{evidence.unread_text}, "
           f"{evidence.segments_coded:,} passages ({evidence.segments_no_theme:,} of them, "
           f"{pct(evidence.no_theme_share)}, with no theme{evidence.human_note}). "
           f"Share = documents with the theme / {evidence.share_of}, with a "
           "Wilson 95% interval.", "", "## Themes", "", table(theme_display(evidence.themes)), ""]
    for attr, matrix in evidence.matrices.items():
        out += [f"## Themes by {attr}", "", f"Each cell: documents with the theme / {evidence.share_of} in the group "
                "(share).", "", table(matrix_wide(matrix)), ""]
    if len(evidence.claims):
        out += ["## Claims", "", table(claims_display(evidence.claims)), ""]
        for _, c in evidence.claims.iterrows():
            out += [f"### {c['id']}: {_cell(c['text'])}", "", f"Strength: **{c['strength']}**.", ""]
            for q in c["quotes"]:
                out += [f"> {_cell(quoted(q['text']), line_start=True)}", ">", f"> \u2014 {_cell(attribution(q))}", ""]
            # headed as in the Word and HTML forms, so that each quotation's lines paste into a report as they are
            testimonials = c.get("testimonials") or []
            out += ["Attributed testimonials:", ""] if testimonials else []
            for tm in testimonials:
                said, who, entries = testimonial_lines(tm)
                out += [f"> {_cell(said, line_start=True)}", ">", f"> \u2014 {_cell(who)}"]
                out += [">", *[f"> {_cell(e)}" for e in entries]] if entries else []
                out.append("")
            out += ["Reach figures:", ""] if c["reach"] else []
            for r in c["reach"]:
                out.append(f"- {_cell(r['text'])} ({_cell(place(r['source'], r['locator'], ', '))})")
            if c["reach"]:
                out.append("")
        out += ["### Strength rule", "", "```text", evidence.strength_rule.rstrip(), "```", ""]
    if evidence.notes:
        out += ["## Notes", "", *[f"- {_cell(command_line(n))}" for n in evidence.notes], ""]
    prov = pd.DataFrame(provenance_rows(evidence.provenance, cb), columns=["Item", "Value"])
    out += ["## Provenance", "", table(prov), ""]
    return "\n".join(out)


def quotes_markdown(quotes: pd.DataFrame, labels: dict[str, str] | None = None, title: str = "Quotes",
                    redacted: bool = True) -> str:
    """Quotes grouped by theme (and group), each with its attribution; ``redacted=False`` says under the title
    that they are not de-identified."""
    from evalnlp.quotes import quote_records
    from evalnlp.reports._common import NOT_REDACTED

    labels = labels or {}
    out = [f"# {title}", ""] + ([] if redacted else [f"**{NOT_REDACTED}**", ""])
    if quotes.empty:
        return "\n".join(out + ["No quotes: no coded passages for this theme.", ""])
    current: tuple = ()
    for q in quote_records(quotes):
        key = (q["theme"], q.get("group"))
        if key[0] != (current[0] if current else None):
            out += [f"## {_cell(labels.get(q['theme'], q['theme']))}", ""]
        if "group" in q and key != current:
            out += [f"### {_cell(q['group'])}", ""]
        current = key
        out += [f"> {_cell(quoted(q['text']), line_start=True)}", ">", f"> \u2014 {_cell(attribution(q))}", ""]
    return "\n".join(out)
