#!/usr/bin/env python3
"""Benchmark the theme coders on the REF2014 impact-theme development set (``impact`` codebook).

Usage, from the repository root::

    python bench/bench_impact.py                 # writes bench/results/impact.md
    python bench/bench_impact.py --out /tmp/impact.md --no-cv

Data: ``../shared/data/ref_impact_dev/impact_themes_dev.csv`` relative to the repository root (falling back to
``/work/shared/data``): 120 quoted passages from REF2014 impact case studies, text in ``quote``, one 0/1 column
per theme of the ``impact`` codebook. Only the quote is coded (as the file's labelling rules say).

What is measured:

1. **No training** (the file is a test set here): the keyword coder and the zero-shot coder (with and without
   keyword hits; static embeddings, and MiniLM when installed), each with its defaults. Every parameter of
   these coders (prototypes, calibration, thresholds) comes from the codebook and from material written for
   evalnlp (the zero-shot coder's neutral sentences); none was chosen by looking at this file.
2. **Trained, 5-fold cross-validated**: ``SupervisedCoder`` and ``EnsembleCoder`` when their modules exist,
   with seeded folds grouped by case study (the part of ``id`` before "-"), so no case study is on both sides.
3. For reference, the same no-training coders on :data:`SELF_CHECK` and :data:`SELF_CHECK_REF`, passages
   written and labelled for evalnlp, which were used to choose the coders' defaults.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from _common import machine, shared_data, today  # noqa: E402

DATA_RELATIVE = Path("ref_impact_dev") / "impact_themes_dev.csv"
DEFAULT_OUT = REPO / "bench" / "results" / "impact.md"
SEED = 0
FOLDS = 5
GOAL_ZERO_SHOT = 0.50
GOAL_TRAINED = 0.65

#: Passages written for evalnlp in the style of quoted testimonials from impact case studies, with the
#: themes their author assigned (";"-joined, empty for none). Used to choose coder defaults.
SELF_CHECK: list[tuple[str, str]] = [
    ("The Institute's research on flood risk was used by the Environment Agency to revise its national flood "
     "risk management strategy.", "policy_influence"),
    ("Their work has been invaluable to us in understanding the needs of families caring for a relative with "
     "dementia.", "endorsement;capability"),
    ("Over 3,000 teachers have downloaded the resource pack since it was launched.", "reach_uptake"),
    ("The software is now used routinely by our engineers to predict fatigue in turbine blades, cutting design "
     "time by half and saving around a million pounds a year.", "practice_change;reach_uptake;economic_value"),
    ("The committee's report drew heavily on Professor Smith's evidence in recommending changes to the "
     "sentencing guidelines, which the Ministry of Justice subsequently accepted.", "policy_influence"),
    ("The partnership between the university and the museum has grown into a genuine collaboration, with "
     "curators and researchers planning exhibitions together.", "relationships"),
    ("Young people who took part said they now felt able to speak up in meetings and had far more confidence "
     "in themselves.", "capability"),
    ("The training changed the way our officers think about domestic abuse; they no longer see it as a private "
     "matter.", "attitude_change"),
    ("Since adopting the screening tool, the number of missed diagnoses in our practices has fallen sharply.",
     "practice_change;service_improvement;reach_uptake"),
    ("The questionnaire was completed by 412 respondents in four countries.", ""),
    ("Local residents were, for the first time, involved in deciding how the regeneration budget would be "
     "spent.", "engagement"),
    ("The findings show that children from poorer families are less likely to attend university.", ""),
    ("This is an outstanding piece of work that has made a real difference to how we support victims.",
     "endorsement"),
    ("The company has since secured a £2m contract and created fifteen new jobs on the back of the technology.",
     "economic_value"),
    ("The exhibition attracted more than 80,000 visitors over its three-month run.", "reach_uptake"),
    ("Patients on the new pathway wait on average three weeks less for surgery and report higher satisfaction "
     "with their care.", "service_improvement"),
    ("The framework was adopted by the national body for social workers as the basis for its professional "
     "standards.", "practice_change;reach_uptake"),
    ("Providers should ensure that every resident has a care plan reviewed at least once a year.", ""),
    ("The research helped open a dialogue between the police and the community groups that had previously "
     "refused to meet them.", "relationships"),
    ("As a result of the workshops, staff have a much better understanding of the law on mental capacity.",
     "capability"),
    ("The minister announced in Parliament that the government would legislate to introduce the scheme, citing "
     "the university's evaluation.", "policy_influence"),
    ("We have changed our recruitment procedures in the light of the study and now use structured interviews "
     "for every post.", "practice_change"),
    ("The documentary based on the research was broadcast on BBC Two and watched by 2.1 million viewers.",
     "reach_uptake"),
    ("The course was, quite simply, the most useful professional development I have ever had.",
     "endorsement;capability"),
    ("The programme aims to improve access to mental health services for refugees.", ""),
    ("Public attitudes to wind farms in the area have softened considerably since the consultation events.",
     "attitude_change"),
    ("The intervention reduced hospital admissions among frail older people by 20 per cent.",
     "service_improvement"),
    ("Farmers who previously refused to take part in the scheme are now signing up in large numbers.",
     "engagement"),
    ("The report sets out twelve recommendations for improving the inspection regime.", ""),
    ("The new manufacturing process has increased productivity on the line by 30 per cent.", "economic_value"),
    ("I would highly recommend the team to any organisation that wants to understand its customers.",
     "endorsement"),
    ("The research fundamentally changed our thinking about what counts as a healthy diet for athletes.",
     "attitude_change"),
    ("The charity has rewritten its volunteer handbook around the model developed by the researchers.",
     "practice_change;reach_uptake"),
    ("Crime in the estate fell by a third after the scheme was introduced, and residents say they feel safer.",
     "service_improvement"),
    ("The data were analysed using multilevel regression models.", ""),
    ("The toolkit is now used in more than 200 schools across Scotland.", "reach_uptake"),
    ("It gave our coaches the skills to work with disabled athletes, something none of them had done before.",
     "capability"),
    ("The evidence was central to the European Commission's decision to tighten the limits on emissions.",
     "policy_influence"),
    ("The museum and the local council now work closely together on every heritage project in the borough.",
     "relationships"),
    ("The book was reviewed in the Times Literary Supplement and the Guardian.", "reach_uptake"),
    ("The research has raised awareness among GPs of the early signs of ovarian cancer.", "attitude_change"),
    ("The investment fund has committed £5m to the spin-out company.", "economic_value"),
    ("Parents and teachers sit together on the project board and shape each new phase of the work.",
     "engagement;relationships"),
    ("The trust now runs a daily multidisciplinary safety briefing on every ward, a direct result of the "
     "project.", "practice_change"),
    ("The Welsh Government's new strategy for carers draws directly on the study's recommendations.",
     "policy_influence"),
    ("Their contribution was vital to the success of the inquiry and we are very grateful.", "endorsement"),
    ("The authors interviewed fifty-three managers in the retail sector.", ""),
    ("Attendance at the clinics has doubled and patients say the service is easier to use.",
     "reach_uptake;service_improvement"),
    ("Employees reported that the course had given them a much clearer understanding of their pension "
     "options.", "capability"),
    ("The guidelines state that the test should be offered to all women over fifty.", ""),
]

#: The same in the register of REF impact case studies (quoted fragments, formal wording, several claims),
#: written after the first measurement on the development set showed the zero-shot coder coding too little.
SELF_CHECK_REF: list[tuple[str, str]] = [
    (
        "the research team's analysis of sediment transport provided the technical basis for the revised "
        "coastal management plan adopted by the council",
        "practice_change;policy_influence",
    ),
    (
        "we have incorporated the group's corrosion model into our inspection software, which is now run "
        "on every offshore asset we operate",
        "practice_change;reach_uptake",
    ),
    (
        "an extremely valuable contribution to our understanding of how families experience the asylum "
        "process",
        "endorsement;capability",
    ),
    (
        "the Committee recommends that the Department review the eligibility criteria for Carer's "
        "Allowance",
        "",
    ),
    (
        "In the light of the evidence from the pilot, the Scottish Government has decided to extend free "
        "school meals to all children in the first three years of primary school",
        "policy_influence",
    ),
    (
        "Professor Jones's work on the archive has transformed the way the public sees the history of the"
        " mill towns",
        "attitude_change",
    ),
    (
        "the methodology developed at the University has reduced the time needed to certify a new alloy "
        "from eighteen months to six, saving the company an estimated £3m",
        "economic_value",
    ),
    (
        "More than 400 magistrates have now attended the training sessions based on the research",
        "reach_uptake",
    ),
    (
        "the exhibition was seen by over 120,000 people and received extensive coverage in the national "
        "press",
        "reach_uptake",
    ),
    (
        "a landmark study which has been crucial in shaping our thinking",
        "endorsement;policy_influence",
    ),
    (
        "the collaboration has brought together museum curators, community historians and academics in a "
        "way that none of us had experienced before",
        "relationships",
    ),
    (
        "children with autism should be offered a structured assessment within three months of referral",
        "",
    ),
    (
        "the prevalence of obesity was highest in the most deprived areas",
        "",
    ),
    (
        "as a direct result of the project, our officers now routinely record the ethnicity of every "
        "person stopped and searched",
        "practice_change",
    ),
    (
        "the toolkit has given our teachers the confidence to teach evolution in a way that engages even "
        "the most sceptical pupils",
        "capability;engagement",
    ),
    (
        "it has been a privilege to work with such a committed and knowledgeable team",
        "endorsement",
    ),
    (
        "the findings informed the European Parliament's debate on the directive and were cited in the "
        "final report of the rapporteur",
        "policy_influence",
    ),
    (
        "the company has since secured contracts worth £12m and doubled its workforce",
        "economic_value",
    ),
    (
        "residents who had never before engaged with the planning process attended the workshops and "
        "helped draw up the neighbourhood plan",
        "engagement",
    ),
    (
        "the new triage protocol has cut waiting times in the emergency department by forty minutes on "
        "average",
        "practice_change;service_improvement",
    ),
    (
        "this book offers a history of the trade union movement in the North East from 1850 to 1914",
        "",
    ),
    (
        "the guidelines have been adopted by the British Psychological Society and are now used by "
        "clinicians across the UK",
        "practice_change;reach_uptake",
    ),
    (
        "the performance prompted many in the audience to reconsider their views of mental illness",
        "attitude_change",
    ),
    (
        "our understanding of the risks of flooding in the catchment has improved immeasurably thanks to "
        "the modelling",
        "capability;endorsement",
    ),
    (
        "we would not have been able to win the bid without the evidence provided by the University",
        "economic_value",
    ),
    (
        "the programme will provide support to young people leaving care",
        "",
    ),
    (
        "the partnership has enabled the charity and the health board to share data and plan services "
        "jointly for the first time",
        "relationships;practice_change",
    ),
    (
        "the software is licensed to 35 companies in eight countries",
        "reach_uptake;economic_value",
    ),
    (
        "These recommendations were accepted in full by the Minister and implemented in the 2012 "
        "regulations",
        "policy_influence",
    ),
    (
        "the use of the screening questionnaire has led to a marked fall in the number of falls among "
        "residents of our care homes",
        "practice_change;service_improvement",
    ),
    (
        "the research is widely recognised as the most rigorous evaluation of the scheme to date",
        "endorsement",
    ),
    (
        "more than 2,000 copies of the guide have been distributed to GP surgeries",
        "reach_uptake",
    ),
    (
        "the study found no evidence that the policy had reduced reoffending",
        "",
    ),
    (
        "participants said the course had opened their eyes to the scale of modern slavery in their own "
        "communities",
        "attitude_change",
    ),
    (
        "staff now feel far more able to challenge poor practice and speak up about safety concerns",
        "capability;engagement",
    ),
    (
        "the Agency has revised its national guidance on the monitoring of groundwater in line with the "
        "research",
        "policy_influence;practice_change",
    ),
    (
        "the partnership was described by the Chief Executive as 'exemplary'",
        "endorsement;relationships",
    ),
    (
        "the map was produced in 1836 by the Ordnance Survey",
        "",
    ),
    (
        "the games developed by the team have been played more than a million times online",
        "reach_uptake",
    ),
    (
        "farmers in the region have adopted the new irrigation schedule, raising yields by a fifth",
        "practice_change;economic_value;reach_uptake",
    ),
]


def find_data(explicit: Path | None) -> Path:
    if explicit is not None:
        if not explicit.is_file():
            raise SystemExit(f"no such file: {explicit}")
        return explicit
    path = shared_data() / DATA_RELATIVE
    if not path.is_file():
        raise SystemExit(f"{path} not found; pass --data PATH")
    return path


def load_dev(path: Path, theme_ids: list[str]):
    import pandas as pd

    frame = pd.read_csv(path, dtype={"id": str}, keep_default_na=False)
    missing = [t for t in ["id", "quote", *theme_ids] if t not in frame.columns]
    if missing:
        raise SystemExit(f"{path} lacks columns {missing}")
    texts = frame["quote"].astype(str).tolist()
    Y = frame[theme_ids].astype(int).to_numpy()
    groups = frame["id"].astype(str).str.split("-").str[0].to_numpy()
    return texts, Y, groups


def self_check(rows: list[tuple[str, str]], theme_ids: list[str]):
    texts = [t for t, _ in rows]
    Y = np.array([[1 if t in labels.split(";") else 0 for t in theme_ids] for _, labels in rows])
    return texts, Y


def no_training_coders(with_minilm: bool):
    """(name, fitted coder) for every coder measured without training."""
    from evalnlp.coding.keyword import KeywordCoder
    from evalnlp.coding.zeroshot import ZeroShotCoder

    coders = [
        ("keyword", KeywordCoder(codebook="impact").fit()),
        ("zero-shot, static embeddings, no keywords", ZeroShotCoder(codebook="impact", keywords=False).fit()),
        ("zero-shot, static embeddings + keyword hits (default)", ZeroShotCoder(codebook="impact").fit()),
    ]
    if with_minilm:
        try:
            coders += [
                ("zero-shot, MiniLM, no keywords",
                 ZeroShotCoder(codebook="impact", embedding="minilm", keywords=False).fit()),
                ("zero-shot, MiniLM + keyword hits",
                 ZeroShotCoder(codebook="impact", embedding="minilm").fit()),
            ]
        except Exception as exc:  # noqa: BLE001 - optional extra; report and go on
            print(f"MiniLM skipped: {exc}", file=sys.stderr)
    return coders


def trained_backends():
    """(name, class) for the trained coders whose modules exist."""
    from importlib import import_module

    found = []
    for module, cls in (("evalnlp.coding.supervised", "SupervisedCoder"), ("evalnlp.coding.ensemble", "EnsembleCoder")):
        try:
            found.append((cls, getattr(import_module(module), cls)))
        except (ImportError, AttributeError) as exc:
            print(f"{cls} not measured: {exc}", file=sys.stderr)
    return found


def cross_validate(cls, texts: list[str], Y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold predictions from seeded folds grouped by case study, and the per-fold macro-F1."""
    from sklearn.model_selection import GroupKFold

    from evalnlp.evaluation import multilabel_report

    pred = np.zeros_like(Y)
    fold_f1 = []
    ids = None
    splitter = GroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in splitter.split(texts, Y, groups):
        coder = cls(codebook="impact")
        coder.fit([texts[i] for i in train], Y[train])
        ids = coder.classes_
        pred[test] = coder.predict([texts[i] for i in test])
        fold_f1.append(multilabel_report(Y[test], pred[test], ids)["macro_f1"])
    return pred, fold_f1


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def per_theme_table(reports: dict[str, dict], theme_ids: list[str], support: np.ndarray) -> str:
    names = list(reports)
    head = "| theme | support | " + " | ".join(names) + " |\n|---|---|" + "---|" * len(names) + "\n"
    lines = [f"| {t} | {int(support[j])} | " + " | ".join(fmt(reports[n]["per_theme"][t]["f1"]) for n in names) + " |"
             for j, t in enumerate(theme_ids)]
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Impact-codebook benchmark")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validated trained coders")
    parser.add_argument("--no-minilm", action="store_true", help="skip the MiniLM zero-shot variants")
    args = parser.parse_args(argv)

    from evalnlp.codebook import load_codebook
    from evalnlp.evaluation import multilabel_report

    cb = load_codebook("impact")
    ids = cb.theme_ids
    path = find_data(args.data)
    texts, Y, groups = load_dev(path, ids)
    checks = {"SELF_CHECK": self_check(SELF_CHECK, ids), "SELF_CHECK_REF": self_check(SELF_CHECK_REF, ids)}
    print(f"{path}: {len(texts)} rows, {len(set(groups))} case studies, prevalence "
          f"{dict(zip(ids, Y.sum(axis=0).tolist()))}, no theme {(Y.sum(axis=1) == 0).sum()}", file=sys.stderr)

    dev_reports: dict[str, dict] = {}
    check_reports: dict[str, dict[str, dict]] = {name: {} for name in checks}
    timings: dict[str, float] = {}
    for name, coder in no_training_coders(with_minilm=not args.no_minilm):
        start = time.perf_counter()
        pred = coder.predict(texts)
        timings[name] = time.perf_counter() - start
        dev_reports[name] = multilabel_report(Y, pred, ids)
        for check, (check_texts, check_Y) in checks.items():
            check_reports[check][name] = multilabel_report(check_Y, coder.predict(check_texts), ids)
        print(f"{name}: dev macro-F1 {fmt(dev_reports[name]['macro_f1'])}", file=sys.stderr)

    cv_reports: dict[str, dict] = {}
    cv_folds: dict[str, list[float]] = {}
    if not args.no_cv:
        for name, cls in trained_backends():
            start = time.perf_counter()
            pred, folds = cross_validate(cls, texts, Y, groups)
            timings[name] = time.perf_counter() - start
            cv_reports[name] = multilabel_report(Y, pred, ids)
            cv_folds[name] = folds
            print(f"{name}: 5-fold macro-F1 {fmt(cv_reports[name]['macro_f1'])}", file=sys.stderr)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(path, cb, texts, Y, groups, dev_reports, check_reports, cv_reports, cv_folds,
                               timings), encoding="utf-8")
    print(json.dumps({n: r["macro_f1"] for n, r in {**dev_reports, **cv_reports}.items()}, indent=1))
    return 0


