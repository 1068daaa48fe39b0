"""The `augmentlab` command, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

import augmentlab as al


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "augmentlab.cli", *args], capture_output=True,
                          text=True, check=False)


def test_preview_writes_a_grid_and_a_loadable_pipeline(tmp_path: Path) -> None:
    out = _run("preview", "--out", str(tmp_path), "--copies", "2")
    assert out.returncode == 0, out.stderr
    grid = tmp_path / "preview_grid.png"
    assert str(grid) in out.stdout
    img = cv2.imread(str(grid))
    assert img.shape == (4 * 264, 3 * 264, 3)  # 4 photos x (original + 2 copies), 256 + 2*4 border
    assert img.std() > 20  # real photos, not a blank canvas
    pipe = al.load_pipeline(tmp_path / "preview_pipeline.yaml")
    assert isinstance(pipe, al.Compose) and len(pipe) == 6
    assert not list(tmp_path.glob(".*.tmp"))  # written then renamed


def test_preview_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert _run("preview", "--out", str(tmp_path / name), "--copies", "1").returncode == 0
    grids = [(tmp_path / name / "preview_grid.png").read_bytes() for name in ("a", "b")]
    assert grids[0] == grids[1]


def test_list_names_every_transform() -> None:
    out = _run("list")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    names = [line.split()[0] for line in lines[::3]]  # fields, then what it does, then parameters
    assert names == al.registry.names()
    rotate = next(i for i, line in enumerate(lines) if line.startswith("Rotate "))
    assert "bboxes" in lines[rotate] and "limit=" in lines[rotate + 2] and "p=" in lines[rotate + 2]
    assert lines[rotate + 1].strip().startswith("Rotate")  # the first sentence of its docstring


def test_unknown_command_fails_with_usage() -> None:
    out = _run("frobnicate")
    assert out.returncode == 2 and "invalid choice" in out.stderr


def test_demo_runs_the_experiment_and_writes_the_report(tmp_path: Path) -> None:
    # the real main job on a small budget (built-in digits instead of MNIST, 2 seeds, 40 steps)
    out = _run("demo", "--out", str(tmp_path), "--dataset", "digits", "--sizes", "5",
               "--seeds", "2", "--steps", "40", "--fixmatch-steps", "40", "--jobs", "2", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "geometric + photometric + erasing" in out.stdout and "verdict" in out.stdout
    assert "TrivialAugment Wide" in out.stdout
    assert f"report:  {tmp_path / 'report.html'}" in out.stdout
    for name in ("report.html", "results.json", "summary.csv"):
        assert (tmp_path / name).is_file()
    # the unlabelled-data section: FixMatch and auto, the rest of the training split unlabelled
    assert "augmentlab demo, unlabelled data:" in out.stdout and "FixMatch" in out.stdout
    semi = json.loads((tmp_path / "unlabeled" / "results.json").read_text())
    autos = [c for c in semi["cells"] if c["strategy"] == "auto"]
    assert len(autos) == 2 and all(c["auto"]["chosen"] in c["auto"]["cv_score"] for c in autos)
    assert "What auto chose" in (tmp_path / "unlabeled" / "report.html").read_text()
    # the text section: Rotten Tomatoes, EDA, back-translation and self-training
    assert "augmentlab demo, text:" in out.stdout and "back-translation" in out.stdout
    assert "self-training" in out.stdout
    assert (tmp_path / "text" / "report.html").is_file()


def test_evaluate_on_user_csv_and_bad_input(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 3))
    rows = "".join(f"{a:.4f},{b:.4f},{c:.4f},{int(a + b > 0)}\n" for a, b, c in x)
    (tmp_path / "t.csv").write_text("a,b,c,target\n" + rows)
    ok = _run("evaluate", "--data", f"csv:{tmp_path / 't.csv'}", "--label", "target",
              "--model", "logreg", "--sizes", "10", "--seeds", "2", "--out", str(tmp_path / "r"),
              "--quiet")
    assert ok.returncode == 0, ok.stderr
    assert "baseline" in ok.stdout and (tmp_path / "r" / "report.html").is_file()
    bad = _run("evaluate", "--data", f"csv:{tmp_path / 't.csv'}", "--sizes", "10",
               "--out", str(tmp_path / "r2"))
    assert bad.returncode == 1  # a data error, not a usage error
    assert "no label column 'label'; the columns are a, b, c, target" in bad.stderr
    big = _run("evaluate", "--data", "wine", "--model", "logreg", "--sizes", "60",
               "--out", str(tmp_path / "r3"), "--quiet")
    assert big.returncode == 1 and "has 44" in big.stderr


def test_synth_writes_samples_in_the_input_format_with_a_manifest(tmp_path: Path) -> None:
    import json

    out = _run("synth", "--data", "keel:yeast4", "--generator", "smote", "--per-class", "20",
               "--class", "positive", "--out", str(tmp_path / "syn"))
    assert out.returncode == 0, out.stderr
    rows = (tmp_path / "syn" / "synthetic.csv").read_text().splitlines()
    assert len(rows) == 21 and rows[0].startswith("Mcg,") and rows[0].endswith(",label")
    manifest = [json.loads(line) for line in (tmp_path / "syn" / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == 20 and all(len(m["parents"]) == 2 and m["label"] == "positive" for m in manifest)
    assert manifest[0]["generator"]["name"] == "SMOTE" and manifest[0]["seed"] == 0
    again = _run("synth", "--data", "keel:yeast4", "--per-class", "5", "--out", str(tmp_path / "syn"))
    assert again.returncode == 1 and "not empty" in again.stderr
    bad = _run("synth", "--data", "keel:yeast4", "--per-class", "-3", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "--per-class: -3 is too small" in bad.stderr


def test_synth_images_with_the_cvae(tmp_path: Path) -> None:
    out = _run("synth", "--data", "digits", "--generator", "cvae", "--per-class", "3",
               "--out", str(tmp_path / "img"))
    assert out.returncode == 0, out.stderr
    files = sorted((tmp_path / "img").glob("*/*.png"))
    assert len(files) == 30 and {f.parent.name for f in files} == {str(d) for d in range(10)}


def test_evaluate_takes_the_automatic_policies_by_name(tmp_path: Path) -> None:
    out = _run("evaluate", "--data", "digits", "--model", "logreg", "--sizes", "5", "--seeds", "2",
               "--strategy", "ta=trivialaugment", "--strategy", "ra=randaugment",
               "--out", str(tmp_path), "--quiet")
    assert out.returncode == 0, out.stderr
    import json

    cfg = json.loads((tmp_path / "results.json").read_text())["meta"]["strategies"]
    assert cfg["ta"]["pipeline"]["transforms"][0]["name"] == "TrivialAugmentWide"
    assert cfg["ra"]["pipeline"]["transforms"][0]["name"] == "RandAugment"
    bad = _run("evaluate", "--data", "digits", "--strategy", "x=autoaugment", "--out",
               str(tmp_path / "bad"))
    assert bad.returncode == 1 and "trivialaugment|randaugment" in bad.stderr


def test_synth_refuses_what_the_modality_cannot_fit(tmp_path: Path) -> None:
    # the modality's adapter says which generators fit its rows; the messages stay as they were
    image = _run("synth", "--data", "digits", "--generator", "smote", "--per-class", "3",
                 "--out", str(tmp_path / "img"))
    assert image.returncode == 1
    assert "synth: smote is for tables; for images use --generator cvae or cgan" in image.stderr
    assert "synth: synth:" not in image.stderr  # the command is named once
    rows = tmp_path / "t.jsonl"
    rows.write_text("".join(f'{{"text": "film {i}", "label": "{i % 2}"}}\n' for i in range(12)))
    text = _run("synth", "--data", f"jsonl:{rows}", "--per-class", "3", "--out", str(tmp_path / "txt"))
    assert text.returncode == 1
    assert "synth: text generators are not part of augmentlab yet; use a table or images" in text.stderr
    assert not (tmp_path / "img").exists() and not (tmp_path / "txt").exists()


def test_evaluate_sets_the_equivalence_band_in_points(tmp_path: Path) -> None:
    import json

    out = _run("evaluate", "--data", "digits", "--model", "logreg", "--sizes", "5", "--seeds", "3",
               "--strategy", "plain=baseline", "--strategy", "m=mild", "--equivalence", "30",
               "--out", str(tmp_path), "--quiet")
    assert out.returncode == 0, out.stderr
    saved = json.loads((tmp_path / "results.json").read_text())["meta"]["analysis"]
    assert saved["equivalence"] == 0.3
    assert "p_adjusted" in out.stdout
    for bad in ("0", "-1", "100", "nan"):
        refused = _run("evaluate", "--data", "wine", "--equivalence", bad, "--out",
                       str(tmp_path / "bad"))
        assert refused.returncode == 1 and "--equivalence" in refused.stderr, (bad, refused.stderr)
