from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.mapping import map_paths, map_resources, owner_of
from countersign.facts.blast_radius.resources import Resource

CATALOG = load_catalog("""\
services:
  - name: platform
    paths: ["services/**"]
  - name: checkout
    paths: ["services/checkout/**", "libs/pay/*.py"]
    datastores: [orders-db]
    resources:
      terraform: [module.checkout, "aws_db_instance.orders*"]
      namespaces: ["checkout-*"]
  - name: checkout-api
    paths: ["services/checkout/api/**"]
  - name: twin-a
    paths: ["shared/*.py"]
  - name: twin-b
    paths: ["shared/*.py"]
""")


def test_most_specific_glob_wins_and_the_reason_is_given():
    m = map_paths(["services/checkout/api/v1.py", "services/checkout/app.py"], CATALOG)
    assert m.owners == {
        "checkout-api": ["services/checkout/api/v1.py"],
        "checkout": ["services/checkout/app.py"],
    }
    first = m.overlaps[0]
    assert first.losers == (("checkout", "services/checkout/**"), ("platform", "services/**"))
    assert first.reason == (
        "'services/checkout/api/**' is more specific than 'services/checkout/**' "
        "(3 literal directories against 2)"
    )


def test_equal_specificity_falls_back_to_catalog_order():
    m = map_paths(["shared/x.py"], CATALOG)
    assert m.owners == {"twin-a": ["shared/x.py"]}
    assert m.overlaps[0].reason == (
        "'shared/*.py' and 'shared/*.py' are equally specific; twin-a is declared first in the "
        "catalog"
    )


def test_unowned_paths_are_reported_in_order():
    m = map_paths(["README.md", "libs/pay/x.py", "libs/pay/sub/y.py"], CATALOG)
    assert m.unowned == ("README.md", "libs/pay/sub/y.py")
    assert owner_of("libs/pay/x.py", CATALOG) == "checkout"


def test_resources_map_by_kind():
    resources = [
        Resource("terraform", "module.checkout.aws_s3_bucket.receipts", "plan.json"),
        Resource("terraform", 'aws_db_instance.orders_replica["eu"]', "plan.json"),
        Resource("terraform", "module.checkout_v2.x.y", "plan.json"),
        Resource("namespace", "checkout-prod", "k8s.yaml"),
        Resource("database", "orders-db", "001.sql"),
    ]
    m = map_resources(resources, CATALOG)
    assert [r.name for r in m.owners["checkout"]] == [
        "module.checkout.aws_s3_bucket.receipts",
        'aws_db_instance.orders_replica["eu"]',
        "checkout-prod",
        "orders-db",
    ]
    assert [r.name for r in m.unowned] == ["module.checkout_v2.x.y"]
