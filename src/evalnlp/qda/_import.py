"""Turning a read REFI-QDA project into store rows: documents, passages, codes (and, from evalnlp's own
files, everything else the store had).

Every text source becomes a document, every text selection a segment whose text is the document's text
between its positions, every coding a code of its user. How each part is named in the store:

- A document's ``source``, ``locator``, ``question`` and ``kind`` are the variables evalnlp wrote for them
  (recognised by GUID or by an ``evalnlp:<field>`` description), so a project that went through another
  program comes back onto the same document ids. Otherwise ``source`` is the source's name, ``locator`` is
  ``document`` and ``kind`` is ``narrative``. Its other variables, and those of the cases it belongs to
  (with the case names as ``case``), are its attributes.
- A narrative file that evalnlp exported as one source (its paragraphs, pages or table cells joined by blank
  lines) is split back into its documents where the text is still theirs: at the places evalnlp.json gives
  (``files``), else at those of the documents of that file the store holds, else it is one document (at
  ``document``). A selection in it goes to the document it is in; one that runs from one document into the
  next is a passage of each.
- A selection is the store's segment at the same place when there is one (same GUID, or same document and
  offsets), otherwise a new segment of kind ``selection``. A coding of a whole source is a passage of the
  whole text.
- A coding's user is its coder: ``human:<user name>``, or ``human:<NAME>`` for every person with
  ``--coder NAME``. A user evalnlp exported for a model (named ``model:...``) stays that machine coder, and
  adds codes only to passages that coder has not coded in the store. A person's codes replace that
  person's earlier codes on the same passages; no other coder's codes are touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from evalnlp import errors
from evalnlp.qda._archive import DEFAULT_LIMITS, Archive, Limits, parse_xml
from evalnlp.qda._codebook import CodeMap, map_codes, unknown_codes_error
from evalnlp.qda._export import (BUILTIN_FIELDS, JOIN, LETTER_COLUMNS, SIDECAR, SIDECAR_FORMAT, SIDECAR_VERSIONS,
                                  builtin_variable_guid, coder_counts, exported_name, file_guid,
                                  latest_reading, reading_order)
from evalnlp.qda._ids import code_guid, guid
from evalnlp.qda._read import Project, Reject, Selection, Source, local, read_project
from evalnlp.schema import DOCUMENT_KINDS, HUMAN_PREFIX, MODEL_PREFIX, SEGMENT_KINDS

#: Where a new segment's kind cannot be taken from the store, and which kind wins when several are there.
SELECTION = "selection"
_KIND_ORDER = {"response": 0, "sentence": 1, "testimonial": 2, SELECTION: 3}
UNKNOWN_USER = "unknown"
#: A coding's user GUID that the file's list of users does not have: that coder is "unlisted user <GUID start>".
UNLISTED_USER = "unlisted user"


# ---------------------------------------------------------------------------------------- reading


@dataclass
class Parsed:
    """A project file read into memory: the project, and evalnlp's sidecar when it belongs to it."""

    path: Path
    project: Project
    sidecar: dict | None
    notes: list[str] = field(default_factory=list)
    #: evalnlp's sidecar as exported, when the project was changed since (so ``sidecar`` does not apply): it
    #: still says which passages each person had coded, so that a person whose every coding on a passage was
    #: removed is seen to have decided "no theme" there (a project file cannot say so otherwise)
    exported: dict | None = None


def project_members(archive: Archive) -> list:
    """The archive's project XML: project.qde at the top, else the one project.qde below it (a project zipped with
    its folder, whose folder then becomes the archive's base), else its one .qde file; more than one or none
    found is the caller's to refuse."""
    found = archive.find("project.qde")
    if not found:
        found = archive.find_anywhere("project.qde")
        if not found:
            others = [i for i in archive.zip.infolist() if i.filename.lower().endswith(".qde")]
            found = others if len(others) == 1 else []
        if len(found) == 1 and "/" in found[0].filename.replace("\\", "/"):
            archive.base = found[0].filename.replace("\\", "/").rsplit("/", 1)[0] + "/"
    return found


