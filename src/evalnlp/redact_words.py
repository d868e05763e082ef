"""Word lists the name rules of :mod:`evalnlp.redact` read the context of a capitalised word with.

Each list is small and general English (no names of people, places or organisations): words that, standing
next to a capitalised word, say whether it is a person. The rules that use them are in ``redact.py``.
"""

from __future__ import annotations

#: Lower-case particles inside a surname: ``Roger ter Haar``, ``Ludwig van Beethoven``, ``Ana da Silva``.
NAME_PARTICLES: frozenset[str] = frozenset("van von der den de ter ten da di du del della dos das".split())

#: Forms of address that stand where a name would but are not one: ``His Lordship stated``.
HONORIFICS: frozenset[str] = frozenset(
    "Lordship Ladyship Majesty Majesties Highness Excellency Eminence Holiness Worship".casefold().split())

#: What follows a person's possessive, besides the research words of ``redact._POSSESSED``: ``Gilmore's
#: input``, ``under Magedera's guidance``, ``Kennedy's installation``.
POSSESSED_MORE: frozenset[str] = frozenset("""
    input guidance support help influence legacy supervision leadership direction suggestion suggestions
    comments feedback initiative invention inventions discovery discoveries technique techniques installation
    installations exhibition exhibitions sculpture sculptures paintings drawings photography vision philosophy
    campaign campaigns evidence expertise name life death family colleagues students team's methodology
    training teaching course courses workshop workshops session sessions draft drafts esteem scholarship
    participation enthusiasm volumes pieces essay essays chapter chapters monograph monographs textbook
    keynote presentation presentations interview interviews event events activities strategy practice phd
    appearance appearances submission submissions visit visits executor estate biographer widow readings reading recommendations
    testimony oeuvre choreography songs album albums fieldwork
    """.split())

#: Verbs after which a single unfamiliar capitalised word followed by ``to``/``with``/``as`` is the person
#: acted on: ``commissioning Newbery to write``, ``provided Kennedy with contacts``, ``invited Okafor as``.
PERSON_OBJECT_VERBS: frozenset[str] = frozenset("""
    commission commissions commissioned commissioning provide provides provided providing invite invites invited
    inviting appoint appoints appointed appointing hire hires hired hiring employ employs employed employing
    persuade persuades persuaded persuading encourage encourages encouraged encouraging ask asks asked asking
    tell tells told telling thank thanks thanked thanking introduce introduces introduced introducing
    recommend recommends recommended recommending nominate nominates nominated nominating help helps helped
    helping support supports supported supporting join joins joined joining accompany accompanies accompanied
    accompanying interview interviews interviewed interviewing consult consults consulted consulting
    contact contacts contacted contacting approach approaches approached approaching
    """.split())

#: Verbs that, straight after a single capitalised word, say it is the subject doing something (added to
#: ``redact._PREDICATE``): ``Dossett appeared on``, ``Lata created a forum``.
SUBJECT_VERBS: frozenset[str] = frozenset("""
    appeared appears created creates described describes suggested suggests believed believes felt feels
    thinks thought knew knows loved loves enjoyed enjoys smiled laughed joined wanted wants remembered
    remembers noticed notices realised realized realises realizes replied replies promised promises taught
    teaches played plays co-wrote co-authored co-edited co-founded co-organised co-organized co-curated lectured
    testified chaired convened curated composed narrated debated discussed conducted addressed submitted
    analysed analyzed drew engaged interviewed researched investigated lectures recorded records refers
    referred argued co-founded co-directed co-led co-organised
    """.split())

#: Verbs after two unfamiliar capitalised words joined by ``and`` that say they are people at work (besides
#: the verbs of ``redact._PREDICATE`` and :data:`SUBJECT_VERBS`): ``Chafer and Cumming produced a report``.
AUTHORING_VERBS: frozenset[str] = frozenset("""
    produced wrote edited authored devised proposed demonstrated showed found co-wrote co-authored co-edited
    refer argue note suggest describe show analysed analyzed examined write state conclude explain observe claim
    """.split())

