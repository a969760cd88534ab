"""Settings of one benchmark run (sizes, repetitions, targets) and where work files go."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"  # git-ignored: generated data, reports, notebooks

FULL_SIZES = (250_000, 1_000_000, 4_000_000)
QUICK_SIZES = (4_000, 16_000)

# The targets.
TARGET_REPORT_RATIO = 2.0  # committee report wall time / floor, warm (cached fit and data)
TARGET_REPORT_RATIO_COLD = 2.5  # the same, first run (empty caches)
TARGET_LOAD_RATIO = 5.0  # load + validate / plain read of the four tables, at 1 M
TARGET_SCALE_RATIO = 15.0  # pipeline / plain read of the four tables, at the reference size (1 M)
TARGET_SCALE_GROWTH = 4.5  # time at 4 M / time at 1 M
TARGET_PEAK_GB = 3.0  # peak RSS at 4 M
TARGET_SWEEP_RATIO = 3.0  # 16 scenarios on 2 cores / one report
SWEEP_SCENARIOS = 16
SWEEP_JOBS = 2


@dataclass(frozen=True)
class BenchConfig:
    """What one ``python -m benchmarks.run`` does."""

    quick: bool = False
    only: tuple[str, ...] = ("scale", "report", "sweep")
    sizes: tuple[int, ...] = FULL_SIZES
    repeats: int = 3
    repeats_large: int = 1  # the largest size is slow: fewer repetitions, said in RESULTS.md
    n_boot: int = 200
    n_cities: int = 20
    seed: int = 20261128
    work: Path = WORK
    out: Path = ROOT / "benchmarks" / "RESULTS.md"
    params_file: Path = ROOT / "params" / "stockholm.yaml"
    timeout: float = 3600.0
    notes: list[str] = field(default_factory=list)

    @property
    def reference_size(self) -> int:
        """Size whose pipeline/read ratio is checked (1 M in the full run)."""
        return 1_000_000 if 1_000_000 in self.sizes else self.sizes[len(self.sizes) // 2]

    @property
    def largest_size(self) -> int:
        return max(self.sizes)

    def repeats_for(self, size: int) -> int:
        if self.quick:
            return 1
        return self.repeats_large if size >= 4_000_000 else self.repeats
