"""The command line: a thin Typer shell over :mod:`evalnlp.api`.

This package is the only place that prints, draws progress bars or exits. Each command lives in its own
module and imports the API inside the command function, so ``evalnlp --help`` starts quickly. Commands are
registered in the order of a typical workflow, which is the order ``--help`` lists them in.
"""

from __future__ import annotations

from evalnlp.cli._app import app
from evalnlp.cli import ingest, classify, train, evaluate, agreement, extract, evidence  # noqa: F401,E401
from evalnlp.cli import quotes, report, discover, codes, review, exchange, codebook, runs  # noqa: F401,E401

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Errors become a numbered message and exit code 1 inside each command.

    Ctrl-C outside a command's own handling (while evalnlp starts, or a Ctrl-C still pending while the first is
    being reported: Python may deliver it at any line of the way out) still ends with the line saying nothing
    was saved (once) and exit code 130 (143 after SIGTERM, 129 after SIGHUP), not a traceback or a death by
    signal; once the process is on its way out, further Ctrl-C, SIGTERM and SIGHUP are ignored. A reader that
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
            code = _app.finish_output(exc.code, stdout)  # a reader that closed the pipe: 141, quietly
            if code is exc.code:
                raise
            raise SystemExit(code) from None
    except KeyboardInterrupt:  # also one delivered inside the handler above
        ignore_further()
        if not _app._INTERRUPT_REPORTED:
            try:
                _app.err_console.print(_app._interrupt_message(), markup=False, highlight=False, soft_wrap=True)
            except OSError:
                pass
        raise SystemExit(_app.interrupted_exit_code()) from None
