"""Build the sample monorepo: services, roster, a history of human and AI-assisted commits, and
a branch where a junior engineer's AI-assisted change touches checkout, replaces the production
orders database in its Terraform plan and drops a column in a migration."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from countersign.config import CONFIG_DIR
from countersign.config.starter import GITIGNORE
from countersign.decision.policy import default_policy_text

CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"
PEOPLE = {
    "dana": ("Dana Junior", "dana@shop.example", "junior", ["payments"]),
    "miguel": ("Miguel Mid", "miguel@shop.example", "mid", ["storefront"]),
    "priya": ("Priya Senior", "priya@shop.example", "senior", ["payments"]),
    "sam": ("Sam Principal", "sam@shop.example", "principal", ["platform", "payments"]),
    "lee": ("Lee Security", "lee@shop.example", "senior", ["security"]),
}

CATALOG = """\
# Services of the sample shop. checkout is on the critical list (tier 1).
version: 1
services:
  - name: checkout
    paths: ["services/checkout/**", "infra/prod/**"]
    owners: [payments]
    tier: 1
    environments: [prod, staging]
    datastores: [orders-db]
    depends_on: [inventory, payments-gateway]
    resources:
      terraform: ["aws_db_instance.orders", "aws_security_group_rule.checkout_*"]
      databases: [orders, orders-prod]
  - name: payments-gateway
    paths: ["services/payments-gateway/**"]
    owners: [payments]
    tier: 1
    environments: [prod]
  - name: inventory
    paths: ["services/inventory/**"]
    owners: [fulfilment]
    tier: 2
    environments: [prod, staging]
  - name: storefront
    paths: ["services/storefront/**"]
    owners: [storefront]
    tier: 2
    environments: [prod, staging]
    depends_on: [checkout]
  - name: mobile-api
    paths: ["services/mobile-api/**"]
    owners: [mobile]
    tier: 2
    environments: [prod]
    depends_on: [checkout]
  - name: order-emails
    paths: ["services/order-emails/**"]
    owners: [growth]
    tier: 3
    environments: [prod]
    depends_on: [storefront]
"""


MIGRATION = (
    "-- The coupon system was retired in 2025.\nALTER TABLE orders DROP COLUMN legacy_coupon;\n"
)


def people_yaml(keys: dict[str, str] | None = None) -> str:
    """The roster; ``keys`` gives each person's SSH public key (``ssh-ed25519 AAAA…``)."""
    lines = ["# Who is who in the sample shop.", "version: 1", "people:"]
    for pid, (name, email, level, teams) in PEOPLE.items():
        lines += [
            f"  - id: {pid}",
            f"    name: {name}",
            f"    emails: [{email}]",
            f"    level: {level}",
            f"    teams: [{', '.join(teams)}]",
        ]
        if keys and pid in keys:
            lines.append(f'    keys: ["{keys[pid]} {pid}-laptop"]')
    lines += ["agents:", "  - noreply@anthropic.com", "  - cursoragent@cursor.com", ""]
    return "\n".join(lines)


def plan_json() -> str:
    """A plan as ``terraform show -json`` prints it: the orders database is replaced in prod."""
    before = {
        "identifier": "orders-prod",
        "instance_class": "db.r6g.large",
        "engine": "postgres",
        "engine_version": "15.4",
        "tags": {"env": "prod"},
    }
    after = {**before, "engine_version": "16.2", "storage_encrypted": True}
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"environment": {"value": "prod"}},
        "resource_changes": [
            {
                "address": "aws_db_instance.orders",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "orders",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["delete", "create"],
                    "before": before,
                    "after": after,
                    "replace_paths": [["storage_encrypted"]],
                },
                "action_reason": "replace_because_cannot_update",
            },
            {
                "address": "aws_security_group_rule.checkout_https",
                "mode": "managed",
                "type": "aws_security_group_rule",
                "name": "checkout_https",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["no-op"], "before": {}, "after": {}},
            },
        ],
    }
    return json.dumps(plan, indent=2) + "\n"


def _service(name: str, body: str) -> dict[str, str]:
    return {f"services/{name}/app.py": body, f"services/{name}/README.md": f"# {name}\n"}


class Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = 1_767_261_600  # 2026-01-01, advanced per commit so history is ordered

    def git(self, *args: str, who: str = "sam") -> str:
        name, email = PEOPLE[who][0], PEOPLE[who][1]
        self.clock += 3600
        stamp = f"{self.clock} +0000"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        out = subprocess.run(
            ["git", *args], cwd=self.path, env=env, check=True, capture_output=True
        )
        return out.stdout.decode().strip()

    def commit(self, who: str, message: str, files: dict[str, str]) -> None:
        for rel, text in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.git("add", "-A", who=who)
        self.git("commit", "-q", "-m", message, who=who)


def make_keys(where: Path) -> dict[str, Path]:
    """A throwaway Ed25519 SSH key per person (``ssh-keygen``, no passphrase), for the demo."""
    where.mkdir(parents=True, exist_ok=True)
    keys: dict[str, Path] = {}
    for pid in PEOPLE:
        path = where / f"id_{pid}"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{pid}-demo", "-f", str(path)],
            check=True,
            capture_output=True,
        )
        keys[pid] = path
    return keys


def public_keys(keys: dict[str, Path]) -> dict[str, str]:
    return {
        pid: " ".join(Path(f"{path}.pub").read_text(encoding="utf-8").split()[:2])
        for pid, path in keys.items()
    }


def build(path: Path, keys: dict[str, str] | None = None) -> Path:
    """Create the sample repository at ``path`` and leave it on the risky branch; ``keys``
    are the people's SSH public keys for the roster."""
    path.mkdir(parents=True, exist_ok=True)
    b = Builder(path)
    b.git("init", "-q", "-b", "main")
    b.git("config", "user.email", "sam@shop.example")
    b.git("config", "user.name", "Sam Principal")
    config = path / CONFIG_DIR
    config.mkdir()
    (config / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (config / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    (config / "people.yaml").write_text(people_yaml(keys), encoding="utf-8")
    (config / "policy.yaml").write_text(default_policy_text(), encoding="utf-8")
    files: dict[str, str] = {}
    for name in (
        "checkout",
        "payments-gateway",
        "inventory",
        "storefront",
        "mobile-api",
        "order-emails",
    ):
        files.update(
            _service(
                name, f'"""The {name} service."""\n\n\ndef health() -> str:\n    return "ok"\n'
            )
        )
    files["services/checkout/migrations/0041_orders.sql"] = (
        "CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL,\n"
        "                     legacy_coupon text);\n"
    )
    b.commit("sam", "Set up the shop monorepo and countersign", files)
    b.commit(
        "priya",
        "checkout: validate totals before charging\n\n" + CLAUDE,
        {
            "services/checkout/app.py": '"""The checkout service."""\n\n\ndef health() -> str:\n'
            '    return "ok"\n\n\ndef valid_total(cents: int) -> bool:\n    return cents > 0\n'
        },
    )
    b.commit(
        "miguel",
        "storefront: show delivery estimate",
        {
            "services/storefront/app.py": '"""The storefront."""\n\n\ndef health() -> str:\n'
            '    return "ok"\n\n\ndef estimate(days: int) -> str:\n    return f"{days} days"\n'
        },
    )
    b.commit(
        "lee",
        "inventory: log reservation failures",
        {
            "services/inventory/app.py": '"""The inventory service."""\n\nimport logging\n\n\n'
            'def health() -> str:\n    return "ok"\n'
        },
    )
    b.git("checkout", "-q", "-b", "dana/checkout-retry", who="dana")
    b.commit(
        "dana",
        "checkout: retry failed charges and clean up coupons\n\n"
        "Retries card charges once on a gateway timeout, drops the unused legacy_coupon\n"
        "column and upgrades the orders database to PostgreSQL 16.\n\n" + CLAUDE,
        {
            "services/checkout/app.py": '"""The checkout service."""\n\n\ndef health() -> str:\n'
            '    return "ok"\n\n\ndef valid_total(cents: int) -> bool:\n    return cents > 0\n\n\n'
            "def charge(gateway, order, retries: int = 1):\n"
            "    for attempt in range(retries + 1):\n"
            "        try:\n            return gateway.charge(order)\n"
            "        except TimeoutError:\n"
            "            if attempt == retries:\n                raise\n    return None\n",
            "services/checkout/migrations/0042_drop_legacy_coupon.sql": MIGRATION,
            "infra/prod/plan.json": plan_json(),
        },
    )
    return path
