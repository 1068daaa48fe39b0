"""Shared fixtures: real photos from scikit-image / scikit-learn, and one constructor per transform."""

from __future__ import annotations

import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import augmentlab as al

# One working configuration of every registered transform. The registry-coverage test fails when a
# transform is registered without an entry here, so the shared suites always cover everything.
# "p": 1.0 where the default is Albumentations' 0.5: the suites need every transform to act.
CASES: dict[str, dict[str, Any]] = {
    "Affine": {"rotate": 15, "scale": (0.9, 1.1), "translate_percent": 0.06, "shear": 5, "p": 1.0},
    "AutoContrast": {"p": 1.0},
    "Blur": {"p": 1.0},
    "BrightnessContrast": {},
    "CLAHE": {"p": 1.0},
    "CenterCrop": {"height": 40, "width": 50},
    "ChannelShuffle": {"p": 1.0},
    "CoarseDropout": {"fill_mask": 0, "p": 1.0},
    "ColorJitter": {"p": 1.0},
    "Defocus": {"radius": (2, 4), "p": 1.0},
    "Downscale": {"scale_range": (0.3, 0.6), "p": 1.0},
    "ElasticWarp": {"alpha": 60, "sigma": 6},
    "Emboss": {"p": 1.0},
    "Equalize": {"p": 1.0},
    "GaussNoise": {"p": 1.0},
    "GaussianBlur": {"p": 1.0},
    "GridDistortion": {"p": 1.0},
    "GridDropout": {"p": 1.0},
    "HorizontalFlip": {"p": 1.0},
    "HueSaturationValue": {"p": 1.0},
    "ISONoise": {"p": 1.0},
    "Invert": {},
    "JpegCompression": {},
    "LongestMaxSize": {"max_size": 50},
    "MedianBlur": {"p": 1.0},
    "MotionBlur": {"p": 1.0},
    "MultiplicativeNoise": {"elementwise": True, "p": 1.0},
    "Normalize": {"max_pixel_value": None},  # the dtype's maximum: the suites use float32 too
    "OpticalDistortion": {"distort_limit": 0.2, "p": 1.0},
    "PadIfNeeded": {"min_height": 90, "min_width": 100},
    "Perspective": {"p": 1.0},
    "Posterize": {"num_bits": (3, 6), "p": 1.0},
    "RGBShift": {"p": 1.0},
    "RandomCrop": {"height": 40, "width": 50},
    "RandomErasing": {},
    "RandomFog": {"p": 1.0},
    "RandomGamma": {"p": 1.0},
    "RandomRain": {"drop_length": 8, "p": 1.0},
    "RandomResizedCrop": {"size": (48, 40)},
    "RandomRotate90": {},
    "RandomScale": {"scale_limit": 0.3, "p": 1.0},
    "RandomShadow": {"p": 1.0},
    "RandomSunFlare": {"src_radius": 20, "p": 1.0},
    "Resize": {"height": 50, "width": 70},
    "Rotate": {"limit": 40, "p": 1.0},
    "SaltAndPepper": {"p": 1.0},
    "Sharpen": {"p": 1.0},
    "ShiftScaleRotate": {"p": 1.0},
    "SmallestMaxSize": {"max_size": 50},
    "Solarize": {"p": 1.0},
    "ToGray": {"p": 1.0},
    "Transpose": {"p": 1.0},
    "VerticalFlip": {"p": 1.0},
    "ChannelDropout": {"p": 1.0},
    "PixelDropout": {"dropout_prob": 0.05, "mask_drop_value": 0, "p": 1.0},
    "XYMasking": {"num_masks_x": (1, 2), "mask_x_length": (5, 15), "num_masks_y": 1,
                  "mask_y_length": 8, "fill_mask": 0, "p": 1.0},
    "Morphological": {"p": 1.0},
    "UnsharpMask": {"p": 1.0},
    "D4": {},
    "ImageCompression": {"quality_range": (40, 80), "p": 1.0},
    "RandomToneCurve": {"scale": 0.2, "per_channel": True, "p": 1.0},
    "ToSepia": {"p": 1.0},
    "ZoomBlur": {"p": 1.0},
    "AdvancedBlur": {"p": 1.0},
    "BBoxSafeRandomCrop": {"erosion_rate": 0.1},
    "RandomSizedBBoxSafeCrop": {"height": 48, "width": 40},
    "CropNonEmptyMaskIfExists": {"height": 40, "width": 50},
    "GlassBlur": {"iterations": 1, "p": 1.0},
    "MaskDropout": {"p": 1.0},
    "RandomGridShuffle": {"grid": (3, 2), "p": 1.0},
    "PiecewiseAffine": {"scale": (0.03, 0.05), "p": 1.0},
    "ThinPlateSpline": {"p": 1.0},
    "RandomSnow": {"p": 1.0},
    "Vignetting": {"p": 1.0},
    "ChromaticAberration": {"primary_distortion_limit": 0.1, "p": 1.0},
    "FancyPCA": {"alpha": 0.5, "p": 1.0},
    "PlanckianJitter": {"p": 1.0},
    "Spatter": {"mode": "mud", "p": 1.0},
    # document degradation (tests/test_document.py checks what each does on rendered pages); the
    # warps with border_mode="constant": "replicate" (their default) also extends a mask touching
    # the frame, which tests/test_geometry_reference.py flags against the box
    "BleedThrough": {},
    "DirtyDrum": {"concentration_range": (0.1, 0.2)},
    "DirtyRollers": {"line_width_range": (4, 8)},
    "Faxify": {"scale_range": (1.0, 1.25)},
    "Folding": {"border_mode": "constant"},
    "InkBleed": {},
    "LowInkLines": {"count_range": (3, 6)},
    "PageWarp": {"curl_range": (0.02, 0.05), "border_mode": "constant"},
    "PaperTexture": {"tint_range": (0.05, 0.12)},
    "PhotocopyNoise": {"density_range": (0.2, 0.4)},
    "ShadowCast": {},
    # HistogramMatching and FDA: below, once their reference image is on disk
    # automatic policies (tests/test_policies.py checks what they mean)
    "GeometricOp": {"op": "rotate", "magnitude": [0, 30], "bins": 31, "interpolation": "linear"},
    "ColorOp": {"op": "sharpness", "magnitude": [0.2, 0.9]},
    "RandAugment": {"num_ops": 2, "magnitude": 9},
    "TrivialAugmentWide": {},
    "AutoAugment": {"policy": "cifar10"},
    "AugMix": {"geometric": False},  # masks and boxes are in every case; tested alone there
    "Curriculum": {"pipeline": {"name": "RandAugment", "magnitude": 5}, "mode": "magnitude",
                   "start": 2, "end": 12, "progress": 0.4},
    "ClassBalanced": {"pipeline": {"name": "Rotate", "limit": 30, "p": 1.0},
                      "class_counts": {"3": 40, "7": 400}, "low": 0.1},
    "HorizontalFlipWithCaption": {},  # its caption side: tests/test_torch_helpers.py
    # containers, with children that exercise them
    "Compose": {"transforms": [{"name": "HorizontalFlip", "p": 0.5},
                               {"name": "Rotate", "limit": 20, "p": 1.0}]},
    "OneOf": {"transforms": [{"name": "Blur", "p": 1.0}, {"name": "Rotate", "limit": 20, "p": 1.0}],
              "p": 1.0},
    "SomeOf": {"transforms": [{"name": "Invert"}, {"name": "VerticalFlip", "p": 1.0},
                              {"name": "Solarize", "p": 1.0}],
               "n": 2},
    "Sometimes": {"transforms": [{"name": "Affine", "rotate": 10, "p": 1.0}]},
    "Sequential": {"transforms": [{"name": "Invert"}, {"name": "Transpose", "p": 1.0}],
                   "random_order": True, "p": 1.0},
}



