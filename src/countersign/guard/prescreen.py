"""A quick look that proves a shell command harmless without parsing it, so that the common
case (``ls``, ``pytest -q``, ``git status``) answers before tree-sitter and the rules load.

Sound by construction. It passes a command only when the text has no expansions (``$``, backtick,
backslash), no redirection other than to ``/dev/null`` or between descriptors, nothing outside
printable ASCII, and none of its words, after quote removal, is a program, subcommand or path
that a rule looks at. Without expansions every word bash could run appears literally in the
text, also inside ``bash -c '...'`` or ``eval`` strings, so a rule can only match a word seen
here. Everything else takes the full path; a test keeps these lists in step with the rules.
"""

from __future__ import annotations

from countersign.guard import pack_words
from countersign.lazy_pattern import lazy

MAX_CHARS = 4000

# Programs with a rule, or that run text we cannot see here (shells, decoders, scripts).
ALWAYS = frozenset(
    [
        "rm",
        "unlink",
        "shred",
        "srm",
        "wipe",
        "dd",
        "mkfs",
        "mke2fs",
        "mkswap",
        "wipefs",
        "fdisk",
        "sfdisk",
        "parted",
        "sgdisk",
        "chmod",
        "chown",
        "pulumi",
        "cdk",
        "eksctl",
        "aws",
        "gcloud",
        "gsutil",
        "az",
        "doctl",
        "hcloud",
        "linode-cli",
        "velero",
        "argocd",
        "psql",
        "mysql",
        "mariadb",
        "sqlite3",
        "duckdb",
        "cockroach",
        "clickhouse-client",
        "sqlcmd",
        "mongo",
        "mongosh",
        "redis-cli",
        "dropdb",
        "mysqladmin",
        "rails",
        "rake",
        "manage.py",
        "django-admin",
        "django-admin.py",
        "artisan",
        "prisma",
        "console",
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "ash",
        "busybox",
        "fish",
        "mksh",
        "hush",
        "yash",
        "csh",
        "tcsh",
        "toybox",
        "awk",
        "gawk",
        "mawk",
        "nawk",
        "lua",
        "luajit",
        "tclsh",
        "awscli",
        "eval",
        "source",
        ".",
        "su",
        "base64",
        "base32",
        "xxd",
        "openssl",
        "rev",
        "gunzip",
        "zcat",
        "curl",
        "wget",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "scp",
        "sftp",
        "ftp",
        "rsync",
        "telnet",
        "ssh",
        "http",
        "https",
        "xh",
        "mail",
        "sendmail",
        "env",
        "printenv",
        "set",
        "export",
        "countersign",
        "approve",
        "watch",
    ]
)
# Programs whose rules need one of these words somewhere in the command.
GATED = {
    "git": frozenset(
        [
            "commit",
            "merge",
            "config",
            "push",
            "fetch",
            "reset",
            "clean",
            "checkout",
            "restore",
            "stash",
            "filter-branch",
            "filter-repo",
            "reflog",
            "gc",
            "update-ref",
            "branch",
            "switch",
            "worktree",
            "prune",
            "pull",
            "remote",
            "symbolic-ref",
            "replace",
            "cherry-pick",
            "rebase",
            "revert",
            "am",
        ]
    ),
    "docker": frozenset(["prune", "rm", "remove", "down", "exec", "run"]),
    "kubectl": frozenset(
        [
            "delete",
            "scale",
            "drain",
            "cordon",
            "replace",
            "apply",
            "create",
            "patch",
            "set",
            "rollout",
            "edit",
            "label",
            "annotate",
            "taint",
            "exec",
            "run",
            "debug",
        ]
    ),
    "helm": frozenset(["uninstall", "delete", "del", "un", "upgrade", "install", "rollback"]),
    "terraform": frozenset(
        ["destroy", "-destroy", "apply", "state", "workspace", "force-unlock", "taint"]
    ),
    "serverless": frozenset(["remove", "delete"]),
    "kind": frozenset(["delete"]),
    "find": frozenset(["-delete"]),
    # hosting platforms (rules.platform): the word that makes each call destructive
    "gh": frozenset(["delete"]),
    "fly": frozenset(["destroy", "delete"]),
    "heroku": frozenset(["apps:destroy", "pg:reset", "addons:destroy"]),
    "vercel": frozenset(["remove", "rm"]),
    "netlify": frozenset(["sites:delete"]),
    "firebase": frozenset(["firestore:delete", "database:remove", "hosting:disable"]),
    "supabase": frozenset(["delete", "reset"]),
    "railway": frozenset(["down", "delete"]),
    "wrangler": frozenset(["delete"]),
    "neonctl": frozenset(["delete"]),
    "pscale": frozenset(["delete"]),
    "turso": frozenset(["destroy"]),
    "drizzle-kit": frozenset(["--force"]),
    # rules.filesystem.mv judges only a literal /dev/ target, which SENSITIVE already sends on
    "mv": frozenset(["/dev/null"]),
}
for _alias, _tool in (
    ("podman", "docker"), ("docker-compose", "docker"), ("nerdctl", "docker"), ("oc", "kubectl"),
    ("tofu", "terraform"), ("terragrunt", "terraform"), ("sls", "serverless"),
    ("sam", "serverless"), ("flyctl", "fly"), ("neon", "neonctl"),
):  # fmt: skip
    GATED[_alias] = GATED[_tool]
