"""Saving neural generators: weights as safetensors, settings as JSON with a format version.
Never pickle: a saved model can be loaded from an untrusted folder without running its code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.errors import InvalidConfig, InvalidInput

__all__ = ["load_nets", "read_config", "save_nets"]


def save_nets(directory: str | Path, nets: dict[str, Any], config: dict[str, Any]) -> Path:
    """Write every net's state under ``<name>.`` in ``model.safetensors`` and `config` in
    ``config.json``."""
    from safetensors.torch import save_file

    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    tensors = {f"{part}.{k}": v.contiguous() for part, net in nets.items()
               for k, v in net.state_dict().items()}
    save_file(tensors, str(path / "model.safetensors"))
    (path / "config.json").write_text(json.dumps(config, indent=1))
    return path


def read_config(directory: str | Path, owner: str, version: int) -> dict[str, Any]:
    """``config.json`` of a saved model, refusing formats newer than `version`."""
    path = Path(directory)
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{owner}.load: {path}: no readable config.json ({exc})") from None
    found = config.get("format")
    if not isinstance(found, int) or found > version:
        raise InvalidConfig(f"{owner}.load: {path} was saved in format {found!r}; this augmentlab "
                            f"reads format {version} and older: upgrade augmentlab")
    if config.get("name") != owner:
        raise InvalidConfig(f"{owner}.load: {path} holds a {config.get('name')!r}, not a {owner}")
    return dict(config)


def load_nets(directory: str | Path, nets: dict[str, Any]) -> None:
    """Load the weights saved by `save_nets` into `nets` (built with the saved settings)."""
    from safetensors.torch import load_file

    tensors = load_file(str(Path(directory) / "model.safetensors"))
    for part, net in nets.items():
        net.load_state_dict({k[len(part) + 1:]: v for k, v in tensors.items() if k.startswith(part + ".")})
        net.eval()
