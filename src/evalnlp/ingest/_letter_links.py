"""Which entry of a sources list names a letter of support filed as a file of its own.

A case study's "Sources to corroborate the impact" lists the letters behind it ("[5.3] Letter from the Director
of Public Health, Northshire County Council, 12 March 2013", "C. Chief Executive, Acme plc"), and the letters
themselves are often filed beside it, each its own file. A letter's testimonials (:mod:`evalnlp.ingest._letters`)
carry no marker, so nothing in the letter says which entry it is: this module finds it from what the letter says
of itself and what the entry says of it.

From a letter it reads (:func:`read_sign`): the signatory's name, role and organisation from the signature block
(its first part the name, then each line's parts, separated by commas or an email signature's bars, read as a
role when it holds a word of a post, "Director", "Headteacher", "Chief Executive", else as an organisation), the
letterhead's first line (an organisation's name, unless it is an address, a date, a contact line or a person
with a title, which would be the addressee) and the letter's date (the first date above the salutation).

Each entry is scored against those by general rules (:func:`score_entry`), each a clue. A word is a name's own
unless it is an ordinary English word, a place or a people ("Oxford", "USA", "Welsh") or a word many bodies'
names share ("County", "Council", "University"): "Northshire", "Unilever", "HVPD" are; "Research", "Water" are
not.

- ``file``: the entry names the letter's file ("(letter_roe.pdf)"): decisive, 10 points;
- ``surname``: the signatory's surname as written, 3 points, 4 with the first name or its initial before it
  ("J. Roe"); a surname that is an ordinary word or a place ("Brown", "Lincoln") counts only so;
- ``role``: every word of a role of the signature in the entry, 2 points (1 for half of them), a word of a post
  among them; a role of posts alone ("Director", "Chief Executive"), which many hold, 1 point, whole only. An
  entry naming a post (a "Director", a "Manager") none of the signature's roles matches, where the signature
  gives one, loses :data:`OTHER_POST` points: it names a letter of another writer of the same body;
- ``organisation``: every word of an organisation's name in the entry, 3 points (2 for half of them, one its own
  word); a name of no word of its own, 3 points when three or more of its words stand together as written
  ("Local Government Staff Commission"), else 1 ("County Council"). The names are the signature's
  organisations, the letterhead's, and the body a role names after its post ("CEO of Imense Ltd", "Programme
  Manager at Marine Scotland"; not a field, "Director of Public Health");
- ``date``: a date of the entry agreeing with the letter's, 2 points to the day, 1.5 to the month (a year alone
  agreeing gives half a point and is no clue); one that disagrees while none agrees (another letter of the same
  writer) takes 3 points off (1 for a year alone);
- ``letter``: the entry speaks of a letter, an email, a statement or a testimonial, 1 point; an entry that names
  a document of another kind (a report, an article, a website, minutes, a video) and no letter loses
  :data:`OTHER_DOCUMENT` points, so that a report by the signatory's organisation is never taken for the letter
  (only its naming the letter's file would link it).

An entry names the letter when it scores at least :data:`THRESHOLD` from at least two clues (or names its file).
The entries of every list the letter is matched against compete (:func:`choose`): the best is taken unless
another, of the same list or another, comes within less than :data:`MARGIN` of it, when the letter is linked to
none of them (two entries equally good are never guessed between). A letter is so linked to one entry at most;
only entries naming its file link it in each list that names it (a letter cited by two case studies).

How well the rules tell the entries of real lists apart, and how rarely they link a letter to another case
study's list, is measured by ``bench/bench_letter_links.py`` (letters made from the letter entries of the REF2014
case studies' lists).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Collection, Iterable, Sequence

from evalnlp.ingest._narrative_sources import SourceEntry

__all__ = ["MARGIN", "OTHER_DOCUMENT", "OTHER_POST", "THRESHOLD", "LetterFound", "LetterSign", "LinkDecision", "LinkedEntry",
           "choose", "letter_source_ref", "link_documents", "of_letter", "parse_date", "read_sign", "score_entry"]

#: The least score of an entry that names a letter.
THRESHOLD = 4.0
#: How far the best entry of a list must stand above the next one (at least).
MARGIN = 1.0
#: What an entry naming a document of another kind (and no letter) loses: only its naming the file can link it.
OTHER_DOCUMENT = 5.0
#: What an entry naming a post none of the signatory's roles has loses (a letter from another writer of the body).
OTHER_POST = 2.0

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_DATES = re.compile(
    rf"(?i)\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?P<m1>{_MONTH})\.?,?[ \t]+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<m2>{_MONTH})\.?[ \t]+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)\b"
    r"|\b(?P<d4>\d{1,2})[/.](?P<m4>\d{1,2})[/.](?P<y4>(?:19|20)\d\d)\b"
    rf"|\b(?P<m5>{_MONTH})\.?,?[ \t]+(?P<y5>(?:19|20)\d\d)\b"
    r"|(?<![\w/.-])(?P<y6>(?:19|20)\d\d)(?![\w/]|-\d\d-)")

#: Words of a post: a part of a signature holding one is a role.
ROLE_WORDS = frozenset("""director deputy head headteacher headmaster headmistress principal chief executive officer
    manager chair chairman chairwoman chairperson president vice secretary minister dean provost chancellor
    vice-chancellor lead leader coordinator co-ordinator adviser advisor consultant founder co-founder partner
    editor curator trustee governor commissioner superintendent inspector professor lecturer teacher member mp mep
    msp councillor analyst counsel registrar assistant senior specialist researcher scientist engineer architect
    producer owner ceo cto cfo coo clerk librarian archivist nurse doctor surgeon physician practitioner
    psychologist therapist solicitor barrister judge justice mayor commander constable agent representative
    ambassador envoy administrator supervisor controller treasurer convenor convener fellow associate
    officer-in-charge""".split())
#: Posts an entry names its letter's writer by (not the researcher's "Professor" or "Dr", nor a modifier such
#: as "Senior"): an entry naming one that is none of the signatory's speaks of another writer.
_HEAD_POSTS = ROLE_WORDS - frozenset("""professor lecturer fellow researcher scientist member associate assistant
    senior teacher doctor deputy vice lead""".split())
#: Words that many organisations' names share: matched, they say little on their own.
GENERIC_ORG_WORDS = frozenset("""council county city borough district metropolitan university college school
    academy trust nhs foundation limited plc inc llp llc company group department ministry agency authority
    institute institution centre center society association service board office national royal primary
    secondary high community local government uk british international team unit division directorate branch
    network partnership federation commission committee hospital health care public library museum gallery
    charity church police union regional england scotland wales ireland northern""".split())
_STOP = frozenset("""the of and for from to in on at by with a an as via per re on behalf dr mr mrs ms miss mx prof
    sir dame dated date regarding about confirming confirms confirm letter letters support supporting""".split()
                  ) | frozenset(_MONTHS)
_SHORT = {"dept": "department", "univ": "university", "ltd": "limited", "co": "company", "st": "saint",
          "govt": "government", "intl": "international", "assoc": "association", "inst": "institute",
          "dir": "director", "mgr": "manager", "hon": "honorary", "centre": "center"}
#: An entry that speaks of a letter; one that names a document of another kind.
_LETTER_WORDS = re.compile(r"(?i)\b(?:letters?|e-?mails?|statements?|testimonials?|testimony|correspondence|"
                           r"endorsements?)\b")
#: (Only words that name no post: "Head of Policy" or "Director of Strategy" is a signatory.)
_OTHER_DOCUMENT = re.compile(r"(?i)\b(?:reports?|articles?|websites?|web[ \t]?pages?|web[ \t]?sites?|minutes|"
                             r"data[ \t]?sets?|videos?|films?|broadcasts?|press[ \t]+releases?|newspapers?|hansard|"
                             r"books?|journals?|blogs?|podcasts?|doi|www|https?)\b")
_TITLES = frozenset("""mr mrs ms miss mx dr prof professor sir dame lord lady baroness baron revd rev reverend hon
    cllr councillor the rt right canon father sister judge pp p.p. signed""".split())
_POSTNOMINAL = re.compile(r"[A-Z]{2,6}|[A-Z][a-z]{1,2}[A-Z][A-Za-z]{0,3}|Hons?|Esq")  # OBE, FRS, PhD, MSc
_NOT_HEAD = re.compile(r"(?i)[ \t]*(?:from|sent|to|cc|date|subject|re|our[ \t]+ref|your[ \t]+ref|ref)[ \t]*[:.]"
                       r"|.*@|.*\b(?:tel|phone|fax|mobile|email|e-mail|www)\b|.*https?:|.*\d")


@dataclass(frozen=True)
class LetterSign:
    """What a letter says of itself: its signatory's ``name``, ``roles`` and ``organisations`` (parts of the
    signature block), its ``letterhead`` (the first line above the salutation, when it names an organisation)
    and its ``date`` (``2013-03-12``, ``2013-03`` or ``2013``; None when it gives none)."""

    name: str | None
    roles: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    letterhead: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class LinkedEntry(SourceEntry):
    """An entry of another document's sources list that names a letter: ``document`` is that document (its
    source), ``score`` how well the entry names the letter (see :func:`score_entry`)."""

    document: str = field(default="", compare=False)
    score: float = field(default=0.0, compare=False)

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "document": self.document, "score": self.score}


@dataclass
class LinkDecision:
    """What the entries say of a letter: ``status`` is ``linked`` (``entry``: (document, key, version) of the
    entry that names it, the document being the one whose list it is) or ``ambiguous`` (``candidates``:
    (document, key) of the entries that fit equally well, none taken); ``score`` is the best entry's, ``clues``
    what it matched, and ``scores`` each of those entries' score by (document, key)."""

    status: str
    score: float
    clues: tuple[str, ...]
    entry: tuple[str, Any, Any] | None = None
    candidates: list[tuple[str, Any]] = field(default_factory=list)
    scores: dict[tuple[str, Any], float] = field(default_factory=dict)


