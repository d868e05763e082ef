"""Tests for evalnlp.codebook: shipped codebooks, loading, validation errors, round trip."""

from __future__ import annotations

import csv
import json
import hashlib
import re
import textwrap
from pathlib import Path

import pytest
from helpers import shared_data

from evalnlp.codebook import (
    Codebook,
    CodebookValidationError,
    codebook_to_yaml,
    keyword_tokens,
    list_codebooks,
    load_codebook,
    parse_codebook,
    validate_codebook,
)
from evalnlp.errors import CodebookError

IMPACT_IDS = [
    "engagement",
    "relationships",
    "service_improvement",
    "capability",
    "attitude_change",
    "practice_change",
    "policy_influence",
    "economic_value",
    "reach_uptake",
    "endorsement",
]
FFT_IDS = [
    "care_received",
    "staff",
    "couldnt_be_improved",
    "communication",
    "environment_facilities",
    "access",
    "miscellaneous",
    "transition_coordination",
    "dignity",
]
# The exact major labels of the phase-1 FFT data (text_data.csv, column `label`).
FFT_DATA_LABELS = {
    "Care received": "care_received",
    "Staff": "staff",
    "Couldn't be improved": "couldnt_be_improved",
    "Communication": "communication",
    "Environment/ facilities": "environment_facilities",
    "Access": "access",
    "Miscellaneous": "miscellaneous",
    "Transition/coordination": "transition_coordination",
    "Dignity": "dignity",
}
SHARED = shared_data() or Path("shared-data-not-found")
KEYWORD_RE = re.compile(r"[a-z0-9'\-]+\*?( [a-z0-9'\-]+\*?)*\Z")


def write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MINIMAL = """\
id: mini
themes:
  - id: alpha
    label: Alpha
    definition: The first theme.
  - id: beta
    label: Beta
    definition: The second theme.
    parent: alpha
"""


# --------------------------------------------------------------------------- shipped codebooks


def test_list_codebooks_returns_both_shipped():
    assert [cb.id for cb in list_codebooks()] == ["fft", "impact"]


def test_impact_codebook_matches_specification():
    cb = load_codebook("impact")
    assert cb.theme_ids == IMPACT_IDS
    assert cb.multi_label is True and cb.require_theme is False
    assert cb.version == "1.0"
    assert cb.get("policy_influence").label == "Policy influence"
    assert cb.get("engagement").label == "Engagement & involvement"
    for theme in cb.themes:
        assert theme.definition.strip() and theme.include and theme.exclude, theme.id
        assert 15 <= len(theme.keywords) <= 40, (theme.id, len(theme.keywords))
        assert len(set(theme.keywords)) == len(theme.keywords), theme.id
        assert 4 <= len(theme.examples) <= 8, theme.id
        assert theme.parent is None
        assert all(KEYWORD_RE.match(k) for k in theme.keywords), theme.id


def test_fft_codebook_structure():
    cb = load_codebook("fft")
    assert cb.theme_ids == FFT_IDS
    assert cb.multi_label is False and cb.require_theme is True
    for theme in cb.themes:
        assert theme.definition.strip(), theme.id
        assert 15 <= len(theme.keywords) <= 40, (theme.id, len(theme.keywords))
        assert 4 <= len(theme.examples) <= 8, theme.id
        assert len(theme.aliases) == 1


def test_shipped_yaml_documents_the_format_in_a_header():
    for cb in list_codebooks():
        head = Path(cb.path).read_text(encoding="utf-8").splitlines()[:30]
        assert head[0].startswith("# evalnlp codebook")
        assert any("keywords:" in line and line.startswith("#") for line in head)
    assert "MIT License" in Path(load_codebook("fft").path).read_text(encoding="utf-8")


@pytest.mark.parametrize("label,theme_id", sorted(FFT_DATA_LABELS.items()))
def test_fft_label_to_id_for_every_data_label(label, theme_id):
    cb = load_codebook("fft")
    assert cb.label_to_id(label) == theme_id
    assert cb.label_to_id(label.upper()) == theme_id
    assert cb.label_to_id(f"  {label} ") == theme_id
    assert cb.label_to_id(theme_id) == theme_id


