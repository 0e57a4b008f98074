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


def test_a_dotted_name_in_a_moved_module_is_blamed_on_the_move_and_renamed(repo):
    """``pkg.old.model_url`` went when ``pkg/old.py`` became ``pkg/new.py``; a later commit
    that only dropped an example spelling the old name is not the evidence."""
    repo.commit(
        "start",
        **{
            "pkg/__init__.py": "",
            "pkg/old.py": "def model_url(request):\n    return '/'\n",
            "tools/conf.py": 'TARGET = "pkg.old.model_url"\nOTHER = 1\n',
            "docs/urls.md": "Call `pkg.old.model_url` to build links.\n",
        },
    )
    repo.git("mv", "pkg/old.py", "pkg/new.py")
    repo.commit("move the url module")
    repo.commit("drop an example", **{"tools/conf.py": "OTHER = 1\n"})
    (finding,) = docs_review.review_docs(repo.path).stale
    assert finding.evidence is not None
    assert finding.evidence.subject == "move the url module"
    assert finding.suggestion == "pkg.new.model_url"


def test_a_name_taken_out_of_a_module_that_stays_is_blamed_on_its_definition(repo):
    """``pkg.ext.with_``: the module stays and the name's definition went; a later commit that
    dropped an example spelling the dotted name is not the evidence."""
    repo.commit(
        "start",
        **{
            "pkg/__init__.py": "",
            "pkg/ext.py": "class WithExtension:\n    pass\n\n\nwith_ = WithExtension\n",
            "tools/conf.py": 'EXTENSIONS = ["pkg.ext.with_"]\nOTHER = 1\n',
            "docs/ext.md": "Enable `pkg.ext.with_` for the with statement.\n",
        },
    )
    repo.commit("remove the with extension", **{"pkg/ext.py": "class Other:\n    pass\n"})
    repo.commit("drop an example", **{"tools/conf.py": "OTHER = 1\n"})
    (finding,) = docs_review.review_docs(repo.path).stale
    assert finding.evidence is not None
    assert finding.evidence.subject == "remove the with extension"


def test_a_key_named_like_a_deleted_module_that_the_code_never_spelled_holds(repo):
    """``logging.level`` is a configuration key; that a ``logging.py`` was deleted once says
    nothing about it when no code ever spelled the key."""
    repo.commit(
        "start",
        **{
            "logging.py": "LEVEL = 1\n",
            "app.py": "x = 1\n",
            "docs/conf.md": "Set `logging.level`.\n",
        },
    )
    repo.git("rm", "-q", "logging.py")
    repo.commit("drop the logging module")
    assert docs_review.review_docs(repo.path).stale == ()


def test_a_module_moved_into_src_is_not_the_evidence_for_a_name_it_lost_later(repo):
    repo.commit(
        "start",
        **{
            "pkg/__init__.py": "",
            "pkg/ext.py": "with_ = object\nother = 1\n",
            "tools/conf.py": 'EXTENSIONS = ["pkg.ext.with_"]\n',
            "docs/ext.md": "Enable `pkg.ext.with_`.\n",
        },
    )
    repo.git("mv", "pkg", "src")
    repo.git("mv", "src", "pkg_src")
    repo.write("src/.keep", "")
    repo.git("mv", "pkg_src", "src/pkg")
    repo.commit("move to src directory")
    repo.commit("remove the with extension", **{"src/pkg/ext.py": "other = 1\n"})
    repo.commit("drop an example", **{"tools/conf.py": "EXTENSIONS = []\n"})
    (finding,) = docs_review.review_docs(repo.path).stale
    assert finding.evidence is not None
    assert finding.evidence.subject == "remove the with extension"


