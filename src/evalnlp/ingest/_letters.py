"""Letters of support: the body of a letter is its signatory's testimonial.

Partners' letters (a head teacher's, a council director's, a minister's) are the commonest corroborating evidence
of an impact case study, and what they say is not in quotation marks: the whole letter is the writer's
statement. A narrative text is read as a letter when a line of its own opens it with a salutation ("Dear
Professor Hartley,", "To whom it may concern") and, further on, a line of its own closes it ("Yours sincerely,",
"Kind regards", "Yn gywir / Yours sincerely,") with the writer's name on the line after it. Each paragraph between
the two is then a testimonial whose speaker is the signature block: the name and up to two lines under it (role,
organisation), joined by commas ("Margaret Ellison, Headteacher"). A subject line opening the body ("Re: ...")
and a closing courtesy ("Please do not hesitate to contact me ...") are not testimony and are left out; so is
everything above the salutation (letterhead, addresses, date) and below the signature.

Only the layout is read, never who is named: a text without both lines, or whose line after the closing does not
read as a name, is no letter, and nothing is found in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["SALUTATION", "VALEDICTION", "Letter", "find_letters", "letter_furniture", "letter_testimonials",
           "with_letter_testimonials"]

#: A salutation on a line of its own: "Dear Professor Hartley," "Dear Eleanor" "Dear Sir or Madam:", "To whom it
#: may concern", also after a greeting in another language ("Annwyl Athro Hartley / Dear Professor Hartley,").
SALUTATION = re.compile(
    r"[ \t]*(?:[^\n/]{1,60}/[ \t]*)?(?:(?:My[ \t]+)?Dear(?:[ \t]+\S+){0,6}[ \t]+\S*[^\s.]"
    r"|(?i:to[ \t]+whom[ \t]+it[ \t]+may[ \t]+concern)[ \t]*[,:]?)[ \t]*")
#: A complimentary close on a line of its own ("Yours sincerely," "With best wishes," "Kind regards"), perhaps
#: with a translation ("Yn gywir / Yours sincerely,").
_CLOSE = (r"(?:Yours(?:[ \t]+(?:sincerely|faithfully|truly|ever))?|(?:Very[ \t]+)?(?:Sincerely|Faithfully)"
          r"(?:[ \t]+yours)?|(?:With[ \t]+)?(?:(?:very[ \t]+)?(?:best|kind|kindest|warm|warmest)[ \t]+)"
          r"(?:regards|wishes)|Regards|All[ \t]+the[ \t]+best|Best|Yn[ \t]+gywir|Cofion(?:[ \t]+gorau)?)")
VALEDICTION = re.compile(rf"(?i:[ \t]*{_CLOSE}(?:[ \t]*/[ \t]*{_CLOSE})?[ \t]*[,.!]?[ \t]*)")
#: A subject line opening a letter's body.
_SUBJECT = re.compile(r"[ \t]*(?:Re|RE|Subject|SUBJECT|Ref|Our ref|Your ref)[ \t]*[:.-]")
#: A paragraph of courtesy, not testimony: an offer to say more, thanks for being asked.
_COURTESY = re.compile(
    r"(?i)[ \t]*(?:please[ \t]+(?:do[ \t]+not|don't)[ \t]+hesitate|please[ \t]+(?:feel[ \t]+free|contact|let)|"
    r"(?:I|we)[ \t]+(?:(?:would|will|should)[ \t]+be|am|are)[ \t]+(?:very[ \t]+|more[ \t]+than[ \t]+)?"
    r"(?:happy|pleased|glad)"
    r"[ \t]+to[ \t]+(?:discuss|provide|answer|help|expand|give)|if[ \t]+you[ \t]+(?:need|require|would[ \t]+like)|"
    r"thank[ \t]+you[ \t]+for[ \t]+(?:inviting|asking|the[ \t]+opportunity))")
#: A signature line that is contact details or a page's furniture, not the writer's name or role.
_NOT_SIGNATURE = re.compile(r"(?i)[ \t]*(?:cc\b|enc|p\.?s\b|tel\b|phone|mobile|email|e-mail|www\.|https?:|page[ \t]"
                            r"+\d)|.*@|.*\d{3}")
#: A title that may open a signatory's name ("Dr", "Hon.", "Revd").
_TITLES = frozenset("""mr mrs ms miss mx dr prof professor sir dame lord lady baroness baron revd rev reverend hon
    cllr councillor the rt right canon father sister judge""".split())


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank lines of ``text[start:end]`` as (start, end), without the white space around them."""
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _names_a_person(line: str) -> bool:
    """Does a signature's first line read as a name ("Margaret Ellison", "Dr Priya Raman", "Hon. Amara Desta",
    "Baroness Whitcombe", "pp Andrew McKenzie-Reid")? Two to six words, each opening with a capital (a title or
    a particle such as "van" aside), no digits, not a sentence."""
    words = line.replace(",", " ").split()
    if words and words[0].lower() in ("pp", "p.p.", "signed"):
        words = words[1:]
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in line) or line.rstrip().endswith((":", ";", "?", "!")):
        return False
    named = [w for w in words if w.rstrip(".").lower() not in _TITLES]
    if not named or (len(words) == 1 and words[0].rstrip(".").lower() in _TITLES):
        return False
    caps = sum(w[:1].isupper() for w in named)
    return caps >= max(1, len(named) - 1) and (len(words) > 1 or caps == 1)


