"""countersign: controlled friction between AI-assisted changes and production.

The package is a pipeline, and its folders follow it:

    intake  -> facts -> decision -> signoff -> gate
    (a Change)  (provenance, blast radius,  (policy ->      (approvals in   (verdict and
                 hazards, risk, people)      requirements)   the ledger)     exit code)

Importing the package does no work; every stage is a pure function over frozen records, with
git, files, clock and database passed in at the edges. The names below are the library's front
door, the one the CLI, the hooks and the service use (each is imported on first use)::

    repository = open_repository(path)                 # a checkout or a bare mirror
    ws = analysed(open_change(repository, ChangeSelection("main", "topic"), Environment()))
    evaluation = check_change(ws, {"tests": "success"})
    print(render(evaluation, "markdown"))              # text, json, markdown, sarif
    approve(ws.ledger, ws.change, roster, Identity("alice", "github-review"), ws.policy,
            signoffs=signoffs_for(ws.ledger, ws.change.fingerprint),
            requirements=evaluation.decision.requirements)
"""

TYPE_CHECKING = False  # typing is not imported: the guard imports this package on every call

__version__ = "0.1.0"

_EXPORTS = {
    # open a change
    "Repository": "countersign.intake.repository",
    "open_repository": "countersign.intake.repository",
    "ChangeSelection": "countersign.intake.selection",
    "parse_range": "countersign.intake.selection",
    "Environment": "countersign.workspace",
    "Workspace": "countersign.workspace",
    "open_change": "countersign.workspace",
    "analysed": "countersign.workspace",
    # evaluate it
    "check_change": "countersign.gate.check",
    "evaluate": "countersign.gate.evaluate",
    "Evaluation": "countersign.gate.verdict",
    "Verdict": "countersign.gate.verdict",
    "verify_release": "countersign.gate.release",
    "release_verdict": "countersign.gate.release",
    # render it
    "render": "countersign.output",
    "FORMATS": "countersign.output",
    # sign it off
    "Identity": "countersign.signoff.identity",
    "signoffs_for": "countersign.signoff.ledger",
    "approve": "countersign.signoff.approve",
    "withdraw": "countersign.signoff.approve",
    "break_glass": "countersign.signoff.break_glass",
    "record": "countersign.signoff.change_record",
    "standing": "countersign.signoff.status",
    # what goes wrong
    "FatalError": "countersign.errors",
}

__all__ = [
    "FORMATS",
    "ChangeSelection",
    "Environment",
    "Evaluation",
    "FatalError",
    "Identity",
    "Repository",
    "Verdict",
    "Workspace",
    "__version__",
    "analysed",
    "approve",
    "break_glass",
    "check_change",
    "evaluate",
    "open_change",
    "open_repository",
    "parse_range",
    "record",
    "release_verdict",
    "render",
    "signoffs_for",
    "standing",
    "verify_release",
    "withdraw",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'countersign' has no attribute {name!r}"
        raise AttributeError(msg)
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:
    from countersign.errors import FatalError
    from countersign.gate.check import check_change
    from countersign.gate.evaluate import evaluate
    from countersign.gate.release import release_verdict, verify_release
    from countersign.gate.verdict import Evaluation, Verdict
    from countersign.intake.repository import Repository, open_repository
    from countersign.intake.selection import ChangeSelection, parse_range
    from countersign.output import FORMATS, render
    from countersign.signoff.approve import approve, withdraw
    from countersign.signoff.break_glass import break_glass
    from countersign.signoff.change_record import record
    from countersign.signoff.identity import Identity
    from countersign.signoff.ledger import signoffs_for
    from countersign.signoff.status import standing
    from countersign.workspace import Environment, Workspace, analysed, open_change
