"""REFI-QDA codes and evalnlp themes: mapping one onto the other, and turning codes into a codebook.

A theme is written as a code whose GUID derives from the codebook and theme ids, whose name is the theme's
label and whose description is its definition (then its include and exclude notes, each after a blank line
and ``Include:`` / ``Exclude:``). Reading, a code is matched to a theme of the target codebook by that GUID,
else by its name as a theme id, label or alias (case and spacing ignored), else by the last part of a name
that spells out its hierarchy (``Coke::diet Coke``, ``Feelings/serene``), else by the name made into an id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from evalnlp import errors
from evalnlp.codebook import SHIPPED, Codebook, CodebookValidationError, Theme, load_codebook
from evalnlp.errors import CodebookError
from evalnlp.qda._ids import code_guid
from evalnlp.qda._read import Code

INCLUDE, EXCLUDE = "Include:", "Exclude:"
_PATH_SEPARATORS = ("::", "\\", "/", ">")


def theme_description(theme: Theme) -> str:
    parts = [theme.definition.strip()]
    if theme.include:
        parts.append(f"{INCLUDE} {theme.include.strip()}")
    if theme.exclude:
        parts.append(f"{EXCLUDE} {theme.exclude.strip()}")
    return "\n\n".join(parts)


def split_description(text: str) -> tuple[str, str | None, str | None]:
    """(definition, include, exclude) from a description written by :func:`theme_description` (or any text:
    then all of it is the definition)."""
    include = exclude = None
    parts = re.split(r"\n\s*\n(?=(?:Include|Exclude):)", text.strip())
    definition = parts[0].strip()
    for part in parts[1:]:
        if part.startswith(INCLUDE):
            include = part[len(INCLUDE):].strip() or None
        elif part.startswith(EXCLUDE):
            exclude = part[len(EXCLUDE):].strip() or None
    return definition, include, exclude


def slug(name: str) -> str:
    """A theme id made from a code name: ASCII lowercase letters, digits and '_', starting with a letter."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if not out:
        return "code"
    return out if out[0].isalpha() else "t_" + out


# ---------------------------------------------------------------------------------------- mapping


@dataclass
class CodeMap:
    """Code GUID -> theme id for the codes that map; the codes that do not."""

    themes: dict[str, str] = field(default_factory=dict)
    unknown: list[Code] = field(default_factory=list)


def map_code(code: Code, cb: Codebook, guids: dict[str, str], codes: dict[str, Code] | None = None) -> str | None:
    if code.guid in guids:
        return guids[code.guid]
    candidates = [code.name]
    parent = (codes or {}).get(code.parent) if code.parent else None
    if parent is not None:
        # "Negative / Staff": the label codebook import gives a code whose name another code under another
        # parent has, tried before the bare name, which would take the first "Staff"
        candidates.insert(0, f"{parent.name} / {code.name}")
    for sep in _PATH_SEPARATORS:
        if sep in code.name:
            candidates.append(code.name.rsplit(sep, 1)[-1])
    for name in candidates:
        try:
            return cb.label_to_id(name.strip())
        except CodebookError:
            continue
    made = slug(code.name)
    return made if made in cb.theme_ids else None


def map_codes(codes: dict[str, Code], used: set[str], cb: Codebook) -> CodeMap:
    """Map the codes in ``used`` (GUIDs) onto ``cb``'s themes."""
    guids = {code_guid(cb.id, t.id): t.id for t in cb.themes}
    out = CodeMap()
    for g, code in codes.items():
        if g not in used:
            continue
        theme = map_code(code, cb, guids, codes)
        if theme is None:
            out.unknown.append(code)
        else:
            out.themes[g] = theme
    return out


def unknown_codes_error(unknown: list[Code], counts: dict[str, int], cb: Codebook, file: str) -> CodebookError:
    """E240: the codes of ``file`` that are not themes of ``cb``, listed one a line."""
    lines = [f"  {i}. {c.name!r}" + (f" (used in {counts[c.guid]:,} codings)" if counts.get(c.guid) else "")
             for i, c in enumerate(unknown, 1)]
    several = len(unknown) != 1
    return errors.error("E240", codes=f"{len(unknown)} code{'s' if several else ''}", file=file,  # type: ignore
                        are="are not themes" if several else "is not a theme", cb_id=cb.id, lines="\n".join(lines))


# ---------------------------------------------------------------------------------------- codes -> codebook


@dataclass
class Converted:
    codebook: Codebook
    yaml: str
    themes: dict[str, str]  # code GUID -> theme id
    notes: list[str]


def _shipped_ids() -> dict[str, tuple[str, str]]:
    """GUID -> (codebook id, theme id) for every shipped theme, to give evalnlp's own codes their ids back."""
    out = {}
    for cb_id in SHIPPED:
        for t in load_codebook(cb_id).themes:
            out[code_guid(cb_id, t.id)] = (cb_id, t.id)
    return out