#: A line of an address: it opens with a house number ("2 Blue", "14 Fenwick Square") or holds a UK postcode.
_ADDRESS = re.compile(r"[ \t]*\d|.*\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}\b")


def _parts(line: str) -> list[str]:
    """A signature line's parts: an email signature separates name, role and team with bars ("David Whitaker |
    Policy Analyst | HM Treasury |")."""
    return [" ".join(p.split()).strip(",") for p in line.split("|") if p.strip(" \t,")]


def _signature(text: str, lines: list[tuple[int, int]], k: int) -> tuple[int, int, str] | None:
    """The signature block after the closing line ``lines[k]``: (start, end, speaker), or None when the line
    after the closing is not a name. The speaker is the name and up to two short lines after it (a role, an
    organisation) joined by commas, a line of contact details, an address or a page number ending the block; a
    first name signed above the full name ("David" over "David Whitaker | Policy Analyst") gives way to it."""
    block: list[tuple[int, int]] = []
    for s, e in lines[k + 1:k + 4]:
        line = text[s:e]
        if len(line) > 90 or _NOT_SIGNATURE.match(line) or _ADDRESS.match(line) or SALUTATION.fullmatch(line):
            break
        if not block and not _names_a_person((_parts(line) or [line])[0]):
            return None
        block.append((s, e))
    if not block:
        return None
    parts = [_parts(text[s:e]) for s, e in block]
    if len(parts) > 1 and len(parts[0]) == 1 and " " not in parts[0][0] and \
            parts[1][0].split()[0] == parts[0][0]:
        parts, block = parts[1:], block[1:]  # "David" signed over "David Whitaker"
    speaker = ", ".join(p for line in parts for p in line)
    return block[0][0], block[-1][1], speaker


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of ``text[start:end]`` (runs of lines between blank lines), trimmed; a blank line after a
    line that does not end a sentence (text exported with a blank line after every wrapped line) joins the
    lines around it into one paragraph."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\n[ \t]*\n|\s*$)", text[start:end], re.S):
        s, e = start + m.start(), start + m.end()
        if out and not _SENTENCE_END.search(text, out[-1][0], out[-1][1]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


_SENTENCE_END = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True)
class Letter:
    """Where a letter's parts are in a text: ``head`` its letterhead, addresses and date above the salutation,
    ``body`` what lies between the salutation's line and the closing's, ``sign`` the closing's line and the
    signature block (each a (start, end) span), and ``speaker`` the signature block's lines joined by commas,
    which start at ``speaker_at``."""

    head: tuple[int, int]
    salutation: tuple[int, int]
    body: tuple[int, int]
    sign: tuple[int, int]
    speaker: str
    speaker_at: int


#: A line of a letterhead or an address stands above the salutation and is no sentence of prose: it is short, or
#: does not end as a sentence does (a PDF's reading text may run a letterhead's lines together).
_HEAD_LINE = re.compile(r".{0,60}|.*[^.!?\"'\u201d\u2019)\]]")


