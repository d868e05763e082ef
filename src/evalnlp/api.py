"""The Python API: one function per command, plus :class:`Project` for notebooks.

Functions take plain values and return data (DataFrames, dataclasses); they never print. Each command opens
the store, records a run and does all its writing inside one transaction.

>>> import evalnlp
>>> project = evalnlp.open("evalnlp.duckdb")
>>> project.ingest(["survey.xlsx"], text=["What changed?"])       # doctest: +SKIP
>>> project.documents().head()                                      # doctest: +SKIP
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from evalnlp.errors import EvalnlpError
from evalnlp.ingest import IngestOptions, IngestResult, ingest_paths
from evalnlp.store import Store

Progress = Callable[[int], None]


@contextmanager
def recorded_run(store: Store, command: str, args: dict[str, Any], **run_fields: Any) -> Iterator[str]:
    """Open a transaction, record a run, yield its id. The caller must call ``store.finish_run``."""
    with store.transaction():
        run_id = store.start_run(command, args, **run_fields)
        yield run_id


def ingest(store: Store, paths: Sequence[str | Path], *, text: Sequence[str] = (), id: str | None = None,
           meta: Sequence[str] | None = None, unit: str = "response", sheet: str | None = None,
           chunk_size: int = 50_000, progress: Progress | None = None) -> IngestResult:
    """Read files into the store. Returns what each file gave; the run's counts add up."""
    opts = IngestOptions(text=tuple(text), id=id, meta=tuple(meta) if meta is not None else None, unit=unit,
                         sheet=sheet, chunk_size=chunk_size)
    args = {"files": [str(p) for p in paths], "text": list(text), "id": id,
            "meta": list(meta) if meta is not None else None, "unit": unit, "sheet": sheet}
    with recorded_run(store, "ingest", args) as run_id:
        result = ingest_paths(store, paths, opts, run_id, progress)
        store.finish_run(run_id, n_in=result.n_in, n_ok=result.n_ok, n_rejected=result.n_rejected)
    return result


@dataclass
class ExtractedDocument:
    """Testimonials and reach figures found in one narrative file; offsets point into ``text``."""

    source: str
    text: str
    testimonials: list
    reach: list

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "testimonials": [{"quote": t.quote, "speaker": t.speaker, "source_ref": t.source_ref,
                              "start": t.start, "end": t.end} for t in self.testimonials],
            "reach": [{"text": r.text, "value": r.value, "unit": r.unit, "start": r.start, "end": r.end}
                      for r in self.reach],
        }


def extract(paths: Sequence[str | Path]) -> list[ExtractedDocument]:
    """Find attributed testimonials and reach figures in narrative files (TXT, MD, DOCX, PDF).

    For TXT and Markdown the offsets are into the file's text as read (universal newlines); for DOCX and
    PDF into the document's paragraphs or pages joined by blank lines.
    """
    from evalnlp.errors import InputError
    from evalnlp.ingest import narrative_text
    from evalnlp.ingest.narrative import extract as find
    from evalnlp.ingest.readers import file_kind

    if not paths:
        raise InputError("E133", "no input files given; expected one or more FILE arguments")
    kinds = [(Path(p), file_kind(p)) for p in paths]
    out = []
    for path, kind in kinds:
        if kind != "narrative":
            raise InputError("E134", f"{path.name}: extract reads narrative documents (.txt, .md, .docx, .pdf); "
                             f"got a {path.suffix} table. Use `evalnlp ingest` for survey exports")
        text = narrative_text(path)
        testimonials, reach = find(text)
        out.append(ExtractedDocument(source=path.name, text=text, testimonials=testimonials, reach=reach))
    return out


def runs(store: Store) -> pd.DataFrame:
    """Every run recorded in the store, oldest first."""
    return store.table("runs")


class Project:
    """A project store opened for exploration in a notebook.

    Every read method returns a pandas DataFrame; every step method runs the same code as the command of
    the same name.
    """

    def __init__(self, path: str | Path | None = None):
        self.store = Store(path)

    @property
    def path(self) -> str:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.store.summary().items())
        return f"<evalnlp.Project {self.path!r}: {counts}>"

    # reads
    def documents(self) -> pd.DataFrame:
        return self.store.table("documents")

    def segments(self) -> pd.DataFrame:
        return self.store.table("segments")

    def codes(self) -> pd.DataFrame:
        return self.store.table("codes")

    def sentiment(self) -> pd.DataFrame:
        return self.store.table("sentiment")

    def reach(self) -> pd.DataFrame:
        return self.store.table("reach")

    def runs(self) -> pd.DataFrame:
        return self.store.table("runs")

    def rejects(self) -> pd.DataFrame:
        return self.store.table("rejects")

    def summary(self) -> dict[str, int]:
        return self.store.summary()

    # steps
    def ingest(self, paths: Sequence[str | Path] | str | Path, **options: Any) -> IngestResult:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return ingest(self.store, paths, **options)

    def review_export(self, path: str | Path, **options: Any) -> "ReviewExport":
        """Write the passages most worth a person's check to a workbook; see :func:`review_export`."""
        return review_export(self.store, path, **options)

    def review_import(self, path: str | Path, *, coder: str) -> "ReviewImport":
        """Store an edited review workbook's decisions as ``human:NAME`` codes; see :func:`review_import`."""
        return review_import(self.store, path, coder=coder)


