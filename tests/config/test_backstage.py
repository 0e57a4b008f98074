from countersign.config.backstage import read_backstage

TWO_DOCS = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: storefront
  annotations:
    countersign.dev/tier: "1"
    countersign.dev/environments: prod, staging
spec:
  type: service
  owner: group:default/web
  dependsOn: [component:default/checkout, resource:sessions-db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: storefront-api
"""


def test_component_becomes_a_service_owning_its_directory():
    services, problems = read_backstage(TWO_DOCS, "services/storefront/catalog-info.yaml")
    assert problems == []
    (s,) = services
    assert (s.name, s.paths, s.owners, s.tier, s.environments) == (
        "storefront",
        ("services/storefront/**",),
        ("web",),
        1,
        ("prod", "staging"),
    )
    assert (s.depends_on, s.datastores) == (("checkout",), ("sessions-db",))
    assert s.origin == "services/storefront/catalog-info.yaml: documents[0]"


def test_root_component_owns_everything_and_paths_annotation_overrides():
    doc = (
        "kind: Component\nmetadata:\n  name: mono\n  annotations:\n"
        "    countersign.dev/paths: 'apps/**, libs/core/**'\n"
    )
    (s,), _ = read_backstage(doc, "catalog-info.yaml")
    assert s.paths == ("apps/**", "libs/core/**")
    (root,), _ = read_backstage("kind: Component\nmetadata: {name: mono}\n", "catalog-info.yaml")
    assert root.paths == ("**",)


def test_problems_carry_file_and_line_or_key():
    _, problems = read_backstage("kind: Component\nmetadata: {name: [x\n", "a/catalog-info.yaml")
    assert [str(p) for p in problems] == [
        "a/catalog-info.yaml: line 3: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]
    services, problems = read_backstage(
        "kind: Component\nmetadata:\n  name: x\n  annotations: {countersign.dev/tier: high}\n"
        "---\nkind: Component\nmetadata: {}\n",
        "b/catalog-info.yaml",
    )
    assert services[0].tier == 3
    assert [str(p) for p in problems] == [
        (
            "b/catalog-info.yaml: documents[0].metadata.annotations.countersign.dev/tier: "
            "expected 1 to 4, got 'high'; using tier 3"
        ),
        "b/catalog-info.yaml: documents[1].metadata.name: a Component needs a name; skipped",
    ]
