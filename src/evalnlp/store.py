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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd

from evalnlp.errors import StoreError
from evalnlp.schema import HUMAN_PREFIX, SCHEMA_VERSION

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
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def default_path() -> str:
    """The store path used when none is given: ``$EVALNLP_DB`` or ``./evalnlp.duckdb``."""
    return os.environ.get("EVALNLP_DB") or DEFAULT_DB


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape results, recorded with every run."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("evalnlp", "duckdb", "pandas", "numpy", "scikit-learn", "spacy", "model2vec"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


class Store:
    """A project store on disk. Open with ``Store(path)``; close with :meth:`close` or ``with``."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = str(path) if path is not None else default_path()
        p = Path(self.path)
        if p.is_dir():
            raise StoreError("E401", f"the store path {self.path!r} is a directory; expected a DuckDB file. "
                             "Give a file name, e.g. --db project.duckdb")
        if read_only and not p.exists():
            raise StoreError("E404", f"no project store at {self.path!r}. Run `evalnlp ingest FILE` first, "
                             "or pass --db with the path of an existing store")
        if p.exists() and p.stat().st_size > 0:
            with open(p, "rb") as fh:
                head = fh.read(16)
            if b"DUCK" not in head:
                raise StoreError("E401", f"{self.path!r} is not a DuckDB project store (found other content). "
                                 "Pass --db with a new or existing .duckdb file")
        if p.parent and not p.parent.exists():
            raise StoreError("E405", f"the folder {str(p.parent)!r} for the store does not exist; create it first")
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError("E403", f"cannot open the store {self.path!r}: {exc}. If another evalnlp command "
                             "or a notebook holds it open, close that first") from None
        except duckdb.Error as exc:
            raise StoreError("E401", f"cannot open the store {self.path!r}: {exc}") from None
        self._in_tx = False
        # DuckDB's buffer cache would otherwise grow to most of the machine's memory on large runs; past this
        # limit it evicts pages and spills to a temporary folder beside the store instead.
        self.con.execute(f"SET memory_limit = '{_memory_limit()}'")
        try:  # the library never prints; in Jupyter DuckDB refuses the setting unless ipywidgets is installed
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error:
            pass
        if not read_only:
            self._migrate()
        else:
            self._check_version()

    # ---- lifecycle -------------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

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
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_tx = False

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
        if not exists:
            return 0
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError("E402", f"the store {self.path!r} has schema version {version}, newer than this "
                             f"evalnlp understands ({SCHEMA_VERSION}). Upgrade evalnlp: pip install -U evalnlp")
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
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            self.con.execute("INSERT INTO meta SELECT 'store_id', ? WHERE NOT EXISTS "
                             "(SELECT 1 FROM meta WHERE key = 'store_id')", [uuid.uuid4().hex])

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
                  codebook_sha256: str | None = None, model_sha256: str | None = None) -> str:
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 'running', 0, 0, 0)",
            [run_id, command, json.dumps(args, default=str, sort_keys=True), codebook_id, codebook_sha256,
             model_sha256, json.dumps(package_versions(), sort_keys=True), _now()],
        )
        return run_id

    def update_run(self, run_id: str, **fields: Any) -> None:
        allowed = {"codebook_id", "codebook_sha256", "model_sha256"}
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(f"cannot update run field {key!r}")
            self.con.execute(f"UPDATE runs SET {key} = ? WHERE run_id = ?", [value, run_id])

    def finish_run(self, run_id: str, *, n_in: int, n_ok: int, n_rejected: int, status: str = "ok") -> None:
        if n_in != n_ok + n_rejected:
            raise StoreError("E410", f"run {run_id} counts do not add up: n_in={n_in} but n_ok={n_ok} + "
                             f"n_rejected={n_rejected}. This is a bug in evalnlp; please report it")
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, n_in = ?, n_ok = ?, n_rejected = ? WHERE run_id = ?",
            [_now(), status, int(n_in), int(n_ok), int(n_rejected), run_id],
        )

    def add_rejects(self, run_id: str, frame: pd.DataFrame) -> int:
        """Append rejects; ``frame`` has columns source, locator, code, reason."""
        if frame.empty:
            return 0
        rej = frame[["source", "locator", "code", "reason"]]
        self.con.register("_rej", rej)
        try:
            self.con.execute("INSERT INTO rejects SELECT ?, source, locator, code, reason FROM _rej", [run_id])
        finally:
            self.con.unregister("_rej")
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
        qualify = "QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY locator) = 1" if dedupe else ""
        self.con.register("_docs", frame)
        try:
            result = self.con.execute(
                f"""
                INSERT INTO documents
                SELECT d.* FROM (
                    SELECT substr(md5(concat_ws(chr(31), source, locator, coalesce(question, ''), text)), 1, 20)
                               AS doc_id,
                           source, locator, kind, question, text, {attrs_sql} AS attrs, ? AS run_id
                    FROM _docs {qualify}
                ) d
                ANTI JOIN documents USING (doc_id)
                {"RETURNING doc_id, text, kind" if returning else ""}
                """,
                [run_id],
            )
            return result.df() if returning else int(result.fetchone()[0])
        finally:
            self.con.unregister("_docs")

    def segment_whole_documents(self, run_id: str) -> int:
        """Give every document of ``run_id`` that has no segment yet one ``response`` segment: its whole text."""
        return int(self.con.execute(
            """
            INSERT INTO segments
            SELECT substr(md5(concat_ws(':', doc_id, 'response', '0', CAST(length(text) AS VARCHAR))), 1, 20),
                   doc_id, 'response', 0, length(text), text, NULL, NULL
            FROM documents d
            WHERE run_id = ? AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id)
            """, [run_id]).fetchone()[0])

    def unsegmented_documents(self, run_id: str) -> pd.DataFrame:
        """Documents of ``run_id`` without segments yet: doc_id, text (in insertion order)."""
        return self.con.execute(
            """SELECT doc_id, text FROM documents d
               WHERE run_id = ? AND NOT EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id)
               ORDER BY rowid""", [run_id]).df()

    def doc_ids_by_locator(self, source: str) -> dict[str, str]:
        df = self.con.execute("SELECT locator, doc_id FROM documents WHERE source = ?", [source]).df()
        return dict(zip(df["locator"], df["doc_id"]))

    def insert_segments(self, frame: pd.DataFrame) -> int:
        """Insert segments (doc_id, kind, start, end, text, speaker, source_ref); seg_id is derived here."""
        if frame.empty:
            return 0
        seg = frame[["doc_id", "kind", "start", "end", "text", "speaker", "source_ref"]]
        self.con.register("_segs", seg)
        try:
            n = self.con.execute(
                """
                INSERT INTO segments
                SELECT s.* FROM (
                    SELECT substr(md5(concat_ws(':', doc_id, kind, CAST(start AS VARCHAR), CAST("end" AS VARCHAR))),
                                  1, 20) AS seg_id,
                           doc_id, kind, CAST(start AS INTEGER) AS start, CAST("end" AS INTEGER) AS "end",
                           text, speaker, source_ref
                    FROM _segs
                    QUALIFY row_number() OVER (PARTITION BY seg_id) = 1
                ) s
                ANTI JOIN segments USING (seg_id)
                """
            ).fetchone()[0]
        finally:
            self.con.unregister("_segs")
        return int(n)

    def insert_reach(self, frame: pd.DataFrame) -> int:
        """Insert reach figures (doc_id, text, value, unit, start, end), skipping ones already stored."""
        if frame.empty:
            return 0
        self.con.register("_reach", frame[["doc_id", "text", "value", "unit", "start", "end"]])
        try:
            n = self.con.execute(
                """INSERT INTO reach SELECT r.doc_id, r.text, r.value, r.unit, r.start, r."end" FROM _reach r
                   WHERE NOT EXISTS (SELECT 1 FROM reach x WHERE x.doc_id = r.doc_id AND x.start = r.start
                                     AND x."end" = r."end")"""
            ).fetchone()[0]
        finally:
            self.con.unregister("_reach")
        return int(n)

    # ---- codes and sentiment -----------------------------------------------------------------------

    def replace_codes(self, frame: pd.DataFrame, coder: str, run_id: str, *, replace: bool = True) -> int:
        """Store this coder's codes for the segments in ``frame`` (seg_id, theme, score, assigned),
        replacing what this coder said of them before (``replace=False`` skips that look-up, for segments
        known to be uncoded by it). Human codes are never touched by a machine coder."""
        return self._replace("codes", frame, ["seg_id", "theme", "score", "assigned"], coder, run_id, replace)

    def replace_sentiment(self, frame: pd.DataFrame, coder: str, run_id: str, *, replace: bool = True) -> int:
        """Store this coder's sentiment for the segments in ``frame`` (seg_id, label, score)."""
        return self._replace("sentiment", frame, ["seg_id", "label", "score"], coder, run_id, replace)

    def _replace(self, table: str, frame: pd.DataFrame, cols: list[str], coder: str, run_id: str,
                 replace: bool) -> int:
        if frame.empty:
            return 0
        self.con.register("_new", frame[cols])
        try:
            if replace:
                self.con.execute(
                    f"DELETE FROM {table} WHERE coder = ? AND seg_id IN (SELECT DISTINCT seg_id FROM _new)", [coder])
            select = ", ".join(cols)
            n = self.con.execute(f"INSERT INTO {table} SELECT {select}, ?, ? FROM _new", [coder, run_id]).fetchone()[0]
        finally:
            self.con.unregister("_new")
        return int(n)

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

    def doc_ids_for_sources(self, sources: list[str]) -> list[str]:
        self.con.register("_src", pd.DataFrame({"source": list(sources)}))
        try:
            return [r[0] for r in self.con.execute(
                "SELECT doc_id FROM documents WHERE source IN (SELECT source FROM _src) ORDER BY source, locator"
            ).fetchall()]
        finally:
            self.con.unregister("_src")

    def document_scores(self, coder: str, *, doc_ids: list[str] | None = None) -> pd.DataFrame:
        """One row per document coded by ``coder``: source, locator, question, text, attrs, sentiment and,
        per theme, ``score_<theme>`` (highest over its segments) and ``assigned_<theme>`` (any segment)."""
        params: list[Any] = [coder]
        filt = ""
        if doc_ids is not None:
            self.con.register("_ids", pd.DataFrame({"doc_id": list(doc_ids)}))
            filt = "AND s.doc_id IN (SELECT doc_id FROM _ids)"
        try:
            long = self.con.execute(
                f"""SELECT s.doc_id, c.theme, max(c.score) AS score, bool_or(c.assigned) AS assigned
                    FROM codes c JOIN segments s USING (seg_id) WHERE c.coder = ? {filt}
                    GROUP BY s.doc_id, c.theme""", params).df()
            docs = self.con.execute(
                f"""WITH seg_sent AS (
                        SELECT seg_id, arg_max(label, run_id) AS label FROM sentiment GROUP BY seg_id),
                    doc_sent AS (
                        SELECT s.doc_id,
                               CASE WHEN bool_or(x.label = 'positive') AND bool_or(x.label = 'negative')
                                    THEN 'mixed' ELSE mode(x.label) END AS sentiment
                        FROM segments s JOIN seg_sent x USING (seg_id) GROUP BY s.doc_id)
                    SELECT d.doc_id, d.source, d.locator, d.question, d.text, CAST(d.attrs AS VARCHAR) AS attrs,
                           ds.sentiment
                    FROM documents d LEFT JOIN doc_sent ds USING (doc_id)
                    WHERE d.doc_id IN (SELECT DISTINCT s.doc_id FROM codes c JOIN segments s USING (seg_id)
                                       WHERE c.coder = ? {filt})
                    ORDER BY d.source, d.question, d.rowid""", [coder]).df()
        finally:
            if doc_ids is not None:
                self.con.unregister("_ids")
        if docs.empty:
            return docs
        score = long.pivot(index="doc_id", columns="theme", values="score").add_prefix("score_")
        assigned = long.pivot(index="doc_id", columns="theme", values="assigned").add_prefix("assigned_")
        return docs.set_index("doc_id").join(score).join(assigned)

    # ---- topics ------------------------------------------------------------------------------------

    def replace_topics(self, frame: pd.DataFrame, run_id: str) -> int:
        """Store one discovery run's topics (topic, size, keywords, theme, similarity, emergent, examples)."""
        if frame.empty:
            return 0
        cols = ["topic", "size", "keywords", "theme", "similarity", "emergent", "examples"]
        self.con.register("_topics", frame[cols])
        try:
            n = self.con.execute(
                "INSERT INTO topics SELECT ?, topic, size, CAST(keywords AS JSON), theme, similarity, emergent, "
                "CAST(examples AS JSON) FROM _topics", [run_id]).fetchone()[0]
        finally:
            self.con.unregister("_topics")
        return int(n)

    # ---- reads -------------------------------------------------------------------------------------

    def table(self, name: str, *, run_id: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """A whole table as a DataFrame, optionally one run's rows, in a stable order."""
        order = {
            "documents": "source, locator, question", "segments": "doc_id, start, \"end\", kind",
            "codes": "seg_id, theme, coder", "sentiment": "seg_id, coder", "reach": "doc_id, start",
            "runs": "started, run_id", "rejects": "run_id, source, locator", "topics": "run_id, topic",
        }
        if name not in order:
            raise StoreError("E406", f"unknown table {name!r}; expected one of {', '.join(order)}")
        sql = f"SELECT * FROM {name}"
        params: list[Any] = []
        if run_id is not None and name not in ("segments", "reach"):
            sql += " WHERE run_id = ?"
            params.append(run_id)
        sql += f" ORDER BY {order[name]}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.con.execute(sql, params).df()

    def count(self, name: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # names are internal

    def run(self, run_id: str) -> dict[str, Any]:
        df = self.con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id]).df()
        if df.empty:
            raise StoreError("E407", f"no run {run_id!r} in the store; `evalnlp runs` lists them")
        return df.iloc[0].to_dict()

    def segments_to_code(self, coder: str, *, doc_ids: list[str] | None = None, recode: bool = False,
                         page: int = 50_000) -> Iterator[pd.DataFrame]:
        """Pages of the segments (seg_id, doc_id, kind, text) that ``coder`` has not coded yet (all of them
        with ``recode``), optionally only those of ``doc_ids``, in the order they were stored.

        Pages are fetched one at a time (keyed on the row id), so memory does not grow with the store, and
        codes written between pages do not disturb the paging.
        """
        where = ["s.rowid > ?"]
        if not recode:
            where.append("NOT EXISTS (SELECT 1 FROM codes c WHERE c.seg_id = s.seg_id AND c.coder = ?)")
        if doc_ids is not None:
            self.con.register("_ids", pd.DataFrame({"doc_id": list(doc_ids)}))
            where.append("s.doc_id IN (SELECT doc_id FROM _ids)")
        sql = (f"SELECT s.rowid AS _row, s.seg_id, s.doc_id, s.kind, s.text FROM segments s "
               f"WHERE {' AND '.join(where)} ORDER BY s.rowid LIMIT {int(page)}")
        last = -1
        try:
            while True:
                df = self.con.execute(sql, [last] + ([] if recode else [coder])).df()
                if df.empty:
                    return
                last = int(df["_row"].iloc[-1])
                yield df.drop(columns="_row")
                if len(df) < page:
                    return
        finally:
            if doc_ids is not None:
                self.con.unregister("_ids")

    def codes_by_coder(self, coder: str, *, skip_human_coded: bool = False) -> pd.DataFrame:
        """Every code ``coder`` gave: seg_id, theme, score, assigned, ordered by seg_id and theme. With
        ``skip_human_coded``, only for segments that no human coder has coded."""
        skip = (f"AND seg_id NOT IN (SELECT seg_id FROM codes WHERE starts_with(coder, '{HUMAN_PREFIX}'))"
                if skip_human_coded else "")
        return self.con.execute(
            f"SELECT seg_id, theme, score, assigned FROM codes WHERE coder = ? {skip} ORDER BY seg_id, theme",
            [coder]).df()

    def code_themes(self) -> list[str]:
        """Every theme id that has codes in the store (of any coder or codebook), sorted."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT theme FROM codes ORDER BY theme").fetchall()]

    def human_coded_segments(self) -> pd.DataFrame:
        """Segments that some human coder has coded: seg_id, text (ordered by seg_id)."""
        return self.con.execute(
            f"""SELECT seg_id, text FROM segments WHERE seg_id IN
                    (SELECT seg_id FROM codes WHERE starts_with(coder, '{HUMAN_PREFIX}'))
                ORDER BY seg_id""").df()

    def segment_context(self, seg_ids: list[str]) -> pd.DataFrame:
        """The segments ``seg_ids`` (those that exist) with where they come from: seg_id, doc_id, kind, text,
        speaker, source, locator, question, in the order of ``seg_ids``."""
        self.con.register("_want", pd.DataFrame({"seg_id": list(seg_ids), "_pos": range(len(seg_ids))}))
        try:
            return self.con.execute(
                """SELECT s.seg_id, s.doc_id, s.kind, s.text, s.speaker, d.source, d.locator, d.question
                   FROM _want w JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
                   ORDER BY w._pos""").df()
        finally:
            self.con.unregister("_want")

    def effective_codes(self, *, assigned_only: bool = True, themes: list[str] | None = None) -> pd.DataFrame:
        """The codes that evidence uses: a segment's human codes where it has any, otherwise the codes of
        the most recent machine run that coded it. Columns: seg_id, theme, score, assigned, coder, run_id.

        With ``themes`` (a codebook's theme ids) only codes of those themes count, so that one codebook's codes,
        human or machine, never hide another's on the same passage (a review with ``fft`` leaves the passage's
        ``impact`` codes in place, and an ``impact`` run after an ``fft`` run leaves the ``fft`` codes in use)."""
        cond = "WHERE assigned" if assigned_only else ""
        pool = "SELECT * FROM codes"
        if themes is not None:
            self.con.register("_themes", pd.DataFrame({"theme": pd.Series(list(themes), dtype=object)}))
            pool += " WHERE theme IN (SELECT theme FROM _themes)"
        try:
            return self.con.execute(
                f"""
                WITH pool AS ({pool}),
                human AS (SELECT DISTINCT seg_id FROM pool WHERE starts_with(coder, '{HUMAN_PREFIX}')),
                latest AS (
                    SELECT seg_id, arg_max(run_id, run_id) AS run_id FROM pool
                    WHERE NOT starts_with(coder, '{HUMAN_PREFIX}') AND seg_id NOT IN (SELECT seg_id FROM human)
                    GROUP BY seg_id)
                SELECT * FROM (
                    SELECT c.* FROM pool c WHERE starts_with(c.coder, '{HUMAN_PREFIX}')
                    UNION ALL
                    SELECT c.* FROM pool c JOIN latest l ON c.seg_id = l.seg_id AND c.run_id = l.run_id
                ) {cond}
                ORDER BY seg_id, theme
                """
            ).df()
        finally:
            if themes is not None:
                self.con.unregister("_themes")

    def effective_sentiment(self) -> pd.DataFrame:
        """Each segment's sentiment: a human label where there is one, else the most recent machine label."""
        return self.con.execute(
            f"""SELECT seg_id, arg_max(label, (starts_with(coder, '{HUMAN_PREFIX}'), run_id)) AS label,
                       arg_max(score, (starts_with(coder, '{HUMAN_PREFIX}'), run_id)) AS score
                FROM sentiment GROUP BY seg_id ORDER BY seg_id"""
        ).df()

    def coded_passages(self) -> pd.DataFrame:
        """Every segment with its document's source, locator, question, kind and attrs (JSON text)."""
        return self.con.execute(
            """SELECT s.seg_id, s.doc_id, s.kind AS seg_kind, s.start, s."end", s.text, s.speaker, s.source_ref,
                      d.source, d.locator, d.question, d.kind AS doc_kind, CAST(d.attrs AS VARCHAR) AS attrs,
                      d.text AS doc_text
               FROM segments s JOIN documents d USING (doc_id)
               ORDER BY d.source, s.doc_id, s.start, s.kind"""
        ).df()

    def summary(self) -> dict[str, int]:
        """Row counts of every table."""
        return {name: self.count(name) for name in
                ("documents", "segments", "codes", "sentiment", "reach", "runs", "rejects", "topics")}

    def latest_topics(self) -> pd.DataFrame:
        return self.con.execute(
            "SELECT * FROM topics WHERE run_id = (SELECT max(run_id) FROM topics) ORDER BY topic").df()


def _memory_limit() -> str:
    """``$EVALNLP_MEMORY_LIMIT`` (a DuckDB size such as ``2GB``), default 1GB."""
    import re

    value = os.environ.get("EVALNLP_MEMORY_LIMIT", "1GB").strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, re.IGNORECASE):
        raise StoreError("E409", f"EVALNLP_MEMORY_LIMIT must be a size such as 1GB or 500MB; got {value!r}")
    return value


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _sql_ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
