"""Image augmentation: kernels in `augmentlab.image.functional`, one module per family.

A transform named like an Albumentations (2.0.8) transform has its defaults, ``p`` included:
``HorizontalFlip()`` flips half of the time, ``Resize(224, 224)`` takes its sizes by position.
Where augmentlab's behaviour differs, so does the name (``ElasticWarp``, ``BrightnessContrast``).

Example:
    >>> import augmentlab as al
    >>> al.HorizontalFlip().p, al.Resize(224, 224).p
    (0.5, 1.0)
"""

from .color import (
    CLAHE,
    AutoContrast,
    BrightnessContrast,
    ChannelShuffle,
    ColorJitter,
    Equalize,
    HueSaturationValue,
    Invert,
    Normalize,
    Posterize,
    RandomGamma,
    RGBShift,
    Solarize,
    ToGray,
)
from .crops import (
    BBoxSafeRandomCrop,
    CenterCrop,
    CropNonEmptyMaskIfExists,
    LongestMaxSize,
    PadIfNeeded,
    RandomCrop,
    RandomResizedCrop,
    RandomScale,
    RandomSizedBBoxSafeCrop,
    Resize,
    SmallestMaxSize,
)
from .distortion import (
    ElasticWarp,
    GridDistortion,
    OpticalDistortion,
)
from .dropout import (
    ChannelDropout,
    CoarseDropout,
    GridDropout,
    PixelDropout,
    RandomErasing,
    XYMasking,
)
from .filters import (
    Blur,
    Defocus,
    Emboss,
    GaussianBlur,
    GlassBlur,
    MedianBlur,
    Morphological,
    MotionBlur,
    Sharpen,
    UnsharpMask,
    ZoomBlur,
)
from .geometric import (
    D4,
    Affine,
    HorizontalFlip,
    Perspective,
    RandomRotate90,
    Rotate,
    ShiftScaleRotate,
    Transpose,
    VerticalFlip,
)
from .noise import (
    Downscale,
    GaussNoise,
    ImageCompression,
    ISONoise,
    JpegCompression,
    MultiplicativeNoise,
    SaltAndPepper,
)
from .tone import RandomToneCurve, ToSepia
from .video import FrameSample, TemporalCrop, Video
from .weather import (
    RandomFog,
    RandomRain,
    RandomShadow,
    RandomSunFlare,
)

__all__ = [
    "Affine",
    "AutoContrast",
    "BBoxSafeRandomCrop",
    "Blur",
    "BrightnessContrast",
    "CLAHE",
    "CenterCrop",
    "ChannelDropout",
    "ChannelShuffle",
    "CoarseDropout",
    "ColorJitter",
    "CropNonEmptyMaskIfExists",
    "D4",
    "Defocus",
    "Downscale",
    "ElasticWarp",
    "Emboss",
    "Equalize",
    "FrameSample",
    "GaussNoise",
    "GaussianBlur",
    "GlassBlur",
    "GridDistortion",
    "GridDropout",
    "HorizontalFlip",
    "HueSaturationValue",
    "ISONoise",
    "ImageCompression",
    "Invert",
    "JpegCompression",
    "LongestMaxSize",
    "MedianBlur",
    "Morphological",
    "MotionBlur",
    "MultiplicativeNoise",
    "Normalize",
    "OpticalDistortion",
    "PadIfNeeded",
    "Perspective",
    "PixelDropout",
    "Posterize",
    "RGBShift",
    "RandomCrop",
    "RandomErasing",
    "RandomFog",
    "RandomGamma",
    "RandomRain",
    "RandomResizedCrop",
    "RandomRotate90",
    "RandomScale",
    "RandomShadow",
    "RandomSizedBBoxSafeCrop",
    "RandomSunFlare",
    "RandomToneCurve",
    "Resize",
    "Rotate",
    "SaltAndPepper",
    "Sharpen",
    "ShiftScaleRotate",
    "SmallestMaxSize",
    "Solarize",
    "TemporalCrop",
    "ToGray",
    "ToSepia",
    "Transpose",
    "UnsharpMask",
    "VerticalFlip",
    "Video",
    "XYMasking",
    "ZoomBlur",
]
