"""``augmentlab augment``: a whole image dataset on disk, augmented with a manifest.

Guarantees:

- the same output bytes whatever the number of workers: each (image, copy) draws from the
  pipeline's seed tree at ``sample_id`` = a hash of the image's relative path, and the manifest is
  written in path order at the end;
- nothing lost: everything goes to ``OUTPUT.partial/`` (each file through a temporary name and a
  rename) and the folder is renamed to OUTPUT only when complete; an interrupted run started again
  with the same arguments skips what ``manifest.jsonl`` records as done; INPUT is never written;
- bad files (corrupt, truncated, over the pixel limit, a symlink out of INPUT, a label file that
  does not parse) are skipped with a line in ``errors.jsonl``, or stop the run (``strict``).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.compose import Compose
from ..core.errors import AugmentlabError, DataError, InvalidConfig
from ..core.files import atomic_write
from ..core.transform import Transform
from .layout import (
    MAX_PIXELS,
    Entry,
    detect_layout,
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
                f"{self.errors} files skipped with errors (see errors.jsonl) -> {self.output}")


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


def _cv2_threads(n: int) -> int:
    """Set OpenCV's thread count; returns the previous one."""
    import cv2

    previous = cv2.getNumThreads()
    cv2.setNumThreads(n)
    return int(previous)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _source_hash(rel: str) -> str:
    """sha256 of a source file, once per file per process (a table's rows share one file)."""
    cache = _STATE.setdefault("hashes", {})
    if rel not in cache:
        cache[rel] = _sha256(_STATE["src"] / rel)
    return str(cache[rel])


def _work(unit: tuple[int, int]) -> dict[str, Any]:
    """Augment and write one (entry, copy); a manifest line, or an error line."""
    index, copy = unit
    entry: Entry = _STATE["entries"][index]
    src, partial, pipe = _STATE["src"], _STATE["partial"], _STATE["pipeline"]
    try:
        fields = read_entry(src, entry, max_pixels=_STATE["max_pixels"])
        if copy == 0:  # the original, copied byte for byte
            files, part = original_outputs(src, entry)
            record = None
        else:
            out = pipe(**fields, sample_id=sample_id_of(entry.key), copy=copy, seed=_STATE["seed"])
            files, part = write_outputs(partial, entry, copy, out, src)
            record = out.record.to_dict()
        for rel, data in files.items():
            atomic_write(partial / rel, data)
    except (AugmentlabError, OSError) as exc:  # the message names the file (and line)
        named = isinstance(exc, DataError) and exc.path is not None
        where = entry.rel if entry.row is None else f"{entry.rel}:{entry.extra.get('line', entry.row)}"
        return {"error": {"file": where, "copy": copy,
                          "error": str(exc) if named else f"{src / where}: {exc}"}}
    line = {"source": entry.rel, "sha256": _source_hash(entry.rel), "copy": copy,
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
    try:
        import ray
    except ImportError:
        from ..core.errors import MissingDependency

        raise MissingDependency("ray", "ray", "augment --engine ray") from None
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
                              concurrency=workers, num_cpus=1)
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
    from .coco import assemble_coco
    from .rows import assemble_rows

    parts: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        if "part" in line:
            parts.setdefault(line["boxes"] if layout == "coco" else line["source"], []).append(line["part"])
    if layout == "coco":
        return {rel: assemble_coco(src, rel, p) for rel, p in parts.items()}
    return {rel: assemble_rows(src, rel, p, layout) for rel, p in parts.items()}


