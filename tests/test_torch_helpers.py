"""Training-time helpers on real MNIST digits and a small trained CNN: datasets and workers, TTA,
adversarial examples, consistency losses, learnable augmentation, active learning, and the
multimodal transforms."""

from __future__ import annotations

import json

import numpy as np
import pytest

import augmentlab as al
import augmentlab.datasets
from augmentlab.data.job import augment_dataset
from augmentlab.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.policies import Curriculum, RandAugment

torch = pytest.importorskip("torch")
from augmentlab.torch import (  # noqa: E402  (after the torch check)
    AugmentedDataset,
    LearnableAffine,
    LearnableBrightness,
    LearnableContrast,
    OfflineAugmentedDataset,
    adversarial_training_step,
    deepfool,
    fgsm,
    fixmatch_loss,
    pgd,
    seed_worker,
    torch_predictor,
    tta_predict,
    uda_loss,
    weak_strong_pipelines,
)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    d = al.datasets.load("mnist")
    return d.X[:600], d.y[:600].astype(int)


@pytest.fixture(scope="module")
def net(digits: tuple[np.ndarray, np.ndarray]) -> object:
    """A small CNN trained for 150 steps on 500 digits (about 85-90% on the next 100)."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(8 * 14 * 14, 10))
    x = torch.from_numpy(digits[0][:500, None].astype(np.float32) / 255)
    y = torch.from_numpy(digits[1][:500])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(150):
        idx = torch.randint(0, 500, (32,), generator=gen)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
    model.eval()
    return model


def _tensors(digits: tuple[np.ndarray, np.ndarray], n: int = 64) -> tuple[object, object]:
    return (torch.from_numpy(digits[0][500:500 + n, None].astype(np.float32) / 255),
            torch.from_numpy(digits[1][500:500 + n]))


def test_augmented_dataset_is_the_same_with_any_number_of_workers(digits) -> None:
    data = (digits[0][:48], digits[1][:48])
    ds = AugmentedDataset(data, al.Compose([al.Affine(rotate=20, p=1.0), al.CoarseDropout(p=1.0)]), seed=3)
    runs = []
    ds.set_epoch(0)  # pinned: both runs read copy 0
    for workers in (0, 2):
        loader = torch.utils.data.DataLoader(ds, batch_size=16, num_workers=workers,
                                             worker_init_fn=seed_worker)
        runs.append([(x.numpy().tobytes(), y.tolist()) for x, y in loader])
    assert runs[0] == runs[1]
    first = ds[5][0]
    ds.set_epoch(1)
    assert not torch.equal(ds[5][0], first)  # a new copy each epoch
    ds.set_epoch(0)
    assert torch.equal(ds[5][0], first)
    # dict output: the record replays to the same bytes
    dd = AugmentedDataset(data, al.Affine(rotate=20, p=1.0), seed=3, output="dict")
    item = dd[7]
    pipe = al.Compose([al.Affine(rotate=20, p=1.0)])
    assert np.array_equal(pipe.replay(item["record"], image=digits[0][7])["image"], item["image"])


def test_views_and_curriculum_by_epoch(digits) -> None:
    weak, strong = weak_strong_pipelines()
    ds = AugmentedDataset((digits[0][:8], digits[1][:8]), views={"weak": weak, "strong": strong})
    w, s, label = ds[0]
    assert w.shape == s.shape == (1, 28, 28) and label == digits[1][0]
    curriculum = Curriculum(RandAugment(num_ops=2), mode="magnitude", start=0, end=20)
    cd = AugmentedDataset((digits[0][:8], digits[1][:8]), curriculum, epochs=10, output="dict")
    cd.set_epoch(5)
    magnitudes = {leaf.magnitude for leaf in cd._views["image"].leaves()}
    assert {m for m in magnitudes if m != (0.0, 0.0)} and cd._views["image"][0].value == 10.0
    with pytest.raises(InvalidConfig, match="epochs"):
        AugmentedDataset((digits[0][:8], digits[1][:8]), curriculum)
    with pytest.raises(InvalidInput, match="labels"):
        AugmentedDataset((digits[0][:8], digits[1][:7]), None)


def test_offline_dataset_reads_an_augmented_folder(tmp_path, digits) -> None:
    import cv2

    for i in range(6):
        folder = tmp_path / "in" / f"digit{digits[1][i]}"
        folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / f"{i}.png"), digits[0][i])
    pipe = al.Compose([al.Affine(rotate=15, p=1.0)])
    augment_dataset(tmp_path / "in", tmp_path / "out", pipe, copies=2, quiet=True,
                    include_originals=True)
    ds = OfflineAugmentedDataset(tmp_path / "out", output="dict")
    assert len(ds) == 18
    for i in range(len(ds)):
        item = ds[i]
        assert ds.classes[item["label"]] == f"digit{digits[1][int(item['source'].split('/')[1][:-4])]}"
        if item["copy"] > 0:  # the stored record replays to the stored image
            src = cv2.imread(str(tmp_path / "in" / item["source"]), cv2.IMREAD_GRAYSCALE)
            again = pipe.replay(item["record"], image=src)["image"]
            assert np.array_equal(again, item["image"])
    x, y = OfflineAugmentedDataset(tmp_path / "out")[0]
    assert x.shape == (1, 28, 28) and isinstance(y, int)
    manifest = tmp_path / "out" / "manifest.jsonl"
    manifest.write_text(manifest.read_text() + "{not json\n")
    with pytest.raises(DataError, match=r"manifest.jsonl:19"):
        OfflineAugmentedDataset(tmp_path / "out")
    with pytest.raises(DataError, match="not an augmented folder"):
        OfflineAugmentedDataset(tmp_path / "in")


def test_tta_with_an_identity_pipeline_equals_plain_prediction(net, digits) -> None:
    predict = torch_predictor(net)
    x = digits[0][500:540]
    plain = predict(x)
    identity = al.Compose([al.Affine(rotate=0, p=1.0)])
    np.testing.assert_allclose(tta_predict(predict, x, identity, n=4), plain, atol=1e-6)
    np.testing.assert_allclose(tta_predict(predict, x, identity, n=3, include_original=False),
                               plain, atol=1e-6)
    votes = tta_predict(predict, x, identity, n=3, reduce="vote")
    assert (votes.argmax(1) == plain.argmax(1)).all() and set(np.unique(votes)) <= {0.0, 1.0}
    shaken = tta_predict(predict, x, al.Affine(rotate=8, translate_percent=0.05, p=1.0), n=6)
    assert np.allclose(shaken.sum(1), 1) and not np.allclose(shaken, plain)


def test_segmentation_tta_maps_predictions_back(digits) -> None:
    """A per-pixel "segmenter" (ink vs background from the pixel itself) is equivariant: every
    view mapped back must agree with the plain prediction wherever the view saw the pixel."""
    def predict(batch: np.ndarray) -> np.ndarray:
        ink = (batch.astype(np.float32) / 255.0)[..., None]
        return np.concatenate([1 - ink, ink], axis=-1)

    x = digits[0][:6]
    plain = predict(x)
    pipe = al.Compose([al.HorizontalFlip(p=0.5), al.RandomRotate90(), al.VerticalFlip(p=0.5)])
    maps = tta_predict(predict, x, pipe, n=6, segmentation=True)
    np.testing.assert_allclose(maps, plain, atol=1e-5)
    # whole-pixel shifts: pixels a view pushed out are left out of their average, not zeroed
    shift = [al.policies.GeometricOp(op=op, magnitude=[0.05, 0.2]) for op in ("translate_x",
                                                                            "translate_y")]
    maps = tta_predict(predict, x, al.Compose(shift), n=4, segmentation=True)
    np.testing.assert_allclose(maps, plain, atol=1e-5)
    blurred = tta_predict(predict, x, al.Affine(translate_percent=0.1, p=1.0), n=4, segmentation=True)
    assert np.abs(blurred - plain).mean() < 0.05  # sub-pixel shifts: interpolated twice
    with pytest.raises(InvalidInput, match="moves pixels without a matrix"):
        tta_predict(predict, x, al.ElasticWarp(), n=2, segmentation=True)


def test_pgd_stays_in_the_ball_and_raises_the_loss(net, digits) -> None:
    x, y = _tensors(digits)

    def loss(a: object) -> float:
        with torch.no_grad():
            return torch.nn.functional.cross_entropy(net(a), y).item()

    clean = loss(x)
    for norm, eps in (("linf", 0.1), ("l2", 1.5)):
        adv = pgd(net, x, y, eps=eps, steps=10, norm=norm, seed=1)
        delta = (adv - x).flatten(1)
        size = delta.abs().max(1).values if norm == "linf" else delta.norm(dim=1)
        assert size.max().item() <= eps + 1e-5
        assert adv.min().item() >= 0 and adv.max().item() <= 1
        assert loss(adv) > clean + 0.5
        assert torch.equal(adv, pgd(net, x, y, eps=eps, steps=10, norm=norm, seed=1))
    step = fgsm(net, x, y, eps=0.1)
    assert (step - x).abs().max().item() <= 0.1 + 1e-6 and loss(step) > clean
    assert loss(pgd(net, x, y, eps=0.1, steps=10)) >= loss(step)


def test_deepfool_flips_predictions_with_small_steps(net, digits) -> None:
    x, _ = _tensors(digits, 12)
    adv = deepfool(net, x, clamp=None)
    with torch.no_grad():
        before, after = net(x).argmax(1), net(adv).argmax(1)
    assert (before != after).float().mean().item() >= 0.9
    assert (adv - x).flatten(1).norm(dim=1).median().item() < 5.0  # well below an image's norm


def test_adversarial_training_step(digits) -> None:
    x, y = _tensors(digits, 32)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = [adversarial_training_step(model, opt, x, y, eps=0.05, steps=3)
              for _ in range(15)]
    assert losses[-1]["adversarial"] < losses[0]["adversarial"]
    assert all(row["adversarial"] >= row["clean"] - 1e-6 for row in losses)
    with pytest.raises(InvalidConfig, match="attack"):
        adversarial_training_step(model, opt, x, y, eps=0.1, attack="cw")


def test_consistency_losses() -> None:
    gen = torch.Generator().manual_seed(0)
    weak = torch.randn(16, 10, generator=gen) * 0.1  # nothing near 0.95 confident
    strong = torch.randn(16, 10, generator=gen, requires_grad=True)
    assert fixmatch_loss(weak, strong, threshold=0.95).item() == 0.0
    confident = weak.clone()
    confident[:4, 3] = 10.0
    loss = fixmatch_loss(confident.requires_grad_(True), strong, threshold=0.95)
    want = torch.nn.functional.cross_entropy(strong[:4], torch.full((4,), 3)) * 4 / 16
    assert loss.item() == pytest.approx(want.item(), rel=1e-5)
    loss.backward()
    assert confident.grad is None and strong.grad is not None
    assert uda_loss(weak, strong, threshold=0.95).item() == 0.0
    assert uda_loss(confident, strong, threshold=0.9).item() > 0
    assert abs(uda_loss(confident, confident.detach() / 0.4, temperature=0.4,
                        threshold=0.0).item()) < 1e-5
    with pytest.raises(InvalidInput, match="one shape"):
        fixmatch_loss(weak, strong[:3])


@pytest.mark.parametrize("factory", [LearnableBrightness, LearnableContrast, LearnableAffine])
def test_gradients_reach_the_learnable_strength(factory) -> None:
    torch.manual_seed(0)
    module = factory()
    x = torch.rand(4, 1, 12, 12, dtype=torch.float64)
    module = module.double()
    target = torch.rand(4, 1, 12, 12, dtype=torch.float64)

    def loss() -> object:
        out = module(x, generator=torch.Generator().manual_seed(5))
        return ((out - target) ** 2).sum()

    value = loss()
    value.backward()
    for name, param in module.named_parameters():
        assert param.grad is not None and float(param.grad.abs()) > 0, name
        with torch.no_grad():  # a central finite difference agrees with the gradient
            param += 1e-6
            up = float(loss())
            param -= 2e-6
            down = float(loss())
            param += 1e-6
        assert float(param.grad) == pytest.approx((up - down) / 2e-6, rel=1e-3, abs=1e-6), name
    with pytest.raises(InvalidInput, match="N, C, H, W"):
        module(torch.rand(3, 3))
    with pytest.raises(InvalidConfig, match="strengths"):
        factory(-1.0)


def test_active_learning_labels_the_most_uncertain_and_trains_on_copies() -> None:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    from augmentlab.evaluate.active import active_learning, uncertainty

    d = load_digits()
    X, y = d.images.astype(np.uint8), d.target

    def model() -> LogisticRegression:
        return LogisticRegression(max_iter=500)

    result = active_learning(model, X[:1200], y[:1200], X[1200:], y[1200:],
                             pipeline=al.Affine(rotate=10, p=1.0), copies=2, initial=30, query=30,
                             rounds=3, seed=1)
    assert [r["labelled"] for r in result.rounds] == [30, 60, 90]
    assert [r["train_rows"] for r in result.rounds] == [90, 180, 270]
    # round 1's queries are the 30 remaining samples with the highest entropy under round 0's model
    first = result.labelled[:30]
    feats = X[:1200].reshape(1200, -1) / 255.0
    rows = [X[i] for i in first] + [al.Compose([al.Affine(rotate=10, p=1.0)])(
        image=X[i], sample_id=i, copy=k, seed=1)["image"] for i in first for k in (1, 2)]
    labels = [y[i] for i in first] + [y[i] for i in first for _ in (1, 2)]
    est = model().fit(np.stack(rows).reshape(len(rows), -1) / 255.0, labels)
    rest = np.setdiff1d(np.arange(1200), first)
    scores = uncertainty(est.predict_proba(feats[rest]))
    assert sorted(result.labelled[30:60]) == sorted(rest[np.argsort(-scores)[:30]].tolist())
    again = active_learning(model, X[:1200], y[:1200], X[1200:], y[1200:],
                            pipeline=al.Affine(rotate=10, p=1.0), copies=2, initial=30, query=30,
                            rounds=3, seed=1)
    assert again.labelled == result.labelled and again.rounds == result.rounds


def test_caption_flip_swaps_spatial_words_and_keeps_spans() -> None:
    flip = al.multimodal.HorizontalFlipWithCaption()
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    text = "LEFT: a dog to the left of Mr. Right; leftmost tree, left-hand side, cleft rock."
    spans = [(text.index("Mr. Right"), text.index("Mr. Right") + 9, "PERSON")]
    out = al.Compose([flip], seed=0)(image=img, text=text, spans=spans,
                                     keypoints=[[0.0, 1.0]])
    assert np.array_equal(out["image"], img[:, ::-1])
    assert out["text"] == ("RIGHT: a dog to the right of Mr. Right; rightmost tree, right-hand "
                           "side, cleft rock.")
    (s, e, label), = out["spans"]
    assert out["text"][s:e] == "Mr. Right" and label == "PERSON"
    np.testing.assert_allclose(out["keypoints"][0][:2], [3.0, 1.0])
    twice = al.Compose([flip, flip], seed=0)(image=img, text=text, spans=spans)
    assert twice["text"] == text and np.array_equal(twice["image"], img)
    east = al.multimodal.HorizontalFlipWithCaption(swaps=[["east", "west"]])
    assert east(image=img, text="East of the west gate")["text"] == "West of the east gate"
    with pytest.raises(InvalidConfig, match="pairs"):
        al.multimodal.HorizontalFlipWithCaption(swaps=[["left"]])


def test_speed_perturbation_keeps_the_transcript_and_moves_word_times() -> None:
    t = np.arange(16000) / 16000
    audio = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    words = [(0.10, 0.30, "hello"), (0.50, 0.80, "world")]
    pipe = al.Compose([al.audio.SpeedPerturb(min_factor=1.1, max_factor=1.1)], seed=0)
    out = pipe(audio=audio, sample_rate=16000, text="hello world", events=words)
    assert out["text"] == "hello world"
    assert len(out["audio"]) == pytest.approx(16000 / 1.1, abs=2)
    for (s0, e0, w0), (s1, e1, w1) in zip(words, out["events"], strict=True):
        assert w1 == w0 and s1 == pytest.approx(s0 / 1.1, abs=1e-3) and e1 == pytest.approx(
            e0 / 1.1, abs=1e-3)
    assert json.loads(json.dumps(out.record.to_dict()))
