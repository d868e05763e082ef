"""JSON and JSON Lines.

JSON: a top-level array of objects, or an object holding exactly one array of objects (``{"responses":
[...], "meta": {...}}``). The file is read as a stream, one array element at a time, so memory stays flat
however long the array. Opening makes one full pass that checks the syntax (E112 with line and column),
checks every element is an object (E113) and collects the column names: every key, in order of first
appearance. Nested values are kept as JSON text. A key repeated within one object keeps both values: the
later one under ``key.1`` (``key.2``, ...), as a repeated table header does, and is listed in ``renamed``. A row
object's key with spaces around it is read without them, as a table header is (listed in ``tidied``).

JSON Lines (``.jsonl``, ``.ndjson``): one object per line; blank lines are skipped. A line that is not valid
JSON (E116) or not an object (E117) is a reject, so one bad line does not lose the rest; a file with no
valid object at all is an error (E112/E113).

In both, a row whose value holds a ``\\u`` escape for half of a character pair (a lone surrogate, what a
program leaves when it cuts an emoji in two) is a reject (E139): it is not text, and could not be stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, TextIO

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Batch, Reject, TabularSource, check_chunk_size, make_batch
from evalnlp.ingest._cells import JsonNumber, cell_to_str
from evalnlp.ingest._text import text_encoding

_CHUNK_CHARS = 1 << 20
# A \u escape of a UTF-16 surrogate, in the bytes of a UTF-8 file: only files that hold one need their rows checked
_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WS = re.compile(r"[ \t\n\r]*")
_AFTER_ITEM = re.compile(r"[ \t\n\r]*(?:(,)[ \t\n\r]*|(\]))")


def _unique_keys(pairs: list[tuple[str, Any]], renamed: dict[tuple[str, str], None] | None = None) -> dict:
    """An object's members as a dict in which a repeated key is kept too, as ``key.1``, ``key.2``, ... (a name
    the object does not already use), as repeated table headers are; plain ``dict`` would keep only the
    last value. Each ``(key, new name)`` is noted in ``renamed``."""
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    taken = set(out)
    out = {}
    for key, value in pairs:
        if key in out:
            n = 1
            while f"{key}.{n}" in taken:
                n += 1
            new = f"{key}.{n}"
            taken.add(new)
            if renamed is not None:
                renamed[(key, new)] = None
            key = new
        out[key] = value
    return out


def _tidy(obj: dict, tidied: dict[tuple[str, str], None] | None = None,
          renamed: dict[tuple[str, str], None] | None = None) -> dict:
    """A row object with its keys read as table headers are: without the spaces around them (``"text "`` is
    ``text``). A key that already reads as written keeps its name; a tidied key whose name the object already
    has becomes ``name.1`` (``.2``, ...). Each change is noted in ``tidied`` (or, for a clash, ``renamed``).
    Objects whose keys need nothing are returned as they are (the common case costs one look at each key)."""
    if not any(k[:1].isspace() or k[-1:].isspace() for k in obj):
        return obj
    out = {}
    later = []
    for k, v in obj.items():
        name = k.strip()
        if name == k or not name:  # as written (a key of spaces only stays as it is)
            out[k] = v
        else:
            later.append((k, name, v))
    for k, name, v in later:
        new = name
        if new in out:
            n = 1
            while f"{name}.{n}" in out or f"{name}.{n}" in obj:
                n += 1
            new = f"{name}.{n}"
            if renamed is not None:
                renamed[(k, new)] = None
        elif tidied is not None:
            tidied[(k, new)] = None
        out[new] = v
    return out


def _decoder(renamed: dict[tuple[str, str], None] | None = None) -> json.JSONDecoder:
    # numbers with a fraction or an exponent keep the text the file gives them (see _cells.JsonNumber)
    # and so do Infinity and -Infinity, which some writers put in JSON; NaN, which Python's json writes for a
    # missing float (pandas' NaN), stays a missing value
    return json.JSONDecoder(object_pairs_hook=lambda pairs: _unique_keys(pairs, renamed), parse_float=JsonNumber,
                            parse_constant=lambda text: float("nan") if text == "NaN" else JsonNumber(text))


_DECODER = _decoder()
_TAIL = 16  # an error this close to the end of the buffer may just be a value cut by the chunk boundary



def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


class _Scanner:
    """Reads JSON values one by one from a text stream, holding only a window of the text."""

    def __init__(self, stream: TextIO, name: str, chunk: int = _CHUNK_CHARS,
                 decoder: json.JSONDecoder = _DECODER):
        self._decoder = decoder
        self._stream = stream
        self._name = name
        self._chunk = chunk
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1  # line number of _buf[0]
        self._col = 0  # 0-based column of _buf[0]

    def _more(self, size: int | None = None) -> bool:
        if self._eof:
            return False
        data = self._stream.read(size or self._chunk)
        if not data:
            self._eof = True
            return False
        if self._pos:
            dropped = self._buf[: self._pos]
            newlines = dropped.count("\n")
            if newlines:
                self._line += newlines
                self._col = len(dropped) - dropped.rfind("\n") - 1
            else:
                self._col += len(dropped)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        self._buf += data
        return True

    def error(self, what: str, pos: int | None = None) -> InputError:
        pos = self._pos if pos is None else pos
        newlines = self._buf.count("\n", 0, pos)
        if newlines:
            line, col = self._line + newlines, pos - self._buf.rfind("\n", 0, pos)
        else:
            line, col = self._line, self._col + pos + 1
        return errors.error("E112", "document", file=self._name, line=line, col=col, what=what)

    def peek(self) -> str:
        """The next character that is not whitespace, without consuming it; ``""`` at the end."""
        while True:
            self._pos = _WS.match(self._buf, self._pos).end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek()
            raise self.error(f"expected {char!r}, found {found!r}" if found else f"expected {char!r}, "
                                                                                  "found the end of the file")
        self._pos += 1

    def value(self) -> Any:
        if not self.peek():
            raise self.error("expected a value, found the end of the file")
        return self._decode()

    def _decode(self) -> Any:
        """Decode the value starting exactly at the current position (which holds a non-blank character)."""
        size = self._chunk
        while True:
            try:
                obj, end = self._decoder.raw_decode(self._buf, self._pos)
            except RecursionError:  # nested deeper than Python's JSON decoder goes
                raise self.error("a value is nested too deeply (lists or objects inside one another about a "
                                 "thousand times) to be read") from None
            except json.JSONDecodeError as err:
                cut = len(self._buf) - err.pos <= _TAIL or err.msg.startswith("Unterminated string")
                if cut and self._more(size):
                    size *= 2
                    continue
                raise self.error(err.msg, err.pos) from None
            # a number cut by the chunk boundary ("12" of "12.5e3") decodes; make sure it had room to end
            if len(self._buf) - end < _TAIL and self._more(size):
                size *= 2
                continue
            self._pos = end
            return obj

    def items(self) -> Iterator[Any]:
        """The elements of the array that starts here, one at a time."""
        self.take("[")
        if self.peek() == "]":
            self._pos += 1
            return
        after = _AFTER_ITEM.match
        decode_next = self.value
        while True:
            yield decode_next()
            found = after(self._buf, self._pos)
            if found is not None:  # fast path: the separator (and the next value's start) are in the buffer
                if found.group(2):
                    self._pos = found.end()
                    return
                if found.end() < len(self._buf):
                    self._pos = found.end()
                    decode_next = self._decode
                    continue
            decode_next = self.value
            nxt = self.peek()
            if nxt == ",":
                self._pos += 1
            elif nxt == "]":
                self._pos += 1
                return
            else:
                raise self.error(f"expected ',' or ']' after an array element, found {nxt!r}" if nxt
                                 else "the array is not closed: expected ']', found the end of the file")

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; after each key, the caller consumes its value."""
        self.take("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("expected a property name in double quotes")
            key = self.value()
            self.take(":")
            yield key
            nxt = self.peek()
            if nxt == ",":
                self._pos += 1
            elif nxt == "}":
                self._pos += 1
                return
            else:
                raise self.error(f"expected ',' or '}}' after an object member, found {nxt!r}" if nxt
                                 else "the object is not closed: expected '}', found the end of the file")

    def skip(self) -> None:
        """Consume one value, streaming through arrays."""
        if self.peek() == "[":
            for _ in self.items():
                pass
        else:
            self.value()

    def end(self) -> None:
        nxt = self.peek()
        if nxt:
            raise self.error(f"extra data after the end of the JSON value, starting with {nxt!r}")


@dataclass
class _ArrayInfo:
    count: int = 0
    objects: bool = True
    first_bad: str = ""
    keys: dict[str, None] = field(default_factory=dict)
    tidied: dict[tuple[str, str], None] = field(default_factory=dict)  # keys read without spaces (see _tidy)
    clashes: dict[tuple[str, str], None] = field(default_factory=dict)  # tidied keys an object already had
    raw: dict[str, None] = field(default_factory=dict)  # every key as written
    spaced: set[str] = field(default_factory=set)  # the keys with spaces around them

    def add(self, index: int, item: Any) -> None:
        self.count += 1
        if not self.objects:
            return
        if type(item) is not dict:
            self.objects = False
            self.first_bad = f"element {index + 1} is {_kind(item)}"
            self.keys = {}
            return
        for k in item:
            if k not in self.raw:
                self.raw[k] = None
                if k[:1].isspace() or k[-1:].isspace():
                    self.spaced.add(k)
        keys = self.keys
        for k in (_tidy(item, self.tidied, self.clashes) if self.spaced and not self.spaced.isdisjoint(item) else item):
            if k not in keys:
                keys[k] = None


class JsonSource(TabularSource):
    """A JSON file; ``key`` names the member holding the array when the top level is an object."""

    key: str | None = None
    spaced: frozenset[str] = frozenset()  # the row objects' keys with spaces around them (see _tidy)
    #: the other members of the top-level object beside the array read (``"survey"``, ``"period"``): not read
    other_members: tuple[str, ...] = ()

    def _stream(self, fh: TextIO) -> Iterator[Any]:
        sc = _Scanner(fh, self.path.name)
        if self.key is None:
            yield from sc.items()
        else:
            done = False
            for key in sc.members():
                if key == self.key and not done:
                    yield from sc.items()
                    done = True
                else:
                    sc.skip()
        sc.end()

    def batches(self, chunk_size: int = 50_000) -> Iterator[Batch]:
        check_chunk_size(chunk_size)
        with open(self.path, encoding=self.encoding) as fh:
            spaced = self.spaced
            records = ((number, _tidy(obj) if spaced and not spaced.isdisjoint(obj) else obj, None)
                       for number, obj in enumerate(self._stream(fh), start=1))
            yield from _batches(records, self.columns, _may_hold_surrogates(self.path, self.encoding), chunk_size)


def open_json(path: Path) -> JsonSource:
    """Open a JSON file, checking all of it (see the module docstring)."""
    encoding = text_encoding(path)
    name = path.name
    renamed: dict[tuple[str, str], None] = {}
    with open(path, encoding=encoding) as fh:
        sc = _Scanner(fh, name, decoder=_decoder(renamed))
        first = sc.peek()
        if first == "[":
            key, info = None, _ArrayInfo()
            for i, item in enumerate(sc.items()):
                info.add(i, item)
                if not info.objects:
                    raise errors.error("E113", "not_objects", file=name, first_bad=info.first_bad)
        elif first == "{":
            members: list[str] = []
            key, info = _survey_object(sc, name, members)
        else:
            top = sc.value()
            raise errors.error("E113", "top_level", file=name, kind=_kind(top))
        sc.end()
    if info.count == 0:
        where = "the top-level array" if key is None else f"the array under {key!r}"
        raise errors.error("E104", "json", file=name, where=where)
    source = JsonSource(path, "json", list(info.keys), encoding=encoding)
    source.key = key
    if key is not None:
        source.other_members = tuple(m for m in members if m != key)
    source.renamed = list(renamed) + list(info.clashes)
    source.tidied = list(info.tidied)
    source.spaced = frozenset(k for k in info.spaced if k.strip())
    return source


def _survey_object(sc: _Scanner, name: str, members: list[str] | None = None) -> tuple[str | None, _ArrayInfo]:
    arrays: dict[str, _ArrayInfo] = {}
    others: list[str] = []
    for key in sc.members():
        if members is not None:
            members.append(key)
        if sc.peek() == "[" and key not in arrays:
            info = arrays[key] = _ArrayInfo()
            for i, item in enumerate(sc.items()):
                info.add(i, item)
        else:
            others.append(f"{key!r} ({_kind(sc.value())})")
    full = [k for k, a in arrays.items() if a.count and a.objects]
    if len(full) == 1:
        return full[0], arrays[full[0]]
    if len(full) > 1:
        raise errors.error("E113", "several_arrays", file=name, listed=', '.join(repr(k) for k in full))
    empty = [k for k, a in arrays.items() if not a.count]
    if len(empty) == 1 and len(arrays) == 1:
        return empty[0], arrays[empty[0]]
    found = [f"{k!r} (array: {a.first_bad or 'empty'})" for k, a in arrays.items()] + others
    try:
        lines = not arrays and sc.peek() == "{"  # another object after the first: one object a line
    except InputError:
        lines = False
    if lines:
        raise errors.error("E113", "json_lines", file=name)
    raise errors.error("E113", "no_array", file=name, detail=', '.join(found) if found else 'none (it is empty)')


def _may_hold_surrogates(path: Path, encoding: str) -> bool:
    """Whether the file may hold a \\u escape of a surrogate (always, for a file not in UTF-8)."""
    if encoding not in ("utf-8", "utf-8-sig"):
        return True
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(_CHUNK_CHARS):
            if _SURROGATE_ESCAPE.search(tail + chunk):
                return True
            tail = chunk[-5:]
    return False


def _surrogate_problem(columns: list[str], row: list[str | None]) -> tuple[str, str] | None:
    """``(code, reason)`` when a value of ``row`` holds a lone surrogate (E139), else None."""
    for name, value in zip(columns, row):
        if value is not None:
            found = _LONE_SURROGATE.search(value)
            if found is not None:
                escape = f"\\u{ord(found.group()):04x}"
                return "E139", errors.message("E139", column=name, escape=escape)
    return None


class JsonlSource(TabularSource):
    """A JSON Lines file."""

    spaced: frozenset[str] = frozenset()  # the row objects' keys with spaces around them (see _tidy)

    def batches(self, chunk_size: int = 50_000) -> Iterator[Batch]:
        check_chunk_size(chunk_size)
        with open(self.path, encoding=self.encoding) as fh:
            spaced = self.spaced
            records = ((number, _tidy(obj) if spaced and obj is not None and not spaced.isdisjoint(obj) else obj,
                        problem)
                       for number, _line, obj, problem in _jsonl_records(fh))
            yield from _batches(records, self.columns, _may_hold_surrogates(self.path, self.encoding), chunk_size)


def _batches(records: Iterator[tuple[int, Any, tuple[str, str] | None]], columns: list[str], check: bool,
             chunk_size: int) -> Iterator[Batch]:
    """Batches of ``chunk_size`` rows and rejects from ``(row number, object, problem)`` records: an object's
    values in ``columns`` order (checked for lone surrogates with ``check``), or a reject with the problem's
    code and reason."""
    rows: list[list[str | None]] = []
    locators: list[str] = []
    rejects: list[Reject] = []
    for number, obj, problem in records:
        if problem is None:
            row = [cell_to_str(obj.get(c)) for c in columns]
            problem = _surrogate_problem(columns, row) if check else None
        if problem is None:
            rows.append(row)
            locators.append(f"row {number}")
        else:
            rejects.append((f"row {number}", problem[0], problem[1]))
        if len(rows) + len(rejects) >= chunk_size:
            yield make_batch(columns, rows, locators, rejects)
            rows, locators, rejects = [], [], []
    if rows or rejects:
        yield make_batch(columns, rows, locators, rejects)


def _jsonl_records(fh: TextIO, decoder: json.JSONDecoder = _DECODER
                   ) -> Iterator[tuple[int, int, Any, tuple[str, str] | None]]:
    """``(row number, line number, object, problem)`` for every non-blank line; ``problem`` is
    ``(code, reason)`` for a line that is not a JSON object."""
    number = 0
    loads = decoder.decode
    for lineno, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            obj = loads(line)
        except json.JSONDecodeError as err:
            # (some of the json module's messages end in "at", as "Invalid control character at": the message
            # says "at column N" itself)
            said = err.msg[:-3].rstrip() if err.msg.endswith(" at") else err.msg
            yield number, lineno, None, ("E116", errors.message("E116", line=lineno, error=said, column=err.colno))
            continue
        except RecursionError:  # nested deeper than Python's JSON decoder goes
            yield number, lineno, None, ("E116", errors.message(
                "E116", line=lineno, error="a value is nested too deeply to be read", column=1))
            continue
        if type(obj) is not dict:
            yield number, lineno, None, ("E117", errors.message("E117", line=lineno, kind=_kind(obj)))
            continue
        yield number, lineno, obj, None


def open_jsonl(path: Path, fmt: str) -> JsonlSource:
    """Open a JSON Lines file: one pass collects the column names and checks at least one line is an
    object."""
    encoding = text_encoding(path)
    name = path.name
    keys: dict[str, None] = {}
    renamed: dict[tuple[str, str], None] = {}
    tidied: dict[tuple[str, str], None] = {}
    clashes: dict[tuple[str, str], None] = {}
    raw: dict[str, None] = {}
    spaced: set[str] = set()
    good = 0
    first_problem: tuple[int, tuple[str, str]] | None = None
    with open(path, encoding=encoding) as fh:
        for _number, lineno, obj, problem in _jsonl_records(fh, _decoder(renamed)):
            if problem is not None:
                first_problem = first_problem or (lineno, problem)
                continue
            good += 1
            for k in obj:
                if k not in raw:
                    raw[k] = None
                    if k[:1].isspace() or k[-1:].isspace():
                        spaced.add(k)
            for k in (_tidy(obj, tidied, clashes) if spaced and not spaced.isdisjoint(obj) else obj):
                if k not in keys:
                    keys[k] = None
    if not good:
        assert first_problem is not None  # the file is not blank, so some line was read
        lineno, (code, reason) = first_problem
        if code == "E116":
            raise errors.error("E112", "jsonl", file=name, reason=reason)
        raise errors.error("E113", "jsonl", file=name, reason=reason)
    source = JsonlSource(path, fmt, list(keys), encoding=encoding)
    source.renamed = list(renamed) + list(clashes)
    source.tidied = list(tidied)
    source.spaced = frozenset(k for k in spaced if k.strip())
    return source