def test_a_variable_the_code_builds_from_a_template_and_a_name_holds(repo):
    """kivy reads ``'KIVY_%s' % option.upper()`` for each of its options (``image``, ``text``):
    ``KIVY_IMAGE`` holds though no line spells it, even after a commit took a literal out."""
    repo.commit(
        "start",
        **{
            "app/__init__.py": "import os\nIMAGE = os.environ.get('APP_IMAGE')\n",
            "docs/env.md": "```sh\nAPP_IMAGE=sdl,pil python main.py\n```\n",
        },
    )
    repo.commit(
        "read every option from the environment",
        **{
            "app/__init__.py": (
                "import os\nOPTIONS = ['image', 'text']\n"
                "for option in OPTIONS:\n    key = 'APP_%s' % option.upper()\n"
                "    value = os.environ.get(key)\n"
            )
        },
    )
    assert docs_review.review_docs(repo.path).stale == ()
    # a variable of no option the code names is still stale
    repo.commit("another", **{"docs/more.md": "```sh\nAPP_SOUND=x python main.py\n```\n"})
    repo.commit("sound", **{"app/sound.py": "import os\nos.environ['APP_SOUND']\n"})
    repo.commit("no sound", **{"app/sound.py": "X = 1\n"})
    assert [f.reference.needle for f in docs_review.review_docs(repo.path).stale] == ["APP_SOUND"]


def test_a_directory_the_build_writes_into_holds_after_it_left_the_tree(repo):
    """cinder: "sample files are generated and put into ``doc/source/_static``"; the directory
    was taken out of the tree, and the .gitignore names the samples the build writes in it."""
    repo.commit(
        "start",
        **{
            "doc/source/_static/ga.js": "x\n",
            "doc/source/index.rst": "Samples are generated into ``doc/source/_static``.\n",
            ".gitignore": "doc/source/_static/app.conf.sample\n",
            "app.py": "x = 1\n",
        },
    )
    repo.git("rm", "-q", "doc/source/_static/ga.js")
    repo.commit("Remove _static folder in doc directory")
    assert docs_review.review_docs(repo.path).stale == ()
    # a directory no pattern speaks of is still stale
    repo.commit("tools", **{"tools/gone/run.sh": "echo\n"})
    repo.commit("guide", **{"doc/source/more.rst": "See ``tools/gone`` for the scripts.\n"})
    repo.git("rm", "-q", "-r", "tools/gone")
    repo.commit("drop tools")
    assert [f.reference.text for f in docs_review.review_docs(repo.path).stale] == ["tools/gone"]


def test_a_name_set_on_an_object_of_the_package_holds_while_the_package_sets_it(repo):
    """``pkg.engine.timeout_monitor``: the package's ``__init__`` still sets
    ``engine.timeout_monitor``; that a compatibility table once spelled the whole dotted name,
    and lost it, does not make the name gone."""
    repo.commit(
        "start",
        **{
            "pkg/__init__.py": "engine = Bus()\nengine.timeout_monitor = Monitor(engine)\n",
            "pkg/compat.py": 'LEGACY = {"deadlock": "pkg.engine.timeout_monitor"}\n',
            "docs/advanced.md": "The `pkg.engine.timeout_monitor` watches requests.\n",
        },
    )
    repo.commit("drop the legacy keys", **{"pkg/compat.py": "LEGACY = {}\n"})
    assert docs_review.review_docs(repo.path).stale == ()


def test_a_name_the_package_no_longer_sets_is_still_stale(repo):
    repo.commit(
        "start",
        **{
            "pkg/__init__.py": "engine = Bus()\nengine.timeout_monitor = Monitor(engine)\n",
            "pkg/compat.py": 'LEGACY = {"deadlock": "pkg.engine.timeout_monitor"}\n',
            "docs/advanced.md": "The `pkg.engine.timeout_monitor` watches requests.\n",
        },
    )
    repo.commit(
        "drop the monitor",
        **{"pkg/__init__.py": "engine = Bus()\n", "pkg/compat.py": "LEGACY = {}\n"},
    )
    (finding,) = docs_review.review_docs(repo.path).stale
    assert finding.evidence is not None
    assert finding.evidence.subject == "drop the monitor"


