"""Commands run inside containers and pods: ``docker exec db psql -c 'DROP …'``, tool images run
with ``docker run hashicorp/terraform destroy``, ``kubectl exec pod -- rm -rf /data``. The
command inside is judged like one run here; an image whose entrypoint is not known is marked so
that a destructive word in its arguments is asked about."""

from __future__ import annotations

CONTAINER_TOOLS = frozenset({"docker", "podman", "nerdctl", "docker-compose", "finch"})

# Tool images and the program their entrypoint runs (``docker run IMAGE ARGS`` is ``PROGRAM
# ARGS``), from each image's published Dockerfile.
ENTRYPOINTS = {
    "terraform": "terraform",
    "opentofu": "tofu",
    "aws-cli": "aws",
    "kubectl": "kubectl",
    "helm": "helm",
    "eksctl": "eksctl",
    "flyctl": "flyctl",
    "doctl": "doctl",
    "terragrunt": "terragrunt",
}

_EXEC_WITH_VALUE = {"-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir"}
_EXEC_WITH_VALUE |= {"--detach-keys", "--index"}
_RUN_WITH_VALUE = _EXEC_WITH_VALUE | {
    "-v", "--volume", "--mount", "--name", "-p", "--publish", "--network", "--net",
    "--entrypoint", "--platform", "-l", "--label", "--label-file", "--add-host", "--cpus", "-m",
    "--memory", "--restart", "--hostname", "-h", "--device", "--cap-add", "--cap-drop",
    "--security-opt", "--tmpfs", "--ulimit", "--log-driver", "--log-opt", "--dns", "--ipc",
    "--pid", "--gpus", "--stop-signal", "--stop-timeout", "--pull", "--runtime", "--shm-size",
    "--group-add", "--link", "--expose", "--volumes-from", "--cidfile", "--userns", "--uts",
    "--ip", "--memory-swap", "-c", "--cpu-shares", "--cpuset-cpus", "--sysctl", "-a",
    "--attach", "--health-cmd", "--annotation", "--cgroupns", "--isolation",
}  # fmt: skip


def container_command(argv: tuple[str, ...]) -> tuple[tuple[str, ...], str, str] | None:
    """(the command run inside, how it got there, what could not be seen) for ``exec``/``run``
    of a container tool or ``kubectl exec/run/debug … -- CMD``; None for anything else."""
    name = argv[0].rsplit("/", 1)[-1]
    args = list(argv[1:])
    if name in ("kubectl", "oc"):
        verbs = [a for a in args if not a.startswith("-")]
        if verbs[:1] and verbs[0] in ("exec", "run", "debug") and "--" in args:
            inner = tuple(args[args.index("--") + 1 :])
            return (inner, f"{name} {verbs[0]}", "") if inner else None
        return None
    while args and args[0] in ("container", "compose") and name != "docker-compose":
        compose = args[0] == "compose"
        args = args[1:]
        if compose:
            return _compose(name, _skip_compose_options(args))
    if name == "docker-compose":
        return _compose(name, _skip_compose_options(args))
    if not args or args[0] not in ("exec", "run"):
        return None
    verb, rest = args[0], args[1:]
    options = _EXEC_WITH_VALUE if verb == "exec" else _RUN_WITH_VALUE
    entrypoint = _value(rest, "--entrypoint")
    operands = _operands(rest, options)
    if not operands:
        return None
    target, inner = operands[0], tuple(operands[1:])
    how = f"{name} {verb} {target}"
    if verb == "exec":
        return (inner, how, "") if inner else None
    if entrypoint:
        return (entrypoint, *inner), how, ""
    image = target.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    program = ENTRYPOINTS.get(image)
    if program is not None:
        return (program, *inner), how, ""
    if not inner:
        return None
    return inner, how, f"the image {target} runs an entrypoint countersign does not know"


def _compose(name: str, args: list[str]) -> tuple[tuple[str, ...], str, str] | None:
    if not args or args[0] not in ("exec", "run"):
        return None
    verb, rest = args[0], args[1:]
    options = _EXEC_WITH_VALUE if verb == "exec" else _RUN_WITH_VALUE
    operands = _operands(rest, options)
    if len(operands) < 2:
        return None
    entrypoint = _value(rest, "--entrypoint")
    inner = tuple(operands[1:])
    return ((entrypoint, *inner) if entrypoint else inner), f"{name} {verb} {operands[0]}", ""


def _skip_compose_options(args: list[str]) -> list[str]:
    with_value = {"-f", "--file", "-p", "--project-name", "--profile", "--env-file"}
    with_value |= {"--project-directory", "--ansi", "--parallel", "--progress"}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in with_value else 1
    return args[i:]


def _operands(args: list[str], with_value: set[str]) -> list[str]:
    """The words from the first operand on (the container or image, then its command)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args[i + 1 :]
        if not arg.startswith("-") or arg == "-":
            return args[i:]
        i += 2 if arg in with_value else 1
    return []


def _value(args: list[str], option: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.partition("=")[2]
        if not arg.startswith("-"):
            return None
    return None
