"""Writing a store as a REFI-QDA project (``.qdpx``) and a codebook as a REFI-QDA codebook (``.qdc``).

The project holds one ``User`` per coder (a person under their name, a model under its coder id
``model:NAME@SHA``; the ``id`` attribute is the coder id either way), the codebook (themes as codes, nested
by ``parent``), one ``Variable`` per document attribute (plus the document's ``source``, ``locator``,
``question`` and ``kind``, each marked ``evalnlp:<field>`` in its description), and the documents as
``TextSource`` elements whose plain text is a UTF-8 ``.txt`` member of ``sources/``
(``plainTextPath="internal://..."``; only a plain-text path, no rich-text one, since some programs read a
rich-text path as a formatted document): a survey answer (or a row of a table) is a source of its own, and a
narrative file (its paragraphs, pages or table cells, each a document of the same ``source``) is one source
whose text is its documents' texts in reading order (:func:`reading_order`) joined by a blank line. Each
passage that a coder assigned a theme is a ``PlainTextSelection`` (character offsets into that source's text:
a narrative document's passages are moved on by the document's start in it), and each theme assigned to it a
``Coding`` by that coder's user. A narrative file's source has the variable values its documents share.

What the standard has no place for (scores, passages coded with no theme, passages no one coded, sentence
and testimonial kinds, speakers, sentiment, reach figures, corroborating-source entries and the testimonials
citing them, with how each was linked (a marker, or a letter of support filed as a file of its own, and what each
such letter says of itself), the runs behind the codes) travels in
``evalnlp.json`` beside ``project.qde``, tied to it by its sha256: evalnlp reads it back only when the
project is the one it was written with, so a file edited in another program is read from its XML alone. It
describes every document (by the GUID ``guid("document", doc_id)``) and, under ``files``, where each document of
a narrative file is in its source's text (``[document GUID, start, end]``), so that an import splits the
source back into the same documents; its passages and reach figures keep offsets into their own document.

A narrative file read again after an edit (without ``replace``) holds two versions of each changed paragraph: its
source's text is the file as last read (:func:`latest_reading`), and the earlier versions, with their passages and
codes, are described like every document but travel in ``superseded`` (with their texts), in no source's text.

GUIDs derive from the store's ids and every date from its runs, so the same store gives a byte-identical file.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from evalnlp import errors
from evalnlp.qda._codebook import theme_description
from evalnlp.qda._ids import code_guid, guid
from evalnlp.schema import HUMAN_PREFIX, place

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
SIDECAR = "evalnlp.json"
#: The folder of internal sources. The specification's text names it "sources" (its examples show
#: "Sources"); some programs look it up case-sensitively, so the name the text gives is the safe one.
SOURCES = "sources"
SIDECAR_FORMAT = "evalnlp-qdpx"
#: 2: a narrative file is one source, and ``files`` says where its documents are in its text; 3: ``letters`` (what
#: each letter of support filed as a file of its own says of itself), each source link's ``how`` (a letter's link
#: or a marker's), and a narrative file's superseded documents (``superseded``: the versions of its paragraphs that
#: a later read of the file changed, kept in the store and carried here, not in the source's text)
SIDECAR_VERSION = 3
#: the versions of evalnlp.json this evalnlp reads (1 has no ``files``: every source is one document; 2 has no
#: ``letters``, no ``how`` and no ``superseded``)
SIDECAR_VERSIONS = (1, 2, 3)
#: what joins a narrative file's documents in its source's text
JOIN = "\n\n"
#: Document fields written as variables, with the description that marks them as evalnlp's.
BUILTIN_FIELDS = {
    "source": "the file the document was read from",
    "locator": "where in that file (row, paragraph, page)",
    "question": "the survey question (text column) it answers",
    "kind": "response (a survey answer) or narrative (a file's text: its paragraphs, pages or table cells)",
}
#: The columns of the store's ``letters`` table, as evalnlp.json carries them (the segment as its index).
LETTER_COLUMNS = ["seg_id", "letter_id", "source", "name", "roles", "organisations", "letterhead", "date", "run_id"]
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
            "#17becf", "#393b79", "#637939")
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
BOM = "\ufeff"


def builtin_variable_guid(field_name: str) -> str:
    return guid("variable", "evalnlp:" + field_name)


def xml_text(value: Any) -> str:
    """Text XML can carry: characters XML 1.0 forbids (control characters from Word, say) become spaces."""
    return _XML_BAD.sub(" ", str(value))


def _short(text: str, n: int = 80) -> str:
    """``text`` on one line, cut at ``n`` characters: a selection's name (its first words). A character XML cannot
    hold is a space first, so that the name is the passage's words as a reader compares them."""
    one = " ".join(xml_text(text).split())
    return one if len(one) <= n else one[: n - 1].rstrip() + "\u2026"