def render(path, cb, texts, Y, groups, dev_reports, check_reports, cv_reports, cv_folds, timings) -> str:
    ids = cb.theme_ids
    support = Y.sum(axis=0)
    lines = [
        "# Impact codebook: theme coders on the REF2014 development set",
        "",
        f"- date: {today()}",
        f"- machine: {machine()}",
        f"- data: `{path.name}` ({len(texts)} quoted passages from {len(set(groups))} REF2014 case studies, "
        f"{int((Y.sum(axis=1) == 0).sum())} with no theme; only the `quote` column is coded)",
        f"- codebook: `impact` version {cb.version}, sha256 `{cb.sha256[:16]}...`",
        "- run: `python bench/bench_impact.py`",
        "",
        "## Against the goals",
        "",
    ]
    zero = {n: r["macro_f1"] for n, r in dev_reports.items() if n.startswith("zero-shot")}
    if zero:
        best = max(zero, key=lambda n: zero[n] or 0.0)
        default = next((n for n in zero if n.endswith("(default)")), best)
        met = "met" if (zero[default] or 0.0) >= GOAL_ZERO_SHOT else "not met"
        lines.append(f"- zero-shot, no training, goal macro-F1 >= {GOAL_ZERO_SHOT:.2f}: **{met}**; the default coder "
                     f"scores {fmt(zero[default])} (best variant: {best}, {fmt(zero[best])}).")
    for name, rep in cv_reports.items():
        met = "met" if (rep["macro_f1"] or 0.0) >= GOAL_TRAINED else "not met"
        lines.append(f"- {name}, 5-fold cross-validated, goal macro-F1 >= {GOAL_TRAINED:.2f}: **{met}** "
                     f"({fmt(rep['macro_f1'])}).")
    lines += [
        "",
        "## Without training (the file used as a test set)",
        "",
        "The parameters of these coders come from the codebook and from passages written for evalnlp (below),",
        "not from this file. The figures are from the second measurement: see *History* for the one change made",
        "between the two.",
        "",
        "| coder | macro-F1 | micro-F1 | goal | seconds |",
        "|---|---|---|---|---|",
    ]
    for name, rep in dev_reports.items():
        goal = f">= {GOAL_ZERO_SHOT:.2f}" if name.startswith("zero-shot") else "-"
        lines.append(f"| {name} | **{fmt(rep['macro_f1'])}** | {fmt(rep['micro_f1'])} | {goal} | "
                     f"{timings[name]:.2f} |")
    lines += ["", "F1 per theme:", "", per_theme_table(dev_reports, ids, support)]
    if cv_reports:
        lines += [
            "## Trained, 5-fold cross-validation",
            "",
            f"`GroupKFold(n_splits={FOLDS}, shuffle=True, random_state={SEED})` with the case study id (the part of",
            "`id` before \"-\") as the group, so the passages of one case study (whose context windows overlap) are",
            "never on both sides. Each fold trains a fresh coder on four fifths and predicts the rest; the macro-F1",
            "below is over the pooled out-of-fold predictions, with the per-fold values beside it.",
            "",
            "| coder | macro-F1 | micro-F1 | per fold | goal | seconds |",
            "|---|---|---|---|---|---|",
        ]
        for name, rep in cv_reports.items():
            folds = ", ".join(fmt(v) for v in cv_folds[name])
            lines.append(f"| {name} | **{fmt(rep['macro_f1'])}** | {fmt(rep['micro_f1'])} | {folds} | "
                         f">= {GOAL_TRAINED:.2f} | {timings[name]:.1f} |")
        lines += ["", "F1 per theme:", "", per_theme_table(cv_reports, ids, support)]
    else:
        lines += ["## Trained, 5-fold cross-validation", "", "Not measured: no trained coder module was found.", ""]
    lines += [
        "## Reference: the self-written check sets",
        "",
        f"`SELF_CHECK` ({len(SELF_CHECK)} passages in the style of testimonials) and `SELF_CHECK_REF` "
        f"({len(SELF_CHECK_REF)} quoted",
        "fragments in the register of REF case studies), both written and labelled for evalnlp and kept in",
        "`bench/bench_impact.py`. With the codebook's own examples they were used to choose the coders' defaults",
        "(centroid weight, keyword hits in the calibration, prior), so these figures are optimistic.",
        "",
        "| coder | " + " | ".join(f"{name} macro-F1" for name in check_reports) + " |",
        "|---|" + "---|" * len(check_reports),
    ]
    for name in dev_reports:
        lines.append(f"| {name} | " + " | ".join(fmt(check_reports[c][name]["macro_f1"]) for c in check_reports)
                     + " |")
    lines += [
        "",
        "## History",
        "",
        "1. First measurement, with the zero-shot `prior` at 0.2 (chosen on `SELF_CHECK` and on everyday",
        "   sentences, where a lower prior removed spurious codes): keyword 0.433; zero-shot static 0.231 without",
        "   and 0.423 with keyword hits; MiniLM 0.233 and 0.437 (macro-F1).",
        "2. Those figures showed the zero-shot coder coding far too little on REF passages, which `SELF_CHECK`",
        "   (written in the codebook's own register) had not shown. `SELF_CHECK_REF` was then written, without",
        "   looking at this file's passages. On it, with keyword hits (the default), priors of 0.2 / 0.3 / 0.5 gave",
        "   macro-F1 0.570 / 0.619 / 0.609 (0.2 coded 0.8 themes per passage against 1.23 in the labels), while",
        "   20 everyday sentences got 0.05 / 0.05 / 0.15 themes each; so the default became 0.3. Nothing else",
        "   changed.",
        "3. Second (and last) measurement: the tables above.",
        "",
        "## Notes",
        "",
        "- engagement, relationships, service_improvement and attitude_change have 5 to 7 positives each in 120",
        "  rows, so their F1 moves by 0.1 or more with one passage; macro-F1 on this file is noisy.",
        "- The hidden 300-row test set built the same way is not used here.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
