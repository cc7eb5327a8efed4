"""Texts for benchmarks/quality_data.py: postings and first-person seekers, from templates x ESCO skills x Norwegian labels.

Seekers write like people do: the occupation named by its Norwegian label, another Norwegian label, the broader STYRK-08
group title, or not at all (tasks only); sometimes with a typo or without æ/ø/å; an older job mentioned; things about
themselves that say nothing about the occupation. One in five writes in English. Their declared wishes never name the
answer's occupation or unit group: none, the broader ISCO minor group, a neighbouring unit group, or an older job.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quality_data import Occupation, Place

ENGLISH_SHARE = 0.2
NAMED_NO = (("label", 0.4), ("other_label", 0.15), ("styrk_title", 0.2), ("unnamed", 0.25))
NAMED_EN = (("english_label", 0.8), ("unnamed", 0.2))
EMPLOYER_WORDS = ("Nordlys", "Fjellvind", "Kystlys", "Bjørkeli", "Havbris", "Granli", "Elvebakk", "Vestkyst", "Solsiden",
                  "Furulund", "Storøya", "Midtbyen", "Lundheim", "Sjøkanten", "Nordvik", "Bakkehaugen")
EMPLOYER_KINDS = ("AS", "kommune", "Gruppen AS", "Service AS", "SA", "helseforetak", "og Sønner AS", "Drift AS")

NO_OPENINGS = (
    "Jeg har jobbet som {label} i {years} år.",
    "Jeg er utdannet {label} og har {years} års erfaring.",
    "De siste {years} årene har jeg jobbet som {label}.",
    "Jeg jobber i dag som {label}, men ønsker meg en ny arbeidsplass.",
    "Har {years} års erfaring som {label} og ser etter ny jobb.",
    "Jeg er {label} med {years} års erfaring fra flere arbeidsplasser.",
)
NO_GROUP_OPENINGS = (
    "Yrkesbakgrunn: {group}. Jeg har {years} års erfaring.",
    "Jeg har {years} års erfaring innenfor yrkesgruppen {group_lower}.",
)
NO_UNNAMED_OPENINGS = (
    "Jeg har {years} års arbeidserfaring og ser etter en ny jobb.",
    "Etter {years} år i samme bedrift vil jeg gjerne videre.",
    "Jeg søker ny jobb der jeg kan bruke erfaringen min.",
)
NO_SKILLS = (
    "I jobben min har jeg blant annet jobbet med {a}, {b} og {c}.",
    "Jeg kan {a} og {b}, og jeg har også erfaring med {c}.",
    "Jeg er god på {a}. Ellers har jeg jobbet mye med {b}.",
    "Arbeidsoppgavene mine har vært {a}, {b} og {c}.",
    "Erfaring med: {a}, {b}, {c}.",
)
NO_OLDER = (
    "Før det jobbet jeg {years} år som {label}.",
    "Tidligere har jeg også vært {label}.",
    "Jeg begynte som {label} for mange år siden.",
)
NO_PERSONAL = (
    "Jeg bor i {place} og har førerkort klasse B.",
    "Jeg er flink med folk og liker å ha mye å gjøre.",
    "Jeg ønsker meg en fast stilling, gjerne heltid.",
    "Jeg har to barn og trenger forutsigbare arbeidstider.",
    "Jeg snakker norsk og engelsk.",
    "Jeg er pålitelig, punktlig og lærer fort.",
    "Nå vil jeg gjerne prøve noe nytt i samme fagfelt.",
    "Jeg trives best når jeg kan jobbe selvstendig.",
    "Jeg trives i team og liker å samarbeide.",
)
EN_OPENINGS = (
    "I have worked as a {label} for {years} years.",
    "I am a trained {label} with {years} years of experience.",
    "Experienced {label} looking for a new position in Norway.",
)
EN_UNNAMED_OPENINGS = ("I have {years} years of work experience and I am looking for a new job.",)
EN_SKILLS = (
    "My experience includes {a}, {b} and {c}.",
    "I am good at {a} and {b}, and I have also done {c}.",
)
EN_OLDER = ("Before that I worked as a {label} for {years} years.", "Earlier I was a {label}.")
EN_PERSONAL = ("I live in {place} and I am learning Norwegian.", "I am reliable and I learn fast.",
               "I would like a permanent full-time position.")
POSTING_OFFERS = (
    "Vi tilbyr et godt arbeidsmiljø og gode pensjonsordninger.",
    "Vi tilbyr konkurransedyktige betingelser og faglig utvikling.",
    "Du blir del av et hyggelig og kompetent team.",
    "Tiltredelse etter avtale.",
)
ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[share for _, share in weighted])[0]


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: two neighbouring letters swapped, or one dropped."""
    if len(word) < 6:
        return word
    at = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + word[at + 1 :]


