"""Reading REFI-QDA XML as other programs write it: a tolerant parse into plain dataclasses.

The reader follows the specification (QDA-XML 1.0, REFI-QDA 1.5) but expects the variations real exports
have: elements are matched by local name in any namespace (early files used ``urn:QDA-XML:project:0:10``),
GUIDs in either case with or without braces, optional elements and attributes absent, members of the
``Sources`` folder in any letter case, plain text inline (``PlainTextContent``) or in a ``.txt`` member
(``plainTextPath="internal://..."``), DOCX sources with a plain-text companion, PDF sources whose text is a
``Representation`` holding the text selections, and codes nested to any depth. What evalnlp cannot use
(pictures, audio, video, PDF areas given as page coordinates) is listed, never dropped silently.

Positions: a text selection runs from ``startPosition`` (the first character, counting Unicode code points
from 0) to ``endPosition``, exclusive, the way the specification's own example files count
(``startPosition="139" endPosition="195"`` selects 56 characters). A plain-text member is read as UTF-8
exactly as stored: line ends are not translated, since that would move every position after them; a
leading byte-order mark is dropped. Some programs (ATLAS.ti, MAXQDA) store Windows line ends (CR LF) in the
text but count each as one character; for a text with CR LF the positions are read that way when the
selections' names (their first words, as those programs write them) fit it better, or, without names to
go by, when the file says it was written by one of those programs.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from typing import Any, Callable
from xml.etree import ElementTree as ET

from evalnlp import errors
from evalnlp.qda._archive import Archive
from evalnlp.qda._ids import norm_guid


@dataclass
class Code:
    guid: str
    name: str
    description: str | None
    codable: bool
    parent: str | None
    color: str | None = None


@dataclass
class User:
    guid: str
    name: str | None
    id: str | None


@dataclass
class Variable:
    guid: str
    name: str
    type: str
    description: str | None


@dataclass
class Coding:
    code: str  # code GUID (normalised); may be missing from the codebook
    user: str | None  # user GUID (normalised)


@dataclass
class Selection:
    guid: str | None
    start: int
    end: int
    codings: list[Coding]
    user: str | None
    whole: bool = False  # a coding of the whole source, not of a marked passage
    #: a later piece of a selection that runs over the end of one document of a narrative file into the next
    #: (the import splits the file's source into its documents): counted once, with its first piece
    piece: bool = False


@dataclass
class Reject:
    code: str
    locator: str
    reason: str


@dataclass
class Source:
    guid: str | None
    name: str
    element: str  # TextSource, PDFSource, ...
    text: str | None
    user: str | None
    selections: list[Selection] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)  # this source's items that cannot be used
    values: dict[str, Any] = field(default_factory=dict)  # variable GUID -> value (JSON-ready)
    #: selections named by their first words whose name does not begin the text at their positions (kept)
    misnamed: int = 0
    #: how this source's positions were counted, where not as the specification says: "CR LF as one",
    #: "line ends as CR LF", "UTF-16 units" (read from the selections' names)
    counted: str | None = None
    #: a narrative file's source that the import split into its documents: which one this is (0 the first, the
    #: source itself otherwise); the file is counted once, with its first document
    part: int = 0


@dataclass
class Case:
    guid: str | None
    name: str | None
    sources: list[str]
    values: dict[str, Any]


@dataclass
class Project:
    name: str | None
    origin: str | None
    description: str | None
    creating_user: str | None
    users: dict[str, User]
    codes: dict[str, Code]  # GUID -> code, in document order (parents before children)
    variables: dict[str, Variable]
    sources: list[Source]
    cases: list[Case]
    discarded: dict[str, int]  # element kinds evalnlp does not use: how many of each the file has

    @property
    def case_codes(self) -> set[str]:
        """Codes that stand for cases (NVivo writes each case as a code too, with the case's GUID): coding
        with them says which case a passage belongs to, not what it is about."""
        return {c.guid for c in self.cases if c.guid} & set(self.codes)

    @property
    def theme_codes(self) -> dict[str, Code]:
        """The codes that may be themes: all but :attr:`case_codes`."""
        cases = self.case_codes
        return {g: c for g, c in self.codes.items() if g not in cases}


# ---------------------------------------------------------------------------------------- helpers


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local(c.tag) == name]


def child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def text_of(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    return "".join(el.itertext())


def attr(el: ET.Element, name: str) -> str | None:
    value = el.get(name)
    if value is None:  # tolerate attribute names in another case (plaintextpath, GUID)
        lowered = name.lower()
        for key, v in el.attrib.items():
            if local(key).lower() == lowered:
                return v
    return value


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1", "yes")


# ---------------------------------------------------------------------------------------- codebook


def read_codes(codes_el: ET.Element | None) -> dict[str, Code]:
    """Codes under a ``Codes`` element, depth first, each with its parent's GUID."""
    out: dict[str, Code] = {}
    if codes_el is None:
        return out

    def walk(el: ET.Element, parent: str | None) -> None:
        for c in children(el, "Code"):
            g = norm_guid(attr(c, "guid"))
            if g is None:  # a code without a usable GUID cannot be referred to
                walk(c, parent)
                continue
            name = (attr(c, "name") or "").strip() or g
            if g in out:
                raise errors.error("E243", guid=g, first=out[g].name, second=name)
            desc = text_of(child(c, "Description"))
            out[g] = Code(guid=g, name=name, description=desc.strip() if desc and desc.strip() else None,
                          codable=_bool(attr(c, "isCodable"), True), parent=parent, color=attr(c, "color"))
            walk(c, g)

    walk(codes_el, None)
    return out


def read_codebook_root(root: ET.Element) -> dict[str, Code]:
    """The codes of a ``CodeBook`` root (a .qdc file) or of a ``Project`` root's ``CodeBook``."""
    if local(root.tag) == "Project":
        book = child(root, "CodeBook")
        return read_codes(child(book, "Codes")) if book is not None else {}
    return read_codes(child(root, "Codes"))


# ---------------------------------------------------------------------------------------- variables


def _value(vv: ET.Element, variables: dict[str, "Variable"]) -> tuple[str | None, Any]:
    ref = child(vv, "VariableRef")
    target = norm_guid(attr(ref, "targetGUID")) if ref is not None else None
    for el in vv:
        name = local(el.tag)
        if name == "VariableRef":
            continue
        raw = text_of(el)
        if raw is None:
            continue
        if name == "TextValue":
            # a text is kept as written (a code "Medication " or an answer's line breaks are the user's);
            # one of spaces only is no value
            return target, raw if raw.strip() else None
        raw = raw.strip()
        if name == "BooleanValue":
            return target, raw.lower() in ("true", "1")
        if name == "IntegerValue":
            number = _int(raw)
            return target, number if number is not None else raw
        if name == "FloatValue":
            try:
                number = float(raw)
            except ValueError:
                return target, raw
            # NaN or an infinity is no decimal (the schema's type for it): a program's mark of no value
            return target, number if math.isfinite(number) else None
        return target, raw  # DateValue, DateTimeValue
    return target, None


def _values(el: ET.Element, variables: dict[str, Variable]) -> dict[str, Any]:
    out = {}
    for vv in children(el, "VariableValue"):
        target, value = _value(vv, variables)
        if target is not None and value is not None and value != "":
            out[target] = value
    return out


# ---------------------------------------------------------------------------------------- sources


_OTHER_SOURCES = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}


