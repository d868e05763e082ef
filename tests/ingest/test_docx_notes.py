"""A Word document's footnotes and endnotes: each reference reads in the body as its mark, numbered as Word numbers
it (superscript digits, a roman numeral or letter in brackets); each note's text is a document of the file (``footnote 3``) that is not coded,
quoted or counted, and a corroborating-source entry that a testimonial's mark names."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from evalnlp import api
from evalnlp.cli import app
from evalnlp.store import Store

from word_notes import W, write_noted_docx


@pytest.fixture
def rules_pipeline(monkeypatch):
    """Extraction on the rule path, whatever model is installed."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, narrative.load_pipeline(prefer_model=False))


def extract_json(runner, path: Path) -> dict:
    result = runner.invoke(app, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["documents"]
    return doc


QUOTE = ("\u201cThe discharge toolkit changed how every ward in the trust plans its week, and the change has "
         "lasted.\u201d")
LETTER = "Letter from the Chief Executive, Northfield NHS Trust, 12 March 2013."


# --- the body: each reference as its mark -----------------------------------------------------------------



def assert_one_letter_linked(path, db, ref: str, label: str) -> None:
    """The document's one testimonial carries the marker ``ref`` and is linked to the note ``label`` holding
    LETTER, in extraction and, once ingested into a new store at ``db``, in the store."""
    (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.source_ref == ref and [(e.label, e.text) for e in t.source_entries] == [(label, LETTER)]
    with Store(db) as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        assert list(told["source_ref"]) == [ref]
        assert list(store.segment_sources(told["seg_id"].tolist())["label"]) == [label]

def test_references_read_as_superscript_numbers_in_the_order_they_stand(tmp_path):
    """Word numbers each kind of note 1, 2, 3 ... in the order its references stand in the text, whatever the ids
    in the file (here the first reference is to note 7); endnotes count apart from footnotes; a reference in a
    table cell counts in its place (endnotes in Word's lower-case roman numerals, when the document sets no format,
    read as a bracketed marker); a custom mark is shown as typed and takes no number; a reference a tracked
    change deleted shows nothing and takes no number, and its note is not read."""
    from docx.oxml import parse_xml

    from evalnlp.ingest._documents import read_docx

    path = write_noted_docx(tmp_path / "marks.docx", [
        ["The trust adopted the toolkit in 2013.", ("footnote", 7), " Wards followed.", ("endnote", 4)],
        ("table", [[["Wards", ("footnote", 2)], ["40"]]]),
        ["A later report", ("footnote", 3, "*"), " and a survey", ("footnote", 5), " agree."],
        ["Deleted here:", ("footnote", 9), " end."],
    ], footnotes={7: "Annual report, 2013.", 2: "Ward census.", 3: "Board minutes.", 5: "Staff survey, 2014.",
                  9: "A note whose reference was deleted."},
       endnotes={4: "An endnote on wards."}, custom={3: "*"})
    # a tracked deletion of the last paragraph's reference
    import docx

    document = docx.Document(str(path))
    last = document.paragraphs[-1]._p
    run = last.findall(f"{{{W}}}r")[1]
    deleted = parse_xml(f'<w:del xmlns:w="{W}" w:id="90" w:author="A" w:date="2024-01-01T00:00:00Z"/>')
    run.addprevious(deleted)
    deleted.append(run)
    document.save(path)

    notes: list = []
    unread: dict = {}
    passages = read_docx(path, unread, notes)
    assert [p.text for p in passages] == [
        "The trust adopted the toolkit in 2013.\u00b9 Wards followed.[i]", "Wards\u00b2", "40",
        "A later report* and a survey\u00b3 agree.", "Deleted here: end."]
    assert [(n.locator, n.text) for n in notes] == [
        ("footnote 1", "Annual report, 2013."), ("footnote 2", "Ward census."), ("footnote *", "Board minutes."),
        ("footnote 3", "Staff survey, 2014."), ("endnote i", "An endnote on wards.")]
    assert unread == {}


def test_a_note_of_several_paragraphs_keeps_them_one_a_line_and_numbers_pass_nine(tmp_path):
    """Two-digit numbers are two superscript digits; a note's paragraphs are one per line, without its mark."""
    from evalnlp.ingest._documents import read_docx

    pieces: list = []
    for k in range(1, 13):
        pieces += [f"Claim {k}.", ("footnote", k), " "]
    path = write_noted_docx(tmp_path / "twelve.docx", [pieces],
                            footnotes={k: f"Source {k}." + ("\nSecond paragraph." if k == 12 else "")
                                       for k in range(1, 13)})
    notes: list = []
    (body,) = read_docx(path, None, notes)
    assert body.text.startswith("Claim 1.\u00b9 Claim 2.\u00b2 ")
    assert "Claim 10.\u00b9\u2070 Claim 11.\u00b9\u00b9 Claim 12.\u00b9\u00b2" in body.text
    assert notes[-1].locator == "footnote 12" and notes[-1].text == "Source 12.\nSecond paragraph."


# --- the notes stored: documents, not evidence; entries a testimonial's mark names -------------------------


def test_footnotes_are_stored_documents_not_coded_and_counts_add_up(tmp_path, rules_pipeline):
    """Each footnote is a document of the file (``footnote 2``), like the sources section's paragraphs not split
    into passages, so nothing in it is coded, quoted or counted; a note of punctuation only is a reject as any
    passage is; documents and rejects add up to the passages read (body and notes)."""
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact",
        ["The programme trained 40 ward sisters in 2019.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2)],
        ["Wards kept the new routine.", ("footnote", 3)],
    ], footnotes={1: "Training records of the programme, 2019: 40 ward sisters, all of them staff nurses.",
                  2: LETTER, 3: "-"})
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path])
        (report,) = result.files
        assert (report.n_in, report.n_ok, report.n_rejected) == (7, 6, 1)
        assert report.unread_parts == {}
        docs = store.table("documents")
        assert sorted(docs["locator"]) == ["footnote 1", "footnote 2", "paragraph 1", "paragraph 2",
                                           "paragraph 3", "paragraph 4"]
        (reject,) = store.table("rejects").itertuples()
        assert reject.locator == "footnote 3" and reject.code == "E141"
        segs = store.table("segments").merge(docs[["doc_id", "locator"]], on="doc_id")
        assert not segs["locator"].str.startswith("footnote").any()
        assert not segs["text"].str.contains("Training records|Letter from").any()
        # the reach figure is the body's only: the footnote's "40 ward sisters" is not counted again
        reach = store.table("reach").merge(docs[["doc_id", "locator"]], on="doc_id")
        assert list(reach["locator"]) == ["paragraph 2"]
        sources = store.table("sources").sort_values("position")
        assert list(zip(sources["ref"], sources["label"])) == [("1", "footnote 1"), ("2", "footnote 2")]
        api.classify(store, codebook="impact")
        coded = store.table("codes").merge(segs[["seg_id", "locator"]], on="seg_id")
        assert len(coded) and not coded["locator"].str.startswith("footnote").any()


