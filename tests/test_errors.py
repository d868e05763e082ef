"""The error catalogue: every code used is listed once, every listed code is used, each by its range's class,
and the README lists them all."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from helpers import REPO

from evalnlp import errors
from evalnlp.errors import CODES, EvalnlpError, error, error_class

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


def test_error_picks_the_class_of_the_range_and_fills_the_template():
    err = error("E130", "unit", units="response, sentence", unit="x")
    assert type(err).__name__ == "InputError" and err.code == "E130"
    assert str(err) == "[E130] unit must be one of response, sentence; got 'x'" == f"[E130] {err.message}"
    assert type(error("E407", run_id="x", runs=errors.Call("runs"))).__name__ == "StoreError"
    with pytest.raises(ValueError, match="unknown error code"):
        error("E100")
    with pytest.raises(ValueError, match="its variants are"):
        error("E130", "nonesuch")
    with pytest.raises(TypeError, match="takes the fields"):
        error("E407", run_id="x", extra=1)
    with pytest.raises(ValueError, match="E1xx to E5xx"):
        error_class("X1")
    assert all(issubclass(cls, EvalnlpError) for cls in errors.ERROR_CLASSES.values())


def test_the_readme_lists_every_code():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- error table: python -m evalnlp.errors -->") + len("<!-- error table: python -m evalnlp.errors -->\n")
    end = readme.index("<!-- end of error table -->")
    assert readme[start:end] == errors.markdown_table(), "regenerate the README's table: python -m evalnlp.errors"


# ---- the catalogue's messages and their raise sites ----------------------------------------------------------

CATALOGUE_CALLS = {"error", "message", "several"}


def _parsed() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(SRC.rglob("*.py"))
            if path.name != "errors.py"}


PARSED = _parsed()


def _catalogue_calls() -> list[tuple[str, str, str | None, str | None, set[str] | None]]:
    """(where, function, code or None if computed, variant, keywords given) for every ``errors.error``,
    ``errors.message`` and ``errors.several`` call of the package."""
    out = []
    for path, tree in PARSED.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "errors"
                    and node.func.attr in CATALOGUE_CALLS):
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            args = node.args
            assert args, f"{where}: errors.{node.func.attr}() without a code"
            code = args[0].value if isinstance(args[0], ast.Constant) else None
            assert len(args) <= 2, f"{where}: a message takes keyword fields only, after the code and variant"
            if len(args) == 2:
                assert isinstance(args[1], ast.Constant) and isinstance(args[1].value, str), \
                    f"{where}: the variant (or frame) is a name written at the call"
            variant = args[1].value if len(args) == 2 else None
            keywords = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            out.append((where, node.func.attr, code, variant, keywords))
    return out


CALLS = _catalogue_calls()


def _messages() -> dict[tuple[str, str | None], str]:
    return {(code, variant): text for code in CODES for variant, text in errors.templates(code).items()}


def test_the_catalogue_calls_are_found():
    assert len(CALLS) > 250 and {how for _, how, _, _, _ in CALLS} == CATALOGUE_CALLS


def test_every_code_has_a_message_and_every_template_is_well_formed():
    for code in CODES:
        found = errors.templates(code)
        assert found, f"{code} has no message"
        assert None not in found or len(found) == 1, f"{code}: one template, or named variants only"
        for variant, text in found.items():
            fields, options = errors.template_fields(text)  # raises on {} or {0} or {a.b}
            assert text == text.strip() and "  " not in text.replace("\n  ", "\n"), (code, variant)
            assert variant is None or re.fullmatch(r"[a-z][a-z0-9_]*", variant), (code, variant)
    for frame, text in errors.FRAMES.items():
        fields, options = errors.template_fields(text)
        assert fields and not options, frame


def test_every_raise_site_gives_exactly_the_fields_of_its_template():
    messages = _messages()
    wrong = []
    for where, how, code, variant, keywords in CALLS:
        if keywords is None:
            wrong.append(f"{where}: fields given as **mapping cannot be checked; name them")
            continue
        if how == "several":
            expected = [errors.template_fields(errors.FRAMES[variant])[0]] if variant in errors.FRAMES else []
        elif code is not None:
            expected = [errors.template_fields(messages[code, variant])[0]] if (code, variant) in messages else []
        else:  # a code computed at the call (a codebook field's E205/E210/E211): every code with that variant
            expected = [errors.template_fields(t)[0] for (c, v), t in messages.items() if v == variant]
        if not expected:
            wrong.append(f"{where}: no message {code}/{variant}")
        wrong += [f"{where}: {code}/{variant} takes {sorted(e)}, given {sorted(keywords)}"
                  for e in expected if e != keywords]
    assert not wrong, "\n".join(wrong)


def test_every_message_of_the_catalogue_is_used():
    used = {(code, variant) for _, how, code, variant, _ in CALLS if how != "several" and code is not None}
    used.add(("E501", "extra"))  # made by errors.missing_extra itself
    computed = {variant for _, how, code, variant, _ in CALLS if how != "several" and code is None}
    unused = [f"{code}/{variant}" for code, variant in _messages()
              if (code, variant) not in used and variant not in computed]
    assert not unused, unused
    frames = {variant for _, how, _, variant, _ in CALLS if how == "several"}
    assert frames == set(errors.FRAMES)


def _is_code(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(CODE_RE.fullmatch(node.value))


def _is_prose(node: ast.AST) -> bool:
    """A message written in place: an f-string, a sentence, or text joined with +."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " " in node.value.strip()
    return isinstance(node, ast.BinOp) and (_is_prose(node.left) or _is_prose(node.right))


