"""Decide, for each reference a document makes, whether it still holds at one revision, and if
not, what history says: the commit that removed it, or what it was renamed to.

A reference counts as *stale* only with evidence from history (the referent existed and a commit
removed or renamed it); an absent referent that history never had is *unresolved*, reported with
low confidence and only where the document plainly claims it (a link, this repository's own
command, a ``make`` target), since it may be a name from outside the repository.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from countersign.facts.docs import Finding, Kind, Reference, Status, tools
from countersign.intake.code_index import (
    FRAGMENT_DIRS,
    CodeIndex,
    Evidence,
    fragment,
    is_doc,
)
from countersign.intake.install_map import source_of

TOKEN_KINDS = frozenset({Kind.FLAG, Kind.COMMAND, Kind.ENV, Kind.SYMBOL, Kind.CONFIG_KEY})


@dataclass(frozen=True)
class History:
    """What history removed: for each deleted or renamed path, the newest commit that did it;
    for each needle no longer in the code, the newest commit that took a line holding it out."""

    paths: Mapping[str, Evidence] = field(default_factory=dict)
    tokens: Mapping[str, Evidence] = field(default_factory=dict)
    # (function, keyword) -> the newest commit that took the keyword out of its definitions
    keywords: Mapping[tuple[str, str], Evidence] = field(default_factory=dict)
    # make target -> the newest commit that took its rule out of a Makefile
    targets: Mapping[str, Evidence] = field(default_factory=dict)

    @cached_property
    def _dirs(self) -> dict[str, Evidence]:
        """For each directory that lost files, the newest removal under it."""
        newest: dict[str, Evidence] = {}
        for path, evidence in self.paths.items():
            parts = path.split("/")[:-1]
            for i in range(len(parts)):
                prefix = "/".join(parts[: i + 1])
                if prefix not in newest or evidence.date > newest[prefix].date:
                    newest[prefix] = evidence
        return newest

    def of_path(self, path: str) -> Evidence | None:
        return self.paths.get(path) or self._dirs.get(path)


def variants(reference: Reference) -> tuple[str, ...]:
    """The spellings under which code holds a needle. A flag is declared as the literal
    (``"--dry-run"``: argparse, click, commander), as a quoted name (``"dry-run"``: Go's flag,
    cobra, urfave) or, for a name of several words, as the parameter it becomes (``dry_run``:
    typer, clap); a subcommand or key as the word itself, with ``-`` or ``_`` between words."""
    needle = reference.needle
    words = re.split(r"[-_]", needle)
    joined = tuple(dict.fromkeys(("-".join(words), "_".join(words))))
    if reference.kind is Kind.FLAG:
        quoted = tuple(f"{q}{w}{q}" for w in joined for q in "\"'")
        several = tuple(w for w in joined if "_" in w)
        return (f"--{needle}", *quoted, *several)
    if reference.kind in {Kind.COMMAND, Kind.CONFIG_KEY} and len(words) > 1:
        return tuple(dict.fromkeys((needle, *joined)))
    return (needle,)


def needles(references: Iterable[Reference]) -> frozenset[str]:
    spellings = {v for r in references if r.kind in TOKEN_KINDS for v in variants(r)}
    # every part of a dotted name: the last (``json.sort_keys``) and the one a module of the
    # repository's would hold (``module_tail``: ``engine`` of ``pkg.engine.timeout_monitor``)
    tails = {p for r in references if r.kind is Kind.CONFIG_KEY for p in r.needle.split(".")[1:]}
    options = {o for r in references for o in option_spellings(r)}
    prefixes = {p for r in references for p in (*prefix_literals(r), *template_literals(r))}
    keys = {f"{q}{k}{q}" for r in references for k in key_variables(r) for q in "\"'"}
    deriving = set(DERIVING) if options else set()
    nested = {q for r in references for q in _quoted_parts(r)}
    bases = {platform_base(r) for r in references} - {""}
    pages = {n for r in references for n in generated_page_needles(r)}
    return frozenset(
        spellings | tails | options | prefixes | deriving | keys | nested | bases | pages
    )


# A variable's per-platform override (cibuildwheel's ``CIBW_BEFORE_BUILD_MACOS`` beside
# ``CIBW_BEFORE_BUILD``): programs build such names from the base and the platform they run on,
# so the code need not spell them; the base still read holds them up.
_PLATFORM_SUFFIX = re.compile(
    r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+?)_(?:MACOS|MAC|OSX|DARWIN|WINDOWS|WIN|WIN32|WIN64|LINUX|"
    r"IOS|ANDROID|PYODIDE|FREEBSD)$"
)


def platform_base(reference: Reference) -> str:
    """The base of a per-platform variable (``CIBW_TEST_COMMAND`` for ``..._LINUX``), or ``""``."""
    if reference.kind is not Kind.ENV:
        return ""
    match = _PLATFORM_SUFFIX.match(reference.needle)
    return match.group(1) if match else ""


def _quoted_parts(reference: Reference) -> tuple[str, ...]:
    """Each part of a dotted configuration key as the literal a nested lookup spells
    (``config["theme"]["custom_dir"]`` for ``theme.custom_dir``)."""
    if reference.kind is not Kind.CONFIG_KEY:
        return ()
    return tuple(f"{q}{part}{q}" for part in reference.needle.split(".") for q in "\"'")


def looked_up(reference: Reference, code: CodeIndex) -> bool:
    """A dotted key the code reads part by part: every part stands as a literal of its own."""
    parts = reference.needle.split(".")
    if reference.kind is not Kind.CONFIG_KEY or len(parts) < 2:
        return False
    return all(f'"{p}"' in code.tokens or f"'{p}'" in code.tokens for p in parts)


# Where a repository keeps its Python packages: the root, or a src/ or lib/ layout
_MODULE_ROOTS = ("", "src/", "lib/")


def module_tail(needle: str, code: CodeIndex) -> str:
    """For a dotted name whose head is a Python module of this repository
    (``scrapy.utils.project.get_project_settings``: ``scrapy/utils/project.py``), the name it
    looks up in that module; else empty (a configuration key such as ``json.sort_keys``)."""
    rest = module_rest(needle, code)
    return rest[0] if rest else ""


def module_rest(needle: str, code: CodeIndex) -> tuple[str, ...]:
    """The parts of a dotted name after the longest head that is a module of this repository,
    spelled from the root or from inside its top package (mopidy's
    ``core.playback.get_current_track``: ``mopidy/core/playback.py``): the name looked up in
    it and what is looked up on that (``("engine", "timeout_monitor")`` of
    ``cherrypy.engine.timeout_monitor``); else none."""
    parts = needle.split(".")
    roots = _module_roots(code)
    for cut in range(len(parts) - 1, 0, -1):
        if _is_module("/".join(parts[:cut]), code.paths, roots):
            return tuple(parts[cut:])
    return ()


def names_module(needle: str, code: CodeIndex) -> bool:
    """A dotted name that is a module of this repository, spelled from the root or from inside
    its top package as Sphinx's ``:mod:`` does under ``currentmodule`` (readthedocs'
    ``:mod:`core.search_sites``` for ``readthedocs/core/search_sites.py``)."""
    return _is_module(needle.replace(".", "/"), code.paths, _module_roots(code))


def _module_roots(code: CodeIndex) -> tuple[str, ...]:
    return (*_MODULE_ROOTS, *code.top_packages)


def _is_module(module: str, paths: frozenset[str], roots: Iterable[str]) -> bool:
    return any(f"{r}{module}.py" in paths or f"{r}{module}/__init__.py" in paths for r in roots)


def module_paths(reference: Reference) -> tuple[tuple[str, int], ...]:
    """For a dotted name (``pkg.old.model_url``), each file that could be a module it is
    spelled through, longest first, with how many of its parts name the module."""
    if reference.kind is not Kind.CONFIG_KEY:
        return ()
    parts = reference.needle.split(".")
    if len(parts) < 2 or not all(p.isidentifier() for p in parts):
        return ()
    return tuple(
        (f"{root}{'/'.join(parts[:cut])}{end}", cut)
        for cut in range(len(parts) - 1, 0, -1)
        for root in _MODULE_ROOTS
        for end in (".py", "/__init__.py")
    )


def _moved_module(reference: Reference, code: CodeIndex, history: History) -> Finding | None:
    """A dotted name spelled through a module of the repository's that was deleted or moved:
    the name went with it, in that commit (pyramid's ``repoze.bfg.url.model_url``, when
    ``repoze/bfg/url.py`` became ``pyramid/url.py``). Renamed, where the new module still
    holds the name."""
    parts = reference.needle.split(".")
    for path, cut in module_paths(reference):
        if _is_module("/".join(parts[:cut]), code.paths, _MODULE_ROOTS):
            return None  # the module is here, under one of the roots (moved into ``src/``)
        evidence = history.paths.get(path)
        if evidence is None:
            continue
        evidence = replace(evidence, defined=True)  # the repository's own file held it
        new = evidence.renamed_to
        if new.endswith((".py", "/__init__.py")) and parts[cut] in code.tokens:
            module = new.removesuffix("/__init__.py").removesuffix(".py")
            for root in _MODULE_ROOTS[1:]:
                module = module.removeprefix(root)
            return _stale(reference, evidence, ".".join([*module.split("/"), *parts[cut:]]))
        return _stale(reference, replace(evidence, renamed_to=""), "")
    return None


def defining_needles(references: Iterable[Reference], code: CodeIndex) -> frozenset[str]:
    """The names looked up in a module of the repository's own that the module no longer
    holds: for each, the commit that removed its definition is wanted (``token_history``)."""
    tails = (module_tail(r.needle, code) for r in references if r.kind is Kind.CONFIG_KEY)
    return frozenset(t for t in tails if t and t not in code.tokens)


def unheld(references: Iterable[Reference], code: CodeIndex) -> frozenset[str]:
    """Every spelling of each name the code no longer holds under any spelling: what history
    is searched for."""
    out: set[str] = set()
    for r in references:
        if r.kind in {Kind.PATH, Kind.TOOL}:
            continue
        if r.kind is Kind.MAKE_TARGET:
            continue  # a rule's history is the Makefiles' own (``missing_targets``)
        if r.kind is Kind.SCRIPT:
            if code.scripts is not None and r.needle not in code.scripts:
                out.add(script_key(r.needle))
            continue
        spellings = variants(r)
        if not any(s in code.tokens for s in spellings):
            out.update(spellings)
    return frozenset(out)


def missing_targets(references: Iterable[Reference], code: CodeIndex) -> frozenset[str]:
    """The ``make`` targets the documents name that no Makefile defines at this revision."""
    if code.make_targets is None:
        return frozenset()
    return frozenset(
        r.needle
        for r in references
        if r.kind is Kind.MAKE_TARGET and r.needle not in code.make_targets
    )


def path_candidates(reference: Reference, local_only: bool = False) -> tuple[str, ...]:
    """Where a path may point: from the repository's root or from the document's directory;
    a link without a suffix may name a page by its source file (``how-to/install`` is
    ``how-to/install.md`` or ``.rst``)."""
    here = posixpath.dirname(reference.doc)
    if (
        reference.link
        and _hugo_page(reference.doc)
        and "." not in posixpath.basename(reference.needle.rstrip("/"))
    ):
        # Hugo renders ``content/.../patches.md`` at ``.../patches/``: a relative link goes
        # from there (kustomize's ``[openapi](../openapi)`` is the sibling ``openapi.md``)
        here = posixpath.join(here, posixpath.splitext(posixpath.basename(reference.doc))[0])
    local = posixpath.normpath(posixpath.join(here, reference.needle))
    rooted = posixpath.normpath(reference.needle)
    order = (local,) if local_only else (local, rooted) if reference.link else (rooted, local)
    bases = list(dict.fromkeys(p for p in order if not p.startswith("..")))
    pages = [f"{p}{s}" for p in bases for s in PAGE_SUFFIXES] if reference.link else []
    if reference.link and reference.needle.endswith((".html", ".htm")):
        # a link to the built page of a source document (``index.html`` for ``index.rst``),
        # or of a template the docs build renders first (xonsh's ``envvars.rst.jinja2``)
        stems = [p.rsplit(".", 1)[0] for p in bases]
        sources = [f"{stem}{s}" for stem in stems for s in (".rst", ".md", ".txt", ".adoc")]
        pages += [*sources, *(f"{source}{t}" for source in sources for t in _TEMPLATES)]
    return tuple(dict.fromkeys([*bases, *pages]))


def _hugo_page(doc: str) -> bool:
    """A Markdown page of a Hugo site's ``content/`` tree, not a section's ``_index.md`` nor a
    bundle's ``index.md`` (those render at their directory). Only its links without a suffix
    are read as Hugo's pretty URLs: ``../other.md`` is a link between files."""
    name = posixpath.basename(doc)
    return (
        (doc.startswith("content/") or "/content/" in doc)
        and name.endswith(".md")
        and name not in {"_index.md", "index.md"}
    )


