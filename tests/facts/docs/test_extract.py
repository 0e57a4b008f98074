import pytest

from countersign.facts.docs import Kind
from countersign.facts.docs.extract import Vocabulary, own_commands, project_names, references

VOCAB = Vocabulary(commands=frozenset({"shipit"}), make=True, package_scripts=True)


def refs(text: str, path: str = "docs/runbook.md", vocab: Vocabulary = VOCAB):
    return [(r.kind, r.text) for r in references(path, text, vocab)]


def test_a_shell_block_yields_the_command_its_subcommand_and_flags():
    text = "Fail over:\n\n```sh\nshipit failover --force-promote --region=eu\n```\n"
    assert refs(text) == [
        (Kind.COMMAND, "shipit failover"),
        (Kind.FLAG, "--force-promote"),
        (Kind.FLAG, "--region"),
    ]


def test_a_console_block_reads_prompted_lines_and_skips_what_commands_printed():
    text = "```console\n$ shipit status\nreformatted scripts/old.py\n```\n"
    assert refs(text) == [(Kind.COMMAND, "shipit status")]


def test_code_in_another_language_is_not_advice_about_the_repository():
    text = "```python\nimport os\nos.environ['OLD_TOKEN_NAME']\nrun('scripts/deploy.sh')\n```\n"
    assert refs(text) == []


def test_inline_spans_name_paths_env_vars_functions_and_keys():
    text = (
        "Edit `config/app.yaml`, set `DEPLOY_TOKEN`, call `rollout.start_canary()` and "
        "tune `retry.max_attempts`.\n"
    )
    assert refs(text) == [
        (Kind.PATH, "config/app.yaml"),
        (Kind.ENV, "DEPLOY_TOKEN"),
        (Kind.SYMBOL, "rollout.start_canary()"),
        (Kind.CONFIG_KEY, "retry.max_attempts"),
    ]


def test_a_standalone_flag_counts_only_beside_the_repositorys_own_command():
    assert refs("Run `shipit` with `--dry-run` first.\n") == [
        (Kind.FLAG, "--dry-run"),
    ]
    assert refs("Pass `--dry-run` to git.\n") == []


def test_placeholders_urls_and_absolute_paths_are_not_references():
    text = "Put it in `path/to/<file>`, `your/dir/x.py`, `/etc/hosts` or https://example.org/a/b.\n"
    assert refs(text) == []


def test_links_to_repository_files_are_path_references():
    text = "See [the script](../scripts/run.sh) and [home](https://example.org).\n"
    found = references("docs/a.md", text, VOCAB)
    assert [(r.kind, r.needle, r.link) for r in found] == [(Kind.PATH, "../scripts/run.sh", True)]


def test_make_targets_and_package_scripts():
    text = "```sh\nmake test-all\nnpm run lint:fix\nyarn build\n```\n"
    assert refs(text) == [
        (Kind.MAKE_TARGET, "make test-all"),
        (Kind.SCRIPT, "npm lint:fix"),
        (Kind.SCRIPT, "yarn build"),
    ]


def test_environment_assignments_before_a_command_are_env_references():
    text = "```sh\nSHIPIT_REGION=eu shipit deploy\n```\n"
    assert (Kind.ENV, "SHIPIT_REGION=eu") in refs(text)


def test_restructuredtext_code_blocks_and_literals():
    text = (
        "Run::\n\n    shipit deploy --canary\n\n"
        ".. code-block:: python\n\n    shipit_api.call()\n\n"
        "Then read ``deploy/notes.yaml``.\n"
    )
    assert refs(text, "docs/ops.rst") == [
        (Kind.COMMAND, "shipit deploy"),
        (Kind.FLAG, "--canary"),
        (Kind.PATH, "deploy/notes.yaml"),
    ]


def test_asciidoc_source_blocks():
    text = "[source,bash]\n----\nshipit rollback --to-previous\n----\n\n[source,java]\n----\nx/y.java\n----\n"
    assert refs(text, "docs/ops.adoc") == [
        (Kind.COMMAND, "shipit rollback"),
        (Kind.FLAG, "--to-previous"),
    ]


def test_own_commands_come_from_the_manifests():
    files = {
        "pyproject.toml": '[project.scripts]\nshipit = "shipit.cli:main"\n[project.urls]\nGitHub = "https://x"\n',
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    legacy-tool = pkg.mod:main\n"
        "project_urls =\n    Docs = https://x\n",
        "web/package.json": '{"name": "@org/webctl", "bin": "cli.js"}',
    }
    paths = ["cmd/opsd/main.go", "cmd/README.md"]
    assert own_commands(files, paths) == {"shipit", "legacy-tool", "webctl", "opsd"}


