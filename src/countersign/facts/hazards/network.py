"""Ingress open to the whole internet on ports that should never be: admin and databases."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN_PORTS = {
    22: "SSH",
    23: "Telnet",
    3389: "RDP",
    5985: "WinRM",
    5986: "WinRM",
    5900: "VNC",
    2375: "Docker API",
    2379: "etcd",
    6443: "Kubernetes API",
    3306: "MySQL",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    9200: "Elasticsearch",
    11211: "memcached",
    9042: "Cassandra",
    9092: "Kafka",
}
WORLD = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"})  # noqa: S104 - matched, not bound
_ALL_PROTOCOLS = frozenset({"-1", "all", "*", ""})


@dataclass(frozen=True)
class Opening:
    """One ingress permission: a port range, a protocol and the source it admits."""

    from_port: int
    to_port: int
    protocol: str
    source: str

    @property
    def world(self) -> bool:
        return self.source.strip().lower() in WORLD

    def admin_ports(self) -> tuple[str, ...]:
        """``"22 (SSH)"``-style names of the admin/database ports this opening covers."""
        protocol = self.protocol.strip().lower()
        if protocol not in _ALL_PROTOCOLS | {"tcp", "6"}:
            return ()
        low, high = self.from_port, self.to_port
        if protocol in _ALL_PROTOCOLS and low <= 0 and high <= 0:
            low, high = 0, 65535
        return tuple(
            f"{port} ({name})" for port, name in ADMIN_PORTS.items() if low <= port <= high
        )


def world_open(openings: set[Opening], before: set[Opening] | None = None) -> list[Opening]:
    """Openings to the world on admin ports that ``before`` did not already have."""
    return sorted(
        (o for o in openings - (before or set()) if o.world and o.admin_ports()),
        key=lambda o: (o.from_port, o.to_port, o.source),
    )


def port_range(value: object) -> tuple[int, int] | None:
    """``22``, ``"22"``, ``"1000-2000"``, ``"*"`` as an inclusive range; ``None`` if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, str):
        text = value.strip()
        if text in {"*", ""}:
            return 0, 65535
        low, _, high = text.partition("-")
        if low.isdigit() and (not high or high.isdigit()):
            return int(low), int(high or low)
    return None


def describe(opening: Opening) -> str:
    ports = ", ".join(opening.admin_ports()[:4])
    more = len(opening.admin_ports()) - 4
    if more > 0:
        ports += f" and {more} more"
    return f"ingress from {opening.source} on {ports}"
