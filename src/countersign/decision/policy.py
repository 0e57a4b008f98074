"""The policy file: rules, each a CEL condition and what it requires, validated at load."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from typing import Any

from countersign.config.forge import Forge, read_forge
from countersign.config.roster import LEVELS
from countersign.config.window import in_force, read_window
from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    item_lines,
    parse_yaml,
    reject_unknown,
)
from countersign.decision.condition import Condition, Limits, compile_condition
from countersign.errors import ConfigError

FILE = "policy.yaml"
NO_FORGE = Forge()
# Identity strengths (``signoff.proof.Strength``), strongest first; only the first two prove
# who approved.
STRENGTHS = ("signed", "forge", "asserted")
PROVEN = ("signed", "forge")


@dataclass(frozen=True)
class ApprovalSpec:
    count: int = 1
    min_level: str | None = None
    from_owners: bool = False
    teams: tuple[str, ...] = ()
    # How an approval must prove who gave it (``signoff.proof``): the policy's ``identities``
    # unless the group names its own.
    identities: tuple[str, ...] = PROVEN
    # ``more: true``: ``count`` more approvals on top of every other group that fires (one
    # approver may be someone the change hides), a group of its own when no other fires.
    more: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    when: str
    # Every group must be met; one approver counts toward each group they qualify for, so
    # [{count: 2}, {count: 1, min_level: senior, from_owners: true}] reads "two approvals,
    # one of them a senior owner".
    approvals: tuple[ApprovalSpec, ...] = ()
    change_record: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    block: str | None = None
    effective: date | None = None
    expires: date | None = None
    systems: tuple[str, ...] = ()
    condition: Condition | None = None
    line: int = 0  # where the rule starts in its file; 0 for a rule no file declares
    break_glass: bool = True  # false: a break-glass does not lift what this rule requires

    def active(self, today: date) -> bool:
        return in_force(self.effective, self.expires, today)


@dataclass(frozen=True)
class Policy:
    version: str
    rules: tuple[Rule, ...]
    text: str = ""
    # The repository path the policy was read from; "" for the packaged default.
    source: str = ""
    identities: tuple[str, ...] = PROVEN
    # The GitHub a review may be confirmed with (``forge:``); unpinned, none can be.
    forge: Forge = NO_FORGE

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# Editing countersign's own configuration is always a rule: a policy that forgets it gets this
# one, so a change cannot loosen the rules that judge it without someone senior seeing it.
POLICY_CHANGE = Rule(
    id="policy-change",
    description="Changes countersign's own configuration; a principal approves",
    when="change.edits_policy",
    approvals=(ApprovalSpec(count=1, min_level="principal"),),
    condition=Condition("change.edits_policy", ("change.edits_policy",)),
)


def default_policy_text() -> str:
    return (
        resources.files("countersign.decision")
        .joinpath("default_policy.yaml")
        .read_text(encoding="utf-8")
    )


def load_policy(
    text: str, file: str = FILE, limits: Limits | None = None, source: str = ""
) -> Policy:
    """The policy in ``text``. Remembered by its arguments (the record is immutable): the
    service reads the same policy for every pull request of a repository, and parsing the
    packaged default took a third of an evaluation there. A text that is not a valid policy
    raises every time (an exception is not remembered)."""
    return _load_policy(text, file, limits, source)


@functools.lru_cache(maxsize=64)
def _load_policy(text: str, file: str, limits: Limits | None, source: str) -> Policy:
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"version", "rules", "identities", "forge"}, file, "")
    version = str(data.get("version", "1"))
    accepted = _identities(data.get("identities"), file, "identities", PROVEN)
    rules: list[Rule] = []
    ids: set[str] = set()
    raws = expect_list(data.get("rules", []), file, "rules")
    lines = item_lines(text, "rules") if raws else ()
    for i, raw in enumerate(raws):
        rule = replace(
            _rule(raw, file, f"rules[{i}]", limits, accepted),
            line=lines[i] if i < len(lines) else 0,
        )
        if rule.id in ids:
            raise ConfigError(file, f"rules[{i}].id", f"rule id {rule.id!r} is used twice")
        ids.add(rule.id)
        rules.append(rule)
    if not any("change.edits_policy" in (r.condition.fields if r.condition else ()) for r in rules):
        spec = replace(POLICY_CHANGE.approvals[0], identities=accepted)
        rules.append(replace(POLICY_CHANGE, approvals=(spec,)))
    return Policy(
        version=version,
        rules=tuple(rules),
        text=text,
        source=source,
        identities=accepted,
        forge=read_forge(data.get("forge"), file),
    )


def _identities(raw: Any, file: str, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if raw is None:
        return default
    given = expect_str_list(raw, file, key)
    wrong = [s for s in given if s not in STRENGTHS]
    if wrong or not given:
        raise ConfigError(
            file,
            key,
            f"expected a list of {', '.join(STRENGTHS)}, got {wrong[0] if wrong else '[]'!r}",
        )
    return tuple(s for s in STRENGTHS if s in given)


def _rule(
    raw: Any, file: str, key: str, limits: Limits | None, accepted: tuple[str, ...] = PROVEN
) -> Rule:
    entry = expect_mapping(raw, file, key)
    reject_unknown(
        entry,
        {"id", "description", "when", "require", "effective", "expires", "systems", "break_glass"},
        file,
        key,
    )
    glass = entry.get("break_glass", True)
    if not isinstance(glass, bool):
        raise ConfigError(file, f"{key}.break_glass", f"expected true or false, got {glass!r}")
    require = expect_mapping(entry.get("require", {}), file, f"{key}.require")
    reject_unknown(
        require, {"approvals", "change_record", "checks", "block"}, file, f"{key}.require"
    )
    if not require:
        raise ConfigError(
            file,
            f"{key}.require",
            "expected at least one of approvals, change_record, checks, block",
        )
    block = require.get("block")
    if block is not None and not isinstance(block, str):
        raise ConfigError(
            file, f"{key}.require.block", "expected the message to show when the change is blocked"
        )
    when = expect_str(entry.get("when"), file, f"{key}.when")
    effective, expires = read_window(entry, file, key)
    return Rule(
        id=expect_str(entry.get("id"), file, f"{key}.id"),
        description=expect_str(entry.get("description"), file, f"{key}.description"),
        when=when,
        condition=compile_condition(when, file, f"{key}.when", limits),
        approvals=_approvals(require.get("approvals"), file, f"{key}.require.approvals", accepted),
        change_record=expect_str_list(
            require.get("change_record", []), file, f"{key}.require.change_record"
        ),
        checks=expect_str_list(require.get("checks", []), file, f"{key}.require.checks"),
        block=block,
        effective=effective,
        expires=expires,
        systems=expect_str_list(entry.get("systems", []), file, f"{key}.systems"),
        break_glass=glass,
    )


def _approvals(
    raw: Any, file: str, key: str, accepted: tuple[str, ...]
) -> tuple[ApprovalSpec, ...]:
    """One group (a mapping) or several (a list of mappings), all required."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        if not raw:
            raise ConfigError(file, key, "expected at least one approval group")
        return tuple(
            _approval_group(item, file, f"{key}[{i}]", accepted) for i, item in enumerate(raw)
        )
    return (_approval_group(raw, file, key, accepted),)


def _approval_group(raw: Any, file: str, key: str, accepted: tuple[str, ...]) -> ApprovalSpec:
    entry = expect_mapping(raw, file, key)
    reject_unknown(
        entry, {"count", "min_level", "from_owners", "teams", "identities", "more"}, file, key
    )
    more = entry.get("more", False)
    if not isinstance(more, bool):
        raise ConfigError(file, f"{key}.more", f"expected true or false, got {more!r}")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10:
        raise ConfigError(file, f"{key}.count", f"expected an integer from 1 to 10, got {count!r}")
    level = entry.get("min_level")
    if level is not None and level not in LEVELS:
        raise ConfigError(
            file, f"{key}.min_level", f"expected one of {', '.join(LEVELS)}, got {level!r}"
        )
    from_owners = entry.get("from_owners", False)
    if not isinstance(from_owners, bool):
        raise ConfigError(
            file, f"{key}.from_owners", f"expected true or false, got {from_owners!r}"
        )
    return ApprovalSpec(
        count,
        level,
        from_owners,
        expect_str_list(entry.get("teams", []), file, f"{key}.teams"),
        _identities(entry.get("identities"), file, f"{key}.identities", accepted),
        more,
    )
