"""Options shared by several commands, defined once: the same flag has the same type, choices and help
wherever it appears. Choices are Enums, so --help lists them and a wrong value is refused before the command
runs (exit code 2)."""

from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

try:  # Python 3.9+
    from typing import Annotated
except ImportError:  # pragma: no cover
    from typing_extensions import Annotated


class OutputFormat(str, Enum):
    """What a command prints: a table for people, or JSON for scripts."""

    table = "table"
    json = "json"


class Unit(str, Enum):
    """The passage a tabular answer is cut into."""

    response = "response"
    sentence = "sentence"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="What to print: a table to read, or json for scripts.",
                                                              case_sensitive=False)]

StoreCodebookOption = Annotated[Optional[str], typer.Option(
    "--codebook", help="impact, fft or a YAML path. Default: the codebook the store was coded with.")]

RedactOption = Annotated[bool, typer.Option(
    "--redact/--no-redact", help="De-identify what is shown and written: names, emails, phone and NHS numbers, "
    "postcodes, URLs and a column of dates of birth. File and sheet names are shown as they are (quotes and "
    "evidence name those that seem to name a person). With --no-redact, the report, a quotes .md or .docx and "
    "an evidence file's notes say that the quotes are not de-identified.")]

KeepNamesOption = Annotated[Optional[str], typer.Option(
    "--keep-names", metavar="FILE", help="A text file of names (one a line) that redaction leaves in, such as the "
    "researcher's own (a claims file may also list them under keep_names).")]

TextOption = Annotated[Optional[List[str]], typer.Option(
    "--text", help="Column holding free text (repeat for several questions: one document per row and column).")]

IdOption = Annotated[Optional[str], typer.Option(
    "--id", help="Column with a respondent or row id: each answer is then placed by it (respondent=R7) rather "
                 "than by its row number (row 7), in quotes and outputs and when the file is read again.")]

MetaOption = Annotated[Optional[List[str]], typer.Option(
    "--meta", help="Metadata column kept in attrs (repeatable). Default: every column that is not --text (the "
                   "--id column is kept too, as each answer's respondent).")]

UnitOption = Annotated[Unit, typer.Option("--unit", help="The passages a table's answers (CSV, XLSX, JSON, "
                                                          "Parquet) are cut into: each answer whole (response) "
                                                          "or each of its sentences (sentence).",
                                          case_sensitive=False)]

QuestionOption = Annotated[Optional[List[str]], typer.Option(
    "--question", metavar="NAME", help="The question a --text column's answers are stored under (what evidence "
    "--by question groups by), instead of the column's header: once per --text, in its order. A column renamed "
    "in a later export ('What could we improve?' for 'What could be improved?') keeps the earlier question, so "
    "both months count as one.")]

SheetOption = Annotated[Optional[str], typer.Option("--sheet", help="XLSX sheet to read (default: the first).")]

ReplaceOption = Annotated[bool, typer.Option(
    "--replace", help="Each file is a newer export (corrected since) of the file of its name read before, and takes "
                      "its place: the store then holds for it exactly the answers it has. Answers it no longer has "
                      "are removed with their passages and codes, an edited answer is stored once (as it is now), "
                      "and the answers it still has keep their codes and review decisions and take its --meta "
                      "values. Every file replaces its own; one not read before is read as usual.")]

DropHumanCodesOption = Annotated[bool, typer.Option(
    "--drop-human-codes", help="With --replace: remove answers the newer export no longer has even when people "
                               "coded them, with their human codes (refused otherwise, E413).")]
