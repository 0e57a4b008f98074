"""The agent guard: the pre-execution hook that judges one agent tool call before it runs."""
