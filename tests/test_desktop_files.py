"""The Linux launcher, AppStream metainfo, icons and the per-user installer (packaging/linux)."""

from __future__ import annotations

import configparser
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "resources" / "icons"
DESKTOP_ID = "no.kpdesk.Kpdesk"  # kpdesk.ui.app.DESKTOP_ID; not imported, so this file needs no Qt


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_launcher_metainfo_window_and_icons_agree_on_one_name() -> None:
    from kpdesk.ui import app

    assert app.DESKTOP_ID == DESKTOP_ID
    entry = _desktop_entry(LINUX / f"{DESKTOP_ID}.desktop")
    assert entry["Icon"] == DESKTOP_ID and entry["Exec"] == "kpdesk" and entry["Type"] == "Application"
    metainfo = ET.parse(LINUX / f"{DESKTOP_ID}.metainfo.xml").getroot()
    assert metainfo.findtext("id") == DESKTOP_ID
    assert metainfo.findtext("launchable") == f"{DESKTOP_ID}.desktop"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert (ICONS / f"kpdesk-{size}.png").stat().st_size > 0
    assert {"kpdesk.svg", "kpdesk.ico", "kpdesk.icns"} <= {p.name for p in ICONS.iterdir()}


def _fake_bundle(folder: Path) -> Path:
    """A folder shaped like dist/kpdesk whose program only says its version."""
    folder.mkdir(parents=True)
    program = folder / "kpdesk"
    program.write_text("#!/bin/sh\necho kpdesk 9.9\n", encoding="utf-8")
    program.chmod(0o755)
    (folder / "_internal").mkdir()
    return folder


def _install(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")} | {"HOME": str(home)}
    return subprocess.run(["bash", str(LINUX / "install.sh"), *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_install_puts_kpdesk_in_the_menu_for_this_user_and_uninstall_leaves_the_data(tmp_path: Path) -> None:
    home = tmp_path / "Bjørn Ødegård"
    bundle = _fake_bundle(tmp_path / "bygg med mellomrom" / "kpdesk")
    data = home / ".local" / "share" / "kpdesk" / "kpdesk.sqlite"
    data.parent.mkdir(parents=True)
    data.write_bytes(b"the coordinator's register")

    result = _install(home, str(bundle))
    assert result.returncode == 0, result.stderr
    launcher = home / ".local" / "share" / "applications" / f"{DESKTOP_ID}.desktop"
    program = home / ".local" / "lib" / "kpdesk" / "kpdesk"
    # The menu runs the installed program by its whole path, quoted (the home folder has a space).
    assert _desktop_entry(launcher)["Exec"] == f'"{program}"'
    command = home / ".local" / "bin" / "kpdesk"
    assert subprocess.run([str(command)], capture_output=True, text=True).stdout.strip() == "kpdesk 9.9"
    assert (home / ".local/share/icons/hicolor/48x48/apps" / f"{DESKTOP_ID}.png").exists()
    assert (home / ".local/share/icons/hicolor/scalable/apps" / f"{DESKTOP_ID}.svg").exists()
    assert (home / ".local/share/metainfo" / f"{DESKTOP_ID}.metainfo.xml").exists()

    result = _install(home, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert not program.exists() and not command.exists() and not launcher.exists()
    assert data.read_bytes() == b"the coordinator's register"


def test_install_without_a_built_bundle_says_how_to_build_one(tmp_path: Path) -> None:
    result = _install(tmp_path, str(tmp_path / "finnes ikke"))
    assert result.returncode == 1
    assert "bash packaging/build.sh" in result.stderr
    assert not (tmp_path / ".local").exists()


@pytest.mark.parametrize("script", ["build.sh", "smoke.sh", "linux/install.sh", "macos/build.sh"])
def test_packaging_scripts_are_valid_bash(script: str) -> None:
    result = subprocess.run(["bash", "-n", str(ROOT / "packaging" / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
