from __future__ import annotations

from hazard_cases import FIXTURES, diff, kinds, scan

from countersign.facts.hazards import Severity

K8S = FIXTURES / "kubernetes"
BEFORE = (K8S / "app_before.yaml").read_text()


def test_objects_removed_in_the_diff_are_reported_by_what_they_take_with_them():
    hazards = diff("deploy/shop.yaml", (K8S / "app_after.yaml").read_text(), BEFORE)
    found = {(h.kind, h.resource) for h in hazards}
    assert found == {
        ("k8s.delete_namespace", "Namespace shop"),
        ("k8s.delete_statefulset", "StatefulSet shop/postgres"),
        ("k8s.delete_volume", "PersistentVolumeClaim shop/uploads"),
        ("k8s.delete_pdb", "PodDisruptionBudget shop/web"),
        ("k8s.delete", "ConfigMap shop/web-config"),
        ("k8s.scale_to_zero", "Deployment shop/web"),
    }
    namespace = next(h for h in hazards if h.kind == "k8s.delete_namespace")
    assert (namespace.severity, namespace.line) == (Severity.CRITICAL, 1)
    scaled = next(h for h in hazards if h.kind == "k8s.scale_to_zero")
    assert "(was 3)" in scaled.detail


def test_reordered_and_scaled_up_manifest_is_safe():
    assert diff("deploy/shop.yaml", (K8S / "app_safe_after.yaml").read_text(), BEFORE) == ()


def test_deleted_manifest_file_removes_every_object_in_it():
    hazards = diff("deploy/shop.yaml", None, BEFORE)
    assert len(hazards) == 6
    assert all("whole file deleted" in h.detail for h in hazards)


def test_production_from_the_path_raises_severity():
    (hazard,) = diff(
        "overlays/prod/config.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: keep}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata: {name: keep}\n",
    )
    assert (hazard.kind, hazard.severity, hazard.env) == ("k8s.delete", Severity.HIGH, "prod")


def test_new_workload_at_zero_replicas_is_reported_and_at_one_is_not():
    zero = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {replicas: 0}\n"
    assert kinds(diff("w.yaml", zero)) == ["k8s.scale_to_zero"]
    assert diff("w.yaml", zero.replace("replicas: 0", "replicas: 1")) == ()


def test_yaml_bomb_is_unanalysable_not_expanded():
    (hazard,) = scan(K8S / "bomb.yaml")
    assert hazard.kind == "artifact.unanalysable"
    assert "aliases" in hazard.detail


def test_invalid_yaml_is_unanalysable_with_its_line():
    (hazard,) = diff("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n")
    assert hazard.kind == "artifact.unanalysable"
    assert hazard.line is not None


def test_helm_template_expressions_do_not_stop_the_analysis():
    old = (
        "{{- if .Values.db }}\napiVersion: v1\nkind: PersistentVolumeClaim\n"
        "metadata:\n  name: {{ .Release.Name }}-data\n{{- end }}\n"
    )
    new = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\n"
    assert kinds(diff("chart/templates/db.yaml", new, old)) == ["k8s.delete_volume"]
