"""Model inputs derived from the 14 metrics: log scales, ratios and densities. Shared by
training and scoring so both see exactly the same numbers; plain Python, no numpy."""

from __future__ import annotations

import math
from collections.abc import Mapping

from countersign.facts.risk.content import COLUMNS as CONTENT_COLUMNS

# name -> the metric a user reads it as (for factors in words)
FEATURES: tuple[tuple[str, str], ...] = (
    ("log_ns", "ns"),
    ("log_nd", "nd"),
    ("log_nf", "nf"),
    ("entropy", "entropy"),
    ("log_la", "la"),
    ("log_ld", "ld"),
    ("log_lt", "lt"),
    ("fix", "fix"),
    ("log_ndev", "ndev"),
    ("log_age", "age"),
    ("log_nuc", "nuc"),
    ("log_exp", "exp"),
    ("log_rexp", "rexp"),
    ("log_sexp", "sexp"),
    ("la_per_lt", "la"),
    ("ld_per_lt", "ld"),
    ("la_per_file", "la"),
    ("log_churn", "la"),
    ("entropy_norm", "entropy"),
    ("lt_per_file", "lt"),
    ("rexp_share", "rexp"),
    ("sexp_share", "sexp"),
    ("nuc_per_file", "nuc"),
    ("ndev_per_file", "ndev"),
)
NAMES = tuple(name for name, _ in FEATURES)

# Features from the repository's own history and the commit itself (``facts.risk.history``),
# computed by the miner; a model trained with them lists them in its ``features``. Each is
# read as log1p of the column of the same name without the ``log_`` prefix.
HISTORY: tuple[tuple[str, str], ...] = (
    ("log_file_fixes", "file_fixes"),
    ("log_file_recent", "file_recent"),
    ("log_file_authors", "file_authors"),
    ("own_share", "own_share"),
    ("log_own_changes", "own_changes"),
    ("log_coupled", "coupled"),
    ("log_msg_len", "msg_len"),
    ("msg_issue", "msg_issue"),
    ("msg_refactor", "msg_refactor"),
    ("msg_feature", "msg_feature"),
    ("msg_revert", "msg_revert"),
    ("test_share", "test_share"),
    ("doc_share", "doc_share"),
    ("log_since_author", "since_author"),
    ("log_file_bugs", "file_bugs"),
    ("log_author_bugs", "author_bugs"),
    ("author_bug_share", "author_bug_share"),
    *((f"log_{c}", c) for c in CONTENT_COLUMNS if c != "gen_share"),
    ("gen_share", "gen_share"),
)
EXTENDED = NAMES + tuple(name for name, _ in HISTORY)
READS: dict[str, str] = {**dict(FEATURES), **dict(HISTORY)}


def _log(x: float) -> float:
    return math.log1p(max(0.0, x))


def vector(m: Mapping[str, float], names: tuple[str, ...] = NAMES) -> list[float]:
    """The feature vector of one change's metrics (missing metrics count as 0): the 24
    features of ``NAMES``, then any of ``HISTORY`` that ``names`` lists."""
    base = _base(m)
    if names is NAMES or len(names) == len(NAMES):
        return base
    hist = dict(HISTORY)
    for name in names[len(NAMES) :]:
        v = m.get(hist[name], 0.0)
        base.append(_log(v) if name.startswith("log_") else v)
    return base


def _base(m: Mapping[str, float]) -> list[float]:
    g = m.get
    ns, nd, nf = g("ns", 0.0), g("nd", 0.0), max(1.0, g("nf", 0.0))
    la, ld, lt = g("la", 0.0), g("ld", 0.0), g("lt", 0.0)
    ent = g("entropy", 0.0)
    exp, rexp, sexp = g("exp", 0.0), g("rexp", 0.0), g("sexp", 0.0)
    nuc, ndev = g("nuc", 0.0), g("ndev", 0.0)
    return [
        _log(ns),
        _log(nd),
        _log(g("nf", 0.0)),
        ent,
        _log(la),
        _log(ld),
        _log(lt),
        g("fix", 0.0),
        _log(ndev),
        _log(g("age", 0.0)),
        _log(nuc),
        _log(exp),
        _log(rexp),
        _log(sexp),
        _log(la / (lt + 1)),
        _log(ld / (lt + 1)),
        _log(la / nf),
        _log(la + ld),
        ent / math.log2(max(2.0, nf)),
        _log(lt / nf),
        _log(rexp) - _log(exp),
        _log(sexp) - _log(exp),
        _log(nuc / nf),
        _log(ndev / nf),
    ]
