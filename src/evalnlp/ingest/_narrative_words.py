"""Word lists for speaker attribution (one home, each list without duplicates).

Each list is a whitespace-separated block; an underscore joins a multi-word entry ("in_addition").
:func:`_words` refuses a block that names a word twice, so a duplicate fails at import.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    words = [w.replace("_", " ") for w in block.split()]
    seen: set[str] = set()
    dup = sorted({w for w in words if w in seen or seen.add(w)})
    if dup:
        raise ValueError(f"word list names {dup} twice")
    return frozenset(words)


# Lemmas of verbs that attribute words to a speaker (said, wrote, praised...).
ATTRIBUTION_LEMMAS = _words("""
acclaim acknowledge add admit advise affirm agree aim allege announce answer applaud argue
articulate ask assert assess attest believe boast call categorise categorize caution celebrate
certify characterise characterize cite claim clarify commend comment commit complain concede
conclude concur confide confirm consider contend continue corroborate credit declare describe dub
elaborate emphasise emphasize endorse enthuse explain express feel find hail highlight identify
indicate insist joke judge label lament laud maintain mention note observe opine outline pledge
point posit post praise predict proclaim promise propose put quip quote rate recall recognise
recognize recommend record recount refer reflect regard reiterate remark remind reply report respond
reveal say see seek set speak specify staid state stipulate stress substantiate suggest summarise
summarize surmise tell term testify thank tweet underline underscore urge validate verify view voice
warn welcome write
""")

# Irregular forms of those verbs (the regular ones are generated).
IRREGULAR_ATTRIBUTION_FORMS = _words("""
feels felt found put puts putting said saw saying says seeing seen sees set sets spoke spoken staid telling tells
thought told writes writing written wrote admitted admitting concurred concurring
referred
""")

# Attribution lemmas too ambiguous to trust without a parse (see, find, put...).
PARSER_ONLY_LEMMAS = _words("""
aim ask assess believe call commit consider continue feel find judge point put rate regard see seek
set view
""")

# Words that stand for a speaker named elsewhere.
PRONOUNS = _words("""
all another both he her him i it many most one others she some them these they this those we who
""")

# Auxiliaries and adverbs that stand between a speaker and its verb.
AUXILIARIES_AND_ADVERBS = _words("""
able again already also always are be been being both can clearly consistently could did directly do
does duly each enthusiastically even explicitly formally further go goes going gone had has have
helpfully herself himself indeed independently is itself kindly later likewise may might moreover
must not now often on once personally publicly recently shall should similarly simply since
specifically still subsequently that themselves then to too usefully warmly was went were will would
""")

# Frequent finite verbs that end a subject noun phrase.
COMMON_VERBS = _words("""
adopted are asked attended became began can commissioned could developed did do does established
found funded gave had has have heard include included includes introduced invited is issued joined
led made may met might must presented provided published read received reviewed sent shall should
supported took tried used visited was were will worked would wrote
""")

# Irregular past forms no noun shares: the verb of a clause before a colon ("the Home Office undertook to ...:").
IRREGULAR_PAST = _words("""
brought chose drew grew knew rose sought spoke taught thought undertook understood withdrew
""")

# Words after which a verb-like word is a noun ("the report").
NP_OPENERS = _words("""
a an another each every former her his its most newly one our recently self that the their these
this those well
""")

# Words opening an introductory adverbial ("In May 2013,", "For example,").
INTRODUCTION_WORDS = _words("""
additionally after again also although as asked at before by commenting crucially during finally
following for for_example from further furthermore hence here however importantly in in_addition
indeed later likewise meanwhile moreover most_recently notably on overall recently reflecting
significantly similarly since speaking specifically subsequently then through thus under when
when_asked while with writing
""")

# Sentence adverbs and conjunctions skipped at the start of a clause.
# Finite verb forms that cannot stand inside a speaker's noun phrase (a clause of its own: "This came
# shortly after the IZA proposed").
FINITE_VERB_FORMS = _words("""
came comes went goes began begins became becomes took takes gave gives got gets was were is are has have had
""")

SENTENCE_ADVERBS = _words("""
additionally again also and but crucially finally furthermore hence here importantly indeed likewise
meanwhile moreover notably similarly so subsequently then thus
""")

# How a statement reached the authors, when it closes an attribution ("Jane Roe, Acme Ltd, email").
MEDIUM_WORDS = _words("""
communication correspondence e-mail email interview letter message note questionnaire survey telephone
testimonial tweet
""")

# Head nouns of a person speaker (director, parent, minister...).
PERSON_NOUNS = _words("""
administrator adviser advisor anaesthetist analyst apprentice architect assistant athlete attendee
author barrister beneficiary captain carer ceo chair chairman chairperson chairwoman chief child
clerk clinician co-ordinator coach collaborator commissioner consultant controller coordinator
councillor critic curator dean delegate deputy director doctor economist editor employee engineer
entrepreneur executive expert farmer father fellow founder governor gp guide head headteacher
inspector interviewee journalist judge lawyer lead leader lecturer listener magistrate man manager
matron mayor member mentor midwife minister mother mp nurse officer official owner parent
participant partner patient person pharmacist physician planner player practitioner president
principal producer professional professor pupil reader registrar representative researcher resident
respondent reviewer scientist secretary sister solicitor specialist spokesman spokesperson
spokeswoman student superintendent surgeon teacher technician tenant therapist trainer treasurer
trustee tutor user vicar viewer visitor volunteer woman worker
""")

# Head nouns of an organisation speaker (committee, trust, council...).
ORG_NOUNS = _words("""
academy agency alliance association authority bank bbc board body broadcaster ccg center centre
charity club college commission committee company consortium council court department executive
federation firm forum foundation government group hospital icb inc industry inspectorate institute
institution ltd magazine ministry network newspaper nhs observatory office organisation organization
panel parliament partnership plc practice press regulator school secretariat sector service society
team tribunal trust union unit university who
""")

# Head nouns of a document speaker (report, letter, guidance...).
DOC_NOUNS = _words("""
analysis appraisal article assessment audit blog book briefing comments consultation
document e-mail editorial email evaluation evaluations feedback framework guidance guideline
guidelines inquiry judgement judgment letter minutes note notes observations paper plan policy
release remarks report response responses review standard statement strategy study submission survey
testimonial testimony website publication toolkit handbook manual booklet leaflet newsletter
bulletin charter memorandum foreword invitation message citation
""")

# Prepositions that open an introductory phrase.
INTRODUCTION_PREPOSITIONS = _words("""
about according across among amongst at between beyond by concerning despite for from in like of on
regarding throughout to under unlike upon via with within without
""")

# Ordinals and sentence adverbs that open an introduction.
INTRODUCTION_ORDINALS = _words("""
elsewhere finally first firstly however importantly instead lastly locally nationally nevertheless
nonetheless now overall second secondly separately specifically third thirdly today
""")

# Words ending in -ly that are not adverbs.
LY_NON_ADVERBS = _words("""
ally assembly daily early elderly family fly friendly holy italy july monthly only quarterly rally
supply weekly yearly
""")

# Particles after a participle that opens a reduced relative ("carried out").
PARTICIPLE_PARTICLES = _words("""
across at by for from in on out over through under up with within
""")

# Finite auxiliaries.
FINITE_AUXILIARIES = _words("""
are can could did do does had has have is may might must shall should was were will would
""")

# Words that break a noun phrase before its head noun.
NP_BREAKS = _words("""
and asked at by from in interviewed met on or said says surveyed that to told which who with
""")

# Links inside a name or role ("Director of X", "Culture and Sport").
NP_LINKS = _words("""
& across and at by for from in of on to under with within
""")

# Determiners and numbers that open a noun phrase.
DETERMINERS = _words("""
a all an another both each eight every five four her his its many my nine one our seven several six
some ten the their these this those three twelve twenty two your
""")

# Subordinators and other function words that end a noun phrase.
SUBORDINATORS = _words("""
after although as because before but hence here how if no nor not once or since so than that then
there though thus unless until what when where whereas whether which while whilst who whom whose why
yet
""")

# Ordinals and adverbs that end a noun phrase on its left.
ORDINAL_ADVERBS = _words("""
elsewhere finally first firstly however importantly instead internationally last lastly locally
nationally nevertheless next nonetheless now overall previously recently second secondly separately
specifically third thirdly today yesterday
""")

# Words ending in -ing that are nouns (nursing, training...).
ING_NOUNS = _words("""
accounting anything banking broadcasting building caring ceiling clothing commissioning computing
consulting counselling ding engineering evening everything farming fishing funding housing king
learning licensing manufacturing marketing meeting mining morning nothing nursing planning policing
programming publishing ring safeguarding screening sentencing shipping sibling sing something
spending spring string teaching thing training wing
""")

# Titles before a person's name (Dr, Sir, Councillor...).
PERSON_TITLES = _words("""
baron baroness brother canon captain cllr colonel councillor dame dean dr father general hon judge
justice lady lord major minister miss mp mr mrs ms mx president prof professor rev reverend rt
senator sir sister
""")

# Lemmas of plural person nouns a plural pronoun can stand for.
PLURAL_PERSON_LEMMAS = _words("""
coach delegate man member mother parent participant patient people person player resident respondent
student teacher user woman
""")

# Attribution verbs that allow only a few words before the quotation.
LOOSE_ATTRIBUTION_VERBS = _words("""
acclaim acclaimed applaud applauded call called calls categorise categorised categorises categorize
categorized categorizes celebrate celebrated celebrates certified certifies certify characterise
characterised characterises characterize characterized characterizes cite cited cites commend
commended commends credit credited credits describe described describes dub dubbed dubs endorse
endorsed endorses express expressed expresses find finds found hail hailed hails identified
identifies identify indicate indicated indicates label labeled labelled labels outline outlined
outlines pledge pledged pledges praise praised praises predict predicted predicts promise promised
promises quote quoted quotes recommend recommended recommends record recorded records reflect
reflected reflects refer referred refers reveal revealed reveals specified specifies specify stipulate stipulated
stipulates term termed terms thank thanked thanks validate validated validates verified verifies
verify welcome welcomed welcomes
""")

# Words that are attribution verbs or nouns ("the report" against "X reports").
NOUN_OR_VERB_WORDS = _words("""
acclaim answer answers attest boast boasts call calls caution cite claim claims comment comments
credit credits find finds highlight highlights joke jokes mention mentions note notes outline
outlines pledge pledges point points post posts praise praises promise promises quip quips quote
quotes rate rates record records remark remarks replies reply report reports review reviews set sets
state statement states stress summary testimony thanks tweet tweets view views voice voices welcome
welcomes
""")

# Collective nouns that take a plural verb ("Staff report that").
COLLECTIVE_NOUNS = _words("""
board children committee council government group management men panel people police public staff
team trust women
""")

# Words after which a noun-or-verb word is the verb.
VERB_AFTER_WORDS = _words("""
all also and both but duly further he herself himself i it itself later nor now often or she still
subsequently that themselves then they too we which who
""")

# Words after which a noun-or-verb word is the noun.
NOUN_AFTER_WORDS = _words("""
a an annual another any each every final first her his its latest my no one our recent same such
that the their these this those your
""")

# Prepositions other than the noun-phrase links, which end a noun phrase on its left.
OTHER_PREPOSITIONS = _words("""
about above according after against along amid among amongst around before behind below beside
besides between beyond concerning despite down during except following inside into like near off
onto outside over past per regarding since through throughout toward towards until up upon via
without
""")
