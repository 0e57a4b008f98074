"""The pre-push hook reads guard.yaml from the protected branch: an untracked file cannot rename
the protected branches and let an unsigned push to main through."""

from __future__ import annotations

from countersign.commands.hooks import hooks_pre_push


def test_an_untracked_guard_yaml_does_not_unprotect_main(project, ai_trailer, bob, capsys):
    project.git("checkout", "-q", "main")
    old = project.git("rev-parse", "HEAD")
    new = project.commit(
        "docs: straight to main" + ai_trailer, author=bob, **{"docs/faq.md": "q\n"}
    )
    project.write(".countersign/guard.yaml", "protected_branches: [nothing-here]\n")
    stdin = f"refs/heads/main {new} refs/heads/main {old}\n"
    assert hooks_pre_push(project.path, stdin=stdin) == 1
    assert "push to main stopped" in capsys.readouterr().err
