"""git hooks: ``commit-msg`` keeps provenance in the commit itself (an ``Assisted-by`` trailer
when the agent guard saw an agent edit the staged files). Dispatched before click is imported."""
