"""The rule families, listed explicitly: each module maps program names to rules (``RULES``),
and may add rules that look at every command (``ANY_RULES``). Ids are stable: ``family.name``.

fs: recursive-delete, system-delete, device-wipe, format-device, shred, permission-wipe.
git: force-push, remote-delete, reset-hard, clean, discard-changes, history-rewrite, ref-delete,
    skip-hooks, protected-ref-move, remote-rewire.
infra: terraform-destroy, terraform-replace, terraform-auto-approve, terraform-state,
    pulumi-destroy, pulumi-replace, cdk-destroy, stack-delete, cluster-delete.
cloud: delete, bucket-delete. platform: delete (apps, sites, repositories, volumes of hosting
    platforms; their databases count as db.drop/db.reset).
cluster: delete, scale-to-zero, drain, helm-uninstall, change.
db: drop, truncate, delete-all, update-all, flush, reset. container: volume-delete, prune.
secrets: read, exfiltration. exec: pipe-to-shell, decoded-payload, unseen-code,
    unresolved-command, interpreter-delete. edit: protected-path. shell: unparseable, too-complex.
guard: self-approval, self-ungate (the agent lifting its own gate, also by reinstalling
    the guard's own environment).
"""

from __future__ import annotations

from countersign.facts.shell.rule import Rule
from countersign.facts.shell.rules import (
    cloud,
    cluster,
    container,
    database,
    execution,
    filesystem,
    gate,
    git,
    git_gate,
    git_remote,
    infrastructure,
    installer,
    platform,
)

_FAMILIES = (
    filesystem,
    git,
    git_gate,
    git_remote,
    infrastructure,
    cloud,
    platform,
    cluster,
    database,
    container,
    execution,
    gate,
    installer,
)


def _by_name() -> dict[str, tuple[Rule, ...]]:
    table: dict[str, tuple[Rule, ...]] = {}
    for module in _FAMILIES:
        for name, rules in module.RULES.items():
            table[name] = table.get(name, ()) + tuple(rules)
    return table


BY_NAME = _by_name()
PREFIX = {**filesystem.PREFIX_RULES, **installer.PREFIX_RULES}
ANY: tuple[Rule, ...] = (*filesystem.ANY_RULES, *execution.ANY_RULES, *gate.ANY_RULES)


def rules_for(name: str) -> tuple[Rule, ...]:
    found = BY_NAME.get(name, ())
    if not found:
        for prefix, rules in PREFIX.items():
            if name.startswith(prefix):
                return rules
    return found
