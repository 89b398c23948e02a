"""The main window: a sidebar of four areas, the menus, the status bar."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QSignalBlocker, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.core.types import utcnow
from app.engine import run_queries as queries
from app.errors import CueflowError, InvalidWorkflowFile
from app.paths import examples
from app.ui.areas.data.area import DataArea
from app.ui.areas.scheduler.area import SchedulerArea
from app.ui.areas.settings import SettingsArea
from app.ui.areas.workflows.area import WorkflowsArea
from app.ui.shell.bridge import EventBridge
from app.ui.shell.context import AppContext
from app.ui.shell.file_actions import FileActions
from app.ui.shell.prefs import person_prefs, window_prefs
from app.ui.widgets import formatting
from app.ui.widgets.notice import Notice

AREA_WORKFLOWS, AREA_SCHEDULER, AREA_DATA, AREA_SETTINGS = range(4)
AREA_NAMES = (  # marked for lupdate: shown through self.tr(name)
    str(QT_TRANSLATE_NOOP("MainWindow", "Workflows")),
    str(QT_TRANSLATE_NOOP("MainWindow", "Scheduler")),
    str(QT_TRANSLATE_NOOP("MainWindow", "Data")),
    str(QT_TRANSLATE_NOOP("MainWindow", "Settings")),
)
START_AREA_ENV = "CUEFLOW_START_AREA"  # hidden: open a given area (screenshots)


class MainWindow(QMainWindow):
    """Workflows, Scheduler, Data and Settings, one at a time beside a sidebar."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        bridge: EventBridge | None = None,
    ) -> None:
        """`bridge`: the desktop's (one bridge per process, so each engine event
        reaches the GUI thread once); without it the window makes its own."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.setWindowTitle(self.tr("Cueflow"))
        self.prefs = window_prefs(context.data_dir)
        self._owns_bridge = bridge is None
        self.bridge = bridge if bridge is not None else EventBridge(context.events, self)
        # Undo / Redo act on what the current area shows: only the Workflows area has
        # edits to undo (the other areas save at once or ask), so elsewhere they are off.
        self.undo_group = QUndoGroup(self)
        self.undo_stack = QUndoStack(self.undo_group)
        self.data_undo_stack = QUndoStack(self.undo_group)  # field and thing edits
        self.scheduler_state = "running" if context.clock is not None else "stopped"

        self.workflows_area = WorkflowsArea(context, self.undo_stack, self)
        self.scheduler_area = SchedulerArea(context, self.bridge, self)
        self.data_area = DataArea(context, self, self.data_undo_stack)
        self.settings_area = SettingsArea(context, self)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("areaStack")
        for area in (self.workflows_area, self.scheduler_area, self.data_area, self.settings_area):
            self.stack.addWidget(area)
            area.status_message.connect(self.on_area_status_message)

        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(124)  # narrow enough for a 900-pixel window
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { border: none; background: palette(window); font-size: 14px; "
            "outline: 0; }"  # no focus rectangle inside the highlight
            "QListWidget#sidebar::item { padding: 10px 12px; }"
            "QListWidget#sidebar::item:selected { background: palette(highlight); "
            "color: palette(highlighted-text); border-radius: 4px; }"
        )
        for name in AREA_NAMES:
            self.sidebar.addItem(QListWidgetItem(self.tr(name)))
        # wider only when a translation needs it ("Einstellungen")
        self.sidebar.setFixedWidth(max(124, self.sidebar.sizeHintForColumn(0) + 4))
        self.sidebar.currentRowChanged.connect(self.on_sidebar_current_changed)

        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        # "Scheduled Send birthday email for Fri 4 Dec 09:00 · Show", after a dialog closed.
        self.run_notice = Notice(self.tr("Show"), self)
        self.run_notice.setObjectName("runNotice")
        self.run_notice.acted.connect(self.show_run)
        self.statusBar().addWidget(self.run_notice, 1)
        # "Cancelled … — Undo" replaces "Scheduled … — Show": never both at once.
        self.scheduler_area.undo_bar.offered.connect(self.run_notice.withdraw)
        self.workflows_area.workflows_changed.connect(self.scheduler_area.on_workflows_changed)
        for announcing in (self.workflows_area, self.scheduler_area):
            announcing.run_announced.connect(self.on_run_announced)
        # "Cancelled … · Undo" goes left of the scheduler's state, which keeps its place
        # at the right edge whether or not an Undo is offered.
        self.statusBar().addPermanentWidget(self.scheduler_area.undo_bar)
        self.scheduler_label = QLabel(self)
        self.scheduler_label.setObjectName("schedulerStateLabel")
        self.statusBar().addPermanentWidget(self.scheduler_label)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(1000)
        self.status_timer.timeout.connect(self.on_status_timer_timeout)
        self.status_timer.start()
        self.bridge.scheduler_state_changed.connect(self.on_scheduler_state_changed)
        self.bridge.run_changed.connect(self.on_run_changed)
        self.bridge.run_changed.connect(self.workflows_area.on_run_changed)
        self.bridge.ledger_changed.connect(self.on_ledger_changed)

        self.guide: Any = None  # the Getting started checklist, made when first shown
        self.file_actions = FileActions(context, self)
        self.file_actions.status_message.connect(self.on_area_status_message)
        self.file_actions.imported.connect(self.on_file_imported)
        self._create_actions()
        self._create_menus()
        self._restore()
        self.on_status_timer_timeout()

    # --- actions and menus: created here, in one place -----------------------------

    def _action(
        self,
        name: str,
        text: str,
        slot: object = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every platform binding, e.g. Ctrl+Y and Ctrl+Shift+Z
        elif shortcut is not None:
            action.setShortcut(shortcut)
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def _create_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.new_workflow_action = self._action(
            "actionNewWorkflow", self.tr("&New workflow"), self.on_new_workflow_triggered, key.New
        )
        self.load_examples_action = self._action(
            "actionLoadExamples", self.tr("Load &examples"), self.on_load_examples_triggered
        )
        self.quit_action = self._action("actionQuit", self.tr("&Quit"), self.close, key.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.undo_action = self.undo_group.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setObjectName("actionUndo")
        self.undo_action.setShortcuts(key.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setObjectName("actionRedo")
        self.redo_action.setShortcuts(key.Redo)
        self.find_action = self._action(
            "actionFind", self.tr("&Find"), self.on_find_triggered, key.Find
        )
        self.run_now_action = self._action(
            "actionRunNow", self.tr("&Run now…"), self.on_run_now_triggered, QKeySequence("Ctrl+R")
        )
        self.schedule_action = self._action(
            "actionSchedule",
            self.tr("&Schedule…"),
            self.on_schedule_triggered,
            QKeySequence("Ctrl+Shift+S"),
        )
        self.pause_action = self._action(
            "actionPauseRuns",
            self.tr("&Pause all runs"),
            self.on_pause_triggered,
            QKeySequence("Ctrl+Shift+P"),
        )
        self.pause_action.setCheckable(True)
        self.pause_action.setChecked(self.scheduler_area.paused)
        self.scheduler_area.paused_changed.connect(self.on_paused_changed)
        self.area_actions = []
        for number, name in enumerate(AREA_NAMES):
            action = self._action(
                f"actionArea{name}",
                self.tr(name),
                lambda _=False, n=number: self.show_area(n),
                QKeySequence(f"Ctrl+{number + 1}"),
            )
            self.area_actions.append(action)
        self.about_action = self._action(
            "actionAbout", self.tr("&About Cueflow"), self.on_about_triggered
        )
        self.guide_action = self._action(
            "actionGettingStarted", self.tr("&Getting started"), self.show_getting_started
        )

    def _create_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.setObjectName("menuFile")
        file_menu.addAction(self.new_workflow_action)
        file_menu.addAction(self.load_examples_action)
        file_menu.addSeparator()
        for action in self.file_actions.actions:
            file_menu.addAction(action)
        file_menu.addAction(self.file_actions.history_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.setObjectName("menuEdit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        run_menu = bar.addMenu(self.tr("&Run"))
        run_menu.setObjectName("menuRun")
        run_menu.addAction(self.run_now_action)
        run_menu.addAction(self.schedule_action)
        run_menu.addSeparator()
        run_menu.addAction(self.pause_action)
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.setObjectName("menuView")
        for action in self.area_actions:
            view_menu.addAction(action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)

    # --- areas ----------------------------------------------------------------------

    def show_area(self, number: int) -> None:
        self.sidebar.setCurrentRow(number)

    def current_area(self) -> int:
        return self.stack.currentIndex()

    def show_run(self, run_id: str) -> bool:
        """Open the Scheduler area with this run's row selected (Upcoming, else History).

        The tray's upcoming entries and its failure messages land here.
        """
        self.show_area(AREA_SCHEDULER)
        area = self.scheduler_area
        area.upcoming_filter.clear()
        area.history_filter.clear()
        area.since_check.setChecked(False)
        area.reload()
        for tab, view, model in (
            (0, area.upcoming_view, area.upcoming_model),
            (1, area.history_view, area.history_model),
        ):
            model.row_at(0)  # loads the first page: the soonest (or latest) runs
            row = model.row_of(run_id)
            if row >= 0:
                area.tabs.setCurrentIndex(tab)
                view.selectRow(row)
                view.scrollTo(model.index(row, 0))
                return True
        return False

    @Slot(int)
    def on_sidebar_current_changed(self, row: int) -> None:
        leaving = self.stack.currentIndex()
        if leaving == AREA_DATA and row != AREA_DATA and not self.data_area.settle():
            with QSignalBlocker(self.sidebar):  # stay with the unsaved privacy rules
                self.sidebar.setCurrentRow(AREA_DATA)
            return
        if 0 <= row < self.stack.count():
            self.stack.setCurrentIndex(row)
            stacks = {AREA_WORKFLOWS: self.undo_stack, AREA_DATA: self.data_undo_stack}
            active = stacks.get(row)  # None: none active
            self.undo_group.setActiveStack(active)  # type: ignore[arg-type]
            if row == AREA_DATA:
                self.data_area.reload()
            elif row == AREA_SETTINGS:
                self.settings_area.reload()

    # --- preferences --------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.prefs.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        area = self.prefs.value("window/area", AREA_WORKFLOWS)
        start = os.environ.get(START_AREA_ENV, "")
        if start.capitalize() in AREA_NAMES:
            area = AREA_NAMES.index(start.capitalize())
        try:
            number = int(area)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            number = AREA_WORKFLOWS
        self.show_area(number if 0 <= number < len(AREA_NAMES) else AREA_WORKFLOWS)
        workflow = self.prefs.value("window/workflow", "")
        if isinstance(workflow, str) and workflow:
            self.workflows_area.select(workflow)

    def save_prefs(self) -> None:
        self.prefs.setValue("window/geometry", self.saveGeometry())
        self.prefs.setValue("window/area", self.current_area())
        current = self.workflows_area.current
        self.prefs.setValue("window/workflow", current.name if current else "")
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.data_area.settle():
            event.ignore()
            return
        self.save_prefs()
        self.status_timer.stop()
        if self._owns_bridge:
            self.bridge.close()
        super().closeEvent(event)

    # --- status bar -----------------------------------------------------------------------

    @Slot()
    def on_status_timer_timeout(self) -> None:
        self.scheduler_label.setText(self.scheduler_text())

    def scheduler_text(self) -> str:
        clock = self.context.clock
        if clock is not None and self.scheduler_area.paused:
            return self.tr("Paused · no run starts until you resume")
        if clock is None or self.scheduler_state != "running":
            return self.tr("Scheduler stopped")
        parts = [self.tr("Running")]
        if clock.running:
            going = self.tr("1 run going") if clock.running == 1 else self.tr("{n} runs going")
            parts.append(going.format(n=clock.running))
        due = clock.next_due()
        if due is None:
            parts.append(self.tr("nothing scheduled"))
        elif due <= utcnow():
            parts.append(self.tr("next run now"))
        else:
            parts.append(self.tr("next run {when}").format(when=formatting.relative(due)))
        return " · ".join(parts)

    @Slot(str)
    def on_scheduler_state_changed(self, state: str) -> None:
        self.scheduler_state = state
        self.on_status_timer_timeout()

    @Slot(str, str, str)
    def on_run_changed(self, run_id: str, workflow: str, status: str) -> None:
        title = self.workflows_area.editor.workflow_titles.get(workflow, workflow)
        self.statusBar().showMessage(
            self.tr("{workflow}: {status}").format(workflow=title, status=self.tr(status)), 8000
        )
        self.statusBar().setToolTip(self.tr("Run {id}").format(id=run_id))

    @Slot()
    def on_ledger_changed(self) -> None:
        self.on_status_timer_timeout()

    @Slot(bool)
    def on_paused_changed(self, paused: bool) -> None:
        self.pause_action.setChecked(paused)
        self.on_status_timer_timeout()

    @Slot(str, str)
    def on_run_announced(self, text: str, run_id: str) -> None:
        self.statusBar().clearMessage()  # a passing message would hide the notice
        self.run_notice.offer(text, run_id)

    @Slot(str)
    def on_area_status_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- menu slots ---------------------------------------------------------------------

    @Slot()
    def on_new_workflow_triggered(self) -> None:
        self.show_area(AREA_WORKFLOWS)
        self.workflows_area.new_workflow()

    @Slot(bool)
    def on_pause_triggered(self, checked: bool) -> None:
        self.scheduler_area.set_paused(checked)

    @Slot()
    def on_find_triggered(self) -> None:
        area = self.current_area()
        target = {
            AREA_WORKFLOWS: self.workflows_area.filter_edit,
            AREA_SCHEDULER: self.scheduler_area.upcoming_filter
            if self.scheduler_area.tabs.currentIndex() == 0
            else self.scheduler_area.history_filter,
            AREA_DATA: self.data_area.search_edit,
        }.get(area)
        if target is not None:
            target.setFocus()
            target.selectAll()

    @Slot()
    def on_run_now_triggered(self) -> None:
        self.show_area(AREA_WORKFLOWS)
        self.workflows_area.open_run_dialog(True)

    @Slot()
    def on_schedule_triggered(self) -> None:
        self.show_area(AREA_WORKFLOWS)
        self.workflows_area.open_run_dialog(False)

    @Slot()
    def on_file_imported(self) -> None:
        self.workflows_area.refresh_list()
        self.data_area.reload()

    @Slot()
    def on_load_examples_triggered(self) -> None:
        self.load_examples()

    def load_examples(self) -> list[str]:
        """Import every bundled example file; returns one line per file.

        An example whose names are taken is not skipped in silence: the person
        chooses Replace, Keep both or Skip, and a summary says what was done.
        """
        from app.ui.dialogs.example_import import (
            KEEP_BOTH,
            REPLACE,
            conflicts_of,
            import_keeping_both,
        )
        from app.workflow_file.importer import import_text

        if not self.data_area.settle():  # the Data area reloads below
            return []
        lines = []
        for resource in examples():
            text = resource.read_text(encoding="utf-8")
            try:
                try:
                    summary = import_text(self.context.db, text, name=resource.name)
                    lines.append(
                        self.tr("{file}: {summary}").format(file=resource.name, summary=summary)
                    )
                except InvalidWorkflowFile as exc:
                    taken = conflicts_of(exc)
                    if taken is None:
                        raise
                    choice = self.ask_example_conflict(resource.name, taken)
                    if choice == REPLACE:
                        summary = import_text(
                            self.context.db, text, name=resource.name, replace=True
                        )
                        lines.append(
                            self.tr("{file}: replaced what existed; {summary}").format(
                                file=resource.name, summary=summary
                            )
                        )
                    elif choice == KEEP_BOTH:
                        summary, renamed = import_keeping_both(self.context, text, resource.name)
                        names = ", ".join(f"{old} → {new}" for old, new in renamed.items())
                        lines.append(
                            self.tr("{file}: kept both ({names}); {summary}").format(
                                file=resource.name,
                                names=names or self.tr("no renames"),
                                summary=summary,
                            )
                        )
                    else:
                        lines.append(
                            self.tr("{file}: skipped ({names} already exist)").format(
                                file=resource.name, names=", ".join(taken)
                            )
                        )
            except CueflowError as exc:
                lines.append(
                    self.tr("{file}: not loaded: {reason}").format(
                        file=resource.name, reason=str(exc).splitlines()[0]
                    )
                )
        self.workflows_area.refresh_list()
        self.data_area.reload()
        self.statusBar().showMessage("; ".join(lines), 10000)
        self.report_examples(lines)
        return lines

    def ask_example_conflict(self, file_name: str, taken: list[str]) -> str:
        """Replace, Keep both or Skip for one example file (tests replace this)."""
        from app.ui.dialogs.example_import import KEEP_BOTH, REPLACE, SKIP

        kinds = {
            "workflows": self.tr("the workflow"),
            "triggers": self.tr("the trigger"),
            "data_types": self.tr("the data type"),
            "things": self.tr("the thing"),
        }
        named = []
        for place in taken:  # "workflows.send_welcome" → "the workflow send_welcome"
            kind, _, name = place.partition(".")
            named.append(f"• {kinds.get(kind, kind)} {name}" if name else f"• {place}")
        first = next((p.partition(".")[2] for p in taken if p.startswith("workflows.")), "")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Example already loaded"),
            self.tr("The example {file} uses names you already have:\n{names}").format(
                file=file_name, names="\n".join(named)
            ),
            parent=self,
        )
        box.setInformativeText(
            self.tr(
                "Replace overwrites yours with the example. Keep both loads the example's "
                "workflows and triggers under new names{example}. Skip leaves this "
                "example out."
            ).format(example=f" ({first}_2 …)" if first else "")
        )
        replace = box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep both"), QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton(self.tr("Skip"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(skip)
        box.exec()
        clicked = box.clickedButton()
        return REPLACE if clicked is replace else KEEP_BOTH if clicked is keep else SKIP

    def report_examples(self, lines: list[str]) -> None:
        """Say what loading the examples did, in a message that stays (tests replace this)."""
        QMessageBox.information(self, self.tr("Examples"), "\n".join(lines))

    def offer_examples(self) -> None:
        """On a first start with an empty database, offer the examples."""
        if not queries.is_empty(self.context.db):
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Welcome to Cueflow"),
            self.tr(
                "This data folder is empty. Load the example workflows (birthday emails, "
                "a daily digest, trial reminders) to start from?"
            ),
            parent=self,
        )
        load = box.addButton(self.tr("Load the examples"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Start empty"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)  # words only: no stock tick / cross icons
        box.exec()
        if box.clickedButton() is load:
            self.load_examples()
        else:
            self.show_getting_started()  # starting empty: the tutorial, step by step

    @Slot()
    def show_getting_started(self) -> None:
        """Help ▸ Getting started: the tutorial as a checklist beside the window."""
        from app.ui.dialogs.getting_started import GettingStarted

        if self.guide is None:
            self.guide = GettingStarted(self.context, self, person_prefs())
            self.guide.area_wanted.connect(self.show_area)
        self.guide.show()
        self.guide.raise_()

    @Slot()
    def on_about_triggered(self) -> None:
        from app import __version__

        QMessageBox.about(
            self,
            self.tr("About Cueflow"),
            self.tr(
                "Cueflow {version}\nDesign and run backend workflows.\nData folder: {folder}"
            ).format(version=__version__, folder=self.context.data_dir),
        )


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    return QApplication([])
