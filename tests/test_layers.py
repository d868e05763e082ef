"""The layers hold: cli -> api -> domain modules -> store -> schema/errors/util, by what each module imports
(function-level imports included)."""

from __future__ import annotations

import ast

import pytest
from helpers import REPO

SRC = REPO / "src"
FOUNDATION = {"evalnlp.schema", "evalnlp.errors", "evalnlp.util"}


def _module(path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """module -> the evalnlp modules it imports (``from evalnlp.x import y`` counts as evalnlp.x)."""
    out: dict[str, set[str]] = {}
    for path in sorted((SRC / "evalnlp").rglob("*.py")):
        mod = _module(path)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("evalnlp"):
                if node.module != "evalnlp":
                    found.add(node.module)
                else:  # from evalnlp import api: the module evalnlp.api; from evalnlp import __version__: evalnlp
                    for a in node.names:
                        sub = SRC / "evalnlp" / a.name
                        found.add(f"evalnlp.{a.name}" if sub.with_suffix(".py").is_file() or sub.is_dir()
                                  else "evalnlp")
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{mod}: use absolute imports")
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("evalnlp"))
        out[mod] = found
    return out


IMPORTS = _imports()


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_scan_sees_the_package():
    assert {"evalnlp.api", "evalnlp.store", "evalnlp.cli", "evalnlp.cli._app"} <= set(IMPORTS)
    assert "evalnlp.api" in IMPORTS["evalnlp.cli.classify"]


@pytest.mark.parametrize("mod", sorted(m for m in IMPORTS if _under(m, "evalnlp.cli")))
def test_the_cli_calls_only_the_api(mod):
    allowed = {"evalnlp", "evalnlp.api", "evalnlp.errors", "evalnlp.__version__"}
    wrong = {i for i in IMPORTS[mod] if not (_under(i, "evalnlp.cli") or i in allowed)}
    assert not wrong, f"{mod} imports {sorted(wrong)}; go through evalnlp.api"


def test_only_the_cli_imports_the_cli():
    wrong = {m for m, found in IMPORTS.items() if any(_under(i, "evalnlp.cli") for i in found)
             and not _under(m, "evalnlp.cli") and m != "evalnlp.__main__"}
    assert not wrong


def test_nothing_below_the_api_imports_it():
    wrong = {m for m, found in IMPORTS.items() if "evalnlp.api" in found
             and not _under(m, "evalnlp.cli") and m != "evalnlp"}  # evalnlp.open() returns an api.Project
    assert not wrong


def test_the_store_stands_on_the_foundation_only():
    assert IMPORTS["evalnlp.store"] <= FOUNDATION


@pytest.mark.parametrize("mod", sorted(FOUNDATION))
def test_the_foundation_imports_only_itself(mod):
    assert IMPORTS[mod] <= FOUNDATION - {mod}


def test_only_the_store_speaks_sql():
    wrong = []
    for path in sorted((SRC / "evalnlp").rglob("*.py")):
        if _module(path) == "evalnlp.store":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("execute", "executemany", "sql") or \
                    isinstance(node, ast.Attribute) and node.attr == "con":
                wrong.append(f"{_module(path)}:{node.lineno}")
    assert not wrong, wrong