@pytest.mark.skipif(not (SHARED / "nhs_fft_phase1/text_data.csv").exists(), reason="FFT data not available")
def test_fft_labels_in_data_file_all_map():
    with (SHARED / "nhs_fft_phase1/text_data.csv").open(encoding="utf-8") as fh:
        labels = {row["label"] for row in csv.DictReader(fh)}
    cb = load_codebook("fft")
    assert {cb.label_to_id(label) for label in labels} == set(FFT_IDS)
    assert labels == set(FFT_DATA_LABELS)


def test_label_to_id_handles_curly_apostrophe_and_labels():
    cb = load_codebook("fft")
    assert cb.label_to_id("Couldn\u2019t be improved") == "couldnt_be_improved"
    assert cb.label_to_id("environment & facilities") == "environment_facilities"
    impact = load_codebook("impact")
    assert impact.label_to_id("SKILLS, KNOWLEDGE & CONFIDENCE") == "capability"


def test_label_to_id_unknown_raises_e221_with_suggestion():
    with pytest.raises(CodebookError) as err:
        load_codebook("fft").label_to_id("Staf")
    assert err.value.code == "E221"
    assert "Did you mean 'Staff'" in err.value.message


def test_get_unknown_theme_raises_e220_with_suggestion():
    with pytest.raises(CodebookError) as err:
        load_codebook("impact").get("capabilty")
    assert err.value.code == "E220"
    assert "'capability'" in err.value.message


def test_sha256_is_hash_of_file_bytes_and_stable():
    for cb_id in ("impact", "fft"):
        first = load_codebook(cb_id)
        raw = Path(first.path).read_bytes()
        # the bytes less the catch_all lines (a discovery hint that does not change coding); impact has none
        kept = b"".join(line for line in raw.splitlines(keepends=True) if not line.strip().startswith(b"catch_all:"))
        assert (kept == raw) is (cb_id == "impact")
        assert first.sha256 == hashlib.sha256(kept).hexdigest()
        assert validate_codebook(cb_id).sha256 == first.sha256
        assert load_codebook(cb_id) is first  # cached
    assert load_codebook("impact").sha256 != load_codebook("fft").sha256


def test_fft_marks_miscellaneous_as_its_catch_all_and_keeps_its_shipped_model():
    from evalnlp.coding import shipped_model_for

    fft = load_codebook("fft")
    assert [t.id for t in fft.themes if t.catch_all] == ["miscellaneous"]
    assert not any(t.catch_all for t in load_codebook("impact").themes)
    card = json.loads((Path(fft.path).parents[1] / "models" / "fft-themes" / "card.json").read_text(encoding="utf-8"))
    assert card["codebook_sha256"] == fft.sha256  # trained before the flag was added: still the same codebook
    assert shipped_model_for(fft) == "fft-themes"


def test_catch_all_flag_stays_out_of_the_identity(tmp_path):
    plain = load_codebook(write(tmp_path, MINIMAL, "plain.yaml"))
    marked_text = MINIMAL.replace("    definition: The second theme.\n",
                                  "    definition: The second theme.\n    catch_all: true  # whatever fits nowhere\n")
    marked = load_codebook(write(tmp_path, marked_text, "marked.yaml"))
    unmarked = load_codebook(write(tmp_path, marked_text.replace("catch_all: true", "catch_all: false"), "un.yaml"))
    assert marked.get("beta").catch_all is True and plain.get("beta").catch_all is False
    assert unmarked.get("beta").catch_all is False
    assert marked.sha256 == plain.sha256 == unmarked.sha256
    # any other edit still changes it
    edited = load_codebook(write(tmp_path, marked_text.replace("The first theme.", "The 1st theme."), "ed.yaml"))
    assert edited.sha256 != marked.sha256
    # the flag survives writing the codebook out, and stays out of the written file's identity too
    again = parse_codebook(codebook_to_yaml(marked))
    assert again.get("beta").catch_all is True
    assert again.sha256 == parse_codebook(codebook_to_yaml(plain)).sha256


