"""The marker catalogue: codes, aliases, LOINC, units, limits, variation and lookups.

The benign causes each marker names are in ``benign_causes.py``.

Every number here comes from ``docs/clinical-rules.md`` and names its source; the numbers that are
design choices (the absolute floors, the default analytical CV) say so and can be changed
by the user through the trend settings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tracker.catalogue.benign_causes import BENIGN_CAUSES, LIVER_DISEASE, BenignCause
from tracker.errors import DatabaseError, ValidationError

# Z for a one-sided 95 % reference change value (Fokkema et al. 2006).
RCV_Z = 1.65
# Studies of CA 15-3 and CEA in metastatic breast cancer used >= 25 % as a significant
# rise (Van Dalen 1996); the threshold is never below it.
MIN_RISE_PCT = 25.0
# Analytical CV assumed for every assay (docs/clinical-rules.md, "How much change is
# noise": the RCV table's CVA 5 %); a design choice the user can change per marker.
DEFAULT_ANALYTICAL_CV_PCT = 5.0
# The largest value any marker accepts: beyond it a value is a typing error.
VALUE_CEILING = 100_000.0


@dataclass(frozen=True)
class Marker:
    """One blood tumor marker as the tracker knows it."""

    code: str
    name: str
    aliases: tuple[str, ...]
    loinc: str
    unit: str
    # Accepted spellings of units (lower-cased, micro sign folded to "u") -> factor to the
    # canonical unit. All accepted units here are 1:1 with the canonical one.
    unit_factors: dict[str, float]
    unit_names: tuple[str, ...]
    upper_limit: float
    upper_limit_note: str
    # Within-person biological variation (CVI), None where no figure is settled.
    biological_cv_pct: float | None
    variation_source: str
    # Absolute floor for a rise (a design choice: below it changes sit at assay noise).
    rise_floor: float
    description: str
    benign_cause_codes: tuple[str, ...]
    # A threshold named for this marker instead of max(25 %, RCV up) (CA 125: 50 %).
    named_threshold_pct: float | None = None

    def rcv_up_pct(self, analytical_cv_pct: float = DEFAULT_ANALYTICAL_CV_PCT) -> float | None:
        """Log-normal reference change value for a rise, in %; None without a CVI."""
        if self.biological_cv_pct is None:
            return None
        return rcv_pct(self.biological_cv_pct, analytical_cv_pct, upward=True)

    def rcv_down_pct(self, analytical_cv_pct: float = DEFAULT_ANALYTICAL_CV_PCT) -> float | None:
        """Log-normal reference change value for a fall, in % (negative); None without a CVI."""
        if self.biological_cv_pct is None:
            return None
        return rcv_pct(self.biological_cv_pct, analytical_cv_pct, upward=False)

    def rise_threshold_pct(self, analytical_cv_pct: float = DEFAULT_ANALYTICAL_CV_PCT) -> float:
        """max(25 %, RCV up), or the marker's named threshold: the exact rise threshold in %."""
        if self.named_threshold_pct is not None:
            return self.named_threshold_pct
        rcv_up = self.rcv_up_pct(analytical_cv_pct)
        return MIN_RISE_PCT if rcv_up is None else max(MIN_RISE_PCT, rcv_up)

    def benign_causes(self) -> list[BenignCause]:
        """The benign causes of this marker, in the catalogue's order."""
        return [BENIGN_CAUSES[code] for code in self.benign_cause_codes]

    def benign_cause_labels(self) -> list[str]:
        """Plain-language names of the benign causes of this marker."""
        return [cause.labels[self.code] for cause in self.benign_causes()]

    def causes_in_words(self) -> str:
        """The causes as one sentence, naming fluid in the chest or abdomen apart.

        Such fluid can itself come from the cancer, so it is never called benign.
        """
        benign = [c.labels[self.code] for c in self.benign_causes() if c.always_benign]
        other = [c.labels[self.code] for c in self.benign_causes() if not c.always_benign]
        text = f"Benign conditions that can also raise {self.name}: {', '.join(benign)}."
        if other:
            text += f" {_capitalised(' and '.join(other))} can also raise {self.name}."
        return text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def rcv_pct(biological_cv_pct: float, analytical_cv_pct: float, *, upward: bool) -> float:
    """Log-normal reference change value (Fokkema et al. 2006), in % (fall negative)."""
    cvi = biological_cv_pct / 100.0
    cva = analytical_cv_pct / 100.0
    sigma = math.sqrt(math.log(cva**2 + 1) + math.log(cvi**2 + 1))
    sign = 1.0 if upward else -1.0
    return (math.exp(sign * RCV_Z * math.sqrt(2) * sigma) - 1.0) * 100.0


_CEA_UNITS = {"ng/ml": 1.0, "ug/l": 1.0, "mcg/l": 1.0}
_KU_UNITS = {"u/ml": 1.0, "ku/l": 1.0}

# Caveats that apply to every marker (docs/clinical-rules.md, "Assay caveats").
ASSAY_CAVEATS = (
    "Results from different labs or methods are not interchangeable: compare a result "
    "with earlier results from the same lab.",
    "High-dose biotin supplements can interfere with some immunoassays.",
)

