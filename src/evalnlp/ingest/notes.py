"""What an ingest tells its user besides its counts: the notes of an :class:`IngestResult`, made from what each
file's :class:`FileReport` recorded, in the order the command line prints them (``ingest``, ``classify FILE``
and ``codes import`` print these same notes; the Python API issues them as warnings). A note that names an
option is a template (:class:`evalnlp.errors.Note`): the API's string says ``replace=True`` where the command
line prints ``--replace``."""

from __future__ import annotations

from pathlib import Path

from evalnlp.errors import Call, Note, Option, Options


def ingest_notes(result, command: str = "ingest") -> list[Note]:
    """The notes of ``result`` (an :class:`evalnlp.ingest.IngestResult`), in the order the command line prints
    them between its table and its counts. ``command`` is the command that read the files: ``codes import``
    says otherwise what to do about rows another source already holds."""
    notes: list[Note] = []

    def info(text: str) -> None:
        notes.append(Note(text, "info"))

    def warn(text: str) -> None:
        notes.append(Note(text, "warning"))

    def note(text: str) -> None:
        notes.append(Note(text, "note"))

    def told(kind: str, template: str, **fields) -> None:
        """A note made from ``template``, whose option markers each caller reads in its own words; every value
        from the data is one of ``fields``."""
        notes.append(Note(template, kind, fields=fields))

    take_names = "({text!o}, {id!o} and {meta!o} take those names, and output files use them)"

    tables = any(f.columns for f in result.files)
    for f in result.files:
        if f.renamed:
            told("info", "{source}: a repeated column name or key, so nothing is lost: {renamed} " + take_names,
                 source=f.source,
                 renamed="; ".join(f"the next {header!r} is read as {name!r}" for header, name in f.renamed))
        if f.tidied:
            told("info", "{source}: {tidied} " + take_names, source=f.source, tidied="; ".join(
                f"the column without a header is read as {name!r}" if not header.strip()
                else f"the header {header!r} is read as {name!r}, without the spaces around it"
                for header, name in f.tidied))
        if f.uncalculated:
            one = f.uncalculated == 1
            info(f"{f.source}: {f.uncalculated:,} formula cell{'' if one else 's'} of the sheet "
                 f"{'holds' if one else 'hold'} no computed value (the workbook was written by a program and "
                 f"never calculated), so {'it reads' if one else 'they read'} as empty (an answer among them is rejected as empty); open and save the "
                 "workbook in Excel or LibreOffice, then read it again")
        if f.ignored:
            why = ("a narrative file is read by its paragraphs" if not f.columns  # (a table always has columns)
                   else f"a {f.format.upper()} file has no sheets")
            one = len(f.ignored) == 1
            options = ", ".join("{%s!o}" % name for name in f.ignored)  # (names of options: identifiers)
            ignored = ("{source}: " + options + f" {'does' if one else 'do'} not apply ({{why}}), so "
                       f"{'it was' if one else 'they were'} not used for this file")
            if not f.columns and "text" in f.ignored and tables:
                # a README or notes file beside the exports: its paragraphs are now coded with the answers
                told("warning", ignored + "; its {paragraphs} {are} stored as documents beside the tables' answers, "
                     "coded and counted with them. If it is not evidence, leave it out (name the tables, or a "
                     "pattern such as *.csv)", source=f.source, why=why, paragraphs=_count(f.n_ok, "paragraph"),
                     are="is" if f.n_ok == 1 else "are")
            else:
                told("info", ignored, source=f.source, why=why)
        if f.lacking_meta:
            names = ", ".join(repr(c) for c in f.lacking_meta)
            told("warning", "{source}: no column {names} ({meta!o}), which other files of this command have: its "
                 "documents were read without it, so they count under '(missing)' when evidence groups by it",
                 source=f.source, names=names)
        if f.no_rows:
            warn(f"{f.no_rows.rstrip('.')}. Nothing was read from it; the other files were read")
        if f.same_as:
            info(f"{f.file_name}: exactly the contents of {f.same_as!r}, which the store read before: a "
                 f"copy, so its rows are read as that file's ({f.source}) and add nothing new")
        if f.replaced:
            _replaced(f, told)
        if f.n_elsewhere >= max(2, f.n_new / 2) and command == "codes import":  # a coded copy of a file read
            first = f.elsewhere[0]
            told("warning", "{source}: {n:,} of its {new:,} new rows have the locator and text of rows the store "
                 "already holds from {sources}: each of those answers is now stored twice, and evidence counts "
                 "both. If the file is a coder's copy of {first!r}, its codes belong on those answers: import it "
                 "with {option} (into a store without this import, {db!o:PATH}, as the answers it stored stay)",
                 source=f.source, n=f.n_elsewhere, new=f.n_new, sources=", ".join(repr(s) for s in f.elsewhere),
                 first=first, option=Option("source", first))
        elif f.n_elsewhere >= max(2, f.n_new / 2):  # the same rows sent again, in a file of another name or format
            told("warning", "{source}: {n:,} of its {new:,} new rows have the locator and text of rows the store "
                 "already holds from {sources}: if this is the same data sent again, each of those answers is now "
                 "stored twice and evidence counts both (read it into a new store without the earlier file, "
                 "{db!o:PATH}, to count each once)", source=f.source, n=f.n_elsewhere, new=f.n_new,
                 sources=", ".join(repr(s) for s in f.elsewhere))
        if f.repeats is not None and f.repeats[1] >= max(3, f.repeats[2] / 2):  # the same report again
            other, n, total = f.repeats
            told("warning", "{source}: {n:,} of its {total:,} sentences are word for word in {other!r}, which the "
                 "store holds too: if it is the same report in another format (or a draft of it), its passages, "
                 "testimonials and reach figures are now stored twice, and evidence and claims count both. Read "
                 "only one of them (into a new store, {db!o:PATH}, as both stay in this one)", source=f.source, n=n,
                 total=total, other=other)
        for column, question, old, old_column, other, how in f.question_renamed:
            _renamed_question(f, told, column, question, old, old_column, other, how)
        if f.unchanged:
            told("note", "{source}: the same file as read before (the same contents), so nothing was read again; "
                 "to read it afresh with this version of evalnlp, read it with {replace!o:True}", source=f.source)
        if f.n_repeated_ids:
            n = f.n_repeated_ids
            told("warning", "{source}: {ids} {are} on more than one row ({first}{more}): each row's answers are "
                 "stored as answers of their own, under the one locator of that id, and evidence counts each (a "
                 "theme said on both rows counts twice among the documents); if one respondent's rows were split "
                 "(or two respondents share an id), join or tell them apart in the file and read it again with "
                 "{replace!o:True}", source=f.source, ids=f"{n:,} id{'s' if n != 1 else ''}",
                 are="are" if n != 1 else "is", first=", ".join(repr(v) for v in f.repeated_ids),
                 more=" ..." if n > len(f.repeated_ids) else "")
        if f.n_edited and not f.columns:  # a narrative file: its paragraphs (pages) are known by their place
            told("warning", "{source}: {passages} at {a_place} ({first}) where the store holds another text from "
                 "an earlier read of this file (edited since, or moved by a paragraph added or removed above): the "
                 "store keeps both, and evidence and claims count both, with their testimonials and reach figures; "
                 "read the file again with {replace!o:True} to keep only its text as it is now", source=f.source,
                 passages=_count(f.n_edited, "paragraph" if f.format != "pdf" else "page"),
                 a_place="a place" if f.n_edited == 1 else "places", first=_places(f.edited_places))
        elif f.n_edited:
            told("warning", "{source}: {answers} at an id the store already holds with other text (edited since "
                 "the earlier export): the store keeps both, and evidence counts both; read the newer export again "
                 "with {replace!o:True} to keep only its answers (the codes and review decisions of the answers it "
                 "still has stay)", source=f.source, answers=_count(f.n_edited, "answer"))
        if f.n_gone:
            told("warning", "{source}: {answers} the store holds from an earlier export of this file {are} not "
                 "among this one's answers (removed since, or rejected now, as an empty answer or a placeholder "
                 "such as 'N/A' is: see `{rejects}`): the store keeps them, and evidence counts them; read the newer "
                 "export again with {replace!o:True} to count only its answers",
                 source=f.source, answers=_count(f.n_gone, "answer"), are="is" if f.n_gone == 1 else "are",
                 rejects=Call("runs --rejects"))
        if f.n_no_answer_before:
            told("warning", "{source}: {answers} the store holds from an earlier read of this file {are} now taken "
                 "for no answer (an empty answer, or a placeholder such as 'N/A', which this read rejects: see "
                 "`{rejects}`), but the store keeps {them} and evidence counts {them}; read the file again with "
                 "{replace!o:True} to count only its answers", source=f.source,
                 answers=_count(f.n_no_answer_before, "answer"), are="is" if f.n_no_answer_before == 1 else "are",
                 them="it" if f.n_no_answer_before == 1 else "them", rejects=Call("runs --rejects"))
        if f.meta_changed:
            shown = "; ".join(f"{col!r} on {_count(n, 'answer')}" for col, n in f.meta_changed.items())
            told("warning", "{source}: the store keeps the values it read first, not this export's, where they "
                 "differ: {shown} ({evidence} groups them as first read; {classify} writes this file's); read it "
                 "again with {replace!o:True} to take this export's values", source=f.source, shown=shown,
                 evidence=Call("evidence", "by"), classify=Call("classify", "output"))
        if f.meta_unset:
            shown = "; ".join(f"{col!r} for {_count(n, 'answer')}" for col, n in f.meta_unset.items())
            told("info", "{source}: answers read before keep the values they were stored with, so a column that "
                 "this export has and the earlier one had not is not stored for them: {shown} (read it again with "
                 "{replace!o:True} to take this export's values)", source=f.source, shown=shown)
        if f.n_moved >= max(2, f.n_new / 2) and f.moved_with_id:  # an earlier read knew the rows otherwise
            told("warning", "{source}: {n:,} of its {new:,} new rows repeat answers the store already holds from "
                 "an earlier read of this file under other locators (without {id!o}, or with another id column): "
                 "they are stored again under their ids, and evidence counts both. Read a file the same way each "
                 "time; to change how its rows are known, read it again with {replace!o:True} (the answers stored "
                 "the other way are removed, with their codes)", source=f.source, n=f.n_moved, new=f.n_new)
        elif f.n_moved >= max(2, f.n_new / 2):  # most new rows are old answers at new places: rows that moved
            told("warning", "{source}: {n:,} of its {new:,} new rows repeat answers the store already holds from "
                 "an earlier read of this file, at other rows: without {id!o} a row is known by its place, so rows "
                 "added or removed above others store those again (and evidence counts both); give {id!o:COL} for "
                 "a file that changes between exports, or read it again with {replace!o:True} to keep only this "
                 "export's rows (the codes of the rows at their old places go with them)", source=f.source,
                 n=f.n_moved, new=f.n_new)
    for name in result.unread:
        if Path(name).suffix.lower() in (".duckdb", ".wal"):  # a store kept in the folder that was read
            info(f"left out {name}: a DuckDB database file (a project store such as evalnlp's, or its "
                 "write-ahead log), not an input")
            continue
        info(f"left out {name}: evalnlp does not read {Path(name).suffix or 'files without an extension'} "
             "files (CSV, TSV, XLSX, JSON, JSONL, Parquet, TXT, MD, DOCX and PDF; save or unpack it as one "
             "of those to read it)")
    for name in result.skipped:
        info(f"left out {name}: a lock file, which Excel and Word write beside a document while it is open "
             "(a document with changes not yet saved is read as last saved)")
    unread = unread_parts_grouped([(f.source, f.unread_parts) for f in result.files])
    said: set[str] = set()
    for f in result.files:
        if f.merged:
            shown = ", ".join(f.merged[:5]) + (f" and {len(f.merged) - 5} more" if len(f.merged) > 5 else "")
            info(f"{f.source}: {len(f.merged)} merged cell{'s span' if len(f.merged) != 1 else ' spans'} several "
                 f"rows ({shown}): Excel shows the value on each row, but the file holds it in the first row "
                 "only, so the rows under it have none (unmerge and fill down in Excel to give each row its value)")
        if f.title:
            lines = f.title.count(" / ") + 1
            row, whose = ("line", "file") if f.format in ("csv", "tsv") else ("row", "sheet")
            info(f"{f.source}: the first {row if lines == 1 else f'{lines} {row}s'}, {f.title!r}, "
                 f"{'is' if lines == 1 else 'are'} read as the {whose}'s title, and {row} {f.header_row} as the "
                 "column names")
        if f.n_in and not f.n_ok:
            told("note", "{source}: every one of its {n:,} rows was rejected, so nothing from it is stored or "
                 "coded; `{rejects}` says why (one cause for all of them, such as a delimiter at the end of every "
                 "row, is a fault of the export)", source=f.source, n=f.n_in, rejects=Call("runs --rejects"))
        if f.other_members:
            told("info", "{source}: the members of its top-level object beside the array of rows are not read: "
                 "{members} ({meta!o} reads the rows' own keys: add them to each row to keep them with the "
                 "answers)", source=f.source, members=", ".join(repr(m) for m in f.other_members))
        if f.other_unit[0]:
            n, unit = f.other_unit
            now = "sentence" if unit == "response" else "response"
            told("info", "{source}: {n:,} of its answers were stored before, split into {then}, and stay so: "
                 "{unit} applies to answers read for the first time (read the file into a new store, {db!o:PATH}, to "
                 "code its {now})", source=f.source, n=n, then="whole answers" if unit == "response" else "sentences",
                 unit=Option("unit", now), now="sentences" if now == "sentence" else "whole answers")
        for numbering in f.note_numbering:
            warn(f"{f.source}: {numbering}")
        if f.source in unread and unread[f.source] not in said:
            warn(unread[f.source])
            said.add(unread[f.source])
        if f.evalnlp_output:
            told("warning", "{source}: its columns (source, locator, themes, score_...) are those of a file "
                 "evalnlp wrote ({classify}): its answers are stored again beside the export it was made from, if "
                 "that was read into this store, and evidence counts them twice; read the original export instead "
                 "(a folder or pattern of exports should not hold the output files)", source=f.source,
                 classify=Call("classify", "output"))
        if f.hidden_sheet:
            told("info", "{source}: the sheet read (the workbook's first) is hidden in Excel; its other sheets are "
                 "{others} ({sheet!o:NAME} reads another)", source=f.source,
                 others=", ".join(repr(n) for n in f.other_sheets) or "empty")
        if f.other_sheets:
            more = len(f.other_sheets)
            told("info", "{source}: the workbook has {more} other sheet{s} with values, not read: {others} "
                 "({sheet!o:NAME} reads one sheet; read the file once per sheet to take them all)", source=f.source,
                 more=more, s="" if more == 1 else "s", others=", ".join(repr(n) for n in f.other_sheets))
    read = {f.source for f in result.files}
    told_of = [x for x in result.letters  # read now, its link changed, or a list read now cannot tell
               if x.read or x.changed or any(doc in read for doc, _ in x.candidates)]
    # a report read twice (as Word and as PDF): its two lists name each letter alike, and no link can be chosen
    copies = [{f.source, f.repeats[0]} for f in result.files
              if f.repeats is not None and f.repeats[1] >= max(3, f.repeats[2] / 2)]
    for letter in told_of:
        _letter(letter, info, note, copies)
    unnamed = [x for x in told_of if x.status == "unnamed" and not x.before]
    if unnamed:
        which = "; ".join(f"{x.file} ({x.signatory})" for x in unnamed[:5]) + (
            f" and {len(unnamed) - 5} more" if len(unnamed) > 5 else "")
        one = len(unnamed) == 1
        letters = "its testimonials cite" if one else "their testimonials cite"
        if not unnamed[0].lists:
            info(f"{_count(len(unnamed), 'letter')} of support, {which}: no sources list is in the store yet, so "
                 f"{letters} none; reading the case study whose list names {'it' if one else 'them'} links "
                 f"{'it' if one else 'them'}")
        else:
            info(f"{_count(len(unnamed), 'letter')} of support named by no entry of the sources lists in the store, "
                 f"{which}: {letters} none (an entry naming the letter's file, \"Letter from ... (letter.pdf)\", "
                 "links it)")
    return notes


