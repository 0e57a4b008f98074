"""What a starter ``.countersign/`` holds besides the YAML files: its ``.gitignore`` (shared by
``countersign init`` and the demo's sample repository)."""

GITIGNORE = "# local state: the ledger and caches are not part of the code\nledger.*\nstate/\n"
