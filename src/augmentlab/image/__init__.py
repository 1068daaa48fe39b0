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
    CenterCrop,
    LongestMaxSize,
    PadIfNeeded,
    RandomCrop,
    RandomResizedCrop,
    RandomScale,
    Resize,
    SmallestMaxSize,
)
from .distortion import (
    ElasticWarp,
    GridDistortion,
    OpticalDistortion,
)
from .dropout import (
    CoarseDropout,
    GridDropout,
    RandomErasing,
)
from .filters import (
    Blur,
    Defocus,
    Emboss,
    GaussianBlur,
    MedianBlur,
    MotionBlur,
    Sharpen,
)
from .geometric import (
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
    ISONoise,
    JpegCompression,
    MultiplicativeNoise,
    SaltAndPepper,
)
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
    "Blur",
    "BrightnessContrast",
    "CLAHE",
    "CenterCrop",
    "ChannelShuffle",
    "CoarseDropout",
    "ColorJitter",
    "Defocus",
    "Downscale",
    "ElasticWarp",
    "Emboss",
    "Equalize",
    "FrameSample",
    "GaussNoise",
    "GaussianBlur",
    "GridDistortion",
    "GridDropout",
    "HorizontalFlip",
    "HueSaturationValue",
    "ISONoise",
    "Invert",
    "JpegCompression",
    "LongestMaxSize",
    "MedianBlur",
    "MotionBlur",
    "MultiplicativeNoise",
    "Normalize",
    "OpticalDistortion",
    "PadIfNeeded",
    "Perspective",
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
    "RandomSunFlare",
    "Resize",
    "Rotate",
    "SaltAndPepper",
    "Sharpen",
    "ShiftScaleRotate",
    "SmallestMaxSize",
    "Solarize",
    "TemporalCrop",
    "ToGray",
    "Transpose",
    "VerticalFlip",
    "Video",
]
