"""Pipelines: `Compose`, `OneOf`, `SomeOf`, `Sometimes`, `Sequential`, all nestable.

One runner walks the tree. Each node gets its own generator from the seed tree. The fields a
modality owns pass through its field pass on the way in and out (`core.passes`: the image pass
takes tensors and PIL images, follows boxes through warps, gives everything back as it came),
and steps whose transform has a ``fusion`` kind are handed to the pass's fuser, which defers
and fuses them (one warp for consecutive geometric steps, one table for pointwise colour maps).
``fuse=False`` runs every step on its own, to compare.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import secrets
import struct
import sys
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, NamedTuple, cast

import numpy as np

from .errors import InvalidConfig, InvalidInput
from .kinds import check_fields, has_check, is_kind, kind_names, resolve_kinds
from .params import check_number, plain, shown
from .passes import FieldPass, Fuser, build_passes
from .rng import STREAMS, integer, pack_path, pack_sample, path_key
from .sample import Record, Sample, Step, to_jsonable
from .transform import Transform
from .types import AlbumentationsParams

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


_CONTAINER, _FUSABLE, _OTHER = range(3)
# Step(...) and Record(...) run a Python-level __new__; the runner makes several per sample
_new_tuple = tuple.__new__


def _role(t: Transform) -> int:
    if isinstance(t, BaseCompose):
        return _CONTAINER
    return _OTHER if t.fusion is None else _FUSABLE


class _Entry(NamedTuple):
    transform: Transform
    path: bytes  # the node's path in the seed tree, packed (`pack_path`)
    label: str
    role: int
    children: list[_Entry]
    name: str  # the transform's registry name
    stochastic: bool  # p < 1 or random: the node needs a stream (or a replayed step)
    forced: bool  # picked by a OneOf: applied whatever its own p (as in Albumentations)


class BaseCompose(Transform):
    """A node that runs some of its children in some order; ``choose`` decides which."""

    _abstract = True
    _positional_ok = True  # the transform list may be given positionally, as everywhere else
    forces_children: ClassVar[bool] = False  # True: a chosen child runs whatever its own p

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
            forced = self.forces_children
            plan.append(_Entry(t, pack_path(child_path), child_str, _role(t), sub, t.name,
                               t.random or (t.p < 1.0 and not forced), forced))
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
    """Run all children, in order or (``random_order=True``) in a random order; the group applies
    with probability ``p`` (default 0.5, as Albumentations' ``Sequential``).

    Example:
        >>> import augmentlab as al
        >>> seq = al.Sequential([al.Invert(), al.Solarize()], random_order=True)
        >>> len(seq)
        2
    """

    def __init__(self, transforms: Sequence[Transform], *, random_order: bool = False,
                 p: float = 0.5) -> None:
        super().__init__(transforms, p=p)
        self.random_order = bool(random_order)

    def choose(self, rng: np.random.Generator) -> list[int]:
        order = list(range(len(self.transforms)))
        if self.random_order:
            order = [int(i) for i in rng.permutation(len(order))]
        return order


class OneOf(BaseCompose):
    """Run exactly one child, picked with the given ``weights`` (by default the children's own
    ``p``, normalised); the picked child then always applies. As Albumentations' ``OneOf``,
    default ``p=0.5`` included.

    Example:
        >>> import augmentlab as al
        >>> al.OneOf([al.Blur(), al.MedianBlur()], weights=[3, 1]).weights
        [0.75, 0.25]
        >>> al.OneOf([al.Blur(p=0.25), al.MedianBlur(p=0.75)]).weights
        [0.25, 0.75]
    """

    forces_children = True

    def __init__(self, transforms: Sequence[Transform], *, weights: Sequence[float] | None = None,
                 p: float = 0.5) -> None:
        super().__init__(transforms, p=p)
        n = len(self.transforms)
        if n == 0:
            raise InvalidConfig("OneOf: needs at least one transform")
        if weights is not None and (not isinstance(weights, (list, tuple, np.ndarray)) or any(
                isinstance(x, bool) or not isinstance(plain(x), (int, float)) for x in weights)):
            raise InvalidConfig(f"OneOf: weights={shown(weights)} must be a list of {n} numbers, one "
                                "per transform (or left out: the children's own p)")
        w = [t.p for t in self.transforms] if weights is None else [float(x) for x in weights]
        if len(w) != n or any(not x >= 0 for x in w) or sum(w) <= 0 or not np.isfinite(sum(w)):
            given = f"weights={shown(weights)}" if weights is not None else f"the children's p ({w})"
            raise InvalidConfig(f"OneOf: {given} must be {n} non-negative numbers with a positive "
                                "sum")
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
        if isinstance(n, (list, tuple)) and len(n) == 2:
            lo, hi = n
        elif isinstance(n, (list, tuple)) or not isinstance(plain(n), int):
            raise InvalidConfig(f"SomeOf: n={shown(n)} must be a whole number of transforms or a "
                                "[min, max] pair of them")
        else:
            lo, hi = n, n
        for v in (lo, hi):
            check_number("SomeOf", "n", v, low=0, high=len(self.transforms), integer=True)
        if lo > hi:
            raise InvalidConfig(f"SomeOf: n={shown(n)} has min > max; give [min, max]")
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


def _mix_seeds(a: int, b: int) -> int:
    """A 63-bit seed made of two 64-bit words (BLAKE2b: unrelated outputs for distinct pairs).

    Example:
        >>> _mix_seeds(0, 1) != _mix_seeds(1, 0)
        True
    """
    packed = struct.pack("<QQ", a % 2**64, b % 2**64)
    digest = hashlib.blake2b(packed, digest_size=8, person=b"augmentlab.call1").digest()
    return int.from_bytes(digest, "little") >> 1


def _torch_draw() -> int:
    """A 63-bit seed from torch's global generator (a DataLoader worker's is seeded per worker
    and epoch); torch is loaded, or this is not called."""
    torch = sys.modules["torch"]
    return int(torch.empty((), dtype=torch.int64).random_().item())


_UNIT_SLACK = 1e-3  # float rounding around [0, 1] that is still a [0, 1] image


def _check_unit_range(key: str, image: Any, reader: str | None) -> None:
    """A float image that colour, noise or filter transforms read as [0, 1] must hold values
    there: one in 0..255 would come back clipped to 0..1, silently."""
    if isinstance(image, np.ndarray):
        if image.dtype.kind != "f" or image.size == 0:
            return
    elif not (callable(getattr(image, "is_floating_point", None)) and image.is_floating_point()
              and image.numel() > 0):  # a torch tensor is checked as it comes, before conversion
        return
    low, high = float(image.min()), float(image.max())
    if low < -_UNIT_SLACK or high > 1 + _UNIT_SLACK:  # NaN passes: other checks say what it is
        raise InvalidInput(
            f"{key}: a float image must hold values in [0, 1] for {reader} (and the other "
            f"colour, noise and filter transforms); this one spans {low:.4g} to {high:.4g}: "
            "divide by 255 (or pass uint8), or leave those transforms out")


class _Layout(NamedTuple):
    """Which call keys hold which kind of field; worked out once per distinct set of keys."""

    kinds: dict[str, str]
    modal: bool  # a kind with a check (core.kinds: text, audio, rows...), run on every call
    passes: tuple[tuple[FieldPass, Any], ...]  # the field passes this call needs, with their plans
    unit_images: tuple[str, ...]  # image keys a transform reads as [0, 1] when they are float
    unit_reader: str | None  # the first such transform (named in the error)


class _Runner:
    """Walks a pipeline tree once for one sample, sampling or replaying params; steps that can
    fuse go to the call's fuser (from its field pass)."""

    __slots__ = ("copy", "fuser", "packed", "replay", "sample", "sample_id", "seed", "steps")

    def __init__(self, sample: Sample, fuser: Fuser | None, seed: int, sample_id: int, copy: int,
                 replay: dict[str, Step] | None) -> None:
        self.sample = sample
        self.seed, self.sample_id, self.copy = seed, sample_id, copy
        self.packed: bytes | None = None  # pack_sample(seed, sample_id, copy), once needed
        self.fuser = fuser
        self.replay = replay
        self.steps: list[Step] = []

    def flush(self) -> None:
        """Apply whatever fused work is still pending."""
        if self.fuser is not None and self.fuser.pending:
            self.fuser.flush(self)

    def run_children(self, plan: list[_Entry], chosen: Sequence[int]) -> None:
        """Run the chosen children of a node, deciding, sampling (or replaying) and fusing each."""
        fuser = self.fuser
        for i in chosen:
            t, child_path, child_str, role, sub, name, stochastic, forced = plan[i]
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
                    applied = forced or t.p >= 1.0 or (t.p > 0.0 and rng.random() < t.p)
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
            deferred = None
            if role == _FUSABLE and fuser is not None:
                deferred = fuser.defer(self, t, params, rng)
            if deferred is not None:
                params = deferred
            else:
                if fuser is not None and fuser.pending:
                    fuser.flush(self)
                if params is None:
                    params = t.sample_params(self.sample, rng)
                    if params and not t.native_params:
                        params = to_jsonable(params)
                self.sample = t.apply(self.sample, params)
                if fuser is not None:
                    fuser.applied(self)
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
        extra_fields: extra keys of a known kind, e.g. ``{"depth": "mask", "image2": "image"}``
            (``"passthrough"``: a key no transform touches, declared so it is never mistaken
            for an undeclared per-box list).
        bbox_params: Albumentations' ``BboxParams`` (an object or a mapping of its arguments):
            ``format``, ``label_fields`` (keys of per-box label lists that stay in step with
            the boxes), ``min_visibility``, ``min_area``, ``min_width``, ``min_height``, ``clip``.
            A per-box list passed as ``labels=`` follows the boxes without being declared.
            Given with ``bbox_format``/``min_visibility``/``min_area`` set to other values, it
            is refused (`InvalidConfig`) rather than one silently winning.
        keypoint_params: Albumentations' ``KeypointParams``: ``format`` ("xy"),
            ``label_fields``, ``remove_invisible``.
        image_layout: how numpy images and masks are laid out: ``"auto"`` (HxWxC, refusing
            arrays that look channels-first), ``"HWC"`` or ``"CHW"`` (returned as CHW). Torch
            tensors are always CHW and PIL images HWC; each comes back as the type it came in.
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
        bbox_params: Mapping[str, Any] | AlbumentationsParams | None = None,
        keypoint_params: Mapping[str, Any] | AlbumentationsParams | None = None,
        image_layout: str = "auto",
        fuse: bool = True,
        p: float = 1.0,
    ) -> None:
        super().__init__(transforms, p=p)
        if seed is not None:
            check_number("Compose", "seed", seed, low=0, high=2**64 - 1, integer=True)
        self.seed = None if seed is None else int(seed)
        if extra_fields is not None and not isinstance(extra_fields, Mapping):
            raise InvalidConfig(f"Compose: extra_fields={shown(extra_fields)} must map field names to "
                                "kinds, e.g. {'depth': 'mask'}")
        self.extra_fields = dict(extra_fields or {})
        for key, kind in self.extra_fields.items():
            if not isinstance(key, str):
                raise InvalidConfig(f"Compose: extra_fields has the key {shown(key)}; field names "
                                    "are text, e.g. {'depth': 'mask'}")
            if not isinstance(kind, str) or (not is_kind(kind) and kind != "passthrough"):
                raise InvalidConfig(f"Compose: extra_fields[{key!r}]={shown(kind)} is not a field "
                                    f"kind; use one of {', '.join(kind_names())} or "
                                    "'passthrough'")
        self.fuse = bool(fuse)
        # the field passes (images: boxes, layouts, fusion) take the arguments named for them
        settings = {"bbox_format": bbox_format, "min_visibility": min_visibility,
                    "min_area": min_area, "remove_invisible": remove_invisible,
                    "bbox_params": bbox_params, "keypoint_params": keypoint_params,
                    "image_layout": image_layout, "extra_fields": self.extra_fields}
        self._passes = build_passes(self, settings, self._config)
        self._meta: dict[str, Any] = {}
        closing = None
        for field_pass in self._passes:
            vars(self).update(field_pass.attributes)  # e.g. bbox_format, resolved from bbox_params
            self._meta.update(field_pass.meta)
            closing = closing or field_pass.closing
        self._counter = itertools.count()
        self._pid = os.getpid()  # the process that numbers calls 0, 1, 2, ... (see _auto_stream)
        self._stream: tuple[Any, ...] = ()  # (pid, worker seed, seed, counter) elsewhere
        self._layouts: dict[tuple[str, ...], _Layout] = {}
        self._all = range(len(self.transforms) - (closing is not None))  # a pass runs `closing`
        self._tree = self._plan((), self.name)
        self.config_hash = hashlib.sha256(
            json.dumps(self.get_config(), sort_keys=True).encode()).hexdigest()[:16]

    # -- calling ------------------------------------------------------------------------------
    def __call__(self, *, sample_id: int | None = None, copy: int = 0, seed: int | None = None,
                 **fields: Any) -> Sample:
        """Augment one sample given as keyword fields; returns a `Sample` with ``.record``.

        ``sample_id`` and ``copy`` (e.g. the epoch) select the sample's stream in the seed tree:
        the same (seed, sample_id, copy) gives the same bytes in any process. Without a
        ``sample_id`` every call gets a stream of its own, never repeated across DataLoader
        workers or epochs (see `_auto_stream`); ``out.record`` says which, for `replay`.
        """
        if seed is None:
            seed = self.seed
        elif type(seed) is not int or not 0 <= seed < 2**64:
            seed = int(check_number("Compose", "seed", seed, low=0, high=2**64 - 1, integer=True))
        if sample_id is None:
            seed, sample_id = self._auto_stream(seed)
        else:
            if type(sample_id) is not int or not 0 <= sample_id < 2**64:
                sample_id = int(check_number("Compose", "sample_id", sample_id, low=0,
                                             high=2**64 - 1, integer=True))
            if seed is None:
                seed = secrets.randbits(63)
        if type(copy) is not int or not 0 <= copy < 2**64:
            copy = int(check_number("Compose", "copy", copy, low=0, high=2**64 - 1, integer=True))
        return self._execute(fields, seed, sample_id, copy, None)

    def _auto_stream(self, seed: int | None) -> tuple[int, int]:
        """(seed, sample_id) of a call given no sample id: never repeated, reproducible where
        the process's randomness is.

        - In the process that built the pipeline: a seeded pipeline numbers its calls 0, 1, 2,
          ...; an unseeded one draws each call's seed from torch's global generator when torch
          is loaded (as torchvision does, so ``torch.manual_seed`` makes a run repeat), else from
          the OS.
        - In a torch DataLoader worker: forked workers start from the parent's state, so the
          stream also hangs on the worker's seed, which PyTorch draws from the parent's
          generator for every epoch's workers (``persistent_workers`` keep theirs, and their
          count goes on). A seeded pipeline's calls become (mix(seed, worker seed), 0, 1, ...);
          an unseeded one draws from the worker's torch generator, seeded from the same.
        - In any other process (forked or unpickled elsewhere): fresh OS entropy per process,
          since nothing there tells processes apart reproducibly; pass ``sample_id`` to get
          the same bytes in any process.
        """
        data = sys.modules.get("torch.utils.data")
        worker = data.get_worker_info() if data is not None else None
        pid = os.getpid()
        if worker is None and pid == self._pid:
            if seed is not None:
                return seed, next(self._counter)
            if data is not None:
                return _torch_draw(), 0
            return secrets.randbits(63), 0
        if seed is None and worker is not None:
            return _torch_draw(), 0
        stream = self._stream
        key = worker.seed if worker is not None else None
        if not stream or stream[0] != pid or stream[1] != key or stream[2] != seed:
            entropy = key if key is not None else secrets.randbits(64)
            base = seed if seed is not None else secrets.randbits(64)
            stream = self._stream = (pid, key, seed, _mix_seeds(base, entropy), itertools.count())
        return stream[3], next(stream[4])

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
            plans = [(p, p.plan(kinds)) for p in self._passes]  # a plan may claim more keys
            unit = next((leaf.name for leaf in self.leaves() if leaf.unit_float_images), None)
            layout = self._layouts[names] = _Layout(
                kinds, has_check(kinds), tuple((p, plan) for p, plan in plans if plan is not None),
                tuple(k for k, kind in kinds.items() if kind == "image") if unit else (), unit)
        return layout

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
        for key in layout.unit_images:
            _check_unit_range(key, fields[key], layout.unit_reader)
        sample = Sample.of(fields)  # arrays are used as they are, never copied
        sample.kinds = layout.kinds
        sample.meta = self._meta
        states = [p.prepare(plan, fields, sample) for p, plan in layout.passes]
        if layout.modal:
            check_fields(fields, layout.kinds)
        fuser = None
        if self.fuse:
            for (p, plan), state in zip(layout.passes, states, strict=True):
                fuser = fuser or p.fuser(plan, state)
        runner = _Runner(sample, fuser, seed, sample_id, copy, replay)
        if self.p >= 1.0 or self._applies(runner):
            runner.run_children(self._tree, self._all)
        runner.flush()
        out = runner.sample
        for (p, plan), state in zip(layout.passes, states, strict=True):
            out = p.finish(plan, state, out)
        out.record = _new_tuple(Record, (seed, sample_id, copy, self.config_hash, tuple(runner.steps)))
        return out
