"""Names shared by every layer: table columns, segment kinds, sentiment labels, passage units.

Only :mod:`evalnlp.store` turns these into SQL; everything else uses them to build and read DataFrames.
"""

from __future__ import annotations

SCHEMA_VERSION = 6

DOCUMENT_COLUMNS = ["doc_id", "source", "locator", "kind", "question", "text", "attrs", "run_id"]
SEGMENT_COLUMNS = ["seg_id", "doc_id", "kind", "start", "end", "text", "speaker", "source_ref"]
CODE_COLUMNS = ["seg_id", "theme", "score", "assigned", "coder", "run_id"]
SENTIMENT_COLUMNS = ["seg_id", "label", "score", "coder", "run_id"]
REACH_COLUMNS = ["doc_id", "text", "value", "unit", "start", "end"]
# A narrative file's corroborating-source entries (``source`` is the file, ``position`` the entry's place in
# its list) and the entries each testimonial's marker names.
SOURCE_COLUMNS = ["source", "position", "ref", "label", "text", "run_id"]
# text: the entry's, so an edited list is told apart; how: NULL for a marker's link, "letter" for a letter's
SEGMENT_SOURCE_COLUMNS = ["seg_id", "source", "position", "text", "how"]
# A letter of support's testimonial passages, each with what its letter says of itself (read from its signature,
# letterhead and date; roles and organisations JSON lists), which links the letter to the entry naming it.
LETTER_COLUMNS = ["seg_id", "letter_id", "source", "name", "roles", "organisations", "letterhead", "date", "run_id"]
RUN_COLUMNS = [
    "run_id", "command", "args", "codebook_id", "codebook_sha256", "model_sha256", "versions",
    "started", "finished", "status", "n_in", "n_ok", "n_rejected",
]
REJECT_COLUMNS = ["run_id", "source", "locator", "code", "reason"]
# Every input file read: its name (what its documents are stored under), where it was (resolved path) and its
# checksum, so that another file of the same name is not taken for it.
INPUT_COLUMNS = ["name", "path", "sha256", "run_id"]

DOCUMENT_KINDS = ("response", "narrative")
# "selection": a passage someone marked in a QDA tool (NVivo, ATLAS.ti, MAXQDA...), read from a REFI-QDA project
SEGMENT_KINDS = ("response", "sentence", "testimonial", "selection")
UNITS = ("response", "sentence")
SENTIMENT_LABELS = ("positive", "mixed", "negative", "neutral")

HUMAN_PREFIX = "human:"
MODEL_PREFIX = "model:"


def is_human(coder: str) -> bool:
    """True for a human coder id such as ``human:alice``."""
    return coder.startswith(HUMAN_PREFIX)


def person_coder(name: object) -> str | None:
    """``human:NAME`` for a person's name given as ``--coder NAME`` (a name already starting with ``human:`` is
    kept as it is), or None when it cannot name a person: empty, over 100 characters, with a control character,
    or a machine coder's id. One rule for every command that records a person's codes."""
    import re

    raw = name if isinstance(name, str) else ""
    bare = raw.strip()
    if bare.startswith(HUMAN_PREFIX):
        bare = bare[len(HUMAN_PREFIX):].strip()
    if not bare or len(bare) > 100 or re.search(r"[\x00-\x1f\x7f]", bare) or bare.startswith(MODEL_PREFIX):
        return None
    return HUMAN_PREFIX + bare


def sheet_named_twice(source: object, locator: object) -> str | None:
    """The sheet a workbook row's ``source`` and ``locator`` both name (``survey.xlsx#Comments`` and
    ``Comments!row 8``: ``Comments``), or None for any other document (its locator names no sheet, or another
    one than its source)."""
    if not isinstance(source, str) or not isinstance(locator, str) or "!" not in locator:
        return None
    at = source.find("#")
    while at != -1:  # a file's own name may hold a "#": the sheet is whatever follows one of them
        sheet = source[at + 1:]
        if sheet and locator.startswith(sheet + "!"):
            return sheet
        at = source.find("#", at + 1)
    return None


def place(source: object, locator: object, sep: str = " ") -> str:
    """Where a document is, for people to read: its source and locator joined by ``sep`` (``survey.csv row 12``),
    a workbook's sheet named once (``survey.xlsx#Comments!row 8``, not ``survey.xlsx#Comments Comments!row 8``).
    A missing part is left out."""
    sheet = sheet_named_twice(source, locator)
    if sheet is not None:
        return f"{source}{str(locator)[len(sheet):]}"
    return sep.join(str(p) for p in (source, locator) if isinstance(p, str) and p)


def locator_in_source(source: object, locator: object) -> object:
    """``locator`` as it reads beside its ``source``: a workbook row's without the sheet the source names already
    (``row 8`` beside ``survey.xlsx#Comments``); any other locator as it is."""
    sheet = sheet_named_twice(source, locator)
    return locator if sheet is None else str(locator)[len(sheet) + 1:]
