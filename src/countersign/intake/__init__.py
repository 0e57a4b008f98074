"""Intake: turn a git range, a patch file or explicit artifact files into one ``Change``."""
