"""Every rule of every shipped pack, run on its own examples: each dangerous one is asked or
denied by that rule (and reaches full analysis), each safe one is allowed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from countersign.facts.shell import ShellContext, classify
from countersign.facts.shell.catalog import COMPILED, load_sources
from countersign.guard.decision import judge_command
from countersign.guard.prescreen import clearly_harmless
from countersign.guard.settings import PROTECTED_PATHS

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev", protected_paths=PROTECTED_PATHS)
PACKS = load_sources()
RULES = [(pack.id, rule) for pack in PACKS for rule in pack.rules]
DANGEROUS = [(rule.id, cmd) for _, rule in RULES for cmd in rule.dangerous]
SAFE = [(rule.id, cmd) for _, rule in RULES for cmd in rule.safe]


@pytest.mark.parametrize(("pack", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_every_rule_has_dangerous_and_safe_examples_of_its_own(pack, rule):
    assert rule.dangerous, f"{pack}: {rule.id} has no dangerous example"
    assert rule.safe, f"{pack}: {rule.id} has no safe example"
    assert rule.explain.strip()


@pytest.mark.parametrize(("rule", "command"), DANGEROUS)
def test_dangerous_example_is_stopped_by_its_rule(rule, command):
    findings = classify(command, context=CTX)
    assert rule in {f.rule for f in findings if f.severity.rank >= 2}, findings
    assert judge_command(command, CTX).decision in ("ask", "deny")
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(("rule", "command"), SAFE)
def test_safe_example_is_allowed(rule, command):
    judgement = judge_command(command, CTX)
    assert judgement.decision == "allow", judgement


def test_rule_ids_are_unique_across_packs():
    ids = [rule.id for _, rule in RULES]
    assert len(ids) == len(set(ids))


def _compiler():
    path = Path(__file__).resolve().parents[3] / "scripts" / "compile_packs.py"
    spec = importlib.util.spec_from_file_location("compile_packs", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_packs_are_up_to_date():
    compiler = _compiler()
    message = "run .venv/bin/python scripts/compile_packs.py"
    assert COMPILED.read_text(encoding="utf-8") == compiler.compiled_json(), message
    assert compiler.WORDS.read_text(encoding="utf-8") == compiler.words_module(), message
    assert compiler.DOCS.read_text(encoding="utf-8") == compiler.docs_text(), message


def test_every_rule_the_code_can_report_is_listed_in_a_pack():
    """`countersign guard packs` explains every rule id the guard can answer with."""
    import re

    source = Path(__file__).resolve().parents[3] / "src" / "countersign" / "facts" / "shell"
    reported = set()
    for path in source.rglob("*.py"):
        reported |= set(re.findall(r'(?:hit|_whole)\(\s*"([a-z]+\.[a-z-]+)"', path.read_text()))
    listed = {rule.id for _, rule in RULES}
    assert reported - listed == set()