# --- reading a letter -------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """``text`` lowered, accents taken off (``Tŷ`` reads ``ty``), typographic apostrophes made plain."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    """The content words of ``text``, folded: no stop words, digits or single letters, short forms spelt out
    ("Dept" is "department"), a possessive's "'s" and a plural's "s" taken off."""
    out = []
    for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", _fold(text)):
        w = re.sub(r"'s?$", "", w).replace("'", "")
        w = _SHORT.get(w, w)
        if len(w) < 2 or w in _STOP:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def _entry_words(text: str) -> frozenset[str]:
    """The words of an entry, and each two neighbours run together (so "Head Teacher" holds "headteacher")."""
    words = _words(text)
    return frozenset(words) | {a + b for a, b in zip(words, words[1:])}


def parse_date(text: str) -> str | None:
    """The first date in ``text``, as ``2013-03-12``, ``2013-03`` or ``2013`` (the precision it is written
    with): "12 March 2013", "12th of March, 2013", "March 12, 2013", "2013-03-12", "12/03/2013" (day first, unless
    the second number cannot be a month), "March 2013", "2013"."""
    found = _dates(text)
    return found[0] if found else None


@lru_cache(maxsize=1 << 16)
def _dates(text: str) -> tuple[str, ...]:
    out = []
    for m in _DATES.finditer(text):
        g = m.groupdict()
        if g["y6"]:
            out.append(g["y6"])
            continue
        k = next(i for i in "12345" if g[f"y{i}"])
        year, month, day = g[f"y{k}"], g[f"m{k}"], g.get(f"d{k}")
        month = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
        day = int(day) if day else None
        if k == "4" and month > 12 and day is not None and day <= 12:
            month, day = day, month  # 03/12/2013 read day first; 03/25/2013 cannot be
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            continue
        out.append(f"{year}-{month:02d}" + (f"-{day:02d}" if day else ""))
    return tuple(out)


