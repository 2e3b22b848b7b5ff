"""What goes into the frozen bundle, as plain data: read by readinglist.spec and by the tests.

Kept out of the spec so it can be imported without PyInstaller (tests/packaging check it) and
so the reasons sit next to each rule. The spec applies `keep_binary`/`keep_data` to PyInstaller's
Analysis output after its hooks ran: PySide6's hooks collect plugins and translations for every
Qt library they meet, and some of those plugins drag in whole Qt modules we never use.

What the app uses (readinglist/ui, readinglist.core): QtCore, QtGui, QtWidgets and QtSvg (icons
are SVGs rendered with QSvgRenderer). Nothing uses the network, QML, printing or SQL through Qt:
the library is SQLite through SQLAlchemy/sqlmodel and Python's own sqlite3.
"""

from __future__ import annotations

import re

from readinglist.core.paths import APP_ID as APP_ID  # one definition for the app and installers

APP_NAME = "Reading List"
EXE_NAME = "readinglist"

# Imported by name at run time, so the import scan cannot see them.
HIDDEN_IMPORTS = [
    # SQLAlchemy loads the dialect for "sqlite://" URLs by name.
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    # The launcher imports the window lazily (command-line use never loads Qt).
    "readinglist.ui.app",
]

# Python PySide6 modules that must never be bundled, even if something mentions them.
QT_MODULES_EXCLUDED = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus",
    "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQuick", "QtQuick3D",
    "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml",
    "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine",
    "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore",
    "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
]  # fmt: skip

EXCLUDES = [
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data",
    "test", "tests", "unittest", "doctest", "pytest", "_pytest", "pytestqt", "hypothesis",
    "IPython", "numpy", "PIL", "PyQt5", "PyQt6", "PySide2",
    # No network: without ssl and _hashlib, OpenSSL (5 MB) stays out; hashlib falls back to
    # Python's built-in sha2/blake2/md5. Remove these if the app ever fetches feeds over https.
    "ssl", "_ssl", "_hashlib",
    # SQLAlchemy's hook names every dialect and a few drivers; only SQLite is used.
    "sqlalchemy.dialects.mysql", "sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.mssql", "sqlalchemy.testing", "MySQLdb", "psycopg2", "pysqlite2",
] + [f"PySide6.{name}" for name in QT_MODULES_EXCLUDED]  # fmt: skip

# Qt plugins kept, by folder under PySide6's plugins/ folder and by name without the platform's
# prefix and suffix ("libqxcb.so", "qwindows.dll" -> "qxcb", "qwindows"). A folder not listed is
# dropped whole; a listed folder keeps only the plugins named (None = all of them).
QT_PLUGINS_KEPT: dict[str, set[str] | None] = {
    # xcb for X11, wayland for Wayland sessions, windows, cocoa; offscreen (and minimal) for the
    # smoke test and for screenshots without a display.
    "platforms": {"qxcb", "qwayland", "qwindows", "qcocoa", "qoffscreen", "qminimal"},
    "xcbglintegrations": None,  # xcb loads one at start
    # Flatpak/snap portals. Not gtk3: it links GTK and glib into the process and only adds native
    # file dialogs; Qt's built-in GNOME theme still follows the system's light/dark setting.
    "platformthemes": {"qxdgdesktopportal"},
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",  # dead keys, compose sequences
        "ibusplatforminputcontextplugin",  # input methods (CJK)
    },
    "iconengines": None,  # the SVG icon engine
    "imageformats": {"qsvg", "qico", "qjpeg", "qgif"},
    "styles": None,  # Windows and macOS native styles (the app uses Fusion; kept to be safe)
    # Wayland: window decorations and the xdg-shell; widgets draw through shared memory, so the
    # EGL graphics integration (and with it QtOpenGL) is not needed.
    "wayland-decoration-client": None,
    "wayland-shell-integration": {"xdg-shell"},
}  # fmt: skip

