"""Find the references a document makes to this repository: paths, its own commands with their
subcommands and flags, ``make`` targets and package scripts, environment variables, functions
and configuration keys.

What is not advice is left out: code in other languages, placeholders (``path/to/<file>``),
and what records the past rather than says how things are (``history``: lines such as
``removed in 2.0``, history sections, changelogs and release notes as a whole).
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from countersign.facts.docs import Kind, Reference, history, tools
from countersign.facts.docs.blocks import Line, Role, lines_of

_PLACEHOLDER = re.compile(
    r"[<>{}*?\[\]|]|\.\.\.|…|\b(example|examples|your|yours|my|foo|bar|baz|qux|xxx|some|"
    r"path/to|placeholder|sample)\b|(?<![A-Za-z0-9])(?:my|your|some)_",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|^\s*\[[^\]]+\]:\s*(\S+)")
_RST_LINK = re.compile(
    r"`[^`<]*<([^>`]+)>`_{1,2}|:(?:download|doc):`([^`]+)`|:file:`([^`]*/[^`]*)`"
)
_ADOC_LINK = re.compile(r"\b(?:link|xref|include|image)::?([^\s\[]+)\[")
# what a line holds wherever the pattern can match it: ``](``, or ``]:`` (a link definition);
# ``>`_`` or a role's ``:`` before its backquote; an AsciiDoc macro's ``:`` and ``[``
_LINK_MARKS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_MD_LINK, ("](", "]:")),
    (_RST_LINK, (">`_", ":`")),
    (_ADOC_LINK, ("[",)),
)
_ENV = re.compile(r"^\$?\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\}?$")
_ENV_IN_SHELL = re.compile(r"\$\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
_SYMBOL = re.compile(r"^((?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]{2,}))\(\)$")
_DOTTED_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")
_FLAG = re.compile(r"^--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:=.*)?$")
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_FILE_SUFFIX = re.compile(
    r"\.(py|go|rs|js|jsx|ts|tsx|java|kt|rb|php|c|h|cc|cpp|hpp|cs|sh|bash|yaml|yml|json|toml|ini|"
    r"cfg|conf|md|rst|adoc|txt|sql|tf|proto|xml|html|css|scss|lock|mod|sum|gradle|properties|"
    r"env|j2|tpl)$"
)
_PROMPTS = ("$ ", "% ", "> ", "# ")


@dataclass(frozen=True)
class Vocabulary:
    """What the repository names, so prose is read against it: its own command-line programs,
    whether it has a Makefile, the package scripts it declares, and the names it goes by (its
    projects' names in its manifests, its top-level directories), which tell a clone of it from
    a clone of another repository."""

    commands: frozenset[str] = frozenset()
    make: bool = False
    package_scripts: bool = False
    names: frozenset[str] = frozenset()

    def is_own(self, name: str) -> bool:
        """Whether a repository cloned as ``name`` is this one (case, ``-`` and ``_`` aside)."""
        folded = _fold(name)
        return any(_fold(n) == folded for n in self.names | self.commands)

    @cached_property
    def command_word(self) -> re.Pattern[str] | None:
        """One pattern for "the line names one of the commands", not one search per command."""
        if not self.commands:
            return None
        names = "|".join(re.escape(c) for c in sorted(self.commands, key=len, reverse=True))
        return re.compile(rf"\b(?:{names})\b")


def _fold(name: str) -> str:
    return name.casefold().replace("_", "-").removeprefix("python-")


def references(path: str, text: str, vocabulary: Vocabulary) -> tuple[Reference, ...]:
    if history.is_record(path, text):
        return ()
    lines = list(lines_of(path, text))
    named_at = _named(path, lines, vocabulary)
    if not named_at:
        return ()  # what is around a line only takes references away: none to take
    found: list[Reference] = []
    own: set[str] = set()  # names the document's own code defines: its example, not the code's
    past = history.past_lines(text)
    block: list[str] = []  # the code block's lines so far: after a Makefile generator, ``make``
    cloned: set[str] = set()  # every clone of another repository the document makes
    clones: set[str] = set()  # the block's clones of other repositories, by directory
    elsewhere = False  # the block has gone into one of them: its paths and targets are theirs
    previous = ""  # the prose line before, for a sentence that runs over two lines
    told = False  # the paragraph opened on the past (bifrost's "Previous versions of ...")
    for line in lines:
        if line.number in past:
            continue
        before, previous = previous, line.text if line.role is Role.PROSE else ""
        if line.role is Role.PROSE:
            if line.text.strip():
                if not before.strip():
                    told = history.opens_on_the_past(line.text.strip())
                block, clones, elsewhere = [], set(), False
            else:
                told = False
        else:
            own.update(m.group(1) or m.group(2) for m in _DEFINITION.finditer(line.text))
            if "$(" in line.text or "`" in line.text:
                own.update(_COMPUTED.findall(line.text))
            block.append(line.text)
            if "clone" in line.text or clones:
                elsewhere = _into_clone(line.text, clones, vocabulary, elsewhere)
                cloned |= clones
        if told and line.role is Role.PROSE:
            continue
        named = list(named_at.get(line.number, ()))
        if not named:
            continue
        if any(r.kind is Kind.MAKE_TARGET for r in named) and (
            _READERS_MAKEFILE.search(line.text) or any(map(_GENERATES_MAKEFILE.search, block))
        ):
            named = [r for r in named if r.kind is not Kind.MAKE_TARGET]
        if named and elsewhere:
            # the clone's paths, targets and scripts; and the variables its tools are run with,
            # unless the line runs one of the repository's own programs
            runs_own = any(r.kind in {Kind.COMMAND, Kind.FLAG} for r in named)
            named = [
                r
                for r in named
                if r.kind not in _WORKING_TREE and (runs_own or r.kind is not Kind.ENV)
            ]
        if named and line.role is Role.PROSE and " with" in line.text:
            named = [r for r in named if not _to_replace(before, line.text, r.text)]
        if named and line.role is Role.PROSE and before:
            named = history.past_sentence_runs_on(before, line.text, named)
        # most lines name nothing: only those that do are asked whether they speak of the past
        if named and not history.speaks_of_the_past(line.text):
            found.extend(named)
    kept = (r for r in found if not (r.kind in _DEFINABLE and r.needle in own))
    if cloned:
        other = ", ".join(sorted(cloned))
        kept = (replace(r, elsewhere=other) if r.kind is Kind.PATH else r for r in kept)
    return tuple(dict.fromkeys(kept))


def _named(path: str, lines: Iterable[Line], vocabulary: Vocabulary) -> dict[int, list[Reference]]:
    """What each line names read alone, by line number, for the lines that name something.
    Most documents name nothing (tldr-pages: 345 of 38,430 pages): those are read no further,
    and the others' lines are not read twice."""
    out: dict[int, list[Reference]] = {}
    for line in lines:
        if line.role is Role.PROSE:
            if not _marked(line.text):
                continue  # prose with no code span and no link names nothing
            named = list(_prose(path, line, vocabulary))
        elif line.role in _NOT_READ:
            continue
        else:
            named = list(_shell(path, line, vocabulary, strict=line.role is not Role.SHELL))
        if named:
            out[line.number] = named
    return out


_NOT_READ = frozenset({Role.OTHER, Role.HISTORY})


# what a command reads from the directory it runs in: after ``cd`` into another repository's
# clone, that repository's
_WORKING_TREE = frozenset({Kind.PATH, Kind.MAKE_TARGET, Kind.SCRIPT})


# ``git clone``'s options that take a value as the next word
_CLONE_OPTIONS = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference", "-j"}
    | {"--jobs", "--filter", "--separate-git-dir", "-u", "--upload-pack", "--template"}
)