ALWAYS |= pack_words.ALWAYS
for _tool, _words in pack_words.GATED.items():
    GATED[_tool] = GATED.get(_tool, frozenset()) | _words
INTERPRETERS = frozenset(["python", "node", "deno", "bun", "ruby", "perl", "php", "osascript"])
WRITERS = frozenset(["tee", "sed", "cp", "mv", "install", "ln", "truncate", "unlink"])
SENSITIVE = (
    ".aws", ".ssh", ".kube", "netrc", "credential", ".docker", "gcloud", ".azure", ".npmrc",
    ".pypirc", "vault-token", ".terraform", ".pem", ".key", ".p12", ".pfx", ".env", "shadow",
    "sudoers", "secret", "service-account", ".github", ".countersign", ".gitlab", ".circleci",
    "jenkinsfile", "tfstate", ".claude", ".codex", ".cursor", ".gemini", ".kiro", "codeowners",
    "pipelines", ".buildkite", ".git/", "/dev/", ".gnupg", "hookspath", "no-verify",
    "countersign", "awscli", "azure.cli", "alias", ".copilot", ".bashrc", ".kshrc", ".envrc",
    ".terraformrc", "profile", ".zsh", ".zlog", ".bash_", "fish/", "environment", ".config/",
    ".gitconfig", ".git-credentials", ".oci", ".vault", ".terraform", "/etc/",
)  # fmt: skip
# Where the guard's interpreter imports from (``hook.installation``): the standard library,
# site-packages (and its ``.pth`` files), the venv's interpreter and ``pyvenv.cfg``. A writer
# naming one, or run in one, takes the full path (``.venv/bin/python -m pytest`` does not).
INSTALLED = ("site-packages", "dist-packages", "/lib/python", "bin/python", "pyvenv.cfg", ".pth")
_INSTALL_VERBS = frozenset(
    ["install", "uninstall", "sync", "inject", "runpip", "reinstall", "uninject"]
)
# The same words as ``rules.execution.DESTRUCTIVE_WORDS``, as a set: no large regex to compile.
DESTRUCTIVE = frozenset(
    [
        "rm",
        "rmdir",
        "dd",
        "mkfs",
        "shred",
        "wipefs",
        "truncate",
        "drop",
        "delete",
        "destroy",
        "purge",
        "prune",
        "reset",
        "clean",
        "push",
        "kill",
        "terminate",
        "uninstall",
        "remove",
        "unlink",
        "rmtree",
        "erase",
        "format",
        "wipe",
        "scale",
        "drain",
    ]
)
# Splitting by str.translate, not a regex: compiling two patterns at import cost more than
# screening the command. The text is printable ASCII by then, so these tables are ``\W+``
# (anything but letters, digits, _) and ``[\s;|&(){}<>]+``.
_NON_WORD = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)
_SEPARATORS = str.maketrans(dict.fromkeys(";|&(){}<>\t\n", " "))
# Compiled only for a command with a redirection or a brace: most commands have neither.
_HARMLESS_REDIRECTS = lazy(r"(?:\d|&)?>>?\s*/dev/null|\d?>&\d|\d?<&\d")
_FORBIDDEN = set("$`\\<>\x00")
_BRACES = lazy(r"\{[^}\s]")  # brace expansion (r{m,x}) builds words that are not in the text


