"""The review loop: choose the passages most worth a person's check, write them as a workbook, read the
decisions back.

Choosing passages (the functions the ``review export`` command and ``bench/bench_review_loop.py`` share; they
take arrays and return row indices, so they know nothing of the store):

- :func:`select_uncertain`: the passages whose scores lie nearest each theme's decision boundary, taken in
  turn from every theme (round robin over themes in codebook order), or from one theme only;
- :func:`select_diverse`: passages that cover the embedding space: k-means over the passages' vectors (seeded),
  the member nearest each cluster's centre; with vectors of passages already coded by people (``covered``),
  the clusters farthest from them come first;
- :func:`select_random`: a seeded random sample.

The decision boundary of a theme (:func:`margins`): in a multi-label codebook a theme is assigned when its score
reaches the theme's threshold, so the distance is ``score - threshold``; in a single-label codebook the top
theme is assigned (when it reaches its threshold), so the distance is ``score - max(threshold, best other
score)``, which is the margin between the two leading themes.

One passage per set of words (:func:`held_sentences`): in a narrative document a testimonial and the sentence(s)
holding its words are two passages of the same words. While the testimonial is a candidate its sentences are not:
the words are offered once, as the testimonial (it carries the speaker and source marker).

The workbook (:func:`write_workbook`, :func:`read_workbook`, :func:`read_decisions`) has one row per passage on
the ``Review`` sheet: the text and where it comes from, with a testimonial's ``speaker`` and ``source_ref``
(empty for other passages; written as ``evalnlp_speaker`` and so on where a theme has that name, the rule of
:mod:`evalnlp.columns`; shown, never read), all locked; one column per theme pre-filled with the
machine's decision (1 or empty; unlocked, 0/1 data validation), ``reviewed`` and ``notes`` (unlocked), and
hidden columns ``seg_id``, ``machine`` (the pre-filled theme ids) and ``fingerprint`` (a hash of the store's
identity and the codebook's sha256). A hidden ``_evalnlp`` sheet holds the provenance and the passage columns'
headers as written (a workbook exported before them has neither, and imports as before); an ``Instructions``
sheet explains the rules and lists the themes. Sheets are protected without a password.

Which rows count as reviewed (:data:`RULE`): a row counts when the reviewer typed anything in it: a theme
cell that differs from what was written (a 1 cleared, a 1 or a 0 typed into an empty cell), a mark in
``reviewed``, or a note. Its theme cells as they then stand become the reviewer's codes for every theme (1
assigned; 0 or empty not assigned). Rows left exactly as exported are skipped. Typing 1 over a pre-filled 1
cannot be seen in the file, which is why agreeing with the machine needs the ``reviewed`` mark.

Error codes: E190 not a review workbook (or not .xlsx), E191 from another store, E192 another codebook
version, E193 a row that does not belong to this workbook's store and codebook, E194 a theme cell that is not
0/1, E195 a ``reviewed`` cell that is not a mark, E196 a row that breaks a single-label codebook's rule,
E197 a column missing or repeated, E199 a parameter out of range (a coder name that cannot be used is E181,
as for every command that takes a person's name).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.schema import locator_in_source
from evalnlp.util import open_store_at, path_kind, refuse_open_store

__all__ = [
    "STRATEGIES", "RULE", "FORMAT", "margins", "select_uncertain", "select_diverse", "select_random",
    "distinct_texts", "fold_text", "infer_thresholds", "held_sentences", "PASSAGE_COLUMNS",
    "passage_headers", "store_hash", "fingerprint", "human_coder", "write_workbook",
    "read_workbook", "read_decisions", "ReviewSheet", "Decisions",
]

STRATEGIES = ("uncertain", "diverse", "random")
FORMAT = "evalnlp-review/1"
#: The command that writes review workbooks, as the messages about one name it.
_REVIEW_EXPORT = errors.Call("review export")
REVIEW_SHEET = "Review"
META_SHEET = "_evalnlp"
INSTRUCTIONS_SHEET = "Instructions"

#: how a row counts as reviewed, as the Instructions sheet and the README state it
RULE = ("A row counts as reviewed when you type anything in it: change a theme cell (clear a 1, or type 1 or 0 "
        "into an empty cell), put a mark in 'reviewed', or write a note. Its theme cells as they then stand become "
        "your codes for every theme: 1 = the theme applies, 0 or empty = it does not. Rows you leave exactly as "
        "they were exported are skipped.")

#: largest number of candidates k-means clusters; larger pools are sampled down first (seeded)
DIVERSE_SAMPLE = 20_000
#: Excel's limit on the characters of one cell
_CELL_LIMIT = 32_767

# fixed columns of the Review sheet: header -> (width, editable)
_TEXT_COLUMNS = {"#": 5, "text": 70, "source": 18, "locator": 14, "question": 22, "selected because": 26}
_EDIT_COLUMNS = {"reviewed": 10, "notes": 36}
_HIDDEN_COLUMNS = ("seg_id", "machine", "fingerprint")
_FIXED = set(_TEXT_COLUMNS) | set(_EDIT_COLUMNS) | set(_HIDDEN_COLUMNS)
#: who said a testimonial and the corroborating source it cites (empty for other passages), written after
#: ``locator`` under the names :func:`passage_headers` gives; a workbook exported before them has neither
PASSAGE_COLUMNS = {"speaker": 28, "source_ref": 11}
#: the line of the hidden sheet naming the passage columns as written (``speaker;source_ref``)
_PASSAGE_META = "passage_columns"

_MARK_YES = {"yes", "y", "x", "1", "1.0", "true", "done", "ok", "\u2713", "\u2714", "\u221a", "\u2611", "\u2705"}
_MARK_NO = {"", "no", "n", "0", "0.0", "false"}


# --------------------------------------------------------------------------- choosing passages


def margins(scores: np.ndarray, thresholds: np.ndarray | float, *, multi_label: bool) -> np.ndarray:
    """Signed distance of each score to its theme's decision boundary, ``(n, k)`` (positive: assigned side).

    Multi-label: ``score - threshold``. Single-label: ``score - max(threshold, best other score)``.
    """
    scores = np.asarray(scores, dtype=float)
    n, k = scores.shape
    thr = np.broadcast_to(np.asarray(thresholds, dtype=float), (k,))
    if multi_label or k < 2 or n == 0:
        return scores - thr
    order = np.argsort(-scores, axis=1, kind="stable")
    rows = np.arange(n)
    first, second = scores[rows, order[:, 0]], scores[rows, order[:, 1]]
    best_other = np.repeat(first[:, None], k, axis=1)
    best_other[rows, order[:, 0]] = second  # the top theme's rival is the second best
    return scores - np.maximum(thr, best_other)


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise errors.error("E199", "n", n=n)
    return int(n)


def select_uncertain(scores: np.ndarray, thresholds: np.ndarray | float, n: int, *, multi_label: bool,
                     theme: int | None = None, return_themes: bool = False):
    """Indices of ``n`` distinct rows whose scores are nearest a theme's decision boundary.

    Without ``theme``, themes take turns in codebook order, each adding its nearest row not yet chosen, so
    every theme gets its share of the review; with ``theme`` (a column index) only that theme's boundary
    counts. Ties go to the lower row index, so the result is deterministic. With ``return_themes`` also
    returns, for each chosen row, the theme (column index) it was chosen for.
    """
    n = _check_n(n)
    distance = np.abs(margins(scores, thresholds, multi_label=multi_label))
    total, k = distance.shape
    columns = [theme] if theme is not None else list(range(k))
    if theme is not None and not 0 <= theme < k:
        raise errors.error("E199", "theme_index", theme=theme, n_themes=k)
    ranked = [np.argsort(distance[:, j], kind="stable") for j in columns]
    want = min(n, total)
    chosen: list[int] = []
    why: list[int] = []
    taken = np.zeros(total, dtype=bool)
    cursor = [0] * len(columns)
    while len(chosen) < want:
        progressed = False
        for c, j in enumerate(columns):
            order = ranked[c]
            while cursor[c] < total and taken[order[cursor[c]]]:
                cursor[c] += 1
            if cursor[c] == total:
                continue
            row = int(order[cursor[c]])
            taken[row] = True
            chosen.append(row)
            why.append(j)
            progressed = True
            if len(chosen) == want:
                break
        if not progressed:
            break
    out = np.asarray(chosen, dtype=np.int64)
    return (out, np.asarray(why, dtype=np.int64)) if return_themes else out


def select_random(total: int, n: int, *, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` distinct rows out of ``total``, a seeded random sample (all of them when fewer)."""
    n = _check_n(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(int(total), size=min(n, int(total)), replace=False)).astype(np.int64)