def test_a_testimonial_marked_with_a_footnote_is_linked_to_it(tmp_path, runner, rules_pipeline):
    """``...lasted.”²``: the testimonial's source reference is the footnote's number and its source entry the
    footnote, in `extract --format json` and in the store; the body reads as the PDF of the file would."""
    path = write_noted_docx(tmp_path / "case.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2), " Other trusts followed."],
    ], footnotes={1: "Programme plan, 2012.", 2: LETTER})
    doc = extract_json(runner, path)
    (t,) = doc["testimonials"]
    assert t["quote"].startswith("The discharge toolkit") and t["speaker"] == "The Chief Executive of Northfield NHS Trust"
    assert t["source_ref"] == "2"
    assert t["source_entries"] == [{"ref": "2", "label": "footnote 2", "text": LETTER, "start": 0, "end": len(LETTER)}]
    assert [s["label"] for s in doc["sources"]] == ["footnote 1", "footnote 2"]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        assert list(told["source_ref"]) == ["2"]
        assert list(store.segment_sources(told["seg_id"].tolist())["text"]) == [LETTER]
        docs = store.table("documents").set_index("locator")
        assert docs.loc["paragraph 2", "text"].endswith("lasted.\u201d\u00b2 Other trusts followed.")
        # the mark ends the sentence with the quotation: the next sentence is a passage of its own
        sentences = segs[segs["kind"] == "sentence"]["text"].tolist()
        assert "Other trusts followed." in sentences


def test_endnotes_are_read_stored_and_linked_as_footnotes_are(tmp_path, runner, rules_pipeline):
    """A document with endnotes only: they are numbered i, ii ... in their own count (Word's format for endnotes
    when the document sets none), the body reads the mark as a bracketed marker (``...lasted.”[ii]``), each is
    stored as ``endnote ii``, and a testimonial's mark names its endnote."""
    path = write_noted_docx(tmp_path / "report.docx", [
        ["The review began in 2012.", ("endnote", 8)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("endnote", 3)],
    ], endnotes={8: "Review terms of reference, 2012.", 3: LETTER})
    doc = extract_json(runner, path)
    (t,) = doc["testimonials"]
    assert t["source_ref"] == "[ii]"
    assert [(e["label"], e["text"]) for e in t["source_entries"]] == [("endnote ii", LETTER)]
    table = " ".join(runner.invoke(app, ["extract", str(path)]).output.split())
    assert "endnote ii: Letter from the" in table and "endnote i │ Review terms" in table
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path])
        assert (result.n_in, result.n_ok, result.n_rejected) == (4, 4, 0)
        assert sorted(store.table("documents")["locator"]) == ["endnote i", "endnote ii", "paragraph 1",
                                                                "paragraph 2"]


def test_a_document_with_a_sources_section_and_footnotes_keeps_both(tmp_path, runner, rules_pipeline):
    """Both are the file's entries, the section's first: a bracketed marker names the section's entry, a
    footnote's mark its footnote, even where the section has an entry of the same number."""
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact",
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, " [2]"],
        ["The Director of Nursing at Southfield Hospital said: \u201cEvery ward now plans its discharges on "
         "Monday, and patients go home sooner.\u201d", ("footnote", 1)],
        "Sources to corroborate the impact",
        "[1] Annual report of the programme, 2014.",
        "[2] " + LETTER,
    ], footnotes={1: "Email from the Director of Nursing, Southfield Hospital, 2015."})
    doc = extract_json(runner, path)
    first, second = doc["testimonials"]
    assert first["source_ref"] == "[2]" and [e["text"] for e in first["source_entries"]] == [LETTER]
    assert second["source_ref"] == "1"
    assert [e["label"] for e in second["source_entries"]] == ["footnote 1"]
    assert [s["label"] for s in doc["sources"]] == ["[1]", "[2]", "footnote 1"]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        sources = store.table("sources").sort_values("position")
        assert list(sources["label"]) == ["[1]", "[2]", "footnote 1"]
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"].sort_values("source_ref")
        linked = store.segment_sources(told["seg_id"].tolist()).merge(told[["seg_id", "source_ref"]], on="seg_id")
        assert sorted(zip(linked["source_ref"], linked["text"])) == [
            ("1", "Email from the Director of Nursing, Southfield Hospital, 2015."), ("[2]", LETTER)]


def test_a_mark_glued_inside_the_attribution_links_the_footnote_in_a_word_document(tmp_path, rules_pipeline):
    """In a Word document: the footnote whose reference stands after the speaker's name is the testimonial's
    source entry."""
    letter = "Letter from the Chief Nurse, Northfield NHS Trust, 2014."
    path = write_noted_docx(tmp_path / "case.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["Dr Jane Roe,", ("footnote", 2), " Chief Nurse at Northfield, said: ", QUOTE, " Other trusts followed."],
    ], footnotes={1: "Programme plan, 2012.", 2: letter})
    (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.speaker == "Dr Jane Roe, Chief Nurse at Northfield" and t.source_ref == "2"
    assert doc.text[t.speaker_start:t.speaker_end] == "Dr Jane Roe,\u00b2 Chief Nurse at Northfield"
    assert [(e.label, e.text) for e in t.source_entries] == [("footnote 2", letter)]


def test_the_not_read_warning_no_longer_names_footnotes_or_endnotes(tmp_path, runner):
    """Footnotes and endnotes are read now: the warning names only what is still not read (a header)."""
    path = write_noted_docx(tmp_path / "case.docx", [["The programme trained 40 ward sisters.", ("footnote", 1),
                                                      " It ran for a year.", ("endnote", 1)]],
                            footnotes={1: "Training records."}, endnotes={1: "Programme plan."},
                            header="Northfield NHS Trust")
    for args in (["ingest", str(path)], ["extract", str(path)]):
        result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), *args])
        said = " ".join(result.output.split())
        assert result.exit_code == 0 and "case.docx: not read: 1 header (evalnlp reads" in said
        assert "footnote" not in said.split("(evalnlp reads")[0] and "endnote" not in said.split("(evalnlp reads")[0]
        assert "and its footnotes and endnotes; copy what they hold" in said
    plain = write_noted_docx(tmp_path / "plain.docx", [["Trained 40 ward sisters.", ("footnote", 1)]],
                             footnotes={1: "Training records."})
    assert "not read" not in runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "ingest", str(plain)]).output