def local_candidates(reference: Reference) -> tuple[str, ...]:
    """The candidates of a link read from the document's own directory only."""
    return path_candidates(reference, local_only=True)


_LAYOUTS = ("src/", "lib/")
_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "package.json", "Cargo.toml", "go.mod")


def _in_a_subprojects_package(path: str, code: CodeIndex) -> bool:
    """A path into a Python package that a subproject of a monorepo holds, as a source layout
    holds it under ``src/``: pyodide's ``pyodide_build/buildall.py`` once the package moved to
    ``pyodide-build/pyodide_build/``. Only a package's path: a subproject's ``tests/`` is not
    what a root document's ``tests/`` means."""
    package = path.split("/", 1)[0]
    if "/" not in path or not package.isidentifier():
        return False
    return any(
        f"{root}{package}/__init__.py" in code.paths
        and (f"{root}{path}" in code.paths or f"{root}{path}" in code.dirs)
        for root in code.subproject_roots
    )


def _subprojects(doc: str, code: CodeIndex) -> list[str]:
    """The directories above ``doc`` that hold a project of their own (a manifest): in a
    monorepo, ``hypothesis-python/docs/packaging.rst`` says ``tests/cover`` for
    ``hypothesis-python/tests/cover``, as its reader runs it from there."""
    parts = doc.split("/")[:-1]
    roots = ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return [r for r in roots if any(f"{r}/{m}" in code.paths for m in _MANIFESTS)]