def test_plugin_entry_points_are_no_commands():
    """manila's setup.cfg registers ``manila = manila.opts:list_opts`` under
    ``oslo.config.opts``: a plugin, so ``$ manila reset-state`` (python-manilaclient's program)
    is not judged against manila's code."""
    cfg = (
        "[entry_points]\nconsole_scripts =\n    manila-api = manila.cmd.api:main\n"
        "oslo.config.opts =\n    manila = manila.opts:list_opts\n"
        "[options.entry_points]\ngui_scripts = viewer = manila.gui:main\n"
    )
    setup = (
        "setup(entry_points={'console_scripts': ['tool = pkg.cli:main'],\n"
        "    'pkg.plugins': ['other = pkg.plugin:Plugin']})\n"
    )
    assert own_commands({"setup.cfg": cfg}) == {"manila-api", "viewer"}
    assert own_commands({"setup.py": setup}) == {"tool"}


def test_make_options_and_their_values_are_not_targets():
    assert refs("```sh\nmake -f docker.Makefile -j 4 VERSION=1 binary\n```\n") == [
        (Kind.MAKE_TARGET, "make binary")
    ]


def test_my_and_your_names_are_placeholders():
    assert refs("Name it after the handler (e.g. `MY_FALLBACK_HANDLER`).\n") == []
    assert refs("Set `YOUR_API_TOKEN` first.\n") == []
    assert refs("Set `SHIPIT_TOKEN` first.\n") == [(Kind.ENV, "SHIPIT_TOKEN")]


def test_a_function_the_document_defines_in_its_own_example_is_not_a_reference():
    text = (
        "Finally, we write our `parse_category()` method:\n\n"
        "```python\ndef parse_category(self, response):\n    ...\n```\n\n"
        "It calls `start_canary()`.\n"
    )
    assert refs(text) == [(Kind.SYMBOL, "start_canary()")]


def test_a_bare_file_role_names_a_kind_of_file_and_a_path_in_it_is_a_path():
    assert refs("Names in :file:`middlewares.py` are conventions.\n", "docs/x.rst") == []
    assert set(refs("Edit :file:`shipit/settings.py`.\n", "docs/x.rst")) == {
        (Kind.PATH, "shipit/settings.py")
    }


def test_a_version_note_records_what_changed_then():
    rst = (
        ".. versionadded:: 0.10\n   ``JSON_AS_ASCII``, ``JSON_SORT_KEYS``\n\n"
        ".. versionchanged:: 1.0\n    ``LOGGER_NAME`` was taken out.\n\n"
        "    Added :data:`ENV` to reflect :envvar:`FLASK_ENV`.\n\n"
        "Set ``SHIPIT_TOKEN``.\n"
    )
    assert refs(rst, "docs/config.rst") == [(Kind.ENV, "SHIPIT_TOKEN")]


def test_a_function_defined_in_a_literal_block_is_the_documents_own():
    rst = (
        "Finally, we can write our ``parse_category()`` method::\n\n"
        "    def parse_category(self, response):\n        pass\n\n"
        "It calls ``start_canary()``.\n"
    )
    assert refs(rst, "docs/tutorial.rst") == [(Kind.SYMBOL, "start_canary()")]


def test_a_constant_the_documents_example_sets_is_its_own():
    text = (
        "```python\nUPLOAD_FOLDER = '/srv/uploads'\nALLOWED_EXTENSIONS = {'png'}\n```\n\n"
        "`ALLOWED_EXTENSIONS` is the set of allowed file extensions; set `SHIPIT_TOKEN` too.\n"
    )
    assert refs(text) == [(Kind.ENV, "SHIPIT_TOKEN")]


def test_restructuredtext_names_are_not_code():
    rst = (
        ".. _`pytest/plugin`: http://bitbucket.org/pytest-dev/pytest/src/tip/pytest/plugin/\n"
        ".. _`runbook`: ops/failover.sh\n"
        "See more details in the `shipit collective`_.\n"
        "See :ref:`shipit vs python -m shipit` for the difference.\n"
        "This factory does not need to call ``start_canary()`` anymore.\n"
        "Run ``shipit deploy``.\n"
    )
    vocab = Vocabulary(commands=frozenset({"shipit"}))
    assert set(refs(rst, "docs/x.rst", vocab)) == {
        (Kind.PATH, "ops/failover.sh"),
        (Kind.COMMAND, "shipit deploy"),
    }