def test_an_older_version_s_page_beside_a_newer_one_is_a_record(repo):
    """``docs/api/v200.adoc`` beside ``v300.adoc``: each page lists one version's interface
    "so that different versions can be easily compared"; the older ones record what was, and
    only the newest says how things are."""
    page = "* `scripts/serve.sh`\n"
    repo.commit(
        "start",
        **{
            "scripts/serve.sh": "echo\n",
            "docs/api/v200.md": page,
            "docs/api/v201.md": page,
            "docs/api/v300.md": page,
            "docs/chapters/01.md": page,  # numbered chapters are not versions
            "docs/chapters/02.md": "Plain words.\n",
        },
    )
    repo.git("rm", "-q", "scripts/serve.sh")
    repo.commit("drop the serve script")
    stale = docs_review.review_docs(repo.path).stale
    assert sorted(f.reference.doc for f in stale) == ["docs/api/v300.md", "docs/chapters/01.md"]


def test_a_dotted_name_spelled_from_inside_the_top_package_holds_while_its_module_does(repo):
    """mopidy's ``core.playback.get_current_track`` (the JSON-RPC method) is
    ``mopidy/core/playback.py``'s function; a docstring that once spelled the whole name, and
    lost it, is not its removal."""
    repo.commit(
        "start",
        **{
            "mopidy/__init__.py": "",
            "mopidy/core/__init__.py": "",
            "mopidy/core/playback.py": "def get_current_track(self):\n    return None\n",
            "mopidy/http.py": '"""Call ``core.playback.get_current_track`` over JSON-RPC."""\n',
        },
    )
    repo.commit(
        "move the docs",
        **{
            "mopidy/http.py": '"""The HTTP API."""\n',
            "docs/api/http.rst": "Call ``core.playback.get_current_track`` over JSON-RPC.\n",
        },
    )
    assert docs_review.review_docs(repo.path).stale == ()


def _stale_texts(repo) -> list[str]:
    return sorted(f.reference.text for f in docs_review.review_docs(repo.path).stale)


def test_documents_set_aside_as_old_docs_are_a_record(repo):
    """pulpcore's ``old_docs/``: the 2.x manual moved aside when the 3.0 docs began; the same
    line in the current docs is still advice."""
    page = "The importer is in `platform/importer.py`.\n"
    repo.commit(
        "start",
        **{
            "platform/importer.py": "X = 1\n",
            "old_docs/dev-guide/importers.md": page,
            "docs/archive/importers.md": page,
            "docs/dev-guide/importers.md": page,
            "docs/bold_docs/importers.md": page,  # not a directory of old documents
        },
    )
    repo.git("mv", "platform", "server")
    repo.commit("Rearranged the repository")
    stale = docs_review.review_docs(repo.path).stale
    assert sorted(f.reference.doc for f in stale) == [
        "docs/bold_docs/importers.md",
        "docs/dev-guide/importers.md",
    ]


def test_a_django_management_command_is_a_subcommand_of_the_repository_s_manager(repo):
    """pulpcore's ``pulpcore-manager add-signing-service``: Django runs each
    ``management/commands/<name>.py`` as a subcommand, so no line of code spells the name; the
    changelog fragment that did, gathered at the release, is not code."""
    repo.commit(
        "start",
        **{
            "pyproject.toml": (
                '[project]\nname = "shop"\n[project.scripts]\nshop-manager = "shop.manage:main"\n'
            ),
            "shop/manage.py": (
                "import argparse\ndef main():\n    p = argparse.ArgumentParser()\n"
                "    p.add_subparsers().add_parser('sync-all')\n"
            ),
            "shop/app/management/commands/add-signing-service.py": "class Command:\n    pass\n",
            "CHANGES/4832.feature": "Added the `add-signing-service` command.\n",
            "docs/signing.md": (
                "You can use `shop-manager add-signing-service` to add one.\n\n"
                "You can use `shop-manager sync-all` to sync.\n"
            ),
        },
    )
    repo.git("rm", "-q", "CHANGES/4832.feature")
    repo.commit(
        "Building changelog for 3.13.0",
        **{"CHANGES.rst": "3.13\n\nAdded the add-signing-service command.\n"},
    )
    assert _stale_texts(repo) == []
    repo.commit("drop sync", **{"shop/manage.py": "def main():\n    pass\n"})
    assert _stale_texts(repo) == ["shop-manager sync-all"]


