"""Narrative documents segment into whole sentences: hard-wrapped TXT, Markdown and PDF are stored as reading
text (soft line breaks rejoined, PDF hyphenation mended, HTML entities decoded), every segment an exact slice."""

from __future__ import annotations

import csv
import json
import re
import textwrap
from itertools import count
from pathlib import Path

import pytest
from helpers import shared_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalnlp import api
from evalnlp.ingest import narrative
from evalnlp.ingest._reflow import decode_entities, reading_texts, reflow
from evalnlp.nlp import sentence_spans, split_sentences
from evalnlp.store import Store

PARAGRAPHS = [
    "Between 2010 and 2013 the research team worked with 240 ward managers in four NHS trusts. The pilot "
    "changed how handovers were planned, and the evidence-based rota it produced was adopted by every trust "
    "in the region. Dr Amelia Hart, who led the evaluation, described the change as lasting.",
    "The Director of Nursing at Ashgrove Trust said that \"the ward managers now run their own improvement "
    "huddles every morning, and the follow-up audits show fewer missed observations\" [B]. A second audit, "
    "published in 2014 (e.g. in the trust's annual report), confirmed the fall in missed observations.",
    "Training was offered to community health workers in eleven districts. Around 1,300 workers attended a "
    "two-day course on the toolkit, and a further 85 trainers were certified to run it locally [C].",
    "The national guidance on safe staffing now cites the work. According to the Chief Nurse for England, "
    "\"this research has shaped how every trust thinks about its rota\" [D].",
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def wrap(paragraphs: list[str], width: int = 80, first: str = "    ", rest: str = "      ",
         blank: bool = False) -> str:
    """Paragraphs hard-wrapped like the REF export (a hanging indent by default), one per line group."""
    sep = "\n\n" if blank else "\n"
    return sep.join(textwrap.fill(p, width, initial_indent=first, subsequent_indent=rest) for p in paragraphs) + "\n"


def flat(paragraphs: list[str], first: str = "    ", blank: bool = False) -> str:
    """The same paragraphs reflowed: each on one line."""
    return ("\n\n" if blank else "\n").join(first + p for p in paragraphs) + "\n"


def stored(store: Store, source: str, kind: str = "sentence") -> list[str]:
    """Segment texts of one source in document order, after checking every segment is its document's slice."""
    docs = store.table("documents")
    docs = docs[docs.source == source].set_index("doc_id")
    segs = store.table("segments")
    segs = segs[segs.doc_id.isin(docs.index)]
    for row in segs.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.text
    order = {d: int(re.sub(r"\D", "", loc) or 0) for d, loc in docs["locator"].items()}
    segs = segs[segs.kind == kind].assign(o=segs.doc_id.map(order)).sort_values(["o", "start"])
    return segs["text"].tolist()


def expected_sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in split_sentences(p)]


# --- plain text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("first, rest, blank", [
    ("    ", "      ", False),  # the REF export: a hanging indent, no blank lines
    ("  ", "  ", True),  # a uniform indent, paragraphs apart
    ("", "", False),  # no indent, no blank lines
    ("    ", "", False),  # first-line indents
])
def test_wrapped_txt_gives_the_sentences_of_the_reflowed_text(store, tmp_path, write_docx, first, rest, blank):
    wrapped = _write(tmp_path / "wrapped.txt", wrap(PARAGRAPHS, first=first, rest=rest, blank=blank))
    assert wrapped.read_text().count("\n") > 2 * len(PARAGRAPHS)
    one_line = _write(tmp_path / "reflowed.txt", flat(PARAGRAPHS, first=first, blank=blank))
    docx = write_docx(PARAGRAPHS, name="same.docx")
    api.ingest(store, [wrapped, one_line, docx])
    want = expected_sentences(PARAGRAPHS)
    assert len(want) == 9
    assert stored(store, "wrapped.txt") == stored(store, "reflowed.txt") == stored(store, "same.docx") == want


def test_wrapped_txt_stores_its_reading_text_and_keeps_paragraph_starts(store, tmp_path):
    f = _write(tmp_path / "case.txt", wrap(PARAGRAPHS[:2]))
    api.ingest(store, [f])
    (text,) = store.table("documents")["text"]
    assert text == "\n".join("    " + p for p in PARAGRAPHS[:2])  # hanging indent: two paragraphs, one line each
    assert "evidence-based" in text and "follow-up" in text  # wrapped at their hyphens, rejoined as written


