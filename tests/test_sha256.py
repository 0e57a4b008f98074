"""The guard's SHA-256 without hashlib gives hashlib's digests (ledger hashes, action ids)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import countersign
from countersign.sha256 import sha256


def test_digests_are_hashlibs():
    for data in (b"", b"abc", "entrée".encode(), bytes(range(256)) * 300):
        assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    running = sha256(b"ab")
    running.update(b"c")
    assert running.digest() == hashlib.sha256(b"abc").digest()


def test_importing_it_leaves_hashlib_and_openssl_unloaded():
    src = str(Path(countersign.__file__).resolve().parents[1])
    probe = (
        f"import sys; sys.path.insert(0, {src!r}); import countersign.sha256; "
        "print('hashlib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-IS", "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "False", done.stderr
