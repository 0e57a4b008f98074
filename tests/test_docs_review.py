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


def _pages(count: int, text: str) -> dict[str, str]:
    return {f"pages/tool{i:03}.md": text for i in range(count)}


def _judged(findings):
    return sorted((f.reference.doc, f.reference.text, f.status, f.evidence) for f in findings)


def test_a_large_directory_of_documents_is_left_out_of_the_walk_and_the_findings_stay(
    repo, monkeypatch
):
    """Leaving a document-only directory out of the history walk must not lose what the code's
    history says: a token removed from the code and a script deleted are still found, with the
    same evidence, as when the whole history is walked."""
    page = "Run `scripts/build.sh` after setting `SHIPIT_MODE`.\n"
    repo.commit(
        "start",
        **_pages(5, page),
        **{"scripts/build.sh": "echo\n", "app.py": "import os\nos.environ['SHIPIT_MODE']\n"},
    )
    repo.git("rm", "-q", "scripts/build.sh")
    repo.commit("drop the build script", **{"app.py": "import os\n"})
    repo.commit("more pages", **{"pages/tool009.md": "Plain words.\n"})
    walked_whole = docs_review.review_docs(repo.path)
    monkeypatch.setattr(docs_review, "_DOC_DIR_FROM", 3)
    assert docs_review._doc_only_dirs(
        ["pages/a.md", "pages/b.md", "pages/c.md", "app.py"], set()
    ) == ("pages",)
    pruned = docs_review.review_docs(repo.path)
    assert _judged(pruned.stale) == _judged(walked_whole.stale)
    assert {f.reference.text for f in pruned.stale} == {"scripts/build.sh", "SHIPIT_MODE"}
    assert all(f.evidence and f.evidence.subject == "drop the build script" for f in pruned.stale)


def test_a_page_moved_inside_the_large_directory_keeps_its_rename(repo, monkeypatch):
    """A link to a page that moved within the directory asks about a path under it: the
    directory stays in the walk, so the move is found and the new name suggested."""
    monkeypatch.setattr(docs_review, "_DOC_DIR_FROM", 3)
    repo.commit(
        "start",
        **_pages(4, "Plain words.\n"),
        **{"pages/old.md": "The old page.\n", "pages/tool009.md": "See [the page](old.md).\n"},
    )
    repo.git("mv", "pages/old.md", "pages/new.md")
    repo.commit("rename the page")
    stale = docs_review.review_docs(repo.path).stale
    assert [(f.reference.text, f.evidence and f.evidence.subject) for f in stale] == [
        ("old.md", "rename the page")
    ]
    assert stale[0].evidence is not None
    assert stale[0].evidence.renamed_to == "pages/new.md"


def test_a_directory_holding_code_or_a_makefile_is_walked(monkeypatch):
    monkeypatch.setattr(docs_review, "_DOC_DIR_FROM", 2)
    paths = ["docs/a.md", "docs/b.md", "docs/conf.py", "man/a.md", "man/Makefile", "w/a.md"]
    assert docs_review._doc_only_dirs(paths, set()) == ()
    assert docs_review._doc_only_dirs(["w/a.md", "w/b.rst"], {"w/gone.md"}) == ()
