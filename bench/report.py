"""Figures, percentiles and the table `python -m bench` prints."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
E2E = REPO / "tests" / "e2e"


def use_e2e_harness() -> None:
    """Make the fake Discord, driver and harness of tests/e2e importable (they import each other by module name)."""
    for folder in (str(REPO), str(E2E)):
        if folder not in sys.path:
            sys.path.insert(0, folder)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 50 samples is the largest); NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Figure:
    """One measured number, beside the baseline it is compared with and the target it must meet.

    `ratio` is value / baseline when there is a baseline. `target` reads like the check it stands
    for ("ratio <= 1.5", ">= 1000"); `met` is None when there is no target.
    """

    benchmark: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def table(figures: Iterable[Figure], *, markdown: bool = False) -> str:
    """The figures as an aligned plain-text table, or as a Markdown table (for docs/performance.md)."""
    rows = [("benchmark", "figure", "value", "baseline", "ratio", "target", "met")]
    for figure in figures:
        baseline = f"{_number(figure.baseline)} {figure.unit} ({figure.baseline_name})" if figure.baseline is not None else "-"
        met = {None: "", True: "yes", False: "NO"}[figure.met]
        rows.append((figure.benchmark, figure.name, f"{_number(figure.value)} {figure.unit}", baseline,
                     _number(figure.ratio), figure.target or "-", met))
    if markdown:
        lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        lines.insert(1, "|" + "---|" * len(rows[0]))
        return "\n".join(lines)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
