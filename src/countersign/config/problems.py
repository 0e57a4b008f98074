"""A problem found in a source the catalog reads (CODEOWNERS, Backstage files, code) that is
reported beside the result instead of stopping the run: the file it is in, where, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str  # "CODEOWNERS:4", "services/web/catalog-info.yaml: documents[0].spec.owner"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