@pytest.mark.parametrize("text, code", [
    ("id: x\nthemes:\n  - {id: a, label: A, definition: D., catch_all: true}\n", "E219"),
    # a "catch_all:" line inside a text block is text, not the flag; taking it out would change the text
    ("id: x\nthemes:\n" + "  - id: a\n    label: A\n    definition: |\n      Text.\n      catch_all: yes\n", "E219"),
    ("id: x\nthemes:\n" + "  - id: a\n    label: A\n    definition: D.\n    catch_all: sometimes\n", "E217"),
])
def test_catch_all_written_where_it_cannot_be_left_out_is_refused(tmp_path, text, code):
    path = write(tmp_path, text)
    with pytest.raises(CodebookValidationError) as err:
        load_codebook(path)
    assert code in err.value.codes


def test_cache_sees_edits_and_sha_changes(tmp_path):
    path = write(tmp_path, MINIMAL)
    first = load_codebook(path)
    assert load_codebook(str(path)) is first
    path.write_text(MINIMAL.replace("The first theme.", "The first theme, edited."), encoding="utf-8")
    second = load_codebook(path)
    assert second.get("alpha").definition == "The first theme, edited."
    assert second.sha256 != first.sha256


def test_optional_fields_get_defaults(tmp_path):
    cb = load_codebook(write(tmp_path, MINIMAL))
    assert (cb.title, cb.version, cb.description) == ("mini", "1", "")
    assert cb.multi_label is True and cb.require_theme is False
    assert cb.get("beta").parent == "alpha"
    assert cb.get("alpha").keywords == () and cb.get("alpha").include is None


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("ref", ["impact", "fft", "minimal"])
def test_round_trip(tmp_path, ref):
    cb = load_codebook(write(tmp_path, MINIMAL, "src.yaml") if ref == "minimal" else ref)
    text = codebook_to_yaml(cb)
    again = load_codebook(write(tmp_path, text, "copy.yaml"))
    fields = ("id", "title", "version", "description", "multi_label", "require_theme", "themes")
    assert all(getattr(again, f) == getattr(cb, f) for f in fields)
    assert codebook_to_yaml(again) == text


def test_round_trip_keeps_awkward_strings(tmp_path):
    text = """\
    id: odd
    version: "2.10"
    themes:
      - id: t1
        label: "yes"
        definition: "Line one.\\nLine two: with a colon, # and a hash."
        keywords: ["no", "on", "null word", "it's"]
        examples: ["- starts with a dash", "'quoted'"]
        aliases: ["Off"]
    """
    cb = load_codebook(write(tmp_path, text))
    again = load_codebook(write(tmp_path, codebook_to_yaml(cb), "copy.yaml"))
    assert again.themes == cb.themes and again.version == "2.10"


def test_keyword_tokens():
    assert keyword_tokens("take part") == [("take", False), ("part", False)]
    assert keyword_tokens("particip*") == [("particip", True)]
    assert keyword_tokens("raise awareness*") == [("raise", False), ("awareness", True)]


# --------------------------------------------------------------------------- validation errors

THEME = "  - id: a\n    label: A\n    definition: Something.\n"

BAD = {
    "E203": ("id: x\nthemes: [\n  - id: a\n", "line"),
    "E204": ("- just\n- a list\n", "mapping"),
    "E205": ("title: No id\nthemes:\n" + THEME, "codebook.id"),
    "E206": ("id: Bad-Id\nthemes:\n" + THEME, "'bad_id'"),
    "E207": ("id: x\nthemes: []\n", "no themes"),
    "E208": ("id: x\nthemes:\n  - just a string\n", "mapping"),
    "E209": ("id: x\nthemes:\n" + THEME + THEME.replace("label: A", "label: B"), "duplicate theme id 'a'"),
    "E210": ("id: x\nthemes:\n  - id: a\n    label: ''\n    definition: D.\n", "label"),
    "E211": ("id: x\nthemes:\n  - id: a\n    label: A\n", "definition"),
    "E212": ("id: x\nthemes:\n" + THEME + "    parent: b\n", "unknown parent 'b'"),
    "E213": (
        "id: x\nthemes:\n"
        + THEME
        + "    parent: b\n"
        + THEME.replace("id: a", "id: b").replace("label: A", "label: B")
        + "    parent: a\n",
        "cycle",
    ),
    "E214": ("id: x\nthemes:\n" + THEME + "    keywords: [Involve]\n", "'involve'"),
    "E215": ("id: x\ntitel: T\nthemes:\n" + THEME, "Did you mean 'title'"),
    "E216": ("id: x\nthemes:\n" + THEME + "    keyword: [a]\n", "Did you mean 'keywords'"),
    "E217": ("id: x\nmulti_label: sometimes\nthemes:\n" + THEME, "true or false"),
    "E218": ("id: x\nthemes:\n" + THEME + THEME.replace("id: a", "id: b"), "'A'"),
}