# --- the document's numbering: formats, first number, restarts -------------------------------------------
# (the note numbering the document sets, ``w:footnotePr``/``w:endnotePr`` in its settings and in a section's
# properties: the body reads each mark as Word shows it, in a form the marker rules read, and the note's entry is
# labelled with the same mark, so that a testimonial's mark names its note)

#: the numbering properties of a kind of note: ``{"numFmt": "upperRoman", "numStart": "3"}``
Numbering = dict


def _numbering_xml(kind: str, numbering: Numbering) -> str:
    props = "".join(f'<w:{tag} w:val="{value}"/>' for tag, value in numbering.items())
    return f'<w:{kind}Pr xmlns:w="{W}">{props}</w:{kind}Pr>'


def set_numbering(path: Path, settings: dict[str, Numbering] | None = None,
                  sections: dict[int, dict[str, Numbering]] | None = None) -> Path:
    """Give the document at ``path`` (written with :func:`write_noted_docx`) note numbering, as Word writes it:
    ``settings`` for the document (``{"footnote": {"numFmt": "lowerLetter"}}``, in ``word/settings.xml``), and
    ``sections``: by the 0-based index of a body paragraph, a section break after that paragraph (its
    ``w:pPr/w:sectPr``, a copy of the body's section properties), with that section's own numbering (which may
    be empty); the key ``-1`` sets the numbering of the last section (the body's ``w:sectPr``)."""
    import copy

    import docx
    from docx.oxml import parse_xml

    document = docx.Document(str(path))
    for kind, numbering in (settings or {}).items():
        document.settings.element.append(parse_xml(_numbering_xml(kind, numbering)))
    body = document.element.body
    last = body.find(f"{{{W}}}sectPr")
    paragraphs = body.findall(f"{{{W}}}p")
    for index, numberings in (sections or {}).items():
        if index == -1:
            sect = last
        else:
            sect = copy.deepcopy(last)
            p = paragraphs[index]
            ppr = p.find(f"{{{W}}}pPr")
            if ppr is None:
                ppr = parse_xml(f'<w:pPr xmlns:w="{W}"/>')
                p.insert(0, ppr)
            ppr.append(sect)
        for kind, numbering in numberings.items():
            sect.insert(0, parse_xml(_numbering_xml(kind, numbering)))
    document.save(path)
    return path


def _read(path: Path) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    from evalnlp.ingest._documents import read_docx

    notes: list = []
    told: list[str] = []
    passages = read_docx(path, None, notes, told)
    return [p.text for p in passages], [(n.locator, n.text) for n in notes], told


@pytest.mark.parametrize("fmt, marks, body", [
    ("decimal", ["3", "4", "5"], ["\u00b3", "\u2074", "\u2075"]),
    ("lowerRoman", ["iii", "iv", "v"], ["[iii]", "[iv]", "[v]"]),
    ("upperRoman", ["III", "IV", "V"], ["[III]", "[IV]", "[V]"]),
    ("lowerLetter", ["c", "d", "e"], ["[c]", "[d]", "[e]"]),
    ("upperLetter", ["C", "D", "E"], ["[C]", "[D]", "[E]"]),
    ("chicago", ["\u2021", "\u00a7", "**"], ["\u2021", "\u00a7", "**"]),
])
@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_the_documents_numbering_format_and_start_are_followed(tmp_path, kind, fmt, marks, body):
    """Footnotes or endnotes set to a format and to start at 3 (``numFmt``, ``numStart`` in the settings): the
    marks run on from 3 in that format, the body shows them as Word does (digits in superscript, a roman numeral
    or a letter bracketed, a symbol as it is) and each note's label carries the same mark."""
    path = write_noted_docx(tmp_path / "fmt.docx", [
        ["The trust adopted the toolkit.", (kind, 1), " Wards followed.", (kind, 2)],
        ["Others did too.", (kind, 3)],
    ], **{f"{kind}s": {1: "Annual report.", 2: "Ward census.", 3: "Staff survey."}})
    set_numbering(path, {kind: {"numFmt": fmt, "numStart": "3"}})
    texts, notes, told = _read(path)
    assert texts == [f"The trust adopted the toolkit.{body[0]} Wards followed.{body[1]}", f"Others did too.{body[2]}"]
    assert notes == [(f"{kind} {marks[0]}", "Annual report."), (f"{kind} {marks[1]}", "Ward census."),
                     (f"{kind} {marks[2]}", "Staff survey.")]
    assert told == []


@pytest.mark.parametrize("start", ["0", "-2", "12345", "x", "\u00b2", "9" * 5000])
def test_a_first_number_word_would_not_write_starts_at_one(tmp_path, start):
    """A ``numStart`` that is no number from 1 to 9999 (a damaged or hostile file) starts the count at 1."""
    path = write_noted_docx(tmp_path / "start.docx", [["One.", ("footnote", 1)]], footnotes={1: "A."})
    set_numbering(path, {"footnote": {"numStart": start}})
    assert _read(path)[:2] == (["One.\u00b9"], [("footnote 1", "A.")])