def as_written(label: str, rng: random.Random) -> str:
    """The label as a person types it: usually as is, sometimes with a typo or without æ/ø/å."""
    draw = rng.random()
    if draw < 0.12:
        return typo(label, rng)
    if draw < 0.2:
        return label.translate(ASCII)
    return label


LEADING_VERBS = frozenset("""
adapt adhere administer advise analyse apply arrange assess assist attend build calculate carry check clean collaborate
communicate comply conduct control coordinate create deal deliver demonstrate design develop ensure establish evaluate
execute follow handle help identify implement inspect install instruct interact keep liaise maintain manage measure
monitor negotiate operate organise oversee perform plan prepare present process promote provide recognise record report
repair respond review select sell set show solve supervise support teach test train undertake use work write
""".split())


def skills_for(occupation: Occupation, rng: random.Random, count: int, *, essential_first: bool) -> list[str]:
    """`count` skills: postings list the first (essential) ones first, seekers any of the occupation's skills."""
    pool = list(occupation.skills_en)
    head = pool[: max(count, 8)] if essential_first else pool
    chosen = rng.sample(head, k=min(count, len(head)))
    return chosen + ["good communication"] * (count - len(chosen))


def in_own_words(skill: str, rng: random.Random) -> str:
    """A skill as a person writes it: often without ESCO's leading verb ("execute vehicle maintenance" -> "vehicle maintenance")."""
    first, _, rest = skill.partition(" ")
    object_first = rest.split(" ", 1)[0] not in ("of", "with", "to", "for", "in", "on", "at", "the", "a", "an", "and", "that")
    if first in LEADING_VERBS and " " in rest and object_first and rng.random() < 0.6:
        return rest
    return skill


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def make_posting(occupation: Occupation, key: str, place: Place, rng: random.Random) -> dict[str, Any]:
    """A posting in the jobmatch schema: Norwegian title, Norwegian frame around ESCO's English description and skills."""
    label = occupation.label_no or occupation.label_en
    if occupation.other_labels_no and rng.random() < 0.25:
        label = rng.choice(occupation.other_labels_no)
    employer = f"{rng.choice(EMPLOYER_WORDS)} {rng.choice(EMPLOYER_WORDS)} {rng.choice(EMPLOYER_KINDS)}"
    permanent = rng.random() < 0.7
    title = rng.choice((
        capitalised(label), capitalised(label), f"{capitalised(label)} – {'fast stilling' if permanent else 'vikariat'}",
        f"Vi søker {label}", f"{capitalised(label)} til {employer}", f"{capitalised(label)} i {place.municipality}",
    ))
    skills = skills_for(occupation, rng, min(8, max(3, len(occupation.skills_en))), essential_first=True)
    sentences = [part.strip() + "." for part in occupation.description_en.split(". ") if part.strip()]
    description = " ".join(sentences[: rng.randint(1, 3)]).replace("..", ".")
    body: dict[str, Any] = {
        "source": "quality-benchmark",
        "external_id": key,
        "title": title,
        "description": "\n".join([
            f"{employer} i {place.municipality} søker {label}.",
            f"Om stillingen: {description}",
            "Arbeidsoppgaver og kvalifikasjoner: " + "; ".join(skills[: rng.randint(2, len(skills))]) + ".",
            rng.choice(POSTING_OFFERS),
        ]),
        "employer": {"name": employer, "orgnr": f"9{rng.randrange(10**8):08d}"},
        "locations": [{"postal_code": place.postal_code, "municipality": place.municipality.title(),
                       "municipality_code": place.municipality_code, "country": "NO"}],
        "occupations": [],
        "skills": skills if rng.random() < 0.6 else [],
        "extent": "full_time" if rng.random() < 0.75 else "part_time",
        "engagement_type": "permanent" if permanent else "temporary",
        "sector": rng.choice(("public", "private", "private")),
        "work_hours": rng.choice((["day"], ["day"], ["day", "evening"], ["shift"], ["day", "weekend"])),
    }
    if occupation.styrk:
        body["occupations"].append({"system": "STYRK08", "code": occupation.styrk, "label": occupation.styrk_title})
    if rng.random() < 0.5:
        body["occupations"].append({"system": "ESCO", "code": occupation.uri, "label": occupation.label_no or occupation.label_en})
    return body


