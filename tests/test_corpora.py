"""The shipped corpora: files, stated counts, gold annotations and the demo corpus generator."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import CORPORA, REPO, shared_data

FFT = CORPORA / "nhs_fft"
DEMO = CORPORA / "demo_leadership"
SCRIPT = REPO / "scripts" / "make_demo_corpus.py"

QUESTIONS = (
    "What has changed in how you work since the programme?",
    "What did you value most?",
    "What could be improved?",
)
COLUMNS = ("respondent_id", "submitted", "programme", "cohort", "role", "organisation", *QUESTIONS)
QUESTION_LABELS = dict(zip(("changed", "valued", "improved"), QUESTIONS))
NA_MARKERS = {"N/A", "n/a", "NA", "N/A.", "-"}
THEMES = {
    "engagement", "relationships", "service_improvement", "capability", "attitude_change", "practice_change",
    "policy_influence", "economic_value", "reach_uptake", "endorsement",
}


# ---------------------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------------------


def load_generator():
    """Import scripts/make_demo_corpus.py by path."""
    name = "make_demo_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def read_cells(path: Path) -> list[tuple]:
    """All rows of the `Responses` sheet as value tuples, header first."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in wb["Responses"].iter_rows(values_only=True)]
    finally:
        wb.close()


def docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def readme_facts(path: Path) -> dict[str, str]:
    """The `- key: value` lines of a README."""
    facts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"- ([a-z][a-z ]+): (\d+)", line)
        if m:
            facts[m.group(1)] = m.group(2)
    return facts


def readme_table(path: Path, first: str) -> dict[str, list[str]]:
    """Rows of a README markdown table whose header row starts with ``| first |``, keyed by first cell."""
    rows: dict[str, list[str]] = {}
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells and cells[0] == first:
            inside = True
            continue
        if inside and cells is None:
            break
        if inside and cells and not set(cells[0]) <= {"-"}:
            rows[cells[0]] = cells[1:]
    return rows


def column(rows: list[tuple], question: str) -> list:
    j = rows[0].index(question)
    return [r[j] for r in rows[1:]]


def answered(values: list) -> list[str]:
    """The cells evalnlp reads as answers (ingest rejects the others, E141)."""
    import pandas as pd

    from evalnlp.ingest import no_answer

    texts = pd.Series([v if isinstance(v, str) else None for v in values], dtype=object)
    blank, marks = no_answer(texts)
    return [v for v, no in zip(values, blank | marks) if not no]


@pytest.fixture(scope="module")
def gen():
    pytest.importorskip("openpyxl")
    pytest.importorskip("docx")
    pytest.importorskip("yaml")
    return load_generator()


@pytest.fixture(scope="module")
def regenerated(gen, tmp_path_factory) -> Path:
    """The demo corpus generated afresh with the default seed."""
    out = tmp_path_factory.mktemp("demo") / "a"
    gen.make_demo_corpus(out, seed=7)
    return out


@pytest.fixture(scope="module")
def survey() -> list[tuple]:
    pytest.importorskip("openpyxl")
    return read_cells(DEMO / "survey.xlsx")


# ---------------------------------------------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------------------------------------------


def test_generator_is_deterministic(gen, regenerated, tmp_path):
    again = tmp_path / "b"
    gen.make_demo_corpus(again, seed=7)
    assert read_cells(again / "survey.xlsx") == read_cells(regenerated / "survey.xlsx")
    for name in ("survey.xlsx", "evaluation_report.docx", "survey_codes.csv", "gold_report.json", "claims.yaml",
                 "README.md"):
        assert (again / name).read_bytes() == (regenerated / name).read_bytes(), name


def test_another_seed_gives_other_answers(gen, regenerated, tmp_path):
    other = tmp_path / "seed8"
    gen.make_demo_corpus(other, seed=8)
    a, b = read_cells(regenerated / "survey.xlsx"), read_cells(other / "survey.xlsx")
    assert a[0] == b[0]
    assert column(a, QUESTIONS[0]) != column(b, QUESTIONS[0])


def test_shipped_demo_corpus_is_what_the_generator_writes(regenerated):
    assert read_cells(DEMO / "survey.xlsx") == read_cells(regenerated / "survey.xlsx")
    assert docx_text(DEMO / "evaluation_report.docx") == docx_text(regenerated / "evaluation_report.docx")
    for name in ("survey_codes.csv", "gold_report.json", "claims.yaml", "README.md"):
        assert (DEMO / name).read_text(encoding="utf-8") == (regenerated / name).read_text(encoding="utf-8"), name