def _date(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent: ET.Element, ns: str, tag: str, **attrs: Any) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in attrs.items():
        if value is not None:
            el.set(key, xml_text(value))
    return el


def _to_bytes(root: ET.Element, ns: str) -> bytes:
    ET.register_namespace("", ns)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# ---------------------------------------------------------------------------------------- codebook


def _codes(parent: ET.Element, ns: str, cb) -> None:
    codes = _el(parent, ns, "Codes")
    kids: dict[str | None, list] = {}
    for theme in cb.themes:
        kids.setdefault(theme.parent, []).append(theme)
    colour = {t.id: t.color or _PALETTE[i % len(_PALETTE)] for i, t in enumerate(cb.themes)}

    def add(into: ET.Element, theme) -> None:
        el = _el(into, ns, "Code", guid=code_guid(cb.id, theme.id), name=theme.label, isCodable="true",
                 color=colour[theme.id])
        _el(el, ns, "Description").text = xml_text(theme_description(theme))
        for child_theme in kids.get(theme.id, []):
            add(el, child_theme)

    for theme in kids.get(None, []):
        add(codes, theme)


def codebook_xml(cb) -> bytes:
    """A ``.qdc`` file (valid against Codebook.xsd) for codebook ``cb``."""
    from evalnlp import __version__

    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook",
                      origin=xml_text(f"evalnlp {__version__} (codebook {cb.id} {cb.version}, sha256 {cb.sha256})"))
    _codes(root, CODEBOOK_NS, cb)
    return _to_bytes(root, CODEBOOK_NS)


# ---------------------------------------------------------------------------------------- project


@dataclass
class ExportData:
    """What a project export is made from: store tables as DataFrames."""

    name: str
    codebook: Any
    documents: pd.DataFrame
    segments: pd.DataFrame
    codes: pd.DataFrame
    sentiment: pd.DataFrame
    reach: pd.DataFrame
    runs: pd.DataFrame
    sources: pd.DataFrame | None = None  # corroborating-source entries of narrative files
    segment_sources: pd.DataFrame | None = None  # the entries each testimonial cites (and how it was linked)
    letters: pd.DataFrame | None = None  # what each letter filed as a file of its own says, per passage of its body
    #: the narrative documents' ids in the order the store took them (a file's reading order with their
    #: locators, see :func:`reading_order`); None: the order of ``documents``
    order: list[str] | None = None


@dataclass
class ExportSummary:
    path: Path
    documents: int = 0
    sources: int = 0  # text sources: one per survey answer (or table row), one per narrative file
    files: int = 0  # narrative files among the sources
    superseded: int = 0  # documents of narrative files that a later read superseded: not in their source's text
    passages: int = 0  # every passage of the documents, coded or not (those with no code travel in evalnlp.json)
    selections: int = 0  # the passages a coder gave a theme: the project's text selections
    codings: int = 0
    #: coder, passages (those it coded, a theme or none), with_code (those it gave a theme), codings
    coders: pd.DataFrame = field(default_factory=lambda: coder_counts(pd.DataFrame()))
    notes: list[str] = field(default_factory=list)


