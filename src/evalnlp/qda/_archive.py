"""Reading untrusted exchange files safely: zip members in memory under size caps, XML without a DTD.

A ``.qdpx`` file comes from another program, or from anyone. Nothing in it is ever extracted to disk (so
the paths its members name do not matter), each member is read in chunks and refused as soon as it passes
its cap (so a zip bomb, or a header that lies about sizes, costs at most the cap), and XML with a document
type declaration is refused before it is parsed (so entities cannot expand or reach outside the file).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.util import MiB, size_text  # noqa: F401  (size_text: re-exported by evalnlp.qda)



@dataclass(frozen=True)
class Limits:
    """Caps on what is read from an archive (bytes after decompression)."""

    max_members: int = 100_000
    max_xml: int = 256 * MiB  # project.qde
    max_text: int = 64 * MiB  # one plain-text source
    # every plain-text source together: the store and the import hold several copies of the text at once (about
    # ten times its size in memory: 2.6 GB peak for 240 MiB of text), so this bounds what a small archive can
    # make an import take to about 2.5 GB
    max_text_total: int = 256 * MiB
    max_total: int = 1024 * MiB  # everything read from one archive
    max_sidecar: int = 512 * MiB  # evalnlp.json


DEFAULT_LIMITS = Limits()
_CHUNK = MiB


class Archive:
    """A zip file opened for reading members into memory, by name, case-insensitively."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        self.read_total = 0
        self.read_text_total = 0
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise errors.error("E122", "not_zip", file=self.path.name, reason=_reason(exc)) from None
        infos = self.zip.infolist()
        if len(infos) > limits.max_members:
            self.zip.close()
            raise errors.error("E123", "members", file=self.path.name, n_infos=len(infos),
                               max_members=limits.max_members)
        self._by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            if not info.is_dir():
                self._by_name.setdefault(_key(info.filename), []).append(info)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    #: The folder the project sits in inside the archive ("" at the top, as the specification has it).
    base = ""

    def find(self, name: str) -> list[zipfile.ZipInfo]:
        """The members called ``name`` (case and slash direction ignored), in :attr:`base` first."""
        if self.base:
            found = self._by_name.get(_key(self.base + name), [])
            if found:
                return found
        return self._by_name.get(_key(name), [])

    def find_anywhere(self, basename: str) -> list[zipfile.ZipInfo]:
        """The members called ``basename`` in any folder."""
        key = _key(basename)
        return [i for k, infos in self._by_name.items() if k == key or k.endswith("/" + key) for i in infos]

    def names(self) -> list[str]:
        return [i.filename for infos in self._by_name.values() for i in infos]

    def read(self, info: zipfile.ZipInfo, cap: int, what: str, *, text: bool = False) -> bytes:
        """The member's bytes, refusing (E123) past ``cap`` or past the archive's total allowance (with ``text``,
        a source's plain text, past the allowance for every source's text together too)."""
        budget = min(cap, self.limits.max_total - self.read_total)
        if text and self.limits.max_text_total - self.read_text_total < budget:
            budget = self.limits.max_text_total - self.read_text_total
            if info.file_size > budget:
                raise errors.error("E123", "member", file=self.path.name, filename=info.filename,
                                   limit=f"the {size_text(self.limits.max_text_total)} allowed for the text of all "
                                         "of a project's sources together")
        if info.file_size > budget:
            raise self._too_large(info, what, cap)
        parts, size = [], 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > budget:  # the header understated the size: stop reading here
                        raise self._too_large(info, what, cap)
                    parts.append(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            raise errors.error("E122", "member", file=self.path.name, filename=info.filename,
                               reason=_reason(exc)) from None
        self.read_total += size
        if text:
            self.read_text_total += size
        return b"".join(parts)

    def _too_large(self, info: zipfile.ZipInfo, what: str, cap: int) -> InputError:
        if self.read_total + min(info.file_size, cap) > self.limits.max_total and info.file_size <= cap:
            limit = f"the {size_text(self.limits.max_total)} allowed for a whole project"
        else:
            limit = f"the {size_text(cap)} allowed for {what}"
        return errors.error("E123", "member", file=self.path.name, filename=info.filename, limit=limit)


def _key(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").casefold()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


class _Refused(Exception):
    pass


def _refuse(*_: Any) -> None:
    raise _Refused


def parse_xml(data: bytes, what: str) -> ET.Element:
    """Parse XML bytes into an element tree; E126 for a document type declaration (DOCTYPE, entities),
    E125 for XML that is not well-formed. Nothing is fetched and no entity is expanded."""
    from xml.parsers import expat

    check = expat.ParserCreate()
    check.StartDoctypeDeclHandler = _refuse
    check.EntityDeclHandler = _refuse
    check.UnparsedEntityDeclHandler = _refuse
    check.ExternalEntityRefHandler = _refuse
    try:
        check.Parse(data, True)
    except _Refused:
        raise errors.error("E126", what=what) from None
    except expat.ExpatError as exc:
        raise errors.error("E125", what=what, lineno=exc.lineno, column=exc.offset + 1,
                           errorstring=expat.ErrorString(exc.code)) from None
    return ET.fromstring(data)


class _Root(Exception):
    def __init__(self, name: str, attrs: dict[str, str]):
        super().__init__(name)
        self.name, self.attrs = name, attrs


def _root_found(name: str, attrs: dict[str, str]) -> None:
    raise _Root(name, attrs)


def root_element(chunks) -> tuple[str, dict[str, str]] | None:
    """The (local name, attributes) of the first element of the XML in ``chunks`` (an iterable of bytes), read
    only as far as that element; None when the bytes end first, are not well-formed, or declare a document type.
    Nothing is fetched and no entity is expanded."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = _root_found
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Root as found:
        return found.name.rsplit("}", 1)[-1].rsplit(":", 1)[-1], dict(found.attrs)
    except (_Refused, expat.ExpatError):
        return None
    return None