def test_the_opentelemetry_sdk_s_variables_are_the_sdk_s(repo):
    """pulpcore: "Configure the ``OTEL_EXPORTER_OTLP_ENDPOINT`` environment variable": the
    OpenTelemetry SDK reads it (its specification names it), not the repository's code, so a
    test helper that stopped reading it did not retire it. ``OTEL_ENABLED`` is the
    repository's own setting."""
    repo.commit(
        "start",
        **{
            "shop/settings.py": "import os\nENABLED = os.environ.get('OTEL_ENABLED')\n",
            "shop/pytest_plugin.py": (
                "import os\nURL = os.environ.get('OTEL_EXPORTER_OTLP_ENDPOINT')\n"
                "SERVICE = os.environ.get('OTEL_SERVICE_NAME')\n"
            ),
            "docs/telemetry.md": (
                "Set `OTEL_ENABLED` in the settings.\n\n"
                "Point `OTEL_EXPORTER_OTLP_ENDPOINT` at the collector.\n\n"
                "Name the service with `OTEL_SERVICE_NAME`.\n"
            ),
        },
    )
    repo.commit(
        "Remove functional tests for opentelemetry",
        **{"shop/pytest_plugin.py": "X = 1\n", "shop/settings.py": "X = 2\n"},
    )
    assert _stale_texts(repo) == ["OTEL_ENABLED"]


def test_a_heading_whose_section_says_it_was_removed_is_a_record(repo):
    """meson's Java module page: ``### generate_native_header()`` followed by
    ``*(removed in 1.0.0)*`` documents the removal; a heading with no such note is advice."""
    repo.commit(
        "start",
        **{
            "shop/java.py": (
                "def generate_header():\n    pass\ndef generate_headers():\n    pass\n"
                "def compile_all():\n    pass\n"
            ),
            "docs/java.md": (
                "# Java\n\n## Functions\n\n### `generate_header()`\n\n"
                "*(deprecated in 0.62.0, use `generate_headers()`)*\n*(removed in 1.0.0)*\n\n"
                "This function generates a header with `generate_header()`.\n\n"
                "### `generate_headers()`\n\nGenerates them.\n\n"
                "### `compile_all()`\n\nCompiles everything.\n"
            ),
        },
    )
    repo.commit(
        "Remove generate_header and compile_all",
        **{"shop/java.py": ("def generate_headers():\n    pass\n")},
    )
    assert _stale_texts(repo) == ["compile_all()"]


def test_a_page_the_docs_build_writes_holds_after_its_source_left(repo):
    """meson: the sidebar links ``Reference-manual.md``; the hand-written page was removed when
    ``docs/refman/generatormd.py`` (``_ROOT_BASENAME = 'Reference-manual'``) began writing it.
    A page no code names stays a broken link."""
    repo.commit(
        "start",
        **{
            "docs/markdown/Reference-manual.md": "Functions.\n",
            "docs/markdown/Module-reference.md": "Modules.\n",
            "docs/markdown/_Sidebar.md": (
                "* [Functions](Reference-manual.md)\n* [Modules](Module-reference.md)\n"
            ),
        },
    )
    repo.git("rm", "-q", "docs/markdown/Reference-manual.md", "docs/markdown/Module-reference.md")
    repo.commit(
        "docs: generate the reference manual",
        **{"docs/refman/generatormd.py": "_ROOT_BASENAME = 'Reference-manual'\n"},
    )
    assert _stale_texts(repo) == ["Module-reference.md"]


def test_a_setting_read_through_a_prefixing_getter_holds(repo):
    """django-cms: ``CMS_PLUGIN_CACHE`` is read as ``get_cms_setting('PLUGIN_CACHE')``, which
    returns ``getattr(settings, 'CMS_%s' % name)``."""
    repo.commit(
        "start",
        **{
            "cms/conf.py": (
                "from django.conf import settings\ndef get_cms_setting(name):\n"
                "    return getattr(settings, 'CMS_%s' % name)\n"
            ),
            "cms/plugins.py": (
                "from cms.conf import get_cms_setting\nCACHE = get_cms_setting('PLUGIN_CACHE')\n"
            ),
            "testserver.py": "CMS_PLUGIN_CACHE = False\n",
            "docs/caching.rst": "Turn it off with ``CMS_PLUGIN_CACHE``.\n",
        },
    )
    repo.commit("fix selectors", **{"testserver.py": "X = 1\n"})
    assert _stale_texts(repo) == []


