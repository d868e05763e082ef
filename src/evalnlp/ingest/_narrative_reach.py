"""Reach figures: counts of people, organisations or populations, found in normalised text.

A figure is a number (digits, a number word, a scale such as "2.9 million", a range or ``60+``)
with an optional hedging qualifier, followed by a short noun phrase whose head names people,
organisations or places reached, or preceded by an audience noun (``readership 130,000``). Money,
percentages, years, page and reference numbers, vague quantities and counts of things are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "dozen": 12,
}
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "m": 1e6, "k": 1e3,
          "bn": 1e9}

_NUMWORD = r"(?:" + "|".join(sorted((w for w in _UNITS_WORDS if " " not in w), key=len, reverse=True)) + r")"
_NW_TENS = rf"(?:{_NUMWORD}(?:[- ]{_NUMWORD})?)"
_NW_HUNDREDS = rf"(?:(?:{_NW_TENS}|a)[- ]hundred(?:\s+and\s+{_NW_TENS})?|{_NW_TENS})"
# "twenty-four", "three hundred and fifty", "a hundred", "five thousand six-hundred", "a thousand"
_NUMWORD_FULL = rf"(?:{_NW_HUNDREDS}(?:[- ]thousand(?:,?\s+(?:and\s+)?{_NW_HUNDREDS}\b)?)?|a[- ]thousand)"
# "1,200", "170 000" (a space as thousands separator, not followed by another digit group), "1.5", "700.000"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+(?![\d,])|\d+)(?:\.\d+)?"
_SCALE_RE = r"(?:\s*(?:million|billion|thousand|hundred)\b|(?:m|k|bn)\b)"
_ONE_NUM = (rf"(?:{_DIGITS}|{_NUMWORD_FULL}\b)(?:\s+and\s+a\s+half(?=\s+(?:million|billion|thousand)))?"
            rf"(?:{_SCALE_RE})?(?:\+|-plus\b)?")
NUMBER = rf"(?P<num>{_ONE_NUM}(?:\s*(?:-|–|to)\s*{_ONE_NUM})?)"
QUALIFIER = (
    r"(?P<qual>(?:(?:(?:just|well|slightly)\s+)?(?:over|under|more\s+than|fewer\s+than|less\s+than)|"
    r"around|approximately|about|almost|nearly|at\s+least|up\s+to|some|roughly|circa|ca|"
    r"an\s+estimated|estimated|in\s+excess\s+of|upwards\s+of|close\s+to|as\s+many\s+as|"
    r"a\s+further|another)\s+|"
    # abbreviations and signs may stand glued to the number: "c.25", "ca. 1000", "~200", ">6000"
    r"(?:c\.|ca\.|approx\.|~|>|≈)\s*)"
)

PEOPLE = {
    "people", "persons", "person", "individuals", "participants", "delegates", "attendees",
    "students", "pupils", "children", "youths", "youth", "women", "men", "girls", "boys", "mothers",
    "fathers", "parents", "families", "households", "patients", "carers", "caregivers", "clinicians",
    "doctors", "gps", "nurses", "midwives", "practitioners", "professionals", "managers",
    "directors", "staff", "employees", "workers", "volunteers", "teachers", "headteachers",
    "schools", "trusts", "organisations", "organizations", "companies", "businesses", "firms",
    "smes", "charities", "agencies", "bureaux", "bureaus", "authorities", "councils", "ccgs", "groups", "members",
    "analysts", "auditors", "caseworkers", "advocates", "paralegals",
    "member", "users", "viewers", "listeners", "readers", "visitors", "subscribers", "followers",
    "judges", "magistrates", "registrars", "advisers", "advisors", "officers", "officials",
    "policymakers", "policy-makers", "decision-makers", "makers", "leaders", "stakeholders",
    "countries", "nations", "states", "districts", "regions", "towns", "villages", "cities",
    "areas", "communities", "counties", "municipalities", "provinces", "boroughs", "parishes",
    "hospitals", "practices", "surgeries", "universities", "colleges", "institutions", "partners",
    "forces", "services", "providers", "commissioners", "residents", "citizens", "consumers",
    "customers", "clients", "players", "athletes", "coaches", "trainers", "farmers", "teams",
    "clubs", "academics", "researchers", "scientists", "engineers", "lawyers", "solicitors",
    "police", "officers", "journalists", "editors", "ministers", "mps", "councillors",
    "governments", "departments", "ngos", "trainees", "apprentices", "learners", "graduates",
    "survivors", "victims", "offenders", "prisoners", "refugees", "migrants", "veterans",
    "adults", "infants", "babies", "newborns", "adolescents", "teenagers", "elders", "pensioners",
    "fans", "spectators", "audiences", "audience", "readership", "viewership", "listenership",
    "membership", "population", "populations", "inhabitants", "employers", "manufacturers",
    "retailers", "suppliers", "operators", "unions", "associations", "societies", "bodies",
    "boards", "panels", "committees", "networks", "consortia", "partnerships", "sites",
    "settlements", "wards", "neighbourhoods", "neighborhoods", "territories", "islands",
    "peaceworkers", "champions", "ambassadors", "mentors", "tutors", "lecturers", "educators",
    "therapists", "pharmacists", "dentists", "surgeons", "physicians", "paramedics", "consultants",
    "executives", "chiefs", "heads", "governors", "trustees", "designers", "artists", "writers",
    "musicians", "performers", "curators", "archivists", "librarians", "entrepreneurs",
    "ceos", "architects", "planners", "developers", "contractors", "inspectors", "regulators",
    "representatives", "delegations", "households", "homes", "cohorts", "classes", "pharmacies",
    "clinics", "libraries", "museums", "venues", "churches", "mosques", "temples", "prisons",
    "friends", "beneficiaries", "assistants", "clergy", "guests", "respondents", "experts",
    "licensees", "scholars", "servants", "actors", "recipients", "candidates", "dancers", "singers",
    "enterprises", "contributors", "sponsors", "finalists", "signatories", "reviewers",
    "fellows", "passengers", "authors", "farms", "laboratories", "jurisdictions", "courts", "banks",
    "owners", "landowners", "tenants", "traders", "growers", "producers", "investors", "donors",
    "attenders", "interns", "applicants", "entrants", "undergraduates", "postgraduates", "alumni",
    "schoolchildren", "kids", "seniors", "householders", "smallholders", "fishermen", "fisherfolk",
    "soldiers", "troops", "personnel", "crew", "inmates", "detainees", "defendants", "claimants",
    "jurors", "witnesses", "peers", "legislators", "institutes", "foundations", "corporations",
    "pcts", "leas", "heis", "meps", "csos", "year-olds",
    # the NHS workforce and services
    "sisters", "matrons", "porters", "cleaners", "chaplains", "orderlies", "sonographers", "radiographers",
    "supervisors", "coordinators", "facilitators", "administrators", "secretaries", "hospices", "deaneries",
    "icbs", "pcns", "stps",
}
# plurals of these endings name people ("bioethicists", "statisticians"), but not these words
_PEOPLE_SUFFIXES = ("ists", "ians")
_NOT_PEOPLE = {"lists", "twists", "exists", "insists", "consists", "resists", "assists", "persists", "mists",
               "wrists", "fists", "gists", "checklists", "playlists", "shortlists", "wishlists"}
# abbreviations read in their own case only ("32 LAs", not "Las Vegas")
_PEOPLE_CASED = {"LAs"}


def _is_people(word: str, cased: str = "") -> bool:
    """Does the lower-case ``word`` (``cased`` as written) name people, organisations or places?"""
    if word in PEOPLE or cased in _PEOPLE_CASED:
        return True
    if re.fullmatch(r"\d+(?:-(?:to-)?\d+)?-year-olds?", word):
        return True  # "130 11-to-18-year-olds"
    return len(word) > 5 and word.endswith(_PEOPLE_SUFFIXES) and word not in _NOT_PEOPLE
# Words that make the count one of things even when a people word comes before them.
THINGS = {
    "projects", "visits", "sessions", "meetings", "copies", "downloads", "views", "images",
    "samples", "assessments", "interviews", "attendances", "articles", "workshops", "events",
    "computers", "sports", "papers", "reports", "programmes", "programs", "courses", "hours",
    "days", "weeks", "months", "years", "minutes", "pages", "centres", "centers", "deaths",
    "cases", "forum", "forums", "plans", "records", "surveys", "questionnaires", "posts", "items", "pieces",
}
_STOP = {
    "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "into", "across", "over", "under", "who", "which", "that", "whom", "whose", "were", "was",
    "are", "is", "be", "been", "have", "has", "had", "will", "would", "can", "could", "may",
    "per", "each", "than", "as", "through", "including", "during", "between", "since", "via",
    "within", "around", "about", "this", "these", "those", "their", "its", "his", "her", "our",
    "all", "both", "also", "not", "no", "so", "if", "when", "where", "while", "after", "before",
    "such", "using", "used", "attending", "took", "take", "taking", "has", "received", "every",
}
_AUDIENCE_FIRST = re.compile(
    r"\b(?P<unit>population|readership|audiences?|viewership|listenership|membership|circulation|attendance)"
    r"(?:\s+(?:size|reach|figures?|numbers?))?"
    r"(?:\s*(?:of\s+between|of|:|was|is|were|=|ranging\s+from|averaging|growing\s+from|numbering)\s*|\s+)"
    + QUALIFIER.replace("?P<qual>", "?P<qual2>") + "?"
    + NUMBER.replace("?P<num>", "?P<num2>"),
    re.IGNORECASE,
)
# "c.25" and "ca. 1000": a number glued to an abbreviated qualifier
_FIGURE = re.compile(rf"(?:(?<=\bc\.)|(?<=\bca\.)|(?<=\bapprox\.)|(?<![\w£$€.,/#-])){NUMBER}"
                     r"(?![\w%.,/]\w|%|\s*per\s*cent)", re.IGNORECASE)
_QUAL_BEFORE = re.compile(rf"(?<![\w-]){QUALIFIER}$", re.IGNORECASE)
_NP_WORD = re.compile(r"\d+(?:-(?:to-)?\d+)?-year-olds?\b|[A-Za-z][\w'’&-]*")


@dataclass(frozen=True)
class ReachSpan:
    """A reach figure in norm offsets."""

    start: int
    end: int
    value: float
    unit_start: int | None
    unit_end: int | None


def parse_number(s: str) -> float | None:
    """``"5.23 million"`` -> 5230000.0, ``"60+"`` -> 60.0, ``"50 - 200"`` -> 50.0, ``"two"`` -> 2.0,
    ``"170 000"`` and ``"700.000"`` -> thousands, ``"Five thousand six-hundred"`` -> 5600.0."""
    s = re.sub(r"-plus$", "", s.strip().lower()).rstrip("+")
    # a range gives its lower bound; a hyphen between number words ("twenty-four") is no range
    first = re.split(r"\s*(?:(?<=[\d+])\s*-\s*(?=\d)|\s-\s|–|\bto\b)\s*", s, maxsplit=1)[0].strip().rstrip("+")
    if not first:
        return None
    m = re.fullmatch(r"((?:\d{1,3}(?:[, ]\d{3})+|\d+)(?:\.\d+)?)\s*(million|billion|thousand|hundred|m|k|bn)?", first)
    if m:
        digits = m.group(1)
        if not m.group(2) and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
            digits = digits.replace(".", "")  # "700.000 people": a point as thousands separator
        val = float(digits.replace(",", "").replace(" ", ""))
        return val * _SCALE[m.group(2)] if m.group(2) else val
    tens = re.fullmatch(r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:twenty|thirty|forty|fifty|sixty|"
                        r"seventy|eighty|ninety)", first)
    if tens:
        return float(_UNITS_WORDS[tens.group(1)])  # "twenty-thirty children": a range
    m = re.fullmatch(r"((?:\d+)(?:\.\d+)?)\s+and\s+a\s+half\s+(million|billion|thousand)", first)
    if m:
        return (float(m.group(1)) + 0.5) * _SCALE[m.group(2)]
    total = _words_value(first)
    return total if total else None


def _words_value(s: str) -> float:
    """The value of number words, 0.0 when a word is not one (``"a dozen"`` -> 12.0)."""
    total = 0.0
    cur = 0.0
    for w in re.split(r"[- ,]+", s.strip()):
        if w in ("", "and", "a"):
            continue
        if w == "dozen":
            cur = (cur or 1) * 12  # "two dozen"
        elif w == "half":
            cur += 0.5  # "two and a half million"
        elif w in _UNITS_WORDS:
            cur += _UNITS_WORDS[w]
        elif w == "hundred":
            cur = (cur or 1) * 100
        elif w in ("thousand", "million", "billion"):
            total += (cur or 1) * _SCALE[w]
            cur = 0.0
        else:
            return 0.0
    return total + cur


def _is_year(num: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20)\d\d", num.strip()))


_LABEL_MODIFIER = re.compile(r"(?:(?:Year|Key Stage|KS|Grade) ?\d{1,2}|[PS]\d)(?= [A-Za-z])")


def _head_noun(text: str, pos: int) -> tuple[int, int] | None:
    """Unit span (norm offsets) of the counted noun phrase starting at ``pos``, or None."""
    words: list[tuple[int, int, str, str]] = []  # start, end, lower case, as written
    j = pos
    while len(words) < 6:
        k = j + 1 if text.startswith(" ", j) else j
        lab = _LABEL_MODIFIER.match(text, k) if k > j else None
        if lab:  # "50 Year 9 pupils": a class label inside the noun phrase
            words.append((k, lab.end(), lab.group(0).lower(), lab.group(0)))
            j = lab.end()
            continue
        wm = _NP_WORD.match(text, k)
        if wm is None:
            break
        w = wm.group(0)
        lw = w.lower() if w[:1].isdigit() else re.sub(r"\d+$", "", w.lower())
        if (lw in _STOP and not (lw == "and" and words)) or (words and lw in _UNITS_WORDS):
            break  # a stop word, or a second number ("three of these videos feature two actors")
        if lw == "and":
            # Coordination: after a people noun or a modifier ("20 GCSE and A-Level students"), not after a plural
            # of things ("30 languages and serves library users"); the next conjunct must be a short people noun phrase.
            prev, prev_cased = words[-1][2], words[-1][3]
            rest = _conjunct(text, wm.end()) if _is_people(prev, prev_cased) or not prev.endswith("s") else None
            if rest is None:
                break
            words.append((k, rest, text[k:rest].lower(), text[k:rest]))
            j = rest
            break
        if lw.endswith("ing") and any(_is_people(x[2], x[3]) for x in words):
            break  # "six partners spanning international companies": a clause after the head
        cased = w if w[:1].isdigit() else re.sub(r"\d+$", "", w)
        words.append((wm.start(), wm.start() + len(cased), lw, cased))
        j = wm.end()
        if j < len(text) and text[j] not in " -":
            break
    # Head: the last people word (possessives such as women's are modifiers, not heads; a capitalised
    # word before another is part of a name: "two Youth Citizenship conferences", "BBC Three Counties Radio").
    head = None
    for idx, (_a, _b, w, cased) in enumerate(words):
        last = w.split()[-1] if " " in w else w
        key = re.sub(r"['’]s$", "", last)
        if re.search(r"['’]s$", w) or not _is_people(key, cased.split()[-1] if cased.split() else cased):
            continue
        if " " not in w and cased[:1].isupper() and idx + 1 < len(words) and words[idx + 1][3][:1].isupper():
            continue
        head = idx
    if head is None:
        return None
    if head + 1 < len(words) and words[head + 1][2] in THINGS and words[head][2] != "member":
        return None
    if any(w in THINGS for _, _, w, _c in words[: head + 1]):
        return None
    end = words[head][1]
    tail = re.match(r" of (?:the public|[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,3})", text[end:end + 80])
    if tail and words[head][2] in {"members", "regions", "districts", "areas", "parts", "states",
                                   "counties", "towns", "cities", "villages", "communities"}:
        end += tail.end()
    return words[0][0], end


def _conjunct(text: str, pos: int) -> int | None:
    j = pos
    last_people: int | None = None
    for _ in range(4):
        wm = _NP_WORD.match(text, j + 1) if j < len(text) and text[j] == " " else None
        if wm is None:
            break
        lw = wm.group(0).lower()
        if lw in _STOP or lw in _UNITS_WORDS or lw[:1].isdigit():
            break
        if _is_people(lw, wm.group(0)):
            last_people = wm.end()
        j = wm.end()
    return last_people


@dataclass(frozen=True)
class Candidate:
    """A number that may open a reach figure: ``text[ns:ne]`` is the number, ``unit`` its counted noun
    phrase (norm offsets), ``start`` where the figure starts (a hedging qualifier or a range's first number)."""

    text: str
    ns: int
    ne: int
    start: int
    unit: tuple[int, int]

    @property
    def number(self) -> str:
        return self.text[self.ns:self.ne]


# --- reasons a number followed by a people noun is not a reach figure (one predicate each) ---------


def money_or_percentage(c: Candidate) -> bool:
    """``£3 million``, ``40 per cent``, ``25%``."""
    return _money_or_pct(c.text, c.ns, c.ne)


def label_page_or_reference(c: Candidate) -> bool:
    """``Year 9 pupils``, ``p. 12``, ``Table 3``, ``[4]``: a label or pointer, not a count."""
    return _page_or_ref(c.text, c.ns, c.ne)


def year(c: Candidate) -> bool:
    """``2012 teachers`` is a year before a noun unless a qualifier says it is a count (``over 2012``)."""
    first = re.split(r"\s*(?:-|–|to)\s*", c.number.strip())[0]
    return _is_year(first) and not _QUAL_BEFORE.search(c.text, max(0, c.ns - 30), c.ns)


def bare_one(c: Candidate) -> bool:
    """``one school`` is not a reach figure."""
    return re.fullmatch(r"one|1", c.number.strip().lower()) is not None


_NAME_WORD_BEFORE = re.compile(r"(?<![.!?:;]\s)(?<![.!?:;])\b([A-Z][\w&'’-]*)\s+$")


def inside_a_name(c: Candidate) -> bool:
    """A digit between two capitalised words belongs to a name (``Football 4 Peace reached children``,
    ``Agenda 21 Partners``), not a count; a determiner or qualifier before it (``The 40 schools``) does not
    count as a name word."""
    if not c.number.strip()[:1].isdigit():
        return False
    before = _NAME_WORD_BEFORE.search(c.text, max(0, c.ns - 40), c.ns)
    if before is None or before.group(1).lower() in _STOP | _NAME_EXCEPT:
        return False
    if _LABEL_MODIFIER.match(c.text, c.ne + 1):
        return False  # "50 Year 9 pupils": a class label after the count
    return re.match(r"\s+[A-Z]", c.text[c.ne:c.ne + 3]) is not None


_NAME_EXCEPT = {"over", "about", "around", "some", "nearly", "almost", "approximately", "just", "another",
                "further", "only", "every", "total", "all", "these", "those", "our", "his", "her", "its",
                "their", "the", "a", "an"}
_BODY = re.compile(r"[\s-]*(?:[a-z]+\s+){0,2}(?:panel|board|committee|jury|team|group|council|commission|"
                   r"delegation|consortium|steering)s?\b", re.IGNORECASE)


def size_of_a_body(c: Candidate) -> bool:
    """``a 5 member review panel``: the size of a body, not people reached (``600+ member forum`` is
    a reach figure: a forum is open to its members)."""
    return c.text[c.unit[0]:c.unit[1]].lower() == "member" and _BODY.match(c.text, c.unit[1]) is not None


_NEGATIVE_OUTCOME = re.compile(
    r"\s+(?:who\s+|that\s+)?(?:were|was|had\s+been|have\s+been|has\s+been|are|being|got)\s+(?:later\s+|subsequently\s+|"
    r"then\s+|all\s+|also\s+)?(?:disqualified|banned|suspended|excluded|expelled|dismissed|sacked|killed|injured|"
    r"arrested|charged|convicted|imprisoned|jailed|sentenced|sanctioned|deported|evicted|died|lost|self-immolated|"
    r"paralysed|paralyzed)\b"
    r"|(?:\s+in\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)?"
    r"\s+(?:died|die|dies|dropped\s+out|withdrew|failed|self-immolated|sentenced|paralysed|paralyzed|"
    r"(?:are\s+|were\s+)?(?:diagnosed|suffering|suffer)\s+(?:with|from))\b"
    r"|(?:\s+in\s+(?:the\s+)?[A-Z][\w-]*)?\s+(?:who\s+)?(?:are\s+|were\s+)?(?:living|live)\s+with\s+"
    r"(?:an?\s+)?(?:[\w-]+\s+)?(?:condition|illness|disease|"
    r"disorder|paralysis|dementia|hiv|aids|cancer|diabetes|disabilit\w+|arthritis|pain|injur\w+|impairment|"
    r"syndrome|obesity|depression|sclerosis)\b",
    re.IGNORECASE)


def negative_outcome(c: Candidate) -> bool:
    """``12 athletes were disqualified``, ``40 patients died``, ``50,000 people living with paralysis``, ``in all
    but 5 infants``: people counted for what befell them (a burden statistic) or left out, not reached by the work."""
    return _NEGATIVE_OUTCOME.match(c.text, c.unit[1]) is not None or \
        re.search(r"\ball\s+but\s+$", c.text[max(0, c.start - 12):c.start]) is not None


_EMPLOY_BEFORE = re.compile(r"\b(?:employ(?:s|ed|ing)?|employment\s+for|hire[sd]?|hiring|workforce\s+of|headcount\s+of|"
                            r"jobs?\s+for|appointment\s+of|appointed|"
                            r"manag(?:e|es|ed|ing))\s+"
                            r"(?:(?:a\s+total\s+of|a\s+further|some|over|around|about|approximately|more\s+than|"
                            r"nearly|almost|up\s+to|at\s+least|~)\s*)?$"
                            r"|\b(?:with|has|have|had|involving)\s+(?:(?:over|around|about|some|nearly|almost|~)\s*)?$",
                            re.IGNORECASE)
# "Two workers were employed", "Twenty-one people have worked for the firm", "100 staff ... were transferred"
_EMPLOY_AFTER = re.compile(r"(?:\s+[^\s.;()]+){0,4}?\s+(?:were|was|are|is|have\s+been|had\s+been|have|had)\s+"
                           r"(?:(?:since|subsequently|then|also|all)\s+)?"
                           r"(?:employed|appointed|hired|transferred|worked\s+for|working\s+for)\b"
                           r"|\s+(?:work|worked)\s+for\b", re.IGNORECASE)
_JOBS_BEFORE = re.compile(r"\b(?:jobs|employ(?:s|ed|ing)?|employees)\b[^.;]{0,40}"
                          r"\b(?:including|as\s+well\s+as)\b[^.;]*$",
                          re.IGNORECASE)


def employees(c: Candidate) -> bool:
    """``The firm employs 12 full-time staff``, ``Two workers were employed``, ``13 jobs created including 4
    engineers``: a workforce hired or managed is a firm's size or an outcome, not people reached."""
    unit = c.text[c.unit[0]:c.unit[1]].lower()
    if re.search(r"\b(?:full-time|part-time|fte)\b", unit):
        return True
    if _EMPLOY_AFTER.match(c.text, c.unit[1], min(len(c.text), c.unit[1] + 60)):
        return True
    if _JOBS_BEFORE.search(c.text, max(0, c.start - 80), c.start):
        return True
    m = _EMPLOY_BEFORE.search(c.text, max(0, c.ns - 40), c.ns)
    if m is None:
        return False
    if not m.group(0).lower().startswith(("with", "has", "have", "had", "involving")):
        return True
    # "a firm with 56,700 employees": only a count of employees or staff is the firm's size
    return unit.split()[-1] in {"employees", "staff"}


def announces_a_list(c: Candidate) -> bool:
    """``in the following four areas``: a number that announces the items of a list (a pointer to what
    follows), not a count of people reached (``consultancies with three Probation Trusts:`` keeps its reach)."""
    return re.search(r"\bfollowing\s+$", c.text[max(0, c.start - 30):c.start], re.IGNORECASE) is not None


def compared_groups(c: Candidate) -> bool:
    """``between the two groups``, ``assigns workers to two groups``: the arms of a study or comparison,
    not people reached (``30 community groups`` keeps its reach: a number above five or a modifier)."""
    unit = c.text[c.unit[0]:c.unit[1]].lower()
    if unit not in {"groups", "arms", "cohorts"}:
        return False
    value = parse_number(c.number)
    return value is not None and value <= 5


def one_of(c: Candidate) -> bool:
    """``one of three members of the committee``, ``one of 50 schools``: the count frames a single one."""
    return re.search(r"\bone\s+of\s+(?:the\s+|only\s+)?$", c.text[max(0, c.start - 16):c.start],
                     re.IGNORECASE) is not None


_PER_CONTAINER = re.compile(r"\s+(?:per|in\s+each|in\s+every|a)\s+(?!year|annum|month|week|day|night|session|event|"
                            r"performance|show|screening|edition|episode|issue|broadcast|term|semester|course|"
                            r"conference|workshop|lecture|meeting|visit|programme|year)\w+", re.IGNORECASE)
_RATE_BEFORE = re.compile(r"\b(?:every|each|per|out\s+of|(?:one|\d+)\s+in)\s+$"
                          r"|(?<![\w.,])\d[\d,]*\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def rate_or_ratio(c: Candidate) -> bool:
    """``21 cases for every 100,000 women``, ``(9 of 24 patients)``, ``133rd out of 174 countries``, ``at least
    2 people per household``: a denominator or an average size, not people reached (``200 people per year``
    keeps its reach)."""
    if _RATE_BEFORE.search(c.text, max(0, c.start - 24), c.start):
        return True
    m = _PER_CONTAINER.match(c.text, c.unit[1])
    return m is not None and m.group(0).split()[0].lower() != "a"


_ABSTRACT = {"key", "main", "major", "priority", "focus", "thematic", "policy", "research", "subject", "topic",
             "core", "broad", "specific", "distinct", "important", "strategic", "principal", "critical",
             "separate", "impact", "problem", "technical", "patent", "product", "language", "font", "gene",
             "protein", "chemical", "compound", "risk", "disease", "work", "practice", "possible", "potential",
             "candidate"}
_GENERIC_HEADS = {"areas", "area", "classes", "groups", "types", "kinds", "sets", "families", "forms", "bodies",
                  "networks", "cohorts", "panels", "sites", "services", "practices", "teams", "states"}
_OF_PLACE = {"high", "low", "social", "multiple", "deprivation", "poverty", "need", "the"}


def generic_things(c: Candidate) -> bool:
    """``three major areas: policy ...``, ``two different classes of enclosure``, ``two patent families``: a word
    that can name people or places (areas, classes, families) used for things or topics (``20 rural areas`` and
    ``three groups of carers`` keep their reach)."""
    words = c.text[c.unit[0]:c.unit[1]].lower().split()
    if words[-1] not in _GENERIC_HEADS:
        return False
    if any(w in _ABSTRACT for w in words[:-1]):
        return True
    after_unit = c.text[c.unit[1]:c.unit[1] + 20]
    if words[-1] in {"areas", "area"} and re.match(r"\s*:|\s+(?:related|relating)\s+to\b", after_unit):
        return True
    m = re.match(r" of ((?:[a-z][\w-]*)(?: [a-z][\w-]*){0,2})", c.text[c.unit[1]:c.unit[1] + 60])
    if m is None:
        return False
    after = m.group(1).split()
    return after[0] not in _OF_PLACE and not any(_is_people(w) for w in after)


_SIZE_BEFORE = re.compile(r"\b(?:household|family|team|crew|consortium|coalition|alliance|partnership)\s+of\s+$"
                          r"|\b(?:co-)?founded\s+by\s+(?:the\s+)?$", re.IGNORECASE)


def size_of_a_team_or_consortium(c: Candidate) -> bool:
    """``a household of six people``, ``a team of 45 people``, ``a consortium of 12 universities``, ``founded by
    four partner NGOs``: the size of a household, a team or a consortium, not people reached."""
    if _SIZE_BEFORE.search(c.text, max(0, c.start - 30), c.start) is not None:
        return True
    if not re.search(r"\bpartners$", c.text[c.unit[0]:c.unit[1]], re.IGNORECASE):
        return False
    # "a project with 19 partners", "the consortium's six industrial partners"
    sentence = re.split(r"[.!?]\s", c.text[max(0, c.start - 100):c.start])[-1]
    return re.search(r"\b(?:project|consortium|consortia)\b", sentence + c.text[c.unit[0]:c.unit[1]],
                     re.IGNORECASE) is not None


# "members of Professor Roe's research team", "members of the lab": the people of the team that did the work
_OWN_TEAM_AFTER = re.compile(r"\s+of\s+(?:(?:the|our|their|his|her|its|this|that)\s+|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*"
                             r"['’]s?\s+)?(?:[a-z-]+\s+){0,2}(?:team|lab|laboratory|department|faculty|research\s+group|"
                             r"project\s+group)s?\b")
# "the two authors", "its 3 directors": a definite count of those who made the work or run the firm
_OWN_PEOPLE = {"authors", "co-authors", "coauthors", "editors", "directors", "founders", "co-founders",
               "investigators", "co-investigators"}


def the_team_itself(c: Candidate) -> bool:
    """``three members of Professor Roe's research team``, ``the 2 authors``, ``the firm has 3 directors``: the
    people who made the work or run the firm are counted, not people the work reached."""
    unit = c.text[c.unit[0]:c.unit[1]].lower()
    head = unit.split()[-1] if unit.split() else ""
    member = re.match(r"(?:[\w-]+\s+){0,2}?members?\b", unit)
    if member is not None and _OWN_TEAM_AFTER.match(c.text, c.unit[0] + member.end()) is not None:
        return True
    if head not in _OWN_PEOPLE:
        return False
    before = c.text[max(0, c.start - 30):c.start]
    # a definite or possessive determiner before the count ("the 2 authors", "its 3 directors")
    if re.search(r"\b(?:the|its|our|their|his|her)\s+$", before, re.IGNORECASE) is not None:
        return True
    # a verb of having ("the firm has 3 directors"), unless others' posts follow ("workshops with 40 directors
    # of public health", "has met 12 directors from partner trusts": the people reached)
    return (re.search(r"\b(?:has|have|had|with)\s+$", before, re.IGNORECASE) is not None
            and re.match(r"\s+(?:of|from|at|in|across)\b", c.text[c.unit[1]:c.unit[1] + 10]) is None)


def vague_one_or_two(c: Candidate) -> bool:
    """``performances involving one or two artists``: an approximate handful, not a count."""
    return re.search(r"\b(?:one|a)\s+or\s+$", c.text[max(0, c.start - 10):c.start], re.IGNORECASE) is not None


_PROSPECT_BEFORE = re.compile(r"\b(?:target(?:s|ed|ing)?|aim(?:s|ed|ing)?\s+to\s+\w+|"
                              r"expected|anticipated|projected|planned|hop(?:es|ing)\s+to\s+\w+)\s+"
                              r"(?:(?:an?|the|audience\s+of|reach\s+of|to\s+\w+)\s+)?$", re.IGNORECASE)


def prospective(c: Candidate) -> bool:
    """``It targets 14 million homes``, ``an expected 2,000 users``: people the work hopes to reach, not reached
    (a potential reach, ``reaching potentially two million people``, is kept, as the annotation conventions do)."""
    return _PROSPECT_BEFORE.search(c.text, max(0, c.start - 40), c.start) is not None


_POWER_BEFORE = re.compile(r"\b(?:power(?:s|ing)?|supply(?:ing)?\s+electricity\s+(?:to|for)|equivalent\s+to|"
                           r"enough\s+(?:\w+\s+){0,2}(?:for|to\s+power))\s+$", re.IGNORECASE)


def capacity(c: Candidate) -> bool:
    """``a capacity to power almost 30,000 homes``: a measure of output, not homes reached."""
    return _POWER_BEFORE.search(c.text, max(0, c.start - 40), c.start) is not None


REJECTS: tuple = (money_or_percentage, label_page_or_reference, year, bare_one, inside_a_name, size_of_a_body,
                  negative_outcome, employees, announces_a_list, compared_groups, one_of, rate_or_ratio,
                  generic_things, size_of_a_team_or_consortium, the_team_itself, vague_one_or_two, capacity, prospective)
_BETWEEN = re.compile(rf"\bbetween\s+(?P<low>{_ONE_NUM})\s+and\s+$", re.IGNORECASE)


_ONE_NUM_RE = re.compile(_ONE_NUM, re.IGNORECASE)


def candidates(text: str):
    """Numbers followed by a counted people noun phrase, before any rejection (see :data:`REJECTS`)."""
    for m in _FIGURE.finditer(text):
        ns, ne = m.start("num"), m.end("num")
        unit = _head_noun(text, ne + 6 if text.startswith(" or so ", ne) else ne)  # "100 or so participants"
        if unit is None:
            continue
        yield Candidate(text, ns, ne, _figure_start(text, ns), unit)


_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_GREW = re.compile(r".+?\s+to\s+(?P<high>\S.*)$")


def _figure_start(text: str, ns: int) -> int:
    """Where a figure whose number starts at ``ns`` starts: at a hedging qualifier before it ("over 300",
    "estimated 2.9 million" without its article), not at "a total of", "a further" or "another"; at a range's
    first number."""
    qm = _QUAL_BEFORE.search(text, max(0, ns - 30), ns)
    qual = qm.group("qual").lower() if qm else ""
    start = qm.start() if qm else ns
    if qual.startswith(("a further", "another")):
        start = ns
    elif qual.startswith("an "):
        start = qm.start() + 3
    between = _BETWEEN.search(text, max(0, ns - 40), ns)
    if between:
        start = between.start("low")  # "between 200 and 300 nurses": the range starts at its first number
    return start


# elliptical counts whose noun is left out or given by a pronoun: "3,700 of whom", "approximately 750 of which
# have been recruited" (after a people noun), "5,600 of these patients", "a group of 30 from the Globe"
_OF_WHOM = re.compile(r"\s+of\s+(?P<pro>whom|which|these|those)\b")
_GROUP_OF = re.compile(r"\b(?:group|party|delegation|cohort|contingent)\s+of\s+$", re.IGNORECASE)
_NO_NOUN_AFTER = re.compile(r"\s*(?:[,;:.()]|(?:from|who|which|that|including|at|in|to|attended|took|travelled|"
                            r"visited|came|met|were|was)\b)")


# "eligible patients (17,000 per year)", "healthcare professionals (numbering 100,000)": a count in brackets
# right after a people noun
_BRACKET_COUNT = re.compile(r"(?P<noun>[A-Za-z][\w'’-]*) \((?:numbering |n ?= ?)?$")
_BRACKET_END = re.compile(r"(?:\s+(?:per|a|each)\s+(?:year|annum|month|week|day)|\s+annually)?\s*\)")


def _elliptical(text: str) -> list[ReachSpan]:
    out: list[ReachSpan] = []
    for m in _FIGURE.finditer(text):
        ns, ne = m.start("num"), m.end("num")
        unit: tuple[int, int] | None = None
        om = _OF_WHOM.match(text, ne)
        bm = _BRACKET_COUNT.search(text, max(0, _qual_start(text, ns) - 40), _qual_start(text, ns))
        if bm and _BRACKET_END.match(text, ne) and \
                _is_people(bm.group("noun").lower(), bm.group("noun")):
            pass
        elif om:
            pro = om.group("pro")
            if pro in ("these", "those"):
                unit = _head_noun(text, om.end())
                if unit is None:
                    continue
                unit = (om.start("pro") + len(pro) + 1, unit[1])
            elif pro == "which":
                sent = text[max(0, ns - 120):ns]
                sent = re.split(r"[.!?;]\s", sent)[-1]
                if not any(_is_people(w.lower().strip("(),"), w.strip("(),")) for w in sent.split()):
                    continue
        elif not (_GROUP_OF.search(text, max(0, ns - 30), _qual_start(text, ns))
                  and _NO_NOUN_AFTER.match(text, ne)):
            continue
        start = _figure_start(text, ns)
        c = Candidate(text, ns, ne, start, unit or (ne, ne))
        if any(rule(c) for rule in (money_or_percentage, label_page_or_reference, year, bare_one, rate_or_ratio)):
            continue
        val = parse_number(c.number)
        if val is None or val <= 0:
            continue
        end = unit[1] if unit else ne
        out.append(ReachSpan(start, end, val, unit[0] if unit else None, unit[1] if unit else None))
    return out


def _qual_start(text: str, ns: int) -> int:
    qm = _QUAL_BEFORE.search(text, max(0, ns - 30), ns)
    return qm.start() if qm else ns


_EXPECTED = re.compile(r"\b(?:expect\w*|anticipat\w*|target\w*|forecast\w*|projected|hoped[- ]for)\s+"
                       r"(?:(?:of|an|a|the|total|weekly|daily)\s+){0,3}$", re.IGNORECASE)


def find_reach(text: str, quotes_mask: bytearray | None = None) -> list[ReachSpan]:
    """Reach figures in norm ``text``, in order, without overlaps."""
    found: list[ReachSpan] = []
    for m in _AUDIENCE_FIRST.finditer(text):
        ns, ne = m.start("num2"), m.end("num2")
        val = parse_number(m.group("num2"))
        if val is None or _is_year(m.group("num2")) or _money_or_pct(text, ns, ne):
            continue
        if re.match(r"[\w%.,/]\w", text[ne:ne + 2]):
            continue  # a date or a section number: "audience (4.10.2012"
        if _EXPECTED.search(text, max(0, m.start() - 40), m.start()):
            continue  # "expectations of an audience of c.85": an audience hoped for, not reached
        if _head_noun(text, ne) is not None:
            continue  # "a population of two million people": the number-first figure wins
        nxt = _NP_WORD.match(text, ne + 1) if text.startswith(" ", ne) else None
        if nxt and nxt.group(0).lower() in THINGS:
            continue  # "a circulation of 340,000 copies": a count of things
        found.append(ReachSpan(m.start(), ne, val, m.start("unit"), m.end("unit")))
    for c in candidates(text):
        if any(reject(c) for reject in REJECTS):
            continue
        val = parse_number(c.number if c.start >= c.ns or not text[c.start].isdigit()
                           else _ONE_NUM_RE.match(text, c.start).group(0))  # a range gives its first number
        start = c.start
        grew = _GREW.match(c.number) if _FROM_BEFORE.search(text, max(0, c.ns - 8), c.ns) else None
        if grew:  # "grew from 200 to 1,500 schools": a change, and the figure reached is the second
            val, start = parse_number(grew.group("high")), c.ns + grew.start("high")
        if val is None or val <= 0:
            continue
        found.append(ReachSpan(start, c.unit[1], val, c.unit[0], c.unit[1]))
    found.extend(_elliptical(text))
    found.sort(key=lambda r: (r.start, -r.end))
    out: list[ReachSpan] = []
    for r in found:
        if out and r.start < out[-1].end:
            continue
        out.append(r)
    return out


def _money_or_pct(text: str, s: int, e: int) -> bool:
    before = text[max(0, s - 6):s]
    after = text[e:e + 10]
    if re.search(r"[£$€¥]\s*$|\b(?:GBP|USD|EUR|US\$)\s*$", before):
        return True
    return bool(re.match(r"\s*(?:%|per\s*cent\b|percent\b|pounds\b|dollars\b|euros\b|GBP\b|USD\b|EUR\b)", after,
                         re.IGNORECASE))


_LABEL_BEFORE = re.compile(
    r"\b(?:Years?|(?:[Kk]ey\s+)?Stages?|Levels?|Grades?|Bands?|Phases?|Tiers?|Wards?|Waves?|Rounds?|"
    r"Modules?|Units?|Class|Rooms?|Version|Steps?|Parts?|Routes?|Cohorts?|Sessions?|Articles?|Clauses?|"
    r"Schedules?|Questions?|Q|Boxes|Box|Items?|Chapters?|Sections?|Tables?|Figures?)\s*$"
)


#: "my year 13 students", "the year 7 pupils": a school year written in lower case (not "each year 12 students")
_SCHOOL_YEAR = re.compile(r"(?<![Ee]ach )(?<![Ee]very )(?<![Pp]er )(?<![Ll]ast )(?<![Nn]ext )(?<!\ba )(?<!\bone )"
                          r"\byear\s*$")


def _page_or_ref(text: str, s: int, e: int) -> bool:
    if _LABEL_BEFORE.search(text, max(0, s - 12), s):
        return True  # "Year 9 pupils", "Key Stage 2 children": a label, not a count
    if _SCHOOL_YEAR.search(text, max(0, s - 12), s) and text[s:e].isdigit() and 1 <= int(text[s:e]) <= 13:
        return True
    before = text[max(0, s - 8):s]
    if re.search(r"\b(?:pp?\.|pages?|paras?\.?|paragraph|section|chapter|figure|fig\.|table|ref\.?|no\.)\s*$",
                 before, re.IGNORECASE):
        return True
    return bool(re.search(r"[\[(]\s*$", before) and re.match(r"\s*[\])]", text[e:e + 3]))