def test_nhs_number_check_digit(gen):
    import random

    rng = random.Random(0)
    numbers = [gen.nhs_number(rng) for _ in range(50)]
    assert all(gen.nhs_number_valid(n) and n.startswith("999") for n in numbers)
    assert gen.nhs_number_valid("943 476 5919")  # the worked example of the modulus-11 check
    assert not gen.nhs_number_valid("943 476 5918")


# ---------------------------------------------------------------------------------------------------------------
# survey.xlsx
# ---------------------------------------------------------------------------------------------------------------


def test_survey_shape(survey):
    import datetime as dt

    header, rows = survey[0], survey[1:]
    assert header == COLUMNS
    assert 280 <= len(rows) <= 320
    assert [r[0] for r in rows] == [f"R{i:03d}" for i in range(1, len(rows) + 1)]
    assert {r[2] for r in rows} == {"Clinical Leadership Fellowship", "Medical Management Programme",
                                    "Senior Leaders Masterclass"}
    assert {r[3] for r in rows} == {"2023A", "2023B", "2024A"}
    assert all(isinstance(r[1], dt.datetime) for r in rows)
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    roles = {r[4] for r in rows}
    assert {"consultant", "GP", "registrar", "clinical director", "service manager", "nurse manager"} <= roles
    assert all(r[5] and ("NHS" in r[5]) for r in rows)


def test_survey_counts_match_readme(survey):
    readme = DEMO / "README.md"
    facts = readme_facts(readme)
    rows = survey[1:]
    assert int(facts["rows"]) == len(rows)
    assert int(facts["organisations"]) == len({r[5] for r in rows})
    programmes = readme_table(readme, "programme")
    assert {k: int(v[0]) for k, v in programmes.items()} == Counter(r[2] for r in rows)
    cohorts = readme_table(readme, "cohort")
    assert {k: int(v[0]) for k, v in cohorts.items()} == Counter(r[3] for r in rows)
    table = readme_table(readme, "question")
    assert set(table) == set(QUESTION_LABELS)
    for label, question in QUESTION_LABELS.items():
        values = column(survey, question)
        texts = answered(values)
        counts = Counter(texts)
        na = sum(isinstance(v, str) and v.strip() in NA_MARKERS for v in values)
        empty = sum(v is None for v in values)
        space = sum(isinstance(v, str) and not v.strip() for v in values)
        expected = [
            len(texts), empty, space, na,
            len(values) - len(texts) - empty - space - na,  # a written placeholder: "No comment", "See above"
            sum(len(t.split()) == 1 for t in texts),
            sum("\n" in t.strip() for t in texts),
            sum(n for n in counts.values() if n > 1),
        ]
        assert [int(x) for x in table[label][:8]] == expected, label
        assert expected[4] >= 0 and (label != "improved" or expected[4] > 0)


def test_ingesting_the_survey_stores_the_answers_the_readme_counts(tmp_path):
    """The demo's first step, run: ingest stores per question the README's answered cells, and rejects the rest
    (E141, empty or no answer); codes import of the coded sample reads the coded answers the README says it does."""
    import warnings

    from evalnlp import api
    from evalnlp.store import Store

    table = readme_table(DEMO / "README.md", "question")
    with Store(tmp_path / "demo.duckdb") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = api.ingest(store, [DEMO / "survey.xlsx"], text=list(QUESTIONS), id="respondent_id")
        stored = store.table("documents")["question"].value_counts().to_dict()
        rejects = store.table("rejects")
        coded = api.import_codes(store, DEMO / "survey_codes.csv", text="text", id="respondent_id",
                                 labels_column="themes", coder="demo", source=result.files[0].source)
    assert stored == {question: int(table[label][0]) for label, question in QUESTION_LABELS.items()}
    assert result.n_ok == sum(stored.values()) and result.n_rejected == len(rejects) == 900 - result.n_ok
    assert set(rejects["code"]) == {"E141"}
    said = " ".join((DEMO / "README.md").read_text(encoding="utf-8").split())
    assert f"they read {coded.ingest.n_ok} coded answers" in said and coded.ingest.n_rejected == 1


