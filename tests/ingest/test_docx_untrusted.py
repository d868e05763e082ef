"""DOCX documents are untrusted input: parts are unpacked under caps, document type declarations are refused, and
the text stored is the text Word shows (no hidden or moved-away text, nothing Word shows left out)."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest

from evalnlp.errors import InputError
from evalnlp.ingest import _documents
from evalnlp.ingest._documents import read_docx

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
         'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
         'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
         '+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
TRACKED = 'w:author="Ann" w:date="2024-01-01T00:00:00Z"'


def write(path: Path, body: str, prolog: str = PROLOG, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", prolog + f"<w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def p(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def texts(path: Path) -> dict[str, str]:
    return {passage.locator: passage.text for passage in read_docx(path)}


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_docx(path)
    return info.value


# ---- 1. decompression caps -----------------------------------------------------------------------------------

def test_a_part_that_unpacks_to_many_times_its_size_is_refused_naming_the_part_and_the_limit(tmp_path):
    bomb = write(tmp_path / "bomb.docx", p(r("Hello.")) + "<w:p/>" * (4 * 2**20 // 6))
    assert bomb.stat().st_size < 50_000
    err = refused(bomb)
    assert err.code == "E123"
    assert err.message.startswith("bomb.docx: the part 'word/document.xml' unpacks to more than 100 times")


def test_a_part_larger_than_the_cap_is_refused_also_beside_the_document(tmp_path, monkeypatch):
    monkeypatch.setattr(_documents, "DOCX_MAX_PART", 10_000)
    picture = bytes(range(256)) * 100  # 25,600 bytes that hardly compress
    big = write(tmp_path / "big.docx", p(r("Hello.")), extra={"word/media/image1.png": picture})
    err = refused(big)
    assert err.code == "E123" and "'word/media/image1.png'" in err.message
    assert "the 10,000 bytes allowed for one part of a Word document" in err.message
    monkeypatch.setattr(_documents, "DOCX_MAX_PART", 200 * 2**20)
    monkeypatch.setattr(_documents, "DOCX_MAX_TOTAL", 20_000)
    err = refused(big)
    assert err.code == "E123" and "allowed for all the parts of a Word document together" in err.message


def test_the_bytes_are_counted_as_they_unpack_not_taken_from_the_header(tmp_path, monkeypatch):
    """A header that understates a part's size does not let it through: the cap holds on the bytes read."""
    big = write(tmp_path / "lying.docx", p(r("x" * 30_000)))
    monkeypatch.setattr(_documents, "DOCX_MAX_PART", 20_000)
    real_infolist, real_open = zipfile.ZipFile.infolist, zipfile.ZipFile.open

    def understated(self):  # the sizes the reader is told (copies: the zip itself keeps the true ones)
        infos = [copy.copy(info) for info in real_infolist(self)]
        for info in infos:
            if info.filename == "word/document.xml":
                info.file_size = 100
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info, *a, **k: real_open(
        self, getattr(info, "filename", info), *a, **k))
    err = refused(big)
    assert err.code == "E123" and "'word/document.xml'" in err.message


def test_a_real_document_passes_the_caps(tmp_path):
    ok = write(tmp_path / "ok.docx", "".join(p(r(f"Paragraph {i} of an ordinary report.")) for i in range(2000)))
    assert len(texts(ok)) == 2000


# ---- 2. document type declarations ---------------------------------------------------------------------------

