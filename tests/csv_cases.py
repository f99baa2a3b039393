"""CSV files shared by the data-layer tests and the command-line tests: a table of
dialects that must load, and a table of files that must be refused with a precise
one-line message."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tui_backprop.data import csv_file

Options = dict[str, object]


@dataclass(frozen=True)
class GoodFile:
    id: str
    text: str
    features: list[list[float]]
    labels: list[int] | list[float]
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...] = ("a", "b")
    label_name: str = "y"
    options: Options = field(default_factory=dict)
    dropped: tuple[str, ...] = ()


XY = [[1.0, 2.0], [3.0, 4.0]]
HEADERLESS = ("x1", "x2")

GOOD_FILES = [
    GoodFile("comma header", "a,b,y\n1,2,0\n3,4,1\n", XY, [0, 1], ("0", "1")),
    GoodFile("no header", "1,2,0\n3,4,1\n", XY, [0, 1], ("0", "1"), HEADERLESS),
    GoodFile("semicolon", "a;b;y\n1;2;0\n3;4;1\n", XY, [0, 1], ("0", "1")),
    GoodFile("tab", "a\tb\ty\n1\t2\t0\n3\t4\t1\n", XY, [0, 1], ("0", "1")),
    GoodFile("pipe", "a|b|y\n1|2|0\n3|4|1\n", XY, [0, 1], ("0", "1")),
    GoodFile("quoted", '"a","b","y"\n"1","2","0"\n"3","4","1"\n', XY, [0, 1], ("0", "1")),
    GoodFile("crlf", "a,b,y\r\n1,2,0\r\n3,4,1\r\n", XY, [0, 1], ("0", "1")),
    # a spreadsheet's ways: a first line naming the delimiter, a delimiter ending each line
    GoodFile("sep= line", "sep=;\na;b;y\n1;2;0\n3;4;1\n", XY, [0, 1], ("0", "1")),
    GoodFile(
        "sep= line, crlf, no header",
        "sep=;\r\n1;2;0\r\n3;4;1\r\n",
        XY,
        [0, 1],
        ("0", "1"),
        HEADERLESS,
    ),
    GoodFile(
        "each line ends with a delimiter",
        "a,b,y,\n1,2,0,\n3,4,1,\n",
        XY,
        [0, 1],
        ("0", "1"),
        dropped=("col4",),
    ),
    GoodFile(
        "each line ends with a delimiter, no header",
        "1;2;0;\n3;4;1;\n",
        XY,
        [0, 1],
        ("0", "1"),
        HEADERLESS,
        dropped=("column 4",),
    ),
    GoodFile("utf-8 bom", "\ufeffa,b,y\n1,2,0\n3,4,1\n", XY, [0, 1], ("0", "1")),
    GoodFile("spaces", "a , b , y\n 1 , 2 ,0\n3,  4 , 1 \n", XY, [0, 1], ("0", "1")),
    GoodFile("spaced quotes", 'a,b,y\n "1" , "2" ,0\n3,4,1\n', XY, [0, 1], ("0", "1")),
    GoodFile(
        "scientific",
        "a,b,y\n1e3,-2.5E-2,0\n3.0e+0,4E0,1\n",
        [[1000.0, -0.025], [3.0, 4.0]],
        [0, 1],
        ("0", "1"),
    ),
    GoodFile("blank lines", "\na,b,y\n\n1,2,0\n\n3,4,1\n\n  \n\n", XY, [0, 1], ("0", "1")),
    GoodFile("old mac line ends", "a,b,y\r1,2,0\r3,4,1\r", XY, [0, 1], ("0", "1")),
    GoodFile("no final newline", "a,b,y\n1,2,0\n3,4,1", XY, [0, 1], ("0", "1")),
    GoodFile(
        "text labels",
        "a,b,species\n1,2,virginica\n3,4,setosa\n",
        XY,
        [1, 0],
        ("setosa", "virginica"),
        label_name="species",
    ),
    GoodFile(
        "quoted label with delimiter",
        'a,b,y\n1,2,"red, dark"\n3,4,blue\n',
        XY,
        [1, 0],
        ("blue", "red, dark"),
    ),
    GoodFile(
        "numeric labels sort as numbers",
        "a,b,y\n1,2,10\n3,4,9\n",
        XY,
        [1, 0],
        ("9", "10"),
    ),
    GoodFile(
        "label by name",
        "y,a,b\n0,1,2\n1,3,4\n",
        XY,
        [0, 1],
        ("0", "1"),
        options={"label_column": "y"},
    ),
    GoodFile(
        "label by index",
        "0,1,2\n1,3,4\n",
        XY,
        [0, 1],
        ("0", "1"),
        HEADERLESS,
        options={"label_column": 0},
    ),
    GoodFile(
        "label by negative index",
        "a,y,b\n1,0,2\n3,1,4\n",
        XY,
        [0, 1],
        ("0", "1"),
        options={"label_column": -2},
    ),
    GoodFile(
        "drop id column",
        "id,a,b,y\nr1,1,2,0\nr2,3,4,1\n",
        XY,
        [0, 1],
        ("0", "1"),
        options={"drop_columns": ["id"]},
        dropped=("id",),
    ),
    GoodFile(
        "drop by index text",
        ",a,b,y\n0,1,2,0\n1,3,4,1\n",
        XY,
        [0, 1],
        ("0", "1"),
        options={"drop_columns": ["0"]},
        dropped=("col1",),
    ),
    GoodFile(
        "unicode header",
        "größe,ширина,y\n1,2,0\n3,4,1\n",
        XY,
        [0, 1],
        ("0", "1"),
        ("größe", "ширина"),
    ),
    GoodFile(
        "regression",
        "a,b,price\n1,2,0.5\n3,4,7.25\n",
        XY,
        [0.5, 7.25],
        (),
        label_name="price",
    ),
]


@dataclass(frozen=True)
class BadFile:
    id: str
    content: bytes
    parts: tuple[str, ...]  # every one must appear in the message
    options: Options = field(default_factory=dict)
    kind: str = "file"  # or "directory", "missing", "unreadable", "huge"


def _late(bad_row: bytes, rows: int = 10_000) -> bytes:
    """A good header and ``rows`` good rows (beyond the sniffed sample), then ``bad_row``."""
    return b"a,b,y\n" + b"1.5,2.5,0\n3.5,4.5,1\n" * (rows // 2) + bad_row


BAD_FILES = [
    BadFile("empty", b"", ("empty file",)),
    BadFile("blank lines only", b"\n\n  \n\r\n", ("empty file",)),
    BadFile("header only", b"a,b,y\n", ("line 1", "header only")),
    BadFile(
        "decimal comma",
        b"a;b;y\n-0,5;2;0\n3;4;1\n",
        ("line 2", "column 'a'", "'-0,5' is not a number: write decimals with a point (-0.5)"),
    ),
    BadFile("sep= line, bad cell", b"sep=;\n1;2;0\n3;x;1\n", ("line 3", "column 2", "'x'")),
    BadFile(
        "a column of ids",
        b"id,a,b,y\nx1,1,2,0\nx2,3,4,1\n",
        (
            "line 2",
            "column 'id'",
            "'x1' is not a number (a column of names or ids? --drop-columns id leaves it out)",
        ),
    ),
    BadFile("header then blanks", b"a,b,y\n\n\n", ("line 1", "header only")),
    BadFile("ragged long", b"a,b,y\n1,2,0\n1,2,3,4\n", ("line 3", "4 fields, expected 3")),
    BadFile(
        "ragged short",
        b"y,a,b\n0,1,2\n1,3\n",
        ("line 3", "2 fields, expected 3"),
        {"label_column": "y"},
    ),
    BadFile(
        "text feature",
        b"a,b,y\n1,2,0\n3,abc,1\n",
        ("line 3", "column 'b'", "'abc' is not a number"),
    ),
    BadFile("text feature headerless", b"1,2,0\n3,abc,1\n", ("line 2, column 2", "'abc'")),
    BadFile(
        "header with a numeric name",
        b"a,2020,y\n1,2,0\n3,4,1\n",
        ("line 1, column 1", "'a' is not a number", "header"),
    ),
    BadFile("hex feature", b"a,b,y\n0x10,2,0\n3,4,1\n", ("line 2, column 'a'", "'0x10'")),
    BadFile("underscore feature", b"a,b,y\n1_000,2,0\n3,4,1\n", ("line 2", "'1_000'")),
    BadFile("empty cell", b"a,b,y\n1,,0\n3,4,1\n", ("line 2, column 'b'", "empty cell")),
    BadFile("nan", b"a,b,y\n1,2,0\n3,nan,1\n", ("line 3, column 'b'", "'nan'", "finite")),
    BadFile("inf", b"a,b,y\n-inf,2,0\n3,4,1\n", ("line 2, column 'a'", "'-inf'", "finite")),
    BadFile("overflow", b"a,b,y\n1e999,2,0\n3,4,1\n", ("line 2, column 'a'", "'1e999'")),
    BadFile("no label", b"a,b,y\n1,2,0\n3,4\n", ("line 3, column 'y'", "label is missing")),
    BadFile("empty label", b"a,b,y\n1,2,\n3,4,1\n", ("line 2, column 'y'", "label is empty")),
    BadFile("nan label", b"a,b,y\n1,2,0\n3,4,nan\n", ("line 3, column 'y'", "'nan'")),
    BadFile("xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), ("zip archive", ".xlsx")),
    BadFile("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), (".xls", "export it")),
    BadFile("gzip", gzip.compress(b"a,b,y\n1,2,0\n"), ("gzip",)),
    BadFile("utf-16", "a,b,y\n1,2,0\n3,4,1\n".encode("utf-16"), ("UTF-16",)),
    BadFile("utf-16 no bom", "a,b,y\n1,2,0\n3,4,1\n".encode("utf-16-le"), ("UTF-16",)),
    BadFile("utf-16 big-endian", "a,b,y\n1,2,0\n".encode("utf-16-be"), ("UTF-16",)),
    BadFile(
        "open quote",
        b'a,b,y\n"1,2,0\n3,4,1\n',
        ("line 2, column 'y'", "label is missing", "quote left open"),
    ),
    BadFile(
        "open quote in a long file",
        b'a,b,y\n"1,2,0\n' + b"3,4,1\n" * 30_000,
        ("line 2", "field limit", "quote left open"),
    ),
    BadFile(
        "open quote mid-row",
        b'a,b,y\n1,"2,0\n3,4,1\n5,6,0\n',
        ("line 2", "2 of 3 fields", "quote left open"),
    ),
    BadFile("latin-1", "a,b,y\n1,2,0\nx,4,caf\u00e9\n".encode("latin-1"), ("line 3", "0xE9")),
    BadFile("latin-1 late", _late(b"3,4,caf\xe9\n"), ("line 10002", "0xE9", "UTF-8")),
    BadFile("zero byte", b"a,b,y\n1,2,0\n3,\x00\x01,1\n", ("line 3", "binary")),
    BadFile("zero byte late", _late(b"3,\x00\x02,1\n"), ("line 10002", "binary")),
    BadFile("zero byte in a late label", _late(b"3,4,\x00\x03\n"), ("line 10002", "binary")),
    BadFile("latin-1 with cr line ends", b"a,y\r1,0\r2,\xe9\r", ("line 3", "0xE9")),
    BadFile("text feature late", _late(b"3,oops,1\n"), ("line 10002, column 'b'", "'oops'")),
    BadFile("single column", b"y\n0\n1\n", ("single column",)),
    BadFile(
        "everything dropped",
        b"a,b,y\n1,2,0\n3,4,1\n",
        ("no feature column",),
        {"drop_columns": ["a", "b"]},
    ),
    BadFile(
        "no such label name",
        b"a,b,y\n1,2,0\n3,4,1\n",
        ("no column named 'species'", "a, b, y"),
        {"label_column": "species"},
    ),
    BadFile(
        "label index out of range",
        b"a,b,y\n1,2,0\n3,4,1\n",
        ("column index 5 is out of range", "3 columns"),
        {"label_column": 5},
    ),
    BadFile(
        "label name without header",
        b"1,2,0\n3,4,1\n",
        ("no column named 'species'", "no header"),
        {"label_column": "species"},
    ),
    BadFile(
        "ambiguous label name",
        b"a,a,y\n1,2,0\n3,4,1\n",
        ("2 columns are named 'a'",),
        {"label_column": "a"},
    ),
    BadFile(
        "drop the label",
        b"a,b,y\n1,2,0\n3,4,1\n",
        ("column 'y'", "cannot be dropped"),
        {"drop_columns": ["y"]},
    ),
    BadFile("one class", b"a,y\n1,0\n2,0\n", ("column 'y'", "only one class ('0')")),
    BadFile("one text class", b"a,y\n1,cat\n2,cat\n", ("only one class ('cat')",)),
    BadFile(
        "text regression target",
        b"a,y\n1,2.5\n2,cat\n",
        ("line 3, column 'y'", "'cat' is not a number"),
        {"task": "regression"},
    ),
    BadFile(
        "too many classes",
        b"a,y\n" + b"".join(b"%d,%d.5\n" % (i, i) for i in range(101)),
        ("column 'y'", "101 distinct values", "limit 100"),
        {"task": "classification"},
    ),
    BadFile("unknown task", b"a,y\n1,0\n2,1\n", ("task 'banana'",), {"task": "banana"}),
    BadFile("directory", b"", ("is a directory",), kind="directory"),
    BadFile("missing", b"", ("no such file",), kind="missing"),
    BadFile("unreadable", b"a,y\n1,0\n2,1\n", ("cannot be read", "denied"), kind="unreadable"),
    BadFile("too large", b"a,y\n" + b"1,0\n2,1\n" * 200_000, ("1.6 MB", "1 MB limit"), kind="huge"),
]


def make_bad_file(case: BadFile, directory: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Create ``case`` under ``directory`` (patching the file checks where the case needs
    a condition a test cannot create, such as an unreadable file when running as root)."""
    path = directory / "data.csv"
    if case.kind == "directory":
        path.mkdir()
        return path
    if case.kind == "missing":
        return path
    path.write_bytes(case.content)
    if case.kind == "unreadable":

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(csv_file, "open", refuse, raising=False)
    if case.kind == "huge":
        monkeypatch.setattr(csv_file, "MAX_FILE_BYTES", 1_000_000)
    return path
