"""Volume files: the one reader of NIfTI (``.nii``, ``.nii.gz``) and the other formats nibabel
reads (MGH, Analyze), through nibabel (``pip install 'augmentlab[volume]'``).

A volume comes back in the file's voxel order (axes i, j, k of its affine, as ``D, H, W``) with
its spacing taken from the header's zooms in the same order, so ``volume=`` and ``spacing=`` of a
call are what the file says. A fourth axis (time, or channels) becomes the channels, last. An
unreadable file, one with more than four axes or with NaN or inf is a `DataError` naming it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..core.errors import DataError
from ..core.optional import require

__all__ = ["VOLUME_SUFFIXES", "VolumeFile", "read_volume"]

VOLUME_SUFFIXES = (".nii", ".nii.gz", ".mgh", ".mgz", ".img", ".hdr")


class VolumeFile(NamedTuple):
    """What `read_volume` returns: the voxels, their spacing (D, H, W) and the file's 4x4
    voxel-to-world affine.

    Example:
        >>> VolumeFile(np.zeros((1, 1, 1)), (1.0, 1.0, 1.0), np.eye(4)).spacing
        (1.0, 1.0, 1.0)
    """

    array: np.ndarray
    spacing: tuple[float, float, float]
    affine: np.ndarray


def read_volume(path: str | Path, *, labels: bool = False) -> VolumeFile:
    """Read a volume file: ``(array, spacing, affine)``. Intensities come as float32 (the
    header's scaling applied); with ``labels=True`` a label map comes as integers (int16, or
    int32 when the labels need it).

    Example:
        >>> import nibabel, tempfile, numpy as np
        >>> path = tempfile.mkdtemp() + "/v.nii.gz"
        >>> data = np.arange(24, dtype=np.int16).reshape(2, 3, 4)
        >>> nibabel.save(nibabel.Nifti1Image(data, np.diag([0.5, 1.0, 2.5, 1.0])), path)
        >>> array, spacing, affine = read_volume(path)
        >>> array.dtype, array.shape, spacing
        (dtype('float32'), (2, 3, 4), (0.5, 1.0, 2.5))
    """
    nibabel = require("nibabel", "volume", "reading volume files (NIfTI)")
    name = str(path)
    try:
        image = nibabel.load(name)
        zooms = image.header.get_zooms()
        if labels:
            raw = np.asanyarray(image.dataobj)
            array = np.rint(raw) if raw.dtype.kind == "f" else raw
        else:
            array = image.get_fdata(dtype=np.float32)
    except FileNotFoundError as exc:  # the file given, or its pair (an Analyze .hdr's .img)
        missing = exc.filename if exc.filename and str(exc.filename) != name else None
        raise DataError(f"its data file {missing} is missing (a header and its data come as a "
                        "pair)" if missing else "no such file", path=name) from None
    except Exception as exc:  # nibabel raises many types for a corrupt or foreign file
        raise DataError(f"cannot read this volume file (corrupt, truncated or not a volume "
                        f"nibabel reads): {type(exc).__name__}: {exc}", path=name) from None
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim not in (3, 4) or 0 in array.shape:
        raise DataError(f"expected a 3-D volume or a 4-D one (the fourth axis read as channels), "
                        f"got shape {array.shape}", path=name)
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise DataError("the volume holds NaN or inf voxels", path=name)
    if labels:
        wide = array.size and (array.min() < -(2**15) or array.max() >= 2**15)
        array = np.ascontiguousarray(array, dtype=np.int32 if wide else np.int16)
    spacing = tuple(float(z) for z in (list(zooms) + [1.0, 1.0, 1.0])[:3])
    return VolumeFile(np.ascontiguousarray(array), (spacing[0], spacing[1], spacing[2]),
                      np.asarray(image.affine, dtype=np.float64))
