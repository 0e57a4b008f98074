"""SHA-256 without ``hashlib``: ``hashlib`` loads OpenSSL's libcrypto (about 11 M instructions,
a quarter of a bare interpreter's start), on every ask and deny the guard records. CPython's
own implementation gives the same digests; ``hashlib`` where a build lacks it."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        try:
            from _sha256 import sha256  # CPython 3.11
        except ImportError:
            from hashlib import sha256

__all__ = ["sha256"]
