"""Narrative documents: plain text and Markdown, DOCX, PDF, each turned into passages with locators.

- TXT / Markdown: paragraphs are blocks of lines separated by blank lines (``"paragraph 4"``, counting
  paragraphs with text); the text keeps its line breaks (as ``\\n``). In double-spaced text a blank line
  inside a paragraph is a line break (see :func:`paragraphs`).
- DOCX: body paragraphs with text, in document order (``"paragraph 4"``), and table cells with text
  (``"table 2 row 3 cell 1"``, 1-based, a merged cell once, a table inside it read into it); content controls,
  custom XML, tracked insertions, moved text's new place, field results and hyperlinks are read through; deleted
  text, moved text's old place, hidden runs and ``mc:Fallback`` copies are not. A footnote or endnote reference
  reads as its mark, numbered as Word numbers it (in the document's numbering format: digits as superscript digits,
  ``...to practice.\u201d\u00b9\u00b2``, a roman numeral or a letter in brackets, ``...lasted.\u201d[ii]``); the notes' own
  text is read apart (``"footnote 3"``, ``"endnote ii"``; see :func:`read_docx`). The archive is read under
  caps and XML with a document type declaration is refused (see :func:`_check_docx_archive`).
- PDF: the text of every page (``"page 2"``), a page set in columns read column by column, its paragraphs a
  blank line apart (see :mod:`evalnlp.ingest._pdf_columns`); a page without text is still returned, with empty
  text, so it is accounted for. A PDF with no text at all (a scan) is an error (E118).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Passage
from evalnlp.ingest._pdf_columns import page_text
from evalnlp.ingest._reflow import _CONTINUES
from evalnlp.ingest._narrative_text import _LIST_ITEM, ends_paragraph, typical_line, double_spaced
from evalnlp.util import MiB, size_text
from evalnlp.ingest._text import (
    binary_head,
    describe_error,
    describe_head,
    text_encoding,
    zip_problem,
)

_BLANK_LINE = re.compile(r"[ \t\f\v]*")


_BLANK_RUN = re.compile(r"\n(?:[ \t\f\v]*\n)+")
#: The typical line length (75th percentile) from which double-spaced text is taken for wrapped prose: an
#: export wraps at about 80 characters.
_WRAPPED_LINE = 50


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; line breaks inside a paragraph are kept.

    Text exported double-spaced (a blank line after every wrapped line, as REF case studies can be, however
    few its lines) is split only where a blank line ends a paragraph, as narrative extraction reads it: after
    a sentence end, a heading, a list item or a table cell, and not inside a quotation that goes on past it
    (closed on a later line, which does not open with a new mark); a blank line inside a paragraph becomes a
    line break (which the reading text then rejoins). Lines must be of wrapping length (most at least
    :data:`_WRAPPED_LINE` characters), so short answers written one to a paragraph stay apart.
    """
    # a text of a few lines qualifies too: a blank line is joined only where the text plainly goes on
    typical = typical_line(text) if double_spaced(text, min_lines=2) else 0
    if typical >= _WRAPPED_LINE:
        quoted = _quotations_going_on(text)
        kept, pos = [], 0
        for m in _BLANK_RUN.finditer(text):
            inside = any(a < m.start() and m.end() < b for a, b in quoted) and not _list_item_after(text, m.end())
            if inside or (_wraps(text, m.start(), m.end()) and not ends_paragraph(text, m.start(), m.end(), typical)):
                kept += [text[pos:m.start()], "\n"]
                pos = m.end()
        text = "".join(kept) + text[pos:]
    return _plain_paragraphs(text)


def _quotations_going_on(text: str) -> list[tuple[int, int]]:
    """(opening mark, closing mark) of each quotation in ``text`` that is closed by a mark, as narrative
    extraction finds them (one left open at a line's end whose next line opens with a new mark ends there),
    when both marks stand where they can: the opening one before a word, after a space or bracket or at the
    start, the closing one after a word or punctuation, before no word. A stray mark (an apostrophe, a
    closing mark read as an opening one) pairs with another far down the text (or with a plural's apostrophe),
    and the lines between are no quotation; so does a pair with unpaired double marks or list items between
    them."""
    from evalnlp.ingest._narrative_quotes import find_quotes
    from evalnlp.ingest._narrative_text import superscript_marks

    text = superscript_marks(text)  # (one for one: ``...practice.”¹²`` closes as ``...practice.”12`` does)
    out = []
    for q in find_quotes(text):
        c = q.close - 1
        if not (q.end < q.close <= len(text)) or text[c].isspace():
            continue
        before, after = text[q.open - 1:q.open], text[q.open + 1:q.open + 2]
        if before and not (before.isspace() or before in "([{\u2014\u2013/:"):
            continue
        if not after or after.isspace():
            continue
        if text[c - 1].isspace() or text[c + 1:c + 2].isalnum():
            continue
        if text[q.open] in "'`\u2018" and text[c - 1] == "s" and re.match(r"[ \t][^\W\d_]", text[c + 1:c + 3]):
            continue  # a plural's apostrophe ("the operators' association"), not the end of a quotation
        inner = text[q.open + 1:c]
        if inner.count('"') % 2 or inner.count("\u201c") != inner.count("\u201d"):
            continue  # double marks inside that do not pair: the marks around were paired wrongly
        if any(_list_item_after(text, m.end()) for m in _BLANK_RUN.finditer(text, q.open, c)):
            continue  # list items are no part of one quotation: a mark in an earlier item paired with a later one
        out.append((q.open, c))
    return out


#: A bullet (also as an HTML entity) or a bracketed label ("[iii]", "[5.2]") opening a line: a list's item.
_ITEM_MARK = re.compile(r"[ \t]*(?:[\u2022\u25aa\u25cf\u2023\u25e6\uf0b7]|&#8226;|&bull;|\[[\w.]{1,6}\])[ \t]")


