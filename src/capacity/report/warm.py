"""Warm kernels: one Jupyter kernel renders many reports, each from a clean namespace.

A report run by papermill starts a kernel, imports the scientific stack and the project,
and only then runs the notebook's cells: for the scenario reports of a sweep that start-up
costs more than the cells. A :class:`WarmKernel` is started once and handed to
:func:`capacity.report.run.run_report` (``kernel=``); before every notebook after the first,
the kernel's namespace is emptied (IPython's ``%reset -f``) and its figures closed, so each
report sees the same fresh namespace a new kernel would give, while the imported modules stay
loaded (and, frozen out of the garbage collector's way, are not scanned again: see
:data:`RESET_CODE`). :func:`render_reports` renders many reports on a pool of warm kernels (:class:`WarmPool`), one
per worker process (HTML and PDF are made in the workers, so they run in parallel too); a
pool started ahead of its reports boots and imports while its caller does other work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from capacity.config import NOTEBOOKS_DIR

#: Run in the kernel before every notebook after the first: a namespace like a new kernel's.
#: ``%reset`` ends with a full garbage collection (IPython's displayhook flush), which went
#: through every object of the imported model stack each time: about 0.2 s of CPU per
#: report. What survives it (modules, caches) is then frozen (:func:`gc.freeze`): later
#: collections, this one's and those during the next notebook's cells, skip it. The
#: figures are closed first, so that the collection frees them and none is frozen.
RESET_CODE = (
    "import sys as _sys\n"
    "if 'matplotlib.pyplot' in _sys.modules:\n"
    "    _sys.modules['matplotlib.pyplot'].close('all')\n"
    "del _sys\n"
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import gc as _gc\n"
    "_gc.freeze()\n"
    "del _gc\n"
)


class WarmKernel:
    """A Jupyter kernel (over IPC) kept running between notebook runs.

    Parameters
    ----------
    kernel_name : str, optional
        Jupyter kernel (default ``capacity``).
    cwd : path, optional
        The kernel's working folder (default ``notebooks/``, as for a papermill run).
    preload : path, optional
        A notebook whose imports the kernel does as soon as it is up (:func:`preload_code`).
    figure_memo : bool
        Keep the figures of one report for the next (:func:`capacity.report.figsave.show_and_save`):
        for a kernel that renders many reports of the same data (a sweep).
    socket_dir : str, optional
        Folder of the kernel's IPC sockets and connection file (default: the temporary
        folder); :class:`WarmPool` gives its workers one it removes when it closes.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        kernel_name: str | None = None,
        cwd: str | Path | None = None,
        preload: str | Path | None = None,
        *,
        figure_memo: bool = False,
        socket_dir: str | None = None,
    ):
        import os

        from jupyter_client.utils import run_sync

        from capacity.report.figsave import MEMO_SWITCH
        from capacity.report.kernel import KERNEL, ipc_kernel_manager

        self.kernel_name = kernel_name or KERNEL
        self.km = ipc_kernel_manager(socket_dir)(kernel_name=self.kernel_name)
        env = {k: v for k, v in os.environ.items() if k != MEMO_SWITCH}
        if figure_memo:
            env[MEMO_SWITCH] = "1"
        run_sync(self.km.start_kernel)(cwd=str(cwd or NOTEBOOKS_DIR), env=env)
        self.runs = 0
        self._kc = None
        code = preload_code(preload) if preload is not None else ""
        if code:
            try:
                self._send_silently(code)
            except BaseException:
                self.close()
                raise

    def _send_silently(self, code: str) -> None:
        """Queue ``code`` on the kernel without waiting: it runs as soon as the kernel is up.

        The kernel runs its requests in order, so the notebook's first cell runs after it.
        A silent request leaves no trace in the notebook: no execution count, no history,
        no output (its client is closed once the notebook has run, see :meth:`execute`).
        """
        from jupyter_client import BlockingKernelClient

        # its own client with the shell channel only (papermill's client, on the same
        # kernel manager, must not share sockets or an event loop with it)
        kc = BlockingKernelClient()
        kc.load_connection_info(self.km.get_connection_info())
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._kc = kc
        kc.execute(code, silent=True, store_history=False)

    def execute(
        self, nb_file: Path, executed: Path, parameters: dict[str, Any], **hooks: Any
    ) -> None:
        """Run one notebook with papermill on this kernel (see :meth:`prepare`).

        ``hooks`` are those of :func:`capacity.report.kernel.execute`.
        """
        from capacity.report.kernel import execute

        self.prepare()
        try:
            execute(nb_file, executed, parameters, self.kernel_name, km=self.km, **hooks)
        finally:
            self._close_client()

    def _close_client(self) -> None:
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None

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

        self._close_client()
        if self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)

    def __enter__(self) -> WarmKernel:
        """The kernel, started; closed again when the ``with`` block ends."""
        return self

    def __exit__(self, *exc) -> None:
        """Shut the kernel down."""
        self.close()


