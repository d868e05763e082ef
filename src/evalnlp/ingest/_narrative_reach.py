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
_NUMWORD_FULL = rf"(?:{_NUMWORD}(?:[- ]{_NUMWORD})?(?:\s+hundred(?:\s+and\s+{_NUMWORD}(?:-{_NUMWORD})?)?)?)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE_RE = r"(?:\s*(?:million|billion|thousand|hundred)\b|(?:m|k|bn)\b)"
_ONE_NUM = rf"(?:{_DIGITS}|{_NUMWORD_FULL}\b)(?:{_SCALE_RE})?\+?"
NUMBER = rf"(?P<num>{_ONE_NUM}(?:\s*(?:-|–|to)\s*{_ONE_NUM})?)"
QUALIFIER = (
    r"(?P<qual>(?:(?:just|well|slightly)\s+)?(?:over|under|more\s+than|fewer\s+than|less\s+than)|"
    r"around|approximately|approx\.|about|almost|nearly|at\s+least|up\s+to|some|roughly|circa|"
    r"c\.|an\s+estimated|estimated|in\s+excess\s+of|upwards\s+of|close\s+to|as\s+many\s+as|"
    r"a\s+further|another)\s+"
)

PEOPLE = {
    "people", "persons", "person", "individuals", "participants", "delegates", "attendees",
    "students", "pupils", "children", "youths", "youth", "women", "men", "girls", "boys", "mothers",
    "fathers", "parents", "families", "households", "patients", "carers", "caregivers", "clinicians",
    "doctors", "gps", "nurses", "midwives", "practitioners", "professionals", "managers",
    "directors", "staff", "employees", "workers", "volunteers", "teachers", "headteachers",
    "schools", "trusts", "organisations", "organizations", "companies", "businesses", "firms",
    "smes", "charities", "agencies", "authorities", "councils", "ccgs", "groups", "members",
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
}
# Words that make the count one of things even when a people word comes before them.
THINGS = {
    "projects", "visits", "sessions", "meetings", "copies", "downloads", "views", "images",
    "samples", "assessments", "interviews", "attendances", "articles", "workshops", "events",
    "computers", "sports", "papers", "reports", "programmes", "programs", "courses", "hours",
    "days", "weeks", "months", "years", "minutes", "pages", "centres", "centers", "deaths",
    "cases", "forum", "forums", "plans", "records", "surveys", "questionnaires", "posts", "items",
}
_STOP = {
    "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "into", "across", "over", "under", "who", "which", "that", "whom", "whose", "were", "was",
    "are", "is", "be", "been", "have", "has", "had", "will", "would", "can", "could", "may",
    "per", "each", "than", "as", "through", "including", "during", "between", "since", "via",
    "within", "around", "about", "this", "these", "those", "their", "its", "his", "her", "our",
    "all", "both", "also", "not", "no", "so", "if", "when", "where", "while", "after", "before",
    "such", "using", "used", "attending", "took", "take", "taking", "has", "received",
}
_AUDIENCE_FIRST = re.compile(
    r"\b(?P<unit>population|readership|audience|audiences|viewership|listenership|"
    r"membership)(?:\s+(?:size|reach|figures?))?\s*(?:of\s+(?:around|about|approximately|over|some)\s+|"
    r"of\s+|:\s*|ranging\s+from\s+|was\s+|is\s+|=\s*)?" + NUMBER.replace("?P<num>", "?P<num2>"),
    re.IGNORECASE,
)
_FIGURE = re.compile(rf"(?<![\w£$€.,/#-]){NUMBER}(?![\w%.,/]\w|%|\s*per\s*cent)", re.IGNORECASE)
_QUAL_BEFORE = re.compile(rf"(?<![\w-]){QUALIFIER}$", re.IGNORECASE)
_NP_WORD = re.compile(r"[A-Za-z][\w'’&-]*")


@dataclass(frozen=True)
class ReachSpan:
    """A reach figure in norm offsets."""

    start: int
    end: int
    value: float
    unit_start: int | None
    unit_end: int | None


