"""The Typer application, its global options and the helpers every command module shares."""

from __future__ import annotations

import functools
import inspect
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import typer
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

class _Console(Console):
    def on_broken_pipe(self) -> None:
        """A closed pipe is an error like any other write's, for :func:`handle_errors` to end the command with
        (rich itself would exit 1 at once, which reads as a failure, out of the command's sight)."""
        import errno

        raise BrokenPipeError(errno.EPIPE, "the reader of the output closed the pipe")


console = _Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)
err_console = _Console(stderr=True, highlight=False)

INTERRUPTED = "interrupted: nothing from this run was saved"
INTERRUPTED_AFTER = "interrupted: the command had already finished and its results were kept"
UNSHOWN = ("this terminal's encoding ({encoding}) cannot show some characters of the output, so they are shown as "
           "escapes such as \\xe9 (the data is unchanged); --output FILE keeps them exactly, and so does "
           "--format json, whose escapes are exact JSON, or set PYTHONIOENCODING=utf-8")

#: The exit code of a command whose reader closed the pipe it printed to (`evalnlp runs | head -1`): 141,
#: 128 + SIGPIPE, what a shell reports for `cat`, `grep` or `seq` cut short by `head`. The reader chose to stop,
#: so nothing is printed; but the output was cut, and a script (`set -o pipefail`, PIPESTATUS) can tell a
#: complete listing (0) from a cut one, as with every other tool of the pipeline.
PIPE_CLOSED_EXIT = 141


def reflowed(help_text: str) -> str:
    """A command's help as paragraphs that the terminal wraps to its width: the line breaks of the docstring within
    a paragraph are spaces (Typer keeps them, so at 80 columns each line of the source ended a printed line early,
    half way across); a blank line still parts paragraphs, and a paragraph opening with ``\\b`` keeps its lines."""
    paragraphs = inspect.cleandoc(help_text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)