def preload_code(notebook: str | Path) -> str:
    """Code that imports, ahead of the notebook, the modules its cells import.

    Sent to a freshly started kernel (:class:`WarmKernel` ``preload=``) while the report
    process still prepares the run, so the imports use the machine's other core instead of
    waiting for the first cell. It binds no name in the kernel's namespace (it runs inside a
    function that deletes itself) and swallows every error: the notebook's own import cell
    then imports what is left and reports any failure where it belongs. Only the top-level
    ``import`` / ``from … import`` statements of the code cells count; relative imports do
    not.
    """
    import ast
    import json

    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    wanted: list[tuple[str, tuple[str, ...]]] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        try:
            tree = ast.parse("".join(src) if isinstance(src, list) else src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                wanted += [(a.name, ()) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                wanted.append((node.module, tuple(a.name for a in node.names if a.name != "*")))
    if not wanted:
        return ""
    return (
        "def _capacity_preload(wanted):\n"
        "    import importlib\n"
        "    for module, names in wanted:\n"
        "        try:\n"
        "            mod = importlib.import_module(module)\n"
        "            for name in names:\n"
        "                try:\n"
        "                    getattr(mod, name)\n"
        "                except AttributeError:\n"
        "                    importlib.import_module(f'{module}.{name}')\n"
        "        except Exception:\n"
        "            pass\n"
        f"_capacity_preload({wanted!r})\n"
        "del _capacity_preload\n"
    )


_WORKER_KERNEL: WarmKernel | None = None


def _start_worker(
    kernel_name: str | None, preload: str | Path | None = None, socket_dir: str | None = None
) -> None:
    """Pool initializer: start this worker's kernel and shut it down when the worker ends.

    ``preload``: a notebook whose imports the kernel does as soon as it is up
    (:func:`preload_code`), before the worker's first report. ``socket_dir``: the folder of
    the kernel's IPC sockets (the pool's, removed with it).

    What the worker holds now (the renderers it was forked with, :func:`import_renderers`)
    is frozen out of the garbage collector's way (:func:`gc.freeze`), as in the kernel
    (:data:`RESET_CODE`): WeasyPrint makes many objects per PDF, and each full collection
    went through all of those modules again.
    """
    import gc
    from multiprocessing import util

    global _WORKER_KERNEL
    gc.freeze()
    # the reports of a pool are of the same data: many of their figures are the same
    _WORKER_KERNEL = WarmKernel(
        kernel_name, preload=preload, figure_memo=True, socket_dir=socket_dir
    )
    # workers leave through os._exit, which skips atexit: a Finalize still runs
    util.Finalize(_WORKER_KERNEL, _WORKER_KERNEL.close, exitpriority=10)


#: What a report process imports to run a notebook and render it (about 1 s of CPU).
RENDERERS = (
    "papermill",
    "capacity.report.kernel",
    "capacity.report.preflight",
    "capacity.report.render",
    "nbconvert",
    "weasyprint",
)


def import_renderers() -> None:
    """Import what a report process needs to run a notebook and render it (:data:`RENDERERS`).

    :class:`WarmPool` calls it before it forks its workers, so that they start with these
    modules instead of importing them in their first report: the caller, a sweep, renders
    its comparison report with them anyway. Errors are left to the report, which imports
    the same modules and says what failed.
    """
    import importlib

    from capacity.report.run import import_nbformat

    try:
        import_nbformat()
        for name in RENDERERS:
            importlib.import_module(name)
    except Exception:
        pass


def _started() -> None:
    """Nothing: submitted once per worker so that the pool starts its workers now."""


def _render_in_worker(job: tuple[Callable[..., Any], tuple, dict]):
    fn, args, kwargs = job
    return fn(*args, kernel=_WORKER_KERNEL, **kwargs)


class WarmPool:
    """Worker processes, each with a warm kernel, started before their reports are known.

    A sweep knows which reports it will render long before it can render them (the
    comparison comes first). Started then, each worker's kernel boots and imports the
    ``preload`` notebook's modules (:func:`preload_code`) while the sweep fits and compares
    on the machine's other core, instead of in the first report's import cell.

    Parameters
    ----------
    workers : int
        Worker processes, each with its own kernel.
    kernel_name : str, optional
        Jupyter kernel (default ``capacity``).
    preload : path, optional
        The notebook the reports will run (its imports are done ahead).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        workers: int = 2,
        kernel_name: str | None = None,
        preload: str | Path | None = None,
    ):
        import tempfile

        self.workers = max(1, workers)
        import_renderers()  # once, here: forked workers have them
        # the kernels' sockets: a worker terminated by abort() cannot remove its kernel's,
        # so they live in a folder of the pool's own, removed by close()
        self._sockets = tempfile.mkdtemp(prefix="capacity-")
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            initializer=_start_worker,
            initargs=(kernel_name, preload, self._sockets),
        )
        # the first job starts the workers (all of them with the fork start method; one
        # each otherwise, as far as the pool spawns them); their initializer starts the
        # kernel and queues the preload without waiting for it
        for _ in range(self.workers):
            self._pool.submit(_started)

    def render(self, jobs: Iterable[tuple[Callable[..., Any], tuple, dict]]) -> Iterator[Any]:
        """``fn(*args, kernel=<warm kernel>, **kwargs)`` for each job; results in order."""
        yield from self._pool.map(_render_in_worker, list(jobs))

    def submit(self, job: tuple[Callable[..., Any], tuple, dict]):
        """``fn(*args, kernel=<warm kernel>, **kwargs)`` for one job; its future.

        Jobs run in the order they are submitted, each on the first worker free.
        """
        return self._pool.submit(_render_in_worker, job)

    def close(self) -> None:
        """Stop the workers (and with them their kernels) and remove their sockets' folder."""
        import shutil

        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)

    def abort(self, futures: Iterable[Any], timeout: float = 30.0) -> None:
        """Stop ``futures`` (jobs of this pool): none of them runs or writes afterwards.

        Jobs not started are cancelled; running ones get ``timeout`` seconds to finish.
        Workers still busy then are terminated: a job that hangs (a report stuck in its
        kernel, a worker stuck in a garbage collection) must not hang its caller. A
        terminated worker's kernel shuts itself down (it polls its parent process,
        ``JPY_PARENT_PID``), and the pool is broken afterwards: call :meth:`close`.
        """
        from concurrent.futures import wait

        futures = list(futures)
        for future in futures:
            future.cancel()
        _, running = wait(futures, timeout=timeout)
        if running:
            self.terminate()

    def terminate(self) -> None:
        """Terminate every worker process now (SIGTERM, then SIGKILL after 5 s)."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)

    def __enter__(self) -> WarmPool:
        """The pool, started; closed when the ``with`` block ends."""
        return self

    def __exit__(self, *exc) -> None:
        """Stop the workers."""
        self.close()


def render_reports(
    jobs: Iterable[tuple[Callable[..., Any], tuple, dict]],
    workers: int = 2,
    kernel_name: str | None = None,
    *,
    pool: WarmPool | None = None,
) -> Iterator[Any]:
    """Call ``fn(*args, kernel=<warm kernel>, **kwargs)`` for each job on a pool of warm kernels.

    Parameters
    ----------
    jobs : iterable of (fn, args, kwargs)
        ``fn`` is usually :func:`capacity.report.run.run_report`; it must be picklable
        (a module-level function).
    workers : int
        Worker processes, each with its own kernel.
    pool : WarmPool, optional
        A pool started earlier (``workers`` and ``kernel_name`` are then its own); it is
        left running.

    Yields
    ------
    The results in the order of ``jobs``.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if pool is not None:
        yield from pool.render(jobs)
        return
    with WarmPool(max(1, min(workers, len(jobs))), kernel_name) as own:
        yield from own.render(jobs)


__all__ = [
    "RESET_CODE",
    "RENDERERS",
    "WarmKernel",
    "WarmPool",
    "import_renderers",
    "preload_code",
    "render_reports",
]