def test_survey_is_messy_like_real_answers(survey):
    texts = [t for q in QUESTIONS for t in answered(column(survey, q))]
    bullets = [t for t in texts if re.search(r"^\s*(?:[-*•]|\d+[.)])\s*\S", t, re.M) and "\n" in t]
    assert len(bullets) >= 15
    assert sum(len(t.split()) >= 40 for t in texts) >= 20
    assert sum(len(t.split()) == 1 for t in texts) >= 10
    assert len(set(texts)) >= 0.8 * len(texts)  # varied, not repetitive
    long_dupes = [t for t, n in Counter(texts).items() if n > 1 and len(t.split()) >= 6]
    assert len(long_dupes) >= 6


def test_survey_personal_details(survey):
    texts = [t for q in QUESTIONS for t in answered(column(survey, q))]
    email = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
    phone = re.compile(r"(?:\+44\s?7\d{3}|07\d{3}|0\d{2,4})\s?\d{3}\s?\d{3,4}")
    nhs = re.compile(r"\b\d{3} \d{3} \d{4}\b")
    postcode = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b")
    names = ("Dr Sarah Patel", "Mr James Okafor", "Helen Marsh", "Priya Sharma", "Sister Angela Byrne")
    found = {
        "email": [t for t in texts if email.search(t)],
        "phone": [t for t in texts if phone.search(nhs.sub("", t))],
        "nhs": [m for t in texts for m in nhs.findall(t)],
        "postcode": [t for t in texts if postcode.search(t)],
        "name": [t for t in texts if any(n in t for n in names)],
    }
    assert all(found.values()), {k: len(v) for k, v in found.items()}
    gen_valid = load_generator().nhs_number_valid
    assert all(gen_valid(n) for n in found["nhs"])
    with_details = {t for v in ("email", "phone", "postcode", "name") for t in found[v]}
    with_details |= {t for t in texts if nhs.search(t)}
    with_details |= {t for t in texts if "Dr Richard Aldous" in t or "Dr Tom Greaves" in t}
    assert len(with_details) == int(readme_facts(DEMO / "README.md")["answers with personal details"])


# ---------------------------------------------------------------------------------------------------------------
# survey_codes.csv
# ---------------------------------------------------------------------------------------------------------------


