"""REFI-QDA codebooks (.qdc) to evalnlp YAML codebooks: valid, with labels, definitions and hierarchy."""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.codebook import load_codebook, validate_codebook
from evalnlp.errors import CodebookError

# Example 1 of the REFI-QDA 1.5 specification (Annex A.1), as written there
SPEC_EXAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" xmlns:qda="urn:QDA-XML:codebook:1.0"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="urn:QDA-XML:codebook:1.0 http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd">
<Codes>
<Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Topics" isCodable="false">
</Code>
<Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Economy" isCodable="true" color="#ffff00">
<Description>Anything about jobs or taxes or business</Description>
</Code> <Code guid="{0dcef2f5-e55c-49da-8c33-9b0803c7aeb4}" name="Health care" isCodable="true" color="#33cc33">
<Description>Health care issues, doctor, patients, etc.</Description>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="false">
</Code>
<Code guid="{7c108712-b650-4892-ac0b-fc9a10190c3b}" name="Conservatives" isCodable="true" color="#ff0000">
<Description>Republicans or right-wing libertarians</Description>
</Code>
<Code guid="{12365523-1035-4afa-9e7b-281fe0bc51c5}" name="Liberals"  isCodable="true" color="#0000ff">
<Description>Democrats, socialists, or progressive independents</Description>
</Code>
</Codes>
</CodeBook>
"""

NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">
 <Codes>
  <Code guid="11111111-1111-4111-8111-111111111111" name="Staff" isCodable="true">
   <Description>Anything about staff.</Description>
   <Code guid="22222222-2222-4222-8222-222222222222" name="Other" isCodable="true"/>
   <Code guid="33333333-3333-4333-8333-333333333333" name="Attitude" isCodable="true">
    <Code guid="44444444-4444-4444-8444-444444444444" name="Kind" isCodable="true"/>
   </Code>
  </Code>
  <Code guid="55555555-5555-4555-8555-555555555555" name="Folder" isCodable="false">
   <Code guid="66666666-6666-4666-8666-666666666666" name="Other" isCodable="true"/>
  </Code>
 </Codes>
</CodeBook>
"""


def test_the_specifications_example_becomes_a_valid_codebook(tmp_path):
    qdc = tmp_path / "Political codes.qdc"
    qdc.write_text(SPEC_EXAMPLE, encoding="utf-8")
    out = tmp_path / "political.yaml"
    result = api.codebook_import(qdc, out)
    cb = validate_codebook(out)
    assert cb.id == result.codebook.id == "political_codes" and cb.sha256 == result.codebook.sha256
    assert [(t.id, t.label) for t in cb.themes] == [("economy", "Economy"), ("health_care", "Health care"),
                                                    ("conservatives", "Conservatives"), ("liberals", "Liberals")]
    assert cb.get("economy").definition == "Anything about jobs or taxes or business"
    assert any("Topics" in n and "Values" in n for n in result.notes)  # folders are not themes


def test_hierarchy_and_repeated_names(tmp_path):
    qdc = tmp_path / "staff.qdc"
    qdc.write_text(NESTED, encoding="utf-8")
    result = api.codebook_import(qdc, tmp_path / "staff.yaml", id="staff_codes")
    cb = load_codebook(tmp_path / "staff.yaml")
    by_label = {t.label: t for t in cb.themes}
    assert cb.id == "staff_codes"
    assert set(by_label) == {"Staff", "Other", "Attitude", "Kind", "Folder / Other"}
    assert by_label["Kind"].parent == by_label["Attitude"].id and by_label["Attitude"].parent == "staff"
    assert by_label["Folder / Other"].parent is None  # its folder is not a theme
    assert len({t.id for t in cb.themes}) == 5
    assert any("no description" in n for n in result.notes)
    assert by_label["Kind"].definition == "Kind"


def _two_codes(path, first: str, second: str):
    """A .qdc file of two codable codes, each with the attributes given (its name, a colour...)."""
    path.write_text('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x">'
                    f'<Codes><Code guid="a1b2c3d4-0000-4000-8000-000000000001" {first} isCodable="true"/>'
                    f'<Code guid="a1b2c3d4-0000-4000-8000-000000000002" {second} isCodable="true"/>'
                    "</Codes></CodeBook>", encoding="utf-8")
    return path


