"""The shared invariant suite for text, audio and table-row transforms (ARCHITECTURE.md, "The core
contract"), and each modality's own rules: text edge cases, events that follow the sound, schemas
never broken."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import yaml
from tests.conftest import LENGTH_RULES, MODAL_CASES, is_native

import augmentlab as al
from augmentlab.errors import InvalidConfig, InvalidInput

NAMES = sorted(MODAL_CASES)


def _pipe(name: str, seed: int = 4, **extra: object) -> al.Compose:
    config, _ = MODAL_CASES[name]
    return al.Compose([al.Transform.from_config({"name": name, **config, **extra})], seed=seed)


def _same(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype and a[key].tobytes() == b[key].tobytes(), key
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize("name", NAMES)
def test_contract(name: str) -> None:
    fields = MODAL_CASES[name][1]()
    before = copy.deepcopy(fields)
    pipe = _pipe(name)
    outs = [pipe(sample_id=i, copy=c, **fields) for i in range(4) for c in range(2)]
    _same(fields, before)  # input not mutated
    # it does something (a deterministic transform, such as back-translation, the same thing)
    def data(sample: dict) -> bytes:  # the field the transform works on, as bytes
        if "graph" in sample:
            return b"".join(np.asarray(p).tobytes() for p in sample["graph"].parts() if p is not None)
        for key in ("audio", "spectrogram", "series", "points", "constituents", "video", "volume"):
            if key in sample:
                return bytes(sample[key].tobytes())
        return repr(sample.get("text", sample.get("features"))).encode()

    assert any(data(o) != data(fields) for o in outs)
    for out in outs:
        _same(out, _pipe(name)(sample_id=out.record.sample_id, copy=out.record.copy, **fields))
        _same(out, pipe.replay(al.Record.from_json(out.record.to_json()), **fields))
        assert out["label"] == fields["label"]
        if "audio" in out:
            shape = fields["audio"].shape
            if name in LENGTH_RULES:  # the documented output length, every channel kept
                shape = (*shape[:-1], LENGTH_RULES[name](shape[-1], fields["sample_rate"]))
            assert out["audio"].dtype == np.float32 and out["audio"].shape == shape
            duration = out["audio"].shape[-1] / out["sample_rate"]
            assert all(0 <= a <= b <= duration for a, b, _ in out.get("events", []))
        if "points" in out:  # labels and normals still one per point, normals unit length
            assert len(out["point_labels"]) == len(out["points"]) == len(out["normals"])
            np.testing.assert_allclose(np.linalg.norm(out["normals"], axis=1), 1.0)
        if "series" in out:  # one label per step, whatever the length became
            x = out["series"]
            assert x.dtype == fields["series"].dtype and x.shape[1:] == fields["series"].shape[1:]
            assert len(out["step_labels"]) == len(x)
            if name not in ("series.Crop", "series.Resize"):
                assert len(x) == len(fields["series"])
        for step in out.record.steps:
            assert yaml.safe_load(yaml.safe_dump(step.params)) == step.params
            assert json.loads(json.dumps(step.params)) == step.params


LEVEL_CHANGING = {"audio.Gain", "audio.GainTransition"}  # documented: may go past full scale


@pytest.mark.parametrize("name", [n for n in NAMES if "audio" in MODAL_CASES[n][1]()])
def test_audio_within_full_scale_stays_within_it(name: str) -> None:
    fields = MODAL_CASES[name][1]()
    fields["audio"] = (fields["audio"] * (0.95 / np.abs(fields["audio"]).max())).astype(np.float32)
    pipe = _pipe(name)
    peaks = [float(np.abs(pipe(sample_id=i, copy=c, **fields)["audio"]).max())
             for i in range(8) for c in range(2)]
    if name in LEVEL_CHANGING:
        assert max(peaks) > 1.0  # the test's input does reach past full scale with these
    else:
        assert max(peaks) <= 1.0, peaks  # no clipping introduced (a 16-bit writer would clip)
    loud = {**fields, "audio": fields["audio"] * np.float32(2.0)}  # already past: left as it is
    assert _pipe(name)(sample_id=0, **loud)["audio"].dtype == np.float32


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip_and_p_zero(name: str) -> None:
    pipe = _pipe(name)
    fields = MODAL_CASES[name][1]()
    for text in (pipe.to_json(), pipe.to_yaml()):
        loaded = al.load_pipeline(text)
        assert loaded.config_hash == pipe.config_hash
        _same(pipe(sample_id=3, **fields), loaded(sample_id=3, **fields))
    _same(_pipe(name, p=0.0)(sample_id=0, **fields), fields)
    for step in pipe(sample_id=5, **fields).record.steps:  # exactly Python's own types
        assert is_native(step.params), (step.name, step.params)
    with pytest.raises(InvalidConfig, match="valid arguments"):
        al.Transform.from_config({"name": name, "colour": 1})


def test_text_edge_cases() -> None:
    pipe = al.Compose([al.text.RandomSwap(n=3), al.text.RandomDelete(rate=0.5)], seed=0)
    assert pipe(text="")["text"] == "" and pipe(text="word")["text"] == "word"
    out = pipe(text="  Ünïcödé  日本語 テキスト ok  ")["text"]
    assert out.startswith("  ") and out.endswith("  ")
    assert set(out.split()) <= {"Ünïcödé", "日本語", "テキスト", "ok"}
    long = " ".join(f"w{i}" for i in range(10_000))
    out = al.Compose([al.text.RandomDelete(rate=0.1)], seed=1)(text=long)["text"].split()
    assert 8_500 < len(out) < 9_500 and out == sorted(out, key=lambda w: int(w[1:]))  # order kept
    with pytest.raises(InvalidInput, match="text: expected a str, got bytes"):
        pipe(text=b"bytes")
    with pytest.raises(InvalidInput, match="got int"):
        pipe(text=3)


def test_audio_events_move_with_the_sound_and_bad_audio_is_refused() -> None:
    rate = 1000
    x = np.zeros(1000, np.float32)
    x[100:300] = 1.0  # the event: 0.1 .. 0.3 s
    moving = [al.audio.Shift(rollover=True), al.audio.Shift(rollover=False), al.audio.Reverse(),
              al.audio.RandomCrop(seconds=0.25), al.audio.PadToLength(seconds=1.7, mode="random")]
    for transform in moving:
        for seed in range(20):
            out = transform(audio=x, sample_rate=rate, events=[(0.1, 0.3, "e")], seed=seed)
            on = np.flatnonzero(out["audio"] > 0.5) / rate
            covered = sorted({round(t, 3) for a, b, _ in out["events"]
                              for t in np.arange(a, b - 1e-9, 1 / rate)})
            assert covered == [round(t, 3) for t in on], transform  # exactly the moved sound
    pipe = al.Compose([al.audio.Gain()], seed=0)
    with pytest.raises(InvalidInput, match="integer PCM"):
        pipe(audio=np.zeros(10, np.int16), sample_rate=8000)
    with pytest.raises(InvalidInput, match="NaN or inf"):
        pipe(audio=np.array([0.0, np.nan], np.float32), sample_rate=8000)
    with pytest.raises(InvalidInput, match="non-empty"):
        pipe(audio=np.zeros(0, np.float32), sample_rate=8000)
    with pytest.raises(InvalidInput, match="sample_rate=<positive int>"):
        pipe(audio=np.zeros(10, np.float32), sample_rate=0)
    with pytest.raises(InvalidInput, match=r"events\[0\]: ends at 2 s, after the clip's end"):
        pipe(audio=np.zeros(1000, np.float32), sample_rate=1000, events=[(0.5, 2.0, "x")])


def test_tabular_transforms_never_break_the_schema() -> None:
    import pandas as pd
    from sklearn.datasets import load_wine

    frame = load_wine(as_frame=True).frame
    frame["magnesium"] = frame["magnesium"].astype(int)
    frame["grade"] = np.where(frame["alcohol"] > 13, "high", "low")
    frame.loc[3, "ash"] = np.nan
    schema = al.tabular.Schema.infer(frame, exclude=("target",))
    assert schema.columns["magnesium"].kind == "integer" and schema.columns["grade"].kind == "categorical"
    pipe = al.Compose([al.tabular.GaussianNoise(scale=3.0), al.tabular.CategoricalResample(rate=0.5)],
                      seed=0)
    changed = 0
    for i, row in enumerate(frame.drop(columns="target").to_dict("records")):
        out = pipe(features=row, schema=schema, sample_id=i)["features"]
        schema.check_row(out)
        assert isinstance(out["magnesium"], int)
        changed += out["grade"] != row["grade"]
        if i == 3:
            assert np.isnan(out["ash"])  # missing stays missing
    assert 20 < changed < 90  # half resampled, by frequency: about a quarter change
    with pytest.raises(InvalidInput, match="needs schema="):
        pipe(features={"a": 1})
    assert pd.isna(frame.loc[3, "ash"])  # the input table is untouched


TEXT_NAMES = [n for n in NAMES if n.startswith("text.")]


@pytest.mark.parametrize("name", TEXT_NAMES)
def test_text_transforms_never_change_protected_spans_and_move_their_offsets(name: str) -> None:
    text = "Visit New York in 2024 , see https://example.org/a?b=1 and the quiet dull harbour museums"
    spans = []
    for piece, label in (("New York", "LOC"), ("2024", "NUM"), ("https://example.org/a?b=1", "URL")):
        start = text.index(piece)
        spans.append((start, start + len(piece), label))
    config, _ = MODAL_CASES[name]
    strong = {k: (0.6 if k in ("rate", "n") else v) for k, v in config.items()}
    pipe = al.Compose([al.Transform.from_config({"name": name, **strong})], seed=0)
    changed = 0
    calls = 5 if name == "text.ContextualReplace" else 25  # a language model call per word
    for i in range(calls):
        out = pipe(text=text, spans=spans, label=1, sample_id=i)  # text.LabelFilter reads label
        changed += out["text"] != text
        assert [lab for *_, lab in out["spans"]] == ["LOC", "NUM", "URL"]
        for (s, e, _), (s0, e0, _) in zip(out["spans"], spans, strict=True):
            assert out["text"][s:e] == text[s0:e0]
        assert pipe.replay(out.record, text=text, spans=spans, label=1) == out
    assert changed > 0.4 * calls


def test_bad_spans_are_refused() -> None:
    pipe = al.Compose([al.text.RandomSwap()], seed=0)
    with pytest.raises(InvalidInput, match=r"spans: span 3..40 is empty or outside the text \(0..11\)"):
        pipe(text="hello world", spans=[(3, 40, "X")])
    with pytest.raises(InvalidInput, match="spans 0..5 and 3..8 overlap"):
        pipe(text="hello world", spans=[(0, 5, "A"), (3, 8, "B")])
    with pytest.raises(InvalidInput, match="integer offsets"):
        pipe(text="hello world", spans=[(0.5, 3, "A")])
    with pytest.raises(InvalidInput, match="pass text="):
        pipe(spans=[(0, 1, "A")])