def select_diverse(vectors: np.ndarray, n: int, *, seed: int = 0, covered: np.ndarray | None = None,
                   return_sizes: bool = False):
    """Indices of ``n`` distinct rows that cover the space of ``vectors`` (unit-length rows).

    K-means (seeded, k-means++ start) splits the rows into clusters and each chosen row is the member nearest
    its cluster's centre. Without ``covered``, there are ``n`` clusters, largest first. With ``covered`` (the
    vectors of passages people have already coded), there are up to ``2n`` clusters and the ``n`` chosen are
    those with the most passages far from anything covered (size times the cosine distance from the centre to
    the nearest covered passage). Pools larger than :data:`DIVERSE_SAMPLE` are clustered on a seeded sample.
    With ``return_sizes`` also returns each chosen row's cluster size (in the clustered rows).
    """
    from sklearn.cluster import KMeans, kmeans_plusplus

    n = _check_n(n)
    X = np.asarray(vectors, dtype=np.float32)
    total = len(X)
    if total <= n:
        out = np.arange(total, dtype=np.int64)
        return (out, np.ones(total, dtype=np.int64)) if return_sizes else out
    rng = np.random.default_rng(seed)
    pool = np.sort(rng.choice(total, DIVERSE_SAMPLE, replace=False)) if total > DIVERSE_SAMPLE else np.arange(total)
    has_covered = covered is not None and len(covered) > 0
    distinct = len(np.unique(X[pool].round(5), axis=0))
    k = min(2 * n if has_covered else n, len(pool), distinct)
    # k-means++ seeding with one trial per centre: spread-out starts at a seventh of the default's cost
    start, _ = kmeans_plusplus(X[pool], k, random_state=seed, n_local_trials=1)
    km = KMeans(n_clusters=k, init=start, n_init=1, max_iter=100).fit(X[pool])
    labels, centres = km.labels_, km.cluster_centers_
    sizes = np.bincount(labels, minlength=k)
    dist = ((X[pool] - centres[labels]) ** 2).sum(axis=1)
    medoid = np.full(k, -1, dtype=np.int64)
    for c in range(k):  # k is at most 2n: a loop over clusters, not over passages
        members = np.flatnonzero(labels == c)
        if members.size:
            medoid[c] = pool[members[np.argmin(dist[members])]]
    weight = sizes.astype(float)
    if has_covered:
        C = np.asarray(covered, dtype=np.float32)
        norms = np.linalg.norm(centres, axis=1, keepdims=True)
        unit = centres / np.where(norms > 0, norms, 1)
        weight = weight * (1.0 - (unit @ C.T).max(axis=1)).clip(min=0)
    order = [c for c in np.lexsort((np.arange(k), -weight)) if medoid[c] >= 0][:n]
    chosen = [int(medoid[c]) for c in order]
    chosen_sizes = [int(sizes[c]) for c in order]
    if len(chosen) < n:  # fewer distinct clusters than asked: fill with a seeded sample of the rest
        rest = np.setdiff1d(np.arange(total), chosen)
        extra = rng.choice(rest, size=min(n - len(chosen), len(rest)), replace=False)
        chosen += [int(i) for i in np.sort(extra)]
        chosen_sizes += [1] * len(extra)
    out = np.asarray(chosen, dtype=np.int64)
    return (out, np.asarray(chosen_sizes, dtype=np.int64)) if return_sizes else out