def _letter(letter, info, note, copies: list[set[str]] = ()) -> None:
    """How a letter of support stands with the sources lists of the store (see
    :func:`evalnlp.ingest.link_letters`), when linked, refused as ambiguous, or no longer linked (a letter no
    entry names is told with the others, by :func:`ingest_notes`). ``copies``: the sets of files read now that
    hold one report twice (in two formats, or a draft), whose lists fit a letter equally well."""
    who = f"{letter.file}: the letter signed {letter.signatory!r}"
    was = "; ".join(f"{label} of {doc}" for doc, label, _ in letter.before)
    if letter.status == "linked":
        named = "; ".join(f"{label} of {doc} ({_short(text)})" for doc, label, text in letter.entries)
        info(f"{who} is linked to the entry that names it, {named}: its testimonials cite it as "
             f"{letter.source_ref}" + (f" (it was linked to {was})" if letter.before and letter.changed else ""))
    elif letter.status == "ambiguous":
        fits = "; ".join(f"{' and '.join(labels)} of {doc}" for doc, labels in letter.candidates)
        docs = {doc for doc, _ in letter.candidates}
        twice = len(docs) > 1 and any(docs <= pair for pair in copies)
        note(f"{who} fits the entries {fits} equally well, so it is linked to none of them" +
             (f" (it was linked to {was})" if letter.before else "") +
             ("; they are one report's sources list read twice (see the warning above): read only one of "
              f"{' and '.join(sorted(docs))} into the store to link it" if twice else
              f"; name its file in the entry that describes it (\"Letter from ... ({letter.file})\") to link it"))
    elif letter.before:
        note(f"{who} was linked to {was}, which no longer names it, and no other entry does: its testimonials "
             "cite none")