def test_headings_short_lines_and_mid_sentence_breaks_in_irregular_wraps():
    text = ("    Informing the judiciary\n"
            "    Berthoud was approached by a tribunal judge in 2011 to give a keynote\n"
            "      speech at a judicial training day, which was later rolled out in the\n"
            "      state of\n"
            "      Odisha, with two meetings with Dr\n"
            "      Andrew Murray. The programme trained staff in three trusts:\n"
            "    Kent Probation Trust.\n"
            "    London Probation Trust.\n")
    assert reflow(text).split("\n") == [
        "    Informing the judiciary",
        "    Berthoud was approached by a tribunal judge in 2011 to give a keynote speech at a judicial training "
        "day, which was later rolled out in the state of Odisha, with two meetings with Dr Andrew Murray. The "
        "programme trained staff in three trusts:",
        "    Kent Probation Trust.",
        "    London Probation Trust.",
        "",
    ]


def test_a_text_that_is_not_wrapped_keeps_its_headings_and_lines_apart():
    text = ("Impact on policy\n"
            "The guidance was rewritten after the inquiry reported its findings to the minister in May.\n"
            "Staff now plan their week together\n"
            "Patients noticed the difference within a month\n"
            "Audit results\n")
    assert split_sentences(reflow(text)) == text.split("\n")[:-1]


def test_survey_answers_keep_their_own_line_breaks(store, tmp_path):
    answer = "The course was great and I use\nthe tools daily\n- better meetings"
    f = tmp_path / "survey.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text"], [answer]])
    api.ingest(store, [f], text=["text"], unit="sentence")
    assert store.table("documents")["text"].tolist() == [answer]
    assert sorted(store.table("segments")["text"]) == ["The course was great and I use", "better meetings",
                                                       "the tools daily"]


# --- Markdown -----------------------------------------------------------------------------------------------

MARKDOWN = """# Impact on ward staffing

The pilot ran in three trusts and changed how ward managers plan
their week. Staff said the huddles helped.

## What changed
Ward managers reported three changes:
- shorter handovers, which freed time
  for patient care
- a shared rota across the
  three trusts
1. Audits were repeated every
   quarter.
2. Results went to the board.

### Next steps
- repeat the audit
- share the rota

Outcomes
========
> The huddles are now part of how we
> work every single day.

| trust | wards |
|---|---|
| Ashgrove | 12 |
"""


def test_markdown_keeps_headings_and_list_items_separate(store, tmp_path):
    f = _write(tmp_path / "notes.md", MARKDOWN)
    api.ingest(store, [f])
    assert stored(store, "notes.md") == [
        "Impact on ward staffing",
        "The pilot ran in three trusts and changed how ward managers plan their week.",
        "Staff said the huddles helped.",
        "What changed",
        "Ward managers reported three changes:",
        "shorter handovers, which freed time for patient care",
        "a shared rota across the three trusts",
        "Audits were repeated every quarter.",
        "Results went to the board.",
        "Next steps",
        "repeat the audit",
        "share the rota",
        "Outcomes",
        "The huddles are now part of how we work every single day.",
        # a table's cells, each a passage of its own: the pipes are its layout, not words to quote
        "trust", "wards", "Ashgrove", "12",
    ]


# --- PDF ----------------------------------------------------------------------------------------------------

PDF_PAGES = [
    ["Details of the impact",
     "The programme trained community health workers in eleven districts, and the",
     "regional organ-",
     "isation of services changed as a result. An evidence-based approach was adopted",
     "by every trust in the region. The Director of Public Health said that the evidence-",
     "based toolkit \"gave our staff real confidence in using the data to plan ser-",
     "vices for families\" [A].",
     "Three changes followed:",
     "- shorter handovers on every ward",
     "- a shared rota for the district teams"],
    ["Around 1,300 workers attended a two-day course on the toolkit, and a further 85",
     "trainers were certified to run it locally, which made the change sus-",
     "tainable. The national guidance on safe staffing now cites the work [C]."],
]
PDF_SENTENCES = [
    "Details of the impact",
    "The programme trained community health workers in eleven districts, and the regional organisation of "
    "services changed as a result.",
    "An evidence-based approach was adopted by every trust in the region.",
    "The Director of Public Health said that the evidence-based toolkit \"gave our staff real confidence in "
    "using the data to plan services for families\" [A].",
    "Three changes followed:",
    "shorter handovers on every ward",
    "a shared rota for the district teams",
    "Around 1,300 workers attended a two-day course on the toolkit, and a further 85 trainers were certified "
    "to run it locally, which made the change sustainable.",
    "The national guidance on safe staffing now cites the work [C].",
]


def wrapped_pdf(path: Path, pages: list[list[str]]) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(format="A4")
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_pdf_gives_whole_sentences_with_hyphenated_words_rejoined(store, tmp_path):
    f = wrapped_pdf(tmp_path / "case.pdf", PDF_PAGES)
    result = api.ingest(store, [f])
    assert result.n_in == 2 == result.n_ok
    assert stored(store, "case.pdf") == PDF_SENTENCES
    (t,) = stored(store, "case.pdf", kind="testimonial")
    assert t == "gave our staff real confidence in using the data to plan services for families"
    # `extract` still reports the quotation exactly as on the page, line break and hyphen included
    (doc,) = api.extract([f])
    (q,) = doc.testimonials
    assert q.quote == "gave our staff real confidence in using the data to plan ser-\nvices for families"
    assert doc.text[q.start:q.end] == q.quote