def fold_text(text: Any) -> str:
    """A passage's text with case and spacing folded: two passages that fold alike are the same answer."""
    return " ".join(str(text).lower().split())


def distinct_texts(texts: Sequence[str], keys: Sequence[Any] | None = None) -> np.ndarray:
    """Mask of the first occurrence of each text after folding case and whitespace (duplicates are shown once);
    with ``keys`` (one per text, such as the question answered), a text counts as a repeat only under the same
    key."""
    folded = [fold_text(t) for t in texts]
    frame = pd.DataFrame({"text": folded, "key": list(keys) if keys is not None else [""] * len(folded)},
                         dtype=object)
    return np.array(~frame.duplicated(keep="first"), dtype=bool)


def held_sentences(doc_ids: Sequence[Any], kinds: Sequence[Any], starts: Sequence[int],
                   ends: Sequence[int]) -> dict[int, list[int]]:
    """Testimonial row -> the sentence rows of its document whose spans share characters with it (the sentence
    that holds the quotation, or each sentence of a quotation that runs over several), rows in ascending
    order. Only testimonials that overlap a sentence are keys."""
    frame = pd.DataFrame({"doc": list(doc_ids), "kind": list(kinds), "start": np.asarray(starts, dtype=np.int64),
                          "end": np.asarray(ends, dtype=np.int64), "row": np.arange(len(doc_ids))})
    tests = frame[frame["kind"] == "testimonial"]
    if tests.empty:
        return {}
    sents = frame[frame["kind"] == "sentence"]
    both = tests.merge(sents, on="doc", suffixes=("", "_s"))
    both = both[(both["start_s"] < both["end"]) & (both["start"] < both["end_s"])]
    out: dict[int, list[int]] = {}
    for t, s in sorted(zip(both["row"].tolist(), both["row_s"].tolist())):
        out.setdefault(int(t), []).append(int(s))
    return out


def infer_thresholds(scores: np.ndarray, assigned: np.ndarray, *, default: float = 0.5) -> np.ndarray:
    """Per theme, the cut between scores that best separates the assigned passages from the others.

    Used when the coder's own thresholds (its model card) cannot be found: the cut minimises the passages on
    the wrong side (ties: the lowest cut), placed midway between the two scores it falls between. A theme
    never assigned gets ``default``.
    """
    scores = np.asarray(scores, dtype=float)
    assigned = np.asarray(assigned, dtype=bool)
    n, k = scores.shape
    out = np.full(k, float(default))
    for j in range(k):
        y = assigned[:, j]
        if not y.any() or n == 0:
            continue
        order = np.argsort(scores[:, j], kind="stable")
        s, a = scores[order, j], y[order]
        # cut before position i: rows < i are predicted unassigned, rows >= i assigned
        wrong = np.concatenate(([0], np.cumsum(a))) + (np.count_nonzero(~a) - np.concatenate(([0], np.cumsum(~a))))
        i = int(np.argmin(wrong))
        if i == 0:
            out[j] = float(s[0])
        elif i == n:
            out[j] = float(s[-1]) + 1e-6
        else:
            out[j] = float((s[i - 1] + s[i]) / 2)
    return out


# --------------------------------------------------------------------------- identity


def store_hash(store_id: str) -> str:
    """What a workbook records of the store it came from (not the id itself)."""
    return hashlib.sha256(f"evalnlp-store\x1f{store_id}".encode()).hexdigest()[:16]


def fingerprint(store_id: str, codebook_sha256: str) -> str:
    """The hidden per-row fingerprint: a hash of the store's identity and the codebook's sha256."""
    return hashlib.sha256(f"{store_id}\x1f{codebook_sha256}".encode()).hexdigest()[:16]


def human_coder(name: str) -> str:
    """``human:NAME`` from ``NAME`` (or ``human:NAME`` itself), by the rule every command uses for a person's
    ``--coder`` (:func:`evalnlp.schema.person_coder`); E181 for a name that cannot be used."""
    from evalnlp.schema import HUMAN_PREFIX, person_coder

    coder = person_coder(name)
    if coder is None:
        raise errors.error("E181", human_prefix=HUMAN_PREFIX, name=name)
    return coder


# --------------------------------------------------------------------------- writing the workbook


def _cell_text(value: Any) -> Any:
    """Text a cell can hold: control characters escaped, at most Excel's cell limit."""
    from evalnlp.tablefile import xlsx_text

    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if len(text) > _CELL_LIMIT:
        text = text[: _CELL_LIMIT - 20] + " [... shortened]"
    return xlsx_text(text)


def _set_text(cell, value: Any) -> None:
    cell.value = _cell_text(value)
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text, never a formula


def _shown(value: Any) -> Any:
    """A cell's value as a spreadsheet program shows it: text with its ``_xHHHH_`` escapes read (openpyxl leaves
    them as written), so that a vertical tab the export wrote as ``_x000B_``, or a literal ``_x000B_`` it wrote
    as ``_x005F_x000B_``, reads back as the passage had it. Other values pass as they are."""
    from evalnlp.tablefile import xlsx_unescaped

    return xlsx_unescaped(value) if isinstance(value, str) else value