def _name_parts(name: str) -> tuple[str | None, str | None]:
    """(first name or initial, surname) of a signatory's name: titles and letters after the name left out
    ("Professor Dame Jane Roe DBE FRS" gives ("Jane", "Roe")."""
    words = [w.strip(",.") for w in name.split()]
    words = [w for w in words if w and w.lower().rstrip(".") not in _TITLES]
    while len(words) > 1 and _POSTNOMINAL.fullmatch(words[-1]):
        words.pop()
    if not words:
        return None, None
    surname = words[-1]
    return (words[0] if len(words) > 1 else None), surname


def read_sign(text: str, letter: Any) -> LetterSign:
    """What the letter ``letter`` (an :class:`evalnlp.ingest._letters.Letter` found in ``text``) says of itself:
    see :class:`LetterSign`."""
    from evalnlp.ingest._letters import _lines, _parts

    parts: list[str] = []
    for s, e in _lines(text, letter.speaker_at, letter.sign[1]):
        for part in _parts(text[s:e]):
            parts += [p.strip() for p in part.split(",") if p.strip()]
    name = parts[0] if parts else None
    roles, organisations = [], []
    for part in parts[1:]:
        words = set(_words(part))
        (roles if words & ROLE_WORDS else organisations).append(part)
    head = _lines(text, letter.head[0], letter.salutation[0])
    letterhead = None
    if head:
        # (a reading text may run the letterhead's name and the address under it into one line)
        first = re.split(r"[ \t]+(?=\d)|[,|]", text[head[0][0]:head[0][1]])[0].strip()
        titled = first.split()[0].lower().rstrip(".") in _TITLES if first.split() else False
        if not _NOT_HEAD.match(first) and not parse_date(first) and not titled and _words(first):
            letterhead = first
    date = None
    for s, e in head:
        found = _dates(text[s:e])
        if found:
            date = max(found, key=len) if len(found[0]) == 4 else found[0]
            break
    return LetterSign(name=name, roles=tuple(roles), organisations=tuple(organisations), letterhead=letterhead,
                      date=date)