#: Programs known to count a Windows line end (CR LF) in a plain-text source as one character.
CRLF_AS_ONE = ("ATLAS.ti", "MAXQDA")


def crlf_map(text: str):
    """Position counted with each CR LF as one character -> position in ``text`` (code points)."""
    import bisect

    crlfs, at, removed = [], text.find("\r\n"), 0
    while at != -1:
        crlfs.append(at - removed)  # where the line end sits once each CR LF before it is one character
        removed += 1
        at = text.find("\r\n", at + 2)

    def to_text(pos: int) -> int:
        return pos + bisect.bisect_left(crlfs, pos)

    return to_text


def _counted_map(text: str, wide: Callable[[str], bool]):
    """Position counted with each character that ``wide`` is true of as two -> position in ``text``: a line end
    written as LF but counted as CR LF (an inline text whose CR LF the XML reader made LF), or a character past
    U+FFFF counted as two UTF-16 units."""
    import bisect

    twos = [i + k for k, i in enumerate(j for j, ch in enumerate(text) if wide(ch))]  # where each starts, counted

    def to_text(pos: int) -> int:
        return pos - bisect.bisect_left(twos, pos - 1)

    return to_text


#: How many characters of a selection's name must begin its passage for the name to tell how positions count.
NAME_WORDS = 8


def _name_words(name: str) -> str:
    """The part of a selection's name that is compared with its passage: runs of whitespace as one space, without
    the whitespace around it or a trailing ellipsis (three dots or one character) or full stop."""
    import re

    return re.sub(r"\s+", " ", name.strip().rstrip("\u2026.").rstrip())


