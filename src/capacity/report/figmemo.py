"""A sweep's figures drawn once per content: keyed by what they are drawn from, shared by its kernels.

The 16 scenario reports of a sweep (``run_sweep(each=True)``) show six figures each, and
most of them are the same in many reports: the stays' survival curve and the strategy check
are drawn from the fit alone (the same in all 16), the arrivals forecast depends only on
the arrivals multiplier, the budget frontier not on the target. The figure memo of
:mod:`capacity.report.figsave` keys a figure by its SVG, so it still *draws* every figure
once per report (the SVG is the key), and each warm kernel keeps its own memo, so a figure
new to one kernel is drawn again by the other.

:meth:`capacity.report.book.ReportBook.figure_of` keys a figure by its *inputs* instead,
before anything is drawn: :func:`content_key` is the SHA-256 of

* the function that builds it (module and qualified name),
* its arguments, pickled by value (a ``DataFrame``'s values, index, dtypes and ``attrs``;
  floats exactly; equal values give equal bytes however the objects share their parts,
  :func:`_values`), and the height the report gives it,
* the code of the whole ``capacity`` package (:func:`capacity.report.cache.package_version`),
  matplotlib's version and every ``rcParams`` setting.

A figure is a deterministic drawing of those, so two figures with the same key are the
same bytes (the PNG and SVG files, the alt text and title). An entry holds those bytes; it
is kept in the kernel (:data:`_MEMO`) and, authenticated and written atomically like the
results cache (:func:`capacity.report.cache.cached_results`), in ``<cache>/figures/``, where
the sweep's other kernel finds it. A key that is too fine only costs a drawing; a key too
coarse would show a wrong figure, so every input of the builder must be an argument (a
test checks that a changed argument, keyword or height draws the figure anew).

Only where :func:`capacity.report.figsave.memo_on` (a sweep's warm kernels); a single
report draws every figure as before. Arguments that cannot be pickled, or a cache that
cannot be used safely (:func:`capacity.report.cache.cache_secret`), mean the figure is
simply drawn.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from pathlib import Path
from typing import Any

#: First bytes of an entry.
MAGIC = b"capacity-figure-v1\n"
#: Most entries a kernel keeps in memory (the oldest go first).
MEMO_SIZE = 64
#: key -> {"png", "svg", "alt", "title", "name"}
_MEMO: dict[str, dict[str, Any]] = {}


@functools.lru_cache(maxsize=1)
def _code() -> str:
    # once per process: a kernel runs the code it imported, whatever the files say later
    from capacity.report.cache import package_version

    return package_version()


def content_key(build, args: tuple, kwargs: dict, height: float | None) -> str | None:
    """SHA-256 of what ``build(*args, **kwargs)`` drawn at ``height`` depends on; None if unkeyable.

    See the module's notes for what enters the key.
    """
    import matplotlib

    try:
        payload = _values((args, sorted(kwargs.items())))
    except Exception:  # e.g. a closure among the arguments: drawn as usual
        return None
    digest = hashlib.sha256()
    name = f"{getattr(build, '__module__', '?')}:{getattr(build, '__qualname__', repr(build))}"
    for part in (name, repr(height), _code(), matplotlib.__version__):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(payload)
    digest.update(repr(sorted((k, repr(v)) for k, v in matplotlib.rcParams.items())).encode())
    return digest.hexdigest()


def _values(obj) -> bytes:
    """``obj`` pickled by value: the same bytes for equal values, however they are shared.

    A pickle records which parts of an object are the same object (its memo), and that
    changes with where a frame comes from: the budget frontier computed in this process and
    the same frontier read back from the results cache are equal frames that pickled to
    different bytes, so half of a sweep's reports drew it again (16 keys for 8 figures).
    Without the memo (the pickler's ``fast`` mode) every part is written out in full where
    it occurs, so the bytes depend on the values only. A cyclic object cannot be written so
    (``ValueError``): the figure is then simply drawn.
    """
    import io

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: shared and unshared equal parts give the same bytes
    pickler.dump(obj)
    return buf.getvalue()


def _folder(params) -> Path:
    from capacity.report.cache import cache_dir

    return cache_dir(params) / "figures"


def lookup(key: str, params) -> dict[str, Any] | None:
    """The entry of ``key``: from this kernel, else from the shared folder; None if absent."""
    found = _MEMO.pop(key, None)
    if found is None:
        from capacity.report.cache import _load, cache_secret

        folder = _folder(params)
        secret = cache_secret(params, folder)
        if secret is not None:
            found = _load(folder / f"{key}.fig", secret, MAGIC, dict)
    if found is not None:
        _remember(key, found)
    return found


def store(key: str, params, entry: dict[str, Any]) -> None:
    """Keep ``entry`` in this kernel and in the shared folder (when the cache can be used)."""
    from capacity.report.cache import cache_secret, store_entry

    _remember(key, entry)
    folder = _folder(params)
    secret = cache_secret(params, folder)
    if secret is not None:
        store_entry(folder / f"{key}.fig", secret, entry, MAGIC)


def _remember(key: str, entry: dict[str, Any]) -> None:
    _MEMO[key] = entry  # last: the most recently used
    while len(_MEMO) > MEMO_SIZE:
        del _MEMO[next(iter(_MEMO))]


__all__ = ["MAGIC", "content_key", "lookup", "store"]