def _operands(words: list[str], valued: frozenset[str]) -> list[str]:
    """The words that are no option nor an option's value."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in valued
        else:
            out.append(word)
    return out


def _into_clone(text: str, clones: set[str], vocabulary: Vocabulary, inside: bool) -> bool:
    """Follow a code block's ``git clone URL [DIR]`` of another repository and ``cd``/``pushd``
    into it: whether the block's next commands run in that clone (heat's guide clones oz,
    ``pushd oz``, then ``make rpm``: oz's Makefile, not heat's)."""
    for words in _segments(text.strip().removeprefix("$ ")):
        if len(words) >= 3 and words[0] == "git" and "clone" in words[1:3]:
            operands = _operands(words[words.index("clone") + 1 :], _CLONE_OPTIONS)
            if operands:
                name = (operands[1] if len(operands) > 1 else operands[0]).rstrip("/")
                name = name.rsplit("/", 1)[-1].removesuffix(".git")
                if name and not vocabulary.is_own(name):
                    clones.add(name)
        elif words and words[0] in {"cd", "pushd"}:
            target = words[1].rstrip("/").split("/", 1)[0] if len(words) > 1 else "~"
            if target in clones:
                inside = True
            elif target.startswith(("..", "/", "~", "$")):
                inside = False  # out of it (a relative ``cd`` inside it stays inside)
        elif words and words[0] == "popd":
            inside = False
    return inside


# A command that writes the Makefile the next commands run: a Perl module's ``perl
# Makefile.PL``, autotools' ``./configure``, ``cmake``, ``qmake``, ``phpize``
_GENERATES_MAKEFILE = re.compile(
    r"(?:^|[;&|]\s*|^\s*[$%#>]\s*)(?:perl\s+Makefile\.PL|(?:\./)?configure\b|cmake\b|qmake\b|"
    r"autoreconf\b|\./autogen\.sh|\./bootstrap\b|phpize\b)"
)
# a line that speaks of the reader's Makefile: "assumes you have a top-level Makefile with a
# ``pyflakes`` target" (a CI tool's build step running the reader's project)
_READERS_MAKEFILE = re.compile(
    r"\b(?:your(?:\s+own)?|you\s+have\s+an?|you\s+have\s+the)\b[^.]{0,40}?\bMakefile\b",
    re.IGNORECASE,
)


def _to_replace(before: str, text: str, span: str) -> bool:
    """A name the sentence tells the reader to replace: "replace the ``N`` parameter with the
    ``id`` of the job template and the ``HOST_CONFIG_KEY`` with the ``host_config_key``" (a
    placeholder in the page's example, not a name of the code)."""
    at = text.find(span)
    if at < 0 or not re.match(r"[`'\"*]*\s+with\b", text[at + len(span) :]):
        return False
    head = f"{before} {text[:at]}"
    sentence = re.split(r"[.!?:]\s", head)[-1]
    return re.search(r"\breplac(?:e|ing)\b", sentence, re.IGNORECASE) is not None


