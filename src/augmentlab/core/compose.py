"""Pipelines: `Compose`, `OneOf`, `SomeOf`, `Sometimes`, `Sequential`, all nestable.

One runner walks the tree. Each node gets its own generator from the seed tree; consecutive
geometric transforms are planned from sizes alone and warped once (matrix fusion); consecutive
pointwise colour maps on uint8 images become one table pass (LUT fusion). ``fuse=False`` runs
every step on its own, to compare.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, cast

import numpy as np

from .errors import InvalidConfig, InvalidInput
from .fields import (
    BBOX_FORMATS,
    FIELD_KINDS,
    BoxSet,
    PointSet,
    check_image,
    check_mask,
    resolve_kinds,
)
from .geometry import exact_plan
from .lut import apply_lut, compose_luts
from .modal import MODAL_KINDS, check_modal_fields
from .params import check_choice, check_number
from .rng import STREAMS, integer, pack_path, pack_sample, path_key
from .sample import Record, Sample, Step, to_jsonable
from .transform import GeometricTransform, PointwiseTransform, Transform
from .warp import warp_sample

__all__ = ["BaseCompose", "Compose", "OneOf", "Sequential", "SomeOf", "Sometimes"]


def _child_keys(children: Sequence[Transform]) -> list[tuple[int, str]]:
    seen: dict[str, int] = {}
    keys = []
    for child in children:
        k = seen.get(child.name, 0)
        seen[child.name] = k + 1
        keys.append((path_key(child.name, k), f"{child.name}#{k}"))
    return keys


def _check_children(owner: str, transforms: Any) -> list[Transform]:
    if isinstance(transforms, Transform):
        transforms = [transforms]
    if not isinstance(transforms, (list, tuple)):
        raise InvalidConfig(f"{owner}: transforms must be a list of transforms, got "
                            f"{type(transforms).__name__}")
    for i, t in enumerate(transforms):
        if not isinstance(t, Transform):
            raise InvalidConfig(f"{owner}: transforms[{i}] is a {type(t).__name__}, not a "
                                "transform")
    return list(transforms)


_CONTAINER, _GEOMETRIC, _POINTWISE, _OTHER = range(4)
# Step(...) and Record(...) run a Python-level __new__; the runner makes several per sample
_new_tuple = tuple.__new__


def _role(t: Transform) -> int:
    if isinstance(t, BaseCompose):
        return _CONTAINER
    if isinstance(t, GeometricTransform):
        return _GEOMETRIC
    if isinstance(t, PointwiseTransform):
        return _POINTWISE
    return _OTHER


class _Entry(NamedTuple):
    transform: Transform
    path: bytes  # the node's path in the seed tree, packed (`pack_path`)
    label: str
    role: int
    children: list[_Entry]
    name: str  # the transform's registry name
    stochastic: bool  # p < 1 or random: the node needs a stream (or a replayed step)


class BaseCompose(Transform):
    """A node that runs some of its children in some order; ``choose`` decides which."""

    _abstract = True
    _positional_ok = True  # the transform list may be given positionally, as everywhere else

    def __init__(self, transforms: Sequence[Transform], *, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.transforms = _check_children(type(self).__name__, transforms)
        self._keys = _child_keys(self.transforms)

    def _plan(self, path: tuple[int, ...], path_str: str) -> list[_Entry]:
        """What the runner needs per child, worked out once for the whole tree: the child, its
        path in the seed tree and in records, its role, and (for containers) its own plan."""
        plan = []
        for t, (key, label) in zip(self.transforms, self._keys, strict=True):
            child_path, child_str = path + (key,), f"{path_str}/{label}"
            sub = t._plan(child_path, child_str) if isinstance(t, BaseCompose) else []
            plan.append(_Entry(t, pack_path(child_path), child_str, _role(t), sub, t.name,
                               t.p < 1.0 or t.random))
        return plan

    def choose(self, rng: np.random.Generator) -> list[int]:
        """Indices of the children to run, in order."""
        return list(range(len(self.transforms)))

    def choose_for(self, sample: Sample, rng: np.random.Generator) -> list[int]:
        """`choose` for a container whose choice depends on the sample (e.g. its label). Only
        fields no transform moves may be read: pending fused warps are not applied yet."""
        return self.choose(rng)

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        cfg["transforms"] = [t.get_config() for t in self.transforms]
        return cfg

    @classmethod
    def _from_args(cls, args: dict[str, Any]) -> Transform:
        args = dict(args)
        children = args.pop("transforms", None)
        if not isinstance(children, list):
            raise InvalidConfig(f"{cls.__name__}: 'transforms' must be a list of transform "
                                "configs")
        return cls([Transform.from_config(c) for c in children], **args)

    def leaves(self) -> list[Transform]:
        """Every transform inside, nested groups opened, in order.

        Example:
            >>> from augmentlab.image import HorizontalFlip, VerticalFlip
            >>> [t.name for t in Compose([HorizontalFlip(), Sometimes([VerticalFlip()])]).leaves()]
            ['HorizontalFlip', 'VerticalFlip']
        """
        return [leaf for t in self.transforms
                for leaf in (t.leaves() if isinstance(t, BaseCompose) else [t])]

    def __len__(self) -> int:
        return len(self.transforms)

    def __getitem__(self, i: int) -> Transform:
        return self.transforms[i]


class Sequential(BaseCompose):
    """Run all children, in order or (``random_order=True``) in a random order.

    Example:
        >>> import augmentlab as al
        >>> seq = al.Sequential([al.Invert(), al.Solarize()], random_order=True)
        >>> len(seq)
        2
    """

    def __init__(self, transforms: Sequence[Transform], *, random_order: bool = False,
                 p: float = 1.0) -> None:
        super().__init__(transforms, p=p)
        self.random_order = bool(random_order)

    def choose(self, rng: np.random.Generator) -> list[int]:
        order = list(range(len(self.transforms)))
        if self.random_order:
            order = [int(i) for i in rng.permutation(len(order))]
        return order


class OneOf(BaseCompose):
    """Run exactly one child, picked with the given ``weights`` (uniform by default); the picked
    child then still applies with its own ``p``.

    Example:
        >>> import augmentlab as al
        >>> al.OneOf([al.Blur(), al.MedianBlur()], weights=[3, 1]).weights
        [0.75, 0.25]
    """

    def __init__(self, transforms: Sequence[Transform], *, weights: Sequence[float] | None = None,
                 p: float = 1.0) -> None:
        super().__init__(transforms, p=p)
        n = len(self.transforms)
        if n == 0:
            raise InvalidConfig("OneOf: needs at least one transform")
        w = [1.0] * n if weights is None else [float(x) for x in weights]
        if len(w) != n or any(x < 0 for x in w) or sum(w) <= 0:
            raise InvalidConfig(f"OneOf: weights={weights!r} must be {n} non-negative numbers "
                                "with a positive sum")
        self.weights = [x / sum(w) for x in w]

    def choose(self, rng: np.random.Generator) -> list[int]:
        return [int(rng.choice(len(self.transforms), p=self.weights))]


class SomeOf(BaseCompose):
    """Run ``n`` distinct children picked at random (``n`` may be a ``(min, max)`` range), in
    their listed order.

    Example:
        >>> import augmentlab as al
        >>> al.SomeOf([al.Invert(), al.Solarize(), al.Posterize()], n=2).n
        (2, 2)
    """

    def __init__(self, transforms: Sequence[Transform], *, n: int | Sequence[int] = 1,
                 p: float = 1.0) -> None:
        super().__init__(transforms, p=p)
        lo, hi = (n, n) if isinstance(n, int) else tuple(n)
        for v in (lo, hi):
            check_number("SomeOf", "n", v, low=0, high=len(self.transforms), integer=True)
        if lo > hi:
            raise InvalidConfig(f"SomeOf: n={n!r} has min > max")
        self.n = (int(lo), int(hi))

    def choose(self, rng: np.random.Generator) -> list[int]:
        k = integer(rng, self.n[0], self.n[1] + 1)
        return sorted(int(i) for i in rng.choice(len(self.transforms), size=k, replace=False))


class Sometimes(BaseCompose):
    """Run all children, in order, with probability ``p`` (default 0.5) for the group.

    Example:
        >>> import augmentlab as al
        >>> al.Sometimes([al.Invert()], p=0.3).p
        0.3
    """

    random = False  # runs all children; only its own p is random (drawn by the runner)

    def __init__(self, transforms: Sequence[Transform], *, p: float = 0.5) -> None:
        super().__init__(transforms, p=p)


_NO_RNG = cast(np.random.Generator, None)


class _Layout(NamedTuple):
    """Which call keys hold which kind of field; worked out once per distinct set of keys."""

    kinds: dict[str, str]
    images: tuple[str, ...]
    masks: tuple[str, ...]
    boxes: tuple[str, ...]
    points: tuple[str, ...]
    modal: bool  # text, audio, rows: validated by core.modal
    has_size: bool  # images or masks
    moves_points: bool  # boxes or keypoints


class _Runner:
    """Walks a pipeline tree once for one sample, sampling or replaying params, fusing steps."""

    __slots__ = ("copy", "fuse", "geo", "geo_size", "has_size", "image_keys", "images_uint8", "luts",
                 "moves_points", "packed", "replay", "sample", "sample_id", "seed", "size", "steps")

    def __init__(self, sample: Sample, size: tuple[int, int], images_uint8: bool, layout: _Layout,
                 seed: int, sample_id: int, copy: int, fuse: bool,
                 replay: dict[str, Step] | None) -> None:
        self.sample = sample
        self.seed, self.sample_id, self.copy = seed, sample_id, copy
        self.packed: bytes | None = None  # pack_sample(seed, sample_id, copy), once needed
        self.fuse = fuse
        self.replay = replay
        self.steps: list[Step] = []
        self.geo: list[tuple[GeometricTransform, dict[str, Any], tuple[int, int]]] = []
        self.geo_size: tuple[int, int] | None = None
        self.luts: list[tuple[PointwiseTransform, dict[str, Any]]] = []
        self.image_keys = layout.images
        self.moves_points = layout.moves_points
        self.has_size = layout.has_size
        self.size = size  # of the sample as it is now; (0, 0) without images and masks
        self.images_uint8 = images_uint8

    # -- flushing pending fused work -----------------------------------------------------------
    def flush_geometry(self) -> None:
        if not self.geo:
            return
        first, params, size = self.geo[0]
        assert self.geo_size is not None
        if len(self.geo) == 1 and not first.random:
            # a fixed warp (a flip, a centre crop, a pad) depends on the size alone: its matrix
            # and exact plan are worked out once per size
            cache = first.__dict__.get("_warp_cache")
            if cache is None:
                cache = first.__dict__["_warp_cache"] = {}
            hit = cache.get(size)
            if hit is None:
                if len(cache) > 64:
                    cache.clear()
                m = first.matrix(params, size)
                hit = cache[size] = (m, exact_plan(m, size))
            self.sample = warp_sample(self.sample, hit[0], self.geo_size, first.style, size, hit[1])
        elif len(self.geo) == 1 and (plan := first.window(params, size)) is not None:
            # a lone random window (a crop): the plan comes straight from the params; the matrix
            # is only needed to move boxes and keypoints
            moved = first.matrix(params, size) if self.moves_points else None
            self.sample = warp_sample(self.sample, moved, self.geo_size, first.style, size, plan)
        else:
            m = first.matrix(params, size)
            for t, params, size in self.geo[1:]:
                m = t.matrix(params, size) @ m
            self.sample = warp_sample(self.sample, m, self.geo_size, first.style, self.size)
        self.size = self.geo_size
        self.geo, self.geo_size = [], None

    def flush_luts(self) -> None:
        if not self.luts:
            return
        changes = {}
        luts = self.luts
        first, first_params = luts[0]
        for key in self.image_keys:
            img = self.sample[key]
            channels = 1 if img.ndim == 2 else img.shape[2]
            table = first.lut(first_params, channels)
            if len(luts) > 1:
                for t, params in luts[1:]:
                    table = compose_luts(table, t.lut(params, channels))
            changes[key] = apply_lut(img, table)
        self.sample = self.sample.derive(**changes)
        self.luts = []

    def flush(self) -> None:
        """Apply whatever fused work is still pending (the checks skip two empty calls)."""
        if self.geo:
            self.flush_geometry()
        if self.luts:
            self.flush_luts()

    # -- walking ---------------------------------------------------------------------------------
    def run_children(self, plan: list[_Entry], chosen: Sequence[int]) -> None:
        """Run the chosen children of a node, deciding, sampling (or replaying) and fusing each."""
        for i in chosen:
            t, child_path, child_str, role, sub, name, stochastic = plan[i]
            params: dict[str, Any] | None = None
            rng = _NO_RNG
            if stochastic:
                if self.replay is not None:
                    step = self.replay.get(child_str)
                    if step is None or step.name != name:
                        raise InvalidInput(f"replay: the record has no step {child_str!r}; it was "
                                           "made by a different pipeline")
                    applied, params = step.applied, step.params
                else:
                    if self.packed is None:
                        self.packed = pack_sample(self.seed, self.sample_id, self.copy)
                    rng = STREAMS.get_packed(self.packed + child_path)
                    applied = t.p >= 1.0 or (t.p > 0.0 and rng.random() < t.p)
                if not applied:
                    self.steps.append(_new_tuple(Step, (child_str, name, False, {})))
                    continue
            if role == _CONTAINER:
                if params is None:
                    params = {"chosen": cast(BaseCompose, t).choose_for(self.sample, rng)}
                if t.random or t.p < 1.0:  # a container that runs everything has nothing to record
                    self.steps.append(_new_tuple(Step, (child_str, name, True, params)))
                self.run_children(sub, params["chosen"])
                continue
            if role == _GEOMETRIC and self.fuse and self.has_size:
                geo_t = cast(GeometricTransform, t)
                if self.luts:
                    self.flush_luts()
                if self.geo and self.geo[0][0].style != geo_t.style:
                    self.flush_geometry()
                size = self.geo_size or self.size
                if params is None:
                    params = geo_t.sample_geometry(size, rng)
                    if params and not geo_t.native_params:  # a flip's {} needs no conversion
                        params = to_jsonable(params)
                self.geo.append((geo_t, params, size))
                self.geo_size = geo_t.output_size(params, size)
            elif role == _POINTWISE and self.fuse and self.images_uint8:
                if self.geo:
                    self.flush_geometry()
                if params is None:
                    params = t.sample_params(self.sample, rng)
                    if params and not t.native_params:
                        params = to_jsonable(params)
                self.luts.append((cast(PointwiseTransform, t), params))
            else:
                if self.geo:
                    self.flush_geometry()
                if self.luts:
                    self.flush_luts()
                if params is None:
                    params = t.sample_params(self.sample, rng)
                    if params and not t.native_params:
                        params = to_jsonable(params)
                self.sample = t.apply(self.sample, params)
                self.images_uint8 = all(self.sample[k].dtype.char == "B" for k in self.image_keys)
                if self.has_size:
                    self.size = self.sample.size
            self.steps.append(_new_tuple(Step, (child_str, name, True, params)))


class Compose(BaseCompose):
    """The pipeline a user calls. Runs its children in order; owns the seed and field settings.

    Args:
        transforms: transforms and nested containers.
        seed: root of the seed tree. ``None`` draws a fresh seed per call (still recorded).
        bbox_format: format of plain box arrays (``BBoxes`` objects carry their own).
        min_visibility: drop boxes with less than this fraction of their area left in the image.
        min_area: drop boxes smaller than this many pixels after clipping.
        remove_invisible: drop keypoints that leave the image.
        extra_fields: extra keys of a known kind, e.g. ``{"depth": "mask", "image2": "image"}``.
        fuse: fuse consecutive geometric and pointwise transforms (the default).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip(p=0.5), al.Rotate(limit=10)], seed=0)
        >>> img = np.zeros((32, 48, 3), np.uint8)
        >>> out = pipe(image=img, bboxes=[[4, 4, 20, 20]], sample_id=3)
        >>> again = pipe.replay(out.record, image=img, bboxes=[[4, 4, 20, 20]])
        >>> bool((again["image"] == out["image"]).all())
        True
    """

    random = False  # runs all children in order

    def __init__(
        self,
        transforms: Sequence[Transform],
        *,
        seed: int | None = None,
        bbox_format: str = "pascal_voc",
        min_visibility: float = 0.0,
        min_area: float = 0.0,
        remove_invisible: bool = True,
        extra_fields: Mapping[str, str] | None = None,
        fuse: bool = True,
        p: float = 1.0,
    ) -> None:
        super().__init__(transforms, p=p)
        if seed is not None:
            check_number("Compose", "seed", seed, low=0, high=2**64 - 1, integer=True)
        self.seed = None if seed is None else int(seed)
        self.bbox_format = check_choice("Compose", "bbox_format", bbox_format, BBOX_FORMATS)
        self.min_visibility = float(check_number("Compose", "min_visibility", min_visibility,
                                                 low=0, high=1))
        self.min_area = float(check_number("Compose", "min_area", min_area, low=0))
        self.remove_invisible = bool(remove_invisible)
        self.extra_fields = dict(extra_fields or {})
        for key, kind in self.extra_fields.items():
            if kind not in FIELD_KINDS:
                raise InvalidConfig(f"Compose: extra_fields[{key!r}]={kind!r} is not a field kind; "
                                    f"use one of {', '.join(sorted(FIELD_KINDS))}")
        self.fuse = bool(fuse)
        self._counter = itertools.count()
        self._layouts: dict[tuple[str, ...], _Layout] = {}
        self._meta = {"remove_invisible": self.remove_invisible}
        self._all = range(len(self.transforms))
        self._tree = self._plan((), self.name)
        self.config_hash = hashlib.sha256(
            json.dumps(self.get_config(), sort_keys=True).encode()).hexdigest()[:16]

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *, sample_id: int | None = None, copy: int = 0, seed: int | None = None,
                 **fields: Any) -> Sample:
        """Augment one sample given as keyword fields; returns a `Sample` with ``.record``.

        ``sample_id`` and ``copy`` select the sample's stream in the seed tree. Without a
        ``sample_id`` a seeded pipeline numbers its calls 0, 1, 2, ... .
        """
        if seed is None:
            seed = self.seed if self.seed is not None else secrets.randbits(63)
        elif type(seed) is not int or not 0 <= seed < 2**64:
            seed = int(check_number("Compose", "seed", seed, low=0, high=2**64 - 1, integer=True))
        if sample_id is None:
            sample_id = next(self._counter) if self.seed is not None else 0
        elif type(sample_id) is not int or not 0 <= sample_id < 2**64:
            sample_id = int(check_number("Compose", "sample_id", sample_id, low=0, high=2**64 - 1,
                                         integer=True))
        if type(copy) is not int or not 0 <= copy < 2**64:
            copy = int(check_number("Compose", "copy", copy, low=0, high=2**64 - 1, integer=True))
        return self._execute(fields, seed, sample_id, copy, None)

    def replay(self, record: Record, **fields: Any) -> Sample:
        """Re-run exactly what `record` says on the given fields (byte-identical output).

        Example:
            >>> import numpy as np, augmentlab as al
            >>> pipe = al.Compose([al.GaussNoise()], seed=5)
            >>> img = np.full((8, 8, 3), 128, np.uint8)
            >>> out = pipe(image=img)
            >>> bool((pipe.replay(out.record, image=img)["image"] == out["image"]).all())
            True
        """
        if not isinstance(record, Record):
            raise InvalidInput(f"replay: expected a Record, got {type(record).__name__}")
        if record.config_hash != self.config_hash:
            raise InvalidInput(f"replay: the record was made by pipeline {record.config_hash}, "
                               f"this is {self.config_hash}; load the pipeline that made it")
        steps = {s.path: s for s in record.steps}
        return self._execute(fields, record.seed, record.sample_id, record.copy, steps)

    # -- internals ------------------------------------------------------------------------------
    def _layout(self, fields: Mapping[str, Any]) -> _Layout:
        names = tuple(fields)
        layout = self._layouts.get(names)
        if layout is None:  # the same keys come call after call: resolve them once
            kinds = resolve_kinds(fields, self.extra_fields)
            present = set(kinds.values())
            for leaf in self.leaves():  # a transform with nothing to work on is a mistake
                if not leaf.fields & present:
                    raise InvalidInput(
                        f"{leaf.name} works on {', '.join(sorted(leaf.fields))}, and this sample "
                        f"has none of them (it has {', '.join(sorted(fields)) or 'no fields'}); "
                        f"pass that field or take {leaf.name} out of the pipeline")
            images, masks, boxes, points = (tuple(k for k, v in kinds.items() if v == kind)
                                            for kind in ("image", "mask", "bboxes", "keypoints"))
            layout = self._layouts[names] = _Layout(
                kinds, images, masks, boxes, points, any(v in MODAL_KINDS for v in kinds.values()),
                bool(images or masks), bool(boxes or points))
        return layout

    def _prepare(self, fields: Mapping[str, Any],
                 layout: _Layout) -> tuple[Sample, tuple[int, int], bool]:
        """The validated sample, its (height, width) ((0, 0) without images and masks) and
        whether every image is uint8 (pointwise steps then fuse into lookup tables)."""
        sample = Sample.of(fields)  # validation below never replaces an array, only boxes/points
        size: tuple[int, int] | None = None
        uint8 = True
        for key in layout.images:
            img = check_image(fields[key], key)
            if size is not None and img.shape[:2] != size:
                raise InvalidInput(f"{key}: is {img.shape[1]}x{img.shape[0]} but other "
                                   f"images are {size[1]}x{size[0]}; all images must match")
            size = img.shape[:2]
            uint8 = uint8 and img.dtype.char == "B"
        for key in layout.masks:
            mask = check_mask(fields[key], key, size)
            size = size or mask.shape[:2]
        if layout.modal:
            check_modal_fields(fields, layout.kinds)
        sample.kinds = layout.kinds
        sample.meta = self._meta
        if layout.moves_points and size is None:
            key = (layout.boxes + layout.points)[0]
            raise InvalidInput(f"{key}: boxes and keypoints need an image or a mask in the same "
                               "call, to know the image size")
        for key in layout.boxes:
            sample[key] = BoxSet.from_input(fields[key], key, self.bbox_format, size)  # type: ignore[arg-type]
        for key in layout.points:
            sample[key] = PointSet.from_input(fields[key], key, size)  # type: ignore[arg-type]
        return sample, size if size is not None else (0, 0), uint8  # shape entries are ints

    def _finish(self, sample: Sample, layout: _Layout) -> Sample:
        if not layout.boxes and not layout.points:
            return sample  # the runner's own Sample object: nothing to convert back
        out = sample.derive()
        for key in layout.boxes:
            value = sample[key]
            xy = value.xyxy
            area = (xy[:, 2] - xy[:, 0]) * (xy[:, 3] - xy[:, 1])
            keep = (value.visibility >= self.min_visibility - 1e-12) & (area >= self.min_area)
            out[key] = value.subset(keep).to_output(sample.size)
        for key in layout.points:
            out[key] = sample[key].to_output()
        return out

    def _applies(self, runner: _Runner) -> bool:
        """The pipeline's own ``p`` (drawn on the root stream, recorded as a step)."""
        if self.p >= 1.0:
            return True
        if runner.replay is not None:
            step = runner.replay.get(self.name)
            if step is None:
                raise InvalidInput("replay: the record has no root step; it was made by a "
                                   "different pipeline")
            return step.applied
        applied = self.p > 0.0 and STREAMS.get(runner.seed, runner.sample_id, runner.copy,
                                              ()).random() < self.p
        runner.steps.append(Step(self.name, self.name, applied, {}))
        return applied

    def _execute(self, fields: Mapping[str, Any], seed: int, sample_id: int, copy: int,
                 replay: dict[str, Step] | None) -> Sample:
        layout = self._layout(fields)
        runner = _Runner(*self._prepare(fields, layout), layout, seed, sample_id, copy, self.fuse,
                         replay)
        if self.p >= 1.0 or self._applies(runner):
            runner.run_children(self._tree, self._all)
        runner.flush()
        out = self._finish(runner.sample, layout) if layout.moves_points else runner.sample
        out.record = _new_tuple(Record, (seed, sample_id, copy, self.config_hash, tuple(runner.steps)))
        return out

