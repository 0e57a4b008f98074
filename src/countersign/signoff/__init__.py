"""Sign-off: approvals and change records bound to a change's fingerprint, kept in the ledger."""
