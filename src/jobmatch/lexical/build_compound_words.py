"""Write compound_words.txt: the words of Norway's STYRK-08 <-> ESCO crosswalk labels, MELO's test queries left out.

Usage: python -m jobmatch.lexical.build_compound_words [SHARED_DATA]   (default $JOBMATCH_SHARED_DATA or ../shared/data)
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from jobmatch.lexical.norwegian import MIN_PART, STOPWORDS, normalise

TARGET = Path(__file__).with_name("compound_words.txt")
HEADER = """\
# Words a Norwegian compound may be made of (jobmatch.lexical.norwegian.decompound), one a line.
# Built by `python -m jobmatch.lexical.build_compound_words` from the Norwegian labels of Norway's STYRK-08 <-> ESCO
# crosswalk (NO_mapping_20.09.2022, published on the ESCO portal; ESCO (c) European Union, reuse authorised with
# acknowledgement), and a short hand-written list of frequent parts. STYRK titles that are MELO nor_q_no_c_no
# test queries are left out.
"""


# Frequent heads and modifiers of job titles that the labels only hold inside compounds (helse|fagarbeider).
FREQUENT_PARTS = """
fagarbeider medarbeider arbeider assistent konsulent rådgiver leder sjef ingeniør tekniker operatør montør mekaniker
sjåfør fører selger lærer pleier sykepleier vakt sekretær utvikler arkitekt elektriker snekker tømrer maler kokk
helse omsorg barnehage skole hjem tjeneste butikk salg lager bygg anlegg prosjekt system regnskap økonomi kontor
service kunde drift vedlikehold produksjon transport lastebil buss maskin natt dag avdeling
""".split()


def crosswalk_labels(shared_data: Path) -> list[str]:
    """ESCO labels and STYRK titles of the crosswalk, without the titles MELO tests on."""
    melo = shared_data / "melo-nor"
    with (melo / "nor_q_no_c_no" / "queries.tsv").open(encoding="utf-8") as handle:
        tested = {normalise(line.split("\t", 1)[1]) for line in handle if "\t" in line}
    lines = (melo / "NO_mapping_20.09.2022_styrk08_esco.csv").read_text(encoding="utf-8").splitlines()
    start = next(row for row, line in enumerate(lines) if line.startswith("Classification 1 URI"))
    labels: list[str] = []
    for record in csv.DictReader(lines[start:]):
        labels.append(record["Classification 1 PrefLabel"])
        if normalise(record["Classification 2 PrefLabel"]) not in tested:
            labels.append(record["Classification 2 PrefLabel"])
    return labels


def main() -> None:
    default = Path(os.environ.get("JOBMATCH_SHARED_DATA", Path.cwd().parent / "shared" / "data"))
    shared_data = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    vocabulary = {
        word
        for label in crosswalk_labels(shared_data)
        for word in normalise(label).split()
        if len(word) >= MIN_PART and word.isalpha() and word not in STOPWORDS
    } | set(FREQUENT_PARTS)
    TARGET.write_text(HEADER + "\n".join(sorted(vocabulary)) + "\n", encoding="utf-8")
    print(f"{len(vocabulary)} words -> {TARGET}")


if __name__ == "__main__":
    main()