def coder_counts(codes: pd.DataFrame) -> pd.DataFrame:
    """Per coder of ``codes`` (rows of seg_id, coder, assigned), in coder order: the passages it coded
    (``passages``: a decision on the passage, a theme or none), those it gave at least one theme (``with_code``)
    and its codings (one per theme given). ``export`` and ``import`` both count so, and say both numbers."""
    if codes.empty:
        return pd.DataFrame({"coder": pd.Series(dtype=object), "passages": pd.Series(dtype="int64"),
                             "with_code": pd.Series(dtype="int64"), "codings": pd.Series(dtype="int64")})
    assigned = codes[codes["assigned"].astype(bool)]
    per = codes.groupby("coder")["seg_id"].nunique().rename("passages").to_frame()
    per["with_code"] = assigned.groupby("coder")["seg_id"].nunique().reindex(per.index).fillna(0).astype("int64")
    per["codings"] = assigned.groupby("coder").size().reindex(per.index).fillna(0).astype("int64")
    return per.astype("int64").reset_index()


def _variable_type(values: list[Any]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "Boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "Integer"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        return "Float"
    if values and all(isinstance(v, str) and _ISO_DATE.fullmatch(v) and _parses(v) for v in values):
        return "Date"  # a program's Date variable, read as its ISO text, goes back as a date
    if values and all(isinstance(v, str) and _ISO_DATETIME.fullmatch(v) and _parses(v) for v in values):
        return "DateTime"
    return "Text"


def _parses(value: str) -> bool:
    """Is ``value`` a real date or date and time (not 2024-02-30)?"""
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")


def _value_element(parent: ET.Element, var_guid: str, type_: str, value: Any) -> None:
    vv = _el(parent, PROJECT_NS, "VariableValue")
    _el(vv, PROJECT_NS, "VariableRef", targetGUID=var_guid)
    if type_ == "Boolean":
        _el(vv, PROJECT_NS, "BooleanValue").text = "true" if value else "false"
    elif type_ == "Integer":
        _el(vv, PROJECT_NS, "IntegerValue").text = str(int(value))
    elif type_ == "Float":
        from decimal import Decimal

        _el(vv, PROJECT_NS, "FloatValue").text = format(Decimal(repr(float(value))), "f")  # no exponent
    elif type_ in ("Date", "DateTime"):
        _el(vv, PROJECT_NS, f"{type_}Value").text = value
    else:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
        _el(vv, PROJECT_NS, "TextValue").text = xml_text(text)


def _attrs(value: Any) -> dict:
    if not isinstance(value, str) or not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def exported_name(source: str, locator: str | None, question: Any, *, sheet_twice: bool = False) -> str:
    """The name a text source has in an exported project: a document's source and locator (a workbook's sheet
    named once: ``survey.xlsx#Comments!row 8``), and its question (cut short) in brackets; a narrative file's
    source (``locator`` None) is named by its file alone. ``sheet_twice``: the name projects exported before
    gave a workbook's row (``survey.xlsx#Comments Comments!row 8``), by which an import still knows it."""
    name = source if locator is None else f"{source} {locator}" if sheet_twice else place(source, locator)
    if isinstance(question, str) and question:
        name += f" ({_short(question, 60)})"
    return name


def file_guid(source: str, question: Any) -> str:
    """The GUID of a narrative file's text source, from its source (and question): the file keeps it when one of
    its paragraphs changes."""
    return guid("file", source, question if isinstance(question, str) else "")


_PLACE = re.compile(r"(?:paragraph|page|pages) (\d+)(?:-\d+)?")
_CELL = re.compile(r"table (\d+) row (\d+) cell (\d+)")


def reading_order(locators: list[str]) -> list[int]:
    """The order to read a narrative file's documents in: indices into ``locators``, which are given in the order
    the store took the documents (:meth:`evalnlp.store.Store.narrative_documents`).

    Paragraphs and pages go by their number ("paragraph 10" after "paragraph 9", which the locators' text would
    put first; "pages 3-4", a page run on into the next, at 3). A DOCX table's cells go by table, row and cell,
    after the paragraph the store took before the table's first cell (a cell's locator cannot say where its
    table stands among the paragraphs; an ingest stores them in the order of the document's body). Documents at
    one place (a file read again after an edit keeps both versions of a changed paragraph) stay in the order the
    store took them. A locator of any other form (``document``: a source imported from another program's
    project) keeps the store's order for the whole file."""
    keys = []
    paragraph = 0
    table_at: dict[int, int] = {}
    for i, locator in enumerate(locators):
        place = _PLACE.fullmatch(locator) if isinstance(locator, str) else None
        if place is not None:
            paragraph = int(place.group(1))
            keys.append((paragraph, 0, 0, 0, 0, i))
            continue
        cell = _CELL.fullmatch(locator) if isinstance(locator, str) else None
        if cell is None:
            return list(range(len(locators)))
        table, row, column = (int(g) for g in cell.groups())
        keys.append((table_at.setdefault(table, paragraph), 1, table, row, column, i))
    return [key[-1] for key in sorted(keys)]


@dataclass
class _Unit:
    """One text source of a project: a document, or a narrative file's documents."""

    guid: str
    name: str
    member: str  # the plain text's member of the archive
    rows: list[int]  # the documents' rows of the export's documents, in reading order
    starts: list[int]  # where each document's text starts in the source's text
    text: str
    file: bool  # a narrative file's documents (else one document)
    #: a narrative file's documents that a later read of it superseded (an earlier version of a paragraph that
    #: changed), in the order the store took them: not in the text
    superseded: list[int] = field(default_factory=list)


def latest_reading(locators: list[str]) -> tuple[list[int], list[int]]:
    """A narrative file's documents as last read, and those a later read superseded: indices into ``locators``,
    given in the order the store took the documents. A file read again after an edit (without ``replace``) keeps
    the earlier version of each changed paragraph at its place beside the new one; at each place, the document
    the store took last is the file's latest reading there, and the others are superseded."""
    last = {loc: i for i, loc in enumerate(locators)}
    latest = [i for i, loc in enumerate(locators) if last[loc] == i]
    return latest, [i for i, loc in enumerate(locators) if last[loc] != i]


def _units(docs: list[dict], store_order: list[str] | None) -> list[_Unit]:
    """The project's text sources, in the order of their first document in ``docs``: each survey answer (or table
    row) a source of its own, each narrative file (documents of kind narrative with one source and question) one
    source whose text is its latest reading's documents' texts (:func:`latest_reading`) in reading order joined by a
    blank line. ``store_order``: the narrative documents' ids in the order the store took them (without it, the
    order of ``docs``)."""
    rank = {d: k for k, d in enumerate(store_order or [])}
    groups: dict[tuple, list[int]] = {}
    for i, doc in enumerate(docs):
        question = doc["question"] if isinstance(doc["question"], str) else None
        key = ("file", doc["source"], question) if doc["kind"] == "narrative" else ("document", doc["doc_id"])
        groups.setdefault(key, []).append(i)
    units = []
    for key, rows in groups.items():
        if key[0] == "document":
            row = docs[rows[0]]
            units.append(_Unit(guid=guid("document", row["doc_id"]),
                               name=exported_name(row["source"], row["locator"], row["question"]),
                               member=f"{SOURCES}/{guid('text', row['doc_id'])}.txt", rows=rows, starts=[0],
                               text=row["text"], file=False))
            continue
        _, source, question = key
        rows = sorted(rows, key=lambda i: (rank.get(docs[i]["doc_id"], len(rank)), i))
        latest, superseded = latest_reading([docs[i]["locator"] for i in rows])
        superseded = [rows[k] for k in superseded]
        rows = [rows[k] for k in latest]
        rows = [rows[k] for k in reading_order([docs[i]["locator"] for i in rows])]
        starts, at = [], 0
        for i in rows:
            starts.append(at)
            at += len(docs[i]["text"]) + len(JOIN)
        unit_guid = file_guid(source, question)
        units.append(_Unit(guid=unit_guid, name=exported_name(source, None, question),
                           member=f"{SOURCES}/{guid('text', unit_guid)}.txt", rows=rows, starts=starts,
                           text=JOIN.join(docs[i]["text"] for i in rows), file=True, superseded=superseded))
    return units


def _common(values: list[Any]) -> Any:
    """The value every one of ``values`` is (compared as JSON: ``1`` is not ``true``), else None."""
    if not values or any(v is None for v in values):
        return None
    first = json.dumps(values[0], sort_keys=True)
    return values[0] if all(json.dumps(v, sort_keys=True) == first for v in values[1:]) else None


def user_name(coder: str) -> str:
    """How a coder is named in the project: a person by their name, a model by its full coder id."""
    return coder[len(HUMAN_PREFIX):] if coder.startswith(HUMAN_PREFIX) else coder


def _renamed_as_now(codes: pd.DataFrame, cb, runs: pd.DataFrame) -> pd.DataFrame:
    """``codes`` with those of the codebook's runs stored under a theme's earlier name (its old id, kept as an
    alias: :meth:`evalnlp.codebook.Codebook.renamed_themes`) given as the theme, as evidence counts them, so a
    person's coding of a renamed theme goes with the project; where the coder has a code of the theme's id on the
    passage too, that later decision is the one kept."""
    renamed = cb.renamed_themes(set(codes["theme"]))
    if not renamed or runs.empty:
        return codes
    of_codebook = set(runs.loc[runs["codebook_id"] == cb.id, "run_id"])
    old = (codes["theme"].isin(list(renamed)) & codes["run_id"].isin(of_codebook)).to_numpy()
    if not old.any():
        return codes
    now = codes[~old]
    mapped = codes[old].assign(theme=codes.loc[old, "theme"].map(renamed))
    have = set(zip(now["seg_id"], now["coder"], now["theme"]))
    mapped = mapped[[k not in have for k in zip(mapped["seg_id"], mapped["coder"], mapped["theme"])]]
    mapped = mapped.sort_values("assigned", ascending=False, kind="stable").drop_duplicates(
        ["seg_id", "coder", "theme"])
    return pd.concat([now, mapped]).sort_index()


def build_project(data: ExportData) -> tuple[bytes, bytes, dict[str, str], ExportSummary]:
    """(project.qde bytes, evalnlp.json bytes, {member name: text}, summary)."""
    from evalnlp import __version__
    from evalnlp.columns import evalnlp_names

    cb = data.codebook
    theme_ids = set(cb.theme_ids)
    theme_order = {t: i for i, t in enumerate(cb.theme_ids)}
    summary = ExportSummary(path=Path(data.name))
    docs = data.documents.reset_index(drop=True)
    codes = _renamed_as_now(data.codes, cb, data.runs)
    outside = sorted(set(codes["theme"]) - theme_ids)
    if outside:
        summary.notes.append(f"codes for themes not in codebook {cb.id!r} were left out: {', '.join(outside)}")
    codes = codes[codes["theme"].isin(theme_ids)]
    runs = data.runs.set_index("run_id") if not data.runs.empty else pd.DataFrame(columns=["started", "finished"])
    finished = {r: _date(v) for r, v in runs["finished"].items()} if len(runs) else {}
    started = {r: _date(v) for r, v in runs["started"].items()} if len(runs) else {}

    coders = sorted(set(codes["coder"]))
    user_guid = {c: guid("user", c) for c in coders}
    assigned = codes[codes["assigned"].astype(bool)]
    selected = set(assigned["seg_id"])
    segs = data.segments
    sel_segs = segs[segs["seg_id"].isin(selected)].sort_values(["doc_id", "start", "end", "kind"])
    by_doc = {d: g for d, g in sel_segs.groupby("doc_id", sort=False)}
    codings_of: dict[str, list] = {}
    for row in assigned.itertuples(index=False):
        codings_of.setdefault(row.seg_id, []).append((row.coder, row.theme, row.run_id))

    root = ET.Element(f"{{{PROJECT_NS}}}Project", name=xml_text(data.name), origin=f"evalnlp {__version__}")
    all_dates = sorted(d for d in list(started.values()) + list(finished.values()) if d)
    if all_dates:
        root.set("creationDateTime", all_dates[0])
        root.set("modifiedDateTime", all_dates[-1])
    if coders:
        users = _el(root, PROJECT_NS, "Users")
        for c in coders:
            _el(users, PROJECT_NS, "User", guid=user_guid[c], name=user_name(c), id=c)
    book = _el(root, PROJECT_NS, "CodeBook")
    _codes(book, PROJECT_NS, cb)

    # variables: the document fields, then every attribute key in order of first appearance
    attrs = [_attrs(a) for a in docs["attrs"]] if len(docs) else []
    keys: list[str] = list(dict.fromkeys(k for a in attrs for k, v in a.items() if v is not None))
    fields = [f for f in BUILTIN_FIELDS if f != "question" or docs["question"].notna().any()]
    field_names = dict(zip(fields, evalnlp_names(keys, fields)))
    var_types = {k: _variable_type([a[k] for a in attrs if a.get(k) is not None]) for k in keys}
    if len(docs):
        variables = _el(root, PROJECT_NS, "Variables")
        for f in fields:
            v = _el(variables, PROJECT_NS, "Variable", guid=builtin_variable_guid(f), name=field_names[f],
                    typeOfVariable="Text")
            _el(v, PROJECT_NS, "Description").text = f"evalnlp:{f}: {BUILTIN_FIELDS[f]}"
        for k in keys:
            _el(variables, PROJECT_NS, "Variable", guid=guid("variable", k), name=k, typeOfVariable=var_types[k])

    texts: dict[str, str] = {}
    sidecar_docs: dict[str, dict] = {}
    files: dict[str, list] = {}
    superseded: dict[str, list] = {}
    twice: list[str] = []
    records = docs.to_dict("records")
    units = _units(records, data.order)
    if units:
        sources = _el(root, PROJECT_NS, "Sources")
    for unit in units:
        rows = [records[i] for i in unit.rows]
        texts[unit.member] = unit.text
        made = sorted(d for d in (started.get(r["run_id"]) for r in rows) if d)
        src = _el(sources, PROJECT_NS, "TextSource", guid=unit.guid, name=unit.name,
                  plainTextPath="internal://" + unit.member.split("/", 1)[1],
                  creationDateTime=made[0] if made else None)
        for row, at in zip(rows, unit.starts):
            for seg in (by_doc[row["doc_id"]].itertuples(index=False) if row["doc_id"] in by_doc else ()):
                # a narrative document's passage, moved on by the document's start in its file's text
                sel = _el(src, PROJECT_NS, "PlainTextSelection", guid=guid("segment", seg.seg_id),
                          name=_short(seg.text), startPosition=at + int(seg.start), endPosition=at + int(seg.end))
                marks = sorted(codings_of.get(seg.seg_id, []), key=lambda m: (m[0], theme_order[m[1]]))
                for coder, theme, run_id in marks:
                    coding = _el(sel, PROJECT_NS, "Coding", guid=guid("coding", seg.seg_id, theme, coder),
                                 creatingUser=user_guid[coder], creationDateTime=finished.get(run_id))
                    _el(coding, PROJECT_NS, "CodeRef", targetGUID=code_guid(cb.id, theme))
                    summary.codings += 1
                summary.selections += 1
        # the values its documents share (a narrative file's documents are at different locators: it has none)
        for f in fields:
            value = _common([r[f] if isinstance(r[f], str) else None for r in rows])
            if value is not None:
                _value_element(src, builtin_variable_guid(f), "Text", value)
        for k in keys:
            value = _common([attrs[i].get(k) for i in unit.rows])
            if value is not None:
                _value_element(src, guid("variable", k), var_types[k], value)
        old = [records[i] for i in unit.superseded]
        for row in rows + old:
            sidecar_docs[guid("document", row["doc_id"])] = {
                "source": row["source"], "locator": row["locator"], "kind": row["kind"],
                "question": row["question"] if isinstance(row["question"], str) else None,
                "attrs": row["attrs"] if isinstance(row["attrs"], str) else None}
        if unit.file:
            files[unit.guid] = [[guid("document", row["doc_id"]), at, at + len(row["text"])]
                                for row, at in zip(rows, unit.starts)]
            if old:  # not in the text: their texts, and their passages in "segments", travel in evalnlp.json
                superseded[unit.guid] = [[guid("document", row["doc_id"]), row["text"]] for row in old]
                places = list(dict.fromkeys(r["locator"] for r in old))
                twice.append(f"{unit.name} ({', '.join(places)})")
    summary.documents = len(docs)
    summary.sources = len(units)
    summary.files = sum(unit.file for unit in units)
    summary.superseded = sum(len(unit.superseded) for unit in units)
    if twice:
        old_ids = {records[i]["doc_id"] for unit in units for i in unit.superseded}
        coded = len(set(sel_segs.loc[sel_segs["doc_id"].isin(old_ids), "seg_id"]))
        many = len(twice) != 1
        said = (f"{len(twice)} narrative file{'s were' if many else ' was'} read in more than one version (the file "
                f"changed between reads): {'each' if many else 'its'} source's text is the file as last read, and the "
                f"{summary.superseded} earlier version{'s' if summary.superseded != 1 else ''} of changed paragraphs "
                f"or pages ({coded} coded passage{'s' if coded != 1 else ''}) "
                f"{'are' if summary.superseded != 1 else 'is'} kept in the store and in {SIDECAR}, not in the text: "
                f"{'; '.join(twice)}")
        summary.notes.append(errors.Note("{said} (read the file with {replace!o:True} to keep only its latest version "
                                         "in the store)", fields={"said": said}))
    summary.passages = int(data.segments["seg_id"].nunique())
    summary.coders = coder_counts(codes)
    _el(root, PROJECT_NS, "Description").text = xml_text(
        f"Exported by evalnlp {__version__} with codebook {cb.id!r} (version {cb.version}, sha256 {cb.sha256}).")
    qde = _to_bytes(root, PROJECT_NS)
    sidecar = _sidecar(data, qde, sidecar_docs, codes, files, superseded)
    return qde, sidecar, texts, summary


def _num(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, float) else value


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _sidecar(data: ExportData, qde: bytes, docs: dict[str, dict], codes: pd.DataFrame,
             file_parts: dict[str, list], superseded: dict[str, list]) -> bytes:
    segs = data.segments.sort_values(["doc_id", "start", "end", "kind"]).reset_index(drop=True)
    index = {s: i for i, s in enumerate(segs["seg_id"])}
    segments = [[guid("document", r.doc_id), r.kind, int(r.start), int(r.end), _str(r.speaker),
                 _str(r.source_ref)] for r in segs.itertuples(index=False)]
    code_rows = sorted([[index[r.seg_id], r.theme, _num(r.score), bool(r.assigned), r.coder, r.run_id]
                        for r in codes.itertuples(index=False) if r.seg_id in index],
                       key=lambda x: (x[0], x[4], x[1], x[5]))
    sentiment = sorted([[index[r.seg_id], r.label, _num(r.score), r.coder, r.run_id]
                        for r in data.sentiment.itertuples(index=False) if r.seg_id in index],
                       key=lambda x: (x[0], x[3], x[4]))
    reach = sorted([[guid("document", r.doc_id), r.text, _num(r.value), _str(r.unit), int(r.start), int(r.end)]
                    for r in data.reach.itertuples(index=False)], key=lambda x: (x[0], x[4], x[5], x[1]))
    files = set(data.documents["source"])
    entries = data.sources if data.sources is not None else pd.DataFrame(columns=["source", "position", "ref",
                                                                                  "label", "text"])
    source_entries = sorted([[r.source, int(r.position), _str(r.ref), _str(r.label), r.text]
                             for r in entries.itertuples(index=False) if r.source in files],
                            key=lambda x: (x[0], x[1], x[4]))
    links = data.segment_sources if data.segment_sources is not None else pd.DataFrame(
        columns=["seg_id", "source", "position", "text", "how"])
    for column in ("text", "how"):
        if column not in links.columns:
            links = links.assign(**{column: None})
    # [segment, file, place, the entry's text (null: a link made before links named it), how (null: a marker's)]
    segment_sources = sorted([[index[r.seg_id], r.source, int(r.position), _str(r.text), _str(r.how)]
                              for r in links.itertuples(index=False) if r.seg_id in index],
                             key=lambda x: (x[0], x[1], x[2], x[3] or "", x[4] or ""))
    letter_rows = data.letters if data.letters is not None else pd.DataFrame(columns=LETTER_COLUMNS)
    letters = sorted([[index[r.seg_id], *(_str(getattr(r, c)) for c in LETTER_COLUMNS[1:])]
                      for r in letter_rows.itertuples(index=False) if r.seg_id in index],
                     key=lambda x: (x[0], x[1]))
    used_runs = {r[5] for r in code_rows} | {r[4] for r in sentiment} | {r[-1] for r in letters}
    runs = []
    for r in data.runs.itertuples(index=False):
        if r.run_id in used_runs:
            runs.append({"run_id": r.run_id, "command": r.command, "args": _str(r.args),
                         "codebook_id": _str(r.codebook_id), "codebook_sha256": _str(r.codebook_sha256),
                         "model_sha256": _str(r.model_sha256), "versions": _str(r.versions),
                         "started": _date(r.started), "finished": _date(r.finished), "status": _str(r.status),
                         "n_in": _int(r.n_in), "n_ok": _int(r.n_ok), "n_rejected": _int(r.n_rejected)})
    doc = {
        "format": SIDECAR_FORMAT, "version": SIDECAR_VERSION,
        "project_qde_sha256": hashlib.sha256(qde).hexdigest(),
        "codebook": {"id": data.codebook.id, "sha256": data.codebook.sha256},
        "documents": docs,  # {document GUID: {source, locator, kind, question, attrs}}
        "files": file_parts,  # {narrative file's source GUID: [[document GUID, start, end] in its text, in order]}
        # {narrative file's source GUID: [[document GUID, text]]}: the documents a later read of the file superseded,
        # in no source's text
        "superseded": superseded,
        "segments": segments,  # [document GUID, kind, start, end, speaker, source_ref]
        "codes": code_rows,  # [segment index, theme, score, assigned, coder, run_id]
        "sentiment": sentiment,  # [segment index, label, score, coder, run_id]
        "reach": reach,  # [document GUID, text, value, unit, start, end]
        "source_entries": source_entries,  # [source file, position, ref, label, text]
        "segment_sources": segment_sources,  # [segment index, source file, position, entry's text, how]
        "letters": letters,  # [segment index, letter_id, letter's file, name, roles, organisations, letterhead,
        # date, run_id]
        "runs": runs,
    }
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=0, allow_nan=False) + "\n").encode("utf-8")


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return int(value)


# ---------------------------------------------------------------------------------------- files


def write_atomic(path: Path, write) -> None:
    """Write ``path`` through a temporary file in the same folder, renamed into place when complete
    (:func:`evalnlp.util.atomic_path`: a write that fails part-way is E162, its partial file removed)."""
    from evalnlp.util import atomic_path

    with atomic_path(path) as tmp:
        write(tmp)


def write_qdpx(path: Path, qde: bytes, sidecar: bytes, texts: dict[str, str]) -> None:
    def member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        zf.writestr(info, data)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w") as zf:
            member(zf, "project.qde", qde)
            for name, text in texts.items():
                # a reader drops a byte-order mark that opens the file (evalnlp's does), so a text that begins
                # with U+FEFF is written after one, to keep its first character and every position after it
                member(zf, name, (BOM if text.startswith(BOM) else "").encode("utf-8") + text.encode("utf-8"))
            member(zf, SIDECAR, sidecar)

    write_atomic(path, write)