def test_no_raise_site_writes_its_own_message():
    """Errors are made by errors.error (or errors.several), never by calling a class with a message; a reason
    recorded beside a code (a reject, a codebook or claims problem) comes from errors.message."""
    wrong = []
    for path, tree in PARSED.items():
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in CLASS_NAMES | {"EvalnlpError", "make_error"}:
                    wrong.append(f"{where}: {name}(...) made by hand")
                parts, message = node.args, node.args[-1:]
            elif isinstance(node, ast.Tuple):
                parts, message = node.elts, node.elts[-1:]
            elif isinstance(node, ast.Dict):  # a reject frame's columns
                parts = node.values
                message = [v for k, v in zip(node.keys, node.values)
                           if isinstance(k, ast.Constant) and k.value == "reason"]
            else:
                continue
            if any(_is_code(p) for p in parts) and any(_is_prose(p) for p in message):
                wrong.append(f"{where}: a message written beside its code")
    assert not wrong, "\n".join(wrong)


def test_the_subclass_that_lists_problems_builds_its_message_from_the_catalogue():
    from evalnlp.codebook import CodebookValidationError, Problem

    err = CodebookValidationError("x.yaml", [Problem("E207", "themes", errors.message("E207"))])
    assert err.code == "E207" and err.template == errors.FRAMES["codebook"]
    assert str(err).startswith("[E207] Codebook x.yaml is not valid: themes: the codebook has no themes")


# ---- option markers: parameter names in Python, flags on the command line -------------------------------------

def _markers() -> dict[tuple[str, str | None], set[str]]:
    return {key: errors.template_fields(text)[1] for key, text in _messages().items()
            if errors.template_fields(text)[1]}


LITERAL_FLAGS = re.compile(r"(pip install|qpdf)[^()]*")  # other programs' flags, written as they are


def test_no_template_writes_an_option_of_evalnlp_as_a_flag():
    """Options are markers ({unit!o}); a flag may appear only inside a `command` to run."""
    wrong = []
    for (code, variant), text in _messages().items():
        prose = LITERAL_FLAGS.sub("", re.sub(r"`[^`]*`", "", text))
        if re.search(r"(?<![\w-])--?[a-z]", prose):
            wrong.append(f"{code}/{variant}: {text}")
    assert not wrong, "\n".join(wrong)


def _commands():
    """(command path, click command, the module and function behind it) for every command of the CLI."""
    import inspect

    import typer

    from evalnlp.cli import app

    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path, parent_ctx):
        ctx = cmd.context_class(cmd, parent=parent_ctx, info_name=path[-1] if path else "evalnlp")
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name], ctx)
        else:
            fn = inspect.unwrap(cmd.callback)
            out.append((" ".join(path), ctx, f"{fn.__module__}.{fn.__qualname__}"))

    walk(root, [], None)
    return out


COMMANDS = _commands()


