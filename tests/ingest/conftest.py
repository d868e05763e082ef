"""Fixtures that write real (and deliberately broken) input files into ``tmp_path``."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def minimal_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF written by hand: one Helvetica text line per string, one page per list (an empty list
    makes a page without text)."""
    n = len(pages)
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: ("<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
            + f"] /Count {n} >>").encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for i, lines in enumerate(pages):
        ops = "".join(f"{_pdf_string(line)} Tj T* " for line in lines)
        content = f"BT /F1 12 Tf 14 TL 72 720 Td {ops}ET".encode("cp1252")
        objects[4 + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                              f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>").encode()
        objects[5 + 2 * i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


@pytest.fixture
def write_pdf(tmp_path: Path) -> Callable[..., Path]:
    """``write_pdf(pages, name="doc.pdf", user_password=None, owner_password=None)`` -> path."""

    def write(pages: Sequence[Sequence[str]], name: str = "doc.pdf", *, user_password: str | None = None,
              owner_password: str | None = None) -> Path:
        data = minimal_pdf(pages)
        if user_password is not None:
            from pypdf import PdfReader, PdfWriter

            writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
            writer.encrypt(user_password, owner_password, algorithm="RC4-128")
            buf = io.BytesIO()
            writer.write(buf)
            data = buf.getvalue()
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def _write_xlsx(folder: Path, sheets: dict[str, Sequence[Sequence[Any]]], name: str) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    path = folder / name
    wb.save(path)
    return path


def _write_docx(folder: Path, blocks: Sequence[str | Sequence[Sequence[str]]], name: str) -> Path:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            rows = [list(r) for r in block]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    path = folder / name
    document.save(path)
    return path


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``write_xlsx({"Sheet": [[header...], [row...], ...]}, name="book.xlsx")`` -> path."""

    def write(sheets: dict[str, Sequence[Sequence[Any]]], name: str = "book.xlsx") -> Path:
        return _write_xlsx(tmp_path, sheets, name)

    return write


@pytest.fixture
def write_docx(tmp_path: Path) -> Callable[..., Path]:
    """``write_docx([str | list[list[str]], ...], name="doc.docx")``: strings become paragraphs, lists of rows
    become tables, in that order."""

    def write(blocks: Sequence[str | Sequence[Sequence[str]]], name: str = "doc.docx") -> Path:
        return _write_docx(tmp_path, blocks, name)

    return write


def _zip_with(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Broken or odd files by name, each paired in the tests with the error code it must raise (written once
    per module; readers never modify their input)."""
    tmp_path = tmp_path_factory.mktemp("bad")
    files: dict[str, bytes] = {
        "empty.csv": b"",
        "blank.csv": b"  \r\n\t\n\n",
        "blank.txt": b"\n   \n",
        "bom_only.csv": b"\xef\xbb\xbf \n",
        "empty.xlsx": b"",
        "empty.pdf": b"",
        "blank.pdf": b"\n \n",
        "blank.xlsx": b"   ",
        "blank.parquet": b"\r\n",
        "blank.json": b" \n\t",
        "blank.docx": b"  \n",
        "header_only.csv": b"id,text\r\n",
        "header_only_blank_lines.csv": b"id,text\n\n\n",
        "binary.csv": b"id,text\n1,\x00\x13\x00\x87binary",
        "binary.txt": b"hello\x00world\xff\xfe",
        "binary.jsonl": b'{"a": 1}\n\x00\x00\x00\x01',
        "undecodable.csv": b"id,text\n1,caf\xe9 \x81\x8d\n",
        "undecodable.md": b"# Title\n\nA \x90 paragraph\n",
        "mixed.csv": "id,text\n1,café\n".encode("utf-8") + b"2,caf\xe9\n",
        "bom_then_latin1.csv": b"\xef\xbb\xbfid,text\n1,caf\xe9\n",
        "not_zip.xlsx": b"id,text\n1,hello\n",
        "bad_zip.xlsx": b"PK\x03\x04" + b"\x00garbage" * 20,
        "wrong_zip.xlsx": _zip_with({"hello.txt": b"not a workbook"}),
        "ole.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "not_zip.docx": b"This is text, not a Word document.\n",
        "bad_zip.docx": b"PK\x03\x04" + b"\x01junk" * 40,
        "wrong_zip.docx": _zip_with({"[Content_Types].xml": b"<oops"}),
        "not_pdf.pdf": b"Just some text pretending to be a PDF\n",
        "truncated.pdf": minimal_pdf([["Hello"]])[:60],
        "malformed.json": b'[\n  {"id": 1, "text": "ok"},\n  {"id": 2 "text": "missing comma"}\n]\n',
        "trailing.json": b'[{"id": 1}] {"id": 2}',
        "unclosed.json": b'[{"id": 1}, {"id": 2}',
        "scalar.json": b'"just a string"',
        "numbers.json": b"[1, 2, 3]",
        "mixed_array.json": b'[{"a": 1}, "b"]',
        "object_no_array.json": b'{"a": 1, "b": {"c": 2}}',
        "object_two_arrays.json": b'{"a": [{"x": 1}], "b": [{"y": 2}]}',
        "empty_array.json": b"[ ]",
        "object_empty_array.json": b'{"rows": []}',
        "all_bad.jsonl": b"not json\nnor this\n",
        "all_arrays.jsonl": b"[1]\n[2]\n",
        "bad.parquet": b"PAR1" + b"\x00" * 64 + b"PAR1",
        "text.parquet": b"id,text\n1,hello\n",
        "notes.rtf": b"{\\rtf1 hello}",
        "noext": b"hello",
    }
    paths = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    paths["header_only.xlsx"] = _write_xlsx(tmp_path, {"Data": [["id", "text"]]}, "header_only.xlsx")
    paths["empty_sheet.xlsx"] = _write_xlsx(tmp_path, {"Data": []}, "empty_sheet.xlsx")
    paths["no_text.docx"] = _write_docx(tmp_path, ["", "   "], "no_text.docx")
    for name, good in (("truncated.xlsx", _write_xlsx(tmp_path, {"S": [["a"], ["b"]]}, "good.xlsx")),
                       ("truncated.docx", _write_docx(tmp_path, ["hello"], "good.docx"))):
        data = good.read_bytes()
        paths[name] = tmp_path / name
        paths[name].write_bytes(data[: len(data) // 2])
    return paths


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    """Both narrative pipelines, a test module at a time: the rule path over ``spacy.blank`` and the parsed one.
    A module that needs another choice defines its own ``nlp``."""
    from evalnlp.ingest import narrative

    return narrative.load_pipeline(prefer_model=request.param)
