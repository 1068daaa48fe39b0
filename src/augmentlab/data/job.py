"""``augmentlab augment``: a whole image dataset on disk, augmented with a manifest.

Guarantees:

- the same output bytes whatever the number of workers: each (image, copy) draws from the
  pipeline's seed tree at ``sample_id`` = a hash of the image's relative path, and the manifest is
  written in path order at the end;
- one run per OUTPUT: a kernel lock on ``.OUTPUT.augmentlab-lock`` beside it, held until the
  output is in place (a second run refuses with `OutputBusy`; a killed run leaves no stale lock);
- nothing lost: everything goes to ``OUTPUT.partial/`` (each file through a temporary name and a
  rename) and the folder is renamed to OUTPUT only when complete; an interrupted run started again
  with the same arguments skips what ``manifest.jsonl`` records as done, unless its source's
  sha256 changed (redone) or the source is gone (its outputs removed); INPUT is never written;
- faults end the run within seconds with one line (`JobFailed`): a worker killed by the OS, a full
  disk, a read-only folder; the partial folder is kept for the resume. A run that writes nothing
  raises `DataError` with the reason and leaves nothing behind;
- bad files (corrupt, truncated, over the pixel limit, a symlink out of INPUT, a label file that
  does not parse) are skipped with a line in ``errors.jsonl``, or stop the run (``strict``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.compose import Compose
from ..core.errors import AugmentlabError, DataError, InvalidConfig, JobFailed
from ..core.files import OutputLock, atomic_write
from ..core.optional import require
from ..core.transform import Transform
from ..core.walk import iter_transforms
from ..datasets.formats import (
    FORMATS,
    MAX_PIXELS,
    Entry,
    carried_files,
    detect_layout,
    file_sha256,
    format_of,
    layout_of_file,
    original_outputs,
    read_entry,
    scan,
    write_outputs,
)

__all__ = ["AugmentSummary", "augment_dataset", "sample_id_of"]


def sample_id_of(rel: str) -> int:
    """The seed-tree sample id of a file: a hash of its path relative to the dataset root, so a
    file's augmentations do not change when other files are added or removed.

    Example:
        >>> sample_id_of("cats/a.jpg") == sample_id_of("cats/a.jpg") != sample_id_of("cats/b.jpg")
        True
    """
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:7], "big")


@dataclass
class AugmentSummary:
    """What a run did."""

    output: Path
    written: int
    skipped_done: int
    errors: int

    def __str__(self) -> str:
        return (f"{self.written} outputs written, {self.skipped_done} already done (resumed), "
                f"{self.errors} problems (a file, row or column skipped: see errors.jsonl) -> {self.output}")


def _check_paths(src: Path, out: Path, overwrite: bool, single_file: bool) -> None:
    if not src.is_dir():
        raise InvalidConfig(f"augment: input {src} is not a folder or a file")
    s, o = src.resolve(), out.resolve()
    if s == o:
        raise InvalidConfig("augment: OUTPUT is INPUT; the input is never written: choose another folder")
    if o.is_relative_to(s) and not single_file:  # one input file: its folder may hold OUTPUT
        raise InvalidConfig(f"augment: OUTPUT {out} is inside INPUT {src}; choose a folder outside it")
    if s.is_relative_to(o):
        raise InvalidConfig(f"augment: INPUT {src} is inside OUTPUT {out}; choose another OUTPUT")
    if out.exists() and not overwrite:
        raise InvalidConfig(f"augment: {out} exists; pass --overwrite to replace it")
    if out.exists() and not (out.is_dir() and (out / "manifest.jsonl").is_file()
                             and (out / "augmentlab.yaml").is_file()):
        # --overwrite replaces an earlier output, never anything else (a swapped INPUT and
        # OUTPUT would otherwise delete the dataset)
        what = "a file" if not out.is_dir() else "a folder that is not an augmentlab output " \
            "(no manifest.jsonl and augmentlab.yaml)"
        raise InvalidConfig(f"augment: OUTPUT {out} is {what}; --overwrite only replaces an "
                            "earlier augmentlab output. Choose another OUTPUT, or remove it yourself")


# -- the work of one (entry, copy); module level so that forked workers can run it ----------------
_STATE: dict[str, Any] = {}


def _init(state: dict[str, Any]) -> None:
    _STATE.clear()
    _STATE.update(state)


def _init_forked(state: dict[str, Any], lock: OutputLock, parent: int) -> None:
    """A pool worker's set-up: the job's state, no share in the output lock, and an exit as soon as
    the parent dies (a killed run must not leave workers writing into the folder a re-run uses)."""
    _init(state)
    lock.close_in_child()
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):  # PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))
    if os.getppid() != parent:  # it died before the line above ran
        os._exit(1)

    def watch() -> None:  # elsewhere (and as a second net): poll
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _cv2_threads(n: int) -> int:
    """Set OpenCV's thread count; returns the previous one."""
    import cv2

    previous = cv2.getNumThreads()
    cv2.setNumThreads(n)
    return int(previous)