def _replaced(f, told) -> None:
    """What --replace did to one file's source: removed, kept and added, the --meta values taken, the human codes
    dropped; or why nothing was replaced."""
    if f.replace_kept_all:
        told("warning", "{source}: {replace!o:True}: the file gave no {what}, so nothing was replaced: the store "
             "keeps the {documents} of the earlier export (an export that failed is likelier than one whose every "
             "answer was withdrawn: check the file and read it again)", source=f.source,
             what="answer" if f.columns else "document", documents=_count(f.replace_kept_all, "document"))
        return
    if f.replace_first:
        if not f.no_rows:
            told("note", "{source}: {replace!o:True}: the store held nothing of this file before, so it was read as "
                 "a first read (nothing to replace)", source=f.source)
        return
    meta = "; ".join(f"{col!r} on {_count(n, 'document')}" for col, n in f.meta_replaced.items())
    # a table's file is an export (of a survey, a system); a narrative document is a file read again
    told("info", "{source}: replaced the earlier {read}: {removed} removed, {kept:,} kept, {new:,} added; "
         + ("{meta!o} values taken from this {this}: {values}" if meta else "no {meta!o} value changed"),
         source=f.source, removed=_count(f.n_removed, "document"), kept=f.n_kept, new=f.n_new,
         read="export" if f.columns else "read of this file", this="export" if f.columns else "read",
         **({"values": meta} if meta else {}))
    if f.human_dropped:
        who = ", ".join(f"{coder}'s on {_count(k, 'passage')}" for coder, k in f.human_dropped.items())
        told("warning", "{source}: {drop_human_codes!o:True}: human codes were removed with the documents this "
             "export no longer has: {who}", source=f.source, who=who)


