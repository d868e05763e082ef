"""Small shared infrastructure: checksums, atomic writes, text coercion, name suggestions, coder identity,
package versions and a couple of numeric helpers.

Every other module takes these from here, so that one behaviour holds everywhere (one rounding, one way of
turning missing values into text, one spelling of a coder's id).
"""

from __future__ import annotations

import hashlib
import os
import platform
import tempfile
import weakref
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from evalnlp import errors
from evalnlp.schema import MODEL_PREFIX

# --------------------------------------------------------------------------- checksums


#: A mebibyte: the unit of the size caps on archives read from outside (DOCX, XLSX, QDPX).
MiB = 2**20


def size_text(n: int) -> str:
    """A size in bytes as a message gives it: ``"200 MiB"``, or ``"812 bytes"`` below a mebibyte."""
    return f"{n / MiB:,.0f} MiB" if n >= MiB else f"{n:,} bytes"


def file_sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bytes_sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


#: how :func:`passage_fingerprint` is made, written on model cards beside the fingerprints
#: Han characters (with the iteration mark 々 and 〇) and kana, for a regular expression's character class: the
#: letters of Chinese and Japanese, written without spaces between words (see :func:`evalnlp.nlp.word_count`).
#: Hangul is not among them: Korean puts spaces between its words.
HAN_LETTERS = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA_LETTERS = "\u3040-\u30ff\uff66-\uff9f"

# The line a mail or phone app adds under what was written ("Sent from my iPhone", "Get Outlook for Android"),
# pasted into a survey answer with it. Each pattern is written for Python's re and DuckDB's RE2 alike (the store
# ranks quote candidates by the same rules), so it uses no look-around and spells white space out.
_DEVICE = ("(?:iPhone|iPad|iPod|Android|Samsung|Galaxy|BlackBerry|Huawei|Pixel|Google Pixel|Sony|Xperia|Nokia|"
           "Motorola|OnePlus|Xiaomi|Windows Phone|mobile|phone|smartphone|tablet)"
           "(?: (?:[A-Z0-9][A-Za-z0-9+-]*|device|phone|smartphone|tablet)){0,4}")
_APP = ("(?:Outlook|Mail|Yahoo Mail|Gmail|AOL|AOL Mobile Mail)"
        "(?: (?:for|on) (?:iOS|Android|Windows(?: 10| 11)?|iPhone|iPad|Mac))?")
_FURNITURE_LINE = f"(?:Sent from my {_DEVICE}|Sent from {_APP}|Get Outlook for (?:iOS|Android))"
#: Mail furniture at the end of a text, with the white space before it: what a quote leaves out (the stored text
#: keeps it) and what redaction never reads as part of a name ("Thanks Jane\nSent from my iPhone").
MAIL_FURNITURE = f"(?:^|[ \\t\\r\\n]+){_FURNITURE_LINE}(?:[ \\t\\r\\n]+{_FURNITURE_LINE})*[ \\t\\r\\n]*$"
#: Words that every text with :data:`MAIL_FURNITURE` holds (a cheap test before the pattern).
FURNITURE_WORDS = ("Sent from", "Get Outlook")
#: A contact detail as a signature writes it: an e-mail address, a web address, or a run of 10 digits or more
#: (spaces, brackets and dashes between them), such as a phone number.
CONTACT_DETAIL = ("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+[.][A-Za-z0-9.-]+|https?://|www[.]"
                  "|[+]?[0-9](?:[ ()-]*[0-9]){9,}")
#: A word of a sentence of its own: lower case (Latin with its accents, Greek, Cyrillic), 3 letters or more, with
#: at most a punctuation mark after it.
ORDINARY_WORD = "[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u03ac-\u03ce\u0430-\u045f]{3,}[,.;:!?]?"
#: A quote holding a contact detail and fewer ordinary words than this is a signature or a contact line (not in
#: Chinese or Japanese, which have no lower case).
CONTACT_LINE_WORDS = 3
#: A signature's or a contact line's readability is multiplied by this: it is quoted only when nothing else is.
CONTACT_FACTOR = 0.2


PASSAGE_FINGERPRINT = "sha256 of the text lower-cased with whitespace runs as one space, first 16 hex digits"


def passage_fingerprint(text: str) -> str:
    """A short fingerprint of a passage that ignores case and spacing (see :data:`PASSAGE_FINGERPRINT`).

    A model card lists those of its training passages, so that training on top of that model can tell which
    of a new sample's passages it has already seen, without the card holding any text."""
    return hashlib.sha256(" ".join(str(text).lower().split()).encode("utf-8")).hexdigest()[:16]


def training_passages(texts: Iterable[str]) -> dict[str, Any]:
    """The ``training_passages`` field of a model card: the method and the sorted distinct fingerprints."""
    return {"fingerprint": PASSAGE_FINGERPRINT, "values": sorted({passage_fingerprint(t) for t in texts})}


# --------------------------------------------------------------------------- the stores open here


