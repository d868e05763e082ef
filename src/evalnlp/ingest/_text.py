"""Text files: encoding detection, a validating pass over the whole file, and the checks every reader shares
(missing file, empty file, binary content, undecodable bytes).

Detection looks at the first bytes: a byte-order mark decides (UTF-8, UTF-16, UTF-32); UTF-16 without a mark
is recognised by its pattern of zero bytes in mostly-ASCII text; otherwise UTF-8 if the bytes decode, else
Windows-1252 unless a byte that Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) appears. The
validating pass then reads the whole file once in binary chunks, so an error deep inside a file is found
before any row is returned. A file that is plain ASCII up to its first byte that is not UTF-8 is read as
Windows-1252; one with UTF-8 characters before such a byte, or after it, has mixed encodings and is refused
(E106), since reading either way would garble part of it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.util import path_kind

HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CP1252_UNDEFINED_RE = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A well-formed UTF-8 character of two to four bytes (not a C1 control, which no text holds). In a file read as
# Windows-1252 it means that part of the file was saved as UTF-8: read as Windows-1252 it would become two or
# three other characters ("Â£" for "£"). Windows-1252 text rarely holds these pairs ("Ã" before "©", say).
#: The UTF-8 sequences that are evidence of UTF-8 in a file that also holds a byte UTF-8 cannot read. Two bytes
#: from C4-DF followed by 80-9F are left out: in Windows-1252 they are a capital accented letter (or ß) followed
#: by a curly quote, dash or ellipsis ("Spaß“", "É…"), common in real text, while as UTF-8 they are rare letters
#: (U+0100-U+07FF with a low continuation byte).
_UTF8_EVIDENCE_RE = re.compile(rb"\xc2[\xa0-\xbf]|\xc3[\x80-\xbf]|[\xc4-\xdf][\xa0-\xbf]"
                               rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
                               rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                               rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")
_WIDE = ("utf-16", "utf-16-le", "utf-16-be", "utf-32")



def check_file(path: Path) -> int:
    """Raise E101 unless ``path`` is an existing regular file, E103 if it has no bytes; return its size."""
    if not path.exists():
        hint = ""
        parent = path.parent if str(path.parent) else Path(".")
        if parent.is_dir():
            similar = sorted(p.name for p in parent.iterdir() if p.stem.lower() == path.stem.lower())
            if similar:
                hint = f" Files with a similar name there: {', '.join(similar[:5])}."
        raise errors.error("E101", "missing", path=path, hint=hint)
    if not path.is_file():
        raise errors.error("E101", "not_a_file", path=path, kind=path_kind(path))
    size = path.stat().st_size
    if size == 0:
        raise empty_error(path, "has 0 bytes")
    return size


def describe_head(head: bytes) -> str:
    """A short guess at what a file really is, from its first bytes, for error messages."""
    if head.startswith(ZIP_MAGIC):
        return "a zip archive"
    if head.startswith(OLE_MAGIC):
        return ("an old-format Office file (.xls/.doc) or a password-protected Office file, which are not "
                "zip archives")
    if head.startswith(b"%PDF"):
        return "a PDF"
    if head.startswith(b"PAR1"):
        return "a Parquet file"
    sample = head[:4096]
    if sample and b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return "plain text"
        except UnicodeDecodeError as err:
            if err.start > len(sample) - 4:
                return "plain text"
    return "unrecognised binary data"


def describe_error(err: BaseException) -> str:
    """``"TypeName: message"`` on one line, for wrapping a library's exception in a message."""
    text = " ".join(str(err).split()).rstrip(".")
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def describe_zip(path: Path) -> str | None:
    """``None`` if ``path`` is a readable zip archive, otherwise what is wrong with it."""
    import zipfile

    try:
        with zipfile.ZipFile(path):
            return None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as err:
        return f"the zip archive is damaged or truncated ({describe_error(err)})"


def zip_problem(path: Path, text_hint: str) -> str | None:
    """What keeps ``path`` from being a readable zip-based document (XLSX, DOCX), or ``None``: not a zip at all
    (saying what it looks like instead, with ``text_hint`` when it looks like plain text), or a damaged zip.
    Runs the missing and empty checks first (E101, E103)."""
    head = binary_head(path)
    if not head.startswith(ZIP_MAGIC):
        found = describe_head(head)
        if found == "plain text":
            found += f" ({text_hint})"
        return f"the file is {found}"
    return describe_zip(path)


