"""Smoke tests of the benchmark harness (benchmarks/): never timing assertions.

The harness must measure peak memory of a fresh process honestly, pass the child's stage
timings back, report failures instead of numbers, and write a complete RESULTS file in
``--quick`` mode on tiny data.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from capacity.config import ROOT

if str(ROOT) not in sys.path:  # benchmarks/ is a top-level folder, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import _measure as m
from benchmarks._config import BenchConfig
from benchmarks._report_md import Section, Target
from benchmarks.run import parse_args, render


def test_peak_rss_of_a_fresh_process_sees_a_large_allocation():
    cmd = [sys.executable, "-c", "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"]
    small = m.run_command([sys.executable, "-c", "pass"])
    big = m.run_command(cmd)
    assert big.peak_rss_mb >= 300
    assert small.peak_rss_mb < 300
    assert big.wall > 0 and big.ok


def test_peak_rss_is_the_childs_own_even_from_a_large_parent():
    """From a large parent a child's ru_maxrss used to include the parent's pages (fork
    before exec): the pytest worker's ~430 MB showed as the peak of `python -c pass`."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "b = bytearray(400 * 2**20); b[::4096] = b'x' * len(b[::4096]);"
        "from benchmarks import _measure as m;"
        "print(m.run_command([sys.executable, '-c', 'pass']).peak_rss_mb)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    )
    assert float(out.stdout.strip().splitlines()[-1]) < 100


def test_child_payload_is_parsed_and_failures_raise():
    code = 'print("noise"); print(\'BENCH_JSON {"stages": {"a": 1.5}, "info": {"rows": 3}}\')'
    meas = m.run_command([sys.executable, "-c", code])
    assert meas.stages == {"a": 1.5}
    assert meas.info == {"rows": 3}
    with pytest.raises(m.MeasurementError, match="ZeroDivisionError"):
        m.run_command([sys.executable, "-c", "1/0"])
    failed = m.run_command([sys.executable, "-c", "raise SystemExit(3)"], check=False)
    assert failed.returncode == 3 and not failed.ok


def test_summarise_takes_medians_and_the_largest_peak():
    runs = [
        m.Measurement(wall=w, peak_rss_mb=r, returncode=0, stages={"x": w})
        for w, r in ((1.0, 10.0), (3.0, 30.0), (2.0, 20.0))
    ]
    s = m.summarise(runs)
    assert s["wall"] == 2.0 and s["stages"]["x"] == 2.0
    assert s["peak_rss_mb"] == 30.0 and s["n"] == 3


def test_parse_args_quick_and_selection(tmp_path):
    cfg = parse_args(["--quick", "--only", "scale", "--out", str(tmp_path / "R.md")])
    assert cfg.quick and cfg.only == ("scale",) and cfg.repeats == 1
    assert max(cfg.sizes) < 100_000
    full = parse_args([])
    assert full.sizes == (250_000, 1_000_000, 4_000_000) and full.reference_size == 1_000_000
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])


def test_render_marks_unmet_targets_with_their_limits():
    sec = Section("demo")
    sec.targets += [
        Target("a / b", "≤ 2×", "1.50×", True),
        Target("c / d", "≤ 3×", "4.00×", False, "stage x 3.0 s (75%)"),
    ]
    text = render(BenchConfig(), {"CPU": "test"}, [sec], "2026-01-01 00:00", 1.0)
    assert "| a / b | ≤ 2× | 1.50× | **met** |" in text
    assert "**NOT met**" in text and "stage x 3.0 s (75%)" in text
    assert "## Machine" in text and "## demo" in text


