from pathlib import Path

from trees import write_tree

from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.languages import infer_edges
from countersign.facts.blast_radius.languages.python import module_name

CATALOG = """\
services:
  - name: checkout
    paths: [services/checkout/**]
  - name: web
    paths: [services/web/**]
  - name: jobs
    paths: [services/jobs/**]
  - name: cli
    paths: [tools/cli/**]
"""

FILES = {
    "services/checkout/src/checkout/__init__.py": "",
    "services/checkout/src/checkout/api.py": "import json\nfrom .models import Order\n",
    "services/checkout/src/checkout/models.py": "class Order: ...\n",
    "services/checkout/app.py": "from checkout import api\n",
    "services/web/src/web/__init__.py": "",
    "services/web/src/web/views.py": (
        "import os\n\n\ndef handler():\n    from checkout.api import pay  # lazy\n"
        "    import app  # its own app.py: no edge\n"
    ),
    "services/web/app.py": "import web.views\n",
    "services/jobs/worker.py": "import web.views\nfrom checkout.models import Order\nimport app\n",
    "services/jobs/broken.py": "import os\ndef oops(:\n",
    "tools/cli/app.py": "print('x')\n",
    "unowned/script.py": "import checkout\n",
}


def build(tmp_path: Path):
    return infer_edges(load_catalog(CATALOG), write_tree(tmp_path, FILES))


def test_imports_between_services_become_edges_with_file_and_line(tmp_path):
    catalog = build(tmp_path)
    assert [(e.source, e.target, e.origin) for e in catalog.inferred] == [
        ("jobs", "web", "services/jobs/worker.py:1 imports web.views"),
        ("jobs", "checkout", "services/jobs/worker.py:2 imports checkout.models"),
        ("web", "checkout", "services/web/src/web/views.py:5 imports checkout.api"),
    ]
    assert all(e.inferred for e in catalog.inferred)


def test_ambiguous_modules_and_syntax_errors_are_reported(tmp_path):
    catalog = build(tmp_path)
    assert [str(p) for p in catalog.problems] == [
        (
            "services/jobs/broken.py:2: cannot parse Python (invalid syntax); its imports are not "
            "counted"
        ),
        (
            "services/jobs/worker.py:3: module 'app' is provided by 3 services "
            "(checkout, cli, web); this import adds no edge"
        ),
    ]


def test_module_names_follow_packages():
    packages = {"a/src/pkg", "a/src/pkg/sub"}
    assert module_name("a/src/pkg/sub/mod.py", packages) == "pkg.sub.mod"
    assert module_name("a/src/pkg/__init__.py", packages) == "pkg"
    assert module_name("a/tool.py", packages) == "tool"
    assert module_name("__init__.py", {""}) == ""
    # namespace packages (no __init__.py) between a src directory and a package
    packages = {"api/src/opentelemetry/trace"}
    assert module_name("api/src/opentelemetry/trace/span.py", packages) == (
        "opentelemetry.trace.span"
    )
    assert module_name("api/src/opentelemetry/trace/__init__.py", packages) == (
        "opentelemetry.trace"
    )
    assert module_name("api/src/opentelemetry/version.py", set()) == "opentelemetry.version"
    assert module_name("api/src/tool.py", set()) == "tool"