#: Plural verbs after two names joined by ``and``: ``Ash and Alex have been``.
PLURAL_VERBS: frozenset[str] = frozenset("have were are do did".split())

#: Nouns that introduce the name of an organisation, a product or a work: ``the company Deliverics``, ``the
#: firm Buro Happold``, ``the magazine Welt-Sichten``.
ORG_NOUNS: frozenset[str] = frozenset("""
    company companies firm firms charity charities organisation organisations organization organizations
    consultancy consultancies spin-out spinout start-up startup manufacturer manufacturers supplier suppliers
    retailer retailers publisher publishers bank banks brand brands business businesses subsidiary
    subsidiaries software platform product products tool app magazine magazines newspaper newspapers journal
    journals website websites blog podcast film films novel novels album exhibition opera musical
    """.split())

#: Participles after which ``by`` and a capitalised word name the author: ``as identified by Spencer and
#: Fredman``, ``a method devised by Okafor``.
AUTHOR_VERBS: frozenset[str] = frozenset("""
    identified proposed written authored edited composed directed coined pioneered devised invented theorised
    theorized suggested described argued founded painted choreographed curated narrated illustrated translated
    photographed conceived formulated advocated championed articulated outlined
    """.split())

#: Participles after which ``by`` and an unfamiliar capitalised word name an organisation more often than a
#: person: ``funded by Ofgem``, ``adopted by Unilever``.
ORG_BY_VERBS: frozenset[str] = frozenset("""
    funded sponsored supported commissioned owned acquired run operated published manufactured distributed
    launched adopted endorsed regulated accredited approved licensed used bought financed backed hosted
    organised organized awarded employed contracted procured
    """.split())

#: First words of place names: ``Santa Barbara``, ``San Diego``, ``Rio Grande``; a run that starts with one
#: is a place, even when a first name follows.
PLACE_PREFIXES: frozenset[str] = frozenset(
    "Santa San Sao S\u00e3o Los Las Porto Puerto Rio Fort Port Lake Mount".split())

#: Offices an organisation has and a person does not, after a possessive: ``Southvale Water's operations
#: director``, ``Kelbrook Homes' head of maintenance``. The possessive names where the office is held, and the
#: one who speaks is the office holder, not the run before it.
ORG_OFFICES: frozenset[str] = frozenset("""
    director directors chief executive executives head heads chair chairman chairwoman chairperson ceo cfo coo
    president vice-president spokesperson spokesman spokeswoman board trustees governors principal
    vice-chancellor chancellor provost registrar secretary-general superintendent commissioner
    """.split())

#: Last words of a company's or a body's name (``Southvale Water``, ``Basilea Pharmaceuticals``, ``Kelbrook Homes``):
#: after a role and a comma such a run is the role's organisation; a run ending in any other ordinary word
#: there (``Chief Executive, Limor Young.``) is read as the person, so a surname that is a word never leaks.
ORG_HEADS: frozenset[str] = frozenset("""
    water energy power gas electricity utilities homes housing pharmaceuticals pharma biotech therapeutics
    diagnostics labs laboratories systems solutions technologies technology software networks media press
    publishing publishers books records films pictures productions studios foundation partners partnership
    associates group holdings industries engineering consulting consultants capital investments insurance
    airways airlines railways motors foods farms brewery distillery tower telecom communications logistics
    ventures enterprises resources minerals mining oil chemicals plastics steel aerospace defence defense
    """.split())

#: Capitalised words that open an institution's or a place's name before ``of``: ``the University of
#: Southvale``, ``the School of Kelbrook``, ``the Bank of England``; what follows is a word of that name.
INSTITUTION_HEADS: frozenset[str] = frozenset("""
    University Universities College School Institute Institution Academy Museum Hospital Trust Council
    Department Ministry Bank Society Faculty Board Centre Center Library Cathedral Church Diocese Archdiocese
    Borough City County Port Duchy Kingdom Republic Province State Commonwealth Federation Union Conservatoire
    Polytechnic Foundation Office Commission Parliament Assembly Government Chamber Guild Corporation Association
    Company Agency Authority Service Court Abbey Priory Orchestra Theatre Gallery Archive Archives
    """.split())
