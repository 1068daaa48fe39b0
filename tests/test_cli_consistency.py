"""One command line: the same names for the same things in every subcommand, old spellings still
working (with a note), help on every option, `python -m augmentlab`, `--version`, exit codes that
tell a usage error from a data error, and the error prefix said once."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import augmentlab as al
from augmentlab.cli import COMMANDS, build_parser, main
from augmentlab.cli.flags import deprecated_spellings

# the spellings given up for one vocabulary: (subcommand, old) -> new
RENAMED = {("show", "--n"): "--copies", ("synth", "--n"): "--per-class",
           ("augment", "--workers"): "--jobs", ("evaluate", "--text"): "--text-column"}


def _subparsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    root = build_parser()
    yield "augmentlab", root
    yield from root.commands.items()


def _run(*args: str, module: str = "augmentlab") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          check=False, timeout=300)


def test_every_option_of_every_subcommand_has_help() -> None:
    assert set(COMMANDS) >= {"show", "synth", "augment", "evaluate", "list", "completion"}
    missing = [f"{name} {action.option_strings or action.dest}" for name, parser in _subparsers()
               for action in parser._actions
               if not isinstance(action, argparse._SubParsersAction)
               and (not action.help or action.help == argparse.SUPPRESS)]
    assert missing == [], f"options without help: {missing}"


def test_help_shows_the_new_names_only_and_the_defaults() -> None:
    helps = {name: parser.format_help() for name, parser in _subparsers()}
    for (command, old), new in RENAMED.items():
        assert new in helps[command], (command, new)
        assert f"{old} " not in helps[command] and f"{old}," not in helps[command], (command, old)
    assert "--input" not in helps["show"] and "INPUT" in helps["show"]
    assert "(default: 1)" in helps["augment"]  # --copies and --jobs say their default
    assert "(default: 5)" in helps["preview"]


def test_one_vocabulary_across_subcommands() -> None:
    """--copies counts copies, --jobs processes, --text-column names the text column, and the input
    is positional, wherever a subcommand has them."""
    visible: dict[str, set[str]] = {}
    for name, parser in _subparsers():
        visible[name] = {s for a in parser._actions for s in a.option_strings
                         if s not in deprecated_spellings(a)}
    everything = set().union(*visible.values())
    assert not {"--n", "--workers", "--text", "--input-file"} & everything
    for name in ("show", "augment"):
        positionals = [a.dest for a in build_parser().commands[name]._actions if not a.option_strings]
        assert positionals[0] == "input", name
    assert "--input" not in visible["show"]
    assert {"--copies"} <= visible["show"] & visible["augment"] & visible["preview"]
    assert {"--jobs"} <= visible["augment"] & visible["evaluate"] & visible["search"] & visible["demo"]
    assert {"--text-column"} <= visible["augment"] & visible["evaluate"] & visible["show"]
    assert "--per-class" in visible["synth"]


@pytest.mark.parametrize(("argv", "dest", "value", "notes"), [
    (["show", "--pipeline", "p.yaml", "--input", "a.png"], "input", Path("a.png"), ["--input"]),
    (["show", "a.png", "--pipeline", "p.yaml", "--n", "3"], "copies", 3, ["--n"]),
    (["show", "--pipeline", "p.yaml", "--input=a.png", "--n=2"], "copies", 2, ["--input", "--n"]),
    (["synth", "--data", "wine", "--n", "5", "--out", "o"], "per_class", 5, ["--n"]),
    (["augment", "in", "out", "--pipeline", "p.yaml", "--workers", "2"], "jobs", 2, ["--workers"]),
    (["evaluate", "--data", "wine", "--text", "review"], "text_column", "review", ["--text"]),
])
def test_old_spellings_still_work_with_a_one_line_note(argv: list[str], dest: str, value: object,
                                                       notes: list[str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(argv)
    assert getattr(args, dest) == value
    if argv[0] == "show":
        assert args.input == Path("a.png")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == len(notes), err  # one line per old spelling used
    for note in notes:
        assert any(line.startswith(f"augmentlab {argv[0]}: {note} is deprecated") for line in err), err
    new = RENAMED.get((argv[0], notes[-1]))
    assert new is None or any(line.endswith(f"use {new}") for line in err), err


def test_the_new_spellings_print_no_note(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["synth", "--data", "wine", "--per-class", "5", "--out", "o"])
    assert args.per_class == 5 and capsys.readouterr().err == ""


def test_python_m_augmentlab_and_version_name_the_optional_parts() -> None:
    out = _run("--version")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"augmentlab {al.__version__} (Python ")
    assert lines[1].startswith("optional parts found: ") and "torch " in lines[1]
    assert lines[2].startswith("extras ready: ") and "torch" in lines[2]
    assert lines[3].startswith("missing: ")
    help_ = _run("--help")
    assert help_.returncode == 0 and "usage: augmentlab" in help_.stdout


def test_version_imports_no_optional_package() -> None:
    code = ("import sys\nfrom augmentlab.cli import main\ntry:\n    main(['--version'])\n"
            "except SystemExit as exc:\n    assert exc.code == 0\n"
            "print(sorted(m for m in ('torch', 'sklearn', 'pandas', 'ray', 'optuna', 'transformers') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_exit_codes_usage_2_data_1_success_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    epilog = build_parser().format_help()
    assert "exit codes:" in epilog and "  0  success" in epilog and "  1  " in epilog and "  2  " in epilog
    with pytest.raises(SystemExit) as usage:
        main(["validate"])  # the pipeline file is missing: a usage error
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as unknown:
        main(["show", "a.png", "--pipeline", "p.yaml", "--frobnicate"])
    assert unknown.value.code == 2
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 1  # the data: the file is not there
    bad = tmp_path / "bad.yaml"
    bad.write_text("augmentlab: 1\npipeline: {name: Compose, transforms: [{name: Rotat}]}\n")
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("augmentlab validate: ") and "Rotat" in err
    good = tmp_path / "good.yaml"
    good.write_text(al.Compose([al.Rotate()]).to_yaml())
    assert main(["validate", str(good)]) == 0


def test_the_error_prefix_names_the_command_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pipe = tmp_path / "p.yaml"
    pipe.write_text(al.Compose([al.HorizontalFlip()]).to_yaml())
    for missing in ("gone.jsonl", "gone.png"):
        assert main(["show", str(tmp_path / missing), "--pipeline", str(pipe)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("augmentlab show: ") and "show: show:" not in err, err
        assert f"{missing} is not a file" in err


def test_docs_cli_md_names_every_command_renamed_flag_and_exit_code() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`augmentlab {name}" in text, name
    for (command, old), new in RENAMED.items():
        assert f"| `{command}` | `{old} " in text and f"`{new} " in text, (command, old, new)
    for code in (0, 1, 2):
        assert f"\n| {code} | " in text, code


def test_output_cut_short_by_the_reader_is_no_traceback() -> None:
    # `augmentlab completion bash | head -1` printed a BrokenPipeError traceback
    done = subprocess.run(f"{sys.executable} -m augmentlab completion bash | head -1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
