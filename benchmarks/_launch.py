"""Run a command as a child of this small process and print the child's resource usage.

Why: a process started straight from a large parent (a pytest worker, a notebook) inherits
the parent's resident pages between fork and exec, and Linux keeps that high-water mark in
the child's ``ru_maxrss`` across ``exec``. Measured from a 430 MB parent, ``python -c pass``
"peaked" at 430 MB. Started from this launcher (a bare interpreter, about 10 MB), the child's
peak is its own.

Usage: ``python -m benchmarks._launch CMD [ARG ...]``. Prints one line
``BENCH_RUSAGE {"maxrss_kib": ..., "cpu": ...}`` after the child ends and exits with its code.
"""

from __future__ import annotations

import json
import os
import signal
import sys

RUSAGE_MARK = "BENCH_RUSAGE "


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m benchmarks._launch CMD [ARG ...]", file=sys.stderr)
        return 2
    pid = os.fork()
    if pid == 0:  # the measured command
        try:
            os.execvp(argv[0], argv)
        except OSError as exc:
            os.write(2, f"cannot run {argv[0]}: {exc}\n".encode())
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    payload = {"maxrss_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}
    print(RUSAGE_MARK + json.dumps(payload), flush=True)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed by a signal: die the same way so the parent sees it
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
