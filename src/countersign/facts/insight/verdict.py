"""The plain-language verdict: what the data shows and, as plainly, what it cannot. It never
says "no difference" (only "no evidence of one at this sample size"), never calls an
association a cause, and always says how many changes a 2-point difference would take."""

from __future__ import annotations

from dataclasses import dataclass

from countersign.facts.insight.regression import Adjusted
from countersign.facts.insight.stats import Difference, Rate, per_group, power

MIN_GROUP = 30
DETECT = 0.02  # the difference the power estimate is for: 2 percentage points


@dataclass(frozen=True)
class Verdict:
    finding: str  # "ai-more" | "ai-less" | "no-evidence" | "too-little-data" | "mixed"
    text: str
    power: float | None
    needed_per_group: int | None

    def as_dict(self) -> dict[str, object]:
        return {
            "finding": self.finding,
            "text": self.text,
            "detectable_difference": DETECT,
            "power_at_this_size": None if self.power is None else round(self.power, 4),
            "changes_per_group_for_80_percent_power": self.needed_per_group,
        }


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _pts(x: float) -> str:
    return f"{100 * x:+.1f} points"


def verdict(ai: Rate, other: Rate, diff: Difference | None, adj: Adjusted) -> Verdict:
    base = other.rate if other.rate is not None else (ai.rate or 0.0)
    base = base if 0 < base < 1 else 0.05
    need = per_group(base, DETECT)
    pw = power(base, DETECT, ai.changes, other.changes)
    sizes = f"{ai.changes} AI-assisted and {other.changes} other changes"
    power_text = (
        f"About {need:,} changes per group would detect a 2-point difference from a "
        f"{_pct(base)} base rate with 80 % power; this history has {sizes} "
        f"(power {100 * pw:.0f} %)."
    )
    if ai.changes < MIN_GROUP or other.changes < MIN_GROUP or diff is None:
        return Verdict(
            "too-little-data",
            f"Too few changes to compare: {sizes} (at least {MIN_GROUP} of each are needed "
            f"for any statement). {power_text}",
            pw,
            need,
        )
    ai_rate, other_rate = ai.rate or 0.0, other.rate or 0.0
    rates = (
        f"AI-assisted changes failed at {_pct(ai_rate)} and other changes at {_pct(other_rate)} "
        f"(difference {_pts(diff.estimate)}, 95 % interval {_pts(diff.low)} to "
        f"{_pts(diff.high)})"
    )
    adjusted = (
        f"adjusted odds ratio {adj.odds_ratio:.2f} (95 % interval {adj.low:.2f} to "
        f"{adj.high:.2f}; adjusted for {', '.join(_names(adj.covariates)) or 'nothing'})"
        if adj.estimable
        else f"the adjusted comparison was {adj.note.removeprefix('not estimated: ')}"
        if adj.note
        else "no adjusted comparison"
    )
    caveat = (
        "This is an association in this history, not proof that AI assistance causes "
        "failures: what was assisted, and how failures were found, may differ."
    )
    if diff.excludes_zero and (not adj.estimable or adj.excludes_one):
        up = diff.estimate > 0
        if adj.estimable and ((adj.odds_ratio or 1) > 1) != up:
            return Verdict("mixed", f"{rates}, but the {adjusted} points the other way. "
                           f"The data do not support a conclusion either way. {power_text}",
                           pw, need)  # fmt: skip
        word = "more" if up else "less"
        return Verdict(
            f"ai-{word}",
            f"{rates}: AI-assisted changes failed {word} often in this history; {adjusted}. "
            f"{caveat}",
            pw,
            need,
        )
    if diff.excludes_zero:
        return Verdict(
            "mixed",
            f"{rates}, but after adjustment the difference is within chance ({adjusted}): "
            f"the raw gap may come from size, risk or where the changes were made. {power_text}",
            pw,
            need,
        )
    return Verdict(
        "no-evidence",
        f"No evidence of a difference at this sample size: {rates}; {adjusted}. "
        f"That is not evidence that there is no difference. {power_text}",
        pw,
        need,
    )


def _names(covariates: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for c in covariates:
        name = {"log_size": "size", "risk": "risk", "period": "quarter"}.get(
            c.split("[", 1)[0], c.split("[", 1)[0]
        )
        if name not in out:
            out.append(name)
    return out
