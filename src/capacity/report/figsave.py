"""A report's figure files (PNG and SVG) written by a forked process while the notebook runs on.

:meth:`capacity.report.book.ReportBook.figure` draws each figure three times: the PNG shown
in the notebook (which becomes the HTML and PDF) and, for ``artifacts_dir``, a PNG at a
higher resolution and an SVG (the run folder's ``figures/``). The last two were a third of
a warm report's notebook time and nothing in the notebook waits for them, so
:func:`save_figure` writes them from a forked copy of the kernel (``os.fork``: the figure as
it is, no pickling — report figures hold closures that do not pickle) on the machine's other
core, while the notebook goes on. The files are the same bytes as when written in place:
the child draws the same figure from the same state with the same settings (a test compares
them).

While a child works, ``<name>.pending`` sits beside the files it writes; the child writes
them under temporary names, renames them into place and only then removes the marker, or
replaces it by ``<name>.failed`` with the error. :func:`wait_for_figures` (called by the
report runner before it collects ``figures/``) waits until no marker is left and raises
:class:`~capacity.exceptions.ReportError` for a failed one.

Where ``os.fork`` is not safe or not there (not Linux), or with
``CAPACITY_FIGURE_PROCESS=0``, the files are written in place, as before.

On a warm kernel that renders many reports (a sweep's scenario reports,
:mod:`capacity.report.warm`, which sets ``CAPACITY_FIGURE_MEMO=1``), many figures are the
same from one report to the next (those drawn from the fit only, e.g. the stays' survival
curve). :func:`show_and_save` then draws a figure's SVG first and keys it by those bytes
(with matplotlib's version and settings and the figure's size): a figure whose key was seen
before is not drawn again; its files are the bytes the first one gave. A figure's SVG holds
every path, text, colour and position the PNG is drawn from, so the same SVG gives the same
PNG.

There, a figure is also rasterised once: the notebook (and so the HTML and the PDF) shows
the ``figures/`` PNG (200 dpi) instead of a PNG of its own at 170 dpi, and the kernel writes
both files itself, with no forked process. On the page the figure has the same size (the
report's CSS sets an image's width); it is only sharper. A report without the memo (every
single report) is unchanged: a 170 dpi PNG in the notebook, the files from a forked process.

Drawn in that order (SVG, then the PNG), the PNG is the bytes a report without the memo
draws (PNGs first). The SVG is too, except that a figure whose layout settles a little
differently when it is drawn first may get another ``clipPath`` id: the id is a hash of the
clip box at full precision, the box itself is printed the same (the budget frontier, in all
16 reports of the bench's sweep). The id only names the box; the drawing is the same.

A report may ask for PNG files only (:func:`request_png_only`, written by
:func:`capacity.report.run.run_report` with ``svg=False`` into the folder it hands the
notebook; a sweep's scenario reports, whose only output is the PDF, which shows the PNG).
Drawing a figure's SVG was about 40 % of drawing it (item 39 of ``docs/performance.md``).
Such a report then writes ``<name>.png`` alone, the same bytes; on a sweep's warm kernel
the figure is drawn once, as that PNG, without the SVG key of this module's memo (the
sweep's figures are keyed by their inputs instead, :mod:`capacity.report.figmemo`).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
import warnings
from pathlib import Path

from capacity.exceptions import ReportError
from capacity.report.forks import can_fork, reap

PENDING = ".pending"
FAILED = ".failed"
#: Children still writing figure files (pids); module level, so that a warm kernel's next
#: report reaps the last one's children.
_CHILDREN: set[int] = set()


def forking() -> bool:
    """Whether figure files are written by a forked process (Linux; not switched off)."""
    return can_fork("CAPACITY_FIGURE_PROCESS")


def _reap() -> None:
    """Collect children that have finished (no zombies left behind in a long-lived kernel)."""
    reap(_CHILDREN)


def _save(figure, folder: Path, svg: bytes | None = None, *, with_svg: bool = True) -> list[Path]:
    """``figure.save(folder)``; with ``with_svg=False`` the PNG alone (the same bytes)."""
    if with_svg:
        return figure.save(folder, svg=svg)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{figure.name}.png"
    path.write_bytes(figure.png())  # Figure.png: the bytes Figure.save writes
    return [path]


def _child(
    figure, folder: Path, marker: Path, svg: bytes | None = None, with_svg: bool = True
) -> None:
    """In the forked process: write the files, rename them into place, drop the marker."""
    code = 1
    try:
        # out of the kernel's process group: Jupyter ends a kernel by signalling its group,
        # which would kill a figure still being written after the last cell
        os.setsid()
        import gc

        gc.disable()  # short-lived: do not touch (and so copy) the parent's memory
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # never the kernel's streams
        tmp = folder / f".{figure.name}.{os.getpid()}.tmp"
        try:
            for path in _save(figure, tmp, svg, with_svg=with_svg):
                os.replace(path, folder / path.name)
        finally:
            if tmp.is_dir():
                for left in tmp.iterdir():
                    left.unlink()
                tmp.rmdir()
        marker.unlink()
        code = 0
    except BaseException:
        try:
            # written whole, then renamed: the parent may look for it at any moment
            _write(marker.with_suffix(FAILED), traceback.format_exc().encode("utf-8"))
            marker.unlink()
        except BaseException:
            pass
    finally:
        os._exit(code)


def save_figure(
    figure, folder: str | Path, svg: bytes | None = None, *, with_svg: bool = True
) -> None:
    """``figure.save(folder)`` (PNG and SVG), in a forked process when :func:`forking`.

    Returns at once; the files are in place when :func:`wait_for_figures` returns.
    ``svg``: the figure's SVG already drawn (written as it is, not drawn again).
    ``with_svg=False``: the PNG alone.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not forking():
        _save(figure, folder, svg, with_svg=with_svg)
        return
    _reap()
    marker = folder / f"{figure.name}{PENDING}"
    marker.write_bytes(b"")
    try:
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns when a process with threads forks; the child only draws
            # and writes files, then leaves with os._exit
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        marker.unlink()
        _save(figure, folder, svg, with_svg=with_svg)
        return
    if pid == 0:
        _child(figure, folder, marker, svg, with_svg)  # never returns
    _CHILDREN.add(pid)


