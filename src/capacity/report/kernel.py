"""Run a notebook with papermill on a kernel started over IPC, with clear errors.

Kernels start over IPC (Unix domain sockets in Jupyter's runtime folder) rather than TCP:
no port is picked, so kernels started at once (parallel tests, sweeps) cannot race for the
same port, and the kernel does not warn that it runs "over TCP without encryption". The
project's kernel, ``capacity``, is registered on first use where ``make setup`` did not run
(conda); another missing kernel and a kernel that dies are turned into a
:class:`~capacity.exceptions.ReportError` that says what happened and what to do.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from capacity.exceptions import ReportError

KERNEL = "capacity"


def register_command(name: str = KERNEL) -> str:
    """The command that registers the project's Jupyter kernel in the running environment."""
    return (
        f"{shlex.quote(sys.executable)} -m ipykernel install --sys-prefix --name {name} "
        '--display-name "Python (capacity)"'
    )


def register(name: str = KERNEL) -> bool:
    """Register this interpreter as the Jupyter kernel ``name`` in ``sys.prefix``; say so.

    What ``make setup`` and the conda instructions do (:func:`register_command`). Returns
    False when it cannot (no ipykernel, a read-only environment).
    """
    try:
        from ipykernel.kernelspec import install

        where = install(kernel_name=name, display_name="Python (capacity)", prefix=sys.prefix)
    except (ImportError, OSError):
        return False
    print(
        f"capacity: registered the Jupyter kernel '{name}' for {sys.executable} in {where} "
        "(once; the same as: " + register_command(name) + ")",
        file=sys.stderr,
    )
    return True


def ipc_kernel_manager(socket_dir: str | None = None):
    """``AsyncKernelManager`` whose kernels talk over IPC (created lazily: jupyter_client).

    Each manager's sockets get their own path in ``socket_dir``, by default the temporary
    folder (``<tmp>/capacity-kernel-<random>-ipc-<n>``): jupyter_client's default,
    ``kernel-ipc`` relative to the kernel's working folder, would put them into
    ``notebooks/`` and let kernels started at once share them. The manager removes them
    (and the kernel's connection file) when it shuts its kernel down; a kernel whose
    manager is killed leaves them behind, so :class:`capacity.report.warm.WarmPool` gives
    its workers a folder of their own for both and removes it when it closes.
    """
    import os
    import tempfile
    import uuid

    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ip_default(self) -> str:
            if socket_dir:  # (a folder of its own: short names, as socket paths must be)
                return os.path.join(socket_dir, f"k{uuid.uuid4().hex[:8]}-ipc")
            name = f"capacity-kernel-{uuid.uuid4().hex[:16]}-ipc"
            return os.path.join(tempfile.gettempdir(), name)

        @default("connection_file")
        def _connection_file_default(self) -> str:
            # (jupyter_client's default, "": a temporary file, left behind with the sockets)
            if socket_dir:
                return os.path.join(socket_dir, f"k{uuid.uuid4().hex[:8]}.json")
            return ""

    return IPCKernelManager


#: The papermill engine of :func:`execute` (registered on first use, :func:`_engine`).
ENGINE = "capacity"


def _engine() -> str:
    """Register (once) and name papermill's nbclient engine that writes the notebook once.

    papermill writes (and validates) the executed notebook before and after every cell,
    ~30 times per report: 0.3–0.5 s of CPU each report, which adds up in a sweep of
    scenario reports. This engine writes it once, when the run ends — also when a cell
    fails or the kernel dies (papermill's ``notebook_complete``, in a ``finally``), so the
    kept notebook of a failed run (:func:`capacity.report.run._keep_failed`) is still
    written; papermill then writes it again with its error marker (cell errors) and at the
    end. Only a process killed in the middle of the run leaves no partial notebook.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    if ENGINE in papermill_engines._engines:
        return ENGINE

    class SaveAtEnd(NotebookExecutionManager):
        final = False

        def save(self, **kwargs):
            if self.final:
                super().save(**kwargs)

        def notebook_complete(self, **kwargs):
            self.final = True
            super().notebook_complete(**kwargs)

    class SaveAtEndEngine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
            autosave_cell_every=30, **kwargs,
        ):  # fmt: skip
            # papermill's Engine.execute_notebook with the manager above
            nb_man = SaveAtEnd(
                nb, output_path=output_path, progress_bar=progress_bar,
                log_output=log_output, autosave_cell_every=autosave_cell_every,
            )  # fmt: skip
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(ENGINE, SaveAtEndEngine)
    return ENGINE


def execute(
    nb_file: Path,
    executed: Path,
    parameters: dict[str, Any],
    kernel_name: str | None,
    *,
    on_kernel: Callable[[], None] | None = None,
    on_cell: Callable[[int], None] | None = None,
    km: Any = None,
) -> None:
    """Execute ``nb_file`` into ``executed`` with papermill over an IPC kernel.

    Parameters
    ----------
    nb_file, executed : Path
        Notebook to run and where papermill writes the executed copy (as it runs).
    parameters : dict
        Injected after the ``parameters`` cell.
    kernel_name : str, optional
        Jupyter kernel; default the notebook's own (``capacity``).
    on_kernel, on_cell : callable, optional
        Called once the kernel answers, and after each executed cell (with its index).
    km : KernelManager, optional
        A running kernel to use and leave running (:class:`capacity.report.warm.WarmKernel`);
        default a new kernel for this notebook, shut down after it.

    Raises
    ------
    ReportError
        No kernel of that name is installed (the message gives the command that registers
        it; the project's own kernel, ``capacity``, is registered on first use instead), or
        the kernel died before it answered. Cell errors are raised as papermill's
        ``PapermillExecutionError``; a kernel dying in a cell as nbclient's ``DeadKernelError``.
    """
    import papermill  # lazily: importing it costs ~1 s
    from jupyter_client.kernelspec import NoSuchKernel

    hooks: dict[str, Any] = {}
    if on_kernel is not None:
        hooks["on_notebook_start"] = lambda **_: on_kernel()
    if on_cell is not None:
        hooks["on_cell_executed"] = lambda cell_index, **_: on_cell(cell_index)

    def run() -> None:
        papermill.execute_notebook(
            str(nb_file),
            str(executed),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            cwd=str(nb_file.parent),
            kernel_manager_class=ipc_kernel_manager(),
            engine_name=_engine(),
            **({"km": km} if km is not None else {}),
            **hooks,
        )

    try:
        try:
            run()
        except NoSuchKernel as exc:
            # The project's own kernel is registered on first use where `make setup` did not
            # run (a conda environment, a plain pip install): it is this interpreter.
            if (exc.args[0] if exc.args else kernel_name) != KERNEL or not register():
                raise
            run()
    except NoSuchKernel as exc:
        name = exc.args[0] if exc.args else kernel_name
        raise ReportError(
            f"no Jupyter kernel named '{name}' is installed for {sys.executable}. Register "
            f"it once with: {register_command(name)} (make setup does this; conda users "
            "run it after 'conda activate capacity')."
        ) from exc
    except RuntimeError as exc:
        if "before replying to kernel_info" not in str(exc):
            raise
        raise ReportError(
            f"the Jupyter kernel '{kernel_name or KERNEL}' died while starting, before any "
            f"cell ran ({exc}). Check that '{sys.executable} -m ipykernel_launcher --version' "
            "works in this environment, and that the machine has free memory; then run the "
            "report again."
        ) from exc
