"""Build the guard's command corpora from the templates beside this file, deterministically:

    destructive.jsonl  commands that delete, destroy, wipe or cut off (should be asked or denied)
    lookalike.jsonl    the same tools used safely: read-only, dry runs, local targets, undo
    everyday.jsonl     what coding agents run all day: builds, tests, git, packages, queries

Each template is expanded over its slots (at most ``PER_TEMPLATE`` combinations, evenly
spread), and destructive and look-alike commands also appear inside one wrapper (``sudo``,
``bash -c``, ``cd dir &&``, a pipe...), everyday ones behind a common prefix or suffix. The
output is committed; rerun after changing a template:

    .venv/bin/python benchmarks/corpora/build_corpora.py
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from destructive_templates import FAMILIES, SLOTS  # noqa: E402
from safe_templates import EVERYDAY, EVERYDAY_SLOTS, LOOKALIKES  # noqa: E402

PER_TEMPLATE = 8
_SLOT = re.compile(r"(?<!\{)\{([a-z]+)\}(?!\})")
WRAPPERS = [w for w in SLOTS["wrap"] if w != "{c}"]
EVERYDAY_PREFIXES = ["cd {svc} && {c}", "CI=1 {c}", "cd services/{svc} && {c}"]
# Output-limiting and timing wrappers only where agents use them: tests, builds, logs, listings.
EVERYDAY_SUFFIXES = ["{c} 2>&1 | tail -n 30", "{c} | head -n 40", "time {c}", "{c} 2>&1 | tail -5"]
_NOISY = re.compile(
    r"^(pytest|python -m pytest|python3 -m pytest|npm|npx|pnpm|yarn|bun|go|cargo|mvn|\./gradlew|"
    r"gradle|make|dotnet|bundle|rails|rake|mix|tox|nox|uv run|poetry run|docker (build|logs|compose)|"
    r"kubectl (get|logs|describe)|git (log|diff|status)|ruff|mypy|tsc|cmake|ctest)\b"
)


def expand(
    template: str, slots: dict[str, list[str]], per_template: int = PER_TEMPLATE
) -> list[str]:
    names = list(dict.fromkeys(_SLOT.findall(template)))
    if not names:
        return [template.replace("{{", "{").replace("}}", "}")]
    combos = list(itertools.product(*(slots[n] for n in names)))
    step = max(1, len(combos) // per_template)
    out = []
    for combo in combos[::step][:per_template]:
        text = template
        for name, value in zip(names, combo, strict=True):
            text = re.sub(r"(?<!\{)\{" + name + r"\}(?!\})", lambda _m, v=value: v, text)
        out.append(text.replace("{{", "{").replace("}}", "}"))
    return out


def wrap(command: str, wrapper: str) -> str:
    if "\n" in command:
        return command
    return wrapper.replace("{q}", shlex.quote(command)).replace("{c}", command)


def build(families: dict[str, list[str]], slots: dict[str, list[str]]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    n = 0
    for family, templates in families.items():
        for template in templates:
            for command in expand(template, slots):
                rows.append({"family": family, "command": command})
                rows.append(
                    {"family": family, "command": wrap(command, WRAPPERS[n % len(WRAPPERS)])}
                )
                n += 1
    return _unique(rows)


def everyday() -> list[dict[str, str]]:
    slots = {**SLOTS, **EVERYDAY_SLOTS}
    rows = []
    n = 0
    for template in EVERYDAY:
        for command in expand(template, slots, per_template=12):
            pool = EVERYDAY_PREFIXES + (EVERYDAY_SUFFIXES if _NOISY.match(command) else [])
            svc = EVERYDAY_SLOTS["svc"][n % len(EVERYDAY_SLOTS["svc"])]
            rows.append({"family": "everyday", "command": command})
            for variant in (pool[n % len(pool)], pool[(n + 1) % len(pool)]):
                text = variant.replace("{svc}", svc).replace("{c}", command)
                rows.append({"family": "everyday", "command": text})
            n += 1
    return _unique(rows)


def _unique(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["command"] not in seen:
            seen.add(row["command"])
            out.append(row)
    return out


def write(name: str, rows: list[dict[str, str]]) -> None:
    with (HERE / name).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    print(f"{name}: {len(rows)} commands")


def main() -> None:
    write("destructive.jsonl", build(FAMILIES, SLOTS))
    write("lookalike.jsonl", build(LOOKALIKES, SLOTS))
    write("everyday.jsonl", everyday())


if __name__ == "__main__":
    main()