def test_pdf_hyphen_rules():
    assert reflow("the organ-\nisation", width=80, pdf=True) == "the organisation"
    assert reflow("the organ-\nisation", width=80) == "the organ-isation"  # plain text breaks only at hyphens
    assert reflow("an evidence-\nbased plan", width=80, pdf=True, hyphenated={"evidence-based"}) == \
        "an evidence-based plan"
    assert reflow("the Anglo-\nSaxon and COVID-\n19 years", width=80, pdf=True) == "the Anglo-Saxon and COVID-19 years"
    assert reflow("from 2010 -\n2013", width=80, pdf=True) == "from 2010 - 2013"


def test_a_compound_broken_at_its_own_hyphen_in_a_pdf_keeps_it():
    """Two dictionary words that are not one word together are a compound ("evidence-based"): its hyphen
    stays, though the document writes it nowhere else; a word broken by the typesetter is still mended."""
    words = {"evidence", "based", "self", "assessment", "follow", "up", "organisation", "under", "standing",
             "understanding"}
    for broken, mended in [("our evidence-\nbased plan", "our evidence-based plan"),
                           ("a self-\nassessment tool", "a self-assessment tool"),
                           ("a follow-\nup study", "a follow-up study"),
                           ("the organ-\nisation", "the organisation"),
                           ("their under-\nstanding", "their understanding"),  # one word: "understanding"
                           ("electro-\nphoresis", "electrophoresis")]:  # neither part a word
        assert reflow(broken, width=80, pdf=True, words=words) == mended
    # through the reader's path, with the shipped word list
    texts = reading_texts(["Our evidence-\nbased approach and the organ-\nisation of a follow-\nup study."], "pdf")
    assert texts == ["Our evidence-based approach and the organisation of a follow-up study."]


# --- entities -----------------------------------------------------------------------------------------------


def test_decode_entities():
    assert decode_entities("&#163;10,350 &amp; &#8212; &#x2014; caf&eacute; &nbsp;x") == "£10,350 & — — café  x"
    for text in ("R&D; AT&T", "the &nothing here", "&unknownentity; &#;", "plain"):
        assert decode_entities(text) == text


ENTITY_TEXT = ("    Consultancies followed with three Probation Trusts worth &#163;10,350 in\n"
               "      2010 &amp; 2011, and the Director of Probation wrote that \"the analysis\n"
               "      &#8212; unlike any we had before &#8212; changed how we supervise\n"
               "      offenders in Kent\" [A].\n")


def test_entities_are_decoded_in_stored_text_but_extract_quotes_the_file(store, tmp_path):
    f = _write(tmp_path / "fees.txt", ENTITY_TEXT)
    api.ingest(store, [f])
    (text,) = store.table("documents")["text"]
    assert "£10,350 in 2010 & 2011" in text and "&#" not in text
    assert stored(store, "fees.txt") == [
        "Consultancies followed with three Probation Trusts worth £10,350 in 2010 & 2011, and the Director of "
        "Probation wrote that \"the analysis — unlike any we had before — changed how we supervise offenders in "
        "Kent\" [A]."]
    assert stored(store, "fees.txt", kind="testimonial") == [
        "the analysis — unlike any we had before — changed how we supervise offenders in Kent"]
    # `extract` keeps its contract: the quotation exactly as in the file, entities and line breaks included
    (doc,) = api.extract([f])
    (q,) = doc.testimonials
    assert q.quote == ENTITY_TEXT[ENTITY_TEXT.index('"') + 1:ENTITY_TEXT.index('" [A]')]
    assert "&#8212;" in q.quote and ENTITY_TEXT[q.start:q.end] == q.quote


# --- offsets, for any wrapping ------------------------------------------------------------------------------

FIRST = ["The", "Staff", "Ashgrove", "NHS", "Around", "Training"]
WORDS = ["the", "ward", "managers", "said", "that", "trust", "pilot", "changed", "how", "staff", "plan", "their",
         "week", "evidence-based", "follow-up", "Ashgrove", "NHS", "Hart", "240", "1,300", "rota,", "audit,",
         "community", "health", "workers", "in", "eleven", "districts", "\"really", "useful\"", "[B]", "(C)",
         "organisation", "improvement", "&amp;", "&#163;20"]