#: Switches the memo of :func:`show_and_save` on (set by the warm kernels of a sweep).
MEMO_SWITCH = "CAPACITY_FIGURE_MEMO"
#: Most figures the memo keeps (the oldest go first).
MEMO_SIZE = 64
#: key -> {"svg": SVG, "png": figures/ PNG, also shown in the notebook}
_MEMO: dict[str, dict[str, bytes]] = {}


def memo_on() -> bool:
    """Whether :func:`show_and_save` keeps figures for later reports (``CAPACITY_FIGURE_MEMO=1``)."""
    return os.environ.get(MEMO_SWITCH) == "1"


def _key(figure, svg: bytes) -> str:
    import hashlib

    import matplotlib

    digest = hashlib.sha256(svg)
    fig = figure.fig
    settings = (matplotlib.__version__, tuple(fig.get_size_inches()), fig.dpi, figure.title)
    digest.update(repr(settings).encode())
    digest.update(repr(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items())).encode())
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def show_and_save(figure, folder: str | Path, show, *, with_svg: bool = True) -> bytes:
    """Save ``figure`` into ``folder`` and return the PNG the notebook shows.

    Without the memo: the files from :func:`save_figure` (a forked process), and ``show()``'s
    PNG. With the memo on (:func:`memo_on`): the SVG (the key) and the ``figures/`` PNG, drawn
    here and written at once, the PNG also the notebook's (``show`` is not called); a
    figure seen before (same key, see the module's notes) is not drawn at all: its files
    are the bytes of the first. ``with_svg=False`` (:func:`wants_svg`): no SVG file; with
    the memo on, the PNG drawn here and written, nothing kept (no SVG, no key).
    """
    folder = Path(folder)
    if not memo_on():
        save_figure(figure, folder, with_svg=with_svg)
        return show()
    if not with_svg:
        png = figure.png()
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / f"{figure.name}.png", png)
        return png
    # the SVG first: it is the key, and a figure seen before then needs no PNG drawn at all
    svg = figure.svg()
    key = _key(figure, svg)
    found = _MEMO.pop(key, None)  # put back last: the most recently used
    if found is None:
        found = {"svg": svg, "png": figure.png()}
    _MEMO[key] = found
    while len(_MEMO) > MEMO_SIZE:
        del _MEMO[next(iter(_MEMO))]
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / f"{figure.name}.png", found["png"])
    _write(folder / f"{figure.name}.svg", found["svg"])
    return found["png"]


#: File in the folder a report runner hands its notebook (``artifacts_dir``) that asks for
#: PNG figure files only (:func:`request_png_only`).
PNG_ONLY = "figures-png-only"


def request_png_only(artifacts: str | Path) -> None:
    """Ask the notebook that will write into ``artifacts`` for PNG figure files only.

    Called by :func:`capacity.report.run.run_report` (``svg=False``) before the notebook
    runs; :class:`capacity.report.book.ReportBook` reads it (:func:`wants_svg`).
    """
    (Path(artifacts) / PNG_ONLY).write_bytes(b"")


def wants_svg(artifacts: str | Path | None) -> bool:
    """Whether a report writing into ``artifacts`` writes an SVG beside each figure's PNG."""
    return artifacts is None or not (Path(artifacts) / PNG_ONLY).exists()


def _raise_failed(folder: Path) -> None:
    """Raise the first figure error a forked process left in ``folder``, if any."""
    failed = sorted(folder.glob(f"*{FAILED}"))
    if failed:
        # the child writes its error file, then removes its marker: seen between the two,
        # the marker would be left behind in the report's folder
        for path in failed:
            path.with_suffix(PENDING).unlink(missing_ok=True)
        detail = failed[0].read_text(encoding="utf-8").strip().splitlines()
        raise ReportError(
            f"figure '{failed[0].stem}' could not be saved: "
            f"{detail[-1] if detail else 'unknown error'}"
        )


def wait_for_figures(folder: str | Path, timeout: float = 600.0) -> None:
    """Wait until every figure of ``folder`` is written; raise if one could not be.

    Raises
    ------
    ReportError
        A figure's process failed (with its error), or a figure was still not written
        after ``timeout`` seconds (its process was killed, e.g. out of memory).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        _raise_failed(folder)
        pending = sorted(folder.glob(f"*{PENDING}"))
        if not pending:
            # a child writes its error file *before* it removes its marker: one that failed
            # between the two looks above has left its error by now
            _raise_failed(folder)
            return
        if time.monotonic() > deadline:
            names = ", ".join(p.stem for p in pending)
            raise ReportError(
                f"figure file(s) {names} not written after {timeout:.0f} s (the process "
                "writing them ended early, e.g. out of memory); run the report again, or set "
                "CAPACITY_FIGURE_PROCESS=0 to write figures in the notebook's own process."
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


__all__ = [
    "PNG_ONLY",
    "forking",
    "memo_on",
    "request_png_only",
    "save_figure",
    "show_and_save",
    "wait_for_figures",
    "wants_svg",
]