@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE w:document [<!ENTITY org "Northfield Trust">]>',
    '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    "<!DOCTYPE w:document>",
])
def test_a_document_type_declaration_is_refused_and_no_entity_expanded(tmp_path, doctype):
    f = write(tmp_path / "dtd.docx", p(r("Staff at &org; told us the mentoring changed everything.")),
              prolog='<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + doctype)
    err = refused(f)
    assert err.code == "E108"
    assert err.message.startswith("dtd.docx: the part 'word/document.xml' has a document type declaration")
    assert "which Word never writes" in err.message


def test_a_document_type_declaration_in_another_part_is_refused(tmp_path):
    f = write(tmp_path / "dtd.docx", p(r("Fine.")),
              extra={"word/footnotes.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'})
    err = refused(f)
    assert err.code == "E108" and "'word/footnotes.xml'" in err.message


# ---- 3. text Word does not show is not stored ----------------------------------------------------------------

def test_hidden_runs_are_not_read_but_a_hidden_paragraph_mark_hides_nothing(tmp_path):
    f = write(tmp_path / "hidden.docx",
              p(r("The course was useful."), r(" INTERNAL NOTE: do not quote.", "<w:rPr><w:vanish/></w:rPr>"),
                r(" Shown again.", '<w:rPr><w:vanish w:val="0"/></w:rPr>'))
              + '<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr>' + r("Mark hidden, text shown.") + "</w:p>")
    assert texts(f) == {"paragraph 1": "The course was useful. Shown again.",
                        "paragraph 2": "Mark hidden, text shown."}


def test_a_moved_sentence_is_read_at_its_new_place_only(tmp_path):
    f = write(tmp_path / "moved.docx", p(
        r("Start. "), f'<w:moveFrom w:id="1" {TRACKED}><w:r><w:t>This sentence was moved.</w:t></w:r></w:moveFrom>',
        r(" Middle. "), f'<w:moveTo w:id="2" {TRACKED}><w:r><w:t>This sentence was moved.</w:t></w:r></w:moveTo>',
        f'<w:ins w:id="3" {TRACKED}>' + r(" Added.") + "</w:ins>"))
    assert texts(f) == {"paragraph 1": "Start.  Middle. This sentence was moved. Added."}


def test_alternate_content_is_read_once_from_its_choice(tmp_path):
    f = write(tmp_path / "alt.docx", p(
        r("Tick: "), '<mc:AlternateContent><mc:Choice Requires="w14">' + r("YES") + "</mc:Choice><mc:Fallback>"
        + r("YES(old Word)") + "</mc:Fallback></mc:AlternateContent>")
        + '<mc:AlternateContent><mc:Choice Requires="w14">' + p(r("Block choice.")) + "</mc:Choice><mc:Fallback>"
        + p(r("Block fallback.")) + "</mc:Fallback></mc:AlternateContent>")
    assert texts(f) == {"paragraph 1": "Tick: YES", "paragraph 2": "Block choice."}


def test_tabs_and_breaks_of_deleted_runs_are_not_read(tmp_path):
    f = write(tmp_path / "del.docx", p(
        r("Alpha"), f'<w:del w:id="3" {TRACKED}><w:r><w:tab/><w:delText>gone</w:delText><w:br/></w:r></w:del>',
        r("beta")))
    assert texts(f) == {"paragraph 1": "Alphabeta"}


# ---- 4. text Word shows is not lost -------------------------------------------------------------------------

def cell(text: str) -> str:
    return "<w:tc>" + p(r(text)) + "</w:tc>"


def test_paragraphs_in_custom_xml_and_rows_and_cells_in_content_controls_are_read(tmp_path):
    f = write(tmp_path / "wrapped.docx",
              p(r("First paragraph.")) + '<w:customXml w:element="answer">' + p(r("Second, in custom XML."))
              + "</w:customXml>"
              + "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>" + cell("Row one.")
              + "<w:sdt><w:sdtPr/><w:sdtContent>" + cell("Cell in a control.") + "</w:sdtContent></w:sdt></w:tr>"
              + "<w:sdt><w:sdtContent><w:tr>" + cell("Row two, a repeating section.") + cell("Next.")
              + "</w:tr></w:sdtContent></w:sdt></w:tbl>")
    assert texts(f) == {"paragraph 1": "First paragraph.", "paragraph 2": "Second, in custom XML.",
                        "table 1 row 1 cell 1": "Row one.", "table 1 row 1 cell 2": "Cell in a control.",
                        "table 1 row 2 cell 1": "Row two, a repeating section.", "table 1 row 2 cell 2": "Next."}


def test_merged_cells_keep_their_grid_columns(tmp_path):
    span = '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' + p(r("Wide.")) + "</w:tc>"
    top = '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' + p(r("Tall.")) + "</w:tc>"
    under = "<w:tc><w:tcPr><w:vMerge/></w:tcPr>" + p() + "</w:tc>"
    f = write(tmp_path / "merged.docx", "<w:tbl><w:tr>" + span + top + "</w:tr><w:tr>" + cell("A.") + cell("B.")
              + under + "</w:tr></w:tbl>")
    assert texts(f) == {"table 1 row 1 cell 1": "Wide.", "table 1 row 1 cell 3": "Tall.",
                        "table 1 row 2 cell 1": "A.", "table 1 row 2 cell 2": "B."}


def test_page_and_column_breaks_keep_words_apart(tmp_path):
    f = write(tmp_path / "breaks.docx", p(r("the end of page one"), '<w:r><w:br w:type="page"/></w:r>',
                                          r("start of page two"), '<w:r><w:br w:type="column"/></w:r>', r("next")))
    assert texts(f) == {"paragraph 1": "the end of page one\nstart of page two\nnext"}


def test_symbols_and_equations_are_read(tmp_path):
    f = write(tmp_path / "sym.docx", p(
        r("Scores rose "), '<w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r>', r(" 10%, "),
        '<w:r><w:sym w:font="Arial" w:char="2265"/></w:r>', r(" where "),
        "<m:oMath><m:r><m:t>n=</m:t></m:r><m:r><m:t>42</m:t></m:r></m:oMath>", r(" pupils took part.")))
    assert texts(f) == {"paragraph 1": "Scores rose \ufffd 10%, \u2265 where n=42 pupils took part."}
