"""Edges inferred from code at monorepo scale: 300 services, each with TypeScript, Go and Python
files that import other services, written to a temporary directory and read the way a CLI run
reads the working tree. Times each language's inference alone (first run, which loads the
grammars, then the best of three). Run: .venv/bin/python benchmarks/edge_inference.py"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from countersign.config.catalog import Catalog, Service
from countersign.facts.blast_radius.languages import LANGUAGES, infer_edges
from countersign.intake.tree import DirTree
from countersign.state.import_scans import ScanCache

SERVICES = 300
FILES_PER_LANGUAGE = 10  # per service
IMPORTS = 4  # of other services, per file

TS_BODY = """\
// Handlers for {name}: import "not-an-import" from a comment.
/* require("neither") */
export interface Order {{ id: string; total: number; lines: Array<{{ sku: string }}> }}
const pattern = /import "x"|require\\("y"\\)/g;
export class Service{k} {{
  private cache = new Map<string, Order>();
  constructor(private readonly base: string) {{}}
  async get(id: string): Promise<Order | undefined> {{
    const url = `${{this.base}}/orders/${{encodeURIComponent(id)}}?q=${{"import"}}`;
    if (this.cache.has(id)) return this.cache.get(id);
    const res = await fetch(url, {{ headers: {{ "x-trace": "1" }} }});
    const order = (await res.json()) as Order;
    this.cache.set(id, order);
    return order;
  }}
  total(orders: Order[]): number {{
    return orders.reduce((sum, o) => sum + o.total / 100, 0);
  }}
}}
"""

GO_BODY = """\
// Handler{k} serves {name}.
func Handler{k}(w http.ResponseWriter, r *http.Request) {{
	s := "import \\"not-an-import\\""
	raw := `
import "neither"
`
	fmt.Fprintf(w, "%s %s %d", s, raw, len(r.URL.Path))
}}
"""

PY_BODY = """\
def handler_{k}(request):
    text = "import not_an_import"
    return {{"service": "{name}", "text": text, "n": len(request)}}
"""


def write_monorepo(root: Path, rng: random.Random) -> Catalog:
    (root / "go.mod").write_text("module example.com/shop\n\ngo 1.22\n")
    services = []
    for i in range(SERVICES):
        name = f"svc-{i:03d}"
        base = root / "services" / name
        others = [f"svc-{rng.randrange(SERVICES):03d}" for _ in range(FILES_PER_LANGUAGE * 3)]
        (base / "ts").mkdir(parents=True)
        (base / "go").mkdir()
        (base / "py" / f"svc_{i:03d}").mkdir(parents=True)
        (base / "package.json").write_text(f'{{"name": "@shop/{name}", "version": "1.0.0"}}\n')
        (base / "py" / f"svc_{i:03d}" / "__init__.py").write_text("")
        for k in range(FILES_PER_LANGUAGE):
            deps = rng.sample(others, IMPORTS)
            ts_imports = "".join(
                f'import {{ x{j} }} from "@shop/{d}";\n' for j, d in enumerate(deps)
            )
            ts_imports += 'import { readFile } from "node:fs";\nimport "./sibling";\n'
            body = "".join(TS_BODY.format(name=name, k=f"{k}_{n}") for n in range(6))
            (base / "ts" / f"mod{k}.ts").write_text(ts_imports + body)
            go_imports = "".join(f'\t"example.com/shop/services/{d}/go"\n' for d in deps)
            go_header = f'package go{i}\n\nimport (\n\t"fmt"\n\t"net/http"\n{go_imports})\n\n'
            body = "".join(GO_BODY.format(name=name, k=f"{k}_{n}") for n in range(12))
            (base / "go" / f"mod{k}.go").write_text(go_header + body)
            py_imports = "".join(f"import svc_{d[4:]}\n" for d in deps)
            body = "".join(PY_BODY.format(name=name, k=f"{k}_{n}") for n in range(12))
            (base / "py" / f"svc_{i:03d}" / f"mod{k}.py").write_text(py_imports + body)
        services.append(Service(name=name, paths=(f"services/{name}/**",)))
    return Catalog(services=tuple(services))


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = write_monorepo(root, rng)
        tree = DirTree(root)
        everything = tree.paths()
        print(f"{SERVICES} services, {len(everything)} files")
        for name, language in LANGUAGES.items():
            paths = [p for p in everything if p.endswith(language.suffixes)]
            size = sum((root / p).stat().st_size for p in paths) / 1e6
            only = {name: language}
            start = time.perf_counter()
            result = infer_edges(Catalog(catalog.services), tree, only)
            first = time.perf_counter() - start
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                infer_edges(Catalog(catalog.services), tree, only)
                runs.append(time.perf_counter() - start)
            best = min(runs)
            store = root / f".scans-{name}.json"
            cold = ScanCache.load(store)
            infer_edges(Catalog(catalog.services), tree, only, cache=cold)
            cold.save()
            warm_runs = []
            for _ in range(3):
                start = time.perf_counter()
                warm = ScanCache.load(store)
                cached = infer_edges(Catalog(catalog.services), tree, only, cache=warm)
                warm_runs.append(time.perf_counter() - start)
            same = len(cached.inferred) == len(result.inferred)
            print(
                f"{name}: {len(paths)} files, {size:.1f} MB: first run {first * 1000:.0f} ms, "
                f"best of 3 {best * 1000:.0f} ms ({size / best:.1f} MB/s); "
                f"{len(result.inferred)} edges, {len(result.problems)} problems\n"
                f"  with remembered scans (only reading and hashing the files): best of 3 "
                f"{min(warm_runs) * 1000:.0f} ms, {best / min(warm_runs):.1f}x faster"
                f"{'' if same else ' (EDGES DIFFER)'}"
            )


if __name__ == "__main__":
    main()
