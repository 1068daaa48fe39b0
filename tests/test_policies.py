"""What the automatic policies mean: the published tables and scales, op semantics against PIL,
the mixing arithmetic of AugMix, curriculum schedules and class-balanced strength."""

from __future__ import annotations

import ast
import collections
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

import augmentlab as al
from augmentlab.policies import (
    AUTOAUGMENT_POLICIES,
    AugMix,
    AutoAugment,
    ClassBalanced,
    ColorOp,
    Curriculum,
    GeometricOp,
    RandAugment,
    TrivialAugmentWide,
)
from augmentlab.policies.ops import color_kernel

REFERENCE = Path(__file__).resolve().parents[1] / ".venv" / "reference"
_PAPER_NAMES = {"ShearX": "shear_x", "ShearY": "shear_y", "TranslateX": "translate_x",
                "TranslateY": "translate_y"}


def _torchvision_tables() -> dict[str, list]:
    """The policies in torchvision's ``_get_policies``, parsed (never run) from the wheel that
    ``make install`` downloads next to the environment."""
    wheels = sorted(REFERENCE.glob("torchvision-*.whl"))
    if not wheels:
        pytest.fail(f"no torchvision wheel in {REFERENCE}; run `make install`")
    with zipfile.ZipFile(wheels[-1]) as z:
        source = z.read("torchvision/transforms/autoaugment.py").decode()
    func = next(n for n in ast.walk(ast.parse(source))
                if isinstance(n, ast.FunctionDef) and n.name == "_get_policies")
    tables, branch = {}, None
    for node in ast.walk(func):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            branch = node.test.comparators[0].attr.lower()  # AutoAugmentPolicy.IMAGENET
            ret = next(n for n in node.body if isinstance(n, ast.Return))
            tables[branch] = ast.literal_eval(ret.value)
    return tables


def test_autoaugment_tables_match_torchvisions_transcription_of_the_paper() -> None:
    reference = _torchvision_tables()
    assert set(reference) == set(AUTOAUGMENT_POLICIES) == {"imagenet", "cifar10", "svhn"}
    for policy, subs in reference.items():
        ours = [tuple((op, prob, level) for op, prob, level in sub)
                for sub in AUTOAUGMENT_POLICIES[policy]]
        theirs = [tuple((_PAPER_NAMES.get(op, op.lower()), prob, level) for op, prob, level in sub)
                  for sub in subs]
        assert ours == theirs, policy
        assert len(ours) == 25


def _steps(out: al.Sample) -> list:
    return [s for s in out.record.steps if s.name in ("GeometricOp", "ColorOp")]


def test_randaugment_runs_num_ops_ops_at_the_one_magnitude_with_random_signs() -> None:
    pipe = al.Compose([RandAugment(num_ops=3, magnitude=10, num_bins=31)], seed=0)
    ra = al.policies.RANDAUGMENT
    leaves = pipe[0].leaves()
    assert {leaf.op for leaf in leaves} == set(ra)
    for leaf in leaves:  # level 10 of 31: a third of each op's range
        entry = ra[leaf.op]
        want = 0.0 if entry is None else entry[0] / 3
        assert leaf.magnitude == pytest.approx((want, want))
    img = np.zeros((20, 20, 3), np.uint8)
    geometric = []
    for i in range(300):
        ops = _steps(pipe(image=img, sample_id=i))
        assert len(ops) == 3
        geometric += [s.params["value"] for s in ops if s.name == "GeometricOp"]
    assert {round(abs(v), 9) for v in geometric} == {round(0.3 / 3, 9), round(150 / 331 / 3, 9),
                                                    10.0}
    assert np.mean(np.array(geometric) < 0) == pytest.approx(0.5, abs=0.1)


