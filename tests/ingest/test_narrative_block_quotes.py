"""A quotation set off as a block, indented on both sides of a hard-wrapped text, with its attribution inside the
block or on a line of its own under it: the speaker reads as one line (its offsets still into the text as
written), never runs into the paragraph after the block, and an attribution line the layout sets apart still names
who spoke. Invented texts only."""

from __future__ import annotations

from evalnlp import api
from evalnlp.ingest import narrative as N
from evalnlp.store import Store

LEAD = ("The programme reached every primary school in the county within three years, and teachers who had\n"
        "taken part in the first year trained their colleagues. One head teacher described the change:\n\n")
QUOTE = ("        \u201cWe used to lose a third of the class by the spring. Now the teachers notice\n"
         "        in the first weeks, and the pupils who struggle get help before they fall\n"
         "        behind.\u201d")
AFTER = "\n\nThe county council has since adopted the programme as part of its numeracy strategy.\n"
NAME = "Joanna Mbeki, Head Teacher of Carrow Primary School and Nursery, Portwen Bay"


def _speakers(text: str, nlp) -> list[tuple[str, str]]:
    """Each testimonial's speaker and the text at the speaker's offsets, whitespace runs read as one space."""
    out = []
    for t in N.extract_document(text, nlp=nlp).testimonials:
        assert text[t.start:t.end] == t.quote
        out.append((t.speaker, " ".join(text[t.speaker_start:t.speaker_end].split())))
    return out


def test_a_speaker_wrapped_inside_a_block_quotation_reads_as_one_line(nlp):
    text = LEAD + QUOTE[:-2] + ",\u201d said Joanna\n        Mbeki, Head Teacher of Carrow Primary School and Nursery,\n" \
        "        Portwen Bay." + AFTER
    (t,) = N.extract_document(text, nlp=nlp).testimonials
    assert t.speaker == NAME and "\n" in text[t.speaker_start:t.speaker_end]
    assert " ".join(text[t.speaker_start:t.speaker_end].split()) == NAME


def test_an_attribution_line_under_a_block_quotation_stops_at_the_next_paragraph(tmp_path, nlp, monkeypatch):
    """``— Name, Role`` wrapped under the block without a full stop: before, the speaker ran on over the blank line
    into the first letter of the next paragraph ("... Portwen Bay\\n\\nT"), in extraction and in the store."""
    text = LEAD + QUOTE + "\n        \u2014 Joanna Mbeki, Head Teacher of Carrow Primary School and Nursery,\n" \
        "          Portwen Bay" + AFTER
    assert _speakers(text, nlp) == [(NAME, NAME)]
    monkeypatch.setitem(N._PIPELINES, True, nlp)
    path = tmp_path / "block.txt"
    path.write_text(text, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        assert list(segs.loc[segs["kind"] == "testimonial", "speaker"]) == [NAME]


def test_an_attribution_line_set_apart_under_a_block_quotation_names_the_speaker(nlp):
    """A blank line between the block and its attribution line (as a PDF's layout sets it apart too): the dash and
    the name, a paragraph of their own, still name who spoke, not the lead's "one head teacher"."""
    text = LEAD + QUOTE + "\n\n        \u2014 Joanna Mbeki, Head Teacher of Carrow Primary School and Nursery,\n" \
        "          Portwen Bay" + AFTER
    assert _speakers(text, nlp) == [(NAME, NAME)]


def test_a_list_after_a_quotation_names_no_speaker(nlp):
    """A list's item after the quotation's paragraph, alone or the first of several, is no attribution line."""
    for items in ("- Fewer pupils left behind in the first term", "- Fewer pupils left behind\n\n- Lessons shared"):
        text = LEAD + QUOTE + "\n\n" + items + AFTER
        assert [s for s, _ in _speakers(text, nlp)] == ["One head teacher"]
