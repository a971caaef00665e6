"""Regenerate the retrieval evaluation set in eval/: six spoken talks with overlapping vocabulary and qa.json.

Every talk is an original English text written for this project. Each sentence is spoken on its own by espeak-ng,
trimmed to its audible samples and placed between short silences of seeded random length, so every sentence's start
and end second is exact. The track is resampled to 16 kHz and encoded by PyAV as mono AAC in an M4A file; qa.json
keeps the sentence timings and the questions, each pointing at the one sentence that answers it (or at none).
Same texts, same seeds, same espeak-ng and PyAV: the same files. Needs the Debian package `espeak-ng` and `av`.

Usage: python scripts/make_eval_set.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import tempfile
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from make_test_media import SAMPLE_RATE, SILENCE_THRESHOLD, _espeak

OUT_DIR = Path(__file__).resolve().parent.parent / "eval"
OUTPUT_RATE = 16_000
BIT_RATE = 28_000
LEAD_IN = 0.6
TAIL = 0.6
# Pauses between sentences are drawn from this range with a per-talk seed, so they differ but never change.
GAP_RANGE = (0.45, 0.95)
AAC_FRAME = 1024
KINDS = ("paraphrase", "exact", "disambiguation", "unanswerable")


@dataclass(frozen=True, slots=True)
class Talk:
    """One talk: how it is spoken and what it says."""

    slug: str
    title: str
    voice: str
    words_per_minute: int
    seed: int
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """A question and where its answer is: a unique fragment of one sentence of one talk, or nothing at all."""

    kind: str
    text: str
    talk: str | None = None
    answer: str | None = None


# Numbers are written the way a speaker says them; the same numbers, dates, rooms and versions recur across talks
# with different meanings, so a retriever has to tell similar talks apart.
TALKS: tuple[Talk, ...] = (
    Talk(
        slug="pharmacology-lecture",
        title="Pharmacology lecture: doses, half-lives and interactions",
        voice="en-gb",
        words_per_minute=155,
        seed=101,
        sentences=(
            "Good morning, and welcome back to the second pharmacology lecture of the spring term.",
            "Today we cover dosing, half-lives, and the interactions that send patients back to hospital.",
            "Let us start with amoxicillin, which most of you will prescribe in your first week on the wards.",
            "For a chest infection in an adult, the usual dose is five hundred milligrams three times a day.",
            "In severe infections you may double that to one gram, still every eight hours.",
            "Paracetamol is next, and the ceiling matters more than the starting dose.",
            "An adult should never take more than four grams of paracetamol in twenty four hours.",
            "For patients under fifty kilograms, drop the maximum to three grams a day.",
            "Ibuprofen is usually given as four hundred milligrams with food, up to three times daily.",
            "Avoid it in patients with kidney disease, because it reduces blood flow to the kidney.",
            "Now, half-life, which is the time it takes for the blood level of a drug to fall by half.",
            "A drug reaches steady state after roughly five half-lives, whatever the dose.",
            "Digoxin has a half-life of around thirty six hours, so steady state takes about a week.",
            "That is why we sometimes give a loading dose of digoxin, split over the first day.",
            "Warfarin is the classic example of a drug with a narrow therapeutic window.",
            "We monitor it with the I N R, and for most patients the target range is two to three.",
            "Clarithromycin, a macrolide antibiotic, can push the I N R dangerously high within days.",
            "If you must combine them, recheck the I N R after three days rather than waiting a week.",
            "Metformin is the first choice for type two diabetes, starting at five hundred milligrams once a day.",
            "Increase it slowly, by five hundred milligrams each week, to limit stomach upset.",
            "The usual ceiling for metformin is two grams a day, in divided doses.",
            "Stop metformin before contrast scans if kidney function is poor.",
            "Let me say a word about storage, since the hospital pharmacy asked me to.",
            "Insulin pens in use can stay at room temperature for up to twenty eight days.",
            "Unopened insulin belongs in the fridge, between two and eight degrees.",
            "A fever above forty degrees in a patient on clozapine is an emergency until proven otherwise.",
            "Clozapine also needs regular blood counts, weekly for the first eighteen weeks.",
            "Morphine by mouth usually starts at five milligrams every four hours for pain.",
            "Always prescribe a laxative alongside it, because constipation is almost universal.",
            "The antidote for opioid overdose is naloxone, four hundred micrograms into a vein, repeated as needed.",
            "Remember that naloxone wears off faster than morphine, so watch the patient for at least two hours.",
            "Grapefruit juice blocks an enzyme in the gut and can raise the level of simvastatin several fold.",
            "Patients on simvastatin should therefore avoid grapefruit juice altogether.",
            "Version three of the trust antibiotic guideline now lists doxycycline as first choice for mild pneumonia.",
            "The dose of doxycycline is two hundred milligrams on the first day, then one hundred milligrams daily.",
            "Take doxycycline sitting upright with a full glass of water, to protect the gullet.",
            "Your reading for next week is chapter twelve, on drugs acting on the heart.",
            "The short quiz on this lecture opens on March twelfth and closes a week later.",
            "Any questions about doses can go to the pharmacy teaching team in room two oh four.",
            "Thank you, and see you on Thursday at nine.",
        ),
    ),
    Talk(
        slug="hospital-operations",
        title="Hospital operations meeting: capacity, the ward move and staffing",
        voice="en-us",
        words_per_minute=160,
        seed=202,
        sentences=(
            "Good afternoon everyone, this is the weekly operations meeting for the medical division.",
            "First item is bed capacity, which has been tight for the last three weeks.",
            "Yesterday we ran at ninety six percent occupancy, and the emergency department held eleven patients "
            "overnight.",
            "Our target remains ninety two percent, so we need about fifteen more discharges a day.",
            "Ward seven will move to the new east wing on March twelfth.",
            "The move starts at six in the morning and should be finished by two in the afternoon.",
            "During the move, admissions to ward seven will be diverted to ward nine.",
            "Room two oh four on the east wing will become the new isolation room for infectious patients.",
            "It has negative pressure ventilation, which the old room two eleven never had.",
            "Doctor Chen will lead the discharge team, and the team meets every morning at eight fifteen.",
            "The discharge lounge will now open at seven thirty instead of nine.",
            "Patients waiting for transport can wait there, which frees their beds before lunch.",
            "Pharmacy has asked that take-home medicines be ordered by eleven o'clock the day before discharge.",
            "Late orders last month delayed forty discharges, which is nearly two a day.",
            "Second item is staffing for the night shift.",
            "We have six vacant nursing posts on the night shift across the division.",
            "Agency nurses cost us about forty percent more per hour than our own staff.",
            "Helen Brooks has agreed to run an open day for recruitment on April third.",
            "The open day will be in the education centre, room one oh eight, from ten until four.",
            "Third item is the theatre schedule.",
            "Theatre three is closed for ventilation repairs until the end of the month.",
            "Elective hip replacements from theatre three will move to Saturday lists in theatre five.",
            "We expect to lose about twelve operating sessions before theatre three reopens.",
            "Fourth item is the electronic patient record.",
            "Version three of the discharge checklist goes live in the record next Monday.",
            "It adds a mandatory field for the date of the follow up appointment.",
            "The record will be down for maintenance on Sunday from one until three in the morning.",
            "During the downtime, wards will use paper forms, which are in the blue folder at each nurses station.",
            "Fifth item is the heat plan for the summer, which we review every spring.",
            "Last July, temperatures on ward nine reached thirty one degrees in the afternoon.",
            "Estates will fit portable cooling units to ward nine by the end of May.",
            "Sixth item is infection control.",
            "We had two cases of norovirus on ward four last week, and the bay was closed for seventy two hours.",
            "Hand hygiene audits are at eighty eight percent, below our target of ninety five percent.",
            "Finally, the car park.",
            "The staff car park on level two will close for resurfacing from March fifth to March ninth.",
            "Staff can use the park and ride from the football ground, with buses every fifteen minutes.",
            "The next operations meeting is on Tuesday at two, in the boardroom.",
            "Please send agenda items to the operations manager by Friday noon.",
            "Thank you all for your work in a very busy month.",
        ),
    ),
    Talk(
        slug="software-release",
        title="Lantern gateway version 3.2: release talk",
        voice="en-us",
        words_per_minute=170,
        seed=303,
        sentences=(
            "Hi everyone, thanks for joining the release talk for version three point two of the Lantern gateway.",
            "This release took eleven weeks and closes one hundred and forty issues.",
            "The headline change is that the gateway now listens on port eight thousand eighty by default.",
            "The old default, port eighty eighty, still works if you set it in the config file.",
            "The admin console moved to port nine thousand one hundred, and it is off by default.",
            "We also dropped support for Python three point eight, so you need three point ten or later.",
            "Let me talk about performance first.",
            "Median request latency fell from forty milliseconds to twelve milliseconds on our benchmark.",
            "Peak throughput is now about twenty thousand requests per second on a single node.",
            "Memory use under load dropped by thirty percent, mostly thanks to a new connection pool.",
            "The connection pool keeps up to two hundred idle connections per upstream.",
            "Now the breaking changes, and please read these carefully.",
            "The configuration key called timeout is now split into connect timeout and read timeout.",
            "If you leave the old key in place, the gateway refuses to start and logs error code E one oh four.",
            "The health check endpoint moved from slash health to slash ready.",
            "Load balancers that still probe slash health will see a four oh four and mark the node as down.",
            "Next, the bugs we fixed.",
            "The most reported bug was a five oh three error under heavy load when the upstream closed idle "
            "connections.",
            "That one was caused by a race in the retry logic and is fixed in this release.",
            "We also fixed a memory leak in the web socket handler that grew by about two megabytes an hour.",
            "Log rotation now works on Windows, which many of you asked for.",
            "On security, we rotated the signing keys, and old tokens expire after twenty four hours.",
            "T L S version one point one is no longer accepted; the minimum is now T L S one point two.",
            "Let us talk about the upgrade path.",
            "You can upgrade directly from version three point one, but from version two you must go through "
            "three point zero first.",
            "The database migration takes about four minutes for a million routes.",
            "Take a backup before you run the migration, because it cannot be undone.",
            "If something goes wrong, roll back with the previous container image and restore that backup.",
            "The release candidate ran in staging for two weeks without a single restart.",
            "The general release is scheduled for March twelfth at ten in the morning, universal time.",
            "Container images will be published to the registry an hour before the announcement.",
            "Version three point one will get security fixes until the end of September.",
            "After that, version three point one reaches end of life and gets no further patches.",
            "Looking ahead, version three point three will add rate limiting per client.",
            "It will also bring an optional cache, with entries that expire after forty seconds by default.",
            "We plan to ship three point three in early June, but that date may move.",
            "The documentation site has a new page on tuning, written by Priya from the platform team.",
            "If you find a bug, please open an issue and include the gateway version and the request identifier.",
            "For urgent production problems, the on call engineer can be reached through the support channel.",
            "Thank you, and happy upgrading.",
        ),
    ),
    Talk(
        slug="weather-briefing",
        title="Regional weather and climate briefing",
        voice="en-gb-x-rp",
        words_per_minute=150,
        seed=404,
        sentences=(
            "Good evening, this is the regional weather and climate briefing for the coming fortnight.",
            "We begin with last week, which was the warmest early March on record for the region.",
            "On March twelfth the airport reached twenty two degrees, beating the old record by nearly three degrees.",
            "The average for that date is only eleven degrees.",
            "Nights were mild too, with the temperature in the city centre staying above nine degrees.",
            "That warm spell is now ending as a deep low pressure system moves in from the Atlantic.",
            "The central pressure of the low will drop to about nine hundred and sixty hectopascals on Tuesday.",
            "Expect gales on the coast on Tuesday, with gusts of up to seventy miles an hour.",
            "The port authority has already suspended ferry crossings for Tuesday afternoon.",
            "Rain will spread from the west on Tuesday morning and turn heavy by the evening.",
            "Some hills could see forty millimetres of rain in twelve hours.",
            "The river authority warns that the river discharge at the weir may double by Thursday.",
            "An amber flood warning is in force for the lower valley from Wednesday until Friday.",
            "Behind the low, much colder air arrives for the weekend.",
            "Daytime highs on Saturday will struggle to reach five degrees.",
            "On Sunday morning there could be a frost, with rural lows around minus three degrees.",
            "Gardeners should protect young plants and bring seedlings indoors on Saturday night.",
            "Snow is possible above three hundred metres, mainly on Sunday.",
            "Next week looks calmer, with high pressure building from the south.",
            "Temperatures should recover to around thirteen degrees by Wednesday.",
            "Now for the longer view on climate.",
            "Last year was the second warmest year in the regional record, which goes back to eighteen eighty four.",
            "The regional average temperature was ten point four degrees, one point two degrees above the long "
            "term average.",
            "Summer heat is the biggest change.",
            "Last July the city recorded forty degrees for the first time, on the nineteenth of July.",
            "Before that, the hottest day on record was thirty eight point one degrees, set in two thousand nineteen.",
            "Days above thirty degrees used to happen about twice a summer; now we see around nine.",
            "Rainfall is changing in a different way.",
            "Total yearly rain is about the same, but more of it falls in short, heavy bursts.",
            "Winter rainfall has risen by about twelve percent since the nineteen sixties.",
            "That is one reason why the flood defences on the lower valley are being raised by half a metre.",
            "Sea surface temperatures off the coast were two degrees above normal for most of last autumn.",
            "Warmer seas feed stronger storms and heavier rain when lows arrive from the Atlantic.",
            "The pollen season also starts about two weeks earlier than it did thirty years ago.",
            "Birch pollen counts are forecast to be high from early April.",
            "The seasonal outlook for spring leans towards a wetter than average April.",
            "For summer, there is a sixty percent chance of above average temperatures.",
            "We will update this outlook on the first of May.",
            "Detailed warnings are on the weather service website and on the radio every hour.",
            "That is all from the briefing team; stay safe on Tuesday.",
        ),
    ),
    Talk(
        slug="company-all-hands",
        title="Company all-hands: first quarter results, budget and the new office",
        voice="en-us+m3",
        words_per_minute=160,
        seed=505,
        sentences=(
            "Hello everyone, and welcome to the all-hands for the first quarter.",
            "I am Lena Chen, the chief executive, and I will keep this to under four minutes.",
            "Revenue for the quarter was twelve point four million dollars, up eighteen percent on last year.",
            "That beat our plan by about four hundred thousand dollars.",
            "Gross margin improved to sixty one percent, from fifty seven percent a year ago.",
            "Customer churn fell to three percent, the lowest we have ever had.",
            "Priya Raman, our finance director, will now walk through the budget.",
            "Thanks Lena; the operating budget for next year is forty two million dollars.",
            "Engineering gets the largest share, at forty percent of the total.",
            "Marketing gets twenty two percent, and sales gets eighteen percent.",
            "We are setting aside two hundred thousand dollars for training and conferences.",
            "Every employee can spend up to two thousand dollars a year on learning, with no approval needed "
            "under five hundred.",
            "Travel spending is capped at eighty percent of last year's level.",
            "Salary reviews will happen in April, and the average increase will be four point five percent.",
            "Back to Lena for the people update.",
            "We hired thirty four people this quarter and now have two hundred and twelve employees.",
            "Marcus Webb joins on March twelfth as our new head of sales.",
            "Marcus spent nine years building sales teams in the healthcare sector.",
            "Sadly, Tom Okafor, our head of support, retires at the end of June after fifteen years with us.",
            "Tom's farewell party will be on June twenty sixth in the canteen.",
            "Now, the new office.",
            "We have signed a ten year lease on the third floor of the Harbour Building.",
            "The move is planned for the weekend of May seventeenth.",
            "Each team will get a quiet room, and room two oh four will be the new all-hands room with space for "
            "eighty people.",
            "There will be a bike store for forty bikes and showers on every floor.",
            "The employee survey closed last week with a response rate of eighty seven percent.",
            "Seventy nine percent of you said you would recommend us as a place to work.",
            "The lowest score was for internal communication, so we are changing how we share news.",
            "From April, these all-hands meetings will happen every month instead of every quarter.",
            "Version three of the employee handbook comes out on April first, with the new parental leave policy.",
            "Parental leave rises from twelve weeks to twenty weeks at full pay, for all parents.",
            "Everyone also gets two extra volunteering days a year.",
            "On the product side, the mobile app passed one million downloads in February.",
            "Our biggest customer, Northwind Health, renewed for three more years.",
            "That single contract is worth about two point one million dollars a year.",
            "Our goal for next quarter is to reach thirteen point five million dollars in revenue.",
            "The company bonus pool is five percent of salary if we hit that goal.",
            "Please send questions for next month to the all-hands inbox before Friday.",
            "Recordings of this meeting will be on the intranet by tomorrow morning.",
            "Thank you all, and enjoy the rest of your week.",
        ),
    ),
    Talk(
        slug="cooking-class",
        title="Cooking class: roast chicken, a simple loaf and a lemon tart",
        voice="en-gb",
        words_per_minute=165,
        seed=606,
        sentences=(
            "Welcome to the kitchen, everyone; tonight we are making a roast chicken, a simple loaf and a lemon tart.",
            "Please wash your hands and tie back long hair before you touch any food.",
            "We start with the bread, because the dough needs time to rise.",
            "Put five hundred grams of strong white flour in a large bowl.",
            "Add seven grams of dried yeast on one side and ten grams of salt on the other.",
            "Salt touching the yeast directly can slow it down, so keep them apart at first.",
            "Pour in three hundred and fifty millilitres of warm water, about forty degrees, no hotter.",
            "Knead the dough for ten minutes, until it is smooth and springs back when you press it.",
            "Leave it covered in a warm place for an hour, or until it has doubled in size.",
            "Now the chicken, which should be out of the fridge for thirty minutes before roasting.",
            "Preheat the oven to two hundred degrees, or one hundred and eighty if your oven has a fan.",
            "Rub the skin with butter, salt and pepper, and put half a lemon and some thyme inside the bird.",
            "A chicken of one and a half kilos needs about one hour and twenty minutes.",
            "The safest check is a probe thermometer in the thickest part of the thigh.",
            "The meat is done when it reads seventy five degrees.",
            "Rest the chicken under foil for fifteen minutes before carving, so the juices settle.",
            "While it rests, make a gravy with the pan juices and a splash of port.",
            "Now the pastry for the tart.",
            "Rub one hundred and twenty five grams of cold butter into two hundred grams of plain flour.",
            "Add one egg yolk and two tablespoons of cold water, then bring it together without kneading.",
            "Chill the pastry for at least thirty minutes, or it will shrink in the oven.",
            "Roll it out to the thickness of a coin and line a tin of twenty three centimetres.",
            "Bake it blind for fifteen minutes with baking beans, then five minutes without.",
            "For the filling, whisk four eggs with one hundred and fifty grams of sugar.",
            "Add the zest and juice of three lemons, and one hundred and fifty millilitres of double cream.",
            "Turn the oven down to one hundred and forty degrees for the filling.",
            "Bake the tart for about thirty minutes, until it is set but still wobbles in the middle.",
            "Let it cool completely; it slices best after two hours in the fridge.",
            "Back to the dough, which should have doubled by now.",
            "Knock it back, shape it into a round loaf, and let it rise again for forty minutes.",
            "Bake the loaf at two hundred and twenty degrees for thirty minutes.",
            "Tap the bottom of the loaf: if it sounds hollow, it is ready.",
            "A word on food safety before we eat.",
            "Your fridge should run at five degrees or colder.",
            "Cooked leftovers should go into the fridge within two hours and be eaten within three days.",
            "Never reheat rice more than once.",
            "If you are cooking for someone with a nut allergy, clean every surface and use separate boards.",
            "Next week's class is on March twelfth, and we will make fresh pasta and a tomato sauce.",
            "The class will be in room two oh four, because this kitchen is being refitted.",
            "Now, let us carve the chicken and eat.",
        ),
    ),
)

PHARM, HOSP, SOFT, WEATHER, ALLHANDS, COOK = (talk.slug for talk in TALKS)

# The answer is a fragment that occurs in exactly one sentence of the named talk; the script turns it into an index.
QUESTIONS: tuple[Question, ...] = (
    # Paraphrases: the answer sentence says it with different words.
    Question("paraphrase", "What should the cooker be set to before the bird goes in?", COOK, "Preheat the oven"),
    Question("paraphrase", "What reading tells you the poultry is cooked through?", COOK, "seventy five degrees"),
    Question("paraphrase", "How long should the bird sit before it gets sliced?", COOK, "Rest the chicken"),
    Question("paraphrase", "Why does the tart base have to go somewhere cold first?", COOK, "Chill the pastry"),
    Question("paraphrase", "Is it safe to warm up cooked grains over and over?", COOK, "reheat rice"),
    Question("paraphrase", "How can you check that the bread is baked through?", COOK, "sounds hollow"),
    Question(
        "paraphrase", "What is the daily upper limit of acetaminophen for a typical grown-up?", PHARM, "four grams"
    ),
    Question("paraphrase", "Why keep an eye on someone after reversing an opiate overdose?", PHARM, "wears off"),
    Question(
        "paraphrase",
        "How can a breakfast citrus drink make a cholesterol pill more dangerous?",
        PHARM,
        "blocks an enzyme",
    ),
    Question("paraphrase", "How long until a medicine's concentration in the body levels off?", PHARM, "roughly five"),
    Question(
        "paraphrase",
        "How should the tetracycline-type antibiotic be swallowed so it doesn't hurt the food pipe?",
        PHARM,
        "sitting upright",
    ),
    Question(
        "paraphrase",
        "What else should go on the chart with oral opioids, to head off a common side effect?",
        PHARM,
        "laxative",
    ),
    Question(
        "paraphrase", "What makes the new infection room better than the previous one?", HOSP, "negative pressure"
    ),
    Question("paraphrase", "How much pricier are temporary nurses than employed ones?", HOSP, "Agency nurses"),
    Question("paraphrase", "What will wards do while the computer system is offline?", HOSP, "paper forms"),
    Question("paraphrase", "How can staff get to work while their parking is unavailable?", HOSP, "park and ride"),
    Question("paraphrase", "Why does the new version need less RAM?", SOFT, "Memory use under load"),
    Question(
        "paraphrase", "What precaution should be taken before changing the database schema?", SOFT, "Take a backup"
    ),
    Question("paraphrase", "How do I undo the upgrade if it breaks something?", SOFT, "roll back"),
    Question("paraphrase", "What should people with vegetable patches do this weekend?", WEATHER, "Gardeners"),
    Question(
        "paraphrase",
        "Is the region getting more precipitation over a whole year than it used to?",
        WEATHER,
        "Total yearly rain",
    ),
    Question("paraphrase", "By how much are the valley's river barriers being heightened?", WEATHER, "half a metre"),
    Question("paraphrase", "How long can new mums and dads now take off on full pay?", ALLHANDS, "twenty weeks"),
    Question(
        "paraphrase",
        "How much may each staff member put towards courses every year?",
        ALLHANDS,
        "two thousand dollars",
    ),
    Question("paraphrase", "Will the new premises have facilities for cyclists?", ALLHANDS, "bike store"),
    Question("paraphrase", "How many new people came on board over the last three months?", ALLHANDS, "We hired"),
    # Exact terms: names, numbers, identifiers, doses and versions that the answer sentence contains.
    Question("exact", "What does error code E104 mean?", SOFT, "E one oh four"),
    Question("exact", "What is the default port of the Lantern gateway in version 3.2?", SOFT, "eight thousand eighty"),
    Question("exact", "Which port does the admin console use?", SOFT, "admin console"),
    Question("exact", "Is TLS 1.1 still accepted?", SOFT, "T L S"),
    Question("exact", "How fast did the WebSocket handler leak memory?", SOFT, "web socket"),
    Question("exact", "What is the usual amoxicillin dose for a chest infection?", PHARM, "chest infection"),
    Question("exact", "What dose of naloxone is given for an opioid overdose?", PHARM, "four hundred micrograms"),
    Question("exact", "What is the half-life of digoxin?", PHARM, "thirty six hours"),
    Question("exact", "What is the maximum daily dose of metformin?", PHARM, "ceiling for metformin"),
    Question("exact", "What is the target INR range for most patients on warfarin?", PHARM, "target range"),
    Question("exact", "When does Marcus Webb start?", ALLHANDS, "Marcus Webb"),
    Question("exact", "When does Tom Okafor retire?", ALLHANDS, "Tom Okafor"),
    Question("exact", "How long did Northwind Health renew for?", ALLHANDS, "Northwind"),
    Question("exact", "Who leads the discharge team?", HOSP, "Doctor Chen"),
    Question("exact", "When is Helen Brooks running the recruitment open day?", HOSP, "Helen Brooks"),
    Question("exact", "Why is theatre three closed?", HOSP, "ventilation repairs"),
    Question("exact", "When will the level two car park be closed?", HOSP, "level two"),
    Question("exact", "How low will the central pressure fall, in hectopascals?", WEATHER, "hectopascals"),
    Question("exact", "When was the 38.1 degree record set?", WEATHER, "thirty eight point one"),
    Question("exact", "How many grams of yeast go into the bread?", COOK, "seven grams"),
    # Disambiguation: the same date, room, temperature, version or word recurs in other talks with another meaning.
    Question("disambiguation", "Which ward moves on March 12?", HOSP, "Ward seven will move"),
    Question("disambiguation", "What record was broken on March 12?", WEATHER, "airport reached"),
    Question("disambiguation", "What happens to the Lantern gateway on March 12?", SOFT, "general release"),
    Question("disambiguation", "What opens on March 12 for the pharmacology students?", PHARM, "short quiz"),
    Question("disambiguation", "What will the cooking class make on March 12?", COOK, "fresh pasta"),
    Question("disambiguation", "What will room 204 in the east wing be used for?", HOSP, "isolation room"),
    Question("disambiguation", "How many people will fit in room 204 at the new office?", ALLHANDS, "eighty people"),
    Question("disambiguation", "Why is next week's cooking class in room 204?", COOK, "being refitted"),
    Question("disambiguation", "When did the city first reach 40 degrees?", WEATHER, "for the first time"),
    Question("disambiguation", "In the cooking class, what should be at about 40 degrees?", COOK, "warm water"),
    Question(
        "disambiguation",
        "What does version 3 of the antibiotic guideline recommend for mild pneumonia?",
        PHARM,
        "trust antibiotic guideline",
    ),
    Question("disambiguation", "When does version 3 of the discharge checklist go live?", HOSP, "discharge checklist"),
    Question("disambiguation", "When does version 3 of the employee handbook come out?", ALLHANDS, "employee handbook"),
    Question("disambiguation", "Which team gets forty percent of next year's budget?", ALLHANDS, "Engineering gets"),
    Question("disambiguation", "What has been suspended at the port on Tuesday?", WEATHER, "ferry crossings"),
    Question("disambiguation", "What is expected to happen to the discharge by Thursday?", WEATHER, "river discharge"),
    Question("disambiguation", "What is port used for in the kitchen?", COOK, "splash of port"),
    Question("disambiguation", "How hot did it get on ward nine last July?", HOSP, "thirty one degrees"),
    Question("disambiguation", "How cold should a home fridge be?", COOK, "Your fridge"),
    Question("disambiguation", "What is Lena Chen's job?", ALLHANDS, "chief executive"),
    Question("disambiguation", "What moves to Saturdays while theatre three is shut?", HOSP, "Saturday lists"),
    # Unanswerable: plausible, in the same vocabulary, but no talk says it.
    Question("unanswerable", "What dose of amoxicillin is used for children?"),
    Question("unanswerable", "Which room will the MRI scanner move to?"),
    Question("unanswerable", "Which port does the Lantern gateway expose its metrics on?"),
    Question("unanswerable", "How much rain fell on March 12?"),
    Question("unanswerable", "What is the budget for fitting out the new office?"),
    Question("unanswerable", "How long should the fresh pasta dough rest?"),
    Question("unanswerable", "What is the half-life of warfarin?"),
    Question("unanswerable", "When does version 3.2 reach end of life?"),
    Question("unanswerable", "Who is the new head of marketing?"),
    Question("unanswerable", "What temperature did ward seven reach last summer?"),
    Question("unanswerable", "What is the forecast high for Tuesday?"),
)


def speak(text: str, voice: str, words_per_minute: int) -> np.ndarray:
    """Render one sentence with espeak-ng and return its audible samples as int16, silence trimmed off."""
    with tempfile.TemporaryDirectory() as tmp:
        wav_path = Path(tmp) / "sentence.wav"
        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [_espeak(), "-v", voice, "-s", str(words_per_minute), "-w", str(wav_path), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(wav_path), "rb") as reader:
            if reader.getframerate() != SAMPLE_RATE or reader.getnchannels() != 1 or reader.getsampwidth() != 2:
                raise RuntimeError(f"espeak-ng wrote an unexpected WAV format for {text!r}")
            samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError(f"espeak-ng rendered only silence for {text!r}")
    return samples[loud[0] : loud[-1] + 1].copy()


def render_talk(talk: Talk, pool: ThreadPoolExecutor) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Speak every sentence and lay them out between seeded pauses; return the track and each sentence's timing."""
    speeches = list(pool.map(lambda text: speak(text, talk.voice, talk.words_per_minute), talk.sentences))
    rng = random.Random(talk.seed)  # noqa: S311 - seeded pauses between sentences, not security
    pieces = [np.zeros(round(LEAD_IN * SAMPLE_RATE), dtype=np.int16)]
    cursor = pieces[0].size
    timings: list[dict[str, object]] = []
    for index, (text, speech) in enumerate(zip(talk.sentences, speeches, strict=True)):
        if index:
            gap = np.zeros(round(rng.uniform(*GAP_RANGE) * SAMPLE_RATE), dtype=np.int16)
            pieces.append(gap)
            cursor += gap.size
        timings.append(
            {
                "start": round(cursor / SAMPLE_RATE, 3),
                "end": round((cursor + speech.size) / SAMPLE_RATE, 3),
                "text": text,
            }
        )
        pieces.append(speech)
        cursor += speech.size
    pieces.append(np.zeros(round(TAIL * SAMPLE_RATE), dtype=np.int16))
    return np.concatenate(pieces), timings