def wishes_for(answer: Occupation, older: Occupation, kind: str, sample: list[Occupation],
               isco_names: dict[str, str], rng: random.Random) -> tuple[list[dict[str, Any]], str]:
    """Declared occupations that never name the answer's occupation or unit group, and which kind they turned out to be."""
    forbidden = {answer.uri, answer.isco, answer.styrk}
    broader = [{"system": "ISCO08", "code": answer.isco[:3], "label": isco_names.get(answer.isco[:3])}]
    if kind == "broader":
        return broader, kind
    if kind == "neighbour":
        near = sorted({(o.styrk, o.styrk_title) for o in sample
                       if o.styrk and o.styrk[:3] == answer.isco[:3] and o.styrk not in forbidden and o.isco != answer.isco})
        near = near or sorted({(o.styrk, o.styrk_title) for o in sample
                               if o.styrk and o.styrk[:2] == answer.isco[:2] and o.styrk[:3] != answer.isco[:3]
                               and o.styrk not in forbidden})
        if near:
            code, title = rng.choice(near)
            return [{"system": "STYRK08", "code": code, "label": title}], kind
        return broader, "broader"
    if kind == "older" and older.styrk not in forbidden:
        return [{"system": "STYRK08", "code": older.styrk, "label": older.styrk_title}], kind
    return [], "none"


def make_seeker(answer: Occupation, older: Occupation, wish_kind: str, sample: list[Occupation],
                isco_names: dict[str, str], home: Place, rng: random.Random) -> tuple[dict[str, Any], str, str, str]:
    """A seeker profile in the jobmatch schema, its language, how its text names the answer, and its kind of wish."""
    english = rng.random() < ENGLISH_SHARE
    named_by = pick(rng, NAMED_EN if english else NAMED_NO)
    if named_by == "other_label" and not answer.other_labels_no:
        named_by = "label"
    years, older_years = rng.randint(1, 25), rng.randint(1, 10)
    place = home.municipality.title()
    a, b, c = (in_own_words(skill, rng) for skill in skills_for(answer, rng, 3, essential_first=False))
    title = None
    if english:
        title = rng.choice((answer.label_en, *answer.alt_labels_en[:4])) if named_by == "english_label" else None
        opening = rng.choice(EN_OPENINGS if title else EN_UNNAMED_OPENINGS).format(label=title, years=years)
        sentences = [opening, rng.choice(EN_SKILLS).format(a=a, b=b, c=c)]
        older_sentence = rng.choice(EN_OLDER).format(label=older.label_en, years=older_years)
        personal = EN_PERSONAL
    else:
        if named_by in ("label", "other_label"):
            title = as_written(answer.label_no if named_by == "label" else rng.choice(answer.other_labels_no), rng)  # type: ignore[arg-type]
            opening = rng.choice(NO_OPENINGS).format(label=title, years=years)
        elif named_by == "styrk_title" and answer.styrk_title:
            opening = rng.choice(NO_GROUP_OPENINGS).format(group=answer.styrk_title, group_lower=answer.styrk_title.lower(), years=years)
        else:
            named_by = "unnamed"
            opening = rng.choice(NO_UNNAMED_OPENINGS).format(years=years)
        sentences = [opening, rng.choice(NO_SKILLS).format(a=a, b=b, c=c)]
        older_sentence = rng.choice(NO_OLDER).format(label=older.label_no, years=older_years)
        personal = NO_PERSONAL
    mentions_older = wish_kind == "older" or rng.random() < 0.3
    if mentions_older:
        sentences.insert(rng.randint(1, len(sentences)), older_sentence)
    sentences += [line.format(place=place) for line in rng.sample(personal, k=rng.randint(1, 2))]
    wished, wish_kind = wishes_for(answer, older, wish_kind, sample, isco_names, rng)
    experience = []
    if title and rng.random() < 0.5:
        experience.append({"title": capitalised(title), "years": float(years)})
    if mentions_older and rng.random() < 0.5:
        experience.append({"title": capitalised(older.label_en if english else older.label_no or older.label_en),
                           "years": float(older_years)})
    profile: dict[str, Any] = {
        "summary": " ".join(sentences),
        "experience": experience,
        "skills": [{"name": name, "level": rng.randint(2, 5)} for name in rng.sample([a, b, c], k=rng.randint(2, 3))]
        if rng.random() < 0.5 else [],
        "wishes": {"occupations": wished},
        "stay_factors": {},
    }
    if rng.random() < 0.7:
        profile["wishes"]["locations"] = [{"postal_code": home.postal_code, "max_distance_km": rng.choice((30.0, 50.0, 100.0))}]
        profile["stay_factors"]["commute"] = rng.choices(("none", "low", "medium", "high"), weights=(3, 3, 3, 1))[0]
    if rng.random() < 0.2:
        profile["stay_factors"]["permanent"] = "medium"
    return profile, "en" if english else "no", named_by, wish_kind
