"""The ledger key reads back as it was written, with and without cryptography's full reader."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from countersign.errors import LedgerError
from countersign.signoff import keys


def test_the_key_written_is_read_back_by_the_plain_reader(tmp_path):
    written = keys.load_or_create(tmp_path)
    data = (tmp_path / keys.KEY_FILE).read_bytes()

    plain = keys._plain_pem(data)
    full = serialization.load_pem_private_key(data, password=None)

    assert plain is not None
    assert isinstance(full, Ed25519PrivateKey)
    assert plain.public_key().public_bytes_raw() == full.public_key().public_bytes_raw()
    assert keys.load_private(tmp_path / keys.KEY_FILE).public_text == written.public_text


def test_other_forms_go_to_the_full_reader(tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / keys.KEY_FILE
    path.write_bytes(other)

    assert keys._plain_pem(other) is None
    with pytest.raises(LedgerError, match="is not an Ed25519 private key"):
        keys.load_private(path)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
    ],
)
def test_a_broken_key_file_is_an_error_that_names_it(tmp_path, data):
    path = tmp_path / keys.KEY_FILE
    path.write_bytes(data)

    with pytest.raises(LedgerError, match="cannot read the signing key"):
        keys.load_private(path)