def _renamed_question(f, told, column: str, question: str, old: str, old_column: str, other: str, how: str) -> None:
    """A text column whose answers are stored under a question of their own, where the store's other answers
    suggest an earlier question renamed (:func:`evalnlp.ingest.renamed_questions`): both named, and how to store
    them as one question."""
    fields = dict(source=f.source, column=column, question=question, old=old, old_column=old_column, other=other,
                  evidence=Call("evidence", by="question"))
    if len(f.questions) == 1:
        fix = "{fix}"
        fields["fix"] = Options(Option("question", old), Option("replace", True))
    else:  # one name per text column, in their order
        fix = "{question!o} once per {text!o} column, in their order, {old!r} for {column!r}, and {replace!o:True}"
    cure = (" If it is the same question renamed, read the file again with " + fix + " to store its answers under "
            "{old!r} in place of these")
    if how == "named":
        told("warning", "{source}: its column {column!r} is stored under its own name as a question, {question!r}, "
             "where {other!r} stored its column of that name under {old!r}, so `{evidence}` counts their answers "
             "apart." + cure.replace("If it is the same question renamed, read", "To count them as one, read"),
             **fields)
    elif how == "columns":
        told("warning", "{source}: its column {column!r} takes the place of {old_column!r} in {other!r}, whose other "
             "columns it has too, so their answers are stored under two questions, {question!r} and {old!r}, which "
             "`{evidence}` counts apart." + cure, **fields)
    else:
        told("note", "{source}: its answers are stored under the question {question!r}, and every other answer in "
             "the store under {old!r} (from {other!r} and any other file read), so `{evidence}` counts them as two "
             "questions." + cure, **fields)