def read_qdpx(path: Path, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Read a ``.qdpx`` archive (project.qde, its plain texts and evalnlp.json) without writing anything."""
    import hashlib

    path = Path(path)
    with Archive(path, limits) as archive:
        found = project_members(archive)
        if len(found) != 1:
            listing = ", ".join(repr(n) for n in archive.names()[:8]) or "nothing"
            raise errors.error("E124", file=path.name, detail='no' if not found else 'more than one', listing=listing)
        qde = archive.read(found[0], limits.max_xml, "the project XML")
        root = parse_xml(qde, f"{path.name}: {found[0].filename}")
        if local(root.tag) != "Project":
            raise errors.error("E127", "project", file=path.name, filename=found[0].filename, local=local(root.tag))
        project = read_project(root, archive)
        sidecar, exported, notes = None, None, []
        side = archive.find(SIDECAR)
        if len(side) == 1:
            raw = archive.read(side[0], limits.max_sidecar, SIDECAR)
            try:
                doc = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                doc = None
                notes.append(f"{SIDECAR} is not valid JSON and was ignored; the project was read from its XML")
            if isinstance(doc, dict) and doc.get("format") == SIDECAR_FORMAT:
                if doc.get("project_qde_sha256") != hashlib.sha256(qde).hexdigest():
                    notes.append(f"project.qde was changed since evalnlp wrote it (by another program?), so "
                                 f"{SIDECAR} (scores, sentiment, unselected passages) does not apply; the project "
                                 "was read from its XML")
                    exported = doc if doc.get("version") in SIDECAR_VERSIONS else None
                elif doc.get("version") not in SIDECAR_VERSIONS:
                    notes.append(f"{SIDECAR} has version {doc.get('version')!r}, which this evalnlp does not read; "
                                 "the project was read from its XML")
                else:
                    sidecar = doc
    return Parsed(path=path, project=project, sidecar=sidecar, notes=notes, exported=exported)


@dataclass(frozen=True)
class Existing:
    """A REFI-QDA file already where an export is to be written."""

    kind: str  # "project" or "codebook"
    origin: str  # the program the file says wrote it ("" when it names none)
    #: written by evalnlp and not changed since: a codebook whose origin is evalnlp, or a project whose
    #: project.qde is still the one its evalnlp.json was written with
    evalnlp_unchanged: bool


def existing_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> Existing | None:
    """What the file at ``path`` is, read only as far as its first XML element (and, for a project evalnlp wrote,
    its project XML hashed and the start of its evalnlp.json); None when it is no REFI-QDA project or codebook that
    can be read. The same size caps as an import; nothing is extracted and no entity is expanded."""
    import hashlib
    import re
    import zipfile

    from evalnlp.errors import InputError
    from evalnlp.qda._archive import root_element
    from evalnlp.util import MiB

    path = Path(path)

    def chunks(fh, digest=None):
        read = 0
        while read <= limits.max_xml:
            chunk = fh.read(MiB)
            if not chunk:
                return
            read += len(chunk)
            if digest is not None:
                digest.update(chunk)
            yield chunk
        raise OverflowError  # past the cap: not read to its end

    def is_evalnlp(origin: str) -> bool:
        return origin.strip().casefold().startswith("evalnlp")

    try:
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as fh:
                root = root_element(chunks(fh))
            if root is None or root[0] not in ("CodeBook", "Project"):
                return None
            origin = root[1].get("origin", "")
            kind = "codebook" if root[0] == "CodeBook" else "project"
            return Existing(kind, origin, kind == "codebook" and is_evalnlp(origin))
        with Archive(path, limits) as archive:
            found = project_members(archive)
            if len(found) != 1:
                return None
            with archive.zip.open(found[0]) as fh:
                root = root_element(chunks(fh))
            if root is None or root[0] != "Project":
                return None
            origin = root[1].get("origin", "")
            if not is_evalnlp(origin):
                return Existing("project", origin, False)
            side = archive.find(SIDECAR)
            if len(side) != 1:
                return Existing("project", origin, False)
            # the sidecar's key, found by scanning its bytes: an unescaped quote can only be JSON's own, so the
            # pattern cannot match inside a text it holds
            key = re.compile(rb'"project_qde_sha256"\s*:\s*"([0-9a-f]{64})"')
            said, tail, read = None, b"", 0
            with archive.zip.open(side[0]) as fh:
                while said is None and read <= limits.max_sidecar:
                    chunk = fh.read(MiB)
                    if not chunk:
                        break
                    read += len(chunk)
                    said = key.search(tail + chunk)
                    tail = chunk[-128:]
            digest = hashlib.sha256()
            with archive.zip.open(found[0]) as fh:
                for _ in chunks(fh, digest):
                    pass
            return Existing("project", origin, said is not None and said.group(1).decode() == digest.hexdigest())
    except (InputError, OverflowError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):
        return None


# ---------------------------------------------------------------------------------------- coders


def coder_override(name: str | None) -> str | None:
    """``--coder NAME`` as a human coder id."""
    if name is None:
        return None
    name = name.strip()
    if name.startswith(MODEL_PREFIX):
        raise errors.error("E142", "machine", name=name)
    name = name.removeprefix(HUMAN_PREFIX).strip()
    if not name:
        raise errors.error("E142", "empty")
    return HUMAN_PREFIX + name


def is_machine(coder: str) -> bool:
    return coder.startswith(MODEL_PREFIX)


def coder_of(project: Project, user_guid: str | None, override: str | None) -> str:
    user = project.users.get(user_guid) if user_guid else None
    ident = user.id if user is not None and user.id else None
    name = user.name if user is not None else None
    for value in (ident, name):
        if value and value.startswith(MODEL_PREFIX):
            return value
    if override is not None:
        return override
    if ident and ident.startswith(HUMAN_PREFIX):
        return ident
    if user_guid and user is None:  # a GUID the file's list of users does not have: kept apart per GUID
        return f"{HUMAN_PREFIX}{UNLISTED_USER} {user_guid.strip('{}').lower()[:8]}"
    who = name or ident or (user.guid if user is not None else None) or UNKNOWN_USER
    if user is not None and who in shared_user_names(project):
        who = f"{who} ({user.guid[:8]})"  # two people of one name in the file are two coders
    return who if who.startswith(HUMAN_PREFIX) else HUMAN_PREFIX + who


def shared_user_names(project: Project) -> set[str]:
    """User names that more than one user of the file (by GUID) has, where the name is what makes the coder."""
    seen: dict[str, set[str]] = {}
    for user in project.users.values():
        if user.id and (user.id.startswith(HUMAN_PREFIX) or user.id.startswith(MODEL_PREFIX)):
            continue
        if user.name and not user.name.startswith(MODEL_PREFIX):
            seen.setdefault(user.name, set()).add(user.guid)
    return {name for name, guids in seen.items() if len(guids) > 1}


# ---------------------------------------------------------------------------------------- narrative files


@dataclass
class _Part:
    """A document of a narrative file's source: its GUID as evalnlp exported it, its place in the source's text
    (``start``, ``end``) and its locator in the file."""

    guid: str
    start: int
    end: int
    locator: str


def _tiles(parts: list[_Part], text: str) -> bool:
    """Do ``parts`` cover ``text`` exactly, one after the other, each non-empty, joined by a blank line?"""
    if not parts or parts[0].start != 0 or parts[-1].end != len(text):
        return False
    for a, b in zip(parts, parts[1:]):
        if b.start != a.end + len(JOIN) or text[a.end:b.start] != JOIN:
            return False
    return all(p.start < p.end for p in parts)


class _Files:
    """Where the documents of a narrative file begin in its source's text, for the file sources evalnlp exports
    (one per file, its documents' texts joined by a blank line): from evalnlp.json (``side``: the sidecar that
    applies, or the one the project was exported with), else from the documents of that file the store holds."""

    def __init__(self, store, side: dict | None):
        self.store = store
        self.layouts: dict[str, list[_Part]] = {}
        self.stored: dict[tuple, list[tuple[str, str, str]]] = {}
        #: names of the file sources read as one document each: where their documents begin is not known
        self.whole: list[str] = []
        files = side.get("files") if isinstance(side, dict) else None
        sdocs = side.get("documents") if isinstance(side, dict) else None
        if not (isinstance(files, dict) and isinstance(sdocs, dict)):
            return
        for g, items in files.items():  # malformed entries are passed over: the sidecar is not trusted otherwise
            parts = []
            for item in items if isinstance(items, list) else []:
                if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                        and all(isinstance(x, int) and not isinstance(x, bool) for x in item[1:])):
                    break
                meta = sdocs.get(item[0])
                if not (isinstance(meta, dict) and isinstance(meta.get("locator"), str)):
                    break
                parts.append(_Part(item[0], item[1], item[2], meta["locator"]))
            else:
                if parts:
                    self.layouts[g] = parts

    def _stored_documents(self, source: str, question: str | None) -> list[tuple[str, str, str]]:
        """(doc_id, locator, text) of the store's narrative documents of ``source`` as last read
        (:func:`latest_reading`), in reading order."""
        key = (source, question)
        if key not in self.stored:
            docs = self.store.narrative_documents([source])
            rows = [(d, loc, t) for d, loc, q, t in zip(docs["doc_id"], docs["locator"], docs["question"], docs["text"])
                    if (q if isinstance(q, str) else None) == question]
            rows = [rows[k] for k in latest_reading([r[1] for r in rows])[0]]  # the text is the latest reading's
            self.stored[key] = [rows[k] for k in reading_order([r[1] for r in rows])]
        return self.stored[key]

    def parts(self, src: Source, fields: dict[str, Any]) -> list[_Part] | None:
        """The documents ``src`` is to be split into, or None to read it as one document: a source evalnlp
        exported for a narrative file of several documents (it has a ``source`` and no ``locator``) whose text is
        still theirs."""
        text = src.text
        layout = self.layouts.get(src.guid or "")
        if layout is not None and _tiles(layout, text):
            return layout
        if not fields.get("source") or fields.get("locator") or fields.get("kind") not in (None, "narrative"):
            return None
        stored = self._stored_documents(fields["source"], fields.get("question"))
        parts = _fit(stored, text) if stored else None
        if parts is None:
            self.whole.append(src.name)
        return parts

    def note(self) -> list[str]:
        if not self.whole:
            return []
        n = len(self.whole)
        shown = ", ".join(repr(name) for name in self.whole[:5]) + (" ..." if n > 5 else "")
        many = n != 1
        return [f"{n} narrative file{'s' if many else ''} that evalnlp exported as one source each "
                f"{'were' if many else 'was'} read as one document each (at 'document'): neither evalnlp.json nor "
                f"the documents the store holds of {'those files' if many else 'that file'} say where "
                f"{'their' if many else 'its'} paragraphs or pages begin in the text as it is now: {shown}"]


def _fit(stored: list[tuple[str, str, str]], text: str) -> list[_Part] | None:
    """The places of the ``stored`` documents (doc_id, locator, text, in reading order) in ``text``, when ``text``
    is their texts joined by blank lines: exactly, or with other line ends or another Unicode form of the same
    characters (then each document's text is cut where the stored one's falls, and matched to it later)."""
    joined = JOIN.join(t for _, _, t in stored)
    bounds, at = [], 0
    for _, _, t in stored:
        bounds.append((at, at + len(t)))
        at += len(t) + len(JOIN)
    if joined != text:
        import numpy as np

        mine, my_starts = _canonical(joined)
        theirs, their_starts = _canonical(text)
        if mine != theirs:
            return None
        moved = np.searchsorted(my_starts, [x for b in bounds for x in b], side="left")
        bounds = [(int(their_starts[a]), int(their_starts[b])) for a, b in zip(moved[::2], moved[1::2])]
    parts = [_Part(guid("document", doc_id), a, b, locator) for (doc_id, locator, _), (a, b) in zip(stored, bounds)]
    return parts if all(p.start < p.end for p in parts) else None


def _split(src: Source, parts: list[_Part]) -> list[Source]:
    """``src`` as one source per document of ``parts``: each with its document's text and the selections in it
    (offsets into that text); a selection over the end of one document and the start of the next is a piece in
    each; one on nothing but the blank line between two documents is a reject (E145)."""
    out = [Source(guid=p.guid, name=src.name, element=src.element, text=src.text[p.start:p.end], user=src.user,
                  rejects=list(src.rejects) if k == 0 else [], values=src.values, part=k)
           for k, p in enumerate(parts)]
    for sel in src.selections:
        pieces = [(k, max(sel.start, p.start) - p.start, min(sel.end, p.end) - p.start)
                  for k, p in enumerate(parts) if max(sel.start, p.start) < min(sel.end, p.end)]
        if not pieces:
            where = f"selection {sel.guid}" if sel.guid else f"selection at {sel.start}"
            out[0].rejects.append(Reject("E145", where, errors.message("E145", "between_documents", start=sel.start,
                                                                       end=sel.end, file=src.name)))
            continue
        for n, (k, a, b) in enumerate(pieces):
            out[k].selections.append(Selection(guid=sel.guid, start=a, end=b, codings=sel.codings, user=sel.user,
                                               whole=sel.whole, piece=n > 0))
    return out


# ---------------------------------------------------------------------------------------- the plan

_SEG_KEY = ["doc_id", "kind", "start", "end"]



@dataclass
class Plan:
    """Everything an import will write, worked out before the store is touched."""

    documents: pd.DataFrame  # source, locator, kind, question, text, attrs, doc_id
    rejects: pd.DataFrame  # source, locator, code, reason
    segments: pd.DataFrame  # doc_id, kind, start, end, text, speaker, source_ref
    codes: pd.DataFrame  # doc_id, kind, start, end, theme, score, assigned, coder, run_id (None: this import)
    sentiment: pd.DataFrame  # doc_id, kind, start, end, label, score, coder, run_id
    reach: pd.DataFrame  # doc_id, text, value, unit, start, end
    runs: pd.DataFrame
    n_in: int
    n_ok: int
    n_rejected: int
    complete: bool
    notes: list[str]
    themes: list[str] = field(default_factory=list)  # the codebook's themes: a person decides on each
    codebook_id: str | None = None  # the codebook's id: a person's codes of its earlier themes are replaced
    source_entries: pd.DataFrame = field(default_factory=pd.DataFrame)  # source, position, ref, label, text
    #: doc_id, start, end, source, position, text, how (None: a marker's link, "letter": a letter's)
    segment_sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: doc_id, start, end (of a letter's testimonial passage), letter_id, source, name, roles, organisations,
    #: letterhead, date, run_id (None: this import): what a letter filed as a file of its own says of itself
    letters: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: doc_id, kind, start, end, coder: passages a person had coded when evalnlp exported the file and has no
    #: coding on in it now (every one removed): their decision there is "no theme"
    cleared: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*_SEG_KEY, "coder"]))



class _Unusable(Exception):
    """evalnlp.json does not fit the project; read the XML alone."""


def _text_sources(project: Project):
    """(source, reject) pairs: a source with usable text and no reject, or a source-level reject."""
    for src in project.sources:
        if src.text is None:
            first = src.rejects[0] if src.rejects else Reject("E143", src.name, errors.message("E143", "no_text"))
            yield src, Reject(first.code, src.name, first.reason)
        elif not src.text.strip():
            yield src, Reject("E147", src.name, errors.message("E147"))
        else:
            yield src, None


def _builtin_variables(project: Project) -> dict[str, str]:
    """field -> variable GUID for the document fields evalnlp wrote as variables."""
    out = {}
    for f in BUILTIN_FIELDS:
        for v in project.variables.values():
            if v.guid == builtin_variable_guid(f) or (v.description or "").startswith(f"evalnlp:{f}"):
                out[f] = v.guid
                break
    return out


def _document_rows(project: Project, known: dict[str, dict], by_name: Callable[[], dict[str, dict]] | None = None,
                   files: _Files | None = None) -> tuple[list[dict], list[Any], list[dict]]:
    """(documents with their sources, accepted Source objects, source rejects). ``known``: the store's
    documents (and narrative files) by the GUID evalnlp exports them under, for programs that keep GUIDs but drop
    variables; ``by_name``: the same by the name evalnlp exports them under (made when first needed), for
    programs that drop both (a source named ``fft.csv row_index=0 (feedback)`` is that document again). A
    narrative file's source that ``files`` splits is a document (and an accepted source) per part."""
    builtin = _builtin_variables(project)
    builtin_guids = set(builtin.values())
    case_codes = project.case_codes
    case_of: dict[str, list] = {}
    for case in project.cases:
        for s in case.sources:
            case_of.setdefault(s, []).append(case)
    docs, accepted, rejects = [], [], []
    for src, reject in _text_sources(project):
        if reject is not None:
            rejects.append({"source": src.name, "locator": "source " + (src.guid or src.name),
                            "code": reject.code, "reason": reject.reason})
            continue
        values = src.values

        def field_value(f: str) -> Any:
            v = values.get(builtin.get(f, ""))
            return v if isinstance(v, str) and v.strip() else None

        attrs: dict[str, Any] = {}
        for g, value in values.items():
            if g not in builtin_guids:
                var = project.variables.get(g)
                attrs[var.name if var is not None else g] = value
        cases = case_of.get(src.guid or "", [])
        for case in cases:
            for g, value in case.values.items():
                var = project.variables.get(g)
                attrs.setdefault(var.name if var is not None else g, value)
        names = [c.name for c in cases if c.name]
        for sel in src.selections:  # cases given as codings of the source with its case's code (NVivo)
            names += [project.codes[c.code].name for c in sel.codings if c.code in case_codes]
        names = list(dict.fromkeys(names))
        if names:
            attrs.setdefault("case", "; ".join(names))
        lost = not any(field_value(f) for f in ("source", "locator"))  # no values of evalnlp's own variables
        same = known.get(src.guid or "") if lost else None
        if same is None and by_name is not None and lost:
            same = by_name().get(src.name or "")  # its GUID and variables both lost: by its exported name
        if same is not None:  # evalnlp's own document, its variables lost on the way: its fields by GUID
            fields = {f: same[f] if isinstance(same[f], str) else None for f in BUILTIN_FIELDS}
        else:
            fields = {f: field_value(f) for f in BUILTIN_FIELDS}
        kind = fields["kind"]
        row = {"source": fields["source"] or src.name, "locator": fields["locator"] or "document",
               "kind": kind if kind in DOCUMENT_KINDS else "narrative", "question": fields["question"],
               "text": src.text, "attrs": json.dumps(attrs, ensure_ascii=False)}
        parts = files.parts(src, fields) if files is not None else None
        if parts is None:
            docs.append(row)
            accepted.append(src)
            continue
        for part, piece in zip(parts, _split(src, parts)):  # a narrative file: a document per part
            docs.append({**row, "locator": part.locator, "kind": "narrative", "text": piece.text})
            accepted.append(piece)
    return docs, accepted, rejects


def _stored_files(rows: list[dict]) -> list[dict]:
    """The narrative files among the store's documents (``rows``: doc_id, source, locator, kind, question), as
    evalnlp exports each: source, kind and question, and the locator of its document when it has one only."""
    found: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["kind"] == "narrative":
            question = r["question"] if isinstance(r["question"], str) else None
            found.setdefault((r["source"], question), []).append(r)
    return [{"source": source, "locator": rs[0]["locator"] if len(rs) == 1 else None, "kind": "narrative",
             "question": question} for (source, question), rs in found.items()]


def _position_notes(project: Project) -> list[str]:
    """What the import should say of the sources' positions: those read as counted otherwise than the
    specification says (their selections' names showed how), and selections whose name still does not begin
    the text at their positions (kept as given: check them in the program that wrote the file)."""
    notes = []
    counted: dict[str, int] = {}
    for src in project.sources:
        if src.counted:
            counted[src.counted] = counted.get(src.counted, 0) + 1
    for how, n in counted.items():
        whose = f"{n:,} sources'" if n != 1 else "1 source's"
        notes.append(f"{whose} positions were read as counting {how} (the names of their selections begin their "
                     "passages so)")
    misnamed = [(src.name, src.misnamed) for src in project.sources if src.misnamed]
    if misnamed:
        total = sum(n for _, n in misnamed)
        shown = ", ".join(f"{name!r} ({n})" for name, n in misnamed[:5]) + (" ..." if len(misnamed) > 5 else "")
        notes.append(f"{total:,} selection{'s' if total != 1 else ''} named by their first words do not begin with "
                     f"those words at their positions ({shown}): kept where the file puts them; check them in the "
                     "program that wrote the file")
    return notes


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame({c: pd.Series(dtype=object)
                                                                          for c in columns})


def plan_import(store, parsed: Parsed, cb, *, code_map: CodeMap | None, coder: str | None) -> Plan:
    """Work out the rows of an import (reading the store, writing nothing). Raises E240/E241 for codes that
    do not map onto ``cb`` (``code_map``: a mapping made already, for --new-codebook)."""
    project = parsed.project
    known = {}
    if any(s.guid for s in project.sources):
        rows = store.document_fields().to_dict("records")
        known = {guid("document", r["doc_id"]): r for r in rows}
        known.update({file_guid(r["source"], r["question"]): r for r in _stored_files(rows)})
    names: dict[str, dict] | None = None

    def by_name() -> dict[str, dict]:
        nonlocal names
        if names is None:
            rows = store.document_fields().to_dict("records")
            counted: dict[str, list[dict]] = {}
            for r in rows:
                name = exported_name(r["source"], r["locator"], r["question"])
                counted.setdefault(name, []).append(r)
                before = exported_name(r["source"], r["locator"], r["question"], sheet_twice=True)
                if before != name:  # a workbook's row, as projects exported before named it
                    counted.setdefault(before, []).append(r)
            for r in _stored_files(rows):  # a narrative file's source is named by its file
                counted.setdefault(exported_name(r["source"], None, r["question"]), []).append(r)
            # a name two documents share (a question cut short alike) names neither
            names = {n: rs[0] for n, rs in counted.items() if len(rs) == 1}
        return names

    files = _Files(store, parsed.sidecar if parsed.sidecar is not None else parsed.exported)
    docs, accepted, rejects = _document_rows(project, known, by_name, files)
    docs_frame = _frame(docs, ["source", "locator", "kind", "question", "text", "attrs"])
    docs_frame["doc_id"] = store.document_ids(docs_frame) if len(docs_frame) else pd.Series(dtype=object)
    notes = list(parsed.notes) + files.note()
    at = len(notes)  # where the notes on the XML's positions go when the passages are read from the XML
    _match_relinearised(store, docs_frame, accepted, notes)
    _match_renamed(store, docs_frame, accepted, notes)
    shared = sorted(shared_user_names(project))
    if shared and coder is None:
        notes.append("users of the same name were kept apart as coders, each named with the start of its GUID: "
                     + ", ".join(repr(n) for n in shared))
    if parsed.sidecar is not None:
        try:
            # the passages are evalnlp.json's, at the positions evalnlp wrote and checked against the texts: what
            # the selections' names say of the XML's positions is not about them
            return _plan_complete(store, parsed, cb, docs_frame, accepted, rejects, code_map, coder, list(notes))
        except _Unusable as exc:
            notes.append(f"{SIDECAR} was ignored ({exc}); the project was read from its XML")
    notes[at:at] = _position_notes(project)
    return _plan_xml(store, parsed, cb, docs_frame, accepted, rejects, code_map, coder, notes)


_JOINS: Any = None


def _joins() -> Any:
    """A table over code points (below U+20000) of those that join the character before them into one piece:
    combining marks (accents, kana voicing marks) and the vowel and final jamo of a Hangul syllable."""
    global _JOINS
    if _JOINS is None:
        import unicodedata

        import numpy as np

        table = np.zeros(0x20000, dtype=bool)
        for cp in range(0x20000):
            if unicodedata.combining(chr(cp)):
                table[cp] = True
        table[0x1160:0x1200] = True
        table[0xD7B0:0xD800] = True
        _JOINS = table
    return _JOINS


def _canonical(text: str) -> tuple[str, Any]:
    """``text`` with its line ends as ``\\n`` and each character with the marks that join it in NFC, and for
    each character of that form (and its end) the offset in ``text`` where its piece starts (a numpy array)."""
    import unicodedata

    import numpy as np

    n = len(text)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    joins = _joins()
    join = np.zeros(n, dtype=bool)
    low = cps < joins.size
    join[low] = joins[cps[low]]
    crlf = np.zeros(n, dtype=bool)
    crlf[1:] = (cps[1:] == 10) & (cps[:-1] == 13)
    join |= crlf
    join[0:1] = False
    del cps, low, crlf
    multi = np.flatnonzero(~join[:-1] & join[1:]) if n > 1 else np.zeros(0, dtype=np.int32)
    if not len(multi) and "\r" not in text:
        return text, np.arange(n + 1, dtype=np.int32)
    heads = np.flatnonzero(~join)
    ends = np.append(heads[1:], n)
    piece_end = dict(zip(heads[np.isin(heads, multi)].tolist(), ends[np.isin(heads, multi)].tolist()))
    out: list[str] = []
    starts: list[Any] = []
    at = 0
    for head in multi.tolist():
        if head > at:
            out.append(text[at:head].replace("\r", "\n"))
            starts.append(np.arange(at, head, dtype=np.int32))
        end = piece_end[head]
        piece = "\n" if text[head] == "\r" else unicodedata.normalize("NFC", text[head:end])
        out.append(piece)
        starts.append(np.full(len(piece), head, dtype=np.int32))
        at = end
    out.append(text[at:].replace("\r", "\n"))
    starts.append(np.arange(at, n + 1, dtype=np.int32))
    return "".join(out), np.concatenate(starts)


def _match_renamed(store, docs: pd.DataFrame, accepted: list, notes: list[str]) -> None:
    """A source another program's project names otherwise than when the store imported it (renamed there), with
    the very same text, is the stored document: its row takes the stored name and id, so a second import does
    not store the document again and count it twice. Only where exactly one stored document of a project (at
    ``document``, as a project's sources are stored) has that text, under a name no source of this file has."""
    if docs.empty:
        return
    have = set(store.documents_at(docs)["doc_id"])
    loose = [i for i, r in enumerate(docs.itertuples(index=False)) if r.doc_id not in have and r.locator == "document"]
    if not loose:
        return
    stored = store.documents_with_texts([docs.at[i, "text"] for i in loose], "document")
    names = set(docs["source"])
    by_text: dict[str, list] = {}
    for r in stored.itertuples(index=False):
        if r.source not in names:
            by_text.setdefault(r.text, []).append(r)
    renamed = []
    for i in loose:
        found = by_text.get(docs.at[i, "text"], [])
        if len(found) == 1:
            renamed.append((found[0].source, docs.at[i, "source"]))
            docs.at[i, "source"], docs.at[i, "doc_id"] = found[0].source, found[0].doc_id
            docs.at[i, "question"] = found[0].question if isinstance(found[0].question, str) else None
    if renamed:
        shown = ", ".join(f"{new!r} (stored as {old!r})" for old, new in renamed[:5]) + (" ..." if len(renamed) > 5
                                                                                      else "")
        notes.append(f"{len(renamed)} source(s) renamed since the store read them were matched by their text to the "
                     f"stored documents, which keep their names: {shown}")


def _match_relinearised(store, docs: pd.DataFrame, accepted: list, notes: list[str]) -> None:
    """A document that another program saved back with other line ends or another Unicode normalisation of
    the same characters (``\\r\\n`` as ``\\n``, ``e`` + a combining accent as ``é``) is the store's own: its row
    takes the stored text and id, and its selections' positions move onto the stored text (in place), so a
    round trip through another program never makes a second copy of a document and counts it twice."""
    if docs.empty:
        return
    stored = store.documents_at(docs)  # only the documents at the places this file names, not the whole store
    have = set(stored["doc_id"])
    by_place: dict[tuple, list[tuple[str, str]]] = {}
    for r in stored.itertuples(index=False):
        by_place.setdefault((r.source, r.locator, r.question if isinstance(r.question, str) else None),
                            []).append((r.doc_id, r.text))
    wanted = {}
    for i, r in enumerate(docs.itertuples(index=False)):
        if r.doc_id in have:
            continue
        candidates = by_place.get((r.source, r.locator, r.question if isinstance(r.question, str) else None), [])
        if candidates:
            wanted[i] = candidates
    if not wanted:
        return
    import numpy as np

    moved = 0
    for i, candidates in wanted.items():
        mine, my_starts = _canonical(docs.at[i, "text"])
        for doc_id, text in candidates:
            theirs, their_starts = _canonical(text)
            if theirs != mine:
                continue
            # a project offset -> the first canonical character whose piece starts there or after -> its offset
            # in the stored text
            for sel in accepted[i].selections:
                a, b = np.searchsorted(my_starts, [sel.start, sel.end], side="left")
                sel.start, sel.end = int(their_starts[a]), int(their_starts[b])
            accepted[i].text = text
            docs.at[i, "text"], docs.at[i, "doc_id"] = text, doc_id
            moved += 1
            break
    if moved:
        notes.append(f"{moved} document(s) came back with other line ends or another Unicode form of the same "
                     "characters; they were matched to the stored documents, and their passages' positions moved "
                     "onto the stored text")


def _check_codes(project: Project, used: dict[str, int], cb, code_map: CodeMap | None, file: str) -> dict[str, str]:
    """Code GUID -> theme for the codes ``used`` (GUID -> codings); E241/E240 for codes that cannot be used."""
    dangling = [g for g in used if g not in project.codes]
    if dangling:
        lines = "\n".join(f"  {i}. {g} (used in {used[g]:,} codings)" for i, g in enumerate(dangling, 1))
        raise errors.error("E241", file=file, n_dangling=len(dangling), lines=lines)
    if code_map is None:
        code_map = map_codes(project.codes, set(used), cb)
    unknown = [code for g, code in project.codes.items() if g in used and g not in code_map.themes]
    if unknown:
        raise unknown_codes_error(unknown, used, cb, file)
    return code_map.themes


def _note_merged_codes(project: Project, themes: dict[str, str], notes: list[str]) -> None:
    """Say which of the file's distinct codes became one theme (``Positive::Staff`` and ``Negative::Staff`` both
    ``staff``, by the last part of their names): their codings are one theme's from here on."""
    def path(g: str) -> str:
        names, seen = [], set()
        while g is not None and g in project.codes and g not in seen:
            seen.add(g)
            names.append(project.codes[g].name)
            g = project.codes[g].parent
        return "::".join(reversed(names)) or str(g)

    by_theme: dict[str, list[str]] = {}
    for g, theme in themes.items():
        by_theme.setdefault(theme, []).append(path(g))
    merged = {t: sorted(names) for t, names in by_theme.items() if len(names) > 1}
    if merged:
        notes.append("several codes of the file became one theme: " + "; ".join(
            f"{', '.join(repr(n) for n in names)} -> {t}" for t, names in sorted(merged.items())))


def _plan_xml(store, parsed: Parsed, cb, docs: pd.DataFrame, accepted: list, rejects: list[dict],
              code_map: CodeMap | None, coder: str | None, notes: list[str]) -> Plan:
    project = parsed.project
    existing = store.segments_of(list(dict.fromkeys(docs["doc_id"]))) if len(docs) else pd.DataFrame(
        columns=["seg_id", *_SEG_KEY])
    by_guid = {guid("segment", r.seg_id): (r.doc_id, r.kind, int(r.start), int(r.end))
               for r in existing.itertuples(index=False)}
    by_span: dict[tuple, str] = {}
    for r in existing.itertuples(index=False):
        key = (r.doc_id, int(r.start), int(r.end))
        if key not in by_span or _KIND_ORDER.get(r.kind, 9) < _KIND_ORDER.get(by_span[key], 9):
            by_span[key] = r.kind
    seg_rows, coding_rows, used = [], [], {}
    n_sel = n_case = 0
    case_codes = project.case_codes
    for src, doc_id in zip(accepted, docs["doc_id"]):
        text = src.text
        for rej in src.rejects:
            rejects.append({"source": src.name, "locator": rej.locator, "code": rej.code, "reason": rej.reason})
        for sel in src.selections:
            if sel.codings and all(c.code in case_codes for c in sel.codings):  # marks a case, nothing else
                n_case += 0 if sel.piece else len(sel.codings)
                continue
            n_sel += not sel.piece  # a selection over two documents of a narrative file is one read
            known = by_guid.get(sel.guid or "")
            if known is not None and known[0] == doc_id and known[2:] == (sel.start, sel.end):
                kind = known[1]
            else:
                kind = by_span.get((doc_id, sel.start, sel.end), SELECTION)
            seg_rows.append({"doc_id": doc_id, "kind": kind, "start": sel.start, "end": sel.end,
                             "text": text[sel.start:sel.end], "speaker": None, "source_ref": None})
            for c in sel.codings:
                if c.code in case_codes:  # a case, in the document's attributes already
                    n_case += not sel.piece
                    continue
                used[c.code] = used.get(c.code, 0) + 1
                coding_rows.append((doc_id, kind, sel.start, sel.end, c.code, coder_of(project, c.user, coder)))
    themes = _check_codes(project, used, cb, code_map, parsed.path.name)
    _note_merged_codes(project, themes, notes)
    codes = _frame([(d, k, s, e, themes[g], None, True, who, None) for d, k, s, e, g, who in coding_rows],
                   [*_SEG_KEY, "theme", "score", "assigned", "coder", "run_id"])
    codes = codes.drop_duplicates([*_SEG_KEY, "theme", "coder"]).reset_index(drop=True)
    if n_case:
        notes.append(f"{n_case:,} codings name the case a passage belongs to (the program writes its cases as "
                     "codes); they are the documents' attribute 'case', not codes")
    if any(who == HUMAN_PREFIX + UNKNOWN_USER for *_, who in coding_rows):
        notes.append(errors.Note("some codings name no user; they were stored as {who!r} (pass {coder!o:NAME} to "
                                 "name their coder)", fields={"who": HUMAN_PREFIX + UNKNOWN_USER}))
    unlisted = sorted({who for *_, who in coding_rows if who.startswith(HUMAN_PREFIX + UNLISTED_USER + " ")})
    if unlisted:
        notes.append(errors.Note("some codings name a user the file's list of users does not have; they were stored "
                                 "as {who} (pass {coder!o:NAME} to name their coder)",
                                 fields={"who": ", ".join(repr(u) for u in unlisted)}))
    cleared = _frame([], [*_SEG_KEY, "coder"])
    if parsed.exported is not None and coder is None:
        kinds = {(r["doc_id"], r["start"], r["end"]): r["kind"] for r in seg_rows}
        cleared = _cleared(parsed.exported, accepted, docs["doc_id"], coding_rows,
                           lambda d, a, b: kinds.get((d, a, b)) or by_span.get((d, a, b)))
        for who, n in cleared.groupby("coder").size().items():
            notes.append(f"{n:,} passage{'s' if n != 1 else ''} that {who} had coded when evalnlp exported the "
                         f"project {'have' if n != 1 else 'has'} none of their codings in it now, so their "
                         f"decision there is now no theme (their earlier codes there were replaced)")
    elif coder is None:
        notes += _kept_without_sidecar(store, docs, seg_rows, coding_rows)
    segments = _frame(seg_rows, ["doc_id", "kind", "start", "end", "text", "speaker", "source_ref"])
    n_docs = sum(src.part == 0 for src in accepted)  # sources read: a narrative file's is one
    return Plan(documents=docs, rejects=_frame(rejects, ["source", "locator", "code", "reason"]),
                segments=segments, codes=codes, cleared=cleared,
                sentiment=_frame([], [*_SEG_KEY, "label", "score", "coder", "run_id"]),
                reach=_frame([], ["doc_id", "text", "value", "unit", "start", "end"]), runs=pd.DataFrame(),
                n_in=n_docs + n_sel + len(rejects), n_ok=n_docs + n_sel,
                n_rejected=len(rejects), complete=False, notes=notes, themes=list(cb.theme_ids), codebook_id=cb.id)


def _kept_without_sidecar(store, docs: pd.DataFrame, seg_rows: list, coding_rows: list) -> list[str]:
    """Notes on the passages of the file that a person of the file has codes for in the store but no coding in the
    file. Without evalnlp.json (the program that saved the file left it out) a coding removed in that program
    cannot be told from a passage the file's copy never had a coding on (a copy exported before the person coded
    it), so their codes there are kept, and the user is told how many."""
    people = sorted({who for *_, who in coding_rows if who.startswith(HUMAN_PREFIX)})
    passages = {(r["doc_id"], int(r["start"]), int(r["end"])) for r in seg_rows}
    if not people or not passages or not len(docs):
        return []
    segs = store.segments_of(list(dict.fromkeys(docs["doc_id"])))
    if segs.empty:
        return []
    place = {seg: (d, int(a), int(b))
             for seg, d, a, b in zip(segs["seg_id"], segs["doc_id"], segs["start"], segs["end"])}
    stored = store.human_codes(people)
    stored = stored[stored["assigned"].astype(bool)]
    now = {(who, d, int(a), int(b)) for d, _k, a, b, _g, who in coding_rows}
    kept: dict[str, set] = {}
    for seg, who in zip(stored["seg_id"], stored["coder"]):
        at = place.get(seg)
        if at is not None and at in passages and (who, *at) not in now:
            kept.setdefault(who, set()).add(at)
    return [f"{len(places):,} passage{'s' if len(places) != 1 else ''} of this file that {who} coded earlier "
            f"{'have' if len(places) != 1 else 'has'} none of their codings in it; the file has no evalnlp.json "
            "(the program that saved it left it out), so a coding removed there cannot be told from one this copy "
            "never had, and their earlier codes there were kept (a file that keeps evalnlp.json tells them apart)"
            for who, places in sorted(kept.items())]


def _cleared(exported: dict, accepted: list, doc_ids, coding_rows: list, kind_of) -> pd.DataFrame:
    """The passages (doc_id, kind, start, end, coder) a person had coded with some theme in the project as
    evalnlp exported it (its sidecar ``exported``) and has no coding on in the project as read (``coding_rows``),
    in a document the project still has: every coding of theirs there was removed. ``kind_of(doc_id, start,
    end)`` is the kind of the passage at that place (None: the store and the project have none, so it is left
    out). Malformed sidecar rows are skipped: the sidecar only adds these decisions, it is not trusted otherwise."""
    doc_of = {src.guid: doc_id for src, doc_id in zip(accepted, doc_ids) if src.guid}
    segments = exported.get("segments") if isinstance(exported.get("segments"), list) else []
    codes = exported.get("codes") if isinstance(exported.get("codes"), list) else []
    now = {(who, d, s, e) for d, _k, s, e, _g, who in coding_rows}
    had: dict[tuple, None] = {}
    for row in codes:
        if not (isinstance(row, list) and len(row) == 6 and isinstance(row[0], int) and row[3] is True
                and isinstance(row[4], str) and row[4].startswith(HUMAN_PREFIX) and 0 <= row[0] < len(segments)):
            continue
        seg = segments[row[0]]
        if not (isinstance(seg, list) and len(seg) == 6 and seg[0] in doc_of and isinstance(seg[2], int)
                and isinstance(seg[3], int)):
            continue
        key = (row[4], doc_of[seg[0]], seg[2], seg[3])
        if key not in now:
            had[key] = None
    rows = []
    for who, d, s, e in had:
        kind = kind_of(d, s, e)
        if kind is not None:
            rows.append((d, kind, s, e, who))
    return _frame(rows, [*_SEG_KEY, "coder"])


# ---------------------------------------------------------------------------------------- evalnlp's own files


def _need(cond: bool, what: str) -> None:
    if not cond:
        raise _Unusable(what)


def _opt_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _opt_num(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _plan_complete(store, parsed: Parsed, cb, docs: pd.DataFrame, accepted: list, rejects: list[dict],
                   code_map: CodeMap | None, coder: str | None, notes: list[str]) -> Plan:
    """The plan from evalnlp.json: the exporting store's documents, segments, codes, sentiment, reach and runs."""
    side = parsed.sidecar
    project = parsed.project
    sdocs = side.get("documents")
    _need(isinstance(sdocs, dict), "no documents")
    v3 = side.get("version", 1) >= 3
    doc_rows = []
    guid_doc: dict[str, tuple[str, str]] = {}

    def described(doc_guid: str | None, text: str) -> dict:
        meta = sdocs.get(doc_guid or "")
        _need(isinstance(meta, dict), f"source {doc_guid} is not described")
        _need(all(isinstance(meta.get(k), str) for k in ("source", "locator", "kind")) and
              _opt_str(meta.get("question")) and _opt_str(meta.get("attrs")), f"source {doc_guid} is malformed")
        _need(meta["kind"] in DOCUMENT_KINDS, f"source {doc_guid} has an unknown kind")
        return {"source": meta["source"], "locator": meta["locator"], "kind": meta["kind"],
                "question": meta["question"], "text": text, "attrs": meta["attrs"] or "{}"}

    # version 3: a narrative file's documents that a later read of it superseded, in no source's text; stored
    # first, as the store that exported them took them before the documents that superseded them
    guids: list[str | None] = []
    superseded = side.get("superseded") if v3 else None
    _need(superseded is None or isinstance(superseded, dict), "malformed superseded documents")
    n_old = 0
    for items in (superseded or {}).values():
        _need(isinstance(items, list), "malformed superseded documents")
        for item in items:
            _need(isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], str)
                  and item[1] != "" and item[0] not in guids, "malformed superseded documents")
            doc_rows.append(described(item[0], item[1]))
            guids.append(item[0])
            n_old += 1
    for src, row in zip(accepted, docs.to_dict("records")):
        _need(src.guid not in guids, "a superseded document is a text source too")
        doc_rows.append(described(src.guid, row["text"]))
        guids.append(src.guid)
    _need(len(doc_rows) == len(sdocs), "its documents are not the project's text sources")
    full = _frame(doc_rows, ["source", "locator", "kind", "question", "text", "attrs"])
    full["doc_id"] = store.document_ids(full) if len(full) else pd.Series(dtype=object)
    for doc_guid, doc_id, text in zip(guids, full["doc_id"], full["text"]):
        guid_doc[doc_guid] = (doc_id, text)

    segs = side.get("segments")
    _need(isinstance(segs, list), "no segments")
    seg_rows = []
    for item in segs:
        _need(isinstance(item, list) and len(item) == 6, "a malformed segment")
        doc_guid, kind, start, end, speaker, ref = item
        _need(doc_guid in guid_doc, "a segment of an unknown document")
        doc_id, text = guid_doc[doc_guid]
        _need(kind in SEGMENT_KINDS and isinstance(start, int) and isinstance(end, int)
              and 0 <= start < end <= len(text) and _opt_str(speaker) and _opt_str(ref), "a malformed segment")
        seg_rows.append({"doc_id": doc_id, "kind": kind, "start": start, "end": end, "text": text[start:end],
                         "speaker": speaker, "source_ref": ref})
    runs = side.get("runs")
    _need(isinstance(runs, list) and all(isinstance(r, dict) and isinstance(r.get("run_id"), str)
                                         and isinstance(r.get("command"), str) for r in runs), "malformed runs")
    run_ids = {r["run_id"] for r in runs}
    sb = side.get("codebook")
    _need(isinstance(sb, dict) and isinstance(sb.get("id"), str), "no codebook id")

    code_rows, used = [], {}
    for item in side.get("codes") or []:
        _need(isinstance(item, list) and len(item) == 6, "a malformed code")
        i, theme, score, assigned, who, run_id = item
        _need(isinstance(i, int) and 0 <= i < len(seg_rows) and isinstance(theme, str) and _opt_num(score)
              and isinstance(assigned, bool) and isinstance(who, str) and isinstance(run_id, str)
              and (who.startswith(HUMAN_PREFIX) or who.startswith(MODEL_PREFIX)), "a malformed code")
        g = code_guid(sb["id"], theme)
        used[g] = used.get(g, 0) + assigned  # every theme decided must map; only an applied one is a coding
        code_rows.append((i, g, score, assigned, who, run_id))
    themes = _check_codes(project, used, cb, code_map, parsed.path.name)
    codes = []
    for i, g, score, assigned, who, run_id in code_rows:
        s = seg_rows[i]
        if coder is not None and not is_machine(who):
            who = coder
        codes.append((s["doc_id"], s["kind"], s["start"], s["end"], themes[g], score, assigned, who,
                      run_id if run_id in run_ids else None))
    sent = []
    for item in side.get("sentiment") or []:
        _need(isinstance(item, list) and len(item) == 5, "a malformed sentiment")
        i, label, score, who, run_id = item
        _need(isinstance(i, int) and 0 <= i < len(seg_rows) and isinstance(label, str) and _opt_num(score)
              and isinstance(who, str) and isinstance(run_id, str), "a malformed sentiment")
        s = seg_rows[i]
        if coder is not None and who.startswith(HUMAN_PREFIX):
            who = coder
        sent.append((s["doc_id"], s["kind"], s["start"], s["end"], label, score, who,
                     run_id if run_id in run_ids else None))
    reach = []
    for item in side.get("reach") or []:
        _need(isinstance(item, list) and len(item) == 6, "a malformed reach figure")
        doc_guid, text, value, unit, start, end = item
        _need(doc_guid in guid_doc and isinstance(text, str) and _opt_num(value) and _opt_str(unit)
              and isinstance(start, int) and isinstance(end, int)
              and 0 <= start < end <= len(guid_doc[doc_guid][1]), "a malformed reach figure")
        reach.append((guid_doc[doc_guid][0], text, value, unit, start, end))
    entries = []
    for item in side.get("source_entries") or []:
        _need(isinstance(item, list) and len(item) == 5, "a malformed source entry")
        src_file, position, ref, label, text = item
        _need(isinstance(src_file, str) and isinstance(position, int) and _opt_str(ref) and _opt_str(label)
              and isinstance(text, str), "a malformed source entry")
        entries.append((src_file, position, ref, label, text))
    links = []
    for item in side.get("segment_sources") or []:
        # version 2: [segment, file, place] or [..., the entry's text]; 3: [..., the entry's text or null, how]
        _need(isinstance(item, list) and len(item) in ((5,) if v3 else (3, 4)), "a malformed source link")
        i, src_file, position, *named = item
        _need(isinstance(i, int) and 0 <= i < len(seg_rows) and seg_rows[i]["kind"] == "testimonial"
              and isinstance(src_file, str) and isinstance(position, int)
              and all(_opt_str(t) if v3 else isinstance(t, str) for t in named), "a malformed source link")
        s = seg_rows[i]
        links.append((s["doc_id"], s["start"], s["end"], src_file, position, named[0] if named else None,
                      named[1] if len(named) > 1 else None))
    letters = []
    for item in (side.get("letters") or []) if v3 else []:  # [segment, letter_id, file, name, ..., date, run_id]
        _need(isinstance(item, list) and len(item) == len(LETTER_COLUMNS), "a malformed letter")
        i, letter_id, letter_file, *said, run_id = item
        _need(isinstance(i, int) and 0 <= i < len(seg_rows) and seg_rows[i]["kind"] == "testimonial"
              and isinstance(letter_id, str) and isinstance(letter_file, str) and all(_opt_str(x) for x in said)
              and isinstance(run_id, str), "a malformed letter")
        s = seg_rows[i]
        letters.append((s["doc_id"], s["start"], s["end"], letter_id, letter_file, *said,
                        run_id if run_id in run_ids else None))
    run_cols = ["run_id", "command", "args", "codebook_id", "codebook_sha256", "model_sha256", "versions",
                "started", "finished", "status", "n_in", "n_ok", "n_rejected"]
    runs_frame = pd.DataFrame([{c: r.get(c) for c in run_cols} for r in runs], columns=run_cols)
    codes_frame = _frame(codes, [*_SEG_KEY, "theme", "score", "assigned", "coder", "run_id"])
    codes_frame = codes_frame.drop_duplicates([*_SEG_KEY, "theme", "coder"]).reset_index(drop=True)
    # sources read (a narrative file's is one), and the superseded documents evalnlp.json carries beside them
    n_docs = sum(src.part == 0 for src in accepted) + n_old
    return Plan(documents=full, rejects=_frame(rejects, ["source", "locator", "code", "reason"]),
                segments=_frame(seg_rows, ["doc_id", "kind", "start", "end", "text", "speaker", "source_ref"]),
                codes=codes_frame,
                sentiment=_frame(sent, [*_SEG_KEY, "label", "score", "coder", "run_id"]).drop_duplicates(
                    [*_SEG_KEY, "coder"]),
                reach=_frame(reach, ["doc_id", "text", "value", "unit", "start", "end"]), runs=runs_frame,
                n_in=n_docs + len(seg_rows) + len(rejects), n_ok=n_docs + len(seg_rows), n_rejected=len(rejects),
                complete=True, notes=notes, themes=list(cb.theme_ids), codebook_id=cb.id,
                source_entries=_frame(entries, ["source", "position", "ref", "label", "text"]),
                segment_sources=_frame(links, ["doc_id", "start", "end", "source", "position", "text", "how"]),
                letters=_frame(letters, ["doc_id", "start", "end", *LETTER_COLUMNS[1:]]))