# ---- theme coding --------------------------------------------------------------------------------------


@dataclass
class ClassifyResult:
    """What ``classify`` did: the coder, counts per theme and sentiment, and the output file if any."""

    run_id: str
    coder: str
    codebook_id: str
    n_coded: int
    themes: pd.DataFrame  # theme, label, passages, share
    sentiment: pd.DataFrame  # label, passages
    ingest: IngestResult | None = None
    output: Path | None = None
    n_no_theme: int = 0  # coded passages that were assigned no theme

    @property
    def no_theme_share(self) -> float:
        """Share of the coded passages left without any theme."""
        return self.n_no_theme / self.n_coded if self.n_coded else 0.0


def _load_coder(codebook: str | Path | None, model: str | Path | None):
    """Resolve (coder, codebook, card) from --codebook and --model."""
    from evalnlp.codebook import load_codebook
    from evalnlp.coding import UNTRAINED, default_coder

    if model is not None and str(model) in UNTRAINED:
        from evalnlp.coding import untrained_coder

        cb = load_codebook(codebook if codebook is not None else "impact")
        return untrained_coder(str(model), cb), cb, None
    if model is not None:
        from evalnlp.coding.persist import load_model, resolve_model

        cb = load_codebook(codebook) if codebook is not None else None
        coder, card = load_model(resolve_model(model), codebook=cb)
        if cb is None:
            cb = load_codebook(card.get("codebook_ref") or card["codebook_id"])
        return coder, cb, card
    cb = load_codebook(codebook if codebook is not None else "impact")
    coder, card = default_coder(cb)
    return coder, cb, card


def _coder_id(coder, card: dict | None) -> str:
    if card and card.get("model_sha256"):
        name = card.get("name") or card.get("backend") or type(coder).__name__.lower()
        return f"model:{name}@{card['model_sha256'][:12]}"
    return coder.coder_id()


#: Scores below this are not stored (unless the theme was assigned, or is the passage's top theme, so that
#: every coded passage keeps at least one row): they carry no evidence, and storing every theme of every
#: passage would multiply the store's size. Output files show them as 0.
SCORE_FLOOR = 0.05


def _code_segments(store: Store, pages, coder, coder_id: str, run_id: str, *, replace: bool,
                   sentiment_model, progress: Progress | None) -> int:
    """Code every page of segments (themes and sentiment) and store the results; return how many."""
    import numpy as np

    from evalnlp.coding.base import decide

    themes = np.asarray(coder.classes_, dtype=object)
    k = len(themes)
    n = 0
    for chunk in pages:
        texts = chunk["text"].tolist()
        scores = np.asarray(coder.predict_proba(texts), dtype=float)
        assigned = decide(scores, coder.thresholds_, multi_label=coder.multi_label_,
                          require_theme=coder.require_theme_).astype(bool)
        top = np.zeros_like(assigned)
        top[np.arange(len(scores)), scores.argmax(axis=1)] = True  # every coded passage keeps one row
        keep = (assigned | top | (scores >= SCORE_FLOOR)).ravel()
        codes = pd.DataFrame({
            "seg_id": np.repeat(chunk["seg_id"].to_numpy(), k)[keep],
            "theme": np.tile(themes, len(chunk))[keep],
            "score": scores.round(6).ravel()[keep],
            "assigned": assigned.ravel()[keep],
        })
        store.replace_codes(codes, coder_id, run_id, replace=replace)
        if sentiment_model is not None:
            proba = sentiment_model.predict_proba(texts)
            best = proba.argmax(axis=1)
            labels = np.asarray(sentiment_model.classes_, dtype=object)[best]
            sent = pd.DataFrame({"seg_id": chunk["seg_id"].to_numpy(), "label": labels,
                                 "score": proba[np.arange(len(best)), best].round(6)})
            store.replace_sentiment(sent, sentiment_model.coder_id(), run_id, replace=replace)
        n += len(chunk)
        if progress:
            progress(len(chunk))
    return n