_MARKED = re.compile(r"`|\]\(|^\s*\[|\S\[|:\w+:")


def _marked(text: str) -> bool:
    """Whether a prose line holds a code span, a link or a role (``_MARKED``), asked of every
    prose line: a backquote is one, and each other mark holds ``[``, ``]`` or ``:``."""
    if "`" in text:
        return True
    if "[" not in text and "]" not in text and ":" not in text:
        return False
    return _MARKED.search(text) is not None


_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn)\s+([A-Za-z_]\w*)"
    # a constant set as code sets it, with a space before ``=`` (a shell assignment has none)
    r"|^\s*(?:const\s+|var\s+|let\s+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:\s*:[^=]+)?\s+:?=\s"
)
# a shell variable the block computes from a command it runs (openstack-helm's
# ``HOST_IFACE=$(ip route | ...)``): the document's own, used by its next lines
_COMPUTED = re.compile(
    r"^\s*(?:local\s+|readonly\s+)?([A-Za-z_]\w*)=(?:\$\(|`|\"[^\"$`]*(?:\$\(|`))"
)
# what a document's own example can define: functions, classes and constants, and the
# subcommands of a task runner (invoke's docs define ``@task def build(c)``, then run
# ``invoke build``: the reader's task)
_DEFINABLE = frozenset({Kind.SYMBOL, Kind.ENV, Kind.COMMAND})


