"""What the frozen bundle includes and leaves out, checked without building it.

The real build and its smoke test are slow (about two minutes), so they run as a CI step of their
own (packaging/ci.sh); these tests read the spec and its rules (packaging/bundle_config.py) and
hold them against what the code actually imports.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "readinglist.spec"


def load_config() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_config", PACKAGING / "bundle_config.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cfg = load_config()


def qt_modules_imported_by_the_app() -> set[str]:
    """`QtWidgets`, `QtSvg`, ...: every PySide6 module named in an import in readinglist/."""
    found = set()
    for path in (ROOT / "readinglist").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1].startswith("Qt"):
                    found.add(parts[1])
    return found


def test_the_app_uses_the_qt_modules_the_rules_were_written_for() -> None:
    used = qt_modules_imported_by_the_app()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    assert used <= {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtSvgWidgets", "QtDBus"}, (
        f"the app now imports {sorted(used)}: check the Qt plugins and libraries it needs "
        "against packaging/bundle_config.py and rebuild with packaging/ci.sh"
    )


def test_no_qt_module_the_app_imports_is_excluded_or_dropped() -> None:
    for module in qt_modules_imported_by_the_app():
        assert f"PySide6.{module}" not in cfg.EXCLUDES
        assert module.removeprefix("Qt") not in cfg.QT_LIBS_DROPPED


def test_heavy_qt_modules_and_test_packages_are_excluded() -> None:
    for name in ("QtNetwork", "QtQml", "QtQuick", "QtPdf", "Qt3DCore", "QtWebEngineCore",
                 "QtMultimedia", "QtOpenGL", "QtSql", "QtTest"):  # fmt: skip
        assert f"PySide6.{name}" in cfg.EXCLUDES
    for name in ("tkinter", "unittest", "pytest", "pytestqt", "hypothesis", "test"):
        assert name in cfg.EXCLUDES
    for lib in ("Network", "Qml", "Quick", "Pdf", "OpenGL", "WaylandCompositor"):
        assert lib in cfg.QT_LIBS_DROPPED


def test_the_sqlite_dialect_and_the_lazily_imported_window_are_hidden_imports() -> None:
    assert "sqlalchemy.dialects.sqlite" in cfg.HIDDEN_IMPORTS
    assert "sqlalchemy.dialects.sqlite.pysqlite" in cfg.HIDDEN_IMPORTS
    assert "readinglist.ui.app" in cfg.HIDDEN_IMPORTS
    for name in cfg.HIDDEN_IMPORTS:
        assert importlib.util.find_spec(name) is not None, name
    for name in cfg.EXCLUDES:
        assert not name.startswith(("readinglist", "sqlalchemy.dialects.sqlite", "sqlmodel"))


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # Linux wheel layout
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so", False),
        ("PySide6/Qt/plugins/wayland-graphics-integration-client/libdmabuf-server.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Svg.so.6", True),
        ("PySide6/Qt/lib/libQt6Network.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libicudata.so.73", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        # Windows wheel layout
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt6Widgets.dll", True),
        ("PySide6/Qt6Network.dll", False),
        ("PySide6/opengl32sw.dll", False),
        ("PySide6/translations/qtbase_fr.qm", False),
        # macOS wheel layout
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui", True),
        ("PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml", False),
        # the app's own files
        ("resources/icons/app/io.github.readinglist.ReadingList.svg", True),
        ("resources/stylesheets/app.qss", True),
    ],
)
def test_keep_rules(dest: str, kept: bool) -> None:
    assert cfg.keep(dest, None, "BINARY", "linux") is kept
    assert cfg.keep(dest.replace("/", "\\"), None, "BINARY", "win32") is kept


def test_linux_system_libraries_are_left_to_the_package_manager() -> None:
    system = "/usr/lib/x86_64-linux-gnu/"
    assert not cfg.keep("libstdc++.so.6", system + "libstdc++.so.6", "BINARY", "linux")
    assert not cfg.keep("libfontconfig.so.1", system + "libfontconfig.so.1", "BINARY", "linux")
    assert not cfg.keep("libxcb-cursor.so.0", system + "libxcb-cursor.so.0", "BINARY", "linux")
    assert cfg.keep("libssl.so.3", system + "libssl.so.3", "BINARY", "linux")
    assert cfg.keep("libsqlite3.so.0", system + "libsqlite3.so.0", "BINARY", "linux")
    assert cfg.keep("libpython3.11.so.1.0", "/opt/py/lib/libpython3.11.so.1.0", "BINARY", "linux")
    # PyInstaller's top-level links follow their targets.
    link = "PySide6/Qt/lib/libQt6Network.so.6"
    assert not cfg.keep("libQt6Network.so.6", link, "SYMLINK", "linux")
    assert cfg.keep("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK", "linux")


def spec_source() -> str:
    return SPEC.read_text("utf-8")


def test_spec_is_python_that_applies_the_rules() -> None:
    tree = ast.parse(spec_source())
    calls = {
        node.func.id for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }  # fmt: skip
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= calls
    text = spec_source()
    assert "hiddenimports=cfg.HIDDEN_IMPORTS" in text
    assert "excludes=cfg.EXCLUDES" in text
    assert "cfg.keep(*entry" in text
    assert 'contents_directory="_internal"' in text
    assert "name=cfg.EXE_NAME" in text and cfg.EXE_NAME == "readinglist"


def test_spec_bundles_the_resources_folder_as_resources() -> None:
    # readinglist.core.paths.resource_path looks in sys._MEIPASS/resources first.
    assert re.search(r'folder = ROOT / "resources"', spec_source())
    assert 'Path("resources")' in spec_source()
    paths = (ROOT / "readinglist" / "core" / "paths.py").read_text("utf-8")
    assert 'Path(bundle) / "resources"' in paths


def test_spec_builds_a_mac_app_bundle_with_the_app_id() -> None:
    mac = spec_source().split("if IS_MAC:\n    app = BUNDLE(", 1)
    assert len(mac) == 2, "the BUNDLE step runs only on macOS"
    assert "bundle_identifier=cfg.APP_ID" in mac[1]
    assert cfg.APP_ID == "io.github.readinglist.ReadingList"


def test_windows_installer_script_points_at_the_bundle_and_icon() -> None:
    iss = (PACKAGING / "windows" / "readinglist.iss").read_text("utf-8")
    assert r'#define BundleDir "..\..\dist\readinglist"' in iss
    icon = re.search(r"SetupIconFile=(.+)", iss)
    assert icon is not None
    path = icon.group(1).strip().replace("{#AppId}", cfg.APP_ID).replace("\\", "/")
    assert (PACKAGING / "windows" / path).resolve().is_file()
    assert r"{app}\readinglist-gui.exe" in iss and 'name=f"{cfg.EXE_NAME}-gui"' in spec_source()


@pytest.mark.parametrize("script", ["build.sh", "smoke_test.sh", "ci.sh", "linux/build_deb.sh"])
def test_shell_scripts_parse(script: str) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    result = subprocess.run([bash, "-n", str(PACKAGING / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_bundle_checker_runs_without_pyinstaller() -> None:
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "linux" / "check_bundle.py")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "check_bundle.py dist/readinglist" in result.stderr