def classify(store: Store, paths: Sequence[str | Path] = (), *, codebook: str | Path | None = None,
             model: str | Path | None = None, output: str | Path | None = None, text: Sequence[str] = (),
             id: str | None = None, meta: Sequence[str] | None = None, unit: str = "response",
             sheet: str | None = None, recode: bool = False, sentiment: bool = True, batch_size: int = 100_000,
             progress: Progress | None = None) -> ClassifyResult:
    """Code passages into the codebook's themes (and sentiment), storing the codes.

    With ``paths`` the files are ingested first and only their passages are coded; without, every segment
    this coder has not coded yet (all of them with ``recode``). ``output`` writes one row per document: the
    input's columns, then ``themes`` (ids joined by ";"), one ``score_<theme>`` column per theme and
    ``sentiment``, each as ``evalnlp_<name>`` where an input column has its name (:func:`coded_documents`).
    """
    coder, cb, card = _load_coder(codebook, model)
    coder_id = _coder_id(coder, card)
    sentiment_model = None
    if sentiment:
        from evalnlp.coding.sentiment import load_sentiment_model

        sentiment_model = load_sentiment_model()
    args = {"files": [str(p) for p in paths], "codebook": str(codebook) if codebook else cb.id,
            "model": str(model) if model else None, "coder": coder_id, "text": list(text), "unit": unit,
            "recode": recode, "output": str(output) if output else None}
    model_sha = card.get("model_sha256") if card else getattr(coder, "encoder_sha256_", None)
    ingested = None
    with recorded_run(store, "classify", args, codebook_id=cb.id, codebook_sha256=cb.sha256,
                      model_sha256=model_sha) as run_id:
        doc_ids = None
        if paths:
            opts = IngestOptions(text=tuple(text), id=id, meta=tuple(meta) if meta is not None else None,
                                 unit=unit, sheet=sheet)
            ingested = ingest_paths(store, paths, opts, run_id, None)
            doc_ids = store.doc_ids_for_sources([f.source for f in ingested.files])
        pages = store.segments_to_code(coder_id, doc_ids=doc_ids, recode=recode, page=batch_size)
        n_coded = _code_segments(store, pages, coder, coder_id, run_id, replace=recode,
                                 sentiment_model=sentiment_model, progress=progress)
        if ingested is not None:
            store.finish_run(run_id, n_in=ingested.n_in, n_ok=ingested.n_ok, n_rejected=ingested.n_rejected)
        else:
            store.finish_run(run_id, n_in=n_coded, n_ok=n_coded, n_rejected=0)
        out_path = None
        if output is not None:
            from evalnlp.tablefile import write_table

            columns = [c for f in ingested.files for c in f.columns] if ingested is not None else None
            out_path = write_table(coded_documents(store, cb, coder_id, doc_ids=doc_ids, columns=columns),
                                   output)
        counts = store.theme_counts(coder_id, run_id)
        n_no_theme = store.no_theme_count(coder_id, run_id)
        sent_counts = store.sentiment_counts(run_id)
    labels = {t.id: t.label for t in cb.themes}
    themes = pd.DataFrame({"theme": cb.theme_ids, "label": [labels[t] for t in cb.theme_ids]})
    themes = themes.merge(counts, on="theme", how="left").fillna({"passages": 0})
    themes["passages"] = themes["passages"].astype(int)
    themes["share"] = themes["passages"] / n_coded if n_coded else 0.0
    return ClassifyResult(run_id=run_id, coder=coder_id, codebook_id=cb.id, n_coded=n_coded, themes=themes,
                          sentiment=sent_counts, ingest=ingested, output=out_path, n_no_theme=n_no_theme)


