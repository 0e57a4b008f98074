"""Gate: the verdict a change gets, and the exit code every enforcement point returns."""
