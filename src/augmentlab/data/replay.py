"""``augmentlab replay OUTPUT --verify``: re-run every manifest record, compare the bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.config import pipeline_from_document
from ..core.errors import AugmentlabError, InvalidInput
from ..core.sample import Record
from ..datasets.formats import carried_files, original_outputs, read_entry, scan, write_outputs
from .job import JOB_FILES, shared_files

__all__ = ["verify_output"]


def verify_output(out: str | Path, *, src: str | Path | None = None) -> list[dict[str, Any]]:
    """Re-run each manifest line of an `augment_dataset` output from its source file and Record;
    returns the lines whose outputs differ (an empty list: every byte reproduced). Files carried
    from the input as they are (`carried_files`: class names, a YOLO data.yaml) are compared with
    the input's; any other file the manifest does not list is reported.

    Example:
        >>> import tempfile, cv2, numpy as np, augmentlab as al
        >>> from augmentlab.data import augment_dataset
        >>> root = Path(tempfile.mkdtemp()); (root / "in").mkdir()
        >>> _ = cv2.imwrite(str(root / "in" / "a.png"), np.arange(64, dtype=np.uint8).reshape(8, 8))
        >>> _ = augment_dataset(root / "in", root / "out", al.Compose([al.Rotate(limit=30)]), quiet=True)
        >>> verify_output(root / "out")
        []
    """
    import yaml

    out = Path(out)
    try:
        job = yaml.safe_load((out / "augmentlab.yaml").read_text())
        lines = [json.loads(t) for t in (out / "manifest.jsonl").read_text().splitlines() if t]
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"replay: {out} is not an augmentlab output (augmentlab.yaml and "
                           f"manifest.jsonl): {exc}") from None
    root = Path(src) if src is not None else Path(job["input"])
    only = job.get("only")
    if root.is_file():  # the input file itself, moved: its folder is the root
        root, only = root.parent, root.name
    pipe = pipeline_from_document(job["pipeline"], str(out / "augmentlab.yaml"))
    # the input is listed again: COCO annotations, rows and audio formats live in its entries
    entries = {e.key: e for e in scan(root, job["layout"], label=job.get("label"),
                                      text_column=job.get("text_column", "text"), only=only)[0]}
    different = []
    for line in lines:
        outputs = line["outputs"]
        key = line["source"] if line.get("row") is None else f"{line['source']}#{line['row']}"
        entry = entries.get(key)
        if entry is None:
            different.append({**line, "problem": "its source is no longer in the input"})
            continue
        try:
            if line["record"] is None:  # an original, copied
                produced, part = original_outputs(root, entry)
            else:
                fields = read_entry(root, entry)
                sample = pipe.replay(Record.from_dict(line["record"]), **fields)  # type: ignore[attr-defined]
                produced, part = write_outputs(out, entry, int(line["copy"]), sample, root)
        except (AugmentlabError, OSError) as exc:
            different.append({**line, "problem": str(exc)})
            continue
        bad = [rel for rel in outputs if not (out / rel).is_file()]
        bad += [rel for rel, data in produced.items()
                if (out / rel).is_file() and (out / rel).read_bytes() != data]
        if part is not None and json.loads(json.dumps(part)) != line.get("part"):
            bad.append("its annotations or row")
        if bad or (line.get("row") is None and sorted(produced) != sorted(outputs)):
            different.append({**line, "problem": f"outputs differ: {', '.join(bad) or 'file list'}"})
    # files all outputs add to (COCO JSON, tables, JSONL) are what the manifest's parts make
    shared = shared_files(root, lines, job["layout"])
    for rel, data in shared.items():
        if not (out / rel).is_file() or (out / rel).read_bytes() != data:
            different.append({"source": rel, "outputs": [rel],
                              "problem": "this file differs from the one the manifest describes"})
    # the manifest must account for every file, and for as many lines as the run wrote
    expected = job.get("manifest_lines")
    if expected is not None and expected != len(lines):
        different.append({"source": "manifest.jsonl", "outputs": ["manifest.jsonl"],
                          "problem": f"{len(lines)} lines, but the run wrote {expected}"})
    # files carried from the input as they are (class names, data.yaml): the input's bytes
    carried = carried_files(root, job["layout"])
    for rel, data in carried.items():
        if not (out / rel).is_file():
            different.append({"source": rel, "outputs": [rel], "problem": f"carried from the input "
                              f"as it is, but missing from the output: copy {root / rel} into it"})
        elif (out / rel).read_bytes() != data:
            different.append({"source": rel, "outputs": [rel], "problem": f"carried from the input "
                              f"as it is, but it differs from the input's {rel}: copy {root / rel} "
                              "into the output again (or run augment again if the input changed)"})
    listed = {rel for line in lines for rel in line["outputs"]} | set(shared) | set(carried) | JOB_FILES
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if (path.is_file() or path.is_symlink()) and rel not in listed:
            different.append({"source": rel, "outputs": [rel],
                              "problem": "a file the manifest does not list"})
    return different