def _call_graph():
    """Which functions each function of the package may call, as far as can be told from the source (names
    imported or defined in a module, ``module.name``, ``self.method``, and a method name defined only once in
    the package), and which catalogue messages each one raises or records."""
    defs: dict[str, ast.AST] = {}
    owner: dict[str, str] = {}  # function -> its module
    methods: dict[str, list[str]] = {}
    module_names: dict[str, dict[str, str]] = {}
    for path, tree in PARSED.items():
        rel = path.relative_to(SRC.parent).with_suffix("")
        mod = ".".join(p for p in rel.parts if p != "__init__")
        names: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for a in node.names:
                    names[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    names[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[f"{mod}.{node.name}"] = node
                names.setdefault(node.name, f"{mod}.{node.name}")
            elif isinstance(node, ast.ClassDef):
                names.setdefault(node.name, f"{mod}.{node.name}.__init__")
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        qual = f"{mod}.{node.name}.{item.name}"
                        defs[qual] = item
                        methods.setdefault(item.name, []).append(qual)
        module_names[mod] = names
        for qual in [q for q in defs if q.startswith(mod + ".") and q not in owner]:
            owner[qual] = mod
    graph: dict[str, set[str]] = {}
    raised: dict[str, set[tuple[str, str | None]]] = {}
    for qual, fn in defs.items():
        mod, names = owner[qual], module_names[owner[qual]]
        cls = qual[len(mod) + 1:].rsplit(".", 1)[0] if qual.count(".") > mod.count(".") + 1 else None
        calls: set[str] = set()
        found: set[tuple[str, str | None]] = set()
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Name) and f.id in names:
                calls.add(names[f.id])
            elif isinstance(f, ast.Attribute):
                base = f.value
                if isinstance(base, ast.Name) and base.id == "errors" and f.attr in ("error", "message"):
                    if node.args and _is_code(node.args[0]):
                        variant = node.args[1].value if len(node.args) > 1 else None
                        found.add((node.args[0].value, variant))
                elif isinstance(base, ast.Name) and base.id in ("self", "cls") and cls:
                    calls.add(f"{mod}.{cls}.{f.attr}")
                elif isinstance(base, ast.Name) and base.id in names:
                    calls.add(f"{names[base.id]}.{f.attr}")
                elif len(methods.get(f.attr, [])) == 1 and not f.attr.startswith("__"):
                    calls.add(methods[f.attr][0])
        graph[qual] = {c for c in calls if c in defs}
        raised[qual] = found
    return graph, raised


# Markers that name an option of another command on purpose: the message says what to do there.
ELSEWHERE = {"meta": "ingest"}  # E150/E157: metadata columns become attributes at ingest (--meta COL)
# Messages a command reaches in the call graph but cannot raise, and why.
UNREACHABLE = {
    ("codes import", "E130", "unit"): "codes import has no --unit: its passages are always whole responses",
    ("codes import", "E133", "paths"): "codes import always passes its one FILE",
    ("codes import", "E175", "replace"): "codes import has no --replace: its E175 is the variant that names ingest",
    ("codes import", "E413", "replace"): "codes import never replaces (it passes no replace option)",
    ("codes import", "E413", "drop_human_codes"): "codes import never replaces (it passes no replace option)",
}


def test_every_option_marker_names_an_option_of_each_command_that_can_raise_it():
    """Follow each command's calls through the package: every option marker of every message it can raise
    is a parameter of that command (or a global one), so the command line prints a flag it has."""
    from evalnlp.cli._app import cli_parameter

    graph, raised = _call_graph()
    markers = _markers()
    reached_any: set[tuple[str, str | None]] = set()
    wrong = []
    for name, ctx, entry in COMMANDS:
        assert entry in graph, f"{name}: {entry} not found in the package"
        seen, todo = set(), [entry]
        while todo:
            fn = todo.pop()
            if fn not in seen:
                seen.add(fn)
                todo += graph.get(fn, ())
        for fn in seen:
            for key in raised[fn]:
                reached_any.add(key)
                for marker in markers.get(key, ()):
                    if marker in ELSEWHERE:
                        assert cli_parameter(_command_ctx(ELSEWHERE[marker]), marker) is not None
                    elif cli_parameter(ctx, marker) is None and (name, key[0], marker) not in UNREACHABLE:
                        wrong.append(f"evalnlp {name}: {key[0]}/{key[1]} names {marker!r} ({fn})")
    assert not wrong, "\n".join(sorted(set(wrong)))
    assert len(reached_any) > 150  # the walk finds most messages: it is not vacuous
    for key, names in markers.items():
        assert any(cli_parameter(ctx, n) is not None for n in names for _, ctx, _ in COMMANDS), key


def _command_ctx(*path: str):
    return next(ctx for name, ctx, _ in COMMANDS if name == " ".join(path))


def test_the_command_line_spells_parameters_as_flags_and_positionals_as_metavars():
    from evalnlp.cli._app import option_spelling

    spell = option_spelling(_command_ctx("ingest"))
    assert (spell("unit", None), spell("text", "COL"), spell("paths", None), spell("db", None)) == \
        ("--unit", "--text COL", "FILE", "--db")
    assert option_spelling(_command_ctx("evaluate"))("format", None) == "--format"
    assert option_spelling(_command_ctx("evaluate"))("path", None) == "FILE"
    assert option_spelling(_command_ctx("agreement"))("coders", "alice") == "--coder alice"
    assert option_spelling(_command_ctx("codes", "import"))("labels_column", None) == "--labels-column"


def test_a_library_error_names_the_parameter_and_the_command_line_the_flag():
    """The same error object, as Python shows it and as the CLI's error printer renders it for the command
    that raises it (for messages whose only way in from the command line is refused by the command itself,
    such as a --unit outside its choices)."""
    from evalnlp import api
    from evalnlp.cli._app import option_spelling

    with pytest.raises(errors.InputError) as info:
        api.extract([])
    err = info.value
    assert "one or more paths arguments" in str(err) and "FILE" not in str(err)
    assert "one or more FILE arguments" in err.render(option_spelling(_command_ctx("extract")))
    err = error("E130", "unit", units="response, sentence", unit="x")
    assert err.message.startswith("unit must be one of")
    assert err.render(option_spelling(_command_ctx("ingest"))).startswith("[E130] --unit must be one of")
    assert err.render() == str(err)


@pytest.fixture
def ingested(cli, tmp_path):
    f = tmp_path / "answers.csv"
    f.write_text("text,ward\nThe nurses were kind.\nThe food was cold.\n".replace(".\n", ".,A\n"),
                 encoding="utf-8")
    assert cli("ingest", str(f), "--text", "text").exit_code == 0
    return f


def test_codebook_is_a_parameter_in_python_and_a_flag_on_the_command_line(cli, db_path, ingested):
    from evalnlp import api

    with api.open_store(db_path) as store, pytest.raises(errors.StoreError) as info:
        api.evidence(store)
    assert info.value.code == "E408" and "or pass codebook" in str(info.value) and "--codebook" not in \
        str(info.value).replace("`evalnlp classify --codebook impact` (or `--codebook fft`", "")
    result = cli("evidence")
    assert result.exit_code == 1 and "[E408]" in result.stderr
    assert " ".join(result.stderr.split()).endswith("first, or pass --codebook")


def test_by_is_a_parameter_in_python_and_a_flag_on_the_command_line(cli, db_path):
    from helpers import coded_store

    from evalnlp import api

    coded_store(db_path, [("The nurses were kind.", {"ward": "A"}, ["staff"])])
    with api.open_store(db_path) as store, pytest.raises(errors.InputError) as info:
        api.discover(store, by="ward")
    assert info.value.code == "E165" and str(info.value).endswith("got only by")
    result = cli("discover", "--by", "ward")
    assert result.exit_code == 1 and " ".join(result.stderr.split()).endswith("got only --by")
    with api.open_store(db_path) as store, pytest.raises(errors.InputError) as info:
        api.evidence(store, by=["nope"])
    assert str(info.value).startswith("[E150] by 'nope' is not an attribute") and "(meta=COL)" in str(info.value)
    result = cli("evidence", "--by", "nope")
    err = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E150] --by 'nope' is not an attribute" in err and "(--meta COL)" in err
    # an attribute that differs only in capitals is named first, as such
    result = cli("evidence", "--by", "Ward ")
    err = " ".join(result.stderr.split())
    assert "attributes found: 'ward' (the same name written otherwise; names must match exactly)" in err