class _FlagsShowNoValue:
    """Help that shows an on/off flag as a flag: Typer's rich help gives every option a type column, and
    without this a flag such as ``--recode`` reads ``<bool>`` as if it took a value. Positional arguments are
    shown as the README writes them (``FILE...``, not ``{files}...``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = reflowed(self.help)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif param.param_type_name == "argument" and param.metavar is None:
                param.metavar = flag_of(param)  # FILE, as the README writes it (not {files})
        return params


class Command(_FlagsShowNoValue, TyperCommand):
    def parse_args(self, ctx, args):
        """Say how to give several values to a repeatable option (``--labels a --labels b``) when they were
        given as a list after one flag, which the parser only calls unexpected extra arguments; refuse an option
        of one value given twice with different values, of which the parser would keep the last unsaid."""
        twice = _given_twice(self, args)
        if twice is not None:
            flag, values = twice
            raise typer.BadParameter(
                f"takes one value and was given {len(values)}: " + ", ".join(repr(v) for v in values)
                + f"; give {flag} once" + (" (evidence takes several --by, one table each)"
                                             if flag == "--by" and self.name in ("report", "quotes") else ""),
                ctx=ctx, param_hint=flag)
        try:
            return super().parse_args(ctx, list(args))
        except Exception as exc:  # Typer's own copy of Click's UsageError, re-raised as it is otherwise
            extra = getattr(exc, "exit_code", None) == 2 and "extra argument" in str(getattr(exc, "message", ""))
            hint = _repeat_hint(self, args) if extra else None
            if hint is None:
                raise
            raise type(exc)(f"{exc.message}. {hint}", ctx=exc.ctx) from None


def _given_twice(command, args: Sequence[str]) -> tuple[str, list[str]] | None:
    """The first option of ``command`` that takes one value and that ``args`` give more than once with different
    values (``report --by school --by cohort``), with those values; None when there is none. The global
    ``--db`` is left to its own rule (after the command name it wins over one before)."""
    valued = {name: opt for opt in command.params
              if opt.param_type_name == "option" and not getattr(opt, "is_flag", False)
              and not getattr(opt, "multiple", False) and opt.nargs == 1 and opt.name != "_global_db"
              for name in opt.opts}
    takes_value = {name for opt in command.params if opt.param_type_name == "option"
                   and not getattr(opt, "is_flag", False) for name in opt.opts}
    seen: dict[str, list[str]] = {}
    args = list(args)
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            break
        name, eq, value = token.partition("=")
        if eq and name in valued:
            seen.setdefault(name, []).append(value)
        elif token in valued and i + 1 < len(args):
            seen.setdefault(token, []).append(args[i + 1])
            i += 1
        elif token in takes_value:
            i += 1  # a repeatable option's value, never read as an option
        i += 1
    for opt in command.params:
        values = [v for name in getattr(opt, "opts", ()) if name in valued for v in seen.get(name, [])]
        if len(set(values)) > 1:
            return opt.opts[0], values
    return None


def _repeat_hint(command, args: Sequence[str]) -> str | None:
    """Advice for the first repeatable option of ``command`` that ``args`` give several values after one flag
    (``--labels a b``: write ``--labels a --labels b``); None when there is none."""
    names = {name: opt for opt in command.params
             if opt.param_type_name == "option" and getattr(opt, "multiple", False) for name in opt.opts}
    args = list(args)
    for i, token in enumerate(args):
        if token not in names:
            continue
        values = []
        for value in args[i + 1:]:
            if value.startswith("-"):
                break
            values.append(value)
        if len(values) > 1:
            what = "column" if names[token].name in ("labels", "text", "meta") else "value"
            return f"{token} takes one {what} each time: write " + " ".join(f"{token} {v}" for v in values)
    return None


class Group(_FlagsShowNoValue, TyperGroup):
    pass


class Typer(typer.Typer):
    """A Typer app whose commands show flags as flags and accept the global options after their name too."""

    def __init__(self, *args: Any, cls: type | None = None, **kwargs: Any):
        super().__init__(*args, cls=cls or Group, **kwargs)

    def command(self, *args: Any, cls: type | None = None, **kwargs: Any) -> Callable[[Callable], Callable]:
        register = super().command(*args, cls=cls or Command, **kwargs)

        def decorator(fn: Callable) -> Callable:
            register(_with_global_options(fn))
            return fn

        return decorator


app = Typer(
    name="evalnlp",
    help="Turn free-text feedback and testimonials into coded themes, evidence tables and attributed quotes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

DB_HELP = "Project store (DuckDB file). Default: ./evalnlp.duckdb."
QUIET_HELP = "Print only errors, warnings and requested output."
GLOBAL_PANEL = "Global options (also before the command)"


@dataclass
class Settings:
    db: str | None  # None: the store's own default ($EVALNLP_DB, else ./evalnlp.duckdb)
    quiet: bool
    finished: bool = False  # the command's work is done (its store transaction committed, its files written)
    stores: list = field(default_factory=list)  # stores opened by this command


_current: Settings | None = None  # the settings of the command running in this process (for Ctrl-C)
_current_ctx: typer.Context | None = None  # its context (its options spell the flags of error messages)


def _version(value: bool) -> None:
    if value:
        from evalnlp import __version__

        console.print(Text(f"evalnlp {__version__}"))
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="EVALNLP_DB", help=DB_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Turn free-text feedback and testimonials into coded themes, evidence tables and attributed quotes."""
    global _current
    ctx.obj = _current = Settings(db=db or None, quiet=quiet)


def settings(ctx: typer.Context) -> Settings:
    global _current
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings(db=None, quiet=False)
    _current = root.obj
    return root.obj