_NOT_COMPARED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def _text_key(text: str) -> str:
    """A cell's text for telling whether it is still its passage's: case, whitespace and control characters left
    out (a spreadsheet program may write a control character as a space, or drop it)."""
    return _NOT_COMPARED.sub("", text.lower())


def cell_shows(value: Any, cell: Any) -> bool:
    """Whether ``cell``, a text cell of the workbook as read back (:func:`read_workbook`), still shows ``value``,
    the store's text the export wrote there (escaped, and shortened past a cell's limit). A program that wrote
    a literal ``_x000B_`` without escaping its underscore has it read as a vertical tab; that matches too."""
    written = _cell_text(value)
    shown = _shown(written) if isinstance(written, str) else ""
    got = _text_key(_shown_str(cell))
    return got == _text_key(shown) or got == _text_key(_shown(shown))


def _shown_str(cell: Any) -> str:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    return str(cell)


def theme_headers(cb) -> dict[str, str]:
    """Theme id -> its column header: the theme's label, or its id where labels would clash."""
    labels = {t.id: t.label.strip() for t in cb.themes}
    folded = [" ".join(v.lower().split()) for v in labels.values()]
    clash = len(set(folded)) != len(folded) or any(f in _FIXED for f in folded)
    return {t: (t if clash or not v else v) for t, v in labels.items()}


def passage_headers(cb) -> dict[str, str]:
    """Each of :data:`PASSAGE_COLUMNS` -> the header it is written under beside ``cb``'s theme columns: its own
    name, or ``evalnlp_<name>`` (then ``evalnlp_<name>_2``, ...) where a theme is known by that name (its id,
    label or an alias, case and spacing aside) or a column of the sheet has it, as :mod:`evalnlp.columns` does
    for every table that puts evalnlp's columns beside the user's."""
    from evalnlp.columns import PREFIX

    shown = {fold_text(h) for h in theme_headers(cb).values()} | _FIXED

    def taken(name: str) -> bool:
        if fold_text(name) in shown:
            return True
        try:
            cb.label_to_id(name)
        except Exception:
            return False
        return True

    out: dict[str, str] = {}
    for name in PASSAGE_COLUMNS:
        head, k = name, 2
        if taken(head):
            head = PREFIX + name
            while taken(head) or head in out.values():
                head, k = f"{PREFIX}{name}_{k}", k + 1
        out[name] = head
        shown.add(fold_text(head))
    return out


def _passage_headers_of(sheet: "ReviewSheet") -> set[str]:
    """The headers of ``sheet`` that are its passage columns (speaker, source_ref), as its hidden sheet names
    them: none for a workbook exported before them."""
    return {h for h in str(sheet.meta.get(_PASSAGE_META) or "").split(";") if h}


