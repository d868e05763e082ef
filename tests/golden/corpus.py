"""A small fixed corpus for the evidence, quote and report tests (written for these tests).

Twelve survey answers from three leadership programmes (one answer has no programme, one is never
coded), and a two-paragraph case study with two attributed testimonials (each linked to the corroborating
source its marker names) and two reach figures. A
machine coder codes every passage but one; a human re-codes answer 5, and the human codes must win.
Load it with :func:`build_store`; test files import this module by path (see ``load_corpus_module``).
"""

from __future__ import annotations

import json

import pandas as pd

QUESTION = "What difference has the programme made?"
MS, RF, EJ = "Mary Seacole", "Rosalind Franklin", "Edward Jenner"

# (text, programme or None, cohort, machine themes, sentiment); None themes = never coded
ANSWERS = [
    ("I now sit on the trust board and lead our service redesign group.", MS, 2022,
     ["engagement", "practice_change"], "positive"),
    ("The programme gave me the confidence to speak up in meetings and challenge senior colleagues.", MS, 2022,
     ["capability"], "positive"),
    ("Dr Amelia Hart, my mentor, helped me build a network across the region; call me on 07700 900123 "
     "to hear more.", MS, 2023, ["relationships"], "positive"),
    ("We redesigned the discharge pathway and waiting times fell by a third.", RF, 2022,
     ["service_improvement", "practice_change"], "positive"),
    ("I understand the pressures on commissioners much better now.", RF, 2023,
     ["attitude_change", "capability"], "positive"),
    ("Excellent course, I would recommend it to any nurse who wants to lead.", RF, 2023, ["endorsement"],
     "positive"),
    ("It was fine.", EJ, 2022, [], "neutral"),
    ("Our team now involves patients in every improvement project.", EJ, 2023,
     ["engagement", "service_improvement"], "positive"),
    ("Our team now involves patients in every improvement project!", EJ, 2023,
     ["engagement", "service_improvement"], "positive"),
    ("Working with the local council has opened doors for joint funding bids worth \u00a3200,000.", None, 2023,
     ["relationships", "economic_value"], "mixed"),
    ("The sessions were too long and I could not get cover to attend, so I missed half of them.", RF, 2022,
     ["reach_uptake"], "negative"),
    ("nothing to add", EJ, 2022, None, None),
]

PARA1 = ("The programme reached 62 NHS trusts and 1,200 clinicians. \u201cOur clinicians now lead improvement "
         "work across the whole region, and patients have noticed the difference,\u201d said the Medical "
         "Director of Leeds Teaching Hospitals NHS Trust [E].")
PARA2 = ("\u201cThe Directors' leadership programmes have had a positive and lasting effect on the delivery of "
         "healthcare in the North West region,\u201d wrote one participant [H].")

# Human codes for answer 5 (index 4): attitude change only.
HUMAN_5 = {"attitude_change": True, "capability": False}

CLAIMS_YAML = """\
claims:
  - id: c1
    text: Participants took on leadership roles and involved others.
    themes: [engagement]
  - id: c2
    text: The programme improved services and practice.
    themes: [service_improvement, practice_change]
  - id: c3
    text: Rosalind Franklin participants gained skills and confidence.
    themes: [capability]
    filters: {programme: Rosalind Franklin}
  - id: c4
    text: The programme brought in money.
    themes: [economic_value]
"""


