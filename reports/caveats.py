"""The caveats page: what the markers can and cannot tell, and why a rise is rechecked.

Every statement here restates docs/clinical-rules.md and carries its short source name; numbers come
from the marker catalogue and the trend settings, so the page matches the flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.catalogue.markers import ASSAY_CAVEATS, MIN_RISE_PCT, Marker
from tracker.catalogue.source_context import BONE_MEDICINES, SPREAD_SITES, SYMPTOMS_TEXT
from tracker.catalogue.units import format_number

from .data import ReportInput
from .wording import INFORMS, threshold_text, variation_text


@dataclass(frozen=True)
class Section:
    """A heading and its points, each a short paragraph."""

    heading: str
    points: list[str]
    # "bullets" for the body; "note" for small print such as the list of sources.
    style: str = "bullets"


def threshold_for(data: ReportInput, marker: Marker) -> float:
    """The rise threshold in force for a marker (the report's settings), in %."""
    for summary in data.series_for(marker.code):
        return summary.threshold_pct
    return marker.rise_threshold_pct(data.settings.analytical_cv_for(marker.code))


def caveat_sections(data: ReportInput) -> list[Section]:
    """The caveats page, section by section."""
    markers = data.shown_markers()
    return [
        _what_markers_tell(),
        _source_context(),
        _why_recheck(data, markers),
        _benign_causes(data, markers),
        _lab_caveats(markers),
        Section(
            "Events on the time line",
            [
                "Treatments, supportive care, conditions and symptoms are shown as logged. "
                f"{BONE_MEDICINES} The tracker does not interpret symptoms: tell your care "
                "team about any new or lasting symptom.",
            ],
        ),
        Section(
            "Sources",
            [
                "Imaginis (breast cancer information for patients). "
                "Harris et al., ASCO 2007, J Clin Oncol 25:5287. "
                "Van Poznak et al., ASCO 2015, J Clin Oncol 33:2695. "
                "Fokkema et al. 2006 (reference change values). "
                "Sölétormos et al. 1993 and Tuxen et al. 1999 (biological variation). "
                "Lund et al. 2015. Van Dalen 1996. Yasasever et al. 1997. Kim et al. 2009. "
                "Benign causes: EGTM/NACB reviews and laboratory references.",
            ],
            style="note",
        ),
    ]


def _what_markers_tell() -> Section:
    return Section(
        "What these markers can and cannot tell",
        [
            "CEA (carcinoembryonic antigen) and CA 15-3 are blood markers that are not "
            "specific to cancer; they \u201ccan be followed over time\u201d. (Imaginis)",
            "They \u201ctend to be elevated\u201d in metastatic breast cancer, but they are "
            "not sensitive enough to be useful in early-stage disease. (Imaginis)",
            "They are \u201cnot typically used alone\u201d: CA 15-3 is most useful for "
            "following metastatic disease and how it responds to treatment, beside scans, "
            "history and examination. (Imaginis; ASCO 2007, Harris et al.)",
            "CEA, CA 15-3 and CA 27.29 may be used as supporting evidence in metastatic "
            "disease; it is also reasonable not to use them. (ASCO 2015, Van Poznak et al.)",
            "A rise has traditionally led to further tests such as scans, and your "
            "oncologist decides whether any are needed. Some oncologists prefer not to use "
            "markers because the numbers can cause unnecessary anxiety. (Imaginis) "
            f"{INFORMS}",
        ],
    )


def _source_context() -> Section:
    return Section(
        "Context from the source article (Imaginis)",
        [f"{SPREAD_SITES} (Imaginis)", f"{SYMPTOMS_TEXT} (Imaginis)"],
    )


def _why_recheck(data: ReportInput, markers: list[Marker]) -> Section:
    settings = data.settings
    points = [
        "Two results can differ by chance: the test itself varies a little (analytical "
        "variation) and so does the body from day to day (biological variation). The "
        "reference change value (RCV) is the change that is larger than this chance "
        "variation. (Fokkema et al. 2006)",
        "The figures below are the settings this report was made with.",
    ]
    for marker in markers:
        cv = settings.analytical_cv_for(marker.code)
        rcv_up = marker.rcv_up_pct(cv)
        basis = (
            f"tests usually differ by up to {variation_text(rcv_up)} "
            f"({marker.variation_source}; analytical CV {format_number(cv)}%)"
            if rcv_up is not None
            else f"no usual variation is settled for it ({marker.variation_source})"
        )
        floor_value = settings.rise_floor.get(marker.code, marker.rise_floor)
        floor = f"{format_number(floor_value)} {marker.unit}"
        points.append(
            f"{marker.name}: a rise counts from {threshold_text(threshold_for(data, marker))} "
            f"and {floor} up (the tracker's threshold and floor); {basis}. The {floor} floor "
            "is this tracker's own choice (smaller changes sit at the tests' noise level)."
        )
    points += [
        f"Studies of CEA and CA 15-3 in advanced breast cancer counted a rise of "
        f"{MIN_RISE_PCT:.0f}% or more as significant, yet such a rise was also seen in "
        "22–24% of patients who were responding to treatment or stable. The tracker "
        f"therefore uses the larger of {MIN_RISE_PCT:.0f}% and the RCV. (Van Dalen 1996)",
        "People's own variation can be larger than healthy people's, and comparing many "
        "pairs of results raises the chance of a false alarm. That is why a single rise is "
        "rechecked: a rise counts as confirmed only when the next test agrees. "
        "(Lund et al. 2015)",
        "After starting a new treatment, markers can rise for a few weeks before they fall "
        "(a flare or surge): CEA peaking around day 15 and CA 15-3 around day 30, back to "
        "the starting level by about day 60 (Yasasever et al. 1997); 30 of 122 patients "
        "showed such a surge followed by a fall (Kim et al. 2009). ASCO 2007 advises "
        "against reading rises in the first 4–6 weeks of a new treatment. The tracker "
        f"marks a rise in the first {data.flare_window_days} days after a treatment "
        "starts as a possible flare.",
    ]
    return Section("Why a single rise is rechecked", points)


def _benign_causes(data: ReportInput, markers: list[Marker]) -> Section:
    points = [marker.causes_in_words() for marker in markers]
    logged = data.logged_conditions()
    if logged:
        points.append(
            f"Conditions logged for {data.patient}: {', '.join(logged)}. Flags name the "
            "ones that can raise a marker while they last."
        )
    return Section("Other conditions that can raise a marker", points)


def _lab_caveats(markers: list[Marker]) -> Section:
    points = list(ASSAY_CAVEATS)
    for marker in markers:
        note = f" ({marker.upper_limit_note})" if marker.upper_limit_note else ""
        points.append(
            f"{marker.name}: the default upper reference limit is "
            f"{format_number(marker.upper_limit)} {marker.unit}{note}; a lab's own limit, "
            "when recorded, is used instead."
        )
    points.append(
        "A result written as '<0.5' was below what the lab can measure; it counts as at most 0.5."
    )
    return Section("Lab and test caveats", points)