def test_marks_of_many_notes_roman_letters_and_symbols(tmp_path):
    """Past the first few: roman numerals as Word writes them (``xiv``, ``xix``, ``xl``), letters doubled after
    ``z`` (``aa``, ``bb``), symbols doubled after the fourth, then tripled."""
    from evalnlp.ingest._documents import note_number

    assert [note_number(n, "lowerRoman") for n in (1, 4, 9, 14, 18, 19, 40, 44, 49, 89, 1994)] == [
        "i", "iv", "ix", "xiv", "xviii", "xix", "xl", "xliv", "xlix", "lxxxix", "mcmxciv"]
    assert [note_number(n, "upperRoman") for n in (3, 18, 40)] == ["III", "XVIII", "XL"]
    assert [note_number(n, "lowerLetter") for n in (1, 26, 27, 28, 53)] == ["a", "z", "aa", "bb", "aaa"]
    assert [note_number(n, "upperLetter") for n in (2, 29)] == ["B", "CC"]
    assert [note_number(n, "chicago") for n in (1, 2, 3, 4, 5, 8, 9)] == [
        "*", "\u2020", "\u2021", "\u00a7", "**", "\u00a7\u00a7", "***"]
    assert note_number(0, "lowerRoman") == "0" and note_number(12, "decimal") == "12"


@pytest.mark.parametrize("mark", ["[iii]", "[xviii]", "[xl]", "[xlix]", "[lxxxviii]", "[III]", "[XVIII]", "[XL]",
                                  "[c]", "[C]"])
def test_a_roman_or_letter_mark_is_a_marker(mark):
    """Every mark a note numbered in roman numerals (up to 89) or in single letters shows is a source marker."""
    from evalnlp.ingest._narrative_text import is_marker

    assert is_marker(mark)


@pytest.mark.parametrize("text", ["[ill]", "[xxxxi]", "[IIII]", "[lx l]", "[lil]"])
def test_words_of_roman_letters_are_no_marker(text):
    from evalnlp.ingest._narrative_text import is_marker

    assert not is_marker(text)


def test_endnotes_in_roman_numerals_link_past_the_eighteenth(tmp_path, runner, rules_pipeline):
    """Twenty endnotes in Word's default format: the testimonial marked with the eighteenth reads ``[xviii]`` and
    is linked to ``endnote xviii``."""
    pieces: list = []
    for k in range(1, 18):
        pieces += [f"Claim {k}.", ("endnote", k), " "]
    path = write_noted_docx(tmp_path / "many.docx", [
        pieces,
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("endnote", 18), " Other trusts followed."],
    ], endnotes={**{k: f"Source {k}." for k in range(1, 18)}, 18: LETTER})
    doc = extract_json(runner, path)
    (t,) = doc["testimonials"]
    assert t["source_ref"] == "[xviii]"
    assert [(e["label"], e["text"]) for e in t["source_entries"]] == [("endnote xviii", LETTER)]


@pytest.mark.parametrize("fmt, ref, label", [("upperRoman", "[II]", "footnote II"),
                                             ("lowerLetter", "[b]", "footnote b"),
                                             ("decimal", "2", "footnote 2")])
def test_a_testimonial_is_linked_to_a_footnote_in_any_format(tmp_path, fmt, ref, label, rules_pipeline):
    """The mark the body shows is the testimonial's marker, and it names the footnote labelled with it, in the
    store as in extraction."""
    path = write_noted_docx(tmp_path / "case.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2), " Other trusts followed."],
    ], footnotes={1: "Programme plan, 2012.", 2: LETTER})
    set_numbering(path, {"footnote": {"numFmt": fmt}})
    assert_one_letter_linked(path, tmp_path / "s.duckdb", ref, label)


def test_a_section_sets_its_own_numbering_and_restarts_the_count(tmp_path, rules_pipeline):
    """Three sections: the first numbers footnotes as the document does (lower-case letters), the second sets its
    own format (upper-case roman) and restarts at its start, the third (the body's last properties) restarts
    the count in the document's format. A mark that stands for one note only links to it; one that notes of two
    sections share (``b``) links to the note whose reference stands with the testimonial, and the ingest says how
    such marks are read."""
    path = write_noted_docx(tmp_path / "sections.docx", [
        ["Part one.", ("footnote", 1), " More.", ("footnote", 2)],
        ["Part two.", ("footnote", 3), " More.", ("footnote", 4)],
        ["Part three.", ("footnote", 5)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 6)],
        ["The Director of Nursing at Southfield Hospital said: \u201cEvery ward now plans its discharges on "
         "Monday, and patients go home sooner.\u201d", ("footnote", 7)],
    ], footnotes={1: "One.", 2: "Two.", 3: "Three.", 4: "Four.", 5: "Five.", 6: LETTER, 7: "Email from the Director."})
    set_numbering(path, {"footnote": {"numFmt": "lowerLetter"}}, {
        0: {},
        1: {"footnote": {"numFmt": "upperRoman", "numRestart": "eachSect"}},
        -1: {"footnote": {"numRestart": "eachSect"}}})
    texts, notes, told = _read(path)
    assert texts[:3] == ["Part one.[a] More.[b]", "Part two.[I] More.[II]", "Part three.[a]"]
    assert texts[3].endswith("lasted.\u201d[b]") and texts[4].endswith("sooner.\u201d[c]")
    assert [n[0] for n in notes] == ["footnote a", "footnote b", "footnote I", "footnote II", "footnote a (2)",
                                     "footnote b (2)", "footnote c"]
    (said,) = told
    assert "the same mark stands for notes of different sections (footnote a, footnote b): a testimonial with " \
           "that mark is linked to the note whose reference stands where the mark is written" in said
    with pytest.warns(Warning, match="the same mark stands for notes of different sections"):
        (doc,) = api.extract([path])
    first, second = doc.testimonials
    assert first.source_ref == "[b]" and [(e.label, e.text) for e in first.source_entries] == [
        ("footnote b (2)", LETTER)]
    assert second.source_ref == "[c]" and [e.text for e in second.source_entries] == ["Email from the Director."]


_NURSE_QUOTE = "\u201cEvery ward now plans its discharges on Monday, and patients go home sooner.\u201d"


