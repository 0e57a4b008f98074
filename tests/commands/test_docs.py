"""``countersign docs check`` on real repositories whose code moved on while the docs stayed."""

import json

import pytest

from countersign.main import main

PYPROJECT = '[project]\nname = "shipit"\n[project.scripts]\nshipit = "shipit.cli:main"\n'
CLI = (
    "import click\n\n@click.group()\ndef cli(): ...\n\n"
    "@cli.command()\n@click.option('--force-promote', is_flag=True)\n"
    "@click.option('--region')\ndef failover(force_promote, region): ...\n\n"
    "def start_canary(): ...\n\nTOKEN = os.environ['SHIPIT_TOKEN']\n"
)
RUNBOOK = (
    "# Failover\n\n"
    "```sh\nshipit failover --force-promote --region eu\n```\n\n"
    "Set `SHIPIT_TOKEN`, then call `start_canary()`.\n"
    "The script is [scripts/failover.sh](../scripts/failover.sh); run `make smoke`.\n"
)
MAKEFILE = "smoke:\n\t./scripts/failover.sh --check\n"


@pytest.fixture
def shop(repo):
    repo.commit(
        "initial",
        **{
            "pyproject.toml": PYPROJECT,
            "shipit/cli.py": CLI,
            "scripts/failover.sh": "#!/bin/sh\n",
            "Makefile": MAKEFILE,
            "docs/runbook.md": RUNBOOK,
        },
    )
    return repo


