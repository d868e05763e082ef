"""Codebooks: YAML files that define the themes passages are coded into.

A codebook is a YAML mapping with an ``id``, a few descriptive fields and a list of
``themes``; each theme has an ``id``, a ``label``, a ``definition``, optional
``include``/``exclude`` notes, ``keywords`` (lemma patterns for the keyword coder),
``examples`` (for the zero-shot coder), ``aliases`` (other names of the theme in
labelled data), an optional ``parent`` and an optional ``catch_all`` flag. The shipped files under
``evalnlp/codebooks/`` document the format in their header comment.

Loading validates the whole file and reports every problem at once, each with its
own error code (E201-E221), so a user can fix a codebook in one pass::

    >>> cb = load_codebook("impact")
    >>> cb.theme_ids[:3]
    ['engagement', 'relationships', 'service_improvement']
    >>> cb.label_to_id("Engagement & involvement")
    'engagement'

A codebook is identified by its ``id`` and the ``sha256`` of its file bytes; both are
recorded with every run that uses it, and a trained model refuses a codebook whose
sha256 differs from the one it was trained on.

``catch_all: true`` marks a theme that holds whatever fits no specific theme (FFT's
``miscellaneous``). Theme discovery never maps a topic onto such a theme by similarity
(its definition is near everything); coding is unchanged. Because the flag changes
nothing in how passages are coded, it is left out of the identity: ``sha256`` is the hash
of the file's bytes with the ``catch_all:`` lines taken out, so marking or unmarking a
theme keeps every trained model and recorded run valid. The flag must therefore sit on a
line of its own in the theme's block (``catch_all: true``); written any other way (inside
a ``{...}`` mapping, say) it is refused with E219.

Keyword patterns
----------------
A pattern is one or more lowercase tokens separated by single spaces, each written as
the lemma a spaCy English lemmatiser produces (``take part``, ``involve``). A token
ending in ``*`` matches any lemma starting with the text before it (``particip*``
matches ``participate``, ``participant``, ``participation``). Allowed characters are
letters, digits, ``-``, ``'`` and spaces; :func:`keyword_tokens` splits a pattern into
``(text, is_prefix)`` pairs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from evalnlp import errors
from evalnlp.errors import CodebookError
from evalnlp.util import did_you_mean, path_kind, refuse_open_store

__all__ = [
    "Codebook",
    "CodebookValidationError",
    "Problem",
    "Theme",
    "SHIPPED",
    "codebook_to_yaml",
    "keyword_tokens",
    "list_codebooks",
    "load_codebook",
    "parse_codebook",
    "validate_codebook",
]

#: Ids of the codebooks shipped inside the package.
SHIPPED: tuple[str, ...] = ("fft", "impact")

_ID_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
_TOP_KEYS = ("id", "title", "version", "description", "multi_label", "require_theme", "themes")
_THEME_KEYS = (
    "id",
    "label",
    "definition",
    "include",
    "exclude",
    "keywords",
    "examples",
    "aliases",
    "parent",
    "catch_all",
    "color",
)
_MIN_PREFIX = 2  # characters required before a trailing "*"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Theme:
    """One theme of a codebook."""

    id: str
    label: str
    definition: str
    include: str | None = None
    exclude: str | None = None
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    catch_all: bool = False
    color: str | None = None  # "#RRGGBB": the colour a QDA program shows the theme's code in


@dataclass(frozen=True)
class Codebook:
    """A validated codebook; ``sha256`` is the hash of the file's bytes."""

    id: str
    title: str
    version: str
    description: str
    multi_label: bool
    require_theme: bool
    themes: tuple[Theme, ...]
    sha256: str
    path: str
    _index: dict[str, Theme] = field(init=False, repr=False, compare=False, hash=False)
    _names: dict[str, str] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.id: t for t in self.themes})
        names: dict[str, str] = {}
        for theme in self.themes:
            for name in (theme.id, theme.label, *theme.aliases):
                names.setdefault(_norm_name(name), theme.id)
        object.__setattr__(self, "_names", names)

    @property
    def theme_ids(self) -> list[str]:
        """Theme ids in codebook order."""
        return [t.id for t in self.themes]

    def get(self, theme_id: str) -> Theme:
        """Return the theme with id ``theme_id``; :class:`CodebookError` E220 if there is none."""
        try:
            return self._index[theme_id]
        except (KeyError, TypeError):
            raise errors.error("E220", "unknown", id=self.id, theme_id=theme_id,
                               hint=did_you_mean(str(theme_id), self.theme_ids),
                               theme_ids=", ".join(self.theme_ids)) from None

    def label_to_id(self, label: str) -> str:
        """Map a theme id, label or alias (case- and spacing-insensitive) to the theme id.

        Raises :class:`CodebookError` E221 when nothing matches.
        """
        found = self._names.get(_norm_name(label)) if isinstance(label, str) else None
        if found is None:
            known = [n for t in self.themes for n in (t.id, t.label, *t.aliases)]
            raise errors.error("E221", "label", label=label, id=self.id, hint=did_you_mean(str(label), known),
                               theme_ids=', '.join(self.theme_ids))
        return found

    def renamed_themes(self, names) -> dict[str, str]:
        """Of ``names`` (the themes codes are stored under), each that is not a theme id of this codebook but names
        one of its themes (an id or label it had before the theme was renamed, kept as an alias, as E221 advises):
        name -> theme id. Codes of this codebook stored under such a name count as that theme."""
        out = {}
        for name in names:
            if isinstance(name, str) and name not in self._index:
                found = self._names.get(_norm_name(name))
                if found is not None:
                    out[name] = found
        return out