def _two_sections(tmp_path: Path, kind: str) -> Path:
    """Two sections whose notes (``kind``) are numbered afresh in each (``eachSect``), so that each has a note
    marked ``i`` (endnotes) or ``1`` (footnotes): a testimonial in each section is marked with its own section's
    first note, and in the second section a third one is marked with the same mark typed as text, which no
    reference backs."""
    typed = "[i]" if kind == "endnote" else "1"
    path = write_noted_docx(tmp_path / f"{kind}s.docx", [
        ["The programme began in 2012. The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, (kind, 1)],
        ["Other trusts followed.", (kind, 2)],
        ["The Director of Nursing at Southfield Hospital said: ", _NURSE_QUOTE, (kind, 3)],
        ["A ward sister at Eastfield said: \u201cOur patients now leave before the weekend, and they do not come "
         "back.\u201d" + typed],
    ], **{f"{kind}s": {1: LETTER, 2: "Board minutes, 2013.", 3: _EMAIL}})
    return set_numbering(path, {kind: {"numRestart": "eachSect"}}, {1: {}})


@pytest.mark.parametrize("kind, ref", [("endnote", "[i]"), ("footnote", "1")])
def test_a_mark_two_sections_share_links_to_the_note_its_reference_names(tmp_path, kind, ref, rules_pipeline):
    """Notes numbered afresh at each section: both sections have a note marked ``i`` (or ``1``). The body reads
    the same mark twice, but each reference names its own note, so each testimonial is linked to its own
    section's note, in extraction and in the store; a mark typed as text, with no reference, names neither."""
    path = _two_sections(tmp_path, kind)
    texts, notes, told = _read(path)
    mark = ref.strip("[]")
    assert [n[0] for n in notes] == [f"{kind} {mark}", f"{kind} ii" if kind == "endnote" else f"{kind} 2",
                                     f"{kind} {mark} (2)"]
    with pytest.warns(Warning, match="the same mark stands for notes of different sections"):
        (doc,) = api.extract([path])
    got = [(t.speaker, t.source_ref, [(e.label, e.text) for e in t.source_entries]) for t in doc.testimonials]
    assert got == [("The Chief Executive of Northfield NHS Trust", ref, [(f"{kind} {mark}", LETTER)]),
                   ("The Director of Nursing at Southfield Hospital", ref, [(f"{kind} {mark} (2)", _EMAIL)]),
                   ("A ward sister at Eastfield", ref, [])]
    with Store(tmp_path / "s.duckdb") as store:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            api.ingest(store, [path])
        segs = store.table("segments")
        testimonials = segs[segs["kind"] == "testimonial"]
        linked = store.segment_sources(testimonials["seg_id"].tolist()).merge(
            testimonials[["seg_id", "speaker"]], on="seg_id")
        assert sorted(zip(linked["speaker"], linked["label"])) == [
            ("The Chief Executive of Northfield NHS Trust", f"{kind} {mark}"),
            ("The Director of Nursing at Southfield Hospital", f"{kind} {mark} (2)")]


def test_a_shared_mark_in_a_table_cell_links_to_the_note_of_the_cells_reference(tmp_path, rules_pipeline):
    """The same in a table: the testimonial in a cell of the second section is linked to the endnote its
    reference in that cell names."""
    path = write_noted_docx(tmp_path / "table.docx", [
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("endnote", 1)],
        "Testimonials",
        ("table", [[["Director of Nursing"], ["The Director of Nursing at Southfield Hospital said: ", _NURSE_QUOTE,
                                              ("endnote", 2)]]]),
    ], endnotes={1: LETTER, 2: _EMAIL})
    set_numbering(path, {"endnote": {"numRestart": "eachSect"}}, {0: {}})
    with pytest.warns(Warning, match="the same mark stands for notes of different sections"):
        (doc,) = api.extract([path])
    assert [(t.source_ref, [e.label for e in t.source_entries]) for t in doc.testimonials] == [
        ("[i]", ["endnote i"]), ("[i]", ["endnote i (2)"])]


def test_a_shared_mark_by_the_quotation_wins_over_one_by_a_speaker_named_before(tmp_path, rules_pipeline):
    """``She wrote: “...”[i]`` in the second section, ``She`` being the nurse named in the first section's last
    paragraph, whose own endnote is marked ``[i]`` too: the reference beside the quotation is the one that names
    the testimonial's note."""
    path = write_noted_docx(tmp_path / "pronoun.docx", [
        ["Dr Jane Roe, Chief Nurse at Northfield, reviewed the programme in 2013.", ("endnote", 1)],
        ["She wrote: ", QUOTE, ("endnote", 2)],
    ], endnotes={1: "Review of the programme, 2013.", 2: LETTER})
    set_numbering(path, {"endnote": {"numRestart": "eachSect"}}, {0: {}})
    with pytest.warns(Warning, match="the same mark stands for notes of different sections"):
        (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.speaker.startswith("Dr Jane Roe")
    assert t.source_ref == "[i]" and [(e.label, e.text) for e in t.source_entries] == [("endnote i (2)", LETTER)]


def test_a_continuous_count_goes_on_across_sections(tmp_path):
    """Sections without a restart of their own: the count goes on, also where a section changes the format."""
    path = write_noted_docx(tmp_path / "on.docx", [
        ["One.", ("footnote", 1), " Two.", ("footnote", 2)],
        ["Three.", ("footnote", 3)],
    ], footnotes={1: "A.", 2: "B.", 3: "C."})
    set_numbering(path, None, {0: {}, -1: {"footnote": {"numFmt": "lowerRoman"}}})
    texts, notes, told = _read(path)
    assert texts == ["One.\u00b9 Two.\u00b2", "Three.[iii]"]
    assert [n[0] for n in notes] == ["footnote 1", "footnote 2", "footnote iii"] and told == []


def test_numbering_on_each_page_is_counted_on_and_the_ingest_says_so(tmp_path, runner):
    """Footnotes numbered afresh on each page (``eachPage``): the pages are not known without laying the document
    out, so the count goes on through the document, and `ingest`, `extract` and the API warn of it; so does a
    format that is not followed (Hebrew letters for endnotes), whose notes are numbered 1, 2, 3."""
    path = write_noted_docx(tmp_path / "pages.docx", [
        ["One.", ("footnote", 1), " Two.", ("footnote", 2), " Three.", ("endnote", 1)],
    ], footnotes={1: "A.", 2: "B."}, endnotes={1: "C."})
    set_numbering(path, {"footnote": {"numRestart": "eachPage"}, "endnote": {"numFmt": "hebrew1"}})
    texts, notes, told = _read(path)
    assert texts == ["One.\u00b9 Two.\u00b2 Three.\u00b9"]
    assert [n[0] for n in notes] == ["footnote 1", "footnote 2", "endnote 1"]
    (said,) = told
    assert "its footnotes are numbered afresh on each page" in said and "counted on through the document" in said
    assert "its endnotes' numbering format 'hebrew1' is not followed: they are numbered 1, 2, 3" in said
    for args in (["ingest", str(path)], ["extract", str(path)]):
        result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), *args])
        shown = " ".join(result.output.split())
        assert result.exit_code == 0 and "pages.docx: its footnotes are numbered afresh on each page" in shown
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        api.extract([path])
    assert any("numbered afresh on each page" in str(w.message) for w in caught)
    plain = write_noted_docx(tmp_path / "plain.docx", [["One.", ("footnote", 1)]], footnotes={1: "A."})
    assert _read(plain)[2] == []


