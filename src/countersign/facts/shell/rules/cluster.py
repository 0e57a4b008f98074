"""Clusters: deletions, scaling to zero, drains and chart uninstalls on Kubernetes."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import env_or_probe, has_flag, hit, option, positionals

_WITH_VALUE = {
    "--context",
    "-n",
    "--namespace",
    "--kubeconfig",
    "-l",
    "--selector",
    "-f",
    "--filename",
    "-o",
    "--output",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--kube-context",
    "--replicas",
    "--grace-period",
    "--timeout",
}
_WIDE = {
    "namespace",
    "namespaces",
    "ns",
    "pv",
    "pvc",
    "persistentvolume",
    "persistentvolumeclaim",
    "persistentvolumes",
    "persistentvolumeclaims",
    "crd",
    "crds",
    "customresourcedefinition",
    "node",
    "nodes",
    "statefulset",
    "statefulsets",
    "sts",
}


def _context(inv: Invocation, ctx: ShellContext) -> str | None:
    kube = option(inv.args, "--context", "--kube-context")
    if kube is None and (inv.envvar("KUBECONFIG") is None or option(inv.args, "--kubeconfig")):
        kube = ctx.probe("kube-context")
    namespace = option(inv.args, "-n", "--namespace")
    if ctx.production.names("kube", kube):
        return f"kube context {kube}"
    if ctx.production.names("kube", namespace):
        return f"namespace {namespace}"
    kubeconfig = option(inv.args, "--kubeconfig") or env_or_probe(inv, ctx, "KUBECONFIG")
    if kubeconfig and ctx.production.path(kubeconfig):
        return f"kubeconfig {kubeconfig}"
    cluster = option(inv.args, "--cluster")
    if ctx.production.names("kube", cluster):
        return f"cluster {cluster}"
    # The object named (``delete deploy shop-prod``, ``uninstall payments-live``).
    for name in positionals(inv.args, _WITH_VALUE)[1:]:
        if ctx.production.names("resource", name.rsplit("/", 1)[-1]):
            return f"named {name}"
    return None


def kubectl(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, _WITH_VALUE)
    if not pos:
        return
    verb, rest = pos[0], pos[1:]
    prod = _context(inv, ctx)
    tool = inv.name
    if verb == "delete":
        what = rest[0].split("/")[0].split(",")[0].lower() if rest else "resources"
        wide = what in _WIDE or has_flag(inv.args, "A", ("--all", "--all-namespaces"))
        severity = Severity.HIGH if wide else Severity.MEDIUM
        yield hit(
            "cluster.delete",
            severity,
            f"{tool} delete {' '.join(rest[:2]) or '-f ...'} removes live objects",
            inv,
            prod,
            Severity.CRITICAL if wide else Severity.HIGH,
        )
        if prod and not wide:
            return
    elif verb == "scale":
        replicas = option(inv.args, "--replicas")
        if replicas == "0":
            yield hit(
                "cluster.scale-to-zero",
                Severity.HIGH,
                f"{tool} scale --replicas=0 stops every pod of {' '.join(rest[:2])}",
                inv,
                prod,
                Severity.CRITICAL,
            )
    elif verb == "drain":
        yield hit(
            "cluster.drain",
            Severity.HIGH,
            f"{tool} drain evicts every pod from {' '.join(rest[:1])}",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif verb == "cordon":
        yield hit(
            "cluster.drain",
            Severity.LOW,
            f"{tool} cordon stops scheduling on {' '.join(rest[:1])}",
            inv,
            prod,
        )
    elif verb == "replace" and has_flag(inv.args, "", ("--force",)):
        yield hit(
            "cluster.delete",
            Severity.HIGH,
            f"{tool} replace --force deletes and recreates objects",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif verb == "apply" and has_flag(inv.args, "", ("--prune",)):
        yield hit(
            "cluster.delete",
            Severity.MEDIUM,
            f"{tool} apply --prune deletes objects missing from the files",
            inv,
            prod,
            Severity.HIGH,
        )
    elif (
        verb in ("apply", "create", "patch", "set", "rollout", "edit", "label", "annotate", "taint")
        and prod
    ):
        yield hit(
            "cluster.change",
            Severity.LOW,
            f"{tool} {verb} changes live objects",
            inv,
            prod,
            Severity.MEDIUM,
        )


def helm(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, _WITH_VALUE)
    prod = _context(inv, ctx)
    if pos[:1] in (["uninstall"], ["delete"], ["del"], ["un"]):
        yield hit(
            "cluster.helm-uninstall",
            Severity.HIGH,
            f"helm uninstall removes the release {' '.join(pos[1:2])} and its objects",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif pos[:1] in (["upgrade"], ["install"], ["rollback"]) and prod:
        yield hit(
            "cluster.change",
            Severity.LOW,
            f"helm {pos[0]} changes a live release",
            inv,
            prod,
            Severity.MEDIUM,
        )


def velero_like(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    if "delete" in inv.args[:3]:
        yield hit(
            "cluster.delete",
            Severity.HIGH,
            f"{inv.name} delete removes cluster data",
            inv,
            _context(inv, ctx),
            Severity.CRITICAL,
        )


RULES = {
    "kubectl": (kubectl,),
    "oc": (kubectl,),
    "helm": (helm,),
    "velero": (velero_like,),
    "argocd": (velero_like,),
    "k9s": (),
}