def coded_documents(store: Store, cb, coder_id: str, *, doc_ids: list[str] | None = None,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per document: the input row's columns, then evalnlp's ``source``, ``locator``, ``question``,
    ``text``, ``themes``, ``score_<theme>`` and ``sentiment``.

    The input columns are the document's stored metadata and its row's text columns, each under its own
    name with its own values (a row with several text columns gives one document per column; each of them
    carries the row's other answers too). They come in the order of ``columns`` (the input files' column
    names) where given, then in the order they are found. An evalnlp column whose name an input column has
    is written as ``evalnlp_<name>`` (see :mod:`evalnlp.columns`).

    A document coded by several segments (sentences, testimonials) gets every theme any of them got, the
    highest score per theme, and ``mixed`` sentiment when its segments disagree between positive and negative.
    """
    from evalnlp.columns import beside_input

    ours_names = (["source", "locator", "question", "text", "themes"] + [f"score_{t}" for t in cb.theme_ids]
                  + ["sentiment"])
    wide = store.document_scores(coder_id, doc_ids=doc_ids)
    if wide.empty:
        return beside_input(pd.DataFrame(columns=list(dict.fromkeys(columns or []))),
                            pd.DataFrame(columns=ours_names))
    user = _input_columns(wide, columns)
    ours = wide[["source", "locator", "question", "text"]].copy()
    assigned = []
    for t in cb.theme_ids:
        col = wide.get(f"assigned_{t}")
        assigned.append(col.fillna(False).astype(bool) if col is not None else pd.Series(False, index=wide.index))
    ours["themes"] = [";".join(t for t, flag in zip(cb.theme_ids, row) if flag) for row in zip(*assigned)]
    for t in cb.theme_ids:  # scores under SCORE_FLOOR are not stored: written as 0
        col = wide.get(f"score_{t}")
        ours[f"score_{t}"] = col.fillna(0.0).to_numpy() if col is not None else 0.0
    ours["sentiment"] = wide["sentiment"]
    return beside_input(user, ours)


def _input_columns(wide: pd.DataFrame, columns: Sequence[str] | None) -> pd.DataFrame:
    """The input columns of each document of ``wide`` (from :meth:`Store.document_scores`): its metadata
    attributes and the text columns of its row, index as ``wide``."""
    attrs = pd.DataFrame.from_records([_attrs_dict(a) for a in wide["attrs"]], index=wide.index)
    # A tabular document's question is the name of the column its text came from. The row's other answers
    # are its sibling documents (same source and locator); where a locator is not unique (a repeated --id)
    # they cannot be told apart and are left empty rather than guessed.
    questions = list(dict.fromkeys(wide["question"].dropna()))
    texts = pd.DataFrame(index=wide.index)
    if questions:
        key = wide["source"].astype(str) + "\x1f" + wide["locator"].astype(str)
        own = pd.DataFrame({"key": key, "question": wide["question"], "text": wide["text"]}).dropna(
            subset=["question"])
        unique = own.drop_duplicates(["key", "question"], keep=False)
        by_row = unique.pivot(index="key", columns="question", values="text")
        for q in questions:
            values = key.map(by_row[q]) if q in by_row.columns else pd.Series(None, index=wide.index)
            texts[q] = values.astype(object).where(wide["question"] != q, wide["text"])
    found = list(dict.fromkeys([*attrs.columns, *texts.columns]))
    order = [c for c in dict.fromkeys(columns or []) if c in found]
    order += [c for c in found if c not in order]
    out = pd.DataFrame(index=wide.index)
    for name in order:
        value = texts[name] if name in texts.columns else None
        if name in attrs.columns:  # a column that is text in one file and metadata in another
            value = attrs[name] if value is None else value.where(value.notna(), attrs[name])
        out[name] = value.astype(object).where(value.notna(), None)
    return out


def _attrs_dict(value: Any) -> dict:
    import json

    if not isinstance(value, str):
        return {}
    parsed = json.loads(value)
    return parsed if isinstance(parsed, dict) else {}


@dataclass
class LabelledData:
    texts: list[str]
    Y: Any  # (n, k) 0/1 array in codebook theme order
    theme_ids: list[str]
    n_rows: int
    n_skipped: int  # rows with empty text or unreadable (ragged) rows
    sha256: str


_TRUE = {"1", "1.0", "true", "yes", "y", "x"}
_FALSE = {"", "0", "0.0", "false", "no", "n", "none", "nan"}


def read_labelled(path: str | Path, cb, *, text: str, labels: Sequence[str] | None = None,
                  labels_column: str | None = None, sep: str = ";", sheet: str | None = None) -> LabelledData:
    """Read a human-coded file: one 0/1 column per theme (``labels``) or one column of theme ids joined by
    ``sep`` (``labels_column``). Column names and ids may be theme ids, labels or aliases."""
    import hashlib

    import numpy as np

    from evalnlp.errors import InputError
    from evalnlp.ingest import closest_name
    from evalnlp.ingest.readers import open_tabular

    if bool(labels) == bool(labels_column):
        raise InputError("E135", "give the human codes either as --labels COL... (one 0/1 column per theme) or "
                         "as --labels-column COL (theme ids joined by --sep), not both and not neither")
    src = open_tabular(Path(path), sheet=sheet)
    wanted = [text] + (list(labels) if labels else [labels_column])
    for col in wanted:
        if col not in src.columns:
            raise InputError("E132", f"{Path(path).name}: no column named {col!r}. The columns found are "
                             f"{', '.join(repr(c) for c in src.columns)}.{closest_name(col, src.columns)}")
    frames, n_rows = [], 0
    for batch in src.batches():
        frames.append(batch.frame[wanted])
        n_rows += batch.n_rows
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=wanted)
    keep = frame[text].notna() & (frame[text].astype(str).str.strip() != "")
    frame = frame[keep].reset_index(drop=True)
    ids = cb.theme_ids
    Y = np.zeros((len(frame), len(ids)), dtype=np.int8)
    if labels:
        for col in labels:
            j = ids.index(cb.label_to_id(col))
            values = frame[col].fillna("").astype(str).str.strip().str.lower()
            bad = ~values.isin(_TRUE | _FALSE)
            if bad.any():
                raise InputError("E136", f"column {col!r} must hold 0/1 (or yes/no) values; found "
                                 f"{values[bad].iloc[0]!r} in data row {int(bad.idxmax()) + 1}")
            Y[:, j] = values.isin(_TRUE).to_numpy()
    else:
        for i, cell in enumerate(frame[labels_column].fillna("").astype(str)):
            for name in cell.split(sep):
                name = name.strip()
                if name:
                    Y[i, ids.index(cb.label_to_id(name))] = 1
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return LabelledData(texts=frame[text].astype(str).tolist(), Y=Y, theme_ids=ids, n_rows=n_rows,
                        n_skipped=n_rows - len(frame), sha256=digest)


@dataclass
class TrainResult:
    out: Path
    backend: str
    n: int
    n_skipped: int
    card: dict


def train(path: str | Path, *, text: str, out: str | Path, labels: Sequence[str] | None = None,
          labels_column: str | None = None, sep: str = ";", codebook: str | Path = "impact",
          backend: str = "auto", sheet: str | None = None, prior: str | None = None) -> TrainResult:
    """Train a theme coder from a human-coded file and save it (skops model + JSON card) to ``out``.

    ``backend="auto"`` picks the ensemble for small samples; for a codebook with a shipped model (``impact``,
    ``fft``) the ensemble then starts from that model (its scores are the prior), so a few hundred coded
    passages adapt it rather than start from nothing. ``prior`` names the prior explicitly: ``"zeroshot"``,
    a shipped model name or a model directory (ensemble backend only).
    """
    from datetime import datetime, timezone

    from evalnlp.codebook import load_codebook
    from evalnlp.coding import choose_backend, default_prior, make_coder
    from evalnlp.coding.persist import save_model
    from evalnlp.errors import InputError
    from evalnlp.store import package_versions

    cb = load_codebook(codebook)
    data = read_labelled(path, cb, text=text, labels=labels, labels_column=labels_column, sep=sep, sheet=sheet)
    if len(data.texts) < 10:
        raise InputError("E137", f"{Path(path).name}: only {len(data.texts)} coded passages with text; training "
                         "needs at least 10 (and a few examples of each theme)")
    chosen = choose_backend(backend, len(data.texts))
    params = {}
    if prior is not None:
        if chosen != "ensemble":
            raise InputError("E138", f"a prior is used only by the ensemble backend; got backend {chosen!r} with "
                             f"prior {prior!r}. Use backend 'ensemble' (or 'auto' below 2,000 passages), or no prior.")
        params["prior"] = prior
    elif backend == "auto" and chosen == "ensemble":
        params["prior"] = default_prior(cb)
    coder = make_coder(chosen, cb, **params).fit(data.texts, data.Y)
    metrics = getattr(coder, "cv_metrics_", None)
    card = {
        "name": f"{chosen}-{cb.id}", "backend": chosen, "prior": params.get("prior"),
        "codebook_id": cb.id, "codebook_sha256": cb.sha256,
        "codebook_ref": _codebook_ref(cb),
        "training_data": Path(path).name, "training_data_sha256": data.sha256, "n_train": len(data.texts),
        "n_skipped": data.n_skipped, "label_counts": dict(zip(cb.theme_ids, data.Y.sum(axis=0).tolist())),
        "cv_metrics": metrics, "versions": package_versions(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    saved = save_model(coder, Path(out), card=card)
    return TrainResult(out=Path(saved), backend=chosen, n=len(data.texts), n_skipped=data.n_skipped, card=card)


def _codebook_ref(cb) -> str:
    """How a saved model names its codebook: the shipped id when it is the shipped file, else its path."""
    from evalnlp.codebook import SHIPPED, load_codebook

    if cb.id in SHIPPED and load_codebook(cb.id).sha256 == cb.sha256:
        return cb.id
    return str(Path(cb.path).resolve())


def evaluate(path: str | Path, *, text: str, labels: Sequence[str] | None = None,
             labels_column: str | None = None, sep: str = ";", model: str | Path | None = None,
             codebook: str | Path | None = None, sheet: str | None = None) -> dict[str, Any]:
    """Agreement of a coder with human codes: the evaluate JSON contract (micro/macro F1, Krippendorff's
    alpha, per-theme precision, recall, F1, support and Cohen's kappa)."""
    from evalnlp.evaluation import multilabel_report

    coder, cb, _card = _load_coder(codebook, model)
    data = read_labelled(path, cb, text=text, labels=labels, labels_column=labels_column, sep=sep, sheet=sheet)
    predicted = coder.predict(data.texts)
    report = multilabel_report(data.Y, predicted, cb.theme_ids)
    return report


# ---- evidence, quotes, report ----------------------------------------------------------------------------


def project_codebook(store: Store, codebook: str | Path | None = None):
    """The codebook to report with: the one given, else the one the latest classify run used."""
    import json

    from evalnlp.codebook import load_codebook
    from evalnlp.errors import StoreError

    if codebook is not None:
        return load_codebook(codebook)
    runs = store.table("runs")
    coded = runs[(runs["command"] == "classify") & (runs["status"] == "ok")]
    if coded.empty:
        raise StoreError("E408", f"nothing in {store.path!r} has been coded yet; expected a classify run. Run "
                         "`evalnlp classify --codebook impact` first (or pass --codebook)")
    args = json.loads(coded.iloc[-1]["args"] or "{}")
    return load_codebook(args.get("codebook") or coded.iloc[-1]["codebook_id"])


def evidence(store: Store, *, by: Sequence[str] = (), claims: str | Path | None = None,
             codebook: str | Path | None = None, redact: bool = True, output: str | Path | None = None):
    """Evidence tables: per theme, per ``by`` group, and per claim. Returns an :class:`evalnlp.evidence.Evidence`;
    with ``output`` also writes it (.xlsx, .csv, .md, .docx, .html or .json)."""
    from evalnlp.evidence import build_evidence
    from evalnlp.reports import write_evidence

    cb = project_codebook(store, codebook)
    ev = build_evidence(store, cb, by=list(by), claims=claims, redact=redact)
    if output is not None:
        write_evidence(ev, output)
    return ev


def quotes(store: Store, theme: str, *, n: int = 5, by: str | None = None, redact: bool = True,
           codebook: str | Path | None = None, output: str | Path | None = None) -> pd.DataFrame:
    """The best ``n`` quotes for ``theme`` (per ``by`` group), ranked, de-duplicated, attributed and (by
    default) de-identified. With ``output`` also writes them (.md, .docx, .csv or .json)."""
    from evalnlp.quotes import rank_quotes
    from evalnlp.reports import write_quotes

    cb = project_codebook(store, codebook)
    cb.get(theme)  # a clear error for an unknown theme, listing the themes
    df = rank_quotes(store, cb, theme, n=n, by=by, redact=redact)
    if output is not None:
        write_quotes(df, output, codebook=cb)
    return df


def report(store: Store, output: str | Path, *, claims: str | Path | None = None, by: str | None = None,
           redact: bool = True, codebook: str | Path | None = None) -> Path:
    """Write one self-contained HTML report (charts inline, no network fetches)."""
    from evalnlp.errors import InputError
    from evalnlp.reports import report_html

    if Path(output).suffix.lower() not in (".html", ".htm"):
        raise InputError("E161", f"the report is an HTML file; expected --output ending in .html, got {str(output)!r}")
    cb = project_codebook(store, codebook)
    return report_html(store, cb, Path(output), claims=claims, by=by, redact=redact)


# ---- theme discovery -------------------------------------------------------------------------------------


def discover(store: Store, *, codebook: str | Path | None = None, embedding: str = "static",
             theme: str | None = None, by: str | None = None, group: str | None = None,
             question: str | None = None, min_topic_size: int | None = None, seed: int = 0, guided: bool = True,
             emergent_below: float | None = None, redact: bool = True, output: str | Path | None = None,
             suggest: str | Path | None = None):
    """Find topics in the store's passages with BERTopic, guided by a codebook, and map each onto its nearest
    theme (``emergent`` when none is near). Returns an :class:`evalnlp.discovery.Discovery`.

    The codebook is the one given, else the latest classify run's, else ``impact``. ``theme``, ``by`` with
    ``group``, and ``question`` narrow the passages. The topics are stored in the ``topics`` table under a
    recorded run. ``output`` writes .json (the contract), .html (plots) or .md; ``suggest`` writes a draft
    codebook YAML with one new theme per emergent topic. Needs the ``topics`` extra.
    """
    from evalnlp.codebook import load_codebook
    from evalnlp.discovery import (EMERGENT_BELOW, check_output, check_suggestion, discover_topics,
                                   discovery_passages, write_discovery, write_suggestion)
    from evalnlp.errors import StoreError

    check_output(output)  # bad file names fail before any work
    check_suggestion(suggest)
    if codebook is not None:
        cb = load_codebook(codebook)
    else:
        try:
            cb = project_codebook(store)
        except StoreError:
            cb = load_codebook("impact")
    filters = {"theme": theme, "by": by, "group": group, "question": question}
    args = {"codebook": str(codebook) if codebook is not None else cb.id, "embedding": embedding, **filters,
            "min_topic_size": min_topic_size, "seed": seed, "guided": guided, "emergent_below": emergent_below,
            "redact": redact, "output": str(output) if output else None, "suggest": str(suggest) if suggest else None}
    with recorded_run(store, "discover", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run_id:
        passages = discovery_passages(store, cb, theme=theme, by=by, group=group, question=question)
        found = discover_topics(passages, cb, embedding=embedding, min_topic_size=min_topic_size, seed=seed,
                                guided=guided, redact=redact,
                                emergent_below=EMERGENT_BELOW if emergent_below is None else emergent_below,
                                filters={k: v for k, v in filters.items() if v is not None})
        store.update_run(run_id, model_sha256=found.encoder_sha256)
        store.replace_topics(found.store_frame(), run_id)
        store.finish_run(run_id, n_in=found.n_passages, n_ok=found.n_passages, n_rejected=0)
    found.run_id = run_id
    if output is not None:
        found.outputs.append(write_discovery(found, output))
    if suggest is not None:
        found.outputs.append(write_suggestion(found, cb, suggest))
    return found


# ---- the review loop ---------------------------------------------------------------------------------------


@dataclass
class ReviewExport:
    """What ``review export`` wrote: the workbook, its passages and how they were chosen."""

    path: Path
    run_id: str
    codebook_id: str
    coder: str  # the machine coder whose decisions pre-fill the workbook
    strategy: str
    thresholds_from: str  # "model card" or "inferred from the codes"
    n_candidates: int  # passages the coder coded that no person has coded (distinct texts)
    passages: pd.DataFrame  # seg_id, text, source, locator, question, reason, machine (list of theme ids)


@dataclass
class ReviewImport:
    """What ``review import`` stored: the reviewer's codes and the counts of the workbook."""

    run_id: str
    coder: str
    codebook_id: str
    n_rows: int
    n_reviewed: int  # rows that became human codes
    n_untouched: int  # rows left as exported: skipped
    n_changed_passages: int  # reviewed rows whose themes differ from the machine's
    n_changed_cells: int  # theme decisions (cells) that differ from the machine's
    n_notes: int
    reviewed: pd.DataFrame  # seg_id, row, themes, machine, changed, note


def _machine_run(store: Store, cb) -> dict[str, Any]:
    """The latest successful classify run with this very codebook (id and sha256), as a dict with ``coder``."""
    import json

    from evalnlp.errors import StoreError

    runs = store.table("runs")
    coded = runs[(runs["command"] == "classify") & (runs["status"] == "ok") & (runs["codebook_id"] == cb.id)]
    same = coded[coded["codebook_sha256"] == cb.sha256]
    if same.empty:
        other = (f" Passages were coded with another version of codebook {cb.id!r} (sha256 "
                 f"{str(coded.iloc[-1]['codebook_sha256'])[:12]}, this one is {cb.sha256[:12]}): classify again with "
                 "this version." if not coded.empty else "")
        raise StoreError("E420", f"no passages in {store.path!r} have been coded with codebook {cb.id!r} (sha256 "
                         f"{cb.sha256[:12]}), so there are no machine decisions to review.{other} Run `evalnlp "
                         f"classify --codebook {cb.id}` first")
    run = same.iloc[-1].to_dict()
    run["coder"] = json.loads(run["args"] or "{}").get("coder")
    run["args"] = json.loads(run["args"] or "{}")
    return run


def _review_thresholds(run: dict[str, Any], cb, scores, assigned) -> tuple[Any, str]:
    """The machine coder's thresholds: from its model card when the card of the very model that coded can be
    found, else inferred from its codes (see :func:`evalnlp.review.infer_thresholds`)."""
    import json

    import numpy as np

    from evalnlp.coding import UNTRAINED, shipped_model_for
    from evalnlp.review import infer_thresholds

    model = run["args"].get("model")
    name = shipped_model_for(cb) if model is None else (None if model in UNTRAINED else model)
    if name is not None:
        try:
            from evalnlp.coding.persist import CARD_FILE, resolve_model

            folder = resolve_model(name)
            card = json.loads(((folder if folder.is_dir() else folder.parent) / CARD_FILE).read_text("utf-8"))
            thresholds = card.get("thresholds") or {}
            if (card.get("model_sha256") == run.get("model_sha256") and set(thresholds) >= set(cb.theme_ids)):
                return np.array([float(thresholds[t]) for t in cb.theme_ids]), "model card"
        except (OSError, ValueError, TypeError, KeyError, EvalnlpError):
            pass
    if not cb.multi_label:  # the top theme wins: the boundary is the margin to the runner-up
        return np.zeros(len(cb.theme_ids)), "inferred from the codes"
    return infer_thresholds(scores, assigned), "inferred from the codes"


def review_export(store: Store, path: str | Path, *, n: int = 50, strategy: str = "uncertain",
                  codebook: str | Path | None = None, theme: str | None = None, seed: int = 0) -> ReviewExport:
    """Write the ``n`` passages most worth a person's check to a review workbook (.xlsx).

    Candidates are the passages the latest machine coder of the codebook (the one given, else the latest
    classify run's) coded and no person has coded yet, each distinct text once. ``strategy``: ``uncertain``
    (scores nearest each theme's threshold, themes in turn; ``theme`` keeps to one theme), ``diverse`` (k-means
    over the static embeddings, seeded) or ``random`` (seeded); with ``diverse`` or ``random``, ``theme`` keeps
    to passages the machine gave that theme. The export is recorded as a run.
    """
    import numpy as np

    from evalnlp import review as rv
    from evalnlp.errors import InputError, StoreError

    if strategy not in rv.STRATEGIES:
        raise InputError("E199", f"the strategy must be one of {', '.join(rv.STRATEGIES)}; got {strategy!r}")
    n = rv._check_n(n)
    if Path(path).suffix.lower() != ".xlsx":
        raise InputError("E190", f"a review workbook is an Excel file; expected a name ending in .xlsx, got "
                         f"{str(path)!r}")
    cb = project_codebook(store, codebook)
    theme_index = cb.theme_ids.index(cb.get(theme).id) if theme is not None else None
    run = _machine_run(store, cb)
    coder = run["coder"]
    long = store.codes_by_coder(coder, skip_human_coded=True)
    long = long[long["theme"].isin(cb.theme_ids)].drop_duplicates(["seg_id", "theme"], keep="last")
    if long.empty:
        raise StoreError("E421", f"nothing left to review for codebook {cb.id!r}: every passage {coder} coded "
                         "already has human codes. Code more passages (`evalnlp classify`) or train on the "
                         "human codes")
    seg_ids = long["seg_id"].drop_duplicates().tolist()
    scores = (long.pivot(index="seg_id", columns="theme", values="score")
              .reindex(index=seg_ids, columns=cb.theme_ids).fillna(0.0).to_numpy(dtype=float))
    assigned = (long.assign(assigned=long["assigned"].astype(float))
                .pivot(index="seg_id", columns="theme", values="assigned")
                .reindex(index=seg_ids, columns=cb.theme_ids).fillna(0.0).to_numpy(dtype=float) > 0)
    context = store.segment_context(seg_ids)
    keep = rv.distinct_texts(context["text"].tolist())
    thresholds, thresholds_from = _review_thresholds(run, cb, scores, assigned)
    if theme_index is not None and strategy != "uncertain":
        keep &= assigned[:, theme_index]
    rows = np.flatnonzero(keep)
    if rows.size == 0:
        raise StoreError("E421", f"nothing left to review: no passage without human codes was given the theme "
                         f"{theme!r} by {coder}")
    sub_scores, sub_assigned = scores[rows], assigned[rows]
    labels = {t.id: t.label for t in cb.themes}
    if strategy == "uncertain":
        picked, why = rv.select_uncertain(sub_scores, thresholds, n, multi_label=cb.multi_label,
                                          theme=theme_index, return_themes=True)
        boundary = sub_scores - rv.margins(sub_scores, thresholds, multi_label=cb.multi_label)
        against = "threshold" if cb.multi_label else "rival"
        reasons = [f"near the {labels[cb.theme_ids[j]]} boundary: score {sub_scores[i, j]:.2f}, {against} "
                   f"{boundary[i, j]:.2f}" for i, j in zip(picked, why)]
    elif strategy == "diverse":
        from evalnlp.embeddings import get_encoder

        encoder = get_encoder("static")
        vectors = encoder.encode(context["text"].iloc[rows].tolist())
        human = store.human_coded_segments()
        covered = encoder.encode(human["text"].tolist()) if len(human) else None
        picked, sizes = rv.select_diverse(vectors, n, seed=seed, covered=covered, return_sizes=True)
        reasons = [f"stands for a group of {s:,} similar passages" for s in sizes]
    else:
        picked = rv.select_random(len(rows), n, seed=seed)
        reasons = [f"random sample (seed {seed})"] * len(picked)
    chosen = rows[picked]
    ids = cb.theme_ids
    passages = context.iloc[chosen][["seg_id", "text", "source", "locator", "question"]].reset_index(drop=True)
    passages["reason"] = reasons
    passages["machine"] = [[t for t, a in zip(ids, assigned[i]) if a] for i in chosen]
    args = {"file": str(path), "n": n, "strategy": strategy, "codebook": str(codebook) if codebook else cb.id,
            "theme": theme, "seed": seed, "coder": coder, "classify_run": run["run_id"],
            "candidates": int(len(rows)), "thresholds_from": thresholds_from,
            "seg_ids": passages["seg_id"].tolist()}
    with recorded_run(store, "review export", args, codebook_id=cb.id, codebook_sha256=cb.sha256,
                      model_sha256=run.get("model_sha256")) as run_id:
        identity = store.identity()
        passages["fingerprint"] = rv.fingerprint(identity, cb.sha256)
        meta = {"store": rv.store_hash(identity), "store_path": str(Path(store.path).resolve()),
                "codebook_id": cb.id, "codebook_version": cb.version, "codebook_sha256": cb.sha256,
                "codebook_ref": _codebook_ref(cb), "coder": coder, "strategy": strategy, "theme": theme or "",
                "seed": str(seed), "thresholds": thresholds_from, "export_run": run_id,
                "classify_run": run["run_id"]}
        out = rv.write_workbook(path, passages, cb, meta)
        store.finish_run(run_id, n_in=len(passages), n_ok=len(passages), n_rejected=0)
    return ReviewExport(path=out, run_id=run_id, codebook_id=cb.id, coder=coder, strategy=strategy,
                        thresholds_from=thresholds_from, n_candidates=int(len(rows)),
                        passages=passages.drop(columns="fingerprint"))


def review_import(store: Store, path: str | Path, *, coder: str) -> ReviewImport:
    """Turn an edited review workbook into human codes of ``human:NAME`` (see :data:`evalnlp.review.RULE` for
    which rows count). The workbook must come from this store and the codebook must be unchanged since the
    export; every cell is checked before anything is written, so a refused workbook leaves the store as it was.
    A reviewer's new decision on a passage replaces that reviewer's earlier codes for it. Recorded as a run."""
    from evalnlp import review as rv
    from evalnlp.codebook import load_codebook
    from evalnlp.errors import InputError

    coder_id = rv.human_coder(coder)
    sheet = rv.read_workbook(path)
    name = sheet.path.name
    meta = sheet.meta
    identity = store.identity(create=False)
    if identity is None or rv.store_hash(identity) != meta.get("store"):
        raise InputError("E191", f"{name} was exported from another project store ({meta.get('store_path')!r}), not "
                         f"from {store.path!r}; its decisions belong to that store's passages. Import it there "
                         f"(--db {meta.get('store_path')}), or export a new workbook from this store")
    try:
        cb = load_codebook(meta.get("codebook_ref") or meta.get("codebook_id") or "")
    except EvalnlpError as exc:
        raise InputError("E192", f"{name}: cannot load the codebook it was exported with "
                         f"({meta.get('codebook_ref')!r}): {exc}") from None
    if cb.sha256 != meta.get("codebook_sha256"):
        raise InputError("E192", f"{name} was exported with another version of codebook {cb.id!r} (sha256 "
                         f"{str(meta.get('codebook_sha256'))[:12]}; the codebook is now {cb.sha256[:12]}), so its "
                         "theme columns may not mean what the codebook now says. Export a new workbook and review it")
    decisions = rv.read_decisions(sheet, cb, expected_fingerprint=rv.fingerprint(identity, cb.sha256))
    if len(decisions.reviewed):
        found = set(store.segment_context(decisions.reviewed["seg_id"].tolist())["seg_id"])
        lost = decisions.reviewed[~decisions.reviewed["seg_id"].isin(found)]
        if len(lost):
            row = int(lost.iloc[0]["row"])
            raise InputError("E193", f"{name}: the passage of row {row} ({lost.iloc[0]['seg_id']}) is no longer in "
                             f"{store.path!r}; {len(lost)} reviewed row(s) are affected. Export a new workbook")
    args = {"file": str(path), "coder": coder_id, "export_run": meta.get("export_run"),
            "strategy": meta.get("strategy"), "rows": decisions.n_rows, "reviewed": decisions.n_reviewed,
            "untouched": decisions.n_untouched, "changed_passages": decisions.n_changed_passages,
            "changed_cells": decisions.n_changed_cells, "notes": decisions.notes}
    with recorded_run(store, "review import", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run_id:
        store.replace_codes(decisions.codes, coder_id, run_id)
        store.finish_run(run_id, n_in=decisions.n_rows, n_ok=decisions.n_rows, n_rejected=0)
    return ReviewImport(run_id=run_id, coder=coder_id, codebook_id=cb.id, n_rows=decisions.n_rows,
                        n_reviewed=decisions.n_reviewed, n_untouched=decisions.n_untouched,
                        n_changed_passages=decisions.n_changed_passages, n_changed_cells=decisions.n_changed_cells,
                        n_notes=len(decisions.notes), reviewed=decisions.reviewed)
