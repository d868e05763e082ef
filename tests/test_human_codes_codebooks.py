"""One person's codes of two codebooks that share theme names (a copy of a shipped codebook under an id of its own):
importing with one leaves the other's codes as they were, and each codebook's readers see its own."""

from __future__ import annotations

import re
import warnings

import pandas as pd

import evalnlp
from evalnlp.codebook import _shipped_path

TEXTS = ["The staff were kind and listened.", "Parking was awful and the signs were confusing."]


def _two_codings(tmp_path):
    copy = tmp_path / "mycopy.yaml"
    copy.write_text(re.sub(r"(?m)^id: fft$", "id: fft_copy", _shipped_path("fft").read_text()))
    pd.DataFrame({"id": ["a", "b"], "text": TEXTS, "themes": ["staff", "access"]}).to_csv(tmp_path / "c.csv",
                                                                                          index=False)
    pd.DataFrame({"id": ["a", "b"], "text": TEXTS, "themes": ["dignity", "access"]}).to_csv(tmp_path / "d.csv",
                                                                                            index=False)
    p = evalnlp.open(tmp_path / "s.duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p.import_codes(tmp_path / "c.csv", text="text", id="id", labels_column="themes", coder="ann", codebook="fft")
        p.import_codes(tmp_path / "d.csv", text="text", id="id", labels_column="themes", coder="ann",
                       codebook=copy, source="c.csv")
    return p, copy


def _shown(p, codebook):
    segments = p.evidence(codebook=codebook).themes.set_index("theme")["segments"]
    return {theme: int(n) for theme, n in segments.items() if n}


def test_codes_of_a_codebooks_copy_leave_the_originals_codes_as_they_were(tmp_path):
    """Before, the copy's import replaced the person's fft codes on the same passages (staff on the first answer
    was gone from fft's evidence) and, where the decision was the same, kept the fft row, so the copy's evidence
    lacked it (access under fft_copy: 0)."""
    p, copy = _two_codings(tmp_path)
    codes = p.codes()
    held = codes[codes["assigned"].astype(bool)]
    assert sorted(zip(held["codebook"], held["theme"])) == [
        ("fft", "access"), ("fft", "staff"), ("fft_copy", "access"), ("fft_copy", "dignity")]
    assert _shown(p, "fft") == {"staff": 1, "access": 1}
    assert _shown(p, copy) == {"dignity": 1, "access": 1}


def test_each_codebooks_readers_see_its_own_codes(tmp_path):
    """train --from-store reads the person's codes of the codebook it trains (one decision per passage and
    theme, not both codings pooled)."""
    p, copy = _two_codings(tmp_path)
    store = p.store
    fft = store.human_codes(["human:ann"], "fft")
    mine = store.human_codes(["human:ann"], "fft_copy")
    assert sorted(fft.loc[fft["assigned"].astype(bool), "theme"]) == ["access", "staff"]
    assert sorted(mine.loc[mine["assigned"].astype(bool), "theme"]) == ["access", "dignity"]
    assert len(store.human_codes(["human:ann"])) == len(fft) + len(mine)  # no codebook: every code