def run(repo, capsys, *args):
    code = main(["docs", "check", "-C", str(repo.path), "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def stale(report):
    return {(f["reference"], f["status"]) for f in report["findings"] if f["stale"]}


def test_docs_that_still_match_the_code_pass(shop, capsys):
    code, report = run(shop, capsys)
    assert code == 0
    assert report["findings"] == []
    assert report["references"] >= 7


def test_a_removed_flag_is_stale_with_the_commit_that_removed_it(shop, capsys):
    cli = CLI.replace("@click.option('--force-promote', is_flag=True)\n", "")
    sha = shop.commit(
        "failover: drop force promotion", **{"shipit/cli.py": cli.replace("force_promote, ", "")}
    )
    code, report = run(shop, capsys)
    assert code == 1
    [finding] = report["findings"]
    assert (finding["reference"], finding["status"], finding["line"]) == (
        "--force-promote",
        "removed",
        4,
    )
    assert finding["evidence"]["commit"] == sha
    assert finding["evidence"]["subject"] == "failover: drop force promotion"
    assert finding["doc_line_date"]


def test_a_renamed_flag_is_stale_and_the_new_name_is_suggested(shop, capsys):
    cli = CLI.replace("--force-promote", "--promote-replica").replace(
        "force_promote", "promote_replica"
    )
    shop.commit("failover: clearer flag name", **{"shipit/cli.py": cli})
    code, report = run(shop, capsys)
    assert code == 1
    [finding] = report["findings"]
    assert finding["status"] == "renamed"
    assert finding["suggestion"] == "--promote-replica"


def test_a_moved_script_is_renamed_and_a_deleted_one_removed(shop, capsys):
    shop.git("mv", "scripts/failover.sh", "scripts/promote.sh")
    shop.commit("scripts: rename", Makefile="smoke:\n\t./scripts/promote.sh\n")
    _, report = run(shop, capsys)
    [finding] = [f for f in report["findings"] if f["kind"] == "path"]
    assert (finding["status"], finding["suggestion"]) == ("renamed", "scripts/promote.sh")
    shop.git("rm", "-q", "scripts/promote.sh")
    shop.commit("scripts: gone")
    _, report = run(shop, capsys)
    assert ("../scripts/failover.sh", "removed") in stale(report)


def test_removed_env_var_function_and_make_target_the_code_declared(shop, capsys):
    cli = CLI.replace("def start_canary(): ...\n\n", "").replace(
        "TOKEN = os.environ['SHIPIT_TOKEN']\n", ""
    )
    shop.commit(
        "cli: no canary, no token", **{"shipit/cli.py": cli, "Makefile": "check:\n\ttrue\n"}
    )
    _, report = run(shop, capsys)
    assert stale(report) == {
        ("SHIPIT_TOKEN", "removed"),
        ("start_canary()", "removed"),
        ("make smoke", "removed"),
    }


def test_a_reference_that_never_existed_is_not_called_stale(shop, capsys):
    shop.commit(
        "docs: more", **{"docs/more.md": "Use `shipit deploy --yolo` or `NEVER_DEFINED_VAR`.\n"}
    )
    code, report = run(shop, capsys, "docs/more.md")
    assert code == 0
    assert {f["status"] for f in report["findings"]} <= {"unresolved"}


def test_a_doc_checked_at_an_older_revision_is_judged_against_that_code(shop, capsys):
    first = shop.git("rev-parse", "HEAD")
    cli = CLI.replace("--force-promote", "--other").replace("force_promote", "other")
    shop.commit("drop flag", **{"shipit/cli.py": cli})
    assert run(shop, capsys, "--rev", first)[0] == 0
    assert run(shop, capsys)[0] == 1


def test_a_wiki_kept_as_its_own_git_repository_is_checked_against_the_code(shop, make_repo, capsys):
    wiki = make_repo("wiki")
    wiki.commit("page", **{"Failover.md": "```sh\nshipit failover --force-promote\n```\n"})
    shop.commit(
        "drop flag",
        **{
            "shipit/cli.py": CLI.replace("--force-promote", "--other").replace(
                "force_promote", "other"
            )
        },
    )
    code, report = run(shop, capsys, "--docs", str(wiki.path))
    assert code == 1
    assert {(f["doc"], f["reference"]) for f in report["findings"] if f["stale"]} == {
        ("Failover.md", "--force-promote")
    }
    assert all(f["doc_line_date"] for f in report["findings"])


def test_markdown_output_reads_as_a_pull_request_comment(shop, capsys):
    shop.commit(
        "drop flag",
        **{
            "shipit/cli.py": CLI.replace("--force-promote", "--promote").replace(
                "force_promote", "promote"
            )
        },
    )
    assert main(["docs", "check", "-C", str(shop.path), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("### countersign docs check: 1 stale")
    assert "| `docs/runbook.md:4` | `--force-promote` | renamed |" in out


def test_bad_input_is_one_line_with_exit_4(shop, capsys, tmp_path):
    assert main(["docs", "check", "-C", str(shop.path), "--rev", "nope"]) == 4
    assert main(["docs", "check", "-C", str(shop.path), "src/none"]) == 4
    assert main(["docs", "check", "-C", str(tmp_path)]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    assert all(line.startswith("countersign: error: ") for line in err)


def test_base_lists_only_what_the_change_touched(shop, capsys):
    cli = CLI.replace("def start_canary(): ...\n\n", "")
    shop.commit("old: drop canary", **{"shipit/cli.py": cli})
    base = shop.git("rev-parse", "HEAD")
    shop.git("checkout", "-q", "-b", "topic")
    shop.commit(
        "failover: rename flag",
        **{
            "shipit/cli.py": cli.replace("force-promote", "promote").replace(
                "force_promote", "promote"
            )
        },
    )
    code, report = run(shop, capsys, "--base", base)
    assert code == 1
    assert stale(report) == {("--force-promote", "renamed")}
    shop.git("checkout", "-q", base)
    shop.git("checkout", "-q", "-b", "docs-only")
    shop.commit("docs: tidy", **{"docs/runbook.md": RUNBOOK + "\nMore.\n"})
    _, report = run(shop, capsys, "--base", base)
    assert stale(report) == {("start_canary()", "removed")}


def test_a_function_only_called_is_not_called_stale_but_one_defined_is(shop, capsys):
    shop.commit(
        "docs: more",
        **{
            "docs/api.md": "Call `requests.get()` or `start_canary()`.\n",
            "shipit/net.py": "requests.get('x')\n",
        },
    )
    shop.commit(
        "net: drop",
        **{
            "shipit/net.py": "pass\n",
            "shipit/cli.py": CLI.replace("def start_canary(): ...\n\n", ""),
        },
    )
    _, report = run(shop, capsys, "docs/api.md", "--all")
    assert {(f["reference"], f["confidence"]) for f in report["findings"]} == {
        ("requests.get()", "medium"),
        ("start_canary()", "high"),
    }


def test_documents_of_vendored_libraries_are_not_checked(shop, capsys):
    shop.commit(
        "vendor", **{"vendor/lib/README.md": "Run `make install-lib` and read [x](gone.txt).\n"}
    )
    _, report = run(shop, capsys, "--all")
    assert report["findings"] == []


def test_an_environment_variable_the_code_read_is_stale_once_nothing_reads_it(shop, capsys):
    cli = CLI.replace(
        "TOKEN = os.environ['SHIPIT_TOKEN']\n", "TOKEN = os.environ['SHIPIT_API_TOKEN']\n"
    )
    shop.commit("cli: clearer token name", **{"shipit/cli.py": cli})
    _, report = run(shop, capsys)
    assert stale(report) == {("SHIPIT_TOKEN", "renamed")}
    [finding] = report["findings"]
    assert finding["suggestion"] == "SHIPIT_API_TOKEN"


def test_a_module_path_holds_while_its_module_defines_the_name(shop, capsys):
    shop.commit(
        "docs: api",
        **{
            "docs/api.md": "Use `shipit.cli.start_canary` to begin.\n",
            "tests/test_cli.py": "patch('shipit.cli.start_canary')\n",
        },
    )
    shop.commit("tests: no patch", **{"tests/test_cli.py": "pass\n"})
    _, report = run(shop, capsys, "docs/api.md", "--all")
    assert report["findings"] == []


def test_a_path_the_repository_ignores_is_produced_not_kept(shop, capsys):
    shop.commit(
        "oops",
        **{
            "htmlcov/index.html": "<html/>",
            "docs/testing.md": "Open `htmlcov/index.html` after `make smoke`.\n",
        },
    )
    shop.git("rm", "-q", "htmlcov/index.html")
    shop.commit("remove the report checked in by mistake", **{".gitignore": "htmlcov/\n*.pyc\n"})
    _, report = run(shop, capsys, "docs/testing.md", "--all")
    assert report["findings"] == []
    # an ignored directory that keeps files is kept: a file removed from it is stale
    shop.write("data/cases/one.txt", "1")
    shop.write("data/cases/two.txt", "2")
    shop.git("add", "-f", "data")
    shop.commit(
        "fixtures kept in an ignored directory",
        **{".gitignore": "htmlcov/\ndata/\n", "docs/fixtures.md": "See `data/cases/one.txt`.\n"},
    )
    shop.git("rm", "-q", "data/cases/one.txt")
    shop.commit("drop case one")
    _, report = run(shop, capsys, "docs/fixtures.md")
    assert stale(report) == {("data/cases/one.txt", "removed")}


def test_a_changelog_or_faq_kept_without_a_suffix_is_not_code(shop, capsys):
    shop.commit(
        "docs: faq",
        **{
            "docs/faq.md": "Use `SHIPIT_LEGACY_MODE` to keep the old behaviour.\n",
            "FAQ": 'Q: How? A: os.environ["SHIPIT_LEGACY_MODE"]\n',
            "Changelog": 'os.environ["SHIPIT_LEGACY_MODE"] is new\n',
        },
    )
    shop.commit("move the faq", FAQ="see docs\n", Changelog="1.0\n")
    _, report = run(shop, capsys, "docs/faq.md", "--all")
    # the plain-text FAQ and Changelog are documents: their edits removed nothing from the code
    assert stale(report) == set()


def test_code_named_like_a_history_file_is_still_code(shop, capsys):
    shop.commit(
        "news feed",
        **{
            "docs/feed.md": "Set `SHIPIT_FEED_URL` for the feed.\n",
            "shipit/news.py": 'URL = os.environ["SHIPIT_FEED_URL"]\n',
            "history/__init__.py": "",
        },
    )
    _, report = run(shop, capsys, "docs/feed.md", "--all")
    assert report["findings"] == []
    shop.commit("feed: drop", **{"shipit/news.py": "URL = None\n"})
    _, report = run(shop, capsys, "docs/feed.md")
    assert stale(report) == {("SHIPIT_FEED_URL", "removed")}


def test_a_call_with_a_keyword_the_function_no_longer_takes_is_a_changed_signature(shop, capsys):
    lib = "def deploy(service, region='eu', force=False):\n    return service\n"
    shop.commit(
        "lib",
        **{
            "shipit/deploy.py": lib,
            "docs/deploy.md": "Call `deploy('shop', force=True)` to skip the checks.\n"
            "Or `deploy('shop', region='us')`.\n",
        },
    )
    _, report = run(shop, capsys, "docs/deploy.md", "--all")
    assert report["findings"] == []
    sha = shop.commit(
        "deploy: no forcing", **{"shipit/deploy.py": lib.replace(", force=False", "")}
    )
    _, report = run(shop, capsys, "docs/deploy.md")
    [finding] = report["findings"]
    assert finding["reference"] == "deploy('shop', force=True)"
    assert finding["status"] == "signature-changed"
    assert finding["evidence"]["commit"] == sha


def test_a_function_that_takes_any_keyword_holds_every_documented_call(shop, capsys):
    shop.commit(
        "lib",
        **{
            "shipit/deploy.py": "def deploy(service, **options):\n    return service\n",
            "docs/deploy.md": "Call `deploy('shop', force=True)`.\n",
        },
    )
    _, report = run(shop, capsys, "docs/deploy.md", "--all")
    assert report["findings"] == []


def test_a_makefile_with_a_catch_all_rule_can_make_any_goal(shop, capsys):
    shop.commit(
        "docs: sphinx makefile",
        **{
            "docs/Makefile": "help:\n\t@sphinx-build -M help . build\n%: Makefile\n"
            "\t@sphinx-build -M $@ . build\n",
            "docs/README.md": "Build with `make html`.\n",
        },
    )
    _, report = run(shop, capsys, "docs/README.md", "--all")
    assert report["findings"] == []


def test_an_editors_backup_of_a_document_is_not_code(shop, capsys):
    shop.commit(
        "docs: uploads",
        **{
            "docs/uploads.md": "Call `shipit.safe_name()` first.\n",
            "shipit/names.py": "def safe_name(x):\n    return x\n",
            "docs/uploads.md~": "Call `shipit.safe_name()` first.\n",
        },
    )
    shop.commit("drop the backup", **{"docs/uploads.md~": ""})
    shop.git("rm", "-q", "docs/uploads.md~")
    shop.commit("really drop it")
    _, report = run(shop, capsys, "docs/uploads.md", "--all")
    assert report["findings"] == []


def test_a_package_path_holds_under_a_source_layout(shop, capsys):
    shop.commit("docs", **{"docs/layout.md": "Bump the version in `shipit/cli.py`.\n"})
    shop.git("mv", "shipit", "src")
    shop.commit("src layout")
    # shipit/cli.py moved to src/cli.py here: the package path no longer holds
    _, report = run(shop, capsys, "docs/layout.md")
    assert stale(report) == {("shipit/cli.py", "renamed")}
    shop.write("src/shipit/cli.py", CLI)
    shop.git("rm", "-q", "src/cli.py")
    shop.commit("src/shipit layout")
    _, report = run(shop, capsys, "docs/layout.md")
    assert stale(report) == set()


def test_a_variable_derived_from_an_option_holds_while_the_option_does(shop, capsys):
    shop.commit(
        "docs: env",
        **{
            "docs/env.md": "Set `SHIPIT_REGION` instead of passing `--region`.\n",
            "shipit/env.py": 'import os\nos.environ.get("SHIPIT_REGION")\n',
        },
    )
    shop.commit("env: drop the variable", **{"shipit/env.py": "pass\n"})
    _, report = run(shop, capsys, "docs/env.md")
    # the cli still declares --region, but nothing builds variables from options: stale
    assert stale(report) == {("SHIPIT_REGION", "removed")}
    derive = (
        'import os\nOPTIONS = {k: v for k, v in os.environ.items() if k.startswith("SHIPIT_")}\n'
    )
    shop.commit("env: derive every variable from the options", **{"shipit/env.py": derive})
    _, report = run(shop, capsys, "docs/env.md")
    assert stale(report) == set()  # SHIPIT_REGION is --region's variable


def test_a_flag_only_passed_to_another_tool_in_the_code_is_not_stale(shop, capsys):
    shop.commit(
        "docs",
        **{
            "docs/venv.md": "shipit will not deploy from a ``--system-site`` venv.\n",
            "scripts/mkvenv.sh": "virtualenv --system-site env\n",
        },
    )
    shop.commit("scripts: drop", **{"scripts/mkvenv.sh": "echo\n"})
    _, report = run(shop, capsys, "docs/venv.md")
    assert stale(report) == set()


def test_a_flag_is_declared_where_a_parser_is_told_of_it(shop, capsys):
    shop.commit(
        "docs",
        **{
            "docs/venv.md": "shipit will not deploy from a ``--no-site-packages`` venv.\n",
            "tests/make_env.py": 'run(["virtualenv", "--no-site-packages", "env"])\n',
        },
    )
    shop.commit("tests: drop", **{"tests/make_env.py": "pass\n"})
    _, report = run(shop, capsys, "docs/venv.md")
    assert stale(report) == set()  # the code passed it to virtualenv: it never declared it


def test_platform_variables_and_framework_flags_are_not_the_codes(shop, capsys):
    shop.commit(
        "docs",
        **{
            "docs/paths.md": "We follow the XDG spec: `$XDG_CONFIG_HOME`. See `shipit --help`.\n",
            "shipit/paths.py": 'import os\nos.environ.get("XDG_CONFIG_HOME")\n',
        },
    )
    shop.commit("paths: use platformdirs", **{"shipit/paths.py": "import platformdirs\n"})
    _, report = run(shop, capsys, "docs/paths.md", "--all")
    assert report["findings"] == []


def test_a_variable_whose_only_reader_went_whole_is_not_called_stale(shop, capsys):
    shop.commit(
        "installer",
        **{
            "docs/install.md": "Set `SHIPIT_UNINSTALL` before running the installer.\n",
            "get-shipit.py": 'import os\nif os.environ.get("SHIPIT_UNINSTALL"):\n    pass\n',
        },
    )
    shop.git("rm", "-q", "get-shipit.py")
    shop.commit("the installer moved to its own repository")
    _, report = run(shop, capsys, "docs/install.md", "--all")
    assert {(f["reference"], f["confidence"]) for f in report["findings"]} == {
        ("SHIPIT_UNINSTALL", "medium")
    }


@pytest.mark.parametrize(
    ("manifest", "before", "after"),
    [
        (
            "pyproject.toml",
            '[project]\nname = "shipit"\ndependencies = [\n  "click>=8",\n]\n',
            '[project]\nname = "shipit"\ndependencies = [\n  "click>=8",\n  "shipit-find>=1",\n]\n',
        ),
        ("requirements.txt", "click>=8\n", "click>=8\nshipit-find==1.0\n"),
        (
            "package.json",
            '{"dependencies": {\n  "commander": "^9"\n}}\n',
            '{"dependencies": {\n  "commander": "^9",\n  "@shipit/find": "^1.0.0"\n}}\n',
        ),
        (
            "go.mod",
            "module x\n\nrequire (\n)\n",
            "module x\n\nrequire (\n\tgithub.com/shipit/find v1.2.0\n)\n",
        ),
    ],
)
def test_code_taken_out_with_a_dependency_put_in_is_not_called_stale(
    shop, capsys, manifest, before, after
):
    """virtualenv's docs name ``PYENV_VERSION``: the code reading it was extracted into the
    python-discovery package in the commit that added that dependency, so virtualenv still
    honours it. A name that goes out with a new dependency coming in may live on there."""
    shop.commit(
        "finder",
        **{
            manifest: before,
            "docs/find.md": "The ``SHIPIT_FIND_DIR`` environment variable says where to look.\n",
            "shipit/find.py": 'import os\nWHERE = os.environ.get("SHIPIT_FIND_DIR")\n',
            "shipit/main.py": "from shipit.find import WHERE\n",
        },
    )
    shop.commit(
        "find: use the shipit-find package",
        **{manifest: after, "shipit/find.py": "from shipit_find import WHERE\n"},
    )
    _, report = run(shop, capsys, "docs/find.md", "--all")
    assert [(f["reference"], f["stale"], f["confidence"]) for f in report["findings"]] == [
        ("SHIPIT_FIND_DIR", False, "medium")
    ]
    assert "dependency" in report["findings"][0]["reason"]


def test_code_taken_out_while_a_manifest_changes_otherwise_is_still_stale(shop, capsys):
    """A version bump, a new classifier or a dependency's line rewritten in place (a new
    bound, an extra renamed) in the same commit is no dependency coming in."""
    project = (
        '[project]\nname = "shipit"\nversion = "1.0"\nclassifiers = [\n  "Typing :: Typed",\n]\n'
        'dependencies = [\n  "pypiserver[cache]>=2",\n]\n'
    )
    shop.commit(
        "finder",
        **{
            "pyproject.toml": project,
            "docs/find.md": "The ``SHIPIT_FIND_DIR`` environment variable says where to look.\n",
            "shipit/find.py": 'import os\nWHERE = os.environ.get("SHIPIT_FIND_DIR")\n',
        },
    )
    bumped = (
        project.replace("1.0", "2.0")
        .replace('  "Typing', '  "Private :: Do Not Upload",\n  "Typing')
        .replace('"pypiserver[cache]>=2"', '"pypiserver-v2[cache]>=3"')
    )
    shop.commit(
        "find: no more directory setting",
        **{"pyproject.toml": bumped, "shipit/find.py": "WHERE = '.'\n"},
    )
    _, report = run(shop, capsys, "docs/find.md")
    assert stale(report) == {("SHIPIT_FIND_DIR", "removed")}


def test_a_name_only_tests_spelled_is_no_evidence_against_the_docs(shop, capsys):
    """pytest's docs show ``pytest mypkg`` (a package to test, not a subcommand); a test once
    ran ``main(["mypkg"])`` and a later commit took that test out. Tests use names; only the
    code itself declares its commands, flags and variables."""
    shop.commit(
        "docs and a test",
        **{
            "docs/run.md": "```sh\nshipit mypkg\n```\n\nOr set `SHIPIT_FAKE_CLOCK`.\n",
            "tests/test_run.py": (
                "def test_run(monkeypatch):\n"
                '    monkeypatch.setenv("SHIPIT_FAKE_CLOCK", "1")\n'
                '    main(["mypkg"])\n'
            ),
        },
    )
    shop.git("rm", "-q", "tests/test_run.py")
    shop.commit("drop an old test")
    _, report = run(shop, capsys, "docs/run.md", "--all")
    assert not [f for f in report["findings"] if f["stale"]]


def test_a_name_the_code_declared_is_stale_though_tests_spelled_it_too(shop, capsys):
    shop.commit(
        "sweep",
        **{
            "docs/sweep.md": "```sh\nshipit sweep\n```\n",
            "shipit/sweep.py": '@cli.command("sweep")\ndef sweep(): ...\n',
            "tests/test_sweep.py": 'def test_sweep():\n    main(["sweep"])\n',
        },
    )
    shop.git("rm", "-q", "shipit/sweep.py", "tests/test_sweep.py")
    sha = shop.commit("drop sweep")
    _, report = run(shop, capsys, "docs/sweep.md")
    assert stale(report) == {("shipit sweep", "removed")}
    assert report["findings"][0]["evidence"]["commit"] == sha


@pytest.mark.parametrize(
    "fragment",
    [
        "changelog/2574.bugfix",
        "news/1234.feature.rst",
        "news/+pep423-name-guard.bugfix.rst",
        "news/T_F.6.behavior.rst",
    ],
)
def test_a_changelog_fragment_named_as_an_example_is_not_stale(shop, capsys, fragment):
    """pytest's CONTRIBUTING says to write ``changelog/2574.bugfix``: a fragment of the next
    changelog, which every release consumes by design, named to show the pattern."""
    directory = fragment.split("/")[0]
    shop.commit(
        "fragment",
        **{
            "CONTRIBUTING.md": f"Write a changelog entry: `{fragment}`, with your issue number.\n",
            fragment: "Fixed it.\n",
            f"{directory}/README.md": "Fragments go here.\n",
        },
    )
    shop.git("rm", "-q", fragment)
    shop.commit("release 3.2.0: fragments consumed")
    _, report = run(shop, capsys, "CONTRIBUTING.md", "--all")
    assert report["findings"] == []


def test_a_removed_file_beside_fragments_that_is_no_fragment_is_still_stale(shop, capsys):
    shop.commit(
        "template",
        **{
            "CONTRIBUTING.md": "Start from `changelog/template.rst`.\n",
            "changelog/template.rst": "{{ name }}\n",
            "changelog/README.md": "Fragments go here.\n",
        },
    )
    shop.git("rm", "-q", "changelog/template.rst")
    shop.commit("no template")
    _, report = run(shop, capsys, "CONTRIBUTING.md")
    assert stale(report) == {("changelog/template.rst", "removed")}


@pytest.mark.parametrize(
    "subject",
    [
        'remove figleaf which now lives "outside"',
        "extract the coverage plugin into its own package",
        "move coverage support to a separate repository",
    ],
)
def test_a_flag_whose_code_went_to_live_elsewhere_is_not_called_stale(shop, capsys, subject):
    shop.commit(
        "coverage plugin",
        **{
            "docs/coverage.md": "```sh\nshipit failover --coverage\n```\n",
            "shipit/coverage.py": 'parser.add_option("--coverage")\n',
        },
    )
    shop.git("rm", "-q", "shipit/coverage.py")
    shop.commit(subject)
    _, report = run(shop, capsys, "docs/coverage.md", "--all")
    assert [(f["reference"], f["stale"], f["confidence"]) for f in report["findings"]] == [
        ("--coverage", False, "medium")
    ]


def test_a_flag_whose_code_was_replaced_by_the_library_the_commit_names_is_not_stale(shop, capsys):
    """python-openstackclient's ``osc-lib: api.auth`` replaced its auth options with
    ``from osc_lib.api.auth import *``: osc-lib still offers ``--os-tenant-name``."""
    shop.commit(
        "auth options",
        **{
            "docs/auth.md": "```sh\nshipit failover --os-tenant-name demo\n```\n",
            "shipit/auth.py": 'parser.add_argument("--os-tenant-name")\n',
        },
    )
    shop.commit("ship-lib: auth", **{"shipit/auth.py": "from ship_lib.auth import *  # noqa\n"})
    _, report = run(shop, capsys, "docs/auth.md", "--all")
    [finding] = report["findings"]
    assert (finding["reference"], finding["stale"], finding["confidence"]) == (
        "--os-tenant-name",
        False,
        "medium",
    )
    assert "ship_lib" in finding["reason"]


@pytest.mark.parametrize(
    ("subject", "stale"),
    [
        ("admin permissions depends on SHIPIT_ADMIN_ROLES", False),
        ("Remove SHIPIT_ADMIN_ROLES", True),
        ("tidy the settings", True),
    ],
)
def test_a_commit_that_names_the_setting_without_retiring_it_is_no_evidence_of_removal(
    shop, capsys, subject, stale
):
    """horizon's ``admin permissions depends on OPENSTACK_KEYSTONE_ADMIN_ROLES`` took the
    setting's last reads out of horizon: django_openstack_auth, a dependency, reads it."""
    shop.commit(
        "roles",
        **{
            "docs/settings.md": "Set `SHIPIT_ADMIN_ROLES` to the admin roles.\n",
            "shipit/roles.py": 'ROLES = os.environ.get("SHIPIT_ADMIN_ROLES")\n',
        },
    )
    shop.commit(subject, **{"shipit/roles.py": "ROLES = auth.admin_roles()\n"})
    _, report = run(shop, capsys, "docs/settings.md", "--all")
    assert [(f["reference"], f["stale"]) for f in report["findings"]] == [
        ("SHIPIT_ADMIN_ROLES", stale)
    ]


@pytest.mark.parametrize("clones", [True, False])
def test_a_path_that_went_to_the_repository_the_page_has_the_reader_clone(shop, capsys, clones):
    """manila's tempest page: "the tests are in the manila-tempest-plugin repository", ``git
    clone .../manila-tempest-plugin``, then ``manila_tempest_tests/config.py``, which left
    manila in "Remove in-tree tempest plugin": the plugin's path, not a stale one."""
    clone = "```sh\ngit clone https://example.org/shipit-tests-plugin\n```\n\n" if clones else ""
    shop.commit(
        "tests plugin",
        **{
            "docs/tests.md": f"{clone}Options are in `shipit_tests/config.py`.\n",
            "shipit_tests/config.py": "OPTS = []\n",
        },
    )
    shop.git("rm", "-q", "-r", "shipit_tests")
    shop.commit("Remove in-tree tests plugin")
    _, report = run(shop, capsys, "docs/tests.md", "--all")
    assert [(f["reference"], f["stale"]) for f in report["findings"]] == [
        ("shipit_tests/config.py", not clones)
    ]


def test_a_minified_bundle_taken_out_is_no_evidence(shop, capsys):
    """mkdocs changed highlight.js's minified build, one line holding ``"debug"`` among
    thousands of words: that says nothing about mkdocs' own flags."""
    words = ",".join(f'"w{i}"' for i in range(200))
    bundle = f'!function(e){{i=["charset","css","debug","extend",{words}]}}\n'
    shop.commit(
        "theme",
        **{
            "docs/logs.md": "```sh\nshipit failover --debug\n```\n",
            "shipit/theme/js/highlight.pack.js": bundle,
            "shipit/theme/js/app.js": bundle,
        },
    )
    rebuilt = bundle.replace('"debug",', "")
    shop.commit(
        "theme: a newer highlight.js",
        **{"shipit/theme/js/highlight.pack.js": rebuilt, "shipit/theme/js/app.js": rebuilt},
    )
    _, report = run(shop, capsys, "docs/logs.md", "--all")
    assert [f["status"] for f in report["findings"] if f["reference"] == "--debug"] == [
        "unresolved"
    ]


def test_a_nested_key_holds_while_the_code_reads_it_part_by_part(shop, capsys):
    """mkdocs' docs name ``theme.custom_dir``; the code reads ``config["theme"]`` and then
    ``theme_config["custom_dir"]``. A commit took the dotted spelling out of a message."""
    shop.commit(
        "theme",
        **{
            "docs/theme.md": "Set `theme.custom_dir` in `shipit.yml`.\n",
            "shipit.yml": "theme: {}\n",
            "shipit/theme.py": (
                'theme = config["theme"]\nDIR = theme.get("custom_dir")\n'
                'HELP = "see theme.custom_dir"\n'
            ),
        },
    )
    shop.commit(
        "theme: shorter help",
        **{"shipit/theme.py": 'theme = config["theme"]\nDIR = theme.get("custom_dir")\n'},
    )
    _, report = run(shop, capsys, "docs/theme.md")
    assert stale(report) == set()
    shop.commit("theme: no custom directory", **{"shipit/theme.py": 'theme = config["theme"]\n'})
    _, report = run(shop, capsys, "docs/theme.md", "--all")
    assert ("theme.custom_dir", "removed") in {
        (f["reference"], f["status"]) for f in report["findings"]
    }


def test_a_key_the_code_spells_quoted_holds_beside_a_variable_named_for_it(shop, capsys):
    """pdm's table names ``venv.in_project`` and ``PDM_VENV_IN_PROJECT``; the variable makes
    ``"venv.in_project"`` a needle too, and git grep -o, which reports no overlapping matches,
    gave only the quoted one: the key looked absent and an old commit's removal made it stale."""
    shop.commit(
        "config",
        **{
            "docs/config.md": (
                "| `venv.in_project` | Make the venv in the project | `SHIPIT_VENV_IN_PROJECT` |\n"
            ),
            "shipit/config.py": (
                'DEFAULTS = {"venv.in_project": False}\nIN = config["venv.in_project"]\n'
            ),
        },
    )
    shop.commit("config: no defaults", **{"shipit/config.py": 'IN = config["venv.in_project"]\n'})
    _, report = run(shop, capsys, "docs/config.md")
    assert ("venv.in_project", "removed") not in stale(report)


def test_a_page_the_docs_build_writes_holds_when_its_directory_ignores_it_by_name(shop, capsys):
    """pdm took docs/reference/cli.md out of git when its docs build began writing it, and
    docs/reference/.gitignore names it: links to it work in the built site."""
    shop.commit(
        "docs",
        **{
            "docs/usage.md": "Run [`shipit failover`](reference/cli.md#failover).\n",
            "docs/reference/cli.md": "# CLI\n",
            "docs/reference/api.md": "# API\n",
        },
    )
    shop.git("rm", "-q", "docs/reference/cli.md")
    shop.commit(
        "docs: generate the CLI reference",
        **{"docs/reference/.gitignore": "/cli.md\n", "tasks/cli.md.in": "# CLI\n"},
    )
    _, report = run(shop, capsys, "docs/usage.md")
    assert stale(report) == set()


def test_a_page_removed_beside_a_wildcard_ignore_is_still_stale(shop, capsys):
    shop.commit(
        "docs",
        **{
            "docs/usage.md": "See [the guide](reference/guide.md).\n",
            "docs/reference/guide.md": "# Guide\n",
            "docs/reference/api.md": "# API\n",
        },
    )
    shop.git("rm", "-q", "docs/reference/guide.md")
    shop.commit("docs: no guide", **{"docs/reference/.gitignore": "*.md.bak\n_build/\n"})
    _, report = run(shop, capsys, "docs/usage.md")
    assert stale(report) == {("reference/guide.md", "removed")}


def test_a_built_manual_taken_out_is_no_evidence(shop, capsys):
    """pyinstaller kept its manual built as doc/Manual.html; removing it took out a line naming
    Django's ``django.core.management.find_commands``, which says nothing of pyinstaller."""
    shop.commit(
        "manual",
        **{
            "docs/django.md": "Hidden imports come from `django.core.management.find_commands`.\n",
            "doc/Manual.html": '<tt class="literal">"django.core.management.find_commands"</tt>\n',
        },
    )
    shop.git("rm", "-q", "doc/Manual.html")
    shop.commit("remove the built manual")
    _, report = run(shop, capsys, "docs/django.md", "--all")
    assert report["findings"] == []


def test_a_file_name_in_a_code_span_is_no_configuration_key():
    from countersign.facts.docs.extract import Vocabulary, references

    found = references(
        "docs/spec.md", "The data file `help_data.txt` is not included.\n", Vocabulary()
    )
    assert found == ()


def test_a_link_is_judged_from_its_documents_directory_not_the_root(shop, capsys):
    """ansible-lint's schemas/README.md (copied from another repository) links LICENSE and
    CONTRIBUTING.md, which were never beside it; the root's files of those names moving away
    is no evidence against those links. A page beside it that went is."""
    shop.commit(
        "schemas",
        **{
            "LICENSE": "MIT\n",
            "CONTRIBUTING.md": "# Contributing\n",
            "shipit/schemas/README.md": (
                "[MIT](LICENSE), see [how to help](CONTRIBUTING.md) and [the list](list.md).\n"
            ),
            "shipit/schemas/list.md": "# List\n",
        },
    )
    shop.git("mv", "LICENSE", "docs/LICENSE.mit.txt")
    shop.git("rm", "-q", "CONTRIBUTING.md", "shipit/schemas/list.md")
    shop.commit("licenses and contributing moved into the docs")
    _, report = run(shop, capsys, "shipit/schemas/README.md")
    assert stale(report) == {("list.md", "removed")}


def test_a_variable_derived_from_a_configuration_key_holds_while_the_key_does(shop, capsys):
    shop.commit(
        "config",
        **{
            "docs/config.md": "Set `SHIPIT_CANARY_REGION` to pick the canary's region.\n",
            "shipit/config.py": 'import os\nREGION = os.environ.get("SHIPIT_CANARY_REGION")\n',
        },
    )
    derive = (
        'def env_name(key):\n    return "SHIPIT_" + key.upper().replace(".", "_")\n\n'
        'config.get("canary.region")\n'
    )
    shop.commit("config: every key has its variable", **{"shipit/config.py": derive})
    _, report = run(shop, capsys, "docs/config.md")
    assert stale(report) == set()


def test_a_link_to_a_built_page_holds_while_its_source_does(shop, capsys):
    shop.commit(
        "docs",
        **{
            "docs/plugins.rst": "Plugins\n=======\n",
            "docs/links.rst": ".. _`plugins`: plugins.html\n\nSee `plugins`_.\n",
            "docs/plugins.html": "<html/>",
        },
    )
    shop.git("rm", "-q", "docs/plugins.html")
    shop.commit("built pages are not kept")
    _, report = run(shop, capsys, "docs/links.rst", "--all")
    assert report["findings"] == []


def _drop(repo, spec: str) -> None:
    sha = repo.git("rev-parse", spec)
    (repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()


def test_a_damaged_history_is_read_past_and_its_gap_is_said(shop, capsys):
    """A mirror missing a blob used to stop the check with git's error (exit 4); what can be
    read still is, and the output names the commits it could not read."""
    gone = shop.commit(
        "no canary", **{"shipit/cli.py": CLI.replace("def start_canary(): ...\n", "")}
    )
    shop.commit("tool", **{"shipit/tool.py": "lost = 1\n"})
    damaged = shop.commit("tool 2", **{"shipit/tool.py": "lost = 2\n"})
    shop.git("rm", "-q", "scripts/failover.sh")
    removal = shop.commit("drop the failover script")
    _drop(shop, f"{damaged}:shipit/tool.py")
    code, report = run(shop, capsys)
    assert code == 1
    assert ("../scripts/failover.sh", "removed") in stale(report)
    assert ("start_canary()", "removed") in stale(report)  # found past the damaged commit
    evidence = {f["evidence"]["commit"] for f in report["findings"] if f["evidence"]}
    assert evidence == {removal, gone}
    assert report["unreadable_commits"] == [damaged]  # its patch needs the missing blob
    main(["docs", "check", "-C", str(shop.path)])
    text = capsys.readouterr().out
    assert "warning: 1 commit of the history could not be read (objects missing" in text
    assert f"first {damaged[:9]}" in text


def test_a_missing_tree_in_history_is_listed_past(shop, capsys):
    """git log stops its whole walk at a commit whose tree is gone; the listing then goes
    commit by commit."""
    old = shop.commit("tool", **{"shipit/extra/tool.py": "x = 1\n"})
    shop.commit("tool 2", **{"shipit/extra/tool.py": "x = 2\n"})
    shop.git("rm", "-q", "scripts/failover.sh")
    removal = shop.commit("drop the failover script")
    _drop(shop, f"{old}:shipit/extra")
    code, report = run(shop, capsys)
    assert code == 1
    assert ("../scripts/failover.sh", "removed") in stale(report)
    assert {f["evidence"]["commit"] for f in report["findings"] if f["evidence"]} == {removal}
    assert report["unreadable_commits"]


def test_an_undamaged_repository_says_nothing_of_unreadable_commits(shop, capsys):
    _, report = run(shop, capsys)
    assert report["unreadable_commits"] == []
    main(["docs", "check", "-C", str(shop.path)])
    assert "warning" not in capsys.readouterr().out


def _drop_force_promote(shop):
    cli = CLI.replace("@click.option('--force-promote', is_flag=True)\n", "")
    return shop.commit("failover: drop it", **{"shipit/cli.py": cli.replace("force_promote, ", "")})


def test_a_line_written_after_its_referent_was_removed_is_not_called_stale(shop, capsys):
    """A note telling of the removal, or a line about another program's flag of that name,
    came to name it only once it was gone: no document spoke of it while the code had it. It
    is listed, not called stale."""
    dry = CLI.replace(
        "@click.option('--region')\n", "@click.option('--region')\n@click.option('--dry-run')\n"
    )
    shop.commit("failover: dry runs", **{"shipit/cli.py": dry})
    shop.commit("failover: no dry runs", **{"shipit/cli.py": CLI})
    shop.commit(
        "docs: ops page",
        **{"docs/ops.md": "# Ops\n\n```sh\nshipit failover --dry-run\n```\n"},
    )
    code, report = run(shop, capsys, "docs/ops.md", "--all")
    [finding] = report["findings"]
    assert (finding["reference"], finding["confidence"], finding["stale"]) == (
        "--dry-run",
        "medium",
        False,
    )
    assert "written after" in finding["reason"]
    assert code == 0


def test_a_page_split_off_after_the_removal_keeps_the_old_knowledge_stale(shop, capsys):
    """tox's docs moved a FAQ answer to a new how-to page after the variable was renamed: the
    page is new, the knowledge is not. A document named the flag while the code had it."""
    _drop_force_promote(shop)
    shop.git("rm", "-q", "docs/runbook.md")
    shop.commit("docs: split", **{"docs/how-to/failover.md": RUNBOOK})
    _, report = run(shop, capsys, "docs/how-to/failover.md")
    assert stale(report) == {("--force-promote", "removed")}


def test_a_line_edited_after_the_removal_that_named_it_before_is_still_stale(shop, capsys):
    """pdm renamed a setting's key and variable; the next day's docs update renamed the key in
    the table row and left the old variable beside it. The page named it before the rename:
    it fell behind, whatever the last edit of the line."""
    _drop_force_promote(shop)
    shop.commit(
        "docs: clearer",
        **{"docs/runbook.md": RUNBOOK.replace("--region eu", "--region eu-west")},
    )
    _, report = run(shop, capsys, "docs/runbook.md")
    assert stale(report) == {("--force-promote", "removed")}


def test_a_line_reflowed_after_the_removal_is_still_stale(shop, capsys):
    """Only writing counts: re-indenting the old line (whitespace) does not make it new."""
    _drop_force_promote(shop)
    shop.commit(
        "docs: indent",
        **{"docs/runbook.md": RUNBOOK.replace("shipit failover", "  shipit failover")},
    )
    _, report = run(shop, capsys, "docs/runbook.md")
    assert stale(report) == {("--force-promote", "removed")}


def test_the_commit_that_removes_the_referent_and_writes_the_line_leaves_it_stale(shop, capsys):
    """Docs rewritten in the same commit that took the flag away, still naming it: stale."""
    cli = CLI.replace("@click.option('--force-promote', is_flag=True)\n", "")
    shop.commit(
        "failover: drop it, rewrite the runbook",
        **{
            "shipit/cli.py": cli.replace("force_promote, ", ""),
            "docs/runbook.md": RUNBOOK.replace("--region eu", "--region us"),
        },
    )
    _, report = run(shop, capsys, "docs/runbook.md")
    assert stale(report) == {("--force-promote", "removed")}


def test_a_target_of_the_makefile_the_project_writes_for_its_readers_holds(shop, capsys):
    """A site generator's docs tell the reader to ``make publish`` in the site it generated:
    the target is in the repository's Makefile template, not in its own Makefile."""
    shop.commit(
        "quickstart template",
        **{
            "shipit/templates/Makefile.jinja2": "publish:\n\t{{ cmd }} -o output\n",
            "docs/publish.md": "Then run:\n\n```sh\nmake publish\n```\n",
        },
    )
    _, report = run(shop, capsys, "docs/publish.md", "--all")
    assert report["findings"] == []


def test_a_make_target_is_stale_only_by_the_commit_that_took_its_rule_out(shop, capsys):
    """The word ``serve`` leaving a Python file says nothing of the Makefile: the evidence is
    the commit that removed the rule (here, deleting the docs' Makefile)."""
    shop.commit(
        "docs makefile",
        **{
            "docs/Makefile": "serve:\n\tpython -m http.server\n",
            "shipit/serve.py": "def serve(): ...\n",
            "docs/build.md": "Preview with `make serve`.\n",
        },
    )
    shop.git("rm", "-q", "docs/Makefile")
    removal = shop.commit("docs: drop the sphinx makefile")
    shop.commit("no serve", **{"shipit/serve.py": "def run(): ...\n"})
    _, report = run(shop, capsys, "docs/build.md")
    [finding] = report["findings"]
    assert (finding["reference"], finding["stale"]) == ("make serve", True)
    assert finding["evidence"]["commit"] == removal


def test_a_target_named_only_outside_a_rule_is_not_called_stale(shop, capsys):
    shop.commit(
        "docs", **{"shipit/tasks.py": "STEPS = ['lint']\n", "docs/dev.md": "Run `make lint`.\n"}
    )
    shop.commit("no lint", **{"shipit/tasks.py": "STEPS = []\n"})
    _, report = run(shop, capsys, "docs/dev.md", "--all")
    assert [(f["reference"], f["status"], f["stale"]) for f in report["findings"]] == [
        ("make lint", "unresolved", False)
    ]


def test_make_run_after_cd_to_another_place_is_not_the_repositorys(shop, capsys):
    """``cd /usr/ports/security/shipit && make install clean`` is the ports tree's Makefile."""
    shop.commit(
        "docs",
        **{
            "docs/install.md": "* Port: `cd /usr/ports/security/shipit && make install clean`\n"
            "* Here: `cd docs && make smoke-docs`\n"
        },
    )
    _, report = run(shop, capsys, "docs/install.md", "--all")
    assert [f["reference"] for f in report["findings"]] == ["make smoke-docs"]


def test_a_path_into_a_submodule_holds(shop, capsys, tmp_path):
    """``tests/pypi`` became a submodule: its files live in another repository, so the tree
    lists a gitlink there, not the files a document names under it."""
    shop.commit(
        "fixtures", **{"tests/pypi/six/six.whl": "x", "docs/dev.md": "See `tests/pypi/six`.\n"}
    )
    shop.git("rm", "-q", "-r", "tests/pypi")
    shop.commit("fixtures: out")
    sub = shop.git("rev-parse", "HEAD")
    shop.git("update-index", "--add", "--cacheinfo", f"160000,{sub},tests/pypi")
    shop.git("commit", "-q", "-m", "fixtures: as a submodule")  # not ``add -A``: no checkout
    assert "160000 commit" in shop.git("ls-tree", "HEAD", "tests/pypi")
    _, report = run(shop, capsys, "docs/dev.md", "--all")
    assert report["findings"] == []


def test_a_per_platform_variable_holds_while_its_base_is_read(shop, capsys):
    """``SHIPIT_TOKEN_LINUX`` is built from ``SHIPIT_TOKEN`` and the platform: the schema's
    copy of it going away is no evidence while the code still reads the base."""
    schema = '{"SHIPIT_TOKEN_LINUX": {}, "SHIPIT_TOKEN_MACOS": {}}\n'
    shop.commit(
        "schema",
        **{"shipit/schema.json": schema, "docs/env.md": "Set `SHIPIT_TOKEN_LINUX` on Linux.\n"},
    )
    shop.commit("schema: refs, not copies", **{"shipit/schema.json": "{}\n"})
    _, report = run(shop, capsys, "docs/env.md", "--all")
    assert report["findings"] == []
    cli = CLI.replace("TOKEN = os.environ['SHIPIT_TOKEN']\n", "")
    shop.commit("no token", **{"shipit/cli.py": cli})
    _, report = run(shop, capsys, "docs/env.md", "--all")
    assert [f["reference"] for f in report["findings"]] == ["SHIPIT_TOKEN_LINUX"]


def test_a_path_the_repository_did_not_have_when_the_line_was_written_is_not_stale(shop, capsys):
    """The docs told readers of *their* ``.config/shipit.yml``; the project later kept one of
    its own for a while. Its removal is no evidence against the line, which never meant it."""
    shop.commit("docs", **{"docs/config.md": "Put `.config/shipit.yml` in your project.\n"})
    shop.commit("own config", **{".config/shipit.yml": "region: eu\n"})
    shop.git("rm", "-q", ".config/shipit.yml")
    shop.commit("own config: out")
    _, report = run(shop, capsys, "docs/config.md", "--all")
    [finding] = report["findings"]
    assert (finding["reference"], finding["stale"]) == (".config/shipit.yml", False)
    assert "not in the repository when this line was written" in finding["reason"]
    # a line written while the file was there is stale once it goes
    shop.commit("again", **{".config/shipit.yml": "region: eu\n"})
    shop.commit("docs", **{"docs/ops.md": "Edit `.config/shipit.yml`.\n"})
    shop.git("rm", "-q", ".config/shipit.yml")
    shop.commit("out again")
    _, report = run(shop, capsys, "docs/ops.md")
    assert stale(report) == {(".config/shipit.yml", "removed")}


def test_an_installed_packages_docs_kept_as_test_data_and_builtins_methods_are_not_ours(
    shop, capsys
):
    meta = "tests/data/site-packages/PyJWT-1.6.4.dist-info/DESCRIPTION.rst"
    shop.commit(
        "fixtures",
        **{
            meta: "Run ``shipit failover --force-promote``.\n",
            "shipit/text.py": "class Text:\n    def __str__(self): ...\n",
            "docs/text.md": "Otherwise the result of `object.__str__()`.\n",
        },
    )
    cli = CLI.replace("@click.option('--force-promote', is_flag=True)\n", "")
    shop.commit(
        "drop",
        **{"shipit/cli.py": cli.replace("force_promote, ", ""), "shipit/text.py": "pass\n"},
    )
    _, report = run(shop, capsys, "--all")
    assert {f["doc"] for f in report["findings"]} == {"docs/runbook.md"}


def test_as_of_judges_another_projects_tool_as_on_that_day(shop, capsys):
    shop.commit("docs: venv", **{"docs/venv.md": "```sh\nvirtualenv --no-site-packages env\n```\n"})
    code, report = run(shop, capsys)
    assert code == 1
    assert stale(report) == {("virtualenv --no-site-packages", "removed")}
    code, report = run(shop, capsys, "--as-of", "2012-03-29")
    assert code == 0
    assert stale(report) == set()
    code = main(["docs", "check", "-C", str(shop.path), "--as-of", "29/03/2012"])
    assert code == 3
    assert "Invalid value for '--as-of'" in capsys.readouterr().err
