"""The adjusted comparison: a logistic regression of failure on AI assistance with the
covariates the data has (size, risk, tier, author level, service), fitted by statsmodels.
What it cannot estimate it says, with the reason, instead of returning a number."""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from countersign.facts.insight.records import ChangeRecord

MIN_EVENTS = 10  # failures (and non-failures) below which a logistic fit is not worth showing
TOP_SERVICES = 8


@dataclass(frozen=True)
class Adjusted:
    odds_ratio: float | None
    low: float | None
    high: float | None
    p_value: float | None
    covariates: tuple[str, ...]
    changes: int
    note: str = ""
    coefficients: dict[str, float] = field(default_factory=dict)

    @property
    def estimable(self) -> bool:
        return self.odds_ratio is not None

    @property
    def excludes_one(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 1 or self.high < 1)

    def as_dict(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "model": "logistic regression (statsmodels Logit)",
            "odds_ratio": r(self.odds_ratio),
            "ci95": [r(self.low), r(self.high)] if self.odds_ratio is not None else None,
            "p_value": r(self.p_value),
            "covariates": list(self.covariates),
            "changes": self.changes,
            "note": self.note,
        }


def _quarter(ts: float) -> str | None:
    """The calendar quarter: failure evidence and AI use both drift over a history (SZZ finds
    fewer bugs in recent changes; assistants arrived late), so time is a confounder."""
    if ts <= 0:
        return None
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


MIN_LEVEL = 10  # changes a category needs for its own indicator; smaller ones join the reference


def _columns(rows: Sequence[ChangeRecord]) -> dict[str, list[float]]:
    """The design matrix's columns (besides the intercept): covariates known for every row and
    not constant; categories as indicator columns, the commonest left out as the reference,
    and a category too small, or whose changes all failed or none did (it would separate
    perfectly), folded into the reference."""
    cols: dict[str, list[float]] = {"ai": [float(r.ai) for r in rows]}
    if all(r.size is not None for r in rows):
        cols["log_size"] = [math.log1p(max(r.size or 0.0, 0.0)) for r in rows]
    if all(r.risk is not None for r in rows):
        cols["risk"] = [float(r.risk or 0.0) for r in rows]
    for name, values in (
        ("period", [_quarter(r.date) for r in rows]),
        ("tier", [None if r.tier is None else str(r.tier) for r in rows]),
        ("level", [r.level for r in rows]),
        ("service", [r.service for r in rows]),
    ):
        if any(v is None for v in values):
            continue
        counts = Counter(values)
        outcomes: dict[str | None, set[bool]] = {}
        for v, r in zip(values, rows, strict=True):
            outcomes.setdefault(v, set()).add(r.failed)
        ranked = [v for v, _ in counts.most_common(TOP_SERVICES + 1)][1:]  # drop the reference
        for level in ranked:
            if counts[level] >= MIN_LEVEL and len(outcomes[level]) == 2:
                cols[f"{name}[{level}]"] = [float(v == level) for v in values]
    return {k: v for k, v in cols.items() if len(set(v)) > 1 or k == "ai"}


def _finite(fit: Any) -> Any:
    import numpy as np

    if not np.all(np.isfinite(fit.bse)):
        raise np.linalg.LinAlgError("singular covariance")
    return fit


def _groups(names: list[str]) -> list[str]:
    return list(dict.fromkeys(k.split("[", 1)[0] for k in names if k != "ai"))


def adjusted(rows: Sequence[ChangeRecord]) -> Adjusted:
    n = len(rows)
    failures = sum(r.failed for r in rows)
    if min(failures, n - failures) < MIN_EVENTS:
        which = "failures" if failures < n - failures else "non-failures"
        note = f"not estimated: fewer than {MIN_EVENTS} {which} ({failures} of {n})"
        return Adjusted(None, None, None, None, (), n, note)
    if len({r.ai for r in rows}) < 2:
        return Adjusted(None, None, None, None, (), n, "not estimated: one group is empty")
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    cols = _columns(rows)
    y = np.array([float(r.failed) for r in rows])
    dropped: list[str] = []
    names = list(cols)
    fit = None
    problem = ""
    # the least essential covariate group goes first when a fit fails (separation, no
    # convergence, a singular matrix), and the note says which were dropped
    while fit is None:
        x = sm.add_constant(np.column_stack([cols[k] for k in names]), has_constant="add")
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", PerfectSeparationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                fit = _finite(sm.Logit(y, x).fit(disp=0, maxiter=200))
            except (ConvergenceWarning, PerfectSeparationWarning, np.linalg.LinAlgError) as exc:
                fit = None
                problem = str(exc)
                groups = _groups(names)
                if not groups:
                    return Adjusted(None, None, None, None, (), n, f"not estimated: {problem}")
                drop = groups[-1]
                dropped.append(drop)
                names = [k for k in names if k.split("[", 1)[0] != drop]
    beta = float(fit.params[1])
    low, high = (float(v) for v in fit.conf_int(0.05)[1])
    covariates = tuple(k for k in names if k != "ai")
    note = "" if covariates else "no covariate is known for every change: unadjusted"
    if dropped:
        note = (f"left out {', '.join(dropped)} (the fit failed with them: {problem})"
                + ("" if covariates else "; unadjusted"))  # fmt: skip
    return Adjusted(
        math.exp(beta),
        math.exp(low),
        math.exp(high),
        float(fit.pvalues[1]),
        covariates,
        n,
        note,
        {k: round(float(b), 4) for k, b in zip(["const", *names], fit.params, strict=True)},
    )