# ---------------------------------------------------------------------------------------- writing


@dataclass
class Written:
    documents_new: int
    segments_new: int
    codes_new: int
    coders: pd.DataFrame  # coder, passages, with_code, codings (see coder_counts)
    segments_with_code: int = 0  # passages read that a coder of the file gave at least one theme


def _given(codes: pd.DataFrame, cleared: list[str] = ()) -> dict[str, frozenset]:
    """A person's themes per passage in the file: those of their codings, and none on the ``cleared`` passages
    (every coding of theirs removed there)."""
    given = {seg: frozenset(t) for seg, t in codes.groupby("seg_id")["theme"]}
    return {**{seg: frozenset() for seg in cleared if seg not in given}, **given}


def _changed(given: dict[str, frozenset], stored: pd.DataFrame) -> dict[str, frozenset]:
    """The passages where a person's themes in the file differ from their codes in the store (or that they have
    not coded there): the same decision is left as stored, however it was written down."""
    had = stored[stored["assigned"].astype(bool)].groupby("seg_id")["theme"].agg(frozenset)
    coded = set(stored["seg_id"])
    return {seg: themes for seg, themes in given.items()
            if not (seg in coded and had.get(seg, frozenset()) == themes)}


def _decisions(given: dict[str, frozenset], themes: list[str]) -> pd.DataFrame:
    """A person's themes per passage as their decision on it, the way human codes are stored: one row per theme
    of the codebook, assigned for the themes they gave (score 1) and not for the others (score 0)."""
    rows = [(seg, t, t in chosen) for seg, chosen in given.items() for t in dict.fromkeys([*themes, *sorted(chosen)])]
    frame = pd.DataFrame(rows, columns=["seg_id", "theme", "assigned"])
    frame["score"] = frame["assigned"].astype(float)
    return frame