def clearly_harmless(
    command: str,
    configured: bool,
    extra: tuple[frozenset[str], dict[str, frozenset[str]]] | None = None,
    cwd: str = "",
    own_env_active: bool = False,
) -> bool:
    """True only when no rule could match; ``configured`` (a guard.yaml exists) turns writers
    into candidates, since protected paths may then be anything. ``extra`` is what the
    repository's own rule packs add (programs always sent on, programs gated by words). A
    writer run in a protected directory (``cwd``: ``~/.ssh``, site-packages) names its
    files relative to it, so it takes the full path too. ``own_env_active``: the guard's own
    environment is on the PATH, so a bare ``pip`` may be the guard's."""
    if not command.strip() or len(command) > MAX_CHARS or not command.isascii():
        return False
    text = _HARMLESS_REDIRECTS.sub(" ", command) if "<" in command or ">" in command else command
    if _FORBIDDEN & set(text) or not text.replace("\t", " ").replace("\n", " ").isprintable():
        return False
    if ("{" in text and _BRACES.search(text)) or _destructive(text):
        return False
    unquoted = text.replace("'", "").replace('"', "")
    words = unquoted.translate(_SEPARATORS).split()
    lowered = unquoted.lower()
    if any(fragment in lowered for fragment in SENSITIVE):
        return False
    # A word is also seen without its value (``--delete=yes`` needs what ``--delete`` needs).
    names = {w.rsplit("/", 1)[-1] for w in words} | {w.split("=", 1)[0] for w in words}
    if names & ALWAYS or any(name.startswith("mkfs.") for name in names):
        return False
    for tool, needs in GATED.items():
        if tool in names and needs & names:
            return False
    if extra is not None:
        if names & extra[0]:
            return False
        if any(tool in names and needs & names for tool, needs in extra[1].items()):
            return False
    if any(_interpreter(name) for name in names) and (
        "|" in text or any(w.startswith("-") and set(w[1:]) & set("ceEpr") for w in words)
    ):
        return False
    if names & WRITERS and (configured or _sensitive_writer(lowered, cwd.lower())):
        return False
    if _installer_of_a_path(words, names, lowered, own_env_active):
        return False
    return not any(_script_like(w) or _glob_name(w) for w in words)


def _installer_of_a_path(
    words: list[str], names: set[str], lowered: str, own_env_active: bool
) -> bool:
    """``rules.installer``: pip (or ``python -m pip``) run from a path or into one of the
    installation's directories, ``pipx`` and ``uv tool`` changing what is installed, a bare
    pip when the guard's environment is on the PATH (or a PATH is set in the command); else
    a bare ``pip install -r requirements.txt`` stays here."""
    if not names & _INSTALL_VERBS:
        return False
    if "pipx" in names or ("uv" in names and "tool" in names):
        return True
    bases = {w.rsplit("/", 1)[-1].rstrip("0123456789.") for w in words if "/" in w}
    if bases & {"pip", "python"} or any(f in lowered for f in INSTALLED):
        return True
    if "uv" in names and "pip" in names:
        return own_env_active  # into $VIRTUAL_ENV or the project's .venv
    bare = {w.rstrip("0123456789.") for w in words} & {"pip", "python"}
    return bool(bare) and (own_env_active or "path=" in lowered)


def _sensitive_writer(lowered: str, cwd: str) -> bool:
    where = cwd + "/"
    return any(f in lowered or f in where for f in INSTALLED) or any(f in where for f in SENSITIVE)


def _interpreter(name: str) -> bool:
    return name.rstrip("0123456789.") in INTERPRETERS


def _script_like(word: str) -> bool:
    if not word.startswith(("./", "../", "/", "~")):
        return False
    base = word.rstrip("/").rsplit("/", 1)[-1]
    return "." not in base or base.endswith((".sh", ".bash", ".zsh", ".ksh"))


def _glob_name(word: str) -> bool:
    """A glob such as ``/bin/r?`` may expand to a program a rule looks at."""
    if not set(word) & set("*?["):
        return False
    import fnmatch

    base = word.rsplit("/", 1)[-1]
    candidates = ALWAYS | GATED.keys() | INTERPRETERS | WRITERS
    return any(fnmatch.fnmatchcase(name, base) for name in candidates) or base.startswith("mkfs")


def _destructive(text: str) -> bool:
    words = set(text.lower().translate(_NON_WORD).split())
    if words & DESTRUCTIVE or any(w.startswith("flush") for w in words):
        return True
    return any(w.startswith(("-rf", "-fr")) for w in text.lower().split())