# Sentences open with a word: one opening with a bracket or quote mark would join the sentence before it where
# paragraphs are not set apart, in the wrapped text as in any text.
sentence = st.tuples(st.sampled_from(FIRST), st.lists(st.sampled_from(WORDS), min_size=2, max_size=14)).map(
    lambda fw: " ".join([fw[0], *fw[1]]).rstrip(",") + ".")
paragraph = st.lists(sentence, min_size=1, max_size=5).map(" ".join)
_names = count()


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reflow")
    with Store(folder / "s.duckdb") as s:
        yield s, folder


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paras=st.lists(paragraph, min_size=1, max_size=5), width=st.integers(40, 100),
       style=st.sampled_from([("    ", "      "), ("", ""), ("  ", "  "), ("    ", "")]), blank=st.booleans())
def test_random_wrapped_paragraphs_keep_exact_offsets_and_whole_sentences(shared_store, paras, width, style, blank):
    store, folder = shared_store
    f = _write(folder / f"gen{next(_names)}.txt", wrap(paras, width, *style, blank=blank))
    # an example drawn twice writes a file with an earlier one's bytes: the store reads it as that file's copy,
    # under the earlier name
    source = api.ingest(store, [f]).files[0].source
    got = stored(store, source)  # checks every segment against its document's text
    decoded = [decode_entities(p) for p in paras]
    assert got == expected_sentences(decoded)
    docs = store.table("documents")
    text = "\n".join(docs[docs.source == source]["text"])
    assert text.split() == " ".join(decoded).split()  # nothing lost, nothing added


@given(st.text(alphabet=st.sampled_from(list("ab -.:\n\t&#;1*>#")), max_size=200))
@settings(max_examples=200, deadline=None)
def test_reading_text_only_changes_line_breaks_hyphens_and_entities(text):
    for fmt in ("txt", "md", "pdf"):
        (out,) = reading_texts([text], fmt)
        squash = lambda s: re.sub(r"[\s>-]", "", s)  # noqa: E731
        assert squash(out) == squash(decode_entities(text).replace("-\n", "\n")) or squash(out) == squash(
            decode_entities(text))
        assert out.count("\n") <= text.count("\n")


# --- the REF development texts ------------------------------------------------------------------------------

DEV = shared_data() / "ref_impact_dev" if shared_data() else None


@pytest.fixture
def rules_pipeline(monkeypatch):
    monkeypatch.setitem(narrative._PIPELINES, True, narrative.load_pipeline(prefer_model=False))


@pytest.mark.skipif(DEV is None or not DEV.is_dir(), reason="shared REF development texts not available")
def test_ref_development_texts_give_far_fewer_sentences_than_lines(store, rules_pipeline):
    files = sorted(DEV.glob("*.txt"))
    assert len(files) == 5
    api.ingest(store, files)
    lines = sum(f.read_text(encoding="utf-8").count("\n") for f in files)
    sentences = [s for f in files for s in stored(store, f.name)]
    assert lines == 385 and len(sentences) < lines / 2
    # nearly every sentence ends as a sentence does; the rest are headings and an editorial note
    whole = [s for s in sentences if re.search(r"[.!?:;][\"')\]]*$", s)]
    assert len(whole) >= 0.9 * len(sentences)
    assert "Informing the judiciary" in sentences


@pytest.mark.skipif(DEV is None or not DEV.is_dir(), reason="shared REF development texts not available")
def test_ref_development_texts_extract_the_gold_exactly_and_ingest_the_same_evidence(store, rules_pipeline):
    squash = lambda s: None if s is None or s != s else " ".join(decode_entities(s).split())  # noqa: E731
    files = sorted(DEV.glob("*.txt"))
    api.ingest(store, files)
    segs, docs, reach = store.table("segments"), store.table("documents"), store.table("reach")
    for f, doc in zip(files, api.extract(files)):
        gold = json.loads(f.with_suffix(".json").read_text(encoding="utf-8"))
        text = f.read_text(encoding="utf-8")
        assert [t.quote for t in doc.testimonials] == [g["quote"] for g in gold["testimonials"]]
        assert [(t.speaker, t.source_ref) for t in doc.testimonials] == \
            [(g["speaker"] and " ".join(g["speaker"].split()), g["source_ref"]) for g in gold["testimonials"]]
        assert all(" ".join(text[t.speaker_start:t.speaker_end].split()) == t.speaker
                   for t in doc.testimonials if t.speaker is not None)  # (the speaker on one line, at its offsets)
        assert all(text[t.start:t.end] == t.quote for t in doc.testimonials)
        assert [(r.text, r.value) for r in doc.reach] == [(g["text"], g["value"]) for g in gold["reach"]]
        ids = set(docs[docs.source == f.name]["doc_id"])
        tst = segs[(segs.kind == "testimonial") & segs.doc_id.isin(ids)].sort_values("start")
        assert [(squash(r.text), squash(r.speaker), squash(r.source_ref)) for r in tst.itertuples()] == \
            [(squash(g["quote"]), squash(g["speaker"]), squash(g["source_ref"])) for g in gold["testimonials"]]
        rr = reach[reach.doc_id.isin(ids)].sort_values("start")
        assert [squash(t) for t in rr["text"]] == [squash(g["text"]) for g in gold["reach"]]