def _text() -> dict[str, Any]:
    return {"text": "The film's  pacing drags, but the ending — café scene — lands.", "label": 1}


def _audio() -> dict[str, Any]:
    t = np.arange(8000) / 8000
    wave = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return {"audio": np.stack([wave, 0.5 * wave]), "sample_rate": 8000,
            "events": [(0.1, 0.4, "beep"), (0.5, 0.5, "click")], "label": "tone"}


def _spectrogram() -> dict[str, Any]:
    t = np.arange(8000) / 8000
    chirp = (0.5 * np.sin(2 * np.pi * (200 + 1500 * t) * t)).astype(np.float32)
    return {"spectrogram": al.audio.mel_spectrogram(chirp, 8000, n_mels=40), "label": "chirp"}


def _row() -> dict[str, Any]:
    import pandas as pd

    table = pd.DataFrame({"age": [23, 35, 51, 62, 47], "income": [1.5, 2.25, 3.0, None, 2.0],
                          "city": ["a", "b", "a", "c", None]})
    return {"features": {"age": 35, "income": 2.25, "city": "b"},
            "schema": al.tabular.Schema.infer(table), "label": 0}


def _series() -> dict[str, Any]:
    t = np.arange(60)
    x = np.stack([np.sin(t / 5.0), 0.5 * np.cos(t / 7.0)], axis=1)
    x[10:13, 1] = np.nan  # a gap in one channel: it must stay a gap
    return {"series": x, "step_labels": ["rest"] * 20 + ["walk"] * 25 + ["run"] * 15,
            "label": "session"}


