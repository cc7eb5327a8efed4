"""Twelve hand-written demo seekers with varied wishes, limits and stay factors."""

from __future__ import annotations

from datetime import date

from jobmatch.demo.occupations import occupation
from jobmatch.seekers.schemas import Experience, NotForMe, SeekerIn, SeekerSkill, WishedLocation, Wishes
from jobmatch.vocab import EngagementType, Extent, Importance, Remote, Sector, StayFactor, WorkHours

D, E, N, W, S = WorkHours.DAY, WorkHours.EVENING, WorkHours.NIGHT, WorkHours.WEEKEND, WorkHours.SHIFT
P, T, SE, TR = EngagementType.PERMANENT, EngagementType.TEMPORARY, EngagementType.SEASONAL, EngagementType.TRAINEE
ON, HY, RE = Remote.ONSITE, Remote.HYBRID, Remote.REMOTE
PUB, PRI = Sector.PUBLIC, Sector.PRIVATE
MUST, HIGH, MED, LOW, NONE = Importance.MUST, Importance.HIGH, Importance.MEDIUM, Importance.LOW, Importance.NONE


def _skills(*items: tuple[str, int] | tuple[str, int, bool]) -> list[SeekerSkill]:
    return [SeekerSkill(name=item[0], level=item[1], wants_to_use=item[2] if len(item) > 2 else True) for item in items]


def _stay(commute: Importance, permanent: Importance, extent: Importance, work_hours: Importance,
          remote: Importance, sector: Importance, salary: Importance) -> dict[StayFactor, Importance]:
    return {StayFactor.COMMUTE: commute, StayFactor.PERMANENT: permanent, StayFactor.EXTENT: extent,
            StayFactor.WORK_HOURS: work_hours, StayFactor.REMOTE: remote, StayFactor.SECTOR: sector,
            StayFactor.SALARY: salary}


def _near(postal_code: str, km: float) -> WishedLocation:
    return WishedLocation(postal_code=postal_code, max_distance_km=km)


def _in(municipality: str, km: float | None = None) -> WishedLocation:
    return WishedLocation(municipality=municipality, max_distance_km=km)


