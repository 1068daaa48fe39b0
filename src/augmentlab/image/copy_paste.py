"""Copy-paste (Ghiasi et al., "Simple Copy-Paste is a Strong Data Augmentation Method for
Instance Segmentation", CVPR 2021): objects cut out by their masks from a bank of annotated
images are pasted onto the image at random places and scales; what they cover is taken out of
the masks, boxes and keypoints of the objects already there.

The paper pastes a random subset of the objects of another image of the batch after large-scale
jitter, without blending (Gaussian blending of the alpha gave no gain there); objects fully hidden
are removed and the boxes of partly hidden ones shrink to what is left of their masks. Here the
other images are an `InstanceBank` (the training set itself, read from a COCO file, or arrays),
each pasted object has its own scale jitter, and the draws are params of the seed tree, recorded
and replayed like any other transform's.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ..core.errors import DataError, InvalidConfig, InvalidInput
from ..core.params import check_number
from ..core.sample import Sample, to_jsonable
from ..core.transform import Transform
from .io import read_image
from .segmentation import segmentation_mask
from .spatial.fields import BoxSet, PointSet

__all__ = ["CopyPaste", "Instance", "InstanceBank"]

_PLACEHOLDER = "instance-bank:"  # a bank of arrays, in a config: it cannot be loaded back

@dataclass(frozen=True)
class Instance:
    """One object to paste: its pixels (the object's bounding box cut from its image), its mask
    over that patch, and its label (carried to the pasted box as it is).

    Example:
        >>> obj = Instance(np.full((2, 3, 3), 200, np.uint8), np.ones((2, 3), bool), "coin")
        >>> obj.image.shape, obj.label
        ((2, 3, 3), 'coin')
    """

    image: np.ndarray
    mask: np.ndarray
    label: Any


class InstanceBank:
    """The objects `CopyPaste` draws from: from arrays (`from_arrays`), or every segmented object
    of a COCO file (`from_coco`, also what ``CopyPaste(bank="annotations.json")`` reads).

    Example:
        >>> img = np.zeros((8, 8, 3), np.uint8); img[2:5, 3:7] = 255
        >>> masks = np.zeros((8, 8, 1), np.uint8); masks[2:5, 3:7, 0] = 1
        >>> bank = InstanceBank.from_arrays([img], [masks], [["box"]])
        >>> len(bank), bank[0].image.shape, bank[0].label
        (1, (3, 4, 3), 'box')
    """

    def __init__(self, instances: Sequence[Instance]) -> None:
        self.instances = list(instances)
        if not self.instances:
            raise InvalidConfig("InstanceBank: no objects to paste; give at least one instance "
                                "with a non-empty mask")
        for i, inst in enumerate(self.instances):
            if inst.image.dtype not in (np.uint8, np.float32):
                raise InvalidConfig(f"InstanceBank: instance {i} is {inst.image.dtype}; objects are "
                                    "uint8 (0..255) or float32 (0..1) pixels, converted to each "
                                    "image's dtype when pasted")
            if inst.image.shape[:2] != inst.mask.shape or not inst.mask.any():
                raise InvalidConfig(f"InstanceBank: instance {i} has a {inst.mask.shape} mask for a "
                                    f"{inst.image.shape[:2]} patch, or an empty mask")

    def __len__(self) -> int:
        return len(self.instances)

    def digest(self) -> str:
        """A short hash of every object's pixels, mask and label (what a config shows for it)."""
        h = hashlib.sha256()
        for inst in self.instances:
            for arr in (inst.image, inst.mask):
                h.update(str((arr.shape, arr.dtype.str)).encode())
                h.update(np.ascontiguousarray(arr).tobytes())
            h.update(repr(inst.label).encode())
        return h.hexdigest()[:16]

    def __getitem__(self, i: int) -> Instance:
        return self.instances[i]

    @classmethod
    def from_arrays(cls, images: Sequence[np.ndarray], masks: Sequence[np.ndarray],
                    labels: Sequence[Sequence[Any]], *, min_area: int = 1) -> InstanceBank:
        """Objects from images with instance masks ``(H, W, N)`` (channel i: object i) and one
        label list per image; objects smaller than `min_area` pixels are left out."""
        out = []
        for n, (img, m, labs) in enumerate(zip(images, masks, labels, strict=True)):
            m = np.asarray(m)
            m = m[:, :, None] if m.ndim == 2 else m
            if m.shape[:2] != img.shape[:2] or m.shape[2] != len(labs):
                raise InvalidConfig(f"InstanceBank: image {n} is {img.shape[:2]}, its masks "
                                    f"{m.shape} for {len(labs)} labels; give (H, W, N) masks with "
                                    "one channel and one label per object")
            for k, label in enumerate(labs):
                inst = _cut(img, m[:, :, k] > 0, label, min_area)
                if inst is not None:
                    out.append(inst)
        return cls(out)

    @classmethod
    def from_coco(cls, path: str | Path, *, min_area: int = 64) -> InstanceBank:
        """Every segmented, non-crowd object of a COCO file (polygons or RLE) at least `min_area`
        pixels large. Images are found as the dataset command finds them (``images/`` beside an
        ``annotations/`` folder, or next to the file). Each label is
        ``{"category_id": ..., "pasted_from": "<file_name>#<annotation id>"}`` (a pasted box's
        label also gets ``"mask_channel"``, its channel of the instance mask): the COCO output of
        the dataset command writes it as a new annotation that says where it came from."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise DataError(f"not valid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
        except OSError as exc:
            raise DataError(f"cannot read the copy-paste bank: {exc}", path=str(path)) from None
        if not isinstance(data, dict) or not isinstance(data.get("images"), list) or \
                not isinstance(data.get("annotations"), list):
            raise DataError("a COCO file needs lists 'images' and 'annotations'", path=str(path))
        root = path.parent.parent if path.parent.name == "annotations" else path.parent
        images = {img.get("id"): img for img in data["images"] if isinstance(img, dict)}
        by_image: dict[Any, list[dict[str, Any]]] = {}
        for ann in data["annotations"]:
            if isinstance(ann, dict) and ann.get("segmentation") and not ann.get("iscrowd") and \
                    ann.get("image_id") in images:
                by_image.setdefault(ann["image_id"], []).append(ann)
        out = []
        for image_id, anns in by_image.items():
            record = images[image_id]
            name = record.get("file_name")
            file = _image_file(root, name, path)
            img = read_image(file, rgb=True)
            h, w = img.shape[:2]
            if (record.get("height"), record.get("width")) not in ((h, w), (None, None)):
                raise DataError(f"{name}: the file is {w}x{h}, the record says "
                                f"{record.get('width')}x{record.get('height')}; the annotations "
                                "would not fit the image", path=str(path))
            for ann in anns:
                where = f"{path.name}: annotation id {ann.get('id')}"
                mask = segmentation_mask(ann["segmentation"], h, w, where) > 0
                label = {"category_id": ann.get("category_id"),
                         "pasted_from": f"{name}#{ann.get('id')}"}
                inst = _cut(img, mask, label, min_area)
                if inst is not None:
                    out.append(inst)
        if not out:
            raise DataError(f"no segmented object of at least {min_area} pixels to paste",
                            path=str(path))
        return cls(out)


def _image_file(root: Path, name: Any, source: Path) -> Path:
    if not isinstance(name, str) or not name:
        raise DataError(f"an image record has no file_name ({name!r})", path=str(source))
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":"):
        raise DataError(f"file_name {name!r} is absolute or contains '..'; a bank reads only "
                        "images under its own folder", path=str(source))
    for folder in (root / "images", root):
        if (folder / p).is_file():
            return folder / p
    raise DataError(f"image {name!r} is listed but missing (looked in {root / 'images'} and {root})",
                    path=str(source))


def _cut(img: np.ndarray, mask: np.ndarray, label: Any, min_area: int) -> Instance | None:
    ys, xs = np.nonzero(mask)
    if len(xs) < max(min_area, 1):
        return None
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    return Instance(np.ascontiguousarray(img[y0:y1, x0:x1]), mask[y0:y1, x0:x1].copy(), label)


def _as_target(patch: np.ndarray, image: np.ndarray, key: str) -> np.ndarray:
    """A bank object's pixels in the image's dtype and channels: uint8 and float32 (0..1) either
    way; an RGB object on a grey image turns grey, on an RGBA one gets an opaque alpha."""
    import cv2

    channels = 1 if image.ndim == 2 else image.shape[2]
    have = 1 if patch.ndim == 2 else patch.shape[2]
    if image.dtype == np.float32 and patch.dtype == np.uint8:
        patch = patch.astype(np.float32) / 255.0
    elif image.dtype == np.uint8 and patch.dtype == np.float32:
        patch = np.clip(np.rint(patch * 255.0), 0, 255).astype(np.uint8)
    if channels == 1 and have == 3:
        patch = cv2.cvtColor(patch, cv2.COLOR_RGB2GRAY)
    elif channels == 4 and have == 3:
        opaque = np.full(patch.shape[:2] + (1,), 255 if patch.dtype == np.uint8 else 1.0, patch.dtype)
        patch = np.concatenate([patch, opaque], axis=2)
    have = 1 if patch.ndim == 2 else patch.shape[2]
    if have != channels:
        raise InvalidInput(f"{key}: CopyPaste: the image has {channels} channels and the bank's "
                           f"objects {have}; give a bank of the same kind of images")
    if channels == 1:  # (H, W) or (H, W, 1), as the image is
        patch = patch.reshape(patch.shape[:2] + image.shape[2:])
    return patch


@dataclass(frozen=True)
class _Pasted:
    """One pasted object on the frame: the window it covers and its pixels and mask there."""

    window: tuple[int, int, int, int]  # y0, y1, x0, x1 inside the frame
    image: np.ndarray
    mask: np.ndarray
    label: Any


class CopyPaste(Transform):
    """Paste objects from an `InstanceBank` onto the image (Ghiasi et al. 2021), each at a random
    place (its centre inside the image), a random scale in `scale` and mirrored half the time;
    masks, boxes and keypoints of the objects already there lose what the pasted ones cover.

    `bank` is a COCO file (a path: the pipeline can be saved and run by ``augmentlab augment``)
    or an `InstanceBank`. Instance masks are ``(H, W, N)`` with channel i the object of box i (as
    the dataset command reads COCO); pasted objects add a channel and a box each, labelled by the
    bank. A box whose object is hidden entirely goes; a partly hidden one shrinks to what is left
    of its mask, and its visibility drops by the share hidden (``min_visibility`` filters it).
    Keypoints under a pasted object go. A class mask ``(H, W)`` takes the pasted object's label
    (an integer class id) where it is pasted. ``blend_sigma`` > 0 softens the pasted edge.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((8, 8, 3), np.uint8); img[2:5, 3:7] = 255
        >>> m = np.zeros((8, 8, 1), np.uint8); m[2:5, 3:7, 0] = 1
        >>> bank = al.InstanceBank.from_arrays([img], [m], [["box"]])
        >>> out = al.Compose([al.CopyPaste(bank=bank, objects=1)], seed=0)(
        ...     image=np.zeros((32, 32, 3), np.uint8), mask=np.zeros((32, 32, 0), np.uint8),
        ...     bboxes=al.BBoxes([], labels=[]), sample_id=0)
        >>> out["bboxes"].labels, out["mask"].shape
        (['box'], (32, 32, 1))
    """

    fields = frozenset({"image", "mask", "bboxes", "keypoints"})
    native_params = True

    def __init__(self, *, bank: str | InstanceBank, objects: int | tuple[int, int] = (1, 3),
                 scale: float | tuple[float, float] = (0.5, 1.5), flip: bool = True,
                 blend_sigma: float = 0.0, min_area: int = 64, p: float = 0.5) -> None:
        super().__init__(p=p)
        owner = type(self).__name__
        if isinstance(bank, InstanceBank):
            self.bank = bank
        elif isinstance(bank, (str, Path)):
            if str(bank).startswith(_PLACEHOLDER):
                raise InvalidConfig(f"{owner}: this config was written from a transform built with "
                                    f"an InstanceBank of arrays ({bank}), which a config does not "
                                    "hold; give the path of a COCO file to save and load it")
            self.bank = InstanceBank.from_coco(bank, min_area=int(min_area))
        else:
            raise InvalidConfig(f"{owner}: bank must be the path of a COCO file or an "
                                f"InstanceBank, got {type(bank).__name__}")
        lo, hi = (objects, objects) if isinstance(objects, int) else tuple(objects)
        if isinstance(lo, bool) or not isinstance(lo, int) or not isinstance(hi, int) or \
                not 1 <= lo <= hi <= 100:
            raise InvalidConfig(f"{owner}: objects={objects!r} must be a count or a (min, max) pair "
                                "of counts from 1 to 100")
        self.objects = (lo, hi)
        s = (scale, scale) if isinstance(scale, (int, float)) else tuple(scale)
        if len(s) != 2 or not all(isinstance(v, (int, float)) and 0.05 <= v <= 10 for v in s) or \
                s[0] > s[1]:
            raise InvalidConfig(f"{owner}: scale={scale!r} must be a factor or a (low, high) pair "
                                "between 0.05 and 10")
        self.scale = (float(s[0]), float(s[1]))
        self.flip = bool(flip)
        self.blend_sigma = float(check_number(owner, "blend_sigma", blend_sigma, low=0, high=50))

    def get_config(self) -> dict[str, Any]:
        """The config; a bank given as arrays is shown as a placeholder naming its digest (so two
        banks hash differently), which `from_config` refuses: only a path can be saved."""
        bank = self._config.get("bank")
        if isinstance(bank, InstanceBank):
            config = {k: v for k, v in self._config.items() if k != "bank"}
            return {"name": self.name, "bank": f"{_PLACEHOLDER}{bank.digest()}",
                    **to_jsonable(config)}
        return super().get_config()

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        drawn = []
        for _ in range(int(rng.integers(self.objects[0], self.objects[1] + 1))):
            i = int(rng.integers(len(self.bank)))
            s = math.exp(rng.uniform(math.log(self.scale[0]), math.log(self.scale[1])))
            ph, pw = self.bank[i].mask.shape
            ph, pw = max(1, round(ph * s)), max(1, round(pw * s))
            # the object's centre lands inside the image
            y = int(rng.integers(-(ph // 2), h - ph // 2))
            x = int(rng.integers(-(pw // 2), w - pw // 2))
            mirror = bool(self.flip and rng.random() < 0.5)
            drawn.append({"instance": i, "height": ph, "width": pw, "y": y, "x": x, "flip": mirror})
        return {"objects": drawn}

    # -- application ---------------------------------------------------------------------------
    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        import cv2

        h, w = sample.size
        pasted: list[_Pasted] = []
        for obj in params["objects"]:
            inst = self.bank[obj["instance"]]
            size = (obj["width"], obj["height"])
            img = cv2.resize(inst.image, size, interpolation=cv2.INTER_LINEAR)
            mask = cv2.resize(inst.mask.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
            if obj["flip"]:
                img, mask = img[:, ::-1], mask[:, ::-1]
            y0, x0 = obj["y"], obj["x"]
            wy0, wy1 = max(y0, 0), min(y0 + obj["height"], h)
            wx0, wx1 = max(x0, 0), min(x0 + obj["width"], w)
            if wy1 <= wy0 or wx1 <= wx0:
                continue
            crop = (slice(wy0 - y0, wy1 - y0), slice(wx0 - x0, wx1 - x0))
            pasted.append(_Pasted((wy0, wy1, wx0, wx1), img[crop], mask[crop], inst.label))
        covers = [self._frame_mask(o, (h, w)) for o in pasted]
        hidden = np.zeros((h, w), bool)
        for c in covers:
            hidden |= c
        # what stays visible of each pasted object: later ones cover earlier ones
        visible = []
        later = np.zeros((h, w), bool)
        for c in covers[::-1]:
            visible.append(c & ~later)
            later |= c
        visible = visible[::-1]
        changes: dict[str, Any] = {}
        box_keys = [k for k, kind in sample.kinds.items() if kind == "bboxes"]
        self._check_call(sample, box_keys)
        for key, kind in sample.kinds.items():
            value = sample[key]
            if kind == "image":
                changes[key] = self._paste_image(value, pasted, key)
            elif kind == "mask":
                changes[key] = self._paste_mask(value, pasted, visible, hidden, key)
            elif kind == "keypoints":
                changes[key] = self._drop_hidden_points(value, hidden)
        for key in box_keys:
            masks = [k for k, kind in sample.kinds.items() if kind == "mask" and sample[k].ndim == 3]
            changes[key] = self._update_boxes(sample[key], sample[masks[0]] if masks else None,
                                              hidden, pasted, visible)
        return sample.derive(**changes)

    def _check_call(self, sample: Sample, box_keys: list[str]) -> None:
        if not box_keys:
            return
        if len(box_keys) > 1:
            raise InvalidInput(f"CopyPaste: one box field per call, got {', '.join(box_keys)}")
        boxes: BoxSet = sample[box_keys[0]]
        why = None
        if boxes.rotated:
            why = "rotated boxes are not supported"
        elif not boxes.as_object or boxes.extra.shape[1]:
            why = ("pasted boxes need their labels: pass boxes as al.BBoxes(boxes, labels=...), "
                   "without extra columns")
        elif any(kind == "bbox_labels" for kind in sample.kinds.values()):
            why = "label lists beside the boxes cannot grow with the pasted ones; put the labels " \
                  "inside al.BBoxes(..., labels=...)"
        elif not any(kind == "mask" and sample[k].ndim == 3 for k, kind in sample.kinds.items()):
            why = ("boxes need instance masks (H, W, N), channel i the object of box i, to know "
                   "what the pasted objects hide")
        if why:
            raise InvalidInput(f"{box_keys[0]}: CopyPaste: {why}")

    @staticmethod
    def _frame_mask(obj: _Pasted, size: tuple[int, int]) -> np.ndarray:
        out = np.zeros(size, bool)
        y0, y1, x0, x1 = obj.window
        out[y0:y1, x0:x1] = obj.mask
        return out

    def _paste_image(self, image: np.ndarray, pasted: list[_Pasted], key: str) -> np.ndarray:
        import cv2

        out = image.copy()
        for obj in pasted:
            patch = _as_target(obj.image, image, key)
            y0, y1, x0, x1 = obj.window
            region = out[y0:y1, x0:x1]
            if self.blend_sigma > 0:
                alpha = cv2.GaussianBlur(obj.mask.astype(np.float32), (0, 0), self.blend_sigma)
                alpha = alpha[..., None] if region.ndim == 3 else alpha
                mixed = alpha * patch.astype(np.float32) + (1 - alpha) * region.astype(np.float32)
                region[...] = np.clip(np.rint(mixed), 0, 255).astype(image.dtype) \
                    if image.dtype == np.uint8 else mixed.astype(image.dtype)
            else:
                region[obj.mask] = patch[obj.mask]
        return out

    @staticmethod
    def _paste_mask(mask: np.ndarray, pasted: list[_Pasted], visible: list[np.ndarray],
                    hidden: np.ndarray, key: str) -> np.ndarray:
        out = mask.copy()
        if mask.ndim == 3:  # instances: the pasted objects hide what they cover, add a channel
            out[hidden] = 0
            new = [seen.astype(mask.dtype) for seen in visible if seen.any()]
            return np.concatenate([out, np.stack(new, axis=2)], axis=2) if new else out
        for obj, seen in zip(pasted, visible, strict=True):  # classes: the object's class id
            label = obj.label.get("category_id") if isinstance(obj.label, dict) else obj.label
            if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
                raise InvalidInput(f"{key}: CopyPaste writes a class mask with the pasted object's "
                                   f"label as its class id, and {obj.label!r} is not an integer; "
                                   "label the bank's objects with class ids or pass instance "
                                   "masks (H, W, N)")
            out[seen] = label
        return out

    @staticmethod
    def _drop_hidden_points(points: PointSet, hidden: np.ndarray) -> PointSet:
        h, w = hidden.shape
        cols = np.clip(np.floor(points.xy[:, 0] + 0.5).astype(int), 0, w - 1)
        rows = np.clip(np.floor(points.xy[:, 1] + 0.5).astype(int), 0, h - 1)
        return points.subset(~hidden[rows, cols])

    def _update_boxes(self, boxes: BoxSet, masks: np.ndarray | None, hidden: np.ndarray,
                      pasted: list[_Pasted], visible: list[np.ndarray]) -> BoxSet:
        assert masks is not None and boxes.index is not None
        n_channels = masks.shape[2]
        if len(boxes.index) and int(boxes.index.max()) >= n_channels:
            raise InvalidInput(f"CopyPaste: box {int(boxes.index.max())} has no instance mask (the "
                               f"masks have {n_channels} channels); give one channel per box")
        xyxy, vis = boxes.xyxy.copy(), boxes.visibility.copy()
        keep = np.ones(len(xyxy), bool)
        for j, c in enumerate(boxes.index):
            obj = masks[:, :, int(c)] != 0
            before = int(obj.sum())
            if before == 0 or not (obj & hidden).any():
                continue  # no mask to tell (a box without segmentation), or nothing hidden
            left = obj & ~hidden
            ys, xs = np.nonzero(left)
            if len(xs) == 0:
                keep[j] = False
                continue
            xyxy[j] = [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
            vis[j] *= len(xs) / before
        kept = boxes.with_boxes(xyxy, vis).subset(keep)
        new_xyxy: list[list[float]] = []
        new_vis: list[float] = []
        labels: list[Any] = []
        for obj, seen in zip(pasted, visible, strict=True):
            ys, xs = np.nonzero(seen)
            if len(xs) == 0:
                continue
            new_xyxy.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
            new_vis.append(len(xs) / max(int(obj.mask.sum()), 1))
            channel = n_channels + len(labels)  # pasted objects' channels follow the input's
            # a COCO bank's label (a dict) says which channel holds the object, for the writer
            labels.append({**obj.label, "mask_channel": channel} if isinstance(obj.label, dict)
                          else obj.label)
        channels = list(range(n_channels, n_channels + len(labels)))
        return BoxSet(
            xyxy=np.concatenate([kept.xyxy, np.array(new_xyxy, np.float64).reshape(-1, 4)]),
            extra=np.zeros((len(kept.xyxy) + len(new_xyxy), 0)),
            labels=(list(kept.labels or [None] * len(kept.xyxy))) + labels,
            visibility=np.concatenate([kept.visibility, np.array(new_vis, np.float64)]),
            format=boxes.format, as_object=True, dtype=boxes.dtype,
            index=np.concatenate([kept.index if kept.index is not None else np.zeros(0, int),
                                  np.array(channels, int)]),
        )