def test_the_changelog_fragments_directory_holds_after_a_release_emptied_it(repo):
    """restic's pull request template: "There's a new file in ``changelog/unreleased/``"; each
    release moves every fragment out, and the next change adds one again."""
    repo.commit(
        "start",
        **{
            "changelog/unreleased/issue-12": "Bugfix: x\n",
            "app.py": "X = 1\n",
            ".github/PULL_REQUEST_TEMPLATE.md": (
                "- [ ] There's a new file in `changelog/unreleased/` for our users\n"
            ),
        },
    )
    repo.git("mv", "changelog/unreleased", "changelog/0.9.0_2018-05-21")
    repo.commit("Move changelog files for the 0.9.0 release")
    assert _stale_texts(repo) == []


def test_a_package_script_is_retired_only_by_a_package_json_losing_it(repo):
    """syncthing's GUI README says ``npm run serve``: no package.json defines ``serve``, but
    the evidence given was a Go commit that took the word ``serve`` out of a line. A script is
    removed when a package.json loses its key; a word in code is no such evidence."""
    repo.commit(
        "start",
        **{
            "gui/package.json": '{"scripts": {"start": "ng serve", "dev": "vite"}}\n',
            "server/main.go": 'package main\n\nfunc main() { run("serve") }\n',
            "gui/README.md": "Run `npm run serve` for a dev server.\n\nOr `npm run dev`.\n",
        },
    )
    repo.commit(
        "feat(server): new metrics",
        **{"server/main.go": "package main\n\nfunc main() {}\n"},
    )
    assert docs_review.review_docs(repo.path).stale == ()
    repo.commit("drop the dev script", **{"gui/package.json": '{"scripts": {"start": "x"}}\n'})
    (finding,) = docs_review.review_docs(repo.path).stale
    assert finding.reference.needle == "dev"
    assert finding.evidence is not None
    assert finding.evidence.subject == "drop the dev script"


def test_a_goal_routed_to_a_common_rule_by_a_pattern_holds(repo):
    """prometheus: ``make proto`` is made by ``%: common-% ;`` in the included
    ``Makefile.common``, whose ``common-proto`` rule generates the code; a goal whose common
    rule was removed is still stale."""
    repo.commit(
        "start",
        **{
            "Makefile": "include Makefile.common\n\nbuild:\n\tgo build\n",
            "Makefile.common": (
                ".PHONY: common-proto\ncommon-proto:\n\t./gen.sh\n\n"
                "common-lint:\n\tgolint\n\n%: common-% ;\n"
            ),
            "prompb/README.md": "Run `make proto` to regenerate.\n\nRun `make lint` first.\n",
        },
    )
    assert _stale_texts(repo) == []
    repo.commit(
        "drop the lint rule",
        **{"Makefile.common": ".PHONY: common-proto\ncommon-proto:\n\t./gen.sh\n\n%: common-% ;\n"},
    )
    assert _stale_texts(repo) == ["make lint"]


def test_a_variable_a_go_program_derives_from_its_flag_holds(repo):
    """etcd reads ``ETCD_DISCOVERY_PROXY`` as ``flags.SetFlagsFromEnv("ETCD", fs)`` does for
    its ``--discovery-proxy`` flag: the commit that replaced the direct read with the flag did
    not retire the variable."""
    repo.commit(
        "start",
        **{
            "go.mod": "module go.etcd.io/etcd\n\ngo 1.21\n",
            "etcdmain/config.go": (
                'package etcdmain\n\nimport "os"\n\nvar proxy = os.Getenv("ETCD_DISCOVERY_PROXY")\n'
            ),
            "main.go": "package main\n\nfunc main() {}\n",
            "Documentation/clustering.md": (
                "Use the environment variable `ETCD_DISCOVERY_PROXY` to use a proxy.\n\n"
                "Set `ETCD_SNAPSHOT_DIR` for snapshots.\n"
            ),
        },
    )
    repo.commit(
        "snapshots",
        **{
            "etcdmain/snap.go": 'package etcdmain\n\nimport "os"\n\nvar d = os.Getenv("ETCD_SNAPSHOT_DIR")\n'
        },
    )
    repo.commit(
        "discovery: add command line flag for discovery-proxy",
        **{
            "etcdmain/config.go": (
                "package etcdmain\n\nfunc flags(fs *FlagSet) {\n"
                '\tfs.StringVar(&proxy, "discovery-proxy", "", "HTTP proxy")\n'
                '\tSetFlagsFromEnv("ETCD", fs)\n}\n'
            ),
            "etcdmain/snap.go": "package etcdmain\n",
        },
    )
    assert _stale_texts(repo) == ["ETCD_SNAPSHOT_DIR"]