_TEMPLATES = (".jinja2", ".jinja", ".j2", ".in", ".tpl", ".tmpl")
# where a docs build writes the pages it generates from the code (Sphinx's autosummary and
# apidoc, sphinx-autoapi, a project's own extension): a page per module
_API_DIRS = frozenset(
    {"api", "apidoc", "apidocs", "autoapi", "_autosummary", "autosummary", "generated"}
)


def _documents_module(reference: Reference, code: CodeIndex) -> bool:
    """A built page of the API reference that the docs build writes for a module the code
    has (xonsh's ``api/history/base.html`` for ``xonsh/history/base.py``, Sphinx's
    ``generated/pkg.mod.html``): there while the module is."""
    if not (reference.link and reference.needle.endswith((".html", ".htm"))):
        return False
    here = posixpath.dirname(reference.doc)
    for base in (posixpath.join(here, reference.needle), reference.needle):
        parts = posixpath.normpath(base).rsplit(".", 1)[0].split("/")
        cut = max((i for i, part in enumerate(parts) if part in _API_DIRS), default=-1)
        rest = parts[cut + 1 :] if cut >= 0 else []
        if len(rest) == 1:
            rest = rest[0].split(".")
        if rest and rest[-1] == "index":
            rest = rest[:-1]
        if not rest:
            continue
        if _is_module("/".join(rest), code.paths, _module_roots(code)):
            return True
    return False