def write_workbook(path: str | Path, rows: pd.DataFrame, cb, meta: dict[str, Any]) -> Path:
    """Write the review workbook.

    ``rows``: seg_id, text, source, locator, question, reason, machine (list of theme ids the machine
    assigned), fingerprint, and optionally speaker and source_ref (a testimonial's), one row per passage in the
    order to show. ``meta``: provenance written to the hidden sheet (``format`` and the passage columns' headers
    are added here).
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from evalnlp.util import atomic_path

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise errors.error("E190", "write", target=str(target))
    heads = theme_headers(cb)
    said = passage_headers(cb)
    theme_ids = cb.theme_ids
    shown = list(_TEXT_COLUMNS)
    shown[shown.index("locator") + 1:shown.index("locator") + 1] = list(said.values())
    header = shown + [heads[t] for t in theme_ids] + list(_EDIT_COLUMNS) + list(_HIDDEN_COLUMNS)
    col = {name: i + 1 for i, name in enumerate(header)}
    letter = {name: get_column_letter(i) for name, i in col.items()}
    first_theme, last_theme = letter[heads[theme_ids[0]]], letter[heads[theme_ids[-1]]]
    last_row = len(rows) + 1

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    edit_fill = PatternFill("solid", fgColor="FFF8DC")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(horizontal="center", vertical="top")
    unlocked = Protection(locked=False)
    under = Border(bottom=Side(style="thin", color="8899AA"))

    wb = Workbook()
    ws = wb.active
    ws.title = REVIEW_SHEET
    for name, i in col.items():
        cell = ws.cell(row=1, column=i)
        _set_text(cell, name)  # a theme's label may look like a formula ("=...")
        cell.font, cell.fill, cell.border = bold, head_fill, under
        cell.alignment = Alignment(wrap_text=True, vertical="bottom", horizontal="center" if name not in
                                   ("text", "notes") else "left")
    for t in theme_ids:
        theme = cb.get(t)
        note = f"{theme.label} ({theme.id}): {theme.definition}"
        if theme.exclude:
            note += f"\nNot: {theme.exclude}"
        comment = Comment(_cell_text(note), "evalnlp")
        comment.width, comment.height = 320, 160
        ws.cell(row=1, column=col[heads[t]]).comment = comment
    ws.row_dimensions[1].height = 45

    for r, rec in enumerate(rows.itertuples(index=False), start=2):
        ws.cell(row=r, column=col["#"], value=r - 1).alignment = Alignment(vertical="top")
        for name, attr in (("text", "text"), ("source", "source"), ("locator", "locator"),
                           (said["speaker"], "speaker"), (said["source_ref"], "source_ref"),
                           ("question", "question"), ("selected because", "reason")):
            cell = ws.cell(row=r, column=col[name])
            value = getattr(rec, attr, None)
            if name == "locator":  # a workbook row's sheet is in its source already: "row 8", not "Comments!row 8"
                value = locator_in_source(rec.source, value)
            _set_text(cell, value)
            cell.alignment = wrap_top
        machine = set(rec.machine)
        for t in theme_ids:
            cell = ws.cell(row=r, column=col[heads[t]], value=1 if t in machine else None)
            cell.alignment, cell.protection, cell.fill, cell.number_format = centre, unlocked, edit_fill, "0"
        for name in _EDIT_COLUMNS:
            cell = ws.cell(row=r, column=col[name])
            cell.protection, cell.fill = unlocked, edit_fill
            cell.alignment = centre if name == "reviewed" else wrap_top
        ws.cell(row=r, column=col["seg_id"], value=rec.seg_id)
        ws.cell(row=r, column=col["machine"], value=";".join(t for t in theme_ids if t in machine))
        ws.cell(row=r, column=col["fingerprint"], value=rec.fingerprint)

    for name, width in {**_TEXT_COLUMNS, **_EDIT_COLUMNS}.items():
        ws.column_dimensions[letter[name]].width = width
    for name, head in said.items():
        ws.column_dimensions[letter[head]].width = PASSAGE_COLUMNS[name]
    for t in theme_ids:
        ws.column_dimensions[letter[heads[t]]].width = max(9, min(16, len(heads[t]) // 2 + 4))
    for name in _HIDDEN_COLUMNS:
        ws.column_dimensions[letter[name]].hidden = True
        ws.column_dimensions[letter[name]].width = 22

    if len(rows):
        themes_range = f"{first_theme}2:{last_theme}{last_row}"
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                            showErrorMessage=True, errorTitle="1, 0 or empty",
                            error="Type 1 if the theme applies; 0 or nothing if it does not.",
                            showInputMessage=True, promptTitle="Theme",
                            prompt="1 = applies; 0 or empty = does not")
        dv.add(themes_range)
        ws.add_data_validation(dv)
        mark = DataValidation(type="list", formula1='"yes"', allow_blank=True, showErrorMessage=True,
                              errorTitle="yes or empty", error="Choose yes once you have checked the row.")
        mark.add(f"{letter['reviewed']}2:{letter['reviewed']}{last_row}")
        ws.add_data_validation(mark)
        ws.conditional_formatting.add(themes_range, CellIsRule(operator="equal", formula=["1"],
                                                                fill=PatternFill("solid", fgColor="C6EFCE"),
                                                                font=Font(bold=True, color="006100")))
    ws.freeze_panes = "C2"
    # the filter (and the sort its menu offers) spans the hidden columns too, so that sorting moves each row's
    # passage id with its text; a sort that leaves them behind is refused on import (E193)
    ws.auto_filter.ref = f"A1:{letter[_HIDDEN_COLUMNS[-1]]}{last_row}"
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False

    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), cb, meta, len(rows), heads, said)
    info = wb.create_sheet(META_SHEET)
    lines = [("format", FORMAT), (_PASSAGE_META, ";".join(said.values())), *meta.items()]
    for i, (key, value) in enumerate(lines, start=1):
        info.cell(row=i, column=1, value=key)
        _set_text(info.cell(row=i, column=2), value if isinstance(value, str) else
                  ("" if value is None else str(value)))
    info.sheet_state = "hidden"
    info.protection.sheet = True
    wb.active = 0
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _instructions(ws, cb, meta: dict[str, Any], n_rows: int, heads: dict[str, str], said: dict[str, str]) -> None:
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[str, str]] = [
        ("title", "How to review these passages"),
        ("", f"The '{REVIEW_SHEET}' sheet lists {n_rows} passages coded by {meta.get('coder')} with the codebook "
             f"'{cb.id}' (version {cb.version}), chosen because they are the most worth a person's check "
             f"(strategy: {meta.get('strategy')})."),
        ("", "Each theme has a column, pre-filled with the machine's decision: 1 = the machine gave the theme, "
             "empty = it did not. Hover over a theme's header for its definition; all definitions are below."),
        ("step", "1. Read the passage. Set each theme cell to 1 if the theme applies, 0 (or empty) if it does not."),
        ("step", "2. If you agree with the machine as it stands, choose 'yes' in 'reviewed' (typing over a 1 with "
                 "another 1 leaves no trace, so the mark is how your agreement is recorded)."),
        ("step", "3. Add a note if you want to (it is kept with the import run)."),
        ("step", "4. Leave a row exactly as it is to skip it."),
        ("step", "5. Save the file (keep it as .xlsx) and import it: evalnlp review import FILE.xlsx --coder YOURNAME"),
        ("rule", RULE),
    ]
    if not cb.multi_label:
        lines.append(("rule", "This codebook is single-label: a reviewed row must have exactly one theme set to 1"
                      if cb.require_theme else "This codebook is single-label: a reviewed row may have at most "
                      "one theme set to 1."))
    lines += [
        ("", f"A testimonial (a person's words quoted in a report or case study) has its speaker under "
             f"'{said['speaker']}' and the corroborating source it cites under '{said['source_ref']}'; both are "
             "empty for other passages. A sentence holding a testimonial not yet reviewed is not listed: the "
             "testimonial's row is those words."),
        ("", "Text, source and locator are locked so they cannot change by accident; the sheet has no password. "
             "Do not edit the hidden columns: they tie each row to its passage and to this project's store, and a "
             "workbook from another store or codebook version is refused."),
        ("", ""),
        ("title", "Themes"),
    ]
    r = 1
    for kind, text in lines:
        cell = ws.cell(row=r, column=1, value=text)
        cell.alignment = wrap
        if kind == "title":
            cell.font = Font(bold=True, size=13)
        elif kind == "rule":
            cell.font = Font(bold=True)
        if text:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            ws.row_dimensions[r].height = 15 * max(1, len(text) // 110 + 1)
        r += 1
    for i, name in enumerate(("column", "definition", "include", "exclude"), start=1):
        ws.cell(row=r, column=i, value=name).font = Font(bold=True)
    r += 1
    for theme in cb.themes:
        values = [heads[theme.id], theme.definition, theme.include or "", theme.exclude or ""]
        for i, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=i)
            _set_text(cell, value)
            cell.alignment = wrap
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="Provenance").font = Font(bold=True)
    r += 1
    for key in ("codebook_id", "codebook_version", "codebook_sha256", "coder", "strategy", "theme", "thresholds",
                "store_path", "export_run"):
        if meta.get(key) not in (None, ""):
            ws.cell(row=r, column=1, value=key)
            _set_text(ws.cell(row=r, column=2), str(meta[key]))
            r += 1
    for letter, width in zip("ABCD", (26, 70, 40, 40)):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


# --------------------------------------------------------------------------- reading it back


@dataclass
class ReviewSheet:
    """A review workbook as read: its provenance and the Review sheet's cells."""

    path: Path
    meta: dict[str, str]
    header: dict[str, str]  # header text -> column letter
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"_row": n, header: value}


