"""Reach figures in tables: a row that names who was reached in one cell and counts them in another.

Case studies and evaluation reports often gather their reach figures in a table ("Teachers trained in Wessex |
1,200 | [B]"), where the count and its noun stand in different cells and no sentence joins them, so the rules
for prose (:mod:`evalnlp.ingest._narrative_reach`) find nothing there. Here a cell that holds a count alone (a
number with an optional qualifier: ``1,200``, ``c. 45,000``, ``over 2,000``, ``approximately 3,500``, ``900+``)
is a reach figure when the row's first cell names people, organisations or places (the head of its noun phrase,
after a lead such as "Number of", is a word of :data:`~evalnlp.ingest._narrative_reach.PEOPLE`: "Teachers
trained in Wessex", "Parents and carers", but not "Senior Leaders Masterclass") or, in a row under the table's first, when the column's first cell does
("Year | Teachers | Schools" over "2018 | 400 | 120"). The unit is that cell's text as written. A year, a
money amount, a share or a count of things ("Workshops run | 64") is no reach figure.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from evalnlp.ingest._narrative_reach import NUMBER, QUALIFIER, THINGS, _is_people, _is_year, parse_number

__all__ = ["table_reach", "docx_cells", "markdown_cells", "with_table_reach"]

_COUNT = re.compile(rf"[ \t]*(?P<figure>{QUALIFIER}?{NUMBER})[ \t]*", re.IGNORECASE)
_LEAD = re.compile(r"(?i)[ \t]*(?:(?:the\s+)?(?:total\s+)?(?:number|no\.?|numbers|count)\s+of\s+|total\s+|all\s+)")
_WORD = re.compile(r"[A-Za-z][\w'\u2019&-]*")
_TABLE_CELL = re.compile(r"table (\d+) row (\d+) cell (\d+)")


#: Words that end a label's noun phrase: a preposition or a conjunction ("Teachers in Wessex", "Parents and
#: carers"), after which the words say more of who was counted, not who they were.
_PHRASE_END = frozenset("""in at by from for with through across on per under over within of to and or who
    that which whose""".split())
#: Past participles and adverbs that follow a label's head ("Pupils taught by ...", "Teachers first trained"),
#: besides the words ending in -ed, -ing and -ly.
_AFTER_HEAD = frozenset("""taught run held given met seen made done built found led brought kept sent won shown
    told thought paid read heard grown first now still also already newly""".split())


def _unit(label: str) -> str | None:
    """The label as written (less a lead such as "Number of"), when it names people, organisations or places: the
    head of its first noun phrase, the word before a preposition, a conjunction or a participle ("Teachers
    trained in Wessex", "Parents and carers", "Secondary school teachers"), is such a word and no count of things
    ("Senior Leaders Masterclass", "Workshops for teachers" are not); else None."""
    lead = _LEAD.match(label)
    body = label[lead.end():] if lead else label
    body = " ".join(body.split()).rstrip(":")
    words = _WORD.findall(body)
    head = None
    for k, word in enumerate(words):
        low = word.lower()
        if low in _PHRASE_END or (k and (low in _AFTER_HEAD or low.endswith(("ed", "ing", "ly")))
                                  and not _is_people(low)):
            break
        head = word
    if head is None or head.lower() in THINGS or not _is_people(head.lower(), head):
        return None
    return body


def table_reach(text: str, cells: Iterable[tuple[Any, int, int, int, int]]) -> list[Any]:
    """The reach figures of the tables whose cells are ``cells`` (table, row, column, start, end; spans of
    ``text``), as :class:`~evalnlp.ingest.narrative.Reach` objects in text order (see the module's description)."""
    from evalnlp.ingest.narrative import Reach

    tables: dict[Any, dict[int, dict[int, tuple[int, int]]]] = {}
    for table, row, col, start, end in cells:
        tables.setdefault(table, {}).setdefault(row, {})[col] = (start, end)
    out = []
    for rows in tables.values():
        first = min(rows)
        header = rows[first]
        for row, by_col in rows.items():
            cols = sorted(by_col)
            label = next((c for c in cols if _COUNT.fullmatch(text, *by_col[c]) is None), None)
            for col in cols:
                start, end = by_col[col]
                m = _COUNT.fullmatch(text, start, end)
                if m is None or _is_year(m.group("num")):
                    continue
                unit = _unit(text[slice(*by_col[label])]) if label is not None and label < col else None
                if unit is None and row != first and col in header:
                    unit = _unit(text[slice(*header[col])])
                value = parse_number(m.group("num"))
                if unit is None or not value or value != int(value):  # (a mean rating, "4.8", counts no one)
                    continue
                out.append(Reach(text=m.group("figure"), value=value, unit=unit, start=m.start("figure"),
                                 end=m.end("figure")))
    return sorted(out, key=lambda r: r.start)


def docx_cells(locators: list[str], starts: list[int], texts: list[str]) -> list[tuple[Any, int, int, int, int]]:
    """The table cells among a Word document's passages (locator ``table 1 row 2 cell 3``), each starting at
    ``starts`` in the text they are joined into."""
    out = []
    for locator, start, text in zip(locators, starts, texts):
        m = _TABLE_CELL.fullmatch(locator)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), int(m.group(3)), start, start + len(text)))
    return out


_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)
_RULE_ROW = re.compile(r"[\s|:-]*")


def markdown_cells(text: str) -> list[tuple[Any, int, int, int, int]]:
    """The cells of the Markdown tables of ``text``: a table is a run of lines that start and end with ``|``,
    its rule row (``|---|---|``) left out."""
    out = []
    table, row, last_end = 0, 0, -2
    for m in _ROW.finditer(text):
        if _RULE_ROW.fullmatch(m.group(1)):
            last_end = m.end()
            continue
        if text[last_end + 1:m.start()].strip() or last_end < 0:
            table, row = table + 1, 0
        row += 1
        pos, col = m.start(1), 0
        for part in m.group(1).split("|"):
            col += 1
            out.append((table, row, col, pos, pos + len(part)))
            pos += len(part) + 1
        last_end = m.end()
    return out


def with_table_reach(reach: list[Any], text: str, cells: list[tuple[Any, int, int, int, int]],
                     end: int | None = None) -> list[Any]:
    """``reach`` (found in prose) with the reach figures of the tables whose cells are ``cells`` that lie in
    ``text[:end]`` (the narrative before a corroborating-sources section), in text order."""
    end = len(text) if end is None else end
    found = table_reach(text, [c for c in cells if c[4] <= end])
    if not found:
        return reach
    return sorted([*reach, *found], key=lambda r: (r.start, r.end))
