"""Where Cueflow keeps its data and finds its resources."""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "CUEFLOW_DATA_DIR"


def data_dir(option: str | None = None) -> Path:
    """`--data-dir`, else $CUEFLOW_DATA_DIR, else the platform's user data folder."""
    chosen = option or os.environ.get(ENV_DATA_DIR)
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir("Cueflow", appauthor=False))


def resource_root() -> Traversable:
    """`resources/`: inside the package when installed, beside it in a checkout."""
    packaged = resources.files("app") / "resources"
    if packaged.is_dir():
        return packaged
    return resources.files("app").joinpath("..", "resources")


def examples() -> list[Traversable]:
    folder = resource_root() / "examples"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
