"""What to do next for each open requirement: who acts, with which command. Shared by the text
and Markdown renderers so a terminal and a pull request comment say the same thing."""

from __future__ import annotations

from countersign.decision.requirements import Kind, Requirement
from countersign.gate.verdict import Evaluation


def next_steps(e: Evaluation) -> list[str]:
    return [_step(r, e.facts.blast_radius.owners) for r in e.requirements if not r.satisfied]


def _step(r: Requirement, owners: tuple[str, ...]) -> str:
    if r.kind is Kind.APPROVAL and r.admins:
        count = "a repository administrator" if r.count <= 1 else f"{r.count} administrators"
        return (
            f"{count} of the repository, not the author, approves the pull request on GitHub "
            "(the countersign Action records the review; docs/adopting.md)"
        )
    if r.kind is Kind.APPROVAL:
        who = f"a {r.min_level} or above" if r.min_level else "an eligible reviewer"
        if r.teams:
            who += f" in {', '.join(r.teams)}"
        if "from_owners" in r.fields and owners:
            teams = ", ".join(owners)
            who += f" in {teams}" if r.count <= 1 else f" (at least one in {teams})"
        return f"{who}, not the author, runs `countersign approve --requirement {r.id}`"
    if r.kind is Kind.CHANGE_RECORD:
        flags = " ".join(f"--{f.replace('_', '-')} TEXT" for f in r.fields)
        return f"write the change record: `countersign record {flags}`"
    if r.kind is Kind.CHECKS:
        return f"make these checks green: {', '.join(r.checks)}"
    if not r.glass:
        return f"{r.reason} (no break-glass lifts this block: change what it names)"
    return f"{r.reason} (only `countersign break-glass --reason TEXT --incident REF` lifts a block)"


def adoption_note(e: Evaluation) -> str | None:
    """For an adoption, what its sign-offs are judged by instead of the landing branch's pins
    (it has none yet): the forge and the ledger keys the adoption brings, or why nothing can
    count."""
    adoption = e.facts.adoption
    if adoption is None:
        return None
    if adoption.unpinned:
        return f"adoption: nothing can sign it off yet: {adoption.unpinned}"
    return (
        f"adoption: a sign-off counts only from a ledger key its .countersign/ledger-keys pins, "
        f"confirmed by the GitHub it pins ({adoption.forge.repository} at {adoption.forge.api})"
    )
