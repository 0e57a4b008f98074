"""review_docs reads many documents in several processes with the same result as in one."""

from countersign import docs_review


def test_references_read_in_parallel_are_the_same_and_in_the_same_order(repo, monkeypatch):
    docs = {
        f"docs/page{i:03}.md": f"Set `SHIPIT_TOKEN_{i}` and read [x](gone{i}.md).\n"
        for i in range(60)
    }
    repo.commit("docs", **docs, **{"app.py": "import os\nos.environ['SHIPIT_TOKEN_7']\n"})
    alone = docs_review.review_docs(repo.path)
    monkeypatch.setattr(docs_review, "_PARALLEL_FROM", 10)
    parallel = docs_review.review_docs(repo.path)
    assert parallel.references == alone.references == 120
    assert parallel.findings == alone.findings
    assert len(alone.findings) == 60  # the 60 broken links