def _inputs_digest(src: Path, entry: Entry, hashes: dict[str, str]) -> str:
    """A digest of everything a sample's outputs are made from: its source file (sha256, kept in
    `hashes`: a table's rows share one file), its label, and what its format says it is made of
    besides (`Format.inputs`: a mask or annotation file, a COCO record). A resume keeps a
    finished line only while this is unchanged."""
    if entry.rel not in hashes:
        hashes[entry.rel] = file_sha256(src / entry.rel)
    parts: dict[str, Any] = {"source": hashes[entry.rel], "label": entry.label,
                             **format_of(entry).inputs(src, entry)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _work(unit: tuple[int, int]) -> dict[str, Any]:
    """Augment and write one (entry, copy); a manifest line, or an error line."""
    index, copy = unit
    entry: Entry = _STATE["entries"][index]
    src, partial, pipe = _STATE["src"], _STATE["partial"], _STATE["pipeline"]
    try:
        # hashed before it is read: a file changed in between carries the old digest, so a
        # resume redoes it rather than keeping outputs made from the new one
        digest = _inputs_digest(src, entry, _STATE["hashes"])
        fields = read_entry(src, entry, max_pixels=_STATE["max_pixels"])
        if copy == 0:  # the original, copied byte for byte
            files, part = original_outputs(src, entry)
            record = None
        else:
            out = pipe(**fields, sample_id=sample_id_of(entry.key), copy=copy, seed=_STATE["seed"])
            files, part = write_outputs(partial, entry, copy, out, src)
            record = out.record.to_dict()
    except (AugmentlabError, OSError) as exc:  # the message names the file (and line)
        named = isinstance(exc, DataError) and exc.path is not None
        where = entry.rel if entry.row is None else f"{entry.rel}:{entry.extra.get('line', entry.row)}"
        return {"error": {"file": where, "copy": copy,
                          "error": str(exc) if named else f"{src / where}: {exc}"}}
    try:
        for rel, data in files.items():
            atomic_write(partial / rel, data)
    except OSError as exc:  # disk full, folder read-only: the job cannot go on; returned, not
        # raised, so that it reaches the main process whole from any engine (Ray wraps exceptions)
        return {"fatal": {"errno": exc.errno, "strerror": exc.strerror, "filename": str(partial / rel)}}
    line = {"source": entry.rel, "sha256": _STATE["hashes"][entry.rel], "inputs": digest, "copy": copy,
            "outputs": sorted(files) if entry.row is None else [entry.rel], "label": entry.label,
            "mask": entry.mask, "boxes": entry.boxes, "record": record}
    if entry.row is not None:
        line["row"] = entry.row
    if part is not None:
        line["part"] = part
    return {"line": line}


class _RayWork:
    """The per-worker callable of the Ray engine: the job's state is installed once per actor."""

    def __init__(self, state: dict[str, Any]) -> None:
        _init(state)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        results = [_work((int(i), int(k))) for i, k in zip(batch["index"], batch["copy"], strict=True)]
        return {"result": [json.dumps(r, sort_keys=True) for r in results]}


def _ray_results(state: dict[str, Any], units: list[tuple[int, int]], workers: int,
                 address: str | None) -> Any:
    """Run the units on Ray Data (``from_items`` -> ``map_batches`` writing the files -> results
    streamed back to the driver, which keeps the manifest)."""
    ray = require("ray", "ray", "augment --engine ray")
    import logging

    for name in ("ray", "ray.data"):  # the job's own progress bar and summary say what matters
        logging.getLogger(name).setLevel(logging.ERROR)
    if not ray.is_initialized():
        if address:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR,
                     log_to_driver=False, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.execution_options.preserve_order = True
    data = ray.data.from_items([{"index": i, "copy": k} for i, k in units])
    mapped = data.map_batches(_RayWork, fn_constructor_kwargs={"state": state}, batch_size=32,
                              compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1)
    for row in mapped.iter_rows():
        yield json.loads(row["result"])


def line_order(line: dict[str, Any]) -> tuple[str, int, int]:
    """Where a manifest line goes: by source path, row, copy."""
    return (line["source"], int(line.get("row", -1)), int(line["copy"]))


def _done(manifest: Path) -> dict[tuple[str, int, int], dict[str, Any]]:
    """Lines already in the manifest of an interrupted run (a torn last line is ignored)."""
    done: dict[tuple[str, int, int], dict[str, Any]] = {}
    if manifest.exists():
        for text in manifest.read_text().splitlines():
            try:
                line = json.loads(text)
                done[line_order(line)] = line
            except (ValueError, KeyError, TypeError):
                continue
    return done


def shared_files(src: Path, lines: list[dict[str, Any]], layout: str) -> dict[str, bytes]:
    """Files every output adds to (a COCO JSON, a table, a JSONL file), assembled from the
    manifest's parts in manifest order."""
    fmt = FORMATS[layout]
    parts: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        if "part" in line:
            parts.setdefault(fmt.shared_file(line), []).append(line["part"])
    return {rel: fmt.assemble(src, rel, p) for rel, p in parts.items()}


def augment_dataset(src: str | Path, out: str | Path, pipeline: Transform, *, copies: int = 1,
                    seed: int = 0, workers: int = 1, engine: str = "local",
                    ray_address: str | None = None, include_originals: bool = False,
                    strict: bool = False, overwrite: bool = False, max_pixels: int = MAX_PIXELS,
                    quiet: bool = False, label: str | None = None, text_column: str = "text",
                    command: list[str] | None = None) -> AugmentSummary:
    """Augment every sample of the dataset in `src` into `out`, in the same layout.

    `src` is a dataset folder (images in any layout of `augmentlab.datasets.formats`, audio, or
    table/text files) or a single table, text or audio file. `label` names the label column of a
    table (it is never changed), `text_column` the text column of JSONL/CSV text.

    Example:
        >>> import tempfile, cv2, numpy as np, augmentlab as al
        >>> root = Path(tempfile.mkdtemp()); (root / "in" / "cats").mkdir(parents=True)
        >>> _ = cv2.imwrite(str(root / "in" / "cats" / "a.png"), np.zeros((8, 8, 3), np.uint8))
        >>> s = augment_dataset(root / "in", root / "out", al.Compose([al.HorizontalFlip()]),
        ...                     copies=2, quiet=True)
        >>> sorted(p.name for p in (root / "out" / "cats").iterdir()), s.written
        (['a_aug1.png', 'a_aug2.png'], 2)
    """
    src, out = Path(src), Path(out)
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise InvalidConfig(f"augment: copies={copies!r} must be a positive integer")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidConfig(f"augment: workers={workers!r} must be a positive integer")
    if engine not in ("local", "ray"):
        raise InvalidConfig(f"augment: engine={engine!r} must be 'local' or 'ray'")
    only = None
    if src.is_file():
        only, src = src.name, src.parent
    if not src.is_dir():
        raise InvalidConfig(f"augment: input {src} is not a folder or a file")
    # one run per OUTPUT: the lock covers OUTPUT.partial and the final rename. The paths are
    # checked before it is taken (no lock file is ever made inside INPUT) and again once it is
    # held (a run that just finished may have created OUTPUT meanwhile)
    _check_paths(src, out, overwrite, only is not None)
    with _writable(out.parent, out):
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = OutputLock(out.parent / f".{out.name}.augmentlab-lock", str(out)).acquire()
    try:
        return _locked_run(src, out, only, pipeline, lock, copies=copies, seed=seed, workers=workers,
                           engine=engine, ray_address=ray_address, include_originals=include_originals,
                           strict=strict, overwrite=overwrite, max_pixels=max_pixels, quiet=quiet,
                           label=label, text_column=text_column, command=command)
    finally:
        lock.release()


def _locked_run(src: Path, out: Path, only: str | None, pipeline: Transform, lock: OutputLock, *,
                copies: int, seed: int, workers: int, engine: str, ray_address: str | None,
                include_originals: bool, strict: bool, overwrite: bool, max_pixels: int, quiet: bool,
                label: str | None, text_column: str, command: list[str] | None) -> AugmentSummary:
    """`augment_dataset` once it holds OUTPUT's lock."""
    _check_paths(src, out, overwrite, only is not None)
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    layout = (layout_of_file(src / only, text_column) if only
              else detect_layout(src, text_column=text_column))
    entries, problems = scan(src, layout, label=label, text_column=text_column, only=only)
    if only is not None:
        entries = [e for e in entries if e.rel == only]
        problems = [p for p in problems if p["file"].split(":")[0] == only]
    from ..core.version import __version__

    config = {"augmentlab": 1, "version": __version__, "input": str(src.resolve()), "only": only,
              "layout": layout,
              "label": label, "text_column": text_column,
              "pipeline": json.loads(pipe.to_json()),
              "config_hash": pipe.config_hash, "seed": seed, "copies": copies,
              "include_originals": include_originals, "max_pixels": max_pixels}
    partial = out.with_name(out.name + ".partial")
    # the command that made it (the CLI's, without the options that do not change the bytes);
    # never sys.argv of a Python caller: a notebook's would differ on every run
    job = {**config, "command": command}
    # a table's rows share their file: hashed once, here, right after the rows were read
    hashes = {e.rel: file_sha256(src / e.rel) for e in entries if e.row is not None}
    with _writable(partial, out):
        _open_partial(partial, config, job)
        done = _resumable(partial, src, entries, hashes)
    if strict and problems:
        raise DataError(problems[0]["error"], path=str(src / problems[0]["file"]))
    first = 0 if include_originals else 1
    units = [(i, k) for i, e in enumerate(entries) for k in range(first, copies + 1)
             if (e.rel, -1 if e.row is None else e.row, k) not in done]
    _warm(pipe, src, [entries[i] for i in sorted({i for i, _ in units})], max_pixels)
    state = {"entries": entries, "src": src, "partial": partial, "pipeline": pipe,
             "max_pixels": max_pixels, "seed": seed, "hashes": hashes}
    errors = list(problems)
    with _writable(partial, out):
        written = _execute(state, units, errors, lock, workers=workers, engine=engine,
                           ray_address=ray_address, strict=strict, quiet=quiet)
        lines = _finish(partial, src, layout, job, errors)
    if not lines:  # nothing to show for the run: say why, leave nothing behind
        shutil.rmtree(partial, ignore_errors=True)
        raise DataError(_nothing_written(src, layout, entries, errors))
    with _writable(out, out):
        # --overwrite: the old output goes only once the new one is complete, through a hidden
        # name of ours (a run killed half-way through the swap leaves it; the next run removes it)
        trash = out.with_name(f".{out.name}.augmentlab-old")
        if out.exists():
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(out, trash)
        os.replace(partial, out)
        shutil.rmtree(trash, ignore_errors=True)
    return AugmentSummary(out, written, len(done), len(errors))


def _warm(pipe: Transform, src: Path, entries: list[Entry], max_pixels: int) -> None:
    """Before the workers fork (they inherit what it prepares): every transform of the pipeline
    that has a ``warm(samples)`` method gets the fields of the samples about to be augmented, so
    work it batches is done once (back-translation translates a whole corpus in one call).
    Samples are read one at a time, and only when some transform has the method; one that cannot
    be read is left out (its worker reports it)."""
    hooks = [warm for t in iter_transforms(pipe) if callable(warm := getattr(t, "warm", None))]
    if not hooks or not entries:
        return

    def samples() -> Any:
        for entry in entries:
            try:
                yield read_entry(src, entry, max_pixels=max_pixels)
            except (AugmentlabError, OSError):
                continue

    for warm in hooks:
        warm(samples())


@contextlib.contextmanager
def _writable(where: Path, out: Path) -> Any:
    """Turn a failed write (read-only folder, disk full, a file where a folder goes) into one line
    that says what to do, instead of a traceback."""
    try:
        yield
    except OSError as exc:
        hint = {errno.ENOSPC: "the disk is full: free space",
                errno.EDQUOT: "the disk quota is used up: free space",
                errno.EACCES: "no permission to write there: choose a folder you can write",
                errno.EPERM: "the folder refuses writes (immutable?): choose another OUTPUT",
                errno.EROFS: "the file system is read-only: choose another OUTPUT",
                errno.ENOTDIR: "a file stands where a folder must go: choose another OUTPUT",
                errno.EEXIST: "a file stands where a folder must go: choose another OUTPUT",
                }.get(exc.errno or 0, "check that OUTPUT's folder exists and can be written")
        partial = out.with_name(out.name + ".partial")
        resume = (f"; what was done is kept in {partial}: run the same command again to resume"
                  if partial.is_dir() else "")
        raise JobFailed(f"cannot write {exc.filename or where}: {exc.strerror or exc}; "
                        f"{hint}{resume}") from None


def _open_partial(partial: Path, config: dict[str, Any], job: dict[str, Any]) -> None:
    """Create OUTPUT.partial, or check that the one there is an interrupted run of this job."""
    import yaml

    job_file = partial / "augmentlab.yaml"
    # resume only the same job; a partial folder without a job file is one killed as it was
    # being made (the job file is written first): nothing in it to keep or to protect
    if partial.exists() and (job_file.exists() or (partial / "manifest.jsonl").exists()):
        try:
            previous = yaml.safe_load(job_file.read_text())
        except (OSError, ValueError, yaml.YAMLError):  # torn or edited: not this job's file
            previous = None
        if not isinstance(previous, dict) or {k: previous.get(k) for k in config} != config:
            raise InvalidConfig(f"augment: {partial} holds an interrupted run of a different job; "
                                "delete it, or run that job again to finish it")
    partial.mkdir(parents=True, exist_ok=True)
    atomic_write(job_file, yaml.safe_dump(job, sort_keys=True).encode())


def _resumable(partial: Path, src: Path, entries: list[Entry],
               hashes: dict[str, str]) -> dict[tuple[str, int, int], dict[str, Any]]:
    """The manifest lines of an interrupted run that still hold: a line is dropped (its work
    redone, its outputs swept at the end) when its sample is no longer in the input or anything
    it was made from changed since (see `_inputs_digest`). The manifest is rewritten with just
    these lines, so a torn last line cannot glue itself to the next one appended."""
    manifest = partial / "manifest.jsonl"
    done = _done(manifest)
    if not done:
        return done
    current = {e.key: e for e in entries}
    digests: dict[str, str | None] = {}
    for key, line in list(done.items()):
        sample = line["source"] if line.get("row") is None else f"{line['source']}#{line['row']}"
        entry = current.get(sample)
        if entry is not None and sample not in digests:
            try:
                digests[sample] = _inputs_digest(src, entry, hashes)
            except OSError:  # unreadable now: redone (the worker says why)
                digests[sample] = None
        if entry is None or digests[sample] is None or digests[sample] != line.get("inputs"):
            del done[key]
    lines = sorted(done.values(), key=line_order)
    atomic_write(manifest, "".join(json.dumps(d, sort_keys=True) + "\n" for d in lines).encode())
    return done


def _execute(state: dict[str, Any], units: list[tuple[int, int]], errors: list[dict[str, Any]],
             lock: OutputLock, *,
             workers: int, engine: str, ray_address: str | None, strict: bool, quiet: bool) -> int:
    """Run the units, appending each finished one to the manifest as it comes; returns how many
    outputs were written. A worker killed by the OS stops the run with `JobFailed` (within a
    second), the manifest holding everything finished, so the same command resumes."""
    partial: Path = state["partial"]
    written = 0
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=len(units), unit="item", desc="augment", dynamic_ncols=True)
    results: Any
    pool: ProcessPoolExecutor | None = None
    with (partial / "manifest.jsonl").open("a") as mf:
        try:
            if engine == "ray" and units:
                results = _ray_results(state, units, workers, ray_address)
            elif workers == 1 or len(units) < 2:
                _init(state)
                results = map(_work, units)
            else:
                pool = _start_pool(state, lock, workers)
                results = pool.map(_work, units, chunksize=16)
            for result in results:
                if "fatal" in result:  # a write failed: `_writable` says what to do
                    fatal = result["fatal"]
                    raise OSError(fatal["errno"], fatal["strerror"], fatal["filename"])
                if "error" in result:
                    errors.append(result["error"])
                    if strict:
                        raise DataError(result["error"]["error"] + " (stopped: --strict)")
                else:
                    mf.write(json.dumps(result["line"], sort_keys=True) + "\n")
                    written += 1
                    if written % 16 == 0:  # a killed run redoes at most the unflushed lines
                        mf.flush()
                if bar is not None:
                    bar.update(1)
        except BrokenProcessPool:
            raise JobFailed(
                f"a worker process died (killed by a signal, as the out-of-memory killer does, or "
                f"crashed) after {written} of {len(units)} items; what was done is kept in {partial}: "
                "run the same command again to resume (fewer workers, --jobs, if memory ran out)") from None
        finally:
            if pool is not None:
                _stop(pool)
            if bar is not None:
                bar.close()
    return written