# --- scoring an entry -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Ordinary English words, and places and their peoples' words ("Oxford", "France", "USA", "Welsh")."""
    from evalnlp.redact import PLACES, common_words

    return common_words() | {_fold(p) for p in PLACES} | {"usa", "us", "eu", "un", "uae"}


def _ordinary(word: str) -> bool:
    """Is ``word`` (as :func:`_words` gives it) one that says little of which body is meant: a word many
    organisations' names share ("council", "university") or an ordinary English word ("research", "water")?
    The others ("Northshire", "Unilever", "HVPD") are a name's own."""
    return word in GENERIC_ORG_WORDS or word in _common()


def _own(words: Iterable[str]) -> bool:
    return any(not _ordinary(w) and w not in ROLE_WORDS for w in words)


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> tuple[tuple[str, ...], tuple[float, ...], bool]:
    """A role's or a name's words (once each), their weights (ordinary words half), and whether it is made of
    posts alone."""
    mine = tuple(dict.fromkeys(_words(phrase)))
    return mine, tuple(0.5 if _ordinary(w) else 1.0 for w in mine), all(w in ROLE_WORDS for w in mine)


def _share(phrase: str, words: frozenset[str]) -> tuple[float, bool, bool]:
    """How much of ``phrase`` the entry's ``words`` hold: (the weighted share of its words, a word of a post
    among those held, a name's own word among those held). Ordinary words weigh half."""
    mine, weights, _ = _phrase(phrase)
    if not mine:
        return 0.0, False, False
    held = [w for w in mine if w in words]
    share = sum(wt for w, wt in zip(mine, weights) if w in words) / sum(weights)
    return share, any(w in ROLE_WORDS for w in held), _own(held)


_LEAD = frozenset("of at for the with in to and".split())


@lru_cache(maxsize=4096)
def _role_body(role: str) -> str | None:
    """The body a role names after its post ("CEO of Imense Ltd", "Programme Manager at Marine Scotland",
    "Acting Chief Constable Strathclyde Police"), when it has a name's own word: a signature written on one
    line names its organisation so. "Director of Public Health" or "Head of Research" names a field, not a
    body: None."""
    words = role.split()
    posts = [i for i, w in enumerate(words) if set(_words(w)) & ROLE_WORDS]
    if not posts:
        return None
    tail = [w.strip(":,;-") for w in words[posts[-1] + 1:]]
    while tail and (not tail[0] or tail[0].lower() in _LEAD):
        tail = tail[1:]
    body = " ".join(w for w in tail if w)
    return body if body and (_own(_words(body)) or len(_words(body)) >= 3) else None


def _runs_in(words: Sequence[str], within: Sequence[str]) -> bool:
    """Do ``words`` stand one after the other in ``within``?"""
    n = len(words)
    return any(tuple(within[i:i + n]) == tuple(words) for i in range(len(within) - n + 1))