def _list_item_after(text: str, pos: int) -> bool:
    """Does the line at ``pos`` open with a list item's marker?"""
    return _LIST_ITEM.match(text, pos) is not None or _ITEM_MARK.match(text, pos) is not None


#: Words a wrapped line can end with before a capitalised word ("of" + "the University", "by" + "Professor X").
_LINKING = frozenset("""a an the of in on at to for from by with and or but as into onto upon about than that
which who whose whom said says wrote writes told including such like between among across under over via per
professor prof prof. dr dr. sir dame lord lady mr mr. mrs mrs. ms ms. dean""".split())


def _wraps(text: str, start: int, end: int) -> bool:
    """Is the blank line at ``text[start:end]`` a wrap inside a sentence? Only when the next line goes on in
    lower case (or with a digit or a closing mark), or the line before stops on a comma, a hyphen or a word that
    cannot end a phrase: a line that ends on a content word before a capitalised line may be a whole answer,
    a heading or a line of a poem or an address, which stay apart."""
    prev = text[text.rfind("\n", 0, start) + 1:start].rstrip()
    nxt_end = text.find("\n", end)
    nxt = text[end:nxt_end if nxt_end >= 0 else len(text)].strip()
    if not prev or not nxt:
        return False
    first = nxt.lstrip("\"'\u2018\u201c([")[:1]
    if first.islower() or first.isdigit() or nxt[:1] in ")]\u2019\u201d,;:":
        return True
    if prev[-1:] in ",-\u2013":
        return True
    last = prev.split()[-1].strip("\"'\u2018\u201c(").lower()
    return last in _LINKING


def _plain_paragraphs(text: str) -> list[str]:
    out: list[str] = []
    block: list[str] = []
    for line in text.split("\n"):
        if _BLANK_LINE.fullmatch(line):
            if block:
                out.append("\n".join(block))
                block = []
        else:
            block.append(line)
    if block:
        out.append("\n".join(block))
    return out


#: A form feed (a page break, as pdftotext and many exports write it) with the spaces beside it.
_FORM_FEED = re.compile(r"[ \t]*\f[ \t\f]*")


def read_text(path: Path) -> list[Passage]:
    """Paragraphs of a TXT or Markdown file, encoding detected. A form feed is a paragraph break: it is read as a
    blank line before the text is split, so no passage holds it and two pages are never one passage."""
    encoding = text_encoding(path)
    with open(path, encoding=encoding) as fh:  # universal newlines: \r\n and \r become \n
        text = _FORM_FEED.sub("\n\n", fh.read())
    return [Passage(f"paragraph {i}", p) for i, p in enumerate(paragraphs(text), start=1)]


def _no_text(path: Path, what: str) -> InputError:
    return errors.error("E118", file=path.name, what=what)


def _docx_corrupt(path: Path, found: str) -> InputError:
    return errors.error("E108", "unreadable", file=path.name, found=found)


#: The most one part (zip member) of a DOCX document may unpack to: a long report's ``document.xml`` is a few MB,
#: a photo a few MB more; past this the file is damaged or a zip bomb (E123).
DOCX_MAX_PART = 200 * MiB
#: The most all of a DOCX document's parts together may unpack to (python-docx holds every part in memory).
DOCX_MAX_TOTAL = 1024 * MiB
#: The most a part may unpack to per byte it takes in the zip, once it is over :data:`_RATIO_FROM`: Word's XML
#: compresses about 5-20 times, pictures hardly at all; a zip bomb a thousand times and more.
DOCX_MAX_RATIO = 100
_RATIO_FROM = 1 * MiB
_XML_PART = re.compile(r"(?i).*\.(xml|rels|vml)$")


class _Doctype(Exception):
    pass


def _refuse_doctype(*_: Any) -> None:
    raise _Doctype