def binary_head(path: Path) -> bytes:
    """First 4 KiB of a binary-format file (XLSX, DOCX, PDF, Parquet), after the missing and empty checks
    (E101, E103: 0 bytes or only whitespace)."""
    check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(4096)
        chunk = head
        while chunk and not chunk.strip():
            chunk = fh.read(CHUNK_BYTES)
        if not chunk.strip():
            raise empty_error(path, "only whitespace")
    return head


def empty_error(path: Path, found: str) -> InputError:
    return errors.error("E103", file=path.name, found=found)


def binary_error(name: str, offset: int) -> InputError:
    return errors.error("E105", file=name, offset=offset)


def _undecodable(name: str, detail: str) -> InputError:
    return errors.error("E106", file=name, reason=detail)


def _mixed(name: str, where: str) -> InputError:
    return _undecodable(name, f"mixed encodings: the text before {where} is UTF-8 with non-ASCII characters, "
                              "but that byte is not UTF-8 (parts of the file were saved in different encodings)")


def _mixed_after(name: str, first: str, where: str) -> InputError:
    return _undecodable(name, f"mixed encodings: {first} is not UTF-8, so the file would be read as Windows-1252, "
                              f"but the bytes at {where} are a UTF-8 character, which that would garble (parts of "
                              "the file were saved in different encodings)")


def _line_of(data: bytes, pos: int, lines_before: int) -> int:
    return lines_before + data.count(b"\n", 0, pos) + 1


def _utf16_without_bom(head: bytes) -> str | None:
    """Recognise UTF-16 without a byte-order mark from the zero high bytes of mostly-ASCII text."""
    n = len(head) // 2
    if n < 2:
        return None
    even_zero = head[0 : 2 * n : 2].count(0)
    odd_zero = head[1 : 2 * n : 2].count(0)
    if odd_zero >= 0.3 * n and even_zero <= 0.02 * n:
        enc = "utf-16-le"
    elif even_zero >= 0.3 * n and odd_zero <= 0.02 * n:
        enc = "utf-16-be"
    else:
        return None
    try:
        codecs.getincrementaldecoder(enc)().decode(head[: 2 * n], final=False)
    except UnicodeDecodeError:
        return None
    return enc


def _detect(head: bytes, name: str) -> str:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    wide = _utf16_without_bom(head)
    if wide:
        return wide
    nul = head.find(b"\x00")
    if nul >= 0:
        raise binary_error(name, nul)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        err = exc
        utf8_detail = f"byte 0x{head[err.start]:02x} at offset {err.start} is not UTF-8"
    if _UTF8_EVIDENCE_RE.search(head[: err.start]) and not head.startswith(codecs.BOM_UTF8):
        where = f"byte 0x{head[err.start]:02x} at offset {err.start} (line {_line_of(head, err.start, 0)})"
        raise _mixed(name, where)
    bad = _CP1252_UNDEFINED_RE.search(head)
    if bad is None:
        utf8 = _UTF8_EVIDENCE_RE.search(head, err.start)
        if utf8 is not None:
            where = f"offset {utf8.start()} (line {_line_of(head, utf8.start(), 0)})"
            raise _mixed_after(name, f"byte 0x{head[err.start]:02x} at offset {err.start} "
                                     f"(line {_line_of(head, err.start, 0)})", where)
        return _legacy_single_byte(head)
    pos = bad.start()
    where = f"byte 0x{head[pos]:02x} at offset {pos} (line {_line_of(head, pos, 0)})"
    if pos == err.start:
        raise _undecodable(name, f"{where} is neither UTF-8 nor defined in Windows-1252")
    raise _undecodable(name, f"{utf8_detail}, and {where} is undefined in Windows-1252")


# Bytes that Windows-1252 reads as letters no English word holds there, where the Mac's own encoding (Mac Roman,
# Excel for Mac's "CSV (Macintosh)") has punctuation: an apostrophe inside a word (nurse\xd5s), curly quotes
# around one (\xd2excellent\xd3), a spaced dash ( \xd0 ).
_MAC_ROMAN_SIGNS = re.compile(rb"[a-z]\xd5[a-z]|\xd2[A-Za-z]|[a-z.,!?]\xd3|\s[\xd0\xd1]\s")
# ... and where DOS's code page 850 (legacy exports) has a pound sign before a figure (\x9c12) or an accented
# letter ending or inside a word (Caf\x82, caf\x82s), which Windows-1252 reads as a ligature or a low quote.
_CP850_SIGNS = re.compile(rb"\x9c\d|[A-Za-z]\x82(?:[\s,.;:!?]|[a-z])")
# The punctuation Windows-1252 text itself writes with those bytes' neighbours: curly quotes, dashes, ellipsis.
_CP1252_PUNCTUATION = re.compile(rb"[\x85\x91-\x97]")


