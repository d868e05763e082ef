"""The HTML report in a real headless Chromium: no console errors, charts in the DOM, a screenshot that is
not blank. Skipped (with the reason) only when Chromium is not installed; `make test` installs it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from evalnlp.api import write_report

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                             shutil.which("chromium-browser") or "") if p and Path(p).exists()), None)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (/usr/bin/chromium); "
                       "install it with `make chromium` or `apt-get install chromium`"),
]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--hide-scrollbars", "--window-size=1200,2400"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def report(report_store, cb, claims_path, tmp_path_factory) -> Path:
    return write_report(report_store, cb, tmp_path_factory.mktemp("html") / "report.html", claims=claims_path)


def test_report_renders_without_console_errors_and_has_its_charts(report, tmp_path):
    proc = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "Content Security Policy" in line]
    assert console == []
    dom = proc.stdout
    for chart in ("chart-prevalence", "chart-heatmap", "chart-sentiment"):
        assert f'id="{chart}"' in dom
    assert dom.count("<rect") > 20 and "Strength rule" in dom


def test_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    proc = chromium(tmp_path, f"--screenshot={shot}", report.as_uri())
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 2400)
    assert ImageStat.Stat(image).var[0] > 100  # a blank page has variance 0
    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """The demo survey coded with the shipped impact model and sentiment, as `make demo` does it."""
    from helpers import REPO

    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    corpus = REPO / "corpora" / "demo_leadership"
    questions = ["What has changed in how you work since the programme?", "What did you value most?",
                 "What could be improved?"]
    tmp = tmp_path_factory.mktemp("demo")
    store = Store(tmp / "demo.duckdb")
    try:
        api.ingest(store, [corpus / "survey.xlsx"], text=questions, id="respondent_id")
        api.classify(store, codebook="impact")
        return write_report(store, load_codebook("impact"), tmp / "report.html", by=["programme"])
    finally:
        store.close()


def test_demo_report_reads_right_in_the_browser(demo_report, tmp_path):
    """Spot-check of what a report writer sees: the appreciative leadership survey reads as appreciative, and
    the report says how many passages got no theme."""
    import re

    proc = chromium(tmp_path, "--dump-dom", demo_report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert re.search(r"\d+ of them, \d+%, with no theme", dom)
    counts = {label: int(n) for n, label in re.findall(
        r"<title>Relationships &amp; collaboration: (\d+) (positive|negative|mixed|neutral)</title>", dom)}
    assert counts.get("positive", 0) > 3 * counts.get("negative", 0), counts
    endorsement = {label: int(n) for n, label in re.findall(
        r"<title>Endorsement &amp; satisfaction: (\d+) (positive|negative|mixed|neutral)</title>", dom)}
    assert endorsement.get("positive", 0) > 5 * endorsement.get("negative", 0), endorsement