def test_trivialaugment_draws_one_op_at_a_uniform_level() -> None:
    pipe = al.Compose([TrivialAugmentWide()], seed=1)
    img = np.zeros((16, 16), np.uint8)
    ops, rotations = collections.Counter(), []
    for i in range(3000):
        out = pipe(image=img, sample_id=i)
        chosen = out.record.steps[0].params["chosen"][0]
        leaf = pipe[0][0][chosen]
        ops[leaf.op] += 1
        if leaf.op == "rotate":
            rotations.append(_steps(out)[0].params["value"])
    assert set(ops) == set(al.policies.TRIVIALAUGMENT_WIDE)
    assert min(ops.values()) > 3000 / 14 * 0.7
    levels = {round(abs(v) / 135 * 30, 6) for v in rotations}
    assert levels <= set(range(31)) and len(levels) >= 25  # whole levels of 31, most of them seen
    assert sum(v < 0 for v in rotations) / len(rotations) == pytest.approx(0.5, abs=0.1)


def test_autoaugment_runs_a_sub_policy_with_its_probabilities_and_levels() -> None:
    pipe = al.Compose([AutoAugment(policy="svhn")], seed=2)
    img = np.zeros((12, 12, 3), np.uint8)
    applied = collections.Counter()
    for i in range(1500):
        out = pipe(image=img, sample_id=i)
        chosen = out.record.steps[0].params["chosen"][0]
        if chosen == 0:  # ShearX 0.9 level 4, Invert 0.2
            flags = [s.applied for s in out.record.steps if s.path.count("/") == 4]
            applied["shear"] += flags[0]
            applied["invert"] += flags[1]
            applied["n"] += 1
            if flags[0]:
                shear = next(s for s in out.record.steps if s.name == "GeometricOp")
                assert abs(shear.params["value"]) == pytest.approx(0.3 * 4 / 9)
    assert applied["shear"] / applied["n"] == pytest.approx(0.9, abs=0.1)
    assert applied["invert"] / applied["n"] == pytest.approx(0.2, abs=0.1)


@pytest.mark.parametrize(("op", "enhancer"), [("brightness", ImageEnhance.Brightness),
                                              ("color", ImageEnhance.Color),
                                              ("contrast", ImageEnhance.Contrast),
                                              ("sharpness", ImageEnhance.Sharpness)])
def test_enhance_ops_match_pil(op: str, enhancer: type, small_photo: np.ndarray) -> None:
    for value in (-0.8, -0.3, 0.5, 0.9):
        ours = color_kernel(op, small_photo, value).astype(int)
        theirs = np.asarray(enhancer(Image.fromarray(small_photo)).enhance(1 + value)).astype(int)
        assert np.abs(ours - theirs).max() <= 1  # PIL truncates where we round


def test_other_colour_ops_match_pil(small_photo: np.ndarray) -> None:
    pil = Image.fromarray(small_photo)
    for dropped in range(5):
        assert np.array_equal(color_kernel("posterize", small_photo, dropped),
                              np.asarray(ImageOps.posterize(pil, 8 - dropped)))
    for value in (0.2, 0.5, 0.9):
        assert np.array_equal(color_kernel("solarize", small_photo, value),
                              np.asarray(ImageOps.solarize(pil, 255 * (1 - value))))
    assert np.array_equal(color_kernel("invert", small_photo, 0), np.asarray(ImageOps.invert(pil)))
    stretched = color_kernel("autocontrast", small_photo, 0).astype(int)
    assert np.abs(stretched - np.asarray(ImageOps.autocontrast(pil)).astype(int)).max() <= 1


def test_geometric_ops_move_keypoints_exactly() -> None:
    img = np.zeros((40, 60), np.uint8)
    kp = [[10.0, 20.0]]
    cases = {("shear_x", 0.25): [15.0, 20.0], ("shear_y", 0.5): [10.0, 25.0],
             ("translate_x", 0.1): [16.0, 20.0], ("translate_y", -0.25): [10.0, 10.0]}
    for (op, value), want in cases.items():
        out = GeometricOp(op=op, magnitude=value, signed=False)(image=img, keypoints=kp, seed=0)
        np.testing.assert_allclose(out["keypoints"][0][:2], want, atol=1e-9)
    rot = GeometricOp(op="rotate", magnitude=90, signed=False)(image=np.zeros((41, 41), np.uint8),
                                                             keypoints=[[30.0, 20.0]], seed=0)
    np.testing.assert_allclose(rot["keypoints"][0][:2], [20.0, 10.0], atol=1e-9)