@dataclass(frozen=True)
class Problem:
    """One validation problem: its error code, where it is, and what to do."""

    code: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.where}: {self.message}"


class CodebookValidationError(CodebookError):
    """A codebook file has one or more problems, all listed in ``problems``.

    ``code`` is the code of the first problem, so a file with a single problem raises
    exactly that problem's code.
    """

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems: tuple[Problem, ...] = tuple(problems)
        code = problems[0].code
        if len(problems) == 1:
            made = errors.several(code, "codebook", source=source, where=problems[0].where,
                                  problem=problems[0].message)
        else:
            lines = "\n".join(f"  {i}. {p}" for i, p in enumerate(problems, 1))
            made = errors.several(code, "codebook_several", source=source, n=len(problems), lines=lines)
        super().__init__(code, template=made.template, fields=made.fields)

    @property
    def codes(self) -> list[str]:
        """The codes of all problems, in the order found."""
        return [p.code for p in self.problems]


# --------------------------------------------------------------------------- helpers


def _norm_name(name: str) -> str:
    """A theme name as names are matched: curly apostrophes straight, case and spacing folded, and accented
    letters in one Unicode form (``é`` typed as ``e`` and a combining accent is ``é``)."""
    import unicodedata

    name = unicodedata.normalize("NFC", name.replace("\u2019", "'").replace("\u2018", "'"))
    return " ".join(name.casefold().split())


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def keyword_tokens(pattern: str) -> list[tuple[str, bool]]:
    """Split a valid keyword pattern into ``(text, is_prefix)`` pairs, one per token.

    >>> keyword_tokens("take part")
    [('take', False), ('part', False)]
    >>> keyword_tokens("particip*")
    [('particip', True)]
    """
    return [(tok[:-1], True) if tok.endswith("*") else (tok, False) for tok in pattern.split(" ")]


