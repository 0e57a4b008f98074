import io

import pytest

from countersign.errors import InputError
from countersign.facts.risk.dataset import Row, parse_csv, write_csv

HEADER = ",_id,date,bug,__,ns,nd,nf,entrophy,la,ld,lt,fix,ndev,age,nuc,exp,rexp,sexp\n"


def test_reads_the_issta21_format():
    rows = parse_csv(HEADER + "0,abc,100,1,1,1,1,2,0.5,10,2,30,0,3,1.5,4,50,2.5,7\n", "d.csv")
    assert rows == [
        Row("abc", 100.0, 1, {"ns": 1, "nd": 1, "nf": 2, "entropy": 0.5, "la": 10, "ld": 2,
                              "lt": 30, "fix": 0, "ndev": 3, "age": 1.5, "nuc": 4, "exp": 50,
                              "rexp": 2.5, "sexp": 7})
    ]  # fmt: skip


def test_missing_columns_are_named_in_the_message():
    with pytest.raises(InputError) as err:
        parse_csv("_id,date,la,ld\nabc,1,2,3\n", "d.csv")
    assert str(err.value) == (
        "d.csv: missing column(s) ns, nd, nf, entrophy, lt, fix, ndev, age, nuc, exp, rexp, "
        "sexp, bug; expected the ISSTA'21 JIT format (_id, date, bug and the 14 metrics)"
    )


def test_a_non_numeric_cell_names_its_line():
    with pytest.raises(InputError, match=r"^d.csv:3: not a number"):
        parse_csv(HEADER + "0,a,1,0,0" + ",1" * 14 + "\n1,b,x,0,0" + ",1" * 14 + "\n", "d.csv")


def test_written_rows_read_back_with_unlabelled_rows_kept_unlabelled():
    rows = [
        Row("a", 1.0, 1, {"la": 3.0, "entropy": 0.25}),
        Row("b", 2.0, None, {"la": 1.0}),
    ]
    out = io.StringIO()
    write_csv(rows, out)
    back = parse_csv(out.getvalue(), "x")
    assert [(r.sha, r.bug, r.metrics["la"], r.metrics["entropy"]) for r in back] == [
        ("a", 1, 3.0, 0.25),
        ("b", None, 1.0, 0.0),
    ]
