"""Fitted models cached on disk, so notebooks and sweep scenarios do not refit.

:func:`capacity.question4.fit_models` does all the expensive work (stays, population,
productivity, forecast, bootstrap draws); it depends only on the data and on the
parameters that are not scenario or presentation parameters. The cache key is therefore
the SHA-256 of the input files plus those parameters; a scenario that only changes, say,
``extra_fte`` reuses the fit.

Entries are written atomically (temporary file, then rename), so parallel sweep workers
never read half a file. They are a cache only: delete ``<output_dir>/.cache`` at any time.

A pickle runs code when it is loaded, so an entry is **authenticated** before it is
unpickled: each file is ``MAGIC + HMAC-SHA256(key, payload) + payload`` with a 32-byte key
kept *outside* the output folder (``$CAPACITY_CACHE_KEY`` names the key file; default
``$XDG_CONFIG_HOME/capacity/cache.key``, i.e. ``~/.config/capacity/cache.key``, made on first
use with mode 0600). A planted or altered file fails the check and is ignored (the fit is
redone and the entry replaced); an entry that passes but holds anything other than a
:class:`~capacity.question4.fit.FittedModels` is ignored too. When the key cannot be
kept safely (its file would sit inside the output or cache folder, or cannot be written) the
cache is switched off, never used without the check.

What a report computes on top of the fit (the standard scenarios, the options table, the
budget frontier, the tornado) is cached the same way by :func:`cached_results`, in
``<cache>/results/``: keyed by the fit's key, **every** parameter that can change a number
(all but where the output goes) and the code of the whole package, so a re-run of the same
report skips that work and a change of any input or of the code computes it again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import secrets
import warnings
from pathlib import Path
from typing import Any

from capacity.config import Params
from capacity.io import atomic_write
from capacity.question4.options import COST_PARAMS
from capacity.question4.scenario import SCENARIO_PARAMS

#: Parameters that change how results are shown, never what is estimated.
PRESENTATION_PARAMS = frozenset({"language", "suppression_threshold", "output_dir", "run_id"})
#: Cache format; bump when FittedModels changes shape.
VERSION = 2
#: First bytes of an entry: format name and version.
MAGIC = b"capacity-fit-v2\n"
#: First bytes of a results entry (:func:`cached_results`).
RESULTS_MAGIC = b"capacity-results-v1\n"
#: Parameters that say where output goes; every other one enters a results key.
OUTPUT_PARAMS = frozenset({"output_dir", "run_id", "data_dir"})
_KEY_BYTES = 32


def code_version() -> str:
    """SHA-256 of the model code (``capacity/question4/`` and ``capacity/models/``, recursively).

    Part of the cache key, so that a fit made by older model code is never reused.
    """
    package = Path(__file__).resolve().parents[1]
    paths = [*(package / "question4").rglob("*.py"), *(package / "models").rglob("*.py")]
    return _digest(package, sorted(paths))


def package_version() -> str:
    """SHA-256 of every module of the ``capacity`` package (its ``*.py`` files, recursively).

    Part of a results key (:func:`cached_results`): report code, model code, the
    parameters' defaults — any change computes the results again.
    """
    package = Path(__file__).resolve().parents[1]
    return _digest(package, sorted(package.rglob("*.py")))


#: Digests already taken in this process, by the files' names, sizes and times (a few).
_DIGESTS: dict[tuple, str] = {}


def _digest(package: Path, paths: list[Path]) -> str:
    """SHA-256 over each file's name (relative to ``package``) and bytes, in the order given.

    A report asks for it about 20 times (every fit and results key), and reading and
    hashing the package's files each time was about 0.05 s of a sweep's scenario report.
    So the digest is kept, keyed by every file's path, size and modification and change
    times, and taken again as soon as any of them differs: a file added, removed or
    rewritten. (Python decides whether a module's cached bytecode is current by its
    modification time and size alone.)
    """
    stamp = []
    for path in paths:
        st = path.stat()
        stamp.append((str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    key = (str(package), tuple(stamp))
    found = _DIGESTS.get(key)
    if found is None:
        digest = hashlib.sha256()
        for path in paths:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
        found = digest.hexdigest()
        if len(_DIGESTS) >= 8:
            _DIGESTS.clear()
        _DIGESTS[key] = found
    return found


def cache_key(params: Params, files: dict[str, dict[str, Any]]) -> str:
    """SHA-256 over the input files' hashes, the fitting parameters and the model code."""
    fitting = {
        k: v
        for k, v in params.to_dict().items()
        if k not in SCENARIO_PARAMS | PRESENTATION_PARAMS | COST_PARAMS | {"data_dir"}
    }
    hashes = {name: info["sha256"] for name, info in sorted(files.items())}
    payload = json.dumps(
        {"v": VERSION, "code": code_version(), "params": fitting, "files": hashes}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def cache_dir(params: Params) -> Path:
    """``$CAPACITY_CACHE`` if set, else ``<output_dir>/.cache/fitted``."""
    env = os.environ.get("CAPACITY_CACHE")
    return Path(env) if env else params.output_path / ".cache" / "fitted"


def key_file() -> Path:
    """The cache key's file: ``$CAPACITY_CACHE_KEY`` or ``<config home>/capacity/cache.key``."""
    env = os.environ.get("CAPACITY_CACHE_KEY")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "capacity" / "cache.key"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def cache_secret(params: Params, folder: Path) -> bytes | None:
    """The 32-byte key that authenticates cache entries, made on first use; None if unsafe.

    ``None`` (and a warning) when the key file would lie inside the output folder or the
    cache folder (whoever can plant an entry could then sign it) or cannot be read/written.
    """
    path = key_file()
    if _inside(path, params.output_path) or _inside(path, folder):
        warnings.warn(
            f"fit cache off: its key {path} lies inside the output or cache folder; set "
            "CAPACITY_CACHE_KEY to a file elsewhere.",
            stacklevel=3,
        )
        return None
    try:
        key = path.read_bytes()
        if len(key) >= _KEY_BYTES:
            return key
    except FileNotFoundError:
        pass
    except OSError as exc:
        warnings.warn(f"fit cache off: its key {path} cannot be read ({exc}).", stacklevel=3)
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(_KEY_BYTES))
    except FileExistsError:
        pass  # another process made it first: use theirs
    except OSError as exc:
        warnings.warn(f"fit cache off: its key {path} cannot be written ({exc}).", stacklevel=3)
        return None
    key = path.read_bytes()
    return key if len(key) >= _KEY_BYTES else None