def _check_docx_archive(path: Path) -> None:
    """Read every part of a DOCX archive once, in chunks, before python-docx does: refuse (E123) a part whose
    declared or actual size passes :data:`DOCX_MAX_PART`, or :data:`DOCX_MAX_RATIO` times its compressed size,
    or parts that together pass :data:`DOCX_MAX_TOTAL` (the bytes are counted as they unpack, as a zip's header
    can lie); and refuse (E108) an XML part with a document type declaration, which Word never writes (so no
    entity is ever expanded or looked up). Nothing is kept: python-docx then reads parts known to be small."""
    import zipfile
    import zlib
    from xml.parsers import expat

    def too_large(name: str, limit: str) -> InputError:
        return errors.error("E123", "docx", file=path.name, filename=name, limit=limit)

    try:
        archive = zipfile.ZipFile(path)
    except Exception as err:  # BadZipFile, LargeZipFile, OSError ...
        raise _docx_corrupt(path, describe_error(err)) from None
    total = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            ratio_cap = max(_RATIO_FROM, DOCX_MAX_RATIO * info.compress_size)
            part_limit = f"the {size_text(DOCX_MAX_PART)} allowed for one part of a Word document"
            ratio_limit = (f"{DOCX_MAX_RATIO} times its compressed size of {size_text(info.compress_size)}, "
                           "the most a part of a Word document is allowed")
            total_limit = f"the {size_text(DOCX_MAX_TOTAL)} allowed for all the parts of a Word document together"
            if info.file_size > DOCX_MAX_PART:
                raise too_large(info.filename, part_limit)
            if info.file_size > ratio_cap:
                raise too_large(info.filename, ratio_limit)
            if total + info.file_size > DOCX_MAX_TOTAL:
                raise too_large(info.filename, total_limit)
            check = None
            if _XML_PART.fullmatch(info.filename):
                check = expat.ParserCreate()
                check.StartDoctypeDeclHandler = _refuse_doctype
                check.EntityDeclHandler = _refuse_doctype
                check.UnparsedEntityDeclHandler = _refuse_doctype
                check.ExternalEntityRefHandler = _refuse_doctype
            size = 0
            try:
                with archive.open(info) as fh:
                    while chunk := fh.read(MiB):
                        size += len(chunk)
                        if size > DOCX_MAX_PART:  # the header understated the size: stop reading here
                            raise too_large(info.filename, part_limit)
                        if size > ratio_cap:
                            raise too_large(info.filename, ratio_limit)
                        if total + size > DOCX_MAX_TOTAL:
                            raise too_large(info.filename, total_limit)
                        if check is not None:
                            try:
                                check.Parse(chunk, False)
                            except expat.ExpatError:  # not well-formed: python-docx says so (E108)
                                check = None
            except _Doctype:
                raise errors.error("E108", "doctype", file=path.name, part=info.filename) from None
            except InputError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                    RuntimeError) as err:
                raise _docx_corrupt(path, f"the part {info.filename!r} cannot be read ({describe_error(err)})") \
                    from None
            total += size


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
#: Elements that wrap paragraphs, tables, rows or cells without changing what Word shows of them.
_BLOCK_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"})
#: Elements whose content Word does not show in place: deleted text, the old place of moved text, the
#: properties of paragraphs, runs and content controls, and text boxes (drawings, counted as not read).
_NOT_SHOWN = frozenset({_W + "del", _W + "moveFrom", _W + "pPr", _W + "rPr", _W + "sdtPr", _W + "sdtEndPr",
                        _W + "txbxContent", _W + "customXmlPr", _W + "smartTagPr", _W + "fldData",
                        _W + "moveFromRangeStart", _W + "delText", _W + "delInstrText", _W + "instrText"})
_OFF = frozenset({"0", "false", "off"})


def _is_on(element: Any) -> bool:
    """Is a toggle property (``<w:vanish/>``, ``<w:vanish w:val="0"/>``) on?"""
    return element is not None and element.get(_W + "val", "true").lower() not in _OFF