def _span(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


def build_store(store, theme_ids: list[str]) -> None:
    """Fill an empty store with the corpus: documents, segments, reach, machine and human codes."""
    with store.transaction():
        run = store.start_run("ingest", {"files": ["survey.csv", "case_study.txt"]})
        answers = pd.DataFrame({
            "source": "survey.csv", "locator": [f"row {i + 2}" for i in range(len(ANSWERS))], "kind": "response",
            "question": QUESTION, "text": [a[0] for a in ANSWERS],
            "attrs": [json.dumps({"respondent": f"R{i + 1:02d}", **({"programme": a[1]} if a[1] else {}),
                                  "cohort": a[2]}) for i, a in enumerate(ANSWERS)],
        })
        new = store.insert_documents(answers, run, returning=True)
        by_text = dict(zip(new["text"], new["doc_id"]))
        store.insert_segments(pd.DataFrame({
            "doc_id": [by_text[a[0]] for a in ANSWERS], "kind": "response", "start": 0,
            "end": [len(a[0]) for a in ANSWERS], "text": [a[0] for a in ANSWERS], "speaker": None,
            "source_ref": None}))
        paras = pd.DataFrame({"source": "case_study.txt", "locator": ["paragraph 1", "paragraph 2"],
                              "kind": "narrative", "question": None, "text": [PARA1, PARA2], "attrs": "{}"})
        new = store.insert_documents(paras, run, returning=True)
        p1, p2 = (dict(zip(new["text"], new["doc_id"]))[t] for t in (PARA1, PARA2))
        q1 = PARA1[PARA1.index("\u201c") + 1:PARA1.index(",\u201d")]
        q2 = PARA2[PARA2.index("\u201c") + 1:PARA2.index(",\u201d")]
        s1 = "The programme reached 62 NHS trusts and 1,200 clinicians."
        s2 = PARA1[len(s1) + 1:]
        rows = [
            (p1, "sentence", s1, None, None), (p1, "sentence", s2, None, None),
            (p1, "testimonial", q1, "the Medical Director of Leeds Teaching Hospitals NHS Trust", "[E]"),
            (p2, "sentence", PARA2, None, None), (p2, "testimonial", q2, "one participant", "[H]"),
        ]
        text_of = {p1: PARA1, p2: PARA2}
        segs = []
        for doc, kind, piece, speaker, ref in rows:
            start, end = _span(text_of[doc], piece)
            segs.append({"doc_id": doc, "kind": kind, "start": start, "end": end, "text": piece,
                         "speaker": speaker, "source_ref": ref})
        store.insert_segments(pd.DataFrame(segs))
        reach = [(p1, "62 NHS trusts", 62.0, "NHS trusts"), (p1, "1,200 clinicians", 1200.0, "clinicians")]
        store.insert_reach(pd.DataFrame([{"doc_id": d, "text": t, "value": v, "unit": u,
                                          "start": _span(PARA1, t)[0], "end": _span(PARA1, t)[1]}
                                         for d, t, v, u in reach]))
        # the case study's corroborating sources, and the entry each testimonial's marker names
        store.insert_sources(pd.DataFrame({
            "source": "case_study.txt", "position": [1, 2], "ref": ["E", "H"], "label": ["[E]", "[H]"],
            "text": ["Letter from the Medical Director, Leeds Teaching Hospitals NHS Trust, 2013.",
                     "Survey of programme participants, North West region, 2012."]}), run)
        store.link_segment_sources(pd.DataFrame([
            {"doc_id": p1, "start": _span(PARA1, q1)[0], "end": _span(PARA1, q1)[1], "source": "case_study.txt",
             "position": 1},
            {"doc_id": p2, "start": _span(PARA2, q2)[0], "end": _span(PARA2, q2)[1], "source": "case_study.txt",
             "position": 2}]))
        store.finish_run(run, n_in=14, n_ok=14, n_rejected=0)

    seg = store.table("segments").merge(store.table("documents")[["doc_id", "text"]].rename(
        columns={"text": "doc_text"}), on="doc_id")
    seg_of = {(r.doc_text, r.kind, r.start): r.seg_id for r in seg.itertuples()}
    themes_of: dict[str, list[str]] = {}
    sentiment_of: dict[str, str] = {}
    for text, _, _, themes, sentiment in ANSWERS:
        if themes is None:
            continue
        sid = seg_of[(text, "response", 0)]
        themes_of[sid] = themes
        sentiment_of[sid] = sentiment
    narrative = {
        (PARA1, "sentence", 0): (["reach_uptake"], "positive"),
        (PARA1, "sentence", len("The programme reached 62 NHS trusts and 1,200 clinicians.") + 1):
            (["engagement", "service_improvement"], "positive"),
        (PARA1, "testimonial", PARA1.index("\u201c") + 1): (["engagement", "service_improvement"], "positive"),
        (PARA2, "sentence", 0): (["practice_change", "endorsement"], "positive"),
        (PARA2, "testimonial", 1): (["practice_change", "endorsement"], "positive"),
    }
    for key, (themes, sentiment) in narrative.items():
        themes_of[seg_of[key]] = themes
        sentiment_of[seg_of[key]] = sentiment
    with store.transaction():
        run = store.start_run("classify", {"codebook": "impact"}, codebook_id="impact", model_sha256="0" * 64)
        codes = [{"seg_id": sid, "theme": t, "score": (0.9 if t in themes else 0.1) - 0.01 * i,
                  "assigned": t in themes}
                 for sid, themes in sorted(themes_of.items()) for i, t in enumerate(theme_ids)]
        store.replace_codes(pd.DataFrame(codes), "model:fixture@000000", run)
        store.replace_sentiment(pd.DataFrame({"seg_id": list(sentiment_of), "label": list(sentiment_of.values()),
                                              "score": 0.8}), "model:sentiment@000000", run)
        store.finish_run(run, n_in=len(themes_of), n_ok=len(themes_of), n_rejected=0)
    with store.transaction():
        run = store.start_run("import-codes", {"coder": "human:alex"})
        sid = seg_of[(ANSWERS[4][0], "response", 0)]
        # a person's decision on every theme, as codes import and review import store it (the themes HUMAN_5
        # does not name are decided as not applying)
        store.replace_codes(pd.DataFrame([{"seg_id": sid, "theme": t, "score": None, "assigned": HUMAN_5.get(t, False)}
                                          for t in theme_ids]), "human:alex", run)
        store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
