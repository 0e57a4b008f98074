"""How requirements from several firing rules combine. This is the one place that says so.

1. A rule fires when it is in force (``effective`` <= today < ``expires``), the change reaches
   one of its ``systems`` (when it lists any), and its ``when`` condition holds.
2. Blocks win: every firing block is kept; an open block makes the verdict ``blocked`` whatever
   approvals exist. Only an active break-glass lifts it.
3. A rule may ask for several approval groups (a list), all required. Approvals are grouped by
   who may give them (``min_level``, ``teams``, ``from_owners``).
   Within a group the strictest count wins (the maximum). A group implied by a stricter one
   (count, level and constraints all at least as strict) is folded into it, its reason kept.
   The remaining groups are all required; one approver counts toward every group they
   qualify for, and within a group only distinct humans count. A ``more: true`` group adds
   its count to every other group (the largest such count, once); alone, it is a group.
4. Change records: one requirement asking for the union of the fields.
5. Checks: one requirement asking for the union of the check names, all green.
6. Every requirement keeps the reason of each rule that asked for it; its ``rule`` lists those
   rule ids joined with ``+`` (``approve --requirement RULE`` matches any of them).
7. No rule fires: no requirement, the change passes with no added friction (the fast lane).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from countersign.config.roster import level_rank
from countersign.decision.policy import ApprovalSpec, Rule
from countersign.decision.requirements import Kind, Requirement


def combine(fired: list[Rule]) -> tuple[Requirement, ...]:
    blocks = [
        Requirement(
            f"{r.id}/block",
            r.id,
            Kind.BLOCK,
            r.block,
            needs=r.block,
            because=(r.description,),
            glass=r.break_glass,
        )
        for r in fired
        if r.block
    ]
    return (
        *blocks,
        *_approvals([r for r in fired if r.approvals]),
        *_union(Kind.CHANGE_RECORD, "change-record", [r for r in fired if r.change_record]),
        *_union(Kind.CHECKS, "checks", [r for r in fired if r.checks]),
    )


Group = tuple[str | None, tuple[str, ...], bool, tuple[str, ...]]


def _group(spec: ApprovalSpec) -> Group:
    return (spec.min_level, tuple(sorted(spec.teams)), spec.from_owners, spec.identities)


def _implies(strict: ApprovalSpec, weak: ApprovalSpec) -> bool:
    return (
        strict.count >= weak.count
        and level_rank(strict.min_level) >= level_rank(weak.min_level)
        and (not weak.teams or (bool(strict.teams) and set(strict.teams) <= set(weak.teams)))
        and (strict.from_owners or not weak.from_owners)
        and set(strict.identities) <= set(weak.identities)
    )


def _approvals(rules: list[Rule]) -> list[Requirement]:
    groups: dict[Group, list[tuple[Rule, ApprovalSpec]]] = {}
    more: list[tuple[Rule, ApprovalSpec]] = []
    for rule in rules:
        for spec in rule.approvals:
            if spec.more:
                more.append((rule, spec))
            else:
                groups.setdefault(_group(spec), []).append((rule, spec))
    if more and not groups:
        for rule, spec in more:
            groups.setdefault(_group(spec), []).append((rule, replace(spec, more=False)))
        more = []
    merged = [
        (max((spec for _, spec in pairs), key=lambda s: s.count), _distinct(r for r, _ in pairs))
        for pairs in groups.values()
    ]
    kept: list[tuple[ApprovalSpec, list[Rule]]] = []
    for spec, members in sorted(merged, key=lambda m: _strictness(m[0]), reverse=True):
        host = next((k for k in kept if _implies(k[0], spec)), None)
        if host is None:
            kept.append((spec, list(members)))
        else:
            host[1][:] = _distinct([*host[1], *members])
    order = {rule.id: i for i, rule in enumerate(rules)}
    kept.sort(key=lambda k: min(order[r.id] for r in k[1]))
    if more:
        extra = max(spec.count for _, spec in more)
        adding = _distinct(r for r, _ in more)
        kept = [
            (replace(spec, count=min(spec.count + extra, 10)), [*members, *adding])
            for spec, members in kept
        ]
    out: list[Requirement] = []
    for spec, members in kept:
        req = _approval_requirement(spec, members)
        taken = sum(r.id == req.id or r.id.startswith(f"{req.id}-") for r in out)
        out.append(replace(req, id=f"{req.id}-{taken + 1}") if taken else req)
    return out


def _distinct(rules: Iterable[Rule]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for rule in rules:
        seen.setdefault(rule.id, rule)
    return list(seen.values())


def _strictness(spec: ApprovalSpec) -> tuple[int, int, bool, bool, int]:
    """If one spec implies another, its key is at least as large: stricter groups come first."""
    return (
        spec.count,
        level_rank(spec.min_level),
        bool(spec.teams),
        spec.from_owners,
        -len(spec.identities),
    )


def _approval_requirement(spec: ApprovalSpec, members: list[Rule]) -> Requirement:
    who = f"{spec.count} approval{'s by distinct people' if spec.count > 1 else ''}"
    if spec.min_level:
        who += f" from {spec.min_level} or above"
    if spec.teams:
        who += f" from team {', '.join(spec.teams)}"
    if spec.from_owners:
        who += ", at least one in the owning team" if spec.count > 1 else " in the owning team"
    return Requirement(
        f"{members[0].id}/approvals",
        "+".join(r.id for r in members),
        Kind.APPROVAL,
        f"{'; '.join(r.description for r in members)}: {who}",
        count=spec.count,
        min_level=spec.min_level,
        teams=spec.teams,
        fields=("from_owners",) if spec.from_owners else (),
        needs=who,
        because=tuple(r.description for r in members),
        identities=spec.identities,
        glass=all(r.break_glass for r in members),
    )


def _union(kind: Kind, rid: str, rules: list[Rule]) -> list[Requirement]:
    if not rules:
        return []
    names: list[str] = []
    for rule in rules:
        wanted = rule.change_record if kind is Kind.CHANGE_RECORD else rule.checks
        names.extend(n for n in wanted if n not in names)
    what = (
        f"a change record with {', '.join(names)}"
        if kind is Kind.CHANGE_RECORD
        else f"checks {', '.join(names)} green"
    )
    return [
        Requirement(
            rid,
            "+".join(r.id for r in rules),
            kind,
            f"{'; '.join(r.description for r in rules)}: {what}",
            fields=tuple(names) if kind is Kind.CHANGE_RECORD else (),
            checks=tuple(names) if kind is Kind.CHECKS else (),
            needs=what,
            because=tuple(r.description for r in rules),
            glass=all(r.break_glass for r in rules),
        )
    ]