def _with_global_options(fn: Callable) -> Callable:
    """``fn`` with ``--db`` and ``--quiet`` added to its options, so that they work after the command name as
    well as before it (``evalnlp classify ... -q``); given after the command, they win."""
    sig = inspect.signature(fn, eval_str=True)
    params = list(sig.parameters.values())
    ctx_name = next((p.name for p in params if p.annotation is typer.Context), None)
    extra = [
        inspect.Parameter("_global_db", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[str],
                          default=typer.Option(None, "--db", help=DB_HELP, show_default=False,
                                               rich_help_panel=GLOBAL_PANEL)),
        inspect.Parameter("_global_quiet", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                          default=typer.Option(False, "--quiet", "-q", help=QUIET_HELP,
                                               rich_help_panel=GLOBAL_PANEL)),
    ]
    if ctx_name is None:
        extra.append(inspect.Parameter("_global_ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _current_ctx
        db, quiet = kwargs.pop("_global_db", None), kwargs.pop("_global_quiet", False)
        ctx = kwargs.pop("_global_ctx") if ctx_name is None else kwargs[ctx_name]
        _current_ctx = ctx
        s = settings(ctx)
        if db is not None:
            s.db = db
        if quiet:
            s.quiet = True
        return fn(*args, **kwargs)

    params += extra
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params if p.annotation is not inspect.Parameter.empty}
    return wrapper


def _interrupt_message() -> str:
    """What an interrupted command left behind: nothing, unless its work had already been kept."""
    s = _current
    if s is not None and (s.finished or any(getattr(st, "commits", 0) for st in s.stores)):
        return INTERRUPTED_AFTER
    return INTERRUPTED


_SIGINT_SEEN = False
_INTERRUPT_REPORTED = False  # a command said what its interruption left: the process exits 130 (or 128 + signal)
_STOP_SIGNAL: int | None = None  # SIGTERM or SIGHUP received during the command (None: none, or Ctrl-C)


def _on_sigint(signum: int, frame: Any) -> None:
    """Record Ctrl-C, then behave as Python does by default. DuckDB turns the KeyboardInterrupt raised inside
    a running query into its own error (whose type and wording vary between versions), so the record is what
    tells an interruption apart from a failure."""
    global _SIGINT_SEEN
    _SIGINT_SEEN = True
    raise KeyboardInterrupt


def _on_stop(signum: int, frame: Any) -> None:
    """SIGTERM (``kill PID``, a job scheduler's time limit, a container stopping) or SIGHUP (the terminal or the
    SSH session closed): stop as on Ctrl-C, so that the transaction is rolled back, the staged output and the
    temporary files are deleted and the command says so, rather than dying where it stands."""
    global _STOP_SIGNAL
    if _STOP_SIGNAL is None:
        _STOP_SIGNAL = signum
    _on_sigint(signum, frame)


def _stop_signals() -> list[int]:
    """The signals besides SIGINT that stop a command as an interruption (those this platform has)."""
    import signal

    return [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


def interrupted_exit_code() -> int:
    """The exit code of an interrupted command: 130 for Ctrl-C, 128 + the signal's number for SIGTERM (143) or
    SIGHUP (129), as a shell reports a process those signals stopped."""
    return 128 + _STOP_SIGNAL if _STOP_SIGNAL is not None else 130


@contextmanager
def _watch_sigint() -> Iterator[None]:
    """Install :func:`_on_sigint` while a command runs, where Python's default handler is in place (main
    thread only), and :func:`_on_stop` for SIGTERM and SIGHUP where they have their default action (a signal
    the caller ignores, as ``nohup`` ignores SIGHUP, stays ignored); put the previous handlers back afterwards."""
    import signal
    import threading

    global _SIGINT_SEEN, _INTERRUPT_REPORTED, _STOP_SIGNAL
    _SIGINT_SEEN = _INTERRUPT_REPORTED = False
    _STOP_SIGNAL = None
    main = threading.current_thread() is threading.main_thread()
    ours = main and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    stops = [sig for sig in _stop_signals() if main and signal.getsignal(sig) == signal.SIG_DFL]
    if ours:
        signal.signal(signal.SIGINT, _on_sigint)
    for sig in stops:
        signal.signal(sig, _on_stop)
    try:
        yield
    finally:
        if ours:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig in stops:
            signal.signal(sig, signal.SIG_DFL)


def _is_interrupt(exc: BaseException | None) -> bool:
    """Ctrl-C: a KeyboardInterrupt, or DuckDB's own exception when the signal arrives during a query, also
    when clean-up code raised another error on top of it (an aborted transaction refusing further work)."""
    if _SIGINT_SEEN:
        return True
    duckdb = sys.modules.get("duckdb")
    kinds: tuple[type, ...] = (KeyboardInterrupt,)
    if duckdb is not None and hasattr(duckdb, "InterruptException"):
        kinds += (duckdb.InterruptException,)
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn evalnlp errors into a one-line message on stderr and exit code 1 (no traceback), and Ctrl-C into
    a line saying what was kept and exit code 130. Every store write happens in a transaction that an
    interruption rolls back, so an interrupted command leaves the store as it was."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import warnings

        from evalnlp.errors import EvalnlpError, EvalnlpWarning

        try:
            # The API issues each note of its result as an EvalnlpWarning for notebooks; a command prints the
            # result's notes itself (print_notes), in their place among its output, so it silences these.
            with _watch_sigint(), warnings.catch_warnings():
                warnings.simplefilter("ignore", EvalnlpWarning)
                return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except BaseException as exc:
            if not _is_interrupt(exc):
                if _is_closed_pipe(exc):
                    # The reader of stdout went away (`| head`): stop quietly. A store write in progress was
                    # rolled back by its transaction as the error passed through it (the store is as it was); a
                    # command printing its summary after its commit keeps what it committed. Either way the
                    # store is whole.
                    stdout_gone()
                    raise typer.Exit(PIPE_CLOSED_EXIT) from None
                if isinstance(exc, EvalnlpError):  # messages hold brackets ([E101], evalnlp[topics]): never markup
                    error(exc.render(option_spelling(_current_ctx)))
                    _release_quietly(exc)
                    raise typer.Exit(1) from None
                raise
            global _INTERRUPT_REPORTED
            try:  # after SIGHUP the terminal may be gone: the exit code still tells
                err_console.print(Text(_interrupt_message()), soft_wrap=True)
            except OSError:
                pass
            _INTERRUPT_REPORTED = True
            raise typer.Exit(interrupted_exit_code()) from None

    return wrapper


def _is_closed_pipe(exc: BaseException) -> bool:
    """A write to a pipe whose reader has gone (EPIPE; Python ignores SIGPIPE, so it is an exception)."""
    import errno

    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


def stdout_gone() -> None:
    """Point stdout at the null device, as the Python documentation advises after a BrokenPipeError: what is
    still buffered, and anything printed on the way out, goes nowhere instead of raising again (Python would
    print "Exception ignored ... BrokenPipeError" when it flushes stdout at exit)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no file descriptor behind stdout: nothing to flush at exit
        pass


def stdout_identity() -> tuple[Any, Any]:
    """sys.stdout and the file its descriptor stands for, to tell afterwards whether a closed pipe had it
    replaced (:func:`finish_output`)."""
    import os

    try:
        st = os.fstat(sys.stdout.fileno())
        return sys.stdout, (st.st_dev, st.st_ino)
    except (OSError, ValueError, AttributeError):
        return sys.stdout, None


def finish_output(code: Any, before: tuple[Any, Any]) -> Any:
    """The exit code of the process once the command has ended with ``code``: what is still buffered is
    flushed to stdout here, where a reader that closed the pipe (:data:`PIPE_CLOSED_EXIT`) can be told apart.
    ``before`` is :func:`stdout_identity` before the command: outside a command (printing help, say) rich and
    Click meet a closed pipe themselves, point stdout at the null device (or Click swaps in its own wrapper)
    and exit 1, which this turns into the same quiet exit. Says once, on stderr, when stdout could not show
    some characters (:func:`escape_unshowable`)."""
    stdout, fd_file = before
    if sys.stdout is not stdout or (fd_file is not None and stdout_identity()[1] != fd_file):
        stdout_gone()
        return PIPE_CLOSED_EXIT
    try:
        sys.stdout.flush()
    except OSError as exc:
        if not _is_closed_pipe(exc):
            raise
        stdout_gone()
        return PIPE_CLOSED_EXIT
    if _UNSHOWN and code != PIPE_CLOSED_EXIT:
        try:
            err_console.print(Text.assemble(("warning:", "bold"), " ", UNSHOWN.format(encoding=_UNSHOWN)),
                              soft_wrap=True)
        except OSError:
            pass
    return code


_UNSHOWN: str | None = None  # the encoding of stdout, once a character of the output could not be shown in it


def stdout_is_unicode() -> bool:
    """Can stdout encode every character (UTF-8, or another Unicode encoding)?"""
    import codecs

    try:
        return codecs.lookup(sys.stdout.encoding).name.startswith("utf")
    except (AttributeError, LookupError, TypeError):
        return False


def _escape_and_record(exc: UnicodeError) -> tuple[str, int]:
    global _UNSHOWN
    if _UNSHOWN is None:
        _UNSHOWN = getattr(sys.stdout, "encoding", None) or "unknown"
    import codecs

    return codecs.backslashreplace_errors(exc)


def escape_unshowable() -> None:
    """Let stdout in an encoding that cannot hold every character (``PYTHONIOENCODING=ascii``, a POSIX or
    Latin-1 locale without UTF-8) write such a character as a backslash escape (``\\xe9``, ``\\U0001f600``)
    rather than stop the command with UnicodeEncodeError, and remember it, so that :func:`finish_output` says
    so once. A quote is never changed silently: the warning names --output and --format json, which keep the
    text exactly (JSON is printed with ASCII escapes to such a stdout: :func:`json_text`)."""
    import codecs

    if stdout_is_unicode():
        return
    codecs.register_error("evalnlp.escape", _escape_and_record)
    try:
        sys.stdout.reconfigure(errors="evalnlp.escape")  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        pass


def json_text(data: Any, **options: Any) -> str:
    """``data`` as JSON text for stdout: characters as they are where stdout can show them, else ASCII escapes
    (``\\u00e9``), which JSON readers decode to the very same text."""
    import json

    return json.dumps(data, ensure_ascii=not stdout_is_unicode(), **options)


def _release_quietly(exc: BaseException) -> None:
    """Let go of what the failed command left half-done (the frames of ``exc``'s traceback hold it) now and
    silently, so that the error message is the last line: openpyxl's sheet writer, stopped by a full disk, is a
    generator around an lxml stream whose closing repeats the write error, which Python would otherwise print
    as "Exception ignored in ..." when it is collected."""
    import gc

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        seen: set[int] = set()
        stack = [exc]
        while stack:
            e = stack.pop()
            if e is None or id(e) in seen:
                continue
            seen.add(id(e))
            e.__traceback__ = None
            stack += [e.__cause__, e.__context__]
        gc.collect()
    finally:
        sys.unraisablehook = hook


# The API parameters whose command-line parameter has another name: {API name: click parameter name}. Every
# other option marker of an error message names a parameter of the same name on the command.
CLI_NAMES: dict[str, str] = {
    "paths": "files",  # ingest, classify, extract: FILE...
    "path": "file",  # train, evaluate, codes import, review, export, import: FILE
    "coders": "coder",  # agreement: --coder (given once or twice)
}


def cli_parameter(ctx: typer.Context | None, name: str) -> Any:
    """The parameter of the running command (or of a group above it, for ``--db``) that the API parameter
    ``name`` is given by, or None."""
    target = CLI_NAMES.get(name, name)
    while ctx is not None:
        for param in ctx.command.params:
            if param.name in (target, f"_global_{target}"):
                return param
        ctx = ctx.parent
    return None


def flag_of(param: Any) -> str:
    """How a user writes ``param``: its long flag (``--unit``), or the metavar of a positional (``FILE``)."""
    if param.param_type_name == "argument":
        if param.metavar:
            return param.metavar
        name = (param.name or "").upper()
        return name[:-1] if param.nargs != 1 and name.endswith("S") else name  # files -> FILE (FILE...)
    longs = [o for o in param.opts if o.startswith("--")]
    return (longs or list(param.opts))[0]


def option_spelling(ctx: typer.Context | None) -> Callable[[str, Any], str]:
    """Option markers of error messages and notes as the running command spells them: ``--unit``, ``--coder
    alice``, ``FILE``, ``--recode`` for a switch. A name the command does not have (a note naming another
    command's option) reads as a flag of that name."""
    from evalnlp.errors import command_line_name, flag_with

    def spell(name: str, example: Any) -> str:
        param = cli_parameter(ctx, name)
        if param is None:
            return command_line_name(CLI_NAMES.get(name, name), example)
        off = next(iter(getattr(param, "secondary_opts", None) or ()), None)
        return flag_with(flag_of(param), example, off)

    return spell


def error(message: str) -> None:
    """An error line on stderr: ``error`` and the message, printed as written."""
    err_console.print(Text.assemble(("error", "bold red"), " ", message), soft_wrap=True)


def warn(ctx: typer.Context, message: str) -> None:
    """A warning on stderr, printed with --quiet too: the command did its work, but what it stored will count
    something twice or leave something out unless the user acts."""
    err_console.print(Text.assemble(("warning:", "bold"), " ", message), soft_wrap=True)


def note(ctx: typer.Context, message: str) -> None:
    """A note on stderr (unless --quiet): something the user should know that is not an error."""
    if not settings(ctx).quiet:
        err_console.print(Text.assemble(("note:", "bold"), " ", message), soft_wrap=True)


def print_notes(ctx: typer.Context, notes: Iterable[str] | None, *, at: str | None = None,
                default: str = "note") -> None:
    """Print the notes of an API result (:class:`evalnlp.errors.Note`) whose place is ``at``, each as its kind
    says: a warning, a note, a line of the output (``info``), or one --quiet prints too (``show``); a plain
    string is of kind ``default``. The words are the library's: no command writes its own."""
    for text in notes or ():
        if getattr(text, "at", None) != at:
            continue
        kind = getattr(text, "kind", default)
        said = noted(ctx, text)
        if kind == "warning":
            warn(ctx, said)
        elif kind == "note":
            note(ctx, said)
        elif kind == "info":
            info(ctx, said)
        else:
            show(said)


def noted(ctx: typer.Context, text: Any) -> str:
    """A note of an API result in the command line's words: the options and commands it names as flags and
    command lines (the API's string names them as a Python caller passes them); a plain string as it is."""
    render = getattr(text, "render", None)
    return render(option_spelling(ctx)) if render is not None else str(text)


@contextmanager
def open_store(ctx: typer.Context, *, read_only: bool = False) -> Iterator[Any]:
    from evalnlp import api

    s = settings(ctx)
    target = Path(api.store_path(s.db))
    new = not read_only and not target.exists()
    store = api.open_store(s.db, read_only=read_only)
    s.stores.append(store)
    ok = False
    try:
        yield store
        ok = True
    finally:
        store.close()
        if new and not ok and not getattr(store, "commits", 0):
            # the command made the store and failed before saving anything: leave no empty store behind
            for leftover in (target, target.with_name(target.name + ".wal")):
                leftover.unlink(missing_ok=True)
    s.finished = True


def mark_finished(ctx: typer.Context) -> None:
    """Record that the command's work is done and kept (for commands that write without a store)."""
    settings(ctx).finished = True


@contextmanager
def progress_bar(ctx: typer.Context, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr when it is a terminal and --quiet is off; otherwise a no-op callback."""
    if settings(ctx).quiet or not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


# ---- printing data -----------------------------------------------------------------------------------------
#
# Anything that comes from data (answers, quotes, file names, column and group names, codebook text) can hold
# square brackets ("[this]", "[of the conflict]") or colons that rich would read as markup or emoji codes and
# drop. Every such value is printed as a rich Text, which rich shows exactly as written.


def plain(value: Any) -> Text:
    """``value`` as text rich prints exactly as written (None and NaN as empty); Text passes through."""
    if isinstance(value, Text):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return Text("")
    return Text(str(value))


def data_table(columns: Sequence[str | Column], rows: Iterable[Sequence[Any]] = (), *, title: Any = None,
               **options: Any) -> Table:
    """A rich table of data: the title, the headers and every cell printed exactly as written.

    ``columns`` are header names or :class:`rich.table.Column` objects (for justify, overflow ...); cells are
    any values (str, numbers, None) or :class:`rich.text.Text` for styled cells.
    """
    cols = []
    for c in columns:
        if isinstance(c, Column):
            c.header = plain(c.header)
            cols.append(c)
        else:
            cols.append(Column(header=plain(c)))
    if options.get("caption") is not None:
        options["caption"] = plain(options["caption"])
    table = Table(*cols, title=plain(title) if title is not None else None,
                  **({"title_justify": "left"} | options))
    for row in rows:
        table.add_row(*(plain(v) for v in row))
    return table


def show(*objects: Any) -> None:
    """Print to stdout; strings exactly as written (never read as markup)."""
    console.print(*(plain(o) if isinstance(o, str) else o for o in objects))


def info(ctx: typer.Context, *objects: Any) -> None:
    """Print unless --quiet; strings exactly as written."""
    if not settings(ctx).quiet:
        show(*objects)