def parse_number(s: str) -> float | None:
    """``"5.23 million"`` -> 5230000.0, ``"60+"`` -> 60.0, ``"50 - 200"`` -> 50.0, ``"two"`` -> 2.0."""
    s = s.strip().lower().rstrip("+")
    # a range gives its lower bound; a hyphen between number words ("twenty-four") is no range
    first = re.split(r"\s*(?:(?<=[\d+])\s*-\s*(?=\d)|\s-\s|–|\bto\b)\s*", s, maxsplit=1)[0].strip().rstrip("+")
    if not first:
        return None
    m = re.fullmatch(r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(million|billion|thousand|hundred|m|k|bn)?", first)
    if m:
        val = float(m.group(1).replace(",", ""))
        return val * _SCALE[m.group(2)] if m.group(2) else val
    scale = 1.0
    m2 = re.fullmatch(r"(.+?)\s+(million|billion|thousand)", first)
    if m2:
        first, scale = m2.group(1), _SCALE[m2.group(2)]
    total = 0.0
    parts = re.split(r"\s+hundred\s*(?:and\s+)?", first)
    if len(parts) == 2:
        total = _words_value(parts[0]) * 100 + (_words_value(parts[1]) if parts[1] else 0)
    else:
        total = _words_value(first)
    return total * scale if total else None


def _words_value(s: str) -> float:
    s = s.strip()
    if s in _UNITS_WORDS:
        return float(_UNITS_WORDS[s])
    parts = re.split(r"[- ]", s)
    if all(p in _UNITS_WORDS for p in parts):
        return float(sum(_UNITS_WORDS[p] for p in parts))
    return 0.0


def _is_year(num: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20)\d\d", num.strip()))


def _head_noun(text: str, pos: int) -> tuple[int, int] | None:
    """Unit span (norm offsets) of the counted noun phrase starting at ``pos``, or None."""
    words: list[tuple[int, int, str]] = []
    j = pos
    while len(words) < 6:
        m = re.match(r" ?", text[j:])
        k = j + (m.end() if m else 0)
        wm = _NP_WORD.match(text, k)
        if wm is None:
            break
        w = wm.group(0)
        lw = re.sub(r"\d+$", "", w.lower())
        if lw in _STOP and not (lw == "and" and words):
            break
        if lw == "and":
            # Coordination: keep only when the next conjunct is a short people noun phrase.
            rest = _conjunct(text, wm.end())
            if rest is None:
                break
            words.append((k, rest, text[k:rest]))
            j = rest
            break
        words.append((wm.start(), wm.start() + len(re.sub(r"\d+$", "", w)), lw))
        j = wm.end()
        if j < len(text) and text[j] not in " -":
            break
    # Head: the last people word (possessives such as women's are modifiers, not heads).
    head = None
    for idx, (a, b, w) in enumerate(words):
        key = w.split()[-1] if " " in w else w
        key = re.sub(r"['’]s$", "", key)
        if key in PEOPLE and not re.search(r"['’]s$", w):
            head = idx
        elif " " in w and w.split()[-1] in PEOPLE:
            head = idx
    if head is None:
        return None
    if head + 1 < len(words) and words[head + 1][2] in THINGS and words[head][2] != "member":
        return None
    if any(w in THINGS for _, _, w in words[: head + 1]):
        return None
    end = words[head][1]
    tail = re.match(r" of (?:the public|[A-Z][\w&-]*(?: [A-Z][\w&-]*){0,3})", text[end:])
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
        if lw in PEOPLE:
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
    r"arrested|charged|convicted|imprisoned|jailed|sanctioned|deported|evicted|died|lost)\b"
    r"|\s+(?:died|dropped\s+out|withdrew|failed)\b",
    re.IGNORECASE)


def negative_outcome(c: Candidate) -> bool:
    """``12 athletes were disqualified``, ``40 patients died``, ``in all but 5 infants``: people counted for
    what befell them or left out, not reached by the work."""
    return _NEGATIVE_OUTCOME.match(c.text, c.unit[1]) is not None or \
        re.search(r"\ball\s+but\s+$", c.text[max(0, c.start - 12):c.start]) is not None


_EMPLOY_BEFORE = re.compile(r"\b(?:employ(?:s|ed|ing)?|employment\s+for|hire[sd]?|hiring|workforce\s+of|headcount\s+of|"
                            r"jobs?\s+for)\s+"
                            r"(?:(?:a\s+total\s+of|a\s+further|some|over|around|about|approximately|more\s+than|"
                            r"nearly|almost|up\s+to|at\s+least|~)\s*)?$"
                            r"|\b(?:with|has|have|had|involving)\s+(?:(?:over|around|about|some|nearly|almost|~)\s*)?$",
                            re.IGNORECASE)