def _legacy_single_byte(head: bytes) -> str:
    """The single-byte encoding of text that is not UTF-8: Windows-1252, unless the bytes read as letters
    where Mac Roman or code page 850 has the punctuation and signs English text is full of (at least two such
    places, and more than Windows-1252's own punctuation), so that those files are not read garbled."""
    return _legacy_by_counts(_sign_counts(head))


def _sign_counts(data: bytes, skip: int = 0) -> tuple[int, int, int]:
    """(Windows-1252 punctuation, Mac Roman signs, code page 850 signs) in ``data``, counting only places that
    end past its first ``skip`` bytes (the previous chunk's tail, already counted)."""
    return tuple(sum(1 for m in pattern.finditer(data) if m.end() > skip)
                 for pattern in (_CP1252_PUNCTUATION, _MAC_ROMAN_SIGNS, _CP850_SIGNS))  # type: ignore[return-value]


def _legacy_by_counts(counts: tuple[int, int, int]) -> str:
    own, mac, dos = counts
    for codec, found in (("mac_roman", mac), ("cp850", dos)):
        if found >= 2 and found > own:
            return codec
    return "cp1252"


def detect_encoding(head: bytes) -> str:
    """Guess the encoding of text from its first bytes.

    Returns a Python codec name: ``"utf-8-sig"``, ``"utf-16"``, ``"utf-32"`` (byte-order mark present),
    ``"utf-16-le"``/``"utf-16-be"`` (no mark, mostly-ASCII text), ``"utf-8"`` or ``"cp1252"``.
    Raises :class:`InputError` E105 for binary content (zero bytes that are not UTF-16) and E106 for bytes
    that are neither UTF-8 nor Windows-1252.
    """
    return _detect(head, "input")