@lru_cache(maxsize=1024)
def _file_pattern(file: str) -> re.Pattern[str] | None:
    """The file's name as an entry writes it, folded: its name, or its stem with another extension of a document
    (a letter filed as PDF and listed as the Word file it was written in)."""
    name = _fold(file.rsplit("/", 1)[-1])
    stem = name.rsplit(".", 1)[0]
    if not name:
        return None
    forms = [re.escape(name)] + ([re.escape(stem) + r"\.(?:pdf|docx?|txt|md|rtf|odt)"] if stem else [])
    return re.compile(r"(?<![\w.-])(?:" + "|".join(forms) + r")(?![\w-])")


def _file_named(file: str | None, text: str) -> bool:
    """Does the entry's ``text`` name the file ``file`` (see :func:`_file_pattern`)?"""
    pattern = _file_pattern(file) if file else None
    return pattern is not None and pattern.search(_fold(text)) is not None


def score_entry(sign: LetterSign, file: str | None, text: str) -> tuple[float, tuple[str, ...]]:
    """How well the entry ``text`` names the letter of ``sign`` filed as ``file``: (points, the clues matched);
    see the module's description for the rules."""
    points, clues = 0.0, []
    if _file_named(file, text):
        points += 10
        clues.append("file")
    words = _entry_words(text)
    named = _name_patterns(sign.name or "")
    if named is not None:
        surname, full_name, ordinary = named
        said = surname.search(text)
        full = said and full_name is not None and full_name.search(text)
        # a surname that is also a word or a place ("Brown", "Mills", "Lincoln") counts with the first name only
        if full or (said and not ordinary):
            points += 4 if full else 3
            clues.append("surname")
    best_role = 0.0
    for role in sign.roles:
        share, post, _ = _share(role, words)
        posts_only = _phrase(role)[2]  # "Director", "Chief Executive": many have it
        if post:
            best_role = max(best_role, (1.0 if posts_only else 2.0) if share >= 0.999
                            else 1.0 if share >= 0.5 and not posts_only else 0.0)
    if best_role:
        points += best_role
        clues.append("role")
    elif sign.roles and words & _HEAD_POSTS:
        points -= OTHER_POST  # the entry names a post, not the signatory's: another writer of the same body
    best_org = 0.0
    bodies = [b for b in map(_role_body, sign.roles) if b]
    for org in (*sign.organisations, *([sign.letterhead] if sign.letterhead else []), *bodies):
        share, _, own = _share(org, words)
        mine = _words(org)
        if share >= 0.999:  # a name of ordinary words ("Local Government Staff Commission") counts as written
            best_org = max(best_org, 3.0 if _own(mine) or (len(mine) >= 3 and _runs_in(mine, _words(text)))
                           else 1.0)
        elif share >= 0.5 and own:
            best_org = max(best_org, 2.0)
    if best_org:
        points += best_org
        clues.append("organisation")
    if sign.date:
        agree, against = _date_points(sign.date, _dates(text))
        points += agree - against
        if agree > 0.5:  # (a year alone agrees with much: no clue of its own)
            clues.append("date")
    kind = _kind(text)
    if kind > 0:
        points += 1
        clues.append("letter")
    elif kind < 0:
        points -= OTHER_DOCUMENT
    return points, tuple(clues)


@lru_cache(maxsize=1 << 16)
def _kind(text: str) -> int:
    """1 for an entry that speaks of a letter, -1 for one that names a document of another kind and no letter,
    else 0."""
    return 1 if _LETTER_WORDS.search(text) else -1 if _OTHER_DOCUMENT.search(text) else 0


@lru_cache(maxsize=1024)
def _name_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str] | None, bool] | None:
    """For a signatory's name: (its surname as written, or in capitals; the first name or its initial before the
    surname; whether the surname is an ordinary word or a place), or None when it has no surname to look for."""
    first, surname = _name_parts(name)
    if not surname or len(surname) < 2 or _fold(surname) in _STOP | GENERIC_ORG_WORDS | ROLE_WORDS:
        return None
    said = re.compile(rf"(?<!\w)(?:{re.escape(surname)}|{re.escape(surname.upper())})(?!\w)")
    full = re.compile(rf"(?<!\w)(?:{re.escape(first)}|{re.escape(first[0])}\.?)[ \t]+(?:[A-Z]\.?[ \t]+)?"
                      rf"{re.escape(surname)}(?!\w)") if first else None
    return said, full, all(_ordinary(w) for w in _words(surname))