def test_a_goal_defined_in_an_included_common_makefile_holds(repo):
    """kind's image directories: each Makefile is ``include $(CURDIR)/../Makefile.common.in``,
    which defines ``quick`` and ``push``."""
    repo.commit(
        "start",
        **{
            "images/base/Makefile": "quick:\n\tdocker build .\n",
            "images/base/README.md": "The image can be built with `make quick`.\n",
        },
    )
    repo.commit(
        "standardize makefile for images",
        **{
            "images/base/Makefile": "include $(CURDIR)/../Makefile.common.in\n",
            "images/Makefile.common.in": "build:\n\tdocker buildx build .\nquick: build\n",
        },
    )
    assert _stale_texts(repo) == []


def test_a_link_from_a_hugo_page_resolves_from_the_page_s_own_url(repo):
    """kustomize's site: ``patches.md`` renders at ``.../kustomization-file/patches/``, so its
    ``[openapi](../openapi)`` is the sibling page ``openapi.md``; a sibling that was removed is
    still a broken link."""
    section = "site/content/en/docs/Reference/Kustomization File"
    repo.commit(
        "start",
        **{
            f"{section}/openapi.md": "OpenAPI.\n",
            f"{section}/vars.md": "Vars.\n",
            f"{section}/patches.md": "See [openapi](../openapi) and [vars](../vars).\n",
            "site/content/en/docs/Reference/openapi.md": "The old page.\n",
        },
    )
    repo.git("rm", "-q", "site/content/en/docs/Reference/openapi.md", f"{section}/vars.md")
    repo.commit("docs: migrate field sections")
    assert _stale_texts(repo) == ["../vars"]


def test_a_path_where_the_wheel_installs_shared_data_holds_while_its_source_does(repo):
    """nbconvert's customizing page names ``share/jupyter/nbconvert/templates/classic``, where
    pip installs the templates: its pyproject maps ``share/templates`` there (hatch's
    ``shared-data``), so the move of the tree's directory did not retire the installed path.
    A template that left the source is stale again."""
    pyproject = (
        '[project]\nname = "shipit"\n\n'
        "[tool.hatch.build.targets.wheel.shared-data]\n"
        '"share/templates" = "share/jupyter/shipit/templates"\n'
    )
    repo.commit(
        "start",
        **{
            "share/jupyter/shipit/templates/classic/index.tpl": "x\n",
            "share/jupyter/shipit/templates/lab/index.tpl": "x\n",
            "docs/customizing.md": (
                "Templates live in `share/jupyter/shipit/templates/classic`.\n\n"
                "Or see `share/jupyter/shipit/templates/lab`.\n"
            ),
        },
    )
    repo.git("mv", "share/jupyter/shipit/templates", "share/templates")
    repo.commit("move the templates", **{"pyproject.toml": pyproject})
    assert _stale_texts(repo) == []
    repo.git("rm", "-q", "-r", "share/templates/lab")
    repo.commit("drop the lab template")
    assert _stale_texts(repo) == ["share/jupyter/shipit/templates/lab"]


