"""GCP IAM policies (``gcloud ... get-iam-policy``: ``bindings`` of a role to members) and Azure
role assignments and definitions: roles that own everything (GCP ``roles/owner``,
``roles/editor``, any ``*Admin``; Azure Owner, Contributor, User Access Administrator, custom
roles with ``*`` actions) and members that mean anyone (``allUsers``,
``allAuthenticatedUsers``). Only bindings the change adds are reported."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from countersign.facts.hazards import Hazard, Severity

PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
GCP_OWNING = frozenset({"roles/owner", "roles/editor"})
# Azure's built-in roles that can change anything or hand out access, by name and by id.
AZURE_OWNING = {
    "owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "user access administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "role based access control administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
}
_ADMIN = re.compile(r"admin(istrator)?$", re.IGNORECASE)
_READ_ROLE = re.compile(r"(viewer|reader|browser|objectviewer)$", re.IGNORECASE)


def is_binding_document(data: Any) -> bool:
    return isinstance(data, dict) and (
        isinstance(data.get("bindings"), list)
        or "roleDefinitionId" in _props(data)
        or "roleDefinitionName" in data
        or ("AssignableScopes" in data and "Actions" in data)
    )


def binding_hazards(
    path: str, new: Mapping[str, Any], old: Mapping[str, Any] | None
) -> Iterator[Hazard]:
    before = set(_bindings(old)) if old else set()
    for role, member in sorted(set(_bindings(new)) - before):
        yield from role_hazards(path, role, member)
    if "Actions" in new:  # an Azure custom role definition
        actions = [a for a in new.get("Actions") or [] if isinstance(a, str)]
        old_actions = set((old or {}).get("Actions") or [])
        wide = [a for a in actions if (a == "*" or a.endswith("/*")) and a not in old_actions]
        if wide:
            yield Hazard(
                "iam.wildcard_action",
                Severity.CRITICAL if "*" in wide else Severity.HIGH,
                path,
                f"role {new.get('Name', '?')} allows {', '.join(wide[:5])} on "
                f"{', '.join(str(s) for s in new.get('AssignableScopes') or [])}",
            )


def role_hazards(
    path: str, role: str, member: str, resource: str | None = None, env: str | None = None
) -> Iterator[Hazard]:
    """Findings of one role granted to one member (GCP or Azure)."""
    if member.lower() in PUBLIC_MEMBERS:
        read = bool(_READ_ROLE.search(role))
        yield Hazard(
            "iam.public_principal",
            Severity.CRITICAL,
            path,
            f"grants {role} to {member} ({'public read' if read else 'public access'})",
            resource=resource,
            env=env,
        )
    if _owning(role):
        yield Hazard(
            "iam.admin_role",
            Severity.CRITICAL if role.lower() in {"roles/owner", "owner"} else Severity.HIGH,
            path,
            f"grants {role} to {member}: it can change everything in its scope"
            + (" and give access to others" if "owner" in role.lower() else ""),
            resource=resource,
            env=env,
        )


def _owning(role: str) -> bool:
    low = role.lower()
    if low in GCP_OWNING or low in AZURE_OWNING:
        return True
    if any(low.endswith(f"/{guid}") or low == guid for guid in AZURE_OWNING.values()):
        return True
    return bool(_ADMIN.search(low.rsplit("/", 1)[-1].rsplit(".", 1)[-1]))


def _bindings(data: Mapping[str, Any] | None) -> Iterator[tuple[str, str]]:
    if not data:
        return
    for binding in data.get("bindings") or []:
        if isinstance(binding, dict) and isinstance(binding.get("role"), str):
            for member in binding.get("members") or []:
                if isinstance(member, str):
                    yield binding["role"], member
    props = _props(data)
    role = props.get("roleDefinitionName") or props.get("roleDefinitionId")
    if isinstance(role, str):
        who = props.get("principalName") or props.get("principalId") or "?"
        yield role, str(who)


def _props(data: Mapping[str, Any]) -> Mapping[str, Any]:
    props = data.get("properties")
    return props if isinstance(props, dict) else data
