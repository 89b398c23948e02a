"""The workflow editor: the workflow as a flow of cards beside an inspector.

It never saves: each edit is emitted as the new definition (`edited`), which
the Workflows area turns into an undo command; `show_workflow` brings the
widgets in line with what the command saved or left as a draft. The edits
themselves (fields, parameters, steps) are in `edits.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QPoint, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.actions import registry
from app.actions.spec import CAPTURED, FAMILY_WORKFLOWS
from app.core.definitions import DataTypeDef, ParameterDef, StepDef, TriggerDef, WorkflowDef
from app.core.types import SCALARS
from app.engine.dynamic_data import scope, step_summary
from app.engine.editor_queries import (
    Explained,
    LastRun,
    StepOutcome,
    explain,
    follows_label,
    plain_reason,
)
from app.engine.validation import Problem, typed_names
from app.ui.action_words import action_words
from app.ui.areas.workflows.action_menu import ActionMenu
from app.ui.areas.workflows.edits import EditsMixin
from app.ui.areas.workflows.flow import END, PARAMETERS, STEP, Card, FlowView
from app.ui.areas.workflows.inspector import StepPanel, WorkflowPanel, scrolled, titles
from app.ui.models.runs import status_words
from app.ui.widgets import formatting
from app.ui.widgets.dynamic_data import only_when_badge
from app.ui.widgets.expression_edit import scope_words
from app.ui.widgets.flow_style import action_icon
from app.ui.widgets.step_form import StepForm

PAGE_WORKFLOW, PAGE_STEP = 0, 1
NARROW = 530  # below this width the inspector goes under the flow


def colour_chip(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#9ca3af"))
    return QIcon(pixmap)


class WorkflowEditor(EditsMixin, QWidget):
    """The flow of one workflow and the inspector of its selected card."""

    edited = Signal(object, str)  # the new WorkflowDef, the undo text
    run_requested = Signal(bool)  # run now?
    test_requested = Signal()  # the Test run button (Ctrl+T)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workflow: WorkflowDef | None = None
        self.problems: list[Problem] = []
        self.explained: list[Explained] = []
        self.data_type_fields: dict[str, list[str]] = {}
        self.data_types: dict[str, DataTypeDef] = {}
        self.workflow_names: list[str] = []
        self.workflow_titles: dict[str, str] = {}
        self.triggers: list[TriggerDef] = []
        self.api_listen = ""  # the workflow API's address (setting api.listen)
        self.last_run: LastRun | None = None
        # The Test run shown on the cards (until the workflow is edited or tested again).
        self.test_run_id: str | None = None
        self.test_captured = True
        self.test: LastRun | None = None  # as last read; None until its first read
        self.step_form: StepForm | None = None
        self._form_key: tuple[Any, ...] | None = None
        self._insert_at: int | None = None
        self._quiet_shown = False  # cards drawn with a new step's problems kept quiet
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)

        top = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("workflowTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.title.setMinimumWidth(80)
        top.addWidget(self.title)  # its whole name first; the reason takes what is left
        # Why the run buttons are grey, right beside them (not only in their tooltips);
        # in the buttons' row, so showing it never moves the form below.
        self.run_reason = ElidedLabel(self)
        self.run_reason.setObjectName("runBlockedReason")
        self.run_reason.setVisible(False)
        top.addWidget(self.run_reason, 1)
        self.test_button = QPushButton(action_icon("test", FAMILY_WORKFLOWS), self.tr("Test run"))
        self.test_button.setParent(self)
        self.test_button.setObjectName("testRunButton")
        self.test_button.setShortcut(QKeySequence("Ctrl+T"))
        self.test_button.clicked.connect(self.on_test_clicked)
        top.addWidget(self.test_button)
        self.run_now_button = QPushButton(self.tr("Run now"), self)
        self.run_now_button.setObjectName("runNowButton")
        self.run_now_button.clicked.connect(self.on_run_now_clicked)
        top.addWidget(self.run_now_button)
        self.schedule_button = QPushButton(self.tr("Schedule…"), self)
        self.schedule_button.setObjectName("editorScheduleButton")
        self.schedule_button.clicked.connect(self.on_schedule_clicked)
        top.addWidget(self.schedule_button)
        layout.addLayout(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("editorSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_flow())
        self.splitter.addWidget(self._build_inspector())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 520])
        layout.addWidget(self.splitter, 1)
        # With no workflow, words on what to do instead of a greyed-out form.
        self.empty_state = QLabel(
            self.tr("No workflow selected — New workflow or pick one on the left"), self
        )
        self.empty_state.setObjectName("workflowEmptyState")
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setStyleSheet("color: palette(placeholder-text); font-size: 14px;")
        self.empty_state.setVisible(False)
        layout.addWidget(self.empty_state, 1)
        self.top_widgets: list[QWidget] = [
            self.title,
            self.test_button,
            self.run_now_button,
            self.schedule_button,
            self.splitter,
        ]
        for widget in self.top_widgets:  # until a workflow is shown
            widget.setVisible(False)
        self.empty_state.setVisible(True)
        self.setEnabled(False)

    # --- building -------------------------------------------------------------

    def _build_flow(self) -> QWidget:
        pane = QWidget(self)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        caption = QLabel(self.tr("Steps, in order"), pane)
        caption.setStyleSheet("font-weight: 600;")
        bar.addWidget(caption, 1)
        self.add_step_button = QToolButton(pane)
        self.add_step_button.setObjectName("addStepButton")
        self.add_step_button.setText(self.tr("Add step"))
        self.add_step_button.setToolTip(self.tr("Add a step at the end"))
        self.add_step_button.clicked.connect(self.on_add_step_clicked)
        self.add_step_menu = ActionMenu(self)
        self.add_step_menu.chosen.connect(self.on_action_chosen)
        bar.addWidget(self.add_step_button)
        layout.addLayout(bar)
        self.flow = FlowView(pane)
        self.flow.currentRowChanged.connect(self.on_flow_current_changed)
        self.flow.step_moved.connect(self.on_flow_step_moved)
        self.flow.insert_requested.connect(self.on_flow_insert_requested)
        self.flow.remove_requested.connect(self.on_flow_remove_requested)
        self.flow.setToolTip(
            self.tr(
                "Click a card to edit it; drag it (or Alt+Up / Alt+Down) to move it; "
                "+ adds a step, Delete removes one"
            )
        )
        layout.addWidget(self.flow, 1)
        self.test_status = QLabel(pane)
        self.test_status.setObjectName("testRunStatus")
        self.test_status.setWordWrap(True)
        self.test_status.setStyleSheet(
            "background: palette(alternate-base); border-radius: 4px; padding: 6px;"
        )
        self.test_status.setVisible(False)
        layout.addWidget(self.test_status)
        # Under the flow, so showing it moves neither the cards nor the inspector.
        self.problem_banner = QLabel(pane)
        self.problem_banner.setObjectName("workflowProblems")
        self.problem_banner.setWordWrap(True)
        self.problem_banner.setStyleSheet(
            "background: #fee2e2; color: #7f1d1d; border-radius: 4px; padding: 6px;"
        )
        self.problem_banner.setVisible(False)
        layout.addWidget(self.problem_banner)
        return pane

    def _build_inspector(self) -> QWidget:
        self.inspector = QStackedWidget(self)
        self.inspector.setObjectName("inspector")
        self.inspector.setMinimumWidth(300)
        self.workflow_panel = WorkflowPanel(self.inspector)
        panel = self.workflow_panel
        panel.fields_committed.connect(self.on_fields_committed)
        panel.colour_clicked.connect(self.on_colour_clicked)
        panel.params_edited.connect(self.on_params_edited)
        panel.add_param_clicked.connect(self.on_add_param_clicked)
        panel.remove_param_clicked.connect(self.on_remove_param_clicked)
        panel.param_moved.connect(self.move_parameter)
        # The names the edits (and tests) use.
        self.name_edit: QLineEdit = panel.name_edit
        self.label_edit = panel.label_edit
        self.params_table = panel.params_table
        self.add_param_button = panel.add_param_button
        self.remove_param_button = panel.remove_param_button
        self.param_up_button = panel.param_up_button
        self.param_down_button = panel.param_down_button
        self.inspector.addWidget(scrolled(panel, self.inspector))
        self.step_panel = StepPanel(self.inspector)
        self.step_panel.move_clicked.connect(self.move_step)
        self.step_panel.remove_clicked.connect(self.on_remove_step_clicked)
        self.step_up_button = self.step_panel.step_up_button
        self.step_down_button = self.step_panel.step_down_button
        self.remove_step_button = self.step_panel.remove_step_button
        self.inspector.addWidget(scrolled(self.step_panel, self.inspector))
        return self.inspector

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Side by side when there is room, else the inspector under the flow."""
        super().resizeEvent(event)
        wanted = Qt.Orientation.Vertical if self.width() < NARROW else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)

    # --- showing ----------------------------------------------------------------

    def set_context(
        self,
        data_type_fields: dict[str, list[str]],
        workflow_names: list[str],
        data_types: Mapping[str, DataTypeDef] | None = None,
        triggers: list[TriggerDef] | None = None,
        api_listen: str = "",
        workflow_titles: Mapping[str, str] | None = None,
    ) -> None:
        self.data_type_fields = data_type_fields
        self.workflow_names = workflow_names
        self.workflow_titles = dict(workflow_titles or {})
        self.data_types = dict(data_types or {})
        self.triggers = list(triggers or [])
        self.api_listen = api_listen

    def show_workflow(self, workflow: WorkflowDef | None, problems: list[Problem]) -> None:
        """Bring every widget in line with `workflow`, touching only what differs."""
        if workflow is None or self.workflow is None or workflow.name != self.workflow.name:
            self.last_run = None
        if workflow != self.workflow:  # edited (or another one): its last test no longer fits
            self.end_test()
        self.workflow = workflow
        self.problems = problems
        self.explained = [explain(p, workflow) for p in problems]
        self.setEnabled(workflow is not None)
        for widget in self.top_widgets:
            widget.setVisible(workflow is not None)
        self.empty_state.setVisible(workflow is None)
        if workflow is None:
            self.run_reason.setVisible(False)
            self.title.setText(self.tr("No workflow selected"))
            self.workflow_panel.colour_button.setIcon(colour_chip("#9ca3af", 18))  # a grey swatch
            self.params_table.setRowCount(0)
            self.flow.set_cards([])
            self._set_step_form(None)
            self.problem_banner.setVisible(False)
            return
        self.title.setText(workflow.title)
        panel = self.workflow_panel
        _set_text(panel.name_edit, workflow.name)
        _set_text(panel.label_edit, workflow.label)
        panel.name_follows = follows_label(workflow.name, workflow.label)
        panel.taken_names = set(self.workflow_names) - {workflow.name}
        if panel.description_edit.text() != workflow.description:
            with QSignalBlocker(panel.description_edit):
                panel.description_edit.setText(workflow.description)
        panel.colour_button.setIcon(colour_chip(workflow.colour, 18))
        panel.colour_button.setToolTip(
            self.tr("Colour of this workflow ({colour}): click to change").format(
                colour=workflow.colour
            )
        )
        _set_blocked(panel.privacy_check, "setChecked", workflow.ignore_privacy_rules)
        _set_blocked(panel.timeout_spin, "setValue", int(workflow.timeout))
        _set_blocked(panel.attempts_spin, "setValue", workflow.retries.attempts)
        _set_blocked(panel.backoff_spin, "setValue", workflow.retries.backoff)
        _set_blocked(
            panel.missed_combo,
            "setCurrentIndex",
            max(panel.missed_combo.findData(workflow.on_missed), 0),
        )
        _set_text(panel.only_when_edit, workflow.only_when or "")
        panel.api_section.show_api(workflow, self.api_listen)
        panel.set_scope(
            [p.key for p in workflow.parameters],
            typed_names(workflow, self.data_types, 1),
            self.data_types,
        )
        panel.only_when_data.set_groups(scope(workflow, self.data_types, 1))
        self.params_table.show_parameters(workflow.parameters, self._type_names())
        self._show_cards()
        self._show_problems()

    def show_last_run(self, last: LastRun | None) -> None:
        """What the workflow's newest finished run did, step by step, on the cards."""
        self.last_run = last
        if self.workflow is not None:
            self._show_cards()

    # --- the Test run --------------------------------------------------------------

    def begin_test(self, run_id: str, captured: bool) -> None:
        """A Test run of the shown workflow started: its cards follow it."""
        self.test_run_id, self.test_captured, self.test = run_id, captured, None
        self._show_test_status()
        if self.workflow is not None:
            self._show_cards()

    def show_test(self, outcome: LastRun | None) -> None:
        """The Test run as read now (while it goes on, and once it ended)."""
        if outcome is None or outcome.run_id != self.test_run_id:
            return
        self.test = outcome
        self._show_test_status()
        if self.workflow is not None:
            self._show_cards()

    def end_test(self) -> None:
        self.test_run_id, self.test = None, None
        self.test_status.setVisible(False)

    def testing(self) -> bool:
        """A Test run started and has not ended yet."""
        return self.test_run_id is not None and (self.test is None or not self.test.ended)

    def _show_test_status(self) -> None:
        mode = (
            self.tr("preview only: nothing is sent")
            if self.test_captured
            else self.tr("emails and web calls for real")
        )
        test = self.test
        if test is None or (test.status == "scheduled" and not test.retrying):
            text = self.tr("Test run waiting to start ({mode})").format(mode=mode)
        elif not test.ended:
            text = self.tr("Test run in progress ({mode})…").format(mode=mode)
        elif test.status == "succeeded":
            text = self.tr("Test run succeeded ({mode}). Click a step to see what it did.").format(
                mode=mode
            )
        elif test.retrying:
            text = self.tr("Test run failed; it is retried as the workflow's Retries say. {error}")
            text = text.format(error=test.error or "")
        else:
            failed = next((n for n, o in sorted(test.steps.items()) if o.status == "failed"), None)
            if failed is not None:  # the card and the inspector say why
                text = self.tr("Test run failed at step {n} · {label}: see its card.").format(
                    n=failed, label=self._step_label(failed)
                )
            else:
                text = self.tr("Test run {status}: {error}").format(
                    status=self.tr(test.status), error=plain_reason(test.error or "")
                )
        self.test_status.setText(text)
        self.test_status.setVisible(True)

    def _step_label(self, position: int) -> str:
        """ "Send email": the label of the action of step `position` (1-based)."""
        steps = self.workflow.steps if self.workflow is not None else ()
        action = steps[position - 1].action if 0 < position <= len(steps) else ""
        spec = registry.get(action)
        return action_words(spec.label) if spec is not None else action

    def _test_step(self, position: int) -> tuple[StepOutcome | None, str]:
        """A step in the Test run: its outcome, or words for where the run is."""
        test = self.test
        outcome = test.steps.get(position) if test is not None else None
        if outcome is not None:
            return outcome, ""
        if test is None or (test.status == "scheduled" and not test.retrying):
            return None, self.tr("waiting")
        if not test.ended:
            # The step after the last recorded one runs, unless that one is still
            # running (a step with an outside effect records itself first).
            last = max(test.steps, default=0)
            busy = last > 0 and test.steps[last].status == "running"
            running = position == last + 1 and not busy
            return None, self.tr("running…") if running else self.tr("waiting")
        return None, self.tr("not run")

    def _type_names(self) -> list[str]:
        return [*SCALARS, *sorted(self.data_type_fields)]

    def _cards(self) -> list[Card]:
        assert self.workflow is not None
        wf = self.workflow
        workflow_badge = only_when_badge(wf.only_when, wf, self.data_types, 1)
        cards = [
            Card(
                PARAMETERS,
                0,
                self.tr("Parameters"),
                _parameters_text(wf.parameters)
                or self.tr("None yet: click to add the values each run is given"),
                icon="parameters",
                condition=workflow_badge.text,
                condition_tip=workflow_badge.tip,
                problem=any(
                    p.place.startswith(("parameters", "only_when", "name")) for p in self.problems
                ),
                note=self._started_by(wf.name),
            )
        ]
        bad_steps = {e.step for e in self._shown_explained() if e.step is not None}
        outcomes = self.last_run.steps if self.last_run is not None else {}
        for position, step in enumerate(wf.steps):
            spec = registry.get(step.action)
            outcome = outcomes.get(position + 1)
            badge = only_when_badge(step.only_when, wf, self.data_types, position + 1)
            status_text = error = ""
            status = outcome.status if outcome is not None else ""
            if self.test_run_id is not None:
                outcome, words = self._test_step(position + 1)
                status = outcome.status if outcome is not None else ""
                if words:
                    status, status_text = ("running" if words == self.tr("running…") else ""), words
                if outcome is not None and outcome.status == "running":
                    status_text = self.tr("running…")
                elif outcome is not None and outcome.error:
                    error = plain_reason(outcome.error)
            if outcome is not None and not status_text:
                status_text = self.tr("{status} · {duration}").format(
                    status=self.tr("preview")
                    if _is_preview(outcome.result)
                    else status_words(outcome.status),  # "Failed", "Fehlgeschlagen"
                    duration=formatting.elapsed(outcome.duration_ms / 1000),
                )
            cards.append(
                Card(
                    STEP,
                    position,
                    f"{position + 1}. {action_words(spec.label) if spec else step.action}",
                    step_summary(step.action, step.inputs, self.workflow_titles),
                    spec.family if spec else "",
                    spec.icon if spec else "",
                    badge.text,
                    status,
                    status_text,
                    position + 1 in bad_steps,
                    error=error,
                    condition_tip=badge.tip,
                )
            )
        cards.append(Card(END, len(wf.steps), "", ""))
        return cards

    def _started_by(self, name: str) -> str:
        """ "started when a User is created" for the triggers that start `name`."""
        found = [t for t in self.triggers if t.workflow == name]
        if not found:
            return ""
        parts = [
            self.tr("when a {type} is {events}").format(
                type=t.data_type, events=self.tr(" or ").join(t.on)
            )
            for t in found
        ]
        return self.tr("also starts {when}").format(when="; ".join(parts))

    def _show_cards(self) -> None:
        current = self.flow.currentRow()
        self.flow.set_cards(self._cards())
        if current < 0:
            with QSignalBlocker(self.flow):
                self.flow.setCurrentRow(1 if self.workflow and self.workflow.steps else 0)
        self._sync_inspector()

    def selected_step(self) -> int | None:
        """The position (0-based) of the step whose card is selected, or None."""
        card = self.flow.card(self.flow.currentRow())
        return card.index if card is not None and card.kind == STEP else None

    def select_step(self, position: int | None) -> None:
        """Select a step's card (None: the parameters card)."""
        self.flow.setCurrentRow(0 if position is None else self.flow.row_of_step(position))

    def _sync_inspector(self) -> None:
        position = self.selected_step()
        if self.workflow is None or position is None or position >= len(self.workflow.steps):
            self.inspector.setCurrentIndex(PAGE_WORKFLOW)
            self._set_step_form(None)
            return
        self.inspector.setCurrentIndex(PAGE_STEP)
        self._sync_step_form(position)

    def _sync_step_form(self, position: int) -> None:
        """Rebuild the form only when the step, its action or the names change."""
        assert self.workflow is not None
        wf = self.workflow
        step = wf.steps[position]
        names = [p.key for p in wf.parameters] + [f"step{i}" for i in range(1, position + 1)]
        thing_fields = {
            p.key: self.data_type_fields.get(p.type.base, [])
            for p in wf.parameters
            if p.type.is_thing and not p.type.is_list
        }
        typed = typed_names(wf, self.data_types, position + 1)
        groups = scope(wf, self.data_types, position + 1)
        key = (
            position,
            step.action,
            tuple(names),
            tuple(sorted(thing_fields.items(), key=lambda kv: kv[0])),
            tuple(sorted(typed.items())),
            tuple(self.data_types.values()),
            tuple(groups),
        )
        spec = registry.get(step.action)
        self.step_panel.set_header(
            position,
            action_words(spec.label) if spec else step.action,
            spec.icon if spec else "",
            spec.family if spec else "",
            len(wf.steps),
        )
        if key != self._form_key or self.step_form is None:
            form = StepForm(
                step,
                names,
                scope_words(names, thing_fields),
                {"workflows": self.workflow_names, "data_types": sorted(self.data_type_fields)},
                self.step_panel,
                typed=typed,
                data_types=self.data_types,
                groups=groups,
            )
            form.step_edited.connect(self.on_step_form_edited)
            form.touched_changed.connect(self._show_problems)
            self._set_step_form(form)
            self._form_key = key
        elif self.step_form is not None and self.step_form.step != step:
            self.step_form.set_step(step)
        if self.step_form is not None:
            self.step_form.show_problems(self._step_problems(position + 1))
        outcome = self.last_run.steps.get(position + 1) if self.last_run else None
        self.step_panel.show_outcome(
            outcome,
            titles(spec.inputs) if spec else {},
            self.last_run.labels if self.last_run else {},  # things by their labels
        )
        if self.test_run_id is not None:
            tested, words = self._test_step(position + 1)
            labels = self.test.labels if self.test is not None else {}
            self.step_panel.show_test(tested, titles(spec.inputs) if spec else {}, words, labels)
        else:
            self.step_panel.last_test.setVisible(False)

    def _set_step_form(self, form: StepForm | None) -> None:
        if self.step_form is not None and self.step_form is not form:
            self.step_panel.form_holder.removeWidget(self.step_form)
            self.step_form.hide()
            self.step_form.deleteLater()
        self.step_form = form
        self._form_key = None if form is None else self._form_key
        if form is not None:
            self.step_panel.form_holder.insertWidget(0, form)

    def _step_problems(self, index: int) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for item in self.explained:
            if item.step == index and item.input is not None:
                out.setdefault(item.input, []).append(item.short)
        return out

    def _shown_explained(self) -> list[Explained]:
        """The problems to show: not yet "required" for an empty input of the step
        being edited that the person has not left (a new step does not open in red).
        Run and Schedule stay off all the same, their tooltip says why."""
        form, position = self.step_form, self.selected_step()
        if form is None or position is None:
            return self.explained
        quiet = form.quiet_inputs()
        return [e for e in self.explained if not (e.step == position + 1 and e.input in quiet)]

    def _show_problems(self) -> None:
        shown = self._shown_explained()
        if shown:
            lines = [self.tr("Not saved until these are fixed:")]
            lines += [f"• {e.sentence}" for e in shown]
            self.problem_banner.setText("\n".join(lines))
        self.problem_banner.setVisible(bool(shown))
        if len(shown) != len(self.explained) or self._quiet_shown:
            self._quiet_shown = len(shown) != len(self.explained)
            current = self.flow.currentRow()
            with QSignalBlocker(self.flow):
                self.flow.set_cards(self._cards())  # the card's red follows too
                self.flow.setCurrentRow(current)
        name_problems = [p.reason for p in self.problems if p.place == "name"]
        error = self.workflow_panel.name_error
        error.setText("; ".join(name_problems))
        error.setVisible(bool(name_problems))
        reason = self.run_blocked_reason()
        self.run_reason.setText(reason)
        self.run_reason.setToolTip(reason)
        self.run_reason.setVisible(bool(reason))
        every = "\n".join(f"• {e.sentence}" for e in self.explained)
        for button in (self.test_button, self.run_now_button, self.schedule_button):
            button.setEnabled(not self.problems)
            button.setToolTip(f"{reason}\n{every}" if reason else "")

    def run_blocked_reason(self) -> str:
        """Why Test run / Run now / Schedule… are grey, in one line: the required inputs
        of the first step missing some ("Fill in To, Subject and Body of step 1 first"),
        else the first problem; "" when they can run."""
        if not self.problems:
            return ""
        missing: dict[int, list[str]] = {}
        for problem, said in zip(self.problems, self.explained, strict=True):
            if problem.reason == "required input is missing" and said.step is not None:
                title = said.short.removesuffix(" is required")
                missing.setdefault(said.step, []).append(title)
        if missing:
            step = min(missing)
            titles = missing[step]
            names = (
                titles[0]
                if len(titles) == 1
                else self.tr("{some} and {last}").format(
                    some=", ".join(titles[:-1]), last=titles[-1]
                )
            )
            line = self.tr("Fill in {names} of step {n} first").format(names=names, n=step)
            rest = len(self.problems) - len(titles)
        else:
            line = self.tr("Fix first: {problem}").format(problem=self.explained[0].sentence)
            rest = len(self.problems) - 1
        if rest == 1:
            line += self.tr(" (and 1 more problem)")
        elif rest > 1:
            line += self.tr(" (and {n} more problems)").format(n=rest)
        return line

    # --- the flow's signals -------------------------------------------------------

    @Slot(int)
    def on_flow_current_changed(self, row: int) -> None:
        self._sync_inspector()
        if self.workflow is not None:
            self._show_problems()  # which are kept quiet depends on the step shown

    @Slot(int, int)
    def on_flow_step_moved(self, source: int, target: int) -> None:
        self.move_step_to(source, target)

    @Slot(int)
    def on_flow_remove_requested(self, position: int) -> None:
        self.select_step(position)
        self.on_remove_step_clicked()

    @Slot(int, QPoint)
    def on_flow_insert_requested(self, position: int, where: QPoint) -> None:
        self._insert_at = position
        self.add_step_menu.popup(where)

    @Slot()
    def on_add_step_clicked(self) -> None:
        self._insert_at = None  # at the end
        button = self.add_step_button
        self.add_step_menu.popup(button.mapToGlobal(button.rect().bottomLeft()))

    @Slot(str)
    def on_action_chosen(self, action: str) -> None:
        position, self._insert_at = self._insert_at, None
        self.add_step(action, position)

    @Slot()
    def on_test_clicked(self) -> None:
        self.test_requested.emit()

    @Slot()
    def on_run_now_clicked(self) -> None:
        self.run_requested.emit(True)

    @Slot()
    def on_schedule_clicked(self) -> None:
        self.run_requested.emit(False)


def _parameters_text(parameters: tuple[ParameterDef, ...]) -> str:
    parts = []
    for p in parameters:
        kind = str(p.type) + (", optional" if p.optional else "")
        parts.append(f"‹{p.key}› {kind}")
    return "  ".join(parts)


def _is_preview(result: Any) -> bool:
    return isinstance(result, dict) and result.get(CAPTURED) is True


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        with QSignalBlocker(edit):
            edit.setText(text)


def _set_blocked(widget: Any, setter: str, value: Any) -> None:
    with QSignalBlocker(widget):
        getattr(widget, setter)(value)


__all__ = ["PARAMETERS", "STEP", "StepDef", "WorkflowEditor", "colour_chip"]


class ElidedLabel(QLabel):
    """One line, right-aligned, cut with "…" when the room is short (the whole text
    in its tooltip): it takes what the row can spare and never widens the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.drawText(
            self.contentsRect(), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown
        )
