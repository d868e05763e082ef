"""The notebooks in notebooks/ run top to bottom, offline, and are kept in git without outputs.

Each is executed with nbclient in a ``python3`` kernel (the environment running the tests). The tests skip,
saying why, only when no kernel can be started; an error in a cell fails them.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from helpers import REPO

NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_quickstart", "02_discover_themes", "03_train_and_agreement"]
NEEDS = {"02_discover_themes": ["bertopic", "matplotlib"]}
TIMEOUT = 300  # seconds per cell; each notebook takes well under a minute

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (extra: dev)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (extra: dev)")


def read(name: str):
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    book = read(name)
    nbformat.validate(book)
    assert book.metadata["kernelspec"]["name"] == "python3"
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs were saved"


def start_client(book, workdir: Path):
    """An nbclient client with a running kernel, or a skip saying why no kernel could start."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no 'python3' Jupyter kernel is installed; run: python -m ipykernel install --sys-prefix")
    client = nbclient.NotebookClient(book, kernel_name="python3", timeout=TIMEOUT, allow_errors=False,
                                     resources={"metadata": {"path": str(workdir)}})
    try:
        client.km = client.create_kernel_manager()
        client.start_new_kernel(env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                                     "MPLBACKEND": "Agg"})
        client.start_new_kernel_client()
    except Exception as exc:  # jupyter_client raises assorted types when a kernel cannot start
        pytest.skip(f"the python3 Jupyter kernel could not be started: {type(exc).__name__}: {exc}")
    return client


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, tmp_path):
    for module in NEEDS.get(name, []):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{name} needs {module}, which is not installed")
    book = read(name)
    before = sorted(NOTEBOOKS.rglob("*"))
    client = start_client(book, NOTEBOOKS)  # run from notebooks/, as Jupyter would
    client.execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count for c in book.cells if c.cell_type == "code")
    assert sorted(NOTEBOOKS.rglob("*")) == before  # stores and files go to a temporary folder