def test_some_names_are_placeholders():
    assert refs("Run the tests of a module (e.g. ``some_module.test_suite``).\n") == []


def test_a_path_named_as_an_example_is_the_readers_file():
    """pypa/build's docs show ``Example .github/workflows/build.yml:`` for the reader's repo."""
    assert refs("Example ``.github/workflows/build.yml``:\n", "docs/tools.rst") == []
    assert refs("For example, it includes `hooks/hook-distutils.py`.\n") == [
        (Kind.PATH, "hooks/hook-distutils.py")
    ]
    assert refs("The job is in `ci/build.yml`.\n") == [(Kind.PATH, "ci/build.yml")]


def test_cd_into_the_repository_keeps_its_path_and_cd_elsewhere_drops_the_line():
    assert refs("```sh\ncd scripts/deploy && make all\n```\n") == [
        (Kind.PATH, "scripts/deploy"),
        (Kind.MAKE_TARGET, "make all"),
    ]
    assert refs("```sh\ncd /usr/ports/x/y && make install\n```\n") == []


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("docs/a.md", "See [the guide](docs/guide.md) first.\n"),
        ("docs/a.md", "[guide]: docs/guide.md\n"),
        ("docs/a.rst", "See `the guide <docs/guide.rst>`_ first.\n"),
        ("docs/a.rst", "See :doc:`docs/guide` first.\n"),
        ("docs/a.rst", "Get :download:`docs/guide.pdf` first.\n"),
        ("docs/a.adoc", "See link:docs/guide.adoc[the guide] first.\n"),
    ],
)
def test_each_markups_links_are_read(path, line):
    """Links are looked for only on lines holding what every link of that markup holds."""
    links = [r.needle for r in references(path, line, VOCAB) if r.kind is Kind.PATH and r.link]
    assert len(links) == 1
    assert links[0].startswith("docs/guide")


@pytest.mark.parametrize(
    "text",
    [
        "2. Create `hypothesis/RELEASE.rst` with `RELEASE_TYPE: patch`.\n",
        "Create a new file called `docs/notes/next.md` for your change.\n",
        "```sh\nmkdir -p build/out && touch news/12.bugfix\n```\n",
    ],
)
def test_a_path_the_reader_is_told_to_create_is_not_a_reference(text):
    assert [r for r in refs(text, "CONTRIBUTING.md") if r[0] is Kind.PATH] == []


def test_a_path_named_beside_create_but_not_created_is_read():
    assert (Kind.PATH, "docs/conf.py") in refs("Edit `docs/conf.py` to create a theme.\n")


def test_a_subcommand_the_page_defines_is_its_own_example():
    """invoke's docs define the reader's task, then run it."""
    vocab = Vocabulary(commands=frozenset({"invoke"}))
    page = "```python\n@task\ndef build(c):\n    c.run('make')\n```\n\nRun `invoke build`.\n"
    assert refs(page, "docs/tasks.md", vocab) == []
    assert refs("Run `invoke build`.\n", "docs/tasks.md", vocab) == [(Kind.COMMAND, "invoke build")]


def test_a_name_the_line_says_it_is_not_is_not_a_reference():
    """readthedocs: "(you should try to match `index.html`, not `docs/index.rst`)"."""
    line = "(you should try to match `site/index.html`, not `docs/index.rst`).\n"
    assert refs(line) == [(Kind.PATH, "site/index.html")]


def test_a_name_linked_to_another_sites_page_of_it_is_that_sites():
    """wagtail's settings page: Django's setting, with Django's page for it."""
    line = (
        "Must be one of the formats in the ``DATE_INPUT_FORMATS`` setting (see `DATE_INPUT_FORMATS "
        "<https://docs.djangoproject.com/en/stable/ref/settings/#std:setting-DATE_INPUT_FORMATS>`_).\n"
    )
    assert [r for r in refs(line, "docs/settings.rst") if r[0] is Kind.ENV] == []
    assert refs("Set ``SHIPIT_DATE_FORMATS`` (see https://example.org/).\n", "docs/s.rst") == [
        (Kind.ENV, "SHIPIT_DATE_FORMATS")
    ]