def resample(samples: np.ndarray) -> np.ndarray:
    """From espeak-ng's 22 050 Hz to 16 kHz with libswresample, which keeps the timing aligned."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=OUTPUT_RATE)
    out: list[np.ndarray] = []
    for offset in range(0, samples.size, AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(samples[offset : offset + AAC_FRAME].reshape(1, -1), layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = offset
        frame.time_base = Fraction(1, SAMPLE_RATE)
        out.extend(piece.to_ndarray().reshape(-1) for piece in resampler.resample(frame))
    out.extend(piece.to_ndarray().reshape(-1) for piece in resampler.resample(None))
    return np.concatenate(out)


def write_m4a(path: Path, samples: np.ndarray) -> None:
    """Encode 16 kHz mono int16 samples as AAC in an M4A (MP4) container."""
    with av.open(str(path), mode="w", format="ipod") as container:
        stream = container.add_stream("aac", rate=OUTPUT_RATE, layout="mono")
        stream.bit_rate = BIT_RATE
        for offset in range(0, samples.size, AAC_FRAME):
            frame = av.AudioFrame.from_ndarray(samples[offset : offset + AAC_FRAME].reshape(1, -1), layout="mono")
            frame.sample_rate = OUTPUT_RATE
            frame.pts = offset
            frame.time_base = Fraction(1, OUTPUT_RATE)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def resolve(question: Question, timings: dict[str, list[dict[str, object]]]) -> int | None:
    """The index of the one sentence holding the question's answer fragment; fail loudly if it is not exactly one."""
    if question.talk is None or question.answer is None:
        if question.kind != "unanswerable" or question.talk is not None or question.answer is not None:
            raise ValueError(f"only unanswerable questions may lack an answer: {question.text!r}")
        return None
    needle = question.answer.lower()
    hits = [index for index, sentence in enumerate(timings[question.talk]) if needle in str(sentence["text"]).lower()]
    if len(hits) != 1:
        raise ValueError(f"{question.answer!r} occurs in {len(hits)} sentences of {question.talk}: {question.text!r}")
    return hits[0]


