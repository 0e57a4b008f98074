import pytest

from countersign.errors import ConfigError
from countersign.facts.provenance.directory import load_directory, packaged


def test_packaged_directory_knows_agents_and_dependency_bots():
    d = packaged()
    assert d.by_address("NoReply@Anthropic.com").id == "claude-code"
    assert d.by_address("123+openai-codex[bot]@users.noreply.github.com").id == "codex"
    assert d.by_address("someone@example.com") is None
    assert d.is_non_agent_bot("29139614+renovate[bot]@users.noreply.github.com") == "renovate[bot]"
    assert d.is_non_agent_bot("ada@example.com") is None
    assert d.by_branch("refs/heads/devin/123-fix")[0].id == "devin"


def test_repository_file_extends_the_packaged_list():
    text = """
version: 1
agents:
  - id: corp-ai
    addresses: [ai-bot@corp.example]
    branches: [ai/]
  - id: claude-code
    addresses: [claude@corp.example]
pr_labels: [corp-ai]
"""
    d = load_directory(text)
    assert d.by_address("ai-bot@corp.example").id == "corp-ai"
    assert d.by_address("claude@corp.example").id == "claude-code"
    assert d.by_address("noreply@anthropic.com").id == "claude-code"
    assert "corp-ai" in d.pr_labels
    assert "ai-assisted" in d.pr_labels


def test_invalid_repository_file_names_the_key():
    with pytest.raises(ConfigError, match=r"provenance.yaml: agents\[0\].adresses: unknown field"):
        load_directory("agents:\n  - id: x\n    adresses: [a@b.c]\n")