def _keyword_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid keyword pattern, or None if it is.

    Spaces and case have one right form, which the message writes out; it is offered only when it is itself a
    valid pattern, so a problem no rewriting mends (a character not allowed, a misplaced ``*``) is named first,
    rather than a "fix" that ``validate`` would refuse in turn.
    """
    if not pattern.strip():
        return errors.message("E214", "empty")
    fix = re.sub(r" {2,}", " ", pattern.strip()).lower()
    deeper = _token_problem(fix, pattern)
    if deeper is not None:
        return deeper
    if pattern != pattern.strip():
        return errors.message("E214", "outer_spaces", pattern=pattern, fix=fix)
    if "  " in pattern:
        return errors.message("E214", "spaces", pattern=pattern, fix=fix)
    if fix != pattern:
        return errors.message("E214", "uppercase", pattern=pattern, fix=fix)
    return None


def _token_problem(pattern: str, shown: str) -> str | None:
    """What is wrong with the tokens of ``pattern`` (spaces and case already put right) that no rewriting mends;
    messages name the pattern as written, ``shown``."""
    bad = sorted({c for c in pattern if not (c.isalpha() or c.isdigit() or c in "-' *")})
    if bad:
        return errors.message("E214", "characters", pattern=shown, bad=", ".join(repr(c) for c in bad))
    for tok in pattern.split(" "):
        if "*" in tok[:-1]:
            return errors.message("E214", "inner_star", pattern=shown, token=tok)
        stem = tok[:-1] if tok.endswith("*") else tok
        if tok.endswith("*") and sum(c.isalnum() for c in stem) < _MIN_PREFIX:
            return errors.message("E214", "short_prefix", pattern=shown, token=tok, min_prefix=_MIN_PREFIX)
        if not any(c.isalnum() for c in stem):
            return errors.message("E214", "no_letter", pattern=shown, token=tok)
    return None


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects problems while turning parsed YAML into a :class:`Codebook`."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.where: dict[str, str] = {}  # theme id -> "themes[i] (id)" of its first occurrence

    def add(self, code: str, where: str, message: str) -> None:
        self.problems.append(Problem(code, where, message))

    # typed field readers -------------------------------------------------
    def text(self, data: dict, key: str, where: str, *, required: bool, code_empty: str | None = None) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                code = code_empty or "E205"
                self.add(code, f"{where}.{key}", errors.message(code, "field_missing", key=key))
            return None
        if not isinstance(value, str):
            fix = "write it as one string" if isinstance(value, (list, dict)) else "put the value in quotes"
            self.add("E217", f"{where}.{key}", errors.message("E217", "string", type_name=_type_name(value),
                                                              value=value, fix=fix))
            return None
        if required and not value.strip():
            code = code_empty or "E205"
            self.add(code, f"{where}.{key}", errors.message(code, "field_empty", key=key))
            return None
        return value

    def flag(self, data: dict, key: str, default: bool, where: str = "") -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add("E217", f"{where}.{key}" if where else key, errors.message("E217", "flag",
                                                                                type_name=_type_name(value),
                                                                                value=value))
            return default
        return value

    def strings(self, data: dict, key: str, where: str, check: Any = None) -> tuple[str, ...]:
        """Read a list of strings; ``check(value) -> str | None`` adds E214 problems per item."""
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(
                "E217",
                f"{where}.{key}",
                errors.message("E217", "list", type_name=_type_name(value), value=value),
            )
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
                problem = check(item) if check is not None else None
                if problem is None and not item.strip():  # an alias or example "" names nothing
                    problem = errors.message("E214", "blank", field=key.rstrip("s") or key)
                if problem:
                    self.add("E214", f"{where}.{key}[{i}]", problem)
            else:
                hint = (
                    " (YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)"
                    if isinstance(item, bool)
                    else " (quote it)"
                )
                self.add("E217", f"{where}.{key}[{i}]", errors.message("E217", "item", type_name=_type_name(item),
                                                                       item=item, hint=hint))
        return tuple(out)

    def unknown_keys(self, data: dict, allowed: tuple[str, ...], where: str, code: str) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(str(key), list(allowed))
                self.add(
                    code,
                    f"{where}.{key}" if where else str(key),
                    errors.message(code, "unknown_key", hint=hint, allowed=", ".join(allowed)),
                )

    # the codebook ----------------------------------------------------------
    def codebook(self, data: Any, source: str, sha256: str) -> Codebook | None:
        if not isinstance(data, dict):
            found = "an empty file" if data is None else f"a {_type_name(data)}"
            made = errors.error("E204", found=found, show=errors.Call("codebook show", ref="impact"))
            # kept with its template, so that the command line names the command where Python names the function
            self.add("E204", "top level", errors.Note(made.template, fields=made.fields))
            return None
        self.unknown_keys(data, _TOP_KEYS, "", "E215")
        cb_id = self.text(data, "id", "codebook", required=True)
        if cb_id is not None and not _ID_RE.match(cb_id):
            self.add(
                "E206",
                "codebook.id",
                errors.message("E206", "codebook", id=cb_id, fix=_fix_id(cb_id)),
            )
        title = self.text(data, "title", "codebook", required=False)
        version = self.text(data, "version", "codebook", required=False)
        description = self.text(data, "description", "codebook", required=False)
        multi_label = self.flag(data, "multi_label", True)
        require_theme = self.flag(data, "require_theme", False)
        themes = self.themes(data.get("themes"))
        if self.problems:
            return None
        assert cb_id is not None
        return Codebook(
            id=cb_id,
            title=title if title is not None else cb_id,
            version=version if version is not None else "1",
            description=description or "",
            multi_label=multi_label,
            require_theme=require_theme,
            themes=tuple(themes),
            sha256=sha256,
            path=source,
        )

    def themes(self, raw: Any) -> list[Theme]:
        if raw is None or (isinstance(raw, list) and not raw):
            self.add(
                "E207",
                "themes",
                errors.message("E207"),
            )
            return []
        if not isinstance(raw, list):
            self.add("E217", "themes", errors.message("E217", "themes", type_name=_type_name(raw)))
            return []
        themes: list[Theme] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            theme = self.theme(item, i, seen)
            if theme is not None:
                themes.append(theme)
        self.relations(themes)
        return themes

    def theme(self, item: Any, i: int, seen: dict[str, int]) -> Theme | None:
        where = f"themes[{i}]"
        if not isinstance(item, dict):
            self.add(
                "E208",
                where,
                errors.message("E208", type_name=_type_name(item), item=item),
            )
            return None
        tid = self.text(item, "id", where, required=True)
        if tid is not None:
            where = f"themes[{i}] ({tid})"
            self.where.setdefault(tid, where)
            if not _ID_RE.match(tid):
                self.add(
                    "E209",
                    f"{where}.id",
                    errors.message("E209", "invalid", id=tid, fix=_fix_id(tid)),
                )
            elif tid in seen:
                self.add(
                    "E209",
                    f"{where}.id",
                    errors.message("E209", "duplicate", id=tid, seen=seen[tid]),
                )
            else:
                seen[tid] = i
        self.unknown_keys(item, _THEME_KEYS, where, "E216")
        label = self.text(item, "label", where, required=True, code_empty="E210")
        definition = self.text(item, "definition", where, required=True, code_empty="E211")
        include = self.text(item, "include", where, required=False)
        exclude = self.text(item, "exclude", where, required=False)
        keywords = self.strings(item, "keywords", where, check=_keyword_problem)
        examples = self.strings(item, "examples", where)
        aliases = self.strings(item, "aliases", where)
        parent = self.text(item, "parent", where, required=False)
        catch_all = self.flag(item, "catch_all", False, where)
        color = self.text(item, "color", where, required=False)
        if color is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
            self.add("E217", f"{where}.color", errors.message("E217", "color", value=color))
            color = None
        if tid is None or label is None or definition is None:
            return None
        return Theme(
            id=tid,
            label=label,
            definition=definition,
            include=include,
            exclude=exclude,
            keywords=keywords,
            examples=examples,
            aliases=aliases,
            parent=parent,
            catch_all=catch_all,
            color=color.upper() if color else None,
        )

    def relations(self, themes: list[Theme]) -> None:
        ids = {t.id for t in themes}
        parents = {t.id: t.parent for t in themes if t.parent is not None}
        for tid, parent in parents.items():
            if parent not in ids:
                self.add(
                    "E212",
                    f"{self.where[tid]}.parent",
                    errors.message("E212", parent=parent, hint=did_you_mean(parent, sorted(ids))),
                )
        reported: set[str] = set()
        for start in parents:
            path = [start]
            node = parents.get(start)
            while node is not None and node in ids and node not in path:
                path.append(node)
                node = parents.get(node)
            if node is not None and node in path and node not in reported:
                cycle = path[path.index(node):] + [node]
                reported.update(cycle)
                self.add(
                    "E213",
                    f"{self.where[node]}.parent",
                    errors.message("E213", cycle=' -> '.join(cycle)),
                )
        names: dict[str, str] = {}
        for theme in themes:
            own = {_norm_name(n): n for n in (theme.id, theme.label, *theme.aliases)}
            for key, name in own.items():
                other = names.get(key)
                if other is not None and other != theme.id:
                    self.add(
                        "E218",
                        self.where[theme.id],
                        errors.message("E218", name=name, other=other),
                    )
                names.setdefault(key, theme.id)


def _fix_id(value: str) -> str:
    fixed = re.sub(r"[^a-z0-9_]+", "_", value.strip().lower()).strip("_")
    if not fixed or not fixed[0].isalpha():
        fixed = "t_" + fixed
    return fixed


# A `catch_all:` line of a theme's block (its value and any comment), with its line end.
_CATCH_ALL_LINE = re.compile(rb"^[ \t]*catch_all[ \t]*:[^\r\n]*(?:\r\n|\n|\r|\Z)", re.MULTILINE)


def _without_catch_all(data: Any) -> Any:
    """Parsed codebook YAML with every ``catch_all`` key dropped (a theme's, or a misplaced top-level one)."""
    if not isinstance(data, dict):
        return data
    out = {k: v for k, v in data.items() if k != "catch_all"}
    if isinstance(out.get("themes"), list):
        out["themes"] = [{k: v for k, v in t.items() if k != "catch_all"} if isinstance(t, dict) else t
                         for t in out["themes"]]
    return out


def identity_bytes(raw: bytes, data: Any = None) -> bytes | None:
    """The bytes a codebook's ``sha256`` is taken of: ``raw`` with its ``catch_all:`` lines taken out.

    ``data`` is ``raw`` parsed. Returns None when taking the lines out does not give the same codebook less
    its ``catch_all`` flags (a flag written inside a flow mapping, or a ``catch_all:`` line inside a text):
    the flag is then refused (E219) rather than allowed to change the codebook's identity.
    """
    if b"catch_all" not in raw:
        return raw
    import yaml

    stripped = _CATCH_ALL_LINE.sub(b"", raw)
    try:
        same = yaml.safe_load(stripped.decode("utf-8-sig")) == _without_catch_all(data)
    except (yaml.YAMLError, UnicodeDecodeError):
        same = False
    return stripped if same else None


def _parse(raw: bytes, source: str) -> Codebook:
    """Validate ``raw`` YAML bytes; return a Codebook or raise CodebookValidationError."""
    import yaml

    from evalnlp.util import load_yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookValidationError(
            source,
            [Problem("E203", "file", errors.message("E203", "not_utf8", byte=exc.start))],
        ) from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "file"
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        detail = f"{context}: {what}" if context else what
        raise CodebookValidationError(
            source,
            [Problem("E203", where, errors.message("E203", "yaml", reason=detail))],
        ) from None
    identity = identity_bytes(raw, data)
    checker = _Checker()
    if identity is None:
        checker.add("E219", "catch_all", errors.message("E219"))
    sha = hashlib.sha256(identity if identity is not None else raw).hexdigest()
    codebook = checker.codebook(data, source, sha)
    if checker.problems or codebook is None:
        raise CodebookValidationError(source, checker.problems)
    return codebook


# --------------------------------------------------------------------------- loading


def _shipped_path(cb_id: str) -> Path:
    return Path(str(resources.files("evalnlp") / "codebooks" / f"{cb_id}.yaml"))


def _resolve(ref: str | Path) -> Path:
    import os

    if not isinstance(ref, (str, os.PathLike)):  # codebook=3 or ["impact"] in Python: not a TypeError from pathlib
        raise errors.error("E201", "kind", ref=ref, kind=type(ref).__name__, shipped=', '.join(SHIPPED))
    if isinstance(ref, str) and ref in SHIPPED:
        return _shipped_path(ref)
    path = Path(ref).expanduser()
    if path.is_file():
        refuse_open_store(path, "a codebook")  # E414, before the file is read
        return path
    looks_like_id = isinstance(ref, str) and "/" not in ref and "\\" not in ref and not path.suffix
    if path.is_dir():
        raise errors.error("E202", "directory", path=str(path))
    if path.exists():  # /dev/null, a named pipe: reading one would give nothing or wait for ever
        raise errors.error("E202", "not_a_file", path=str(path), kind=path_kind(path))
    hint = did_you_mean(str(ref), list(SHIPPED)) if looks_like_id else ""
    raise errors.error("E201", "missing", ref=str(ref), shipped=', '.join(SHIPPED), hint=hint)


_CACHE: dict[tuple[str, int, int], Codebook] = {}


def load_codebook(ref: str | Path) -> Codebook:
    """Load and validate a codebook: a shipped id (``"impact"``, ``"fft"``) or a YAML path.

    Results are cached by (resolved path, modification time, size), so editing a file
    is picked up on the next load. Raises :class:`CodebookError` (E201 when the file
    cannot be found, E202 when the path is a directory, a device or a pipe rather than a regular file) or
    :class:`CodebookValidationError` listing every problem found.
    """
    path = _resolve(ref)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _parse(path.read_bytes(), str(path))
        _CACHE[key] = cached
    return cached


def validate_codebook(path: str | Path) -> Codebook:
    """Validate the codebook at ``path`` (or a shipped id) without using the cache.

    Returns the codebook; raises :class:`CodebookValidationError` with all problems found.
    """
    resolved = _resolve(path)
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise errors.error("E203", "unreadable", resolved=str(resolved), strerror=exc.strerror) from None
    return _parse(raw, str(resolved))


def parse_codebook(text: str, source: str = "<text>") -> Codebook:
    """Validate codebook YAML held in memory (a codebook built by a converter before it is written out);
    ``source`` names it in messages. Raises :class:`CodebookValidationError` listing every problem."""
    return _parse(text.encode("utf-8"), source)


def list_codebooks() -> list[Codebook]:
    """The codebooks shipped with evalnlp, sorted by id."""
    return [load_codebook(cb_id) for cb_id in SHIPPED]


# --------------------------------------------------------------------------- writing


def _theme_to_dict(theme: Theme) -> dict[str, Any]:
    out: dict[str, Any] = {"id": theme.id, "label": theme.label, "definition": theme.definition}
    if theme.include is not None:
        out["include"] = theme.include
    if theme.exclude is not None:
        out["exclude"] = theme.exclude
    out["keywords"] = list(theme.keywords)
    out["examples"] = list(theme.examples)
    if theme.aliases:
        out["aliases"] = list(theme.aliases)
    if theme.parent is not None:
        out["parent"] = theme.parent
    if theme.catch_all:
        out["catch_all"] = True
    if theme.color is not None:
        out["color"] = theme.color
    return out


def codebook_to_yaml(cb: Codebook) -> str:
    """Serialise a codebook to YAML that loads back to an equal codebook (bar sha256 and path)."""
    import yaml

    doc = {
        "id": cb.id,
        "title": cb.title,
        "version": cb.version,
        "description": cb.description,
        "multi_label": cb.multi_label,
        "require_theme": cb.require_theme,
        "themes": [_theme_to_dict(t) for t in cb.themes],
    }
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return f"# evalnlp codebook {cb.id!r} (version {cb.version})\n{body}"
