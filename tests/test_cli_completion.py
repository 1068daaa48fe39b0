"""`augmentlab completion SHELL`: scripts generated from the parser (shtab) that the real shells
load. zsh and fish are checked with the shells themselves where installed (Debian packages zsh and
fish), otherwise for their content."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from augmentlab.cli import COMMANDS, build_parser
from augmentlab.cli.completion import script

BIN = Path(sys.executable).parent  # where the `augmentlab` entry point is installed


def _script(shell: str) -> str:
    return script(build_parser(), shell)


def _bash(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--norc", "--noprofile", "-c", code], capture_output=True,
                          text=True, timeout=60, env={"PATH": f"{BIN}:/usr/bin:/bin"})


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "tcsh"])
def test_every_script_names_every_subcommand_and_no_old_spelling(shell: str) -> None:
    text = _script(shell)
    for name in COMMANDS:
        assert name in text, (shell, name)
    for flag in ("--per-class", "--copies", "--jobs", "--text-column", "--tile-size"):
        assert flag in text or flag.lstrip("-") in text, (shell, flag)
    for old in ("--workers", "--text ", "'--n'", " --n ", "(--n)"):
        assert old not in text, (shell, old)


def test_the_bash_script_loads_and_completes(tmp_path: Path) -> None:
    path = tmp_path / "augmentlab.bash"
    path.write_text(_script("bash"))
    loaded = _bash(f"source {path} && complete -p augmentlab")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().endswith(" augmentlab") and "-F _shtab_augmentlab" in loaded.stdout

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in ("augmentlab", *words))
        run = _bash(f"source {path}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; "
                    f"COMP_LINE=\"augmentlab {' '.join(words)}\"; COMP_POINT=${{#COMP_LINE}}; "
                    "_shtab_augmentlab augmentlab; printf '%s\\n' \"${COMPREPLY[@]}\"")
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert complete("sh") == ["show"]
    assert "--per-class" in complete("synth", "--p")
    assert complete("augment", "--wor") == []  # the old spelling is not offered
    assert set(complete("list", "")) >= {"image", "audio", "text"}


def test_the_command_prints_the_script(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "augmentlab", "completion", "bash"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "complete -o" in run.stdout and "_shtab_augmentlab" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "augmentlab", "completion", "powershell"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (Debian package zsh)")
def test_the_zsh_script_loads_in_zsh(tmp_path: Path) -> None:
    folder = tmp_path / "functions"
    folder.mkdir()
    (folder / "_augmentlab").write_text(_script("zsh"))
    run = subprocess.run(["zsh", "-f", "-c", f"fpath=({folder} $fpath); autoload -U compinit; "
                          "compinit -u -D; autoload -U _augmentlab; print -r -- ${_comps[augmentlab]}"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "_augmentlab", run.stdout + run.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian package fish)")
def test_the_fish_script_loads_in_fish_and_completes(tmp_path: Path) -> None:
    path = tmp_path / "augmentlab.fish"
    path.write_text(_script("fish"))
    run = subprocess.run(["fish", "--no-config", "-c",
                          f"set PATH {BIN} $PATH; source {path}; complete -C 'augmentlab sh'; "
                          "complete -C 'augmentlab synth --p'"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "show" in run.stdout and "--per-class" in run.stdout, run.stdout
