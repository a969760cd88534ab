"""Warm kernels: many notebooks on one kernel, each from the namespace a new kernel gives."""

from __future__ import annotations

import nbformat
import pytest

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
            "print('value', value, 'pid', __import__('os').getpid())"
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
        pids = []
        for value in (1, 2, 3):
            out = tmp_path / f"out-{value}.ipynb"
            kernel.execute(nb, out, {"value": value})  # raises if a cell's assert fails
            words = _printed(out)
            assert words[:2] == ["value", str(value)]
            pids.append(words[3])
    assert len(set(pids)) == 1  # one kernel served all three


def test_sweep_renders_every_scenario_report_on_warm_kernels(tmp_path, monkeypatch):
    from capacity.report import run_sweep

    monkeypatch.setenv("CAPACITY_CACHE", str(tmp_path / "fit-cache"))
    grid = tmp_path / "grid.yaml"
    grid.write_text("extra_fte: [0, 3]\nstay_multiplier: [1.0]\n", encoding="utf-8")
    params = Params.from_yaml("params/stockholm.yaml", output_dir=str(tmp_path), n_boot=20)
    result = run_sweep(params, grid, jobs=1, each=True, progress=False)  # one kernel, two reports
    assert len(result.reports) == 2
    for report, extra in zip(result.reports, (0, 3), strict=True):
        assert report.outputs["pdf"].stat().st_size > 0
        nb = nbformat.read(report.outputs["notebook"], as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert f"extra_fte = {float(extra)!r}" in injected[0].source or (
            f"extra_fte = {extra!r}" in injected[0].source
        )
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
