"""`augmentlab augment` on text (JSONL, CSV), tables (CSV, Parquet) and audio folders with event
CSVs, on real data: Rotten Tomatoes sentences, the wine table, Debian's drum one-shots (Ogg
Vorbis) and espeak-ng speech (WAV)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

import augmentlab as al
from augmentlab.cli import main
from augmentlab.data import augment_dataset, verify_output
from augmentlab.datasets import load
from augmentlab.errors import DataError

DRUMS = Path("/usr/share/lmms/samples/drums")


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _manifest(out: Path) -> list[dict]:
    return [json.loads(t) for t in (out / "manifest.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def sentences() -> list[tuple[str, str]]:
    ds = load("rotten-tomatoes")
    return [(str(ds.X[i]), ds.classes[int(ds.y[i])]) for i in range(30)]


def test_text_jsonl_and_csv(sentences: list[tuple[str, str]], tmp_path: Path) -> None:
    src = tmp_path / "text"
    src.mkdir()
    with (src / "reviews.jsonl").open("w") as f:
        for i, (text, label) in enumerate(sentences):
            f.write(json.dumps({"id": i, "text": text, "label": label}) + "\n")
        f.write("{not json\n")
    with (src / "more.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "note"])
        for text, label in sentences[:5]:
            writer.writerow([text, label, "x, \"quoted\""])
    before = _tree(src)
    pipe = al.Compose([al.text.RandomSwap(n=2), al.text.RandomDelete(rate=0.2)])
    one = augment_dataset(src, tmp_path / "one", pipe, copies=2, seed=1, label="label",
                          include_originals=True, quiet=True)
    augment_dataset(src, tmp_path / "two", pipe, copies=2, seed=1, label="label",
                    include_originals=True, workers=2, quiet=True)
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two") and _tree(src) == before
    assert one.errors == 1 and "reviews.jsonl:31" in (tmp_path / "one" / "errors.jsonl").read_text()
    rows = [json.loads(t) for t in (tmp_path / "one" / "reviews.jsonl").read_text().splitlines()]
    assert len(rows) == 90 and [r["id"] for r in rows[:6]] == [0, 0, 0, 1, 1, 1]  # row, then copy
    for k in range(30):
        original, *copies = rows[3 * k:3 * k + 3]
        assert original["text"] == sentences[k][0]
        for c in copies:
            assert c["label"] == original["label"] and set(c["text"].split()) <= set(original["text"].split())
    assert sum(c["text"] != o["text"] for o, c in zip(rows[::3], rows[1::3], strict=True)) > 20
    with (tmp_path / "one" / "more.csv").open(newline="") as f:
        out = list(csv.DictReader(f))
    assert len(out) == 15 and all(r["note"] == 'x, "quoted"' for r in out)
    lines = _manifest(tmp_path / "one")
    assert lines[0]["source"] == "more.csv" and lines[0]["row"] == 0 and lines[0]["outputs"] == ["more.csv"]
    assert verify_output(tmp_path / "one") == []
    # a tampered row is caught by replay
    path = tmp_path / "one" / "reviews.jsonl"
    path.write_text(path.read_text().replace(rows[1]["text"], "tampered", 1))
    assert [d["source"] for d in verify_output(tmp_path / "one")] == ["reviews.jsonl"]


def test_tables_csv_and_parquet_keep_dtypes_schema_and_labels(tmp_path: Path) -> None:
    from sklearn.datasets import load_wine

    frame = load_wine(as_frame=True).frame.iloc[::4].reset_index(drop=True)
    frame["magnesium"] = frame["magnesium"].astype(int)
    frame["grade"] = np.where(frame["alcohol"] > 13, "high", "low")
    src = tmp_path / "tables"
    src.mkdir()
    frame.to_csv(src / "wine.csv", index=False)
    pipe = al.Compose([al.tabular.GaussianNoise(scale=0.3), al.tabular.CategoricalResample(rate=0.3)])
    augment_dataset(src / "wine.csv", tmp_path / "csv_out", pipe, copies=3, seed=0, label="target",
                    quiet=True)
    out = pd.read_csv(tmp_path / "csv_out" / "wine.csv")
    assert list(out.columns) == list(frame.columns) and len(out) == 3 * len(frame)
    assert out["magnesium"].dtype.kind == "i"
    assert out["target"].tolist() == np.repeat(frame["target"], 3).tolist()
    schema = al.tabular.Schema.infer(frame, exclude=("target",))
    for row in out.drop(columns="target").to_dict("records"):
        schema.check_row(row)
    assert not np.allclose(out["alcohol"], np.repeat(frame["alcohol"], 3))
    assert verify_output(tmp_path / "csv_out") == []
    # Parquet, one and two workers, byte for byte
    (tmp_path / "pq").mkdir()
    frame.to_parquet(tmp_path / "pq" / "wine.parquet", index=False)
    augment_dataset(tmp_path / "pq", tmp_path / "pq1", pipe, copies=2, label="target", quiet=True)
    augment_dataset(tmp_path / "pq", tmp_path / "pq2", pipe, copies=2, label="target", workers=2, quiet=True)
    assert _tree(tmp_path / "pq1") == _tree(tmp_path / "pq2")
    back = pd.read_parquet(tmp_path / "pq1" / "wine.parquet")
    assert back.dtypes.equals(frame.dtypes) and len(back) == 2 * len(frame)
    with pytest.raises(DataError, match="no label column 'class'"):
        augment_dataset(src, tmp_path / "bad", pipe, label="class", quiet=True)


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audio") / "in"
    for cls, names in (("kick", ["bassdrum01.ogg", "bassdrum02.ogg"]), ("clap", ["clap01.ogg"])):
        (root / cls).mkdir(parents=True)
        for name in names:
            shutil.copy(DRUMS / name, root / cls / name)
    (root / "speech").mkdir()
    wav = root / "speech" / "hello.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "hello there, one two three"], check=True)
    duration = sf.info(str(wav)).duration
    (root / "speech" / "hello.csv").write_text(f"onset,offset,label\n0.0,{duration / 2:.4f},first\n"
                                               f"{duration / 2:.4f},{duration:.4f},second\n")
    return root


def test_audio_folders_with_events(audio_dir: Path, tmp_path: Path) -> None:
    pipe = al.Compose([al.audio.Shift(min_fraction=-0.3, max_fraction=0.3, rollover=False),
                       al.audio.Gain(min_db=-6, max_db=0), al.audio.AddGaussianNoise(min_snr_db=20)])
    before = _tree(audio_dir)
    one = augment_dataset(audio_dir, tmp_path / "one", pipe, copies=2, seed=5, quiet=True)
    augment_dataset(audio_dir, tmp_path / "two", pipe, copies=2, seed=5, workers=2, quiet=True)
    assert one.written == 8 and one.errors == 0
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two") and _tree(audio_dir) == before
    info = sf.info(str(tmp_path / "one" / "kick" / "bassdrum01_aug1.ogg"))
    assert (info.format, info.subtype, info.channels, info.samplerate) == ("OGG", "VORBIS", 2, 44100)
    speech = sf.info(str(tmp_path / "one" / "speech" / "hello_aug1.wav"))
    assert speech.subtype == "PCM_16"
    assert speech.frames == sf.info(str(audio_dir / "speech" / "hello.wav")).frames
    lines = {(d["source"], d["copy"]): d for d in _manifest(tmp_path / "one")}
    assert lines[("speech/hello.wav", 1)]["outputs"] == ["speech/hello_aug1.csv", "speech/hello_aug1.wav"]
    assert lines[("kick/bassdrum01.ogg", 2)]["label"] == "kick"
    # the events moved by the recorded shift, cut at the clip's edges
    rate, frames = speech.samplerate, speech.frames
    for copy in (1, 2):
        shift = lines[("speech/hello.wav", copy)]["record"]["steps"][0]["params"]["samples"] / rate
        with (tmp_path / "one" / "speech" / f"hello_aug{copy}.csv").open() as f:
            events = [(float(r["onset"]), float(r["offset"]), r["label"]) for r in csv.DictReader(f)]
        half = round(frames / rate / 2, 4)
        expected = [(max(0.0, a + shift), min(frames / rate, b + shift), lab)
                    for a, b, lab in ((0.0, half, "first"), (half, frames / rate, "second"))]
        expected = [e for e in expected if e[1] > e[0]]
        assert [lab for *_, lab in events] == [lab for *_, lab in expected]
        assert np.allclose([e[:2] for e in events], [e[:2] for e in expected], atol=2e-4)
    assert verify_output(tmp_path / "one") == []


def test_audio_folders_with_length_changing_transforms(audio_dir: Path, tmp_path: Path) -> None:
    # tempo and speed change the clip's length: the file gets the new length, the events the
    # new times, and the manifest's record replays it byte for byte
    pipe = al.Compose([al.audio.TimeStretch(min_rate=0.8, max_rate=1.25, leave_length_unchanged=False),
                       al.audio.SpeedPerturb(min_factor=0.9, max_factor=1.1)])
    summary = augment_dataset(audio_dir, tmp_path / "out", pipe, copies=2, seed=3, quiet=True)
    assert summary.written == 8 and summary.errors == 0
    source = sf.info(str(audio_dir / "speech" / "hello.wav"))
    lines = {(d["source"], d["copy"]): d for d in _manifest(tmp_path / "out")}
    for copy in (1, 2):
        steps = lines[("speech/hello.wav", copy)]["record"]["steps"]
        rate, factor = steps[0]["params"]["rate"], steps[1]["params"]["factor"]
        out = sf.info(str(tmp_path / "out" / "speech" / f"hello_aug{copy}.wav"))
        stretched = round(source.frames / rate)
        assert out.frames == round(stretched / factor) and out.samplerate == source.samplerate
        with (tmp_path / "out" / "speech" / f"hello_aug{copy}.csv").open() as f:
            events = [(float(r["onset"]), float(r["offset"])) for r in csv.DictReader(f)]
        scale = 1 / (rate * factor)
        assert events[0][0] == 0.0 and events[1][1] <= out.frames / out.samplerate + 1e-9
        assert events[0][1] == pytest.approx(round(source.duration / 2, 4) * scale, abs=1e-6)
    assert verify_output(tmp_path / "out") == []


def test_bad_audio_and_events_are_reported(audio_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(audio_dir, src)
    data = (src / "kick" / "bassdrum01.ogg").read_bytes()
    (src / "kick" / "broken.ogg").write_bytes(data[:60])
    (src / "kick" / "bassdrum02.csv").write_text("onset,offset,label\n0.0,0.1,hit\n0.2,9.0,late\n")
    summary = augment_dataset(src, tmp_path / "out", al.Compose([al.audio.Gain()]), quiet=True)
    errors = [json.loads(t) for t in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert summary.errors == 2 and [e["file"] for e in errors] == ["kick/bassdrum02.ogg", "kick/broken.ogg"]
    assert "bassdrum02.csv:3: event 0.2..9 s is not within" in errors[0]["error"]
    assert "cannot read this audio file" in errors[1]["error"]


def test_cli_augments_a_single_table_file(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["a", "b", "a", "b"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    pipe = tmp_path / "p.yaml"
    pipe.write_text(al.Compose([al.tabular.GaussianNoise(scale=0.5)]).to_yaml())
    assert "name: tabular.GaussianNoise" in pipe.read_text()
    assert main(["augment", str(tmp_path / "t.csv"), str(tmp_path / "out"), "--pipeline", str(pipe),
                 "--label", "y", "--copies", "2", "--quiet"]) == 0
    assert len(pd.read_csv(tmp_path / "out" / "t.csv")) == 8
    assert main(["replay", str(tmp_path / "out"), "--verify"]) == 0


def test_show_text_table_and_audio_figure(audio_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.jsonl").write_text(json.dumps({"text": "one two three four | five"}) + "\n")
    pipe = tmp_path / "p.yaml"
    pipe.write_text(al.Compose([al.text.RandomSwap(n=2)]).to_yaml())
    assert main(["show", "--pipeline", str(pipe), "--input", str(tmp_path / "t.jsonl"), "--n", "3",
                 "--out", str(tmp_path / "t.md")]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[:3] == ["| copy | text |", "|---|---|", "| original | one two three four \\| five |"]
    assert [r.split(" | ")[0] for r in table[3:]] == ["| 1", "| 2", "| 3"]
    # the variants are the ones `augment` writes for that row
    augment_dataset(tmp_path / "t.jsonl", tmp_path / "out", al.load_pipeline(pipe.read_text()), copies=3,
                    quiet=True)
    written = [json.loads(t)["text"] for t in (tmp_path / "out" / "t.jsonl").read_text().splitlines()]
    assert [r.split(" | ", 1)[1][:-2].replace("\\|", "|") for r in table[3:]] == written
    assert (tmp_path / "t.md").read_text().startswith("| copy | text |")
    apipe = tmp_path / "a.yaml"
    apipe.write_text(al.Compose([al.audio.Shift(rollover=False)]).to_yaml())
    assert main(["show", "--pipeline", str(apipe), "--input", str(audio_dir / "speech" / "hello.wav"),
                 "--n", "2", "--out", str(tmp_path / "a.png")]) == 0
    import cv2

    img = cv2.imread(str(tmp_path / "a.png"))
    assert img.shape[0] == int(1.8 * 3 * 80) and img.shape[1] == 800


def test_back_translation_of_a_jsonl_file_is_batched_and_replayable(sentences: list[tuple[str, str]],
                                                                     tmp_path: Path) -> None:
    src = tmp_path / "bt"
    src.mkdir()
    (src / "r.jsonl").write_text("".join(json.dumps({"text": t, "label": lab}) + "\n"
                                         for t, lab in sentences[:12]))
    summary = augment_dataset(src, tmp_path / "out", al.Compose([al.text.BackTranslate()]), workers=2,
                              quiet=True)
    assert summary.written == 12 and summary.errors == 0
    rows = [json.loads(t) for t in (tmp_path / "out" / "r.jsonl").read_text().splitlines()]
    assert sum(r["text"] != t for r, (t, _) in zip(rows, sentences, strict=False)) >= 6
    assert verify_output(tmp_path / "out") == []


def test_an_image_folder_with_a_stray_csv_stays_an_image_dataset(tmp_path: Path) -> None:
    from augmentlab.data import detect_layout

    (tmp_path / "cats").mkdir()
    import cv2

    cv2.imwrite(str(tmp_path / "cats" / "a.png"), np.zeros((4, 4), np.uint8))
    (tmp_path / "labels.csv").write_text("file,label\ncats/a.png,cat\n")
    assert detect_layout(tmp_path) == "folder"
    (tmp_path / "cats" / "a.png").unlink()
    assert detect_layout(tmp_path) == "table"
