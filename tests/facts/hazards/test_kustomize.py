"""Kustomize overlays: entries taken out of resources, replicas to 0, namespace moved."""

from __future__ import annotations

from hazard_cases import diff, kinds

OLD = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - ../../base
  - postgres.yaml
  - redis.yaml
replicas:
  - name: web
    count: 3
"""


def test_resource_removed_from_an_overlay_is_a_deletion():
    new = OLD.replace("  - redis.yaml\n", "")
    (hazard,) = diff("overlays/staging/kustomization.yaml", new, OLD)
    assert (hazard.kind, hazard.resource) == ("k8s.delete", "redis.yaml")


def test_production_overlay_ranks_higher_and_scale_to_zero_is_reported():
    new = OLD.replace("count: 3", "count: 0")
    (hazard,) = diff("overlays/prod/kustomization.yaml", new, OLD)
    assert (hazard.kind, hazard.env, hazard.severity.value) == (
        "k8s.scale_to_zero",
        "prod",
        "critical",
    )


def test_namespace_moved_and_an_added_resource_is_safe():
    assert kinds(
        diff("kustomization.yaml", OLD.replace("namespace: shop", "namespace: shop2"), OLD)
    ) == ["k8s.delete_namespace"]
    assert (
        diff(
            "kustomization.yaml",
            OLD.replace("  - redis.yaml\n", "  - redis.yaml\n  - kafka.yaml\n"),
            OLD,
        )
        == ()
    )
