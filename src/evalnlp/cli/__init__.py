"""The command line: a thin Typer shell over :mod:`evalnlp.api`.

This package is the only place that prints, draws progress bars or exits. Each command lives in its own
module and imports the API inside the command function, so ``evalnlp --help`` starts quickly.
"""

from __future__ import annotations

import sys

from evalnlp.cli._app import app
from evalnlp.cli import classify as _classify  # noqa: F401
from evalnlp.cli import codebook as _codebook  # noqa: F401  (registers the command group)
from evalnlp.cli import extract as _extract  # noqa: F401
from evalnlp.cli import ingest as _ingest  # noqa: F401  (registers the command)
from evalnlp.cli import evaluate as _evaluate  # noqa: F401
from evalnlp.cli import runs as _runs  # noqa: F401
from evalnlp.cli import train as _train  # noqa: F401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app; turn evalnlp errors into a message and exit code 1."""
    from evalnlp.errors import EvalnlpError

    try:
        app(args=argv, prog_name="evalnlp", standalone_mode=True)
    except EvalnlpError as exc:  # pragma: no cover - standalone_mode handles it inside; kept for safety
        from evalnlp.cli._app import err_console

        err_console.print(f"[red]error[/red] {exc}")
        sys.exit(1)
