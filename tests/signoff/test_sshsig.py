"""SSH signatures: made by ssh-keygen, verified in process, agreeing with ssh-keygen -Y verify."""

from __future__ import annotations

import os
import subprocess

import pytest
from ssh_keys import make_key

from countersign.errors import UsageError
from countersign.signoff.sshsig import (
    SignatureError,
    parse_public_key,
    public_key_of,
    sign,
    verify,
)


def ssh_keygen_verifies(tmp_path, key, armored: str, message: bytes) -> bool:
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"someone {key.public}\n", encoding="utf-8")
    sig = tmp_path / "msg.sig"
    sig.write_text(armored + "\n", encoding="utf-8")
    done = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            allowed,
            "-I",
            "someone",
            "-n",
            "countersign",
            "-s",
            sig,
        ],
        input=message,
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa", "rsa"])
def test_a_signature_made_by_ssh_keygen_verifies_here_and_in_ssh_keygen(tmp_path, kind):
    key = make_key(tmp_path / "keys", f"k-{kind}", kind)
    message = b'{"fingerprint":"cs1:abc"}'
    armored = sign(key.path, message)
    public = public_key_of(key.path)
    verify(armored, message, public)
    assert ssh_keygen_verifies(tmp_path, key, armored, message)


def test_another_message_is_refused_here_as_by_ssh_keygen(tmp_path, ssh_keys):
    alice = ssh_keys["alice"]
    armored = sign(alice.path, b"approve cs1:abc")
    with pytest.raises(SignatureError, match="does not match what it claims to sign"):
        verify(armored, b"approve cs1:abd", public_key_of(alice.path))
    assert not ssh_keygen_verifies(tmp_path, alice, armored, b"approve cs1:abd")


def test_a_signature_by_another_key_is_refused(ssh_keys):
    armored = sign(ssh_keys["bob"].path, b"m")
    with pytest.raises(SignatureError, match="signed by another key"):
        verify(armored, b"m", public_key_of(ssh_keys["alice"].path))


def test_a_signature_for_another_namespace_is_refused(ssh_keys):
    armored = sign(ssh_keys["alice"].path, b"m", namespace="git")
    with pytest.raises(SignatureError, match="made for namespace 'git'"):
        verify(armored, b"m", public_key_of(ssh_keys["alice"].path))


def test_garbage_is_not_a_signature(ssh_keys):
    public = public_key_of(ssh_keys["alice"].path)
    for text in ("", "hello", "-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----"):
        with pytest.raises(SignatureError):
            verify(text, b"m", public)


def test_an_ssh_agent_signs_with_only_the_public_key_file(tmp_path, ssh_keys, monkeypatch):
    alice = ssh_keys["alice"]
    alone = tmp_path / "alice.pub"  # no private key beside it: only the agent can sign
    alone.write_bytes(alice.pub.read_bytes())
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
        for _ in range(100):
            if sock.exists():
                break
            subprocess.run(["sleep", "0.02"], check=True)
        subprocess.run(["ssh-add", "-q", str(alice.path)], env=env, check=True, capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        armored = sign(alone, b"m")
    finally:
        agent.terminate()
        agent.wait()
    verify(armored, b"m", public_key_of(alice.pub))


def test_signing_with_a_public_key_and_no_agent_says_what_to_do(tmp_path, ssh_keys, monkeypatch):
    monkeypatch.setenv("SSH_AUTH_SOCK", str(tmp_path / "no-agent"))
    alone = tmp_path / "alice.pub"  # no private key beside it
    alone.write_bytes(ssh_keys["alice"].pub.read_bytes())
    with pytest.raises(UsageError, match=r"a \.pub file needs its key loaded in ssh-agent"):
        sign(alone, b"m")


def test_a_missing_key_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no key file"):
        sign(tmp_path / "nope", b"m")


def test_public_keys_are_checked_for_type_and_content():
    with pytest.raises(ValueError, match="not supported"):
        parse_public_key("ssh-dss", "AAAA")
    with pytest.raises(ValueError, match="not valid base64"):
        parse_public_key("ssh-ed25519", "***")
    with pytest.raises(ValueError, match="not a valid OpenSSH public key"):
        parse_public_key("ssh-ed25519", "AAAA")