@pytest.mark.parametrize("code", sorted(BAD))
def test_each_validation_error_has_its_code(tmp_path, code):
    text, fragment = BAD[code]
    path = write(tmp_path, text)
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.code == code
    assert code in err.value.codes
    assert fragment in err.value.message
    assert str(err.value).startswith(f"[{code}] ")
    with pytest.raises(CodebookError):
        load_codebook(path)


def test_yaml_error_reports_line_number(tmp_path):
    path = write(tmp_path, "id: x\nthemes:\n  - id: a\n    label: [unclosed\n    definition: d\n")
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.code == "E203"
    assert re.search(r"line \d+, column \d+", err.value.message)


@pytest.mark.parametrize("text, key, line", [
    ("id: x\nthemes:\n  - id: a\n    label: A\n    definition: d\nthemes:\n  - id: b\n    label: B\n"
     "    definition: e\n", "themes", 6),
    ("id: x\nthemes:\n  - id: a\n    label: A\n    definition: d\n    aliases: [first]\n    aliases: [second]\n",
     "aliases", 7),
])
def test_a_key_written_twice_is_refused_not_half_kept(tmp_path, text, key, line):
    """YAML's loader kept the last of two `themes:` lists (or `aliases:` lines) without a word, so validate said
    ok and a theme or an alias was lost; now the second is refused, naming both places."""
    path = write(tmp_path, text)
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.code == "E203"
    assert f"found the key {key!r} twice (first at line" in err.value.message and f"line {line}," in err.value.message


@pytest.mark.parametrize(
    "pattern,fragment",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Take part", "uppercase"),
        ("par*ticip", "'*' may only end a token"),
        ("take, part", "','"),
        ("take  part", "one space"),
        (" take", "leading or trailing"),
        ("a*", "at least"),
        ("- *", "no letter or digit"),
        ("£5", "'£'"),
    ],
)
def test_bad_keyword_patterns_e214(tmp_path, pattern, fragment):
    text = "id: x\nthemes:\n" + THEME + f"    keywords: {json.dumps([pattern])}\n"
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, text))
    assert err.value.codes == ["E214"]
    assert fragment in err.value.message


@pytest.mark.parametrize(
    "pattern,said",
    [
        # the fix offered was 'understand!', which validate then refused for its '!'
        ("Understand!", "'Understand!' contains '!'"),
        ("Food, Label", "'Food, Label' contains ','"),
        ("Par*ticip", "'*' may only end a token"),
        # a fix is offered whole, every spacing and case problem mended at once
        ("  Walk  Fast ", "write 'walk fast'"),
        ("Take  part", "by one space: 'take part'"),
        ("Take part", "write 'take part'"),
    ],
)
def test_a_keyword_fix_offered_is_itself_a_valid_pattern(tmp_path, pattern, said):
    text = "id: x\nthemes:\n" + THEME + f"    keywords: {json.dumps([pattern])}\n"
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, text))
    assert err.value.codes == ["E214"] and said in err.value.message, err.value.message
    offered = re.search(r"(?:write|one space:) '([^']*)'", err.value.message)
    if offered:
        fixed = "id: x\nthemes:\n" + THEME + f"    keywords: {json.dumps([offered.group(1)])}\n"
        assert validate_codebook(write(tmp_path, fixed, "fixed.yaml")).themes[0].keywords == (offered.group(1),)


