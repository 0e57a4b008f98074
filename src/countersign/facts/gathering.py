"""Gathering the facts of a change: run the registered analyzer of each fact (tests pass their
own) into one ``Facts`` record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from countersign.config.roster import Person
from countersign.facts import blast_radius, people, provenance, risk
from countersign.facts.adoption import Adoption, adoption_of
from countersign.facts.blast_radius import BlastRadius
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, find_hazards
from countersign.facts.people import ChangeIdentity
from countersign.facts.people import identities as change_identities
from countersign.facts.provenance import Provenance
from countersign.facts.provenance.sources import stale_docs
from countersign.facts.risk import Risk, RiskFactor
from countersign.intake.change import Change


@dataclass(frozen=True)
class Facts:
    change: Change
    provenance: Provenance
    blast_radius: BlastRadius
    hazards: tuple[Hazard, ...]
    risk: Risk
    author: Person
    # Everyone who made the change (authors, committers, co-authors, agent session operators).
    identities: tuple[ChangeIdentity, ...] = field(default=())
    # The change adopts countersign on a branch with no roster: the roster it brings.
    adoption: Adoption | None = None


@dataclass(frozen=True)
class Analyzers:
    """The registry: one analyzer per fact, each ``(Change, Context) -> record``."""

    provenance: Callable[[Change, Context], Provenance] = provenance.analyze
    blast_radius: Callable[[Change, Context], BlastRadius] = blast_radius.analyze
    hazards: Callable[[Change, Context], tuple[Hazard, ...]] = find_hazards
    risk: Callable[[Change, Context], Risk] = risk.analyze
    people: Callable[[Change, Context], Person] = people.analyze
    identities: Callable[[Change, Context], tuple[ChangeIdentity, ...]] = change_identities


def gather(change: Change, context: Context, analyzers: Analyzers | None = None) -> Facts:
    a = analyzers or Analyzers()
    prov = a.provenance(change, context)
    return Facts(
        change=change,
        provenance=prov,
        blast_radius=a.blast_radius(change, context),
        hazards=a.hazards(change, context),
        risk=with_stale_guidance(a.risk(change, context), prov),
        author=a.people(change, context),
        identities=a.identities(change, context),
        adoption=adoption_of(change, context),
    )


def with_stale_guidance(found: Risk, prov: Provenance) -> Risk:
    """A change that rested on stale documentation carries it as a risk factor the policy can
    name (``"stale-guidance" in risk.factors``); the score is the model's and stays as it is."""
    docs = stale_docs.documents(prov.signals)
    if not docs:
        return found
    shown = ", ".join(docs[:3]) + (f" and {len(docs) - 3} more" if len(docs) > 3 else "")
    factor = RiskFactor(
        stale_docs.KIND,
        float(len(docs)),
        0.0,
        f"made in an agent session that read {len(docs)} stale document"
        f"{'s' if len(docs) > 1 else ''} ({shown})",
    )
    return replace(found, factors=(*found.factors, factor))
