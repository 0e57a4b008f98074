import csv
import io
import json
import re

from countersign.main import main

GOOD = "def f(x):\n    return x + 1\n"


def test_mine_writes_the_dataset_format_with_labels(repo, capsys):
    repo.commit("Add f", **{"m.py": GOOD})
    bug = repo.commit("Change f", **{"m.py": GOOD.replace("+ 1", "+ 2")})
    repo.commit("Fix f", **{"m.py": GOOD})
    assert main(["risk", "mine", "--repo", str(repo.path), "--gap-days", "0"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:8] == ["_id", "date", "bug", "__", "ns", "nd", "nf", "entrophy"]
    assert {r["_id"]: r["bug"] for r in rows}[bug] == "1"
    assert "3 commits mined, 1 fixes, 1 defect-inducing changes" in err


def test_train_without_fixes_keeps_the_prior_and_says_why(repo, capsys):
    repo.commit("Add f", **{"m.py": GOOD})
    assert main(["risk", "train", "--repo", str(repo.path)]) == 0
    err = capsys.readouterr().err
    assert "no fix commits found: no labels (the packaged prior model stays in use)" in err
    assert "not enough labelled history to train (0 labelled changes (need 200))" in err


def test_eval_of_a_csv_with_missing_columns_is_an_input_error(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("_id,date,bug,la\na,1,0,3\n", encoding="utf-8")
    assert main(["risk", "eval", "--dataset", str(path)]) == 4
    assert "d.csv: missing column(s) ns, nd, nf, entrophy" in capsys.readouterr().err


def test_eval_prints_json_for_each_dataset(tmp_path, capsys, monkeypatch):
    from countersign.facts.risk import training

    monkeypatch.setattr(training, "GRID", ((3.0, 8),))
    monkeypatch.setattr(training, "MAX_ITER", 25)
    header = "_id,date,bug,__,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp\n"
    lines = [header]
    for i in range(600):
        la = (i * 37) % 500
        bug = int((la + (i * 53) % 300) > 450)
        lines.append(f"c{i},{i},{bug},{bug},1,1,1,0,{la},1,10,0,1,1,1,{i % 40},1,1\n")
    path = tmp_path / "toy.csv"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["risk", "eval", "--dataset", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    (project,) = report["projects"]
    assert (project["name"], project["n_train"], project["n_test"]) == ("toy", 480, 120)
    assert set(project["lapredict"]) == {"auc", "caught_at"}


def test_after_mining_percentiles_are_against_this_repository(repo, capsys):
    from countersign.facts.context import Context
    from countersign.facts.risk import analyze
    from countersign.intake.git import read_change
    from countersign.state.risk import risk_inputs

    for n in range(5):
        repo.commit(f"Step {n}", **{f"m{n}.py": GOOD * (n + 1)})
    base = repo.git("rev-parse", "HEAD")
    repo.commit("Big", **{"big.py": "x = 1\n" * 300})
    assert main(["risk", "mine", "--repo", str(repo.path)]) == 0
    change = read_change(repo.path, base=base)
    model, history = risk_inputs(repo.path, change, mine=True)
    assert model is not None
    assert model.info["reference"] == "this repository"
    risk = analyze(change, Context(risk_model=model, risk_history=history))
    assert re.fullmatch(r"300 lines added \(top \d+ % of this repository\)", risk.factors[0].text)
    assert risk.percentile is not None
    assert risk.percentile > 90
    assert risk.reference == "repository"


def test_mine_adds_blast_radius_columns_when_a_catalog_exists(repo, capsys):
    catalog = "services:\n  - name: payments\n    paths: ['pay/*']\n    tier: 1\n"
    repo.commit("Add catalog", **{".countersign/catalog.yaml": catalog})
    pay = repo.commit("Touch payments", **{"pay/api.py": GOOD})
    assert main(["risk", "mine", "--repo", str(repo.path)]) == 0
    rows = {r["_id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows[pay]["services"], rows[pay]["tier"], rows[pay]["blast"]) == (
        "1",
        "1",
        "8",
    )  # tier-1 weight 8, at depth 0


def test_progress_off_a_terminal_is_a_line_every_tenth(capsys):
    from countersign.commands.risk import ProgressLines

    step = ProgressLines("labelling", 1000, "commits")
    for _ in range(1000):
        step(1)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert lines[0] == "labelling: 100 of 1,000 commits (10 %)"
    assert lines[-1] == "labelling: 1,000 of 1,000 commits (100 %)"


def test_labels_csv_joins_by_commit_id_and_counts_the_unknown(make_repo, tmp_path, capsys):
    from countersign.commands.risk import labelled_rows

    one, two = make_repo("one"), make_repo("two")
    a = one.commit("Add f", **{"m.py": GOOD})
    b = two.commit("Add g", **{"g.py": GOOD})
    c = two.commit("Fix g", **{"g.py": GOOD.replace("+ 1", "+ 2")})
    path = tmp_path / "labels.csv"
    path.write_text(
        f",_id,date,bug\n0,{a},1,0\n1,{b},1,1\n2,{b},1,1\n3,{'f' * 40},1,0\n", encoding="utf-8"
    )
    rows, join = labelled_rows((one.path, two.path), path)
    assert {r.sha: r.bug for r in rows} == {a: 0, b: 1}  # c is not labelled: left out
    assert c not in {r.sha for r in rows}
    assert (join["found"], join["unknown"], join["duplicates"]) == (2, 1, 1)
    err = capsys.readouterr().err
    assert "3 labelled ids, 2 found in 2 repositories, 1 unknown" in err
    assert "1 duplicated rows ignored" in err
    assert rows[0].metrics["msg_len"] > 0  # the repository features come along


def test_a_malformed_or_contradictory_labels_csv_names_its_line(repo, tmp_path, capsys):
    sha = repo.commit("Add f", **{"m.py": GOOD})
    path = tmp_path / "labels.csv"
    for body, message in (
        (f"_id,bug\n{sha},2\n", "labels.csv:2: label '2' is not 0 or 1"),
        (f"_id,bug\n{sha},1\nnot-a-sha,0\n", "labels.csv:3: 'not-a-sha' is not a commit id"),
        (f"_id,bug\n{sha},1\n{sha},0\n", f"labels.csv:3: {sha} is labelled both 0 and 1"),
        (f"_id,bug\n{sha}\n", "labels.csv:2: 1 columns, expected 2"),
    ):
        path.write_text(body, encoding="utf-8")
        assert main(["risk", "eval", "--repo", str(repo.path), "--labels", str(path)]) == 4
        err = capsys.readouterr().err
        assert message in err
        assert "Traceback" not in err


def test_a_mirror_with_a_missing_object_names_it_and_mines_the_rest(repo):
    from pathlib import Path

    from countersign.state.history import mine

    repo.commit("Add f", **{"m.py": GOOD})
    damaged = repo.commit("Change f", **{"m.py": GOOD + "x = 1\n"})
    blob = repo.git("rev-parse", "HEAD:m.py")
    repo.commit("Change f again", **{"m.py": GOOD + "x = 2\n"})
    repo.commit("Add g", **{"g.py": GOOD})
    (Path(repo.path) / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    index = mine(repo.path)
    # the two commits that need the missing blob are left out, the others mined
    assert [c.message for c in index.commits] == ["Add f", "Add g"]
    assert index.problem.startswith(f"{repo.path}: 2 commit(s) could not be read")
    assert f"first {damaged[:12]}: object {blob} is missing" in index.problem


def test_a_model_trained_with_repository_features_scores_a_live_change_with_them(repo, capsys):
    """`risk mine` saves what the repository features read; `check` computes them for a change
    it has never mined (its files' past fixes here) and a model trained on them uses them."""
    import random

    from countersign.facts.context import Context
    from countersign.facts.risk import analyze, training
    from countersign.facts.risk.dataset import Row
    from countersign.facts.risk.features import EXTENDED
    from countersign.facts.risk.model import to_json
    from countersign.intake.git import read_change
    from countersign.state.risk import MODEL_FILE, risk_dir, risk_inputs

    rng = random.Random(2)  # noqa: S311 - reproducible test data, not crypto
    rows = []
    for i in range(600):
        fixes = rng.random() * 3
        rows.append(Row(str(i), float(i), int(fixes > 1.5), {"la": 10.0, "file_fixes": fixes}))
    model = training.fit(rows, name="repository", grid=((3.0, 8),), max_iter=40, features=EXTENDED)
    repo.commit("Add m", **{"m.py": GOOD})
    repo.commit("Fix m", **{"m.py": GOOD + "y = 1\n"})
    repo.commit("Fix m again", **{"m.py": GOOD + "y = 2\n"})
    assert main(["risk", "mine", "--repo", str(repo.path)]) == 0
    (risk_dir(repo.path) / MODEL_FILE).write_text(json.dumps(to_json(model)), encoding="utf-8")
    base = repo.git("rev-parse", "HEAD")
    repo.commit("Change m", **{"m.py": GOOD + "y = 3\n"})
    hot = read_change(repo.path, base=base)
    repo.git("reset", "-q", "--hard", base)
    repo.commit("Add n", **{"n.py": GOOD})
    cold = read_change(repo.path, base=base)
    loaded, history = risk_inputs(repo.path, hot)
    assert loaded is not None
    assert loaded.features == EXTENDED
    assert history is not None
    assert history.repo is not None
    context = Context(risk_model=loaded, risk_history=history)
    hot_risk, cold_risk = analyze(hot, context), analyze(cold, context)
    assert hot_risk.factors[0].name == "file_fixes"
    assert hot_risk.factors[0].text.startswith("these files had 2.0 recent fixes")
    assert hot_risk.score > cold_risk.score


def test_pooled_repositories_are_reported_by_their_mirror_names(tmp_path):
    from countersign.commands.risk import _repo_name

    assert _repo_name(tmp_path / "openstack+nova" / "repo") == "openstack+nova"
    assert _repo_name(tmp_path / "openstack+swift" / "repo") == "openstack+swift"
    assert _repo_name(tmp_path / "nova.git") == "nova"
    assert _repo_name(tmp_path / "nova" / ".git") == "nova"
    assert _repo_name(tmp_path / "nova") == "nova"


def test_percentiles_saved_while_the_replay_runs_are_those_saved_after_it(repo, capsys):
    """A first `risk mine` scores the reference commits while SZZ's replay runs in the
    background (the packaged prior reads only the 14 metrics); a rerun scores them after the
    repository features are known. Both tables are the same."""
    from countersign.state import history
    from countersign.state.risk import REFERENCE_FILE, risk_dir

    for n in range(history.REPLAY_FROM + 5):
        text = GOOD.replace("+ 1", f"+ {n % 7}") * (1 + n % 4)
        repo.commit(f"Fix f {n}" if n % 3 == 0 else f"Step {n}", **{f"m{n % 6}.py": text})
    assert main(["risk", "mine", "--repo", str(repo.path)]) == 0
    path = risk_dir(repo.path) / REFERENCE_FILE
    first = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    assert main(["risk", "mine", "--repo", str(repo.path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == first
    assert len(set(first["score_quantiles"])) > 3


def test_a_pooled_repository_replayed_beside_its_mining_gives_the_rows_of_one_replayed_after(
    repo, tmp_path, capsys
):
    """`risk eval --repo` replays a first-mined repository in a second process while this one
    mines; the rows (their defect history and patch counts) are those of the replay run after
    mining, as a cache without them gets."""
    from countersign.commands.risk import labelled_rows
    from countersign.state import history
    from countersign.state.risk import load, risk_dir, save

    shas = []
    for n in range(history.REPLAY_FROM + 5):
        text = GOOD.replace("+ 1", f"+ {n % 7}") * (1 + n % 4)
        message = f"Fix f {n}" if n % 3 == 0 else f"Step {n}"
        shas.append(repo.commit(message, **{f"m{n % 6}.py": text}))
    path = tmp_path / "labels.csv"
    path.write_text(
        "_id,bug\n" + "".join(f"{s},{i % 2}\n" for i, s in enumerate(shas)), encoding="utf-8"
    )
    beside, _ = labelled_rows((repo.path,), path)
    state = risk_dir(repo.path)
    index = load(state)
    assert index is not None
    assert index.content
    assert index.blamed
    index.content, index.blamed = {}, {}
    save(index, state)
    after, _ = labelled_rows((repo.path,), path)
    assert [(r.sha, r.bug, r.metrics) for r in beside] == [(r.sha, r.bug, r.metrics) for r in after]
    assert any(r.metrics["file_bugs"] for r in after)


def test_all_refs_joins_the_labelled_commits_only_a_stable_branch_reaches(repo, tmp_path, capsys):
    from countersign.commands.risk import labelled_rows

    a = repo.commit("Add f", **{"m.py": GOOD})
    main_branch = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    repo.git("checkout", "-q", "-b", "stable/1")
    s = repo.commit("Backport a fix", **{"m.py": GOOD.replace("+ 1", "+ 3")})
    repo.git("checkout", "-q", main_branch)
    b = repo.commit("Change f", **{"m.py": GOOD.replace("+ 1", "+ 2")})
    path = tmp_path / "labels.csv"
    path.write_text(f"_id,bug\n{a},0\n{s},1\n{b},0\n", encoding="utf-8")
    rows, join = labelled_rows((repo.path,), path)
    assert join["unknown"] == 1  # HEAD only: the stable commit is not found
    rows, join = labelled_rows((repo.path,), path, all_refs=True)
    assert {r.sha: r.bug for r in rows} == {a: 0, b: 0, s: 1}
    assert join["unknown"] == 0
    (entry,) = join["repositories"].values()
    assert entry["other_refs"] == {
        "tips": 1,
        "commits": 1,
        "labelled": 1,
    }
    assert "1 commits only other branches and tags reach (1 tips)" in capsys.readouterr().err
    side = next(r for r in rows if r.sha == s)
    assert side.metrics["lt"] == 2.0  # m.py as the branch has it, not after b


def test_mine_all_refs_writes_the_other_refs_commits_unlabelled_unless_named(repo, tmp_path):
    repo.commit("Add f", **{"m.py": GOOD})
    main_branch = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    repo.git("checkout", "-q", "-b", "stable/1")
    s = repo.commit("Backport", **{"m.py": GOOD.replace("+ 1", "+ 3")})
    t = repo.commit("Backport more", **{"m.py": GOOD.replace("+ 1", "+ 4")})
    repo.git("checkout", "-q", main_branch)
    out, named = tmp_path / "out.csv", tmp_path / "labels.txt"
    named.write_text(f"{s[:12]} INC-1\n", encoding="utf-8")
    args = ["risk", "mine", "--repo", str(repo.path), "--out", str(out), "--all-refs"]
    assert main([*args, "--labels", str(named)]) == 0
    text = out.read_text(encoding="utf-8")
    rows = {r["_id"]: r["bug"] for r in csv.DictReader(io.StringIO(text))}
    assert (len(rows), rows[s], rows[t]) == (3, "1", "")


def test_eval_all_refs_without_a_labels_csv_says_why(repo, capsys):
    repo.commit("Add f", **{"m.py": GOOD})
    assert main(["risk", "eval", "--repo", str(repo.path), "--all-refs"]) == 3
    assert "--all-refs needs --labels CSV" in capsys.readouterr().err