def _cloud() -> dict[str, Any]:
    rng = np.random.default_rng(3)
    normals = rng.standard_normal((40, 3))
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return {"points": rng.uniform(-1, 1, (40, 3)), "normals": normals,
            "point_labels": [i % 4 for i in range(40)], "label": "chair"}


def _graph() -> dict[str, Any]:
    import networkx as nx

    g = al.graph.Graph.from_networkx(nx.karate_club_graph(), feature=None, label=None)
    rng = np.random.default_rng(5)
    g = g.replace(node_features=rng.standard_normal((g.num_nodes, 6)),
                  edge_features=rng.standard_normal((g.num_edges, 2)),
                  node_labels=np.arange(g.num_nodes) % 3)
    return {"graph": g, "label": "club"}


def _jet() -> dict[str, Any]:
    rng = np.random.default_rng(8)
    eta = -0.3 + rng.normal(0, 0.15, 30) + np.linspace(-0.2, 0.2, 30)
    phi = 3.0 + rng.normal(0, 0.08, 30)  # near phi = pi: the wrap must not split it
    phi = np.pi - np.mod(np.pi - phi, 2 * np.pi)
    return {"constituents": np.stack([eta, phi, rng.exponential(5.0, 30)], axis=1), "label": "top"}


def _video() -> dict[str, Any]:
    rng = np.random.default_rng(9)
    frames = rng.integers(0, 256, (6, 24, 32, 3), dtype=np.uint8)
    return {"video": frames, "label": "wave"}


def _volume() -> dict[str, Any]:
    d, h, w = np.indices((20, 24, 28))
    labels = ((d - 10) ** 2 + (h - 12) ** 2 + (w - 14) ** 2 <= 36).astype(np.uint8) + (d < 5)
    noise = np.random.default_rng(10).normal(0.0, 1.0, labels.shape)
    return {"volume": (labels * 10.0 + noise).astype(np.float32), "volume_mask": labels,
            "spacing": (1.0, 1.25, 0.8), "label": "subject"}


def send_json(handler: BaseHTTPRequestHandler, answer: Any) -> None:
    """Answer an HTTP request of the tests' local servers with JSON."""
    data = json.dumps(answer).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class _ChatServer(BaseHTTPRequestHandler):
    """A real OpenAI-compatible chat server for the tests: its "paraphrase" puts the seed's
    parity in front ("In other words," / "Put differently,"); a text starting with "twice" comes
    back doubled (so protected spans appear twice and must be refused)."""

    def do_POST(self) -> None:  # noqa: N802  (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = body["messages"][-1]["content"]
        lead = "In other words," if body["seed"] % 2 == 0 else "Put differently,"
        reply = f"{text} {text}" if text.startswith("twice") else f'"{lead} {text}"'
        send_json(self, {"choices": [{"message": {"role": "assistant", "content": reply}}]})

    def log_message(self, *args: object) -> None:
        pass