def test_text_is_a_parameter_in_python_and_a_flag_on_the_command_line(cli, db_path, tmp_path):
    from evalnlp import api

    f = tmp_path / "two.csv"
    f.write_text("a,b\n1,2\n", encoding="utf-8")
    with api.open_store(db_path) as store, pytest.raises(errors.InputError) as info:
        api.ingest(store, [f])
    assert "Expected text=COL;" in str(info.value)
    result = cli("ingest", str(f))
    assert result.exit_code == 1 and "Expected --text COL;" in result.stderr


# ---- commands a message tells the user to run: Python calls in Python, command lines on the command line --------


def test_no_message_writes_a_command_line_to_run_itself():
    """A message that says what to run names it by a Call field (errors.Call), as notes do: the Python API then
    says the function to call (``classify(codebook='impact')``), the command line the command
    (``evalnlp classify --codebook impact``)."""
    written = [f"{code}/{variant}: {text}" for (code, variant), text in _messages().items() if "`evalnlp " in text]
    assert not written, "\n".join(written)


def _calls_in_the_package() -> list[tuple[str, errors.Call]]:
    """Every errors.Call the package makes with constant arguments, as made (values from the data stand as 'X')."""
    out = []
    for path, tree in PARSED.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and (getattr(node.func, "attr", None) == "Call"
                                                    or getattr(node.func, "id", None) == "Call")):
                continue
            if not (node.args and all(isinstance(a, ast.Constant) for a in node.args)):
                continue
            options = {k.arg: "X" for k in node.keywords if k.arg}
            out.append((f"{path.relative_to(SRC)}:{node.lineno}", errors.Call(*[a.value for a in node.args],
                                                                               **options)))
    return out