PAGE_SUFFIXES = (".md", ".rst", ".adoc", ".mdx", ".txt", "/index.md", "/index.rst", "/README.md")


def judge(
    references: Iterable[Reference],
    code: CodeIndex,
    history: History,
    as_of: date | None = None,
) -> tuple[Finding, ...]:
    """Each reference against the code and its history. ``as_of``: the day the documents are
    read, which decides what other projects' tools do (default: today's tools)."""
    findings: list[Finding] = []
    for reference in references:
        if reference.kind is Kind.PATH:
            finding = _path(reference, code, history)
        elif reference.kind is Kind.MAKE_TARGET:
            finding = _listed(reference, code.make_targets, history.targets, "Makefile target")
        elif reference.kind is Kind.SCRIPT:
            finding = _listed(
                reference, code.scripts, history.tokens, "package.json script", script_key
            )
        elif reference.kind is Kind.TOOL:
            finding = _tool(reference, as_of)
        else:
            finding = _token(reference, code, history)
        if finding is not None:
            findings.append(finding)
    return tuple(findings)


def _path(reference: Reference, code: CodeIndex, history: History) -> Finding | None:
    candidates = path_candidates(reference)
    if any(c in code.paths or c in code.dirs or code.in_submodule(c) for c in candidates):
        return None  # a submodule's files are in another repository: not judged here
    if any(
        s in code.paths or s in code.dirs for c in candidates for s in source_of(c, code.installed)
    ):
        return None  # where the wheel installs data the tree keeps (nbconvert's templates)
    if fragment(reference.needle) or _fragments_dir(reference.needle):
        return None  # a changelog fragment, consumed by each release: named as an example
    if any(f"{r}{c}" in code.paths or f"{r}{c}" in code.dirs for r in _LAYOUTS for c in candidates):
        return None  # a package path (``pip/_vendor``) under a source layout (``src/pip/...``)
    if not reference.link and any(
        f"{r}/{c}" in code.paths or f"{r}/{c}" in code.dirs
        for r in _subprojects(reference.doc, code)
        for c in candidates
    ):
        return None  # read from the root of the project the document is in (a monorepo's part)
    if not reference.link and any(_in_a_subprojects_package(c, code) for c in candidates):
        return None  # a package path (``pyodide_build/buildall.py``) in a monorepo's part
    bare = "/" not in reference.needle
    if bare and reference.needle in code.basenames:
        return None
    if _documents_module(reference, code):
        return None
    # a link resolves from the document's directory: the root's file of that name holds it up
    # where a site generator resolves from the root, but its removal is no evidence against it
    # (ansible-lint's schemas/README.md links LICENSE, which was never beside it)
    judged = local_candidates(reference) if reference.link else candidates
    for candidate in judged:
        if (evidence := history.of_path(candidate)) is not None:
            if _produced(candidate, code) or _generated_page(candidate, code):
                return None
            return _stale(reference, evidence, _moved(candidate, evidence, code))
    if any(_produced(c, code) for c in candidates):
        return None
    if reference.link and _looks_like_file(reference.needle):
        return Finding(
            reference,
            Status.UNRESOLVED,
            "medium",
            f"{reference.needle} does not exist at this revision, and no commit removed it "
            "(a broken link)",
        )
    return None


# the directories a release empties of fragments and the next change fills again (restic's
# ``changelog/unreleased/``)
_REFILLED = frozenset({"unreleased", "newsfragments", "changelog.d", "changes.d"})


def _fragments_dir(path: str) -> bool:
    parts = path.strip("/").split("/")
    return parts[-1].lower() in _REFILLED and (
        len(parts) == 1 or parts[-1].lower() != "unreleased" or parts[-2].lower() in FRAGMENT_DIRS
    )


def generated_page_needles(reference: Reference) -> tuple[str, ...]:
    """A linked document's name quoted, as the code of a docs build that writes it spells it
    (meson's ``_ROOT_BASENAME = 'Reference-manual'``)."""
    if reference.kind is not Kind.PATH or not reference.link or not is_doc(reference.needle):
        return ()
    stem = posixpath.splitext(posixpath.basename(reference.needle))[0]
    return (f"'{stem}'", f'"{stem}"') if len(stem) > 3 else ()


def _generated_page(candidate: str, code: CodeIndex) -> bool:
    """A page whose source left the tree while code still spells its name: the docs build
    writes it now."""
    if not is_doc(candidate):
        return False
    stem = posixpath.splitext(posixpath.basename(candidate))[0]
    return len(stem) > 3 and (f"'{stem}'" in code.tokens or f'"{stem}"' in code.tokens)