def write_plan(store, plan: Plan, run_id: str) -> Written:
    """Write a plan inside the caller's transaction."""
    docs = plan.documents
    n_docs = store.insert_documents(docs[["source", "locator", "kind", "question", "text", "attrs"]], run_id) \
        if len(docs) else 0
    if len(plan.rejects):
        store.add_rejects(run_id, plan.rejects)
    n_segs = store.insert_segments(plan.segments) if len(plan.segments) else 0
    ids = store.segments_of(list(dict.fromkeys(docs["doc_id"]))) if len(docs) else pd.DataFrame(
        columns=["seg_id", *_SEG_KEY])
    ids = ids.astype({"start": "int64", "end": "int64"})

    def with_seg(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame.assign(seg_id=pd.Series(dtype=object))
        out = frame.astype({"start": "int64", "end": "int64"}).merge(ids, on=_SEG_KEY, how="inner")
        out["run_id"] = out["run_id"].where(out["run_id"].notna(), run_id)
        return out

    if len(plan.runs):
        store.import_runs(plan.runs)
    codes = with_seg(plan.codes)
    n_codes = 0
    if len(codes):
        machine = codes["coder"].str.startswith(MODEL_PREFIX)
        if plan.complete:  # evalnlp's own file: every row as it was, where the store has none of the coder's
            n_codes += store.import_codes(codes)
        else:
            n_codes += store.import_codes(codes[machine])
            people = codes[~machine]
            cleared = plan.cleared.astype({"start": "int64", "end": "int64"}).merge(ids, on=_SEG_KEY, how="inner") \
                if len(plan.cleared) else pd.DataFrame(columns=["seg_id", "coder"])
            who_all = sorted(set(people["coder"]) | set(cleared["coder"]))
            before = store.human_codes(who_all, plan.codebook_id) if who_all else None
            for who in who_all:
                given = _given(people[people["coder"] == who], cleared.loc[cleared["coder"] == who, "seg_id"])
                # the passages where the person's codes differ, or hold a theme of the codebook's earlier version
                # (renamed or removed since): their coding in the file replaces that one, as codes import does
                retired = store.retired_human_segments(who, plan.codebook_id, plan.themes) \
                    if plan.codebook_id else set()
                given = {**_changed(given, before[before["coder"] == who]),
                         **{seg: themes for seg, themes in given.items() if seg in retired}}
                if given:
                    done = store.put_human_codes(_decisions(given, plan.themes), who, run_id,
                                                 retired_of=plan.codebook_id)
                    n_codes += done["new"] + done["changed"]
    sent = with_seg(plan.sentiment)
    if len(sent):
        store.import_sentiment(sent)
    if len(plan.reach):
        store.insert_reach(plan.reach)
    if len(plan.source_entries):
        store.insert_sources(plan.source_entries, run_id)
    if len(plan.segment_sources):
        store.link_segment_sources(plan.segment_sources)
    if len(plan.letters):
        store.import_letters(plan.letters, run_id)
    with_code = int(codes.loc[codes["assigned"].astype(bool), "seg_id"].nunique()) if len(codes) else 0
    return Written(documents_new=int(n_docs), segments_new=int(n_segs), codes_new=n_codes,
                   coders=coder_counts(codes), segments_with_code=with_code)
