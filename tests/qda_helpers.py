"""Builders for the REFI-QDA tests (``from qda_helpers import ...``): the golden corpus, zips, and a project
written by hand in the shape other QDA programs export (after the examples in the REFI-QDA 1.5 specification)."""

from __future__ import annotations

import importlib.util
import zipfile
from dataclasses import dataclass
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = Path(__file__).parent / "qda" / "schemas"


def load_golden():
    spec = importlib.util.spec_from_file_location("qda_golden_corpus", GOLDEN / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


golden = load_golden()


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


# ---------------------------------------------------------------------------------------- a foreign project


USER_A = "AD68FBE7-E1EE-4A82-A279-23CC698C89EB"  # uppercase, as ATLAS.ti writes them
USER_B = "{A5DE7584-8296-418B-A322-136F77ADF87B}"  # with braces
USER_B_REF = "a5de7584-8296-418b-a322-136f77adf87b"  # referred to in lowercase without braces

CODEBOOK_YAML = """\
id: breakfast
title: Breakfast
themes:
  - id: food
    label: Breakfast food
    definition: Foods eaten at breakfast.
  - id: diet_coke
    label: Diet Coke
    definition: Diet cola drinks.
    parent: food
  - id: feeling_happy
    label: Feeling happy
    definition: Passages about being happy.
    aliases: [HAPPINESS]
"""

# Windows line ends and a character outside the Basic Multilingual Plane: positions count code points
MABEL = "Interview with Mabel\r\nI have Coke \U0001F600 for breakfast every day.\r\nIt makes me happy, honestly.\r\n"
NOTE = "Short note: the diet coke was great."
RECIPE = "Recipe page one.\nGranola with milk and honey.\n"


def _span(text: str, piece: str, crlf_as_one: bool = False) -> tuple[int, int]:
    """Where ``piece`` is in ``text``, in code points; with ``crlf_as_one`` each CR LF counts as one character,
    as ATLAS.ti and MAXQDA count them."""
    if crlf_as_one:
        text = text.replace("\r\n", "\n")
    start = text.index(piece)
    return start, start + len(piece)


@dataclass
class Foreign:
    path: Path
    codebook: Path
    expected_segments: dict[str, set[str]]  # document source -> passage texts
    expected_codes: set[tuple[str, str, str]]  # (passage text, theme, coder)


def foreign_project_xml(extra_coding: str = "", origin: str = "ATLAS.ti 9.1", crlf_as_one: bool = True,
                        name: str = "Coke for breakfast") -> str:
    """The project, written by ``origin``; positions in Mabel's text (which has CR LF line ends) count each
    CR LF as one character when ``crlf_as_one`` (as ATLAS.ti does), as two otherwise (as the specification
    says). ``name`` is the first selection's name."""
    c1, c2 = _span(MABEL, "Coke \U0001F600 for breakfast", crlf_as_one)
    h1, h2 = _span(MABEL, "It makes me happy", crlf_as_one)
    n1, n2 = _span(MABEL, "happy", crlf_as_one)
    d1, d2 = _span(NOTE, "diet coke")
    g1, g2 = _span(RECIPE, "Granola with milk")
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  origin="{origin}" name="Breakfast study" creatingUserGUID="{USER_A}"
  creationDateTime="2021-03-27T17:46:39Z" basePath="C:/Users/someone/Exports">
 <Users>
  <User guid="{USER_A}" name="Friedrich Markgraf"/>
  <User guid="{USER_B}" name="Sebastian Petrausch"/>
 </Users>
 <CodeBook>
  <Codes>
   <Code guid="{{5215CC69-B628-4E02-AFB9-9BEEAEE55808}}" name="Feelings" isCodable="false">
    <Code guid="85D17F60-7BB0-481E-B742-B4861DD669DF" name="happiness" isCodable="true" color="#F00082"/>
    <Code guid="D2C1E38E-5220-42FA-A442-908471CC7964" name="disgust" isCodable="true"/>
   </Code>
   <Code guid="E3AABCC1-84E7-48D4-B059-50FF914ED1E2" name="Breakfast food" isCodable="true" color="#46AA00">
    <Description>the foods people might eat for breakfast</Description>
    <Code guid="D299EFAE-5779-46DC-9827-A3D1A5D544BC" name="Coke::diet Coke" isCodable="true">
     <Description>non sucr\u00e9</Description>
    </Code>
   </Code>
  </Codes>
 </CodeBook>
 <Variables>
  <Variable guid="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F01" name="Gender" typeOfVariable="Text"/>
  <Variable guid="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F02" name="Age" typeOfVariable="Integer"/>
 </Variables>
 <Cases>
  <Case guid="7C0F1E2D-3A4B-4C5D-8E6F-708192A3B4C5" name="Mabel">
   <VariableValue><VariableRef targetGUID="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F02"/><IntegerValue>99</IntegerValue></VariableValue>
   <SourceRef targetGUID="17FB9CB8-7858-4291-A162-65424B9942EC"/>
  </Case>
 </Cases>
 <Sources>
  <TextSource guid="17FB9CB8-7858-4291-A162-65424B9942EC" name="Mabel.docx"
    richTextPath="internal://9CA38EEA-26FC-4D67-BB7F-45D097991D86.docx"
    plainTextPath="internal://88293C71-CB70-4AB7-8413-C24110A19C2E.txt" creatingUser="{USER_A}">
   <PlainTextSelection guid="4191294A-E287-4510-95B0-69BCE4638E56" name="{name}"
     startPosition="{c1}" endPosition="{c2}" creatingUser="{USER_A}">
    <Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="{USER_A}">
     <CodeRef targetGUID="{{D299EFAE-5779-46DC-9827-A3D1A5D544BC}}"/>
    </Coding>
    <Coding guid="445A6AEC-1400-4502-919D-0867832FF212" creatingUser="{USER_A}">
     <CodeRef targetGUID="e3aabcc1-84e7-48d4-b059-50ff914ed1e2"/>
    </Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="B49D7982-BB8E-4335-80AF-DC869CCC3F45" startPosition="{h1}" endPosition="{h2}"
     creatingUser="{USER_B_REF}">
    <Description>Mabel is happy</Description>
    <Coding guid="2284BF5B-8F78-45B6-A6EF-A128D991408B">
     <CodeRef targetGUID="85D17F60-7BB0-481E-B742-B4861DD669DF"/>
    </Coding>
    <PlainTextSelection guid="2F24EA88-C6A7-482B-8F89-893EF66D7A21" startPosition="{n1}" endPosition="{n2}">
     <Coding guid="89B9918E-4209-4FE0-BEA0-0C7FF56D67A4">
      <CodeRef targetGUID="85D17F60-7BB0-481E-B742-B4861DD669DF"/>
     </Coding>
    </PlainTextSelection>
   </PlainTextSelection>
   {extra_coding}
   <VariableValue><VariableRef targetGUID="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F01"/><TextValue>female</TextValue></VariableValue>
   <VariableValue><VariableRef targetGUID="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F02"/><IntegerValue>34</IntegerValue></VariableValue>
  </TextSource>
  <TextSource guid="EC0A7242-65E1-457C-B7D1-310DAE603FAB" name="Note.txt" creatingUser="{USER_A}">
   <PlainTextContent>{NOTE}</PlainTextContent>
   <PlainTextSelection guid="63E009F1-5C33-4568-B65D-53A7E28BDBC1" startPosition="{d1}" endPosition="{d2}">
    <Coding guid="9AD860A5-3D53-4BDE-B5EE-A8FC613C1652" creatingUser="{USER_A}">
     <CodeRef targetGUID="D299EFAE-5779-46DC-9827-A3D1A5D544BC"/>
    </Coding>
   </PlainTextSelection>
   <Coding guid="61C727FB-E8CD-442D-B34E-D20F6B843407" creatingUser="{USER_A}">
    <CodeRef targetGUID="E3AABCC1-84E7-48D4-B059-50FF914ED1E2"/>
   </Coding>
  </TextSource>
  <PictureSource guid="02255470-09E6-400B-9E20-97D71FBEC65D" name="cornflakes.jpg"
    path="internal://87EAD86F-3112-4537-8A01-01427CAE1C6D.jpg">
   <PictureSelection guid="7532038C-670E-471B-AA89-A1098E9A4E33" firstX="267" firstY="1" secondX="992" secondY="720">
    <Coding guid="8205358C-5489-4F75-A86D-C7A3DF1571CE"><CodeRef targetGUID="E3AABCC1-84E7-48D4-B059-50FF914ED1E2"/></Coding>
   </PictureSelection>
  </PictureSource>
  <PDFSource guid="2065D8AB-D724-40C9-B4E9-6EB8DAB73541" name="Kellogg.pdf"
    path="internal://3E029F7C-B699-47C2-AE9F-95F481693CAF.pdf" creatingUser="{USER_B}">
   <PDFSelection guid="95916796-D0A0-4B49-80B0-5A5C8B94AE13" page="0" firstX="18" firstY="45" secondX="577" secondY="234">
    <Representation guid="7CFEDFC8-A48D-4F27-B3E0-FF2E7D7B1CD7"><PlainTextContent>Granola with milk</PlainTextContent></Representation>
    <Coding guid="DA81AC20-2C10-45DE-9D95-1F87DF90D77D" creatingUser="{USER_B}">
     <CodeRef targetGUID="E3AABCC1-84E7-48D4-B059-50FF914ED1E2"/>
    </Coding>
   </PDFSelection>
   <PDFSelection guid="7C046D16-1B6D-4814-A260-3A7BD5FC6A51" name="Quotation 12:3" page="0" firstX="19" firstY="515"
     secondX="576" secondY="676">
    <Coding guid="D918B908-05D4-4DF6-B300-371298F05768"><CodeRef targetGUID="85D17F60-7BB0-481E-B742-B4861DD669DF"/></Coding>
   </PDFSelection>
   <Representation guid="142EB46D-612E-4593-A385-D0E5D04D1288" name="Representation_for_Kellogg.pdf"
     plainTextPath="internal://142EB46D-612E-4593-A385-D0E5D04D1288.txt">
    <PlainTextSelection guid="95916796-D0A0-4B49-80B0-5A5C8B94AE13" startPosition="{g1}" endPosition="{g2}"
      creatingUser="{USER_B}">
     <Coding guid="5C931701-6CD4-4A2B-A553-F1DDE2EAC46D" creatingUser="{USER_B}">
      <CodeRef targetGUID="E3AABCC1-84E7-48D4-B059-50FF914ED1E2"/>
     </Coding>
    </PlainTextSelection>
   </Representation>
  </PDFSource>
 </Sources>
 <Notes>
  <Note guid="CE15250D-46AD-42C2-B90F-A509B8D64EC8" name="Research Plan">
   <PlainTextContent>day to day log</PlainTextContent>
  </Note>
 </Notes>
 <Sets>
  <Set guid="C29B5DB8-2ED6-406B-BFD2-68E8E273C1E9" name="Mabel">
   <MemberSource targetGUID="17FB9CB8-7858-4291-A162-65424B9942EC"/>
  </Set>
 </Sets>
</Project>
"""


def foreign_members(xml: str) -> dict[str, bytes]:
    return {
        "project.qde": xml.encode("utf-8"),
        # the companion text's name differs in case from its reference, as in the specification's example
        "Sources/88293C71-CB70-4AB7-8413-C24110A19C2E.TXT": MABEL.encode("utf-8"),
        "Sources/9CA38EEA-26FC-4D67-BB7F-45D097991D86.DOCX": b"PK\x03\x04 not really a docx",
        "Sources/87EAD86F-3112-4537-8A01-01427CAE1C6D.JPG": b"\xff\xd8\xff\xe0 not really a jpeg",
        "Sources/3E029F7C-B699-47C2-AE9F-95F481693CAF.PDF": b"%PDF-1.4 not really a pdf",
        "Sources/142EB46D-612E-4593-A385-D0E5D04D1288.TXT": RECIPE.encode("utf-8"),
    }


