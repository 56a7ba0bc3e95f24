"""A flag-heavy history in the export format (issue 17): most readings raise a flag.

One patient, four markers, three labs; each day every marker is drawn at two of the labs,
the pair turning from day to day, so a lab comes back after a day away (``lab_changed``)
and values drifting with a wide spread raise rises. The history ends on 31 Dec 2025 and
goes back one day per eight readings (300,000 readings reach 1923, after the 1900 floor).
Longer histories spread over several patients (``patients``) or draw several readings a
time (``replicates``, values one step of 0.1 apart).
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"
PATIENT = "Flag Heavy"
LABS = ("City Lab", "North Lab", "River Lab")
# name, unit, usual level, swing of the slow drift
MARKERS = (
    ("CEA", "ng/mL", 3.0, 1.5),
    ("CA 15-3", "U/mL", 24.0, 8.0),
    ("CA 27.29", "U/mL", 30.0, 10.0),
    ("CA 125", "U/mL", 20.0, 8.0),
)
LAST_DAY = date(2025, 12, 31)
READINGS_PER_DAY = 2 * len(MARKERS)


def write_flag_heavy_csv(
    path: Path, readings: int, *, patients: int = 1, replicates: int = 1, seed: int = 17
) -> Path:
    """``readings`` reading rows in all (as evenly as may be per patient), oldest first."""
    rng = random.Random(seed)
    per_patient = -(-readings // patients)
    days = -(-per_patient // (READINGS_PER_DAY * replicates))
    first_day = LAST_DAY - timedelta(days=days - 1)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER.split(","))
        for number in range(patients):
            name = PATIENT if patients == 1 else f"{PATIENT} {number + 1}"
            limit = min(readings, written + per_patient)
            for day in range(days):
                drawn_on = (first_day + timedelta(days=day)).isoformat()
                for index, (marker, unit, level, swing) in enumerate(MARKERS):
                    for turn in (0, 1):
                        lab = LABS[(day + index + turn) % len(LABS)]
                        drift = level + swing * math.sin(day / 15.0)
                        value = round(drift * math.exp(rng.gauss(0.0, 0.25)), 1)
                        for step in range(replicates):
                            if written == limit:
                                break
                            shown = repr(round(value + step / 10, 1)).removesuffix(".0")
                            writer.writerow(
                                ["reading", name, marker, shown, unit, drawn_on, lab,
                                 "", "", "", "", ""]
                            )  # fmt: skip
                            written += 1
    return path
