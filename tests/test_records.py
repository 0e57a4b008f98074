"""countersign.records behaves as @dataclass for what the code base uses, without importing
dataclasses: each behaviour is checked against a real dataclass of the same shape."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from countersign import records


def _pair(*, frozen: bool) -> tuple[type, type]:
    """Two classes of the same shape: a real dataclass and a record."""
    classes = []
    for maker, field in (
        (dataclasses.dataclass, dataclasses.field),
        (records.record, records.field),
    ):
        body = {
            "__annotations__": {"a": "str", "b": "int", "c": "tuple[str, ...]", "d": "str | None"},
            "b": 0,
            "c": field(default_factory=tuple),
            "d": field(default=None, compare=False),
        }
        classes.append(maker(frozen=frozen)(type("R", (), body)))
    return classes[0], classes[1]


@pytest.mark.parametrize("frozen", [True, False])
def test_construction_equality_and_repr_match_dataclasses(frozen):
    dc, rec = _pair(frozen=frozen)
    for args, kwargs in [
        (("x",), {}),
        (("x", 2), {}),
        ((), {"a": "x", "c": ["1"]}),
        (("x",), {"d": "n"}),
    ]:
        one, other = dc(*args, **kwargs), rec(*args, **kwargs)
        assert repr(one) == repr(other)
        assert (one == dc(*args, **kwargs)) == (other == rec(*args, **kwargs)) is True
    assert dc("x", d="1") == dc("x", d="2")  # compare=False
    assert rec("x", d="1") == rec("x", d="2")
    assert rec("x") != rec("y")
    assert rec("x").c == ()


def test_a_frozen_record_hashes_like_its_fields_and_refuses_assignment():
    _, rec = _pair(frozen=True)
    assert hash(rec("x", 2)) == hash(rec("x", 2, d="other"))
    with pytest.raises(AttributeError):
        rec("x").a = "y"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del rec("x").a


def test_a_mutable_record_is_unhashable_and_assignable():
    _, rec = _pair(frozen=False)
    value = rec("x")
    value.a = "y"
    assert value.a == "y"
    with pytest.raises(TypeError):
        hash(value)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [((), {}, "missing required argument: 'a'"), (("x",), {"a": "y"}, "multiple values"),
     (("x",), {"zz": 1}, "unexpected keyword argument 'zz'"), (("x", 1, [], None, 5), {}, "takes 4")],
)  # fmt: skip
def test_bad_arguments_are_type_errors(args, kwargs, message):
    _, rec = _pair(frozen=True)
    with pytest.raises(TypeError, match=message):
        rec(*args, **kwargs)


def test_replace_and_asdict_and_inheritance():
    @records.record(frozen=True)
    class Base:
        a: str
        b: tuple[str, ...] = ()

    @records.record(frozen=True)
    class Child(Base):
        c: int = 1

    value = Child("x", ("y",), 3)
    assert records.replace(value, c=4) == Child("x", ("y",), 4)
    assert records.asdict(Child("x", (Base("z"),))) == {
        "a": "x",
        "b": ({"a": "z", "b": ()},),
        "c": 1,
    }
    assert Child.__match_args__ == ("a", "b", "c")


def test_the_guard_full_path_does_not_import_dataclasses(tmp_path):
    code = (
        "import sys\n"
        "from countersign.guard.decision import judge_command\n"
        "from countersign.facts.shell import ShellContext\n"
        "judge_command('rm -rf build/ && git commit -am wip', ShellContext(cwd='/p', project_root='/p'))\n"
        "print('dataclasses' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