def _own_ids(codes: list[Code], exported_as: str | None) -> dict[str, str]:
    """GUID -> theme id for the codes of a codebook evalnlp exported as ``exported_as`` (its id, from the file's
    origin) whose id can be found again: a code's GUID derives from the codebook and theme ids, so an id among
    the runs of words of the code's name (``knowledge`` or ``knowledge_and_understanding`` for "Knowledge and
    understanding") is known to be the theme's own when it gives that GUID back."""
    if not exported_as:
        return {}
    out = {}
    for c in codes:
        words = slug(c.name).split("_")
        runs = ("_".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
        found = next((r for r in runs if r[:1].isalpha() and code_guid(exported_as, r) == c.guid), None)
        if found is not None:
            out[c.guid] = found
    return out


def codes_to_codebook(codes: dict[str, Code], *, cb_id: str, title: str, description: str, source: str,
                      read_from: str, keep: set[str] = frozenset(), exported_as: str | None = None) -> Converted:
    """An evalnlp codebook made from REFI-QDA codes: one theme per codable code (and per code in ``keep``,
    the codes that codings use), its label the code's name, its definition the code's description (the name
    when there is none), its parent the nearest ancestor that is a theme. Codes that cannot be coded (folders,
    ``isCodable="false"``) group their children but are not themes. Ids come from the names, made unique;
    evalnlp's own shipped themes get their ids back, and so do the themes of a codebook evalnlp exported as
    ``exported_as`` whose ids are words of their names. The YAML is validated before it is returned. ``source``
    names the codebook made (the YAML file it will be written to), ``read_from`` the REFI-QDA file the codes were
    read from (E242 names it when none can be coded)."""
    from evalnlp.codebook import codebook_to_yaml, parse_codebook

    chosen = [c for c in codes.values() if c.codable or c.guid in keep]
    if not chosen:
        raise errors.error("E242", source=read_from)
    known = {g: tid for g, (_, tid) in _shipped_ids().items()}
    known.update(_own_ids(chosen, exported_as))
    ids: dict[str, str] = {}
    taken: set[str] = set()
    names_taken: set[str] = set()
    notes: list[str] = []
    for c in chosen:  # the ids found again first, so a made-up id never takes one of them
        if c.guid in known and known[c.guid] not in taken:
            ids[c.guid] = known[c.guid]
            taken.add(ids[c.guid])
    for c in chosen:
        if c.guid in ids:
            continue
        base = slug(c.name)
        tid, k = base, 2
        while tid in taken:
            tid, k = f"{base}_{k}", k + 1
        ids[c.guid] = tid
        taken.add(tid)
    lost = [c for c in chosen if exported_as and c.guid not in known]
    if lost:
        notes.append(f"{len(lost)} theme id(s) of codebook {exported_as!r} could not be found again in the file "
                     "and were made from their codes' names: "
                     + ", ".join(f"{c.name!r} -> {ids[c.guid]}" for c in lost[:10]) + (" ..." if len(lost) > 10 else "")
                     + "; rename them in the YAML if files of codes or models use the earlier ids")
    themes = []
    no_description = []
    for c in chosen:
        parent = c.parent
        while parent is not None and parent not in ids:
            parent = codes[parent].parent if parent in codes else None
        label = c.name
        if _norm(label) in names_taken:  # two codes of the same name (under different parents): qualify it
            ancestor = codes[c.parent].name if c.parent in codes else None
            label = f"{ancestor} / {c.name}" if ancestor else f"{c.name} ({ids[c.guid]})"
        if _norm(label) in names_taken:
            label = f"{label} ({ids[c.guid]})"
        names_taken.update({_norm(label), _norm(ids[c.guid])})
        if c.description:
            definition, include, exclude = split_description(c.description)
        else:
            definition, include, exclude = c.name, None, None
            no_description.append(c.name)
        color = c.color.strip().upper() if isinstance(c.color, str) and re.fullmatch(r"\s*#[0-9A-Fa-f]{6}\s*",
                                                                                      c.color) else None
        themes.append(Theme(id=ids[c.guid], label=label, definition=definition or c.name, include=include,
                            exclude=exclude, parent=ids.get(parent) if parent else None, color=color))
    if no_description:
        notes.append(f"{len(no_description)} code(s) had no description, so their definition is their name: "
                     f"{', '.join(repr(n) for n in no_description[:10])}{' ...' if len(no_description) > 10 else ''}. "
                     "Write a definition (and keywords and examples) before coding with this codebook")
    folders = [c.name for c in codes.values() if c.guid not in ids]
    if folders:
        notes.append(f"{len(folders)} folder code(s) that cannot be coded are not themes (their children are "
                     f"kept): {', '.join(repr(n) for n in folders[:10])}{' ...' if len(folders) > 10 else ''}")
    cb = Codebook(id=cb_id, title=title, version="1", description=description, multi_label=True,
                  require_theme=False, themes=tuple(themes), sha256="", path=source)
    text = codebook_to_yaml(cb)
    try:
        validated = parse_codebook(text, source)
    except CodebookValidationError as exc:  # a bug here: the converter must make valid codebooks
        raise errors.several(exc.code, "codebook_made", source=source, problem=exc.message) from None
    return Converted(codebook=validated, yaml=text, themes=dict(ids), notes=notes)


def _norm(name: str) -> str:
    """A name as a codebook matches names (case, spacing, apostrophes and Unicode form folded): two codes whose
    names differ only so ("Café" typed with a combining accent) would be one name to it."""
    from evalnlp.codebook import _norm_name

    return _norm_name(name)
