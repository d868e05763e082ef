"""The project store: one embedded DuckDB file, and the only module that speaks SQL.

Every command works inside :meth:`Store.transaction`, so a failure leaves the file as it was before the
command began. Tables and their columns are listed in :mod:`evalnlp.schema`; the schema is versioned in the
``meta`` table and brought up to date by :data:`MIGRATIONS` when a store is opened.
"""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import duckdb
import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.schema import HUMAN_PREFIX, SCHEMA_VERSION
from evalnlp.util import (
    CONTACT_DETAIL,
    CONTACT_FACTOR,
    CONTACT_LINE_WORDS,
    FURNITURE_WORDS,
    HAN_LETTERS,
    KANA_LETTERS,
    MAIL_FURNITURE,
    OPEN_STORES,
    ORDINARY_WORD,
    file_key,
    open_store_at,
    package_versions,
)
DEFAULT_DB = "evalnlp.duckdb"

# Each migration brings the schema from version i to i + 1 (list index i).
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE documents (
            doc_id VARCHAR NOT NULL, source VARCHAR NOT NULL, locator VARCHAR NOT NULL,
            kind VARCHAR NOT NULL, question VARCHAR, text VARCHAR NOT NULL, attrs JSON,
            run_id VARCHAR NOT NULL)""",
        """CREATE TABLE segments (
            seg_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, text VARCHAR NOT NULL,
            speaker VARCHAR, source_ref VARCHAR)""",
        """CREATE TABLE codes (
            seg_id VARCHAR NOT NULL, theme VARCHAR NOT NULL, score DOUBLE,
            assigned BOOLEAN NOT NULL, coder VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
        """CREATE TABLE sentiment (
            seg_id VARCHAR NOT NULL, label VARCHAR NOT NULL, score DOUBLE,
            coder VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
        """CREATE TABLE reach (
            doc_id VARCHAR NOT NULL, text VARCHAR NOT NULL, value DOUBLE, unit VARCHAR,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL)""",
        """CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY, command VARCHAR NOT NULL, args JSON, codebook_id VARCHAR,
            codebook_sha256 VARCHAR, model_sha256 VARCHAR, versions JSON, started TIMESTAMP,
            finished TIMESTAMP, status VARCHAR, n_in BIGINT, n_ok BIGINT, n_rejected BIGINT)""",
        """CREATE TABLE rejects (
            run_id VARCHAR NOT NULL, source VARCHAR NOT NULL, locator VARCHAR, code VARCHAR NOT NULL,
            reason VARCHAR NOT NULL)""",
        """CREATE TABLE topics (
            run_id VARCHAR NOT NULL, topic INTEGER NOT NULL, size INTEGER, keywords JSON,
            theme VARCHAR, similarity DOUBLE, emergent BOOLEAN, examples JSON)""",
    ],
    [  # 2: corroborating sources of narrative files, and the entries each testimonial cites
        """CREATE TABLE sources (
            source VARCHAR NOT NULL, position INTEGER NOT NULL, ref VARCHAR, label VARCHAR,
            text VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
        """CREATE TABLE segment_sources (
            seg_id VARCHAR NOT NULL, source VARCHAR NOT NULL, position INTEGER NOT NULL)""",
    ],
    [  # 3: the input files read, so that a different file of the same name is refused, not merged
        """CREATE TABLE inputs (
            name VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
    ],
    [  # 4: a testimonial's link names its entry's text too: an edited sources list keeps the entries of each
        # version, and the same place can hold another entry in each ("[5.2]" before and after a renumbering)
        "ALTER TABLE segment_sources ADD COLUMN IF NOT EXISTS text VARCHAR",
    ],
    [  # 5: letters of support filed as files of their own, each linked to the entry of a sources list that names
        # it: what each letter says of itself, per testimonial passage of its body, and how a link was made
        # (``how``: NULL for a marker's, ``letter`` for a letter's, made again after every read; see
        # Store.set_letter_links)
        """CREATE TABLE IF NOT EXISTS letters (
            seg_id VARCHAR NOT NULL, letter_id VARCHAR NOT NULL, source VARCHAR NOT NULL, name VARCHAR,
            roles VARCHAR, organisations VARCHAR, letterhead VARCHAR, date VARCHAR, run_id VARCHAR NOT NULL)""",
        "ALTER TABLE segment_sources ADD COLUMN IF NOT EXISTS how VARCHAR",
    ],
    [  # 6: the passages a machine coder could not read (``kind``: ``not_english`` or ``no_words``, see
        # evalnlp.language), which it coded with no theme and no sentiment: left out of the documents a share is
        # of. A passage it read has no row. Stores coded before are filled in where they can be (Store._mark_unread)
        """CREATE TABLE IF NOT EXISTS unread (
            seg_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, coder VARCHAR NOT NULL, run_id VARCHAR NOT NULL)""",
    ],
]
assert len(MIGRATIONS) == SCHEMA_VERSION

#: The characters Python's ``str.split()`` splits on, as a regular-expression class body (RE2 syntax).
_PY_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"


def fold_key_sql(column: str) -> str:
    """SQL for a key of ``column``'s text that two texts folding alike in Python (lowered, whitespace runs as
    one space: :func:`evalnlp.review.fold_text`) always share: lowered, every whitespace character removed,
    with the two letters whose lower case differs between Python and DuckDB made alike (Python lowers U+0130 to
    "i" and a combining dot, DuckDB to "i"; Python lowers a final capital sigma to the final form)."""
    stripped = f"regexp_replace({column}, '[{_PY_WHITESPACE}]', '', 'g')"
    return f"replace(lower(replace({stripped}, chr(304), 'i' || chr(775))), chr(962), chr(963))"


# _BY_NAME: a DataFrame or Arrow table that a statement reads is put in a local variable whose name the SQL
# uses (``_docs = frame`` ... ``FROM _docs``), and DuckDB finds it among the calling function's local variables
# (its replacement scan). ``Connection.register`` is not used for them: inside a transaction a registered
# frame stays alive after ``unregister`` until the commit, so a command that inserts page after page in one
# transaction (classify) held every page's frames in memory to its end: about 0.6 GB per million comments.
# The execute must therefore be called in the function that holds the variable.
# A document's id: a content hash of its source, locator, question and text (see Store.insert_documents).
#: Entries of one file's sources (a list's entry, a footnote) in the same words, this long at least, are one source
#: (a note repeating the list's "Letter from the Chief Executive, ..."); shorter ones ("Ibid.", "Interview") may not be.
SAME_WORDS_MIN = 20
_DOC_ID_SQL = "substr(md5(concat_ws(chr(31), source, locator, coalesce(question, ''), text)), 1, 20)"


def _doc_key(doc_id_sql: str) -> str:
    """SQL for a document id as a number (its 20 hex digits; NULL for an id of another form). The command's
    records of the rows it read hold these: 16 bytes in place of a 20-letter text, for a row per input row, in
    DuckDB's memory until the command commits."""
    return f"TRY_CAST('0x' || {doc_id_sql} AS UHUGEINT)"


def default_path() -> str:
    """The store path used when none is given: ``$EVALNLP_DB`` or ``./evalnlp.duckdb``."""
    return os.environ.get("EVALNLP_DB") or DEFAULT_DB


#: The places (doc_id, start, end) of the passages some person coded: a passage that overlaps one of them (a
#: sentence of an answer a person coded whole, or the whole answer of a sentence a person coded) is that person's
#: to decide, so review does not offer it. ``{other}`` takes a condition on the coder (a person left out).
_PEOPLES_PLACES = f"""SELECT DISTINCT hs.doc_id, hs.start, hs."end" FROM codes h JOIN segments hs USING (seg_id)
                      WHERE starts_with(h.coder, '{HUMAN_PREFIX}') {{other}}"""


def _check_writable(path: Path) -> None:
    """E403 when this user cannot write the store at ``path`` (the file, or the folder DuckDB writes its
    ``.wal`` file in): a command that saves would otherwise do all its work and fail at its commit."""
    folder = path.parent if str(path.parent) else Path(".")
    wal = path.with_name(path.name + ".wal")
    if path.exists() and not os.access(path, os.W_OK):
        what = "the file"
    elif not os.access(folder, os.W_OK | os.X_OK):
        what = f"its folder {str(folder)!r}"
    else:
        return
    raise errors.error("E403", "read_only", path=str(path), what=what, wal=wal.name)


def _open_here(path: Path) -> "Store | None":
    """A store of this process that holds the file at ``path`` open, if any (see :func:`evalnlp.util.open_store_at`:
    a file one of them holds is never opened from Python again, or the process would lose DuckDB's lock on it)."""
    return open_store_at(path)


def _damaged(exc: BaseException) -> bool:
    """Whether DuckDB's error says that the file is cut short or not a database file (rather than locked)."""
    text = str(exc)
    return "Could not read enough bytes" in text or "not a valid DuckDB database file" in text


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n")[0]


def _mode(read_only: bool) -> str:
    return "read-only" if read_only else "for writing"