@pytest.mark.parametrize(
    ("fence", "found"),
    [
        ('``` { .python title="setup.py" }', []),  # mkdocs' attribute list: Python, not shell
        ("``` {.python file=docs/conf.py}", []),
        ("```{ .text }", []),
        ("``` {}", [(Kind.MAKE_TARGET, "make smoke")]),  # no language: an unmarked block
        ("```{r, echo=FALSE}", []),
        ("``` { .sh }", [(Kind.MAKE_TARGET, "make smoke")]),
    ],
)
def test_a_fences_info_string_in_any_form_names_its_language(fence, found):
    """setuptools_scm's docs open blocks with ``` { .python title="setup.py" }: reading the
    first word as ``{`` crashed the check with an IndexError."""
    assert refs(f"{fence}\nmake smoke\n```\n", "docs/usage.md") == found


def test_make_after_a_makefile_generator_runs_the_generated_makefile():
    """``perl Makefile.PL`` (or ``./configure``, ``cmake``) writes the Makefile the next lines
    run: its targets are that build's, not the repository's."""
    block = "```sh\n% perl Makefile.PL\n% make\n% make test\n```\n"
    assert [r for r in refs(block) if r[0] is Kind.MAKE_TARGET] == []
    configure = "```sh\n./configure --prefix=/opt && make check\n```\n"
    assert [r for r in refs(configure) if r[0] is Kind.MAKE_TARGET] == []
    # the repository's own Makefile, in a block with no generator, is still read
    own = "```sh\nmake test\n```\n\nThen:\n\n```sh\ncmake -B build\n```\n"
    assert (Kind.MAKE_TARGET, "make test") in refs(own)


def test_a_block_that_goes_into_another_repositorys_clone_runs_its_makefile():
    """heat's guide clones oz, ``pushd oz``, then ``make rpm``: oz's target, not heat's."""
    vocab = Vocabulary(commands=frozenset({"shipit"}), make=True, names=frozenset({"shipit"}))
    block = (
        "```sh\ngit clone -q https://github.com/clalancette/oz.git\npushd oz\n"
        "make rpm\n./scripts/package.sh\npopd\nmake install\n```\n"
    )
    found = refs(block, vocab=vocab)
    assert (Kind.MAKE_TARGET, "make rpm") not in found
    assert (Kind.MAKE_TARGET, "make install") in found  # back in the reader's checkout
    one_line = "```sh\ngit clone https://example.org/tool && cd tool && make check\n```\n"
    assert [r for r in refs(one_line, vocab=vocab) if r[0] is Kind.MAKE_TARGET] == []
    # an option's value is no operand: the clone's directory is the last operand
    valued = (
        "```sh\ngit clone -b stable --depth 1 https://example.org/tool t2\ncd t2\nmake x\n```\n"
    )
    assert [r for r in refs(valued, vocab=vocab) if r[0] is Kind.MAKE_TARGET] == []
    # a relative ``cd`` inside the clone stays in it
    deeper = "```sh\ngit clone https://example.org/tool\ncd tool\ncd docs\nmake html\n```\n"
    assert [r for r in refs(deeper, vocab=vocab) if r[0] is Kind.MAKE_TARGET] == []


def test_a_block_inside_another_repositorys_clone_sets_its_variables():
    """awx's guide clones awx-operator, exports ``IMAGE_TAG_BASE`` and runs its Makefile with
    ``IMG=${IMAGE_TAG_BASE}``: the other repository's variables; one the repository's own
    program is run with is still its own."""
    vocab = Vocabulary(commands=frozenset({"shipit"}), make=True, names=frozenset({"shipit"}))
    block = (
        "```sh\ngit clone https://github.com/org/tool-operator.git\ncd tool-operator\n"
        "export IMAGE_TAG_BASE=quay.io/me/tool-operator\n"
        "make docker-build docker-push IMG=${IMAGE_TAG_BASE}:latest\n"
        "SHIPIT_TOKEN=x shipit deploy\n```\n"
    )
    found = refs(block, vocab=vocab)
    assert [r for r in found if r[0] is Kind.ENV] == [(Kind.ENV, "SHIPIT_TOKEN=x")]


def test_a_clone_of_the_repository_itself_is_still_judged():
    vocab = Vocabulary(
        make=True, names=project_names({"setup.cfg": "[metadata]\nname = python-shipit\n"})
    )
    for url in ("https://opendev.org/org/python-shipit", "git@github.com:org/shipit.git"):
        block = f"```sh\ngit clone {url}\ncd {url.rsplit('/', 1)[-1].removesuffix('.git')}\nmake test\n```\n"
        assert (Kind.MAKE_TARGET, "make test") in refs(block, vocab=vocab), url