def test_sentence_spans_with_markup_leave_rules_and_markers_out():
    text = "# Heading\n=====\n> quoted words\n|---|---|\n+ item"
    (spans,) = sentence_spans([text], markup=True)
    assert [text[s:e] for s, e in spans] == ["Heading", "quoted words", "item"]
    (plain,) = sentence_spans([text])
    assert [text[s:e] for s, e in plain][0] == "# Heading"


def test_a_testimonial_across_a_pdf_page_break_is_stored_whole(store, tmp_path):
    """A sentence that runs on to the next page makes the two pages one document (``pages 1-2``), so its
    quotation is a whole testimonial, not the part on the first page; pages that end their sentences stay apart."""
    f = wrapped_pdf(tmp_path / "break.pdf", [
        ["The programme worked with clinical teams across the region.",
         '"Before the programme our consultants and managers hardly spoke to each other; now'],
        ['they plan every service change together," said Dr Jane Smith, Medical Director of Northshire',
         "NHS Trust [5.2]."],
        ["The programme reached 250 consultants in its first two years."]])
    result = api.ingest(store, [f])
    assert result.n_in == 2 == result.n_ok
    docs = store.con.execute("SELECT locator FROM documents ORDER BY locator").fetchall()
    assert [d[0] for d in docs] == ["page 3", "pages 1-2"]
    (t,) = stored(store, "break.pdf", kind="testimonial")
    assert t == ("Before the programme our consultants and managers hardly spoke to each other; now they plan "
                 "every service change together,")
    speaker = store.con.execute("SELECT speaker FROM segments WHERE kind = 'testimonial'").fetchone()[0]
    assert speaker.startswith("Dr Jane Smith")


def test_pdf_pages_are_joined_only_where_a_sentence_runs_on_and_ligatures_are_written_out():
    from evalnlp.ingest._base import Passage
    from evalnlp.ingest._documents import join_continued_pages

    pages = [Passage("page 1", "It gave us con\ufb01dence, and"), Passage("page 2", "  we used it.\n"),
             Passage("page 3", "It ended here."), Passage("page 4", "lower case after a full stop"),
             Passage("page 5", ""), Passage("page 6", "after an empty page"),
             Passage("page 7", 'He said: "Yes."'), Passage("page 8", "and more")]
    out = join_continued_pages(pages)
    assert [(p.locator, p.text) for p in out] == [
        ("pages 1-2", "It gave us confidence, and\nwe used it.\n"), ("page 3", "It ended here."),
        ("page 4", "lower case after a full stop"), ("page 5", ""), ("page 6", "after an empty page"),
        ("page 7", 'He said: "Yes."'), ("page 8", "and more")]


def test_running_headers_footers_and_page_numbers_are_taken_off_pdf_pages():
    """A report's title at the top of every page and "Page N" at the bottom came between the two halves of a
    quotation across a page break: the stored testimonial ended "...and over Page 1" and lost the rest. They are
    taken off (at a page's edge only, and only when half the pages or more repeat them), and the pages join."""
    from evalnlp.ingest._base import Passage
    from evalnlp.ingest._documents import join_continued_pages, without_running_lines

    head = "Leading Care Programme - Evaluation Report 2023"
    pages = [Passage("page 1", f"{head}\nThe programme ran in three trusts.\nThe Chief Nurse said: \"it gave our "
                               "ward sisters the confidence to lead, and over\nPage 1"),
             Passage("page 2", f"{head}\n1,200 nurses have now been through it\" [S2].\n{head}\nPage 2 "),
             Passage("page 3", f"{head}\nThe last page.\nPage 3")]
    kept = without_running_lines(pages)
    assert [p.text for p in kept] == [
        "The programme ran in three trusts.\nThe Chief Nurse said: \"it gave our ward sisters the confidence to "
        "lead, and over", "1,200 nurses have now been through it\" [S2].", "The last page."]
    joined = join_continued_pages(kept)
    assert [p.locator for p in joined] == ["pages 1-2", "page 3"]
    assert "and over\n1,200 nurses" in joined[0].text
    # a line only one page of several has is left as it is
    odd = [Passage("page 1", "Summary\nText one."), Passage("page 2", "Details\nText two."),
           Passage("page 3", "Annex\nText three.")]
    assert without_running_lines(odd) == odd