def _tool(reference: Reference, as_of: date | None) -> Finding | None:
    """A well-known tool's removed subcommand or flag: stale with the release that removed it,
    for a reader after that release (one reading the document in 2012 ran ``virtualenv
    --no-site-packages`` as it said)."""
    entry = next((e for e in tools.RETIRED if e.text == reference.needle), None)
    if entry is None:
        return None
    if as_of is not None and (removed := entry.removed_on) is not None and as_of < removed:
        return Finding(
            reference,
            Status.REMOVED,
            "medium",
            f"`{entry.text}` was removed in {entry.release}, after {as_of.isoformat()}: "
            "it still ran then",
            suggestion=entry.instead,
        )
    return Finding(
        reference,
        Status.REMOVED,
        "high",
        f"`{entry.text}` was removed in {entry.release}; use {entry.instead}",
        suggestion=entry.instead,
    )


def _produced(path: str, code: CodeIndex) -> bool:
    """Made by a build or a tool, not kept: the repository ignores the path and keeps nothing
    beside it (a coverage report checked in by mistake and taken out, not a fixture directory
    that happens to be ignored), or ignores this very file by name (pdm's docs build writes
    ``docs/reference/cli.md``, which ``docs/reference/.gitignore`` names), or is a directory
    the ignore patterns name files in (cinder's docs build writes its samples into
    ``doc/source/_static``, whose ``cinder.conf.sample`` the root ``.gitignore`` names)."""
    if code.ignores_under(path):
        return True
    if not code.is_ignored(path):
        return False
    return posixpath.dirname(path) not in code.dirs or code.ignored_by_name(path)


def _moved(candidate: str, evidence: Evidence, code: CodeIndex) -> str:
    """What a path became: the rename's target, or for a directory, where its file went."""
    if not evidence.renamed_to:
        return ""
    if evidence.renamed_to in code.paths and candidate not in code.dirs:
        return evidence.renamed_to
    return ""


def missing_keywords(reference: Reference, code: CodeIndex) -> tuple[str, ...]:
    """The keywords a documented call passes that no Python definition of the function takes
    (empty where the function is not defined in Python, or one definition takes ``**kwargs``)."""
    if not reference.keywords or reference.needle not in code.signatures:
        return ()
    params = code.signatures[reference.needle]
    if params is None:
        return ()
    return tuple(k for k in reference.keywords if k not in params)


def option_spellings(reference: Reference) -> tuple[str, ...]:
    """How code declares the option a variable derives from: ``--name`` (argparse, click) or
    the quoted name (Go's ``fs.StringVar(&v, "discovery-proxy", ...)``, cobra)."""
    option = option_variable(reference)
    if not option:
        return ()
    return (option, f'"{option[2:]}"', f"'{option[2:]}'")


def key_variables(reference: Reference) -> tuple[str, ...]:
    """The configuration keys an environment variable may stand for where a tool derives its
    variables from its keys (poetry's ``POETRY_VIRTUALENVS_CREATE`` for
    ``virtualenvs.create``): each way of putting one dot between the words after the prefix."""
    if reference.kind is not Kind.ENV:
        return ()
    words = reference.needle.lower().split("_")[1:]
    if len(words) < 2 or len(words) > 6:
        return ()
    return tuple(
        f"{'_'.join(words[:i])}.{'_'.join(words[i:])}".replace("_", sep)
        for i in range(1, len(words))
        for sep in ("_", "-")
    )


def option_variable(reference: Reference) -> str:
    """The flag an environment variable would set if a command derives its variables from its
    options (pip's ``PIP_CERT`` for ``--cert``, click's ``auto_envvar_prefix``, viper's
    ``AutomaticEnv``): ``--cert`` for ``PIP_CERT``."""
    if reference.kind is not Kind.ENV or "_" not in reference.needle:
        return ""
    return "--" + reference.needle.split("_", 1)[1].lower().replace("_", "-")


# How code builds its variables from its options: a prefix literal (pip's ``"PIP_"``), click's
# ``auto_envvar_prefix``, viper's ``AutomaticEnv`` and ``SetEnvPrefix``.
DERIVING = ("auto_envvar_prefix", "AutomaticEnv", "SetEnvPrefix")