def test_every_command_a_message_names_is_an_api_function_with_those_parameters():
    import inspect

    import evalnlp.api as api

    calls = _calls_in_the_package()
    assert len(calls) >= 40
    functions = {name: fn for name, fn in vars(api).items() if inspect.isfunction(fn) and fn.__module__ == api.__name__}
    wrong = []
    for where, call in calls:
        fn = functions.get(call.function)
        if fn is None:
            wrong.append(f"{where}: no function {call.function} in evalnlp.api for `evalnlp {call.command}`")
            continue
        params = inspect.signature(fn).parameters
        wrong += [f"{where}: {call.function}() has no parameter {name!r}" for name in (*call.blanks, *call.options)
                  if name not in errors.GLOBAL_OPTIONS and errors.PYTHON_NAMES.get(name, name) not in params]
        positional = errors.POSITIONALS.get(call.command)
        if positional is not None and positional not in params:
            wrong.append(f"{where}: {call.function}() has no positional {positional!r}")
    assert not wrong, "\n".join(wrong)


def test_a_call_puts_the_positional_first_and_leaves_the_store_to_python():
    call = errors.Call("ingest", "paths=FILE", "text=COL", db="my store.duckdb")
    assert call.written(python=True) == "ingest(paths=..., text=...)"
    assert call.written(python=False) == "evalnlp ingest FILE --text COL --db 'my store.duckdb'"
    convert = errors.Call("codebook import", "out=FILE.yaml", path="their codes.qdc")
    assert convert.written(python=True) == "codebook_import(path='their codes.qdc', out=...)"
    assert convert.written(python=False) == "evalnlp codebook import 'their codes.qdc' --out FILE.yaml"
    assert errors.Call("codes list").written(python=True) == "coders()"
    assert errors.Call("import").written(python=True) == "import_qdpx()"


def _both(err: EvalnlpError) -> tuple[str, str]:
    return str(err), err.render(errors.command_line_name)