def employees(c: Candidate) -> bool:
    """``The firm employs 12 full-time staff``: a firm's own workforce is its size, not people reached."""
    m = _EMPLOY_BEFORE.search(c.text, max(0, c.ns - 40), c.ns)
    if m is None:
        return False
    if m.group(0).lower().startswith(("employ", "hire", "hiring", "workforce", "headcount", "jobs")):
        return True
    # "a firm with 56,700 employees": only a count of employees or staff is the firm's size
    return c.text[c.unit[0]:c.unit[1]].lower().split()[-1] in {"employees", "staff"}


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


REJECTS: tuple = (money_or_percentage, label_page_or_reference, year, bare_one, inside_a_name, size_of_a_body,
                  negative_outcome, employees, announces_a_list, compared_groups, one_of)
_BETWEEN = re.compile(rf"\bbetween\s+(?P<low>{_ONE_NUM})\s+and\s+$", re.IGNORECASE)


def candidates(text: str):
    """Numbers followed by a counted people noun phrase, before any rejection (see :data:`REJECTS`)."""
    for m in _FIGURE.finditer(text):
        ns, ne = m.start("num"), m.end("num")
        unit = _head_noun(text, ne)
        if unit is None:
            continue
        qm = _QUAL_BEFORE.search(text, max(0, ns - 30), ns)
        qual = qm.group("qual") if qm else None
        start = qm.start() if qm else ns
        if qual and qual.lower().startswith(("an ", "a ")) and not qual.lower().startswith("a further"):
            start = qm.start() + len(qual.split()[0]) + 1
        elif qual and qual.lower().startswith(("a further", "another")):
            start = ns
        between = _BETWEEN.search(text, max(0, ns - 40), ns)
        if between:
            start = between.start("low")  # "between 200 and 300 nurses": the range starts at its first number
        yield Candidate(text, ns, ne, start, unit)


def find_reach(text: str, quotes_mask: bytearray | None = None) -> list[ReachSpan]:
    """Reach figures in norm ``text``, in order, without overlaps."""
    found: list[ReachSpan] = []
    for m in _AUDIENCE_FIRST.finditer(text):
        val = parse_number(m.group("num2"))
        if val is None or _is_year(m.group("num2")) or _money_or_pct(text, m.start("num2"), m.end("num2")):
            continue
        if _head_noun(text, m.end("num2")) is not None:
            continue  # "a population of two million people": the number-first figure wins
        found.append(ReachSpan(m.start(), m.end(), val, m.start("unit"), m.end("unit")))
    for c in candidates(text):
        if any(reject(c) for reject in REJECTS):
            continue
        val = parse_number(c.number if c.start >= c.ns or not text[c.start].isdigit()
                           else re.match(_ONE_NUM, text[c.start:]).group(0))  # a range gives its first number
        if val is None or val <= 0:
            continue
        found.append(ReachSpan(c.start, c.unit[1], val, c.unit[0], c.unit[1]))
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
    return bool(re.match(r"\s*(?:%|per\s*cent|percent|pounds|dollars|euros|GBP|USD|EUR)", after, re.IGNORECASE))


_LABEL_BEFORE = re.compile(
    r"\b(?:Years?|(?:[Kk]ey\s+)?Stages?|Levels?|Grades?|Bands?|Phases?|Tiers?|Wards?|Waves?|Rounds?|"
    r"Modules?|Units?|Class|Rooms?|Version|Steps?|Parts?|Routes?|Cohorts?|Sessions?|Articles?|Clauses?|"
    r"Schedules?|Questions?|Q|Boxes|Box|Items?|Chapters?|Sections?|Tables?|Figures?)\s*$"
)


def _page_or_ref(text: str, s: int, e: int) -> bool:
    if _LABEL_BEFORE.search(text, max(0, s - 12), s):
        return True  # "Year 9 pupils", "Key Stage 2 children": a label, not a count
    before = text[max(0, s - 8):s]
    if re.search(r"\b(?:pp?\.|pages?|paras?\.?|paragraph|section|chapter|figure|fig\.|table|ref\.?|no\.)\s*$",
                 before, re.IGNORECASE):
        return True
    return bool(re.search(r"[\[(]\s*$", before) and re.match(r"\s*[\])]", text[e:e + 3]))