_RST_TARGET = re.compile(r"^\s*\.\.\s+_(?:`[^`]+`|[^:]+):\s*(\S+)\s*$")
# reStructuredText names, not code: a hyperlink reference (`text`_), and the label of a
# cross-reference role (:ref:`pytest vs python -m pytest`)
_LABEL_ROLE = re.compile(r":(?:ref|term|numref|keyword|doc|abbr|guilabel|menuselection):$")


def _spans(text: str) -> list[str]:
    found = []
    for m in _CODE_SPAN.finditer(text):
        if text[m.end() : m.end() + 1] == "_" or (
            text[m.start() - 1 : m.start()] == ":" and _LABEL_ROLE.search(text[: m.start()])
        ):
            continue
        found.append(m.group(2).strip())
    return found


def _prose(path: str, line: Line, vocabulary: Vocabulary) -> Iterator[Reference]:
    if named := _RST_TARGET.match(line.text):
        # ``.. _`label`: target``: the label names the link; only the target may be a path
        if (ref := _path_ref(path, line.number, named.group(1), link=True)) is not None:
            yield ref
        return
    spans = _spans(line.text)

    def mentions_command() -> bool:  # asked only of a flag: most lines have none
        return any(_first_word(s) in vocabulary.commands for s in spans) or bool(
            vocabulary.command_word and vocabulary.command_word.search(line.text)
        )

    for span in spans:
        if not span or _PLACEHOLDER.search(span):
            continue
        if (call := _call(span)) is not None:
            yield Reference(path, line.number, Kind.SYMBOL, span, call[0], keywords=call[1])
            continue
        if " " in span or _first_word(span) in vocabulary.commands:
            span_line = Line(line.number, span, Role.SHELL)
            yield from _shell(path, span_line, vocabulary, strict=True, around=line.text)
            continue
        for ref in _token(path, line.number, span, mentions_command):
            if ref.kind is Kind.PATH and _EXAMPLE.search(line.text):
                continue  # "Example ``.github/workflows/build.yml``:" names the reader's file
            if ref.kind is Kind.PATH and _to_create(line.text, span):
                continue  # "Create ``hypothesis/RELEASE.rst``": absent until the reader writes it
            if _just_before(line.text, span, _NOT_BEFORE):
                continue  # "match `index.html`, not `docs/index.rst`": named as what it is not
            if ref.kind is Kind.ENV and _just_before(line.text, span, _A_VALUE):
                continue  # "``hmac_keys`` = ``SECRET_KEY``": a key's value, no variable
            if ref.kind is not Kind.PATH and "://" in line.text and _linked_away(line.text, ref):
                continue  # another site documents it (Django's ``DATE_INPUT_FORMATS``)
            yield ref
    for target in _links(line.text):
        if (ref := _path_ref(path, line.number, target, link=True)) is not None:
            yield ref


# what a line says just before a path it tells the reader to make: "Create
# ``hypothesis/RELEASE.rst``", "create a new file called `docs/x.md`", "touch `a/b`"
_CREATE_BEFORE = re.compile(
    r"\b(?:create|creating|touch)\s+(?:(?:a|an|the|new|empty|file|directory|folder|called|"
    r"named)\s+)*[`'\"]*$",
    re.IGNORECASE,
)


_URL = re.compile(r"https?://[^\s<>`)\]]+")


def _linked_away(text: str, ref: Reference) -> bool:
    """The line links the name to another site's page of it: wagtail's settings page names
    ``DATE_INPUT_FORMATS`` beside ``https://docs.djangoproject.com/...#std:setting-DATE_INPUT_
    FORMATS``, a setting of Django's that wagtail's code stopped reading."""
    return any(ref.needle in url for url in _URL.findall(text))