def _template_parts(reference: Reference) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How code builds a variable's name from its prefix and another name: the template
    literals, and the other name quoted, as an option (kivy's ``'KIVY_%s' % option.upper()``:
    ``'image'`` for ``KIVY_IMAGE``) or as the key a getter prefixes (django-cms'
    ``get_cms_setting('PLUGIN_CACHE')``, ``getattr(settings, 'CMS_%s' % name)``)."""
    if reference.kind is not Kind.ENV or "_" not in reference.needle:
        return (), ()
    prefix, rest = reference.needle.split("_", 1)
    templates = (f"{prefix}_%s", f"{prefix}_{{}}", f"{prefix}_{{0}}")
    return (
        (*(f"{q}{t}{q}" for t in templates for q in "\"'"), *(f"f{q}{prefix}_{{" for q in "\"'")),
        tuple(f"{q}{name}{q}" for name in dict.fromkeys((rest.lower(), rest)) for q in "\"'"),
    )


def template_literals(reference: Reference) -> tuple[str, ...]:
    templates, names = _template_parts(reference)
    return (*templates, *names, *_longer_heads(reference))


def _longer_heads(reference: Reference) -> tuple[str, ...]:
    """The variable's leading words of two or more, as the literal code joins a computed part
    to (lima's ``"QEMU_SYSTEM_" + strings.ToUpper(arch)`` for ``QEMU_SYSTEM_AARCH64``)."""
    if reference.kind is not Kind.ENV:
        return ()
    words = reference.needle.split("_")
    heads = ("_".join(words[:i]) + "_" for i in range(2, len(words)))
    return tuple(f"{f}{q}{head}{brace}" for head in heads for q in "\"'" for f, brace in _JOINS)


# a head joined by ``+`` (``"QEMU_SYSTEM_" + arch``), or an f-string's (``f"QEMU_SYSTEM_{arch}"``)
_JOINS = (("", ""), ("f", "{"))


def _joined_to_prefix(reference: Reference, code: CodeIndex) -> bool:
    """A variable the code names by joining a literal head to another part: go-task's
    ``os.Getenv(taskVarPrefix + key)`` with ``"TASK_"``, asked for as ``GetTaskEnv("TEMP_DIR")``
    (the rest quoted as it is spelled), or a head of two words or more joined to a computed
    part (lima's ``"QEMU_SYSTEM_" + strings.ToUpper(arch)``: every variable under it is read)."""
    if reference.kind is not Kind.ENV or "_" not in reference.needle:
        return False
    prefix, rest = reference.needle.split("_", 1)
    if any(f"{q}{prefix}_{q}" in code.tokens for q in "\"'") and any(
        f"{q}{rest}{q}" in code.tokens for q in "\"'"
    ):
        return True
    return any(head in code.tokens for head in _longer_heads(reference))


def _built_from_template(reference: Reference, code: CodeIndex) -> bool:
    templates, names = _template_parts(reference)
    return any(t in code.tokens for t in templates) and any(n in code.tokens for n in names)


def prefix_literals(reference: Reference) -> tuple[str, ...]:
    """The prefix as code that builds variables from it spells it: pip's ``"PIP_"``, or etcd's
    ``flags.SetFlagsFromEnv("ETCD", fs)``, which joins it to each flag's name with ``_``."""
    if reference.kind is not Kind.ENV or "_" not in reference.needle:
        return ()
    prefix = reference.needle.split("_", 1)[0]
    return (f'"{prefix}_"', f"'{prefix}_'", f'"{prefix}"', f"'{prefix}'")


def _derived(reference: Reference, code: CodeIndex) -> bool:
    """``TOOL_NAME`` names no variable the code reads, but the repository's command ``tool``
    declares ``--name`` and the code builds variables from its options."""
    option = option_variable(reference)
    if not option or reference.needle.split("_", 1)[0].lower() not in code.commands:
        return False
    quoted = {f'"{k}"' for k in key_variables(reference)} | {
        f"'{k}'" for k in key_variables(reference)
    }
    if not any(o in code.tokens for o in option_spellings(reference)) and not quoted & code.tokens:
        return False
    builds = (*prefix_literals(reference), *DERIVING)
    return any(b in code.tokens for b in builds)


# Provided by every command-line framework, whatever the code spells.
FRAMEWORK_FLAGS = frozenset({"help"})
# Variables the operating system, the shell or a standard (XDG base directories) provides and
# other programs read: a document that names them speaks of the platform, not of this code.
PLATFORM_VARIABLES = frozenset(
    {"HOME", "PATH", "USER", "SHELL", "TMPDIR", "LANG", "TERM", "PWD", "EDITOR", "VISUAL"}
)


# Python's built-in types: ``object.__str__()`` is the language's, whatever the code defines.
BUILTIN_TYPES = frozenset(
    {"object", "str", "bytes", "int", "float", "bool", "dict", "list", "tuple", "set", "type"}
)


# The OpenTelemetry specification's variables, which every SDK reads (pulpcore's guide: point
# ``OTEL_EXPORTER_OTLP_ENDPOINT`` at the collector): the SDK's, not the code's. A name outside
# the specification's (pulpcore's own ``OTEL_ENABLED``) is the repository's.
_OTEL_SPEC = re.compile(
    r"OTEL_(?:(?:EXPORTER|TRACES|METRICS|LOGS|METRIC_EXPORT|BSP|BLRP|ATTRIBUTE|SPAN|EVENT|LINK|"
    r"INSTRUMENTATION|SEMCONV|EXPERIMENTAL|PYTHON|NODE|JAVA|DOTNET|GO|PHP|RUBY)_\w+|"
    r"RESOURCE_ATTRIBUTES|SERVICE_NAME|PROPAGATORS|SDK_DISABLED|LOG_LEVEL|CONFIG_FILE|"
    r"ENTITIES)"
)


# the variables every OpenStack client reads for its credentials (keystoneauth's and
# gophercloud's ``AuthOptionsFromEnv``: packer's "a standard OpenStack script ... setting
# ``OS_AUTH_URL``"), and those Vault's API client reads: the clients', not the code's
_CLIENT_STANDARD = re.compile(
    r"OS_(?:AUTH_(?:URL|TYPE|TOKEN)|USERNAME|PASSWORD|USER_ID|TENANT_(?:ID|NAME)|"
    r"PROJECT_(?:ID|NAME|DOMAIN_(?:ID|NAME))|USER_DOMAIN_(?:ID|NAME)|DOMAIN_(?:ID|NAME)|"
    r"REGION_NAME|CLOUD|IDENTITY_API_VERSION|INTERFACE|ENDPOINT_TYPE|CACERT|CERT|KEY|TOKEN|"
    r"APPLICATION_CREDENTIAL_(?:ID|SECRET|NAME)|INSECURE)"
    r"|VAULT_(?:ADDR|TOKEN|NAMESPACE|CACERT|CAPATH|CLIENT_(?:CERT|KEY|TIMEOUT)|SKIP_VERIFY|"
    r"TLS_SERVER_NAME|AGENT_ADDR|MAX_RETRIES)"
)


def platform_reference(reference: Reference) -> bool:
    """A flag every framework provides, a variable the platform (or a standard its libraries
    follow) does, or a method of the language's built-in types (not the code's own)."""
    if reference.kind is Kind.SYMBOL:
        return reference.text.split(".", 1)[0] in BUILTIN_TYPES and "." in reference.text
    if reference.kind is Kind.FLAG:
        return reference.needle in FRAMEWORK_FLAGS
    if reference.kind is Kind.ENV:
        name = reference.needle
        return (
            name in PLATFORM_VARIABLES
            or name.startswith(("XDG_", "LC_"))
            or (name.startswith("OTEL_") and _OTEL_SPEC.fullmatch(name) is not None)
            or (name.startswith(("OS_", "VAULT_")) and _CLIENT_STANDARD.fullmatch(name) is not None)
        )
    return False


def _token(reference: Reference, code: CodeIndex, history: History) -> Finding | None:
    if platform_reference(reference):
        return None
    if reference.kind is Kind.COMMAND and (
        reference.needle in code.management_commands
        or reference.needle.replace("-", "_") in code.management_commands
    ):
        return None  # a Django management command: its file, which no line spells
    spellings = variants(reference)
    if any(s in code.tokens for s in spellings):
        return _signature(reference, code, history)
    if _derived(reference, code):
        return None  # derived from the command's option, which still exists
    if _built_from_template(reference, code):
        return None  # built from a template and a name the code still holds
    if _joined_to_prefix(reference, code):
        return None  # a literal head joined to the rest, or to a part computed at run time
    if (base := platform_base(reference)) and base in code.tokens:
        return None  # a per-platform override of a variable the code still reads
    rest = module_rest(reference.needle, code) if reference.kind is Kind.CONFIG_KEY else ()
    tail = rest[0] if rest else ""
    if rest and all(part in code.tokens for part in rest):
        # a module path: the module still defines the name (and what is set on it: cherrypy's
        # ``engine.timeout_monitor`` of ``cherrypy.engine.timeout_monitor``)
        return None
    if reference.kind is Kind.CONFIG_KEY and names_module(reference.needle, code):
        return None  # the module itself
    if looked_up(reference, code):
        return None  # a nested key, read part by part
    spelled = [e for s in spellings if (e := history.tokens.get(s)) is not None]
    # a commit took the dotted name out of the code: which commit is the evidence
    if spelled and (moved := _moved_module(reference, code, history)) is not None:
        return moved
    if spelled and tail and (evidence := history.tokens.get(tail)) is not None and evidence.defined:
        # the module stays and the name's definition went: that commit, not a later one that
        # dropped an example spelling the dotted name
        renamed = evidence.renamed_to
        return _stale(
            reference, evidence, f"{reference.needle[: -len(tail)]}{renamed}" if renamed else ""
        )
    for spelling in spellings:
        if (evidence := history.tokens.get(spelling)) is not None:
            return _stale(reference, evidence, evidence.renamed_to)
    if reference.kind in {Kind.FLAG, Kind.COMMAND} and reference.context:
        return Finding(
            reference,
            Status.UNRESOLVED,
            "low",
            f"`{reference.text}` is not found in this repository's code, and no commit removed it",
        )
    return None


def _signature(reference: Reference, code: CodeIndex, history: History) -> Finding | None:
    gone = missing_keywords(reference, code)
    if not gone:
        return None
    name, keyword = reference.needle, gone[0]
    evidence = history.keywords.get((name, keyword))
    if evidence is None:
        return Finding(
            reference,
            Status.UNRESOLVED,
            "low",
            f"`{name}` takes no `{keyword}` argument at this revision, and no commit removed it",
        )
    others = f" (nor {', '.join(f'`{k}`' for k in gone[1:])})" if gone[1:] else ""
    return Finding(
        reference,
        Status.SIGNATURE,
        "high" if evidence.defined else "medium",
        f"`{name}` no longer takes `{keyword}`{others}: it was taken out in "
        f"{evidence.commit[:9]} ({evidence.date[:10]})",
        evidence,
    )


def script_key(name: str) -> str:
    """A package script as its package.json spells it (``"serve":``): a line of code that lost
    the word ``serve`` retired no script."""
    return f'"{name}":'


def _listed(
    reference: Reference,
    names: frozenset[str] | None,
    removals: Mapping[str, Evidence],
    what: str,
    key: Callable[[str], str] = str,
) -> Finding | None:
    if names is None or reference.needle in names:
        return None
    if (evidence := removals.get(key(reference.needle))) is not None:
        return _stale(reference, evidence, evidence.renamed_to)
    return Finding(
        reference,
        Status.UNRESOLVED,
        "medium",
        f"no {what} `{reference.needle}` at this revision, and no commit removed it",
    )


def _stale(reference: Reference, evidence: Evidence, renamed_to: str) -> Finding:
    short = evidence.commit[:9]
    day = evidence.date[:10]
    confidence = _confidence(reference, evidence)
    if renamed_to:
        return Finding(
            reference,
            Status.RENAMED,
            confidence,
            f"`{reference.text}` was renamed to `{renamed_to}` in {short} ({day})",
            evidence,
            suggestion=_suggest(reference, renamed_to),
        )
    moved = ""
    if reference.kind is not Kind.PATH and evidence.to_dependency:
        moved = ", in the commit that put a new dependency in: it may live on in that package"
    elif reference.kind is not Kind.PATH and evidence.to_library:
        moved = (
            f", by a commit that uses the library `{evidence.to_library}` instead:"
            " it may live on there"
        )
    elif reference.kind is not Kind.PATH and moved_out(evidence.subject):
        moved = ", by a commit that says it went to live elsewhere"
    elif reference.elsewhere and moved_out(evidence.subject):
        moved = (
            ", by a commit that says it went to live elsewhere: it may be a path of"
            f" {reference.elsewhere}, which the page has the reader clone"
        )
    return Finding(
        reference,
        Status.REMOVED,
        confidence,
        f"`{reference.text}` was removed in {short} ({day}){moved}",
        evidence,
    )


def _confidence(reference: Reference, evidence: Evidence) -> str:
    """High where the repository itself declared the referent (its files, its commands' flags
    and subcommands, its make targets and scripts; a function or constant it defined, a
    variable it read from the environment, a key it looked up by name); medium for a name it
    only mentioned: another program may still read or provide it, so it is listed with
    ``--all``, not called stale."""
    if reference.kind in _DECLARED and not evidence.defined:
        return "medium"
    if reference.kind is Kind.ENV and evidence.whole_file:
        return "medium"  # the program that read it went whole: retired, or moved elsewhere
    moved = evidence.to_dependency or evidence.to_library or moved_out(evidence.subject)
    if moved and reference.kind is not Kind.PATH:
        return "medium"  # extracted into a package or project of its own, which may still have it
    if reference.kind is Kind.PATH and reference.elsewhere and moved_out(evidence.subject):
        return "medium"  # it went to another repository, which the page has the reader clone
    if reference.kind is not Kind.PATH and kept_by_subject(reference.needle, evidence.subject):
        return "medium"  # the commit speaks of the name as something still in force
    return "high"


# what a subject says when its commit retires a name it names
_RETIRING = re.compile(
    r"\b(?:remov|drop|delet|deprecat|renam|replac|retir|kill|rid\b|clean|mov|switch|migrat|"
    r"unused|obsolete|no longer|stop|disabl|revert|rework|refactor|convert|unify|consolidat|"
    r"merg|split|simplif|port\b|instead)",
    re.IGNORECASE,
)


def kept_by_subject(needle: str, subject: str) -> bool:
    """The evidence commit's subject names the referent with no word of retiring it: horizon's
    ``admin permissions depends on OPENSTACK_KEYSTONE_ADMIN_ROLES`` took the setting's last
    reads out of horizon because django_openstack_auth, a dependency, reads it now. A commit
    that retires a name says so ("Remove X", "Rename X to Y") or does not name it."""
    if len(needle) < 4 or not re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", subject):
        return False
    return _RETIRING.search(subject) is None


# A commit that says the code went to live elsewhere (pytest's ``remove figleaf which now lives
# "outside"``, virtualenv's ``extract py_discovery as self-contained package``).
_MOVED_OUT = re.compile(
    r"\b(now lives|lives outside|moved? (?:out|to (?:its own|a separate|an external))|"
    r"extract(?:ed|s)? .*\b(?:package|plugin|library|project|repo(?:sitory)?)\b|"
    r"split .*\bout\b|self-contained|own (?:repo(?:sitory)?|package|project)|"
    # "Remove in-tree tempest plugin": it lives out of the tree now
    r"remov\w* (?:the )?in-tree\b|"
    r"separate (?:repo(?:sitory)?|package|project))",
    re.IGNORECASE,
)


def moved_out(subject: str) -> bool:
    return bool(_MOVED_OUT.search(subject))


# A flag is declared as a literal (``"--cert"``, ``"cert"``) in its parser: a commit that took
# out a line merely running a command with it (another tool's ``--no-site-packages``) is no
# evidence that this repository's command lost it.
_DECLARED = frozenset({Kind.ENV, Kind.CONFIG_KEY, Kind.SYMBOL, Kind.FLAG, Kind.COMMAND})


def _suggest(reference: Reference, renamed_to: str) -> str:
    if reference.kind is Kind.FLAG:
        return f"--{renamed_to.strip(chr(34) + chr(39)).lstrip('-').replace('_', '-')}"
    return renamed_to


def _looks_like_file(path: str) -> bool:
    """A link target that names a file (``ops/run.sh``) rather than a page or a label that a
    documentation generator resolves (``labels/line-length``)."""
    return "." in path.rsplit("/", 1)[-1]