# Qt libraries (libQt6X.so.6, Qt6X.dll, QtX.framework) that only dropped plugins need. The Linux
# build checks that nothing kept still links to one of them (packaging/linux/check_bundle.py).
QT_LIBS_DROPPED = [
    "Network", "Qml", "QmlModels", "QmlMeta", "QmlWorkerScript", "Quick", "QuickTemplates2",
    "QuickControls2", "VirtualKeyboard", "VirtualKeyboardQml", "Pdf", "OpenGL", "OpenGLWidgets",
    "EglFSDeviceIntegration", "EglFsKmsSupport", "EglFsKmsGbmSupport", "WaylandCompositor",
    "WaylandEglClientHwIntegration", "Sql", "PrintSupport", "Concurrent", "Test", "Xml",
    "Designer", "DesignerComponents", "Help", "LabsSettings", "Lottie",
    "LottieVectorImageGenerator", "LottieVectorImageHelpers",
]  # fmt: skip

# Other files dropped by name. Windows: Mesa's software OpenGL (20 MB), a fallback for QtQuick
# and OpenGL widgets on machines without a GPU driver; plain widgets paint without OpenGL.
FILES_DROPPED = {"opengl32sw.dll"}

# Linux: libraries from the system's library folders are not bundled but declared as package
# dependencies (the .deb's Depends are computed from them). A bundled copy of a desktop library
# (libstdc++, glib, fontconfig, X11, xcb...) is older than the system's on a newer distribution and
# breaks what the system loads next to it: Mesa's GL drivers need the system libstdc++, newer
# fontconfig configuration files confuse an older fontconfig. Kept from the system, by name:
SYSTEM_LIBS_BUNDLED = [
    "libpython",  # the interpreter, when it comes from the system rather than pyenv/python.org
    "libssl.so", "libcrypto.so",  # (if ssl comes back) renamed between releases: libssl3t64
    "libsqlite3.so",  # the database engine's version is part of the app's behaviour
]  # fmt: skip
SYSTEM_LIB_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")

_PLUGIN = re.compile(r"^PySide6/(?:Qt/)?plugins/([^/]+)/(?:lib)?([^/]+?)\.(?:so|dll|dylib)$")
_QT_LIB = re.compile(
    r"(?:^|/)(?:libQt6(\w+?)\.so(?:\.\d+)*|Qt6(\w+?)\.dll|Qt(\w+?)\.framework(?:/.*)?)$"
)
_TRANSLATIONS = re.compile(r"^PySide6/(?:Qt/)?translations/")


def keep(
    dest: str, src: str | None = None, typecode: str = "DATA", platform: str = "linux"
) -> bool:
    """Whether an entry of PyInstaller's Analysis (its path inside the bundle, its source path
    and its type) stays in the bundle."""
    dest = dest.replace("\\", "/")
    if typecode == "SYMLINK" and src is not None:  # PyInstaller's links to bundled libraries
        return keep(dest, None, "BINARY", platform) and keep(src, None, "BINARY", platform)
    if dest.rsplit("/", 1)[-1].lower() in FILES_DROPPED:
        return False
    plugin = _PLUGIN.match(dest)
    if plugin:
        folder, name = plugin.groups()
        if folder not in QT_PLUGINS_KEPT:
            return False
        kept = QT_PLUGINS_KEPT[folder]
        return kept is None or name in kept
    lib = _QT_LIB.search(dest)
    if lib:
        return next(name for name in lib.groups() if name) not in QT_LIBS_DROPPED
    # The app is English only and installs no QTranslator, so Qt's own translations are unused.
    if _TRANSLATIONS.match(dest):
        return False
    # Type stubs are for editors, not for running.
    if dest.startswith("PySide6/") and dest.endswith(".pyi"):
        return False
    if platform.startswith("linux") and typecode == "BINARY" and src and "/" not in dest:
        from_system = src.startswith(SYSTEM_LIB_DIRS)
        return not from_system or dest.startswith(tuple(SYSTEM_LIBS_BUNDLED))
    return True