@pytest.mark.parametrize("pattern", ["take part", "particip*", "buy-in", "it's", "covid-19", "raise awareness*", "café"])
def test_good_keyword_patterns_pass(tmp_path, pattern):
    text = "id: x\nthemes:\n" + THEME + f"    keywords: {json.dumps([pattern])}\n"
    assert validate_codebook(write(tmp_path, text)).themes[0].keywords == (pattern,)


def test_wrong_types_e217(tmp_path):
    text = """\
    id: x
    version: 1.0
    themes:
      - id: a
        label: A
        definition: D.
        keywords: [yes, involve, 3]
        examples: "not a list"
        parent: [b]
    """
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, text))
    assert err.value.codes == ["E217"] * 5
    message = err.value.message
    assert "version" in message and "quotes" in message
    assert "booleans" in message and "keywords[2]" in message
    assert "examples" in message and "parent" in message


def test_all_problems_are_reported_at_once(tmp_path):
    text = """\
    id: x
    colour: red
    themes:
      - id: Good
        label: A
        definition: ''
        keywords: [UPPER]
      - id: b
        label: B
        definition: D.
        parent: nowhere
      - id: b
        label: B2
        definition: D.
    """
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, text))
    assert err.value.codes == ["E215", "E209", "E211", "E214", "E209", "E212"]  # a bad theme id is E209, not E206
    assert err.value.code == "E215"
    assert "6 problems" in err.value.message
    assert all(f"{i}. [" in err.value.message for i in range(1, 7))


def test_self_parent_is_a_cycle(tmp_path):
    text = "id: x\nthemes:\n" + THEME + "    parent: a\n"
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, text))
    assert err.value.codes == ["E213"]
    assert "a -> a" in err.value.message


def test_empty_file_is_not_a_mapping(tmp_path):
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(write(tmp_path, ""))
    assert err.value.code == "E204" and "empty file" in err.value.message


def test_missing_file_e201_and_unknown_shipped_id(tmp_path):
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path / "absent.yaml")
    assert err.value.code == "E201"
    with pytest.raises(CodebookError) as err:
        load_codebook("impcat")
    assert err.value.code == "E201" and "Did you mean 'impact'" in err.value.message


def test_a_directory_is_e202_and_a_file_that_cannot_be_read_e203(tmp_path, monkeypatch):
    """E202 is a directory given as the codebook; a file that is not UTF-8, or cannot be read at all, is E203
    (cannot be read or parsed), as the README's table says."""
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path)
    assert err.value.code == "E202"
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\nthemes:\n  - id: a\n    label: Caf\xe9\n    definition: d\n".encode("latin-1"))
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.code == "E203" and err.value.codes == ["E203"] and "is not UTF-8 text" in err.value.message
    locked = write(tmp_path, MINIMAL, "locked.yaml")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(CodebookError) as err:
        validate_codebook(locked)
    assert err.value.code == "E203" and "Cannot read codebook" in err.value.message


def test_an_invalid_theme_id_is_e209_and_an_invalid_codebook_id_e206(tmp_path):
    path = write(tmp_path, "id: x\nthemes:\n" + THEME.replace("id: a", "id: Bad-Theme"))
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.codes == ["E209"] and "'Bad-Theme' is not a valid theme id" in err.value.message
    assert "'bad_theme'" in err.value.message
    path = write(tmp_path, "id: Bad-Id\nthemes:\n" + THEME)
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.codes == ["E206"]


def test_codebook_validate_prints_the_code_that_fits(runner, tmp_path):
    from evalnlp.cli import app

    theme = write(tmp_path, "id: x\nthemes:\n" + THEME.replace("id: a", "id: Bad-Theme"))
    result = runner.invoke(app, ["codebook", "validate", str(theme)])
    assert result.exit_code == 1 and "[E209]" in result.stderr and "E206" not in result.stderr
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(MINIMAL.replace("id: ", "id: caf\xe9_", 1).encode("latin-1"))
    result = runner.invoke(app, ["codebook", "validate", str(latin1)])
    assert result.exit_code == 1 and "[E203]" in result.stderr and "not UTF-8" in result.stderr


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert validate_codebook(path).id == "mini"


