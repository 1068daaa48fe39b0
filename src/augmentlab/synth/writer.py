"""Write synthetic samples in the input's format with a manifest (``augmentlab synth``).

Tables become ``synthetic.csv`` (label column included); images become PNG files in one folder
per class, as ``from_folder`` reads them. ``manifest.jsonl`` has one line per sample: where it
is, its label, its parents and score, and the generator config and seed that made it. Everything
is written to a temporary folder first and renamed into place: an interrupted run leaves nothing
half-written, and the input is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from .base import Synthetic

__all__ = ["GENERATORS", "make_generator", "write_synthetic"]

GENERATORS = ("smote", "borderline-smote", "adasyn", "random", "noise", "copula", "cvae", "cgan")


def make_generator(name: str, seed: int = 0) -> Any:
    """A generator by its command-line name.

    Example:
        >>> type(make_generator("smote")).__name__
        'SMOTE'
    """
    from . import (
        ADASYN,
        SMOTE,
        BorderlineSMOTE,
        ConditionalGAN,
        ConditionalVAE,
        GaussianCopula,
        GaussianNoise,
        RandomOverSampler,
    )

    table = {"smote": SMOTE, "borderline-smote": BorderlineSMOTE, "adasyn": ADASYN,
             "random": RandomOverSampler, "noise": GaussianNoise, "copula": GaussianCopula}
    if name == "cvae":
        return ConditionalVAE(seed=seed)
    if name == "cgan":
        return ConditionalGAN(seed=seed)
    if name not in table:
        raise InvalidConfig(f"unknown generator {name!r}; use one of {', '.join(GENERATORS)}")
    return table[name]()


def write_synthetic(out: str | Path, synthetic: Synthetic, *, generator: Any, seed: int,
                    classes: tuple[str, ...] | None = None, columns: tuple[str, ...] | None = None,
                    label: str = "label") -> Path:
    """Write `synthetic` to folder `out` (which must not exist yet, or be empty); returns it."""
    import cv2

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InvalidConfig(f"{out} exists and is not empty; choose a new folder (nothing is "
                            "overwritten)")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    config = generator.get_config() if hasattr(generator, "get_config") else {"name": type(generator).__name__}
    X = np.asarray(synthetic.X)
    y = np.asarray(synthetic.y)
    names = [classes[int(v)] if classes is not None else str(v) for v in y]
    lines: list[dict[str, Any]] = []
    if X.ndim >= 3:  # images: one folder per class
        for i, (img, name) in enumerate(zip(X, names, strict=True)):
            folder = tmp / name
            folder.mkdir(exist_ok=True)
            rel = f"{name}/synthetic_{i:06d}.png"
            ok, buf = cv2.imencode(".png", img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            (tmp / rel).write_bytes(buf.tobytes())
            lines.append({"file": rel, "label": name})
    else:
        import pandas as pd

        frame = pd.DataFrame(X, columns=list(columns) if columns else [f"x{j}" for j in range(X.shape[1])])
        frame[label] = names
        frame.to_csv(tmp / "synthetic.csv", index=False)
        lines = [{"row": i, "label": name} for i, name in enumerate(names)]
    scores = synthetic.scores
    with (tmp / "manifest.jsonl").open("w") as f:
        for i, line in enumerate(lines):
            line.update(parents=synthetic.parents[i],
                        score=None if scores is None else float(scores[i]),
                        generator=config, seed=seed)
            f.write(json.dumps(line, sort_keys=True) + "\n")
    if out.exists():
        out.rmdir()  # empty, checked above
    os.replace(tmp, out)
    return out
