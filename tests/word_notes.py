"""Word documents with footnotes and endnotes, written as Word writes them, for the tests that read them."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: a piece of a paragraph: text, or a note reference ``("footnote", id)`` / ``("endnote", id)``, or one with a
#: custom mark ``("footnote", id, "*")``
Piece = "str | tuple"


def _notes_part(kind: str, notes: dict[int, str], custom: dict[int, str]) -> bytes:
    """A footnotes or endnotes part as Word writes it: the two separators, then each note opening with its mark
    (Word's ``w:footnoteRef``, or the custom mark typed) and a space."""
    body = [f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f'</w:{kind}>']
    for nid, text in notes.items():
        mark = (f"<w:t>{escape(custom[nid])}</w:t>" if nid in custom else f"<w:{kind}Ref/>")
        paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
                             for line in text.split("\n")[1:])
        first = text.split("\n")[0]
        body.append(f'<w:{kind} w:id="{nid}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>{mark}</w:r>'
                    f'<w:r><w:t xml:space="preserve"> {escape(first)}</w:t></w:r></w:p>{paragraphs}</w:{kind}>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{W}">'
            + "".join(body) + f"</w:{kind}s>").encode("utf-8")


def _fill(paragraph, pieces: Sequence) -> None:
    from docx.oxml import parse_xml

    for piece in [pieces] if isinstance(pieces, str) else pieces:
        if isinstance(piece, str):
            paragraph.add_run(piece)
            continue
        kind, nid, *custom = piece
        run = paragraph.add_run()
        follows = ' w:customMarkFollows="1"' if custom else ""
        run._r.append(parse_xml(f'<w:{kind}Reference xmlns:w="{W}"{follows} w:id="{nid}"/>'))
        if custom:
            run._r.append(parse_xml(f'<w:t xmlns:w="{W}">{escape(custom[0])}</w:t>'))


def write_noted_docx(path: Path, blocks: Sequence, footnotes: dict[int, str] | None = None,
                     endnotes: dict[int, str] | None = None, custom: dict[int, str] | None = None,
                     header: str | None = None) -> Path:
    """A Word document written with python-docx: each block a paragraph (a string, or a list of pieces, see
    :data:`Piece`) or a table (``("table", [[cell pieces, ...], ...])``); the notes' parts added as Word adds
    them (a part related to the main document part); ``custom`` gives notes' custom marks by id."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    for block in blocks:
        if isinstance(block, tuple) and block[0] == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    _fill(table.cell(r, c).paragraphs[0], cell)
        else:
            _fill(document.add_paragraph(), block)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for kind, notes, content_type, rel in (("footnote", footnotes, CT.WML_FOOTNOTES, RT.FOOTNOTES),
                                           ("endnote", endnotes, CT.WML_ENDNOTES, RT.ENDNOTES)):
        if notes:
            part = Part(PackURI(f"/word/{kind}s.xml"), content_type, _notes_part(kind, notes, custom or {}),
                        document.part.package)
            document.part.relate_to(part, rel)
    document.save(path)
    return path
