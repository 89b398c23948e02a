"""The Workflows area: the list of workflows and the editor of the one selected.

Every edit becomes a QUndoCommand holding the workflow definition before and
after; redo/undo hand it to the workflow service, which saves it when
`validate_workflow` finds no problem (there is no Save button). A definition
with problems stays a draft on screen, its problems shown inline.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.definitions import WorkflowDef
from app.engine.editor_queries import LastRun, last_run, run_outcome
from app.engine.validation import Problem, validate_workflow
from app.engine.workflows import Deleted, Saved
from app.ui.areas.workflows.commands import (
    AddWorkflowCommand,
    DeleteWorkflowCommand,
    EditWorkflowCommand,
    StoredRow,
)
from app.ui.areas.workflows.editor import WorkflowEditor, colour_chip
from app.ui.dialogs.run_dialog import RunDialog
from app.ui.dialogs.test_run_dialog import TestRunDialog
from app.ui.shell.context import AppContext
from app.ui.widgets.panes import named_button

NAME_ROLE = Qt.ItemDataRole.UserRole
FINISHED = frozenset({"succeeded", "failed", "terminated", "interrupted"})
log = logging.getLogger(__name__)


def counted(n: int, one: str, many: str) -> str:
    """`1 run`, `3 runs`: the form that fits, never "run(s)"."""
    return (one if n == 1 else many).format(n=n)


LAST_RUN_COALESCE_MS = 300
TEST_POLL_MS = 250


class WorkflowsArea(QWidget):
    """The workflow list (colour chips, filter, New / Duplicate / Delete) and its editor."""

    status_message = Signal(str)
    run_announced = Signal(str, str)  # words about a run a dialog scheduled, its ID
    workflows_changed = Signal()  # one was saved, renamed or deleted (labels may differ)
    _last_run_read = Signal(str, object)  # workflow name, LastRun or None (from a worker)
    _test_read = Signal(object)  # the Test run as read now, LastRun or None (from a worker)

    def __init__(
        self, context: AppContext, undo_stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.workflow_service = context.workflows
        self.undo_stack = undo_stack
        self.current: WorkflowDef | None = None
        self.row: StoredRow | None = None  # the stored workflow the editor shows
        self._rows: dict[int, StoredRow] = {}  # one StoredRow per stored workflow
        self._stored_names: dict[int, str] = {}  # row ID → the name it is stored under

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        self.filter_edit = QLineEdit(left)
        self.filter_edit.setObjectName("workflowFilter")
        self.filter_edit.setPlaceholderText(self.tr("Filter workflows"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.on_filter_changed)
        left_layout.addWidget(self.filter_edit)
        self.workflow_list = QListWidget(left)
        self.workflow_list.setObjectName("workflowList")
        self.workflow_list.currentItemChanged.connect(self.on_workflow_list_current_changed)
        self.workflow_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.workflow_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        left_layout.addWidget(self.workflow_list, 1)
        buttons = QGridLayout()  # two a row: the list stays narrow beside the editor
        self.new_button = named_button(self.tr("New"), "newWorkflowButton", left, self.new_workflow)
        self.duplicate_button = named_button(
            self.tr("Duplicate"), "duplicateWorkflowButton", left, self.duplicate_workflow
        )
        self.delete_button = named_button(
            self.tr("Delete…"), "deleteWorkflowButton", left, self.on_delete_clicked
        )
        buttons.addWidget(self.new_button, 0, 0)
        buttons.addWidget(self.duplicate_button, 0, 1)
        buttons.addWidget(self.delete_button, 1, 0)
        left_layout.addLayout(buttons)

        self.editor = WorkflowEditor(splitter)
        self.editor.edited.connect(self.on_editor_edited)
        self.editor.run_requested.connect(self.on_editor_run_requested)
        self.editor.test_requested.connect(self.on_editor_test_requested)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(max(150, buttons.sizeHint().width()))
        splitter.setStretchFactor(0, 0)  # the editor takes what the window gains or loses
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 970])
        self.pool = QThreadPool(self)
        # Runs of the shown workflow that end in a burst (thousands a second) are
        # shown once per interval, and only while the area is on screen: the cards
        # are rebuilt on the GUI thread (the GUI heartbeat found 4 s of it for 2,000).
        self.last_run_timer = QTimer(self)
        self.last_run_timer.setSingleShot(True)
        self.last_run_timer.setInterval(LAST_RUN_COALESCE_MS)
        self.last_run_timer.timeout.connect(self.on_last_run_due)
        self._last_run_stale = False
        self._last_run_read.connect(self.on_last_run_read)
        # A Test run's cards follow it step by step: read a few times a second while
        # it goes on (a worker thread; one read at a time), and at once when it ends.
        self.test_capture: dict[str, bool] = {}  # Preview only? per workflow, this session
        self.test_timer = QTimer(self)
        self.test_timer.setInterval(TEST_POLL_MS)
        self.test_timer.timeout.connect(self.on_test_poll_due)
        self._test_reading = False
        self._test_read.connect(self.on_test_read)
        layout.addWidget(splitter)
        self.refresh_list()

    # --- the list -----------------------------------------------------------------

    def _load_context(self) -> tuple[dict[str, Any], dict[str, WorkflowDef]]:
        types, workflows = self.workflow_service.context()
        fields = {name: [f.name for f in d.fields] for name, d in types.items()}
        self.editor.set_context(
            fields,
            sorted(workflows),
            types,
            self.context.data.triggers(),
            api_listen=self.context.settings.get("api.listen"),
            workflow_titles={name: wf.title for name, wf in workflows.items()},
        )
        return types, workflows

    def refresh_list(self, select: str | None = None) -> None:
        """Reload the workflow list from the database and select `select`."""
        _, workflows = self._load_context()
        wanted = select or (self.current.name if self.current else None)
        with QSignalBlocker(self.workflow_list):
            self.workflow_list.clear()
            names = list(workflows)
            if self.current is not None and self.current.name not in workflows:
                names.append(self.current.name)  # an unsaved draft …
                stored = self._stored_names.get(self.row.id) if self.row and self.row.id else None
                if stored in names and stored != self.current.name:
                    names.remove(stored)  # … in the place of the stored one it changes
            for name in sorted(names):
                wf = workflows.get(name) or self.current
                assert wf is not None
                item = QListWidgetItem(colour_chip(wf.colour), wf.title)
                item.setData(NAME_ROLE, name)
                tip = self.tr("Used in files and web links: {name}").format(name=wf.name)
                item.setToolTip(f"{wf.description}\n{tip}" if wf.description else tip)
                self.workflow_list.addItem(item)
                if name == wanted:
                    self.workflow_list.setCurrentItem(item)
        self.on_filter_changed(self.filter_edit.text())
        if (
            self.workflow_list.currentItem() is None
            and self.workflow_list.count()
            and select is None
            and self.current is None
        ):
            self.workflow_list.setCurrentRow(0)
        elif self.workflow_list.currentItem() is None:
            self._show(None, [])
        elif wanted is not None and (self.current is None or self.current.name != wanted):
            self._load(wanted)

    def workflow_names(self) -> list[str]:
        return [
            self.workflow_list.item(i).data(NAME_ROLE) for i in range(self.workflow_list.count())
        ]

    def select(self, name: str) -> None:
        for i in range(self.workflow_list.count()):
            if self.workflow_list.item(i).data(NAME_ROLE) == name:
                self.workflow_list.setCurrentRow(i)

    @Slot(str)
    def on_filter_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.workflow_list.count()):
            item = self.workflow_list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    @Slot(QListWidgetItem, QListWidgetItem)
    def on_workflow_list_current_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if current is None:
            return
        name = current.data(NAME_ROLE)
        if self.current is not None and self.current.name == name:
            return
        if self.editor.problems and self.current is not None:
            self.status_message.emit(
                self.tr(
                    "Left {name} with unsaved problems; the last valid version is kept."
                ).format(name=self.current.name)
            )
        self._load(name)

    def _load(self, name: str) -> None:
        found = self.workflow_service.find(name)
        if found is None:
            return
        wf, row_id = found
        self.row = self._rows.setdefault(row_id, StoredRow(row_id))
        self._stored_names[row_id] = wf.name
        types, workflows = self._load_context()
        self._show(wf, validate_workflow(wf, types, workflows))

    def _show(self, wf: WorkflowDef | None, problems: list[Problem]) -> None:
        shown = self.editor.workflow
        self.current = wf
        self.editor.show_workflow(wf, problems)
        self.duplicate_button.setEnabled(wf is not None)
        self.delete_button.setEnabled(wf is not None)
        if wf is not None and (shown is None or shown.name != wf.name):
            self.load_last_run(wf.name)

    # --- the last run, read on a worker thread --------------------------------------

    def load_last_run(self, name: str) -> None:
        """Read the newest finished run of `name` off the GUI thread; cards show it."""
        db = self.context.db

        def read() -> None:
            try:
                found = last_run(db, name)
            except Exception:  # shown again on the next run; nothing to show meanwhile
                log.exception("reading the last run of %s failed", name)
                return
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._last_run_read.emit(name, found)

        self.pool.start(read)

    @Slot(str, object)
    def on_last_run_read(self, name: str, found: LastRun | None) -> None:
        if self.current is not None and self.current.name == name:
            self.editor.show_last_run(found)

    @Slot(str, str, str)
    def on_run_changed(self, run_id: str, workflow: str, status: str) -> None:
        """A run of the shown workflow ended: its cards show what it did (soon)."""
        if run_id == self.editor.test_run_id:
            self.on_test_poll_due()
        if self.current is not None and workflow == self.current.name and status in FINISHED:
            self._last_run_stale = True
            if self.isVisible() and not self.last_run_timer.isActive():
                self.last_run_timer.start()

    @Slot()
    def on_last_run_due(self) -> None:
        if self._last_run_stale and self.current is not None and self.isVisible():
            self._last_run_stale = False
            self.load_last_run(self.current.name)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._last_run_stale:  # runs ended while another area was shown
            self.last_run_timer.start()

    # --- what the undo commands show (they change workflows through the service) ---

    def show_saved(self, saved: Saved, row: StoredRow) -> None:
        """Show the workflow a save checked: saved, or on screen with its problems."""
        if saved.ok:
            self.workflows_changed.emit()
        if saved.ok and row.id is not None:
            self._rows[row.id] = row
            self._stored_names[row.id] = saved.workflow.name
            if saved.moved:
                self._say_moved(saved.moved)
        self.row = row
        self.current = saved.workflow
        self.refresh_list(select=saved.workflow.name)
        self._show(saved.workflow, saved.problems)

    def _say_moved(self, moved: dict[str, int]) -> None:
        forms = {
            "runs": (self.tr("{n} run"), self.tr("{n} runs")),
            "schedules": (self.tr("{n} schedule"), self.tr("{n} schedules")),
            "triggers": (self.tr("{n} trigger"), self.tr("{n} triggers")),
            "steps": (self.tr("{n} step calling it"), self.tr("{n} steps calling it")),
        }
        parts = [counted(moved[key], *forms[key]) if moved.get(key) else "" for key in forms]
        said = ", ".join(part for part in parts if part)
        if said:
            self.status_message.emit(self.tr("Renamed; moved {what}").format(what=said))

    def show_deleted(self, deleted: Deleted, row: StoredRow) -> None:
        """Show that the row's workflow was deleted (and the runs that cancelled)."""
        if deleted.name is None:
            return
        self.workflows_changed.emit()
        if deleted.row_id is not None:
            self._rows.pop(deleted.row_id, None)
        if deleted.cancelled:
            self.status_message.emit(
                self.tr("Deleted {name}; cancelled {runs}").format(
                    name=deleted.name,
                    runs=counted(len(deleted.cancelled), self.tr("{n} run"), self.tr("{n} runs")),
                )
            )
        if self.row is row:
            self.current = None
            self.row = None
        self.refresh_list()

    def show_restored(self, run_ids: list[str]) -> None:
        """Show that runs a delete cancelled are scheduled again."""
        self.status_message.emit(
            counted(
                len(run_ids),
                self.tr("Scheduled {n} run again"),
                self.tr("Scheduled {n} runs again"),
            )
        )

    # --- user actions -------------------------------------------------------------

    @Slot(object, str)
    def on_editor_edited(self, workflow: WorkflowDef, text: str) -> None:
        if self.current is None:
            return
        if self.row is None:
            self.row = StoredRow()
        self.undo_stack.push(
            EditWorkflowCommand(self.workflow_service, self, self.current, workflow, text, self.row)
        )

    @Slot()
    def new_workflow(self) -> None:
        name = self.workflow_service.free_name("new_workflow")
        workflow = WorkflowDef(name=name, label=self.tr("New workflow"))
        self.current = None
        self.row = None
        self.undo_stack.push(
            AddWorkflowCommand(
                self.workflow_service, self, workflow, self.tr("New workflow"), StoredRow()
            )
        )
        self.editor.label_edit.setFocus()  # typing names it; the technical name follows
        self.editor.label_edit.selectAll()

    @Slot()
    def duplicate_workflow(self) -> None:
        if self.current is None:
            return
        copy = self.workflow_service.copy_of(
            self.current, self.tr("{label} (copy)").format(label=self.current.title)
        )
        self.current = None
        self.row = None
        self.undo_stack.push(
            AddWorkflowCommand(
                self.workflow_service, self, copy, self.tr("Duplicate workflow"), StoredRow()
            )
        )

    @Slot()
    def on_delete_clicked(self) -> None:
        if self.current is None:
            return
        name = self.current.name
        upcoming = self.workflow_service.count_upcoming(name)
        question = self.tr("Delete the workflow {name}?").format(name=name)
        if upcoming:
            question += " " + counted(
                upcoming,
                self.tr("It has {n} upcoming run; it will be cancelled."),
                self.tr("It has {n} upcoming runs; they will be cancelled."),
            )
        if self.confirm(self.tr("Delete workflow"), question) and self.row is not None:
            self.undo_stack.push(
                DeleteWorkflowCommand(
                    self.workflow_service,
                    self,
                    self.row,
                    self.tr("Delete {name}").format(name=name),
                )
            )

    def confirm(self, title: str, question: str) -> bool:
        """Ask yes or no (tests replace this)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    # --- the Test run -----------------------------------------------------------------

    @Slot()
    def on_editor_test_requested(self) -> None:
        self.open_test_dialog()

    def open_test_dialog(self) -> TestRunDialog | None:
        if self.current is None:
            return None
        name = self.current.name
        dialog = TestRunDialog(
            self.context,
            self.current,
            captured=self.test_capture.get(name, True),
            problems=[e.sentence for e in self.editor.explained],
            paused=self.context.clock is not None and self.context.service.is_paused(),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.started.connect(self.on_test_started)
        dialog.open()
        return dialog

    @Slot(str, bool)
    def on_test_started(self, run_id: str, captured: bool) -> None:
        if self.current is None:
            return
        self.test_capture[self.current.name] = captured
        self.editor.begin_test(run_id, captured)
        self.status_message.emit(
            self.tr("Test run of {name} started").format(name=self.current.title)
        )
        self.test_timer.start()
        self.on_test_poll_due()

    @Slot()
    def on_test_poll_due(self) -> None:
        run_id = self.editor.test_run_id
        if run_id is None or not self.editor.testing():
            self.test_timer.stop()
            return
        if self._test_reading:
            return
        self._test_reading = True
        db = self.context.db

        def read() -> None:
            try:
                found = run_outcome(db, run_id)
            except Exception:  # read again on the next tick
                log.exception("reading the test run %s failed", run_id)
                found = None
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile
                self._test_read.emit(found)

        self.pool.start(read)

    @Slot(object)
    def on_test_read(self, found: LastRun | None) -> None:
        self._test_reading = False
        self.editor.show_test(found)
        if not self.editor.testing():
            self.test_timer.stop()

    @Slot(bool)
    def on_editor_run_requested(self, run_now: bool) -> None:
        self.open_run_dialog(run_now)

    def open_run_dialog(self, run_now: bool) -> RunDialog | None:
        if self.current is None:
            return None
        problems = [e.sentence for e in self.editor.explained]
        dialog = RunDialog(
            self.context, self.current, run_now=run_now, problems=problems, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.announced.connect(self.run_announced)
        dialog.open()
        return dialog