def test_a_one_page_pdf_loses_its_page_number_and_keeps_its_other_lines():
    """A one-page letter printed with "Page 1 of 1" at its foot kept that line, which ran into the signature
    block ("... Head of Assessment Design Page 1 of 1"): with one page there is nothing to compare a running
    header with, so the header stays, but a page number standing alone at the page's edge goes."""
    from evalnlp.ingest._base import Passage
    from evalnlp.ingest._documents import without_running_lines

    letter = Passage("page 1", "Southern Examinations Board | CONFIDENTIAL\nDear Professor Hartley,\nWe rewrote "
                               "eight items.\nYours faithfully,\nJonathan Price\nHead of Assessment Design\nPage 1 of 1")
    assert [p.text for p in without_running_lines([letter])] == [
        "Southern Examinations Board | CONFIDENTIAL\nDear Professor Hartley,\nWe rewrote eight items.\n"
        "Yours faithfully,\nJonathan Price\nHead of Assessment Design"]
    numbered = Passage("page 1", "3\nThe report.\nIt ended.")
    assert without_running_lines([numbered])[0].text == "The report.\nIt ended."
    # a number on a line of its own inside the page, away from its edges, stays
    inside = Passage("page 1", "The report.\nIn all,\n12\nschools took part.\nIt ended here today.")
    assert without_running_lines([inside]) == [inside]


def test_a_page_whose_last_line_runs_full_width_joins_the_next():
    """Wrapped prose whose page ends on a full line has not ended its sentence, though its last word is a name
    ("...the Chief Nurse of Bradford Teaching" + "Hospitals, 'the programme...'"); a short last line (a
    heading) does not join."""
    from evalnlp.ingest._base import Passage
    from evalnlp.ingest._documents import join_continued_pages

    lines = ["The programme worked with ward teams in every hospital of the region over",
             "three years, and the evaluation followed each cohort from its first week",
             "to its last one; its findings were shared with the trusts' boards and with",
             "the commissioners who paid for the places. Ward sisters said the sessions",
             "changed how they led, and according to the Chief Nurse of Bradford Teaching"]
    assert min(map(len, lines)) > 70  # wrapped prose: every line as wide as the others
    page = "\n".join(lines)
    out = join_continued_pages([Passage("page 1", page), Passage("page 2", "Hospitals, \"the programme changed us\".")])
    assert [p.locator for p in out] == ["pages 1-2"]
    short = page.rsplit("\n", 1)[0] + "\nFindings"
    assert len(join_continued_pages([Passage("page 1", short), Passage("page 2", "Hospitals joined later.")])) == 2


@pytest.mark.parametrize("first, second, joined", [
    ("we see the difference; we see", "NHS managers and ward sisters planning together.", True),
    ("it reached more than", "1,200 nurses in two years.", True),
    ("the programme ran in 2019,", "Leeds joined in 2020.", True),
    ("Findings", "The programme ran in 2019.", False),
    ("It ended here.", "Then another began.", False),
])
def test_a_page_stopping_inside_its_sentence_joins_the_next_whatever_it_opens_with(first, second, joined):
    from evalnlp.ingest._base import Passage
    from evalnlp.ingest._documents import join_continued_pages

    out = join_continued_pages([Passage("page 1", first), Passage("page 2", second)])
    assert (len(out) == 1) == joined


@pytest.mark.parametrize("text, sentences", [
    ("Funded by Health Education England (HEE). \u2018The programme transformed the ward,\u2019 said Dr Smith [5.2].",
     ["Funded by Health Education England (HEE).", "\u2018The programme transformed the ward,\u2019 said Dr Smith [5.2]."]),
    ('The programme ran in 2019. "I now chair our meetings," one sister wrote (5.4).',
     ["The programme ran in 2019.", '"I now chair our meetings," one sister wrote (5.4).']),
    ("The evaluation was published. \u201cIt changed everything.\u201d Others agreed.",
     ["The evaluation was published.", "\u201cIt changed everything.\u201d", "Others agreed."]),
    ('I loved it. "Best course ever," my manager said.', ["I loved it.", '"Best course ever," my manager said.']),
    ('He said "great." Then left.', ['He said "great."', "Then left."]),
    ("The boys' books. Next one.", ["The boys' books.", "Next one."]),
])
def test_an_opening_quotation_mark_stays_with_the_sentence_it_opens(text, sentences):
    assert split_sentences(text) == sentences