CHAT_SERVER = ThreadingHTTPServer(("127.0.0.1", 0), _ChatServer)
threading.Thread(target=CHAT_SERVER.serve_forever, daemon=True).start()
CHAT_URL = f"http://127.0.0.1:{CHAT_SERVER.server_address[1]}/v1"

def _oracle_file() -> str:
    """A small text oracle saved as data (text.LabelFilter reads it by path)."""
    texts = ["the ending lands", "a film that lands well", "pacing drags badly", "it drags and bores",
             "the café scene lands", "a dull scene"]
    path = Path(tempfile.mkdtemp(prefix="augmentlab-oracle-")) / "oracle.json"
    al.text.save_oracle(al.text.fit_oracle(texts, [1, 1, 0, 0, 1, 0]), path)
    return str(path)


ORACLE_FILE = _oracle_file()


def _reference_file() -> str:
    """A grey reference image on disk for HistogramMatching and FDA (a grey reference serves
    images of any channel count; a config holds its path)."""
    rng = np.random.default_rng(12)
    grey = cv2.GaussianBlur(rng.integers(40, 220, (48, 64)).astype(np.uint8), (0, 0), 3)
    path = Path(tempfile.mkdtemp(prefix="augmentlab-reference-")) / "reference.png"
    cv2.imwrite(str(path), grey)
    return str(path)


REFERENCE_FILE = _reference_file()
CASES["HistogramMatching"] = {"reference_images": [REFERENCE_FILE], "blend_ratio": (0.5, 0.8),
                              "p": 1.0}
CASES["FDA"] = {"reference_images": [REFERENCE_FILE], "beta_limit": (0.02, 0.1), "p": 1.0}