@pytest.mark.slow
def test_quick_run_writes_results(tmp_path):
    out = tmp_path / "RESULTS.md"
    # one quick size: every scale measurement runs once (read, the three pipeline variants,
    # stages, national run, Parquet). The line comparing two sizes (time at 4 M / 1 M) is
    # left to `make bench`: a second size nearly doubled this test (81 s in CI).
    cmd = [sys.executable, "-m", "benchmarks.run", "--quick", "--only", "scale"]
    cmd += ["--sizes", "4000", "--out", str(out), "--work", str(tmp_path / "work")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results")
    assert "## Machine" in text and "## Scale" in text
    # the modules were compiled to bytecode first, as pip install does (not timed in a load)
    assert "| Python bytecode of capacity and benchmarks | compiled before the run" in text
    # The quick sizes must be measured: a row per size, and no failure reported.
    assert "Nothing could be measured" not in text, text[-3000:]
    assert "Failed or missing" not in text, text[-3000:]
    # a table row per quick size (first cell: sightings), each with measured timings ("1.23 s",
    # maybe followed by its ratio "(3.33×)"; a failed run shows "–")
    scale = text.split("## Scale", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in scale.splitlines() if re.match(r"^\| [\d,]+ \|", line)]
    sizes = {row.split("|")[1].strip() for row in rows}
    assert len(sizes) == 1, scale
    for row in rows:
        assert len(re.findall(r"(?<=\| )[\d.,]+ s(?= )", row)) >= 2, row
    # the national run (issue 10) is measured at the reference size, or its failure named
    assert "National run at" in text or "national run at" in text


def test_exception_line_finds_the_error_and_its_first_problem():
    out = "noise\nTraceback (most recent call last):\n  File x\nfoo.DataError: 2 problem(s):\n"
    out += "  - a.csv, row 3: bad\n  - a.csv, row 4: bad\n  ... and 1 more\n"
    assert m.exception_line(out) == "foo.DataError: 2 problem(s): - a.csv, row 3: bad"
    assert m.exception_line("just a line\n") == "just a line"
    with pytest.raises(m.MeasurementError) as info:
        m.run_command([sys.executable, "-c", "raise KeyError('k')"])
    assert info.value.error == "KeyError: 'k'"


def test_readme_run_times_are_those_of_the_committed_results():
    """README's typical run times are generated from benchmarks/RESULTS.md (make bench)."""
    from benchmarks._history import readme_block

    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme_block(results)
    assert block in readme, "run `make bench` (it rewrites the README's run-times block)"
    assert "| `make bench` |" in block and "| `capacity report -f" in block


def test_before_after_is_parsed_from_earlier_results_never_typed_in():
    from benchmarks._history import before_after, key_of, parse_results

    old = (
        "Written by x on 2026-01-01 10:00 UTC; the run took 5 s.\n\n## Targets\n\n"
        "| target | goal | measured | status |\n|---|---|---|---|\n"
        "| pipeline / read at 1,000,000 | ≤ 15× | 57.70× wall | **NOT met** |\n"
        "| peak memory at 4,000,000 | ≤ 3 GB | 1.56 GB | **met** |\n\n## Machine\n\n"
        "|  | value |\n|---|---|\n| git commit | abc1234 |\n"
    )
    run = parse_results(old, "before")
    assert run.when == "2026-01-01 10:00" and run.commit == "abc1234"
    dirty = old.replace("| abc1234 |", "| abc1234 (working tree has uncommitted changes) |")
    assert parse_results(dirty, "x").commit == "abc1234"
    assert run.measured == {"chain_first": "57.70× wall", "peak": "1.56 GB"}
    assert key_of("chain / read of the 4 tables at 1,000,000 (first)") == "chain_first"
    now = [
        Target("chain / read of the 4 tables at 1,000,000 (first)", "≤ 15×", "9.00×", True),
        Target("chain / read of the 4 tables at 16,000 (rerun)", "≤ 15×", "2.00×", None),
        Target("peak memory at 16,000 (any variant)", "≤ 3 GB", "0.1 GB", None),
    ]
    text = "\n".join(before_after(now, [run], []))
    assert "| 57.70× wall | 9.00× | **met** |" in text
    assert "| – | 0.1 GB |" in text  # another size: no 'before'


def test_a_full_run_missing_a_measurement_fails(tmp_path):
    from benchmarks.run import missing_measurements

    cfg = BenchConfig(only=("report",), out=tmp_path / "R.md")
    sec = Section("report")
    sec.targets.append(Target("committee report (cold) / floor", "≤ 2.5×", "2.0×", True))
    missing = missing_measurements(cfg, [sec])
    assert any("report_warm" in x for x in missing)  # the warm target was never measured
    sec.targets.append(Target("committee report (warm) / floor", "≤ 2×", "–", None, "failed"))
    assert any("could not be assessed" in x for x in missing_measurements(cfg, [sec]))
    sec.targets[-1].met = True
    assert missing_measurements(cfg, [sec]) == []
    sec.missing.append("the profiled run failed")
    assert missing_measurements(cfg, [sec]) == ["report: the profiled run failed"]


def test_chain_target_states_what_the_required_models_cost_on_their_own():
    from benchmarks.scale import _required

    cfg = BenchConfig(n_boot=200)
    stages = {"load_validate": 2.0, "fit_models": 7.0, "evaluate": 1.0}
    # 0.07 s read: bootstrap + tour reach 4.8 s = 68.6x, over the 15x target by themselves
    over = _required({"stages": {**stages, "fit.bootstrap": 2.7, "fit.mobility": 2.1}}, 0.07, cfg)
    assert "200 replicates" in over and "68.57×" in over and "cannot be met" in over
    under = _required({"stages": {**stages, "fit.bootstrap": 0.3, "fit.mobility": 0.2}}, 0.07, cfg)
    assert "within the target" in under
    assert _required({"stages": stages}, 0.07, cfg) == ""  # a rerun fits nothing


def test_chain_target_states_the_least_wall_time_its_cpu_allows_on_the_cores():
    """CPU of the work over the cores is a lower bound on its wall time, whatever the schedule."""
    from benchmarks.scale import _cpu_bound

    cpu = {"load_validate": 0.5, "fit_models": 19.0, "evaluate": 0.5}
    line = _cpu_bound({"stages_cpu": cpu}, read_s=0.1, cores=2)
    # 20 s of CPU on 2 cores: at least 10 s, 100x a read of 0.1 s
    assert "used 20.0 s of CPU" in line and "under 10.0 s, 100.00× the read" in line
    assert "cannot be met on this machine" in line
    small = {"load_validate": 0.1, "fit_models": 1.5, "evaluate": 0.1}
    assert "does not rule the target out" in _cpu_bound({"stages_cpu": small}, 0.1, 2)
    assert _cpu_bound({"stages": {}}, 0.1, 2) == ""  # CPU not measured


def test_cold_report_target_states_what_a_cold_run_computes_and_its_best_on_two_cores():
    from benchmarks.report import cold_bound

    cpu = {"fit": 4.0, "evaluate": 0.5, "scenarios": 0.3, "options": 0.8, "reach_frontier": 1.3,
           "coordination": 0.2, "tornado_points": 0.4, "refit gap_days=14": 1.6,
           "refit stay_model=deconvolve, detection_model=stays": 3.7, "import": 1.5}  # fmt: skip
    line = cold_bound({"stages_cpu": cpu}, warm=10.0, floor=5.0, goal=2.5)
    # 12.8 s of CPU beyond a warm run, 5.3 s of it the refits (the second process): at best
    # the other 7.5 s beside the warm 10 s = 3.50x the floor (not half of 12.8 s: the refits
    # are one process's work, the fit and the rest the other's)
    assert "12.8 s in all" in line and "7.50 s beside" in line and "3.50×" in line
    assert "refits 5.30 s" in line
    assert "`stay_model=deconvolve, detection_model=stays` alone 3.70 s" in line
    assert "needs the models themselves faster" in line
    assert "within 2.5×" in cold_bound({"stages_cpu": cpu}, warm=5.0, floor=5.0, goal=2.5)
    assert cold_bound(None, 10.0, 5.0, 2.5) == ""
    # refits longer than the rest: the refits' process sets the bound
    slow = {**cpu, "refit gap_days=42": 4.0}  # refits 9.3 s against the rest's 7.5 s
    assert "9.30 s beside" in cold_bound({"stages_cpu": slow}, warm=10.0, floor=5.0, goal=2.5)


def test_cold_report_verdict_rests_on_the_cpu_of_the_whole_process_tree_when_measured():
    """No schedule on ``cores`` cores ends before CPU / cores: the bound behind "cannot be met"."""
    from benchmarks.report import cold_bound

    cpu = {"fit": 4.0, "refit a": 1.6, "options": 0.8}
    # 30 s of CPU on 2 cores: at least 15 s = 3.00x a 5 s floor, above 2.5x
    line = cold_bound({"stages_cpu": cpu}, warm=6.0, floor=5.0, goal=2.5, tree_cpu=30.0, cores=2)
    assert "used 30.0 s of CPU, so on 2 cores it cannot end in under 15.0 s: 3.00×" in line
    assert "cannot be met on this machine unless the models spend less CPU" in line
    # the one-schedule estimate (4.8 s beside the warm 6 s = 2.16x) no longer decides it
    assert "2.16× the floor" in line and "needs the models themselves faster" not in line
    # 20 s on 2 cores: 10 s = 2.00x, the bound leaves the target open
    low = cold_bound({"stages_cpu": cpu}, warm=6.0, floor=5.0, goal=2.5, tree_cpu=20.0, cores=2)
    assert "2.00×" in low and "does not rule the target out" in low
    assert "cannot be met" not in low
    # 4 cores halve the bound
    assert "under 7.50 s" in cold_bound({"stages_cpu": cpu}, 6.0, 5.0, 2.5, 30.0, 4)


def test_sweep_target_states_the_cpu_of_a_scenario_report_and_the_two_core_bound():
    from benchmarks.sweep import each_bound

    ea, sw, rp = {"cpu": 136.0}, {"cpu": 16.0}, {"wall": 20.0, "cpu": 26.0}
    line = each_bound(ea, sw, rp, 16)
    # (136 - 16) / 16 = 7.5 s a report; 136 / 2 = 68 s = 3.4x; 3x needs (3*20*2 - 16)/16
    assert "7.50 s per scenario report" in line and "68.0 s" in line and "3.40×" in line
    assert "under 6.50 s of CPU" in line
    assert each_bound({"cpu": float("nan")}, sw, rp, 16) == ""


def test_sweep_target_states_when_the_reports_ran_and_how_busy_the_cores_were():
    from benchmarks.sweep import each_timeline

    def row(start, end, worker, kernel):
        return {"started": start, "finished": end, "worker": worker, "kernel": kernel,
                "figures": 0.0}  # fmt: skip

    info = {
        "sweep_started": 1000.0,
        "per_report": [
            row(1006.0, 1010.0, 1.0, 3.0),
            row(1006.5, 1011.0, 1.0, 2.0),
            row(1010.0, 1016.0, 1.5, 2.5),
        ],  # fmt: skip
    }
    line = each_timeline(info, 5.5)
    # first report 6.0 s in; reports from 1006 to 1016: 10 s; CPU 11 s = 55 % of 2 cores
    assert "began 6.00 s after the sweep started" in line and "alone: 5.50 s" in line
    assert (
        "the 3 reports then took 10.0 s" in line and "their own CPU was 11.0 s, 55 % of 2" in line
    )
    assert "rest of the process tree" not in line  # its CPU not given
    line = each_timeline(info, 5.5, 30.0)
    assert "warm kernels' start): 19.0 s" in line  # 30 - 11
    assert each_timeline({"per_report": info["per_report"]}, 5.5) == ""  # no start: no line
    assert each_timeline({"sweep_started": 1.0, "per_report": [{"worker": 1.0}]}, 5.5) == ""


def test_sweep_target_states_what_a_scenario_reports_cpu_is_made_of():
    from benchmarks.sweep import each_parts

    rows = [
        {
            "worker": w,
            "kernel": k,
            "figures": f,
            "cells": [0.1, a, 0.5],
            "sources": ["x = 1", "book.begin(\n    1,\n)", "p()"],
        }
        for w, k, f, a in ((1.0, 5.0, 1.5, 3.0), (2.0, 6.0, 1.7, 2.0), (1.5, 5.5, 9.0, 2.5))
    ]
    line = each_parts(rows)
    # medians: worker 1.5, kernel 5.5, forked 1.7 (the 9.0 of a first report's refits is out)
    assert "(median of 3): 8.70 s = its worker process 1.50 s" in line
    assert "warm kernel 5.50 s" in line and "kernel forked 1.70 s" in line
    # slowest cell first, each named by its statements (not by a last line such as ")")
    assert line.index("`book.begin(…)` 2.50 s") < line.index("`p()` 0.50 s")
    assert "slowest cells' wall time" in line
    assert each_parts([]) == ""
    # with the PDF's CPU and the kernel's CPU per cell and per savefig: those are named
    for r, pdf, cpu, drawn in zip(
        rows,
        (0.7, 0.9, 0.8),
        ([0.2, 1.0, 0.4], [0.1, 1.4, 0.6], [0.3, 1.2, 0.5]),
        (0.5, 0.9, 0.7),
        strict=True,
    ):
        r.update(pdf=pdf, cells_cpu=cpu, cells_savefig=[0.0, 0.0, drawn])
    line = each_parts(rows)
    assert "its worker process 1.50 s (the PDF 0.80 s;" in line
    # cells' CPU summed per report (1.6, 2.1, 2.0): median 2.0; by CPU the analyses first
    assert "its cells 2.00 s, slowest by CPU `book.begin(…)` 1.20 s, `p()` 0.50 s" in line
    assert "drawing the figures (`savefig`) 0.70 s" in line
    assert "wall time" not in line


def test_warm_report_target_states_its_time_beyond_the_notebook():
    from benchmarks.report import warm_rest

    steps = {"PDF (WeasyPrint)": 1.2, "HTML (nbconvert)": 0.4, "tables.xlsx": 0.2, "other": 9.0}
    line = warm_rest(steps)
    assert line.startswith("; beyond the notebook") and "PDF 1.20 s" in line
    assert "HTML 0.40 s" in line and "tables.xlsx 0.20 s" in line and "other" not in line
    assert warm_rest(None) == ""


def test_cell_labels_name_every_statement_of_a_cell():
    from benchmarks.report import cell_label

    src = (
        "data = load_dataset(params.data_path)\n# a comment\n"
        "fitted = fitted_models(data, params)  # cached\nbook.begin(\n    'x',\n    y=1,\n)\n"
    )
    assert cell_label(src) == "data = load_dataset(…); fitted = fitted_models(…); book.begin(…)"
    assert cell_label("from a import b\nimport c\nx = f(1)") == "import b, c; x = f(…)"
    assert cell_label("a, b, c = g(h(1))") == "… = g(…)"
    assert len(cell_label("x = f(1); " * 30)) == 90


def test_load_target_states_what_each_part_of_the_first_load_costs():
    from benchmarks.scale import _load_parts

    parts = {"load.hash": 0.04, "load.read": 0.12, "load.distinct": 0.06, "load.privacy": 0.05}
    parts["load.cache_write"] = 0.05  # after the load returns: never taken off its time
    parts["load.sha256"] = 0.03  # on a thread beside the read: not taken off either
    pipe = {
        "stages": {"load_validate": 0.40, **parts},
        "stages_cpu": {"load_validate": 0.50, **{k: v + 0.01 for k, v in parts.items()}},
    }
    text = _load_parts(pipe, 0.08, 0.10)
    assert "hashing the files for the cache key 0.04 s (0.50×; CPU 0.05 s)" in text
    assert "reading them into Arrow 0.12 s (1.50×" in text and "the privacy scan" in text
    assert "the files' SHA-256 (on a thread of its own" in text
    assert "the rest" in text and "0.13 s" in text  # 0.40 - 0.27
    assert "alone take 2.00× the read (CPU 1.80×)" in text  # (0.04 + 0.12) / 0.08
    assert "distinct cells (every cell looked at once) 2.75× (CPU 2.50×)" in text  # + 0.06
    assert "leaves 2.25× the read for everything after that; it took 2.25×" in text  # 0.18 s
    pipe["stages"]["load_validate"] = 0.50
    assert "leaves 2.25× the read for everything after that; it took 3.50×" in _load_parts(
        pipe, 0.08, 0.10
    )
    assert _load_parts({"stages": {"load_validate": 0.1}}, 0.08, 0.1) == ""  # a rerun


def test_stage_table_shows_a_part_fitted_in_a_worker_beside_the_caller():
    from benchmarks.scale import _chain_stages, _stage_cell

    stages = {"fit.stays": 2.0, "fit.bootstrap": 5.0, "fit.mobility": 0.5, "fit_models": 8.0,
              "fit.population@worker": 0.9}  # fmt: skip
    st = _chain_stages({"stages": stages})
    # the rest is the caller's: fit_models less the caller's parts, not the worker's too
    assert st["fit.rest"] == pytest.approx(0.5)
    assert _stage_cell(st, "fit.population", 0.1) == "0.90 s (9.00×) in a worker, beside the stays"
    assert _stage_cell(st, "fit.stays", 0.1) == "2.00 s (20.00×)"
    # a part timed nowhere leaves the rest unknown
    assert "fit.rest" not in _chain_stages({"stages": {"fit.stays": 2.0, "fit_models": 8.0}})


def test_cold_report_order_bound_adds_the_phases_no_model_can_use_to_the_cpu_between():
    """Kernel start and imports before the load, HTML and PDF after the last cell: a run in
    this order cannot end before ``before + between / cores + after``."""
    from benchmarks.report import cold_bound

    cpu = {"fit": 4.0, "refit a": 1.6, "options": 0.8}
    order = {"before_models": 3.0, "after_notebook": 3.0, "order_bound": 13.0, "between": 14.0}
    # the tree's 20 s on 2 cores leave 2.00x open; the order's 13 s are 2.60x, above 2.5x
    line = cold_bound({"stages_cpu": cpu}, 6.0, 5.0, 2.5, tree_cpu=20.0, cores=2, order=order)
    assert "does not rule the target out" in line
    assert "14.0 s of CPU up to the notebook's last cell" in line
    assert "at least 7.00 s on 2 cores" in line
    assert "at least 13.0 s, 2.60× the floor, above 2.5×" in line
    assert "in this order of work the target cannot be met on this machine" in line
    low = {**order, "order_bound": 12.0}
    line = cold_bound({"stages_cpu": cpu}, 6.0, 5.0, 2.5, tree_cpu=20.0, cores=2, order=low)
    assert "2.40× the floor, within 2.5×: a better schedule could still meet it" in line
    # the tree's bound above the goal already decides it: the order bound is not added
    high = cold_bound({"stages_cpu": cpu}, 6.0, 5.0, 2.5, tree_cpu=30.0, cores=2, order=order)
    assert "in this order of work" not in high


def test_report_phases_cut_the_run_at_the_load_cell_and_the_last_cell():
    from benchmarks._measure import Measurement, cpu_between
    from benchmarks.report import phases

    samples = [(t / 10, t / 5) for t in range(101)]
    # CPU 2 s per wall second until t = 10 s; cells on the command's clock + 1000 (Unix time)
    meas = Measurement(wall=10.0, peak_rss_mb=1.0, returncode=0,
                       info={"tree_cpu": samples, "epoch_start": 1000.0})  # fmt: skip
    cells = [(1001.0, 1002.0, "import x"), (1002.0, 1006.0, "data = load_dataset(p)"),
             (1006.0, 1008.0, "page(book)")]  # fmt: skip
    wall, cpu = phases(meas, cells, cores=2)
    assert wall["before_models"] == pytest.approx(2.0)
    assert wall["after_notebook"] == pytest.approx(2.0)
    assert cpu["between"] == pytest.approx(12.0)  # 6 s at 2 CPU seconds a second
    assert wall["order_bound"] == pytest.approx(2.0 + 12.0 / 2 + 2.0)
    assert cpu_between(samples, 2.0, 8.0) == pytest.approx(12.0)
    # no load cell, or no samples: nothing claimed
    assert phases(meas, cells[:1] + cells[2:], cores=2) == ({}, {})
    bare = Measurement(wall=10.0, peak_rss_mb=1.0, returncode=0)
    assert phases(bare, cells, cores=2) == ({}, {})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_tree_sampler_counts_the_cpu_of_a_child_process_and_never_falls():
    """A command that burns about 0.6 s of CPU in a grandchild: the samples see it."""
    from benchmarks._measure import run_command

    burn = "import time; t = time.process_time()\nwhile time.process_time() - t < 0.6: pass"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}])"
    meas = run_command([sys.executable, "-c", code], sample_tree=True)
    samples = meas.info["tree_cpu"]
    cpus = [c for _, c in samples]
    assert cpus == sorted(cpus)  # never falls
    assert cpus[-1] >= 0.5  # the grandchild's burn, counted
    assert meas.info["epoch_start"] > 0