def _named(name: str) -> bool:
    """Whether a selection's name is long enough to tell how its positions count (``Nothing.``, seven characters
    once its full stop is dropped, is not)."""
    return len(_name_words(name)) >= NAME_WORDS


def _name_fits(text: str, start: int, end: int, name: str) -> bool:
    """Whether a selection's name (programs such as ATLAS.ti name a selection by its first words) begins the
    passage; runs of whitespace count as one space, a trailing ellipsis is ignored, and a character XML cannot
    hold (a NUL, a control character) counts as the space a name has in its place. A passage at the start of the
    text may begin with whitespace a name leaves out (an answer starting with a line end): position 0 is the same
    however a program counts. Elsewhere the passage is not stripped: one a character off must not fit."""
    import re

    from evalnlp.qda._export import xml_text

    want = _name_words(name)
    got = re.sub(r"\s+", " ", xml_text(text[start:end]))
    if start == 0:
        got = got.lstrip()
    k = min(len(want), len(got), 40)
    return k >= NAME_WORDS and want[:k] == got[:k]


class _SourceReader:
    def __init__(self, archive: Archive | None, variables: dict[str, Variable], origin: str | None = None):
        self.archive = archive
        self.variables = variables
        origin = (origin or "").casefold()
        self.crlf_as_one = any(p.casefold() in origin for p in CRLF_AS_ONE)

    def line_ends(self, text: str, raw: list[tuple[int, int, str]], src: Source | None = None):
        """How this source's positions count: the text's code points, as the specification says; a CR LF as one
        (as ATLAS.ti and MAXQDA do); a line end as two where the XML reader made an inline text's CR LF one LF;
        or a character past U+FFFF as two (UTF-16 units). Selections named by their first words decide (the count
        under which most names begin their passage, where it is more than the specification's); without them,
        a CR LF counts as the program that wrote the file counts it. Returns a function from position to
        position; ``src`` is told which count was taken, and how many named selections still do not fit."""
        def same(pos: int) -> int:
            return pos

        ways: list[tuple[str, Callable[[int], int]]] = [("", same)]
        if "\r\n" in text:
            ways.append(("CR LF as one", crlf_map(text)))
        elif "\n" in text:
            ways.append(("line ends as CR LF", _counted_map(text, lambda ch: ch == "\n")))
        if any(ord(ch) > 0xFFFF for ch in text):
            ways.append(("UTF-16 units", _counted_map(text, lambda ch: ord(ch) > 0xFFFF)))
        named = [(s, e, n) for s, e, n in raw if n and _named(n)]
        chosen = ways[1] if "\r\n" in text and self.crlf_as_one else ways[0]
        by_names = False  # whether the names chose a count other than the specification's
        if named and len(ways) > 1:
            fits = [sum(_name_fits(text, way(s), way(e), n) for s, e, n in named) for _, way in ways]
            best = max(range(len(ways)), key=lambda i: (fits[i], i == 0))
            if fits[best] > fits[0]:
                chosen, by_names = ways[best], True
            elif fits[best] == fits[0] and "\r\n" not in text:
                chosen = ways[0]
            elif "\r\n" in text and fits[1] != fits[0]:
                chosen = ways[0]
        if src is not None:
            src.counted = chosen[0] if by_names else None
            way = chosen[1]
            src.misnamed = sum(not _name_fits(text, way(s), way(e), n) for s, e, n in named
                               if 0 <= way(s) < way(e) <= len(text))
        return chosen[1]

    def plain_text(self, el: ET.Element, label: str) -> tuple[str | None, Reject | None]:
        """The plain text of a TextSource-like element: inline content or its ``plainTextPath`` member."""
        content = child(el, "PlainTextContent")
        if content is not None:
            return text_of(content) or "", None
        path = attr(el, "plainTextPath")
        if not path:
            what = "a DOCX source" if attr(el, "richTextPath") else "a text source"
            return None, Reject("E143", label, errors.message("E143", "no_plain_text", what=what))
        return self.member_text(path, label)

    def member_text(self, path: str, label: str) -> tuple[str | None, Reject | None]:
        scheme, _, rest = path.partition("://")
        if scheme.lower() != "internal" or not rest:
            return None, Reject("E143", label, errors.message("E143", "outside", path=path))
        name = rest.replace("\\", "/").lstrip("/")
        if ".." in name.split("/"):
            return None, Reject("E144", label, errors.message("E144", "leaves_folder", path=path))
        if self.archive is None:
            return None, Reject("E144", label, errors.message("E144", "no_archive", path=path))
        # internal://X is the member sources/X (the specification), or X itself where a program left out the
        # folder; only when neither is there, a file of that name anywhere, if there is exactly one
        found = self.archive.find("sources/" + name) or self.archive.find(name)
        if not found:
            found = self.archive.find_anywhere(name.rsplit("/", 1)[-1])
        if not found:
            return None, Reject("E144", label, errors.message("E144", "not_in_archive", path=path))
        if len(found) > 1:
            return None, Reject("E144", label, errors.message("E144", "ambiguous", n=len(found), path=path))
        data = self.archive.read(found[0], self.archive.limits.max_text, "one plain-text source", text=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, Reject("E144", label, errors.message("E144", "not_utf8", filename=found[0].filename,
                                                              byte=exc.start))
        return text.removeprefix("\ufeff"), None

    def selections(self, el: ET.Element, user: str | None) -> list[tuple[ET.Element, str | None]]:
        """PlainTextSelection elements of a text element, with nested ones (some programs nest a selection
        inside the one that contains it), each with its inherited creating user."""
        found = []

        def walk(parent: ET.Element, inherited: str | None) -> None:
            for c in parent:
                if local(c.tag) == "PlainTextSelection":
                    owner = norm_guid(attr(c, "creatingUser")) or inherited
                    found.append((c, owner))
                    walk(c, owner)

        walk(el, user)
        return found

    def codings(self, el: ET.Element, user: str | None) -> list[Coding]:
        out = []
        for c in children(el, "Coding"):
            ref = child(c, "CodeRef")
            code = norm_guid(attr(ref, "targetGUID")) if ref is not None else None
            if code is not None:
                out.append(Coding(code=code, user=norm_guid(attr(c, "creatingUser")) or user))
        return out

    def text_element(self, el: ET.Element, src: Source, text_el: ET.Element, owner: str | None) -> None:
        """Fill ``src`` from a TextSource-typed element: its text, selections and whole-source codings."""
        text, problem = self.plain_text(text_el, src.name)
        if problem is not None:
            src.rejects.append(problem)
            return
        src.text = text
        seen: dict[str, Selection] = {}
        found = self.selections(text_el, owner)
        raw = [(_int(attr(e, "startPosition")), _int(attr(e, "endPosition")), attr(e, "name") or "")
               for e, _ in found]
        position = self.line_ends(text, [r for r in raw if r[0] is not None and r[1] is not None], src)
        for (sel_el, sel_user), (start, end, _) in zip(found, raw):
            g = norm_guid(attr(sel_el, "guid"))
            if start is not None and end is not None:
                start, end = position(start), position(end)
            codings = self.codings(sel_el, sel_user)
            where = f"selection {g}" if g else f"selection at {attr(sel_el, 'startPosition')}"
            if start is None or end is None:
                src.rejects.append(Reject("E145", where, errors.message("E145", "not_numbers",
                                                                        start=attr(sel_el, 'startPosition'),
                                                                        end=attr(sel_el, 'endPosition'))))
                continue
            if not 0 <= start < end <= len(text):
                src.rejects.append(Reject("E145", where, errors.message("E145", "outside_text", start=start, end=end,
                                                                        length=len(text))))
                continue
            sel = Selection(guid=g, start=start, end=end, codings=codings, user=sel_user)
            if g is not None and g in seen:
                seen[g].codings.extend(codings)
                continue
            if g is not None:
                seen[g] = sel
            src.selections.append(sel)
        whole = self.codings(text_el, owner) + (self.codings(el, owner) if el is not text_el else [])
        if whole and text.strip():
            src.selections.append(Selection(guid=None, start=0, end=len(text), codings=whole, user=owner,
                                            whole=True))

    def pdf_selections(self, el: ET.Element, src: Source, owner: str | None) -> None:
        """PDF areas: the same selection as a text one (same GUID) adds its codings to it; one whose own
        text is found exactly once in the document's text becomes that passage; others are rejected."""
        by_guid = {s.guid: s for s in src.selections if s.guid}
        for sel_el in children(el, "PDFSelection"):
            g = norm_guid(attr(sel_el, "guid"))
            codings = self.codings(sel_el, norm_guid(attr(sel_el, "creatingUser")) or owner)
            if g is not None and g in by_guid:
                by_guid[g].codings.extend(codings)
                continue
            rep = child(sel_el, "Representation")
            snippet = text_of(child(rep, "PlainTextContent")) if rep is not None else None
            where = f"PDF selection {g}" if g else f"PDF selection on page {attr(sel_el, 'page')}"
            if src.text is not None and snippet and snippet.strip() and src.text.count(snippet) == 1:
                start = src.text.index(snippet)
                src.selections.append(Selection(guid=g, start=start, end=start + len(snippet), codings=codings,
                                                user=owner))
            else:
                src.rejects.append(Reject("E146", where, errors.message("E146")))

    def read(self, el: ET.Element, project_user: str | None) -> Source:
        kind = local(el.tag)
        g = norm_guid(attr(el, "guid"))
        name = (attr(el, "name") or "").strip() or (g or kind)
        owner = norm_guid(attr(el, "creatingUser")) or project_user
        src = Source(guid=g, name=name, element=kind, text=None, user=owner, values=_values(el, self.variables))
        if kind == "TextSource":
            self.text_element(el, src, el, owner)
        elif kind == "PDFSource":
            rep = child(el, "Representation")
            if rep is None:
                src.rejects.append(Reject("E143", name, errors.message("E143", "pdf_no_text")))
            else:
                self.text_element(el, src, rep, owner)
                self.pdf_selections(el, src, owner)
        else:
            n_sel = sum(1 for c in el.iter() if local(c.tag).endswith("Selection"))
            what = _OTHER_SOURCES.get(kind, kind)
            with_selections = f" with {n_sel} selections" if n_sel else ""
            src.rejects.append(Reject("E143", name, errors.message("E143", "other_source", what=what,
                                                                    selections=with_selections)))
        return src


# ---------------------------------------------------------------------------------------- project


def read_project(root: ET.Element, archive: Archive | None) -> Project:
    """The parts of a ``Project`` element evalnlp uses; texts are read from ``archive``."""
    users: dict[str, User] = {}
    users_el = child(root, "Users")
    for u in children(users_el, "User") if users_el is not None else []:
        g = norm_guid(attr(u, "guid"))
        if g is not None:
            users[g] = User(guid=g, name=(attr(u, "name") or "").strip() or None,
                            id=(attr(u, "id") or "").strip() or None)
    variables: dict[str, Variable] = {}
    vars_el = child(root, "Variables")
    for v in children(vars_el, "Variable") if vars_el is not None else []:
        g = norm_guid(attr(v, "guid"))
        if g is not None:
            desc = text_of(child(v, "Description"))
            variables[g] = Variable(guid=g, name=(attr(v, "name") or "").strip() or g,
                                    type=(attr(v, "typeOfVariable") or "Text").strip(),
                                    description=desc.strip() if desc else None)
    codes = read_codebook_root(root)
    creating_user = norm_guid(attr(root, "creatingUserGUID"))
    reader = _SourceReader(archive, variables, attr(root, "origin"))
    sources = []
    sources_el = child(root, "Sources")
    for el in list(sources_el) if sources_el is not None else []:
        if isinstance(el.tag, str):
            sources.append(reader.read(el, creating_user))
    cases = []
    cases_el = child(root, "Cases")
    for c in children(cases_el, "Case") if cases_el is not None else []:
        refs = [norm_guid(attr(r, "targetGUID")) for r in children(c, "SourceRef")]
        cases.append(Case(guid=norm_guid(attr(c, "guid")), name=(attr(c, "name") or "").strip() or None,
                          sources=[r for r in refs if r], values=_values(c, variables)))
    discarded = {}
    for name, inner in (("Notes", "Note"), ("Links", "Link"), ("Sets", "Set"), ("Graphs", "Graph")):
        el = child(root, name)
        if el is not None and len(children(el, inner)):
            discarded[name.lower()] = len(children(el, inner))
    memos = sum(1 for el in root.iter() if local(el.tag) == "NoteRef")
    if memos:
        discarded["note references"] = memos
    # a memo written as a source's or a selection's description (how some programs export document memos)
    sources_el = child(root, "Sources")
    described = 0
    for el in (sources_el.iter() if sources_el is not None else ()):
        if isinstance(el.tag, str) and local(el.tag) == "Description" and (text_of(el) or "").strip():
            described += 1
    if described:
        discarded["descriptions of sources and selections"] = described
    desc = text_of(child(root, "Description"))
    return Project(name=attr(root, "name"), origin=attr(root, "origin"), description=desc,
                   creating_user=creating_user, users=users, codes=codes, variables=variables, sources=sources,
                   cases=cases, discarded=discarded)