class Store:
    """A project store on disk. Open with ``Store(path)``; close with :meth:`close` or ``with``."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = str(path) if path is not None else default_path()
        p = Path(self.path)
        if p.is_dir():
            raise errors.error("E401", "directory", path=self.path)
        if read_only and not p.exists():
            raise errors.error("E404", path=self.path, ingest=errors.Call("ingest", "paths=FILE"))
        here = _open_here(p)
        if here is not None and here.read_only != read_only:
            raise errors.error("E403", "here", path=self.path, held=_mode(here.read_only), wanted=_mode(read_only))
        if p.exists() and p.stat().st_size > 0:
            if here is None:  # a store open here is known, and reading the file would drop its lock
                with open(p, "rb") as fh:
                    head = fh.read(16)
                if b"DUCK" not in head:
                    raise errors.error("E401", "not_store", path=self.path)
        elif p.exists():
            raise errors.error("E401", "zero_bytes", path=self.path)
        if p.parent and not p.parent.exists():
            raise errors.error("E405", parent=str(p.parent))
        if not read_only:
            _check_writable(p)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if _damaged(exc):
                raise errors.error("E401", "damaged", path=self.path, exc=_first_line(exc)) from None
            raise errors.error("E403", "held", path=self.path, exc=exc) from None
        except duckdb.Error as exc:
            raise errors.error("E401", "unopenable", path=self.path, exc=exc) from None
        try:
            self._open(read_only)
        except duckdb.IOException as exc:  # a page the first queries need is missing
            self.con.close()
            if _damaged(exc):
                raise errors.error("E401", "damaged", path=self.path, exc=_first_line(exc)) from None
            raise
        self.read_only = read_only
        self._key = file_key(p)
        OPEN_STORES.add(self)

    def _open(self, read_only: bool) -> None:
        """Settings, the check that the file is a project store, and the migration, once connected."""
        self._check_whole()
        self._in_tx = False
        self._reading = False  # remembering the documents read (read_documents_begin)
        self._tracking = False  # remembering one file's documents with their attrs (track_file_begin)
        self._replacing = False  # remembering the documents and source entries each source yields (replace_begin)
        self._row_files: dict[str, dict[str, Any]] = {}  # the cells of the rows read, by source (remember_rows)
        self._row_dir: str | None = None
        self._read_only = read_only
        # documents read for their text (source, kind, text by doc_id), kept by a read-only store, whose documents
        # cannot change while it is open (see _document_rows)
        self._documents_read: dict[str, tuple[Any, Any, Any]] = {}
        # DuckDB's buffer cache would otherwise grow to most of the machine's memory on large runs; past this
        # limit it evicts pages and spills to a temporary folder beside the store instead.
        self.con.execute(f"SET memory_limit = '{_memory_limit()}'")
        if read_only:  # the read commands: see _read_settings
            for name, value in _read_settings().items():
                try:
                    self.con.execute(f"SET {name} = {value}")
                except duckdb.Error:  # a DuckDB without the setting works as before
                    pass
        try:  # the library never prints; in Jupyter DuckDB refuses the setting unless ipywidgets is installed
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error:
            pass
        self._check_own(read_only)
        if not read_only:
            self._migrate()
        else:
            self._check_version()
        self.commits = 0  # transactions committed since the store was opened (a migration on open not counted)

    # ---- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store; closing it again does nothing, and any other use of it after that is E412."""
        if isinstance(self.con, _ClosedConnection):
            return
        self.con.close()
        self.con = _ClosedConnection(self.path)

    @property
    def closed(self) -> bool:
        return isinstance(self.con, _ClosedConnection)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Run a block atomically: commit on success, roll back on any exception (then re-raise)."""
        if self._in_tx:
            yield self
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException as exc:
            self.con.execute("ROLLBACK")
            for name, value in getattr(self, "_after_rollback", {}).items():
                self.con.execute(f"SET {name} = {value}")
            self._after_rollback = {}
            if isinstance(exc, duckdb.OutOfMemoryException):
                detail = str(exc).split("\n")[0].removeprefix("Out of Memory Error: ")
                raise errors.error("E411", limit=_memory_limit(), detail=detail) from None
            raise
        else:
            try:
                self.con.execute("COMMIT")
            except duckdb.Error:
                raise
            except BaseException:
                # Ctrl-C: Python raises it once the COMMIT call has returned, or just before the call. Which one
                # tells whether the run was saved, and so what the command says: with no transaction left to roll
                # back, the COMMIT went through.
                try:
                    self.con.execute("ROLLBACK")
                except duckdb.Error:
                    self.commits = getattr(self, "commits", 0) + 1
                raise
            self.commits = getattr(self, "commits", 0) + 1
        finally:
            self._in_tx = False

    def schema_version(self) -> int:
        # fetchall, not fetchone: DuckDB refuses to register a DataFrame while a result is partly fetched, and
        # this is the last query of opening a store
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchall()[0][0]
        if not exists:
            return 0
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def _check_whole(self) -> None:
        """E401 for a file shorter than the blocks in use its header counts (a copy cut short, a disk that filled up):
        DuckDB opens it and fails only when a query reaches a missing block, half-way through a command. Not
        checked while a ``.wal`` file is beside it, whose changes may count blocks not yet in the file."""
        if Path(self.path + ".wal").exists():
            return
        try:
            block_size, blocks = self.con.execute(
                "SELECT block_size, used_blocks FROM pragma_database_size()").fetchall()[0]
        except duckdb.Error:  # a DuckDB without the pragma's columns
            return
        # the file's three headers, then at least its blocks in use (total_blocks also counts free blocks, which
        # a healthy file need not hold: DuckDB leaves the free blocks at its end out of the file)
        expected = 3 * 4096 + int(block_size) * int(blocks)
        size = os.path.getsize(self.path)
        if size < expected:
            self.con.close()
            raise errors.error("E401", "damaged", path=self.path,
                               exc=f"the file holds {size:,} bytes of the {expected:,} its header counts")

    def _check_own(self, read_only: bool) -> None:
        """E401 for a DuckDB file that is not a project store: another program's database (tables of its own and
        no ``meta`` table; evalnlp would add its tables beside them), or, read-only, an empty file. The connection
        is closed first."""
        if self.schema_version() > 0:
            return
        tables = [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main' ORDER BY table_name").fetchall()]
        if not tables and not read_only:
            return  # a new store, or an empty file: made a store by the migration
        self.con.close()
        if tables:
            shown = ", ".join(repr(t) for t in tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
            raise errors.error("E401", "foreign", path=self.path,
                               tables=f"the table{'s' if len(tables) > 1 else ''} {shown}")
        raise errors.error("E401", "empty", path=self.path,
                           ingest=errors.Call("ingest", "paths=FILE", "text=COLUMN", db=str(self.path)))

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise errors.error("E402", path=self.path, version=version, schema_version=SCHEMA_VERSION)
        return version

    def _migrate(self) -> None:
        version = self._check_version()
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for step in MIGRATIONS[version:]:
                for sql in step:
                    self.con.execute(sql)
            if 0 < version < 6:
                self._mark_unread()
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            self.con.execute("INSERT INTO meta SELECT 'store_id', ? WHERE NOT EXISTS "
                             "(SELECT 1 FROM meta WHERE key = 'store_id')", [uuid.uuid4().hex])

    def _mark_unread(self) -> None:
        """Fill in the ``unread`` table of a store coded before it existed, from what each classify run that
        checked the language left: its arguments count the passages it could not read (``not_english``,
        ``no_words``), which it coded with no theme and, in a run that gave sentiment, no sentiment. A run's
        passages are marked only where those it left so are exactly as many as it counted (a codebook that
        requires a theme, or a run with sentiment); otherwise, or where some are gone since, none of them is, and
        its shares stay as they were. A passage with no two letters in a row is marked ``no_words``."""
        self.con.execute(
            f"""INSERT INTO unread
                WITH checked AS (
                    SELECT run_id, coalesce(TRY_CAST(json_extract(args, '$.not_english') AS BIGINT), 0)
                                   + coalesce(TRY_CAST(json_extract(args, '$.no_words') AS BIGINT), 0) AS counted
                    FROM runs WHERE command = 'classify'),
                bare AS (
                    SELECT c.seg_id, c.coder, c.run_id FROM codes c JOIN checked k USING (run_id)
                    WHERE k.counted > 0 AND NOT starts_with(c.coder, '{HUMAN_PREFIX}')
                    GROUP BY c.seg_id, c.coder, c.run_id HAVING NOT bool_or(c.assigned)),
                left_so AS (
                    SELECT b.* FROM bare b
                    WHERE NOT EXISTS (SELECT 1 FROM sentiment x WHERE x.run_id = b.run_id AND x.seg_id = b.seg_id)),
                exact AS (
                    SELECT l.run_id FROM left_so l JOIN checked k USING (run_id)
                    GROUP BY l.run_id, k.counted HAVING count(*) = k.counted)
                SELECT l.seg_id, CASE WHEN regexp_matches(s.text, '\\pL\\pL') THEN 'not_english' ELSE 'no_words' END,
                       l.coder, l.run_id
                FROM left_so l JOIN exact USING (run_id) JOIN segments s USING (seg_id)""")

    def identity(self, *, create: bool = True) -> str | None:
        """This store's identity: a random id written when the store is created (stores made before it existed
        get one when first asked, unless ``create`` is false; then None). It travels with the file when it is
        copied or moved. Review workbooks carry a hash of it, so their decisions go back only into their store."""
        if self.schema_version() == 0:
            return None
        found = self.con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchall()
        if found or not create:
            return found[0][0] if found else None
        value = uuid.uuid4().hex
        with self.transaction():
            self.con.execute("INSERT INTO meta VALUES ('store_id', ?)", [value])
        return value

    # ---- runs and rejects ------------------------------------------------------------------------

    def start_run(self, command: str, args: dict[str, Any], *, codebook_id: str | None = None,
                  codebook_sha256: str | None = None, model_sha256: str | None = None,
                  versions: dict[str, Any] | None = None) -> str:
        """Record a run as started; ``versions`` adds to the package versions recorded with it (the version of
        the keyword matching rules a coder used, say)."""
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'running', 0, 0, 0)",
            [run_id, command, json.dumps(args, default=str, sort_keys=True), codebook_id, codebook_sha256,
             model_sha256, json.dumps({**package_versions(), **(versions or {})}, sort_keys=True), _now()],
        )
        return run_id

    def update_run(self, run_id: str, **fields: Any) -> None:
        allowed = {"codebook_id", "codebook_sha256", "model_sha256"}
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(f"cannot update run field {key!r}")
            self.con.execute(f"UPDATE runs SET {key} = ? WHERE run_id = ?", [value, run_id])

    def add_run_args(self, run_id: str, more: dict[str, Any]) -> None:
        """Add ``more`` to the run's recorded arguments (what it learned as it went, such as each file's counts);
        a key it already has is kept as it was."""
        row = self.con.execute("SELECT args FROM runs WHERE run_id = ?", [run_id]).fetchone()
        args = json.loads(row[0]) if row and row[0] else {}
        args = {**{k: v for k, v in more.items() if k not in args}, **args}
        self.con.execute("UPDATE runs SET args = ? WHERE run_id = ?",
                         [json.dumps(args, default=str, sort_keys=True), run_id])

    def input_columns(self) -> list[str]:
        """The column names of the tables read into the store, each file's in its order, files in the order their
        runs started (as each finished ingest or classify run recorded them; none for runs older than that)."""
        rows = self.con.execute(
            """SELECT args FROM runs WHERE command IN ('ingest', 'classify') AND status = 'ok'
               ORDER BY started, run_id""").fetchall()
        out: dict[str, None] = {}
        for (raw,) in rows:
            args = json.loads(raw) if raw else {}
            for entry in args.get("per_file") or []:
                for name in entry.get("columns") or []:
                    out.setdefault(str(name), None)
        return list(out)

    def table_reads(self) -> list[dict[str, Any]]:
        """The tables read into the store, latest first, each once by its source: ``source``, ``columns`` (in the
        file's order) and ``questions`` (each text column's question, where a run recorded it), as the finished
        ingest and classify runs recorded them (none for runs older than that)."""
        rows = self.con.execute(
            """SELECT args FROM runs WHERE command IN ('ingest', 'classify') AND status = 'ok'
               ORDER BY started DESC, run_id DESC""").fetchall()
        out: dict[str, dict[str, Any]] = {}
        for (raw,) in rows:
            for entry in (json.loads(raw) if raw else {}).get("per_file") or []:
                if entry.get("columns") and entry.get("source") and entry["source"] not in out:
                    out[str(entry["source"])] = {"source": str(entry["source"]),
                                                 "columns": [str(c) for c in entry["columns"]],
                                                 "questions": dict(entry.get("questions") or {})}
        return list(out.values())

    def questions_by_source(self) -> dict[str, set[str]]:
        """The questions each source's answers are stored under (sources of tables: narrative passages have
        none)."""
        return {str(src): {str(q) for q in qs} for src, qs in self.con.execute(
            "SELECT source, list(DISTINCT question) FROM documents WHERE question IS NOT NULL GROUP BY source"
        ).fetchall()}

    def finish_run(self, run_id: str, *, n_in: int, n_ok: int, n_rejected: int, status: str = "ok") -> None:
        if n_in != n_ok + n_rejected:
            raise errors.error("E410", run_id=run_id, n_in=n_in, n_ok=n_ok, n_rejected=n_rejected)
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, n_in = ?, n_ok = ?, n_rejected = ? WHERE run_id = ?",
            [_now(), status, int(n_in), int(n_ok), int(n_rejected), run_id],
        )

    def add_rejects(self, run_id: str, frame: pd.DataFrame) -> int:
        """Append rejects; ``frame`` has columns source, locator, code, reason."""
        if frame.empty:
            return 0
        rej = frame[["source", "locator", "code", "reason"]]
        _rej = rej  # read by name in the SQL (see _BY_NAME)
        self.con.execute("INSERT INTO rejects SELECT ?, source, locator, code, reason FROM _rej", [run_id])
        return len(rej)

    # ---- documents and segments ------------------------------------------------------------------

    def insert_documents(self, frame: pd.DataFrame, run_id: str, *, attrs: dict[str, str] | None = None,
                         dedupe: bool = True, returning: bool = False) -> int | pd.DataFrame:
        """Insert documents not already in the store; return how many were new (with ``returning``, the new
        documents themselves: doc_id, text, kind).

        ``frame`` has columns source, locator, kind, question and text, and either an ``attrs`` column (JSON
        text) or, with ``attrs`` = {attribute name: frame column}, the columns whose values become each
        document's attrs object (built here, in bulk). ``doc_id`` is a content hash of source, locator,
        question and text, so ingesting the same input twice adds nothing. ``dedupe=False`` skips the check
        for repeated documents within ``frame`` when the caller knows its locators are unique.
        """
        if frame.empty:
            return pd.DataFrame({"doc_id": [], "text": [], "kind": []}) if returning else 0
        if attrs is None:
            attrs_sql = "CAST(attrs AS JSON)"
        elif attrs:
            attrs_sql = "json_object(" + ", ".join(f"{_sql_str(k)}, {_sql_ident(c)}" for k, c in attrs.items()) + ")"
        else:
            attrs_sql = "CAST('{}' AS JSON)"
        qualify = order = ""
        if dedupe:  # the window would leave the rows in any order: they are put back in the frame's
            frame = frame.assign(_pos=np.arange(len(frame)))
            qualify = "QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY locator) = 1"
            order = "ORDER BY d._pos"
        _docs = frame  # read by name in the SQL (see _BY_NAME)
        if self._reading:
            row = "_row" if "_row" in frame.columns else "NULL"
            self.con.execute(f"INSERT INTO _read_docs SELECT {_doc_key(_DOC_ID_SQL)}, {row} FROM _docs")
        if self._tracking:
            self.con.execute(f"INSERT INTO _file_docs SELECT {_DOC_ID_SQL}, locator, question, {attrs_sql} FROM _docs")
        if self._replacing:
            self.con.execute(f"INSERT INTO _replace_docs SELECT source, {_DOC_ID_SQL}, {attrs_sql} FROM _docs")
        result = self.con.execute(
            f"""
            INSERT INTO documents
            SELECT d.doc_id, d.source, d.locator, d.kind, d.question, d.text, d.attrs, d.run_id FROM (
                SELECT {_DOC_ID_SQL} AS doc_id,
                       source, locator, kind, question, text, {attrs_sql} AS attrs, ? AS run_id
                       {", _pos" if dedupe else ""}
                FROM _docs {qualify}
            ) d
            ANTI JOIN documents USING (doc_id) {order}
            {"RETURNING doc_id, text, kind" if returning else ""}
            """,
            [run_id],
        )
        return result.df() if returning else int(result.fetchone()[0])

    def read_before(self, source: str, run_id: str) -> bool:
        """Does ``source`` have documents that a run other than ``run_id`` stored (a file read before)?"""
        return self.con.execute("SELECT 1 FROM documents WHERE source = ? AND run_id <> ? LIMIT 1",
                                [source, run_id]).fetchone() is not None

    def earlier_short_texts(self, source: str, run_id: str, questions: list[str], max_chars: int) -> pd.Series:
        """The texts of the documents of ``source`` stored by runs other than ``run_id``, under one of
        ``questions``, that are at most ``max_chars`` long or do not begin with a letter or digit: the only ones
        that can be no answer (:func:`evalnlp.ingest.no_answer`), one per document."""
        _questions = pd.DataFrame({"question": list(questions)}, dtype=object)  # read by name (see _BY_NAME)
        rows = self.con.execute(
            """SELECT text FROM documents WHERE source = ? AND run_id <> ?
               AND question IN (SELECT question FROM _questions)
               AND (length(text) <= ? OR NOT regexp_matches(text, '^[\\pL\\pN]'))""",
            [source, run_id, int(max_chars)]).fetchall()
        return pd.Series([r[0] for r in rows], dtype=object)

    def repeated_elsewhere(self, source: str, run_id: str) -> int:
        """Documents of ``source`` that run ``run_id`` stored whose question and text a document of the same
        source stored by an earlier run already has (so at another locator: the same row moved)."""
        if not self.read_before(source, run_id):  # the file's first read: nothing to compare with
            return 0
        return int(self.con.execute(
            """SELECT count(*) FROM documents d WHERE d.source = ? AND d.run_id = ?
               AND EXISTS (SELECT 1 FROM documents e WHERE e.source = d.source AND e.run_id <> d.run_id
                           AND e.question IS NOT DISTINCT FROM d.question AND e.text = d.text)""",
            [source, run_id]).fetchone()[0])

    def edited_at_locator(self, source: str, run_id: str) -> int:
        """Documents of ``source`` that run ``run_id`` stored at a locator (and question) where an earlier run
        stored another text: the same respondent's answer, edited in a newer export; both are kept."""
        if not self.read_before(source, run_id):  # the file's first read: nothing to compare with
            return 0
        return int(self.con.execute(
            """SELECT count(*) FROM documents d WHERE d.source = ? AND d.run_id = ?
               AND EXISTS (SELECT 1 FROM documents e WHERE e.source = d.source AND e.run_id <> d.run_id
                           AND e.locator = d.locator AND e.question IS NOT DISTINCT FROM d.question
                           AND e.text <> d.text)""", [source, run_id]).fetchone()[0])

    def edited_places(self, source: str, run_id: str) -> list[str]:
        """The locators of :meth:`edited_at_locator`'s documents (a narrative file's paragraphs or pages edited
        since an earlier read), in natural order (``paragraph 9`` before ``paragraph 10``)."""
        if not self.read_before(source, run_id):
            return []
        return [r[0] for r in self.con.execute(
            f"""SELECT d.locator FROM documents d WHERE d.source = ? AND d.run_id = ?
               AND EXISTS (SELECT 1 FROM documents e WHERE e.source = d.source AND e.run_id <> d.run_id
                           AND e.locator = d.locator AND e.question IS NOT DISTINCT FROM d.question
                           AND e.text <> d.text)
               ORDER BY {_natural('d.locator')}""", [source, run_id]).fetchall()]

    def track_file_begin(self) -> None:
        """From now on remember every document :meth:`insert_documents` is given (new or already stored) with its
        locator, question and attrs as read, until :meth:`track_file_end`: one file's answers, to compare a newer
        export with what the store holds from an earlier one."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE _file_docs "
                         "(doc_id VARCHAR, locator VARCHAR, question VARCHAR, attrs JSON)")
        self._tracking = True

    def track_file_stop(self) -> None:
        """Stop remembering a file's documents (a read that failed; nothing to compare)."""
        self._tracking = False

    def track_file_end(self, source: str, run_id: str, id_column: str) -> tuple[int, dict[str, int], dict[str, int]]:
        """What a newer export of ``source`` (read by run ``run_id`` with ids from ``id_column``, tracked since
        :meth:`track_file_begin`) says otherwise than the store: the answers stored from an earlier read whose
        id (and question) this read has no answer at (a row removed since, or now rejected); and, among the
        answers this read found already stored, per metadata key, how many the store holds with another value
        and how many with none (a column added since). The store keeps its values: these are counts to tell."""
        self._tracking = False
        try:
            if not self.read_before(source, run_id):
                return 0, {}, {}
            prefix = f"{id_column}="
            gone = int(self.con.execute(
                """SELECT count(*) FROM (SELECT DISTINCT locator, question FROM documents
                                         WHERE source = ? AND run_id <> ? AND starts_with(locator, ?)) e
                   ANTI JOIN (SELECT DISTINCT locator, question FROM _file_docs) f
                   ON e.locator = f.locator AND e.question IS NOT DISTINCT FROM f.question""",
                [source, run_id, prefix]).fetchone()[0])
            rows = self.con.execute(
                """WITH f AS (SELECT DISTINCT r.doc_id, CAST(r.attrs AS VARCHAR) AS new,
                                              CAST(d.attrs AS VARCHAR) AS old
                              FROM _file_docs r JOIN documents d USING (doc_id) WHERE d.run_id <> ?),
                        k AS (SELECT doc_id, new, old, unnest(json_keys(new)) AS key FROM f),
                        v AS (SELECT key, json_extract(new, '/' || replace(replace(key, '~', '~0'), '/', '~1')) AS nv,
                                     json_extract(old, '/' || replace(replace(key, '~', '~0'), '/', '~1')) AS ov
                              FROM k)
                   SELECT key, count(*) FILTER (WHERE ov IS NOT NULL AND CAST(ov AS VARCHAR) <> CAST(nv AS VARCHAR)),
                          count(*) FILTER (WHERE ov IS NULL AND json_type(nv) <> 'NULL')
                   FROM v GROUP BY key ORDER BY key""", [run_id]).fetchall()
            changed = {str(k): int(n) for k, n, _ in rows if n}
            unset = {str(k): int(n) for k, _, n in rows if n}
            return gone, changed, unset
        finally:
            self.con.execute("DROP TABLE IF EXISTS _file_docs")

    # ---- a newer export in place of an earlier one (ingest --replace) -------------------------------------

    def replace_begin(self) -> None:
        """From now on remember, until :meth:`replace_end`, every document :meth:`insert_documents` is given (new
        or already stored) with its source and attrs as read, and every corroborating-source entry
        :meth:`insert_sources` is given: what each file of the command yields, so that :meth:`replace_apply` can
        make the store hold exactly that for the file's source."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE _replace_docs (source VARCHAR, doc_id VARCHAR, attrs JSON)")
        self.con.execute("CREATE OR REPLACE TEMP TABLE _replace_entries "
                         "(source VARCHAR, position INTEGER, text VARCHAR)")
        self._replacing = True

    def replace_end(self) -> None:
        """Stop remembering what the files yield (see :meth:`replace_begin`) and forget it."""
        self._replacing = False
        self._drop_temp("_replace_docs", "_replace_entries", "_replace_src", "_gone_docs", "_gone_segs")

    def documents_before(self, sources: list[str], run_id: str) -> dict[str, int]:
        """How many documents of each of ``sources`` runs other than ``run_id`` stored (sources with none left
        out)."""
        _src = pd.DataFrame({"source": list(sources)}, dtype=object)  # read by name (see _BY_NAME)
        return {str(src): int(n) for src, n in self.con.execute(
            """SELECT source, count(*) FROM documents WHERE source IN (SELECT source FROM _src) AND run_id <> ?
               GROUP BY source""", [run_id]).fetchall()}

    def _replace_targets(self, sources: list[str]) -> None:
        """The temporary tables of what replacing ``sources`` removes: ``_gone_docs`` (doc_id, source), the
        documents of those sources that this command's files did not yield, and ``_gone_segs`` (seg_id, source),
        their passages."""
        _src = pd.DataFrame({"source": list(sources)}, dtype=object)  # read by name (see _BY_NAME)
        self.con.execute("CREATE OR REPLACE TEMP TABLE _replace_src AS SELECT DISTINCT source FROM _src")
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _gone_docs AS
               SELECT d.doc_id, d.source FROM documents d SEMI JOIN _replace_src USING (source)
               WHERE NOT EXISTS (SELECT 1 FROM _replace_docs r WHERE r.doc_id = d.doc_id)""")
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _gone_segs AS
               SELECT s.seg_id, g.source FROM segments s JOIN _gone_docs g USING (doc_id)""")

    def replace_plan(self, sources: list[str]) -> tuple[int, int, dict[str, int]]:
        """What replacing ``sources`` with what this command's files yielded would take from people: the
        documents to remove that hold human codes, the passages of theirs with human codes, and those passages
        per human coder. Nothing is changed."""
        self._replace_targets(sources)
        rows = self.con.execute(
            f"""SELECT c.coder, count(DISTINCT c.seg_id) FROM codes c SEMI JOIN _gone_segs USING (seg_id)
                WHERE starts_with(c.coder, '{HUMAN_PREFIX}') GROUP BY c.coder ORDER BY c.coder""").fetchall()
        docs, passages = self.con.execute(
            f"""SELECT count(DISTINCT s.doc_id), count(DISTINCT c.seg_id)
                FROM codes c JOIN segments s USING (seg_id) SEMI JOIN _gone_segs USING (seg_id)
                WHERE starts_with(c.coder, '{HUMAN_PREFIX}')""").fetchone()
        return int(docs), int(passages), {str(coder): int(n) for coder, n in rows}

    def replace_apply(self, sources: list[str], run_id: str) -> dict[str, dict[str, Any]]:
        """Make the store hold, for each of ``sources``, exactly the documents this command's files yielded (see
        :meth:`replace_begin`): the other documents of those sources are removed with everything that hangs off
        them (segments, codes of every coder, sentiment, reach figures, links to corroborating sources, what a
        letter's passages say of it); the
        documents yielded that were stored before are kept as they are (ids, passages, codes) but take the attrs
        read now; a narrative file's corroborating-source entries that it no longer lists go, with the links to
        them. Returns per source: ``removed`` (documents), ``kept`` (documents stored by an earlier run and
        yielded again), ``meta`` ({attribute: kept documents whose value changed}) and ``human`` ({human coder:
        passages whose codes were removed})."""
        self._replace_targets(sources)
        out: dict[str, dict[str, Any]] = {str(s): {"removed": 0, "kept": 0, "meta": {}, "human": {}} for s in sources}
        for src, n in self.con.execute("SELECT source, count(*) FROM _gone_docs GROUP BY source").fetchall():
            out[str(src)]["removed"] = int(n)
        for src, coder, n in self.con.execute(
                f"""SELECT g.source, c.coder, count(DISTINCT c.seg_id) FROM codes c JOIN _gone_segs g USING (seg_id)
                    WHERE starts_with(c.coder, '{HUMAN_PREFIX}') GROUP BY ALL ORDER BY ALL""").fetchall():
            out[str(src)]["human"][str(coder)] = int(n)
        for src, n in self.con.execute(
                """SELECT d.source, count(*) FROM documents d SEMI JOIN _replace_src USING (source)
                   WHERE d.run_id <> ? AND d.doc_id IN (SELECT doc_id FROM _replace_docs)
                   GROUP BY d.source""", [run_id]).fetchall():
            out[str(src)]["kept"] = int(n)
        # attrs: each kept document takes the values read now; counted per attribute whose value changed (a
        # value corrected, or a column added or left out since), a JSON null and no value being alike
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _new_attrs AS
               SELECT r.doc_id, any_value(r.attrs) AS attrs FROM _replace_docs r
               SEMI JOIN _replace_src USING (source) GROUP BY r.doc_id""")
        pointer = "'/' || replace(replace(key, '~', '~0'), '/', '~1')"
        for src, key, n in self.con.execute(
                f"""WITH f AS (SELECT d.source, CAST(n.attrs AS VARCHAR) AS new, CAST(d.attrs AS VARCHAR) AS old
                               FROM documents d JOIN _new_attrs n USING (doc_id)
                               WHERE CAST(d.attrs AS VARCHAR) IS DISTINCT FROM CAST(n.attrs AS VARCHAR)),
                        k AS (SELECT source, new, old,
                                     unnest(list_distinct(list_concat(coalesce(json_keys(new), []),
                                                                      coalesce(json_keys(old), [])))) AS key FROM f)
                    SELECT source, key, count(*) FROM k
                    WHERE coalesce(CAST(json_extract(new, {pointer}) AS VARCHAR), 'null')
                          <> coalesce(CAST(json_extract(old, {pointer}) AS VARCHAR), 'null')
                    GROUP BY ALL ORDER BY ALL""").fetchall():
            out[str(src)]["meta"][str(key)] = int(n)
        self.con.execute(
            """UPDATE documents SET attrs = n.attrs FROM _new_attrs n
               WHERE documents.doc_id = n.doc_id
                 AND CAST(documents.attrs AS VARCHAR) IS DISTINCT FROM CAST(n.attrs AS VARCHAR)""")
        for table in ("codes", "sentiment", "segment_sources", "letters", "unread"):
            self.con.execute(f"DELETE FROM {table} WHERE seg_id IN (SELECT seg_id FROM _gone_segs)")
        for table in ("segments", "reach", "documents"):
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _gone_docs)")
        self._store_in_read_order()
        self.con.execute(
            """DELETE FROM sources WHERE source IN (SELECT source FROM _replace_src)
               AND NOT EXISTS (SELECT 1 FROM _replace_entries e WHERE e.source = sources.source
                               AND e.position = sources.position AND e.text = sources.text)""")
        self.con.execute(
            """DELETE FROM segment_sources WHERE source IN (SELECT source FROM _replace_src)
               AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.source = segment_sources.source
                               AND s.position = segment_sources.position
                               AND (segment_sources.text IS NULL OR segment_sources.text = s.text))""")
        self._drop_temp("_new_attrs", "_gone_docs", "_gone_segs", "_replace_src")
        return out

    def _store_in_read_order(self) -> None:
        """Store the narrative documents of the replaced sources again, unchanged, in the order this command's
        files gave them: the order the store took a file's documents in is its reading order
        (:meth:`narrative_documents`), and the documents kept from an earlier read would otherwise stand before
        the new ones (a Word table's cells, kept, before the changed paragraph that precedes them)."""
        cols = "doc_id, source, locator, kind, question, text, attrs, run_id"
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _read_order AS
                SELECT {", ".join("d." + c for c in cols.split(", "))}, r.k
                FROM documents d JOIN (SELECT doc_id, min(rowid) AS k FROM _replace_docs GROUP BY doc_id) r
                  ON r.doc_id = d.doc_id
                WHERE d.kind = 'narrative' AND d.source IN (SELECT source FROM _replace_src)""")
        try:
            self.con.execute("DELETE FROM documents WHERE kind = 'narrative' "
                             "AND doc_id IN (SELECT doc_id FROM _read_order)")
            self.con.execute(f"INSERT INTO documents SELECT {cols} FROM _read_order ORDER BY k")
        finally:
            self._drop_temp("_read_order")

    def forget_superseded_inputs(self, name: str, path: str, sha256: str, sources: list[str]) -> int:
        """After a newer export of the file ``name`` (now at ``path``, contents ``sha256``) replaced ``sources``,
        forget the earlier files of that name the store read, unless documents of theirs remain (another sheet
        of a workbook, not replaced): an earlier export read again is then another file of the same name, refused
        (E175), and no longer a copy of one read, rather than bringing back the answers it replaced."""
        _src = pd.DataFrame({"source": list(sources)}, dtype=object)  # read by name (see _BY_NAME)
        return int(self.con.execute(
            """DELETE FROM inputs WHERE name = ? AND NOT (path = ? AND sha256 = ?)
               AND NOT EXISTS (SELECT 1 FROM documents d WHERE starts_with(d.source, ? || '#')
                               AND d.source NOT IN (SELECT source FROM _src))""",
            [name, path, sha256, name]).fetchone()[0])

    def repeated_in_other_sources(self, source: str, run_id: str, top: int = 3) -> tuple[int, list[str]]:
        """Documents of ``source`` that run ``run_id`` stored whose locator and text a document of another source
        already has (the same rows sent again in a file of another name or format), and the sources that hold
        them, those sharing most first (at most ``top``)."""
        other = self.con.execute("SELECT 1 FROM documents WHERE source <> ? LIMIT 1", [source]).fetchone()
        if other is None:  # the store's first source: nothing to compare with
            return 0, []
        rows = self.con.execute(
            """WITH new AS (SELECT doc_id, locator, text FROM documents WHERE source = ? AND run_id = ?),
                    hit AS (SELECT n.doc_id, e.source FROM new n JOIN documents e
                            ON e.locator = n.locator AND e.text = n.text AND e.source <> ?)
               SELECT (SELECT count(DISTINCT doc_id) FROM hit), source, count(*) AS n FROM hit
               GROUP BY source ORDER BY n DESC, source LIMIT ?""", [source, run_id, source, top]).fetchall()
        return (int(rows[0][0]), [str(r[1]) for r in rows]) if rows else (0, [])

    def read_documents_begin(self) -> None:
        """From now on remember every document :meth:`insert_documents` is given, new or already stored, with
        its input row (``_row`` of the frame, when it has one), until :meth:`read_documents_end`:
        what one command read, for :meth:`output_plan` with ``read=True``."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE _read_docs (doc_key UHUGEINT, row_no BIGINT)")
        self._reading = True

    def read_documents_end(self) -> None:
        """Stop remembering the documents read and forget them (and the rows' cells, see :meth:`remember_rows`)."""
        self._reading = False
        self.con.execute("DROP TABLE IF EXISTS _read_docs")
        self._close_row_files()
        self._row_files = {}
        if self._row_dir is not None:
            import shutil

            shutil.rmtree(self._row_dir, ignore_errors=True)
            self._row_dir = None

    def remember_rows(self, source: str, frame: pd.DataFrame, rows: np.ndarray) -> None:
        """While documents read are remembered (:meth:`read_documents_begin`), keep every cell of the input
        rows ``rows`` of ``source`` (``frame``: each column as read, text or None), so that the output file of a
        command that writes the rows it read gives each row's values as the file has them now: every column
        (``--meta`` or not), an answer that was rejected beside the others, a value changed since an earlier
        read. The cells go to a Parquet file of the source's in a temporary folder beside the store, a batch at a
        time, not into the store (nor its memory); :meth:`read_documents_end` deletes them."""
        if not self._reading or frame.empty:
            return
        import tempfile

        import pyarrow as pa
        import pyarrow.parquet as pq

        entry = self._row_files.get(source)
        if entry is None:
            if self._row_dir is None:
                # beside the store, as DuckDB's own spill files are (a system temp folder can be held in memory)
                beside = Path(self.path).resolve().parent
                folder = beside if beside.is_dir() else None
                if folder is not None:
                    _sweep_row_dirs(folder)
                self._row_dir = tempfile.mkdtemp(prefix=f"{_ROW_DIR_PREFIX}{_row_dir_owner()}-", dir=folder)
            path = Path(self._row_dir) / f"{len(self._row_files)}.parquet"
            columns = [str(c) for c in frame.columns]
            schema = pa.schema([("_row", pa.int64())] + [(f"c{i}", pa.string()) for i in range(len(columns))])
            entry = self._row_files[source] = {"path": path, "columns": columns, "schema": schema,
                                               "writer": pq.ParquetWriter(path, schema)}
        if entry["writer"] is None or [str(c) for c in frame.columns] != entry["columns"]:
            return  # (a source read twice with other columns in one command: its first reading stands)
        arrays = [pa.array(np.asarray(rows, dtype=np.int64))]
        for c in frame.columns:
            values = frame[c].to_numpy(dtype=object)
            try:  # the readers give text or None
                arrays.append(pa.array(values, type=pa.string(), from_pandas=True))
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arrays.append(pa.array([v if v is None or isinstance(v, str) else str(v) for v in values],
                                       type=pa.string()))
        entry["writer"].write_table(pa.Table.from_arrays(arrays, schema=entry["schema"]))

    def _close_row_files(self) -> None:
        for entry in self._row_files.values():
            if entry["writer"] is not None:
                entry["writer"].close()
                entry["writer"] = None

    def row_columns(self) -> dict[str, list[str]]:
        """The columns of each source whose rows :meth:`remember_rows` kept."""
        return {source: list(entry["columns"]) for source, entry in self._row_files.items()}

    def row_cells(self, sources: pd.Series, rows: pd.Series, runs: pd.Series | None = None) -> pd.DataFrame:
        """The cells :meth:`remember_rows` kept of input row ``rows[i]`` of source ``sources[i]``, one row per
        pair (index as ``rows``), a column per column name of those sources (None where a source has no such
        column or kept no such row). ``runs`` (e.g. each row's question) splits a source's rows into runs of
        ascending row numbers, so that only the rows between each run's first and last are read."""
        import pyarrow.parquet as pq

        self._close_row_files()
        parts = []
        for source in pd.unique(sources):
            entry = self._row_files.get(source)
            if entry is None:
                continue
            mine = (sources == source).to_numpy()
            wanted = pd.to_numeric(rows[mine], errors="coerce")
            if wanted.isna().all():
                continue
            keys = runs[mine] if runs is not None else pd.Series(0, index=wanted.index)
            spans = wanted.groupby(keys.to_numpy(), dropna=False, sort=False).agg(["min", "max"]).dropna()
            ranges = [[("_row", ">=", int(lo)), ("_row", "<=", int(hi))] for lo, hi in spans.itertuples(index=False)]
            table = pq.read_table(entry["path"], filters=ranges)
            cells = table.to_pandas().drop_duplicates("_row").set_index("_row")
            cells.columns = entry["columns"]  # a file's column names are unique (the readers make them so)
            got = cells.reindex(wanted.to_numpy())
            got.index = rows.index[mine]
            parts.append(got)
        if not parts:
            return pd.DataFrame(index=rows.index)
        out = pd.concat(parts).reindex(rows.index)
        return out.astype(object).where(out.notna(), None)

    def _rows_among(self, frame: pd.DataFrame, among: str, column: str = "doc_id",
                    remember: bool = False) -> np.ndarray:
        """For each row of ``frame`` (source, locator, question, text), whether its document identity is in the
        ``column`` of the table ``among``: ``doc_id``, or ``doc_key`` (the id as a number, see :func:`_doc_key`);
        with ``remember``, the rows' identities are then added to it."""
        if frame.empty:
            return np.zeros(0, dtype=bool)
        keys = frame[["source", "locator", "question", "text"]].reset_index(drop=True)
        keys.insert(0, "_row", np.arange(len(keys)))
        _keys = keys  # read by name in the SQL (see _BY_NAME)
        # the ids are held in Python for the two statements, not in a temporary table: inside a command's
        # transaction, a table dropped or replaced keeps its memory in DuckDB until the commit, so a table per
        # chunk of a file took DuckDB's memory for every chunk read (about 37 MB per million rows)
        ident = _doc_key(_DOC_ID_SQL) if column == "doc_key" else _DOC_ID_SQL
        _key_ids = self.con.sql(f"SELECT _row, {ident} AS ident FROM _keys").to_arrow_table()
        rows = self.con.execute(f"SELECT _row FROM _key_ids k SEMI JOIN {among} a ON a.{column} = k.ident"
                                ).fetchnumpy()["_row"]
        if remember:
            self.con.execute(f"INSERT INTO {among} ({column}) SELECT ident FROM _key_ids")
        found = np.zeros(len(keys), dtype=bool)
        found[np.asarray(rows, dtype=np.int64)] = True
        return found

    def seen_before(self, frame: pd.DataFrame) -> np.ndarray:
        """For each row of ``frame`` (source, locator, question, text), whether a row with the same document
        identity was given to this method since :meth:`forget_seen` (a row repeated within one input file, in
        an earlier chunk); then remember ``frame``'s rows. Held in a temporary table, not in Python."""
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS _seen_docs (doc_key UHUGEINT)")
        return self._rows_among(frame, "_seen_docs", "doc_key", remember=True)

    def known_documents(self, frame: pd.DataFrame) -> np.ndarray:
        """For each row of ``frame`` (source, locator, question, text), whether the store holds a document with
        its identity."""
        return self._rows_among(frame, "documents")

    def forget_seen(self) -> None:
        """Start :meth:`seen_before` afresh (at the start of each input file)."""
        self.con.execute("DROP TABLE IF EXISTS _seen_docs")

    def segment_whole_documents(self, run_id: str) -> int:
        """Give every response document of ``run_id`` that has no segment yet one ``response`` segment: its whole
        text (a narrative document left without passages, such as a sources list, stays so)."""
        return int(self.con.execute(
            """
            INSERT INTO segments
            SELECT substr(md5(concat_ws(':', doc_id, 'response', '0', CAST(length(text) AS VARCHAR))), 1, 20),
                   doc_id, 'response', 0, length(text), text, NULL, NULL
            FROM documents d
            WHERE run_id = ? AND kind = 'response' AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id)
            """, [run_id]).fetchone()[0])

    def documents_split_as(self, source: str, kind: str) -> int:
        """How many response documents of ``source`` have segments of ``kind`` (``response``: whole answers,
        ``sentence``: their sentences)."""
        return int(self.con.execute(
            """SELECT count(DISTINCT d.doc_id) FROM documents d JOIN segments s USING (doc_id)
               WHERE d.source = ? AND d.kind = 'response' AND s.kind = ?""", [source, kind]).fetchone()[0])

    def unsegmented_documents(self, run_id: str, doc_ids: list[str] | None = None) -> pd.DataFrame:
        """Documents of ``run_id`` without segments yet: doc_id, text (in insertion order); of ``doc_ids`` only
        when given, else response documents only (a narrative document left without passages stays so)."""
        if doc_ids is None:
            return self.con.execute(
                """SELECT doc_id, text FROM documents d
                   WHERE run_id = ? AND kind = 'response'
                     AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id)
                   ORDER BY rowid""", [run_id]).df()
        _only = pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object)  # read by name (see _BY_NAME)
        return self.con.execute(
            """SELECT doc_id, text FROM documents d
               WHERE run_id = ? AND doc_id IN (SELECT doc_id FROM _only)
                 AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id)
               ORDER BY rowid""", [run_id]).df()

    def _document_rows(self, doc_ids: Iterable[str]) -> dict[str, tuple[Any, Any, Any]]:
        """(source, kind, text) of each of ``doc_ids`` that the store holds, by doc_id. Finding a few documents by
        id reads every document id; a read-only store keeps the rows it has found (its documents cannot change
        while it is open), so a quote's text and its redaction context, and the quotes of several themes
        (:meth:`remember_documents`), cost one such reading instead of one each."""
        wanted = sorted({d for d in doc_ids if isinstance(d, str)})
        known = self._documents_read
        missing = [d for d in wanted if d not in known] if self._read_only else wanted
        rows = {} if missing is wanted else {d: known[d] for d in wanted if d in known}
        if missing:
            _only = pd.DataFrame({"doc_id": missing}, dtype=object)  # read by name (see _BY_NAME)
            df = self.con.execute("SELECT doc_id, source, kind, text FROM documents "
                                  "WHERE doc_id IN (SELECT doc_id FROM _only)").df()
            found = dict(zip(df["doc_id"], zip(df["source"], df["kind"], df["text"])))
            rows.update(found)
            if self._read_only:
                known.update(found)
        return rows

    def remember_documents(self, doc_ids: Iterable[str]) -> None:
        """Read the documents ``doc_ids`` (the documents of quote candidates, before the best are chosen) in one
        pass, so that the texts later asked of some of them (:meth:`document_texts`,
        :meth:`redaction_contexts`) need no pass of their own. Only a read-only store keeps them; on any other it
        does nothing."""
        if self._read_only:
            self._document_rows(doc_ids)

    def document_texts(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """The whole text of each of ``doc_ids`` that the store holds, by doc_id."""
        return {d: row[2] for d, row in self._document_rows(doc_ids).items()}

    def redaction_contexts(self, doc_ids: Iterable[str], limit: int = 2_000_000) -> dict[str, str]:
        """The text to read a passage of each of ``doc_ids`` beside when it is redacted, by doc_id: for a narrative
        document (a paragraph of a report), every narrative paragraph of its source, in order, so that a surname
        alone in one paragraph is known for a name when another paragraph names the person in full; for any other
        document (a survey answer) its own text. A source longer than ``limit`` characters gives its paragraphs
        up to that length around the document's own place."""
        rows = self._document_rows(doc_ids)
        if not rows:
            return {}
        own = pd.DataFrame([(d, *row) for d, row in rows.items()], columns=["doc_id", "source", "kind", "text"],
                           dtype=object)
        out = dict(zip(own["doc_id"], own["text"]))
        narrative = own[own["kind"] == "narrative"]
        if narrative.empty:
            return out
        _sources = pd.DataFrame({"source": sorted(set(narrative["source"]))}, dtype=object)  # read by name
        paras = self.con.execute(
            """SELECT source, doc_id, text FROM documents
               WHERE kind = 'narrative' AND source IN (SELECT source FROM _sources)
               ORDER BY source, rowid""").df()
        for source, group in paras.groupby("source", sort=False):
            ids, texts = group["doc_id"].tolist(), group["text"].tolist()
            wanted_here = narrative.loc[narrative["source"] == source, "doc_id"]
            if sum(len(t) + 2 for t in texts) <= limit:  # the whole report, one text shared by its paragraphs
                whole = "\n\n".join(texts)
                out.update((doc_id, whole) for doc_id in wanted_here)
                continue
            place = {d: k for k, d in enumerate(ids)}
            for doc_id in wanted_here:
                at = place.get(doc_id, 0)
                lo = hi = at
                size = len(texts[at])
                while size < limit and (lo > 0 or hi < len(texts) - 1):  # outward from the paragraph itself
                    if hi < len(texts) - 1:
                        hi += 1
                        size += len(texts[hi]) + 2
                    if lo > 0 and size < limit:
                        lo -= 1
                        size += len(texts[lo]) + 2
                out[doc_id] = "\n\n".join(texts[lo:hi + 1])
        return out

    def testimonials_of(self, doc_ids: Iterable[str]) -> pd.DataFrame:
        """The testimonial passages of ``doc_ids``: doc_id, start, end, speaker, source_ref, seg_id (by doc_id,
        start)."""
        wanted = sorted({d for d in doc_ids if isinstance(d, str)})
        if not wanted:
            return pd.DataFrame({c: pd.Series(dtype=object)
                                 for c in ["doc_id", "start", "end", "speaker", "source_ref", "seg_id"]})
        _only = pd.DataFrame({"doc_id": wanted}, dtype=object)  # read by name (see _BY_NAME)
        return self.con.execute(
            """SELECT doc_id, start, "end", speaker, source_ref, seg_id FROM segments
               WHERE kind = 'testimonial' AND doc_id IN (SELECT doc_id FROM _only)
               ORDER BY doc_id, start, "end" """).df()

    def insert_segments(self, frame: pd.DataFrame) -> int:
        """Insert segments (doc_id, kind, start, end, text, speaker, source_ref); seg_id is derived here."""
        if frame.empty:
            return 0
        seg = frame[["doc_id", "kind", "start", "end", "text", "speaker", "source_ref"]]
        _segs = seg  # read by name in the SQL (see _BY_NAME)
        n = self.con.execute(
            f"""
            INSERT INTO segments
            SELECT s.* FROM (
                SELECT {_SEG_ID.format(kind="kind")} AS seg_id,
                       doc_id, kind, CAST(start AS INTEGER) AS start, CAST("end" AS INTEGER) AS "end",
                       text, speaker, source_ref
                FROM _segs
                QUALIFY row_number() OVER (PARTITION BY seg_id) = 1
            ) s
            ANTI JOIN segments USING (seg_id)
            """
        ).fetchone()[0]
        return int(n)

    def insert_reach(self, frame: pd.DataFrame) -> int:
        """Insert reach figures (doc_id, text, value, unit, start, end), skipping ones already stored."""
        if frame.empty:
            return 0
        _reach = frame[["doc_id", "text", "value", "unit", "start", "end"]]  # read by name in the SQL (see _BY_NAME)
        n = self.con.execute(
            """INSERT INTO reach SELECT r.doc_id, r.text, r.value, r.unit, r.start, r."end" FROM _reach r
               WHERE NOT EXISTS (SELECT 1 FROM reach x WHERE x.doc_id = r.doc_id AND x.start = r.start
                                 AND x."end" = r."end")"""
        ).fetchone()[0]
        return int(n)

    def inputs_named(self, name: str) -> list[tuple[str, str]]:
        """(path, sha256) of every input file of this name read into the store before, oldest first."""
        return [(str(p), str(h)) for p, h in self.con.execute(
            "SELECT path, sha256 FROM inputs WHERE name = ? ORDER BY rowid",
            [name]).fetchall()]

    def input_at(self, path: str | os.PathLike) -> tuple[str, str] | None:
        """(name, path) of the input file the store read that ``path`` is (under any spelling of its path, or a
        link to it), or None when ``path`` is no such file or does not exist."""
        target = Path(path)
        if not target.is_file():
            return None
        resolved = target.resolve()
        for name, stored in self.con.execute("SELECT name, path FROM inputs GROUP BY name, path "
                                             "ORDER BY min(rowid)").fetchall():
            known = Path(stored)
            if known == resolved or (known.is_file() and os.path.samefile(known, target)):
                return str(name), str(stored)
        return None

    def file_read_at(self, path: str | os.PathLike) -> tuple[str, str] | None:
        """(name, path) of a coder's file a ``codes import`` read codes from (with ``--source``, the file is not an
        input the store read documents from; the ``file`` its run recorded) that ``path`` is, or None. (A review
        workbook, once imported, may be replaced: its decisions are in the store.)"""
        target = Path(path)
        if not target.is_file():
            return None
        resolved = target.resolve()
        for (args,) in self.con.execute(
                "SELECT args FROM runs WHERE command = 'codes import' "
                "AND status = 'ok' ORDER BY started").fetchall():
            try:
                file = json.loads(args or "{}").get("file")
            except ValueError:
                continue
            if not isinstance(file, str) or not file:
                continue
            known = Path(file)
            try:
                same = known.resolve() == resolved or (known.is_file() and os.path.samefile(known, target))
            except OSError:
                same = False
            if same:
                return known.name, str(known.resolve())
        return None

    def locators_named(self, column: str) -> bool:
        """Was any document read with ``column`` as its id column (a locator ``column=value``)?"""
        return self.con.execute("SELECT 1 FROM documents WHERE starts_with(locator, ?) LIMIT 1",
                                [f"{column}="]).fetchone() is not None

    def input_names_with(self, sha256: str) -> list[str]:
        """The names under which the store read a file of these contents, oldest first."""
        return [str(r[0]) for r in self.con.execute(
            "SELECT name FROM inputs WHERE sha256 = ? GROUP BY name ORDER BY min(rowid)", [sha256]).fetchall()]

    def record_input(self, name: str, path: str, sha256: str, run_id: str) -> None:
        """Remember that the file ``path`` (named ``name``, contents ``sha256``) was read, once per place and
        contents."""
        self.con.execute(
            "INSERT INTO inputs SELECT ?, ?, ?, ? WHERE NOT EXISTS "
            "(SELECT 1 FROM inputs WHERE name = ? AND path = ? AND sha256 = ?)",
            [name, path, sha256, run_id, name, path, sha256])

    def insert_sources(self, frame: pd.DataFrame, run_id: str) -> int:
        """Insert a narrative file's corroborating-source entries (source, position, ref, label, text), skipping
        entries already stored with the same file, place and text, so ingesting a file again adds nothing."""
        if frame.empty:
            return 0
        rows = frame[["source", "position", "ref", "label", "text"]].assign(run_id=run_id)
        _sources = rows  # read by name in the SQL (see _BY_NAME)
        if self._replacing:
            self.con.execute("INSERT INTO _replace_entries SELECT DISTINCT source, CAST(position AS INTEGER), text "
                             "FROM _sources")
        n = self.con.execute(
            """INSERT INTO sources
               SELECT DISTINCT r.source, CAST(r.position AS INTEGER), r.ref, r.label, r.text, r.run_id
               FROM _sources r
               WHERE NOT EXISTS (SELECT 1 FROM sources x WHERE x.source = r.source
                                 AND x.position = r.position AND x.text = r.text)"""
        ).fetchone()[0]
        return int(n)

    def link_segment_sources(self, frame: pd.DataFrame) -> int:
        """Link testimonials to the source entries their markers name: rows (doc_id, start, end, source,
        position[, text][, how]) for segments of kind ``testimonial``, ``text`` the entry's text as stored (so the
        link names one entry when an edited file left two at that place), ``how`` how the link was made (none: a
        marker's; ``letter``: a letter's, as a project file evalnlp exported carries it); links already stored are
        skipped."""
        if frame.empty:
            return 0
        for column in ("text", "how"):
            frame = frame if column in frame.columns else frame.assign(**{column: None})
        _links = frame[["doc_id", "start", "end", "source", "position", "text", "how"]].astype(
            {"text": object, "how": object})  # read by name in the SQL (see _BY_NAME)
        n = self.con.execute(
            f"""INSERT INTO segment_sources (seg_id, source, position, text, how)
               SELECT DISTINCT n.seg_id, n.source, n.position, n.text, n.how FROM (
                   SELECT {_SEG_ID.format(kind="'testimonial'")} AS seg_id, source,
                          CAST(position AS INTEGER) AS position, CAST(text AS VARCHAR) AS text,
                          CAST(how AS VARCHAR) AS how
                   FROM _links) n
               WHERE NOT EXISTS (SELECT 1 FROM segment_sources x WHERE x.seg_id = n.seg_id
                                 AND x.source = n.source AND x.position = n.position
                                 AND x.text IS NOT DISTINCT FROM n.text)"""
        ).fetchone()[0]
        return int(n)

    def segment_sources(self, seg_ids: list[str] | None = None) -> pd.DataFrame:
        """The source entries each testimonial cites: seg_id, ref, label, text, in the order of the list (a link
        made before links named their entry's text takes every entry stored at its place)."""
        # a store of schema 3 opened read-only (the read commands do not migrate) has links without the text
        named = "AND (l.text IS NULL OR l.text = s.text)" if self.schema_version() >= 4 else ""
        sql = f"""SELECT DISTINCT l.seg_id, s.position, s.ref, s.label, s.text
                  FROM segment_sources l JOIN sources s ON s.source = l.source AND s.position = l.position
                       {named}"""
        params: list[Any] = []
        if seg_ids is not None:
            if not seg_ids:
                return pd.DataFrame(columns=["seg_id", "ref", "label", "text"])
            sql += " WHERE l.seg_id IN (SELECT unnest(?))"
            params.append(list(seg_ids))
        df = self.con.execute(sql + " ORDER BY l.seg_id, s.position", params).df()
        return df[["seg_id", "ref", "label", "text"]]

    # ---- letters of support and the entries that name them ------------------------------------------

    def insert_letters(self, frame: pd.DataFrame, run_id: str) -> int:
        """Record what a letter says of itself for each testimonial passage of its body: rows (doc_id, start, end,
        letter_id, source, name, roles, organisations, letterhead, date) for segments of kind ``testimonial``
        (``roles`` and ``organisations`` JSON lists). A passage's earlier record of another letter (a file read
        again with ``replace`` whose letter changed around a paragraph kept) is replaced; one already stored as
        given is kept, so reading a file again adds nothing."""
        if frame.empty:
            return 0
        _letters = frame[["doc_id", "start", "end", "letter_id", "source", "name", "roles", "organisations",
                          "letterhead", "date"]].astype(object)  # read by name in the SQL (see _BY_NAME)
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _new_letters AS
                SELECT DISTINCT {_SEG_ID.format(kind="'testimonial'")} AS seg_id,
                       CAST(letter_id AS VARCHAR) AS letter_id,
                       CAST(source AS VARCHAR) AS source, CAST(name AS VARCHAR) AS name,
                       CAST(roles AS VARCHAR) AS roles, CAST(organisations AS VARCHAR) AS organisations,
                       CAST(letterhead AS VARCHAR) AS letterhead, CAST(date AS VARCHAR) AS date
                FROM _letters""")
        try:
            self.con.execute(
                """DELETE FROM letters WHERE seg_id IN (SELECT seg_id FROM _new_letters)
                   AND NOT EXISTS (SELECT 1 FROM _new_letters n WHERE n.seg_id = letters.seg_id
                                   AND n.letter_id = letters.letter_id)""")
            n = self.con.execute(
                """INSERT INTO letters
                   SELECT n.*, ? FROM _new_letters n
                   WHERE NOT EXISTS (SELECT 1 FROM letters x
                                     WHERE x.seg_id = n.seg_id AND x.letter_id = n.letter_id)""",
                [run_id]).fetchone()[0]
        finally:
            self._drop_temp("_new_letters")
        return int(n)

    def import_letters(self, frame: pd.DataFrame, run_id: str) -> int:
        """Add what letters say of themselves as a project file evalnlp exported carries it: rows (doc_id, start,
        end, letter_id, source, name, roles, organisations, letterhead, date, run_id) for segments of kind
        ``testimonial``, each with the run that read it (``run_id`` where a row has none). A passage whose letter
        the store holds already keeps it as it is. Returns the rows added."""
        if frame.empty:
            return 0
        cols = ["letter_id", "source", "name", "roles", "organisations", "letterhead", "date"]
        _letters_in = frame[["doc_id", "start", "end", *cols, "run_id"]].astype(object)  # read by name (_BY_NAME)
        return int(self.con.execute(
            f"""INSERT INTO letters
                SELECT DISTINCT n.* FROM (
                    SELECT {_SEG_ID.format(kind="'testimonial'")} AS seg_id,
                           {", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in cols)},
                           CAST(coalesce(run_id, ?) AS VARCHAR) AS run_id
                    FROM _letters_in) n
                WHERE NOT EXISTS (SELECT 1 FROM letters x WHERE x.seg_id = n.seg_id)""", [run_id]).fetchone()[0])

    def letters_and_entries(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The letters the store holds, one row each (letter_id, source, name, roles, organisations, letterhead,
        date, passages), and, when there is one, every corroborating-source entry (source, position, ref, label,
        text, run_id): what :func:`evalnlp.ingest.link_letters` matches. Only the two small tables are read."""
        if self.schema_version() < 5:  # (a store opened read-only before its migration holds no letters)
            return pd.DataFrame(), pd.DataFrame()
        letters = self.con.execute(
            """SELECT letter_id, any_value(source) AS source, any_value(name) AS name, any_value(roles) AS roles,
                      any_value(organisations) AS organisations, any_value(letterhead) AS letterhead,
                      any_value(date) AS date, count(*) AS passages
               FROM letters GROUP BY letter_id ORDER BY source, letter_id""").df()
        if letters.empty:
            return letters, pd.DataFrame()
        entries = self.con.execute(
            "SELECT source, position, ref, label, text, run_id FROM sources ORDER BY source, position, run_id").df()
        return letters, entries

    def letter_links(self) -> pd.DataFrame:
        """The links of letters to the entries that name them (letter_id, source, position, ref, label, text), one
        row per letter and entry, in the order of the letters and the lists."""
        if self.schema_version() < 5:
            return pd.DataFrame(columns=["letter_id", "source", "position", "ref", "label", "text"])
        return self.con.execute(
            """SELECT DISTINCT l.letter_id, k.source, k.position, s.ref, s.label, s.text
               FROM segment_sources k JOIN letters l USING (seg_id)
                    JOIN sources s ON s.source = k.source AND s.position = k.position AND s.text = k.text
               WHERE k.how = 'letter' ORDER BY l.letter_id, k.source, k.position""").df()

    def set_letter_links(self, links: pd.DataFrame, refs: pd.DataFrame) -> int:
        """Make the letters' links those of ``links`` (letter_id, source, position, text: the entry of a sources
        list that names the letter), for every testimonial passage of each letter, as a marker's links are stored
        (``segment_sources``, marked ``how = 'letter'``); a letter's link not in ``links`` goes. Each letter's
        passages take the source reference of ``refs`` (letter_id, source_ref), or none when it has no row there.
        Only the letters' passages are touched. Returns the links added."""
        _links = (links if len(links) else pd.DataFrame(columns=["letter_id", "source", "position", "text"]))[
            ["letter_id", "source", "position", "text"]].astype(object)  # read by name in the SQL (see _BY_NAME)
        _refs = (refs if len(refs) else pd.DataFrame(columns=["letter_id", "source_ref"]))[
            ["letter_id", "source_ref"]].astype(object)
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _want_links AS
               SELECT DISTINCT l.seg_id, CAST(k.source AS VARCHAR) AS source, CAST(k.position AS INTEGER) AS position,
                      CAST(k.text AS VARCHAR) AS text
               FROM letters l JOIN _links k ON k.letter_id = l.letter_id""")
        try:
            self.con.execute(
                """DELETE FROM segment_sources WHERE how = 'letter'
                   AND NOT EXISTS (SELECT 1 FROM _want_links w WHERE w.seg_id = segment_sources.seg_id
                                   AND w.source = segment_sources.source AND w.position = segment_sources.position
                                   AND w.text IS NOT DISTINCT FROM segment_sources.text)""")
            n = self.con.execute(
                """INSERT INTO segment_sources (seg_id, source, position, text, how)
                   SELECT w.seg_id, w.source, w.position, w.text, 'letter' FROM _want_links w
                   WHERE NOT EXISTS (SELECT 1 FROM segment_sources x WHERE x.seg_id = w.seg_id
                                     AND x.source = w.source AND x.position = w.position
                                     AND x.text IS NOT DISTINCT FROM w.text)""").fetchone()[0]
            self.con.execute(
                """UPDATE segments SET source_ref = r.source_ref
                   FROM (SELECT DISTINCT l.seg_id, CAST(f.source_ref AS VARCHAR) AS source_ref
                         FROM letters l LEFT JOIN _refs f ON f.letter_id = l.letter_id) r
                   WHERE segments.seg_id = r.seg_id AND segments.kind = 'testimonial'
                     AND segments.source_ref IS DISTINCT FROM r.source_ref""")
        finally:
            self._drop_temp("_want_links")
        return int(n)

    def letter_passages(self, seg_ids: list[str]) -> set[str]:
        """Which of ``seg_ids`` are testimonial passages of a letter's body (their source reference, when they have
        one, is the entry the letter is linked to, not a marker)."""
        if not seg_ids or self.schema_version() < 5:
            return set()
        return {str(r[0]) for r in self.con.execute(
            "SELECT DISTINCT seg_id FROM letters WHERE seg_id IN (SELECT unnest(?))", [list(seg_ids)]).fetchall()}

    # ---- codes and sentiment -----------------------------------------------------------------------

    def replace_codes(self, frame: pd.DataFrame, coder: str, run_id: str, *, replace: bool = True) -> int:
        """Store this coder's codes for the segments in ``frame`` (seg_id, theme, score, assigned),
        replacing what this coder said of them before (``replace=False`` skips that look-up, for segments
        known to be uncoded by it). Human codes are never touched by a machine coder."""
        return self._replace("codes", frame, ["seg_id", "theme", "score", "assigned"], coder, run_id, replace)

    def replace_unread(self, frame: Any, coder: str, run_id: str) -> int:
        """Store which of the passages this coder has just coded (``frame``: seg_id, kind) it could not read; call
        it after :meth:`replace_codes`, which takes out what the coder could not read of them before."""
        return self._replace("unread", frame, ["seg_id", "kind"], coder, run_id, False)

    def replace_sentiment(self, frame: pd.DataFrame, coder: str, run_id: str, *, replace: bool = True) -> int:
        """Store this coder's sentiment for the segments in ``frame`` (seg_id, label, score)."""
        return self._replace("sentiment", frame, ["seg_id", "label", "score"], coder, run_id, replace)

    def _replace(self, table: str, frame: Any, cols: list[str], coder: str, run_id: str,
                 replace: bool) -> int:
        """``frame`` is a DataFrame or an Arrow table (scanned by DuckDB without Python objects)."""
        if len(frame) == 0:
            return 0
        _new = (frame.select(cols) if hasattr(frame, "select") and hasattr(frame, "schema")  # (see _BY_NAME)
                else frame[cols])
        if replace:
            self.con.execute(
                f"DELETE FROM {table} WHERE coder = ? AND seg_id IN (SELECT DISTINCT seg_id FROM _new)", [coder])
            if table == "codes":  # what the coder could not read before goes with its codes (see replace_unread)
                self.con.execute(
                    "DELETE FROM unread WHERE coder = ? AND seg_id IN (SELECT DISTINCT seg_id FROM _new)", [coder])
        select = ", ".join(cols)
        n = self.con.execute(f"INSERT INTO {table} SELECT {select}, ?, ? FROM _new", [coder, run_id]).fetchone()[0]
        return int(n)

    def put_human_codes(self, frame: pd.DataFrame, coder: str, run_id: str, *,
                        retired_of: str | None = None, retired: Sequence[str] | None = None) -> dict[str, int]:
        """Store a human coder's codes for the segments in ``frame`` (seg_id, theme, assigned, optional score);
        return how many of those segments were ``new`` to this coder, ``changed`` or ``unchanged``.

        A segment's rows in ``frame`` are this coder's decision on the themes they name: what the coder said
        of those themes before is replaced when it differs, and left as it was (with its original run) when it
        does not, so storing the same codes twice adds nothing; the coder's codes of other themes on the segment
        stay (a file that decides one theme, ``codes import --labels``, leaves the coder's earlier decisions on
        the others as they were). A segment counts as ``new`` when the coder had no code on it at all, and as
        ``changed`` when a decision on a theme it names differs. No other coder's codes are touched. A segment
        coded with no theme is stored as rows that are all ``assigned = false`` (see
        :func:`evalnlp.api.human_code_frame`), which still make it a human-coded segment. Rows repeated for one
        segment and theme are merged (assigned if any says so). ``score`` defaults to 1.0 for assigned rows and 0.0
        for the others.

        With ``retired_of`` (a codebook id; ``frame`` then decides themes of that codebook), only the coder's codes
        of that codebook (or of runs that record none) are this coder's decisions here: the same person's codes of
        the same theme names made with another codebook (a copy of it under an id of its own) are another coding and
        stay as they were. ``frame`` then decides every theme of that codebook as it is now, and the
        coder's codes on these segments of themes no longer in it, made with an earlier version of it (a theme
        renamed or removed since), are taken out too, so the coder's two codings are never read as one. With
        ``retired`` too (for a frame that decides some themes only), only the codes of those names (the earlier
        names of the themes it decides) are.
        """
        from evalnlp.schema import is_human

        if not isinstance(coder, str) or not is_human(coder) or coder == HUMAN_PREFIX:
            raise ValueError(f"The 'coder' parameter of put_human_codes must be a human coder id such as "
                             f"'{HUMAN_PREFIX}alice'; got {coder!r} instead.")
        if frame.empty:
            return {"new": 0, "changed": 0, "unchanged": 0}
        new = frame[["seg_id", "theme", "assigned"]].copy()
        new["assigned"] = new["assigned"].astype(bool)
        new["score"] = (pd.to_numeric(frame["score"], errors="coerce") if "score" in frame.columns
                        else new["assigned"].astype(float))
        _hc = new  # read by name in the SQL (see _BY_NAME)
        self.con.execute(
            """CREATE OR REPLACE TEMP TABLE _hnew AS
               SELECT seg_id, theme,
                      coalesce(max(score) FILTER (WHERE assigned), max(score)) AS score,
                      bool_or(assigned) AS assigned
               FROM _hc GROUP BY seg_id, theme""")
        try:
            mine = _not_of_other_codebook(retired_of)  # the coder's codes of this codebook
            self.con.execute(  # the segments this coder had coded at all
                f"""CREATE OR REPLACE TEMP TABLE _hseen AS
                    SELECT DISTINCT seg_id FROM codes c WHERE coder = ? AND seg_id IN (SELECT seg_id FROM _hnew)
                    {mine}""",
                [coder])
            self.con.execute(  # what the coder said before of the themes this frame decides
                f"""CREATE OR REPLACE TEMP TABLE _hold AS
                    SELECT c.seg_id, c.theme, c.score, c.assigned FROM codes c
                    JOIN _hnew n ON n.seg_id = c.seg_id AND n.theme = c.theme
                    WHERE c.coder = ? {mine}""", [coder])
            self.con.execute(  # the coder's codes here of themes an earlier version of the codebook had
                """CREATE OR REPLACE TEMP TABLE _hstale AS
                   SELECT c.seg_id, c.theme FROM codes c
                   WHERE ? IS NOT NULL AND c.coder = ? AND c.seg_id IN (SELECT seg_id FROM _hnew)
                     AND c.theme NOT IN (SELECT theme FROM _hnew)
                     AND c.run_id IN (SELECT run_id FROM runs WHERE codebook_id = ?)
                     AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], c.theme))""",
                [retired_of, coder, retired_of, None if retired is None else list(retired),
                 None if retired is None else list(retired)])
            self.con.execute(  # segments new to this coder or coded differently before
                """CREATE OR REPLACE TEMP TABLE _hdiff AS
                   SELECT DISTINCT seg_id FROM (
                       (SELECT seg_id, theme, score, assigned FROM _hnew
                        EXCEPT SELECT seg_id, theme, score, assigned FROM _hold)
                       UNION ALL
                       (SELECT seg_id, theme, score, assigned FROM _hold
                        EXCEPT SELECT seg_id, theme, score, assigned FROM _hnew)
                       UNION ALL
                       (SELECT seg_id, theme, NULL, NULL FROM _hstale))""")
            counts = self.con.execute(
                """SELECT count(*) FILTER (WHERE seg_id NOT IN (SELECT seg_id FROM _hseen)),
                          count(*) FILTER (WHERE seg_id IN (SELECT seg_id FROM _hseen)
                                           AND seg_id IN (SELECT seg_id FROM _hdiff)),
                          count(*) FILTER (WHERE seg_id NOT IN (SELECT seg_id FROM _hdiff))
                   FROM (SELECT DISTINCT seg_id FROM _hnew)""").fetchone()
            self.con.execute(
                f"""DELETE FROM codes c WHERE coder = ? AND seg_id IN (SELECT seg_id FROM _hdiff)
                    AND (seg_id, theme) IN (SELECT seg_id, theme FROM _hnew) {mine}""", [coder])
            self.con.execute(
                """DELETE FROM codes WHERE coder = ? AND (seg_id, theme) IN (SELECT seg_id, theme FROM _hstale)""",
                [coder])
            self.con.execute(
                """INSERT INTO codes SELECT seg_id, theme, score, assigned, ?, ? FROM _hnew
                   WHERE seg_id IN (SELECT seg_id FROM _hdiff) ORDER BY seg_id, theme""", [coder, run_id])
        finally:
            self._drop_temp("_hnew", "_hseen", "_hold", "_hdiff", "_hstale")
        return {"new": int(counts[0]), "changed": int(counts[1]), "unchanged": int(counts[2])}

    def retired_human_segments(self, coder: str, codebook_id: str, themes: Sequence[str]) -> set[str]:
        """The passages on which ``coder`` holds codes of a theme not in ``themes``, stored by a run of codebook
        ``codebook_id``: themes an earlier version of it had (renamed or removed since), which
        :meth:`put_human_codes` with ``retired_of`` takes out."""
        rows = self.con.execute(
            """SELECT DISTINCT seg_id FROM codes WHERE coder = ? AND theme NOT IN (SELECT UNNEST(?))
                 AND run_id IN (SELECT run_id FROM runs WHERE codebook_id = ?)""",
            [coder, list(themes), codebook_id]).fetchall()
        return {r[0] for r in rows}

    def _drop_temp(self, *names: str) -> None:
        """Drop helper tables; quietly, since after a failed statement the transaction refuses everything
        until it is rolled back (which drops them anyway)."""
        for name in names:
            try:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
            except duckdb.Error:
                return

    def answers_at(self, rows: pd.DataFrame) -> pd.DataFrame:
        """For each row of ``rows`` (source, locator, text), in its order: ``questions``, the questions of the
        stored documents of that source and locator with that very text (a list, sorted; empty when none), and
        ``at_locator``, whether the source has any document at that locator."""
        if rows.empty:
            return pd.DataFrame({"questions": pd.Series([], dtype=object), "at_locator": pd.Series([], dtype=bool)})
        _places = rows[["source", "locator", "text"]].reset_index(drop=True)  # read by name (see _BY_NAME)
        _places.insert(0, "_row", range(len(_places)))
        out = self.con.execute(
            """SELECT p._row,
                      list_sort(list_distinct(list(d.question) FILTER (WHERE d.text = p.text
                                                                     AND d.question IS NOT NULL))) AS questions,
                      count(d.doc_id) > 0 AS at_locator
               FROM _places p LEFT JOIN documents d ON d.source = p.source AND d.locator = p.locator
               GROUP BY p._row ORDER BY p._row""").df()
        out["questions"] = [list(q) if isinstance(q, (list, tuple, np.ndarray)) else [] for q in out["questions"]]
        return out[["questions", "at_locator"]]

    def documents_placed_at(self, rows: pd.DataFrame) -> pd.DataFrame:
        """For each row of ``rows`` (source, locator), the stored documents at that place: ``_row`` (the row's
        position), question and text, in the rows' order."""
        if rows.empty:
            return pd.DataFrame({"_row": pd.Series([], dtype="int64"), "question": pd.Series([], dtype=object),
                                 "text": pd.Series([], dtype=object)})
        _at = rows[["source", "locator"]].reset_index(drop=True)  # read by name (see _BY_NAME)
        _at.insert(0, "_row", range(len(_at)))
        return self.con.execute(
            """SELECT a._row, d.question, d.text FROM _at a
               JOIN documents d ON d.source = a.source AND d.locator = a.locator
               ORDER BY a._row, d.question, d.text""").df()

    def sentences_elsewhere(self, source: str, min_chars: int) -> list[tuple[str, int, int]]:
        """The other narrative sources holding sentences of narrative source ``source`` word for word:
        ``(other source, sentences of source found there, sentences of source)``, most shared first; only
        distinct sentences of at least ``min_chars`` characters count."""
        rows = self.con.execute(
            """WITH mine AS (SELECT DISTINCT s.text FROM segments s JOIN documents d USING (doc_id)
                             WHERE d.source = ? AND d.kind = 'narrative' AND s.kind = 'sentence'
                               AND length(s.text) >= ?),
                    theirs AS (SELECT DISTINCT d.source, s.text FROM segments s JOIN documents d USING (doc_id)
                               WHERE d.source <> ? AND d.kind = 'narrative' AND s.kind = 'sentence'
                                 AND length(s.text) >= ?)
               SELECT t.source, count(*) AS n, (SELECT count(*) FROM mine) AS total
               FROM theirs t JOIN mine m USING (text) GROUP BY t.source ORDER BY n DESC, t.source""",
            [source, int(min_chars), source, int(min_chars)]).fetchall()
        return [(str(a), int(n), int(t)) for a, n, t in rows]

    def whole_segments(self, rows: pd.DataFrame) -> pd.DataFrame:
        """For each row of ``rows`` (source, locator, question, text: a stored document's identity), the
        segment that spans the document's whole text: seg_id and doc_id, one row per input row in its order
        (None where no stored document matches).

        A document segmented into sentences gets a whole-text ``response`` segment here, so that codes given to
        the whole answer have a passage to sit on; one that has a segment over its whole text keeps it.
        """
        if rows.empty:
            return pd.DataFrame({"seg_id": pd.Series([], dtype=object), "doc_id": pd.Series([], dtype=object)})
        keys = rows[["source", "locator", "question", "text"]].reset_index(drop=True)
        keys.insert(0, "_row", range(len(keys)))
        _keys = keys  # read by name in the SQL (see _BY_NAME)
        try:
            self.con.execute(
                """CREATE OR REPLACE TEMP TABLE _matched AS
                   SELECT k._row, d.doc_id, d.text FROM _keys k JOIN documents d
                     ON d.source = k.source AND d.locator = k.locator AND d.text = k.text
                    AND d.question IS NOT DISTINCT FROM k.question""")
            self.con.execute(
                """INSERT INTO segments
                   SELECT substr(md5(concat_ws(':', doc_id, 'response', '0', CAST(length(text) AS VARCHAR))), 1, 20),
                          doc_id, 'response', 0, length(text), text, NULL, NULL
                   FROM (SELECT DISTINCT doc_id, text FROM _matched) m
                   WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = m.doc_id AND s.start = 0
                                     AND s."end" = length(m.text))""")
            out = self.con.execute(
                """WITH whole AS (
                       SELECT s.doc_id, arg_min(s.seg_id, (s.kind <> 'response', s.seg_id)) AS seg_id
                       FROM segments s JOIN (SELECT DISTINCT doc_id, text FROM _matched) m
                         ON s.doc_id = m.doc_id AND s.start = 0 AND s."end" = length(m.text)
                       GROUP BY s.doc_id)
                   SELECT k._row, w.seg_id, m.doc_id FROM _keys k
                   LEFT JOIN _matched m USING (_row) LEFT JOIN whole w ON w.doc_id = m.doc_id
                   ORDER BY k._row""").df()
        finally:
            self._drop_temp("_matched")
        out = out[["seg_id", "doc_id"]].astype(object)
        return out.where(out.notna(), None)

    def coders(self) -> pd.DataFrame:
        """Every coder with codes in the store: coder, kind (human or machine), passages (segments coded),
        documents, codes (themes assigned), no_theme (passages assigned none), runs, first_run, last_run;
        human coders first, then machine coders, each by name."""
        return self.con.execute(
            f"""WITH per_seg AS (
                    SELECT c.coder, c.seg_id, s.doc_id, count(*) FILTER (WHERE c.assigned) AS n_assigned
                    FROM codes c JOIN segments s USING (seg_id) GROUP BY c.coder, c.seg_id, s.doc_id),
                coder_runs AS (SELECT coder, count(DISTINCT run_id) AS runs, min(run_id) AS first_run,
                                      max(run_id) AS last_run FROM codes GROUP BY coder)
                SELECT p.coder,
                       CASE WHEN starts_with(p.coder, '{HUMAN_PREFIX}') THEN 'human' ELSE 'machine' END AS kind,
                       count(*) AS passages, count(DISTINCT p.doc_id) AS documents,
                       CAST(sum(p.n_assigned) AS BIGINT) AS codes,
                       count(*) FILTER (WHERE p.n_assigned = 0) AS no_theme,
                       r.runs, r.first_run, r.last_run
                FROM per_seg p JOIN coder_runs r USING (coder)
                GROUP BY p.coder, r.runs, r.first_run, r.last_run
                ORDER BY kind, p.coder""").df()

    def latest_machine_coder(self, codebook_id: str | None = None) -> str | None:
        """The machine coder of the most recent run that stored machine codes (for ``codebook_id`` only,
        when given), or None."""
        sql = (f"""SELECT arg_max(c.coder, c.run_id) FROM codes c JOIN runs r USING (run_id)
                   WHERE NOT starts_with(c.coder, '{HUMAN_PREFIX}')""")
        params: list[Any] = []
        if codebook_id is not None:
            sql += " AND r.codebook_id = ?"
            params.append(codebook_id)
        row = self.con.execute(sql, params).fetchone()
        return row[0] if row else None

    def coding_runs(self, coders: list[str] | None = None) -> pd.DataFrame:
        """The runs that stored codes (of ``coders`` only, when given), oldest first: every column of
        ``runs``."""
        filt, params = "", []
        if coders is not None:
            filt = "WHERE coder IN (SELECT UNNEST(?))"
            params.append(list(coders))
        return self.con.execute(
            f"""SELECT * FROM runs WHERE run_id IN (SELECT DISTINCT run_id FROM codes {filt})
                ORDER BY started, run_id""", params).df()

    def codebook_refs(self) -> list[str]:
        """How the store's runs name the codebooks they were made with (a shipped id, or a YAML file's path)."""
        rows = self.con.execute(
            """SELECT DISTINCT json_extract_string(args, '$.codebook') FROM runs
               WHERE json_extract_string(args, '$.codebook') IS NOT NULL""").fetchall()
        return sorted(r[0] for r in rows)

    def documents_coded_by_both(self, a: str, b: str) -> int:
        """How many documents both coders coded a passage of (not necessarily the same passage)."""
        return int(self.con.execute(
            """SELECT count(*) FROM (
                   SELECT DISTINCT s.doc_id FROM codes c JOIN segments s USING (seg_id) WHERE c.coder = ?
                   INTERSECT
                   SELECT DISTINCT s.doc_id FROM codes c JOIN segments s USING (seg_id) WHERE c.coder = ?)""",
            [a, b]).fetchone()[0])

    def same_answers_apart(self, a: str, b: str) -> tuple[int, str | None, str | None]:
        """Documents coded by ``a`` whose locator and text a document of another source coded by ``b`` repeats
        (two coders' copies of one file, each ingested as a file of its own; a copy in long form answers its
        rows under another question): (how many, ``a``'s source and ``b``'s source holding most of them)."""
        n, src_a, src_b = self.con.execute(
            """WITH da AS (SELECT DISTINCT d.doc_id, d.source, d.locator, d.text
                           FROM codes c JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
                           WHERE c.coder = ?),
                    db AS (SELECT DISTINCT d.doc_id, d.source, d.locator, d.text
                           FROM codes c JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
                           WHERE c.coder = ?),
                    pairs AS (SELECT DISTINCT da.doc_id, da.source AS src_a, db.source AS src_b FROM da JOIN db
                              ON da.locator = db.locator AND da.text = db.text AND da.source <> db.source)
               SELECT (SELECT count(DISTINCT doc_id) FROM pairs),
                      (SELECT src_a FROM pairs GROUP BY src_a, src_b ORDER BY count(*) DESC, src_a, src_b LIMIT 1),
                      (SELECT src_b FROM pairs GROUP BY src_a, src_b ORDER BY count(*) DESC, src_a, src_b LIMIT 1)""",
            [a, b]).fetchone()
        return int(n), src_a, src_b

    def paired_codes(self, coder_a: str, coder_b: str, codebook_id: str | None = None) -> pd.DataFrame:
        """The two coders' decisions on the passages both coded: unit (seg_id), doc_id, source, locator,
        question, text, coder, theme, assigned.

        A unit is a coded segment that no other coded segment of the two encloses; a coder's decision on a
        theme is whether it assigned the theme to the unit or to any segment inside it. Where both coded the
        same passages this is a plain match; where one coded whole answers and the other their sentences, the
        sentences' codes are pooled onto the answer. Only units both coders coded are returned. With
        ``codebook_id``, codes of runs made with another codebook are left out.
        """
        return self.con.execute(
            f"""WITH coded AS (
                   SELECT c.coder, c.seg_id, c.theme, c.assigned, s.doc_id, s.start, s."end"
                   FROM codes c JOIN segments s USING (seg_id) WHERE c.coder IN (?, ?)
                   {_not_of_other_codebook(codebook_id)}),
               both_docs AS (SELECT doc_id FROM coded GROUP BY doc_id HAVING count(DISTINCT coder) = 2),
               spans AS (SELECT DISTINCT seg_id, doc_id, start, "end" FROM coded
                         WHERE doc_id IN (SELECT doc_id FROM both_docs)),
               unit_of AS (
                   SELECT a.seg_id, arg_max(b.seg_id, (b."end" - b.start, b.seg_id)) AS unit
                   FROM spans a JOIN spans b
                     ON a.doc_id = b.doc_id AND b.start <= a.start AND a."end" <= b."end"
                   GROUP BY a.seg_id),
               decided AS (
                   SELECT u.unit, c.coder, c.theme, bool_or(c.assigned) AS assigned
                   FROM coded c JOIN unit_of u USING (seg_id) GROUP BY u.unit, c.coder, c.theme),
               paired AS (SELECT unit FROM decided GROUP BY unit HAVING count(DISTINCT coder) = 2)
               SELECT x.unit, s.doc_id, d.source, d.locator, d.question, s.text, x.coder, x.theme, x.assigned
               FROM decided x JOIN segments s ON s.seg_id = x.unit JOIN documents d USING (doc_id)
               WHERE x.unit IN (SELECT unit FROM paired)
               ORDER BY d.source, d.locator, d.question, s.start, x.unit, x.coder, x.theme""",
            [coder_a, coder_b]).df()

    def human_codes(self, coders: list[str] | None = None, codebook_id: str | None = None) -> pd.DataFrame:
        """Human codes with their passages' text: seg_id, text, coder, theme, assigned (of ``coders`` only,
        when given; with ``codebook_id``, not of runs made with another codebook), in a stable order."""
        filt, params = _not_of_other_codebook(codebook_id), []
        if coders is not None:
            filt += " AND c.coder IN (SELECT UNNEST(?))"
            params.append(list(coders))
        return self.con.execute(
            f"""SELECT c.seg_id, s.text, c.coder, c.theme, c.assigned
                FROM codes c JOIN segments s USING (seg_id)
                WHERE starts_with(c.coder, '{HUMAN_PREFIX}') {filt}
                ORDER BY c.seg_id, c.coder, c.theme""", params).df()

    def theme_counts(self, coder: str, run_id: str) -> pd.DataFrame:
        """Passages assigned each theme by ``coder`` in ``run_id``: theme, passages."""
        return self.con.execute(
            "SELECT theme, count(*) AS passages FROM codes WHERE coder = ? AND run_id = ? AND assigned "
            "GROUP BY theme ORDER BY theme", [coder, run_id]).df()

    def no_theme_count(self, coder: str, run_id: str) -> int:
        """Passages ``coder`` coded in ``run_id`` that were assigned no theme at all."""
        return int(self.con.execute(
            "SELECT count(*) FROM (SELECT seg_id FROM codes WHERE coder = ? AND run_id = ? GROUP BY seg_id "
            "HAVING NOT bool_or(assigned))", [coder, run_id]).fetchone()[0])

    def sentiment_counts(self, run_id: str) -> pd.DataFrame:
        return self.con.execute(
            "SELECT label, count(*) AS passages FROM sentiment WHERE run_id = ? GROUP BY label ORDER BY label",
            [run_id]).df()

    def sources(self) -> list[str]:
        """The distinct sources of the stored documents, sorted."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT source FROM documents ORDER BY source").fetchall()]

    def doc_ids_for_sources(self, sources: list[str]) -> list[str]:
        _src = pd.DataFrame({"source": list(sources)}, dtype=object)  # read by name in the SQL (see _BY_NAME)
        return [r[0] for r in self.con.execute(
            "SELECT doc_id FROM documents WHERE source IN (SELECT source FROM _src) ORDER BY source, locator"
        ).fetchall()]

    # ---- the coded documents as a table (``classify --output``) -------------------------------------

    def output_plan(self, coder: str, *, sources: list[str] | None = None, read: bool = False) -> OutputPlan:
        """What the table of documents coded by ``coder`` (of ``sources``, when given; with ``read``, of the
        documents this command read, see :meth:`read_documents_begin`) will hold: how many documents, their
        metadata attributes (name, and whether every value is text) in the order they are first met, and the
        questions their texts answer, in the same order. See :meth:`output_pages`."""
        docs = f"""SELECT d.source, d.question, d.rowid AS r, d.attrs FROM documents d
                   WHERE d.doc_id IN (SELECT s.doc_id FROM codes c JOIN segments s USING (seg_id) WHERE c.coder = ?)
                   AND {_output_filter(sources, read)}"""
        # documents read from one file share their attribute names: a handful of groups, in output order
        groups = self.con.execute(
            f"""SELECT CASE WHEN json_type(attrs) = 'OBJECT' THEN json_keys(attrs) ELSE [] END AS names, question,
                       count(*) AS n, min(struct_pack(s := source, q := question, r := r)) AS first
                FROM ({docs}) GROUP BY ALL ORDER BY first""", [coder]).fetchall()
        names = list(dict.fromkeys(k for g in groups for k in g[0]))
        questions = list(dict.fromkeys(g[1] for g in groups if g[1] is not None))
        plain = [True] * len(names)
        if names:
            checks = ", ".join(f"bool_and(coalesce(json_type({_json_get('attrs', k, text=False, raw=True)}), 'NULL') "
                               "IN ('VARCHAR', 'NULL'))" for k in names)
            plain = [bool(x) for x in self.con.execute(f"SELECT {checks} FROM ({docs})", [coder]).fetchall()[0]]
        return OutputPlan(n=sum(g[2] for g in groups), attrs=list(zip(names, plain)), questions=questions)

    def documents_not_in_output(self, coder: str, *, sources: list[str] | None = None, read: bool = False) -> int:
        """How many documents of ``sources`` (with ``read``, of those this command read) :meth:`output_plan`
        leaves out because ``coder`` coded none of their passages: a sources list's entries and the headings
        stored with them, which hold no passage to code."""
        return int(self.con.execute(
            f"""SELECT count(*) FROM documents d
                WHERE d.doc_id NOT IN (SELECT s.doc_id FROM codes c JOIN segments s USING (seg_id) WHERE c.coder = ?)
                AND {_output_filter(sources, read)}""", [coder]).fetchone()[0])

    def output_pages(self, coder: str, theme_ids: list[str], plan: OutputPlan, *, sources: list[str] | None = None,
                     read: bool = False, page: int = 100_000, stored_inputs: bool = True) -> Iterator[pd.DataFrame]:
        """The documents of ``plan`` (from :meth:`output_plan`) one page of ``page`` rows at a time, in the
        order source, question, then as stored: source, locator, question, text, themes (the ids of the themes
        any of its segments was assigned, in ``theme_ids`` order, joined by ``;``), ``score_<theme>`` (the
        highest over its segments, 0 where none was stored), sentiment (the label most of its segments
        have, ``mixed`` when they include positive and negative), then per
        question of the plan ``_q<i>``, the text the document's row gave that question when it is not the
        document's own question, and per attribute ``_a<i>``, its value (as JSON text where not every value is
        text). With ``read``, the documents are those this command read (:meth:`read_documents_begin`), a row's
        answers are told apart by the row each came from, and they come in the order of the rows, with ``_rn``
        the input row each came from (its cells: :meth:`row_cells`); otherwise by their locator (empty where a
        locator repeats within a source). Without ``stored_inputs`` the ``_q<i>`` and ``_a<i>`` columns are left
        out (for a command whose rows' cells were all kept, :meth:`row_cells`).

        Everything is counted in the store, in one pass over the codes and the sentiment, and a page of texts
        is read by its documents' places in the store, so Python holds one page whatever the size of the store
        and reading a page does not scan the others (when the documents were stored in output order, as a
        file's rows are)."""
        src = f"WHERE {_output_filter(sources, read)}"
        themes = [(i, _sql_str(t)) for i, t in enumerate(theme_ids)]
        per_theme = "".join(
            f", max(c.score) FILTER (WHERE c.theme = {t}) AS s{i}, bool_or(c.assigned) FILTER (WHERE c.theme = {t}) AS a{i}"
            for i, t in themes)
        themes_sql = ("concat_ws(';', " + ", ".join(f"CASE WHEN sc.a{i} THEN {t} END" for i, t in themes) + ")"
                      if themes else "''")
        scores_sql = "".join(f", coalesce(sc.s{i}, 0.0) AS {_sql_ident('score_' + theme_ids[i])}" for i, _ in themes)
        qs = [_sql_str(q) for q in plan.questions]
        sib_sql = sib_join = q_sql = ""
        # a row's answers to the other text columns are its sibling documents: those read from the same row, or
        # (for what the store holds from earlier commands) those of the same source and locator
        row_key = "row_no" if read else "locator"
        if len(qs) > 1 and stored_inputs:
            sib_cols = ", ".join(f"max(text) FILTER (WHERE question = {q}) AS q{i}" for i, q in enumerate(qs))
            sib_sql = f""", sib AS (
                SELECT source, {row_key}, {sib_cols} FROM (
                    SELECT d.source, {'rd.' if read else 'd.'}{row_key}, d.question, any_value(d.text) AS text
                    FROM documents d {f'JOIN rd ON rd.doc_key = {_doc_key("d.doc_id")}' if read else ''}
                    WHERE d.question IS NOT NULL AND d.doc_id IN (SELECT doc_id FROM scores)
                    GROUP BY ALL HAVING count(*) = 1)
                GROUP BY source, {row_key})"""
            sib_join = (f"LEFT JOIN sib ON sib.source = d.source AND sib.{row_key} IS NOT DISTINCT FROM "
                        f"{'rd' if read else 'd'}.{row_key}")
            q_sql = "".join(f", CASE WHEN d.question = {q} THEN NULL ELSE sib.q{i} END AS _q{i}"
                            for i, q in enumerate(qs))
        a_sql = "".join(f", {_json_get('d.attrs', k, text=plain)} AS _a{i}" for i, (k, plain) in enumerate(plan.attrs)
                        if stored_inputs)
        o_cols = ", ".join(["o.themes"] + [f"o.{_sql_ident('score_' + t)}" for t in theme_ids] + ["o.sentiment"]
                           + [f"o._q{i}" for i in range(len(qs) if len(qs) > 1 and stored_inputs else 0)]
                           + (["o._rn"] if read else []))
        # First every document's codes and sentiment, small rows without its text, numbered in output order;
        # then each page joins its documents' text and attributes by their place in the store, which a range
        # of rowids finds without reading the rest of the table. DuckDB works within half its memory cap
        # meanwhile, but not under OUTPUT_MEMORY_FLOOR (spilling beyond it): classify writes its output while the
        # coders' memory is still held.
        cap = _size_bytes(_memory_limit())
        with self._memory_cap(max(cap // 2, min(cap, OUTPUT_MEMORY_FLOOR))):
            rd_sql = ("rd AS (SELECT doc_key, min(row_no) AS row_no FROM _read_docs GROUP BY doc_key), "
                      if read else "")
            # On one thread: with two, counting 2M documents overran a 512 MB cap (a classify of 2M rows with
            # --output failed after coding everything); on one, 10M documents of a committed store were counted
            # within 512 MB in 112 s. Inside a classify of 10M rows, with its uncommitted writes held, it still
            # runs out (E411: raise EVALNLP_MEMORY_LIMIT).
            with self._one_thread():
                self.con.execute(f"""CREATE OR REPLACE TEMPORARY TABLE _out_rows AS
                WITH {rd_sql}scores AS (
                    SELECT s.doc_id{per_theme}
                    FROM codes c JOIN (SELECT seg_id, doc_id FROM segments {src}) s USING (seg_id)
                    WHERE c.coder = ? GROUP BY s.doc_id),
                seg_sent AS (
                    SELECT seg_id, arg_max(label, run_id) AS label FROM sentiment GROUP BY seg_id),
                label_counts AS (
                    SELECT s.doc_id, x.label, count(*) AS n
                    FROM (SELECT seg_id, doc_id FROM segments {src}) s JOIN seg_sent x USING (seg_id)
                    GROUP BY s.doc_id, x.label),
                doc_sent AS ({_DOC_SENTIMENT_SQL}){sib_sql}
                SELECT d.rowid AS r, {themes_sql} AS themes{scores_sql}, ds.sentiment{q_sql}
                       {', rd.row_no AS _rn' if read else ''}
                FROM documents d JOIN scores sc USING (doc_id) LEFT JOIN doc_sent ds USING (doc_id)
                     {f'LEFT JOIN rd ON rd.doc_key = {_doc_key("d.doc_id")}' if read else ''} {sib_join}
                ORDER BY d.source, d.question, {'rd.row_no, ' if read else ''}d.rowid""", [coder])
            # the table's rows keep that order: its rowid
            try:
                bounds = self.con.execute(
                    "SELECT min(rowid), max(rowid), min(r), max(r) FROM _out_rows GROUP BY rowid // ? ORDER BY 1",
                    [page]).fetchall()
                for first, last, r_min, r_max in bounds:
                    yield self.con.execute(
                        f"""SELECT d.source, d.locator, d.question, d.text, {o_cols}{a_sql}
                            FROM (SELECT rowid AS pos, * FROM _out_rows WHERE rowid BETWEEN ? AND ?) o
                            JOIN (SELECT rowid AS r, * FROM documents WHERE rowid BETWEEN ? AND ?) d USING (r)
                            ORDER BY o.pos""", [first, last, r_min, r_max]).df()
            finally:
                self.con.execute("DROP TABLE IF EXISTS _out_rows")

    @contextmanager
    def _memory_cap(self, limit: int) -> Iterator[None]:
        """DuckDB's ``memory_limit`` at ``limit`` bytes for a block (where lower than the store's cap and DuckDB
        can free that much; else the cap stays), then back to the store's cap (``$EVALNLP_MEMORY_LIMIT``): what it
        caches beyond that is let go, and what the block's queries need beyond it spills to disk."""
        lowered = False
        if _size_bytes(_memory_limit()) > limit:
            try:
                self.con.execute(f"SET memory_limit = '{limit}B'")
                lowered = True
            except duckdb.Error:  # more than that is in use: keep the cap as it is
                pass
        try:
            yield
        finally:
            if lowered:
                self._restore_setting("memory_limit", f"'{_memory_limit()}'")

    @contextmanager
    def _one_thread(self) -> Iterator[None]:
        """DuckDB on one thread for a block, then as many as before. A query whose every operator must hold its
        own share of the memory cap per thread (the output pass's counting, see :meth:`output_pages`) then
        spills instead of failing."""
        before = self.con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self._restore_setting("threads", str(int(before)))

    def _restore_setting(self, name: str, value: str) -> None:
        """``SET name = value``; when a failed query has aborted the transaction, DuckDB refuses any statement
        until the rollback, so the setting is put back right after it (:meth:`transaction`), and the query's own
        error is the one raised."""
        try:
            self.con.execute(f"SET {name} = {value}")
        except duckdb.TransactionException:
            self._after_rollback = {**getattr(self, "_after_rollback", {}), name: value}

    # ---- project exchange (REFI-QDA) ----------------------------------------------------------------

    def document_ids(self, frame: pd.DataFrame) -> list[str]:
        """The ``doc_id`` each row of ``frame`` (source, locator, question, text) has or would have."""
        if frame.empty:
            return []
        _ids_in = frame[["source", "locator", "question", "text"]]  # read by name in the SQL (see _BY_NAME)
        return [r[0] for r in self.con.execute(
            f"SELECT {_DOC_ID_SQL} FROM _ids_in").fetchall()]  # insertion order is kept

    def document_fields(self) -> pd.DataFrame:
        """Every document's doc_id, source, locator, kind and question (not its text)."""
        return self.con.execute("SELECT doc_id, source, locator, kind, question FROM documents ORDER BY doc_id").df()

    def narrative_documents(self, sources: Iterable[str] | None = None, *, texts: bool = True) -> pd.DataFrame:
        """The narrative documents (paragraphs, pages, table cells of a file) of ``sources`` (default: every
        source): doc_id, source, locator, question and (with ``texts``) text, each source's in the order the store
        took them, which is the order an ingest read the file in (a later read of an edited file adds its changed
        paragraphs after them)."""
        columns = "doc_id, source, locator, question" + (", text" if texts else "")
        if sources is None:
            return self.con.execute(f"SELECT {columns} FROM documents WHERE kind = 'narrative' "
                                    "ORDER BY source, rowid").df()
        _sources = pd.DataFrame({"source": sorted({s for s in sources if isinstance(s, str)})}, dtype=object)
        return self.con.execute(  # _sources read by name (see _BY_NAME)
            f"""SELECT {columns} FROM documents WHERE kind = 'narrative' AND source IN (SELECT source FROM _sources)
                ORDER BY source, rowid""").df()

    def zero_padded_twins(self, source: str, rows: pd.DataFrame) -> dict[str, str]:
        """For rows (locator ``COL=value``, text) with no document at their locator in ``source``: the locator of
        a document of ``source`` with the same text whose id is the row's with leading zeros (``resp=0007`` for
        ``resp=7``), by the row's locator."""
        rows = rows[rows["locator"].astype(str).str.contains("=", regex=False)]
        if rows.empty:
            return {}
        col = rows["locator"].str.split("=", n=1)
        _rows = pd.DataFrame({"locator": rows["locator"].to_numpy(), "text": rows["text"].to_numpy(),
                              "head": col.str[0].to_numpy(), "value": col.str[1].to_numpy()}, dtype=object)
        found = self.con.execute(
            """SELECT r.locator, min(d.locator) FROM _rows r JOIN documents d
                 ON d.source = ? AND d.text = r.text AND starts_with(d.locator, r.head || '=')
                AND d.locator <> r.locator
                AND ltrim(substr(d.locator, length(r.head) + 2), '0') = ltrim(r.value, '0')
               GROUP BY r.locator""", [source]).fetchall()
        return {str(a): str(b) for a, b in found}

    def documents_at(self, places: pd.DataFrame) -> pd.DataFrame:
        """The stored documents at the places of ``places`` (source, locator, question; a missing question
        matches a missing one): their source, locator, question, doc_id and text."""
        _places = places[["source", "locator", "question"]].drop_duplicates()  # read by name (see _BY_NAME)
        return self.con.execute(
            """SELECT d.source, d.locator, d.question, d.doc_id, d.text FROM documents d
               JOIN _places p ON d.source = p.source AND d.locator = p.locator
                             AND d.question IS NOT DISTINCT FROM p.question
               ORDER BY d.doc_id""").df()

    def documents_with_texts(self, texts: list[str], locator: str) -> pd.DataFrame:
        """The stored documents at ``locator`` whose text is one of ``texts`` exactly: source, locator, question,
        doc_id, text (by doc_id)."""
        _texts = pd.DataFrame({"text": list(dict.fromkeys(texts))}, dtype=object)  # read by name (see _BY_NAME)
        return self.con.execute(
            """SELECT d.source, d.locator, d.question, d.doc_id, d.text FROM documents d
               WHERE d.locator = ? AND d.text IN (SELECT text FROM _texts) ORDER BY d.doc_id""", [locator]).df()

    def segments_of(self, doc_ids: list[str]) -> pd.DataFrame:
        """The segments of these documents: seg_id, doc_id, kind, start, end (by document and offset)."""
        _docs_of = pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object)  # read by name in the SQL (see _BY_NAME)
        return self.con.execute(
            """SELECT seg_id, doc_id, kind, start, "end" FROM segments
               WHERE doc_id IN (SELECT doc_id FROM _docs_of) ORDER BY doc_id, start, "end", kind""").df()

    def import_codes(self, frame: pd.DataFrame) -> int:
        """Add codes read from a project exchange file, several coders and runs at once: ``frame`` has seg_id,
        theme, score, assigned, coder and run_id. A coder's codes go only to segments it has not coded in this
        store, so what the store has (with its scores) always wins and no other coder's codes are touched; a
        person's own new codes go through :meth:`put_human_codes` instead. Returns the number of rows added."""
        return self._fill("codes", frame, ["seg_id", "theme", "score", "assigned", "coder", "run_id"])

    def import_sentiment(self, frame: pd.DataFrame) -> int:
        """Add sentiment read from a project exchange file (seg_id, label, score, coder, run_id) where the coder
        has none for the segment."""
        return self._fill("sentiment", frame, ["seg_id", "label", "score", "coder", "run_id"])

    def _fill(self, table: str, frame: pd.DataFrame, cols: list[str]) -> int:
        if frame.empty:
            return 0
        _imp = frame[cols]  # read by name in the SQL (see _BY_NAME)
        return int(self.con.execute(
            f"""INSERT INTO {table} SELECT {", ".join("n." + c for c in cols)} FROM _imp n
                WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.coder = n.coder AND t.seg_id = n.seg_id)"""
        ).fetchone()[0])

    def import_runs(self, frame: pd.DataFrame) -> int:
        """Add runs recorded in another store (the runs that made the codes an exchange file carries), so their
        provenance travels with them; runs already here are kept as they are. ``frame`` has the runs columns
        (args and versions as JSON text)."""
        if frame.empty:
            return 0
        cols = ["run_id", "command", "args", "codebook_id", "codebook_sha256", "model_sha256", "versions",
                "started", "finished", "status", "n_in", "n_ok", "n_rejected"]
        _runs_in = frame[cols]  # read by name in the SQL (see _BY_NAME)
        return int(self.con.execute(
            """INSERT INTO runs
               SELECT run_id, command, CAST(args AS JSON), codebook_id, codebook_sha256, model_sha256,
                      CAST(versions AS JSON), CAST(started AS TIMESTAMP), CAST(finished AS TIMESTAMP), status,
                      n_in, n_ok, n_rejected
               FROM (SELECT * FROM _runs_in QUALIFY row_number() OVER (PARTITION BY run_id) = 1) r
               WHERE run_id NOT IN (SELECT run_id FROM runs)""").fetchone()[0])

    # ---- topics ------------------------------------------------------------------------------------

    def replace_topics(self, frame: pd.DataFrame, run_id: str) -> int:
        """Store one discovery run's topics (topic, size, keywords, theme, similarity, emergent, examples)."""
        if frame.empty:
            return 0
        cols = ["topic", "size", "keywords", "theme", "similarity", "emergent", "examples"]
        _topics = frame[cols]  # read by name in the SQL (see _BY_NAME)
        n = self.con.execute(
            "INSERT INTO topics SELECT ?, topic, size, CAST(keywords AS JSON), theme, similarity, emergent, "
            "CAST(examples AS JSON) FROM _topics", [run_id]).fetchone()[0]
        return int(n)

    # ---- reads -------------------------------------------------------------------------------------

    def codes_with_codebook(self) -> pd.DataFrame:
        """The codes table (in :meth:`table`'s order) with the codebook id of the run that stored each code."""
        return self.con.execute(
            """SELECT c.*, r.codebook_id AS codebook FROM codes c LEFT JOIN runs r USING (run_id)
               ORDER BY c.seg_id, c.theme, c.coder""").df()

    def sentiment_in_use(self) -> pd.DataFrame:
        """Each passage's sentiment row in use, one per passage (a person's label where there is one, else the
        latest machine label: what evidence, quotes and reports count), ordered by seg_id."""
        return self.con.execute(
            f"""SELECT seg_id, label, score, coder, run_id FROM sentiment
                QUALIFY row_number() OVER (PARTITION BY seg_id ORDER BY starts_with(coder, '{HUMAN_PREFIX}') DESC,
                                           run_id DESC, coder) = 1
                ORDER BY seg_id""").df()

    def table(self, name: str, *, run_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """A whole table as a DataFrame, optionally one run's rows, in a stable order."""
        order = {
            "documents": f"source, {_natural('locator')}, question", "segments": "doc_id, start, \"end\", kind",
            "codes": "seg_id, theme, coder", "sentiment": "seg_id, coder", "reach": "doc_id, start",
            "runs": "started, run_id", "topics": "run_id, topic",
            "rejects": f"run_id, source, {_natural('locator')}",  # row 9 before row 10 before row 1333
            "sources": "source, position, run_id", "segment_sources": "seg_id, source, position",
            "inputs": "name, path, run_id", "letters": "source, letter_id, seg_id", "unread": "seg_id, coder",
        }
        if name not in order:
            raise errors.error("E406", name=name, order=', '.join(order))
        sql = f"SELECT * FROM {name}"
        params: list[Any] = []
        if run_id is not None and name not in ("segments", "reach", "segment_sources"):
            sql += " WHERE run_id = ?"
            params.append(run_id)
        sql += f" ORDER BY {order[name]}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.con.execute(sql, params).df()

    def count(self, name: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])  # names are internal

    def run(self, run_id: str) -> dict[str, Any]:
        df = self.con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
        if df.empty:
            raise errors.error("E407", run_id=run_id, runs=errors.Call("runs"))
        return df.iloc[0].to_dict()

    def segments_to_code(self, coder: str, *, doc_ids: list[str] | None = None, recode: bool = False,
                         page: int = 50_000, arrow: bool = False,
                         sources: list[str] | None = None) -> Iterator[Any]:
        """Pages of the segments (seg_id, doc_id, kind, text) that ``coder`` has not coded yet (all of them
        with ``recode``), optionally only those of ``doc_ids`` or of the documents of ``sources``, in the order
        they were stored; DataFrames, or Arrow tables with ``arrow``.

        Which segments to give is settled once, when the first page is asked for: their row ids go to a
        temporary table in one pass (checking the codes once, not once per page, which grew with the codes
        written meanwhile). Each page is then a range of row ids, read from the segments' rows in that range
        alone, so memory does not grow with the store, and codes written between pages do not disturb the
        paging.
        """
        import uuid

        where = []
        if not recode:
            where.append("NOT EXISTS (SELECT 1 FROM codes c WHERE c.seg_id = s.seg_id AND c.coder = ?)")
        if doc_ids is not None:
            _ids = pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object)  # read by name (see _BY_NAME)
            where.append("s.doc_id IN (SELECT doc_id FROM _ids)")
        if sources is not None:
            listed = ", ".join(_sql_str(x) for x in sources) or "NULL"
            where.append(f"s.doc_id IN (SELECT doc_id FROM documents WHERE source IN ({listed}))")
        todo = f"_to_code_{uuid.uuid4().hex}"
        made = False
        try:
            self.con.execute(f"CREATE TEMP TABLE {todo} AS SELECT s.rowid AS _row FROM segments s "
                             f"WHERE {' AND '.join(where) or 'true'} ORDER BY s.rowid",
                             [] if recode else [coder])
            made = True
            bound = f"SELECT max(_row) FROM (SELECT _row FROM {todo} WHERE _row > ? ORDER BY _row LIMIT {int(page)})"
            sql = (f"SELECT s.rowid AS _row, s.seg_id, s.doc_id, s.kind, s.text FROM segments s "
                   f"WHERE s.rowid > ? AND s.rowid <= ? "
                   f"AND s.rowid IN (SELECT _row FROM {todo} WHERE _row > ? AND _row <= ?) ORDER BY s.rowid")
            last = -1
            while True:
                upper = self.con.execute(bound, [last]).fetchall()[0][0]
                if upper is None:
                    return
                params = [last, upper, last, upper]
                df = (self.con.sql(sql, params=params).to_arrow_table() if arrow
                      else self.con.execute(sql, params).df())
                last = int(upper)
                if len(df) == 0:  # the segments were deleted meanwhile
                    continue
                yield df.drop_columns(["_row"]) if arrow else df.drop(columns="_row")
        finally:
            try:
                if made:
                    self.con.execute(f"DROP TABLE IF EXISTS {todo}")
            except (duckdb.Error, errors.StoreError):  # the store was closed before the pages were all read
                pass

    def coder_matrix(self, coder: str, themes: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """What ``coder`` said of each segment no person has coded, one row per segment in segment-id order:
        (frame of seg_id and ``first``, scores, assigned), the arrays ``(rows, len(themes))`` with 0 / False
        where the coder gave a theme no code. ``first`` marks a segment whose exact text, question and kind no
        earlier segment of the rows has (the candidates for showing each answer once; repeats that differ in
        case or spacing are the caller's to find among them). Built in the store: the codes are never a long
        frame in Python."""
        _themes = pd.DataFrame({"theme": pd.Series(list(themes), dtype=object),  # read by name (see _BY_NAME)
                                "k": range(len(themes))})
        cols = ", ".join(f"coalesce(max(CASE WHEN isnan(c.score) THEN NULL ELSE c.score END) "
                         f"FILTER (WHERE t.k = {k}), 0.0) AS s{k}, "
                         f"coalesce(bool_or(c.assigned) FILTER (WHERE t.k = {k}), false) AS a{k}"
                         for k in range(len(themes)))
        frame = self.con.execute(
            f"""WITH m AS (SELECT c.seg_id, {cols}
                           FROM codes c JOIN _themes t USING (theme)
                           WHERE c.coder = ? AND c.seg_id NOT IN
                                 (SELECT seg_id FROM codes WHERE starts_with(coder, '{HUMAN_PREFIX}'))
                           GROUP BY c.seg_id),
                    people AS ({_PEOPLES_PLACES.replace("{other}", "")})
                SELECT m.*, row_number() OVER (PARTITION BY s.text, coalesce(d.question, ''), coalesce(s.kind, '')
                                               ORDER BY m.seg_id) = 1 AS first
                FROM m JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
                WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.doc_id = s.doc_id AND p.start < s."end"
                                  AND s.start < p."end")
                ORDER BY m.seg_id""", [coder]).df()
        scores = frame[[f"s{k}" for k in range(len(themes))]].to_numpy(dtype=float)
        assigned = frame[[f"a{k}" for k in range(len(themes))]].to_numpy(dtype=bool)
        return frame[["seg_id", "first"]], scores, assigned

    def repeat_candidates(self, seg_ids: list[str], coder: str, person: str | None = None) -> list[str]:
        """Segments, other than ``seg_ids``, that ``coder`` coded and no person has coded (no person but
        ``person``, when given: the reviewer whose earlier decisions a new one replaces), whose text may repeat
        one of theirs: the same once case is lowered and every whitespace character (any that Python's
        ``str.split`` splits on) taken out, which two texts that fold alike (:func:`evalnlp.review.fold_text`)
        always share. Sorted by segment id. The caller checks each candidate's folded text itself: this only
        keeps the store from handing every passage of a large store to Python."""
        _want = pd.DataFrame({"seg_id": pd.Series(list(seg_ids), dtype=object)})  # read by name (see _BY_NAME)
        params = ([person] if person is not None else []) + [coder]  # in the order of the placeholders below
        other_people = "AND h.coder <> ?" if person is not None else ""
        return [r[0] for r in self.con.execute(
            f"""WITH keys AS (SELECT DISTINCT {fold_key_sql("s.text")} AS k
                              FROM _want w JOIN segments s USING (seg_id)),
                     people AS ({_PEOPLES_PLACES.replace("{other}", other_people)})
                SELECT s.seg_id FROM segments s
                WHERE {fold_key_sql("s.text")} IN (SELECT k FROM keys)
                  AND s.seg_id NOT IN (SELECT seg_id FROM _want)
                  AND s.seg_id IN (SELECT seg_id FROM codes WHERE coder = ?)
                  AND NOT EXISTS (SELECT 1 FROM people p WHERE p.doc_id = s.doc_id AND p.start < s."end"
                                  AND s.start < p."end")
                ORDER BY s.seg_id""", params).fetchall()]

    def assigned_in_run(self, coder: str, run_id: str, seg_ids: list[str]) -> dict[str, set[str]]:
        """The themes ``coder`` assigned in run ``run_id`` to each of ``seg_ids`` whose codes of that coder all
        still come from that run (none replaced by a later run): seg_id -> theme ids (an empty set: codes, none
        assigned). Segments without such codes are left out."""
        _want = pd.DataFrame({"seg_id": pd.Series(list(seg_ids), dtype=object)})  # read by name (see _BY_NAME)
        rows = self.con.execute(
            """SELECT seg_id, list(theme ORDER BY theme) FILTER (WHERE assigned) FROM codes
               WHERE coder = ? AND seg_id IN (SELECT seg_id FROM _want)
               GROUP BY seg_id HAVING bool_and(run_id = ?)""", [coder, run_id]).fetchall()
        return {seg: set(themes or []) for seg, themes in rows}

    def coded_with_other_versions(self, codebook_id: str, codebook_sha256: str) -> int:
        """Segments a machine coded only in runs made with another version of codebook ``codebook_id`` (another
        sha256): the codes :func:`_of_codebook` leaves out of that version's evidence, not yet coded again."""
        return int(self.con.execute(
            f"""WITH v AS (SELECT run_id, codebook_sha256 IS NULL OR codebook_sha256 = ? AS same FROM runs
                           WHERE codebook_id = ?)
                SELECT count(*) FROM (SELECT c.seg_id FROM codes c JOIN v USING (run_id)
                                      WHERE NOT starts_with(c.coder, '{HUMAN_PREFIX}')
                                      GROUP BY c.seg_id HAVING NOT bool_or(v.same))""",
            [codebook_sha256, codebook_id]).fetchone()[0])

    def undecided_themes(self, themes: list[str], codebook_id: str, codebook_sha256: str,
                         renamed: dict[str, str] | None = None) -> list[str]:
        """The themes of ``themes`` that no code evidence counts decides on, assigned or not: no person's code (of
        any version of codebook ``codebook_id``) and no machine code of the version ``codebook_sha256``. A theme
        added to a codebook after people coded with it, before the passages are classified again, is one."""
        _themes = pd.DataFrame({"theme": pd.Series(list(themes), dtype=object)})  # by name (see _BY_NAME)
        found = {r[0] for r in self.con.execute(
            f"SELECT DISTINCT theme FROM {_named_codes(renamed)} WHERE theme IN (SELECT theme FROM _themes)"
            + _of_codebook(codebook_id, codebook_sha256)).fetchall()}
        return [t for t in themes if t not in found]

    def code_themes(self) -> list[str]:
        """Every theme id that has codes in the store (of any coder or codebook), sorted."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT theme FROM codes ORDER BY theme").fetchall()]

    def review_imported(self, export_run: str) -> datetime | None:
        """When (UTC) a review workbook of the export run ``export_run`` was last imported into this store, or
        None if it never was."""
        found = self.con.execute(
            "SELECT max(finished) FROM runs WHERE command = 'review import' AND status = 'ok' "
            "AND json_extract_string(args, '$.export_run') = ?", [export_run]).fetchone()
        return found[0] if found else None

    def human_coded_segments(self) -> pd.DataFrame:
        """Segments that some human coder has coded: seg_id, text (ordered by seg_id)."""
        return self.con.execute(
            f"""SELECT seg_id, text FROM segments WHERE seg_id IN
                    (SELECT seg_id FROM codes WHERE starts_with(coder, '{HUMAN_PREFIX}'))
                ORDER BY seg_id""").df()

    def segment_context(self, seg_ids: list[str]) -> pd.DataFrame:
        """The segments ``seg_ids`` (those that exist) with where they come from: seg_id, doc_id, kind, text,
        speaker, source, locator, question, start, end, source_ref, in the order of ``seg_ids``."""
        _want = pd.DataFrame({"seg_id": pd.Series(list(seg_ids), dtype=object),  # read by name (see _BY_NAME)
                              "_pos": range(len(seg_ids))})
        return self.con.execute(
            """SELECT s.seg_id, s.doc_id, s.kind, s.text, s.speaker, d.source, d.locator, d.question, s.start,
                      s."end", s.source_ref
               FROM _want w JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
               ORDER BY w._pos""").df()

    def effective_codes(self, *, assigned_only: bool = True, themes: list[str] | None = None,
                        codebook_id: str | None = None, codebook_sha256: str | None = None,
                        renamed: dict[str, str] | None = None) -> pd.DataFrame:
        """The codes that evidence uses: human codes wherever a human coded, otherwise the codes of the most
        recent machine run that coded the segment. Columns: seg_id, theme, score, assigned, coder, run_id.

        A human coding speaks for the whole stretch of text it covers: machine codes on a segment that lies
        inside a human-coded segment of the same document (a sentence of an answer a human coded whole) are
        left out too, so a document's figures never mix the two.

        With ``themes`` (a codebook's theme ids) only codes of those themes count, so that one codebook's codes,
        human or machine, never hide another's on the same passage (a review with ``fft`` leaves the passage's
        ``impact`` codes in place, and an ``impact`` run after an ``fft`` run leaves the ``fft`` codes in use).
        With ``codebook_id`` only codes of runs made with that codebook count (or with none recorded): another
        codebook of the same theme ids (a copy of ``impact`` under its own id) keeps its codes to itself; with
        ``codebook_sha256`` too, only machine codes of runs made with that version of it (see :func:`_of_codebook`).
        ``renamed``: codes stored under a theme's earlier name count as the theme (see :func:`_named_codes`)."""
        cond = "WHERE assigned" if assigned_only else ""
        pool = f"SELECT * FROM {_named_codes(renamed)} WHERE true"
        if themes is not None:
            _themes = pd.DataFrame({"theme": pd.Series(list(themes), dtype=object)})  # by name (see _BY_NAME)
            pool += " AND theme IN (SELECT theme FROM _themes)"
        pool += _of_codebook(codebook_id, codebook_sha256)
        return self.con.execute(
            f"SELECT * FROM ({_effective_sql(pool)}) {cond} ORDER BY seg_id, theme, coder").df()

    def effective_sentiment(self) -> pd.DataFrame:
        """Each segment's sentiment: a human label where there is one, else the most recent machine label."""
        return self.con.execute(_EFFECTIVE_SENTIMENT + " ORDER BY seg_id").df()

    def coded_passages(self) -> pd.DataFrame:
        """Every segment with its document's source, locator, question, kind and attrs (JSON text)."""
        return self.con.execute(
            """SELECT s.seg_id, s.doc_id, s.kind AS seg_kind, s.start, s."end", s.text, s.speaker, s.source_ref,
                      d.source, d.locator, d.question, d.kind AS doc_kind, CAST(d.attrs AS VARCHAR) AS attrs,
                      d.text AS doc_text
               FROM segments s JOIN documents d USING (doc_id)
               ORDER BY d.source, s.doc_id, s.start, s.kind"""
        ).df()

    def has_codes(self, themes: list[str]) -> bool:
        """Whether any passage holds a code (any coder, assigned or not) for one of ``themes``."""
        return bool(self.con.execute("SELECT EXISTS (SELECT 1 FROM codes WHERE list_contains(?, theme))",
                                     [list(themes)]).fetchone()[0])

    def classify_codebooks(self) -> list[tuple[str, str]]:
        """The codebooks of the classify runs that finished, latest first, each once: (as given to --codebook,
        or the codebook id when none was given; the codebook id)."""
        rows = self.con.execute(
            """SELECT coalesce(json_extract_string(args, '$.codebook'), codebook_id), codebook_id FROM runs
               WHERE command = 'classify' AND status = 'ok' ORDER BY started DESC, run_id DESC""").fetchall()
        return list(dict.fromkeys((ref, cid) for ref, cid in rows if ref or cid))

    def summary(self) -> dict[str, int]:
        """Row counts of every table."""
        return {name: self.count(name) for name in
                ("documents", "segments", "codes", "sentiment", "reach", "runs", "rejects", "topics")}

    def latest_topics(self) -> pd.DataFrame:
        return self.con.execute(
            "SELECT * FROM topics WHERE run_id = (SELECT max(run_id) FROM topics) ORDER BY topic").df()

    # ---- the coded corpus, counted in the store (asked by the read model, evalnlp.corpus) ----------------

    def open_coded(self, themes: list[str], *, word_band: tuple[int, int] = (8, 60),
                   codebook_id: str | None = None, codebook_sha256: str | None = None,
                   renamed: dict[str, str] | None = None) -> str:
        """Gather the coded corpus of ``themes`` (a codebook's theme ids) into temporary tables and return their
        handle for the ``coded_*`` queries; :meth:`close_coded` drops them. Nothing is read into Python, and of
        each passage's text only its length and first and last characters are read here.

        The tables hold numbers, not ids: ``sn`` and ``dn`` are the row ids of a segment and its document
        (segment and document ids are unique, and numbers are cheaper to hold, join and count than 20-letter
        ids), ``src`` and ``cn`` number a source and a coder in the order of their names (``<handle>_sources``
        and ``<handle>_coders`` give the names back).

        ``<handle>_coded``: each segment with an effective code of ``themes`` (assigned or not; see
        :meth:`effective_codes`): sn, dn, src, and cn its first coder: a person when a person's decision is in
        use there (a review of some themes only), else the first by theme and name.
        ``<handle>_codes``: each effective code assigned: sn, theme, confidence (the score clipped to 0..1, 1 when
        missing), cn, dn, src, seg_kind, has_speaker, the segment's sentiment label (human first, then latest),
        and ``shape`` and ``readmax`` for choosing quote candidates (see :meth:`coded_candidates`).
        ``<handle>_pairs``: a view of ``<handle>_codes`` with seg_id, coder and the ``readability`` of each
        passage's text (the rule of :func:`evalnlp.quotes.readability` with ``word_band``), worked out only when
        it is read. With ``codebook_id`` (and ``codebook_sha256``), only the codes of runs made with that codebook
        (and machine codes of that version of it; see :meth:`effective_codes`). ``renamed``: codes stored under a
        theme's earlier name count as the theme (see :func:`_named_codes`).
        """
        handle = "_coded_" + uuid.uuid4().hex[:12]
        self._coded_tables = getattr(self, "_coded_tables", {})
        self._coded_tables[handle] = [f"{handle}_eff", f"{handle}_sources", f"{handle}_coders", f"{handle}_coded",
                                      f"{handle}_codes"]
        self._coded_views = getattr(self, "_coded_views", {})
        self._coded_views[handle] = []
        self._coded_band = getattr(self, "_coded_band", {})
        self._coded_band[handle] = tuple(float(x) for x in word_band)
        _themes_in = pd.DataFrame({"theme": pd.Series(list(themes), dtype=object)})  # by name (see _BY_NAME)
        of_codebook = _of_codebook(codebook_id, codebook_sha256)
        named = _named_codes(renamed)
        pool = f"SELECT * FROM {named} WHERE theme IN (SELECT theme FROM _themes_in)" + of_codebook
        # the effective codes alone; each segment's fields are joined once per segment below
        human, machine_runs, n_coders = self.con.execute(
            f"""SELECT coalesce(bool_or(starts_with(coder, '{HUMAN_PREFIX}')), false),
                       count(DISTINCT run_id) FILTER (WHERE NOT starts_with(coder, '{HUMAN_PREFIX}')),
                       count(DISTINCT coder)
                FROM ({pool})""").fetchone()
        self._coded_human = getattr(self, "_coded_human", {})
        self._coded_human[handle] = bool(human)
        if not human and machine_runs <= 1 and not renamed:  # one machine run, no human codes: every code counts
            listed = ", ".join(_sql_str(t) for t in themes) or "NULL"
            self._coded_tables[handle].remove(f"{handle}_eff")
            self._coded_views[handle].append(f"{handle}_eff")
            self.con.execute(f"""CREATE TEMP VIEW {handle}_eff AS SELECT seg_id, theme, score, assigned, coder
                                 FROM codes WHERE theme IN ({listed}){of_codebook}""")
        else:
            self.con.execute(
                f"""CREATE TEMP TABLE {handle}_eff AS SELECT e.seg_id, e.theme, e.score, e.assigned, e.coder
                    FROM ({_effective_sql(pool)}) e""")
        self.con.execute(f"""CREATE TEMP TABLE {handle}_sources AS
                             SELECT source, CAST(row_number() OVER (ORDER BY source) AS INTEGER) AS src
                             FROM (SELECT DISTINCT source FROM documents)""")
        self.con.execute(f"""CREATE TEMP TABLE {handle}_coders AS
                             SELECT coder, CAST(row_number() OVER (ORDER BY coder) AS INTEGER) AS cn
                             FROM (SELECT DISTINCT coder FROM {handle}_eff)""")
        # A segment's first coder: a person whose decision is in use there, else the first by theme and name; with
        # one coder among the codes, that coder.
        first = ("SELECT DISTINCT seg_id, (SELECT min(cn) FROM {h}_coders) AS cn FROM {h}_eff" if n_coders <= 1 else
                 "SELECT e.seg_id, k.cn FROM (SELECT seg_id, arg_min(coder, CASE WHEN starts_with(coder, '{p}') "
                 "THEN '0' ELSE '1' END || theme || chr(1) || coder) AS coder "
                 "FROM {h}_eff GROUP BY seg_id) e JOIN {h}_coders k USING (coder)").format(h=handle, p=HUMAN_PREFIX)
        # unread: the passage's first coder could not read it (see the unread table); a theme in use on it (a
        # person's) makes it read, below
        unread = self.schema_version() >= 6 and bool(
            self.con.execute("SELECT EXISTS (SELECT 1 FROM unread)").fetchall()[0][0])
        marks = (f"""LEFT JOIN (SELECT DISTINCT u.seg_id, k.cn FROM unread u JOIN {handle}_coders k USING (coder)) x
                     ON x.seg_id = c.seg_id AND x.cn = c.cn""" if unread else "")
        self.con.execute(
            f"""CREATE TEMP TABLE {handle}_coded AS
                SELECT s.rowid AS sn, d.rowid AS dn, o.src, c.cn,
                       {"x.seg_id IS NOT NULL" if unread else "false"} AS unread
                FROM ({first}) c JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
                JOIN {handle}_sources o ON o.source = d.source {marks}""")
        self.con.execute(
            f"""CREATE TEMP TABLE {handle}_codes AS
                WITH sent AS ({_EFFECTIVE_LABEL})
                SELECT s.rowid AS sn, e.theme,
                       CASE WHEN e.score IS NULL OR isnan(e.score) THEN 1.0
                            ELSE least(greatest(e.score, 0.0), 1.0) END AS confidence,
                       k.cn, c.dn, c.src, s.kind AS seg_kind, s.speaker IS NOT NULL AS has_speaker, x.label,
                       {_SHAPE} AS shape, {_readability_ceiling("s.text", "s.kind", word_band)} AS readmax
                FROM {handle}_eff e JOIN segments s USING (seg_id) JOIN {handle}_coded c ON c.sn = s.rowid
                JOIN {handle}_coders k ON k.coder = e.coder LEFT JOIN sent x ON x.seg_id = e.seg_id
                WHERE e.assigned""")
        self._coded_unread = getattr(self, "_coded_unread", {})
        self._coded_unread[handle] = unread
        if unread:
            self.con.execute(f"UPDATE {handle}_coded SET unread = false "
                             f"WHERE unread AND sn IN (SELECT sn FROM {handle}_codes)")
        if n_coders > 1:  # every coder whose codes are in use, with its passages (several may share one passage)
            self.con.execute(f"""CREATE TEMP TABLE {handle}_coder_counts AS
                                 SELECT coder, count(DISTINCT seg_id) AS segments FROM {handle}_eff GROUP BY coder""")
            self._coded_tables[handle].append(f"{handle}_coder_counts")
        self.con.execute(f"DROP {'VIEW' if not human and machine_runs <= 1 else 'TABLE'} {handle}_eff")
        self._coded_views[handle] = [f"{handle}_pairs"]
        if f"{handle}_eff" in self._coded_tables[handle]:
            self._coded_tables[handle].remove(f"{handle}_eff")
        # Where each coded document has one coded segment and each segment a theme once, a theme's rows are its
        # segments and its documents: theme counts can count rows instead of distinct numbers.
        self._coded_plain = getattr(self, "_coded_plain", {})
        self._coded_plain[handle] = bool(self.con.execute(
            f"""SELECT (SELECT count(*) = count(DISTINCT dn) FROM {handle}_coded)
                       AND NOT EXISTS (SELECT 1 FROM {handle}_codes GROUP BY sn, theme HAVING count(*) > 1)"""
        ).fetchall()[0][0])
        self.con.execute(
            f"""CREATE TEMP VIEW {handle}_pairs AS
                SELECT * EXCLUDE (text) FROM ({_readability_sql(
                    f"SELECT p.*, s.seg_id, s.text, k.coder FROM {handle}_codes p JOIN segments s ON s.rowid = p.sn "
                    f"JOIN {handle}_coders k USING (cn)", word_band)})""")
        return handle

    def close_coded(self, handle: str) -> None:
        """Drop the temporary tables of :meth:`open_coded` ``handle``."""
        for view in getattr(self, "_coded_views", {}).pop(handle, []):
            try:
                self.con.execute(f"DROP VIEW IF EXISTS {view}")
            except duckdb.Error:
                break
        getattr(self, "_coded_band", {}).pop(handle, None)
        getattr(self, "_coded_human", {}).pop(handle, None)
        getattr(self, "_coded_plain", {}).pop(handle, None)
        getattr(self, "_coded_unread", {}).pop(handle, None)
        self._drop_temp(*getattr(self, "_coded_tables", {}).pop(handle, []))

    def _coded_group(self, handle: str, group: str | None) -> tuple[str, str]:
        """(join clause, group column) for an optional group table of ``handle``."""
        if group is None:
            return "", ""
        return f"JOIN {group} g USING (dn)", ", g.grp"

    def coded_several_themes(self, handle: str) -> dict[str, int]:
        """Passages of ``handle`` with more than one theme assigned among the codes in use, by why (see
        :meth:`effective_codes`): ``people`` where several people who coded it gave different themes, ``person``
        where the one person who coded it gave several, ``machine`` where a person's theme sits beside the
        machine's for a theme no person decided there (codes imported for some themes only). Without human
        codes, all 0 (not asked)."""
        counts = {"people": 0, "person": 0, "machine": 0}
        if not getattr(self, "_coded_human", {}).get(handle):
            return counts
        rows = self.con.execute(
            f"""SELECT CASE WHEN human_themes > 1 AND humans > 1 THEN 'people'
                            WHEN human_themes > 1 THEN 'person' ELSE 'machine' END AS why, count(*)
                FROM (SELECT p.sn,
                             count(DISTINCT p.theme) FILTER (WHERE starts_with(k.coder, '{HUMAN_PREFIX}'))
                                 AS human_themes,
                             count(DISTINCT p.cn) FILTER (WHERE starts_with(k.coder, '{HUMAN_PREFIX}')) AS humans
                      FROM {handle}_codes p JOIN {handle}_coders k USING (cn) GROUP BY p.sn
                      HAVING count(DISTINCT p.theme) > 1)
                GROUP BY why""").fetchall()
        counts.update({why: int(n) for why, n in rows})
        return counts

    def coded_totals(self, handle: str) -> dict[str, int]:
        """documents_coded, segments_coded, segments_no_theme (coded, assigned no theme), segments_human_coded,
        and documents_unread: coded documents none of whose coded passages the coders could read, which no share
        counts (see the unread table)."""
        # (counted only where the coders left some passage unread: a store they read all of is counted as before)
        unread = ("count(DISTINCT c.dn) - count(DISTINCT c.dn) FILTER (WHERE NOT c.unread)"
                  if getattr(self, "_coded_unread", {}).get(handle) else "0")
        row = self.con.execute(
            f"""SELECT count(DISTINCT c.dn), count(*),
                       count(*) FILTER (WHERE c.sn NOT IN (SELECT sn FROM {handle}_codes)),
                       count(*) FILTER (WHERE starts_with(k.coder, '{HUMAN_PREFIX}')),
                       {unread}
                FROM {handle}_coded c JOIN {handle}_coders k USING (cn)""").fetchone()
        return dict(zip(("documents_coded", "segments_coded", "segments_no_theme", "segments_human_coded",
                         "documents_unread"), (int(v) for v in row)))

    def coded_unread(self, handle: str) -> dict[str, int] | None:
        """Of the coded passages, how many of each kind the coders could not read (``not_english``,
        ``no_words``); None for a store opened read-only before its migration, which does not record them."""
        if self.schema_version() < 6:
            return None
        if not getattr(self, "_coded_unread", {}).get(handle):
            return {}
        rows = self.con.execute(
            f"""SELECT u.kind, count(DISTINCT c.sn) FROM {handle}_coded c JOIN segments s ON s.rowid = c.sn
                JOIN {handle}_coders k USING (cn) JOIN unread u ON u.seg_id = s.seg_id AND u.coder = k.coder
                WHERE c.unread GROUP BY u.kind""").fetchall()
        return {str(kind): int(n) for kind, n in rows}

    def coded_no_theme_texts(self, handle: str) -> list[str]:
        """The text of each coded passage assigned no theme (to tell how many of them the coders could not read)."""
        rows = self.con.execute(
            f"""SELECT s.text FROM {handle}_coded c JOIN segments s ON s.rowid = c.sn
                WHERE c.sn NOT IN (SELECT sn FROM {handle}_codes)""").fetchall()
        return [r[0] for r in rows]

    def coded_theme_counts(self, handle: str, labels: list[str], group: str | None = None) -> pd.DataFrame:
        """Per theme (and group of the ``group`` table): segments and documents assigned it, and rows per
        sentiment label of ``labels``: theme, [group,] segments, documents, <label>..."""
        join, gcol = self._coded_group(handle, group)
        plain = getattr(self, "_coded_plain", {}).get(handle, False)  # rows are segments and documents (open_coded)
        segments, documents = ("count(*)", "count(*)") if plain else ("count(DISTINCT p.sn)", "count(DISTINCT p.dn)")
        # a passage's sentiment counts once however many coders gave it the theme, as the passage does
        per_label = "".join(f", {segments} FILTER (WHERE p.label = {_sql_str(lb)}) AS {_sql_ident(lb)}"
                            for lb in labels)
        return self.con.execute(
            f"""SELECT p.theme{gcol.replace('g.grp', 'g.grp AS "group"')}, {segments} AS segments,
                       {documents} AS documents{per_label}
                FROM {handle}_codes p {join} GROUP BY ALL ORDER BY ALL""").df()

    def coded_group_sizes(self, handle: str, group: str) -> pd.DataFrame:
        """Documents coded per group of the ``group`` table, not counting those the coders could not read (see
        :meth:`coded_totals`; a group of such documents alone has n 0): group, n, and first (the least hash of the
        row ids of
        the group's documents: a fixed shuffle of the groups that owes nothing to what they are called, nor to the
        order of the rows in a file, which may be sorted by them)."""
        return self.con.execute(
            f"""SELECT g.grp AS "group", count(DISTINCT c.dn){
                    " FILTER (WHERE NOT c.unread)" if getattr(self, "_coded_unread", {}).get(handle) else ""} AS n,
                       min(hash(c.dn)) AS first FROM {handle}_coded c
                JOIN {group} g USING (dn) GROUP BY g.grp ORDER BY g.grp""").df()

    def coded_group_spread(self, handle: str, group: str, missing: str) -> tuple[int, int]:
        """(groups other than ``missing`` among coded documents, documents in the largest of them)."""
        row = self.con.execute(
            f"""SELECT count(*), coalesce(max(n), 0) FROM (
                    SELECT count(DISTINCT c.dn) AS n FROM {handle}_coded c JOIN {group} g USING (dn)
                    WHERE g.grp <> ? GROUP BY g.grp)""", [missing]).fetchone()
        return int(row[0]), int(row[1])

    def open_passage_documents(self) -> str:
        """Make a temporary table of the documents that have passages and return its name: dn (the document's
        row id), source and segments (its passages). Asked once, it spares each question about attributes,
        groups and sources a join of every segment with its document by 20-letter ids; drop it with
        :meth:`close_passage_documents`."""
        name = "_docs_" + uuid.uuid4().hex[:12]
        self.con.execute(
            f"""CREATE TEMP TABLE {name} AS
                SELECT d.rowid AS dn, d.source, s.segments
                FROM (SELECT doc_id, count(*) AS segments FROM segments GROUP BY doc_id) s
                JOIN documents d USING (doc_id)""")
        return name

    def close_passage_documents(self, name: str) -> None:
        """Drop a table of :meth:`open_passage_documents`."""
        self._drop_temp(name)

    @staticmethod
    def _with_passages(docs: str | None, alias: str = "d") -> str:
        """SQL condition: document ``alias`` has passages (by the table ``docs`` of :meth:`open_passage_documents`
        when given)."""
        if docs is None:
            return f"{alias}.doc_id IN (SELECT doc_id FROM segments)"
        return f"{alias}.rowid IN (SELECT dn FROM {docs})"

    def attribute_keys(self, docs: str | None = None) -> list[str]:
        """The metadata keys of the documents that have passages, in order of first appearance (documents by
        source and id, keys in their stored order). ``docs``: a table of :meth:`open_passage_documents`.

        The keys are read once per document, and documents with the same keys in the same order are taken
        together: a key's first appearance is the first document (by source and id) of the first list it is in."""
        return [r[0] for r in self.con.execute(
            f"""WITH lists AS (
                   SELECT json_keys(d.attrs) AS keys, min((d.source, d.doc_id)) AS first
                   FROM documents d
                   WHERE json_type(d.attrs) = 'OBJECT' AND {self._with_passages(docs)}
                   GROUP BY 1),
               k AS (SELECT first, unnest(keys) AS key, generate_subscripts(keys, 1) AS pos FROM lists)
               SELECT key FROM k GROUP BY key ORDER BY min((first, pos))""").fetchall()]

    def attribute_other_values(self, key: str, docs: str | None = None) -> list[str]:
        """The distinct values of metadata ``key`` (as JSON text) that are not null, text, integer or boolean.
        ``docs``: a table of :meth:`open_passage_documents`."""
        return [r[0] for r in self.con.execute(
            f"""SELECT DISTINCT CAST(v AS VARCHAR) FROM (
                    SELECT json_extract(d.attrs, ?) AS v FROM documents d
                    WHERE {self._with_passages(docs)})
                WHERE json_type(v) NOT IN ({_OTHER_THAN})
                ORDER BY 1""", [_json_pointer(key)]).fetchall()]

    def coded_group_table(self, handle: str, missing: str, *, key: str | None = None, column: str | None = None,
                          labels: dict[str, str] | Callable[[list[str]], dict[str, str]] | None = None,
                          docs: str | None = None) -> str:
        """Make a table (dn, grp, unvalued: no stored value) of every document with passages (``docs``: a table of
        :meth:`open_passage_documents`) and return its name: its group by metadata
        ``key`` or document ``column`` (question, source or kind). Text is stripped; null, missing or blank is
        ``missing``; an integer is its digits, a boolean True or False; other values (numbers with a fraction,
        lists, objects) are looked up in ``labels`` (JSON text: label), or, when ``labels`` is a function, in what
        it gives for the list of those values (:meth:`attribute_other_values`, read here from the values the
        table is made of instead of from every document's attributes again)."""
        tables = self._coded_tables[handle]
        name = f"{handle}_g{len(tables)}"
        miss = _sql_str(missing)
        join = ""
        if key is not None:  # each distinct value is labelled once, then joined back to its documents
            value = f"CAST(json_extract(d.attrs, {_sql_str(_json_pointer(key))}) AS VARCHAR)"
            raw = "CAST(v.raw AS JSON)"
            expr = f"""CASE WHEN json_type({raw}) = 'NULL' THEN {miss}
                            WHEN json_type({raw}) = 'VARCHAR' THEN
                                 coalesce(nullif({_as_value(_strip(_folded(raw + "->>'$'")))}, ''), {miss})
                            WHEN json_type({raw}) IN ('BIGINT', 'UBIGINT') THEN v.raw
                            WHEN json_type({raw}) = 'BOOLEAN' THEN
                                 CASE WHEN CAST({raw} AS BOOLEAN) THEN 'True' ELSE 'False' END
                            ELSE coalesce(m.label, {miss}) END"""
            join = "LEFT JOIN _labels_in m ON m.raw = v.raw"
        elif column in ("question", "source", "kind"):
            value = f"d.{column}"
            expr = f"coalesce(nullif({_strip(_folded('v.raw'))}, ''), {miss})"
        else:
            raise ValueError(f"a group is a metadata key or one of question, source, kind; got {column!r}")
        shown = (f"CASE json_type({raw}) WHEN 'VARCHAR' THEN {raw}->>'$' WHEN 'NULL' THEN NULL ELSE v.raw END"
                 if key is not None else "v.raw")
        # every document's stored value (one pass over the documents), each distinct value's group (few rows),
        # then every document's group through it
        self.con.execute(f"""CREATE TEMP TABLE {name}_raw AS SELECT d.rowid AS dn, {value} AS raw FROM documents d
                             WHERE {self._with_passages(docs)}""")
        try:
            if key is not None:
                if callable(labels):  # the values other than null, text, integer or boolean, as attribute_other_values
                    labels = labels([r[0] for r in self.con.execute(
                        f"""SELECT raw FROM (SELECT DISTINCT raw FROM {name}_raw) WHERE raw IS NOT NULL
                              AND json_type(CAST(raw AS JSON)) NOT IN ({_OTHER_THAN}) ORDER BY 1""").fetchall()])
                _labels_in = pd.DataFrame(  # read by name in the SQL below (see _BY_NAME)
                    {"raw": list((labels or {}).keys()), "label": list((labels or {}).values())}, dtype=object)
            self.con.execute(
                f"""CREATE TEMP TABLE {name}_labels AS
                    SELECT v.raw, {expr} AS grp, {shown} AS shown
                    FROM (SELECT DISTINCT raw FROM {name}_raw) v {join} WHERE v.raw IS NOT NULL""")
            tables.append(f"{name}_labels")
            self.con.execute(
                f"""CREATE TEMP TABLE {name} AS
                    SELECT r.dn, coalesce(l.grp, {miss}) AS grp, l.raw IS NULL AS unvalued
                    FROM {name}_raw r LEFT JOIN {name}_labels l ON l.raw = r.raw""")
            tables.append(name)
        finally:
            self._drop_temp(f"{name}_raw")
        return name

    def coded_group_merges(self, group: str, missing: str) -> pd.DataFrame:
        """The groups of a group table (:meth:`coded_group_table`) that more than one stored value went into:
        group and value (the stored text; None for documents without one, when the missing group also took a
        stored value), by group and value."""
        return self.con.execute(
            f"""WITH named AS (SELECT grp, shown FROM {group}_labels
                               UNION
                               SELECT {_sql_str(missing)}, NULL WHERE EXISTS (
                                   SELECT 1 FROM {group}_labels WHERE grp = {_sql_str(missing)})
                                 AND EXISTS (SELECT 1 FROM {group} WHERE unvalued))
                SELECT grp AS "group", shown AS value FROM named
                QUALIFY count(*) OVER (PARTITION BY grp) > 1
                ORDER BY grp, shown NULLS FIRST""").df()

    def coded_group_values(self, group: str) -> pd.DataFrame:
        """Every row of a group table: doc_id, group."""
        return self.con.execute(f"""SELECT d.doc_id, g.grp AS "group" FROM {group} g JOIN documents d ON d.rowid = g.dn
                                    ORDER BY d.doc_id""").df()

    def _support(self, handle: str, themes: list[str], filters: list[tuple[str, list[str]]]) -> tuple[str, list]:
        sql = f"SELECT rowid AS _row, * FROM {handle}_codes WHERE list_contains(?, theme)"
        params: list[Any] = [list(themes)]
        for table, values in filters:
            sql += f" AND dn IN (SELECT dn FROM {table} WHERE list_contains(?, grp))"
            params.append(list(values))
        return sql, params

    def coded_candidates(self, handle: str, themes: list[str], k: int, weights: tuple[float, float, float], *,
                         group: str | None = None, filters: list[tuple[str, list[str]]] = (),
                         first_theme: bool = False, testimonials: bool = False) -> pd.DataFrame:
        """Quote candidates: the ``k`` codes assigned of ``themes`` (per theme, and per group of the ``group``
        table) that score highest on ``weights`` = (confidence, readability, attributed), ties by segment id and
        coder, with their passage's and document's fields (seg_id, theme, confidence, coder, doc_id, seg_kind,
        start, end, text, speaker, source_ref, source, locator, question, doc_kind, attrs as JSON text,
        label[, group]).

        With ``filters`` [(group table, values)] only documents in those groups count; with ``first_theme`` a
        passage's codes of other themes than its first in the order of ``themes`` are left out and the ``k``
        are taken over all themes together (a claim's passages); with ``testimonials`` every testimonial among
        them comes too, however it scores.

        Readability needs the text, so it is worked out only where it can matter: the real scores of the
        ``PROBE * k`` codes of each part that look best by a cheap guess (the passage's ``shape`` for its
        readability) give a floor, the k-th best of them, that the k best must reach; each code's score with
        its passage's ``readmax`` (a ceiling on its readability, see :func:`_readability_ceiling`) bounds its
        real score from above, and only the codes whose bound reaches the floor are scored and ranked. The result is the same as ranking every code; the guess only decides how few are
        scored.

        One text takes at most ``COPIES`` of the ``k`` (an answer pasted into thousands of rows would fill them);
        so that copies do not fill the probe either, it takes one code per value of the guess (copies of a text
        coded alike share it), and the floor is the k-th best of the probe's codes within that limit, which the
        k best within it must reach as well."""
        wc, wr, wa = (float(w) for w in weights)
        k = int(k)
        support, params = self._support(handle, themes, filters)
        if first_theme:
            support = (f"SELECT * FROM ({support}) QUALIFY list_position(?, theme) = "
                       f"min(list_position(?, theme)) OVER (PARTITION BY sn)")
            params += [list(themes), list(themes)]
        join, gcol = self._coded_group(handle, group)
        keys = [] if first_theme else ["theme"] + (["grp"] if group else [])
        part = ", ".join(keys) if keys else "0"  # one part over every theme for a claim
        on = " AND ".join(f"b.{c} = f.{c}" for c in keys) or "true"
        attributed = "CAST(p.seg_kind = 'testimonial' AND p.has_speaker AS DOUBLE)"
        score = f"{wc} * p.confidence + {wr} * p.readability + {wa} * {attributed}"
        bound = f"{wc} * p.confidence + {wr} * p.readmax + {wa} * {attributed}"  # never below the score
        guess = f"{wc} * p.confidence + {wr} * p.shape + {wa} * {attributed}"  # a cheap guess at the score
        band = self._coded_band[handle]
        lead = part + ", " if keys else ""
        probe = _readability_sql(
            f"""SELECT t.*, b.seg_kind, b.confidence, b.has_speaker, s.text
                FROM (SELECT {lead}unnest(_rows) AS _row FROM (
                          SELECT {lead}arg_max(_row, _guess, {PROBE * k}) AS _rows
                          FROM (SELECT {lead}_guess, min(_row) AS _row FROM base GROUP BY ALL) GROUP BY ALL)) t
                JOIN base b USING (_row) JOIN segments s ON s.rowid = b.sn""", band)
        chosen = _readability_sql(
            f"""SELECT b.*, s.seg_id, s.doc_id, s.start, s."end", s.text, s.speaker, s.source_ref FROM base b
                LEFT JOIN floors f ON {on} JOIN segments s ON s.rowid = b.sn
                WHERE f.floor IS NULL OR b._bound >= f.floor
                      {"OR b.seg_kind = 'testimonial'" if testimonials else ""}""", band, once=True)
        keep = f"c.rk <= {k}" + (" OR c.seg_kind = 'testimonial'" if testimonials else "")
        # the same words coded many times (an answer pasted into thousands of rows, a sentence repeated in one
        # answer) take at most COPIES places, so that they cannot fill the k with one quote; a testimonial
        # asked for with ``testimonials`` comes however often its words recur
        def copies(tie: str) -> str:
            return (f"row_number() OVER (PARTITION BY {lead}p.text ORDER BY {score} DESC, {tie}) <= {COPIES}"
                    + (" OR p.seg_kind = 'testimonial'" if testimonials else ""))
        return self.con.execute(
            f"""WITH base AS (SELECT p.*{gcol}, {bound} AS _bound, {guess} AS _guess FROM ({support}) p {join}),
                probe AS ({probe}),
                floors AS (SELECT {lead}
                                  CASE WHEN count(*) >= {k} THEN list_min(max({score}, {k})) END AS floor
                           FROM (SELECT * FROM probe p QUALIFY {copies('p._row')}) p GROUP BY ALL),
                ranked AS (SELECT p.*, row_number() OVER ({"PARTITION BY " + part if keys else ""} ORDER BY
                                  {score} DESC, p.seg_id, p.cn) AS rk
                           FROM (SELECT * FROM ({chosen}) p QUALIFY {copies('p.seg_id, p.cn')}) p)
                SELECT c.seg_id, c.theme, c.confidence, k.coder, c.doc_id, c.seg_kind, c.start, c."end",
                       c.text, c.speaker, c.source_ref, d.source, d.locator, d.question, d.kind AS doc_kind,
                       CAST(d.attrs AS VARCHAR) AS attrs, c.label{', c.grp AS "group"' if group else ''}
                FROM ranked c JOIN documents d ON d.rowid = c.dn JOIN {handle}_coders k USING (cn)
                WHERE {keep}
                ORDER BY c.seg_id, c.theme, k.coder""", params).df()

    def coded_support_counts(self, handle: str, themes: list[str],
                             filters: list[tuple[str, list[str]]] = ()) -> dict[str, int]:
        """Passages, documents and sources with a code assigned of ``themes`` (in documents of ``filters``), and
        respondents: the documents, with all the paragraphs of one narrative source counted once, and the
        answers of one row of a table (its locator: ``row N`` or ``ID=value``) to several questions once."""
        support, params = self._support(handle, themes, filters)
        # respondents: a row's answers (a document per question) once, a report's paragraphs (narrative
        # documents) once per source
        row = self.con.execute(f"""SELECT count(DISTINCT p.sn), count(DISTINCT p.dn), count(DISTINCT p.src),
                                          count(DISTINCT (p.src, CASE WHEN d.kind = 'narrative' THEN NULL
                                                                      ELSE d.locator END))
                                   FROM ({support}) p JOIN documents d ON d.rowid = p.dn""", params).fetchone()
        return {"segments": int(row[0]), "documents": int(row[1]), "sources": int(row[2]),
                "respondents": int(row[3])}

    def coded_support_letters(self, handle: str, themes: list[str], filters: list[tuple[str, list[str]]] = (),
                              seg_ids: Sequence[str] = ()) -> pd.DataFrame:
        """The entries of sources lists that the markers of the testimonials ``seg_ids`` resolve to (seg_id, source,
        position: one row per testimonial and entry; a testimonial whose marker resolves to none has no row), each
        with ``counted``: whether a letter linked to the entry has a passage with a code assigned of ``themes`` (in
        documents of ``filters``) in its own file, which the support's sources count already. A store without
        letters (schema before 5) counts none. A Word document's note in the very words of its list's entry naming
        a letter (``Letter from the Chief Executive, ...`` as footnote 1 and as [5.2]) is that entry, so a marker of
        the note is ``counted`` as the entry's is. ``text``: the entry's text, where the link names it."""
        columns = ["seg_id", "source", "position", "text", "counted"]
        if not len(seg_ids):
            return pd.DataFrame(columns=columns).astype({"counted": bool})
        if self.schema_version() < 5:  # (opened read-only before its migration: every link is a marker's)
            named = "text" if self.schema_version() >= 4 else "CAST(NULL AS VARCHAR) AS text"
            return self.con.execute(
                f"""SELECT DISTINCT seg_id, source, position, {named}, false AS counted FROM segment_sources
                   WHERE seg_id IN (SELECT unnest(?)) ORDER BY seg_id, source, position""", [list(seg_ids)]).df()
        support, params = self._support(handle, themes, filters)
        # a link made before links named their entry's text names whichever entry is at its place
        return self.con.execute(
            f"""WITH supported AS (SELECT DISTINCT o.source FROM ({support}) p JOIN {handle}_sources o USING (src)),
                cited AS (SELECT DISTINCT seg_id, source, position, text FROM segment_sources
                          WHERE seg_id IN (SELECT unnest(?)) AND how IS DISTINCT FROM 'letter'),
                letter_files AS (SELECT DISTINCT k.source, k.position, k.text, l.source AS file
                                 FROM segment_sources k JOIN letters l USING (seg_id) WHERE k.how = 'letter')
                SELECT c.seg_id, c.source, c.position, min(c.text) AS text,
                       coalesce(bool_or(f.file IN (SELECT source FROM supported)), false) AS counted
                FROM cited c LEFT JOIN letter_files f
                     ON f.source = c.source
                        AND ((f.position = c.position AND (c.text IS NULL OR f.text IS NULL OR f.text = c.text))
                             OR (length(trim(c.text)) >= {SAME_WORDS_MIN} AND f.text = c.text))
                GROUP BY c.seg_id, c.source, c.position
                ORDER BY c.seg_id, c.source, c.position""", [*params, list(seg_ids)]).df()

    def coded_support_reach(self, handle: str, themes: list[str],
                            filters: list[tuple[str, list[str]]] = ()) -> pd.DataFrame:
        """Reach figures inside passages with a code assigned of ``themes`` (in documents of ``filters``): doc_id,
        text, value, unit, start, end, source, locator."""
        support, params = self._support(handle, themes, filters)
        return self.con.execute(
            f"""WITH segs AS (SELECT DISTINCT s.doc_id, s.start, s."end" FROM ({support}) p
                              JOIN segments s ON s.rowid = p.sn)
                SELECT DISTINCT r.doc_id, r.text, r.value, r.unit, r.start, r."end", d.source, d.locator
                FROM reach r JOIN segs x ON x.doc_id = r.doc_id AND r.start < x."end" AND x.start < r."end"
                JOIN documents d ON d.doc_id = r.doc_id
                ORDER BY d.source, d.locator, r.start, r."end", r.doc_id""", params).df()

    def coded_theme_passages(self, handle: str, theme: str, limit: int) -> tuple[int, pd.DataFrame]:
        """(rows assigned ``theme``, up to ``limit`` of them: seg_id, text), in the order of source, document,
        offset and segment. Past ``limit`` the rows are a fixed sample (by a hash of the segment id)."""
        total = int(self.con.execute(f"SELECT count(*) FROM {handle}_codes WHERE theme = ?", [theme]).fetchone()[0])
        sample = "" if total <= limit else f"ORDER BY hash(s.seg_id), s.seg_id, k.coder LIMIT {int(limit)}"
        rows = self.con.execute(
            f"""WITH p AS (SELECT s.seg_id, s.doc_id, s.start, s.text, k.coder, p.src
                           FROM {handle}_codes p JOIN segments s ON s.rowid = p.sn JOIN {handle}_coders k USING (cn)
                           WHERE p.theme = ? {sample})
                SELECT p.seg_id, p.text FROM p JOIN {handle}_sources o USING (src)
                ORDER BY o.source, p.doc_id, p.start, p.seg_id, p.coder""", [theme]).df()
        return total, rows

    def coded_theme_passages_each(self, handle: str, themes: list[str], limit: int) -> dict[str, tuple[int, pd.DataFrame]]:
        """:meth:`coded_theme_passages` of each of ``themes``, in one query: {theme: (rows assigned it, up to
        ``limit`` of them)}, each the same rows in the same order as asking about the theme alone. The rows of a
        theme with more than ``limit`` are the ``limit`` first by the same hash, picked per theme in one pass over
        the codes instead of one pass per theme."""
        themes = list(dict.fromkeys(themes))
        if not themes:
            return {}
        limit = int(limit)
        totals = dict(self.con.execute(
            f"SELECT theme, count(*) FROM {handle}_codes WHERE list_contains(?, theme) GROUP BY theme",
            [themes]).fetchall())
        whole = [t for t in themes if totals.get(t, 0) <= limit]
        sampled = [t for t in themes if totals.get(t, 0) > limit]
        rows = self.con.execute(
            f"""WITH c AS (SELECT p.theme, p.sn, p.src, s.seg_id, k.coder FROM {handle}_codes p
                           JOIN segments s ON s.rowid = p.sn JOIN {handle}_coders k USING (cn)
                           WHERE list_contains(?, p.theme)),
                chosen AS (SELECT theme, sn, src, coder FROM c WHERE list_contains(?, theme)
                           UNION ALL
                           SELECT theme, r.sn, r.src, r.coder FROM (
                               SELECT theme, unnest(min_by({{'sn': sn, 'src': src, 'coder': coder}},
                                                           (hash(seg_id), seg_id, coder), {limit})) AS r
                               FROM c WHERE list_contains(?, theme) GROUP BY theme))
                SELECT ch.theme, s.seg_id, s.text FROM chosen ch JOIN segments s ON s.rowid = ch.sn
                JOIN {handle}_sources o USING (src)
                ORDER BY ch.theme, o.source, s.doc_id, s.start, s.seg_id, ch.coder""",
            [themes, whole, sampled]).df()
        out = {}
        for theme in themes:
            part = rows[rows["theme"] == theme]
            out[theme] = (int(totals.get(theme, 0)), part[["seg_id", "text"]].reset_index(drop=True))
        return out

    def coded_sources(self, handle: str, docs: str | None = None) -> pd.DataFrame:
        """Per source: documents and segments stored (those with passages), documents coded. ``docs``: a table
        of :meth:`open_passage_documents`."""
        stored = (f"SELECT source, count(*) AS documents, sum(segments) AS segments FROM {docs} GROUP BY source"
                  if docs is not None else
                  """SELECT d.source, count(DISTINCT s.doc_id) AS documents, count(DISTINCT s.seg_id) AS segments
                     FROM segments s JOIN documents d USING (doc_id) GROUP BY d.source""")
        return self.con.execute(
            f"""WITH stored AS ({stored}),
                coded AS (SELECT o.source, count(DISTINCT c.dn) AS documents_coded FROM {handle}_coded c
                          JOIN {handle}_sources o USING (src) GROUP BY o.source)
                SELECT s.source, CAST(s.documents AS BIGINT) AS documents, CAST(s.segments AS BIGINT) AS segments,
                       coalesce(c.documents_coded, 0) AS documents_coded
                FROM stored s LEFT JOIN coded c USING (source) ORDER BY s.source""").df()

    def coded_coders(self, handle: str) -> pd.DataFrame:
        """Coded segments per coder whose codes are in use: coder, segments (a segment several coders coded counts
        for each of them)."""
        if f"{handle}_coder_counts" in self._coded_tables.get(handle, []):
            return self.con.execute(f"SELECT coder, segments FROM {handle}_coder_counts ORDER BY coder").df()
        return self.con.execute(
            f"""SELECT k.coder, count(*) AS segments FROM {handle}_coded c JOIN {handle}_coders k USING (cn)
                GROUP BY k.coder ORDER BY k.coder""").df()


# The JSON types of attribute values the store labels itself (see Store.coded_group_table); the others are
# labelled in Python.
_OTHER_THAN = "'NULL', 'VARCHAR', 'BIGINT', 'UBIGINT', 'BOOLEAN'"
#: Quote candidates: how many codes per part (times k) are scored to find the floor the best k must reach.
PROBE = 2
# Quote candidates with the same text that Store.coded_candidates keeps at most (per theme and group): a copy of
# a report read from two files still comes, so that its sentences are known to be the kept quote's words again.
COPIES = 3
# A passage's shape: a cheap guess at its readability from its length and its first and last characters (it only
# orders the passages whose readability is worked out first, see Store.coded_candidates).
_SHAPE = """(0.6 * CAST(length(s.text) BETWEEN 40 AND 350 AS DOUBLE)
             + 0.2 * CAST(ascii(s.text) BETWEEN 48 AND 57 OR ascii(s.text) BETWEEN 65 AND 90 AS DOUBLE)
             + 0.2 * CAST(s.kind = 'testimonial' OR regexp_matches(s.text, '[.!?]$') AS DOUBLE))"""

# Each segment's sentiment: a human label where there is one, else the most recent machine label (its label
# alone, or its label and score).
_HUMAN_THEN_LATEST = f"(starts_with(coder, '{HUMAN_PREFIX}'), run_id)"
_EFFECTIVE_LABEL = f"SELECT seg_id, arg_max(label, {_HUMAN_THEN_LATEST}) AS label FROM sentiment GROUP BY seg_id"
_EFFECTIVE_SENTIMENT = f"""SELECT seg_id, arg_max(label, {_HUMAN_THEN_LATEST}) AS label,
                                 arg_max(score, {_HUMAN_THEN_LATEST}) AS score
                          FROM sentiment GROUP BY seg_id"""

# The characters Python's str.strip() and regular expressions take for white space (RE2's \s is ASCII only).
_SPACE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace()) + "]"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Text that white-space collapsing would change: white space other than a single space between words.
_UNEVEN_SPACE = _SPACE.replace("\\x{20}", "") + "|  |^ | $"
# Readability: a quote starts with a capital, a digit or a Han, kana or Hangul letter (after an opening mark), ends
# with a stop (and a closing mark).
_READ_START = "^" + _SPACE + f"*[\"'\u201c\u2018(\u300c\u300e\uff08]?[A-Z0-9{HAN_LETTERS}{KANA_LETTERS}\uac00-\ud7af]"
_READ_END = "[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\u300d\u300f\uff09]?" + _SPACE + "*$"
# Words of Chinese and Japanese (evalnlp.nlp.word_count): each Han character, each run of kana, and each run of
# other characters between spaces and them that holds a letter or a digit.
_UNSPACED = f"[{HAN_LETTERS}{KANA_LETTERS}]"
_KANA_RUN = f"[{KANA_LETTERS}]+"
_OTHER_WORD = (f"[^ {HAN_LETTERS}{KANA_LETTERS}]*(?:[^\\PL{HAN_LETTERS}{KANA_LETTERS}]|[^\\PN{HAN_LETTERS}{KANA_LETTERS}])"
               f"[^ {HAN_LETTERS}{KANA_LETTERS}]*")


def _readability_sql(source: str, word_band: tuple[float, float], *, once: bool = False) -> str:
    """SQL: the rows of ``source`` (a SELECT with columns ``text`` and ``seg_kind``) with the ``readability`` of
    their text, the rule of :func:`evalnlp.quotes.readability` on the text with white space collapsed. With
    ``once``, each distinct text (and kind) is read once and its readability joined to its rows: for sources
    where many rows share their words."""
    if once:
        each = _readability_sql("SELECT DISTINCT text, seg_kind FROM _src", word_band)
        return f"""WITH _src AS ({source}), _each AS ({each})
                   SELECT _src.*, _each.readability FROM _src JOIN _each USING (text, seg_kind)"""
    low, high = (float(x) for x in word_band)
    return f"""
        WITH q0 AS (SELECT *, CASE WHEN regexp_matches(text, {_sql_str(_UNEVEN_SPACE)})  -- most need no rewriting
                                   THEN trim({_collapse("text")}) ELSE text END AS _q FROM ({source})),
        q AS (SELECT * REPLACE (CASE WHEN {_furnished("_q")}  -- "... Sent from my iPhone": not the answer's words
                                     THEN regexp_replace(_q, {_sql_str(MAIL_FURNITURE)}, '') ELSE _q END AS _q)
              FROM q0),
        m AS (SELECT *, CAST(CASE WHEN _q = '' THEN 0
                                  WHEN regexp_matches(_q, {_sql_str(_UNSPACED)})  -- Chinese, Japanese: no spaces
                                  THEN length(_q) - length(regexp_replace(_q, {_sql_str(f"[{HAN_LETTERS}]")}, '', 'g'))
                                       + len(regexp_extract_all(_q, {_sql_str(_KANA_RUN)}))
                                       + len(regexp_extract_all(_q, {_sql_str(_OTHER_WORD)}))
                                  ELSE len(string_split(_q, ' ')) END AS DOUBLE) AS _words,
                     CASE WHEN regexp_matches(_q, '[A-Z](?:[^A-Z]*[A-Z]){{5}}')  -- 6 capitals or more
                          THEN CAST(length(_q) - length(translate(_q, '{_UPPER}', '')) AS DOUBLE)
                          ELSE 0.0 END AS _upper
              FROM q),
        m2 AS (SELECT *, CASE WHEN _upper >= 6  -- at least 6 capitals, or it cannot be shouting
                              THEN CAST(length(_q) - length(translate(_q, '{_UPPER}{_UPPER.lower()}', '')) AS DOUBLE)
                              ELSE 0.0 END AS _letters
               FROM m)
        SELECT * EXCLUDE (_q, _words, _upper, _letters),
               round((0.6 * CASE WHEN _words < {low} THEN _words / {low}
                                 WHEN _words > {high} THEN least(greatest(1 - (_words - {high}) / {high}, 0), 1)
                                 ELSE 1.0 END
                      + 0.2 * CAST(regexp_matches(_q, {_sql_str(_READ_START)}) AS DOUBLE)
                      + 0.2 * CAST(seg_kind = 'testimonial' OR regexp_matches(_q, {_sql_str(_READ_END)}) AS DOUBLE))
                     * CASE WHEN _letters >= 8 AND _upper > 0.7 * _letters THEN 0.4 ELSE 1.0 END
                     * CASE WHEN regexp_matches(_q, {_sql_str(CONTACT_DETAIL)})  -- a signature, a contact line
                                 AND NOT regexp_matches(_q, {_sql_str(_UNSPACED)})
                                 AND len(list_filter(string_split(_q, ' '),
                                                     lambda _w: regexp_full_match(_w, {_sql_str(ORDINARY_WORD)})))
                                     < {CONTACT_LINE_WORDS}
                            THEN {CONTACT_FACTOR} ELSE 1.0 END, 6) AS readability
        FROM m2"""


def _furnished(expr: str) -> str:
    """SQL: may text ``expr`` end in mail furniture (see :data:`evalnlp.util.MAIL_FURNITURE`)?"""
    return "(" + " OR ".join(f"contains({expr}, {_sql_str(w)})" for w in FURNITURE_WORDS) + ")"


def _readability_ceiling(text: str, kind: str, word_band: tuple[float, float]) -> str:
    """SQL: a number never below the readability of ``text`` (of segment kind ``kind``), from its length and its
    first and last characters only (the last read by an expression anchored at the end, which looks at no more of
    the text). The rule's text has its white space collapsed, so it has at most (length + 1) / 2 words, or in
    Chinese and Japanese, where a character may be a word, as many as its length (looked for only in a text too
    short to have enough words otherwise); a text that begins with a small letter a-z fails the start mark, one
    that ends with an ASCII letter or digit (not a testimonial) fails the end mark. A millionth covers rounding."""
    low = float(word_band[0])
    return f"""least(1.0, 0.6 * least(1.0, CASE WHEN length({text}) + 1 >= 2 * {low} THEN 1.0
                                                WHEN regexp_matches({text}, {_sql_str(_UNSPACED)})
                                                THEN length({text}) / {low}
                                                ELSE (length({text}) + 1) / 2 / {low} END)
                        + 0.2 * CAST(NOT (ascii({text}) BETWEEN 97 AND 122) AS DOUBLE)
                        + 0.2 * CAST({kind} = 'testimonial' OR NOT regexp_matches({text}, '[A-Za-z0-9]$')
                                     OR {_furnished(text)} AS DOUBLE)
                        + 0.000001)"""


def _collapse(expr: str) -> str:
    """SQL: ``expr`` with each run of white space made one space."""
    return f"regexp_replace({expr}, '{_SPACE}+', ' ', 'g')"


def _folded(expr: str) -> str:
    """SQL: text ``expr`` as a group reads it: letters in one Unicode form (NFC: ``y`` and a combining
    circumflex are ``ŷ``) and no-break spaces as spaces, as :func:`evalnlp.corpus.group_label` does."""
    return f"nfc_normalize(replace({expr}, chr(160), ' '))"


def _as_value(expr: str) -> str:
    """SQL: stripped text ``expr`` as the value it writes, as :func:`evalnlp.corpus.group_label` reads it:
    ``true``/``TRUE`` is ``True``, ``false`` is ``False``, a whole number written with a zero fraction
    (``3.0``) is its digits."""
    return (f"CASE WHEN lower({expr}) = 'true' THEN 'True' WHEN lower({expr}) = 'false' THEN 'False' "
            f"WHEN regexp_full_match({expr}, '-?[0-9]+\\.0+') THEN regexp_replace({expr}, '\\.0+$', '') "
            f"ELSE {expr} END")


def _strip(expr: str) -> str:
    """SQL: ``expr`` without white space at either end (as Python's str.strip)."""
    return f"regexp_replace({expr}, '^{_SPACE}+|{_SPACE}+$', '', 'g')"


def _json_pointer(key: str) -> str:
    """The JSON pointer of a top-level ``key``."""
    return "/" + str(key).replace("~", "~0").replace("/", "~1")


def _named_codes(renamed: dict[str, str] | None) -> str:
    """SQL standing for the ``codes`` table, with the codes stored under a theme's earlier name read as that theme
    (``renamed``: stored name -> theme id, see :meth:`evalnlp.codebook.Codebook.renamed_themes`)."""
    if not renamed:
        return "codes"
    pairs = ", ".join(f"({_sql_str(old)}, {_sql_str(new)})" for old, new in renamed.items())
    # where the coder also has a code of the theme's id on the passage, that later decision is the one read
    return (f"(SELECT c.seg_id, coalesce(r.theme, c.theme) AS theme, c.score, c.assigned, c.coder, c.run_id "
            f"FROM codes c LEFT JOIN (VALUES {pairs}) r(old, theme) ON r.old = c.theme "
            f"WHERE r.old IS NULL OR NOT EXISTS (SELECT 1 FROM codes n WHERE n.seg_id = c.seg_id "
            f"AND n.coder = c.coder AND n.theme = r.theme)) AS codes")


def _not_of_other_codebook(codebook_id: str | None) -> str:
    """SQL to add to a WHERE over ``codes c``: leave out the codes of runs made with a codebook other than
    ``codebook_id`` (nothing when it is None). Codes of runs that record no codebook, or of no recorded run, stay."""
    if codebook_id is None:
        return ""
    return (f"AND c.run_id NOT IN (SELECT run_id FROM runs WHERE codebook_id IS NOT NULL "
            f"AND codebook_id <> {_sql_str(codebook_id)})")


def _of_codebook(codebook_id: str | None, codebook_sha256: str | None = None) -> str:
    """SQL to add to a WHERE over ``codes``: only codes of runs made with codebook ``codebook_id``, or of runs that
    record no codebook (nothing when ``codebook_id`` is None). With ``codebook_sha256``, a machine coder's codes
    count only from runs made with that version of the codebook (or that record no version): a run with an
    edited codebook of the same id decided other themes, or the same ids defined otherwise, so its codes and
    an earlier version's are not one coding. A person's codes count whichever version they were made with."""
    if codebook_id is None:
        return ""
    runs = f"SELECT run_id FROM runs WHERE codebook_id IS NULL OR codebook_id = {_sql_str(codebook_id)}"
    if codebook_sha256 is None:
        return f" AND run_id IN ({runs})"
    same = (f"SELECT run_id FROM runs WHERE codebook_id IS NULL OR (codebook_id = {_sql_str(codebook_id)} AND "
            f"(codebook_sha256 IS NULL OR codebook_sha256 = {_sql_str(codebook_sha256)}))")
    return f" AND (run_id IN ({same}) OR (starts_with(coder, '{HUMAN_PREFIX}') AND run_id IN ({runs})))"


def _effective_sql(pool: str) -> str:
    """The effective codes among ``pool`` (a SELECT over codes): every human code, and the codes of the latest
    machine run of each segment for the themes no human decided on that stretch of text (see
    :meth:`Store.effective_codes`). A person who coded some themes only (``codes import --labels``) replaces the
    machine's codes for those themes, not for the others."""
    return f"""
        WITH pool AS ({pool}),
        human_spans AS (
            SELECT DISTINCT s.doc_id, s.start, s."end", p.theme FROM pool p JOIN segments s USING (seg_id)
            WHERE starts_with(p.coder, '{HUMAN_PREFIX}')),
        covered AS (
            SELECT DISTINCT s.seg_id, h.theme FROM segments s JOIN human_spans h
              ON s.doc_id = h.doc_id AND h.start <= s.start AND s."end" <= h."end"),
        latest AS (
            SELECT seg_id, arg_max(run_id, run_id) AS run_id FROM pool
            WHERE NOT starts_with(coder, '{HUMAN_PREFIX}')
            GROUP BY seg_id)
        SELECT c.* FROM pool c WHERE starts_with(c.coder, '{HUMAN_PREFIX}')
        UNION ALL
        SELECT c.* FROM pool c JOIN latest l ON c.seg_id = l.seg_id AND c.run_id = l.run_id
        ANTI JOIN covered v ON v.seg_id = c.seg_id AND v.theme = c.theme"""


# A segment's id: a hash of its document, kind and offsets (``kind`` is a column or a quoted literal).
_SEG_ID = """substr(md5(concat_ws(':', doc_id, {kind}, CAST(start AS VARCHAR), CAST("end" AS VARCHAR))), 1, 20)"""


#: A DuckDB size: a number and a decimal (``KB`` ... ``TB``) or binary (``KiB`` ... ``TiB``) unit, any case.
_SIZE = r"(\d+(?:\.\d+)?)\s*([KMGT]i?B)"


#: The temporary folders of input rows (:meth:`Store.remember_rows`) are named with this prefix and their owner
#: (:func:`_row_dir_owner`), so that one left by a process that was killed can be told from one in use.
_ROW_DIR_PREFIX = ".evalnlp-rows-"


def _row_dir_owner(pid: int | None = None) -> str:
    """``PID@HOST``: the process and (a short hash of) the machine that made a row folder; a folder on a shared
    drive may belong to a process of another machine, which this one cannot see."""
    import hashlib
    import socket

    host = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
    return f"{os.getpid() if pid is None else pid}@{host}"


def _sweep_row_dirs(folder: Path) -> None:
    """Delete the row folders in ``folder`` whose process (of this machine) has ended without deleting them
    (killed, or stopped by the system for want of memory): each holds a copy of an input's cells, about its size,
    and nothing else would ever remove it. A folder of a process still running (another store's command in the
    same folder), of another machine, or named otherwise is kept."""
    import shutil

    host = _row_dir_owner().split("@", 1)[1]
    for path in folder.glob(f"{_ROW_DIR_PREFIX}*@{host}-*"):
        pid = path.name[len(_ROW_DIR_PREFIX):].split("@", 1)[0]
        if not pid.isdigit() or not path.is_dir() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except (PermissionError, OSError):  # another user's process, or a check this system cannot make
            continue


class _ClosedConnection:
    """What a closed store's ``con`` is: using it raises E412 (a clear error instead of DuckDB's own)."""

    def __init__(self, path: str):
        self._path = path

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise errors.error("E412", path=self._path)


def _memory_limit() -> str:
    """``$EVALNLP_MEMORY_LIMIT`` (a DuckDB size such as ``2GB``), default 1GB."""
    import re

    value = os.environ.get("EVALNLP_MEMORY_LIMIT", "1GB").strip()
    if not re.fullmatch(_SIZE, value, re.IGNORECASE):
        raise errors.error("E409", value=value)
    return value


#: The least memory DuckDB is left while it writes an output file (see Store.output_pages): below about this, a
#: million documents' codes cannot be counted in one pass.
OUTPUT_MEMORY_FLOOR = 512 * 2**20

#: A read-only store's working memory (what the read commands use): sorts and hash tables get a quarter of the
#: memory limit before they spill (the rest is left for the temporary tables of the coded corpus and the pages read),
#: and memory DuckDB frees goes back to the system soon after (a read command loads its embedding and redaction
#: models only once the store has answered, see evalnlp.corpus.Corpus.prefetch).
OPERATOR_SHARE = 4


def _read_settings() -> dict[str, str]:
    """DuckDB settings of a read-only store: ``operator_memory_limit`` a quarter (:data:`OPERATOR_SHARE`) of the
    memory limit, freed memory flushed past 16MB by the allocator's background threads."""
    return {"operator_memory_limit": f"'{_size_bytes(_memory_limit()) // OPERATOR_SHARE}B'",
            "allocator_flush_threshold": "'16MB'",
            "allocator_background_threads": "true"}


def _size_bytes(value: str) -> int:
    """Bytes of a DuckDB size such as ``1GB``, ``500 MB`` or ``2GiB`` (as :func:`_memory_limit` accepts)."""
    import re

    number, unit = re.fullmatch(_SIZE, value.strip(), re.IGNORECASE).groups()
    unit = unit.upper()
    base = 1024 if "I" in unit else 1000
    return int(float(number) * base ** "KMGT".index(unit[0]) * base)


def _natural(column: str) -> str:
    """ORDER BY terms for the natural order of a text column: "row 9" before "row 10" before "row 1333".
    Values are ordered by their text with the numbers blanked out, then by their numbers, then as text."""
    return (f"regexp_replace({column}, '[0-9]+', '#', 'g'), "
            f"CAST(regexp_extract_all({column}, '[0-9]+') AS DOUBLE[]), {column}")


# A document's sentiment from ``label_counts`` (doc_id, label, n: its segments' labels): ``mixed`` when they
# include positive and negative, else the most frequent label; a tie goes to the more telling label.
_DOC_SENTIMENT_SQL = """SELECT doc_id,
       CASE WHEN bool_or(label = 'positive') AND bool_or(label = 'negative') THEN 'mixed'
            ELSE arg_max(label, n * 10 + CASE label WHEN 'mixed' THEN 3 WHEN 'negative' THEN 2
                                                    WHEN 'positive' THEN 1 ELSE 0 END) END AS sentiment
    FROM label_counts GROUP BY doc_id"""


@dataclass
class OutputPlan:
    """The shape of a table of coded documents (:meth:`Store.output_plan`)."""

    n: int  # documents
    attrs: list[tuple[str, bool]]  # metadata attribute names, each with whether all its values are text
    questions: list[str]  # the questions the documents' texts answer (tabular input: its text columns)


def _output_filter(sources: list[str] | None, read: bool) -> str:
    """SQL that holds for the ``doc_id`` of a document of the output: one this command read (``read``), one of
    ``sources``, or any."""
    if read:
        return f"{_doc_key('doc_id')} IN (SELECT doc_key FROM _read_docs)"
    if sources is not None:
        return ("doc_id IN (SELECT doc_id FROM documents WHERE source IN ("
                + (", ".join(_sql_str(x) for x in sources) or "NULL") + "))")
    return "TRUE"


def _json_get(column: str, key: str, *, text: bool, raw: bool = False) -> str:
    """SQL for the value under ``key`` of the JSON object in ``column``: as text (a JSON string's content) when
    ``text``, else as JSON text (as JSON with ``raw``); NULL when missing or null."""
    op = "->>" if text else "->"
    if not key.startswith(("$", "/")):
        expr = f"{column}{op}{_sql_str(key)}"  # a plain string is the key itself
    elif '"' not in key:
        expr = f"""{column}{op}{_sql_str('$."' + key + '"')}"""
    else:
        expr = f"""json_transform({column}, '"MAP(VARCHAR, JSON)"')[{_sql_str(key)}]{op}'$'"""
    return expr if text or raw else f"CAST({expr} AS VARCHAR)"


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _sql_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
