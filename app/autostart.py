"""Start at login: the platform's autostart entry for `cueflow --tray`.

- Linux and other XDG desktops: `$XDG_CONFIG_HOME/autostart/cueflow.desktop`
- Windows: the `Cueflow` value under HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run
- macOS: `~/Library/LaunchAgents/io.cueflow.tray.plist`

Pure Python (no Qt): the entry's contents are plain functions, each backend
writes or removes one entry, and the Windows registry is reached through a
small writer that tests replace.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import platformdirs

from app import paths

APP_ID = "cueflow"
DESKTOP_FILENAME = "cueflow.desktop"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE = "Cueflow"
LAUNCH_AGENT_LABEL = "io.cueflow.tray"


def launch_command(
    data_dir: Path | None = None, *, executable: str | None = None, frozen: bool | None = None
) -> list[str]:
    """How to start Cueflow in the tray: the console script if installed, else `-m app`.

    `data_dir` is passed only when it is not the default one, so the entry
    brings back the folder the user works with.
    """
    frozen = getattr(sys, "frozen", False) if frozen is None else frozen
    if frozen:
        argv = [windowed_executable(sys.executable)]
    else:
        script = executable or shutil.which(APP_ID)
        argv = [script] if script else [sys.executable, "-m", "app"]
    argv.append("--tray")
    if data_dir is not None and Path(data_dir) != default_data_dir():
        argv += ["--data-dir", str(data_dir)]
    return argv


WINDOWED_EXE = "cueflow-window.exe"


def windowed_executable(executable: str, platform: str = sys.platform) -> str:
    """On Windows the bundle's `cueflow-window.exe` beside `cueflow.exe`: the same
    program without a console window, for the tray at login (packaging/cueflow.spec)."""
    if platform == "win32":
        sibling = Path(executable).with_name(WINDOWED_EXE)
        if sibling.is_file():
            return str(sibling)
    return executable


def default_data_dir() -> Path:
    """The folder `cueflow` uses without --data-dir or $CUEFLOW_DATA_DIR."""
    return Path(platformdirs.user_data_dir("Cueflow", appauthor=False))


# --- contents -------------------------------------------------------------------------


def _desktop_quote(arg: str) -> str:
    """Quote one Exec argument by the Desktop Entry specification."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")
    text = arg.replace("%", "%%")
    if not any(ch in reserved for ch in text):
        return text
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in text)
    return f'"{escaped}"'


def desktop_entry(argv: Sequence[str], icon: str = APP_ID) -> str:
    """The XDG autostart file (freedesktop Desktop Entry, `Type=Application`)."""
    exec_line = " ".join(_desktop_quote(a) for a in argv)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.5\n"
        "Name=Cueflow\n"
        "Comment=Runs scheduled workflows in the background (tray)\n"
        f"Exec={exec_line}\n"
        f"Icon={icon}\n"
        "Terminal=false\n"
        "Categories=Development;Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def windows_run_value(argv: Sequence[str]) -> str:
    """The command line stored in the registry's Run value (Windows quoting)."""
    return subprocess.list2cmdline(list(argv))


def launch_agent_plist(argv: Sequence[str]) -> bytes:
    """A per-user LaunchAgent that starts Cueflow at login, once (no KeepAlive)."""
    return plistlib.dumps(
        {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(argv),
            "RunAtLoad": True,
            "KeepAlive": False,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
    )


# --- backends -------------------------------------------------------------------------


class Autostart(Protocol):
    def enable(self, argv: Sequence[str]) -> None: ...
    def disable(self) -> None: ...
    def is_enabled(self) -> bool: ...
    def where(self) -> str: ...


class FileAutostart:
    """An entry that is one file: written to enable, removed to disable."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def contents(self, argv: Sequence[str]) -> bytes:
        raise NotImplementedError

    def enable(self, argv: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(self.path.suffix + ".tmp")
        temporary.write_bytes(self.contents(argv))
        os.replace(temporary, self.path)

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def is_enabled(self) -> bool:
        return self.path.is_file()

    def where(self) -> str:
        return str(self.path)


class XdgAutostart(FileAutostart):
    def __init__(self, config_home: Path, icon: str = APP_ID) -> None:
        super().__init__(config_home / "autostart" / DESKTOP_FILENAME)
        self.icon = icon

    def contents(self, argv: Sequence[str]) -> bytes:
        return desktop_entry(argv, self.icon).encode("utf-8")


class LaunchAgentAutostart(FileAutostart):
    def __init__(self, home: Path) -> None:
        super().__init__(home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist")

    def contents(self, argv: Sequence[str]) -> bytes:
        return launch_agent_plist(argv)


class RegistryWriter(Protocol):
    """One registry key's string values (HKCU\\…\\Run)."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class WinregWriter:  # pragma: no cover - exercised on Windows only
    def __init__(self, key: str = WINDOWS_RUN_KEY) -> None:
        import winreg

        self.winreg: Any = winreg  # typeshed declares it for Windows only
        self.key = key

    def get(self, name: str) -> str | None:
        try:
            with self.winreg.OpenKey(self.winreg.HKEY_CURRENT_USER, self.key) as key:
                value, _kind = self.winreg.QueryValueEx(key, name)
        except OSError:
            return None
        return str(value)

    def set(self, name: str, value: str) -> None:
        with self.winreg.CreateKeyEx(
            self.winreg.HKEY_CURRENT_USER, self.key, 0, self.winreg.KEY_SET_VALUE
        ) as key:
            self.winreg.SetValueEx(key, name, 0, self.winreg.REG_SZ, value)

    def delete(self, name: str) -> None:
        try:
            with self.winreg.OpenKey(
                self.winreg.HKEY_CURRENT_USER, self.key, 0, self.winreg.KEY_SET_VALUE
            ) as key:
                self.winreg.DeleteValue(key, name)
        except FileNotFoundError:
            pass


class WindowsAutostart:
    def __init__(self, registry: RegistryWriter) -> None:
        self.registry = registry

    def enable(self, argv: Sequence[str]) -> None:
        self.registry.set(WINDOWS_VALUE, windows_run_value(argv))

    def disable(self) -> None:
        self.registry.delete(WINDOWS_VALUE)

    def is_enabled(self) -> bool:
        return self.registry.get(WINDOWS_VALUE) is not None

    def where(self) -> str:
        return f"HKEY_CURRENT_USER\\{WINDOWS_RUN_KEY}\\{WINDOWS_VALUE}"


def for_platform(
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    registry: RegistryWriter | None = None,
) -> Autostart:
    """The backend for this (or the given) platform."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = home or Path.home()
    if platform == "win32":
        return WindowsAutostart(registry or WinregWriter())
    if platform == "darwin":
        return LaunchAgentAutostart(home)
    config_home = env.get("XDG_CONFIG_HOME") or str(home / ".config")
    return XdgAutostart(Path(config_home), icon=_icon_path())


def _icon_path() -> str:
    """The installed 256 px icon as a file path when there is one, else the name."""
    icon = paths.resource_root() / "icons" / "cueflow-256.png"
    return str(icon) if isinstance(icon, Path) and icon.is_file() else APP_ID
