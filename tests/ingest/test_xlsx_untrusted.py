"""XLSX workbooks built by hand the way a hostile or damaged file could be: a document type declaration, a part
that unpacks far past its packed size, a cell pointing at a shared string that does not exist. Each is refused
with E107, naming the file and the part, before anything is stored."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from evalnlp.errors import InputError
from evalnlp.ingest import _xlsx
from evalnlp.ingest.readers import open_tabular

NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
           'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           'Target="sharedStrings.xml"/></Relationships>')
SHARED = (f'<?xml version="1.0"?><sst {NS}><si><t>remark</t></si><si><t>The garden club met on Tuesdays.</t></si>'
          '<si><t>Parking was hard to find.</t></si></sst>')


def _sheet(rows: str, prolog: str = '<?xml version="1.0"?>') -> str:
    return f"{prolog}<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"


def _book(path: Path, sheet: str, shared: str | bytes = SHARED, extra: dict[str, bytes] | None = None,
          sheet_part: str = "worksheets/sheet1.xml") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT.replace("/xl/worksheets/sheet1.xml", "/xl/" + sheet_part))
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS}><sheets>'
                                      '<sheet name="Notes" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS.replace("worksheets/sheet1.xml", sheet_part))
        z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/" + sheet_part, sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _rows(path: Path) -> list[list]:
    source = open_tabular(path)
    return [row for batch in source.batches() for row in batch.frame.itertuples(index=False)]


GOOD_ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
             '<row r="3"><c r="A3" t="s"><v>2</v></c></row>')


def test_a_hand_built_workbook_reads(tmp_path):
    assert [r[0] for r in _rows(_book(tmp_path / "ok.xlsx", _sheet(GOOD_ROWS)))] == [
        "The garden club met on Tuesdays.", "Parking was hard to find."]


ENTITY_ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>remark</t></is></c></row>'
               '<row r="2"><c r="A2" t="inlineStr"><is><t>the hall &x; was cold</t></is></c></row>')


@pytest.mark.parametrize("where", ["sheet", "shared", "other"])
def test_a_part_with_a_document_type_declaration_is_refused_without_defusedxml(tmp_path, monkeypatch, where):
    """Refused by evalnlp itself, whether or not defusedxml (which makes openpyxl refuse it) is installed."""
    monkeypatch.setitem(sys.modules, "defusedxml", None)
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x "SMUGGLED TEXT">]>'
    if where == "sheet":
        book = _book(tmp_path / "ent.xlsx", _sheet(ENTITY_ROWS, prolog=doctype))
        part = "xl/worksheets/sheet1.xml"
    elif where == "shared":
        book = _book(tmp_path / "ent.xlsx", _sheet(GOOD_ROWS), shared=SHARED.replace('<?xml version="1.0"?>', doctype))
        part = "xl/sharedStrings.xml"
    else:  # a part openpyxl reads too, declared after a comment and in UTF-16
        book = _book(tmp_path / "ent.xlsx", _sheet(GOOD_ROWS), extra={"docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-16"?><!-- made by hand --><!DOCTYPE cp [<!ENTITY a "b">]><cp/>'
        ).encode("utf-16")})
        part = "docProps/core.xml"
    with pytest.raises(InputError) as info:
        _rows(book)
    message = str(info.value)
    assert info.value.code == "E107" and message.startswith("[E107] ent.xlsx: ")
    assert repr(part) in message and "a document type declaration" in message and "which Excel never writes" in message
    assert str(tmp_path) not in message and "SMUGGLED" not in message


def test_a_sheet_stored_under_another_name_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "defusedxml", None)
    book = _book(tmp_path / "odd.xlsx", _sheet(ENTITY_ROWS, prolog='<!DOCTYPE x [<!ENTITY x "SMUGGLED">]>'),
                 sheet_part="media/picture.svg")
    with pytest.raises(InputError) as info:
        _rows(book)
    assert "its part 'xl/media/picture.svg' has a document type declaration" in str(info.value)


def test_a_picture_with_a_doctype_does_not_refuse_the_workbook(tmp_path):
    """An SVG picture often declares its DTD; pictures are never parsed, so it does not matter."""
    svg = ('<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            'Target="../media/image1.svg"/></Relationships>')
    book = _book(tmp_path / "pic.xlsx", _sheet(GOOD_ROWS), extra={"xl/media/image1.svg": svg.encode(),
                                                                  "xl/drawings/_rels/drawing1.xml.rels": rels.encode()})
    assert len(_rows(book)) == 2


def test_a_part_without_an_element_near_its_start_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_xlsx, "MAX_HEAD", 64 * 1024)
    book = _book(tmp_path / "long.xlsx", _sheet(GOOD_ROWS, prolog='<?xml version="1.0"?>' + "<!-- pad -->" * 20_000))
    with pytest.raises(InputError) as info:
        _rows(book)
    assert info.value.code == "E107" and "'xl/worksheets/sheet1.xml' has no XML element in its first" in str(info.value)


def test_a_part_that_unpacks_far_past_its_packed_size_is_refused(tmp_path):
    shared = (f'<?xml version="1.0"?><sst {NS}><si><t>remark</t></si><si><t>hello</t></si>'
              + "<si><t>a</t></si>" * (3 * 2**20 // 17) + "</sst>")
    book = _book(tmp_path / "bomb.xlsx", _sheet(GOOD_ROWS.replace('<v>2</v>', '<v>1</v>')), shared=shared)
    with pytest.raises(InputError) as info:
        _rows(book)
    message = str(info.value)
    assert info.value.code == "E107" and message.startswith("[E107] bomb.xlsx: ")
    assert "'xl/sharedStrings.xml'" in message and "200 times its packed size" in message


def test_a_part_past_the_size_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_xlsx, "MAX_PART", 2000)
    book = _book(tmp_path / "big.xlsx", _sheet(GOOD_ROWS * 20))
    with pytest.raises(InputError) as info:
        _rows(book)
    assert info.value.code == "E107" and "'xl/worksheets/sheet1.xml'" in str(info.value)
    assert "the 2,000 bytes allowed for one part" in str(info.value)


@pytest.mark.parametrize("index", ["3", "99", "-1", "-3"])
def test_a_cell_pointing_past_the_shared_strings_is_refused_and_never_takes_another(tmp_path, index):
    book = _book(tmp_path / "idx.xlsx", _sheet(GOOD_ROWS.replace("<v>2</v>", f"<v>{index}</v>")))
    with pytest.raises(InputError) as info:
        _rows(book)
    assert info.value.code == "E107"
    assert f"a cell refers to shared string {index}, but the workbook has 3" in str(info.value)


def test_a_cell_pointing_past_the_shared_strings_stores_nothing(cli, db_path, tmp_path):
    book = _book(tmp_path / "idx.xlsx", _sheet(GOOD_ROWS.replace("<v>2</v>", "<v>-1</v>")))
    result = cli("ingest", str(book), "--text", "remark")
    assert result.exit_code == 1 and "[E107]" in result.stderr and "Traceback" not in result.stderr
    import duckdb

    if db_path.exists():
        with duckdb.connect(str(db_path), read_only=True) as con:
            assert con.execute("select count(*) from documents").fetchone()[0] == 0