_NOT_BEFORE = re.compile(r"\bnot\s+[`'\"]*$", re.IGNORECASE)
# a key's name and ``=`` just before: what follows is the value set (a configuration table's
# default), not a name of the code
_A_VALUE = re.compile(r"[\w`'\"]\s*=\s*[`'\"]*$")


def _to_create(text: str, span: str) -> bool:
    return _just_before(text, span, _CREATE_BEFORE)


def _just_before(text: str, span: str, pattern: re.Pattern[str]) -> bool:
    at = text.find(span)
    return at > 0 and pattern.search(text[max(0, at - 60) : at]) is not None


# "Example ``.github/workflows/build.yml``:" shows the reader a file to write; "for example,
# PyInstaller includes ``hooks/hook-distutils.py``" names one of the repository's own
_EXAMPLE = re.compile(r"^\s*(?:an? )?example\b.*:\s*$", re.IGNORECASE)
_CALL = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]{2,})\(.*=.*\)$")


def _call(span: str) -> tuple[str, tuple[str, ...]] | None:
    """A Python call written with keyword arguments: the function's name and the keywords."""
    if not _CALL.match(span):
        return None
    try:
        node = ast.parse(span, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    if not isinstance(node, ast.Call):
        return None
    keywords = tuple(k.arg for k in node.keywords if k.arg is not None)
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return (name, keywords) if keywords and name else None


def _links(text: str) -> Iterator[str]:
    for pattern, marks in _LINK_MARKS:
        for mark in marks:  # a loop, not any(): asked of every marked line
            if mark in text:
                break
        else:
            continue  # what every link of this markup has is not on the line
        for match in pattern.finditer(text):
            target = next((g for g in match.groups() if g), "")
            if target:
                yield target


def _token(
    path: str, number: int, span: str, mentions_command: Callable[[], bool]
) -> Iterator[Reference]:
    if match := _ENV.match(span):
        yield Reference(path, number, Kind.ENV, span, match.group(1))
    elif match := _SYMBOL.match(span):
        yield Reference(path, number, Kind.SYMBOL, span, match.group(2))
    elif match := _FLAG.match(span):
        if mentions_command():
            yield Reference(path, number, Kind.FLAG, span, match.group(1))
    elif (ref := _path_ref(path, number, span)) is not None:
        yield ref
    elif _DOTTED_KEY.match(span) and "_" in span and not _FILE_SUFFIX.search(span):
        # ``help_data.txt`` is a file's name, not a key
        yield Reference(path, number, Kind.CONFIG_KEY, span, span)


def _path_ref(doc: str, number: int, target: str, link: bool = False) -> Reference | None:
    target = target.split("#", 1)[0].split("?", 1)[0]
    target = re.sub(r":\d+(-\d+)?$", "", target)
    if (
        not target
        or "://" in target
        or target.startswith(("/", "~", "mailto:", "$", "-", "@"))
        or " " in target
        or _PLACEHOLDER.search(target)
        or not re.fullmatch(r"[\w./+@-]+", target)
    ):
        return None
    clean = target.removeprefix("./").rstrip("/")
    if not clean or clean in {".", ".."}:
        return None
    if not link and "/" not in clean:
        return None  # a bare file name (`setup.py`) names a kind of file as often as this one
    if not link and "/" in clean and not _FILE_SUFFIX.search(clean) and "." in clean.split("/")[0]:
        return None  # a host name (example.org/x), not a path
    return Reference(doc, number, Kind.PATH, target, clean, link=link)


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0] if text.split() else ""