def _sign(key: bytes, payload: bytes, magic: bytes = MAGIC) -> bytes:
    return hmac.new(key, magic + payload, hashlib.sha256).digest()


def _load(path: Path, key: bytes, magic: bytes, kind: type):
    """The object of type ``kind`` in an entry; None if missing, altered or of another type.

    The HMAC is checked *before* anything is unpickled, so a planted file never runs code.
    """
    try:
        blob = path.read_bytes()
    except OSError:  # missing (a miss), a directory, unreadable: compute again
        return None
    head = len(magic) + hashlib.sha256().digest_size
    if len(blob) < head or not blob.startswith(magic):
        return None
    tag, payload = blob[len(magic) : head], blob[head:]
    if not hmac.compare_digest(tag, _sign(key, payload, magic)):
        return None
    try:
        obj = pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None  # from older code: compute again
    return obj if isinstance(obj, kind) else None


def load_entry(path: Path, key: bytes):
    """The FittedModels in an entry, or None when it is missing, altered or of another type.

    The HMAC is checked *before* anything is unpickled, so a planted file never runs code.
    """
    from capacity.question4.fit import FittedModels

    return _load(path, key, MAGIC, FittedModels)


def store_entry(path: Path, key: bytes, fitted, magic: bytes = MAGIC) -> bool:
    """Write an authenticated entry atomically; False (and a warning) if it cannot be written."""
    payload = pickle.dumps(fitted, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with atomic_write(path) as fh:
            fh.write(magic + _sign(key, payload, magic) + payload)
        return True
    except OSError as exc:
        warnings.warn(
            f"fit cache entry {path} not written ({exc}); the fit is used anyway.", stacklevel=3
        )
        return False


class _EntryLock:
    """An exclusive lock on one cache entry, held while its fit is computed.

    Processes that need the same fit at once (a report and the process fitting its
    tornado's refits, :mod:`capacity.report.refits`; two sweep workers) then fit it once:
    the others wait and read the entry. The lock is ``fcntl.flock`` on ``locks/<entry>.lock``
    in the cache folder, so the system releases it when its process ends, however it ends.
    Where it cannot be taken (no ``fcntl``, a file system without locks) every process
    fits for itself, as without the lock. ``held`` says whether this process holds it.
    """

    def __init__(self, path: Path, *, wait: bool):
        self.path, self.wait, self.fd, self.held = path, wait, None, True

    def __enter__(self) -> _EntryLock:
        try:
            import fcntl
        except ImportError:  # not a Unix: no lock, each process fits for itself
            return self
        lock = self.path.parent / "locks" / f"{self.path.name}.lock"
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return self
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self.held = False  # another process is fitting it
        except OSError:
            pass  # no locks on this file system: fit anyway
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # releases the lock
            self.fd = None


def fitted_models(data, params: Params, *, use_cache: bool = True):
    """``capacity.question4.fit_models(data, params)``, from the disk cache when possible.

    Parameters
    ----------
    data : capacity.io.Dataset
        The loaded dataset; its ``files`` (with SHA-256) key the cache.
    params : Params
        Run parameters; scenario and presentation parameters do not enter the key.
    use_cache : bool
        False: always fit, never read or write the cache.

    Notes
    -----
    While a process fits an entry it holds a lock on it (:class:`_EntryLock`): another
    process that needs the same fit then waits for it and reads the entry instead of
    fitting it a second time.
    """
    return _fitted(data, params, use_cache=use_cache, wait=True)


def fit_unless_busy(data, params: Params) -> bool:
    """Put the fit of ``data`` and ``params`` into the cache unless it is there or being made.

    For work ahead of need (:mod:`capacity.report.refits`): returns at once when another
    process holds the entry's lock. False when the cache is off or the entry was not made.
    """
    return _fitted(data, params, use_cache=True, wait=False, store_only=True) is not None


def _fitted(data, params: Params, *, use_cache: bool, wait: bool, store_only: bool = False):
    from capacity.question4 import fit_models

    if not use_cache:
        return fit_models(data, params)
    folder = cache_dir(params)
    key = cache_secret(params, folder)
    if key is None:
        return None if store_only else fit_models(data, params)
    path = folder / f"{cache_key(params, data.files)}.fit"
    if store_only and path.exists():
        return path  # there (a full check happens when it is read)
    fitted = None if store_only else load_entry(path, key)  # no exists() check: it raced
    if fitted is not None:
        return fitted
    with _EntryLock(path, wait=wait) as lock:
        if not lock.held:
            return None
        if store_only and path.exists():  # made by another process meanwhile
            return path
        fitted = None if store_only else load_entry(path, key)  # made while this one waited
        if fitted is not None:
            return fitted
        fitted = fit_models(data, params)
        stored = store_entry(path, key, fitted)  # os.replace swaps a stale entry atomically
    if store_only:
        return path if stored else None
    return fitted


def results_key(
    name: str, params: Params, files: dict[str, dict[str, Any]], ignore=frozenset()
) -> str:
    """SHA-256 over ``name``, the fit's key, every parameter but the output's place, the code.

    ``ignore`` names parameters the results do not depend on (left out of the key too).
    """
    values = {
        k: v for k, v in params.to_dict().items() if k not in OUTPUT_PARAMS and k not in ignore
    }
    payload = json.dumps(
        {
            "name": name,
            "fit": cache_key(params, files),
            "code": package_version(),
            "params": values,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def cached_results(
    name: str, data, params: Params, compute, *, use_cache: bool = True, ignore=frozenset()
) -> dict:
    """``compute()`` (a dict of results), from the disk cache when the same inputs made it.

    For what a report computes on top of the fit (e.g. every option evaluated with its
    interval): deterministic given the data, the parameters (seeded) and the code, so an
    entry made by the same inputs holds exactly the numbers ``compute()`` would return.

    Parameters
    ----------
    name : str
        What is cached (part of the key: two computations never share an entry).
    data : capacity.io.Dataset
        The loaded dataset; its ``files`` (with SHA-256) enter the key.
    params : Params
        Every parameter except ``output_dir``, ``run_id`` and ``data_dir`` enters the key
        (the data enter through their hashes).
    compute : callable
        ``compute() -> dict``, called on a miss; its result is stored.
    use_cache : bool
        False: always compute, never read or write the cache.
    ignore : set of str
        Parameters ``compute()`` does not depend on, left out of the key: runs that differ
        only in them share the entry (e.g. a sweep's scenarios that differ in the target
        share the reach curve and the budget frontier). A test must show that the results
        do not change with them.

    Notes
    -----
    Entries are authenticated as fit entries are (module docstring) and written atomically,
    in ``<cache>/results/`` (:func:`cache_dir`). An entry is computed under its lock, as a
    fit is (:class:`_EntryLock`): a process that needs an entry another one is computing
    (a sweep's comparison and a scenario report evaluating the same scenario) waits for it
    and reads it instead of computing it a second time.
    """
    if not use_cache:
        return compute()
    folder = cache_dir(params)
    key = cache_secret(params, folder)
    if key is None:
        return compute()
    path = folder / "results" / f"{results_key(name, params, data.files, ignore)}.res"
    found = _load(path, key, RESULTS_MAGIC, dict)
    if found is not None:
        return found
    with _EntryLock(path, wait=True):  # another process computing it: wait and read it
        found = _load(path, key, RESULTS_MAGIC, dict)
        if found is not None:
            return found
        out = compute()
        store_entry(path, key, out, RESULTS_MAGIC)
    return out


def evaluated(fitted, data, params: Params, *, use_cache: bool = True):
    """``capacity.question4.evaluate(fitted, params)``, from the disk cache when possible.

    ``fitted`` must be the fit of ``data`` and ``params`` (:func:`fitted_models`): the
    entry is keyed by the data's hashes and every parameter (:func:`cached_results`), so a
    re-run of the same report reads the same result back instead of evaluating again.
    """
    from capacity.question4 import evaluate

    return cached_results(
        "evaluate", data, params, lambda: {"result": evaluate(fitted, params)}, use_cache=use_cache
    )["result"]
