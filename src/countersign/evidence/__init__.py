"""The evidence ``insight`` reads, gathered at the edges: a repository's mined history (the risk
miner's cache and its SZZ), reverts found by content, the ledger's incidents, deployments and
sign-offs. What is computed from it is in ``facts.incidents.linkage`` and ``facts.insight``."""
