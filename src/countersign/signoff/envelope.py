"""DSSE envelopes around in-toto statements, for auditors: one per approval in the ledger.

Written from the DSSE v1 specification: the signature covers the pre-authentication encoding
``PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from countersign.signoff.chain import Entry, canonical
from countersign.signoff.keys import SigningKey

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://countersign.dev/approval/v1"


def pae(payload_type: str, body: bytes) -> bytes:
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def statement(entry: Entry) -> dict[str, Any]:
    payload = dict(entry.payload)
    fingerprint = str(payload.get("fingerprint", ""))
    digest = {"sha256": fingerprint.partition(":")[2]}
    if payload.get("tree"):
        digest["gitTree"] = str(payload["tree"])
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": f"change:{fingerprint}", "digest": digest}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {**payload, "ledger": {"seq": entry.seq, "hash": entry.hash}},
    }


def envelope(entry: Entry, key: SigningKey) -> dict[str, Any]:
    body = canonical(statement(entry)).encode("utf-8")
    sig = key.sign(pae(PAYLOAD_TYPE, body))
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": [{"keyid": key.key_id, "sig": base64.b64encode(sig).decode("ascii")}],
    }


def open_envelope(env: Mapping[str, Any], key: Ed25519PublicKey) -> dict[str, Any]:
    """Verify an envelope's signature and return its statement; ValueError if it is not valid."""
    body = base64.b64decode(env["payload"], validate=True)
    sig = base64.b64decode(env["signatures"][0]["sig"], validate=True)
    try:
        key.verify(sig, pae(str(env["payloadType"]), body))
    except InvalidSignature:
        raise ValueError("envelope signature does not verify") from None
    result: dict[str, Any] = json.loads(body)
    return result