MARKERS: dict[str, Marker] = {
    marker.code: marker
    for marker in (
        Marker(
            code="CEA",
            name="CEA",
            aliases=("cea", "carcinoembryonic antigen"),
            loinc="2039-6",
            unit="ng/mL",
            unit_factors=_CEA_UNITS,
            unit_names=("ng/mL", "ng/ml", "ug/L", "µg/L", "mcg/L"),
            upper_limit=5.0,
            upper_limit_note="many labs use 3.0 for non-smokers and 5.0 for smokers",
            biological_cv_pct=9.3,
            variation_source="CVI 9.3 % (Sölétormos et al. 1993); Tuxen et al. 1999 found 13.9 %",
            rise_floor=0.5,
            description="carcinoembryonic antigen",
            benign_cause_codes=(
                "smoking",
                "peptic_ulcer",
                "colon_polyps",
                "ibd",
                LIVER_DISEASE,
                "biliary_obstruction",
                "pancreatitis",
                "kidney_disease",
                "hypothyroidism",
                "lung_disease",
            ),
        ),
        Marker(
            code="CA15-3",
            name="CA 15-3",
            aliases=(
                "ca15-3",
                "ca 15-3",
                "ca153",
                "ca 153",
                "ca15.3",
                "ca 15.3",
                "ca-15-3",
                "ca-15.3",
                "ca-153",
            ),
            loinc="6875-9",
            unit="U/mL",
            unit_factors=_KU_UNITS,
            unit_names=("U/mL", "U/ml", "kU/L"),
            upper_limit=30.0,
            upper_limit_note="assays use 25-35 U/mL",
            biological_cv_pct=6.2,
            variation_source="CVI 6.2 % (Sölétormos et al. 1993); Guillaume et al. 2023: 3.9-6.5 %",
            rise_floor=3.0,
            description="cancer antigen 15-3 (MUC1)",
            benign_cause_codes=(LIVER_DISEASE, "b12_anaemia", "lung_disease", "kidney_disease"),
        ),
        Marker(
            code="CA27.29",
            name="CA 27.29",
            aliases=("ca27.29", "ca 27.29", "ca27-29", "ca 27-29", "ca2729"),
            loinc="17842-6",
            unit="U/mL",
            unit_factors=_KU_UNITS,
            unit_names=("U/mL", "U/ml", "kU/L"),
            upper_limit=38.0,
            upper_limit_note="",
            # No separate figure was found; CA 15-3's is used (same MUC1 antigen).
            biological_cv_pct=6.2,
            variation_source="no separate figure found; CA 15-3's CVI 6.2 % is used "
            "(same MUC1 antigen)",
            rise_floor=3.0,
            description="cancer antigen 27.29 (MUC1, like CA 15-3)",
            benign_cause_codes=(LIVER_DISEASE, "b12_anaemia", "lung_disease", "kidney_disease"),
        ),
        Marker(
            code="CA125",
            name="CA 125",
            aliases=("ca125", "ca 125", "ca-125"),
            loinc="10334-1",
            unit="U/mL",
            unit_factors=_KU_UNITS,
            unit_names=("U/mL", "U/ml", "kU/L"),
            upper_limit=35.0,
            upper_limit_note="mainly an ovarian-cancer marker",
            biological_cv_pct=None,
            variation_source="no figure settled (Tuxen 1999: CVI 35.5 %; Guillaume 2023: "
            "5.7-13.8 %); national ovarian-cancer programmes read a change of 50 % or more",
            rise_floor=5.0,
            description="cancer antigen 125",
            benign_cause_codes=(
                "endometriosis",
                "menstruation",
                "pregnancy",
                "pelvic_inflammatory_disease",
                "ovarian_cyst",
                LIVER_DISEASE,
                "pancreatitis",
                "effusion",
            ),
            # A design choice (docs/clinical-rules.md, "Thresholds"): 25 % sits below most
            # published variation of CA 125.
            named_threshold_pct=50.0,
        ),
    )
}

_ALIASES: dict[str, str] = {}
for _marker in MARKERS.values():
    for _alias in (_marker.code, _marker.name, *_marker.aliases):
        _ALIASES[re.sub(r"\s+", " ", _alias.strip().lower())] = _marker.code

_BY_LOINC = {marker.loinc: marker for marker in MARKERS.values()}


def known_marker_names() -> str:
    """The catalogue's display names, for error messages."""
    return ", ".join(marker.name for marker in MARKERS.values())


def find_marker(text: str) -> Marker:
    """The marker a user means by ``text`` (case-insensitive, with aliases)."""
    key = re.sub(r"\s+", " ", text.strip().lower())
    code = _ALIASES.get(key) or _ALIASES.get(key.replace(" ", ""))
    if code is None:
        raise ValidationError(
            f"unknown marker {text!r}{marker_suggestion(text)}; known markers: "
            f"{known_marker_names()}"
        )
    return MARKERS[code]


def marker_suggestion(text: str) -> str:
    """`` (did you mean CEA?)`` when ``text`` is close to a marker's spelling, else ``""``."""
    return did_you_mean(re.sub(r"\s+", " ", text.strip().lower()), _ALIASES)


def did_you_mean(key: str, spellings: dict[str, str], names: dict[str, str] | None = None) -> str:
    """`` (did you mean CEA?)`` when ``key`` is close to a known spelling, else ``""``.

    ``spellings`` maps lower-case spellings to what they stand for; ``names`` gives the
    display name of that (the marker catalogue's names when left out).
    """
    import difflib

    close = difflib.get_close_matches(key, list(spellings), n=1, cutoff=0.6)
    if not close:
        return ""
    target = spellings[close[0]]
    shown = names[target] if names is not None else MARKERS[target].name
    return f" (did you mean {shown}?)"


def marker_by_code(code: str) -> Marker:
    """The catalogue entry for a stored marker code.

    A code the catalogue lacks can only come from another program or a newer version
    writing the database: say so plainly instead of failing with a KeyError.
    """
    try:
        return MARKERS[code]
    except KeyError:
        raise DatabaseError(
            f"the database holds a reading with marker code {code!r}, which this version of "
            "the tracker does not know; `tracker check` lists such readings"
        ) from None


def marker_by_loinc(loinc: str) -> Marker | None:
    """The catalogue entry with this LOINC code, or None."""
    return _BY_LOINC.get(loinc)
