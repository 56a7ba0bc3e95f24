"""The benchmark harness's results file: a loaded run is compared with the quiet one."""

from __future__ import annotations

from benchmarks.bench import Row
from benchmarks.results import quiet_ratios, results_markdown, under_load_section, with_under_load


def rows(ratio: float) -> list[Row]:
    return [
        Row("`tracker --help`", "—", "47 ms", "37 ms", ratio, 1.3),
        Row("`tracker import`, 200,000 rows, flag-heavy", "PostgreSQL", "1 s", "1 s", 2.0, None),
        Row("`tracker review --json`", "PostgreSQL", "—", "—", None, None, error="exited 1"),
    ]


def test_an_under_load_run_is_written_beside_the_quiet_ratios_it_moved_from(tmp_path) -> None:
    quiet = tmp_path / "RESULTS.md"
    quiet.write_text(results_markdown(rows(1.25), ["- cores: 2"], "python -m benchmarks"))
    ratios = quiet_ratios(quiet)
    assert ratios == {
        ("`tracker --help`", "—"): 1.25,
        ("`tracker import`, 200,000 rows, flag-heavy", "PostgreSQL"): 2.0,
    }
    section = under_load_section(rows(1.5), ratios)
    assert "| `tracker --help`" in section and "1.25×" in section and "+20 %" in section
    assert "review" not in section  # a failed case has no ratio to compare
    once = with_under_load(quiet.read_text(), section)
    twice = with_under_load(once, under_load_section(rows(1.0), ratios))
    assert twice.count("## Under load") == 1 and "-20 %" in twice and "+20 %" not in twice
    assert twice.startswith(quiet.read_text().rstrip("\n"))