def _shell(
    path: str, line: Line, vocabulary: Vocabulary, strict: bool, around: str = ""
) -> Iterator[Reference]:
    """Commands in a line of shell. ``strict``: the line may be prose, output or other code, so
    only a prompted line or one that starts with a command this repository ships is read.
    ``around``: the prose line a code span was read from."""
    text = line.text.strip()
    prompted = text.startswith(_PROMPTS[:3])
    if line.role is Role.SESSION and not prompted:
        return  # what a command printed, not advice
    for prompt in _PROMPTS[:3]:
        text = text.removeprefix(prompt)
    if not text or text.startswith("#"):
        return
    starters = vocabulary.commands | {"make", "npm"}
    words = set(_SHELL_WORD.findall(text))
    if strict and not prompted and starters.isdisjoint(words):
        pass  # no segment can start with a command read in strict mode: only variables
    else:
        yield from _commands(path, line.number, text, vocabulary, strict and not prompted)
    if not tools.PROGRAMS.isdisjoint(words) and not tools.WORDS.isdisjoint(words):
        yield from _retired(path, line.number, text, around or text, vocabulary)
    if _META_SECTION.match(text):
        return  # devstack's ``[[post-config|$CINDER_CONF]]``: its name for the file, not ours
    for match in _ENV_IN_SHELL.finditer(text):
        yield Reference(path, line.number, Kind.ENV, match.group(0), match.group(1), context=text)


# the header of a meta-section of devstack's ``local.conf``: the phase, and the configuration
# file named by the variable devstack sets for it
_META_SECTION = re.compile(r"^\[\[[a-z][\w-]*\|\$\{?[A-Z][A-Z0-9_]*\}?\]\]\s*$")
_SHELL_WORD = re.compile(r"[\w.+-]+")


def _commands(
    path: str, number: int, text: str, vocabulary: Vocabulary, strict: bool
) -> Iterator[Reference]:
    elsewhere = False  # after ``cd`` to a place outside the repository
    for words in _segments(text):
        if not words:
            continue
        if words[0] == "cd":
            elsewhere = len(words) > 1 and words[1].startswith(("/", "~", "$"))
        if elsewhere:
            continue  # ``cd /usr/ports/security/x && make install``: the ports tree's Makefile
        if strict and words[0] not in vocabulary.commands | {"make", "npm"}:
            continue
        yield from _command(path, number, words, vocabulary)


def _retired(
    path: str, number: int, text: str, around: str, vocabulary: Vocabulary
) -> Iterator[Reference]:
    """A well-known tool's subcommand or flag that its project removed (``helm init``), on a
    line that does not say it speaks of the older versions. A program this repository ships is
    judged against its own code instead."""
    for segment in _segments(text):
        words = segment
        while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in {"sudo", "env"}):
            words = words[1:]
        if not words or words[0] in vocabulary.commands:
            continue
        if (entry := tools.retired(words[0], words[1:], around)) is not None:
            yield Reference(path, number, Kind.TOOL, entry.text, entry.text, " ".join(words))


def _segments(text: str) -> Iterator[list[str]]:
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    current: list[str] = []
    for token in tokens:
        if token and set(token) <= set(";&|()"):
            yield current
            current = []
        else:
            current.append(token)
    yield current


