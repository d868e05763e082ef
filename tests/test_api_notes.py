"""What a command tells its user besides its results reaches a notebook too: each note the command line prints is
on the API's result (``notes``), in the same words, and issued once as an :class:`EvalnlpWarning`; the command
line prints it once, from the result, and issues none (real stores and files throughout)."""

from __future__ import annotations

import json
import pickle
import warnings

import pytest

import evalnlp
from evalnlp import api
from evalnlp.errors import EvalnlpWarning, Note


def flat(text: str) -> str:
    return " ".join(str(text).split())


def issued(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, EvalnlpWarning)]


def the_note(notes, part: str) -> Note:
    """The one note of ``notes`` holding ``part``."""
    found = [n for n in notes if part in n]
    assert len(found) == 1, notes
    return found[0]


def run_cli(cli, *args: str):
    """The command's result; it must issue no EvalnlpWarning (it prints its notes itself)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli(*args)
    assert issued(caught) == []
    return result


def said_once(output: str, note: str) -> bool:
    return flat(output).count(flat(note)) == 1


# ---- the note itself -----------------------------------------------------------------------------------------


def test_a_note_is_a_plain_string_with_how_the_command_line_prints_it():
    n = Note("3 answers gone", "warning", at="end")
    assert n == "3 answers gone" and isinstance(n, str) and n.kind == "warning" and n.at == "end"
    assert json.dumps([n]) == '["3 answers gone"]' and "x: " + n == "x: 3 answers gone"
    back = pickle.loads(pickle.dumps(n))
    assert (back, back.kind, back.at) == (n, "warning", "end")
    assert Note("x").kind == "note" and Note("x").at is None
    with pytest.raises(ValueError, match="kind must be one of"):
        Note("x", "shout")
    assert evalnlp.EvalnlpWarning is EvalnlpWarning and issubclass(EvalnlpWarning, UserWarning)
    assert api.EvalnlpWarning is EvalnlpWarning