def _date_points(date: str, mentions: Sequence[str]) -> tuple[float, float]:
    """(points for the most precise mention agreeing with the letter's ``date``, points off when none agrees and
    one disagrees): a mention is compared to the precision both give."""
    agree, against = 0.0, 0.0
    for m in mentions:
        n = min(len(m), len(date))  # 4 a year, 7 a month, 10 a day
        if m[:n] == date[:n]:
            agree = max(agree, {4: 0.5, 7: 1.5, 10: 2.0}[n])
        else:
            against = max(against, 1.0 if n == 4 else 3.0)
    return agree, (0.0 if agree else against)


def _clears(points: float, clues: Sequence[str]) -> bool:
    return "file" in clues or (points >= THRESHOLD and len(clues) >= 2)


def is_note(label: Any) -> bool:
    """Whether an entry's ``label`` is a Word document's footnote's or endnote's (``footnote 3``, ``endnote ii``)."""
    return isinstance(label, str) and re.match(r"(?:foot|end)note \S", label) is not None


def _said(text: str) -> str:
    """An entry's words, to compare with another's: spacing, case and a closing full stop aside."""
    return " ".join(text.split()).rstrip(".").casefold()


def choose(sign: LetterSign, file: str | None, entries: Iterable[tuple[str, Any, str, Any]],
           notes: Collection[tuple[str, Any]] = ()) -> list[LinkDecision]:
    """Which of ``entries`` names the letter of ``sign`` filed as ``file``. ``entries`` are (document, key, text,
    version): the document whose sources list holds the entry, the key naming the entry in it (its place), its
    text, and its version (an entry stored in several versions, an edited list read again, counts by its
    best-scoring version, the latest of those).

    Entries naming the letter's file are the user's own word: each list holding one links it (its best such
    entry, unless another of them comes within :data:`MARGIN`), and no other entry is weighed. Otherwise every
    entry competes, whatever its list: the best is taken when it clears the threshold and no other entry comes
    within :data:`MARGIN` of it (then the decision is ``ambiguous``), so that a letter is linked to one entry at
    most, never to one of two that fit it equally well, in one list or in two. ``notes`` are the entries (document,
    key) that are a Word document's footnotes or endnotes: a note with the words of an entry of its document's list
    (the footnote citing a letter the list names) is that entry's source, and the list's entry stands for both.
    Returns the decisions (none when no entry clears the threshold), those of a named file in the order of the
    documents."""
    best: dict[tuple[str, Any], tuple[float, tuple[str, ...], Any]] = {}
    texts: dict[tuple[str, Any], str] = {}
    for doc, key, text, version in entries:
        points, clues = score_entry(sign, file, text)
        seen = best.get((doc, key))
        if seen is None or (points, version) > (seen[0], seen[2]):
            best[(doc, key)] = (points, clues, version)
            texts[(doc, key)] = text
    # a note that says the words of an entry of its document's list (a footnote citing the letter the list names)
    # names that entry's source: the list's entry stands for both, so that they never tie with each other
    listed = {(doc, _said(texts[(doc, key)])) for doc, key in best if (doc, key) not in notes}
    for doc, key in [k for k in best if k in notes]:
        if (doc, _said(texts[(doc, key)])) in listed:
            del best[(doc, key)]
    named = {k: v for k, v in best.items() if "file" in v[1]}
    if named:
        groups = [{k: v for k, v in named.items() if k[0] == doc} for doc in sorted({k[0] for k in named})]
    else:
        groups = [best]
    out = []
    for group in groups:
        if not group:
            continue
        ranked = sorted(group.items(), key=lambda kv: -kv[1][0])
        ((doc, key), (points, clues, version)) = ranked[0]
        if not _clears(points, clues):
            continue
        close = [(k, p) for k, (p, _, _) in ranked[1:] if p > points - MARGIN]
        if close:
            out.append(LinkDecision("ambiguous", points, clues, candidates=[(doc, key), *(k for k, _ in close)],
                                    scores={(doc, key): points, **dict(close)}))
        else:
            out.append(LinkDecision("linked", points, clues, entry=(doc, key, version), scores={(doc, key): points}))
    return out


