"""Where Cueflow keeps its data and finds its resources."""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

from app.errors import BadInput

ENV_DATA_DIR = "CUEFLOW_DATA_DIR"


def data_dir(option: str | None = None) -> Path:
    """`--data-dir`, else $CUEFLOW_DATA_DIR, else the platform's user data folder."""
    if option is not None and not option.strip():
        raise BadInput("--data-dir: an empty folder name (leave the option out for the default)")
    chosen = option or os.environ.get(ENV_DATA_DIR)
    if chosen:
        try:
            return Path(chosen).expanduser().resolve()
        except (OSError, ValueError, RuntimeError) as exc:  # a NUL byte, a symlink loop …
            raise BadInput(f"data folder {chosen!r}: {exc}") from None
    return default_data_dir()


def default_data_dir() -> Path:
    """The platform's user data folder (what no option or variable changed)."""
    return Path(platformdirs.user_data_dir("Cueflow", appauthor=False))


def prepare_data_dir(folder: Path) -> Path:
    """Create the data folder when missing and check that Cueflow can write in it.

    A folder that cannot be used (read-only, a file in the way, a name the
    database cannot take) is refused with one line naming it and the cause.
    """
    try:
        os.fsencode(folder).decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(
            f"data folder {os.fsencode(folder)!r}: its path is not valid UTF-8 "
            "(SQLite cannot open a database there); choose another with --data-dir"
        ) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BadInput(f"data folder {folder}: a file of that name is in the way") from None
    except OSError as exc:
        raise BadInput(
            f"data folder {folder}: cannot create it ({exc.strerror or exc}); "
            "choose another with --data-dir"
        ) from None
    try:
        handle, name = tempfile.mkstemp(prefix=".cueflow-", dir=folder)
    except OSError as exc:
        raise BadInput(
            f"data folder {folder}: cannot write in it ({exc.strerror or exc}); "
            "make it writable or choose another with --data-dir"
        ) from None
    os.close(handle)
    os.unlink(name)
    return folder


def resource_root() -> Traversable:
    """`resources/`: inside the package when installed, beside it in a checkout."""
    packaged = resources.files("app") / "resources"
    if packaged.is_dir():
        return packaged
    return resources.files("app").joinpath("..", "resources")


def examples() -> list[Traversable]:
    folder = resource_root() / "examples"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