def _short(text: str, most: int = 90) -> str:
    """``text`` on one line, cut at a word before ``most`` characters (with "...") when longer."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + " ..."


def _places(locators: list[str], shown: int = 3) -> str:
    """``paragraph 6``, ``paragraph 6, paragraph 9 and paragraph 12``, ``paragraph 6, ... and 4 more``."""
    if len(locators) <= shown:
        return " and ".join(filter(None, [", ".join(locators[:-1]), locators[-1]])) if locators else ""
    return f"{', '.join(locators[:shown])} and {len(locators) - shown:,} more"


def _count(n: int, word: str) -> str:
    """``1 document``, ``2,000 documents``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def unread_parts_said(source: str, parts: dict[str, int], each: bool = False) -> str:
    """What to tell of a Word document's text outside its body's paragraphs and tables and its footnotes and
    endnotes, which is not read (a warning: its words reach no passage, quote or count). ``source`` may name
    several documents (``each``)."""
    shown = ", ".join(f"{n} {kind}{'es' if kind.endswith('x') and n != 1 else 's' if n != 1 else ''}"
                      for kind, n in parts.items())
    return (f"{source}: not read: {shown}{' each' if each else ''} (evalnlp reads a Word document's body, its "
            "paragraphs and tables, and its footnotes and endnotes; copy what they hold into the body to read it)")


def unread_parts_grouped(found: list[tuple[str, dict[str, int]]]) -> dict[str, str]:
    """The warning of each document of ``found`` (source, unread parts) that has parts not read, by source: the
    documents that leave out the same parts (a folder of letters, each with its letterhead in the page header)
    share one warning, which names them all, so that it is given once."""
    groups: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for source, parts in found:
        if parts:
            groups.setdefault(tuple(parts.items()), []).append(source)
    out: dict[str, str] = {}
    for key, sources in groups.items():
        if len(sources) == 1:
            said = unread_parts_said(sources[0], dict(key))
        else:
            shown = ", ".join(sources[:5]) + (f" and {len(sources) - 5} more" if len(sources) > 5 else "")
            said = unread_parts_said(f"{len(sources)} documents ({shown})", dict(key), each=True)
        out.update(dict.fromkeys(sources, said))
    return out
