"""The image types people have: numpy HWC, torch tensors (CHW) and PIL images, each returned as
the type and layout it came in; and `ToTensorV2`, the last step of a training pipeline.

Inside, every image and mask is a numpy HxW or HxWxC array. A numpy array that looks
channels-first is refused rather than read as a 3-pixel-high image with hundreds of channels.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from ...core.errors import InvalidConfig, InvalidInput
from ...core.optional import require
from ...core.transform import Transform

__all__ = ["IMAGE_LAYOUTS", "ToTensorV2", "adopt", "is_pil", "is_tensor", "looks_channels_first",
           "to_tensor"]

IMAGE_LAYOUTS = ("auto", "HWC", "CHW")
_PIL_IMAGE_MODES = ("L", "LA", "RGB", "RGBA", "I;16")  # I;16: 16-bit grey
_PIL_MASK_MODES = ("1", "L", "P", "I", "I;16")

Restore = Callable[[np.ndarray], Any]


def looks_channels_first(shape: tuple[int, ...]) -> bool:
    """True for a 3-d shape whose first axis could be channels and whose last could not.

    Example:
        >>> looks_channels_first((3, 512, 512)), looks_channels_first((512, 512, 3))
        (True, False)
    """
    return len(shape) == 3 and shape[0] in (1, 3, 4) and shape[2] > 4


def is_tensor(value: Any) -> bool:
    """A torch tensor (torch not imported here: a value can only be one if torch is loaded).

    Example:
        >>> is_tensor(np.zeros(3))
        False
    """
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def is_pil(value: Any) -> bool:
    """A PIL image (likewise without importing PIL).

    Example:
        >>> is_pil(np.zeros((2, 2), np.uint8))
        False
    """
    pil = sys.modules.get("PIL.Image")
    return pil is not None and isinstance(value, pil.Image)


def adopt(value: Any, key: str, kind: str, layout: str) -> tuple[Any, Restore | None]:
    """`value` as the numpy array the pipeline works on, and how to give the result back in the
    caller's type (None: it is already a numpy HWC array). `kind` is "image" or "mask".

    Example:
        >>> arr, back = adopt(np.zeros((3, 4, 5), np.uint8), "image", "image", "CHW")
        >>> arr.shape, back(arr).shape
        ((4, 5, 3), (3, 4, 5))
    """
    if isinstance(value, np.ndarray):
        if layout == "CHW" and value.ndim == 3:
            return np.ascontiguousarray(value.transpose(1, 2, 0)), _chw_numpy
        if layout == "auto" and kind == "image" and looks_channels_first(value.shape):
            raise InvalidInput(
                f"{key}: shape {value.shape} looks channels-first (C, H, W); augmentlab reads numpy "
                f"arrays as (H, W, C). Pass image.transpose(1, 2, 0), or declare the layout with "
                f"Compose(..., image_layout='CHW') (or 'HWC' if it really is {value.shape[0]} "
                f"pixel(s) high)")
        return value, None
    if is_tensor(value):
        return _adopt_tensor(value, key, kind)
    if is_pil(value):
        return _adopt_pil(value, key, kind)
    raise InvalidInput(f"{key}: expected a numpy array, a torch tensor or a PIL image, got "
                       f"{type(value).__name__}")


def _chw_numpy(arr: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(arr.transpose(2, 0, 1)) if arr.ndim == 3 else arr[None]


def _adopt_tensor(value: Any, key: str, kind: str) -> tuple[np.ndarray, Restore]:
    # torchvision's convention: images (..., C, H, W), masks (H, W) or (C, H, W)
    if value.ndim not in (2, 3):
        raise InvalidInput(f"{key}: a tensor of shape {tuple(value.shape)}; give one {kind} per "
                           "call, (C, H, W) or (H, W) (for a batch, call the pipeline per item, "
                           "e.g. in the Dataset's __getitem__)")
    shape = tuple(value.shape)
    if len(shape) == 3 and looks_channels_first(shape[::-1]):
        raise InvalidInput(f"{key}: a tensor of shape {shape} looks channels-last (H, W, C); "
                           "tensors are read as (C, H, W), like torchvision: pass "
                           f"{key}.permute(2, 0, 1), or a numpy array for (H, W, C)")
    arr = value.detach().cpu().numpy()
    channels_first = value.ndim == 3
    if channels_first:
        arr = np.ascontiguousarray(arr.transpose(1, 2, 0))
    device, cls = value.device, type(value)

    def back(out: np.ndarray) -> Any:
        torch = sys.modules["torch"]
        if channels_first:
            out = out.transpose(2, 0, 1) if out.ndim == 3 else out[None]
        tensor = torch.from_numpy(np.ascontiguousarray(out)).to(device)
        return tensor if cls is torch.Tensor else tensor.as_subclass(cls)

    return arr, back


def _adopt_pil(value: Any, key: str, kind: str) -> tuple[np.ndarray, Restore]:
    modes = _PIL_IMAGE_MODES if kind == "image" else _PIL_MASK_MODES
    mode = value.mode
    if mode not in modes:
        raise InvalidInput(f"{key}: PIL {kind}s of mode {mode!r} are not supported; convert it, "
                           f"e.g. {key}.convert('RGB'), or use one of {', '.join(modes)}")
    arr = np.asarray(value)
    if mode == "1":
        arr = arr.astype(np.uint8)
    palette = value.getpalette() if mode == "P" else None

    def back(out: np.ndarray) -> Any:
        from PIL import Image

        if kind == "image" and out.dtype != arr.dtype:
            return out  # PIL holds no float colour images: a float result stays numpy
        result = Image.fromarray(np.ascontiguousarray(out.astype(arr.dtype, copy=False)))
        if mode == "P":  # an L image given a palette becomes P with the same indices
            result.putpalette(palette if palette is not None else list(range(256)) * 3)
        elif mode == "1":
            result = result.convert("1")
        return result

    return np.array(arr), back


def to_tensor(arr: Any, kind: str, transpose_mask: bool = False) -> Any:
    """A numpy image (HxWxC) as a CHW torch tensor of the same dtype, without scaling (like
    Albumentations' ToTensorV2); masks stay HxW (CxHxW with ``transpose_mask``).

    Example:
        >>> t = to_tensor(np.zeros((4, 5, 3), np.uint8), "image")
        >>> tuple(t.shape), str(t.dtype)
        ((3, 4, 5), 'torch.uint8')
    """
    if not isinstance(arr, np.ndarray):
        return arr  # already given back as a tensor (or PIL: refused by ToTensorV2's caller)
    torch = require("torch", "torch", "ToTensorV2")
    if kind == "image":
        arr = arr[:, :, None] if arr.ndim == 2 else arr
        arr = arr.transpose(2, 0, 1)
    elif transpose_mask and arr.ndim == 3:
        arr = arr.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(arr))


class ToTensorV2(Transform):
    """The last step of a training pipeline: images become CHW torch tensors of the same dtype
    (no scaling: put `Normalize` before it), masks HxW tensors (``transpose_mask=True``: CxHxW
    for HxWxC masks). As Albumentations' ``ToTensorV2``; it must be the pipeline's last step.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip(p=1.0), al.ToTensorV2()], seed=0)
        >>> out = pipe(image=np.zeros((4, 5, 3), np.uint8))
        >>> tuple(out["image"].shape)
        (3, 4, 5)
    """

    fields = frozenset({"image", "mask"})
    image_dtypes = frozenset({"uint8", "uint16", "float32"})  # torch holds each as it is
    random = False
    native_params = True

    def __init__(self, *, transpose_mask: bool = False, p: float = 1.0) -> None:
        super().__init__(p=p)
        if self.p != 1.0:
            raise InvalidConfig("ToTensorV2: p must be 1 (a pipeline returns one type, always)")
        self.transpose_mask = bool(transpose_mask)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> Any:
        return to_tensor(image, "image")

    def apply_mask(self, mask: np.ndarray, params: dict[str, Any]) -> Any:
        return to_tensor(mask, "mask", self.transpose_mask)