def test_codebook_is_frozen():
    cb = load_codebook("impact")
    assert isinstance(cb, Codebook)
    with pytest.raises(AttributeError):
        cb.id = "other"  # type: ignore[misc]


# --------------------------------------------------------------------------- provenance guards


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(
    not (SHARED / "ref_impact_dev/impact_themes_dev.csv").exists(), reason="impact dev set not available"
)
def test_impact_examples_are_not_taken_from_the_evaluation_set():
    with (SHARED / "ref_impact_dev/impact_themes_dev.csv").open(encoding="utf-8") as fh:
        dev = set().union(*(_shingles(row["quote"]) for row in csv.DictReader(fh)))
    for theme in load_codebook("impact").themes:
        for example in theme.examples:
            assert not (_shingles(example) & dev), example


@pytest.mark.skipif(
    not (SHARED / "nhs_fft_phase1/FFT-QDC_Framework_MVP_version_20230925.xlsx").exists(),
    reason="FFT framework workbook not available",
)
def test_fft_examples_come_from_the_framework_workbook():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(SHARED / "nhs_fft_phase1/FFT-QDC_Framework_MVP_version_20230925.xlsx", read_only=True)

    def norm(s: str) -> str:
        return " ".join(s.replace("\u2018", "'").replace("\u2019", "'").split())

    cells = norm(" ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c))
    missing = [ex for t in load_codebook("fft").themes for ex in t.examples if norm(ex) not in cells]
    assert not missing


def test_a_label_typed_with_a_combining_accent_is_the_theme(tmp_path):
    """"Café culture" written as e and a combining accent (some Mac tools, PDF copy-paste) is the label written
    with é; the error used to suggest the very name it refused."""
    path = write(tmp_path, "id: u\nthemes:\n  - id: cafe\n    label: Caf\u00e9 culture\n    definition: d\n"
                           "  - id: other\n    label: Other\n    definition: e\n")
    cb = load_codebook(path)
    assert cb.label_to_id("Cafe\u0301 culture") == "cafe" and cb.label_to_id("CAF\u00c9  culture") == "cafe"


@pytest.mark.parametrize("field", ["aliases", "examples"])
def test_an_empty_item_of_a_list_field_is_refused(tmp_path, field):
    """`aliases: ["", "  "]` and `examples: [""]` passed validate as ok, though they name nothing (E214)."""
    path = write(tmp_path, f"id: x\nthemes:\n  - id: a\n    label: A\n    definition: d\n    {field}: [ok, '', '  ']\n")
    with pytest.raises(CodebookValidationError) as err:
        validate_codebook(path)
    assert err.value.code == "E214" and f"{field}[1]" in err.value.message and f"{field}[2]" in err.value.message


def _readme_codebook_section() -> str:
    from helpers import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Your own codebook\n")
    return readme[start:readme.index("\n### ", start + 1)]


def test_readme_documents_the_codebook_format_with_an_example_that_validates():
    """A user writes a codebook from the README alone: it has a section with an example that is itself a valid
    codebook using every key there is, and says what each key does."""
    from evalnlp.codebook import _THEME_KEYS, _TOP_KEYS

    section = _readme_codebook_section()
    example = section[section.index("```yaml\n") + 8:section.index("```", section.index("```yaml\n") + 8)]
    cb = parse_codebook(example, "README")
    used = set(re.findall(r"^\s*-?\s*([a-z_]+):", example, flags=re.MULTILINE))
    assert set(_TOP_KEYS) <= used and set(_THEME_KEYS) <= used, (set(_TOP_KEYS) | set(_THEME_KEYS)) - used
    assert cb.get("diet").parent == "behaviour_change" and cb.get("other").catch_all
    for key in ("keywords", "examples", "exclude", "aliases", "parent", "catch_all: true"):
        assert f"`{key}`" in section, key
    for command in ("codebook validate", "codebook show", "--codebook FILE.yaml"):
        assert command in section, command
