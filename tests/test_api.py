"""The notebook API: :class:`evalnlp.api.Project` reads."""

from __future__ import annotations

import pytest

import evalnlp


def test_documents_give_metadata_as_columns_not_json_text(tmp_path):
    csv = tmp_path / "survey.csv"
    csv.write_text("id,question,programme,text\n1,Q1,Fellowship,It helped me lead.\n2,Q2,,Too long.\n"
                   "3,Q1,Masterclass,I met people.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.ingest(csv, text=["text"], id="id")
        project.ingest(_narrative(tmp_path))
        docs = project.documents()
    assert "attrs" not in docs.columns and docs.attrs == {}  # pandas keeps DataFrame.attrs for itself
    assert list(docs.columns[:7]) == ["doc_id", "source", "locator", "kind", "question", "text", "run_id"]
    survey = docs[docs["source"] == "survey.csv"].set_index("id")
    assert survey["programme"].tolist() == ["Fellowship", "", "Masterclass"]
    # a metadata column named like a document column keeps its value under attr_<name>
    assert survey.loc["1", "question"] == "text" and survey.loc["1", "attr_question"] == "Q1"
    narrative = docs[docs["source"] == "case.txt"]
    assert len(narrative) == 1 and narrative["programme"].tolist() == [None]  # no such attribute


def test_documents_of_an_empty_store(tmp_path):
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        docs = project.documents()
    assert docs.empty and "attrs" not in docs.columns and "doc_id" in docs.columns


def _narrative(tmp_path):
    path = tmp_path / "case.txt"
    path.write_text("The programme reached 62 NHS trusts.\n", encoding="utf-8")
    return path


def test_a_recorded_run_finishes_itself_with_its_counts(tmp_path):
    from evalnlp.api import recorded_run
    from evalnlp.store import Store

    with Store(tmp_path / "runs.duckdb") as store:
        with recorded_run(store, "ingest", {"files": []}) as run:
            run.counts(n_in=3, n_ok=2, n_rejected=1)
        row = store.table("runs").iloc[-1]
        assert (row["run_id"], row["status"], row["n_in"], row["n_ok"], row["n_rejected"]) == (run.id, "ok", 3, 2, 1)
        # a block that never gives its counts is a bug: nothing of it is kept
        with pytest.raises(RuntimeError, match="without its counts"):
            with recorded_run(store, "ingest", {"files": []}):
                pass
        # an error in the block rolls the run back with everything else
        with pytest.raises(ValueError):
            with recorded_run(store, "ingest", {"files": []}) as run:
                run.counts(n_in=1, n_ok=1, n_rejected=0)
                raise ValueError("boom")
        assert len(store.table("runs")) == 1


def test_classifying_with_the_default_models_never_imports_torch(tmp_path):
    """The fast default coders and sentiment (and the keyword prior's spaCy tokenizer, and the narrative reader of a
    text file) run on numpy: torch, when installed, costs a second or more and a few hundred MB per process, so
    the default path must not import it."""
    import subprocess
    import sys

    (tmp_path / "answers.csv").write_text("id,answer\n1,The course changed how I lead my team; I'm grateful.\n"
                                          "2,Parking was awful and nobody called me back.\n", encoding="utf-8")
    (tmp_path / "case.txt").write_text('Details of the impact\n\n"The study changed our policy," said the Director '
                                       "of NHS Leadership. It reached 95 senior NHS clinicians and managers.\n",
                                       encoding="utf-8")
    code = (
        "import sys\n"
        "from evalnlp import api\n"
        "from evalnlp.store import Store\n"
        f"with Store({str(tmp_path / 'p.duckdb')!r}) as store:\n"
        f"    a = api.classify(store, [{str(tmp_path / 'answers.csv')!r}], text=['answer'], id='id', codebook='impact')\n"
        f"    b = api.classify(store, [{str(tmp_path / 'answers.csv')!r}], text=['answer'], id='id', codebook='fft')\n"
        f"    c = api.classify(store, [{str(tmp_path / 'case.txt')!r}], codebook='impact')\n"
        "assert a.n_coded == 2 and b.n_coded == 2 and c.n_coded > 0, (a.n_coded, b.n_coded, c.n_coded)\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")


def test_one_name_where_a_list_is_taken_and_numbered_errors_for_wrong_shapes(tmp_path):
    """A single name given for a list option is that name, never its letters; an option that takes one name
    takes a list of one; every wrong shape is a numbered error."""
    import pandas as pd

    from evalnlp.errors import InputError

    csv = tmp_path / "c.csv"
    pd.DataFrame({"id": ["1", "2", "3", "4"], "grp": ["A", "B", "A", "B"],
                  "feedback": ["The staff were lovely and kind.", "Staff were rude to my mother.",
                               "Nurses were caring and helpful.", "The wait was far too long."]}).to_csv(csv,
                                                                                                        index=False)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        result = project.classify(str(csv), text="feedback", id="id", meta="grp", codebook="fft")
        assert result.ingest.n_ok == 4
        assert project.documents()["question"].unique().tolist() == ["feedback"]
        one = project.evidence(by="grp")
        assert list(one.matrices) == ["grp"]
        pd.testing.assert_frame_equal(one.matrices["grp"], project.evidence(by=["grp"]).matrices["grp"])
        pd.testing.assert_frame_equal(project.quotes("staff", by=["grp"]), project.quotes("staff", by="grp"))
        missing = project.quotes("staff")[["speaker", "source_ref"]]  # survey answers: no speaker, no reference
        assert len(missing) and all(v is None for v in missing.to_numpy().ravel())
        with pytest.raises(InputError, match=r"\[E149\] quotes groups by one attribute"):
            project.quotes("staff", by=["grp", "source"])
        with pytest.raises(InputError, match=r"\[E149\] quotes=False leaves"):
            project.evidence(quotes=False, output=str(tmp_path / "ev.json"))
        with pytest.raises(InputError, match=r"\[E158\]"):
            project.quotes("staff", n=0)
        # a table given where files are read, and a number where a column name is: numbered errors, no work done
        frame = pd.read_csv(csv)
        with pytest.raises(InputError, match=r"\[E149\] the files to read are a path or a list of paths; got a "
                                             r"DataFrame"):
            project.ingest(frame, text="feedback")
        with pytest.raises(InputError, match=r"\[E149\] text takes a column name"):
            project.ingest(str(csv), text=5)
        assert len(project.documents()) == 4
        again = project.ingest((p for p in [csv]), text=pd.Index(["feedback"]), id="id")  # any iterable of names
        assert again.n_ok == 4
        # id is one column: a list of one is that column (as text takes lists), a list of two a numbered error
        # (it used to say that no column is named ['id'] and then suggest 'id')
        assert project.ingest(str(csv), text="feedback", id=["id"]).n_new == 0
        for call in (lambda: project.ingest(str(csv), text="feedback", id=["id", "grp"]),
                     lambda: project.classify(str(csv), text="feedback", id=["id", "grp"], codebook="fft"),
                     lambda: project.import_codes(str(csv), text="feedback", id=["id", "grp"],
                                                  labels_column="grp", coder="ann", codebook="fft")):
            with pytest.raises(InputError, match=r"\[E149\] id takes one column name"):
                call()


def test_a_closed_project_says_so(tmp_path):
    from evalnlp.errors import StoreError

    project = evalnlp.open(tmp_path / "p.duckdb")
    project.close()
    assert repr(project).endswith(": closed>")
    with pytest.raises(StoreError, match=r"\[E412\] the store .* is closed"):
        project.documents()
    with pytest.raises(StoreError, match=r"\[E412\]"):
        project.evidence()
    project.close()  # closing again does nothing


def test_project_is_reachable_from_the_package_without_importing_it_early():
    import subprocess
    import sys

    code = ("import sys, evalnlp; assert 'evalnlp.api' not in sys.modules; "
            "from evalnlp.api import Project; assert evalnlp.Project is Project; "
            "assert callable(evalnlp.Project.extract) and callable(evalnlp.Project.evaluate); "
            "import pytest\ntry:\n    evalnlp.nothing\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(1)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_json_values_are_read_as_text_as_the_readme_says(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"id":1,"t":"Kind staff here.","a":1}\n{"id":2,"t":"Rude staff there.","a":1.0}\n'
                    '{"id":3,"t":"Long wait today.","a":"1"}\n{"id":4,"t":"Good food.","a":true}\n', encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.ingest(path, text="t", id="id")
        docs = project.documents().sort_values("id")
    assert docs["a"].tolist() == ["1", "1.0", "1", "true"] and docs["id"].tolist() == ["1", "2", "3", "4"]


def test_project_sentiment_is_one_row_per_passage_after_two_classify_runs(tmp_path):
    """Classifying one store with two codebooks stores each passage's sentiment once per run; `sentiment()` gave
    both rows, so counting its labels doubled every figure. It gives the label in use, one row per passage, and
    every stored row with `all_runs=True`; `codes()` says which codebook each code is of."""
    import pandas as pd

    import evalnlp
    from evalnlp.codebook import load_codebook

    texts = ["The staff were kind and caring.", "Parking was awful and expensive.", "Food was cold.",
             "The doctor explained everything clearly."]
    pd.DataFrame({"rid": [f"R{i}" for i in range(4)], "comment": texts}).to_csv(tmp_path / "fb.csv", index=False)
    with evalnlp.open(tmp_path / "s.duckdb") as p:
        p.ingest(tmp_path / "fb.csv", text="comment", id="rid")
        p.classify(codebook="fft")
        second = p.classify(codebook="impact")
        now = p.sentiment()
        every = p.sentiment(all_runs=True)
    assert len(now) == 4 and now["seg_id"].is_unique and len(every) == 8
    assert set(now["run_id"]) == {second.run_id}
    assert now["label"].value_counts().to_dict() == dict(zip(second.sentiment["label"], second.sentiment["passages"]))
    with evalnlp.open(tmp_path / "s.duckdb") as p:  # the codes of the two codebooks are told apart
        codes = p.codes()
    assert set(codes["codebook"]) == {"fft", "impact"}
    assert set(codes.loc[codes["codebook"] == "impact", "theme"]) <= set(load_codebook("impact").theme_ids)


def test_the_packages_modules_are_its_attributes_after_import_evalnlp():
    """A notebook's `evalnlp.codebook.load_codebook("fft")` right after `import evalnlp` raised AttributeError
    unless something else had imported the module; the modules load when first asked for."""
    import subprocess
    import sys

    code = ("import evalnlp, sys; assert 'evalnlp.codebook' not in sys.modules; "
            "print(evalnlp.codebook.load_codebook('fft').id, evalnlp.evaluation.cohen_kappa([1, 0], [1, 0]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fft", "1.0"]


def test_a_run_that_knows_its_codebook_by_id_alone_finds_it_by_an_earlier_runs_path(tmp_path):
    """A store whose latest coding run names a codebook of the user's own by its id only (as a review import
    recorded it) reports with the file an earlier run of the same codebook read; a codebook edited since (another
    sha256) is not taken for it."""
    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.errors import CodebookError
    from evalnlp.store import Store

    path = tmp_path / "garden.yaml"
    path.write_text("id: garden\nthemes:\n  - {id: weeds, label: Weeds, definition: Weeds in the beds.}\n"
                    "  - {id: birds, label: Birds, definition: Birds at the feeder.}\n", encoding="utf-8")
    cb = load_codebook(path)
    with Store(tmp_path / "p.duckdb") as store:
        with store.transaction():
            for ref in (str(path), "garden"):
                run = store.start_run("classify", {"codebook": ref}, codebook_id=cb.id, codebook_sha256=cb.sha256)
                store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)
        found = api.project_codebook(store)
        assert found.id == "garden" and found.sha256 == cb.sha256 and found.theme_ids == ["weeds", "birds"]
        path.write_text(path.read_text(encoding="utf-8").replace("Birds at", "Birds near"), encoding="utf-8")
        with pytest.raises(CodebookError) as caught:
            api.project_codebook(store)
        assert caught.value.code == "E201" and "'garden'" in caught.value.message


def test_documents_keep_a_qda_programs_typed_integers_as_stored(tmp_path):
    """A QDA project's integer variable, on one document of three, came back from `documents()` as a float
    (pandas made the column float64 for the missing values): 34 read 34.0 and an id of 17 digits changed its last
    digit. Each value is as the store holds it."""
    import json

    from qda_helpers import foreign_members, foreign_project_xml, write_zip

    xml = foreign_project_xml()
    assert "<IntegerValue>34</IntegerValue>" in xml
    xml = xml.replace("<IntegerValue>34</IntegerValue>", "<IntegerValue>12345678901234567</IntegerValue>", 1)
    path = write_zip(tmp_path / "breakfast.qdpx", foreign_members(xml))
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.import_qdpx(path, new_codebook=tmp_path / "breakfast.yaml")
        stored = project.store.table("documents")
        docs = project.documents()
    assert json.loads(stored.set_index("source").loc["Mabel.docx", "attrs"])["Age"] == 12345678901234567
    ages = dict(zip(docs["source"], docs["Age"]))
    assert ages["Mabel.docx"] == 12345678901234567 and type(ages["Mabel.docx"]) is int
    assert [v for s, v in ages.items() if s != "Mabel.docx"] == [None] * (len(ages) - 1)


def test_documents_come_in_the_files_order_of_rows(tmp_path):
    """`documents()` listed a file's rows by their locator's text: row 1, row 10, row 11, row 2. Row 2 comes
    before row 10, as in the file (and as `rejects()` lists them)."""
    path = tmp_path / "c.csv"
    path.write_text("comment\n" + "".join(f"Comment number {k} about the ward.\n" for k in range(1, 13)),
                    encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.ingest(path, text="comment")
        docs = project.documents()
    assert docs["locator"].tolist() == [f"row {k}" for k in range(1, 13)]
    assert docs["text"].tolist()[:2] == ["Comment number 1 about the ward.", "Comment number 2 about the ward."]


def test_a_codebook_given_as_a_number_or_a_list_is_a_codebook_error(tmp_path):
    """`codebook=3` or `codebook=["impact"]` raised pathlib's bare TypeError ('expected str, bytes or os.PathLike
    object, not int') from deep inside; it is E201 saying what codebook takes."""
    from evalnlp.errors import CodebookError

    path = tmp_path / "c.csv"
    path.write_text("comment\nThe staff were kind.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.ingest(path, text="comment")
        for wrong in (3, ["impact"]):
            with pytest.raises(CodebookError, match=r"\[E201\] codebook takes a shipped codebook's id \(fft, impact\) "
                                                     r"or the path of a YAML codebook; got .*, a Python (int|list)"):
                project.classify(codebook=wrong)
        with pytest.raises(CodebookError, match="E201"):
            project.evidence(codebook=3)
        assert project.summary()["codes"] == 0


def test_quotes_take_one_theme_and_say_so_for_several(tmp_path):
    """`quotes(["staff"])` answered "no theme ['staff']. Did you mean 'staff'?". A list of one theme is that
    theme; several, or a number, are E149 saying quotes are of one theme."""
    from evalnlp.errors import InputError

    path = tmp_path / "c.csv"
    path.write_text("comment\nThe staff were kind and caring.\nThe nurses were lovely.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(path, text="comment", codebook="fft")
        one = project.quotes(["staff"], n=2)
        assert one["text"].tolist() == project.quotes("staff", n=2)["text"].tolist() and len(one)
        for wrong in (["staff", "dignity"], 3):
            with pytest.raises(InputError, match=r"\[E149\] quotes are of one theme: give its id"):
                project.quotes(wrong)


def test_agreement_of_two_coders_copies_read_as_separate_files_says_how_to_join_them(tmp_path):
    """Two people's coded copies of one sample, each imported as it is (no source=), are two sources: agreement
    said only that they had no passage in common. It says their answers are the same ones in two files and
    that source= puts the second coder's codes on the first's documents; done so, they are compared."""
    import pandas as pd

    from evalnlp.errors import InputError

    sample = pd.DataFrame({"rid": ["R1", "R2", "R3"], "answer": ["The staff were kind.", "Parking was awful.",
                                                                  "The food was cold."],
                           "themes": ["staff", "environment_facilities", "care_received"]})
    sample.to_csv(tmp_path / "alice.csv", index=False)
    bob = sample.sample(frac=1, random_state=0).assign(themes=["staff", "staff", "staff"])
    bob.to_csv(tmp_path / "bob.csv", index=False)
    options = dict(text="answer", id="rid", labels_column="themes", codebook="fft")
    with evalnlp.open(tmp_path / "apart.duckdb") as project:
        project.import_codes(tmp_path / "alice.csv", coder="alice", **options)
        project.import_codes(tmp_path / "bob.csv", coder="bob", **options)
        with pytest.raises(InputError, match=r"\[E183\] 'human:alice' and 'human:bob' have no passage in common, but "
                                             r"3 answer\(s\) human:alice coded in 'alice.csv' are, at the same locator "
                                             r"and with the same text, answers human:bob coded in 'bob.csv'.*"
                                             r"source='alice.csv' in Python"):
            project.agreement("alice", "bob")
    with evalnlp.open(tmp_path / "joined.duckdb") as project:
        project.import_codes(tmp_path / "alice.csv", coder="alice", **options)
        project.import_codes(tmp_path / "bob.csv", coder="bob", source="alice.csv", **options)
        pair = project.agreement("alice", "bob")[0]
        # by keyword, as agreement(store, coders=...) and the docstring name them (refused as no option before)
        assert project.agreement(coders=["alice", "bob"])[0].to_json() == pair.to_json()
        assert project.agreement(coders="bob")[0].coders == ("human:bob", "human:alice")
        with pytest.raises(InputError, match=r"\[E149\] agreement\(\) was given coders both by position \('alice'\) "
                                             r"and as coders=\['bob'\]; give them one way"):
            project.agreement("alice", coders=["bob"])
    assert pair.to_json()["n"] == 3


def test_every_method_of_a_project_says_what_it_does():
    """`help(project.ingest)` showed only `(paths, **options)`: a notebook user could not see its options."""
    import inspect

    from evalnlp.api import Project

    bare = [name for name, member in inspect.getmembers(Project) if not name.startswith("_")
            and not (member.fget if isinstance(member, property) else member).__doc__]
    assert bare == []
    assert "text" in Project.ingest.__doc__ and "to_parquet" in Project.ingest.__doc__


def test_the_help_of_a_project_method_names_every_option_it_takes():
    """`help(project.report)` listed claims, by, redact and codebook, but report also takes keep_names (and
    evidence keep_names, train epochs, import_codes sep, ingest question): an option the method takes is named
    in its help, or the help points (``see :func:``) to the function whose help lists them all. ``progress``,
    the command line's progress bar, is left out."""
    import inspect
    import re

    from evalnlp.api import Project, method_options

    unnamed = {}
    for name, member in inspect.getmembers(Project):
        if name.startswith("_") or not callable(member):
            continue
        doc = inspect.getdoc(member) or ""
        if ":func:" in doc:
            continue
        said = set(re.findall(r"``(\w+)``", doc)) | set(re.findall(r"\b(\w+)=", doc))
        own = set(inspect.signature(member).parameters)
        missing = [o for o in method_options(member) if o not in said | own | {"progress"}]
        if missing:
            unnamed[name] = missing
    assert unnamed == {}


def test_agreement_with_the_machine_names_a_coded_copy_read_as_a_file_of_its_own(tmp_path):
    """A person's coded copy of the classified file, imported without source=, is compared with the machine by
    default: E183 says the answers are the same ones in two sources and which source= joins them."""
    import pandas as pd

    from evalnlp.errors import InputError

    sample = pd.DataFrame({"rid": ["R1", "R2", "R3"], "answer": ["The staff were kind.", "Parking was awful.",
                                                                  "The food was cold."]})
    sample.to_csv(tmp_path / "survey.csv", index=False)
    sample.assign(themes="staff").to_csv(tmp_path / "coded.csv", index=False)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(tmp_path / "survey.csv", text="answer", id="rid", codebook="fft", model="keyword")
        project.import_codes(tmp_path / "coded.csv", text="answer", id="rid", labels_column="themes", coder="alice")
        with pytest.raises(InputError, match=r"\[E183\] 'human:alice' and 'model:keyword.*' have no passage in "
                                             r"common, but 3 answer\(s\) human:alice coded in 'coded.csv' are.*"
                                             r"source='survey.csv' in Python"):
            project.agreement()


def _other_process_opens(db) -> str:
    """What a separate Python process gets when it opens the store ``db``: "opened", or the error's code."""
    import subprocess
    import sys

    code = ("import sys, evalnlp\nfrom evalnlp.errors import EvalnlpError\n"
            f"try:\n    evalnlp.open({str(db)!r}).close()\nexcept EvalnlpError as exc:\n"
            "    print(exc.code); sys.exit(0)\nprint('opened')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_store_opened_twice_in_a_notebook_stays_locked_against_other_processes(tmp_path):
    """DuckDB locks the store file with a POSIX record lock, which a process loses as soon as it closes any
    descriptor of that file. Opening the store again in the same notebook (a cell run twice) must not read the
    file behind DuckDB's back, or an `evalnlp` command in a terminal could then write the store beside the
    notebook."""
    from evalnlp.api import open_store
    from evalnlp.errors import StoreError

    db = tmp_path / "p.duckdb"
    first = evalnlp.open(db)
    first.ingest(_narrative(tmp_path))
    assert _other_process_opens(db) == "E403"
    second = evalnlp.open(db)  # the same file again in this process: works, and shares what the first wrote
    assert len(second.documents()) == len(first.documents()) == 1
    assert _other_process_opens(db) == "E403"
    # DuckDB opens a file one way at a time in a process: read-only beside a writing handle is E403, said plainly
    with pytest.raises(StoreError, match=r"\[E403\] the store .* is already open for writing in this process"):
        open_store(db, read_only=True)
    assert _other_process_opens(db) == "E403"
    second.close()
    assert len(first.documents()) == 1 and _other_process_opens(db) == "E403"
    first.close()
    assert _other_process_opens(db) == "opened"


def _held_against_other_processes(db) -> bool:
    """Whether a separate process (DuckDB alone: quicker to start than evalnlp) is refused the store ``db``."""
    import subprocess
    import sys

    code = (f"import duckdb\ntry:\n    duckdb.connect({str(db)!r}).close()\nexcept duckdb.IOException:\n"
            "    print('held')\nelse:\n    print('opened')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip() == "held"


def test_the_file_of_the_store_open_here_is_never_read_or_written_as_another_file(tmp_path):
    """Closing any descriptor of the store's file releases the process's DuckDB lock on it: the file of the store
    open here, given under any name (a link named like the file expected) to import, ingest, read as a codebook,
    claims, names or review workbook, or to write an output to, is refused (E414) before it is opened, and the
    store stays locked. Another DuckDB store given to import as a .qdpx is refused too, with what to do."""
    from evalnlp import api
    from evalnlp.errors import StoreError

    db = tmp_path / "p.duckdb"
    csv = tmp_path / "answers.csv"
    csv.write_text("id,answer,themes\n1,The staff were kind.,staff\n", encoding="utf-8")
    project = evalnlp.open(db)
    project.import_codes(csv, text="answer", id="id", labels_column="themes", coder="ann", codebook="fft")
    link = {ext: tmp_path / f"link{ext}" for ext in (".qdpx", ".csv", ".yaml", ".txt", ".xlsx")}
    for path in link.values():
        path.symlink_to(db)
    calls = {
        "import_qdpx": lambda: project.import_qdpx(link[".qdpx"]),
        "ingest": lambda: project.ingest(link[".csv"], text="answer"),
        "ingest a narrative": lambda: project.ingest(link[".txt"]),
        "import_codes": lambda: project.import_codes(link[".csv"], text="answer", labels_column="themes",
                                                     coder="ann"),
        "review_import": lambda: project.review_import(link[".xlsx"], coder="ann"),
        "codebook": lambda: project.evidence(codebook=link[".yaml"]),
        "claims": lambda: project.evidence(claims=link[".yaml"]),
        "keep_names": lambda: project.evidence(keep_names=link[".txt"]),
        "evidence output": lambda: project.evidence(output=link[".csv"]),
        "disagreements": lambda: project.agreement(disagreements=link[".csv"]),
        "codebook import": lambda: api.codebook_import(link[".qdpx"], tmp_path / "book.yaml"),
        "discover --suggest": lambda: project.discover(suggest=link[".yaml"]),
    }
    for name, call in calls.items():
        with pytest.raises(StoreError, match=r"\[E414\] .*link\..* is the file of the project store open here") as exc:
            call()
        assert "p.duckdb" in str(exc.value), name
    assert _held_against_other_processes(db)
    assert len(project.codes()) == 9 and project.summary()["documents"] == 1  # the fft themes, as imported
    project.close()
    with evalnlp.open(tmp_path / "other.duckdb") as other:
        with pytest.raises(StoreError, match=r"\[E414\] .*p.duckdb' is a DuckDB database \(a project store\), "
                                             r"not a .qdpx project, so nothing was imported.*export"):
            other.import_qdpx(db)


def test_evaluating_a_file_without_one_answer_is_a_numbered_error(tmp_path):
    """A coded file whose every text is blank or a placeholder has nothing to evaluate on: as training says,
    a numbered error naming the file, not the evaluation module's ValueError."""
    from evalnlp.api import evaluate, train
    from evalnlp.errors import InputError

    path = tmp_path / "coded.csv"
    path.write_text("id,answer,themes\n1,,endorsement\n2,  ,\n3,-,capability\n", encoding="utf-8")
    for options in ({"codebook": "impact"}, {"model": "impact-themes"}):
        with pytest.raises(InputError, match=r"\[E137\] coded.csv: none of its 3 rows has an answer"):
            evaluate(path, text="answer", labels_column="themes", **options)
    with pytest.raises(InputError, match=r"\[E137\] coded.csv: only 0 coded passages"):
        train(path, text="answer", labels_column="themes", out=tmp_path / "model")


def test_options_a_notebook_gets_wrong_are_numbered_errors_and_a_switch_takes_only_true_or_false(tmp_path):
    """A switch given as text would read as on (``recode="no"`` recoded every passage): it must be True or False.
    Options that do not go together, or of the wrong kind, are numbered errors as on the command line, where
    they are usage errors; nothing is run."""
    from evalnlp.errors import InputError

    csv = tmp_path / "answers.csv"
    csv.write_text("id,answer\n1,The staff were lovely and kind.\n2,The wait was far too long.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(csv, text="answer", id="id", codebook="fft")
        n_runs = len(project.runs())
        codes = project.codes()
        for call, message in [
            (lambda: project.classify(codebook="fft", recode="no"),
             r"recode is a switch: give True or False; got 'no'"),
            (lambda: project.classify(codebook="fft", sentiment="no"), r"sentiment is a switch"),
            (lambda: project.ingest(csv, text="answer", replace="yes"), r"replace is a switch"),
            (lambda: project.quotes("staff", redact="no"), r"redact is a switch"),
            (lambda: project.evidence(redact=0), r"redact is a switch"),
            (lambda: project.sentiment(all_runs="yes"), r"all_runs is a switch"),
            (lambda: project.ingest(csv, text="answer", drop_human_codes=True),
             r"drop_human_codes=True goes with replace=True"),
            (lambda: project.classify(codebook="fft", replace=True), r"replace applies to the files classify reads"),
            (lambda: project.classify(codebook="fft", question="Q"), r"question applies to the files classify reads"),
            (lambda: project.classify(codebook="fft", workers=0), r"workers is the number of processes"),
            (lambda: project.agreement(3), r"coders are coder names"),
        ]:
            with pytest.raises(InputError, match=r"\[E149\] " + message):
                call()
        assert len(project.runs()) == n_runs  # nothing was run
        pd_codes = project.codes()
        assert pd_codes.equals(codes)


def test_every_column_a_notebook_reads_is_named_where_help_shows_it(tmp_path):
    """help() on what gave a table names each of its columns: a notebook user should not have to print a frame
    to learn what it holds (the quotes, the evidence tables, the runs and the coders named few or none)."""
    import inspect
    import re
    import warnings

    import pandas as pd

    from openpyxl import load_workbook

    from evalnlp import api
    from evalnlp.evidence import Evidence

    answers = ["The mentoring built my confidence to lead the team.", "We now work with the council every month.",
               "The course changed how our ward hands over patients.", "The workshop was excellent and useful."]
    csv = tmp_path / "survey.csv"
    pd.DataFrame({"rid": ["1", "2", "3", "4"], "programme": ["A", "B", "A", "B"], "answer": answers}).to_csv(
        csv, index=False)
    coded = tmp_path / "coded.csv"
    pd.DataFrame({"rid": ["1", "2", "3"], "answer": answers[:3],  # the fourth is left for review
                  "themes": ["capability", "relationships", "practice_change"]}).to_csv(coded, index=False)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - id: c1\n    text: The programme built capability.\n    themes: [capability]\n",
                      encoding="utf-8")

    def unnamed(frame, *documented) -> list[str]:
        said = " ".join(inspect.getdoc(d) or "" for d in documented)
        return [c for c in frame.columns if not re.search(rf"(?<!\w){re.escape(str(c))}(?!\w)", said)]

    P = evalnlp.Project
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", evalnlp.EvalnlpWarning)
        with evalnlp.open(tmp_path / "p.duckdb") as project:
            result = project.classify(csv, text="answer", id="rid", meta="programme", codebook="impact")
            project.import_codes(coded, text="answer", id="rid", labels_column="themes", coder="alice",
                                 source="survey.csv")
            ev = project.evidence(by="programme", claims=claims)
            chosen = project.review_export(tmp_path / "review.xlsx", n=1)
            book = load_workbook(chosen.path)
            sheet = book.active
            header = [c.value for c in sheet[1]]
            sheet.cell(row=2, column=header.index("reviewed") + 1, value="yes")
            book.save(chosen.path)
            reviewed = project.review_import(chosen.path, coder="bob")
            frames = {
                "documents": (project.documents().iloc[:, :7], [P.documents]),
                **{name: (getattr(project, name)(), [getattr(P, name)])
                   for name in ("segments", "codes", "sentiment", "reach", "runs", "rejects", "coders")},
                "quotes": (project.quotes("capability"), [P.quotes, api.quotes]),
                "evidence themes": (ev.themes, [Evidence]),
                "evidence matrix": (ev.matrices["programme"], [Evidence]),
                "evidence claims": (ev.claims, [Evidence]),
                "classify themes": (result.themes, [api.ClassifyResult]),
                "classify sentiment": (result.sentiment, [api.ClassifyResult]),
                "agreement units": (project.agreement("alice")[0].units, [api.Agreement]),
                "review export passages": (chosen.passages, [api.ReviewExport]),
                "review import reviewed": (reviewed.reviewed, [api.ReviewImport]),
            }
    assert all(len(frame.columns) for frame, _ in frames.values())
    wrong = {name: missing for name, (frame, documented) in frames.items() if (missing := unnamed(frame, *documented))}
    assert wrong == {}
    assert inspect.getdoc(api.TrainResult).startswith("A trained coder")  # not the dataclass's bare signature


def test_runs_and_rejects_of_one_run_as_evalnlp_runs_run_gives_them(tmp_path):
    """``evalnlp runs --run ID [--rejects]`` has its match on a project: the rows one ingest rejected, without
    filtering a frame by hand; an id the store does not have is E407, as on the command line."""
    from evalnlp.errors import StoreError

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("id,answer\n1,Kind staff.\n2,\n", encoding="utf-8")
    second.write_text("id,answer\n1,Long wait.\n2,-\n3,\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        one = project.ingest(first, text="answer", id="id")
        two = project.ingest(second, text="answer", id="id")
        assert project.runs(two.run_id)["run_id"].tolist() == [two.run_id]
        assert project.runs(two.run_id)["n_rejected"].tolist() == [2]
        assert project.rejects(one.run_id)["source"].tolist() == ["first.csv"]
        assert project.rejects(two.run_id)["source"].tolist() == ["second.csv", "second.csv"]
        assert len(project.rejects()) == 3 and len(project.runs()) == 2
        with pytest.raises(StoreError, match=r"\[E407\] no run 'nope'"):
            project.rejects("nope")


def test_every_frame_a_project_reads_shows_a_missing_value_as_none_and_keeps_numbers_numbers(tmp_path):
    """runs() showed a run without a codebook as NaN (and segments() a passage without a speaker, evidence a
    theme without a quote) while documents() gave None: every frame now gives None where a value that is not a
    number or a time is missing, and numbers stay numbers."""
    import math

    import pandas as pd
    from pandas.api.types import is_datetime64_any_dtype, is_float_dtype, is_integer_dtype
    from qda_helpers import golden

    from evalnlp.codebook import load_codebook

    csv = tmp_path / "survey.csv"
    csv.write_text("id,programme,text\n1,Fellowship,It helped me lead.\n2,,Too long.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        golden.build_store(project.store, load_codebook("impact").theme_ids)
        project.ingest(csv, text=["text"], id="id")  # a run without a codebook
        evidence = project.evidence(by=["programme"], quotes=True)
        frames = {name: getattr(project, name)() for name in ("documents", "segments", "codes", "sentiment", "reach",
                                                               "runs", "rejects", "coders")}
        frames |= {"evidence themes": evidence.themes, "evidence claims": evidence.claims,
                   "quotes": project.quotes("capability", by="programme"),
                   **{f"evidence by {k}": m for k, m in evidence.matrices.items()}}
    missing = 0
    for name, frame in frames.items():
        for column in frame.columns:
            values = frame[column]
            if is_float_dtype(values) or is_integer_dtype(values) or is_datetime64_any_dtype(values) \
                    or values.dtype == bool:
                continue
            assert values.dtype == object, (name, column, values.dtype)
            nan = [v for v in values if isinstance(v, float) and math.isnan(v)]
            assert not nan, (name, column)
            missing += sum(v is None for v in values)
    assert missing >= 4  # a run's codebook, a passage's speaker, a document's question and its metadata
    runs = frames["runs"]
    assert runs["codebook_id"].tolist().count(None) >= 1 and runs["n_in"].dtype == "int64"
    assert is_datetime64_any_dtype(runs["started"])
    assert frames["segments"]["start"].dtype.kind == "i" and frames["codes"]["score"].dtype == float
    assert None in frames["segments"]["speaker"].tolist() and pd.isna(frames["segments"]["speaker"]).any()


def test_an_option_a_project_method_does_not_take_is_a_numbered_error_naming_the_closest(tmp_path):
    """project.ingest("f.csv", txt="answer") stopped with Python's bare TypeError from inside the API; every
    method now refuses a keyword it does not take with E149, the option it comes closest to and its options,
    before anything runs: methods that hand options on, methods with their own parameters and static ones."""
    from evalnlp.api import Project, method_options
    from evalnlp.errors import InputError

    csv = tmp_path / "answers.csv"
    csv.write_text("id,answer\n1,The staff were lovely and kind.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        for call, message in [
            (lambda: project.ingest(csv, txt="answer"), r"ingest\(\) has no option 'txt'. Did you mean 'text'\?"),
            (lambda: project.classify(csv, text="answer", codebok="fft"), r"no option 'codebok'. Did you mean "
                                                                          r"'codebook'\?"),
            (lambda: project.quotes("staff", nn=3), r"quotes\(\) has no option 'nn'. Did you mean 'n'\?"),
            (lambda: project.train(tmp_path / "m", backnd="auto"), r"no option 'backnd'. Did you mean 'backend'\?"),
            (lambda: project.review_import("r.xlsx", coderr="ann"), r"no option 'coderr'. Did you mean 'coder'\?"),
            (lambda: project.export_qdpx("p.qdpx", codebok="fft"), r"no option 'codebok'"),
            (lambda: Project.evaluate(csv, txt="answer"), r"evaluate\(\) has no option 'txt'"),
            (lambda: project.runs(run_id="x"), r"runs\(\) has no option 'run_id'. Did you mean 'run'\?"),
            (lambda: project.documents(limit=3), r"documents\(\) has no option 'limit'. Its options are none"),
        ]:
            with pytest.raises(InputError, match=r"\[E149\] (\w+\(\) has )?" + message):
                call()
        assert project.runs().empty  # nothing was run
        done = project.ingest(csv, text="answer", id="id")  # the options it takes still pass
        assert done.files[0].n_ok == 1
    assert "text" in method_options(Project.ingest) and "replace" in method_options(Project.ingest)
    assert "backend" in method_options(Project.train) and "out" in method_options(Project.train)
    # every public method's options are found (a method handing options to a function of another name would not)
    for name in dir(Project):
        member = getattr(Project, name)
        if not name.startswith("_") and callable(member):
            assert isinstance(method_options(member), list), name