def build_dataset(timings: dict[str, list[dict[str, object]]], durations: dict[str, float]) -> dict[str, object]:
    """qa.json: the talks with their sentence timings and the questions pointing into them."""
    if len({question.text for question in QUESTIONS}) != len(QUESTIONS):
        raise ValueError("two questions have the same text")
    return {
        "version": 1,
        "talks": [
            {
                "id": talk.slug,
                "file": f"talks/{talk.slug}.m4a",
                "title": talk.title,
                "voice": f"espeak-ng {talk.voice} at {talk.words_per_minute} words per minute",
                "duration": durations[talk.slug],
                "sentences": timings[talk.slug],
            }
            for talk in TALKS
        ],
        "questions": [
            {
                "id": f"q{number:02d}",
                "question": question.text,
                "talk": question.talk,
                "sentence": resolve(question, timings),
                "kind": question.kind,
            }
            for number, question in enumerate(QUESTIONS, start=1)
        ],
    }


def main() -> None:
    """Render every talk into DIR/talks and write DIR/qa.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write the evaluation set into")
    out: Path = parser.parse_args().out
    (out / "talks").mkdir(parents=True, exist_ok=True)
    began = time.monotonic()

    timings: dict[str, list[dict[str, object]]] = {}
    durations: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        for talk in TALKS:
            track, timings[talk.slug] = render_talk(talk, pool)
            audio = resample(track)
            durations[talk.slug] = round(audio.size / OUTPUT_RATE, 3)
            path = out / "talks" / f"{talk.slug}.m4a"
            write_m4a(path, audio)
            print(f"{path.name:28} {durations[talk.slug]:7.1f} s {path.stat().st_size:>9} bytes")

    dataset = build_dataset(timings, durations)
    (out / "qa.json").write_text(json.dumps(dataset, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {kind: sum(question.kind == kind for question in QUESTIONS) for kind in KINDS}
    print(f"qa.json: {len(QUESTIONS)} questions {counts}; {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
