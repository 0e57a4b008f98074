"""Infrastructure as code: destroy, replace and unattended apply, worse in production."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import env_or_probe, has_flag, hit, option, positionals


def _tf_production(inv: Invocation, args: list[str], ctx: ShellContext) -> str | None:
    prod = ctx.production
    workspace = env_or_probe(inv, ctx, "TF_WORKSPACE")
    if workspace is None:
        workspace = ctx.probe("terraform-workspace")
    if prod.names("workspace", workspace):
        return f"workspace {workspace}"
    for arg in args:
        if arg.startswith(("-var-file=", "-chdir=", "-backend-config=")) and prod.path(
            arg.split("=", 1)[1]
        ):
            return arg
    chdir = next((a.split("=", 1)[1] for a in inv.args if a.startswith("-chdir=")), None)
    for path in (chdir, inv.cwd, ctx.cwd):
        if path and prod.path(path):
            return f"directory {path}"
    env = prod.environment({**ctx.env, **dict(inv.env)})
    return f"environment {env}" if env else None


def _cli_args(inv: Invocation, ctx: ShellContext, sub: str) -> list[str]:
    """Arguments Terraform reads from ``TF_CLI_ARGS`` and ``TF_CLI_ARGS_<sub>``."""
    out: list[str] = []
    for name in ("TF_CLI_ARGS", f"TF_CLI_ARGS_{sub}"):
        value = env_or_probe(inv, ctx, name)
        if value:
            out.extend(value.split())
    return out


def _destroying(flat: list[str]) -> bool:
    return any(
        a == "destroy" or (a.startswith("destroy=") and a[8:].lower() in ("true", "1", "t"))
        for a in flat
    )


def terraform(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    args = [a for a in inv.args if not a.startswith("-chdir=")]
    if inv.name == "terragrunt" and args[:1] == ["destroy-all"]:
        args = ["destroy", *args[1:]]
    elif inv.name == "terragrunt" and args[:1] == ["run-all"]:
        args = args[1:]
    elif inv.name == "terragrunt" and args[:1] == ["run"]:
        args = [a for a in args[1:] if a not in ("--all", "-all", "--")]
    if not args:
        return
    sub, rest = args[0], [*args[1:], *_cli_args(inv, ctx, args[0])]
    flat = [a.lstrip("-") for a in rest]
    prod = _tf_production(inv, rest, ctx)
    tool = inv.name
    if sub == "destroy" or (sub == "apply" and _destroying(flat)):
        yield hit(
            "infra.terraform-destroy",
            Severity.HIGH,
            f"{tool} {sub} deletes every resource the state manages",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif sub == "apply" and _saved_destroy_plan(rest):
        yield hit(
            "infra.terraform-destroy",
            Severity.HIGH,
            f"{tool} apply {_saved_destroy_plan(rest)} applies a saved plan whose name says it "
            "destroys",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif sub == "taint":
        yield hit(
            "infra.terraform-replace",
            Severity.MEDIUM,
            f"{tool} taint marks {' '.join(positionals(rest)[:1]) or 'a resource'} to be destroyed "
            "and recreated by the next apply",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif sub == "apply":
        replaced = [a.split("=", 1)[1] for a in flat if a.startswith("replace=")]
        auto = any(a.startswith("auto-approve") for a in flat)
        if replaced:
            yield hit(
                "infra.terraform-replace",
                Severity.MEDIUM,
                f"{tool} apply -replace destroys and recreates {', '.join(replaced)}",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif auto and prod:
            yield hit(
                "infra.terraform-auto-approve",
                Severity.MEDIUM,
                f"{tool} apply -auto-approve applies a plan nobody reviewed",
                inv,
                prod,
                Severity.HIGH,
            )
    elif sub == "state" and rest[:1] in (["rm"], ["push"], ["replace-provider"]):
        yield hit(
            "infra.terraform-state",
            Severity.HIGH,
            f"{tool} state {rest[0]} edits the state: resources may be orphaned or clobbered",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif sub == "workspace" and rest[:1] == ["delete"]:
        yield hit(
            "infra.terraform-state",
            Severity.HIGH,
            f"{tool} workspace delete drops a state",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif sub == "force-unlock":
        yield hit(
            "infra.terraform-state",
            Severity.MEDIUM,
            "force-unlock can let two runs write the same state",
            inv,
            prod,
        )


def _saved_destroy_plan(rest: list[str]) -> str | None:
    plans = positionals(rest, {"-var", "-var-file", "-target", "-parallelism"})
    return next((p for p in plans if "destroy" in p.rsplit("/", 1)[-1].lower()), None)


def destroy_plans(invocations: list[Invocation], ctx: ShellContext) -> Iterator[ShellFinding]:
    """``terraform plan -destroy -out=F`` then ``terraform apply F`` in one command line: the
    apply destroys what the plan said, whatever the file is called."""
    made: set[str] = set()
    for inv in invocations:
        if inv.name not in ("terraform", "tofu", "terragrunt"):
            continue
        args = [a for a in inv.args if not a.startswith("-chdir=")]
        sub, rest = (args[0], args[1:]) if args else ("", [])
        flat = [a.lstrip("-") for a in rest]
        if sub == "plan" and _destroying(flat):
            made.update(a.split("=", 1)[1] for a in flat if a.startswith("out="))
            made.update(rest[i + 1] for i, a in enumerate(rest[:-1]) if a in ("-out", "--out"))
        elif sub == "apply":
            applied = [p for p in positionals(rest) if p in made]
            if applied:
                yield hit(
                    "infra.terraform-destroy",
                    Severity.HIGH,
                    f"{inv.name} apply {applied[0]} applies the destroy plan made before it",
                    inv,
                    _tf_production(inv, rest, ctx),
                    Severity.CRITICAL,
                )


def pulumi(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, {"-s", "--stack", "-C", "--cwd", "--target", "-t"})
    stack = option(inv.args, "-s", "--stack") or env_or_probe(inv, ctx, "PULUMI_STACK")
    prod = f"stack {stack}" if ctx.production.names("workspace", stack) else None
    if "--preview-only" in inv.args:
        return
    if pos[:1] in (["destroy"], ["down"]) or pos[:2] == ["stack", "rm"]:
        yield hit(
            "infra.pulumi-destroy",
            Severity.HIGH,
            f"pulumi {' '.join(pos[:2])} deletes the stack's resources",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif pos[:2] == ["state", "delete"]:
        yield hit(
            "infra.pulumi-destroy",
            Severity.HIGH,
            "pulumi state delete removes the resource from the stack's state; it is orphaned",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif pos[:1] == ["up"] and any(
        a.startswith(("--replace", "--target-replace")) for a in inv.args
    ):
        yield hit(
            "infra.pulumi-replace",
            Severity.MEDIUM,
            "pulumi up --replace recreates resources",
            inv,
            prod,
            Severity.CRITICAL,
        )


def cdk(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, {"--profile", "-c", "--context", "-a", "--app"})
    if pos[:1] == ["destroy"]:
        profile = option(inv.args, "--profile") or env_or_probe(inv, ctx, "AWS_PROFILE")
        named = " ".join(pos[1:]) + " " + (profile or "")
        prod = named.strip() if ctx.production.names("cloud", named) else None
        yield hit(
            "infra.cdk-destroy",
            Severity.HIGH,
            "cdk destroy deletes the stacks and their resources",
            inv,
            prod,
            Severity.CRITICAL,
        )


def serverless(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, {"--stage", "-s", "--region", "-r", "--config", "-c"})
    if pos[:1] in (["remove"], ["delete"]):
        stage = option(inv.args, "--stage", "-s")
        prod = f"stage {stage}" if ctx.production.names("workspace", stage) else None
        yield hit(
            "infra.stack-delete",
            Severity.HIGH,
            f"{inv.name} {pos[0]} deletes the deployed stack",
            inv,
            prod,
            Severity.CRITICAL,
        )


def eksctl(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    if inv.args[:1] == ("delete",):
        name = option(inv.args, "--name", "-n") or " ".join(positionals(inv.args)[2:])
        prod = name if ctx.production.names("kube", name) else None
        yield hit(
            "infra.cluster-delete",
            Severity.HIGH,
            "eksctl delete removes a cluster or its node groups",
            inv,
            prod,
            Severity.CRITICAL,
        )


def kind(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    """``kind`` clusters are Docker containers on this machine, never production: deleting one
    loses only what was deployed into it, so it is recorded (low), not asked."""
    pos = positionals(inv.args, {"--name", "-n", "--kubeconfig"})
    if pos[:1] != ["delete"] or pos[1:2] not in (["cluster"], ["clusters"]):
        return
    if has_flag(inv.args, "A", ("--all",)):
        what = "every local kind cluster"
    else:
        names = pos[2:] or [option(inv.args, "--name", "-n") or "kind"]
        what = f"the local kind cluster{'s' if len(names) > 1 else ''} {', '.join(names)}"
    yield hit(
        "infra.cluster-delete",
        Severity.LOW,
        f"kind delete removes {what}; what was deployed there is lost",
        inv,
    )


RULES = {
    "terraform": (terraform,),
    "tofu": (terraform,),
    "terragrunt": (terraform,),
    "pulumi": (pulumi,),
    "cdk": (cdk,),
    "serverless": (serverless,),
    "sls": (serverless,),
    "sam": (serverless,),
    "eksctl": (eksctl,),
    "kind": (kind,),
}