def find_letters(text: str) -> list[Letter]:
    """The letters in ``text`` (see the module's description), in text order."""
    lines = _lines(text, 0, len(text))
    out: list[Letter] = []
    k = 0
    floor = 0  # the first line a letterhead may take: after the previous letter
    while k < len(lines):
        s, e = lines[k]
        if not SALUTATION.fullmatch(text[s:e]):
            k += 1
            continue
        close = next((j for j in range(k + 1, len(lines)) if VALEDICTION.fullmatch(text[lines[j][0]:lines[j][1]])
                      or SALUTATION.fullmatch(text[lines[j][0]:lines[j][1]])), None)
        if close is None or SALUTATION.fullmatch(text[lines[close][0]:lines[close][1]]):
            k = close if close is not None else len(lines)
            continue
        signed = _signature(text, lines, close)
        if signed is None:
            k = close + 1
            continue
        top = k
        while top > floor and _HEAD_LINE.fullmatch(text[lines[top - 1][0]:lines[top - 1][1]]):
            top -= 1
        out.append(Letter(head=(lines[top][0], s), salutation=(s, e), body=(e, lines[close][0]),
                          sign=(lines[close][0], signed[1]), speaker=signed[2], speaker_at=signed[0]))
        k = close + 1
        while k < len(lines) and lines[k][0] < signed[1]:
            k += 1
        floor = k
    return out


def letter_furniture(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are the furniture of its letters, not their words: each letter's letterhead,
    addresses and date, its salutation, its closing and its signature block."""
    out = []
    for letter in find_letters(text):
        out += [(letter.head[0], letter.salutation[1]), letter.sign]
    return out


def _before_courtesy(text: str, start: int, end: int) -> int:
    """Where the testimony of the paragraph ``text[start:end]`` ends: before the sentences of courtesy that close
    it, when every sentence from one on is courtesy (``... valued it. Please do not hesitate to contact me.``: a
    writer who ran them together, or a PDF whose layout sets no paragraph apart)."""
    for gap in re.finditer(r"(?<=[.!?])[ \t]*\n?[ \t]*(?=\S)", text[start:end]):
        rest = text[start + gap.end():end]
        sentences = [m.group() for m in re.finditer(r"\S.*?(?:[.!?](?=\s|$)|$)", rest, re.S)]
        if sentences and all(_COURTESY.match(x) for x in sentences):
            return start + gap.start()
    return end


def letter_testimonials(text: str) -> list[Any]:
    """The testimonials of the letters in ``text`` (see the module's description), in text order: one per
    paragraph of each letter's body, ``quote`` the paragraph exactly as written (``text[start:end]``), ``speaker``
    the signature block's lines joined by commas (``speaker_start``/``speaker_end`` the block's extent), no
    source reference."""
    from evalnlp.ingest.narrative import Testimonial

    out: list[Any] = []
    for letter in find_letters(text):
        body_start, body_end = letter.body
        first = _lines(text, body_start, body_end)[:1]
        if first and _SUBJECT.match(text[first[0][0]:first[0][1]]):
            body_start = first[0][1]  # a subject line opening the body
        for ps, pe in _paragraphs(text, body_start, body_end):
            if _COURTESY.match(text[ps:pe]):
                continue
            pe = _before_courtesy(text, ps, pe)
            out.append(Testimonial(quote=text[ps:pe], start=ps, end=pe, speaker=letter.speaker,
                                   speaker_start=letter.speaker_at, speaker_end=letter.sign[1], source_ref=None))
    return out


def with_letter_testimonials(testimonials: list[Any], text: str, end: int | None = None) -> list[Any]:
    """``testimonials`` (found in quotation marks) with the testimonials of the letters in ``text[:end]`` (the
    narrative before a corroborating-sources section), in text order. A quotation inside a letter's body (a pupil
    quoted by the head teacher who writes) keeps its own speaker beside the paragraph's."""
    letters = letter_testimonials(text if end is None else text[:end])
    if not letters:
        return testimonials
    return sorted([*testimonials, *letters], key=lambda t: (t.start, t.end))
