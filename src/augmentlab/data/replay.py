"""``augmentlab replay OUTPUT --verify``: re-run every manifest record, compare the bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.config import pipeline_from_document
from ..core.errors import AugmentlabError, InvalidInput
from ..core.sample import Record
from .layout import Entry, original_outputs, read_entry, scan, write_outputs

__all__ = ["verify_output"]


def verify_output(out: str | Path, *, src: str | Path | None = None) -> list[dict[str, Any]]:
    """Re-run each manifest line of an `augment_dataset` output from its source file and Record;
    returns the lines whose outputs differ (an empty list: every byte reproduced).

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
    pipe = pipeline_from_document(job["pipeline"], str(out / "augmentlab.yaml"))
    # layouts whose annotations live in a shared file (COCO) are listed again from the input
    entries = {e.rel: e for e in scan(root, job["layout"])[0]} if job["layout"] == "coco" else {}
    different = []
    for line in lines:
        outputs = line["outputs"]
        entry = entries.get(line["source"]) or Entry(
            line["source"], label=line.get("label"), mask=line.get("mask"), boxes=line.get("boxes"),
            extra={"format": "voc"} if job["layout"] == "voc" else {})
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
        bad = [rel for rel in outputs if not (out / rel).is_file()
               or (out / rel).read_bytes() != produced.get(rel)]
        if part is not None and json.loads(json.dumps(part)) != line.get("part"):
            bad.append("its annotations")
        if bad or sorted(produced) != sorted(outputs):
            different.append({**line, "problem": f"outputs differ: {', '.join(bad) or 'file list'}"})
    if job["layout"] == "coco":  # the shared JSON is the one the manifest's parts make
        from .coco import assemble_coco

        parts: dict[str, list[Any]] = {}
        for line in lines:
            if "part" in line and line.get("boxes"):
                parts.setdefault(line["boxes"], []).append(line["part"])
        for rel, shared in parts.items():
            path = out / rel
            if not path.is_file() or path.read_bytes() != assemble_coco(root, rel, shared):
                different.append({"source": rel, "outputs": [rel],
                                  "problem": "the COCO file differs from the manifest's annotations"})
    return different
