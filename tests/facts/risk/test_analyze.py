import subprocess
import sys

from histories import DAY, T0, commit_at

from countersign.facts.context import Context
from countersign.facts.risk import analyze, percentile
from countersign.intake.change import Change, Commit, FileChange, FileStatus, Line
from countersign.state.history import mine


def change(lines: int, files: int = 1, message: str = "Add feature") -> Change:
    added = tuple(Line(n, "x") for n in range(1, lines + 1))
    commit = Commit("c" * 40, "A", "a@example.com", "A", "a@example.com", T0, message)
    return Change(
        base=None,
        head=None,
        fingerprint="",
        files=tuple(
            FileChange(f"src/f{i}.py", FileStatus.MODIFIED, added=added) for i in range(files)
        ),
        commits=(commit,),
    )


def test_prior_scores_a_big_change_above_a_small_one_with_factors_in_words():
    small = analyze(change(2), Context())
    big = analyze(change(420, files=12), Context())
    assert 0 < small.score < big.score < 1
    assert big.percentile is not None
    assert big.percentile > small.percentile
    assert big.model.startswith("prior")
    assert big.note.startswith("history not mined")
    assert (small.reference, big.reference) == ("prior", "prior")
    texts = [f.text for f in big.factors]
    assert any(t.startswith("5040 lines added (top ") for t in texts), texts


def test_percentile_places_a_score_within_the_history():
    assert percentile(0.0) == 0.0
    assert percentile(1.0) == 100.0


def test_mined_history_feeds_the_history_metrics(repo):
    commit_at(repo, T0 - 30 * DAY, "a", "Add", **{"src/f0.py": "1\n2\n"})
    history = mine(repo.path).history
    risk = analyze(change(3), Context(risk_history=history))
    assert risk.note == ""
    assert 0 < risk.score < 1


def test_scoring_does_not_import_scikit_learn():
    code = (
        "import sys\n"
        "from countersign.facts.context import Context\n"
        "from countersign.facts.risk import analyze\n"
        "from countersign.intake.change import Change\n"
        "analyze(Change(base=None, head=None, fingerprint=''), Context())\n"
        "assert not [m for m in sys.modules if m.startswith(('sklearn', 'numpy'))]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_uses_the_history_before_the_change_even_when_mined_past_it(repo):
    from countersign.intake.git import read_change
    from countersign.state.risk import risk_dir, risk_inputs, save

    commit_at(repo, T0, "a", "Add", **{"src/f0.py": "1\n2\n"})
    base = repo.git("rev-parse", "HEAD")
    commit_at(repo, T0 + DAY, "a", "Grow", **{"src/f0.py": "1\n2\n3\n4\n"})
    save(mine(repo.path), risk_dir(repo.path))
    change = read_change(repo.path, base=base)
    _, history = risk_inputs(repo.path, change, mine=True)
    assert history is not None
    assert history.head == base
    assert history.files["src/f0.py"].lines == 2


def test_history_metrics_assumed_at_the_median_are_not_reported_as_factors():
    from countersign.facts.context import Context
    from countersign.facts.risk import HISTORY_METRICS, analyze
    from countersign.intake.change import Change, FileChange, FileStatus, Line

    added = tuple(Line(i, f"x = {i}") for i in range(1, 400))
    change = Change("a", "b", "", files=(FileChange("app.py", FileStatus.MODIFIED, added=added),))
    risk = analyze(change, Context())
    assert "history not mined" in risk.note
    assert risk.factors
    assert not {f.name for f in risk.factors} & set(HISTORY_METRICS)
