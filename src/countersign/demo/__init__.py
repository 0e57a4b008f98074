"""The demo: a realistic sample monorepo with a risky AI-assisted change on a branch."""
