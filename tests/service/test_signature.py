from countersign.service.signature import sign, valid

BODY = b'{"zen":"Keep it logically awesome."}'


def test_a_signature_of_the_exact_body_with_the_secret_is_valid():
    assert valid(b"secret", BODY, sign(b"secret", BODY))


def test_a_forger_without_the_secret_cannot_sign():
    assert not valid(b"secret", BODY, sign(b"guess", BODY))


def test_one_changed_byte_of_the_body_breaks_the_signature():
    assert not valid(b"secret", BODY.replace(b"awesome", b"awesomE"), sign(b"secret", BODY))


def test_unsigned_sha1_only_or_malformed_headers_are_refused():
    good = sign(b"secret", BODY)
    for header in (None, "", good.removeprefix("sha256="), "sha1=" + good[7:], "sha256=zz"):
        assert not valid(b"secret", BODY, header)


def test_an_empty_secret_never_validates_even_a_matching_signature():
    assert not valid(b"", BODY, sign(b"", BODY))