#: The project stores open in this process (:class:`evalnlp.store.Store` objects add themselves as they open).
#: DuckDB locks a store file with a POSIX record lock, which a process loses as soon as it closes any descriptor
#: of that file, even one opened only to read a few bytes: so a file one of these holds is never opened from
#: Python again (see :func:`refuse_open_store`), or another process could open and write it beside them.
OPEN_STORES: "weakref.WeakSet[Any]" = weakref.WeakSet()


def file_key(path: str | os.PathLike) -> tuple[int, int] | None:
    """The file's identity (device and inode), the same under any name or link; None when there is no file."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def open_store_at(path: str | os.PathLike) -> Any:
    """A store of this process that holds the file at ``path`` (any name or link of it) open, if any. The file
    is looked up (``os.stat``), never opened."""
    key = file_key(path)
    if key is None:
        return None
    return next((s for s in list(OPEN_STORES) if not s.closed and s._key == key), None)


def refuse_open_store(path: str | os.PathLike, what: str) -> None:
    """E414 when ``path``, given as ``what`` (an input to read, an output to write), is the file of a project
    store open in this process: reading it would release the store's lock (so another process could write the
    store at the same time), and writing it would replace the store. Call it before the file is opened."""
    held = open_store_at(path)
    if held is not None:
        raise errors.error("E414", "open", path=str(path), what=what, store=str(held.path))


# --------------------------------------------------------------------------- atomic writes


def _file_mode(target: Path) -> int:
    """The mode a new file would get (an existing target keeps its own)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_output_path(path: str | os.PathLike) -> Path:
    """The folder an output file ``path`` goes in; :class:`~evalnlp.errors.InputError` E162 when that folder does
    not exist (or is a file), cannot be written to, or ``path`` is itself a folder. Commands call it before their
    work, so that a long run does not end unable to write its result."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise errors.error("E162", "not_folder", path=str(target), folder=str(folder))
    if not folder.is_dir():
        raise errors.error("E162", "folder", path=str(target), folder=str(folder))
    if target.is_dir():
        raise errors.error("E162", "is_folder", path=str(target), example=str(target / f"output{target.suffix}"))
    refuse_open_store(target, "an output file")
    if not os.access(folder, os.W_OK | os.X_OK):  # the file is written beside its target, then renamed
        raise errors.error("E162", "read_only", path=str(target), folder=str(folder))
    return folder


def os_reason(exc: OSError) -> str:
    """The operating system's reason for ``exc`` in words, with its errno name: ``No space left on device
    (ENOSPC)`` (the system's words: pyarrow puts its own in ``strerror``); else the exception's text."""
    import errno

    name = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
    words = os.strerror(exc.errno) if name else exc.strerror or str(exc) or type(exc).__name__
    return f"{words} ({name})" if name else words


def _as_os_error(exc: BaseException) -> OSError | None:
    """``exc`` as the operating system's error when it is one: an ``OSError``, or lxml's serialisation error for
    a failed write (``IO_ENOSPC``, ``IO_EFBIG``: openpyxl writes a workbook's sheets through lxml); else None."""
    import errno

    if isinstance(exc, OSError):
        return exc
    text = str(exc)
    if type(exc).__module__ == "lxml.etree" and text.startswith("IO_"):
        number = getattr(errno, text[3:], None)
        return OSError(number, os.strerror(number)) if isinstance(number, int) else OSError(text)
    return None


def write_failed(path: str | os.PathLike, exc: OSError) -> errors.EvalnlpError:
    """E162 for an output file whose writing failed part-way (a full disk, a file-size limit, an I/O error), its
    partial file removed: what failed, where, and the operating system's reason."""
    return errors.error("E162", "write_failed", path=str(path), reason=os_reason(exc))


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path in the folder of ``path``; on success rename it to ``path``.

    A failure removes the temporary file, so ``path`` is either the complete new file or untouched.
    Raises :class:`~evalnlp.errors.InputError` E162 when the folder does not exist, and E162 (``write_failed``)
    when writing the file fails part-way (an ``OSError``: a full disk, a file-size limit, an I/O error), after
    removing the partial file.
    """

    target = Path(path)
    folder = check_output_path(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # no room even for the file's name (a full inode table), or the folder went away
        raise write_failed(target, exc) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, _file_mode(target))
        os.replace(tmp_path, target)
    except BaseException as exc:
        tmp_path.unlink(missing_ok=True)
        failure = _as_os_error(exc)
        if failure is None:
            raise
        raise write_failed(target, failure) from exc



def place_file(staged: str | os.PathLike, path: str | os.PathLike) -> None:
    """Put the finished file ``staged`` at ``path`` in one step (same folder), with ``path``'s permissions when a
    file is there already."""
    os.chmod(staged, _file_mode(Path(path)))
    os.replace(staged, path)


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_path`."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_atomic_together(files: dict[Path, bytes]) -> None:
    """Write files that belong together (a model and its card) so that they appear together or not at all.

    Every file is first written in full under a temporary name beside its target; only then are they renamed
    into place, in the order given. A write that fails (a full disk, a file-size limit) removes every temporary
    file, so no target has changed, and raises E162 (``write_failed``) naming the file that failed. (The renames
    write no data; only a crash between two of them could leave the first one placed alone.)
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            folder = check_output_path(target)
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            except OSError as exc:
                raise write_failed(target, exc) from exc
            os.close(fd)
            staged.append((Path(tmp), target))
            try:
                Path(tmp).write_bytes(data)
                os.chmod(tmp, _file_mode(target))
            except OSError as exc:
                raise write_failed(target, exc) from exc
        for tmp, target in staged:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- paths


def path_kind(path: str | os.PathLike) -> str:
    """What the thing at ``path`` is, for a message refusing it as an input file: ``"a directory"``, ``"a
    character device"`` (``/dev/null``, a terminal), ``"a named pipe (FIFO)"``, ``"a block device"``, ``"a
    socket"``, ``"a regular file"``, ``"missing"``, or ``"a special file"`` for anything else."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "missing"
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISREG, "a regular file"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


# --------------------------------------------------------------------------- texts


def is_missing(value: Any) -> bool:
    """None or a float NaN (pandas' missing value in object columns)."""
    return value is None or (isinstance(value, float) and value != value)


def as_texts(X: Any, *, missing: str = "empty") -> list[str]:
    """A list of texts from a list, tuple, array, Series or one-column DataFrame.

    ``missing="empty"`` turns None/NaN into "" (a blank answer is an empty text); ``missing="raise"`` refuses
    them, and any item that is not a str. Raises ``ValueError`` (a single string, a frame with several
    columns, something that is not a sequence, or a refused item); callers that speak in error codes wrap it.
    """
    if missing not in ("empty", "raise"):
        raise ValueError(f"missing must be 'empty' or 'raise'; got {missing!r}")
    if hasattr(X, "columns"):
        if X.shape[1] != 1:
            raise ValueError(f"expected one column of texts; got a frame with {X.shape[1]} columns")
        X = X.iloc[:, 0]
    if isinstance(X, (str, bytes)):
        raise ValueError("expected a sequence of texts; got a single string (wrap it in a list)")
    try:
        items = list(X)
    except TypeError:
        raise ValueError(f"expected a sequence of texts; got {type(X).__name__}") from None
    if missing == "raise":
        bad = next((i for i, item in enumerate(items) if not isinstance(item, str)), None)
        if bad is not None:
            raise ValueError(f"every text must be a str; item {bad} is {type(items[bad]).__name__} "
                             f"({items[bad]!r:.60})")
        return items
    return ["" if is_missing(x) else str(x) for x in items]


# --------------------------------------------------------------------------- names


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """``' Did you mean X?'`` for the choice closest to ``word`` (exact case first, then ignoring case), else ""."""
    import difflib

    choices = [str(c) for c in choices]
    match = difflib.get_close_matches(str(word), choices, n=1, cutoff=cutoff)
    if not match:
        lowered = {c.casefold(): c for c in choices}
        match = [lowered[m] for m in difflib.get_close_matches(str(word).casefold(), list(lowered), n=1,
                                                               cutoff=cutoff)]
    return f" Did you mean {match[0]!r}?" if match else ""


# --------------------------------------------------------------------------- identity and provenance


def coder_id(name: str, sha: str | None = None) -> str:
    """The id recorded with machine codes: ``model:NAME@SHA12``, or ``model:NAME`` without a checksum."""
    return f"{MODEL_PREFIX}{name}@{sha[:12]}" if sha else f"{MODEL_PREFIX}{name}"


_VERSIONED = ("evalnlp", "duckdb", "pandas", "numpy", "scipy", "scikit-learn", "skops", "spacy", "model2vec")


def package_versions(names: Sequence[str] = _VERSIONED) -> dict[str, str]:
    """Python's version and those of the packages that shape results (absent ones are left out)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


# --------------------------------------------------------------------------- numbers


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, stable for large magnitudes."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of a 2-D array (a new array)."""
    z = np.asarray(z, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def load_yaml(text: str, *, strings: bool = False) -> Any:
    """YAML text a person wrote (a codebook, a claims file), read safely and refusing a key written twice in
    one mapping (YAML's own loader keeps the last value without a word, so a second ``themes:`` list or
    ``aliases:`` line would silently drop the first). With ``strings``, a plain value is the text written (a
    filter value ``12:30`` or ``1.10`` is not read as a number, ``no`` not as false). Raises ``yaml.YAMLError``
    with the place, as a syntax error does."""
    import yaml

    class _Strict(yaml.SafeLoader):
        pass

    if strings:  # every plain value as written ("12:30", "1.10", "no"), only null as None
        null = "tag:yaml.org,2002:null"
        _Strict.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag == null]
                                           for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, Any] = {}
        for key_node, _value in node.value:
            key = loader.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: YAML's own constructor says so
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"found the key {key!r} twice (first at line {first.line + 1}); only one of them would be kept",
                    key_node.start_mark)
            seen[key] = key_node.start_mark
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return yaml.load(text, Loader=_Strict)  # noqa: S506 - a SafeLoader subclass
