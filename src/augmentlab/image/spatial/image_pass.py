"""The image pass: what every pipeline call does for images, masks, boxes and keypoints.

On the way in it takes numpy arrays, PIL images and tensors in the pipeline's layout, checks that
all images and masks share one size, turns boxes and keypoints into containers that follow every
warp, and checks per-box label lists; on the way out it drops the boxes the filters refuse,
returns boxes in the caller's format and gives every image back as the type it came in (or as a
tensor after a closing ``ToTensorV2``). Registered with the core (`augmentlab.core.passes`);
`Compose` hands it the box, keypoint and layout arguments.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from ...core.errors import InvalidConfig, InvalidInput
from ...core.params import check_choice, check_number
from ...core.passes import register_pass
from ...core.sample import Sample, to_jsonable
from .adapters import IMAGE_LAYOUTS, Restore, ToTensorV2, adopt, to_tensor
from .fields import BBOX_FORMATS, BoxSet, PointSet, check_image, check_mask
from .fusion import ImageFuser
from .label_fields import DEFAULT_LABEL_FIELD, BoxParams, PointParams, check_label_list, take
from .polygons import PolygonSet

__all__ = ["ImagePass", "ImagePlan"]

class ImagePlan(NamedTuple):
    """Which call keys hold which image field; worked out once per distinct set of keys."""

    images: tuple[str, ...]
    masks: tuple[str, ...]
    boxes: tuple[str, ...]
    points: tuple[str, ...]
    polygons: tuple[str, ...]
    has_size: bool  # images or masks
    moves_points: bool  # boxes, keypoints or polygons
    box_labels: tuple[str, ...]  # per-box label lists, kept in step with the (one) box field
    point_labels: tuple[str, ...]  # per-keypoint label lists
    passthrough: tuple[str, ...]  # undeclared keys no transform reads or changes


class _State(NamedTuple):
    size: tuple[int, int]  # (0, 0) without images and masks
    uint8: bool  # every image is uint8: pointwise steps fuse into lookup tables
    restore: list[tuple[str, Restore]]  # how to give tensors, PIL images, CHW arrays back


class ImagePass:
    """The image side of one `Compose` (see the module doc).

    Example:
        >>> import augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip()], bbox_params={"format": "coco"})
        >>> pipe.bbox_format, pipe._passes[0].box_params.format
        ('coco', 'coco')
    """

    def __init__(self, pipeline: Any, settings: dict[str, Any], config: dict[str, Any]) -> None:
        bbox_params = settings["bbox_params"]
        keypoint_params = settings["keypoint_params"]
        self.bbox_format = check_choice("Compose", "bbox_format", settings["bbox_format"],
                                        BBOX_FORMATS)
        self.min_visibility = float(check_number("Compose", "min_visibility",
                                                 settings["min_visibility"], low=0, high=1))
        self.min_area = float(check_number("Compose", "min_area", settings["min_area"], low=0))
        self.remove_invisible = bool(settings["remove_invisible"])
        self.box_params = BoxParams.parse(bbox_params)
        self.point_params = PointParams.parse(keypoint_params)
        self.image_layout = check_choice("Compose", "image_layout", settings["image_layout"],
                                         IMAGE_LAYOUTS)
        for key, default in (("bbox_params", None), ("keypoint_params", None), ("image_layout", "auto")):
            if config.get(key) == default:  # left out: older pipelines keep their config hash
                config.pop(key, None)
        if bbox_params is not None:  # Albumentations' spelling wins over ours; the config keeps it
            self._check_agree(settings)
            config["bbox_params"] = to_jsonable(dataclasses.asdict(self.box_params))
            self.bbox_format, self.min_visibility = self.box_params.format, self.box_params.min_visibility
            self.min_area = self.box_params.min_area
        if keypoint_params is not None:
            config["keypoint_params"] = to_jsonable(dataclasses.asdict(self.point_params))
            self.remove_invisible = self.point_params.remove_invisible
        self.extra_fields: Mapping[str, str] = settings["extra_fields"]
        self.meta: Mapping[str, Any] = {"remove_invisible": self.remove_invisible}
        self.attributes: Mapping[str, Any] = {k: getattr(self, k) for k in (
            "bbox_format", "min_visibility", "min_area", "remove_invisible", "box_params",
            "point_params", "image_layout")}
        self.closing: Any = self._final_to_tensor(pipeline)
        # the first step that cannot take a uint16 image: refused before anything runs, not
        # only in the calls where that step happens to be drawn
        self.no_uint16 = next((leaf for leaf in pipeline.leaves() if "image" in leaf.fields
                               and "uint16" not in leaf.image_dtypes), None)
        # the first step that moves or drops located objects without knowing polygons: a call
        # with polygons is refused, since they would be left behind
        self.no_polygons = next((leaf for leaf in pipeline.leaves()
                                 if leaf.fields & {"bboxes", "keypoints"}
                                 and "polygons" not in leaf.fields), None)

    def _check_agree(self, settings: dict[str, Any]) -> None:
        """Our box settings, where given (not their defaults), must say what ``bbox_params``
        says: otherwise one would be dropped without a word (boxes read in another format)."""
        ours = {"bbox_format": (settings["bbox_format"], "pascal_voc", self.box_params.format),
                "min_visibility": (self.min_visibility, 0.0, self.box_params.min_visibility),
                "min_area": (self.min_area, 0.0, self.box_params.min_area)}
        for key, (given, default, theirs) in ours.items():
            if given != default and given != theirs:
                raise InvalidConfig(f"Compose: {key}={given!r} and bbox_params {theirs!r} disagree; "
                                    f"give it in one place (bbox_params, the Albumentations way, "
                                    f"or {key}=)")

    @staticmethod
    def _final_to_tensor(pipeline: Any) -> ToTensorV2 | None:
        """The pipeline's closing ToTensorV2 (run after everything else), refused elsewhere."""
        last = pipeline.transforms[-1] if pipeline.transforms else None
        for leaf in pipeline.leaves():
            if isinstance(leaf, ToTensorV2) and leaf is not last:
                raise InvalidConfig("ToTensorV2 must be the last step of the outermost Compose: "
                                    "no transform can work on a tensor after it")
        return last if isinstance(last, ToTensorV2) else None

    # -- once per key layout ---------------------------------------------------------------------
    def plan(self, kinds: dict[str, str]) -> ImagePlan | None:
        images, masks, boxes, points, polygons = (
            tuple(k for k, v in kinds.items() if v == kind)
            for kind in ("image", "mask", "bboxes", "keypoints", "polygons"))
        box_labels, point_labels = self._label_fields(kinds, boxes, points)
        if not (images or masks or boxes or points or polygons):
            return None
        if polygons and self.no_polygons is not None:
            step = self.no_polygons
            raise InvalidInput(f"{polygons[0]}: {step.name} moves or drops boxes and keypoints but "
                               "does not know polygons, which would stay where they were; take "
                               f"{step.name} out of the pipeline or pass the outlines as masks")
        return ImagePlan(images, masks, boxes, points, polygons, bool(images or masks),
                         bool(boxes or points or polygons), box_labels, point_labels,
                         tuple(k for k, v in kinds.items()
                               if v == "passthrough" and k not in self.extra_fields))

    def _label_fields(self, kinds: dict[str, str], boxes: tuple[str, ...],
                      points: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The call's per-box and per-keypoint label keys (their kinds are set in `kinds`)."""
        declared = {**{k: "bbox_labels" for k in self.box_params.label_fields},
                    **{k: "keypoint_labels" for k in self.point_params.label_fields}}
        missing = [k for k in declared if k not in kinds]
        if missing:
            raise InvalidInput(f"label fields {missing} are declared in bbox_params/keypoint_params "
                               "but not passed; pass one label list per declared field")
        if kinds.get(DEFAULT_LABEL_FIELD) == "passthrough" and DEFAULT_LABEL_FIELD not in declared:
            if boxes:
                declared[DEFAULT_LABEL_FIELD] = "bbox_labels"
            elif points:
                declared[DEFAULT_LABEL_FIELD] = "keypoint_labels"
        for key, kind in declared.items():
            owners = boxes if kind == "bbox_labels" else points
            if len(owners) != 1:
                what = "box" if kind == "bbox_labels" else "keypoint"
                raise InvalidInput(f"{key}: a {what} label field needs exactly one {what} field in "
                                   f"the call, found {len(owners)} ({', '.join(owners) or 'none'}); "
                                   f"carry the labels inside each field instead "
                                   f"(al.BBoxes(..., labels=...) / al.KeyPoints(..., labels=...))")
            kinds[key] = kind
        return (tuple(k for k, v in declared.items() if v == "bbox_labels"),
                tuple(k for k, v in declared.items() if v == "keypoint_labels"))

    # -- each call -------------------------------------------------------------------------------
    def prepare(self, plan: ImagePlan, fields: Mapping[str, Any], sample: Sample) -> _State:
        """Check and convert the image fields into `sample` (numpy HWC arrays are used as they
        are, never copied)."""
        size: tuple[int, int] | None = None
        uint8 = True
        restore: list[tuple[str, Restore]] = []
        chw = self.image_layout == "CHW"
        check_layout = self.image_layout == "auto"
        for key in plan.images:
            img = fields[key]
            if type(img) is not np.ndarray or chw or (check_layout and img.ndim == 3
                                                       and img.shape[2] > 4 and img.shape[0] < 5):
                img, back = adopt(img, key, "image", self.image_layout)
                sample[key] = img
                if back is not None:
                    restore.append((key, back))
            img = check_image(img, key)
            if img.dtype.char == "H" and self.no_uint16 is not None:
                self._refuse_uint16(key)
            if size is not None and img.shape[:2] != size:
                raise InvalidInput(f"{key}: is {img.shape[1]}x{img.shape[0]} but other "
                                   f"images are {size[1]}x{size[0]}; all images must match")
            size = img.shape[:2]
            uint8 = uint8 and img.dtype.char == "B"
        for key in plan.masks:
            mask = fields[key]
            if type(mask) is not np.ndarray or chw:
                mask, back = adopt(mask, key, "mask", self.image_layout)
                sample[key] = mask
                if back is not None:
                    restore.append((key, back))
            mask = check_mask(mask, key, size)
            size = size or mask.shape[:2]
        if plan.moves_points:
            if size is None:
                key = (plan.boxes + plan.points + plan.polygons)[0]
                raise InvalidInput(f"{key}: boxes, keypoints and polygons need an image or a mask "
                                   "in the same call, to know the image size")
            clip = self.box_params.clip
            for key in plan.boxes:
                sample[key] = BoxSet.from_input(fields[key], key, self.bbox_format, size, clip)
            for key in plan.points:
                sample[key] = PointSet.from_input(fields[key], key, size)
            for key in plan.polygons:
                sample[key] = PolygonSet.from_input(fields[key], key, size)
            self._check_label_lists(sample, plan)
        return _State(size if size is not None else (0, 0), uint8, restore)  # shape entries are ints

    def _refuse_uint16(self, key: str) -> None:
        step: Any = self.no_uint16
        why = getattr(step, "uint16_refusal", "") or "it is written for 8-bit and float images"
        raise InvalidInput(f"{key}: {step.name} does not take uint16 images ({why}); convert "
                           f"the image (image.astype(np.float32) / 65535, or image // 257 for "
                           f"8 bits) or take {step.name} out of the pipeline")

    def fuser(self, plan: ImagePlan, state: _State) -> ImageFuser:
        return ImageFuser(state.size, state.uint8, plan.images, plan.has_size, plan.moves_points)

    def _check_label_lists(self, sample: Sample, plan: ImagePlan) -> None:
        """Each label list has one label per box (point); an undeclared list that looks per-box
        is refused, since passing it through would leave it out of step once a box is dropped."""
        for keys, owner, what in ((plan.box_labels, plan.boxes, "box"),
                                  (plan.point_labels, plan.points, "keypoint")):
            for key in keys:
                check_label_list(key, sample[key], len(sample[owner[0]].index), what)
        counts = {len(sample[k].index) for k in plan.boxes + plan.points}
        for key in plan.passthrough:
            value = sample[key]
            if isinstance(value, (list, tuple, np.ndarray)) and len(value) in counts and \
                    len(value) > 0:
                raise InvalidInput(
                    f"{key}: has one entry per box or keypoint but is not declared as a label "
                    f"field, so it would not follow the boxes that are dropped; declare it "
                    f"(Compose(bbox_params={{'label_fields': [{key!r}]}}) or keypoint_params), pass "
                    f"it as labels=..., or mark it Compose(extra_fields={{{key!r}: 'passthrough'}})")

    def finish(self, plan: ImagePlan, state: _State, sample: Sample) -> Sample:
        """Boxes filtered and in the caller's format, label lists in step, images given back as
        they came (or as tensors after a closing ToTensorV2)."""
        out = sample
        if plan.moves_points:
            out = self._boxes_out(plan, sample)
        if state.restore or self.closing is not None:
            out = self._give_back(out, state.restore, plan)
        return out

    def _boxes_out(self, plan: ImagePlan, sample: Sample) -> Sample:
        out = sample.derive()
        params = self.box_params
        for key in plan.boxes:
            value = sample[key]
            width, height = value.sizes()  # a rotated box: its own rectangle's sides
            keep = (value.visibility >= self.min_visibility - 1e-12) & (width * height >= self.min_area)
            if params.min_width or params.min_height:
                keep &= (width >= params.min_width) & (height >= params.min_height)
            kept = value.subset(keep)
            out[key] = kept.to_output(sample.size)
            for label_key in plan.box_labels:  # at most one box field has label fields
                out[label_key] = take(sample[label_key], kept.index)
        for key in plan.polygons:
            out[key] = sample[key].to_output()
        for key in plan.points:
            out[key] = sample[key].to_output()
            for label_key in plan.point_labels:
                out[label_key] = take(sample[label_key], sample[key].index)
        return out

    def _give_back(self, out: Sample, restore: list[tuple[str, Restore]], plan: ImagePlan) -> Sample:
        out = out.derive()
        if self.closing is not None:
            for key in plan.images:
                out[key] = to_tensor(out[key], "image")
            for key in plan.masks:
                out[key] = to_tensor(out[key], "mask", self.closing.transpose_mask)
            return out
        for key, back in restore:
            out[key] = back(out[key])
        return out


register_pass("image", ImagePass)
