"""Start at login: the entry's contents on all three platforms; Linux for real."""

from __future__ import annotations

import configparser
import plistlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from app import autostart

ARGV = ["/opt/Cueflow Apps/cueflow", "--tray", "--data-dir", "/home/ada/My Flows"]


class FakeRegistry:
    """The HKCU\\…\\Run key as a dict: what WindowsAutostart writes, without Windows."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def _desktop(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_desktop_entry_runs_cueflow_in_the_tray_with_quoted_arguments() -> None:
    entry = _desktop(autostart.desktop_entry(ARGV, icon="/icons/cueflow-256.png"))
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Cueflow"
    assert entry["Icon"] == "/icons/cueflow-256.png"
    assert entry["Terminal"] == "false"
    assert entry["X-GNOME-Autostart-enabled"] == "true"
    assert entry["Exec"] == '"/opt/Cueflow Apps/cueflow" --tray --data-dir "/home/ada/My Flows"'
    assert shlex.split(entry["Exec"]) == ARGV


def test_desktop_entry_escapes_what_the_spec_reserves() -> None:
    line = _desktop(autostart.desktop_entry(["/bin/cueflow", "--data-dir", '/x/50% "$HOME"']))
    assert line["Exec"] == '/bin/cueflow --data-dir "/x/50%% \\"\\$HOME\\""'


def test_windows_run_value_through_an_injected_registry() -> None:
    registry = FakeRegistry()
    backend = autostart.for_platform("win32", registry=registry)
    assert not backend.is_enabled()
    backend.enable(["C:\\Program Files\\Cueflow\\cueflow.exe", "--tray"])
    assert registry.values == {"Cueflow": '"C:\\Program Files\\Cueflow\\cueflow.exe" --tray'}
    assert backend.is_enabled()
    assert backend.where().startswith(
        "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"
    )
    backend.disable()
    assert registry.values == {}
    backend.disable()  # already gone: no error


def test_launch_agent_plist_contents(tmp_path: Path) -> None:
    backend = autostart.for_platform("darwin", home=tmp_path)
    backend.enable(ARGV)
    path = tmp_path / "Library" / "LaunchAgents" / "io.cueflow.tray.plist"
    assert backend.where() == str(path)
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == "io.cueflow.tray"
    assert agent["ProgramArguments"] == ARGV
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] is False
    backend.disable()
    assert not path.exists()


def test_linux_entry_is_written_and_removed_in_xdg_config_home(tmp_path: Path) -> None:
    config = tmp_path / "config"
    backend = autostart.for_platform("linux", env={"XDG_CONFIG_HOME": str(config)})
    path = config / "autostart" / "cueflow.desktop"
    assert backend.where() == str(path)
    assert not backend.is_enabled()
    argv = autostart.launch_command(tmp_path / "flows")
    backend.enable(argv)
    assert backend.is_enabled()
    entry = _desktop(path.read_text(encoding="utf-8"))
    assert shlex.split(entry["Exec"]) == argv
    assert "--tray" in argv and argv[argv.index("--data-dir") + 1] == str(tmp_path / "flows")
    icon = Path(entry["Icon"])
    assert icon.name == "cueflow-256.png" and icon.is_file()
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    backend.disable()
    assert not path.exists() and not backend.is_enabled()


def test_linux_without_xdg_config_home_uses_dot_config(tmp_path: Path) -> None:
    backend = autostart.for_platform("linux", env={}, home=tmp_path)
    assert backend.where() == str(tmp_path / ".config" / "autostart" / "cueflow.desktop")


def test_launch_command_uses_the_console_script_and_omits_the_default_folder() -> None:
    argv = autostart.launch_command(
        autostart.default_data_dir(), executable="/usr/bin/cueflow", frozen=False
    )
    assert argv == ["/usr/bin/cueflow", "--tray"]


def test_launch_command_without_a_script_starts_the_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(autostart.shutil, "which", lambda name: None)
    argv = autostart.launch_command(tmp_path, frozen=False)
    assert argv == [sys.executable, "-m", "app", "--tray", "--data-dir", str(tmp_path)]


def test_the_module_command_really_parses(tmp_path: Path) -> None:
    """The entry's command is one the real command line accepts (`--tray` included)."""
    from app.cli import build_parser

    argv = autostart.launch_command(tmp_path, executable="cueflow", frozen=False)
    args = build_parser().parse_args(argv[1:])
    assert args.tray and args.command is None and args.data_dir == str(tmp_path)
    assert subprocess.list2cmdline(argv).startswith("cueflow --tray")


def test_the_tray_at_login_starts_the_windowed_executable_on_windows(tmp_path: Path) -> None:
    console = tmp_path / "cueflow.exe"
    console.write_bytes(b"MZ")
    assert autostart.windowed_executable(str(console), "win32") == str(console)  # none beside
    windowed = tmp_path / "cueflow-window.exe"
    windowed.write_bytes(b"MZ")
    assert autostart.windowed_executable(str(console), "win32") == str(windowed)
    assert autostart.windowed_executable(str(console), "linux") == str(console)