def test_the_standard_openstack_and_vault_client_variables_are_their_clients(repo):
    """packer's OpenStack page: "I source a standard OpenStack script ... setting environment
    variables like ``OS_AUTH_URL``, ``OS_USERNAME``": gophercloud's ``AuthOptionsFromEnv``
    reads them, not packer's code, so the builder's rewrite did not retire them; so does
    Vault's client read ``VAULT_ADDR``. A name outside those standards (``OS_SHIPIT_MODE``)
    is the repository's own."""
    repo.commit(
        "start",
        **{
            "builder/access.go": (
                'package builder\n\nimport "os"\n\nvar a = os.Getenv("OS_USERNAME")\n'
                'var b = os.Getenv("OS_AUTH_URL")\nvar c = os.Getenv("VAULT_ADDR")\n'
                'var d = os.Getenv("OS_SHIPIT_MODE")\n'
            ),
            "docs/openstack.md": (
                "The script sets variables like:\n\n- `OS_AUTH_URL`\n- `OS_USERNAME`\n\n"
                "Set `VAULT_ADDR` to the server.\n\nSet `OS_SHIPIT_MODE` to `fast`.\n"
            ),
        },
    )
    repo.commit(
        "builder: use the library's options",
        **{"builder/access.go": "package builder\n\nvar opts = fromEnv()\n"},
    )
    assert _stale_texts(repo) == ["OS_SHIPIT_MODE"]


def test_a_variable_read_through_a_getter_that_joins_a_prefix_holds(repo):
    """go-task: ``TASK_TEMP_DIR`` is read as ``env.GetTaskEnv("TEMP_DIR")``, which returns
    ``os.Getenv(taskVarPrefix + key)`` with ``taskVarPrefix = "TASK_"``; a commit that replaced
    the whole spelling with the getter is no evidence it went."""
    old = 'package main\n\nimport "os"\n\nvar dir = os.Getenv("TASK_TEMP_DIR")\n'
    repo.commit("start", **{"setup.go": old, "docs/env.md": "Set `TASK_TEMP_DIR`.\n"})
    repo.commit(
        "TASK_ environment prefix",
        **{
            "env.go": (
                'package main\n\nimport "os"\n\nconst taskVarPrefix = "TASK_"\n\n'
                "func GetTaskEnv(key string) string {\n\treturn os.Getenv(taskVarPrefix + key)\n}\n"
            ),
            "setup.go": 'package main\n\nvar dir = GetTaskEnv("TEMP_DIR")\n',
        },
    )
    assert _stale_texts(repo) == []


def test_a_variable_built_from_a_prefix_and_a_computed_part_holds(repo):
    """lima: ``QEMU_SYSTEM_AARCH64`` is read as ``"QEMU_SYSTEM_" + strings.ToUpper(arch)``: every
    variable under that prefix is read, though no line spells one whole."""
    repo.commit(
        "start",
        **{
            "qemu.go": (
                'package qemu\n\nimport (\n\t"os"\n\t"strings"\n)\n\nfunc exe(arch string) string {\n'
                '\treturn os.Getenv("QEMU_SYSTEM_" + strings.ToUpper(arch))\n}\n'
            ),
            "hack/test.sh": 'export QEMU_SYSTEM_AARCH64="qemu-system-aarch64 -display none"\n',
            "docs/internals.md": "- `$QEMU_SYSTEM_AARCH64`: path of `qemu-system-aarch64`\n",
        },
    )
    repo.commit("recommend a newer QEMU", **{"hack/test.sh": "true\n"})
    assert _stale_texts(repo) == []


def test_a_prefixed_variable_whose_own_part_went_is_still_stale(repo):
    """The code still joins ``"TASK_"`` to other names, but nothing asks for ``OLD_MODE``."""
    env = (
        'package main\n\nimport "os"\n\nconst taskVarPrefix = "TASK_"\n\n'
        "func GetTaskEnv(key string) string {\n\treturn os.Getenv(taskVarPrefix + key)\n}\n"
    )
    repo.commit(
        "start",
        **{
            "env.go": env,
            "setup.go": 'package main\n\nimport "os"\n\nvar mode = os.Getenv("TASK_OLD_MODE")\n',
            "docs/env.md": "Set `TASK_OLD_MODE`.\n",
        },
    )
    repo.commit("drop the old mode", **{"setup.go": 'package main\n\nvar mode = ""\n'})
    assert _stale_texts(repo) == ["TASK_OLD_MODE"]