def test_store_errors_say_what_to_run_in_the_callers_words(cli, tmp_path):
    """The errors a notebook user meets first, opening a store: a store not there yet (E404), an empty DuckDB file
    (E401), an unknown run (E407), a store with nothing coded (E408, from evidence, quotes and report)."""
    import duckdb

    from evalnlp import api

    missing = tmp_path / "none.duckdb"
    with pytest.raises(errors.StoreError) as info:
        api.open_store(missing, read_only=True)
    python, command_line = _both(info.value)
    assert "Run `ingest(paths=...)` first, or pass path with the path of an existing store" in python
    assert "Run `evalnlp ingest FILE` first, or pass --db with the path of an existing store" in command_line
    out = cli("--db", str(missing), "runs")
    assert out.exit_code == 1 and "Run `evalnlp ingest FILE` first, or pass --db" in " ".join(out.output.split())

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(errors.StoreError) as info:
        api.open_store(empty, read_only=True)  # (read and write, the empty file becomes a store)
    python, command_line = _both(info.value)
    assert python.endswith("Read files into it first, e.g. `ingest(paths=..., text=...)`")
    assert command_line.endswith(f"Read files into it first, e.g. `evalnlp ingest FILE --text COLUMN --db {empty}`")

    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nThe staff were kind.\n", encoding="utf-8")
    with api.open_store(tmp_path / "p.duckdb") as store:
        api.ingest(store, [survey], text=["answer"])
        with pytest.raises(errors.StoreError) as info:
            api.runs(store, "nonesuch")
        assert _both(info.value)[0].endswith("`runs()` lists them")
        assert _both(info.value)[1].endswith("`evalnlp runs` lists them")
        for read in (lambda: api.evidence(store), lambda: api.quotes(store, "staff"),
                     lambda: api.report(store, tmp_path / "r.html")):
            with pytest.raises(errors.StoreError) as info:
                read()
            python, command_line = _both(info.value)
            assert info.value.code == "E408"
            assert ("Run `classify(codebook='impact')` (or codebook='fft', or a YAML path) or `import_codes()` "
                    "first, or pass codebook") in python, python
            assert ("Run `evalnlp classify --codebook impact` (or --codebook fft, or a YAML path) or `evalnlp codes "
                    "import` first, or pass --codebook") in command_line, command_line


def test_a_codebook_that_is_not_a_mapping_names_the_call_in_the_callers_words(cli, tmp_path):
    """E204, a codebook file that holds a list (or nothing), points to a shipped codebook: by the function in
    Python, by the command on the command line."""
    from evalnlp import api

    listed = tmp_path / "listed.yaml"
    listed.write_text("- staff\n- waiting\n", encoding="utf-8")
    with pytest.raises(errors.CodebookError) as info:
        api.validate_codebook(listed)
    python, command_line = _both(info.value)
    assert info.value.code == "E204" and "found a list" in python
    assert python.endswith("See a shipped codebook (`codebook(ref='impact')`) for the format")
    assert command_line.endswith("See a shipped codebook (`evalnlp codebook show impact`) for the format")
    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nThe staff were kind.\n", encoding="utf-8")
    for args in (("codebook", "validate", str(listed)),
                 ("classify", str(survey), "--text", "answer", "--codebook", str(listed))):
        out = cli(*args)
        said = " ".join(out.output.split())
        assert out.exit_code == 1 and "[E204]" in said, said
        assert "(`evalnlp codebook show impact`) for the format" in said and "codebook(ref=" not in said, said


def test_coding_errors_say_what_to_run_in_the_callers_words(tmp_path):
    from evalnlp import api
    from evalnlp.coding.persist import load_model

    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nThe staff were kind.\n", encoding="utf-8")
    with api.open_store(tmp_path / "p.duckdb") as store:
        api.ingest(store, [survey], text=["answer"])
        with pytest.raises(errors.InputError) as info:
            api.agreement(store)
        python, command_line = _both(info.value)
        assert python.endswith("`import_codes(path=..., text=..., labels_column=..., coder=...)`")
        assert command_line.endswith("`evalnlp codes import FILE --text COL --labels-column COL --coder NAME`")
        with pytest.raises(errors.InputError) as info:
            api.review_import(store, tmp_path / "review.xlsx", coder="ann")
        assert _both(info.value) == (f"[E190] no file '{tmp_path / 'review.xlsx'}'; give the workbook written by "
                                     "`review_export()`", f"[E190] no file '{tmp_path / 'review.xlsx'}'; give the "
                                     "workbook written by `evalnlp review export`")
    with pytest.raises(errors.ModelError) as info:
        load_model(tmp_path / "no-model")
    python, command_line = _both(info.value)
    assert info.value.code == "E330" and "a directory saved by `train(out=...)`; found neither" in python
    assert "a directory saved by `evalnlp train --out DIR`; found neither" in command_line
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(errors.ModelError) as info:
        load_model(tmp_path / "empty-model")
    python, command_line = _both(info.value)
    assert info.value.code == "E320" and "at a directory written by `train(out=...)`" in python
    assert "at a directory written by `evalnlp train --out`" in command_line