def test_names_that_differ_only_in_unicode_form_are_told_apart(tmp_path):
    """Two codes named "Café", one with a composed é and one with e and a combining accent, look the same in a
    QDA program; the codebook matches names in one Unicode form, so the conversion failed (E218, naming a YAML
    file it never wrote). The second is now qualified, as a repeated name is."""
    qdc = _two_codes(tmp_path / "cafe.qdc", 'name="Caf\u00e9"', 'name="Cafe\u0301"')
    api.codebook_import(qdc, tmp_path / "cafe.yaml", id="cafe")
    cb = load_codebook(tmp_path / "cafe.yaml")
    assert [t.label for t in cb.themes] == ["Caf\u00e9", "Cafe\u0301 (" + cb.themes[1].id + ")"]


def test_a_codes_colour_goes_into_the_codebook_and_back_out(tmp_path):
    """Code colours a QDA program set were dropped on the way through evalnlp (every code came back in the
    default palette); a theme now keeps its code's colour (``color: '#00FF00'``), and the export writes it."""
    qdc = _two_codes(tmp_path / "c.qdc", 'name="Green" color="#00ff00"', 'name="Plain"')
    api.codebook_import(qdc, tmp_path / "c.yaml", id="colours")
    cb = load_codebook(tmp_path / "c.yaml")
    assert [t.color for t in cb.themes] == ["#00FF00", None]
    api.export(None, tmp_path / "back.qdc", codebook=tmp_path / "c.yaml")
    written = (tmp_path / "back.qdc").read_text(encoding="utf-8")
    assert 'name="Green" isCodable="true" color="#00FF00"' in written
    bad = (tmp_path / "c.yaml").read_text(encoding="utf-8").replace("'#00FF00'", "green")
    assert "green" in bad
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path / "bad.yaml")
    assert "#RRGGBB" in str(err.value)


def test_evalnlp_codebooks_come_back(tmp_path):
    """impact -> .qdc -> YAML keeps ids, labels, definitions and include/exclude notes."""
    qdc = tmp_path / "impact.qdc"
    api.export(None, qdc, codebook="impact")
    api.codebook_import(qdc, tmp_path / "back.yaml")
    back, impact = load_codebook(tmp_path / "back.yaml"), load_codebook("impact")
    assert [(t.id, t.label, t.definition, t.include, t.exclude) for t in back.themes] == [
        (t.id, t.label, t.definition, t.include, t.exclude) for t in impact.themes]


def test_a_users_codebook_comes_back_with_its_ids_and_hierarchy(tmp_path):
    """A user's codebook -> .qdc -> YAML came back as codebook 'hs' (the file's name) with every theme id made
    from its label ('knowledge' as 'knowledge_and_understanding'), so files of codes and models written with the
    ids no longer matched it. The ids now come back wherever they are words of the label, and the import says
    which could not."""
    own = tmp_path / "own.yaml"
    own.write_text("""id: healthy_steps
themes:
  - id: knowledge
    label: Knowledge and understanding
    definition: Understands the condition better.
    include: Reading food labels.
    exclude: Doing something new (behaviour_change).
  - id: behaviour_change
    label: Behaviour change
    definition: Does something differently.
  - id: diet
    label: Diet and eating
    definition: Eats differently.
    parent: behaviour_change
  - id: peers
    label: Support from others
    definition: Others with the condition helped.
""", encoding="utf-8")
    qdc = tmp_path / "hs.qdc"
    api.export(None, qdc, codebook=own)
    with pytest.warns(Warning, match="1 theme id"):
        done = api.codebook_import(qdc, tmp_path / "back.yaml")
    back, before = load_codebook(tmp_path / "back.yaml"), load_codebook(own)
    assert back.id == "healthy_steps"
    assert [(t.id, t.label, t.definition, t.include, t.exclude, t.parent) for t in back.themes][:3] == [
        (t.id, t.label, t.definition, t.include, t.exclude, t.parent) for t in before.themes][:3]
    assert back.themes[3].id == "support_from_others" and back.themes[3].label == "Support from others"
    assert any("'Support from others' -> support_from_others" in str(n) for n in done.notes), done.notes
    # a .qdc another program wrote keeps its name-made ids and the file's name as the codebook's id
    (tmp_path / "theirs.qdc").write_text(qdc.read_text(encoding="utf-8").replace('origin="evalnlp', 'origin="NVivo'),
                                         encoding="utf-8")
    api.codebook_import(tmp_path / "theirs.qdc", tmp_path / "theirs.yaml")
    theirs = load_codebook(tmp_path / "theirs.yaml")
    assert theirs.id == "theirs" and theirs.theme_ids[0] == "knowledge_and_understanding"


