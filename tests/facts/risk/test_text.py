"""The words of a change (``text.tokens``) and the model part that weighs them."""

import json
import random
from dataclasses import replace

from risk_rows import synthetic

from countersign.facts.risk import text, training
from countersign.facts.risk.evaluation import auc
from countersign.facts.risk.features import vector
from countersign.facts.risk.model import Text, from_json, to_json


def test_tokens_are_the_message_words_the_directories_and_the_extensions():
    got = text.tokens(
        "Fix the L3 agent's race\n\nCloses-Bug: #1234\nChange-Id: I0123abcd\n"
        "Signed-off-by: A Person <a@example.com>",
        ["neutron/agent/l3/agent.py", "README", "docs/x/y/z/deep.RST"],
    )
    assert got == {
        "w:fix", "w:the", "w:agent", "w:race", "w:closes", "w:bug",  # "l3", "s", "#1234" are not words
        "d:neutron", "d:neutron/agent", "d:neutron/agent/l3",
        "d:docs", "d:docs/x", "d:docs/x/y",  # three levels at most
        "e:py", "e:rst",  # README has none
    }  # fmt: skip


def test_a_trailer_says_nothing_and_a_dotfile_has_no_extension():
    assert text.tokens("Change-Id: Iabc\nReviewed-on: https://review\n", [".gitignore"]) == set()


def _worded(n: int, seed: int = 3) -> list:
    """Rows whose label also follows a word: ``w:racy`` in a defect-inducing change's message
    four times in five, in a clean one's one time in ten."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    out = []
    for r in synthetic(n, seed):
        racy = rng.random() < (0.8 if r.bug else 0.1)
        words = {"w:change", *({"w:racy"} if racy else ()), f"w:noise{rng.randrange(40)}"}
        out.append(replace(r, tokens=frozenset(words)))
    return out


def test_a_model_trained_with_words_ranks_better_and_reads_them_when_scoring():
    rows = _worded(900)
    train, test = rows[:700], rows[700:]
    plain = training.fit(train, grid=((3.0, 8),), max_iter=50)
    worded = training.fit(train, grid=((3.0, 8),), max_iter=50, text=True)
    assert plain.text is None
    assert worded.text is not None
    assert worded.text.weights["w:racy"] > 0
    labels = [r.bug for r in test]
    before = auc(labels, [plain.probability(vector(r.metrics), r.tokens) for r in test])
    after = auc(labels, [worded.probability(vector(r.metrics), r.tokens) for r in test])
    assert after > before + 0.05
    x = vector(test[0].metrics)
    assert worded.probability(x, {"w:racy"}) > worded.probability(x, ())


def test_words_survive_the_json_round_trip_and_an_older_model_has_none():
    model = training.fit(_worded(500), grid=((3.0, 8),), max_iter=30, text=True)
    data = json.loads(json.dumps(to_json(model)))
    back = from_json(data, "x")
    x = vector({"la": 40, "ld": 2, "nf": 2, "exp": 9})
    assert back.probability(x, {"w:racy", "w:change"}) == model.probability(
        x, {"w:racy", "w:change"}
    )
    del data["text"]  # as a model written before the words were weighed
    assert from_json(data, "x").text is None


def test_rows_without_words_train_no_text_part():
    assert training.fit(synthetic(500), grid=((3.0, 8),), max_iter=30, text=True).text is None


def test_text_margin_is_the_intercept_plus_the_known_words():
    t = Text({"w:a": 0.5, "d:x": -0.25}, 0.1)
    assert t.margin({"w:a", "d:x", "w:unknown"}) == 0.1 + 0.5 - 0.25


def test_a_live_change_has_the_words_of_the_same_commit_mined(repo):
    from countersign.facts.risk import _words
    from countersign.facts.risk.content import code_of
    from countersign.intake.git import read_change
    from countersign.state.blame import patch_content
    from countersign.state.history import mine

    repo.commit("Add m", **{"pkg/m.py": "xy = 1\n"})
    base = repo.git("rev-parse", "HEAD")
    repo.commit(
        "Fix the racy cache\n\nThe lock was dropped early.\n\nCloses-Bug: #7",
        **{"pkg/m.py": "xy = 2\n", "docs/cache.rst": "Cache\n"},
    )
    mined = mine(repo.path).commits[-1]
    counted, _ = patch_content(repo.path, [mined.sha])  # the patch the miner reads
    live = _words(read_change(repo.path, base=base))
    assert live == text.tokens(mined.message, mined.paths, code_of(counted[mined.sha]))
    assert live == mined.row(None, None, counted[mined.sha]).tokens
    assert {"w:racy", "w:lock", "d:pkg", "e:rst"} <= live
    assert {t for t in live if t.startswith("c")} == {"c+:xy", "c-:xy", "c+:cache"}


def _coded(n: int, seed: int = 5) -> list:
    """``_worded`` rows whose label also follows a code word: ``c+:unlock`` in a
    defect-inducing change's patch three times in four, in a clean one's one time in ten."""
    rng = random.Random(seed + 1000)  # noqa: S311 - reproducible, not the words' draws
    out = []
    for r in _worded(n, seed):
        risky = rng.random() < (0.75 if r.bug else 0.1)
        code = {"c+:self", *({"c+:unlock"} if risky else ()), f"c-:name{rng.randrange(40)}"}
        out.append(replace(r, tokens=r.tokens | code))
    return out


def test_code_words_get_a_linear_model_of_their_own_and_score_from_one_set_of_weights():
    rows = _coded(1200)
    train, test = rows[:900], rows[900:]
    words_only = [replace(r, tokens=frozenset(t for t in r.tokens if t[0] != "c")) for r in rows]
    worded = training.fit(words_only[:900], grid=((3.0, 8),), max_iter=50, text=True)
    coded = training.fit(train, grid=((3.0, 8),), max_iter=50, text=True)
    assert coded.text is not None
    assert coded.text.weights["c+:unlock"] > 0
    assert coded.text.weights["w:racy"] > 0
    labels = [r.bug for r in test]
    before = auc(labels, [worded.probability(vector(r.metrics), r.tokens) for r in test])
    after = auc(labels, [coded.probability(vector(r.metrics), r.tokens) for r in test])
    assert after > before + 0.03
    back = from_json(json.loads(json.dumps(to_json(coded))), "x")
    x = vector(test[0].metrics)
    assert back.probability(x, {"c+:unlock", "w:racy"}) == coded.probability(
        x, {"c+:unlock", "w:racy"}
    )
    assert coded.probability(x, {"c+:unlock"}) > coded.probability(x, ())


def test_a_commits_code_words_are_its_own_patch_whatever_comes_later(repo):
    from countersign.facts.risk.content import code_of
    from countersign.state import blame

    repo.commit("Add m", **{"m.py": "def load(path):\n    return open(path)\n"})
    repo.commit("Guard m", **{"m.py": "def load(path):\n    with open(path) as fh:\n"})
    early = repo.git("rev-parse", "HEAD")
    before = blame.replay_history(repo.path, early).content[early]
    repo.commit("Rewrite m", **{"m.py": "def load(name):\n    return read(name)\n"})
    repo.commit("Add n", **{"n.py": "import m\n"})
    after = blame.replay_history(repo.path, repo.git("rev-parse", "HEAD")).content[early]
    assert code_of(after) == code_of(before)
    assert code_of(before) == {
        "c+:with", "c+:open", "c+:path", "c+:as", "c+:fh", "c-:return", "c-:open", "c-:path"
    }  # fmt: skip