def read_workbook(path: str | Path) -> ReviewSheet:
    """Read a review workbook written by :func:`write_workbook` (and edited by a person). E190 when it is not one."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    p = Path(path)
    if p.exists() and not p.is_file():  # a directory, /dev/null, a named pipe: said before its name is judged
        raise errors.error("E190", "not_a_file", path=str(p), kind=path_kind(p), review_export=_REVIEW_EXPORT)
    if p.suffix.lower() != ".xlsx":
        raise errors.error("E190", "suffix", file=p.name, value=p.suffix or 'file without extension',
                           review_export=_REVIEW_EXPORT)
    if not p.is_file():
        raise errors.error("E190", "missing", path=str(p), review_export=_REVIEW_EXPORT)
    refuse_open_store(p, "a review workbook")
    try:
        wb = load_workbook(p, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for files that are not workbooks
        raise errors.error("E190", "unreadable", file=p.name, exc_type=type(exc).__name__, exc=exc) from None
    try:
        if META_SHEET not in wb.sheetnames or REVIEW_SHEET not in wb.sheetnames:
            renamed = (f". If one of them is the {REVIEW_SHEET!r} sheet renamed, name it {REVIEW_SHEET!r} again and "
                       "import again" if META_SHEET in wb.sheetnames else "")
            raise errors.error("E190", "not_review", file=p.name, review_sheet=REVIEW_SHEET, meta_sheet=META_SHEET,
                               listed=', '.join(map(repr, wb.sheetnames)), renamed=renamed,
                               review_export=_REVIEW_EXPORT)
        meta = {}
        for key, value in wb[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True):
            if key is not None:
                meta[str(_shown(key))] = "" if value is None else str(_shown(value))
        if meta.get("format") != FORMAT:
            raise errors.error("E190", "format", file=p.name, format=FORMAT, found=meta.get('format'),
                               review_export=_REVIEW_EXPORT)
        ws = wb[REVIEW_SHEET]
        header: dict[str, str] = {}
        for i, cell in enumerate(next(ws.iter_rows(min_row=1, max_row=1)), start=1):
            if cell.value is None:
                continue
            name = str(_shown(cell.value)).strip()
            if name in header:
                raise errors.error("E197", "column_twice", file=p.name, column=name, review_sheet=REVIEW_SHEET,
                                   header=header[name], other=get_column_letter(i))
            header[name] = get_column_letter(i)
        if "seg_id" not in header:  # a title row typed above the header, or the header sorted in with the rows
            for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
                cells = {str(_shown(v)).strip() for v in values if v is not None}
                if {"seg_id", "fingerprint"} <= cells:
                    raise errors.error("E197", "header_row", file=p.name, review_sheet=REVIEW_SHEET, row=r)
        names = list(header)
        order = [None if c.value is None else str(_shown(c.value)).strip()
                 for c in next(ws.iter_rows(min_row=1, max_row=1))]
        _check_formulas(p, ws)
        rows = []
        for r, values in enumerate(ws.iter_rows(min_row=2, max_col=len(order), values_only=True), start=2):
            record = {"_row": r}
            for name, value in zip(order, values):
                if name is not None:
                    record[name] = _shown(value)
            if all(record.get(n) in (None, "") for n in names):
                continue  # an empty row (Excel keeps formatted rows past the data)
            rows.append(record)
    finally:
        wb.close()
    return ReviewSheet(path=p, meta=meta, header=header, rows=rows)


def _check_formulas(path: Path, values) -> None:
    """E194 when a cell of the review sheet holds a formula with no value saved with it (``values`` is the sheet
    read for its values, where such a cell is empty): a workbook edited by a script, or by a program that saves
    without calculating, would otherwise have its "=1" imported as an empty cell, the reviewer clearing the
    theme."""
    from openpyxl import load_workbook

    wb = load_workbook(path)  # the formulas themselves
    try:
        found = []
        for row in wb[REVIEW_SHEET].iter_rows():
            for cell in row:
                if cell.data_type == "f" and values[cell.coordinate].value is None:
                    found.append(f"{REVIEW_SHEET}!{cell.coordinate} ({str(cell.value)[:40]!r})")
    finally:
        wb.close()
    if found:
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise errors.error("E194", "formula", file=path.name, cells=", ".join(found[:5]), more=more)


@dataclass
class ExistingWorkbook:
    """What is already at the path a review export would write: a review workbook (``review``) with how many of
    its rows a person typed something in and the export it came from, or another file (``other``)."""

    kind: str
    n_typed: int = 0
    export_run: str = ""


def theme_now(cb, name: str) -> str:
    """The id of the theme of ``cb`` that ``name`` is (its id, or a label or alias of it); else ``name``."""
    from evalnlp.errors import CodebookError

    if name in cb.theme_ids:
        return name
    try:
        return cb.label_to_id(name)
    except CodebookError:
        return name


def is_review_workbook(path: str | Path) -> bool:
    """Whether ``path`` is a workbook with the sheets of a review workbook (:func:`write_workbook`): found from the
    sheet names in the workbook's index alone, so a large workbook of another kind costs no reading."""
    import re
    import zipfile

    p = Path(path)
    if p.suffix.lower() != ".xlsx" or not p.is_file() or open_store_at(p) is not None:  # never read: see E414
        return False
    try:
        with zipfile.ZipFile(p) as z:
            index = z.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    names = set(re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', index))
    return META_SHEET in names and REVIEW_SHEET in names


def existing_workbook(path: str | Path) -> ExistingWorkbook | None:
    """What a review export to ``path`` would replace (None: nothing). A row counts as typed in by the rule of
    :data:`RULE` (a theme cell that differs from what was written, anything under ``reviewed``, a note), read
    leniently: nothing is refused here, and a workbook whose codebook can no longer be loaded counts every row
    with a value in a theme cell."""
    from evalnlp.codebook import load_codebook

    p = Path(path)
    if not p.exists():
        return None
    try:
        sheet = read_workbook(p)
    except errors.InputError:  # not a review workbook evalnlp wrote (or not a workbook at all)
        return ExistingWorkbook("other")
    meta = sheet.meta
    try:
        heads = theme_headers(load_codebook(meta.get("codebook_ref") or meta.get("codebook_id") or ""))
    except errors.EvalnlpError:
        heads = None
    said = _passage_headers_of(sheet)
    typed = 0
    for rec in sheet.rows:
        marks = [rec.get("reviewed"), rec.get("notes")]
        if any(m is not None and str(m).strip() != "" for m in marks):
            typed += 1
            continue
        machine = {t for t in str(rec.get("machine") or "").split(";") if t}
        if heads is None:
            cells = [rec.get(h) for h in sheet.header if h not in _FIXED and h not in said]
            typed += any(c is not None and str(c).strip() != "" for c in cells)
        else:
            typed += any(_theme_value(rec.get(h)) != (1 if t in machine else None) for t, h in heads.items())
    return ExistingWorkbook("review", typed, meta.get("export_run") or "")


@dataclass
class Decisions:
    """What a reviewer decided: one row per reviewed passage, and the counts of the whole sheet."""

    codes: pd.DataFrame  # seg_id, theme, score, assigned (every theme of every reviewed passage)
    #: seg_id, row, themes (ids), machine (ids), changed (True where the themes differ from the machine's), note
    reviewed: pd.DataFrame
    n_rows: int
    n_untouched: int
    #: columns the reviewer added (not themes), with how many rows hold something in them: not read
    ignored: dict[str, int] = field(default_factory=dict)

    @property
    def n_reviewed(self) -> int:
        return len(self.reviewed)

    @property
    def n_changed_cells(self) -> int:
        # a cell differs where a theme is in one of the two sets only (``machine`` holds the codebook's themes)
        return sum(len(set(t) ^ set(m)) for t, m in zip(self.reviewed["themes"], self.reviewed["machine"]))

    @property
    def n_changed_passages(self) -> int:
        return int(self.reviewed["changed"].sum()) if len(self.reviewed) else 0

    @property
    def notes(self) -> dict[str, str]:
        df = self.reviewed[self.reviewed["note"] != ""]
        return dict(zip(df["seg_id"], df["note"]))


def _theme_value(value: Any) -> int | None | str:
    """1, 0, None (empty) or the string ``"bad"``."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return int(value) if value in (0, 1) else "bad"
    text = str(value).strip()
    if text == "":
        return None
    if text in ("0", "1", "0.0", "1.0"):
        return int(float(text))
    return "bad"


def themes_without_column(sheet: ReviewSheet, cb) -> list[str]:
    """The themes of ``cb`` that no column of ``sheet`` is (by id, label or alias): themes added to the codebook,
    or renamed, since the workbook was exported."""
    found = set()
    said = _passage_headers_of(sheet)
    for head in sheet.header:
        if head in _FIXED or head in said:
            continue
        try:
            found.add(cb.label_to_id(head))
        except Exception:
            continue
    return [t for t in cb.theme_ids if t not in found]


def read_decisions(sheet: ReviewSheet, cb, *, expected_fingerprint: str) -> Decisions:
    """The reviewer's decisions on ``sheet`` (see :data:`RULE`), every cell checked first.

    E197 when a needed column is missing, E193 when a row's fingerprint is not ``expected_fingerprint`` or a
    passage appears twice, E194/E195 for cells that are not 0/1 or a mark, E196 for rows that break a
    single-label codebook's rule. Errors name the cell (``Review!G7``).
    """
    name = sheet.path.name
    heads: dict[str, str] = {}
    ignored: dict[str, int] = {}
    added: list[str] = []  # headers that are none of the workbook's columns
    said = _passage_headers_of(sheet)  # speaker, source_ref: shown, not read (none in an older workbook)
    for head in sheet.header:
        if head in _FIXED or head in said:
            continue
        try:
            theme = cb.label_to_id(head)
        except Exception:
            added.append(head)
            continue
        if theme in heads:
            raise errors.error("E197", "theme_twice", file=name, heads=heads[theme], head=head, theme=theme)
        heads[theme] = head
    exported = theme_headers(cb)
    missing = [f"{exported[t]!r}" + (f" (theme {t})" if exported[t] != t else "") for t in cb.theme_ids
               if t not in heads]
    missing += [repr(c) for c in ("seg_id", "machine", "fingerprint", "reviewed", "notes") if c not in sheet.header]
    if missing:
        # a header typed over (a theme's label shortened) leaves a column of the reviewer's decisions under a name
        # the workbook does not know: say which, rather than call it a column of the reviewer's own
        renamed = (f" The column(s) {', '.join(map(repr, added))} are none of the workbook's: is one of them that "
                   "column, renamed?" if added else "")
        raise errors.error("E197", "lost_columns", file=name, review_sheet=REVIEW_SHEET, missing=', '.join(missing),
                           renamed=renamed)
    for head in added:
        # a column the reviewer added is ignored, unless it is used as a theme of its own (1 in a row): that
        # decision could not be stored, and the row would pass for agreement with the machine
        values = [_theme_value(rec.get(head)) for rec in sheet.rows]
        marked = [rec["_row"] for rec, v in zip(sheet.rows, values) if v == 1]
        if marked and "bad" not in values:  # 0/1 marks only: a theme; other values (a 1-3 score) are not
            rows = ", ".join(str(r) for r in marked[:5]) + (f" and {len(marked) - 5} more" if len(marked) > 5 else "")
            raise errors.error("E197", "added_theme", file=name, head=head, cb_id=cb.id, rows=rows,
                               where=f"{REVIEW_SHEET}!{sheet.header[head]}{marked[0]}")
        held = sum(v is not None for v in values)
        if held:  # a comment or a score typed in a column of the reviewer's own is not stored: say so
            ignored[head] = held

    def where(column: str, row: int) -> str:
        return f"{REVIEW_SHEET}!{sheet.header[column]}{row}"

    bad: list[str] = []
    records, seen = [], {}
    n_untouched = 0
    for rec in sheet.rows:
        r = rec["_row"]
        seg_id = rec.get("seg_id")
        if seg_id in (None, ""):
            raise errors.error("E193", "no_id", file=name, row=r, where=where('seg_id', r),
                               review_export=_REVIEW_EXPORT)
        seg_id = str(seg_id).strip()
        if str(rec.get("fingerprint") or "").strip() != expected_fingerprint:
            raise errors.error("E193", "other_store", file=name, where=where('fingerprint', r))
        if seg_id in seen:
            raise errors.error("E193", "twice", file=name, row=r, seen=seen[seg_id], where=where('seg_id', r))
        seen[seg_id] = r
        # the machine's themes as exported: a theme renamed since (its old id kept as an alias) is the theme now
        machine = {theme_now(cb, t) for t in str(rec.get("machine") or "").split(";") if t}
        unknown = machine - set(cb.theme_ids)
        if unknown:
            raise errors.error("E193", "unknown_themes", file=name, where=where('machine', r), unknown=sorted(unknown),
                               cb_id=cb.id)
        themes, touched = [], False
        for t in cb.theme_ids:
            value = _theme_value(rec.get(heads[t]))
            if value == "bad":
                bad.append(f"{where(heads[t], r)} ({heads[t]}) holds {rec.get(heads[t])!r}")
                continue
            written = 1 if t in machine else None
            touched |= value != written
            if value == 1:
                themes.append(t)
        mark = rec.get("reviewed")
        # U+FE0F asks for a tick's emoji form (a phone's or Excel's emoji picker types "\u2714\ufe0f")
        text = "" if mark is None else str(mark).replace("\ufe0f", "").strip().lower()
        if isinstance(mark, bool):
            text = "true" if mark else "false"
        # typed, not a checkbox left unticked (FALSE): text, or a number (0 typed in a cell is a number)
        typed = bool(text) and not isinstance(mark, bool)
        if text in _MARK_YES:
            marked = True
        elif text in _MARK_NO:
            marked = False
        else:
            raise errors.error("E195", "mark", file=name, where=where('reviewed', r), mark=mark)
        if typed and not marked and touched:
            # a typed "no" (not a checkbox left unticked, FALSE by default) beside changed themes contradicts them
            raise errors.error("E195", "no_but_changed", file=name, where=where('reviewed', r), mark=mark)
        note = "" if rec.get("notes") is None else str(rec.get("notes")).strip()
        if typed and not marked and note:
            # a typed "no" beside a note: the note would make the row a decision the reviewer says it is not
            raise errors.error("E195", "no_but_note", file=name, where=where('reviewed', r), mark=mark)
        if not (touched or marked or note):
            n_untouched += 1
            continue
        records.append({"seg_id": seg_id, "row": r, "themes": themes, "machine": sorted(machine),
                        "changed": set(themes) != machine, "note": note})
    if bad:
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise errors.error("E194", "cells", file=name, bad='; '.join(bad[:5]), more=more)
    if not cb.multi_label:
        for rec in records:
            k = len(rec["themes"])
            if k > 1 or (k == 0 and cb.require_theme):
                need = "exactly one theme" if cb.require_theme else "at most one theme"
                raise errors.error("E196", file=name, row=rec['row'], n=k,
                                   detail=' (' + ', '.join(rec['themes']) + ')' if k else '', cb_id=cb.id, need=need)
    reviewed = pd.DataFrame(records, columns=["seg_id", "row", "themes", "machine", "changed", "note"])
    reviewed["changed"] = reviewed["changed"].astype(bool)  # (an empty frame's column would be object)
    ids = cb.theme_ids
    codes = pd.DataFrame({
        "seg_id": np.repeat(reviewed["seg_id"].to_numpy(dtype=object), len(ids)),
        "theme": np.tile(np.asarray(ids, dtype=object), len(reviewed)),
        "score": [None] * (len(reviewed) * len(ids)),
        "assigned": [t in set(themes) for themes in reviewed["themes"] for t in ids],
    })
    return Decisions(codes=codes, reviewed=reviewed, n_rows=len(sheet.rows), n_untouched=n_untouched,
                     ignored=ignored)
