"""What records the past, not advice: documents that are history by path, title or notice,
older versions' pages, history and removal sections and tables, and lines about then."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countersign.facts.docs import Kind, history
from countersign.facts.docs.extract import Vocabulary, references
from countersign.facts.docs.history import superseded

VOCAB = Vocabulary(commands=frozenset({"shipit"}), make=True, package_scripts=True)


def refs(text: str, path: str = "docs/runbook.md", vocab: Vocabulary = VOCAB):
    return [(r.kind, r.text) for r in references(path, text, vocab)]


PKG_RESOURCES = (
    "API\n===\n\nCall ``find_plugins()``.\n\nHistory\n-------\n\n0.6c9\n"
    " * Fixed ``resource_exists()`` for zips.\n\nMore\n====\n\nUse ``get_provider()``.\n"
)
GUIDE = (
    "# Guide\n\nCall `find_plugins()`.\n\n## Changelog\n\n- Fixed `resource_exists()`.\n\n"
    "# More\n\nUse `get_provider()`.\n"
)


# a README that keeps its changelog as sections titled by releases
RELEASES = (
    "# Guide\n\nCall `find_plugins()`.\n\n## Changelog of sorts\n\n### 0.7.0\n\n"
    "- Call `resource_exists()`.\n\n### v0.6 (2019-01-02)\n\n- `get_default_cache()`.\n\n"
    "## Python 3.12 support\n\nUse `get_provider()`.\n"
)


# a history heading behind the marks of its markup: emphasis, code, an indented underline title
MARKED_TITLES = (
    "# Guide\n\nCall `find_plugins()`.\n\n## **_Release Notes_**\n\n- `resource_exists()`.\n\n"
    "# More\n\nUse `get_provider()`.\n"
)
UNDERLINED = (
    "Guide\n=====\n\nCall ``find_plugins()``.\n\n  ``HISTORY``\n-------------\n\n"
    "- ``resource_exists()``.\n\nMore\n====\n\nUse ``get_provider()``.\n"
)

# psutil's DEVNOTES.md keeps the ideas it turned down: what was proposed, not what is
REJECTED = (
    "# Notes\n\nCall `find_plugins()`.\n\n## Rejected ideas\n\n- #1667: `resource_exists()`\n\n"
    "## Features\n\nUse `get_provider()`.\n"
)

# picard's ShareableProfiles.md: "## Implementation Plan" / "6. Implement
# `picard/profiles/cli.py`": what was to be written then, which has moved since
PLAN = (
    "# Profiles\n\nCall `find_plugins()`.\n\n## Implementation Plan\n\n### Phase 1\n\n"
    "1. Implement `resource_exists()`\n\n## Features\n\nUse `get_provider()`.\n"
)


def test_a_line_about_the_past_is_history_not_advice():
    assert refs("The `--legacy-mode` flag of `shipit` was removed in 2.0.\n") == []


def test_changelogs_and_release_notes_are_skipped_whole():
    text = "* `shipit deploy --force` is gone\n"
    for path in ("CHANGELOG.md", "docs/HISTORY.rst", "releasenotes/notes/x.rst", "NEWS.md"):
        assert refs(text, path) == []


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # pytest's funcarg_compare.rst: a history told under a version's name, not advice
        (
            "doc/en/funcarg_compare.rst",
            ".. _`x`:\n\npytest-2.3: reasoning for fixture/funcarg evolution\n=====\n\n",
        ),
        ("docs/two.md", "# Upgrading to shipit 2.0\n\n"),
        ("docs/three.adoc", "= What's new in 3.1\n\n"),
        (
            "docs/four.rst",
            "=========================\nshipit 4.0 release notes\n=========================\n\n",
        ),
    ],
)
def test_a_document_titled_by_a_version_of_the_past_is_history(path, text):
    assert refs(text + "Run `shipit deploy --force` to redo it.\n", path) == []


@pytest.mark.parametrize(
    "title",
    [
        "# Using OAuth 2.0 with shipit",
        "# Deploying on Python 3.12",
        "# HTTP/2 support",
        "# A new project with shipit 2.0",
    ],
)
def test_a_title_with_a_version_of_something_else_is_still_read(title):
    """A protocol's or a platform's version in a title says what the page is about now."""
    found = refs(f"{title}\n\nRun `shipit deploy --force` to redo it.\n")
    assert (Kind.FLAG, "--force") in found


def test_a_deprecation_page_records_history():
    assert refs("Use `shipit deploy --stream`.\n", "docs/deprecated.md") == []


def test_release_notes_proposals_and_decision_records_record_history():
    text = "Set `SHIPIT_TOKEN` and run `shipit failover --force-promote`.\n"
    for path in (
        "docs/whatsnew-4.0.rst",
        "docs/history/whatsnew-3.1.rst",
        "docs/whats-new.md",
        "sep/sep-008.rst",
        "docs/adr/0003-failover.md",
        "rfcs/0001-canary.md",
        "news/1234.bugfix.rst",
        "changelog.d/20261201_canary.md",
        "docs/content/2024-news.md",
        "docs/about/migration.md",
        "docs/upgrade.rst",
        "docs/migration-guide-0.19.md",
        "peeps/PEEP-044.md",
        "docs/dev/modernization-plan.md",
        "docs/dev/modernization-prd.md",
        "docs/dev/initiative-f-protocol.md",
        "initiative-g-phase1-2-plan.md",
        "docs/PLUGINSV3/ROADMAP.md",
        "PLAN.md",
        "docs/community/3.4-announcement.md",
        "docs/topics/2.3-announcement.md",
        "doc/en/announce/release-2.9.0.rst",
        "specs/multiple-globals-files.rst",
        "doc/source/specs/2024.1/quobyte-cinder.rst",
        "blueprints/canary.md",
    ):
        assert refs(text, path) == [], path
    for path in (
        "docs/operations.md",
        "docs/terraform-planning.md",
        "docs/explanation.md",
        "docs/airplane.md",
        "docs/announcements-bot.md",
        "spec/README.md",  # rspec's tests
    ):
        assert refs(text, path) != [], path


def test_a_table_of_old_and_new_names_is_not_advice_to_use_the_old_ones():
    rst = (
        "=====================================  ==========================\n"
        "``CELERY_DEFAULT_ROUTING_KEY``         :setting:`task_default_routing_key`\n"
        "``CELERY_IMPORTS``                     :setting:`imports`\n"
        "=====================================  ==========================\n"
    )
    assert refs(rst, "docs/configuration.rst") == []
    assert refs("| `OLD_TOKEN` | `SHIPIT_TOKEN` |\n") == []
    assert refs("- ``CELERYD_ETA_SCHEDULER`` -> ``CELERYD_TIMER``\n", "docs/x.rst") == []
    # a name beside its description or a value is a reference
    assert refs("| `SHIPIT_TOKEN` | the API token |\n") == [(Kind.ENV, "SHIPIT_TOKEN")]
    assert refs("| `SHIPIT_TOKEN` | `True` |\n") == [(Kind.ENV, "SHIPIT_TOKEN")]
    # two sentences with two spaces between them are prose, not a table row
    assert refs("Set ``SHIPIT_TOKEN``.  Then ``SHIPIT_REGION``.\n", "docs/x.rst") == [
        (Kind.ENV, "SHIPIT_TOKEN"),
        (Kind.ENV, "SHIPIT_REGION"),
    ]


def test_a_line_about_older_versions_is_history():
    text = "If you support Scrapy < 2.13, define also a synchronous `process_start_requests()`.\n"
    assert refs(text) == []
    assert refs("On older versions call `start_canary()`.\n") == []


# setuptools' pkg_resources.rst ends with its history
@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("docs/api.rst", PKG_RESOURCES),
        ("docs/api.md", GUIDE),
        ("README.md", RELEASES),
        ("docs/api.md", MARKED_TITLES),
        ("docs/api.rst", UNDERLINED),
        ("docs/DEVNOTES.md", REJECTED),
        ("docs/ShareableProfiles.md", PLAN),
    ],
)
def test_a_history_section_inside_a_document_is_history(path, text):
    found = {r.needle for r in references(path, text, VOCAB)}
    assert found == {"find_plugins", "get_provider"}


@pytest.mark.parametrize(
    "notice",
    [
        ".. attention:: **This documentation is retained solely for historical purposes**\n",
        ".. version-removed:: v82.0.0\n   ``pkg_resources`` is no longer included.\n",
        "Historically, shipit allowed running commands via a ``setup.py`` script.\n",
        "THIS PAGE IS KEPT FOR THE RECORD.\n",
        "This document is ARCHIVED.\n",
    ],
)
def test_a_document_that_says_it_is_kept_as_a_record_is_history(notice):
    text = f"Resources\n=========\n\n{notice}\nCall ``find_plugins()``.\n"
    assert refs(text, "docs/deprecated/pkg_resources.rst") == []


def test_a_deprecation_notice_alone_keeps_the_document_read():
    """Deprecated is not removed: the page still says how to use what still runs."""
    text = "Resources\n=========\n\n.. deprecated:: 67.5\n\nCall ``find_plugins()``.\n"
    assert refs(text, "docs/pkg_resources.rst") == [(Kind.SYMBOL, "find_plugins()")]


def test_a_page_on_database_migrations_is_advice():
    assert refs("Set `SHIPIT_TOKEN` first.\n", "docs/topics/migrations.rst") == [
        (Kind.ENV, "SHIPIT_TOKEN")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "website/content/2016-04-16-anatomy-of-a-test.md",
        "HypothesisWorks.github.io/_posts/2016-04-16-anatomy-of-a-test.md",
        "docs/blog/why-we-moved.md",
    ],
)
def test_a_blog_post_tells_of_its_day(path):
    text = "Set `HYPOTHESIS_VERBOSITY_LEVEL` to `verbose`.\n"
    assert refs(text, path) == []
    assert refs(text, "docs/settings.md") == [(Kind.ENV, "HYPOTHESIS_VERBOSITY_LEVEL")]


@pytest.mark.parametrize(
    "table",
    [
        (
            ".. list-table::\n   :header-rows: 1\n\n   * - Old name\n     - New name\n\n"
            "   * - ``BotMaster.slaveLost()``\n     - ``BotMaster.workerLost()``\n"
        ),
        "| Old setting | Replacement |\n| --- | --- |\n| `SLAVE_PORT` | `WORKER_PORT` |\n",
    ],
)
def test_a_table_of_old_and_new_names_records_renames(table):
    path = "docs/terms.rst" if table.startswith("..") else "docs/terms.md"
    assert refs(table, path) == []
    after = table + "\nCall `BotMaster.reconfig()` then.\n"
    assert [t for _k, t in refs(after, path)] == ["BotMaster.reconfig()"]


def test_a_page_on_a_transition_in_a_version_and_upgrade_guides_are_history():
    title = 'Transition to "worker" terminology in BuildBot 0.9.0\n' + "=" * 52 + "\n\n"
    assert refs(title + "Use ``slaveLost()``.\n", "docs/worker-transition.rst") == []
    assert refs("Use `slaveLost()`.\n", "docs/upgrading/worker-terms.md") == []


def test_superseded_versions_are_the_older_pages_and_snapshots_beside_a_newer_one():
    paths = [
        "docs/api/v200.adoc",
        "docs/api/v300.adoc",
        "docs/api/README.adoc",
        "site/versioned_docs/version-1.2/intro.md",
        "site/versioned_docs/version-1.10/intro.md",
        "docs/guide/01.md",
        "docs/guide/02.md",
        "docs/releases/2.0.md",
        "docs/releases/2.1.md",
        "docs/only/v1.md",
    ]
    assert superseded(paths) == {
        "docs/api/v200.adoc",
        "site/versioned_docs/version-1.2/intro.md",
        "docs/releases/2.0.md",
    }


def test_a_table_of_what_to_remove_names_nothing_as_there():
    """picard's design page: ``| To remove | Reason |``, each row something the redesign was
    to take away; the table after it is read again."""
    text = (
        "## Cleanup\n\n| To remove | Reason |\n|-----------|--------|\n"
        "| `autodetect_upgrade_hooks()` | nothing to discover |\n"
        "| `UPGRADE_FUNCTION_PREFIX` | only used by autodetect |\n\n"
        "| Setting | Meaning |\n| --- | --- |\n| `SHIPIT_TOKEN` | the token |\n"
    )
    assert refs(text) == [(Kind.ENV, "SHIPIT_TOKEN")]


@pytest.mark.parametrize(
    ("path", "history"),
    [
        ("docs/release/remove-v1-checklist.md", True),  # jaeger: what is to go, listed
        ("docs/removal-checklist.md", True),
        ("docs/remove_v2.rst", True),
        ("docs/runbooks/removing-a-node.md", False),  # how to remove one: advice
        ("docs/remove-user.md", False),
    ],
)
def test_a_checklist_for_removing_a_version_says_what_is_to_go(path, history):
    text = "- Stop uploading `SHIPIT_TOKEN` artifacts.\n"
    assert (refs(text, path) == []) is history


def test_a_line_that_says_a_thing_is_not_there_is_not_advice_to_use_it():
    """etcd: "there is no ``./scripts/fix.sh``/``make fix`` in release-3.4, so no need to"."""
    assert refs("Note that there is no `./scripts/fix.sh` in release-3.4.\n") == []
    assert refs("The file `scripts/gone.sh` does not exist on older branches.\n") == []
    assert refs("Run `scripts/fix.sh` to fix it.\n") == [(Kind.PATH, "scripts/fix.sh")]


def test_a_paragraph_that_opens_on_previous_versions_is_history():
    """bifrost's note: "Previous versions of Bifrost recommended to use the ``ironic`` CLI ...
    Doing this requires setting the ``OS_AUTH_TOKEN`` environment variable, however ...": the
    whole paragraph tells of the old way; the paragraph after it is read again."""
    text = (
        ".. note::\n\n"
        "   Previous versions of Shipit recommended the ``legacy`` CLI. Doing this\n"
        "   requires setting the ``SHIPIT_AUTH_TOKEN`` environment variable, however\n"
        "   it breaks the playbooks.\n\n"
        "The following variable can be set: ``SHIPIT_AUTH_TYPE``.\n"
    )
    assert refs(text, "doc/source/howto.rst") == [(Kind.ENV, "SHIPIT_AUTH_TYPE")]


def test_a_sentence_about_the_past_that_runs_onto_the_next_line_is_history():
    """nova's wsgi page: "The new scripts replace older experimental scripts that could be
    found in the\\n``nova/wsgi`` directory": the referent falls on the line after the words
    that put it in the past. A past sentence ended on the line before does not count."""
    text = (
        "The new scripts replace older experimental scripts that could be found in the\n"
        "``shipit/wsgi`` directory of the code repository. They are *not* experimental.\n"
    )
    assert refs(text, "doc/source/user/wsgi.rst") == []
    text = "The old scripts were removed. The new scripts are in\n``shipit/wsgi``.\n"
    assert refs(text, "doc/source/user/wsgi.rst") == [(Kind.PATH, "shipit/wsgi")]
    # an instruction to replace the old is no history
    assert refs("Replace the old file with `scripts/go.sh`.\n") == [(Kind.PATH, "scripts/go.sh")]


def test_a_section_titled_by_a_removal_lists_what_is_gone():
    """lego's migration guide: "## Removed elements" / "- `SELECTEL_BASE_URL`": the list of
    what the release took away, not advice to set it."""
    text = (
        "# Migration\n\nSet `SHIPIT_TOKEN`.\n\n## Removed elements\n\n"
        "The following elements have been removed without replacements:\n\n"
        "- `SHIPIT_BASE_URL`\n\n## Renamed flags\n\nUse `SHIPIT_REGION`.\n"
    )
    found = {r.needle for r in references("docs/content/guide/library.md", text, VOCAB)}
    assert found == {"SHIPIT_TOKEN", "SHIPIT_REGION"}
    # a section about removing things (how to remove a node) is still advice
    text = "## Removing a node\n\nRun `scripts/drain.sh` first.\n"
    assert refs(text) == [(Kind.PATH, "scripts/drain.sh")]


def test_a_directory_of_an_older_versions_pages_is_a_record():
    """velero's site keeps each release's manual (``site/content/docs/v1.3.0/``) beside the
    newest (``v1.18``) and ``main``: only those two say how things are. API versions
    (``api/v1/``, ``v1beta1``) are no releases."""
    paths = [
        "site/content/docs/main/build.md",
        "site/content/docs/v1.3.0/build.md",
        "site/content/docs/v1.9/build.md",
        "site/content/docs/v1.18/build.md",
        "docs/api/v1/types.md",
        "docs/api/v2/types.md",
        "docs/api/v1beta1/types.md",
    ]
    assert superseded(paths) == {
        "site/content/docs/v1.3.0/build.md",
        "site/content/docs/v1.9/build.md",
    }


@pytest.mark.parametrize(
    "path",
    [
        "design/Implemented/generating-crds.md",  # velero's designs once they were built
        "design/20230302.gomod.md",  # cert-manager's dated design pages
        "docs/design/2021-04-01-sharding.md",
    ],
)
def test_implemented_and_dated_designs_record_what_was_decided(path):
    assert refs("Run `hack/update-generated-crd-code.sh`.\n", path) == []
    assert refs("Run `hack/update-generated-crd-code.sh`.\n", "docs/design/architecture.md")


@given(st.text(alphabet=st.sampled_from(list("ab\n ")), max_size=200))
def test_a_documents_head_is_its_first_title_lines(text: str):
    lines = text.split("\n", history._TITLE_LINES)[: history._TITLE_LINES]
    assert history._head(text) == "\n".join(lines)


@pytest.mark.parametrize(
    "path",
    [
        # terragrunt's docs number their sections and pages for the sidebar's order
        "docs/src/content/docs/08-migrate/03-cli-redesign.md",
        "docs-starlight/src/content/docs/06-migrate/02-upgrading-to-terragrunt-0-19-x.md",
        "docs/_docs/06_migration_guides/02-upgrading_to_terragrunt_0.19.x.md",
        "docs/migration-guides/cli.md",
        "docs/2-upgrading.md",
    ],
)
def test_a_numbered_upgrade_page_or_migration_section_is_history(path):
    assert refs("1. `get_tfvars_dir()` is now called `get_terragrunt_dir()`.\n", path) == []


@pytest.mark.parametrize(
    "path",
    ["docs/02-features/hooks.md", "docs/03-migrations.md", "docs/migrations/alembic.md"],
)
def test_a_numbered_page_or_a_database_migrations_page_is_still_read(path):
    assert refs("Call `get_tfvars_dir()`.\n", path) == [(Kind.SYMBOL, "get_tfvars_dir()")]


def test_a_front_matter_title_naming_an_upgrade_is_the_documents_title():
    page = (
        "---\ntitle: Upgrading to Terragrunt 0.19.x\nsidebar:\n  order: 2\n---\n\n## Background\n"
    )
    assert refs(page + "Call `get_tfvars_dir()`.\n", "docs/guide.md") == []
    page = "---\ntitle: Features of Terragrunt 0.19.x\n---\n\n## Background\n"
    assert refs(page + "Call `get_tfvars_dir()`.\n", "docs/guide.md") == [
        (Kind.SYMBOL, "get_tfvars_dir()")
    ]


@pytest.mark.parametrize(
    ("path", "history"),
    [
        ("design/defunct/one-pager-package-annotations.md", True),  # crossplane's set-aside
        ("design/rejected/one-pager-x.md", True),
        ("design/superseded/x.md", True),
        ("design/one-pager-render-engine.md", False),
    ],
)
def test_a_design_set_aside_as_defunct_records_what_was_proposed(path, history):
    assert (refs("Read `docs/reference/xpkg.md`.\n", path) == []) is history
