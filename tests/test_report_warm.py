"""Warm kernels: many notebooks on one kernel, each from the namespace a new kernel gives."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from shared import tiny_sweep_params

from capacity.config import Params
from capacity.report.warm import WarmKernel

pytestmark = pytest.mark.slow


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("value = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import sys\n"
            "assert 'leftover' not in globals(), 'a name of the previous notebook survived'\n"
            "leftover = value\n"
            "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
            "assert not plt.get_fignums(), 'a figure of the previous notebook survived'\n"
            "plt.figure()\n"
            "print('value', value, 'pid', __import__('os').getpid(), 'frozen',\n"
            "      __import__('gc').get_freeze_count())"
        ),
    ]
    nb.metadata["kernelspec"] = {"name": "capacity", "display_name": "Python (capacity)"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


def _printed(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])).split()


def test_each_notebook_on_a_warm_kernel_starts_from_a_clean_namespace(tmp_path):
    nb = _notebook(tmp_path / "probe.ipynb")
    with WarmKernel() as kernel:
        pids, frozen = [], []
        for value in (1, 2, 3):
            out = tmp_path / f"out-{value}.ipynb"
            kernel.execute(nb, out, {"value": value})  # raises if a cell's assert fails
            words = _printed(out)
            assert words[:2] == ["value", str(value)]
            pids.append(words[3])
            frozen.append(int(words[5]))
    assert len(set(pids)) == 1  # one kernel served all three
    # what survived the reset (the imported modules) is frozen: collections skip it
    assert frozen[0] == 0 and frozen[1] > 0 and frozen[2] >= frozen[1]


def test_sweep_renders_every_scenario_report_on_warm_kernels(tmp_path, monkeypatch):
    from capacity.report import run_sweep

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_fte: [0, 3]\ntarget_reach: [0.7, 0.8]\n", encoding="utf-8")
    params = Params.from_yaml("params/stockholm.yaml", output_dir=str(tmp_path), n_boot=20)
    # one kernel, four reports; rendered as s01, s03, s02, s04 (sweep.sharing_order), but
    # the reports come back in the grid's order
    # what every scenario report needs but none depends on starts before the comparison:
    # the warm kernels (booting and importing) and the tornado's refits (forked here)
    import capacity.report.refits as refits
    import capacity.report.sweep as sweep
    import capacity.report.warm as warm

    calls: list = []
    real_pool, real_refits, real_compare = warm.WarmPool, refits.start_refits, sweep.compare

    def pool(*a, **k):
        calls.append("pool")
        return real_pool(*a, **k)

    def start_refits(*a, **k):
        pid = real_refits(*a, **k)
        calls.append(("refits", pid is not None))
        return pid

    def compare(*a, **k):
        calls.append("compare")
        return real_compare(*a, **k)

    monkeypatch.setattr(warm, "WarmPool", pool)
    monkeypatch.setattr(refits, "start_refits", start_refits)
    monkeypatch.setattr(sweep, "compare", compare)
    result = run_sweep(params, grid, jobs=1, each=True, progress=False)
    assert calls == ["pool", ("refits", True), "compare"]
    assert not refits._CHILDREN  # the forked process was collected
    assert len(result.reports) == 4
    wanted = [(0, 0.7), (0, 0.8), (3, 0.7), (3, 0.8)]
    for i, (report, (extra, target)) in enumerate(zip(result.reports, wanted, strict=True)):
        assert report.folder.name == f"s{i + 1:02d}"
        assert report.outputs["pdf"].stat().st_size > 0
        nb = nbformat.read(report.outputs["notebook"], as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert f"extra_fte = {float(extra)!r}" in injected[0].source or (
            f"extra_fte = {extra!r}" in injected[0].source
        )
        assert f"target_reach = {target!r}" in injected[0].source
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    # the comparison report was rendered on the pool, beside the scenario reports
    assert result.outputs["report.pdf"].stat().st_size > 0
    # a figure is drawn once per content for the whole sweep (capacity.report.figmemo):
    # the stays' survival curve is the same in all four reports, the tornado is not
    drawn = list((tmp_path / "fit-cache" / "figures").glob("*.fig"))
    shown = [sorted((r.folder / "figures").glob("*.png")) for r in result.reports]
    assert sum(map(len, shown)) == 4 * 6 and len(drawn) < 4 * 6
    survival = {p.read_bytes() for files in shown for p in files if "survival" in p.name}
    tornado = {p.read_bytes() for files in shown for p in files if "sensitivity" in p.name}
    assert len(survival) == 1 and len(tornado) == 4
    # a scenario report's figures are the PNGs its PDF shows, with no SVG (run_sweep's
    # svg=False); the comparison report keeps both
    assert not [p for r in result.reports for p in (r.folder / "figures").glob("*.svg")]
    compared = sorted(p.suffix for p in (result.folder / "figures").glob("*"))
    assert compared.count(".svg") == compared.count(".png")


def _preload_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import sys\n"
            "early = sorted(m for m in ('colorsys', 'email.mime.text') if m in sys.modules)\n"
            "names = sorted(n for n in globals() if not n.startswith('_'))\n"
            "print(early, names)"
        ),
        nbformat.v4.new_code_cell("import colorsys\nfrom email.mime import text\nfrom . import x"),
    ]
    nb.metadata["kernelspec"] = {"name": "capacity", "display_name": "Python (capacity)"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


def test_preload_imports_the_notebooks_modules_and_leaves_no_trace(tmp_path):
    """The first cell already finds the later cells' modules imported; the namespace and the
    execution counts are those of a new kernel (the preload ran silently)."""
    nb = _preload_notebook(tmp_path / "preload.ipynb")
    out = tmp_path / "out.ipynb"
    with WarmKernel(preload=nb) as kernel:
        with pytest.raises(Exception, match="relative import"):
            kernel.execute(nb, out, {})  # the relative import fails in the cell, as it would
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    printed = "".join(o.get("text", "") for o in cells[0].get("outputs", []))
    assert printed.split("] [")[0] == "['colorsys', 'email.mime.text'"
    # only IPython's own names and the cell's: no _capacity_preload, no module name
    assert "colorsys" not in printed.split("] [")[1] and "preload" not in printed
    assert cells[0].execution_count == 1


def test_preload_code_covers_only_absolute_top_level_imports(tmp_path):
    from capacity.report.warm import preload_code

    nb = _preload_notebook(tmp_path / "preload.ipynb")
    code = preload_code(nb)
    assert "('colorsys', ())" in code and "('email.mime', ('text',))" in code
    assert "('sys', ())" in code and "x'" not in code
    namespace: dict = {}
    exec(code, namespace)
    assert set(namespace) == {"__builtins__"}  # binds nothing
    assert preload_code(tmp_path / "missing.ipynb") == ""


def _run_probe(nb, out, kernel=None):
    kernel.execute(nb, out, {})
    cells = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
    return "".join(o.get("text", "") for o in cells[0].get("outputs", []))


def test_a_pool_started_ahead_has_its_kernels_import_the_notebooks_modules(tmp_path):
    """Started before any report is known, each worker's kernel boots and does the
    notebook's imports (its first cell finds them done), and the report runner's modules
    were imported once, before the workers were forked."""
    import sys

    from capacity.report.warm import RENDERERS, WarmPool, render_reports

    nb = _preload_notebook(tmp_path / "preload.ipynb")
    nb.write_text(nb.read_text().replace("from . import x", ""))  # runs through
    with WarmPool(1, preload=nb) as pool:
        assert {"papermill", "weasyprint"} <= set(RENDERERS) and set(RENDERERS) <= set(sys.modules)
        jobs = [(_run_probe, (nb, tmp_path / f"out-{i}.ipynb"), {}) for i in range(2)]
        printed = list(render_reports(jobs, pool=pool))
    assert printed[0].split("] [")[0] == "['colorsys', 'email.mime.text'"
    assert "preload" not in printed[0]


#: The notebook :func:`_broken_report` renders instead of the committee report (set by a test).
_BROKEN: dict = {}


def _broken_report(params, formats, *, kernel=None, svg=True):
    """A sweep's scenario report (``sweep._render_one``) that runs ``_BROKEN['notebook']``."""
    from capacity.report.run import run_report

    return run_report(params, notebook=_BROKEN["notebook"], formats=formats, kernel=kernel, svg=svg)