# --- a number a note and the sources list both have -----------------------------------------------------

_NURSE = ("The Director of Nursing at Southfield Hospital said: \u201cEvery ward now plans its discharges on Monday, "
          "and patients go home sooner.\u201d")
_EMAIL = "Email from the Director of Nursing, Southfield Hospital, 2015."


@pytest.mark.parametrize("note_first", [True, False])
def test_a_bare_number_names_the_note_before_the_sources_lists_entry(tmp_path, note_first, rules_pipeline):
    """A document with a numbered sources list (1, 2, 3) and footnotes (1, 2): a mark the body shows for a note
    (``²``, read as ``2``) names the footnote, though the list has an entry 2 as well; a number no note has (typed
    ``3`` glued after the quotation) names the list's entry; whichever of the two testimonials stands first."""
    marked = ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2)]
    typed = _NURSE + "3"
    body = [marked, typed] if note_first else [typed, marked]
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact", ["The programme began in 2012.", ("footnote", 1)], *body,
        "Sources to corroborate the impact",
        "1. Annual report of the programme, 2014.",
        "2. Minutes of the trust board, 2013.",
        "3. " + _EMAIL,
    ], footnotes={1: "Programme plan, 2012.", 2: LETTER})
    (doc,) = api.extract([path])
    got = {t.speaker.split()[1]: (t.source_ref, [(e.label, e.text) for e in t.source_entries])
           for t in doc.testimonials}
    assert got["Chief"] == ("2", [("footnote 2", LETTER)])
    assert got["Director"][0] == "3" and [text for _label, text in got["Director"][1]] == [_EMAIL]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        linked = store.segment_sources(told["seg_id"].tolist()).merge(told[["seg_id", "source_ref"]], on="seg_id")
        assert sorted(zip(linked["source_ref"], linked["text"])) == [("2", LETTER), ("3", _EMAIL)]


@pytest.mark.parametrize("note_first", [True, False])
def test_a_bracketed_roman_mark_names_the_endnote_before_the_lists_entry(tmp_path, note_first, rules_pipeline):
    """The same rule for endnotes in roman numerals: ``[ii]``, as an endnote's mark reads, names endnote ii
    though the list (i), (ii), (iii) has an entry ii; a typed ``[iii]``, which no endnote has, the list's entry."""
    marked = ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("endnote", 2)]
    typed = _NURSE + " [iii]"
    body = [marked, typed] if note_first else [typed, marked]
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact", ["The programme began in 2012.", ("endnote", 1)], *body,
        "Sources to corroborate the impact",
        "(i) Annual report of the programme, 2014.",
        "(ii) Minutes of the trust board, 2013.",
        "(iii) " + _EMAIL,
    ], endnotes={1: "Programme plan, 2012.", 2: LETTER})
    (doc,) = api.extract([path])
    got = {t.speaker.split()[1]: (t.source_ref, [(e.label, e.text) for e in t.source_entries])
           for t in doc.testimonials}
    assert got["Chief"] == ("[ii]", [("endnote ii", LETTER)])
    assert got["Director"][0] == "[iii]" and [text for _label, text in got["Director"][1]] == [_EMAIL]


# --- a note's mark after the lead's verb, and the marker after the quotation ------------------------------


