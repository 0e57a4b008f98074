"""Insight: whether the changes that caused incidents were AI-assisted more often than chance,
what the friction costs, and what gating would have caught. Pure: it reads change records
(``records``) built at the edge from git, the ledger or a CSV, and returns a report to render."""