def test_project_names_are_read_from_each_kind_of_manifest():
    files = {
        "pyproject.toml": '[project]\nname = "alpha"\n',
        "b/setup.py": "setup(\n    name='beta',\n)\n",
        "c/package.json": '{"name": "@scope/gamma", "version": "1.0.0"}',
        "d/Cargo.toml": '[package]\nname = "delta"\n',
        "e/pyproject.toml": "not toml [",
    }
    assert project_names(files) == {"alpha", "beta", "gamma", "delta"}


def test_a_keys_value_in_a_configuration_table_is_no_variable():
    """heat's option tables: ``hmac_keys`` = ``SECRET_KEY`` is the option's default value."""
    row = "   * - ``hmac_keys`` = ``SECRET_KEY``\n     - (String) Secret key(s)\n"
    assert [r for r in refs(row, "docs/tables/common.rst") if r[0] is Kind.ENV] == []
    # the variable before ``=`` is still one
    assert (Kind.ENV, "SHIPIT_LEVEL") in refs("Set `SHIPIT_LEVEL` = `debug` to trace.\n")


def test_make_targets_of_the_readers_makefile_are_not_references():
    text = (
        "The default is ``make pyflakes``, which assumes you have a top-level :file:`Makefile` "
        "with a ``pyflakes`` target.\n"
    )
    assert refs(text, "docs/steps.rst") == []
    assert refs("Run `make lint` before you push.\n") == [(Kind.MAKE_TARGET, "make lint")]


def test_a_name_the_reader_is_told_to_replace_is_a_placeholder():
    text = (
        "In the examples below, replace the `N` parameter with the `id` of the job template\n"
        "and the `HOST_CONFIG_KEY` with the `host_config_key` associated with the\n"
        "job template.\n"
    )
    assert refs(text) == []
    # "with" alone, or a replacement told in another sentence, keeps the name
    assert refs("Start it with `SHIPIT_TOKEN` set.\n") == [(Kind.ENV, "SHIPIT_TOKEN")]
    assert refs("Replace the old file. Run `scripts/go.sh` with care.\n") == [
        (Kind.PATH, "scripts/go.sh")
    ]


def test_the_package_managers_own_commands_are_not_scripts():
    text = "```sh\nyarn upgrade bootstrap --latest\npnpm update\nyarn outdated\nyarn lint\n```\n"
    assert [r for r in refs(text) if r[0] is Kind.SCRIPT] == [(Kind.SCRIPT, "yarn lint")]


def test_a_devstack_meta_section_names_devstack_s_variable_not_the_repository_s():
    """``[[post-config|$CINDER_CONF]]`` in a ``local.conf``: devstack's name for the file it
    writes the section into; the repository's own code need not spell it."""
    for block in ("Add to ``local.conf``::", ".. code-block:: bash"):
        text = (
            f"{block}\n\n    [[local|localrc]]\n    SHIPIT_MODE=fast\n\n"
            "    [[post-config|$CINDER_CONF]]\n    [DEFAULT]\n    debug = True\n\n"
            "    echo $SHIPIT_TOKEN_PATH\n"
        )
        found = {r.needle for r in references("doc/source/devstack.rst", text, VOCAB)}
        assert "CINDER_CONF" not in found
        assert "SHIPIT_TOKEN_PATH" in found


def test_a_variable_the_block_computes_itself_is_the_document_s():
    """openstack-helm: ``HOST_IFACE=$(ip route | ... )`` then ``awk "/${HOST_IFACE}/ ..."``: the
    block sets the variable from a command it runs, so no code need read it; a variable
    merely used, or set to a plain value for the repository's programs, is still read."""
    text = (
        "::\n\n"
        "    HOST_IFACE=$(ip route | grep '^default' | awk '{ print $5 }')\n"
        '    LOCAL_IP=$(ip addr | awk "/inet/ && /${HOST_IFACE}/{print $2}")\n'
        "    echo ${SHIPIT_TOKEN}\n"
    )
    found = {r.needle for r in references("doc/source/install.rst", text, VOCAB)}
    assert "HOST_IFACE" not in found
    assert "SHIPIT_TOKEN" in found


def test_a_variable_the_block_sets_from_a_quoted_command_substitution_is_its_own():
    """velero's Azure page: ``AZURE_STORAGE_ACCOUNT_ID="velero$(uuidgen | cut -d '-' -f5)"``,
    then ``--name $AZURE_STORAGE_ACCOUNT_ID``: the reader's shell variable."""
    text = (
        "```bash\n"
        "SHIPIT_ACCOUNT_ID=\"shipit$(uuidgen | cut -d '-' -f5)\"\n"
        "az storage account create --name $SHIPIT_ACCOUNT_ID\n"
        "```\n"
    )
    assert refs(text) == []