def _chosen(alternate: Any) -> Any:
    """The branch of ``mc:AlternateContent`` to read: the first ``mc:Choice``, as current Word renders it (the
    ``mc:Fallback`` is a copy for older programs), or the fallback when there is no choice."""
    choice = alternate.find(_MC + "Choice")
    return choice if choice is not None else alternate.find(_MC + "Fallback")


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraph (``w:p``) and table (``w:tbl``) elements under ``container`` in document order, looking inside
    content controls, custom XML and the chosen branch of alternate content."""
    for child in container.iterchildren():
        tag = child.tag
        if tag in (_W + "p", _W + "tbl"):
            yield child
        elif tag in _BLOCK_WRAPPERS and not _placeholder(child):
            yield from _blocks(child)
        elif tag == _MC + "AlternateContent":
            branch = _chosen(child)
            if branch is not None:
                yield from _blocks(branch)


def _wrapped(container: Any, tag: str) -> Iterator[Any]:
    """The ``tag`` elements (rows of a table, cells of a row) under ``container``, also inside content controls
    (a repeating section's rows) and custom XML."""
    for child in container.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _wrapped(child, tag)


def _symbol(sym: Any) -> str:
    """A ``w:sym`` symbol's character: its code when that is a plain Unicode character, else U+FFFD (a code in
    the private use area draws a glyph of a symbol font such as Wingdings, which is no character of its own)."""
    try:
        code = int(sym.get(_W + "char", ""), 16)
    except ValueError:
        return "\ufffd"
    if 0xE000 <= code <= 0xF8FF or not 0x20 <= code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


#: Plain digits as Unicode's superscript digits: a footnote's or endnote's mark as Word shows it in the body.
_SUPERSCRIPT = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
#: The notes Word keeps among a document's footnotes and endnotes to draw the line above them: no one's text.
_NOTE_SEPARATORS = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_NOTE_REFERENCES = {_W + "footnoteReference": "footnote", _W + "endnoteReference": "endnote"}
#: Set before a note's mark while a paragraph's or cell's text is built, to find where the reference stands once
#: the text is whole; a character XML cannot hold, so no document's text has it (see :meth:`_NoteMarks.take`).
_PLACE = "\uffff"
#: The numbering format of each kind of note when the document sets none, as Word has it.
_DEFAULT_NOTE_FORMAT = {"footnote": "decimal", "endnote": "lowerRoman"}
#: The note numbering formats followed (any other is read as ``decimal``, and the ingest says so).
_NOTE_FORMATS = frozenset({"decimal", "lowerRoman", "upperRoman", "lowerLetter", "upperLetter", "chicago"})
#: The symbols of the ``chicago`` format, in turn; after the fourth they double, then triple (``**``, ``††``).
_CHICAGO = "*\u2020\u2021\u00a7"
_ROMAN_PLACES = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                 (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = []
    for value, digits in _ROMAN_PLACES:
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


def note_number(n: int, fmt: str) -> str:
    """The ``n``-th note's number in Word's numbering format ``fmt``: ``decimal`` ``12``, ``lowerRoman``
    ``xii``, ``upperRoman`` ``XII``, ``lowerLetter`` ``a`` ... ``z``, then ``aa``, ``bb`` (the letter repeated,
    as Word does), ``upperLetter`` the same in capitals, ``chicago`` ``*``, ``†``, ``‡``, ``§``, then ``**``,
    ``††`` ...; a number below 1 (a start Word would not take) is written in digits."""
    if n < 1 or fmt == "decimal":
        return str(n)
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    return _CHICAGO[(n - 1) % 4] * ((n - 1) // 4 + 1)


def body_mark(number: str) -> str:
    """How the body reads a note's number (see :func:`note_number`): digits as superscript digits (``¹²``),
    which narrative extraction reads as footnote digits; a roman numeral or a letter in square brackets
    (``[xii]``, ``[b]``), as a bracketed marker is read; a symbol as it is (``†``)."""
    if number.isdigit():
        return number.translate(_SUPERSCRIPT)
    if number.isalpha():
        return f"[{number}]"
    return number


def _note_numbering(element: Any, kind: str) -> dict[str, str]:
    """What ``w:footnotePr`` or ``w:endnotePr`` under ``element`` (the settings, or a section's ``w:sectPr``)
    sets: ``format``, ``start`` and ``restart``, those it has."""
    out: dict[str, str] = {}
    pr = element.find(f"{_W}{kind}Pr") if element is not None else None
    if pr is None:
        return out
    for tag, name in (("numFmt", "format"), ("numStart", "start"), ("numRestart", "restart")):
        el = pr.find(_W + tag)
        value = el.get(_W + "val") if el is not None else None
        if value:
            out[name] = value
    return out


class _NoteMarks:
    """The marks of a document's footnote and endnote references as Word shows them in the body, given out as
    the body is read: each kind numbered apart, in the order its references stand in the text, in the numbering
    the document sets for it (``w:footnotePr``/``w:endnotePr`` in its settings, which a section's own properties
    override for that section): the format (``numFmt``: footnotes 1, 2, 3 and endnotes i, ii, iii when none is
    set, as in Word; see :func:`note_number`), the first number (``numStart``) and where the count restarts
    (``numRestart``: ``continuous``, or ``eachSect``, at each section). A count that restarts on each page
    (``eachPage``) goes on across pages, as the pages are not known without laying the document out, and the
    ingest says so (:attr:`told`); so does a format not followed (numbered 1, 2, 3). A reference with a custom
    mark (``w:customMarkFollows``) shows the text that follows it in its run (``*``, ``\u2020``), which is read
    as the run's text, and takes no number (as the standard has it). See :func:`body_mark` for how the body reads
    a mark, so that a testimonial's mark names its note."""

    def __init__(self, settings: Any = None, sections: list[Any] | None = None) -> None:
        self.base = {kind: {"format": _DEFAULT_NOTE_FORMAT[kind], "start": "1", "restart": "continuous",
                            **_note_numbering(settings, kind)} for kind in _NOTE_KINDS}
        self.sections = sections or []
        self.section = 0
        self.counts = {kind: self._start(kind) - 1 for kind in _NOTE_KINDS}
        #: ``(kind, note id)`` -> ``(mark, custom)``, in the order the references were read
        self.marks: dict[tuple[str, str], tuple[str, bool]] = {}
        #: ``(kind, note id)`` of each reference shown, in body order, one per :data:`_PLACE` in the text built
        self.shown_refs: list[tuple[str, str]] = []
        self.taken = 0
        #: the passage (``"paragraph 4"``) each reference shown stands in, with its note's ``(kind, note id)`` and
        #: where its mark stands in the passage's text (a custom mark's too: its text follows the reference)
        self.placed: list[tuple[str, tuple[str, str], int]] = []
        #: what the numbering followed leaves out: ``("eachPage", kind)``, ``("format", kind, value)``
        self.unfollowed: list[tuple[str, ...]] = []

    def _numbering(self, kind: str) -> dict[str, str]:
        sect = self.sections[self.section] if self.section < len(self.sections) else None
        return {**self.base[kind], **_note_numbering(sect, kind)}

    def _start(self, kind: str) -> int:
        start = self._numbering(kind)["start"]  # (a number Word would write: 1 to 9999; else 1)
        return int(start) if re.fullmatch(r"[0-9]{1,4}", start) and int(start) > 0 else 1

    def next_section(self) -> None:
        """The body's reading passed a section's end: the next section's numbering applies, and a count set to
        restart at each section starts again."""
        self.section += 1
        for kind in _NOTE_KINDS:
            if self._numbering(kind)["restart"] == "eachSect":
                self.counts[kind] = self._start(kind) - 1

    def _format(self, kind: str) -> str:
        numbering = self._numbering(kind)
        fmt = numbering["format"]
        if numbering["restart"] == "eachPage" and ("eachPage", kind) not in self.unfollowed:
            self.unfollowed.append(("eachPage", kind))
        if fmt not in _NOTE_FORMATS:
            if ("format", kind, fmt) not in self.unfollowed:
                self.unfollowed.append(("format", kind, fmt))
            return "decimal"
        return fmt

    def shown(self, ref: Any, kind: str) -> str:
        """What the body shows for the reference ``ref`` (a ``w:footnoteReference`` or ``w:endnoteReference``):
        its number (see :func:`body_mark`), or nothing for a custom mark (its text follows in the run)."""
        key = (kind, ref.get(_W + "id", ""))
        self.shown_refs.append(key)
        custom = ref.get(_W + "customMarkFollows", "0").lower() not in _OFF
        if custom:
            self.marks.setdefault(key, (_custom_mark(ref), True))
            return _PLACE
        if key not in self.marks:
            fmt = self._format(kind)
            self.counts[kind] += 1
            self.marks[key] = (note_number(self.counts[kind], fmt), False)
        return _PLACE + body_mark(self.marks[key][0])

    def take(self, text: str, locator: str | None) -> str:
        """``text`` (a paragraph's or cell's, built with this object's marks) as Word shows it: without the
        :data:`_PLACE` set before each reference's mark, each reference noted as standing in the passage
        ``locator`` where its :data:`_PLACE` stood (None: a passage not kept, whose references stand nowhere)."""
        pieces = text.split(_PLACE)
        n = len(pieces) - 1
        if locator is not None:
            at = 0
            for piece, key in zip(pieces, self.shown_refs[self.taken:self.taken + n]):
                at += len(piece)
                self.placed.append((locator, key, at))
        self.taken += n
        return "".join(pieces)

    @property
    def told(self) -> str | None:
        """What to tell of the numbering (a warning), or None when it was followed as the document sets it."""
        said = []
        for what, kind, *value in self.unfollowed:
            if what == "eachPage":
                said.append(f"its {kind}s are numbered afresh on each page, which is not known without laying the "
                            f"document out: they are counted on through the document instead, so a {kind}'s mark "
                            "may differ from the printed one")
            else:
                said.append(f"its {kind}s' numbering format {value[0]!r} is not followed: they are numbered 1, 2, "
                            "3")
        repeated = _repeated_marks(self.marks)
        if repeated:
            said.append(f"the same mark stands for notes of different sections ({', '.join(repeated)}): a "
                        "testimonial with that mark is linked to the note whose reference stands where the mark is "
                        "written, and to none of them where no reference does (a mark typed as text)")
        return "; ".join(said) or None


_NOTE_KINDS = ("footnote", "endnote")


def _repeated_marks(marks: dict[tuple[str, str], tuple[str, bool]]) -> list[str]:
    """The numbered notes' labels (``footnote 1``) that more than one note has, in order."""
    seen: dict[str, int] = {}
    for (kind, _id), (mark, custom) in marks.items():
        if not custom:
            seen[f"{kind} {mark}"] = seen.get(f"{kind} {mark}", 0) + 1
    return [label for label, n in seen.items() if n > 1]


def _sections(body: Any, blocks: list[Any]) -> list[Any]:
    """The ``w:sectPr`` of each section of the body, in order: each paragraph that ends a section holds its
    properties (``w:pPr/w:sectPr``), and the body's last child those of the last section."""
    out = []
    for block in blocks:
        ppr = block.find(_W + "pPr") if block.tag == _W + "p" else None
        sect = ppr.find(_W + "sectPr") if ppr is not None else None
        if sect is not None:
            out.append(sect)
    last = body.find(_W + "sectPr")
    out.append(last)
    return out


def _ends_section(block: Any) -> bool:
    ppr = block.find(_W + "pPr") if block.tag == _W + "p" else None
    return ppr is not None and ppr.find(_W + "sectPr") is not None


def _custom_mark(ref: Any) -> str:
    """The custom mark of a note reference: the text after it in its run (or, when there is none, in the next
    run), as Word shows it."""
    def text_of(elements: Iterator[Any]) -> str:
        return "".join((el.text or "") if el.tag == _W + "t" else _symbol(el) for el in elements
                       if el.tag in (_W + "t", _W + "sym"))

    mark = text_of(ref.itersiblings())
    if not mark.strip():
        run = ref.getparent()
        nxt = run.getnext() if run is not None else None
        if nxt is not None and nxt.tag == _W + "r":
            mark = text_of(nxt.iterchildren())
    return mark.strip()


def _run_text(run: Any, out: list[str], marks: _NoteMarks | None = None) -> None:
    """A run's text as Word shows it; nothing when the run is hidden (``w:vanish`` in its own properties). A
    footnote's or endnote's reference is its mark (see :class:`_NoteMarks`; none without ``marks``)."""
    props = run.find(_W + "rPr")
    if props is not None and _is_on(props.find(_W + "vanish")):
        return
    for child in run.iterchildren():
        tag = child.tag
        if tag in _NOTE_REFERENCES:
            if marks is not None:
                out.append(marks.shown(child, _NOTE_REFERENCES[tag]))
        elif tag == _W + "t":
            out.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):  # a line, column or page break: the words stay apart
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "sym":
            out.append(_symbol(child))
        elif tag == _MC + "AlternateContent":
            branch = _chosen(child)
            if branch is not None:
                _run_text(branch, out, marks)


def _inline_text(element: Any, out: list[str], marks: _NoteMarks | None = None) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W + "r":
            _run_text(child, out, marks)
        elif tag in _NOT_SHOWN or not isinstance(tag, str) or _placeholder(child):
            continue
        elif tag in (_M + "oMath", _M + "oMathPara"):  # an equation: the text of its runs, in order
            out.extend(t.text or "" for t in child.iter(_M + "t"))
        elif tag == _MC + "AlternateContent":
            branch = _chosen(child)
            if branch is not None:
                _inline_text(branch, out, marks)
        else:  # insertions, moved-to text, content controls, fields, hyperlinks, smart tags, custom XML ...
            _inline_text(child, out, marks)


def _placeholder(element: Any) -> bool:
    """Whether ``element`` is a content control still showing its placeholder ("Click or tap here to enter
    text."): the form's prompt, not what anyone wrote (``w:sdtPr/w:showingPlcHdr``)."""
    if element.tag != _W + "sdt":
        return False
    pr = element.find(_W + "sdtPr")
    return pr is not None and pr.find(_W + "showingPlcHdr") is not None


def _mark_deleted(p: Any) -> bool:
    """Whether a tracked change deleted the paragraph's mark (``w:pPr/w:rPr/w:del``): with the changes accepted,
    as Word shows them, the paragraph runs on into the next one."""
    ppr = p.find(_W + "pPr")
    rpr = ppr.find(_W + "rPr") if ppr is not None else None
    return rpr is not None and rpr.find(_W + "del") is not None


def _paragraph_text(p: Any, marks: _NoteMarks | None = None) -> str:
    """A paragraph's text as Word shows it (the changes tracked in it accepted): every run's text in order, also
    the runs inside tracked insertions, the new place of moved text, inline content controls, fields (their
    results, not their codes), hyperlinks, smart tags and custom XML; tabs and breaks as ``\\t`` and ``\\n``,
    symbols and equations' text, footnote and endnote references as their marks (with ``marks``). Not read:
    deleted text, the old place of moved text, hidden runs (``w:vanish``), the fallback copy of alternate
    content, and text boxes, which are drawings."""
    out: list[str] = []
    _inline_text(p, out, marks)
    return "".join(out)


def _rows(tbl: Any) -> Iterator[list[tuple[int, Any]]]:
    """Each row of a table as its cells with their 1-based grid column, a cell spanning columns once (at its
    first), the lower parts of a vertically merged cell left out (the merged cell is read at its top)."""
    for tr in _wrapped(tbl, _W + "tr"):
        cells, column = [], 1
        for tc in _wrapped(tr, _W + "tc"):
            props = tc.find(_W + "tcPr")
            span, merged_above = 1, False
            if props is not None:
                grid_span = props.find(_W + "gridSpan")
                if grid_span is not None:
                    try:
                        span = max(1, int(grid_span.get(_W + "val", "1")))
                    except ValueError:
                        span = 1
                v_merge = props.find(_W + "vMerge")
                merged_above = v_merge is not None and v_merge.get(_W + "val", "continue") == "continue"
            if not merged_above:
                cells.append((column, tc))
            column += span
        yield cells


def _cell_text(tc: Any, marks: _NoteMarks | None = None) -> str:
    """A table cell's text: its paragraphs, and the cells of any table inside it, one per line (also a note's
    text, whose blocks are read the same way)."""
    lines = []
    for block in _blocks(tc):
        if block.tag == _W + "tbl":
            lines.extend(_cell_text(inner, marks) for cells in _rows(block) for _, inner in cells)
        else:
            lines.append(_paragraph_text(block, marks))
    return "\n".join(lines)


def _table_passages(tbl: Any, number: int, marks: _NoteMarks) -> list[Passage]:
    out = []
    for r, cells in enumerate(_rows(tbl), start=1):
        for c, tc in cells:
            text = _cell_text(tc, marks)
            locator = f"table {number} row {r} cell {c}"
            kept = text.replace(_PLACE, "").strip() != ""
            text = marks.take(text, locator if kept else None)
            if kept:
                out.append(Passage(locator, text))
    return out


def read_docx(path: Path, unread: dict[str, int] | None = None,
              notes: list[Passage] | None = None, told: list[str] | None = None,
              references: dict[str, list[tuple[int, str]]] | None = None) -> list[Passage]:
    """Paragraphs and table cells of a DOCX document, in body order, each footnote or endnote reference in them
    shown as its mark (``...to practice.\u201d\u00b9\u00b2``, ``...lasted.\u201d[ii]``; see :class:`_NoteMarks`);
    ``notes`` (when given) gets the text of each footnote and endnote the body refers to (see
    :func:`_note_passages`), ``references`` the references to the notes of ``notes`` in each paragraph or cell,
    by its locator, each as where its mark stands in the passage's text and the note's label
    (``{"paragraph 4": [(57, "endnote i (2)")]}``: where two notes share a mark, notes of two sections or two
    custom marks alike, the place of a reference tells which note it is), ``unread`` what the document holds with
    text outside all these, counted (see :func:`_unread_parts`), and ``told`` what to tell of a note numbering not
    followed (see :attr:`_NoteMarks.told`)."""
    problem = zip_problem(path, "if so, give it the .txt extension")
    if problem:
        raise _docx_corrupt(path, problem)
    _check_docx_archive(path)
    import docx

    try:
        document = docx.Document(str(path))
        body = document.element.body
        blocks = list(_blocks(body))
        settings = document.settings.element
    except Exception as err:  # BadZipFile, PackageNotFoundError, KeyError, XML errors ...
        raise _docx_corrupt(path, describe_error(err)) from None
    passages: list[Passage] = []
    n_par = n_tab = 0
    marks = _NoteMarks(settings, _sections(body, blocks))
    carried = ""  # the text of paragraphs whose mark a tracked change deleted: Word shows them run into the next

    def paragraph(text: str) -> None:
        nonlocal n_par
        if text.replace(_PLACE, "").strip():
            n_par += 1
            passages.append(Passage(f"paragraph {n_par}", marks.take(text, f"paragraph {n_par}")))
        else:
            marks.take(text, None)

    for block in blocks:
        if block.tag == _W + "tbl":
            n_tab += 1
            paragraph(carried)
            carried = ""
            passages.extend(_table_passages(block, n_tab, marks))
        else:
            text = carried + _paragraph_text(block, marks)
            if _ends_section(block):
                marks.next_section()
            if _mark_deleted(block):
                carried = text
                continue
            carried = ""
            paragraph(text)
    paragraph(carried)
    if not passages:
        raise _no_text(path, "the document body has no paragraphs or table cells with text")
    if notes is not None:
        labels: dict[tuple[str, str], str] = {}
        notes.extend(_note_passages(path, document, marks, labels))
        if references is not None:
            for locator, key, at in marks.placed:
                if key in labels:
                    references.setdefault(locator, []).append((at, labels[key]))
    if told is not None and marks.told:
        told.append(marks.told)
    if unread is not None:
        unread.update(_unread_parts(document))
    return passages


def _note_parts(document: Any) -> dict[str, Any]:
    """The parsed footnotes and endnotes parts of an opened DOCX document, by kind (those it has), found by the
    main part's relationships. The archive was checked before (:func:`_check_docx_archive`: sizes, no document
    type declaration) and python-docx's parser resolves no entity and fetches nothing."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    out = {}
    for rel in document.part.rels.values():
        kind = {RT.FOOTNOTES: "footnote", RT.ENDNOTES: "endnote"}.get(rel.reltype)
        if kind is not None and not rel.is_external and kind not in out:
            out[kind] = parse_xml(rel.target_part.blob)
    return out


def _note_passages(path: Path, document: Any, marks: _NoteMarks,
                   labels: dict[tuple[str, str], str] | None = None) -> list[Passage]:
    """The text of each footnote and endnote the body refers to (``"footnote 3"``, ``"endnote 2"``, or the custom
    mark: ``"footnote *"``), footnotes before endnotes, each kind in the order of its references: its paragraphs
    (and the cells of a table in it) one per line, without the mark that opens it. A note no reference in the
    body shows (its reference deleted by a tracked change, or hidden) is not read, as Word does not show it; nor
    is one without text. A mark that repeats (two notes marked ``*``) is told apart by its place
    (``"footnote * (2)"``). ``labels`` gets each note's locator by its ``(kind, note id)``."""
    if not marks.marks:
        return []
    try:
        parts = _note_parts(document)
    except Exception as err:  # a damaged notes part, which the body did not need
        raise _docx_corrupt(path, f"its footnotes or endnotes cannot be read ({describe_error(err)})") from None
    out: list[Passage] = []
    seen: dict[str, int] = {}
    for kind in ("footnote", "endnote"):
        root = parts.get(kind)
        if root is None:
            continue
        by_id = {el.get(_W + "id"): el for el in root.iter(_W + kind) if el.get(_W + "type") not in _NOTE_SEPARATORS}
        for (k, note_id), (mark, custom) in marks.marks.items():
            if k != kind or note_id not in by_id:
                continue
            text = _cell_text(by_id[note_id]).strip()
            if custom and mark and text.startswith(mark):
                text = text[len(mark):].strip()  # the note opens with its mark, typed
            if not text:
                continue
            locator = f"{kind} {mark}" if mark else f"{kind} (custom mark)"
            seen[locator] = seen.get(locator, 0) + 1
            if seen[locator] > 1:
                locator += f" ({seen[locator]})"
            out.append(Passage(locator, text))
            if labels is not None:
                labels[(k, note_id)] = locator
    return out


def _unread_parts(document) -> dict[str, int]:
    """What an opened DOCX document holds with text outside the body's paragraphs and tables and its footnotes
    and endnotes, which is not read: its comments, headers, footers and text boxes, counted (``{"comment": 2,
    "text box": 1}``; empty when there are none, or when a part cannot be parsed)."""
    from docx.oxml import parse_xml  # python-docx's parser: no entity is resolved, nothing is fetched

    def has_text(element) -> bool:
        return any((t.text or "").strip() for t in element.iter(_W + "t"))

    try:
        counts: dict[str, int] = {}
        for part in document.part.package.iter_parts():
            name = str(part.partname)
            kind = {"/word/comments.xml": "comment"}.get(name)
            if kind is None and re.fullmatch(r"/word/(header|footer)\d*\.xml", name):
                kind = name[6:12]
            if kind is None:
                continue
            root = parse_xml(part.blob)
            if kind in ("header", "footer"):
                n = int(has_text(root))
            else:
                n = sum(1 for el in root.iter(_W + kind) if has_text(el))
            if n:
                counts[kind] = counts.get(kind, 0) + n
        # text boxes: each once (Word stores a copy of a box for older readers, under mc:Fallback)
        boxes = sum(1 for box in document.element.body.iter(_W + "txbxContent") if has_text(box)
                    and not any(a.tag == _MC + "Fallback" for a in box.iterancestors()))
        if boxes:
            counts["text box"] = boxes
        return counts
    except Exception:  # a damaged part: the body, read already, is what counts
        return {}


def _pdf_corrupt(path: Path, found: str) -> InputError:
    return errors.error("E109", file=path.name, found=found)


def _open_pdf(path: Path):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(path)
    except Exception as err:  # PdfReadError, PdfStreamError, ValueError ...
        raise _pdf_corrupt(path, describe_error(err)) from None
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))  # PasswordType.NOT_DECRYPTED is 0
        except DependencyError:
            raise errors.error("E111", "aes", file=path.name) from None
        except Exception as err:
            raise _pdf_corrupt(path, f"the encryption data is damaged ({describe_error(err)})") from None
        if not opened:
            raise errors.error("E111", "password", file=path.name)
    return reader


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs warnings about recoverable flaws in a PDF; problems that matter become errors here, so
    keep those warnings from reaching the user's terminal while reading."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf(path: Path) -> list[Passage]:
    """The text of every page of a PDF (``page 2``), in reading order (a page set in columns column by column,
    see :func:`~evalnlp.ingest._pdf_columns.page_text`) with a blank line between its paragraphs, typographic ligatures written out (``ﬁ`` as ``fi``: a
    PDF's fonts draw them, the words are the same), without its running headers and footers and page numbers
    (see :func:`without_running_lines`); pages a sentence runs across are one passage (``pages 2-3``), so that
    the sentence and a quotation in it are read whole (see :func:`join_continued_pages`)."""
    with _quiet_pypdf():
        return join_continued_pages(without_running_lines(_read_pdf(path)))