def _command(
    path: str, number: int, words: list[str], vocabulary: Vocabulary
) -> Iterator[Reference]:
    while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in {"sudo", "env"}):
        if match := re.match(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=", words[0]):
            yield Reference(path, number, Kind.ENV, words[0], match.group(1))
        words = words[1:]
    if not words:
        return
    program, rest = words[0], words[1:]
    context = " ".join(words)
    if program in vocabulary.commands:
        if rest and _WORD.match(rest[0]) and not _PLACEHOLDER.search(rest[0]):
            yield Reference(path, number, Kind.COMMAND, f"{program} {rest[0]}", rest[0], context)
        for word in rest:
            if (match := _FLAG.match(word)) and not _PLACEHOLDER.search(word):
                yield Reference(
                    path, number, Kind.FLAG, word.split("=")[0], match.group(1), context
                )
    elif program == "make" and vocabulary.make:
        for word in _make_goals(rest):
            yield Reference(path, number, Kind.MAKE_TARGET, f"make {word}", word, context)
    elif program in {"npm", "yarn", "pnpm"} and vocabulary.package_scripts:
        name = _package_script(program, rest)
        if name:
            yield Reference(path, number, Kind.SCRIPT, f"{program} {name}", name, context)
    if program in _MAKES_ITS_OPERANDS:
        return  # ``mkdir -p build/out``, ``touch news/12.bugfix``: there once it has run
    for word in rest:
        if "/" in word and (ref := _path_ref(path, number, word)) is not None:
            yield Reference(path, number, Kind.PATH, ref.text, ref.needle, context=context)


_MAKES_ITS_OPERANDS = frozenset({"mkdir", "touch"})


_MAKE_OPTIONS_WITH_VALUE = frozenset(
    {"-f", "-C", "-I", "-j", "-l", "-o", "-W", "--file", "--directory"}
)


def _make_goals(words: list[str]) -> Iterator[str]:
    """The targets of a ``make`` command line: not its options, their values or variable
    assignments (``make -f docker.Makefile VAR=1 build`` names only ``build``)."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _MAKE_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-") and "=" not in word and re.fullmatch(r"[a-z][\w.-]*", word):
            yield word


# The package managers' own commands (yarn 1 and 2+, pnpm), not scripts of package.json:
# ``yarn upgrade bootstrap --latest`` upgrades a dependency
_PACKAGE_BUILTINS = frozenset(
    {"install", "i", "ci", "add", "remove", "rm", "init", "test", "publish", "exec", "dlx", "x"}
    | {"why", "upgrade", "upgrade-interactive", "up", "update", "outdated", "audit", "cache"}
    | {"config", "global", "info", "link", "unlink", "list", "ls", "pack", "version", "versions"}
    | {"workspace", "workspaces", "bin", "check", "autoclean", "licenses", "login", "logout"}
    | {"owner", "tag", "team", "create", "import", "policies", "set", "plugin", "dedupe"}
    | {"explain", "rebuild", "prune", "fetch", "store", "patch", "unplug", "node", "help"}
)


def _package_script(program: str, rest: list[str]) -> str:
    if not rest:
        return ""
    if rest[0] in {"run", "run-script"} and len(rest) > 1:
        return rest[1]
    if program in {"yarn", "pnpm"} and rest[0] not in _PACKAGE_BUILTINS and _WORD.match(rest[0]):
        return rest[0]
    return ""


def own_commands(files: dict[str, str], paths: Iterable[str] = ()) -> frozenset[str]:
    """The command-line programs this repository ships, from its package manifests:
    ``pyproject.toml`` scripts, ``setup.cfg`` and ``setup.py`` console scripts,
    ``package.json`` ``bin``, Go ``cmd/<name>/`` directories, a Go module whose root holds
    ``main.go`` (etcd's ``go.etcd.io/etcd`` builds ``etcd``) and Cargo ``[[bin]]`` names."""
    names: set[str] = set()
    paths = frozenset(paths)
    for path, text in files.items():
        base = path.rsplit("/", 1)[-1]
        if base == "pyproject.toml":
            names |= set(_toml_table_keys(text, ("project.scripts", "tool.poetry.scripts")))
        elif base == "setup.py":
            names |= _setup_py_scripts(text)
        elif base == "setup.cfg":
            names |= _setup_cfg_scripts(text)
        elif base == "package.json":
            names |= _package_bins(text)
        elif base == "Cargo.toml":
            names |= set(re.findall(r"\[\[bin\]\][^\[]*?name\s*=\s*\"([^\"]+)\"", text, re.DOTALL))
        elif base == "go.mod" and (module := _GO_MODULE.search(text)):
            directory = path[: -len(base)]
            if f"{directory}main.go" in paths:
                names.add(re.sub(r"/v\d+$", "", module.group(1)).rsplit("/", 1)[-1])
    for path in paths:
        if match := re.match(r"^(?:.*/)?cmd/([a-z][\w-]*)/[^/]+\.go$", path):
            names.add(match.group(1))
    return frozenset(n for n in names if len(n) > 1)


_GO_MODULE = re.compile(r"^module\s+\"?([^\s\"]+)", re.MULTILINE)
# the entry-point groups that install programs; every other group (``oslo.config.opts``'s
# ``manila = manila.opts:list_opts``) names plugins, not commands
_SCRIPT_GROUPS = ("console_scripts", "gui_scripts")
_ENTRY_POINT = re.compile(r"^\s*([\w.-]+)\s*=\s*[\w.]+:[\w.]+\s*$")


def _setup_cfg_scripts(text: str) -> set[str]:
    """``setup.cfg``'s programs: the console and GUI scripts of ``[options.entry_points]``
    (setuptools) or ``[entry_points]`` (pbr), each a ``name = module:function`` line under its
    group's key."""
    names: set[str] = set()
    group = ""
    for raw in text.splitlines():
        entry = raw
        if not raw.strip() or raw.lstrip().startswith(("#", ";")):
            continue
        if raw.startswith("["):
            group = ""
            continue
        if not raw[0].isspace():
            key, _, entry = raw.partition("=")  # a value on the key's own line
            group = key.strip()
        if group in _SCRIPT_GROUPS and (match := _ENTRY_POINT.match(entry)):
            names.add(match.group(1))
    return names


def _setup_py_scripts(text: str) -> set[str]:
    """``setup.py``'s programs: the quoted ``name = module:function`` entries of the lists that
    follow a ``"console_scripts"`` or ``"gui_scripts"`` key."""
    names: set[str] = set()
    for match in re.finditer(r"[\"'](?:console|gui)_scripts[\"']\s*:\s*\[([^\]]*)\]", text):
        names |= set(re.findall(r"[\"']([\w.-]+)\s*=\s*[\w.]+:[\w.]+[\"']", match.group(1)))
    return names


def project_names(files: dict[str, str]) -> frozenset[str]:
    """The names the repository's projects go by in their manifests: ``pyproject.toml``'s
    ``project.name`` (or poetry's), ``setup.cfg``'s ``name``, ``setup.py``'s ``name=``,
    ``package.json``'s ``name``, ``Cargo.toml``'s package name."""
    names: set[str] = set()
    for path, text in files.items():
        base = path.rsplit("/", 1)[-1]
        if base == "pyproject.toml":
            names |= set(_toml_values(text, ("project.name", "tool.poetry.name")))
        elif base == "setup.cfg":
            names |= set(re.findall(r"^name\s*=\s*([\w.-]+)\s*$", text, re.MULTILINE))
        elif base == "setup.py":
            names |= set(re.findall(r"\bname\s*=\s*[\"']([\w.-]+)[\"']", text))
        elif base == "Cargo.toml":
            names |= set(_toml_values(text, ("package.name",)))
        elif base == "package.json" and (match := re.search(r'"name"\s*:\s*"([^"]+)"', text)):
            names.add(match.group(1).rsplit("/", 1)[-1])
    return frozenset(names)


def _toml_nodes(text: str, dotted: Iterable[str]) -> Iterator[object]:
    """The value at each dotted key of a TOML text (``None`` where it has none); nothing for a
    text that is no TOML."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    for key in dotted:
        node: object = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        yield node


def _toml_values(text: str, keys: Iterable[str]) -> Iterator[str]:
    yield from (node for node in _toml_nodes(text, keys) if isinstance(node, str))


def _toml_table_keys(text: str, tables: Iterable[str]) -> Iterator[str]:
    for node in _toml_nodes(text, tables):
        if isinstance(node, dict):
            yield from (k for k in node if isinstance(k, str))


def _package_bins(text: str) -> set[str]:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return set()
    if not isinstance(data, dict):
        return set()
    bins = data.get("bin")
    if isinstance(bins, dict):
        return {k for k in bins if isinstance(k, str)}
    name = data.get("name")
    if isinstance(bins, str) and isinstance(name, str):
        return {name.rsplit("/", 1)[-1]}
    return set()