def augment_dataset(src: str | Path, out: str | Path, pipeline: Transform, *, copies: int = 1,
                    seed: int = 0, workers: int = 1, engine: str = "local",
                    ray_address: str | None = None, include_originals: bool = False,
                    strict: bool = False, overwrite: bool = False, max_pixels: int = MAX_PIXELS,
                    quiet: bool = False, label: str | None = None, text_column: str = "text",
                    command: list[str] | None = None) -> AugmentSummary:
    """Augment every sample of the dataset in `src` into `out`, in the same layout.

    `src` is a dataset folder (images in any layout of `augmentlab.data.layout`, audio, or
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
    _check_paths(src, out, overwrite, only is not None)
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    layout = layout_of_file(src / only, text_column) if only else detect_layout(src, text_column=text_column)
    entries, problems = scan(src, layout, label=label, text_column=text_column, only=only)
    if only is not None:
        entries = [e for e in entries if e.rel == only]
        problems = [p for p in problems if p["file"].split(":")[0] == only]
    from .. import __version__

    config = {"augmentlab": 1, "version": __version__, "input": str(src.resolve()), "only": only,
              "layout": layout,
              "label": label, "text_column": text_column,
              "pipeline": json.loads(pipe.to_json()),
              "config_hash": pipe.config_hash, "seed": seed, "copies": copies,
              "include_originals": include_originals, "max_pixels": max_pixels}
    partial = out.with_name(out.name + ".partial")
    job_file = partial / "augmentlab.yaml"
    if partial.exists():  # resume only the same job
        try:
            import yaml

            previous = yaml.safe_load(job_file.read_text())
        except (OSError, ValueError):
            previous = None
        if not isinstance(previous, dict) or {k: previous.get(k) for k in config} != config:
            raise InvalidConfig(f"augment: {partial} holds an interrupted run of a different job; "
                                "delete it, or run that job again to finish it")
    partial.mkdir(parents=True, exist_ok=True)
    import yaml

    atomic_write(job_file, yaml.safe_dump({**config, "command": command or sys.argv},
                                          sort_keys=True).encode())
    manifest, errors_file = partial / "manifest.jsonl", partial / "errors.jsonl"
    done = _done(manifest)
    first = 0 if include_originals else 1
    units = [(i, k) for i, e in enumerate(entries) for k in range(first, copies + 1)
             if (e.rel, -1 if e.row is None else e.row, k) not in done]
    if strict and problems:
        raise DataError(problems[0]["error"], path=str(src / problems[0]["file"]))
    if layout == "text" and units:  # back-translation: all texts in one translator call, before
        from ..text.translate import warm_pipeline  # the workers fork (they inherit the cache)

        warm_pipeline(pipe, [read_entry(src, entries[i])["text"] for i in sorted({i for i, _ in units})])
    state = {"entries": entries, "src": src, "partial": partial, "pipeline": pipe,
             "max_pixels": max_pixels, "seed": seed}
    errors = list(problems)
    written = 0
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=len(units), unit="item", desc="augment", dynamic_ncols=True)
    results: Any
    with manifest.open("a") as mf:
        pool = None
        if engine == "ray" and units:
            results = _ray_results(state, units, workers, ray_address)
        elif workers == 1 or len(units) < 2:
            _init(state)
            results = map(_work, units)
        else:
            # one process per core: OpenCV's own threads would only contend. Set in the parent
            # before the fork (a forked child must not reconfigure a thread pool it did not start)
            cv2_threads = _cv2_threads(1)
            try:
                pool = multiprocessing.get_context("fork").Pool(workers, _init, (state,))
            finally:
                _cv2_threads(cv2_threads)
            results = pool.imap(_work, units, chunksize=16)
        try:
            for result in results:
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
            if pool is not None:  # done: let the workers exit on their own
                pool.close()
                pool.join()
                pool = None
        finally:
            if pool is not None:  # stopped early (--strict, Ctrl-C): stop the workers now
                pool.terminate()
            if bar is not None:
                bar.close()
    for stale in partial.rglob(".*.tmp-*"):  # half-written files of a killed run
        stale.unlink()
    # canonical order: the same bytes whatever the workers and interruptions
    lines = sorted(_done(manifest).values(), key=line_order)
    atomic_write(manifest, "".join(json.dumps(d, sort_keys=True) + "\n" for d in lines).encode())
    for rel, data in shared_files(src, lines, layout).items():
        atomic_write(partial / rel, data)
    errors.sort(key=lambda e: (e["file"], e.get("copy", -1)))
    # the finished job records its line count: replay --verify notices a manifest cut short
    atomic_write(job_file, yaml.safe_dump({**config, "command": command or sys.argv,
                                           "manifest_lines": len(lines)}, sort_keys=True).encode())
    atomic_write(errors_file, "".join(json.dumps(e, sort_keys=True) + "\n" for e in errors).encode())
    if out.exists():  # --overwrite: the old output goes only once the new one is complete
        trash = out.with_name(out.name + ".old")
        shutil.rmtree(trash, ignore_errors=True)
        os.replace(out, trash)
        os.replace(partial, out)
        shutil.rmtree(trash)
    else:
        os.replace(partial, out)
    return AugmentSummary(out, written, len(done), len(errors))