# Transforms of the other modalities: a configuration and the fields of one sample. Their own
# invariant suite is tests/test_modal_invariants.py.
MODAL_CASES: dict[str, tuple[dict[str, Any], Any]] = {
    "text.RandomSwap": ({"n": 2}, _text),
    "text.RandomDelete": ({"rate": 0.3}, _text),
    "text.SynonymReplace": ({"n": 0.3}, _text),
    "text.RandomInsert": ({"n": 2}, _text),
    "text.KeyboardTypo": ({"rate": 0.1}, _text),
    "text.EmbeddingReplace": ({"n": 0.3, "vocab": 20000}, _text),
    "text.BackTranslate": ({}, _text),
    "text.Paraphrase": ({"base_url": CHAT_URL, "model": "test"}, _text),
    "text.SemanticFilter": ({"transform": {"name": "text.RandomSwap", "n": 2}, "min_similarity": 0.5}, _text),
    "text.LabelFilter": ({"transform": {"name": "text.RandomDelete", "rate": 0.3},
                          "oracle": ORACLE_FILE, "min_probability": 0.3}, _text),
    "text.ContextualReplace": ({"n": 1, "k": 3}, _text),
    "text.OcrError": ({"rate": 0.3}, _text),
    "text.CharSwap": ({"rate": 0.1}, _text),
    "text.CharDelete": ({"rate": 0.1}, _text),
    "audio.Gain": ({}, _audio),
    "audio.AddGaussianNoise": ({}, _audio),
    "audio.Shift": ({"rollover": False}, _audio),
    "audio.Reverse": ({}, _audio),
    "audio.TimeMask": ({"min_band_part": 0.1}, _audio),
    "audio.Normalize": ({"peak_db": -1.0}, _audio),
    "audio.ClippingDistortion": ({"min_percentile": 5, "max_percentile": 30}, _audio),
    "audio.LowPass": ({}, _audio),
    "audio.HighPass": ({}, _audio),
    "audio.BandPass": ({"max_hz": 3000}, _audio),
    "audio.BandStop": ({"max_hz": 3000}, _audio),
    "audio.PeakingEQ": ({}, _audio),
    "audio.AddColoredNoise": ({}, _audio),
    "audio.RandomCrop": ({"seconds": 0.5}, _audio),
    "audio.PadToLength": ({"seconds": 1.5, "mode": "random"}, _audio),
    "audio.GainTransition": ({}, _audio),
    "audio.Compression": ({"min_quality": 0.1, "max_quality": 0.4}, _audio),
    "audio.AddBackgroundNoise": ({"folder": "/usr/share/lmms/samples/drums"}, _audio),  # Debian
    "audio.ApplyImpulseResponse": ({"max_rt60": 0.4}, _audio),
    "audio.SpeedPerturb": ({"min_factor": 1.25, "max_factor": 1.25}, _audio),
    "audio.FrequencyMask": ({"max_width": 8}, _spectrogram),
    "audio.TimeMaskSpec": ({"max_width": 20}, _spectrogram),
    "audio.SpecAugment": ({}, _spectrogram),
    "audio.TimeStretch": ({}, _audio),
    "audio.PitchShift": ({}, _audio),
    "series.Jitter": ({"sigma": 0.05}, _series),
    "series.Scaling": ({}, _series),
    "series.MagnitudeWarp": ({}, _series),
    "series.Drift": ({}, _series),
    "series.Quantize": ({"levels": 5}, _series),
    "series.TimeWarp": ({}, _series),
    "series.WindowSlice": ({}, _series),
    "series.WindowWarp": ({"window_ratio": 0.2}, _series),
    "series.Permutation": ({}, _series),
    "series.Crop": ({"size": 40}, _series),
    "series.Resize": ({"min_size": 30, "max_size": 90}, _series),
    "series.Convolve": ({}, _series),
    "series.Pool": ({}, _series),
    "series.Dropout": ({"rate": 0.2}, _series),
    "points.Rotate": ({}, _cloud),
    "points.Scale": ({"anisotropic": True}, _cloud),
    "points.Translate": ({}, _cloud),
    "points.Flip": ({"axis": "y"}, _cloud),
    "points.NormalizeToUnitSphere": ({}, _cloud),
    "points.Jitter": ({}, _cloud),
    "points.RandomDropout": ({"max_ratio": 0.5}, _cloud),
    "points.Shuffle": ({}, _cloud),
    "points.Recentre": ({}, _jet),
    "points.AlignPrincipalAxis": ({}, _jet),
    "points.Reflect": ({"axis": "both"}, _jet),
    "points.Zoom": ({"target": 0.1}, _jet),
    "Video": ({"transforms": {"name": "Affine", "rotate": 20, "p": 1.0}}, _video),
    "TemporalCrop": ({"frames": 4}, _video),
    "FrameSample": ({"frames": 3, "mode": "random"}, _video),
    "graph.EdgeDrop": ({}, _graph),
    "graph.EdgeAdd": ({}, _graph),
    "graph.EdgePerturb": ({}, _graph),
    "graph.NodeDrop": ({}, _graph),
    "graph.SubgraphSample": ({}, _graph),
    "graph.FeatureMask": ({}, _graph),
    "tabular.GaussianNoise": ({"scale": 0.5}, _row),
    "tabular.CategoricalResample": ({"rate": 0.7}, _row),
    "tabular.SwapNoise": ({"rate": 0.7}, _row),
    "tabular.FeatureDropout": ({"rate": 0.5, "fill": "typical"}, _row),
    "volume.RandomFlip": ({}, _volume),
    "volume.RandomRotate90": ({}, _volume),
    "volume.RandomAffine": ({"degrees": 15, "translation": 2.0, "shear": 5}, _volume),
    "volume.RandomElasticDeformation": ({"control_points": 5, "max_displacement": 3.0}, _volume),
    "volume.RandomCrop": ({"size": (12, 14, 16)}, _volume),
    "volume.Pad": ({"size": (24, 30, 36), "position": "random"}, _volume),
    "volume.Resample": ({"spacing": (1.5, 1.0, 0.75)}, _volume),
    "volume.RandomGamma": ({}, _volume),
    "volume.RandomNoise": ({"std": (0.05, 0.1)}, _volume),
    "volume.RandomBlur": ({}, _volume),
    "volume.RandomBiasField": ({}, _volume),
    "volume.RandomGhosting": ({}, _volume),
    "volume.RandomMotion": ({"degrees": 5, "translation": 3}, _volume),
}

