"""Coding in more than one process: helper processes load the same models and code slices of a page.

``classify`` codes a page of passages a slice at a time. With helper processes, each helper loads the theme
model and the sentiment model itself (from the same files, checked by their coder ids), and the slices of a page
are shared out: this process takes them from the front, one thread per helper sends them from the back and waits
for the answer, so that every process stays busy to the end of the page. A slice's scores depend only on its
own passages, so the codes are the same as in one process, to the last bit.

A helper is a plain Python process running :func:`_serve`, which reads pickled slices on its standard input
and writes pickled scores on its standard output: it never imports the caller's main module (as
``multiprocessing`` would), so a script without a ``__main__`` guard is not run twice. A helper that fails (it
could not load a model, it ran out of memory, it was killed) gives its slice back and is not used again; this
process codes what is left, and :attr:`CodingPool.failures` says why.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

#: With ``workers=None`` (the default), helper processes start once a command has this many passages to code:
#: below it, starting them (importing and loading the models, about 2-3 s of CPU) costs more than they save.
PARALLEL_MIN = 100_000

#: A helper that spends longer than this on one slice (and 20 times as long as this process ever took) is
#: stopped, and its slice coded here: it hangs, or the machine is out of memory and swapping.
SLICE_TIMEOUT = 120.0

#: At most this many processes code by default, however many cores the machine has (each helper holds its own
#: copy of the models and the slice it codes: about 0.3-0.5 GB with the shipped models).
DEFAULT_MAX_PROCESSES = 2


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_processes() -> int:
    """How many processes code when the user does not say: one per core, at most :data:`DEFAULT_MAX_PROCESSES`."""
    return max(1, min(available_cores(), DEFAULT_MAX_PROCESSES))


#: With ``workers=None``, helpers also start before the files are read when they hold at least this many bytes
#: (about 100,000 short comments), so that they load their models while this process reads.
EARLY_BYTES = 10_000_000


class Helpers:
    """The helper processes of one command, started at most once, when :meth:`start` is first called (they may
    start before this process has loaded its models: :meth:`expect` gives the ids to check them against, and no
    helper codes before it is called). ``processes`` counts this process too. Close it when the coding is done.
    """

    def __init__(self, processes: int, spec: dict[str, Any]) -> None:
        self.processes = processes
        self.spec = spec
        self.ids: tuple[str, str | None] | None = None
        self.pool: CodingPool | None = None

    def start(self) -> "CodingPool | None":
        if self.pool is None and self.processes > 1:
            self.pool = CodingPool(self.processes - 1, self.spec)
            if self.ids is not None:
                self.pool.expect(*self.ids)
        return self.pool

    def expect(self, coder_id: str, sentiment_id: str | None) -> None:
        """The ids of the models this process loaded, which each helper must match."""
        self.ids = (coder_id, sentiment_id)
        if self.pool is not None:
            self.pool.expect(coder_id, sentiment_id)

    def close(self) -> list[str]:
        """Stop the helpers; return why any of them stopped early."""
        if self.pool is None:
            return []
        self.pool.close()
        return list(self.pool.failures)


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread. The shipped models' products are small: a second BLAS
    thread only spins (it doubled the CPU time of coding on 2 cores and saved no wall time) and takes the core
    that a helper process or the store's thread would use."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def worth_helpers(*models: Any) -> bool:
    """Whether helper processes would speed these models up: not when one of them spreads its own work over
    the cores (the fine-tuned transformers, through torch), where a second process only competes for them."""
    return not any(getattr(m, "spreads_over_cores", False) for m in models if m is not None)


class CodingPool:
    """Helper processes that code slices with the models named in ``spec`` (see :func:`_serve`).

    ``spec`` holds what ``classify`` loads its models from: ``codebook``, ``model``, ``sentiment`` (bool) and
    ``sentiment_model``. Helpers start at once and load their models while this process goes on; each must then
    match the ids of the models this process loaded (``coder_id`` and ``sentiment_id``, or given later by
    :meth:`expect`) before it codes anything. Until a helper is ready, this process codes its slices alone.
    """

    def __init__(self, helpers: int, spec: dict[str, Any], *, coder_id: str | None = None,
                 sentiment_id: str | None = None) -> None:
        self._expect: tuple[str, str | None] | None = None
        self.failures: list[str] = []
        self.helped = 0  # slices the helpers coded
        self._slowest = 0.0  # the longest this process took over one slice (seconds)
        self._cond = threading.Condition()
        self._job: _Job | None = None
        self._closed = False
        if coder_id is not None:
            self._expect = (coder_id, sentiment_id)
        self._helpers = [_Helper(spec) for _ in range(max(0, helpers))]
        self._threads = [threading.Thread(target=self._run, args=(h,), daemon=True, name="evalnlp-coding-helper")
                         for h in self._helpers]
        for t in self._threads:
            t.start()

    def expect(self, coder_id: str, sentiment_id: str | None) -> None:
        """Set the ids each helper's models must have."""
        with self._cond:
            self._expect = (coder_id, sentiment_id)
            self._cond.notify_all()

    @property
    def size(self) -> int:
        """Helpers that have not failed (ready or still loading their models)."""
        return sum(1 for h in self._helpers if h.alive)

    @property
    def ready(self) -> int:
        """Helpers ready to code."""
        return sum(1 for h in self._helpers if h.alive and h.ready)

    def map(self, slices: list[list[str]], code: Callable[[list[str]], Any]) -> list[Any]:
        """``[code(s) for s in slices]``, the helpers coding some of them: this thread takes slices from the
        front, each ready helper from the back. A helper that fails puts its slice back, and this thread codes
        whatever is left."""
        job = _Job(slices)
        with self._cond:
            self._job = job
            self._cond.notify_all()
        try:
            while True:
                with self._cond:
                    if not job.todo:
                        while job.pending:  # helpers still coding their last slice (or giving it back)
                            self._cond.wait(timeout=1.0)
                            self._stop_stuck()
                        if not job.todo:
                            break
                    i = job.todo.popleft()
                t0 = time.monotonic()
                job.results[i] = code(slices[i])
                self._slowest = max(self._slowest, time.monotonic() - t0)
        finally:
            with self._cond:
                self._job = None
        return job.results

    def _stop_stuck(self) -> None:
        """Stop a helper that has spent far longer on one slice than this process ever did (it hangs, or the
        machine swaps): its slice is given back. Called with the lock held."""
        limit = max(SLICE_TIMEOUT, 20 * self._slowest)
        now = time.monotonic()
        for helper in self._helpers:
            since = helper.busy_since
            if helper.alive and since is not None and now - since > limit:
                helper.why = f"a coding process spent over {limit:.0f} s on one slice and was stopped"
                threading.Thread(target=helper.stop, daemon=True).start()  # not under the lock

    def _run(self, helper: "_Helper") -> None:
        """The thread that feeds one helper: wait until it is ready, then code slices of each job with it."""
        loaded, why = helper.wait_ready()
        with self._cond:
            while not self._closed and self._expect is None:
                self._cond.wait()
            if why is None and not self._closed and loaded != self._expect:
                why = f"a coding process loaded other models ({loaded[0]}, {loaded[1]})"
            helper.ready = why is None
        if why is not None:
            with self._cond:
                if not self._closed:
                    self.failures.append(why)
            helper.stop()
            return
        while True:
            with self._cond:
                while not self._closed and not (self._job is not None and self._job.todo):
                    self._cond.wait()
                if self._closed:
                    return
                job = self._job
                i = job.todo.pop()
                job.pending += 1
                helper.busy_since = time.monotonic()
            try:
                result = helper.code(job.slices[i])
            except _HelperFailed as exc:
                with self._cond:
                    helper.busy_since = None
                    if not self._closed:
                        self.failures.append(helper.why or str(exc))
                    job.todo.append(i)
                    job.pending -= 1
                    self._cond.notify_all()
                helper.stop()
                return
            with self._cond:
                helper.busy_since = None
                job.results[i] = result
                self.helped += 1
                job.pending -= 1
                self._cond.notify_all()

    def close(self) -> None:
        """Stop every helper and its thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for h in self._helpers:
            h.stop()
        for t in self._threads:
            t.join()
        for h in self._helpers:
            h.release()

    def __enter__(self) -> "CodingPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Job:
    """The slices of one page: which are left, how many a helper is coding, and the results."""

    def __init__(self, slices: list[list[str]]) -> None:
        self.slices = slices
        self.todo = deque(range(len(slices)))
        self.pending = 0
        self.results: list[Any] = [None] * len(slices)


class _HelperFailed(Exception):
    pass


class _Helper:
    """One helper process and its pipes."""

    def __init__(self, spec: dict[str, Any]) -> None:
        import evalnlp

        env = dict(os.environ)
        for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
            env[name] = "1"  # one_blas_thread() in the helper: the processes share the cores
        # The helper imports this very evalnlp, wherever it was imported from: its folder goes on the helper's
        # path only when that path lacks it (as for a source tree), never ahead of an installed one.
        here = str(Path(evalnlp.__file__).resolve().parents[1])
        start = (f"import sys; here = {here!r}; sys.path.insert(0, here) if here not in sys.path else None; "
                 "from evalnlp.coding.workers import _serve; _serve()")
        self.ready: bool | None = None
        self.alive = True
        self.busy_since: float | None = None  # when it was given the slice it codes (time.monotonic)
        self.why: str | None = None  # why it was stopped, when this process stopped it
        self._stopping = threading.Lock()
        self.proc = subprocess.Popen([sys.executable, "-c", start], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     start_new_session=True)  # Ctrl-C reaches this process alone
        try:
            pickle.dump(spec, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
        except OSError:
            self.alive = False

    def _receive(self) -> Any:
        try:
            reply = pickle.load(self.proc.stdout)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:
            code = self.proc.poll()
            raise _HelperFailed(f"a coding process stopped (exit status {code}): {type(exc).__name__}") from None
        if reply[0] == "error":
            raise _HelperFailed(f"a coding process failed: {reply[1]}")
        return reply

    def wait_ready(self) -> tuple[tuple[str, str | None] | None, str | None]:
        """Block until the helper has loaded its models: the ids of its models, or why it could not."""
        try:
            _, coder_id, sentiment_id = self._receive()
        except _HelperFailed as exc:
            return None, str(exc)
        return (coder_id, sentiment_id), None

    def code(self, texts: list[str]) -> Any:
        try:
            pickle.dump(texts, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
        except (OSError, ValueError):
            raise _HelperFailed(f"a coding process stopped (exit status {self.proc.poll()})") from None
        return self._receive()[1]

    def stop(self) -> None:
        """End the process (it holds nothing worth waiting for); safe to call twice and from any thread. A thread
        reading its replies then meets the end of the pipe."""
        self.alive = False
        with self._stopping:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()

    def release(self) -> None:
        """Close the pipes, once no thread reads or writes them."""
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def code_slice(coder, sentiment_model, texts: list[str],
               clock: Callable[[str], None] | None = None) -> tuple[Any, Any]:
    """Theme scores (float array, passages x themes) and sentiment probabilities (or None) of one slice: the
    same calls in this process and in a helper, so that both give the same numbers. ``clock(stage)`` is called
    after the themes and after the sentiment, to time them."""
    import numpy as np

    from evalnlp.embeddings import shared_batches

    with shared_batches():  # the theme model and the sentiment model embed the slice once
        scores = np.asarray(coder.predict_proba(texts), dtype=float)
        if clock is not None:
            clock("themes")
        proba = None
        if sentiment_model is not None:
            proba = sentiment_model.predict_proba(texts)
            if clock is not None:
                clock("sentiment")
    return scores, proba


def _serve() -> None:
    """A helper's loop: read the spec, load the models, then code each slice read until the input closes."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the replies
    source = sys.stdin.buffer

    def reply(*message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        spec = pickle.load(source)
        one_blas_thread().__enter__()  # for the process's life (the environment says so too)
        from evalnlp.coding import load_coder, loaded_coder_id

        coder, _, card = load_coder(spec["codebook"], spec["model"])
        sentiment_model = None
        if spec["sentiment"]:
            from evalnlp.coding.sentiment import load_sentiment_model

            sentiment_model = load_sentiment_model(spec["sentiment_model"])
        reply("ready", loaded_coder_id(coder, card), sentiment_model.coder_id() if sentiment_model else None)
    except Exception as exc:  # noqa: BLE001 - reported to the caller, which codes without this helper
        reply("error", f"{type(exc).__name__}: {exc}")
        return
    while True:
        try:
            texts = pickle.load(source)
        except EOFError:
            return
        try:
            reply("ok", code_slice(coder, sentiment_model, texts))
        except Exception as exc:  # noqa: BLE001
            reply("error", f"{type(exc).__name__}: {exc}")
            return