def _broken_notebook(path, cell: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("extra_fte = 0.0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(cell)]
    nb.metadata["kernelspec"] = {"name": "capacity", "display_name": "Python (capacity)"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return str(path)


def _broken_sweep(tmp_path, monkeypatch, tiny_dir, cell: str):
    """``run_sweep(each=True)`` of two scenarios whose reports run ``cell``; its error."""
    import time

    import capacity.report.sweep as sweep
    from capacity.exceptions import ReportError

    monkeypatch.setattr(sweep, "STOP_WAIT", 1.0)  # a report still running is not awaited long
    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    monkeypatch.setitem(_BROKEN, "notebook", _broken_notebook(tmp_path / "broken.ipynb", cell))
    monkeypatch.setattr(sweep, "_render_one", _broken_report)  # the workers are forked after
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_fte: [0, 2]\n", encoding="utf-8")
    params = tiny_sweep_params(tiny_dir, tmp_path / "reports", 20, language="en")
    # the pool's kernels put their sockets into the temporary folder: a short one of the
    # test's own (socket paths are limited to about 100 characters), empty afterwards
    temp = Path(tempfile.mkdtemp(prefix="cap-t"))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    t0 = time.monotonic()
    with pytest.raises(ReportError) as err:
        sweep.run_sweep(params, grid, jobs=2, each=True, progress=False)
    seconds = time.monotonic() - t0
    # nothing left behind, also by the workers stopped mid-report (their kernels' sockets)
    assert list(temp.iterdir()) == []
    temp.rmdir()
    return str(err.value), seconds, tmp_path / "reports"


def test_a_sweep_whose_every_scenario_report_fails_names_them_and_keeps_no_report(
    tmp_path, monkeypatch, tiny_dir
):
    message, _, out = _broken_sweep(
        tmp_path, monkeypatch, tiny_dir, "raise RuntimeError('broken on purpose')"
    )
    # the comparison report was submitted (2 of 3) or not (2 of 2): the reports' cells and
    # the comparison's evaluations run at the same time; if it was, it was cancelled before
    # it started, stopped while it ran, or it finished within STOP_WAIT and was not kept
    assert re.search(r"stopped: 2 of its [23] reports failed", message)
    assert (
        "of its 2 " in message
        or any(f"{what} (the comparison report)" in message for what in ("stopped", "not kept"))
        or "1 not started were cancelled" in message
    )
    for name in ("s01 (extra_fte=0.0)", "s02 (extra_fte=2.0)"):
        assert name in message
    assert message.count("RuntimeError: broken on purpose") == 2
    # no sweep folder, no partial one: only the failed notebooks, where the error says
    left = sorted(p.relative_to(out).parts[0] for p in out.iterdir())
    assert left == ["failed"]
    kept = sorted(out.glob("failed/*.ipynb"))
    assert [p.name.rsplit("-", 1)[1] for p in kept] == ["s01.ipynb", "s02.ipynb"]
    assert all(str(p) in message for p in kept)


def test_a_sweep_stops_when_a_report_fails_while_another_hangs(tmp_path, monkeypatch, tiny_dir):
    """The report that hangs does not hang the sweep: its worker is terminated after
    ``STOP_WAIT`` seconds, and its kernel (which polls its parent) shuts down with it."""
    import os
    import time

    pid_file = tmp_path / "kernel.pid"
    cell = (
        "import os, time\n"
        "if extra_fte == 0:\n"
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(600)\n"
        "raise RuntimeError('broken on purpose')"
    )
    message, seconds, out = _broken_sweep(tmp_path, monkeypatch, tiny_dir, cell)
    assert seconds < 300
    assert "s02 (extra_fte=2.0): notebook 'broken', cell" in message
    assert "stopped: 1 of its " in message
    assert "s01 (extra_fte=0.0)" in message.split("failed (")[1].split("); it wrote")[0]
    assert sorted(p.name for p in out.iterdir()) == ["failed"]
    pid = int(pid_file.read_text())
    for _ in range(50):  # the hung kernel follows its terminated worker within seconds
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the hung report's kernel (pid {pid}) is still running")


def test_a_sweep_whose_comparison_report_fails_names_its_kept_notebook(
    tmp_path, monkeypatch, tiny_dir
):
    """``capacity sweep`` alone: the comparison report's failed notebook, kept inside the
    partial folder that is removed, is moved out, and the error names where it is."""
    import capacity.report.sweep as sweep
    from capacity.exceptions import ReportError

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    broken = _broken_notebook(tmp_path / "broken.ipynb", "raise RuntimeError('broken')")

    def comparison(params, formats, scenarios_file, *, kernel=None, progress=False):
        from capacity.report.run import run_report

        return run_report(params, notebook=broken, formats=formats, kernel=kernel)

    monkeypatch.setattr(sweep, "_render_comparison", comparison)
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_fte: [0, 2]\n", encoding="utf-8")
    out = tmp_path / "reports"
    params = tiny_sweep_params(tiny_dir, out, 20)
    with pytest.raises(ReportError, match="RuntimeError: broken") as err:
        sweep.run_sweep(params, grid, jobs=1, progress=False)
    kept = list(out.glob("failed/*-report.ipynb"))
    assert len(kept) == 1 and f"kept at {kept[0]}." in str(err.value)
    assert sorted(p.name for p in out.iterdir()) == ["failed"]


def test_the_stop_message_says_what_became_of_every_report(tmp_path):
    """Each report of a stopped sweep is named once: failed, not started (cancelled),
    stopped while it ran, or finished in time but not kept (a sweep keeps all or nothing)."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    import capacity.report.sweep as sweep

    def future(label, outcome):
        f = Future()
        f.sweep_label = label
        if outcome == "cancelled":
            f.cancel()
        elif outcome == "broken":
            f.set_exception(BrokenProcessPool("terminated"))
        elif outcome == "done":
            f.set_result(None)
        else:
            f.set_exception(RuntimeError("broken on purpose"))
        return f

    futures = [
        future("s01 (extra_fte=0.0)", "failed"),
        future("s02 (extra_fte=2.0)", "cancelled"),
        future("s03 (extra_fte=4.0)", "broken"),
        future("the comparison report", "done"),
    ]
    failed = sweep._failed_reports(futures, {})
    message = sweep._stopped_message("x", tmp_path, futures, failed)
    assert "stopped: 1 of its 4 reports failed (1 not started were cancelled; " in message
    assert "1 still running 10 s later were stopped (s03 (extra_fte=4.0))" in message
    assert "1 finished but were not kept (the comparison report)" in message
    assert message.endswith("s01 (extra_fte=0.0): RuntimeError: broken on purpose")