# Audio transforms that change the clip's length: the samples they return, from the input's
LENGTH_RULES = {"audio.RandomCrop": lambda n, rate: min(n, round(0.5 * rate)),
                "audio.PadToLength": lambda n, rate: max(n, round(1.5 * rate)),
                "audio.SpeedPerturb": lambda n, rate: round(n / 1.25)}

# Transforms that need three channels (they raise a clear InvalidInput on one channel).
NEEDS_RGB = {"RGBShift", "ISONoise", "Normalize",  # Normalize: its default mean has 3 values
             "ChannelDropout",  # it needs 2 channels or more
             "RandomSnow", "ChromaticAberration", "PlanckianJitter", "Spatter"}


def is_native(value: object) -> bool:
    """True when `value` holds only Python's own JSON types (what a Record's params must be)."""
    if type(value) in (int, float, str, bool) or value is None:
        return True
    if type(value) is list:
        return all(is_native(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and is_native(v) for k, v in value.items())
    return False


def build(name: str) -> al.Transform:
    """Construct the CASES configuration of `name` through the config path."""
    return al.Transform.from_config({"name": name, **CASES[name]})


def _photo(which: str) -> np.ndarray:
    if which == "astronaut":
        from skimage import data

        return data.astronaut()
    if which == "coffee":
        from skimage import data

        return data.coffee()
    from sklearn.datasets import load_sample_images

    return load_sample_images().images[0 if which == "china" else 1]


@pytest.fixture(scope="session")
def photos() -> list[np.ndarray]:
    """Four real photos, centre-cropped to 256x256 RGB uint8."""
    out = []
    for which in ("astronaut", "coffee", "china", "flower"):
        img = _photo(which)
        h, w = img.shape[:2]
        s = min(h, w)
        crop = img[(h - s) // 2 : (h - s) // 2 + s, (w - s) // 2 : (w - s) // 2 + s]
        out.append(cv2.resize(crop, (256, 256), interpolation=cv2.INTER_AREA))
    return out


@pytest.fixture(scope="session")
def small_photo(photos: list[np.ndarray]) -> np.ndarray:
    """A non-square 60x80 crop of a real photo."""
    return cv2.resize(photos[0], (80, 60), interpolation=cv2.INTER_AREA)


class MnistOracle:
    """1,000 MNIST training images for a generator, and an oracle CNN trained on 5,000 *other*
    training images: does a sample asked for class c look like a c, and how far is the sample
    set from real digits (Fréchet distance in the oracle's features)?"""

    def __init__(self) -> None:
        from augmentlab.datasets import load
        from augmentlab.evaluate import StepModel, frechet_distance

        data = load("mnist")
        rng = np.random.default_rng(0)
        self.train = rng.choice(data.train[:50000], 1000, replace=False)
        other = rng.choice(data.train[50000:], 5000, replace=False)  # never in `train`
        self.X, self.y = data.X[self.train], data.y[self.train]
        self.oracle = StepModel("small-cnn", steps=1500).fit(
            data.X[other], data.y[other], data.X[data.test[:500]], data.y[data.test[:500]], seed=0)
        self._real = self.oracle.features(data.X[data.test[:1000]])
        self._fd = frechet_distance
        noisy = np.clip(self.X.astype(float) + rng.normal(0, 60, self.X.shape), 0, 255).astype(np.uint8)
        self.noisy_distance = self.distance(noisy)

    def agreement(self, X: np.ndarray, y: np.ndarray) -> float:
        return float((self.oracle.predict_proba(X).argmax(1) == y).mean())

    def distance(self, X: np.ndarray) -> float:
        return float(self._fd(self._real, self.oracle.features(X)))


@pytest.fixture(scope="session")
def mnist_oracle() -> MnistOracle:
    return MnistOracle()
