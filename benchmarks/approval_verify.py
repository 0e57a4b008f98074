"""What checking who signed costs: N approvals signed with real SSH keys (ssh-keygen), then in
one run the plain ledger read (rows, chain and ledger signatures: what every read did before)
next to the same read plus rebuilding each approval's statement and verifying its SSHSIG
against the roster's keys. Signing itself (one ssh-keygen process per approval, paid by the
approver once) is measured apart, and so is checking a GitHub Actions OIDC token (RS256 with
PyJWT, a key made here), paid once when a forge approval is recorded, never on reads.

Usage: .venv/bin/python benchmarks/approval_verify.py [APPROVALS]   (default 200)"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from countersign.config.forge import Oidc
from countersign.config.roster import load_roster
from countersign.signoff.approvals import proven
from countersign.signoff.ledger import open_ledger, signoffs_for
from countersign.signoff.proof import signed

PEOPLE = 5
ROUNDS = 7


def keys(where: Path) -> list[Path]:
    where.mkdir(parents=True)
    out = []
    for i in range(PEOPLE):
        path = where / f"id_{i}"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
            check=True,
            capture_output=True,
        )
        out.append(path)
    return out


def roster_text(paths: list[Path]) -> str:
    lines = ["people:"]
    for i, path in enumerate(paths):
        public = " ".join(Path(f"{path}.pub").read_text().split()[:2])
        lines.append(f'  - {{id: p{i}, level: senior, keys: ["{public}"]}}')
    return "\n".join(lines) + "\n"


def best(run: object) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def oidc_check() -> float:
    """Seconds to verify one OIDC token of a pull_request_review job (signature and claims)."""
    from datetime import UTC, datetime

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    from countersign.signoff.oidc import verify_token

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = {"keys": [{**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k"}]}
    now = datetime.now(UTC)
    issuer = "https://token.actions.githubusercontent.com"
    claims = {"iss": issuer, "aud": "countersign", "iat": int(now.timestamp())}
    token = jwt.encode({**claims, "exp": claims["iat"] + 300}, key, "RS256", {"kid": "k"})
    oidc = Oidc(issuer)
    return best(lambda: [verify_token(token, oidc, jwks, now) for _ in range(100)]) / 100


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = keys(root / "keys")
        roster = load_roster(roster_text(paths))
        ledger = open_ledger(root / "ledger.db", root / "state")
        fingerprint = "cs2:" + "ab" * 32
        start = time.perf_counter()
        for i in range(n):
            payload = {
                "approver": f"p{i % PEOPLE}",
                "fingerprint": fingerprint,
                "requirements": ["critical-system/approvals"],
                "policy_digest": "0" * 64,
                "policy_version": "1",
                "base": "b" * 40,
                "tree": "c" * 40,
                "note": f"approval {i}",
            }
            ledger.append("approval", signed("approval", payload, paths[i % PEOPLE]))
        signing = (time.perf_counter() - start) / n
        ledger.entries()  # the first read checks every entry in full; later reads use the mark

        def plain() -> object:
            return signoffs_for(ledger, fingerprint)

        def verified() -> object:
            return proven(signoffs_for(ledger, fingerprint), roster)

        strengths = {
            a.strength for a in proven(signoffs_for(ledger, fingerprint), roster).approvals
        }
        base = best(plain)
        full = best(verified)
        print(f"{n} signed approvals of one change, {PEOPLE} signers (median of {ROUNDS} reads):")
        print(f"  baseline: plain ledger read (signoffs_for)     {base * 1000:8.1f} ms")
        print(f"  read + verify every SSH signature             {full * 1000:8.1f} ms")
        print(f"  added per approval                            {(full - base) / n * 1e6:8.1f} us")
        print(f"  strengths found: {sorted(strengths)}")
        print(f"  signing (ssh-keygen -Y sign, once per approval) {signing * 1000:6.1f} ms each")
        print(f"  OIDC token check (once per forge approval)    {oidc_check() * 1e6:8.1f} us")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