def test_coded_sample(survey):
    with open(DEMO / "survey_codes.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["respondent_id", "question", "text", "themes"]
        rows = list(reader)
    assert len(rows) == 60 == int(readme_facts(DEMO / "README.md")["coded answers"])
    cells = {(r[0], q): r[6 + i] for r in survey[1:] for i, q in enumerate(QUESTIONS)}
    for row in rows:
        assert cells[(row["respondent_id"], row["question"])] == row["text"]
    assert len({(r["respondent_id"], r["question"]) for r in rows}) == 60
    assert Counter(r["question"] for r in rows) == {q: 20 for q in QUESTIONS}
    themes = Counter(t for r in rows for t in r["themes"].split(";") if t)
    assert set(themes) == THEMES
    assert min(themes.values()) >= 3
    no_theme = int(readme_facts(DEMO / "README.md")["coded answers with no theme"])
    assert sum(1 for r in rows if not r["themes"]) == no_theme > 0
    table = readme_table(DEMO / "README.md", "theme")
    assert {k: int(v[3]) for k, v in table.items()} == themes


def test_codebook_has_the_themes_used():
    yaml = pytest.importorskip("yaml")
    path = REPO / "src" / "evalnlp" / "codebooks" / "impact.yaml"
    if not path.exists():
        pytest.skip("impact codebook not present")
    ids = {t["id"] for t in yaml.safe_load(path.read_text(encoding="utf-8"))["themes"]}
    assert THEMES <= ids


# ---------------------------------------------------------------------------------------------------------------
# evaluation_report.docx and gold_report.json
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> tuple[str, dict]:
    pytest.importorskip("docx")
    gold = json.loads((DEMO / "gold_report.json").read_text(encoding="utf-8"))
    return docx_text(DEMO / "evaluation_report.docx"), gold


def test_gold_testimonials_are_in_the_report(report):
    text, gold = report
    facts = readme_facts(DEMO / "README.md")
    assert len(gold["testimonials"]) == int(facts["testimonials in the report"]) >= 8
    positions = []
    for t in gold["testimonials"]:
        assert text.count(t["quote"]) == 1, t["quote"]
        start = text.index(t["quote"])
        paragraph = text[text.rfind("\n", 0, start) + 1: text.find("\n", start)]
        assert t["speaker"] in paragraph and t["source_ref"] in paragraph, t
        positions.append(start)
    assert positions == sorted(positions)
    styles = " ".join(text[p - 1] for p in positions)
    assert '"' in styles and "“" in styles and "‘" in styles


def test_every_quotation_is_gold_or_a_planted_non_testimonial(report):
    text, gold = report
    spans = re.findall(r'"([^"]+)"|“([^”]+)”|‘([^’]+)’', text)
    quoted = {next(s for s in groups if s) for groups in spans}
    assert quoted == {t["quote"] for t in gold["testimonials"]} | set(gold["not_testimonials"])


def test_gold_reach_figures_are_in_the_report(report):
    text, gold = report
    assert len(gold["reach"]) == int(readme_facts(DEMO / "README.md")["reach figures in the report"]) >= 5
    positions = [text.index(r["text"]) for r in gold["reach"]]
    assert positions == sorted(positions)
    for r in gold["reach"]:
        assert r["text"].endswith(r["unit"])
        digits = re.search(r"[\d,.]+", r["text"])
        if digits:
            number = float(digits.group().replace(",", ""))
            scale = 1_000_000 if "million" in r["text"] else 1
            assert number * scale == r["value"]
    for item in gold["not_reach"] + gold["not_testimonials"]:
        assert item in text, item


# ---------------------------------------------------------------------------------------------------------------
# claims.yaml
# ---------------------------------------------------------------------------------------------------------------


def test_claims(survey):
    yaml = pytest.importorskip("yaml")
    claims = yaml.safe_load((DEMO / "claims.yaml").read_text(encoding="utf-8"))["claims"]
    assert 4 <= len(claims) <= 6
    assert len({c["id"] for c in claims}) == len(claims)
    header = survey[0]
    for c in claims:
        assert c["text"] and set(c["themes"]) <= THEMES
        for col, value in c.get("filters", {}).items():
            j = header.index(col)
            assert any(r[j] == value for r in survey[1:]), (col, value)


# ---------------------------------------------------------------------------------------------------------------
# corpora/nhs_fft
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fft_rows() -> list[dict]:
    with open(FFT / "text_data.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_fft_copy(fft_rows):
    assert len(fft_rows) == 10334
    assert list(fft_rows[0]) == ["code", "label", "subcategory", "feedback", "criticality", "organization",
                                 "question", "row_index"]
    readme = (FFT / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((FFT / "text_data.csv").read_bytes()).hexdigest()
    assert digest in readme
    licence = (FFT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Copyright (c) 2021 NHS England" in licence
    assert (FFT / "COLUMNS.md").exists()


def test_fft_same_bytes_as_source():
    if shared_data() is None:
        pytest.skip("shared data folder not available")
    source = shared_data() / "nhs_fft_phase1"
    for name in ("text_data.csv", "LICENSE", "COLUMNS.md", "FFT-QDC_Framework_MVP_version_20230925.xlsx"):
        assert (FFT / name).read_bytes() == (source / name).read_bytes(), name


def test_fft_counts_match_readme(fft_rows):
    readme = FFT / "README.md"
    facts = readme_facts(readme)
    valid = {str(i) for i in range(-5, 6)}
    assert int(facts["rows"]) == len(fft_rows)
    assert int(facts["labels"]) == len({r["label"] for r in fft_rows})
    assert int(facts["subcategories"]) == len({r["subcategory"] for r in fft_rows})
    texts = [r["feedback"] for r in fft_rows]
    assert int(facts["empty texts"]) == sum(not t.strip() for t in texts)
    assert int(facts["texts reading none"]) == texts.count("None") == 31
    # what evalnlp counts as no answer: nothing blank, one placeholder ('n/a'); 'None' is an answer
    import pandas as pd

    from evalnlp.ingest import no_answer

    blank, placeholder = no_answer(pd.Series(texts, dtype=object))
    assert int(facts["empty texts"]) == int(blank.sum()) == 0
    assert int(facts["placeholder texts"]) == int(placeholder.sum()) == 1
    assert [texts[i] for i in placeholder.nonzero()[0]] == ["n/a"]
    assert int(facts["missing criticality"]) == sum(r["criticality"] == "NA" for r in fft_rows)
    malformed = [r["criticality"] for r in fft_rows if r["criticality"] not in valid | {"NA"}]
    assert int(facts["malformed criticality"]) == len(malformed) == 32
    labels = readme_table(readme, "label")
    assert {k: int(v[0]) for k, v in labels.items()} == Counter(r["label"] for r in fft_rows)
    orgs = readme_table(readme, "organization")
    assert {k: int(v[0]) for k, v in orgs.items()} == Counter(r["organization"] for r in fft_rows)


def test_fft_line_breaks_match_readme(fft_rows):
    prose = " ".join((FFT / "README.md").read_text(encoding="utf-8").split())
    lf, crlf = "\n", "\r\n"
    lines = (FFT / "text_data.csv").read_bytes().count(lf.encode())
    texts = [r["feedback"] for r in fft_rows]
    broken = [t for t in texts if lf in t]
    with_crlf = [t for t in broken if crlf in t]
    breaks, pairs = sum(t.count(lf) for t in texts), sum(t.count(crlf) for t in texts)
    padded = sum(t != t.strip() for t in texts)
    assert f"{lines:,} physical lines" in prose
    assert f"{len(broken)} comments contain line breaks" in prose
    assert f"({breaks} breaks in all)" in prose
    assert f"{len(with_crlf)} of these comments break their lines with CRLF ({pairs} CRLF pairs)" in prose
    assert f"the other {len(broken) - len(with_crlf)} with a bare LF" in prose
    assert f"leading or trailing spaces or line breaks ({padded} rows)" in prose


def test_readmes_state_licence_and_origin():
    demo = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "Synthetic" in demo and "MIT" in demo and "make_demo_corpus.py" in demo
    fft = (FFT / "README.md").read_text(encoding="utf-8")
    for needle in ("ba6c0a2", "7a85442", "The-Strategy-Unit/pxtextmining", "The-Strategy-Unit/experiencesdashboard",
                   "MIT", "NHS England"):
        assert needle in fft, needle


# corpora/survey_answers

SURVEY_ANSWERS = CORPORA / "survey_answers"


def _survey_answers(name: str) -> list[dict[str, str]]:
    with open(SURVEY_ANSWERS / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_survey_answers_match_their_readme():
    readme = (SURVEY_ANSWERS / "README.md").read_text(encoding="utf-8")
    train, check = _survey_answers("train.csv"), _survey_answers("check.csv")
    labels = {"positive", "negative", "mixed", "neutral"}
    assert {r["sentiment"] for r in train} == labels and {r["sentiment"] for r in check} == labels
    assert all(r["text"].strip() for r in train + check)
    assert sorted({int(r["batch"]) for r in train}) == list(range(1, 9))
    assert f"| `train.csv` | {len(train):,} |" in readme and f"| `check.csv` | {len(check):,} |" in readme
    for name, rows in (("train.csv", train), ("check.csv", check)):
        counts = Counter(r["sentiment"] for r in rows)
        stated = re.search(rf"in `{name}`:\s+positive (\d+),\s+negative (\d+),\s+mixed (\d+),\s+neutral (\d+)", readme)
        assert stated, name
        numbers = [int(v) for v in stated.groups()]
        assert numbers == [counts["positive"], counts["negative"], counts["mixed"], counts["neutral"]], name
    # themes: codebook ids in codebook order, and the counts the README states
    from evalnlp.codebook import load_codebook

    ids = load_codebook("impact").theme_ids
    for row in train + check:
        for column in ("themes", "second_coder_themes") if "second_coder_themes" in row else ("themes",):
            got = [t for t in row[column].split(";") if t]
            assert got == [t for t in ids if t in got] and len(set(got)) == len(got), (row["id"], got)
    table = {m.group(1): (int(m.group(2).replace(",", "")), int(m.group(3)))
             for m in re.finditer(r"^\| (\S+|\(no theme\)) \| ([\d,]+) \| (\d+) \|$", readme, re.M)}
    for theme in ids:
        assert table[theme] == (sum(theme in r["themes"].split(";") for r in train),
                                sum(theme in r["themes"].split(";") for r in check)), theme
    assert table["(no theme)"] == (sum(not r["themes"] for r in train), sum(not r["themes"] for r in check))
    # the check set stays apart: no answer of it is in the training file, nor any answer twice
    fold = lambda text: " ".join(text.lower().split())  # noqa: E731
    train_texts = [fold(r["text"]) for r in train]
    assert len(set(train_texts)) == len(train_texts)
    assert not set(train_texts) & {fold(r["text"]) for r in check}
    assert "not real survey answers" in readme and "language model" in readme and "LICENSE" in readme