def _start_pool(state: dict[str, Any], lock: OutputLock, workers: int) -> ProcessPoolExecutor:
    """`workers` forked processes (an executor, not multiprocessing.Pool: a Pool whose worker is
    killed waits forever)."""
    # one process per core: OpenCV's own threads would only contend. Set in the parent before
    # the fork (a forked child must not reconfigure a thread pool it did not start)
    cv2_threads = _cv2_threads(1)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_init_forked, initargs=(state, lock, os.getpid()))
    try:
        # start them all now: a fork that fails (a process limit, no memory) fails here
        for _ in pool.map(int, range(workers)):
            pass
    except (OSError, BrokenProcessPool) as exc:
        _stop(pool)
        raise JobFailed(f"cannot start {workers} worker processes ({exc}); run again with fewer "
                        "(--jobs on the command line, workers= in Python)") from None
    finally:
        _cv2_threads(cv2_threads)
    return pool


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: finished or not (--strict, Ctrl-C, a failure), nothing it still does
    matters, and a worker left running would keep writing into OUTPUT.partial."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    for proc in processes:
        proc.join(5)


def _finish(partial: Path, src: Path, layout: str, job: dict[str, Any],
            errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put the manifest in canonical order and write the files made from it; returns its lines."""
    import yaml

    for stale in partial.rglob(".*.tmp-*"):  # half-written files of a killed run
        stale.unlink()
    manifest = partial / "manifest.jsonl"
    # canonical order: the same bytes whatever the workers and interruptions
    lines = sorted(_done(manifest).values(), key=line_order)
    atomic_write(manifest, "".join(json.dumps(d, sort_keys=True) + "\n" for d in lines).encode())
    made = {**carried_files(src, layout), **shared_files(src, lines, layout)}
    for rel, data in made.items():
        atomic_write(partial / rel, data)
    _sweep(partial, {rel for line in lines for rel in line["outputs"]} | set(made) | JOB_FILES)
    errors.sort(key=lambda e: (e["file"], e.get("copy", -1)))
    # the finished job records its line count: replay --verify notices a manifest cut short
    atomic_write(partial / "augmentlab.yaml",
                 yaml.safe_dump({**job, "manifest_lines": len(lines)}, sort_keys=True).encode())
    atomic_write(partial / "errors.jsonl",
                 "".join(json.dumps(e, sort_keys=True) + "\n" for e in errors).encode())
    return lines


# the job's own files in OUTPUT (replay --verify accepts them unlisted)
JOB_FILES = frozenset({"augmentlab.yaml", "manifest.jsonl", "errors.jsonl"})


def _sweep(partial: Path, keep: set[str]) -> None:
    """Remove what no manifest line accounts for: outputs of lines a resume dropped (a source
    changed, removed, or now unreadable), files assembled from sources since removed. Everything
    in OUTPUT.partial is this job's, so the finished folder holds exactly what the manifest says."""
    for path in sorted(partial.rglob("*"), reverse=True):  # children before their folders
        rel = path.relative_to(partial).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in keep:
            path.unlink()


def _nothing_written(src: Path, layout: str, entries: list[Entry], errors: list[dict[str, Any]]) -> str:
    """Why a run produced no output at all."""
    if not entries and not errors:
        return (f"nothing was written: found no samples in {src} (read as a {layout} dataset); "
                "check INPUT, or --text-column/--label for tables and text")
    shown = "; ".join(e["error"] if e["file"].split(":")[0] in e["error"] else f"{e['file']}: {e['error']}"
                      for e in errors[:3])  # most messages name their file already
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return (f"nothing was written: no sample could be augmented ({len(errors)} skipped with errors, "
            f"{layout} dataset in {src}): {shown}{more}")
