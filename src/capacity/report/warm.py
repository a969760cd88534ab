"""Warm kernels: one Jupyter kernel renders many reports, each from a clean namespace.

A report run by papermill starts a kernel, imports the scientific stack and the project,
and only then runs the notebook's cells: for the scenario reports of a sweep that start-up
costs more than the cells. A :class:`WarmKernel` is started once and handed to
:func:`capacity.report.run.run_report` (``kernel=``); before every notebook after the first,
the kernel's namespace is emptied (IPython's ``%reset -f``) and its figures closed, so each
report sees the same fresh namespace a new kernel would give, while the imported modules stay
loaded. :func:`render_reports` renders many reports on a pool of warm kernels, one per
worker process (HTML and PDF are made in the workers, so they run in parallel too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from capacity.config import NOTEBOOKS_DIR

#: Run in the kernel before every notebook after the first: a namespace like a new kernel's.
RESET_CODE = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import sys as _sys\n"
    "if 'matplotlib.pyplot' in _sys.modules:\n"
    "    _sys.modules['matplotlib.pyplot'].close('all')\n"
    "del _sys\n"
)


class WarmKernel:
    """A Jupyter kernel (over IPC) kept running between notebook runs.

    Parameters
    ----------
    kernel_name : str, optional
        Jupyter kernel (default ``capacity``).
    cwd : path, optional
        The kernel's working folder (default ``notebooks/``, as for a papermill run).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, kernel_name: str | None = None, cwd: str | Path | None = None):
        from jupyter_client.utils import run_sync

        from capacity.report.kernel import KERNEL, ipc_kernel_manager

        self.kernel_name = kernel_name or KERNEL
        self.km = ipc_kernel_manager()(kernel_name=self.kernel_name)
        run_sync(self.km.start_kernel)(cwd=str(cwd or NOTEBOOKS_DIR))
        self.runs = 0

    def execute(
        self, nb_file: Path, executed: Path, parameters: dict[str, Any], **hooks: Any
    ) -> None:
        """Run one notebook with papermill on this kernel (see :meth:`prepare`).

        ``hooks`` are those of :func:`capacity.report.kernel.execute`.
        """
        from capacity.report.kernel import execute

        self.prepare()
        execute(nb_file, executed, parameters, self.kernel_name, km=self.km, **hooks)

    def prepare(self) -> None:
        """Empty the namespace left by the previous notebook (nothing before the first)."""
        self.runs += 1
        if self.runs == 1:
            return
        from jupyter_client.utils import run_sync

        from capacity.exceptions import ReportError

        kc = self.km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=60)
            reply = run_sync(kc.execute_interactive)(
                RESET_CODE, silent=True, store_history=False, timeout=60
            )
        finally:
            kc.stop_channels()
        if reply["content"].get("status") != "ok":
            raise ReportError(f"the warm kernel could not be reset: {reply['content']}")

    def close(self) -> None:
        """Shut the kernel down."""
        from jupyter_client.utils import run_sync

        if self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)

    def __enter__(self) -> WarmKernel:
        """The kernel, started; closed again when the ``with`` block ends."""
        return self

    def __exit__(self, *exc) -> None:
        """Shut the kernel down."""
        self.close()


_WORKER_KERNEL: WarmKernel | None = None


def _start_worker(kernel_name: str | None) -> None:
    """Pool initializer: start this worker's kernel and shut it down when the worker ends."""
    from multiprocessing import util

    global _WORKER_KERNEL
    _WORKER_KERNEL = WarmKernel(kernel_name)
    # workers leave through os._exit, which skips atexit: a Finalize still runs
    util.Finalize(_WORKER_KERNEL, _WORKER_KERNEL.close, exitpriority=10)


def _render_in_worker(job: tuple[Callable[..., Any], tuple, dict]):
    fn, args, kwargs = job
    return fn(*args, kernel=_WORKER_KERNEL, **kwargs)


def render_reports(
    jobs: Iterable[tuple[Callable[..., Any], tuple, dict]],
    workers: int = 2,
    kernel_name: str | None = None,
) -> Iterator[Any]:
    """Call ``fn(*args, kernel=<warm kernel>, **kwargs)`` for each job on a pool of warm kernels.

    Parameters
    ----------
    jobs : iterable of (fn, args, kwargs)
        ``fn`` is usually :func:`capacity.report.run.run_report`; it must be picklable
        (a module-level function).
    workers : int
        Worker processes, each with its own kernel.

    Yields
    ------
    The results in the order of ``jobs``.
    """
    jobs = list(jobs)
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(kernel_name,)
    ) as pool:
        yield from pool.map(_render_in_worker, jobs)


__all__ = ["RESET_CODE", "WarmKernel", "render_reports"]