#: A line that is only a page number: ``7``, ``Page 7``, ``page 7 of 12``, ``7 / 12``, ``- 7 -``.
_PAGE_NUMBER = re.compile(r"(?i)\s*(?:[-\u2013\u2014]\s*)?(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?"
                          r"(?:\s*[-\u2013\u2014])?\s*")


_EDGE_BLANKS = re.compile(r"\A(?:[ \t]*\n)+|(?:\n[ \t]*)+\Z")


def _line_key(line: str) -> str:
    """A line as a running header or footer repeats it: case, spacing and numbers (the page's) aside."""
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def without_running_lines(passages: list[Passage], edge: int = 2) -> list[Passage]:
    """Pages without the lines a PDF repeats at their top or bottom (a running header such as "REF2014 Impact
    case study (REF3b)" or a report's title, a footer) and without a page number standing alone at either end.

    A line counts as running when it is among the first or the last ``edge`` non-blank lines of at least half
    the pages (and of two at the least), compared with case, spacing and numbers aside ("Page 3 of 9" is "Page 4
    of 9"). Running lines are looked for in a document of two pages or more, and only those edge lines are
    removed: a sentence that happens to repeat inside a page stays. A one-page document (a letter) has no running lines to compare,
    but its page number ("Page 1 of 1") goes all the same."""
    pages = [p.text.split("\n") for p in passages]

    def edges(lines: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return sorted(set(filled[:edge] + filled[-edge:]))

    seen: dict[str, set[int]] = {}
    for number, lines in enumerate(pages):
        for i in edges(lines):
            seen.setdefault(_line_key(lines[i]), set()).add(number)
    need = max(2, -(-len(pages) // 2))
    running = {key for key, where in seen.items() if len(where) >= need and len(key) > 1 and len(pages) > 1}
    out = []
    for passage, lines in zip(passages, pages):
        drop = {i for i in edges(lines)
                if _line_key(lines[i]) in running or _PAGE_NUMBER.fullmatch(lines[i])}
        text = passage.text
        if drop:  # (and the blank line that set a dropped line apart from the paragraph beside it)
            text = _EDGE_BLANKS.sub("", "\n".join(line for i, line in enumerate(lines) if i not in drop))
        out.append(Passage(passage.locator, text))
    return out


#: The ligature characters of Unicode's Alphabetic Presentation Forms and the letters they stand for.
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
#: A page that ends like this ends its sentence (a full stop, a question or exclamation mark, a colon, perhaps
#: in closing quotation marks or brackets; its running footer and page number are taken off first).
_PAGE_ENDS_SENTENCE = re.compile(r"[.!?:][\"'\u2019\u201d)\]]*\s*$")
#: Beyond what stops a wrapped line mid-phrase (``_reflow._CONTINUES``: a comma, a dash, "and", "the", "over"...),
#: what stops a page inside its sentence: a semicolon, a subject or verb left for the next page ("...; we see" +
#: "NHS managers").
_PAGE_GOES_ON = re.compile(r"(?:;|\b(?i:we|they|not|more|most|see|said|says|including))\s*$")


def join_continued_pages(passages: list[Passage]) -> list[Passage]:
    """Pages with their ligatures written out, and each run of pages that a sentence continues across joined into
    one passage (``pages 2-3``; the texts joined by a line break, which the reading text then rejoins as the
    other wrapped lines): a page whose text does not end its sentence, followed by a page whose text opens in
    lower case (``...hardly spoke to each other; now`` + ``they plan every...``), or whose text stops on a comma,
    a dash or a word no sentence ends on, whatever the next page opens with (``...and over`` + ``1,200
    nurses``). Running headers and footers are taken off first (:func:`without_running_lines`)."""
    out: list[Passage] = []
    first: list[int] = []  # the page number each passage of ``out`` starts at
    for number, page in enumerate(passages, start=1):
        text = page.text.translate(_LIGATURES)
        prev = out[-1].text.rstrip() if out else ""
        opening = text.lstrip()[:1]
        if prev and not _PAGE_ENDS_SENTENCE.search(prev) and opening and (
                opening.islower() or ((_goes_on(prev) or _full_last_line(prev))
                                      and (opening.isalnum() or opening in "\"'\u201c\u2018("))):
            out[-1] = Passage(f"pages {first[-1]}-{number}", prev + "\n" + text.lstrip())
            continue
        out.append(Passage(page.locator, text))
        first.append(number)
    return out


def _goes_on(text: str) -> bool:
    """Does the page's text stop inside its sentence: on what stops a wrapped line mid-phrase, or on a word a
    page break leaves for the next page?"""
    return _CONTINUES.search(text) is not None or _PAGE_GOES_ON.search(text) is not None


def _full_last_line(text: str) -> bool:
    """Does the page's last line run to the width of its wrapped lines (at least 90% of the upper quartile of
    its line lengths, over five lines or more), as a line does that wraps inside a sentence? A heading or the
    last line of a paragraph is shorter."""
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    if len(lengths) < 5:
        return False
    typical = lengths[(3 * len(lengths)) // 4]
    last = len(text.rstrip().rsplit("\n", 1)[-1].strip())
    return typical >= 30 and last >= 0.9 * typical


def _read_pdf(path: Path) -> list[Passage]:
    head = binary_head(path)
    if b"%PDF-" not in head[:1024]:
        raise _pdf_corrupt(path, f"the file does not start like a PDF (it looks like {describe_head(head)})")
    reader = _open_pdf(path)
    try:
        pages = list(reader.pages)
    except Exception as err:
        raise _pdf_corrupt(path, f"the page tree is damaged ({describe_error(err)})") from None
    if not pages:
        raise _pdf_corrupt(path, "it has no pages")
    passages = []
    for number, page in enumerate(pages, start=1):
        try:
            text = page_text(page)
        except Exception as err:
            raise _pdf_corrupt(path, f"page {number} cannot be read ({describe_error(err)})") from None
        passages.append(Passage(f"page {number}", text))
    if not any(p.text.strip() for p in passages):
        raise _no_text(path, f"none of its {len(passages)} page(s) has extractable text")
    return passages