@pytest.mark.parametrize("lead, after, ref, label", [
    # an endnote's mark after the colon, a footnote's after the quotation: "wrote:[i] “...”²"
    (["wrote:", ("endnote", 1), " "], ("footnote", 2), "2", "footnote 2"),
    # glued to the verb, before the colon: "wrote[i]: “...”²"
    (["wrote", ("endnote", 1), ": "], ("footnote", 2), "2", "footnote 2"),
    # a footnote's digits glued to the verb, an endnote's mark after the quotation: "wrote²: “...”[i]"
    (["wrote", ("footnote", 2), ": "], ("endnote", 1), "[i]", "endnote i"),
    # ... and after the colon, where the tokenizer keeps them with the verb ("wrote:²")
    (["wrote:", ("footnote", 2), " "], ("endnote", 1), "[i]", "endnote i"),
    # ... or after the comma ("said,²"), one word to the rules' tokenizer as well
    (["said,", ("footnote", 2), " "], ("endnote", 1), "[i]", "endnote i"),
], ids=["after-colon", "before-colon", "digits", "digits-after-colon", "digits-after-comma"])
def test_the_marker_after_the_quotation_wins_over_a_mark_after_the_lead_verb(tmp_path, monkeypatch, nlp, lead,
                                                                              after, ref, label):
    """``The Chief Executive ... wrote:[i] “...”²``: the note marked right after the lead's verb is the lead's
    (where the words were written); the one marked after the quotation is the quotation's source. The speaker is
    found on both paths, also where the parse would read the verb and its mark as one word."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, nlp)
    notes = {"footnote": {1: "Programme plan, 2012.", 2: "Board minutes, 2013."}, "endnote": {1: "Annual report."}}
    notes[after[0]][after[1]] = LETTER
    path = write_noted_docx(tmp_path / "lead.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust ", *lead, QUOTE, after, " Other trusts followed."],
    ], footnotes=notes["footnote"], endnotes=notes["endnote"])
    (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.speaker == "The Chief Executive of Northfield NHS Trust"
    assert t.source_ref == ref and [(e.label, e.text) for e in t.source_entries] == [(label, LETTER)]


# --- notes numbered in symbols, and in letters past z -----------------------------------------------------


def _marked_case(tmp_path: Path, fmt: str, n_before: int, quote: str = QUOTE) -> Path:
    """A case study whose quotation is marked with the note after ``n_before`` others, numbered in ``fmt``."""
    pieces: list = []
    for k in range(1, n_before + 1):
        pieces += [f"Claim {k}.", ("footnote", k), " "]
    path = write_noted_docx(tmp_path / f"{fmt}-{n_before}.docx", [
        pieces, ["The Chief Executive of Northfield NHS Trust wrote: ", quote, ("footnote", n_before + 1),
                 " Other trusts followed."],
    ], footnotes={**{k: f"Source {k}." for k in range(1, n_before + 1)}, n_before + 1: LETTER})
    return set_numbering(path, {"footnote": {"numFmt": fmt}})


@pytest.mark.parametrize("fmt, n_before, ref", [("chicago", 0, "*"), ("chicago", 1, "\u2020"),
                                                ("chicago", 3, "\u00a7"), ("chicago", 4, "**"),
                                                ("chicago", 5, "\u2020\u2020"),
                                                ("lowerLetter", 26, "[aa]"), ("lowerLetter", 27, "[bb]")])
def test_a_quotation_marked_with_a_symbol_or_doubled_letter_is_linked_to_its_note(tmp_path, fmt, n_before, ref,
                                                                                   rules_pipeline):
    """Notes numbered in symbols (``*``, ``†``, ``‡``, ``§``, then doubled) or in letters past z (``[aa]``): the
    mark glued after the quotation's closing mark is its marker and names the note, in extraction and the store."""
    path = _marked_case(tmp_path, fmt, n_before)
    assert_one_letter_linked(path, tmp_path / "s.duckdb", ref, f"footnote {ref.strip('[]')}")


def test_a_symbol_after_the_full_stop_past_the_closing_mark_is_read_in_a_document_so_numbered(tmp_path,
                                                                                               rules_pipeline):
    """``...lasted”.†``: in a document whose notes are numbered in symbols the symbol after the full stop that
    follows the closing mark is the quotation's marker too."""
    quote = QUOTE[:-2] + "\u201d."
    (doc,) = api.extract([_marked_case(tmp_path, "chicago", 1, quote)])
    (t,) = doc.testimonials
    assert t.source_ref == "\u2020" and [e.label for e in t.source_entries] == ["footnote \u2020"]


def test_an_asterisk_typed_after_a_quotation_in_a_document_of_numbered_notes_is_no_marker(tmp_path,
                                                                                          rules_pipeline):
    """A Word document whose notes are numbered 1, 2, 3 has no note marked ``*``: an asterisk typed after a
    quotation (emphasis, or the writer's own aside) names nothing."""
    path = write_noted_docx(tmp_path / "star.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE + "* Other trusts followed."],
    ], footnotes={1: "Programme plan, 2012."})
    (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.source_ref is None and t.source_entries == ()


@pytest.mark.parametrize("text, ref", [
    # glued right after the closing mark: a note's symbol, when the notes are not known
    ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted.\u201d\u2020 Other trusts followed.", "\u2020"),
    ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted.\u201d** Other trusts followed.", "**"),
    # after the full stop past the closing mark: not known to be a note's mark
    ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted\u201d.\u2020 Other trusts followed.", None),
    # emphasis around the quotation, and an asterisk after a word
    ("The Chief Executive of Northfield NHS Trust wrote: *\u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted.\u201d* Other trusts followed.", None),
    ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted.\u201d Other trusts* followed.", None),
    # a run of four is no note's mark
    ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
     "week, and the change has lasted.\u201d**** Other trusts followed.", None),
])
def test_a_symbol_after_a_quotation_in_text_whose_notes_are_not_known(text, ref, rules_pipeline):
    from evalnlp.ingest.narrative import extract_document

    (t,) = extract_document(text).testimonials
    assert t.source_ref == ref


def test_a_letter_cited_by_a_footnote_in_its_lists_words_is_linked_to_the_lists_entry(tmp_path, runner):
    """A case study cites a letter of support twice, in its sources list and in a footnote after the headteacher's
    quotation, in the same words: the letter filed beside it is linked to the list's entry (the two name one
    source), where it was linked to neither, as if they were two letters it fitted equally well."""
    entry = "Letter from the Headteacher, Fairmead Primary School, 10 January 2020."
    case = write_noted_docx(tmp_path / "case.docx", [
        ["The headteacher, Mrs Anita Shah, said that \u201cour children now choose to read at break time, which "
         "I never thought I would see.\u201d", ("footnote", 1)],
        "5. Sources to corroborate the impact",
        "A. Evaluation report, Education Endowment Trust, 2019.",
        f"B. {entry}",
    ], footnotes={1: entry})
    letter = tmp_path / "fairmead.txt"
    letter.write_text("Fairmead Primary School\n\n10 January 2020\n\nDear Dr Bell,\n\nI write in support of the "
                      "reading programme: our pupils now borrow twice as many books from the library.\n\n"
                      "Yours faithfully,\n\nAnita Shah\nHeadteacher, Fairmead Primary School\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = api.ingest(store, [case, letter])
        (standing,) = result.letters
        assert standing.status == "linked", standing
        segs = store.table("segments")
        docs = store.table("documents").set_index("doc_id")["source"]
        told = segs[(segs["kind"] == "testimonial") & (segs["doc_id"].map(docs) == "fairmead.txt")]
        assert told["source_ref"].tolist() == ["[B]"]
        assert store.segment_sources(list(told["seg_id"]))["text"].tolist() == [entry]
    doc = json.loads(runner.invoke(app, ["extract", str(case), str(letter), "--format", "json"]).stdout)
    (found,) = doc["documents"][1]["letters"]
    assert found["status"] == "linked" and [e["ref"] for e in found["source_entries"]] == ["B"]


# --- two notes with the same custom mark: each reference's place tells its note ------------------------------

_SISTER = ("A ward sister at Eastfield said: \u201cOur patients now leave before the weekend, and they do not come "
           "back.\u201d")


def _starred(tmp_path: Path, typed: bool = False) -> Path:
    """One paragraph with two testimonials, each followed by a footnote whose custom mark is ``*`` (the Chief
    Executive's letter, the Director's email); with ``typed``, a third testimonial in the same paragraph followed by
    an asterisk typed as text, which no reference backs."""
    return write_noted_docx(tmp_path / "starred.docx", [
        ["The programme began in 2012.", ("footnote", 3)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 1, "*"),
         " Other trusts followed. The Director of Nursing at Southfield Hospital said: ", _NURSE_QUOTE,
         ("footnote", 2, "*"), *([" " + _SISTER + "*"] if typed else [])],
    ], footnotes={3: "Programme plan, 2012.", 1: LETTER, 2: _EMAIL}, custom={1: "*", 2: "*"})


