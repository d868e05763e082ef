"""The error catalogue: every code used is listed once, every listed code is used, each by its range's class,
and the README lists them all."""

from __future__ import annotations

import ast
import re

import pytest
from helpers import REPO

from evalnlp import errors
from evalnlp.errors import CODES, EvalnlpError, error_class, make_error

SRC = REPO / "src" / "evalnlp"
CODE_RE = re.compile(r"E\d{3}")
CLASS_NAMES = {cls.__name__ for cls in errors.ERROR_CLASSES.values()}


def _uses() -> list[tuple[str, str, str]]:
    """(code, how it is used, where) for every string constant that is a code, anywhere in the package."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        raised = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                raised[id(node.args[0])] = name
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_RE.fullmatch(node.value):
                out.append((node.value, raised.get(id(node), ""), f"{path.relative_to(SRC)}:{node.lineno}"))
    return out


USES = _uses()


def test_codes_are_listed_once_in_order():
    source = (SRC / "errors.py").read_text(encoding="utf-8")
    listed = re.findall(r'^    "(E\d{3})":', source, flags=re.M)
    assert len(listed) == len(set(listed)), "a code is listed twice in CODES"
    assert listed == sorted(listed) == list(CODES)


def test_every_code_used_is_in_the_catalogue():
    missing = sorted({f"{code} ({where})" for code, _, where in USES if code not in CODES})
    assert not missing, "add these to evalnlp.errors.CODES: " + ", ".join(missing)


def test_every_catalogued_code_is_used():
    used = {code for code, _, _ in USES} | {"E501"}  # E501 is raised by errors.missing_extra itself
    assert set(CODES) - used == set()


def test_every_code_is_raised_by_the_class_of_its_range():
    wrong = [f"{code} raised as {how} at {where}" for code, how, where in USES
             if how in CLASS_NAMES and how != error_class(code).__name__]
    assert not wrong, wrong


def test_every_code_has_a_meaning():
    for code, text in CODES.items():
        assert text.strip() and text == text.strip() and not text.endswith("."), code


def test_make_error_picks_the_class_of_the_range():
    err = make_error("E132", "no column named 'x'")
    assert type(err).__name__ == "InputError" and err.code == "E132" and str(err) == "[E132] no column named 'x'"
    assert type(make_error("E404", "no store")).__name__ == "StoreError"
    with pytest.raises(ValueError, match="unknown error code"):
        make_error("E100", "not listed")
    with pytest.raises(ValueError, match="E1xx to E5xx"):
        error_class("X1")
    assert all(issubclass(cls, EvalnlpError) for cls in errors.ERROR_CLASSES.values())


def test_the_readme_lists_every_code():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- error table: python -m evalnlp.errors -->") + len("<!-- error table: python -m evalnlp.errors -->\n")
    end = readme.index("<!-- end of error table -->")
    assert readme[start:end] == errors.markdown_table(), "regenerate the README's table: python -m evalnlp.errors"