def test_a_plain_text_of_one_comment_a_line_keeps_every_line_apart(store, tmp_path):
    """Comments written one a line (no blank lines between) are not wrapped prose: every line is its own
    sentence, never joined to the next (16 people's words in one passage before), however long it is."""
    comments = ["Kind staff", "Long wait in A&E", "Food was cold", "Parking too expensive",
                "Doctor explained everything", "Nurses were lovely", "Ward was noisy at night", "Great physio team",
                "Discharge took all day", "Reception staff rude", "Could not get through on the phone",
                "Thank you to everyone on ward 9", "2 nurses were brilliant", "No complaints"]
    f = _write(tmp_path / "comments.txt", "\n".join(comments) + "\n")
    api.ingest(store, [f])
    assert stored(store, "comments.txt") == comments
    # wrapped prose whose lines happen to open in upper case now and then is still rejoined
    prose = ("The pilot ran in three trusts and changed how\nward managers plan their week. Staff said\nthe "
             "huddles helped, and NHS England asked\nfor the toolkit, which Ashgrove now uses\nevery day.\n")
    g = _write(tmp_path / "prose.txt", prose)
    api.ingest(store, [g])
    assert stored(store, "prose.txt") == [
        "The pilot ran in three trusts and changed how ward managers plan their week.",
        "Staff said the huddles helped, and NHS England asked for the toolkit, which Ashgrove now uses every day."]


def test_a_pdfs_stretched_spaces_read_as_one():
    """Justified lines come out of a PDF with several spaces between words ("Dr  Jane  Smith"): the reading
    text has one, so the stored sentences and speakers read as the same text in TXT or DOCX."""
    (got,) = reading_texts(["Dr  Jane  Smith,  Medical   Director, said that the work\nhelped."], "pdf")
    assert got == "Dr Jane Smith, Medical Director, said that the work helped."
    (txt,) = reading_texts(["A  table   row"], "txt")
    assert txt == "A  table   row"  # plain text keeps its spacing


def test_a_form_feed_in_a_text_file_parts_its_pages_and_segments_point_into_the_stored_text(store, tmp_path):
    f = tmp_path / "pages.txt"
    f.write_bytes(b"Summary of findings for the first term.\n\x0cAppendix B: survey instrument.\n")
    api.ingest(store, [f])
    docs = store.table("documents")
    assert sorted(docs["text"]) == ["Appendix B: survey instrument.", "Summary of findings for the first term."]
    assert stored(store, "pages.txt") == ["Summary of findings for the first term.", "Appendix B: survey instrument."]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize("labels", [("[1]", "[2]", "[3]"), ("A.", "B.", "C."), ("[4.1]", "[4.2]", "[4.3]"),
                                    ("(A)", "(B)", "(C)"), ("[K]", "[L]", "[M]")])
def test_labelled_list_entries_keep_their_line_breaks_whatever_their_lengths(labels, fmt):
    # a label is no lower-case word, so whether two entries were joined depended only on whether the next label
    # would have fitted on the line before (the rule for short lines)
    entries = ["Minutes of the harbour board, 2019.", "Email from the ferry operator, June 2020.",
               "Report of the coastal survey."]
    lines = [f"{label} {entry}" for label, entry in zip(labels, entries)]
    intro, listing = reading_texts(["See below.", "\n".join(lines)], fmt)
    assert intro == "See below."
    assert listing.split("\n") == lines
    # entries without a full stop are items too when each stands on a line of its own
    bare = [line.rstrip(".") for line in lines]
    assert reading_texts(["See below.", "\n".join(bare)], fmt)[1].split("\n") == bare


@pytest.mark.parametrize("label", ["[4.3]", "[2]", "[K]", "B."])
def test_a_label_that_opens_a_wrapped_line_of_prose_is_still_joined(label):
    lines = ["The harbour board changed its dredging schedule in 2019, and the coastal survey",
             f"{label} found the silt levels had fallen by a third within two years of the change. The",
             "ferry operator now plans its winter timetable around the new schedule."]
    assert reflow("\n".join(lines)) == " ".join(lines)


DOUBLE_SPACED_QUOTE = [
    "Three partner councils wrote in support of the scheme. Its coordinator at Westmere Borough Council said:",
    '"The mapping tool changed the way our wardens plan the winter gritting routes across the borough.',
    "It lets us see at a glance which roads were missed during a storm and which crews are free. That",
    'means that no village is cut off for more than a day, even in the heaviest snowfalls we have had."',
    '"It also saved money," she added, "because the lorries no longer drive the same road twice in a night."',
    "The tool is now used by all three councils in the county and by the regional highways agency too.",
]


