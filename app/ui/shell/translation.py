"""The window in the user's language: Qt's own strings (standard buttons and
dialogs) from Qt's translations, and Cueflow's from `resources/translations`
(`cueflow_<language>.qm`, made from the `.ts` by `pyside6-lrelease`; see
packaging/README.md). A language without a file stays in English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.paths import resource_root


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[str]:
    """Load and install the translations for `locale` (default: the system's);
    returns the names of those found (e.g. ["qtbase_de", "cueflow_de"])."""
    locale = locale or QLocale.system()
    loaded: list[str] = []
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = resource_root() / "translations"
    for name, folder in (("qtbase", qt_folder), ("cueflow", str(ours))):
        translator = QTranslator(app)  # kept alive by its parent
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            loaded.append(f"{name}_{locale.name().split('_')[0]}")
    return loaded