def demo_seekers() -> list[SeekerIn]:
    """The twelve demo seekers, in a fixed order."""
    return [
        SeekerIn(
            summary="Jeg er sykepleier med åtte års erfaring fra medisinsk sengepost på Haukeland. Etter mange år med "
            "nattevakter vil jeg nå ha en fast stilling med dagvakter, gjerne innen poliklinikk eller hjemmesykepleie.",
            experience=[Experience(title="Sykepleier, medisinsk sengepost", years=8,
                                   description="Ansvar for pasienter med sammensatte lidelser, primærsykepleier.")],
            education=["Bachelor i sykepleie, Høgskulen på Vestlandet"],
            skills=_skills(("sykepleie", 5), ("legemiddelhåndtering", 5), ("dokumentasjon i DIPS", 4),
                           ("veiledning av studenter", 4), ("akuttmedisin", 3, False)),
            wishes=Wishes(occupations=[occupation("2223"), occupation("2221")], locations=[_near("5020", 25)],
                          extent=Extent.FULL_TIME, engagement_types=[P], remote=[ON], sectors=[PUB], work_hours=[D],
                          earliest_start=date(2027, 2, 1)),
            not_for_me=NotForMe(keywords=["nattevakt", "natt"]),
            stay_factors=_stay(HIGH, MUST, MED, MUST, NONE, LOW, MED),
        ),
        SeekerIn(
            summary="Helsefagarbeider i Oslo som jobber 60 prosent i dag og ønsker meg en hel stilling. Jeg trives i "
            "hjemmetjenesten og har lang erfaring med demensomsorg. Turnus og helg er helt greit.",
            experience=[Experience(title="Helsefagarbeider, hjemmetjenesten Grorud", years=5),
                        Experience(title="Pleieassistent, sykehjem", years=2)],
            education=["Fagbrev helsearbeiderfaget"],
            skills=_skills(("personlig stell", 5), ("demensomsorg", 5), ("legemiddelutdeling", 4),
                           ("dokumentasjon i Gerica", 3), ("arabisk", 5), ("førerkort klasse B", 4)),
            wishes=Wishes(occupations=[occupation("5321"), occupation("5322")], locations=[_in("Oslo", 20)],
                          extent=Extent.FULL_TIME, engagement_types=[P, T], sectors=[PUB, PRI], work_hours=[S, W, D]),
            stay_factors=_stay(MED, HIGH, MUST, LOW, NONE, LOW, HIGH),
        ),
        SeekerIn(
            summary="Backend developer with six years of Python and Go experience, recently moved to Trondheim with my "
            "partner. I am learning Norwegian (B1) and look for an English-speaking team that lets me work mostly "
            "from home. Interested in public-sector digitalisation and climate tech.",
            experience=[Experience(title="Software engineer, fintech startup (London)", years=4),
                        Experience(title="Junior developer, agency", years=2)],
            education=["BSc Computer Science, University of Leeds"],
            skills=_skills(("Python", 5), ("Go", 4), ("SQL", 4), ("Kubernetes", 3), ("CI/CD", 4), ("React", 2, False),
                           ("norsk", 2)),
            wishes=Wishes(occupations=[occupation("2512"), occupation("2511")], locations=[_near("7011", 30)],
                          extent=Extent.FULL_TIME, engagement_types=[P], remote=[RE, HY], work_hours=[D]),
            not_for_me=NotForMe(keywords=["gambling", "betting"]),
            stay_factors=_stay(MED, MED, HIGH, LOW, MUST, NONE, HIGH),
        ),
        SeekerIn(
            summary="Elektriker med fagbrev og ti år i bransjen. Bor i Sandnes med to små barn, så jeg vil ha kort "
            "vei til jobb og faste dagtider. Liker servicearbeid og smarthus, ikke så glad i store byggeplasser.",
            experience=[Experience(title="Elektriker, installasjon bolig og næring", years=10)],
            education=["Fagbrev elektrikerfaget", "Kurs i NEK 400:2022"],
            skills=_skills(("elektroinstallasjon", 5), ("NEK 400", 5), ("feilsøking", 4), ("smarthus", 4),
                           ("tavlebygging", 3, False), ("solcelleanlegg", 2)),
            wishes=Wishes(occupations=[occupation("7411")], locations=[_near("4306", 20)], extent=Extent.FULL_TIME,
                          engagement_types=[P], remote=[ON], sectors=[PRI], work_hours=[D]),
            not_for_me=NotForMe(employers=["Stavanger Elektro AS"], keywords=["offshore", "rotasjon"]),
            stay_factors=_stay(MUST, HIGH, MED, HIGH, NONE, NONE, HIGH),
        ),
        SeekerIn(
            summary="Grunnskolelærer i Tromsø med fordypning i matematikk og spesialpedagogikk. Jeg ønsker fast "
            "stilling i kommunal skole, gjerne på mellomtrinnet eller som spesialpedagog.",
            experience=[Experience(title="Kontaktlærer 5.–7. trinn", years=6),
                        Experience(title="Vikar ved PP-tjenesten", years=1)],
            education=["Grunnskolelærerutdanning 1–7, UiT", "30 studiepoeng spesialpedagogikk"],
            skills=_skills(("undervisning", 5), ("klasseledelse", 4), ("tilpasset opplæring", 5),
                           ("spesialpedagogikk", 4), ("individuell opplæringsplan", 3), ("samisk", 2, False)),
            wishes=Wishes(occupations=[occupation("2341"), occupation("2352")], locations=[_in("Tromsø", 15)],
                          extent=Extent.FULL_TIME, engagement_types=[P], remote=[ON], sectors=[PUB], work_hours=[D]),
            not_for_me=NotForMe(occupations=[occupation("5311")]),
            stay_factors=_stay(HIGH, MUST, HIGH, MED, NONE, MUST, LOW),
        ),
        SeekerIn(
            summary="Student ved Universitetet i Sørøst-Norge som trenger deltidsjobb ved siden av studiene. Kan "
            "jobbe kvelder og helger, helst i butikk eller på lager i Drammen.",
            experience=[Experience(title="Butikkmedarbeider, sportsbutikk", years=1.5),
                        Experience(title="Sommerjobb, lager", years=0.3)],
            education=["Studiespesialisering, Drammen videregående skole", "Bachelor i økonomi (pågår)"],
            skills=_skills(("kundeservice", 4), ("kassesystem", 4), ("varepåfylling", 3), ("truckførerbevis", 2),
                           ("engelsk", 4)),
            wishes=Wishes(occupations=[occupation("5223"), occupation("4321")], locations=[_in("Drammen", 10)],
                          extent=Extent.PART_TIME, engagement_types=[P, T, SE], remote=[ON], work_hours=[E, W],
                          earliest_start=date(2027, 1, 4)),
            not_for_me=NotForMe(keywords=["nattarbeid"]),
            stay_factors=_stay(HIGH, NONE, MUST, MUST, NONE, NONE, MED),
        ),
        SeekerIn(
            summary="Autorisert regnskapsfører med bred erfaring fra regnskapsbyrå. Jeg liker å ha egne kunder og "
            "vil gjerne kombinere kontor i Oslo eller Bærum med hjemmekontor to dager i uka. Kundesenter er ikke "
            "noe for meg.",
            experience=[Experience(title="Autorisert regnskapsfører, regnskapsbyrå", years=9),
                        Experience(title="Lønnsmedarbeider", years=3)],
            education=["Bachelor i økonomi og administrasjon, BI"],
            skills=_skills(("bokføring", 5), ("årsoppgjør", 5), ("mva-rapportering", 5), ("Tripletex", 4),
                           ("Visma", 4), ("lønnskjøring", 4, False), ("Excel", 4)),
            wishes=Wishes(occupations=[occupation("3313"), occupation("2411")],
                          locations=[_in("Oslo", 15), _in("Bærum", 10)], extent=Extent.FULL_TIME,
                          engagement_types=[P], remote=[HY], sectors=[PRI], work_hours=[D]),
            not_for_me=NotForMe(occupations=[occupation("4222")], keywords=["kundesenter", "telefonsalg"]),
            stay_factors=_stay(MED, MED, MED, HIGH, HIGH, LOW, HIGH),
        ),
        SeekerIn(
            summary="Yrkessjåfør med CE og ADR, bosatt på Hamar. Kjører gjerne langt og i skift, men vil ha fast "
            "ansettelse og ordentlig lønn etter mange år som innleid.",
            experience=[Experience(title="Trailersjåfør, innleid via bemanningsbyrå", years=7),
                        Experience(title="Distribusjonssjåfør", years=4)],
            education=["Førerkort klasse CE", "YSK etterutdanning 2024", "ADR grunnkurs"],
            skills=_skills(("førerkort CE", 5), ("ADR", 4), ("sikring av last", 5), ("digital fartsskriver", 4),
                           ("truckførerbevis", 3, False)),
            wishes=Wishes(occupations=[occupation("8332"), occupation("8331")],
                          locations=[_near("2317", 80), _in("Elverum", 40)], extent=Extent.FULL_TIME,
                          engagement_types=[P], remote=[ON], sectors=[PRI], work_hours=[S, N, D, W]),
            stay_factors=_stay(LOW, MUST, MED, LOW, NONE, NONE, MUST),
        ),
        SeekerIn(
            summary="Kokk med fagbrev fra Ålesund. Har jobbet à la carte i mange år, men vil nå bort fra sene kvelder "
            "og helger. En kantine, et sykehjemskjøkken eller en bedrift med dagtid passer meg perfekt.",
            experience=[Experience(title="Kokk, à la carte-restaurant", years=11),
                        Experience(title="Sous-chef", years=2)],
            education=["Fagbrev kokkfaget"],
            skills=_skills(("matlaging", 5), ("menyplanlegging", 4), ("hygiene (IK-mat)", 5), ("allergener", 4),
                           ("varebestilling", 4), ("anretning", 5, False)),
            wishes=Wishes(occupations=[occupation("5120"), occupation("8160")], locations=[_near("6003", 35)],
                          engagement_types=[P, T], remote=[ON], sectors=[PUB, PRI], work_hours=[D]),
            not_for_me=NotForMe(keywords=["à la carte", "bartender"], occupations=[occupation("5131")]),
            stay_factors=_stay(HIGH, LOW, MED, MUST, NONE, NONE, MED),
        ),
        SeekerIn(
            summary="Lawyer qualified in Ireland with five years in employment and contract law, now living in Oslo. "
            "My Norwegian is at B2 level and improving. I am looking for a role as an in-house lawyer or associate "
            "where English is used daily.",
            experience=[Experience(title="Associate, commercial law firm (Dublin)", years=5)],
            education=["LLM, Trinity College Dublin", "Norskprøven B2"],
            skills=_skills(("kontraktsrett", 4), ("arbeidsrett", 5), ("forhandling", 4), ("klientrådgivning", 4),
                           ("prosedyre", 2, False), ("engelsk", 5), ("norsk", 3)),
            wishes=Wishes(occupations=[occupation("2611"), occupation("2421")], locations=[_in("Oslo", 30)],
                          extent=Extent.FULL_TIME, engagement_types=[P, T], remote=[HY, ON], work_hours=[D]),
            stay_factors=_stay(MED, HIGH, LOW, MED, MED, LOW, HIGH),
        ),
        SeekerIn(
            summary="Barnehagelærer i Bodø med over 25 års erfaring. Etter en periode med sykmelding ønsker jeg en "
            "stilling på 80 prosent i en barnehage med kort vei hjemmefra. Trives best med de minste barna.",
            experience=[Experience(title="Pedagogisk leder, småbarnsavdeling", years=18),
                        Experience(title="Barnehagelærer", years=8)],
            education=["Førskolelærerutdanning, Høgskolen i Bodø"],
            skills=_skills(("pedagogisk ledelse", 5), ("språkstimulering", 5), ("foreldresamarbeid", 5),
                           ("rammeplan for barnehagen", 5), ("lek og læring", 4)),
            wishes=Wishes(occupations=[occupation("2342"), occupation("5311")], locations=[_near("8006", 10)],
                          extent=Extent.PART_TIME, engagement_types=[P], remote=[ON], sectors=[PUB, PRI],
                          work_hours=[D]),
            not_for_me=NotForMe(employers=["Bodø kommune, Tverlandet barnehage"]),
            stay_factors=_stay(MUST, HIGH, MUST, HIGH, NONE, MED, LOW),
        ),
        SeekerIn(
            summary="Rørlegger fra Alta som gjerne flytter for riktig jobb i Nord-Norge. Har jobbet både med service "
            "og nybygg, og tar også vikariater eller sesongarbeid. Har selv ikke sterke krav, men setter pris på "
            "god lønn.",
            experience=[Experience(title="Rørlegger, service og nybygg", years=6),
                        Experience(title="Lærling, rørleggerfaget", years=2)],
            education=["Fagbrev rørleggerfaget", "Våtromssertifikat"],
            skills=_skills(("sanitærinstallasjon", 5), ("varmeanlegg", 4), ("våtrom", 5), ("feilsøking", 4),
                           ("tømrerarbeid", 1, False)),
            wishes=Wishes(occupations=[occupation("7126"), occupation("7115")],
                          locations=[_in("Alta", 50), _in("Tromsø", 30), _in("Hammerfest", 30)],
                          engagement_types=[P, T, SE], remote=[ON], sectors=[PRI]),
            not_for_me=NotForMe(employers=["Nordlys Rør AS"]),
            stay_factors={StayFactor.SALARY: HIGH, StayFactor.COMMUTE: NONE, StayFactor.PERMANENT: LOW,
                          StayFactor.WORK_HOURS: LOW},
        ),
    ]
