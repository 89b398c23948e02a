"""The File menu's import and export: workflow files in and out, and the run
history as CSV. The work runs on a worker thread (a file of 100,000 things
takes seconds); its outcome comes back by queued signal, and the window says
it in the status bar, or in a message when something went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.engine import run_queries
from app.engine.editor_queries import file_problem_words
from app.errors import CueflowError, InvalidWorkflowFile
from app.ui.dialogs.example_import import conflicts_of
from app.ui.shell.context import AppContext
from app.workflow_file import export_text, import_file

WORKFLOW_FILES = "Workflow files (*.yaml *.yml *.json)"
log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], str], done: SignalInstance) -> None:
        super().__init__()
        self.work, self.done = work, done

    def run(self) -> None:
        try:
            outcome: object = self.work()
        except Exception as exc:  # said to the person; a bug's traceback goes to the log
            if not isinstance(exc, CueflowError | OSError | UnicodeError):
                log.exception("file menu work failed")
            outcome = exc
        self.done.emit(outcome)


class FileActions(QObject):
    """Import…, Export…, Export with things…, Export history as CSV…"""

    finished = Signal(object)  # a message (str), or the exception the work raised
    imported = Signal()  # workflows, data types or things changed: the areas reload
    status_message = Signal(str)

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.context, self.window = context, window
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.finished.connect(self.on_finished)
        self._path: Path | None = None  # the file being imported (asked again to replace)
        self._importing = False
        self.import_action = self._action("actionImport", self.tr("&Import workflow file…"))
        self.import_action.triggered.connect(self.on_import_triggered)
        self.export_action = self._action("actionExport", self.tr("&Export workflows…"))
        self.export_action.triggered.connect(lambda _=False: self.export(things=False))
        self.export_things_action = self._action(
            "actionExportThings", self.tr("Export workflows and &things…")
        )
        self.export_things_action.triggered.connect(lambda _=False: self.export(things=True))
        self.history_action = self._action(
            "actionExportHistory", self.tr("Export &history as CSV…")
        )
        self.history_action.triggered.connect(self.on_history_triggered)

    def _action(self, name: str, text: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        return action

    @property
    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.export_things_action]

    # --- the file dialogs (tests replace these) ---------------------------------------

    def ask_open(self) -> str:
        return QFileDialog.getOpenFileName(
            self.window, self.tr("Import a workflow file"), "", self.tr(WORKFLOW_FILES)
        )[0]

    def ask_save(self, title: str, suggested: str, kinds: str) -> str:
        return QFileDialog.getSaveFileName(self.window, title, suggested, kinds)[0]

    def ask_replace(self, taken: list[str]) -> bool:
        answer = QMessageBox.question(
            self.window,
            self.tr("Replace what exists?"),
            self.tr("This file has names that already exist: {names}. Replace them?").format(
                names=", ".join(taken)
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    def report_problem(self, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        if details:
            box.setDetailedText(details)
        box.exec()

    # --- the work ---------------------------------------------------------------------

    def start(self, work: Callable[[], str], *, importing: bool = False) -> None:
        self._importing = importing
        for action in (*self.actions, self.history_action):
            action.setEnabled(False)
        self.pool.start(_Job(work, self.finished))

    @Slot()
    def on_import_triggered(self) -> None:
        path = self.ask_open()
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path, *, replace: bool = False) -> None:
        self._path = path
        db = self.context.db

        def work() -> str:
            summary = import_file(db, path, replace=replace)
            self.imported.emit()
            return self.tr("Imported {file}: {summary}").format(file=path.name, summary=summary)

        self.start(work, importing=True)

    def export(self, *, things: bool) -> None:
        title = self.tr("Export workflows and things") if things else self.tr("Export workflows")
        path = self.ask_save(title, "cueflow-export.yaml", self.tr(WORKFLOW_FILES))
        if not path:
            return
        db = self.context.db

        def work() -> str:
            Path(path).write_text(export_text(db, things=things), encoding="utf-8")
            return self.tr("Exported to {file}").format(file=path)

        self.start(work)

    @Slot()
    def on_history_triggered(self) -> None:
        path = self.ask_save(
            self.tr("Export the run history"), "cueflow-history.csv", self.tr("CSV files (*.csv)")
        )
        if not path:
            return
        db = self.context.db

        def work() -> str:
            with open(path, "w", encoding="utf-8", newline="") as out:
                count = run_queries.write_history_csv(db, out)
            return self.tr("Exported {count} runs to {file}").format(count=count, file=path)

        self.start(work)

    @Slot(object)
    def on_finished(self, outcome: Any) -> None:
        for action in (*self.actions, self.history_action):
            action.setEnabled(True)
        if isinstance(outcome, str):
            self.status_message.emit(outcome)
            return
        if isinstance(outcome, InvalidWorkflowFile):
            taken = conflicts_of(outcome)
            if taken is not None and self._path is not None and self.ask_replace(taken):
                self.import_path(self._path, replace=True)
                return
            problems = [file_problem_words(p) for p in outcome.problems]
            self.report_problem(
                self.tr("Nothing was imported"),
                self.tr("The file has {count} problems; nothing of it was written.").format(
                    count=len(problems)
                )
                if len(problems) != 1
                else self.tr("The file has a problem; nothing of it was written: {problem}").format(
                    problem=problems[0]
                ),
                "\n".join(problems),
            )
            return
        title = self.tr("Nothing was imported") if self._importing else self.tr("That did not work")
        if isinstance(outcome, CueflowError | OSError | UnicodeError):
            self.report_problem(title, str(outcome).splitlines()[0])
            return
        self.report_problem(title, f"{type(outcome).__name__}: {outcome}")
