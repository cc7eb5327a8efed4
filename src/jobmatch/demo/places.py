"""Norwegian municipalities (2024 numbering) with a few of their real postal codes."""

from __future__ import annotations

from dataclasses import dataclass

from jobmatch.postings.schemas import Location


@dataclass(frozen=True)
class Place:
    """A municipality the demo postings can be located in."""

    municipality: str
    code: str
    county: str
    postal_codes: tuple[str, ...]
    weight: int = 1

    def location(self, postal_code: str) -> Location:
        """Build a posting location at one of this municipality's postal codes."""
        return Location(
            postal_code=postal_code,
            municipality=self.municipality,
            municipality_code=self.code,
            county=self.county,
            country="NO",
        )


# Weights roughly follow the size of the local job market, so Oslo and Bergen dominate as in real feeds.
PLACES: tuple[Place, ...] = (
    Place("Oslo", "0301", "Oslo", ("0150", "0182", "0250", "0484", "0560", "0661"), 14),
    Place("Bergen", "4601", "Vestland", ("5015", "5020", "5055", "5141"), 7),
    Place("Trondheim", "5001", "Trøndelag", ("7011", "7030", "7041"), 6),
    Place("Stavanger", "1103", "Rogaland", ("4006", "4014"), 5),
    Place("Bærum", "3201", "Akershus", ("1337", "1360"), 4),
    Place("Lillestrøm", "3205", "Akershus", ("2000",), 3),
    Place("Asker", "3203", "Akershus", ("1384",), 2),
    Place("Lørenskog", "3222", "Akershus", ("1470",), 2),
    Place("Nordre Follo", "3207", "Akershus", ("1400",), 2),
    Place("Ullensaker", "3209", "Akershus", ("2050",), 2),
    Place("Tromsø", "5501", "Troms", ("9008", "9019"), 4),
    Place("Kristiansand", "4204", "Agder", ("4608", "4631"), 4),
    Place("Drammen", "3301", "Buskerud", ("3015", "3040"), 4),
    Place("Fredrikstad", "3107", "Østfold", ("1606",), 3),
    Place("Sandnes", "1108", "Rogaland", ("4306",), 3),
    Place("Bodø", "1804", "Nordland", ("8006",), 3),
    Place("Ålesund", "1508", "Møre og Romsdal", ("6003",), 3),
    Place("Tønsberg", "3905", "Vestfold", ("3111",), 2),
    Place("Skien", "4003", "Telemark", ("3724",), 2),
    Place("Porsgrunn", "4001", "Telemark", ("3915",), 2),
    Place("Larvik", "3909", "Vestfold", ("3256",), 2),
    Place("Arendal", "4203", "Agder", ("4836",), 2),
    Place("Haugesund", "1106", "Rogaland", ("5528",), 2),
    Place("Sola", "1124", "Rogaland", ("4050",), 1),
    Place("Hamar", "3403", "Innlandet", ("2317",), 2),
    Place("Lillehammer", "3405", "Innlandet", ("2609",), 2),
    Place("Gjøvik", "3407", "Innlandet", ("2815",), 2),
    Place("Elverum", "3420", "Innlandet", ("2406",), 1),
    Place("Moss", "3103", "Østfold", ("1530",), 2),
    Place("Halden", "3101", "Østfold", ("1776",), 1),
    Place("Kongsberg", "3303", "Buskerud", ("3611",), 2),
    Place("Ringerike", "3305", "Buskerud", ("3510",), 1),
    Place("Molde", "1506", "Møre og Romsdal", ("6413",), 2),
    Place("Kristiansund", "1505", "Møre og Romsdal", ("6509",), 1),
    Place("Sunnfjord", "4647", "Vestland", ("6800",), 1),
    Place("Voss", "4621", "Vestland", ("5700",), 1),
    Place("Stord", "4614", "Vestland", ("5411",), 1),
    Place("Steinkjer", "5006", "Trøndelag", ("7713",), 1),
    Place("Namsos", "5007", "Trøndelag", ("7800",), 1),
    Place("Levanger", "5037", "Trøndelag", ("7600",), 1),
    Place("Stjørdal", "5035", "Trøndelag", ("7500",), 1),
    Place("Rana", "1833", "Nordland", ("8610",), 1),
    Place("Narvik", "1806", "Nordland", ("8514",), 1),
    Place("Harstad", "5503", "Troms", ("9405",), 2),
    Place("Alta", "5601", "Finnmark", ("9510",), 1),
    Place("Hammerfest", "5603", "Finnmark", ("9600",), 1),
    Place("Sør-Varanger", "5605", "Finnmark", ("9900",), 1),
)

PLACE_WEIGHTS: tuple[int, ...] = tuple(place.weight for place in PLACES)
