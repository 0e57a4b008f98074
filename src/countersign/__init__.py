"""countersign: controlled friction between AI-assisted changes and production.

The package is a pipeline, and its folders follow it:

    intake  -> facts -> decision -> signoff -> gate
    (a Change)  (provenance, blast radius,  (policy ->      (approvals in   (verdict and
                 hazards, risk, people)      requirements)   the ledger)     exit code)

Importing the package does no work; every stage is a pure function over frozen records, with
git, files, clock and database passed in at the edges (``commands/``).
"""

__version__ = "0.1.0"