def test_a_double_spaced_quotation_is_stored_whole_as_extract_reads_it(store, tmp_path):
    """Text exported with a blank line after every wrapped line, too few lines to tell by their number: a
    quotation that goes on past a blank line after a sentence end is one passage and one whole testimonial, as
    `extract` reads it, and a line going on in lower case is no document of its own; a line opening a new
    quotation still starts a passage."""
    text = "\n\n".join(DOUBLE_SPACED_QUOTE) + "\n"
    f = _write(tmp_path / "gritting.txt", text)
    api.ingest(store, [f])
    docs = store.con.execute("SELECT locator, text FROM documents ORDER BY locator").fetchall()
    assert [" ".join(t.split()) for _, t in docs] == [
        DOUBLE_SPACED_QUOTE[0], " ".join(DOUBLE_SPACED_QUOTE[1:4]), *DOUBLE_SPACED_QUOTE[4:]]
    testimonials = stored(store, "gritting.txt", kind="testimonial")  # checks every segment is its slice
    speakers = [r[0] for r in store.con.execute(
        "SELECT speaker FROM segments WHERE kind = 'testimonial' ORDER BY doc_id, start").fetchall()]
    expected = narrative.extract_document(text).testimonials
    assert [" ".join(t.split()) for t in testimonials] == [" ".join(t.quote.split()) for t in expected]
    assert speakers == [t.speaker for t in expected]
    assert " ".join(testimonials[0].split()).startswith("The mapping tool") and testimonials[0].endswith("had.")


def test_a_label_after_a_character_reference_ending_a_line_is_still_joined():
    """`&amp;` ends with a semicolon, which was read as the end of a clause, so a label opening the next line
    (`[B]`) was taken for a list item and the sentence was cut in two."""
    lines = ["The pilot changed how the audit team and the trust, &amp;", "[B] the districts, plan each week."]
    assert reflow("\n".join(lines)) == " ".join(lines)


@pytest.mark.parametrize("first, second", [
    ("The programme was adopted by a further", "40 schools in 2017 and by the Welsh Government, which funded training"),
    ("In total the programme has reached", "2,000 teachers across the whole of Wales in the following two years"),
    ("This was set out in section", "5. the Department's response to the consultation, published in May 2015"),
])
def test_a_short_line_that_goes_on_with_a_number_is_a_wrapped_sentence(first, second):
    """A short line that does not end a sentence and whose next line starts with a number ("... by a further" +
    "40 schools") is a sentence wrapped early, not a heading or a line of its own: it is joined."""
    text = f"{first}\n{second},\nwhich is where the evidence for the change was first set out in full detail.\n"
    joined = reflow(text)
    assert joined.split("\n")[0].startswith(f"{first} {second}")
    if not second[:2] == "5.":  # (a full stop after a number can still end a sentence for the splitter)
        assert split_sentences(joined)[0].startswith(f"{first} {second}")


def test_a_heading_before_a_line_that_opens_with_a_number_still_stands_alone():
    text = ("Reach of the programme.\n"
            "2,000 teachers in Wales took the course between 2015 and 2017, and the network now\n"
            "counts 1,500 schools across the United Kingdom and a further sixty overseas.\n")
    assert split_sentences(reflow(text))[0] == "Reach of the programme."


def test_a_markdown_tables_feedback_cell_is_quoted_without_the_rows_pipes(store, tmp_path):
    """A Markdown report's table of sites, reach and feedback gave whole rows as passages, so a quote read
    "| Hull | 310 nurses | Ward managers reported more confidence."; each cell is now a passage of its own."""
    f = _write(tmp_path / "report.md", "# Reach\n\n| Site | Reach | Feedback |\n|---|---|---|\n"
                                       "| Hull | 310 nurses | Ward managers reported more confidence. |\n")
    api.ingest(store, [f])
    got = stored(store, "report.md")
    assert "Ward managers reported more confidence." in got and not any("|" in s for s in got)


def test_a_case_studys_section_headings_stay_on_lines_of_their_own_in_pdf_text():
    """A case study printed to PDF opens with its title (wrapped, without a full stop), then "1. Summary of the
    impact" and the summary: the short-line rule joined all three into one line, so the first passage (and quote)
    began "Numeracy Bridges: ... reasoning 1. Summary of the impact Research at ...". Section headings stand
    alone; the title's own two lines are still joined."""
    page = ("Numeracy Bridges: transforming the teaching\nof proportional reasoning\n1. Summary of the impact\n"
            "Research at the University of Wessex on how pupils learn proportional reasoning led to Numeracy\n"
            "Bridges, a professional development programme for mathematics teachers. Since 2016 the\n"
            "programme has been delivered to 1,200 teachers in 340 schools in Wessex.\n4. Details of the impact\n"
            "The programme was first piloted in eight Wessex schools in 2015-16 and has since been\n"
            "commissioned by the county council.")
    (text,) = reading_texts([page], "pdf")
    assert text.split("\n") == [
        "Numeracy Bridges: transforming the teaching of proportional reasoning", "1. Summary of the impact",
        "Research at the University of Wessex on how pupils learn proportional reasoning led to Numeracy Bridges, a "
        "professional development programme for mathematics teachers. Since 2016 the programme has been delivered "
        "to 1,200 teachers in 340 schools in Wessex.", "4. Details of the impact",
        "The programme was first piloted in eight Wessex schools in 2015-16 and has since been commissioned by the "
        "county council."]
