from __future__ import annotations

import pytest

from countersign.errors import ConfigError, LedgerError
from countersign.signoff.keys import load_or_create
from countersign.signoff.ledger import SignedLedger
from countersign.signoff.pins import parse_pins
from countersign.signoff.stores import SqliteStore


def _ledger(tmp_path, machine, pins=None):
    return SignedLedger(SqliteStore(tmp_path / "ledger.db"), tmp_path / machine, pins=pins)


def _pins(*lines):
    return parse_pins("\n".join(lines) + "\n", ".countersign/ledger-keys")


def test_pin_lines_carry_a_label_and_an_optional_retirement(tmp_path):
    one = load_or_create(tmp_path / "one").public_text
    two = load_or_create(tmp_path / "two").public_text
    pins = _pins("# who may sign", f"{one}  ci runner  # the CI", f"{two} until=12 old laptop")
    assert [(p.label, p.until) for p in pins.pins] == [("ci runner", None), ("old laptop", 12)]
    assert pins.may_sign(pins.pins[1].key_id, 12)
    assert not pins.may_sign(pins.pins[1].key_id, 13)
    assert not pins.may_sign("k0000000000000000", 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "ssh-ed25519 AAAA laptop\n",
            (
                ".countersign/ledger-keys: line 1: 'ssh-ed25519' is not a public key; copy the line "
                "`countersign ledger keys` prints for the machine"
            ),
        ),
        (
            "# nobody\n\n",
            (
                ".countersign/ledger-keys: pins no key, so nothing could sign the ledger; add a key "
                "(`countersign ledger keys` prints this machine's) or delete the file"
            ),
        ),
    ],
)
def test_bad_pin_files_say_where_and_what_to_do(text, message):
    with pytest.raises(ConfigError) as caught:
        parse_pins(text, ".countersign/ledger-keys")
    assert str(caught.value) == message


def test_until_takes_a_number(tmp_path):
    key = load_or_create(tmp_path / "k").public_text
    with pytest.raises(ConfigError, match=r"line 2: until= takes an entry number, got 'soon'"):
        _pins("", f"{key} until=soon")


def test_entries_by_an_unpinned_key_do_not_verify_when_keys_are_pinned(tmp_path):
    ci = load_or_create(tmp_path / "ci")
    _ledger(tmp_path, "ci").append("approval", {"approver": "alice"})
    _ledger(tmp_path, "intruder").append("approval", {"approver": "mallory"})
    assert _ledger(tmp_path, "ci").verify().ok  # unpinned: every recorded key is believed
    pinned = _ledger(tmp_path, "ci", _pins(ci.public_text))
    assert [str(p) for p in pinned.verify().problems] == [
        (
            f"entry 2: signed by key {load_or_create(tmp_path / 'intruder').key_id!r}, "
            "which .countersign/ledger-keys does not pin"
        )
    ]
    with pytest.raises(LedgerError, match="cannot be trusted"):
        pinned.entries()


def test_an_unpinned_machine_is_refused_before_it_writes(tmp_path):
    ci = load_or_create(tmp_path / "ci")
    _ledger(tmp_path, "ci").append("approval", {"approver": "alice"})
    laptop = _ledger(tmp_path, "laptop", _pins(ci.public_text))
    with pytest.raises(LedgerError, match=r"key k[0-9a-f]{16} is not pinned in \.countersign"):
        laptop.append("approval", {"approver": "bob"})
    assert len(_ledger(tmp_path, "ci", _pins(ci.public_text)).entries()) == 1


def test_a_retired_key_verifies_up_to_its_last_entry_and_not_after(tmp_path):
    old = load_or_create(tmp_path / "m")
    _ledger(tmp_path, "m").append("approval", {"approver": "alice"})
    _ledger(tmp_path, "m").append("approval", {"approver": "bob"})
    pins = _pins(f"{old.public_text} until=1")
    assert [str(p) for p in _ledger(tmp_path, "m", pins).verify().problems] == [
        f"entry 2: signed by key {old.key_id}, which .countersign/ledger-keys retired after entry 1"
    ]
    with pytest.raises(LedgerError, match="not pinned"):
        _ledger(tmp_path, "m", pins).append("approval", {"approver": "carol"})