def letter_source_ref(refs: Sequence[tuple[str | None, str | None]]) -> str | None:
    """The source reference a letter's testimonials take from the entries (``(ref, label)`` each) it is linked
    to: each entry's ref in square brackets, as a marker citing it reads (``[5.3]``, ``[C]``), a footnote or an
    endnote by its label (``[footnote 3]``), joined by "; "; None when there is none."""
    out = []
    for ref, label in refs:
        label = label or ""
        shown = label if re.fullmatch(r"(?:foot|end)note \S+", label) else (ref or label).strip()
        if shown:
            out.append(f"[{shown}]")
    return "; ".join(dict.fromkeys(out)) or None


# --- letters among the documents of one extract -------------------------------------------------------------


def of_letter(t: Any, letter: Any) -> bool:
    """Is the testimonial ``t`` a paragraph of the body of ``letter`` (not a quotation inside it, which keeps its
    own speaker and marker)?"""
    return (t.source_ref is None and t.speaker_start == letter.speaker_at and t.speaker == letter.speaker
            and letter.body[0] <= t.start < letter.body[1])


@dataclass
class LetterFound:
    """A letter of support found in a document by ``extract``, and how the sources lists of the documents read
    with it stand with it: ``status`` ``linked`` (``entries``), ``ambiguous`` (``candidates``: the entries that fit
    it equally well, none taken) or ``unnamed``; ``start``/``end`` the letter's extent in the document's text."""

    signatory: str
    sign: LetterSign
    start: int
    end: int
    status: str = "unnamed"
    entries: list[LinkedEntry] = field(default_factory=list)
    candidates: list[LinkedEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"signatory": self.signatory, "name": self.sign.name, "roles": list(self.sign.roles),
                "organisations": list(self.sign.organisations), "letterhead": self.sign.letterhead,
                "date": self.sign.date, "start": self.start, "end": self.end, "status": self.status,
                "source_entries": [e.to_json() for e in self.entries],
                "candidates": [e.to_json() for e in self.candidates]}


def link_documents(docs: Sequence[tuple[str, str, int | None, list, list[SourceEntry]]]
                   ) -> list[tuple[list, list[LetterFound]]]:
    """Link the letters of ``docs`` (each: source, text, where its sources section starts or None, testimonials,
    sources-list entries) to the entry of the documents' lists that names them (:func:`choose`): for each
    document, its testimonials (a letter's paragraphs with ``source_ref`` and ``source_entries`` those of the
    entries it is linked to, as :class:`LinkedEntry`) and its letters."""
    from dataclasses import replace

    from evalnlp.ingest._letters import find_letters

    pool = [(source, k + 1, e) for source, _, _, _, entries in docs for k, e in enumerate(entries)]
    out = []
    for source, text, end, testimonials, _ in docs:
        letters = []
        for letter in find_letters(text if end is None else text[:end]):
            sign = read_sign(text, letter)
            found = LetterFound(signatory=letter.speaker, sign=sign, start=letter.head[0], end=letter.sign[1])
            decisions = choose(sign, source, ((doc, k, e.text, 0) for doc, k, e in pool),
                               notes={(doc, k) for doc, k, e in pool if is_note(e.label)})
            scored = {where: p for d in decisions for where, p in d.scores.items()}
            entry = {(doc, k): e for doc, k, e in pool}

            def linked(doc: str, k: int) -> LinkedEntry:
                e = entry[(doc, k)]
                return LinkedEntry(e.ref, e.label, e.text, e.start, e.end, e.kind, document=doc,
                                   score=round(scored[(doc, k)], 2))

            found.entries = [linked(*d.entry[:2]) for d in decisions if d.status == "linked"]
            found.candidates = [linked(*where) for d in decisions if d.status == "ambiguous"
                                for where in d.candidates]
            found.status = "linked" if found.entries else "ambiguous" if found.candidates else "unnamed"
            if found.entries:
                ref = letter_source_ref([(e.ref, e.label) for e in found.entries])
                testimonials = [replace(t, source_ref=ref, source_entries=tuple(found.entries))
                                if of_letter(t, letter) else t for t in testimonials]
            letters.append(found)
        out.append((testimonials, letters))
    return out