def test_a_codebook_from_a_project(tmp_path, foreign):
    api.codebook_import(foreign.path, tmp_path / "from_project.yaml")
    cb = load_codebook(tmp_path / "from_project.yaml")
    assert {t.label for t in cb.themes} == {"happiness", "disgust", "Breakfast food", "Coke::diet Coke"}


def test_no_codable_codes_is_an_error(tmp_path):
    qdc = tmp_path / "folders.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-1111-4111-8111-'
                   '111111111111" name="Folder" isCodable="false"/></Codes></CodeBook>', encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        api.codebook_import(qdc, tmp_path / "other_name.yaml")
    assert err.value.code == "E242"
    assert err.value.message.startswith("folders.qdc has no codes that can be coded")  # the file read, not written
    assert "other_name" not in err.value.message
    assert not (tmp_path / "other_name.yaml").exists()


def test_bad_ids_and_outputs(tmp_path):
    from evalnlp.errors import InputError

    qdc = tmp_path / "a.qdc"
    qdc.write_text(SPEC_EXAMPLE, encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        api.codebook_import(qdc, tmp_path / "x.yaml", id="Not An Id")
    assert err.value.code == "E206"
    with pytest.raises(InputError) as err:
        api.codebook_import(qdc, tmp_path / "x.json")
    assert err.value.code == "E161" and "end in .yaml or .yml" in err.value.message
    with pytest.raises(InputError) as err:
        api.codebook_import(qdc, tmp_path / "nowhere" / "x.yaml")
    assert err.value.code == "E162" and "does not exist" in err.value.message
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(InputError) as err:
        api.codebook_import(qdc, tmp_path / "folder.yaml")
    assert err.value.code == "E162" and "it is a folder" in err.value.message
    with pytest.raises(InputError) as err:
        api.codebook_import(tmp_path / "missing.qdc", tmp_path / "x.yaml")
    assert err.value.code == "E121"
    html = tmp_path / "page.html"
    html.write_text(SPEC_EXAMPLE, encoding="utf-8")  # read by its name: not a codebook, whatever it holds
    with pytest.raises(InputError) as err:
        api.codebook_import(html, tmp_path / "x.yaml")
    assert err.value.code == "E120" and "page.html" in err.value.message


def test_codes_of_one_name_under_two_parents_keep_their_own_themes_back():
    """A .qdc with "Staff" under both "Positive" and "Negative" becomes themes ``staff`` ("Staff") and
    ``staff_2`` ("Negative / Staff"); a project coded with those codes put the Negative ones on ``staff`` too
    (the bare name matched first), so criticism was counted as praise."""
    from evalnlp.qda._codebook import codes_to_codebook, map_codes
    from evalnlp.qda._read import Code

    codes = {g: c for g, c in (
        ("p", Code("p", "Positive", None, False, None)), ("n", Code("n", "Negative", None, False, None)),
        ("ps", Code("ps", "Staff", None, True, "p")), ("ns", Code("ns", "Staff", None, True, "n")))}
    made = codes_to_codebook(codes, cb_id="posneg", title="t", description="d", source="posneg.yaml",
                             read_from="posneg.qdc")
    labels = {t.id: t.label for t in made.codebook.themes}
    assert labels == {"staff": "Staff", "staff_2": "Negative / Staff"}
    assert map_codes(codes, {"ps", "ns"}, made.codebook).themes == {"ps": "staff", "ns": "staff_2"}


def test_two_codes_of_one_guid_are_refused_not_one_dropped(tmp_path):
    """A hand-merged .qdc gave "Networks" the GUID of "Confidence": codebook import said ok with one theme."""
    qdc = tmp_path / "dup.qdc"
    qdc.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n <Codes>\n'
                   '  <Code guid="11111111-1111-4111-8111-111111111111" name="Confidence" isCodable="true"/>\n'
                   '  <Code guid="11111111-1111-4111-8111-111111111111" name="Networks" isCodable="true"/>\n'
                   ' </Codes>\n</CodeBook>\n', encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        api.codebook_import(qdc, tmp_path / "dup.yaml")
    assert err.value.code == "E243" and "'Confidence' and 'Networks'" in err.value.message
    assert not (tmp_path / "dup.yaml").exists()