@pytest.mark.parametrize("typed", [False, True], ids=["two-marks", "and-a-typed-one"])
def test_two_notes_with_the_same_custom_mark_in_one_paragraph_link_each_to_its_own(tmp_path, monkeypatch, nlp,
                                                                                    typed):
    """Two footnotes marked ``*`` by their author (a custom mark), referred to from one paragraph: each
    testimonial's ``*`` stands where one reference's mark stands, so each is linked to that note (``footnote *``,
    ``footnote * (2)``), in extraction and in the store, on both pipelines; an asterisk typed after a third
    quotation of the paragraph stands where no reference does, so it names neither."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, nlp)
    path = _starred(tmp_path, typed)
    (doc,) = api.extract([path])
    got = [(t.speaker, t.source_ref, [(e.label, e.text) for e in t.source_entries]) for t in doc.testimonials]
    assert got == [("The Chief Executive of Northfield NHS Trust", "*", [("footnote *", LETTER)]),
                   ("The Director of Nursing at Southfield Hospital", "*", [("footnote * (2)", _EMAIL)]),
                   *([("A ward sister at Eastfield", "*", [])] if typed else [])]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"].sort_values("start")
        assert list(told["source_ref"]) == ["*"] * (3 if typed else 2)
        linked = store.segment_sources(told["seg_id"].tolist()).merge(told[["seg_id", "start"]], on="seg_id")
        assert list(linked.sort_values("start")[["label", "text"]].itertuples(index=False, name=None)) == [
            ("footnote *", LETTER), ("footnote * (2)", _EMAIL)]


@pytest.mark.parametrize("between", ["", " Other trusts followed."])
def test_a_quotation_marked_with_a_notes_symbol_ends_its_sentence(tmp_path, monkeypatch, nlp, between):
    """``...lasted.”* The Director ... said: “...”†``: the symbol after the closing mark is the first quotation's
    marker, so the sentence after it is another one, whose speaker is not the first quotation's; nor is the
    sentence after the second quotation its speaker (``... sooner.”† Wards agreed.``)."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, nlp)
    path = write_noted_docx(tmp_path / "symbols.docx", [
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 1, "*"), between,
         " The Director of Nursing at Southfield Hospital said: ", _NURSE_QUOTE, ("footnote", 2, "\u2020"),
         " Wards agreed."],
    ], footnotes={1: LETTER, 2: _EMAIL}, custom={1: "*", 2: "\u2020"})
    (doc,) = api.extract([path])
    assert [(t.speaker, t.source_ref, [e.text for e in t.source_entries]) for t in doc.testimonials] == [
        ("The Chief Executive of Northfield NHS Trust", "*", [LETTER]),
        ("The Director of Nursing at Southfield Hospital", "\u2020", [_EMAIL])]


def test_a_custom_mark_after_an_entity_in_the_paragraph_still_names_its_note(tmp_path, rules_pipeline):
    """The store reads a paragraph with its entities decoded (``&amp;`` typed as text reads ``&``), which moves
    what follows: each reference's place moves with it, so each testimonial is still linked to its own note."""
    path = write_noted_docx(tmp_path / "entity.docx", [
        ["The Chief Executive of Northfield &amp; Eastfield NHS Trust wrote: ", QUOTE, ("footnote", 1, "*"),
         " Other trusts followed. The Director of Nursing at Southfield Hospital said: ", _NURSE_QUOTE,
         ("footnote", 2, "*")],
    ], footnotes={1: LETTER, 2: _EMAIL}, custom={1: "*", 2: "*"})
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        linked = store.segment_sources(told["seg_id"].tolist()).merge(told[["seg_id", "start"]], on="seg_id")
        assert list(linked.sort_values("start")["label"]) == ["footnote *", "footnote * (2)"]


def test_a_shared_mark_in_a_lead_of_its_own_paragraph_names_its_own_note(tmp_path, monkeypatch, nlp):
    """``Dr Jane Roe ... in 2013.[i]`` ends the first section; the second opens with ``In her letter of
    support,[i] she wrote:`` and the quotation follows in a paragraph of its own. The lead's ``[i]`` is the
    testimonial's marker: it is the second section's endnote (the letter), not the one referred to from the
    speaker's paragraph, though both read ``[i]``."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, nlp)
    path = write_noted_docx(tmp_path / "lead.docx", [
        ["Dr Jane Roe, Chief Nurse at Northfield, reviewed the programme in 2013.", ("endnote", 1)],
        ["In her letter of support,", ("endnote", 2), " she wrote:"],
        [QUOTE],
    ], endnotes={1: "Review of the programme, 2013.", 2: LETTER})
    set_numbering(path, {"endnote": {"numRestart": "eachSect"}}, {0: {}})
    with pytest.warns(Warning, match="the same mark stands for notes of different sections"):
        (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert t.speaker.startswith("Dr Jane Roe")
    assert t.source_ref == "[i]" and [(e.label, e.text) for e in t.source_entries] == [("endnote i (2)", LETTER)]
    with Store(tmp_path / "s.duckdb") as store:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        assert list(store.segment_sources(told["seg_id"].tolist())["label"]) == ["endnote i (2)"]
