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