def test_magnitude_ops_check_their_arguments() -> None:
    with pytest.raises(al.errors.InvalidConfig, match="op"):
        ColorOp(op="blur")
    with pytest.raises(al.errors.InvalidConfig, match="magnitude"):
        GeometricOp(op="rotate", magnitude=[30, 0])
    with pytest.raises(al.errors.InvalidConfig, match="bins"):
        GeometricOp(op="rotate", magnitude=[0, 30], bins=1)
    with pytest.raises(al.errors.InvalidConfig, match="magnitude"):
        RandAugment(magnitude=31, num_bins=31)
    with pytest.raises(al.errors.InvalidConfig, match="policy"):
        AutoAugment(policy="mnist")


def test_randaugment_over_audio_and_text_ops() -> None:
    t = np.arange(4000) / 8000
    wave = (0.25 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
    ops = [{"name": "audio.Gain", "min_db": {"magnitude": [0, -12]},
            "max_db": {"magnitude": [0, 12]}}]
    still = al.Compose([RandAugment(num_ops=2, magnitude=0, ops=ops)], seed=0)
    assert np.array_equal(still(audio=wave, sample_rate=8000)["audio"], wave)
    loud = RandAugment(num_ops=1, magnitude=30, ops=ops)
    gain = loud[0][0]
    assert (gain.get_config()["min_db"], gain.get_config()["max_db"]) == (-12.0, 12.0)
    words = RandAugment(num_ops=1, magnitude=30, ops=[
        {"name": "text.RandomDelete", "rate": {"magnitude": [0.0, 0.5]}}])
    text = " ".join(f"w{i}" for i in range(200))
    kept = al.Compose([words], seed=3)(text=text)["text"].split()
    assert 60 < len(kept) < 140  # about half deleted
    loaded = al.load_pipeline(al.Compose([words], seed=3).to_yaml())
    assert loaded(text=text)["text"].split() == kept
    with pytest.raises(al.errors.InvalidConfig, match="ops"):
        RandAugment(ops=["text.RandomDelete"])


def test_augmix_is_the_documented_convex_mix(small_photo: np.ndarray) -> None:
    img = small_photo.astype(np.float32) / 255
    pipe = al.Compose([AugMix(width=3, depth=2, severity=5)], seed=4)
    for i in range(5):
        out = pipe(image=img, sample_id=i)
        params = out.record.steps[0].params
        assert abs(sum(params["weights"]) - 1) < 1e-9 and 0 <= params["m"] <= 1
        assert all(len(chain) == 2 for chain in params["chains"])
        # recompute the mix from the recorded chains with the public kernels
        t = pipe[0]
        chains = [np.asarray(t.apply_image(img, {"m": 0.0, "weights": [1.0], "chains": [c]}))
                  for c in params["chains"]]
        want = params["m"] * img + (1 - params["m"]) * sum(
            w * c for w, c in zip(params["weights"], chains, strict=True))
        np.testing.assert_allclose(out["image"], np.clip(want, 0, 1), atol=1e-5)
    with pytest.raises(al.errors.InvalidInput, match="geometric=False"):
        al.Compose([AugMix()], seed=0)(image=small_photo, mask=np.zeros(small_photo.shape[:2],
                                                                        np.uint8))
    colour_only = al.Compose([AugMix(geometric=False)], seed=0)(image=small_photo, sample_id=1)
    ops = {op for chain in colour_only.record.steps[0].params["chains"] for op, _ in chain}
    assert not ops & set(al.policies.GEOMETRIC_OPS)


def test_augmix_levels_follow_severity() -> None:
    t = al.Compose([AugMix(severity=2, width=4, depth=3)], seed=0)
    rot = [abs(v) for i in range(200)
           for chain in t(image=np.zeros((8, 8), np.uint8), sample_id=i).record.steps[0]
           .params["chains"] for op, v in chain if op == "rotate"]
    assert rot and max(rot) <= 30 * 2 / 10 + 1e-9 and min(rot) >= 30 * 0.1 / 10 - 1e-9


def test_curriculum_schedules() -> None:
    flip = al.HorizontalFlip(p=1.0)
    assert [Curriculum(flip, schedule="linear").at(x).p for x in (0, 0.25, 1)] == [0, 0.25, 1]
    cos = Curriculum(flip, schedule="cosine", start=0.2, end=0.8)
    assert cos.at(0.5).p == pytest.approx(0.5) and cos.at(0.1).p < 0.2 + 0.6 * 0.1
    steps = Curriculum(flip, schedule="step", steps=4)
    assert [steps.at(x).p for x in (0.1, 0.3, 0.99, 1.0)] == [0.0, 0.25, 0.75, 1.0]
    assert Curriculum(flip, schedule="constant", end=0.7).at(0.0).p == pytest.approx(0.7)
    ramp = Curriculum(RandAugment(), mode="magnitude", start=0, end=20)
    assert ramp.at(0.75)[0].magnitude == 15.0
    # the runner applies the scheduled probability
    img = np.arange(6, dtype=np.uint8).reshape(1, 6)
    pipe = al.Compose([Curriculum(flip, start=0.0, end=1.0).at(0.3)], seed=0)
    flipped = np.mean([pipe(image=img, sample_id=i)["image"][0, 0] == 5 for i in range(2000)])
    assert flipped == pytest.approx(0.3, abs=0.04)
    again = al.load_pipeline(pipe.to_json())
    assert again.get_config() == pipe.get_config()
    with pytest.raises(al.errors.InvalidConfig, match="magnitude"):
        Curriculum(flip, mode="magnitude")


def test_class_balanced_strength_follows_rarity() -> None:
    counts = {"cat": 1000, "dog": 100, "lynx": 10}
    t = ClassBalanced(al.HorizontalFlip(p=1.0), class_counts=counts, low=0.1, high=0.9)
    assert t.strength == pytest.approx({"cat": 0.1, "dog": 0.5, "lynx": 0.9})
    pipe = al.Compose([t], seed=0)
    img = np.arange(4, dtype=np.uint8).reshape(1, 4)
    for label, want in t.strength.items():
        rate = np.mean([pipe(image=img, label=label, sample_id=i)["image"][0, 0] == 3
                        for i in range(1500)])
        assert rate == pytest.approx(want, abs=0.05), label
    with pytest.raises(al.errors.InvalidInput, match="not in class_counts"):
        pipe(image=img, label="wolf")
    with pytest.raises(al.errors.InvalidInput, match="no label"):
        pipe(image=img)
    strong = ClassBalanced(RandAugment(), class_counts=counts, mode="magnitude", low=2, high=14)
    out = al.Compose([strong], seed=0)(image=np.zeros((8, 8), np.uint8), label="lynx")
    chosen = out.record.steps[0].params["chosen"][0]
    assert strong[chosen].magnitude == 14.0
    with pytest.raises(al.errors.InvalidConfig, match="class_counts"):
        ClassBalanced(al.HorizontalFlip(p=1.0), class_counts=["cat"])


def test_posterize_and_solarize_are_never_signed() -> None:
    img = np.full((1, 1), 200, np.uint8)
    for op, want in (("posterize", 192), ("solarize", 55)):
        t = ColorOp(op=op, magnitude=4 if op == "posterize" else 0.5)  # signed=True by default
        assert not t.signed
        assert {int(al.Compose([t], seed=s)(image=img)["image"][0, 0]) for s in range(20)} == {want}
