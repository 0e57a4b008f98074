"""An adoption's sign-offs against what the adoption itself pins: before it lands, nothing on
the branch says which GitHub confirms a review or which machine may write the ledger, so an
approval counts only when it was confirmed by the GitHub the adoption pins (its ``forge:``),
through a channel GitHub vouches for (the job's verified OIDC token, or the service's signed
webhook), and written by a ledger key its ``ledger-keys`` pins. Anything else gets a proof with
the problem, which ``signoff.approvals`` then reports instead of counting it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from countersign.config.forge import Forge, Oidc
from countersign.errors import ConfigError, UsageError
from countersign.facts.adoption import LEDGER_KEYS, Adoption
from countersign.signoff.approvals import Approval, SignOffs
from countersign.signoff.pins import Pins, parse_pins
from countersign.signoff.proof import Proof, Strength


def vetted(signoffs: SignOffs, adoption: Adoption) -> SignOffs:
    """``signoffs`` with each approval that the adoption's pins do not vouch for marked with
    why; a break-glass never lifts an adoption (``apply_signoffs``), so it is left as is."""
    pins, why = _pins(adoption)
    return replace(
        signoffs,
        approvals=tuple(_vet(a, adoption, pins, why) for a in signoffs.approvals),
    )


def adoption_forge(adoption: Adoption) -> Forge:
    """The forge a sign-off of the adoption is confirmed by: the one the adoption pins (nothing
    on its landing branch pins one yet), which must name the repository this clone and the job
    are of, always with the job's OIDC token (GitHub's issuer unless it pins another)."""
    if adoption.unpinned:
        raise UsageError(f"cannot record a sign-off of this adoption: {adoption.unpinned}")
    return replace(adoption.forge, oidc=adoption.forge.oidc or Oidc())


def unpinned_writer(adoption: Adoption, key_id: str) -> str:
    """Why an entry written with ledger key ``key_id`` would not count for the adoption, ""
    when it would: for a recorder to refuse before it writes."""
    pins = _pins(adoption)[0]
    if pins is not None and any(p.key_id == key_id and p.until is None for p in pins.pins):
        return ""
    return (
        f"this machine's ledger key {key_id} is not pinned in the adoption's {LEDGER_KEYS}, so "
        "its entry would not count; add the line `countersign ledger keys` prints here to it"
    )


def _pins(adoption: Adoption) -> tuple[Pins | None, str]:
    if adoption.ledger_keys is None:
        return None, ""
    try:
        return parse_pins(adoption.ledger_keys, LEDGER_KEYS), ""
    except ConfigError as exc:
        return None, str(exc)


def _vet(approval: Approval, adoption: Adoption, pins: Pins | None, why: str) -> Approval:
    problem = adoption.unpinned or why or problem_of(approval.entry, adoption, pins)
    if not problem:
        return approval
    return replace(approval, proof=Proof(Strength.ASSERTED, problem=problem))


def problem_of(entry: Mapping[str, Any], adoption: Adoption, pins: Pins | None) -> str:
    """Why ``entry`` does not vouch for the adoption, or ""."""
    who = str(entry.get("approver") or "?")
    kid, seq = str(entry.get("key_id") or ""), int(entry.get("seq") or 0)
    if pins is None or not pins.may_sign(kid, seq):
        return (
            f"{who}'s approval was written by ledger key {kid or '(unknown)'}, which the "
            f"adoption's {LEDGER_KEYS} does not pin"
        )
    identity = entry.get("identity")
    evidence = identity.get("forge") if isinstance(identity, Mapping) else None
    if not isinstance(evidence, Mapping):
        return f"{who}'s approval carries no confirmation from GitHub"
    forge = adoption.forge
    api = str(evidence.get("api") or "")
    repository = str(evidence.get("repository") or "")
    if (
        repository.lower() != forge.repository.lower()
        or api.rstrip("/").lower() != forge.api.rstrip("/").lower()
    ):
        return (
            f"{who}'s approval was confirmed by {api or 'a GitHub'} for {repository or '?'}, "
            f"not by the forge the adoption pins ({forge.api}, {forge.repository})"
        )
    if not isinstance(evidence.get("oidc"), Mapping) and evidence.get("via") != "webhook":
        return (
            f"{who}'s approval was recorded by no job GitHub vouches for (no verified OIDC "
            "token of the job, no signed webhook): give the Action `id-token: write`"
        )
    return ""