class _Validator:
    """One pass over a file's bytes: checks they decode, finds zero bytes, notes whether any text is not
    whitespace. ``encoding`` may change from ``utf-8`` to ``cp1252`` when the first non-UTF-8 byte follows
    only ASCII."""

    def __init__(self, name: str, encoding: str):
        self.name = name
        self.encoding = encoding
        self.offset = 0  # bytes seen before the current chunk
        self.lines = 0  # newlines seen before the current chunk
        self.non_ascii = False
        self.blank = True
        self.first_cp1252: str | None = None  # where the first byte that is not UTF-8 was, once read as cp1252
        self._tail = b""  # the last bytes of the previous chunk read as cp1252
        # the first byte undefined in Windows-1252 among earlier chunks decoded as UTF-8 (inside a C1 control such
        # as "\xc2\x8d", which is no evidence of UTF-8): should the file turn out to be Windows-1252, it is E106
        self._undefined_before: str | None = None
        self._decoder = codecs.getincrementaldecoder(encoding)() if encoding != "cp1252" else None
        # the signs of the single-byte encodings over every byte read as Windows-1252, to tell Mac Roman and code
        # page 850 apart where the first bytes did not show it (their signs in the last rows only)
        self.signs = [0, 0, 0]
        self._sign_tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.encoding in _WIDE:
            self._feed_wide(chunk)
        else:
            self._feed_narrow(chunk)
        self.offset += len(chunk)
        self.lines += chunk.count(b"\n")

    def finish(self) -> None:
        if self.encoding == "cp1252":  # read as Windows-1252 throughout or from a late byte: the whole file decides
            self.encoding = _legacy_by_counts(tuple(self.signs))  # type: ignore[arg-type]
            return
        if self._decoder is not None:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise _undecodable(self.name, f"the file ends in the middle of a {self.encoding} character "
                                              "(it may be truncated)") from None

    def _feed_wide(self, chunk: bytes) -> None:
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as err:
            raise _undecodable(self.name, f"invalid {self.encoding} data at byte offset "
                                          f"{self.offset + err.start}") from None
        nul = text.find("\x00")
        if nul >= 0:
            raise binary_error(self.name, self.offset + 2 * nul)
        if self.blank and text.strip():
            self.blank = False

    def _feed_narrow(self, chunk: bytes) -> None:
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise binary_error(self.name, self.offset + nul)
        if self.blank:
            visible = chunk[3:] if self.offset == 0 and chunk.startswith(codecs.BOM_UTF8) else chunk
            self.blank = not visible.strip()
        carry = b""
        if self.encoding != "cp1252":
            carry = self._feed_utf8(chunk)
        if self.encoding == "cp1252":
            data = carry + chunk
            if self.first_cp1252 is None:  # read as cp1252 from the start: ASCII up to its first other byte
                first = re.search(rb"[\x80-\xff]", data)
                if first is not None:
                    self.first_cp1252 = (f"byte 0x{data[first.start()]:02x} at offset "
                                         f"{self.offset - len(carry) + first.start()} "
                                         f"(line {_line_of(data, first.start(), self.lines)})")
            # a UTF-8 character cut by the chunk boundary: search from the previous chunk's last bytes
            tail = b"" if carry else self._tail
            joined = tail + data
            self._tail = joined[-3:]  # (a chunk shorter than 3 bytes keeps the bytes before it in view)
            utf8 = _UTF8_EVIDENCE_RE.search(joined)
            if utf8 is not None:
                pos = utf8.start()
                line = _line_of(joined, pos, self.lines - tail.count(b"\n"))
                raise _mixed_after(self.name, self.first_cp1252 or "an earlier byte",
                                   f"offset {self.offset - len(carry) - len(tail) + pos} (line {line})")
            joined_signs = self._sign_tail + data
            for i, n in enumerate(_sign_counts(joined_signs, len(self._sign_tail))):
                self.signs[i] += n
            self._sign_tail = joined_signs[-2:]
            bad = _CP1252_UNDEFINED_RE.search(data)
            if bad is not None:
                pos = bad.start()
                raise _undecodable(self.name, f"byte 0x{data[pos]:02x} at offset {self.offset - len(carry) + pos} "
                                              f"(line {_line_of(data, pos, self.lines)}) is neither UTF-8 nor "
                                              "defined in Windows-1252")

    def _feed_utf8(self, chunk: bytes) -> bytes:
        """Decode ``chunk`` as UTF-8. On the first invalid byte after only ASCII, switch to cp1252 and return
        the bytes of the previous chunk still waiting to be decoded (the caller checks them too)."""
        pending = self._decoder.getstate()[0]  # the start of a character cut by the previous chunk
        try:
            text = self._decoder.decode(chunk)
        except UnicodeDecodeError as err:
            # positions count the pending bytes, and follow the byte-order mark the utf-8-sig decoder removed
            data = pending + chunk
            pos = err.start + (3 if self.encoding == "utf-8-sig" and self.offset == 0 else 0)
            if self.encoding == "utf-8" and not self.non_ascii and not _UTF8_EVIDENCE_RE.search(data[:pos]):
                if self._undefined_before is not None:  # read whole, the file would fail here too (a chunk's
                    raise _undecodable(self.name, f"{self._undefined_before} is neither UTF-8 nor "  # cut aside)
                                                  "defined in Windows-1252") from None
                self.encoding = "cp1252"  # no UTF-8 so far (as far as the bytes can tell), then a Windows-1252 byte
                self.first_cp1252 = (f"byte 0x{data[pos]:02x} at offset {self.offset - len(pending) + pos} "
                                     f"(line {_line_of(data, pos, self.lines)})")
                self._decoder = None
                return pending
            where = (f"byte 0x{data[pos]:02x} at offset {self.offset - len(pending) + pos} "
                     f"(line {_line_of(data, pos, self.lines)})")
            if self.encoding == "utf-8-sig":
                raise _undecodable(self.name, f"the file starts with a UTF-8 byte-order mark but {where} "
                                              "is not UTF-8") from None
            raise _mixed(self.name, where) from None
        if not self.non_ascii and not text.isascii() and _UTF8_EVIDENCE_RE.search(pending + chunk):
            self.non_ascii = True  # (UTF-8 beyond doubt: see _UTF8_EVIDENCE_RE)
        if not self.non_ascii and self._undefined_before is None and not text.isascii():
            bad = _CP1252_UNDEFINED_RE.search(chunk)
            if bad is not None:
                self._undefined_before = (f"byte 0x{chunk[bad.start()]:02x} at offset {self.offset + bad.start()} "
                                          f"(line {_line_of(chunk, bad.start(), self.lines)})")
        return b""


def text_encoding(path: Path) -> str:
    """Detect and confirm the encoding of the text file ``path`` by reading all of it once.

    Raises :class:`InputError`: E101 missing, E103 empty or whitespace only, E105 binary, E106 undecodable.
    """
    check_file(path)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        validator = _Validator(path.name, _detect(head, path.name))
        chunk = head
        while chunk:
            validator.feed(chunk)
            chunk = fh.read(CHUNK_BYTES)
    validator.finish()
    if validator.blank:
        raise empty_error(path, "only whitespace")
    return validator.encoding
