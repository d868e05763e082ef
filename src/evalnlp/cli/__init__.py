"""The command line: a thin Typer shell over :mod:`evalnlp.api`.

This package is the only place that prints, draws progress bars or exits. Each command lives in its own
module and imports the API inside the command function, so ``evalnlp --help`` starts quickly. Commands are
registered in the order of a typical workflow, which is the order ``--help`` lists them in.
"""

from __future__ import annotations

import sys

from evalnlp.cli._app import app
from evalnlp.cli import ingest, classify, train, evaluate, agreement, extract, evidence  # noqa: F401,E401
from evalnlp.cli import quotes, report, discover, codes, review, exchange, codebook, runs  # noqa: F401,E401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Errors become a numbered message and exit code 1 inside each command.

    Ctrl-C outside a command's own handling (while evalnlp starts, or a Ctrl-C still pending while the first is
    being reported: Python may deliver it at any line of the way out) still ends with the line saying nothing
    was saved (once) and exit code 130 (143 after SIGTERM, 129 after SIGHUP), not a traceback or a death by
    signal; once the process is on its way out, further Ctrl-C, SIGTERM and SIGHUP are ignored, and the console
    command ends at once with its exit code (called with ``argv`` from Python, it raises SystemExit). A reader that
    closed the pipe of stdout (`| head`) ends it quietly with exit code 141 (:data:`_app.PIPE_CLOSED_EXIT`); a
    stdout that cannot encode every character shows those as escapes and says so once on stderr."""
    import signal

    from evalnlp.cli import _app

    def ignore_further() -> None:
        for sig in (signal.SIGINT, *_app._stop_signals()):
            if signal.getsignal(sig) is not signal.SIG_IGN:
                signal.signal(sig, signal.SIG_IGN)

    _app.escape_unshowable()  # a stdout that cannot encode a quote shows it escaped, and says so, not a traceback
    stdout = _app.stdout_identity()
    try:
        try:
            app(args=argv, prog_name="evalnlp")
        except SystemExit as exc:
            if exc.code == _app.interrupted_exit_code():
                ignore_further()
                _leave(exc.code, argv is None)
            code = _app.finish_output(exc.code, stdout)  # a reader that closed the pipe: 141, quietly
            if code is exc.code:
                raise
            raise SystemExit(code) from None
    except KeyboardInterrupt:  # also one delivered inside the handler above
        for _ in range(3):  # one more still pending may be delivered at any line here, until all are ignored
            try:
                ignore_further()
                if not _app._INTERRUPT_REPORTED:
                    _app._INTERRUPT_REPORTED = True
                    try:
                        _app.err_console.print(_app._interrupt_message(), markup=False, highlight=False,
                                               soft_wrap=True)
                    except OSError:
                        pass
                break
            except KeyboardInterrupt:
                continue
        _leave(_app.interrupted_exit_code(), argv is None)


def _leave(code: int, now: bool) -> None:
    """End an interrupted command with ``code`` (130, 143 or 129): by SystemExit when ``main`` was called from
    Python with its arguments, else (the console command) at once. Its work is rolled back, its store closed and
    its temporary files deleted by then; what is left of Python's way out (unwinding the module runner, the exit
    handlers) is skipped, so that an interruption still pending there (a KeyboardInterrupt that a finaliser or
    the query engine set again) cannot end the process by SIGINT instead of its exit code (seen under load)."""
    import os

    if not now:
        raise SystemExit(code) from None
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe, a closed or replaced stream
            pass
    os._exit(code)
