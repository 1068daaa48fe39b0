"""`augmentlab validate` reports every problem of a pipeline file with its line and the nearest
name; `augmentlab list [MODALITY] [--search WORD]` describes each transform."""

from __future__ import annotations

from pathlib import Path

import pytest

import augmentlab as al
from augmentlab.cli import main
from augmentlab.cli.listing import modality_of
from augmentlab.core.config import pipeline_problems

PIPELINE = """\
augmentlab: 1
pipeline:
  name: Compose
  transforms:
    - name: Afine
      rotate: 10
    - name: HorizontalFlip
      p: 0.5
    - name: Rotate
      limit: 20
      p: 7
    - name: GausianBlur
    - name: OneOf
      transforms:
        - {name: Blur, blur_limt: 3}
        - {name: Invert}
"""


def test_validate_reports_every_problem_with_its_line_and_the_nearest_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"augmentlab validate: 4 problems in {path}:\n")
    problems = err.splitlines()[1:]
    assert len(problems) == 4, err
    assert problems[0].startswith(f"  {path}:5: unknown transform 'Afine' — did you mean Affine?")
    assert problems[1].startswith(f"  {path}:9: Rotate: p=7 must lie in [0, 1]")
    assert problems[2].startswith(f"  {path}:12: unknown transform 'GausianBlur' — did you mean "
                                  "GaussianBlur?")
    assert problems[3].startswith(f"  {path}:15: Blur: unknown argument 'blur_limt' — did you mean "
                                  "blur_limit?")
    assert all("augmentlab list" in p for p in (problems[0], problems[2], problems[3]))
    assert "registry.names()" not in err  # the user is pointed to the command, not to Python


def test_one_problem_is_one_line_and_the_loader_names_the_nearest_transform(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("augmentlab: 1\npipeline:\n  name: Compose\n  transforms:\n    - {name: rotate}\n")
    assert pipeline_problems(path) == [
        f"{path}:5: unknown transform 'rotate' — did you mean Rotate or points.Rotate? (`augmentlab "
        "list` shows every transform; `augmentlab list --search WORD` finds one)"]
    with pytest.raises(al.errors.InvalidConfig, match="did you mean Rotate"):
        al.load_pipeline(path)


def test_validate_checks_the_document_around_the_pipeline_too(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("augmentlab: 2\nextra: 1\npipeline:\n  name: Compose\n  transforms: [{name: Nope}]\n")
    problems = pipeline_problems(path)
    assert [p.split(": ", 2)[1][:12] for p in problems] == ["unknown top-", "format versi",
                                                           "unknown tran"]
    assert pipeline_problems(al.Compose([al.Rotate()]).to_yaml()) == []
    assert pipeline_problems("augmentlab: 1\npipeline: [1, 2]\n")[0].startswith(
        "<text>: a transform config must be a mapping with a 'name' key")


def test_list_takes_a_modality_and_a_search_word(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "image"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines[::3]]
    assert "Affine" in names and "RandAugment" in names
    assert all("." not in n for n in names) and "Compose" not in names
    assert all(modality_of(al.registry.get(n)) == "image" for n in names)
    descriptions = lines[1::3]
    assert all(d.startswith(" " * 23) and len(d.strip()) > 10 for d in descriptions)
    flip = names.index("HorizontalFlip")
    assert lines[3 * flip].split(None, 1)[1] == "bboxes, image, keypoints, mask, polygons"  # changes
    assert main(["list", "audio", "--search", "GAIN"]) == 0
    found = [line.split()[0] for line in capsys.readouterr().out.splitlines()[::3]]
    assert "audio.Gain" in found and all(n.startswith("audio.") for n in found)
    assert main(["list", "pipeline"]) == 0
    found = [line.split()[0] for line in capsys.readouterr().out.splitlines()[::3]]
    assert {"Compose", "OneOf", "Sequential"} <= set(found)
    assert main(["list", "--search", "Afine"]) == 1
    assert "did you mean Affine?" in capsys.readouterr().err


def test_list_refuses_an_unknown_modality_as_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["list", "video"])
    assert exc.value.code == 2
    assert "invalid choice: 'video'" in capsys.readouterr().err
