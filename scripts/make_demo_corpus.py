#!/usr/bin/env python
"""Generate the synthetic demo corpus in ``corpora/demo_leadership/``.

The corpus belongs to a fictional leadership academy whose three programmes for NHS doctors and managers are
evaluated with a post-programme survey and a written report. Everything in it (people, organisations,
answers, figures) is invented; personal details such as phone and NHS numbers are fake and come from ranges
set aside for testing or drama.

Survey answers are assembled by a seeded generator from a pool of hand-written sentences and phrases, each
coded by hand against the ``impact`` codebook, so every answer's themes are known. The evaluation report is
fixed prose with planted testimonials and reach figures, listed in ``gold_report.json``.

Usage::

    python scripts/make_demo_corpus.py [--out corpora/demo_leadership] [--seed 7]

The same seed gives byte-identical files. Needs openpyxl, python-docx and PyYAML.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "corpora" / "demo_leadership"
DEFAULT_SEED = 7

#: Fixed timestamp written into every file's metadata and zip entries, so outputs are byte-identical.
FIXED_TIME = dt.datetime(2024, 11, 1, 9, 0, 0)

Q_CHANGED = "What has changed in how you work since the programme?"
Q_VALUED = "What did you value most?"
Q_IMPROVED = "What could be improved?"
QUESTIONS = (Q_CHANGED, Q_VALUED, Q_IMPROVED)
META_COLUMNS = ("respondent_id", "submitted", "programme", "cohort", "role", "organisation")
COLUMNS = META_COLUMNS + QUESTIONS
SHEET = "Responses"
N_CODED = 60

THEMES = (
    "engagement",
    "relationships",
    "service_improvement",
    "capability",
    "attitude_change",
    "practice_change",
    "policy_influence",
    "economic_value",
    "reach_uptake",
    "endorsement",
)
SHORT_CODES = {
    "eng": "engagement",
    "rel": "relationships",
    "svc": "service_improvement",
    "cap": "capability",
    "att": "attitude_change",
    "prac": "practice_change",
    "pol": "policy_influence",
    "econ": "economic_value",
    "reach": "reach_uptake",
    "endo": "endorsement",
}

# --------------------------------------------------------------------------------------------------------------
# Programmes, cohorts, people and organisations (all fictional)
# --------------------------------------------------------------------------------------------------------------

PROGRAMMES = ("Clinical Leadership Fellowship", "Medical Management Programme", "Senior Leaders Masterclass")
COHORTS = ("2023A", "2023B", "2024A")
#: Participants per programme and cohort (Table 1 of the report).
PARTICIPANTS = {
    PROGRAMMES[0]: (40, 38, 42),
    PROGRAMMES[1]: (45, 40, 42),
    PROGRAMMES[2]: (30, 32, 33),
}
N_RESPONDENTS = 300
#: Survey windows per cohort: (first day, last day).
WINDOWS = {
    "2023A": (dt.date(2023, 7, 3), dt.date(2023, 8, 31)),
    "2023B": (dt.date(2024, 1, 8), dt.date(2024, 2, 29)),
    "2024A": (dt.date(2024, 7, 1), dt.date(2024, 8, 30)),
}

ROLE_WEIGHTS = {
    PROGRAMMES[0]: {"consultant": 10, "registrar": 7, "GP": 6, "nurse manager": 2, "service manager": 2, "AHP lead": 1},
    PROGRAMMES[1]: {
        "consultant": 8, "service manager": 5, "GP": 4, "clinical director": 4, "general manager": 4,
        "nurse manager": 3, "registrar": 1,
    },
    PROGRAMMES[2]: {
        "clinical director": 6, "associate medical director": 4, "divisional director": 3, "general manager": 3,
        "medical director": 2, "director of operations": 2, "GP": 2, "consultant": 2,
    },
}
DOCTORS = {"consultant", "registrar", "GP", "clinical director", "associate medical director", "medical director"}
LEADS = {"clinical director", "associate medical director", "medical director", "divisional director",
         "director of operations"}

TRUSTS = {
    "Kestrel Bay Hospitals NHS Trust": "acute",
    "Northmoor Teaching Hospitals NHS Foundation Trust": "acute",
    "Calder Edge NHS Foundation Trust": "acute",
    "Westbrook General Hospital NHS Trust": "acute",
    "Fernleigh University Hospitals NHS Trust": "acute",
    "Hollins Cross Hospitals NHS Foundation Trust": "acute",
    "Greyfriars Children's Hospital NHS Foundation Trust": "acute",
    "Ashcombe and Tarn Valley NHS Foundation Trust": "acute",
    "Holmefield Mental Health NHS Trust": "mental health",
    "Brackenridge Community and Mental Health NHS Trust": "community",
    "Severn Marches Community Health NHS Trust": "community",
    "Saltmarsh Coast Ambulance Service NHS Trust": "ambulance",
}
ICBS = (
    "NHS Lowther Vale Integrated Care Board",
    "NHS Kestrel and Fenwick Integrated Care Board",
    "NHS Tarn Valley Integrated Care Board",
    "NHS Greystone and Marsh Integrated Care Board",
)

SLOT_TEAM = {
    "consultant": ("my department", "the department", "our directorate", "the consultant group"),
    "registrar": ("the department", "my team", "the registrar group"),
    "GP": ("the practice", "our practice", "the PCN"),
    "nurse manager": ("the ward", "my nursing team", "the unit"),
    "service manager": ("my service", "the service", "my team"),
    "general manager": ("the directorate", "my service", "the care group"),
    "AHP lead": ("the therapy team", "my service"),
    "clinical director": ("the directorate", "my consultants", "the clinical leadership team"),
    "associate medical director": ("the division", "the clinical leadership team"),
    "medical director": ("the trust", "the executive team", "the medical workforce"),
    "divisional director": ("the division", "the divisional team"),
    "director of operations": ("the division", "my operational team"),
}
SLOT_OTHERS_FOR_DOCTORS = ("the managers", "our general manager", "the ops team", "the divisional management team",
                           "the service manager")
SLOT_OTHERS_FOR_MANAGERS = ("the consultants", "the clinical director", "our medical staff", "the clinical leads")
SLOT_MEETING = ("the directorate meeting", "the governance meeting", "our team meeting", "the monthly business meeting",
                "the MDT")

# --------------------------------------------------------------------------------------------------------------
# The pool of hand-written answer fragments, coded against the impact codebook.
# One line each: "theme codes [@gate] | text". "-" means no theme. Gates: @doc (doctors), @mgr (managers),
# @lead (clinical and operational leaders), @gp (GPs), @trust (trust staff, not GPs), @hosp (acute trust staff,
# not GPs), @senior (not registrars), @notlead; a fragment with several gates needs all of them.
# Slots: {team}, {others}, {meeting}.
# --------------------------------------------------------------------------------------------------------------

CHANGED_SENTENCES = """
prac svc | We now plan the rota six weeks ahead instead of two, which has stopped most of the last-minute gaps.
prac svc | I changed how {team} runs handover; it is structured now and takes half the time.
prac rel | I've introduced a short weekly huddle with {others}.
prac | I use a proper agenda and action log for every meeting I chair now.
prac @doc | We set up a consultant-led triage clinic, which grew out of my programme project.
prac rel @hosp | I rewrote our escalation policy together with the ward managers.
prac eng | We moved {meeting} online and attendance has roughly doubled.
prac @lead | I now hold quarterly one-to-ones with every consultant in the directorate.
prac | I have started using a one-page A3 summary for every improvement proposal.
prac | We adopted the PDSA approach from the course for all the QI work in {team}.
prac | I block out Friday mornings for planning instead of firefighting.
prac | I delegate far more and let others lead pieces of work I used to hold on to.
prac rel @hosp | We redesigned the discharge checklist with pharmacy and the discharge team.
prac | We put up a 'you said, we did' board for patient feedback.
prac | I built a simple dashboard so {team} can see the waiting list every Monday.
prac @trust | Nothing goes to the divisional board now without a one-page briefing that I write first.
prac eng | We started a monthly learning session open to everyone in {team}, not just the doctors.
prac rel @lead | Job plans are now agreed jointly by the clinical director and the general manager.
prac | We changed the clinic template so new patients get thirty minutes instead of twenty.
prac | Instead of trying to fix everything myself I set up a small working group.
prac | I write my objectives down and review them every month with my line manager.
prac rel | We now have a joint clinical and operational sign-off for rota changes.
prac | I use the stakeholder mapping tool before starting any new project.
prac @hosp | We've introduced a safety huddle at half eight every morning.
prac svc | The new referral form means we bounce back far fewer inappropriate referrals.
prac @gp | The practice now has a proper business meeting every month with an agenda and minutes.
prac rel @gp | Our PCN now runs a shared on-call rota with the neighbouring practices.
prac | I've stopped going to meetings where I'm not needed and send a deputy instead.
prac | I introduced structured debriefs after difficult shifts.
prac | We run a short 'what went well' round at the start of {meeting}.
cap | I'm much more confident presenting to the board.
cap | I understand NHS finance far better and can actually read a budget statement now.
cap | I feel able to challenge senior colleagues constructively, which I could not do before.
cap | I have a much better grasp of how decisions are made in the organisation.
cap prac | I use coaching conversations with trainees almost every week.
cap | I learnt how to write a business case properly.
cap | I'm better at handling conflict in the team.
cap | My negotiating skills have improved a lot.
cap rel @doc | I have the language to talk about improvement with managers instead of just complaining.
cap | I know how to use data to make the case rather than relying on anecdote.
cap att | The 360 feedback made me much more aware of how I come across to others.
cap eng @doc @notlead | I feel ready to apply for a clinical director post, which I would not have considered a year ago.
cap | I'm much better at chairing difficult meetings.
cap | I can manage my time and say no to things that are not a priority.
cap | I finally understand the wider system: ICBs, place, provider collaboratives.
cap | I'm more confident having difficult conversations about performance.
cap | I know who to go to and how to get things through the governance process.
cap | I can read a demand and capacity model and explain it to colleagues.
cap | Much more confident in my own judgement.
cap | I have learned to listen properly before I try to solve the problem.
cap rel @mgr | I understand clinical pressures and the way consultants think much better than I did.
rel prac | I have a much better working relationship with {others}; we meet every week now.
rel prac | I pick up the phone to {others} instead of sending angry emails.
rel | There is far more trust between me and {others}.
rel | I have a network of people across the region I can ring for advice.
rel att @doc | I see the managers as partners now rather than obstacles.
rel att @mgr | I see the clinicians as partners now, not people to be managed around.
rel | We work much more closely with the community team and social care.
rel prac | I met colleagues from the ICB on the programme and we are now writing a joint pathway.
rel prac @hosp | Relations with primary care are much better: we have a shared messaging group and a monthly call.
rel @trust | Communication between the consultants and the divisional team is more open and honest.
rel att | I understand my manager's pressures better, and she understands mine.
rel | I'm still in touch with my action learning set and we meet every couple of months.
rel | Conversations with finance are no longer a battle.
rel | We have a proper dialogue between the clinical and operational leads now.
rel @hosp | I know the people at the other hospital site by name, which makes everything easier.
att @doc | I think differently about management; it isn't the dark side.
att | I'm more curious and less quick to judge.
att @doc | I see my job as leading the service, not only treating the patient in front of me.
att eng | I used to think leadership was for other people. Not any more.
att | I am more aware of the pressures on other parts of the system.
att eng | The culture in {team} is more open and people speak up in meetings.
att @doc | My view of the managers has completely changed.
att @mgr | My view of the doctors has completely changed.
att cap | I'm more reflective and take time to think before I react.
att cap | I'm more comfortable with uncertainty and not having all the answers.
att | I no longer see improvement work as something extra on top of the day job.
att | I think much more about the patient's whole journey rather than my bit of it.
att | I'm more aware of my own biases when recruiting.
eng | I've joined the clinical senate.
eng | I volunteered to lead the outpatient transformation workstream.
eng @trust | I go to the divisional board meetings now; I never used to bother.
eng @doc @notlead | I took on an associate medical director role in the spring.
eng prac @lead | More consultants come to the directorate meeting since I changed the format.
eng @hosp | I've got the junior doctors involved in our improvement projects, which never used to happen.
eng @doc | I applied for and got the clinical lead role for the new diagnostic centre.
eng prac @hosp | Our nurses now sit on the service redesign group alongside the consultants.
eng @gp | I joined the PCN board and represent the practice there.
eng | I put myself forward for the leadership council and was elected.
eng | I now chair the patient safety group.
eng | I've signed up as a mentor for the next cohort.
eng rel | Patients and carers now sit on our project group, which was a first for us.
svc @hosp | Our discharges before noon have gone up and patients are getting home earlier.
svc @doc | Waiting times for a first appointment in my clinic have dropped from 18 weeks to 11.
svc prac @hosp | We reduced on-the-day cancellations by sorting out the pre-op pathway.
svc prac | Complaints have fallen since we changed how we communicate with families.
svc @hosp | Falls on the unit have halved since the improvement project.
svc | The clinic now runs to time most days, which patients have noticed.
svc prac @hosp | The new frailty pathway means older patients spend fewer days in hospital.
svc prac | We've had no missed results since the new handover process went in.
svc | Patients get their results in days rather than weeks.
svc | Our Friends and Family Test scores have gone up since the project.
svc @hosp | Fewer patients are coming back through A&E within a week of discharge.
svc @gp | Access to same-day appointments at the practice is much better.
svc prac | Our new pathway gets people into the memory clinic in weeks rather than months.
econ prac | The rota changes cut our locum spend by roughly £4,000 a month.
econ | My business case secured funding for two new specialist nurse posts.
econ prac | Switching to virtual follow-up freed up about 300 clinic hours a year.
econ | We won a £60k grant from the ICB to pilot the model in two more practices.
econ svc @hosp | Theatre utilisation went up by 9%, which is real money for the trust.
econ | We stopped paying for an outsourced service we no longer needed, about £25k a year.
econ | The project is self-funding now because it reduced our agency spend.
econ | I renegotiated the equipment contract and saved the department a significant sum.
reach | I have since run the negotiation session for 40 of my team.
reach prac @hosp | Our huddle model has been taken up by three other wards.
reach | I've shared the toolkit with the whole PCN and most practices are using it.
reach prac @trust | The project has been rolled out across the division.
reach | I presented our work at the regional QI conference to about 150 people.
reach | Two neighbouring trusts have asked for our pathway documents.
reach endo | Twelve of my colleagues have applied for the next cohort on my recommendation.
reach | The e-learning module I wrote has been completed by over 200 staff.
pol eng @senior | I sit on the ICB's clinical leadership group and helped write the system's urgent care strategy.
pol @senior | Our project fed into the regional workforce plan.
pol eng @senior | I gave evidence to the ICB board on elective recovery and several of our recommendations were adopted.
pol eng @senior @doc | I was asked to contribute to the national review for my specialty.
pol @senior | The ICB has written our model into its commissioning intentions for next year.
pol @senior | Our data on delayed discharges changed how the system executives think about step-down beds.
pol @senior | I helped draft the new regional standards for community diagnostics.
endo | Honestly the best development I have had in twenty years in the NHS.
endo | It has been transformative for me.
endo | I'd recommend it to anyone thinking about a leadership role.
endo | Hard to put into words but it has made a real difference.
prac | I now build time for reflection into the weekly team meeting.
prac rel @hosp | We hold joint clinical and management walk-rounds once a month.
cap | I'm much clearer about how to get a business case through.
rel | I now have regular coffees with the finance business partner.
att | I'm more optimistic that things can actually change.
eng | I've started attending the leadership forum.
prac | We use a simple driver diagram to plan every new project.
svc | Our complaint response times have improved a lot.
cap | I have better tools for giving feedback to junior colleagues.
prac | I now meet every new starter in their first week.
rel @hosp | We have a much better relationship with the ambulance service.
att | I no longer think of the ICB as 'them'.
cap | I can talk about budgets without feeling out of my depth.
prac svc @hosp | We started a virtual ward, which has kept patients out of hospital.
eng | I represent {team} on the digital board.
prac @lead | We rewrote the induction for new consultants.
econ @trust | We reduced our use of agency nurses, which has saved real money.
reach @hosp | Colleagues from other wards visit us to see how the huddle works.
pol eng @senior | I sit on the regional clinical network board, which sets the standards for the whole region.
att | I'm more open to ideas from junior staff.
"""

CHANGED_PHRASES = """
cap | More confident
cap | Confidence!!
cap | Confidence in meetings
cap | Better at delegating
prac | Delegating more
att | Mindset
att | My whole outlook
cap | Understanding of finance
rel | Better relationships with {others}
prac | Planning rather than firefighting
cap att | Self awareness
cap | Chairing meetings
rel | Networking
cap | Coaching skills
att | More strategic
cap | More resilient
prac | How I run meetings
prac | Weekly huddles with {others}
cap | Knowing how the system works
rel | Working with {others}
prac | Job planning
svc | Shorter waits in clinic
cap | Business case writing
att | Less cynical!
prac | Better meetings
cap | Finance knowledge
att | Perspective
cap | Confidence
prac | Delegation
cap | Resilience
rel | Better links with primary care
"""

CHANGED_ALONE = """
- | Not much, to be honest. The day job hasn't changed.
- | Too early to say.
- | Nothing yet. Still waiting to see if the role materialises.
- | Hard to say as I changed jobs straight after.
- | I went on maternity leave soon after so not a lot yet.
- | Not a great deal. The pressures on the service mean there is no time to do anything differently.
- | See previous answer
- | Same as before really
- | No real change.
- | Not sure yet.
- | Not much
- | Loads
"""

VALUED_SENTENCES = """
rel cap @doc | Working alongside managers on a real project taught me more than any lecture.
rel cap @mgr | Working alongside clinicians on a real project taught me more than any lecture.
endo | The facilitators were outstanding and made it a safe space.
rel | The honesty in my action learning set, and the trust that built up in the group over the year.
- | Having protected time to step back from clinical work and think about the bigger picture.
endo | The finance and business planning sessions were the most useful teaching I have had in years.
att | Hearing chief executives talk about the decisions they face was eye-opening.
rel | Meeting GPs, nurses and managers from across the system. I now have people I can call.
cap | The coaching helped me work out what kind of leader I want to be.
endo | The 360 feedback was hard to read but it was exactly what I needed.
att rel @doc | Realising that the managers are just as frustrated by the system as we are.
att rel @mgr | Realising that the doctors are just as frustrated by the system as we are.
cap prac | Practical tools that I used the very next week in my own meetings.
endo | It was well organised and the venue was excellent.
endo | My project mentor, who kept me going when things got difficult.
rel @doc @lead | Time with other clinical directors who understood exactly what I was dealing with.
att cap | It gave me permission to call myself a leader.
endo | Really enjoyed it, the best course I have been on.
endo | A good mix of theory and practice, and the reading list was genuinely useful.
cap | The session on integrated care systems finally made the structures make sense.
cap eng | The quality improvement training; I'm now the QI lead for {team}.
rel | Meeting my opposite number from another trust, who has become a good friend.
cap rel @doc | Understanding the targets the managers work to and why they chase us the way they do.
endo | The speakers were excellent, especially the sessions run by serving chief executives.
- | The chance to lead a real improvement project with support.
cap | Learning to use data properly: run charts, SPC, demand and capacity.
att @doc | Being challenged on my assumptions about what managers actually do.
rel | The mix of professions. Doctors and managers learning together is rare.
- | Getting out of the building for a day a month.
cap | The negotiation workshop, which I have used many times since.
endo | The whole thing was brilliant from start to finish.
rel | Peer support from people in the same boat.
- | Feedback on my leadership style from people who did not know me.
att @doc | It reminded me why I went into medicine in the first place.
cap rel | Shadowing the chief operating officer, which gave me a real insight into her world and a good working relationship.
- | The residential week.
endo | Excellent programme, thank you to all involved.
cap | Learning about change management models I could apply straight away.
cap | Learning how the finance and contracting side of the NHS actually works.
rel | Building relationships with people I would never normally meet, from finance directors to practice managers.
endo | The quality of the faculty. Every session was well prepared.
- | The structure of having a project with deadlines kept me focused.
cap | The tools for running meetings and getting decisions made.
att | Seeing the organisation from the board's point of view changed how I think about my own department.
rel @doc | The pairing with a manager from another trust; we still speak every month.
rel @mgr | The pairing with a doctor from another trust; we still speak every month.
endo | Honestly all of it. I looked forward to every session.
- | The coaching on how to influence without authority.
- | Space to reflect without a bleep going off.
rel | The chance to talk openly with senior managers outside the usual hierarchy.
cap att | Understanding my own leadership style and its blind spots.
endo | The residential was the highlight, brilliantly organised.
cap | Learning how to present data to a board so that it lands.
- | Being able to bring a real problem from work to the action learning set.
rel | Getting to know the other fellows; we have become a real support network.
att | Realising that leadership is not about having a title.
- | Practical sessions on job planning and rotas.
endo | The facilitators really knew the NHS, which made a big difference.
rel | Finding out that other trusts have exactly the same problems, and sharing solutions.
- | The session on negotiation and handling conflict.
- | That it was mostly face to face rather than online.
endo | Well run, good pace, excellent materials.
cap eng @doc @notlead | It helped me prepare for my clinical director interview, and I got the job.
att @doc | It changed how I see the managers I work with.
att @mgr | It changed how I see the consultants I work with.
rel | Having a group of people outside my own trust I can be honest with.
- | Reading about other industries and how they manage change.
- | The masterclass on system finance and how NHS allocations work.
endo | Worth every minute of study leave.
- | The small group sessions.
- | Hearing from patients about their experience of our services.
"""

VALUED_PHRASES = """
- | The action learning sets
- | Action learning set!!
- | The coaching sessions
- | Protected time to think
- | Time away from the day job
rel | Meeting people from other organisations
rel | Networking
rel | The network of peers across the region
rel att @doc | Getting to know managers as people
rel att @doc | Hearing the managers' side of the story
rel att @mgr | Hearing the clinicians' side of the story
cap | Learning how the money works
- | The finance module
- | The session on difficult conversations
- | The 360 feedback
endo | The facilitators - brilliant
endo | Excellent speakers
- | Safe space to be honest
rel | Mixing doctors and managers in the same room
- | The improvement project
cap | Practical tools
cap | Confidence
- | The residential
- | Shadowing
rel | Peer support
cap att | Self-awareness
cap | Understanding the wider system
- | Coaching
- | Reading list
- | The project
rel | Networking!!
- | time to reflect
- | Time out
- | The people
- | The other participants
- | The speakers
- | Case studies
- | The masterclasses
- | Group work
- | The project support
rel | Relationships
rel | Contacts
cap | Skills
cap | Knowledge of finance
cap | Tools
- | Face to face sessions
- | The mentoring
cap | Learning about myself
- | Reflection time
"""

VALUED_ALONE = """
endo | Everything
endo | Everything!
endo | All of it!
- | Hard to pick one thing.
- | See above
"""

IMPROVED_SENTENCES = """
- | More time for the project; six months was not enough.
- | The online sessions were too long. Three hours on Teams is hard going.
- | Fewer slides and more discussion.
- | Some of the content was pitched at people much newer to management than me.
- | The residential clashed with half term.
- | Dates need to come out earlier so we can arrange cover; I missed two sessions because of on-call.
- | Backfill for clinical time. My department had to absorb my absence.
- | The venue was hard to get to by public transport.
- @doc | There were hardly any managers in our cohort.
- @mgr | There were very few clinicians in our cohort, which defeated the point a bit.
- | Too much theory in the first module.
- | The finance session was rushed and needed a whole day.
- | More follow-up after it ends. It feels like falling off a cliff.
- | An alumni network would help keep the momentum going.
- | The workbook was full of errors and out of date references.
- | Make the 360 optional, or give more support when the results come back.
- | The online platform kept crashing and logging me out.
- | Less jargon please.
- | Some speakers just read out their slides.
- | It would have helped if my clinical director had been briefed on what I was doing.
- | Our action learning set facilitator changed halfway through, which was disruptive.
- | The food at the residential was poor.
- | More on primary care; it was very hospital focused.
- | More on equality, diversity and inclusion, which was barely mentioned.
- | I wanted more on managing poor performance.
- | Evening sessions after a full clinical day are very hard.
- | Feedback on the project report took months to come back.
- | Not enough on working with the ICB.
- | Please don't run it over winter again. Pressures made it very hard to attend.
- | Communication before the programme started was confusing and I didn't know what to expect.
- | More NHS case studies and fewer examples from business.
- | Too much reflective writing, which felt like box-ticking.
- | The certificate arrived four months late.
- | The project was too big to finish alongside a full job.
- | I'd like more one-to-one coaching and fewer large group sessions.
- | It was hard to get study leave approved for all the sessions.
- | The pre-reading was far too long.
- | Some of the group work felt like filling time.
- | A clearer link between the modules and the project would help.
- | More flexibility to catch up on missed sessions, e.g. recordings.
- | We struggled to get the organisation to back the project and no time was released.
- | The project funding never materialised so we couldn't implement it.
- | I'd like more support to spread our project. It has stalled since the programme ended.
- | My manager still doesn't see the value, which limits what I can change.
- | The sessions ran late almost every time.
- @gp | I was the only GP in my group and felt a bit out of place.
- | Open it up to nurses and allied health professionals as well.
- | Honestly found it quite disappointing. Too generic for senior staff.
- | It felt like the same content as every other leadership course I've been on.
- | The programme didn't really address the reality of working in a struggling department.
reach @gp | Only two of us from the PCN got places, so it should be offered to more GPs.
reach | Very few people in our trust took part; most of my colleagues had never heard of it.
endo | Great programme but the online modules were dull.
endo | The content was excellent but it needs more time.
endo | Overall a really good experience, although the workload on top of the day job was hard.
endo | Loved it. Maybe slightly shorter days.
endo | Keep the action learning sets exactly as they are, just fewer lectures.
endo | Excellent speakers, but the room was far too small for the group.
- | The application process was long-winded for what it is.
- @doc | More joint sessions with managers and fewer doctors-only sessions.
- | The online platform was hard to navigate.
- | The residential should be closer to the north of the region.
- | The coaching sessions were too far apart to build momentum.
- | More about working with the voluntary sector and social care.
- | The assessment for the certificate was unclear.
- | Trusts need to commit to releasing people before they apply.
- | Sessions on Mondays clash with most clinics.
- | Some of the action learning sets didn't gel and nobody seemed to notice.
- | More practical examples of change that actually worked in the NHS.
- | Less time on personality types and more on getting things done.
- | A session on how to manage upwards would be useful.
- | Better wifi at the venue.
- | Please send the slides before each session.
- | I'd have liked feedback on my project from someone senior in my own trust.
- | More diversity among the speakers.
- | The fellowship should come with a small budget for the project.
- | Include operational managers in the fellowship too.
- | The last module felt rushed.
- | More on digital and data.
- | Some of the content was out of date since the ICBs came in.
- | It was hard to keep up with the reading alongside on-call.
- | I'd have liked a follow-up session a year on.
- | Clearer expectations about the time commitment at the start.
endo | Very good overall; my only suggestion is more time for the project.
endo | Excellent, but it needs better support from the trusts.
reach | Only a handful of consultants from our trust have done it, so the learning doesn't spread.
"""

IMPROVED_PHRASES = """
- | More time
- | Shorter sessions
- | Parking!!
- | Less theory
- | Better venue
- | More networking time
- | Backfill
- | Earlier dates
- | More follow up
- | More on finance
- | Smaller groups
- | Recordings of sessions
- | Less homework
- | Fewer slides
- | Study leave
endo | Nothing - it was great
endo | Can't think of anything, loved it
- | Less online
- | More coaching
- | Better food
- | Shorter pre-reading
- | Clearer dates
- | More time for the project
- | Venue
- | Wifi
- | More face to face
- | Evening sessions
"""

IMPROVED_ALONE = """
endo | Nothing really, it was excellent.
endo | Honestly can't think of anything, it was very well run.
endo | Can't fault it.
- | Nothing
- | Nothing to add.
- | No comment
- | Not sure.
- | See above
- | Nothing that I can think of.
- | Not really.
- | nope
endo | Nothing at all. Keep doing what you're doing.
- | As above.
"""

CLOSERS = """
endo | Thank you, a brilliant programme.
endo | Would highly recommend.
endo | Can't praise it enough.
endo | Thanks to the whole team, it was excellent!
endo | Great course.
"""

#: Answers with personal details, to be found and redacted: (question, theme codes, template).
#: Slots: {email}, {phone}, {nhs}, {postcode}, {org}. Names are invented.
PII_TEMPLATES = (
    (Q_CHANGED, "eng", "Dr Sarah Patel, our clinical director, now asks me to co-chair the directorate meeting."),
    (Q_CHANGED, "prac rel svc", "I set up a joint clinic with Mr James Okafor from orthopaedics and it has cut the waiting list."),
    (Q_CHANGED, "svc", "One patient (NHS number {nhs}) was seen in two days under the new pathway instead of six weeks."),
    (Q_CHANGED, "-", "If anyone wants the templates, drop me a line at {email}."),
    (Q_CHANGED, "prac rel", "Our new community hub at {postcode} opened in May; the GP partners and the service manager planned it together."),
    (Q_VALUED, "endo", "My coach, Helen Marsh, was fantastic."),
    (Q_VALUED, "-", "The session with Dr Richard Aldous on system leadership."),
    (Q_VALUED, "rel prac", "Meeting Priya Sharma, a service manager from {org}; we now run the pathway together."),
    (Q_VALUED, "-", "Dr Tom Greaves's talk on finance. He is on t.greaves@example.nhs.uk if anyone wants the slides."),
    (Q_IMPROVED, "-", "Happy to discuss further, you can reach me on {phone}."),
    (Q_IMPROVED, "-", "Please email me at {email} about the alumni events."),
    (Q_IMPROVED, "-", "I live in {postcode} and the venue was a three hour round trip."),
    (Q_IMPROVED, "-", "Contact me on {phone} or {email} if you want more detail."),
    (Q_IMPROVED, "-", "A complaint from a patient's family (NHS no. {nhs}) came in while I was on the residential and nobody covered it."),
    (Q_IMPROVED, "endo", "Please pass my thanks to Sister Angela Byrne and the admin team on {phone}."),
)
PII_NAMES = ("Dr Sarah Patel", "Mr James Okafor", "Helen Marsh", "Dr Richard Aldous", "Priya Sharma",
             "Dr Tom Greaves", "Sister Angela Byrne")
#: Reserved domains (RFC 2606 and an invented NHS subdomain).
EMAILS = ("j.whitfield@example.nhs.uk", "amir.haddad@example.org", "drlmorgan@example.com")
#: Ofcom's ranges reserved for drama (never allocated to real lines).
PHONES = ("07700 900417", "0113 496 0832", "+44 7700 900291", "0161 496 0574", "020 7946 0318")
POSTCODES = ("LS6 2QW", "HX3 0PW", "BD9 6JX")

# --------------------------------------------------------------------------------------------------------------
# Fragments and picking
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    """One hand-written, hand-coded piece of an answer."""

    text: str
    themes: frozenset[str]
    gates: tuple[str, ...]
    kind: str  # sentence, phrase, alone, closer


def _parse_codes(codes: str) -> tuple[frozenset[str], tuple[str, ...]]:
    themes: set[str] = set()
    gates: list[str] = []
    for token in codes.split():
        if token.startswith("@"):
            gates.append(token[1:])
        elif token != "-":
            themes.add(SHORT_CODES[token])
    return frozenset(themes), tuple(gates)


def parse_pool(block: str, kind: str) -> list[Fragment]:
    """Parse a block of ``codes | text`` lines into fragments."""
    out = []
    for line in block.strip().splitlines():
        codes, text = line.split(" | ", 1)
        themes, gates = _parse_codes(codes)
        out.append(Fragment(text.strip(), themes, gates, kind))
    return out


POOLS: dict[str, dict[str, list[Fragment]]] = {
    Q_CHANGED: {
        "sentence": parse_pool(CHANGED_SENTENCES, "sentence"),
        "phrase": parse_pool(CHANGED_PHRASES, "phrase"),
        "alone": parse_pool(CHANGED_ALONE, "alone"),
    },
    Q_VALUED: {
        "sentence": parse_pool(VALUED_SENTENCES, "sentence"),
        "phrase": parse_pool(VALUED_PHRASES, "phrase"),
        "alone": parse_pool(VALUED_ALONE, "alone"),
    },
    Q_IMPROVED: {
        "sentence": parse_pool(IMPROVED_SENTENCES, "sentence"),
        "phrase": parse_pool(IMPROVED_PHRASES, "phrase"),
        "alone": parse_pool(IMPROVED_ALONE, "alone"),
    },
}
CLOSER_POOL = parse_pool(CLOSERS, "closer")

#: How a programme tilts the themes its participants write about (a multiplier per theme).
PROGRAMME_TILT = {
    PROGRAMMES[0]: {"practice_change": 1.5, "service_improvement": 1.8, "engagement": 1.3, "reach_uptake": 1.2,
                    "policy_influence": 0.3, "economic_value": 0.8},
    PROGRAMMES[1]: {"capability": 1.5, "economic_value": 1.6, "relationships": 1.4, "policy_influence": 0.4},
    PROGRAMMES[2]: {"policy_influence": 3.5, "relationships": 1.3, "reach_uptake": 1.5, "engagement": 1.3,
                    "service_improvement": 0.7, "capability": 0.8},
}

#: Answer shapes per question and their weights.
SHAPES = {
    Q_CHANGED: {"empty": 4, "space": 2, "na": 2, "word": 8, "alone": 5, "short": 27, "medium": 30, "long": 12,
                "bullets": 10},
    Q_VALUED: {"empty": 4, "space": 1, "na": 2, "word": 27, "alone": 3, "short": 29, "medium": 22, "long": 4,
               "bullets": 8},
    Q_IMPROVED: {"empty": 10, "space": 3, "na": 6, "word": 9, "alone": 11, "short": 34, "medium": 18, "long": 4,
                 "bullets": 3},
}
NA_VALUES = ("N/A", "n/a", "NA", "N/A.", "-")
SPACE_VALUES = (" ", "  ", "\n", " \n ")
OPENERS = {
    Q_CHANGED: ("Lots!", "Quite a lot actually.", "Where do I start?", "Honestly?", "Several things.", "In short:"),
    Q_VALUED: ("Hard to choose.", "Lots of things.", "Too many to list!"),
    Q_IMPROVED: ("A few suggestions.", "Only small things.", "Mixed feelings overall."),
}
BULLET_HEADERS = {
    Q_CHANGED: ("Main changes:", "A few things:", "In no particular order", ""),
    Q_VALUED: ("The best bits:", "", "In order:"),
    Q_IMPROVED: ("Suggestions:", "", "Things to fix:"),
}
BULLET_MARKS = ("- ", "• ", "* ", "-")
CONNECTORS = {
    Q_CHANGED: ("Also, ", "And ", "Plus ", "On top of that, ", "Beyond that, ", "Separately, "),
    Q_VALUED: ("Also ", "And ", "Plus ", "Also, "),
    Q_IMPROVED: ("Also, ", "And ", "Secondly, ", "Finally, ", "Oh and "),
}
PHRASE_JOINS = (" and ", ", ", " & ", " + ", ". ")
#: Sentences starting with these words read badly after "Also, " and are left unlinked.
NO_CONNECTOR = {"Honestly", "Overall", "Loved", "Great", "Very", "Excellent", "Really", "Hard", "It", "It's",
                "Worth", "Well", "Thank", "Thanks", "Would", "Can't", "I'd", "Much", "Keep", "Twelve", "Two"}


@dataclass
class Context:
    """What the generator knows about the respondent writing an answer."""

    programme: str
    role: str
    organisation: str
    slots: dict[str, str] = field(default_factory=dict)

    def allows(self, fragment: Fragment) -> bool:
        return all(self._passes(gate) for gate in fragment.gates)

    def _passes(self, gate: str) -> bool:
        if gate == "doc":
            return self.role in DOCTORS
        if gate == "mgr":
            return self.role not in DOCTORS
        if gate == "lead":
            return self.role in LEADS
        if gate == "notlead":
            return self.role not in LEADS
        if gate == "gp":
            return self.role == "GP"
        if gate == "senior":
            return self.role != "registrar"
        if gate == "trust":
            return self.role != "GP" and self.organisation in TRUSTS
        if gate == "hosp":
            return self.role != "GP" and TRUSTS.get(self.organisation) == "acute"
        raise ValueError(f"unknown gate {gate!r}")


class Picker:
    """Draws fragments with a preference for unused ones, tilted by programme and filtered by role."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.uses: Counter[str] = Counter()
        #: Fragments already used as a whole one-sentence answer, per question (kept distinct while possible).
        self.solo: dict[str, set[str]] = {q: set() for q in QUESTIONS}

    def pick(self, pool: list[Fragment], ctx: Context, exclude: set[str]) -> Fragment:
        candidates = [f for f in pool if ctx.allows(f) and f.text not in exclude]
        if not candidates:
            candidates = [f for f in pool if ctx.allows(f)]
        tilt = PROGRAMME_TILT[ctx.programme]
        weights = []
        for f in candidates:
            w = 1.0
            for theme in f.themes:
                w *= tilt.get(theme, 1.0)
            weights.append(w / (1 + self.uses[f.text]) ** 2)
        choice = self.rng.choices(candidates, weights=weights, k=1)[0]
        self.uses[choice.text] += 1
        return choice


