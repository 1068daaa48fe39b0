"""Audio in the measure harness: the built-in datasets, the front end and model, the corruption
suite, spectrogram strategies, and an experiment's determinism across worker counts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import augmentlab as al
from augmentlab.audio.features import N_MELS, log_mel
from augmentlab.core.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.datasets import Dataset, audio_sets, load
from augmentlab.evaluate import Experiment, Strategy, recommended_strategy
from augmentlab.evaluate.corruptions import SUITES, corrupt
from augmentlab.evaluate.front_ends import LogMelFeatures
from augmentlab.evaluate.models import make_model

RATE = 16000


def test_drums_are_labelled_by_file_name_and_unreadable_files_are_counted() -> None:
    ds = load("drums")
    assert ds.modality == "audio" and ds.info["sample_rate"] == RATE and ds.X.shape[1] == RATE
    assert ds.classes == ("clap", "cymbal", "hihat", "kick", "percussion", "snare", "tom")
    for name, cls in zip(ds.info["files"], ds.y, strict=True):
        assert audio_sets.drum_class(name) == ds.classes[cls]
    assert "kick04.ogg" in ds.info["skipped"]  # a WAV with a broken header, named .ogg
    assert {"zap01.ogg", "nasty_bass01.ogg"} <= set(ds.info["skipped"])
    assert all(c >= 1 for c in ds.class_counts("test").values())
    assert np.abs(ds.X).max() <= 1.0 and (np.abs(ds.X[:, :160]).max(axis=1) > 0.01).all()  # onsets


def test_spoken_digits_split_is_speaker_independent() -> None:
    ds = load("spoken-digits")
    assert len(ds.y) == 640 and ds.X.dtype == np.float32 and ds.X.shape[1] == RATE
    voice = [v.split("+")[1].split("@")[0] for v in ds.info["voices"]]
    train_voices = {voice[i] for i in ds.train}
    test_voices = {voice[i] for i in ds.test}
    assert test_voices == {"m4", "f3"} and not train_voices & test_voices
    assert set(ds.class_counts("train").values()) == {48}
    # every clip holds a word: loud enough, and none ran past the one-second window
    assert (np.abs(ds.X).max(axis=1) > 0.1).all()
    assert (np.abs(ds.X[:, -160:]).max(axis=1) < 1e-3).all()


def test_spoken_digits_are_synthesised_once_then_read_and_rebuilt_when_broken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUGMENTLAB_CACHE", str(tmp_path))
    monkeypatch.setattr(audio_sets, "ACCENTS", ("en-us",))
    monkeypatch.setattr(audio_sets, "VARIANTS", ("m1", "f3"))
    monkeypatch.setattr(audio_sets, "SPEEDS", (175,))
    first = audio_sets.spoken_digits()
    files = list(tmp_path.glob("spoken-digits-*.npz"))
    assert len(files) == 1 and len(first.y) == 20 and len(first.test) == 10
    files[0].write_bytes(files[0].read_bytes()[:100])  # a broken cache file
    again = audio_sets.spoken_digits()  # synthesised afresh: espeak-ng is deterministic
    assert np.array_equal(first.X, again.X)
    stamp = files[0].stat().st_mtime_ns
    assert np.array_equal(audio_sets.spoken_digits().X, first.X)
    assert files[0].stat().st_mtime_ns == stamp  # read, not rewritten


def test_fit_clip_trims_leading_silence_resamples_and_pads() -> None:
    x = np.concatenate([np.zeros(441), np.ones(441), np.zeros(441)]).astype(np.float32)
    y = audio_sets.fit_clip(x, 44100, 0.05)
    assert y.shape == (800,) and y.dtype == np.float32
    # 10 ms (160 samples) of signal from the start (give or take the resampler's ringing)
    assert y[8:150].min() > 0.85 and np.abs(y[200:]).max() < 0.05


def test_audio_datasets_refuse_bad_clips() -> None:
    y, train, test = np.array([0, 1, 0, 1]), np.array([0, 1]), np.array([2, 3])
    good = np.zeros((4, 100), np.float32)
    with pytest.raises(DataError, match="sample_rate"):
        Dataset("a", "audio", good, y, ("a", "b"), train, test)
    with pytest.raises(DataError, match="float"):
        Dataset("a", "audio", good.astype(np.int16), y, ("a", "b"), train, test,
                info={"sample_rate": 8000})
    bad = good.copy()
    bad[1, 3] = np.nan
    with pytest.raises(DataError, match="NaN"):
        Dataset("a", "audio", bad, y, ("a", "b"), train, test, info={"sample_rate": 8000})


def test_log_mel_front_end_is_the_same_for_waveforms_and_their_spectrograms() -> None:
    X = load("spoken-digits").X[:5]
    spec = log_mel(X, RATE)
    assert spec.shape == (5, N_MELS, 101) and np.allclose(spec.max(axis=(1, 2)), 0.0)
    feats = LogMelFeatures(sample_rate=RATE)
    np.testing.assert_array_equal(feats.transform(X), feats.transform(spec))
    # the level of a clip does not matter (each spectrogram is relative to its loudest cell)
    np.testing.assert_allclose(feats.transform(0.1 * X), feats.transform(X), atol=1e-3)
    with pytest.raises(InvalidInput, match="spectrograms"):
        feats.transform(np.zeros((2, 20, 30), np.float32))
    with pytest.raises(InvalidConfig, match="sample_rate"):
        make_model("logmel-logreg", "audio")


def test_audio_corruptions_do_what_they_say() -> None:
    X = load("spoken-digits").X[:8]
    assert [k for k, _ in SUITES["audio"]] == ["noise_snr", "noise_snr", "lowpass", "lowpass",
                                               "reverb", "reverb", "delay", "delay"]
    for kind, level in SUITES["audio"]:
        a = corrupt(X, "audio", kind, level, sample_rate=RATE)
        assert a.shape == X.shape and a.dtype == np.float32 and np.isfinite(a).all()
        np.testing.assert_array_equal(a, corrupt(X, "audio", kind, level, sample_rate=RATE))
    noise = corrupt(X, "audio", "noise_snr", 10.0).astype(np.float64) - X
    snr = 10 * np.log10(np.mean(X.astype(np.float64) ** 2, axis=1) / np.mean(noise**2, axis=1))
    np.testing.assert_allclose(snr, 10.0, atol=1e-3)
    spectrum = np.abs(np.fft.rfft(corrupt(X, "audio", "lowpass", 1000.0, sample_rate=RATE)))
    original = np.abs(np.fft.rfft(X))
    assert spectrum[:, 4000:].sum() < 0.01 * original[:, 4000:].sum()  # above 4 kHz: gone
    delayed = corrupt(X, "audio", "delay", 0.1, sample_rate=RATE)
    np.testing.assert_array_equal(delayed[:, 1600:], X[:, :-1600])
    assert not delayed[:, :1600].any()
    with pytest.raises(InvalidConfig, match="sample_rate"):
        corrupt(X, "audio", "reverb", 0.3)


def test_spectrogram_strategies_train_on_spectrograms_and_refuse_mixed_pipelines() -> None:
    ds = load("spoken-digits")
    spec = Strategy("spec", al.Compose([al.audio.SpecAugment(time_warp=5, freq_width=4,
                                                              time_width=8)]), copies=2)
    assert spec.on_spectrograms
    rows = ds.train[:4]
    X_fit, y_fit = spec.offline(ds.X[rows], ds.y[rows], rows, 0, "audio", {"sample_rate": RATE})
    assert X_fit.shape == (12, N_MELS, 101) and y_fit.tolist() == ds.y[rows].tolist() * 3
    np.testing.assert_array_equal(X_fit[:4], log_mel(ds.X[rows], RATE))  # the real rows first
    assert not np.array_equal(X_fit[4:8], X_fit[:4])
    wave = Strategy("wave", al.Compose([al.audio.TimeStretch(min_rate=0.8, max_rate=0.8)]))
    out = wave.augment_rows(ds.X[rows], rows, 1, 0, "audio", {"sample_rate": RATE})
    assert out.shape == (4, RATE)  # a slower clip is longer: cut back to the dataset's length
    with pytest.raises(InvalidConfig, match="mixes waveform and spectrogram"):
        Strategy("mixed", al.Compose([al.audio.Gain(), al.audio.FrequencyMask()]))


def test_recommended_audio_pipeline_and_an_experiment_same_bytes_for_any_worker_count(
        tmp_path: Path) -> None:
    ds = load("spoken-digits")
    pipe = recommended_strategy(ds)
    assert pipe is not None and [t.name for t in pipe] == [
        "audio.TimeStretch", "audio.PitchShift", "audio.Shift", "audio.AddGaussianNoise",
        "audio.ApplyImpulseResponse"]

    def run(jobs: int, out: Path) -> dict[str, object]:
        strategies = {
            "pipeline": Strategy("pipeline", recommended_strategy(ds), copies=2),
            "specaugment": Strategy("specaugment", al.Compose([al.audio.SpecAugment(
                time_warp=5, freq_width=4, time_width=8)]), copies=2),
        }
        res = Experiment(ds, strategies=strategies, train_sizes=[3], seeds=2, out=out,
                         jobs=jobs, quiet=True).run(report=False)
        return {f"{c['strategy']}/{c['seed']}": {k: c[k] for k in ("accuracy", "robustness",
                                                                       "rows_trained")}
                for c in res.cells}

    one, two = run(1, tmp_path / "a"), run(2, tmp_path / "b")
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    cell = one["pipeline/0"]
    assert isinstance(cell, dict) and len(cell["robustness"]) == len(SUITES["audio"])
    # 3 rows per class (the whole subset) x 10 classes x (1 real + 2 copies)
    assert cell["rows_trained"] == 3 * 30


def test_an_audio_folder_is_a_dataset_and_the_cli_evaluates_it(tmp_path: Path) -> None:
    import shutil

    import soundfile as sf

    from augmentlab.cli import main
    from augmentlab.datasets import from_folder

    root = tmp_path / "sounds"
    drums = Path(audio_sets.DRUMS_DIR)
    for cls, prefix in (("kick", "kick"), ("snare", "snare")):
        (root / cls).mkdir(parents=True)
        for f in sorted(drums.glob(f"{prefix}*.ogg"))[:6]:
            if f.name != "kick04.ogg":  # not readable (see test_drums_...)
                shutil.copy(f, root / cls / f.name)
    ds = from_folder(root, sample_rate=8000, seconds=0.5)
    assert ds.modality == "audio" and ds.X.shape[1] == 4000 and ds.info["sample_rate"] == 8000
    first, rate = sf.read(ds.info["files"][0], dtype="float32", always_2d=True)
    expected = audio_sets.fit_clip(first.mean(axis=1), rate, 0.5, threshold_db=None,
                                   target_rate=8000)
    np.testing.assert_allclose(ds.X[0], expected, atol=1e-6)  # mono mix, resampled, not trimmed
    longest = from_folder(root, sample_rate=8000)
    assert longest.X.shape[1] > 4000  # the longest clip sets the length
    out = tmp_path / "eval"
    assert main(["evaluate", "--data", f"folder:{root}", "--strategy", "rec=recommended",
                 "--sizes", "3", "--seeds", "1", "--out", str(out), "--quiet"]) == 0
    cells = json.loads((out / "results.json").read_text())["cells"]
    assert {c["strategy"] for c in cells} == {"baseline", "rec"}
    (root / "empty").mkdir()
    (root / "empty" / "notes.txt").write_text("no audio here")
    with pytest.raises(DataError, match="has no audio"):
        from_folder(root)
