"""One progress bar for a report run: kernel start, each cell, then HTML, PDF and tables.

A run of ``capacity report`` takes from seconds to minutes; the bar says which stage it is
in (``starting the kernel``, ``cell 7/31``, ``HTML``, ``PDF``, ``tables``) and how far it
got, with tqdm, on standard error. ``enabled=False`` (``--quiet``) shows nothing.
"""

from __future__ import annotations

import sys


class ReportProgress:
    """Steps of one report run on one tqdm bar; a step counts when it is finished.

    Parameters
    ----------
    label : str
        Shown in front of the bar (the notebook's name).
    cells : int
        Code cells the notebook runs.
    stages : sequence of str
        Stages after the cells that this run has (of ``HTML``, ``PDF``, ``tables``).
    enabled : bool
        False: no output at all.

    Examples
    --------
    >>> p = ReportProgress("demo", cells=2, stages=("PDF",), enabled=False)
    >>> p.total
    4
    >>> p.kernel(); p.cell(0); p.cell(1); p.stage("PDF"); p.close(); p.n
    4
    """

    def __init__(self, label: str, cells: int, stages=(), *, enabled: bool = True) -> None:
        from tqdm.auto import tqdm

        self.cells = cells
        self.total = 1 + cells + len(stages)
        self._cells_done = 0
        self._pending: str | None = None
        self._n = 0
        self._bar = tqdm(
            total=self.total,
            desc=label,
            unit="step",
            disable=not enabled,
            file=sys.stderr,
            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]",
            dynamic_ncols=True,
        )
        self.label = label
        self._show("starting the kernel")

    @property
    def n(self) -> int:
        """Number of steps done so far."""
        return self._n

    def _show(self, text: str, refresh: bool = True) -> None:
        self._bar.set_description_str(f"{self.label}: {text:<19}", refresh=refresh)

    def _update(self) -> None:
        self._n += 1
        self._bar.update(1)

    def _step(self, text: str) -> None:
        self._show(text, refresh=False)
        self._update()

    def kernel(self) -> None:
        """The kernel answered; the first cell runs next."""
        self._step(f"cell 1/{self.cells}" if self.cells else "kernel ready")

    def cell(self, index: int) -> None:
        """A code cell finished (``index``: its position in the notebook)."""
        if self._cells_done < self.cells:
            self._cells_done += 1
            done = self._cells_done
            self._step(f"cell {done + 1}/{self.cells}" if done < self.cells else "cells done")

    def stage(self, name: str) -> None:
        """A stage after the cells starts (``HTML``, ``PDF``, ``tables``); the one before ends."""
        if self._pending is not None:
            self._update()
        self._pending = name
        self._show(name)

    def close(self) -> None:
        """The run ended: count the last stage and close the bar."""
        if self._pending is not None:
            self._update()
            self._pending = None
        self._show("done", refresh=False)
        self._bar.close()