# --------------------------------------------------------------------------------------------------------------
# Composing answers
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One survey cell and the themes planted in it."""

    text: str | None
    themes: frozenset[str]
    shape: str
    pii: tuple[str, ...] = ()
    duplicate_of: str | None = None


def _fill(text: str, ctx: Context) -> str:
    return text.format(**ctx.slots)


def _strip_stop(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def _phrase_case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return text.lower()
    if roll < 0.25:
        return text + "."
    return text


_TYPO_WORD = re.compile(r"\b[a-z]{5,}\b")


def add_typos(text: str, rng: random.Random, n: int = 1) -> str:
    """Introduce ``n`` keyboard slips into lower-case words (names and numbers are left alone)."""
    for _ in range(n):
        words = list(_TYPO_WORD.finditer(text))
        if not words:
            return text
        m = rng.choice(words)
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        kind = rng.choice(("swap", "drop", "double", "swap"))
        if kind == "swap":
            w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif kind == "drop":
            w2 = w[:i] + w[i + 1:]
        else:
            w2 = w[:i] + w[i] + w[i:]
        text = text[: m.start()] + w2 + text[m.end():]
    return text


def _decap(text: str) -> str:
    """Lower-case the first letter unless the first word is "I", an acronym or a title."""
    first = text.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or (len(first) > 1 and first[:2].isupper()) or first in ("Dr", "Mr"):
        return text
    return text[:1].lower() + text[1:]


def _join_sentences(sentences: list[str], question: str, rng: random.Random) -> list[str]:
    """Link some sentences to the one before with a connector ("Also, ...")."""
    out = [sentences[0]]
    for sentence in sentences[1:]:
        if rng.random() < 0.3 and sentence.split(" ", 1)[0] not in NO_CONNECTOR:
            sentence = rng.choice(CONNECTORS[question]) + _decap(sentence)
        out.append(sentence)
    return out


def _style(text: str, rng: random.Random) -> str:
    """Informal touches: typos, missing apostrophes, lower case, double spaces, no final stop."""
    if rng.random() < 0.13:
        text = add_typos(text, rng, n=1 + (rng.random() < 0.3))
    if rng.random() < 0.05:
        text = re.sub(r"\b(don|didn|can|couldn|isn|wasn|hasn|haven|doesn|I)'(t|m|ve)\b", r"\1\2", text)
    if rng.random() < 0.04:
        text = text.lower()
    if rng.random() < 0.04:
        text = text.replace(". ", ".  ")
    if rng.random() < 0.15 and "\n" not in text:
        text = _strip_stop(text)
    return text


def compose(question: str, ctx: Context, rng: random.Random, picker: Picker) -> Answer:
    """Write one answer to ``question`` for the respondent in ``ctx``."""
    shapes = SHAPES[question]
    shape = rng.choices(list(shapes), weights=list(shapes.values()), k=1)[0]
    pools = POOLS[question]
    if shape == "empty":
        return Answer(None, frozenset(), shape)
    if shape == "space":
        return Answer(rng.choice(SPACE_VALUES), frozenset(), shape)
    if shape == "na":
        return Answer(rng.choice(NA_VALUES), frozenset(), shape)
    used: set[str] = set()

    def take(kind: str) -> Fragment:
        frag = picker.pick(pools[kind], ctx, used)
        used.add(frag.text)
        return frag

    if shape == "word":
        frags = [take("phrase") for _ in range(1 if rng.random() < 0.55 else 2)]
        texts = [_fill(f.text, ctx) for f in frags]
        if len(texts) == 2:
            join = rng.choice(PHRASE_JOINS)
            texts = [texts[0].rstrip("!"), texts[1] if join == ". " else _decap(texts[1])]
            text = join.join(texts)
        else:
            text = texts[0]
        return Answer(_phrase_case(text, rng), frozenset().union(*(f.themes for f in frags)), shape)
    if shape == "alone":
        frag = take("alone")
        return Answer(_style(_fill(frag.text, ctx), rng), frag.themes, shape)
    if shape == "bullets":
        frags = [take("phrase" if rng.random() < 0.65 else "sentence") for _ in range(rng.randint(2, 4))]
        mark = rng.choice(BULLET_MARKS)
        items = [mark + _strip_stop(_fill(f.text, ctx)) if rng.random() < 0.6 else mark + _fill(f.text, ctx)
                 for f in frags]
        header = rng.choice(BULLET_HEADERS[question])
        lines = ([header] if header else []) + items
        text = add_typos("\n".join(lines), rng) if rng.random() < 0.1 else "\n".join(lines)
        return Answer(text, frozenset().union(*(f.themes for f in frags)), shape)
    if shape == "short":
        frag = picker.pick(pools["sentence"], ctx, picker.solo[question])
        picker.solo[question].add(frag.text)
        return Answer(_style(_fill(frag.text, ctx), rng), frag.themes, shape)
    n = {"medium": rng.randint(2, 3), "long": rng.randint(3, 5)}[shape]
    frags = [take("sentence") for _ in range(n)]
    if question != Q_IMPROVED and shape in ("medium", "long") and rng.random() < 0.15:
        frags.append(picker.pick(CLOSER_POOL, ctx, used))
    sentences = _join_sentences([_fill(f.text, ctx) for f in frags], question, rng)
    if shape == "long":
        cut = rng.randint(1, len(sentences) - 1)
        sep = rng.choice(("\n\n", "\n"))
        text = " ".join(sentences[:cut]) + sep + " ".join(sentences[cut:])
    else:
        text = " ".join(sentences)
    if rng.random() < 0.2:
        text = rng.choice(OPENERS[question]) + rng.choice((" ", "\n")) + text
    return Answer(_style(text, rng), frozenset().union(*(f.themes for f in frags)), shape)


# --------------------------------------------------------------------------------------------------------------
# Respondents
# --------------------------------------------------------------------------------------------------------------


def allocate_responses(total: int = N_RESPONDENTS) -> dict[tuple[str, str], int]:
    """Respondents per (programme, cohort), proportional to participants (largest remainder)."""
    cells = [(p, c, n) for p, ns in PARTICIPANTS.items() for c, n in zip(COHORTS, ns)]
    all_participants = sum(n for _, _, n in cells)
    exact = [(p, c, n * total / all_participants) for p, c, n in cells]
    counts = {(p, c): int(x) for p, c, x in exact}
    short = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda t: (-(t[2] - int(t[2])), PROGRAMMES.index(t[0]), t[1]))
    for p, c, _ in by_remainder[:short]:
        counts[(p, c)] += 1
    return counts


def _context(programme: str, rng: random.Random) -> Context:
    weights = ROLE_WEIGHTS[programme]
    role = rng.choices(list(weights), weights=list(weights.values()), k=1)[0]
    if role == "GP" or (programme == PROGRAMMES[2] and role in LEADS and rng.random() < 0.15):
        organisation = rng.choice(ICBS)
    else:
        trusts = sorted(t for t, kind in TRUSTS.items() if kind != "ambulance" or role in LEADS or role not in DOCTORS)
        organisation = rng.choice(trusts)
    others = SLOT_OTHERS_FOR_DOCTORS if role in DOCTORS else SLOT_OTHERS_FOR_MANAGERS
    slots = {"team": rng.choice(SLOT_TEAM[role]), "others": rng.choice(others), "meeting": rng.choice(SLOT_MEETING)}
    return Context(programme, role, organisation, slots)


def _date_in(window: tuple[dt.date, dt.date], rng: random.Random) -> dt.date:
    start, end = window
    while True:
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        if day.weekday() < 5 or rng.random() < 0.15:
            return day


@dataclass
class Respondent:
    respondent_id: str
    submitted: dt.date
    programme: str
    cohort: str
    role: str
    organisation: str
    answers: dict[str, Answer]


def make_respondents(rng: random.Random) -> list[Respondent]:
    """All respondents with their answers, sorted by submission date and numbered R001, R002, ..."""
    picker = Picker(rng)
    drafts = []
    for (programme, cohort), n in allocate_responses().items():
        for _ in range(n):
            ctx = _context(programme, rng)
            submitted = _date_in(WINDOWS[cohort], rng)
            answers = {q: compose(q, ctx, rng, picker) for q in QUESTIONS}
            drafts.append((submitted, len(drafts), programme, cohort, ctx, answers))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [
        Respondent(f"R{i:03d}", submitted, programme, cohort, ctx.role, ctx.organisation, answers)
        for i, (submitted, _, programme, cohort, ctx, answers) in enumerate(drafts, start=1)
    ]


def _is_content(answer: Answer) -> bool:
    return answer.shape not in ("empty", "space", "na")


def plant_duplicates(respondents: list[Respondent], rng: random.Random, n_pairs: int = 6) -> None:
    """Make ``n_pairs`` respondents write exactly what another respondent wrote to the same question."""
    used: set[str] = set()
    for k in range(n_pairs):
        question = QUESTIONS[k % len(QUESTIONS)]
        sources = [r for r in respondents if r.respondent_id not in used and _is_content(r.answers[question])
                   and len((r.answers[question].text or "").split()) >= 6]
        source = rng.choice(sources)
        used.add(source.respondent_id)
        targets = [r for r in respondents if r.respondent_id not in used and r.programme == source.programme
                   and r.role == source.role and r.organisation != source.organisation]
        target = rng.choice(targets)
        used.add(target.respondent_id)
        a = source.answers[question]
        target.answers[question] = Answer(a.text, a.themes, a.shape, duplicate_of=source.respondent_id)


def nhs_number(rng: random.Random) -> str:
    """A fake NHS number in the 999 range used for test data, with a valid modulus-11 check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            s = "".join(map(str, digits + [check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def nhs_number_valid(number: str) -> bool:
    """True if ``number`` (10 digits, spaces allowed) passes the NHS modulus-11 check (evalnlp's own rule)."""
    from evalnlp.redact import nhs_number_valid as valid

    return valid("".join(c for c in number if c.isdigit()))


def _pii_kinds(text: str) -> tuple[str, ...]:
    kinds = []
    if re.search(r"\S+@\S+\.\w+", text):
        kinds.append("email")
    if any(p in text for p in PHONES):
        kinds.append("phone")
    if "NHS n" in text:
        kinds.append("nhs_number")
    if any(p in text for p in POSTCODES):
        kinds.append("postcode")
    if any(name in text for name in PII_NAMES):
        kinds.append("name")
    return tuple(kinds)


def plant_pii(respondents: list[Respondent], rng: random.Random) -> None:
    """Add one answer with personal details per template, to distinct respondents."""
    emails, phones, postcodes = list(EMAILS), list(PHONES), list(POSTCODES)
    used: set[str] = {r.respondent_id for r in respondents
                      if any(a.duplicate_of for a in r.answers.values())}
    used |= {a.duplicate_of for r in respondents for a in r.answers.values() if a.duplicate_of}
    for question, codes, template in PII_TEMPLATES:
        candidates = [r for r in respondents if r.respondent_id not in used]
        r = rng.choice(candidates)
        used.add(r.respondent_id)
        others = sorted(set(TRUSTS) - {r.organisation})
        values = {"email": emails.pop(0) if "{email}" in template else "",
                  "phone": phones.pop(0) if "{phone}" in template else "",
                  "postcode": postcodes.pop(0) if "{postcode}" in template else "",
                  "nhs": nhs_number(rng) if "{nhs}" in template else "",
                  "org": rng.choice(others)}
        text = template.format(**values)
        themes, _ = _parse_codes(codes)
        old = r.answers[question]
        if _is_content(old) and old.shape != "word" and rng.random() < 0.6:
            text = old.text.rstrip() + rng.choice((" ", "\n", "\n\n")) + text
            themes = themes | old.themes
        r.answers[question] = Answer(text, themes, "pii", pii=_pii_kinds(text))


def build_survey(seed: int) -> list[Respondent]:
    """The whole synthetic survey for ``seed``."""
    rng = random.Random(seed)
    respondents = make_respondents(rng)
    plant_duplicates(respondents, rng)
    plant_pii(respondents, rng)
    return respondents


# --------------------------------------------------------------------------------------------------------------
# The human-coded sample
# --------------------------------------------------------------------------------------------------------------


CodedRow = tuple[str, str, str, str]


def coded_sample(respondents: list[Respondent], rng: random.Random, n: int = N_CODED) -> list[CodedRow]:
    """Pick ``n`` answers (an equal share per question) so that every theme has examples; return CSV rows.

    The codes are the hand-assigned codes of the fragments each answer was written from; every sampled answer
    was also read and checked against the codebook.
    """
    cells = [(r, q) for r in respondents for q in QUESTIONS
             if _is_content(r.answers[q]) and r.answers[q].duplicate_of is None]
    quota = {q: n // len(QUESTIONS) for q in QUESTIONS}
    chosen: list[tuple[Respondent, str]] = []
    have: Counter[str] = Counter()
    rarity = Counter(t for r, q in cells for t in r.answers[q].themes)
    for theme in sorted(THEMES, key=lambda t: (rarity[t], t)):
        pool = [c for c in cells if theme in c[0].answers[c[1]].themes and c not in chosen]
        rng.shuffle(pool)
        for cell in pool:
            if have[theme] >= 4:
                break
            if quota[cell[1]] > 0:
                chosen.append(cell)
                quota[cell[1]] -= 1
                have.update(cell[0].answers[cell[1]].themes)
    rest = [c for c in cells if c not in chosen]
    rng.shuffle(rest)
    for cell in rest:
        if quota[cell[1]] > 0:
            chosen.append(cell)
            quota[cell[1]] -= 1
    chosen.sort(key=lambda c: (c[0].respondent_id, QUESTIONS.index(c[1])))
    rows = []
    for r, q in chosen:
        a = r.answers[q]
        rows.append((r.respondent_id, q, a.text or "", ";".join(t for t in THEMES if t in a.themes)))
    return rows


# --------------------------------------------------------------------------------------------------------------
# The evaluation report
# --------------------------------------------------------------------------------------------------------------

REPORT_TITLE = "Leading Together: evaluation of the Northbridge leadership programmes, 2023–2024"

#: Planted testimonials: (quote, speaker, source_ref). The paragraphs below use these exact strings.
T_A = ("the fellows came back speaking the language of operations as well as the language of medicine, and our "
       "divisional meetings have become genuinely joint conversations")
T_B = "Before the programme I saw managers as the people whose job was to say no,"
T_52 = ("we stopped sending each other angry emails and started having the difficult conversations face to face")
T_C = ("The theatre scheduling project started by one of our fellows has cut on-the-day cancellations and given us "
       "back lists we thought we had lost.")
T_D = ("the programme gave our clinicians the confidence to lead change across organisational boundaries. ... Within "
       "eighteen months [the frailty service] had moved from a pilot on one ward to the standard model of care "
       "across both of our hospitals.")
T_G = "I used to think leadership was something done to GPs; now I think it is something we owe our patients."
T_53 = "the alumni network is now the first place we go when we need clinical leaders to test a new policy"
T_E = "one of the few leadership offers that doctors actively recommend to their colleagues"
T_H = ("The masterclass was the first time I have sat in a room with finance directors and felt we were on the same "
       "side")
T_I = ("I came back full of ideas to a department that had not moved at all, and for a while that was "
       "demoralising.")

TESTIMONIALS = (
    (T_A, "the Medical Director of Kestrel Bay Hospitals NHS Trust", "[A]"),
    (T_B, "a consultant anaesthetist", "[B]"),
    (T_52, "one clinical director", "(5.2)"),
    (T_C, "Dr Hannah Okonjo, Clinical Director for Surgery, Northmoor Teaching Hospitals NHS Foundation Trust", "[C]"),
    (T_D, "The chief executive of NHS Lowther Vale Integrated Care Board", "[D]"),
    (T_G, "One GP fellow", "[G]"),
    (T_53, "Lowther Vale's Director of Strategy", "[5.3]"),
    (T_E, "An external review by the regional workforce board", "[E]"),
    (T_H, "service manager, Calder Edge NHS Foundation Trust", "[H]"),
    (T_I, "A registrar on the 2023B fellowship", "[I]"),
)

#: Planted reach figures in text order: (text, value, unit).
REACH = (
    ("342 NHS doctors and managers", 342.0, "NHS doctors and managers"),
    ("12 trusts", 12.0, "trusts"),
    ("four integrated care boards", 4.0, "integrated care boards"),
    ("95 senior clinicians and managers", 95.0, "senior clinicians and managers"),
    ("around 300 NHS directors", 300.0, "NHS directors"),
    ("more than 1,200 staff", 1200.0, "staff"),
    ("38 GP practices", 38.0, "GP practices"),
    ("over 2.5 million patients", 2500000.0, "patients"),
)

#: Quoted strings that are not testimonials (a title, scare quotes, short quoted terms).
NOT_TESTIMONIALS = (
    "Working Across the Divide: Doctors and Managers in the Modern NHS",
    "them and us",
    "too much Teams",
    "for doctors only",
)
#: Numbers in the running text that are not reach figures (years, money, percentages, pages, durations, things).
NOT_REACH = (
    "2021", "2023", "2024", "three leadership programmes", "twelve-month", "six months", "six modules",
    "five day-long masterclasses", "three open questions", "88%", "4 March", "27 September 2024", "40%",
    "one applicant in three", "71%", "a third", "eighteen months", "one ward", "£1.2 million", "£450,000",
    "£3,500", "64 per cent", "£380,000", "£95,000", "page 9", "pp. 14–22", "p. 31", "four months", "section 7",
    "Table 1", "2024A cohort", "2023B cohort", "360-degree feedback",
)


def report_blocks(table1: list[list[str]]) -> list[tuple[str, object]]:
    """The report as a list of (kind, content) blocks: title, h1, h2, p, note, bullets, caption, table."""
    return [
        ("title", REPORT_TITLE),
        ("p", "Final report to the board of the Northbridge Clinical Leadership Academy. Prepared by the Academy's "
              "evaluation team, November 2024."),
        ("note", "Demonstration document. The Academy, its programmes, every person and organisation named and all "
                 "figures are invented for testing software; any resemblance to real people or bodies is "
                 "accidental."),
        ("h1", "1. Summary"),
        ("p", "Between 2023 and 2024 the Academy ran three leadership programmes for NHS doctors and managers: the "
              "Clinical Leadership Fellowship, the Medical Management Programme and the Senior Leaders Masterclass. "
              "Together they trained 342 NHS doctors and managers from 12 trusts and four integrated care boards."),
        ("p", "The evidence points to three main effects: closer working between clinicians and managers, practical "
              "changes to how services are run, and a growing network of alumni who now shape decisions beyond "
              "their own organisations. The programmes did not work equally well on every count, and section 7 "
              "sets out what participants said should change."),
        ("h1", "2. The programmes"),
        ("p", "The Clinical Leadership Fellowship is a twelve-month, part-time fellowship for consultants, GPs and "
              "senior registrars, built around an improvement project that each fellow leads in their own service. "
              "The Medical Management Programme runs over six months in six modules and pairs each doctor with a "
              "manager from another organisation. The Senior Leaders Masterclass is a series of five day-long "
              "masterclasses for clinical directors, medical directors and senior operational managers."),
        ("p", "All three draw on the Academy's 2021 guide “Working Across the Divide: Doctors and Managers in the "
              "Modern NHS”, in particular its chapter on shared accountability (pp. 14–22). Each combines taught "
              "sessions, action learning sets and coaching; the fellowship adds a supported project."),
        ("h1", "3. How we evaluated the programmes"),
        ("p", "We used three sources: a post-programme survey sent to every participant, with three open questions "
              "about what had changed, what they valued and what could be improved; semi-structured interviews "
              "with participants, line managers and sponsors; and routine data supplied by the trusts. The survey "
              "response rate was 88%. Interviews took place between 4 March and 27 September 2024."),
        ("p", "Open answers were coded against the impact codebook (engagement, relationships, service "
              "improvement, capability, attitudes, practice, policy, economic value, reach and endorsement). "
              "Quotations are reproduced with permission and attributed by role; the letters and numbers in "
              "brackets refer to the evidence log in Annex A."),
        ("p", "The evaluation has limits. Participants chose whether to respond, interviewees were suggested by "
              "sponsors, and most outcome data are self-reported. We have not tried to attribute changes in "
              "trust-level performance to the programmes alone, and the survey was run by the same team that "
              "delivers the programmes."),
        ("h1", "4. Participation and reach"),
        ("p", "Table 1 shows participants and survey responses by programme and cohort."),
        ("caption", "Table 1. Participants and survey responses by programme and cohort"),
        ("table", table1),
        ("p", "The Senior Leaders Masterclass alone brought together 95 senior clinicians and managers, and through "
              "its alumni events the Academy's network now reaches around 300 NHS directors. Participants have "
              "cascaded tools and sessions to more than 1,200 staff in their own organisations [F], and fellows' "
              "projects involved 38 GP practices. The trusts taking part serve over 2.5 million patients, so even "
              "modest changes in practice have a wide footprint."),
        ("p", "Demand is rising: applications for the 2024A cohort were 40% higher than for 2023A, and the Academy "
              "turned away roughly one applicant in three."),
        ("h1", "5. What changed"),
        ("h2", "5.1 Relationships between doctors and managers"),
        ("p", "The strongest theme in both the survey and the interviews was a change in how doctors and managers "
              "work together. Several interviewees described a \"them and us\" culture before the programme, in "
              "which each side saw the other as the obstacle."),
        ("p", f"According to the Medical Director of Kestrel Bay Hospitals NHS Trust, \"{T_A}\" [A]."),
        ("p", f"\"{T_B}\" said a consultant anaesthetist [B]. Survey answers made the same point in plainer words: "
              "many respondents now pick up the phone rather than send an email."),
        ("p", f"As one clinical director put it, “{T_52}” (5.2)."),
        ("h2", "5.2 Services and patients"),
        ("p", "Fellows' improvement projects were the main route from learning to service change. Most projects "
              "(71%) were still running six months after the fellowship ended, and a third had spread beyond the "
              "fellow's own team."),
        ("p", "Dr Hannah Okonjo, Clinical Director for Surgery, Northmoor Teaching Hospitals NHS Foundation Trust: "
              f"“{T_C}” [C]"),
        ("p", f"The chief executive of NHS Lowther Vale Integrated Care Board wrote that \"{T_D}\" [D]"),
        ("p", f"One GP fellow wrote in her reflective log: ‘{T_G}’ [G]"),
        ("p", "Survey answers describe the same pattern at a smaller scale: short daily huddles, rotas planned "
              "further ahead, job plans signed off jointly by clinical and operational leads, and clinics that "
              "run to time. Fellows in primary care more often described changes across their primary care "
              "network than within a single practice."),
        ("h2", "5.3 Skills and confidence"),
        ("p", "Almost every respondent reported new skills or more confidence, most often in reading a budget, "
              "chairing meetings and holding difficult conversations. Many singled out the 360-degree feedback as "
              "uncomfortable but useful, and managers valued learning how clinicians weigh risk. Growing "
              "confidence often came before a change of role: several fellows have since applied for clinical "
              "lead posts."),
        ("h2", "5.4 Influence beyond the programme"),
        ("p", "Several alumni now hold clinical director and medical director posts, and Masterclass participants "
              "contributed to the urgent and emergency care strategy of NHS Lowther Vale Integrated Care Board. "
              f"Lowther Vale's Director of Strategy told us that “{T_53}” [5.3]."),
        ("p", f"An external review by the regional workforce board [E] described the Medical Management Programme "
              f"as \"{T_E}\"."),
        ("p", f"\"{T_H}\" (service manager, Calder Edge NHS Foundation Trust) [H]."),
        ("h1", "6. Costs and value"),
        ("p", "The three programmes cost £1.2 million over the two years, of which £450,000 was met by the "
              "participating trusts. That is about £3,500 per participant, or 64 per cent of the fee for a "
              "comparable external course."),
        ("caption", "Table 2. Programme costs by year"),
        ("table", [
            ["Item", "2023", "2024", "Total"],
            ["Faculty and facilitation", "£310,000", "£330,000", "£640,000"],
            ["Venues and residentials", "£120,000", "£125,000", "£245,000"],
            ["Coaching", "£95,000", "£100,000", "£195,000"],
            ["Evaluation", "£60,000", "£60,000", "£120,000"],
            ["Total", "£585,000", "£615,000", "£1,200,000"],
        ]),
        ("p", "Fellows' projects reported recurrent savings of around £380,000 a year, mainly from lower agency and "
              "locum spend, and one project secured £95,000 of transformation funding from the integrated care "
              "board. These figures are self-reported and have not been audited (see page 9 of the technical "
              "annex)."),
        ("h1", "7. What could be better"),
        ("p", "Not everything worked. Survey respondents most often asked for more protected time, earlier dates "
              "and fewer long online sessions, which several described as \"too much Teams\". Some managers felt "
              "the fellowship was \"for doctors only\", and GPs were under-represented in the 2023B cohort."),
        ("p", f"A registrar on the 2023B fellowship: \"{T_I}\" [I]"),
        ("h1", "8. Recommendations"),
        ("bullets", [
            "Keep the action learning sets and the pairing of doctors with managers, which participants valued "
            "most.",
            "Agree backfill for clinical time with trusts before each cohort starts.",
            "Publish dates at least four months ahead.",
            "Offer an alumni programme so that projects do not stall when the fellowship ends.",
            "Open the Medical Management Programme to more nurse managers and allied health professionals.",
        ]),
        ("h1", "Annex A. Evidence log"),
        ("bullets", [
            "[A] Letter from the Medical Director, Kestrel Bay Hospitals NHS Trust, 12 June 2024.",
            "[B] Interview, consultant anaesthetist, 2023A fellowship, 18 April 2024.",
            "[C] Email from the Clinical Director for Surgery, Northmoor Teaching Hospitals NHS Foundation Trust, "
            "2 July 2024.",
            "[D] Letter from the Chief Executive, NHS Lowther Vale Integrated Care Board, 9 September 2024.",
            "[E] Regional workforce board, external review of leadership development, May 2024, p. 31.",
            "[F] Cascade returns from participating trusts, 2023–2024.",
            "[G] Reflective log extract, GP fellow, 2024A cohort, used with permission.",
            "[H] Interview, service manager, Senior Leaders Masterclass, 11 June 2024.",
            "[I] Interview, registrar, 2023B fellowship, 20 May 2024.",
            "5.2 Notes of the clinical directors' focus group, 6 June 2024.",
            "5.3 Interview, Director of Strategy, NHS Lowther Vale Integrated Care Board, 15 August 2024.",
        ]),
    ]


def table1_rows(respondents: list[Respondent]) -> list[list[str]]:
    """Participants per cohort and survey responses per programme, with a total row."""
    responses = Counter(r.programme for r in respondents)
    rows = [["Programme", *COHORTS, "Participants", "Survey responses"]]
    for programme in PROGRAMMES:
        ns = PARTICIPANTS[programme]
        rows.append([programme, *map(str, ns), str(sum(ns)), str(responses[programme])])
    totals = [sum(PARTICIPANTS[p][i] for p in PROGRAMMES) for i in range(len(COHORTS))]
    rows.append(["Total", *map(str, totals), str(sum(totals)), str(len(respondents))])
    return rows


def report_text(blocks: list[tuple[str, object]]) -> str:
    """Plain text of the report's running prose (no tables), paragraphs joined by newlines."""
    parts: list[str] = []
    for kind, content in blocks:
        if kind == "bullets":
            parts.extend(content)  # type: ignore[arg-type]
        elif kind != "table":
            parts.append(content)  # type: ignore[arg-type]
    return "\n".join(parts)


def gold_report(blocks: list[tuple[str, object]]) -> dict:
    """The gold annotations of the report, checked against its text."""
    text = report_text(blocks)
    testimonials = sorted(TESTIMONIALS, key=lambda t: text.index(t[0]))
    reach = sorted(REACH, key=lambda r: text.index(r[0]))
    for quote, speaker, ref in testimonials:
        if text.count(quote) != 1 or speaker not in text or ref not in text:
            raise AssertionError(f"testimonial not planted exactly once: {quote[:40]!r}")
    for item in (*[r[0] for r in reach], *NOT_TESTIMONIALS, *NOT_REACH):
        if item not in text:
            raise AssertionError(f"planted string missing from the report: {item!r}")
    return {
        "title": REPORT_TITLE,
        "text_file": "evaluation_report.docx",
        "note": ("Synthetic evaluation report written for evalnlp; every person, organisation and figure is "
                 "invented. Annotations follow the conventions of the seed case study gold (quote = exact text "
                 "inside the quotation marks; speaker and source_ref exactly as written). Only running text is "
                 "annotated: the two tables hold bare numbers and money under column headers. not_testimonials "
                 "and not_reach list planted strings that an extractor must not return."),
        "testimonials": [{"quote": q, "speaker": s, "source_ref": r} for q, s, r in testimonials],
        "reach": [{"text": t, "value": v, "unit": u} for t, v, u in reach],
        "not_testimonials": list(NOT_TESTIMONIALS),
        "not_reach": list(NOT_REACH),
    }


# --------------------------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------------------------

CLAIMS = [
    {"id": "relationships",
     "text": "The programmes strengthened working relationships between doctors and managers.",
     "themes": ["relationships"]},
    {"id": "practice",
     "text": "Fellows changed how their teams work and improved the services they run.",
     "themes": ["practice_change", "service_improvement"],
     "filters": {"programme": "Clinical Leadership Fellowship"}},
    {"id": "capability",
     "text": "Participants gained leadership skills, knowledge and confidence.",
     "themes": ["capability"]},
    {"id": "influence",
     "text": "Senior leaders used what they learned to take part in and shape regional strategy and policy.",
     "themes": ["policy_influence", "engagement"],
     "filters": {"programme": "Senior Leaders Masterclass"}},
    {"id": "value",
     "text": "The programmes brought financial value to the participating organisations.",
     "themes": ["economic_value"]},
]


# --------------------------------------------------------------------------------------------------------------
# Writing files
# --------------------------------------------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed entry timestamps and fixed document dates, so bytes are reproducible."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def write_survey_xlsx(respondents: list[Respondent], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in respondents:
        ws.append([r.respondent_id, r.submitted, r.programme, r.cohort, r.role, r.organisation,
                   *(r.answers[q].text for q in QUESTIONS)])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=2, min_col=7, max_col=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = {"A": 13, "B": 12, "C": 32, "D": 9, "E": 26, "F": 48, "G": 60, "H": 50, "I": 50}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B2"
    wb.properties.creator = "Northbridge Clinical Leadership Academy survey export (synthetic)"
    wb.properties.title = "Post-programme survey"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_write(path, normalise_zip(buf.getvalue()))


def write_report_docx(blocks: list[tuple[str, object]], path: Path) -> None:
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    props = doc.core_properties
    props.title = REPORT_TITLE
    props.author = "Northbridge Clinical Leadership Academy (fictional)"
    props.last_modified_by = props.author
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "Synthetic demonstration document for evalnlp."
    doc.styles["Normal"].font.size = Pt(11)
    for kind, content in blocks:
        if kind == "title":
            doc.add_heading(content, level=0)
        elif kind == "h1":
            doc.add_heading(content, level=1)
        elif kind == "h2":
            doc.add_heading(content, level=2)
        elif kind == "p":
            doc.add_paragraph(content)
        elif kind == "note":
            doc.add_paragraph().add_run(content).italic = True
        elif kind == "caption":
            doc.add_paragraph().add_run(content).bold = True
        elif kind == "bullets":
            for item in content:  # type: ignore[union-attr]
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            rows: list[list[str]] = content  # type: ignore[assignment]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Light Grid Accent 1"
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    table.cell(i, j).text = value
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    buf = io.BytesIO()
    doc.save(buf)
    _atomic_write(path, normalise_zip(buf.getvalue()))


def write_codes_csv(rows: list[CodedRow], path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["respondent_id", "question", "text", "themes"])
    writer.writerows(rows)
    _atomic_write(path, buf.getvalue().encode("utf-8"))


def write_claims_yaml(path: Path) -> None:
    import yaml

    header = ("# Impact claims for the demo corpus: each is backed by the survey answers coded with its themes,\n"
              "# optionally restricted to rows whose metadata match `filters`.\n")
    body = yaml.safe_dump({"claims": CLAIMS}, sort_keys=False, allow_unicode=True, width=100)
    _atomic_write(path, (header + body).encode("utf-8"))


# --------------------------------------------------------------------------------------------------------------
# Counts and README
# --------------------------------------------------------------------------------------------------------------


def _read_as_answers(texts: list[str]) -> list[bool]:
    """Which of ``texts`` evalnlp reads as answers: ingest (and codes import, train, evaluate) rejects the rest
    (E141: empty, marks only, or a placeholder such as "N/A" or "See above")."""
    import pandas as pd

    from evalnlp.ingest import no_answer

    blank, marks = no_answer(pd.Series(texts, dtype=object))
    return [not b for b in blank | marks]


def survey_counts(respondents: list[Respondent], codes: list[CodedRow]) -> dict:
    """Every count the README states, computed from the generated data (what is an answer, by evalnlp's rule)."""
    per_q: dict[str, dict[str, int]] = {}
    themes_per_q: dict[str, Counter[str]] = {}
    for q in QUESTIONS:
        answers = [r.answers[q] for r in respondents]
        written = [a for a in answers if _is_content(a)]
        kept = [a for a, ok in zip(written, _read_as_answers([a.text for a in written])) if ok]
        texts = [a.text for a in kept]
        dup = Counter(t for t in texts)
        per_q[q] = {
            "answered": len(texts),
            "empty": sum(a.text is None for a in answers),
            "whitespace": sum(a.text is not None and not a.text.strip() for a in answers),
            "na": sum(a.shape == "na" for a in answers),
            "placeholder": len(written) - len(kept),
            "one_word": sum(len(t.split()) == 1 for t in texts),
            "multiline": sum("\n" in t.strip() for t in texts),
            "duplicated": sum(n for n in dup.values() if n > 1),
            "no_theme": sum(not a.themes for a in kept),
        }
        themes_per_q[q] = Counter(t for a in answers for t in a.themes)
    pii = [a for r in respondents for a in r.answers.values() if a.pii]
    coded_themes = Counter(t for row in codes for t in row[3].split(";") if t)
    return {
        "rows": len(respondents),
        "programmes": Counter(r.programme for r in respondents),
        "cohorts": Counter(r.cohort for r in respondents),
        "roles": Counter(r.role for r in respondents),
        "organisations": len({r.organisation for r in respondents}),
        "per_question": per_q,
        "themes": themes_per_q,
        "pii_answers": len(pii),
        "pii_kinds": Counter(k for a in pii for k in a.pii),
        "planted_duplicates": sum(1 for r in respondents for a in r.answers.values() if a.duplicate_of),
        "fragments": len({f.text for pools in POOLS.values() for p in pools.values() for f in p}
                         | {f.text for f in CLOSER_POOL} | {t for _, _, t in PII_TEMPLATES}),
        "coded": len(codes),
        "coded_no_theme": sum(1 for row in codes if not row[3]),
        "coded_placeholders": [row[2] for row, ok in zip(codes, _read_as_answers([row[2] for row in codes]))
                               if not ok],
        "coded_themes": coded_themes,
    }


def _placeholders_read(n: int, placeholders: list[str]) -> list[str]:
    """The README's lines on the coded answers that evalnlp reads as no answer (none: no lines)."""
    if not placeholders:
        return []
    shown = ", ".join(f"`{t}`" for t in placeholders)
    one = len(placeholders) == 1
    return [f"{'One' if one else len(placeholders)} of the {n}, {shown}, {'is a placeholder' if one else 'are placeholders'} "
            "for no answer, which `codes import`, `train` and", "`evaluate` leave out as `ingest` does (E141): they "
            f"read {n - len(placeholders)} coded answers."]


def render_readme(c: dict, gold: dict, seed: int) -> str:
    qlabel = {Q_CHANGED: "changed", Q_VALUED: "valued", Q_IMPROVED: "improved"}
    lines = [
        "# Demo corpus: evaluation of a leadership programme for NHS doctors and managers",
        "",
        "**Synthetic.** Written for evalnlp as a demonstration and test corpus for the `impact` codebook. The",
        "Northbridge Clinical Leadership Academy, its programmes, the trusts and integrated care boards, every person",
        "named and every answer and figure are invented; there are no real people or organisations in it. Personal",
        "details planted for redaction are fake: NHS numbers are in the 999 range used for test data (with a valid",
        "check digit), phone numbers are from Ofcom's ranges reserved for drama, e-mail addresses use reserved",
        "example domains.",
        "",
        "## How it was made",
        "",
        "```",
        f"python scripts/make_demo_corpus.py --seed {seed}",
        "```",
        "",
        "The script writes every file in this folder, README included, and the same seed gives byte-identical",
        "files. Survey answers are assembled by a seeded generator from "
        f"{c['fragments']} hand-written sentences and phrases,",
        "each coded by hand against the `impact` codebook, with role-specific wording, slots (team, meeting,",
        "counterpart), informal touches (typos, lower case, missing stops), and then planted duplicates and",
        "personal details. An answer's planted themes are the union of its fragments' codes. The report is fixed",
        "prose with planted testimonials and reach figures.",
        "",
        "## Files",
        "",
        "| file | what it is |",
        "|---|---|",
        "| `survey.xlsx` | post-programme survey export, sheet `Responses`, one row per respondent |",
        f"| `survey_codes.csv` | {c['coded']} survey answers coded by hand against the `impact` codebook, for the "
        "train/evaluate demo |",
        "| `evaluation_report.docx` | a four-page evaluation report of the same programmes, with testimonials, "
        "reach figures and two tables |",
        "| `gold_report.json` | every testimonial and reach figure planted in the report, plus planted "
        "non-testimonials and non-reach numbers |",
        "| `claims.yaml` | impact claims for `evalnlp evidence --claims` |",
        "",
        "## survey.xlsx",
        "",
        "| column | content |",
        "|---|---|",
        "| `respondent_id` | R001, R002, ... in order of submission |",
        "| `submitted` | date the response was submitted (an Excel date) |",
        "| `programme` | " + ", ".join(f"`{p}`" for p in PROGRAMMES) + " |",
        "| `cohort` | " + ", ".join(f"`{x}`" for x in COHORTS) + " |",
        "| `role` | consultant, GP, registrar, clinical director, service manager, nurse manager, ... |",
        "| `organisation` | one of 12 fictional NHS trusts or 4 fictional integrated care boards |",
        f"| `{Q_CHANGED}` | open answer |",
        f"| `{Q_VALUED}` | open answer |",
        f"| `{Q_IMPROVED}` | open answer, mostly critical or mixed |",
        "",
        "Answers vary as real ones do: empty cells, whitespace-only cells, `N/A` and similar, one-word answers,",
        "long answers over several lines, bullet lists, typos, the same words from two respondents, and answers",
        "with personal details (names of colleagues, e-mail addresses, UK phone numbers, NHS numbers, postcodes)",
        "to be redacted before quoting.",
        "",
        "## Counts",
        "",
        f"- rows: {c['rows']}",
        f"- organisations: {c['organisations']}",
        f"- answers with personal details: {c['pii_answers']}",
        f"- planted duplicate answers: {c['planted_duplicates']}",
        f"- coded answers: {c['coded']}",
        f"- coded answers with no theme: {c['coded_no_theme']}",
        f"- testimonials in the report: {len(gold['testimonials'])}",
        f"- reach figures in the report: {len(gold['reach'])}",
        "",
        "| programme | respondents |",
        "|---|---|",
        *[f"| {p} | {c['programmes'][p]} |" for p in PROGRAMMES],
        "",
        "| cohort | respondents |",
        "|---|---|",
        *[f"| {x} | {c['cohorts'][x]} |" for x in COHORTS],
        "",
        "Per question (`answered` counts the cells `evalnlp ingest` stores as answers, the others being empty,",
        "whitespace-only, N/A (`N/A` and similar, `-`) or another placeholder for no answer (`placeholder`: a",
        "written `No comment`, `See above` or `As above.`), which it rejects (E141); `duplicated` counts answered",
        "cells whose exact text occurs more than once in the column; `no theme` counts answered cells with no",
        "planted theme):",
        "",
        "| question | answered | empty | whitespace | N/A | placeholder | one word | multi-line | duplicated | no theme |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for q in QUESTIONS:
        s = c["per_question"][q]
        lines.append(f"| {qlabel[q]} | {s['answered']} | {s['empty']} | {s['whitespace']} | {s['na']} | "
                     f"{s['placeholder']} | {s['one_word']} | {s['multiline']} | {s['duplicated']} | "
                     f"{s['no_theme']} |")
    lines += [
        "",
        "Planted themes (answers per theme and question; `coded` = positives in `survey_codes.csv`):",
        "",
        "| theme | changed | valued | improved | coded |",
        "|---|---|---|---|---|",
    ]
    for t in THEMES:
        lines.append(f"| {t} | " + " | ".join(str(c["themes"][q][t]) for q in QUESTIONS)
                     + f" | {c['coded_themes'][t]} |")
    kinds = c["pii_kinds"]
    lines += [
        "",
        "Personal details planted: " + ", ".join(f"{k.replace('_', ' ')} {kinds[k]}" for k in
                                                 ("name", "email", "phone", "nhs_number", "postcode")) + ".",
        "",
        "## survey_codes.csv",
        "",
        f"{c['coded']} answers ({c['coded'] // 3} per question, no planted duplicates), chosen so that every theme has",
        "examples. Codes follow the `impact` codebook (multi-label; an answer may have no theme): each is the union",
        "of the hand-assigned codes of the fragments the answer was written from, and every sampled answer was",
        "read and checked against the codebook definitions as a whole. Columns:",
        "`respondent_id`, `question` (the column header), `text` (exactly the cell text) and `themes` (theme ids",
        "joined by `;`, empty for none). Use it with",
        "`evalnlp train corpora/demo_leadership/survey_codes.csv --text text --labels-column themes --sep \";\"`.",
        *_placeholders_read(c["coded"], c["coded_placeholders"]),
        "",
        "## evaluation_report.docx and gold_report.json",
        "",
        "A report with headings, paragraphs, a bulleted list and two tables (participants and survey responses by",
        "cohort; costs by year). It quotes stakeholders in several styles (`According to X, \"...\" [A]`,",
        "`\"...,\" said X [B]`, `As one clinical director put it, \"...\" (5.2)`, `X: \"...\" [C]`, a quotation",
        "spanning two sentences with an ellipsis and a bracketed insertion, straight, curly and single quotes, a",
        "reference before the quotation, a parenthetical attribution) and states reach figures in prose. It also",
        "holds things that must not count: a publication title in quotes, scare quotes, years, dates, money,",
        "percentages, page numbers, durations and counts of things.",
        "",
        "`gold_report.json` follows the format of the seed case-study gold: `testimonials` (`quote` exactly as in",
        "the document text, `speaker`, `source_ref`) and `reach` (`text`, `value`, `unit`), in text order, plus",
        "`not_testimonials` and `not_reach`. Only running text is annotated; the tables are not.",
        "",
        "## claims.yaml",
        "",
        "A mapping with one key, `claims`: a list of claims, each with `id`, `text`, `themes` (codebook theme ids)",
        "and optional `filters` (survey column -> required value).",
        "",
        "## Licence",
        "",
        "MIT, the same as the rest of the repository. Written for the project; no third-party content.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------------------


def make_demo_corpus(out_dir: Path, seed: int = DEFAULT_SEED) -> dict:
    """Write the whole demo corpus into ``out_dir`` and return the counts stated in its README."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    respondents = build_survey(seed)
    codes = coded_sample(respondents, random.Random(seed + 1))
    blocks = report_blocks(table1_rows(respondents))
    gold = gold_report(blocks)
    counts = survey_counts(respondents, codes)
    write_survey_xlsx(respondents, out_dir / "survey.xlsx")
    write_codes_csv(codes, out_dir / "survey_codes.csv")
    write_report_docx(blocks, out_dir / "evaluation_report.docx")
    _atomic_write(out_dir / "gold_report.json",
                  (json.dumps(gold, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    write_claims_yaml(out_dir / "claims.yaml")
    _atomic_write(out_dir / "README.md", render_readme(counts, gold, seed).encode("utf-8"))
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    counts = make_demo_corpus(args.out, args.seed)
    print(f"wrote {args.out}: {counts['rows']} respondents, {counts['coded']} coded answers, "
          f"{counts['pii_answers']} answers with personal details")


if __name__ == "__main__":
    main()
