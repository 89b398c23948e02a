"""The privacy rules of one data type: named rules, each a condition and a grant.

Edits change a working copy; Save checks every condition and writes the data
type through the data service. The window itself always sees everything
(the owner's admin view); these rules govern what runs see.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import expressions
from app.core.definitions import DataTypeDef, Privacy, PrivacyRule
from app.engine.condition_words import describe
from app.engine.data import DataService
from app.engine.validation import check_fields
from app.errors import CueflowError
from app.ui.widgets.expression_edit import ExpressionLineEdit, scope_words
from app.ui.widgets.panes import list_pane

ERROR_STYLE = "color: #b91c1c;"
CONDITION_NAMES = frozenset({"thing", "current_user"})
VIEW_ALL, VIEW_LISTED, VIEW_NONE = range(3)


class GrantEditor(QWidget):
    """View (all, listed fields, nothing), find, modify and delete of one rule."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        views = QGridLayout()  # two a row: the Data area fits a 900-pixel window
        self.view_group = QButtonGroup(self)
        self.view_all = QRadioButton(self.tr("View all fields"), self)
        self.view_listed = QRadioButton(self.tr("View only these fields:"), self)
        self.view_none = QRadioButton(self.tr("View no fields"), self)
        for number, button in enumerate((self.view_all, self.view_listed, self.view_none)):
            self.view_group.addButton(button, number)
        views.addWidget(self.view_all, 0, 0)
        views.addWidget(self.view_none, 0, 1)
        views.addWidget(self.view_listed, 1, 0, 1, 2)
        views.setColumnStretch(2, 1)
        layout.addLayout(views)
        self.fields = QListWidget(self)
        self.fields.setObjectName("grantFields")
        self.fields.setFlow(QListWidget.Flow.LeftToRight)
        self.fields.setWrapping(True)
        self.fields.setFixedHeight(58)
        layout.addWidget(self.fields)
        checks = QHBoxLayout()
        self.find_check = QCheckBox(self.tr("Find in searches"), self)
        self.modify_check = QCheckBox(self.tr("Modify"), self)
        self.delete_check = QCheckBox(self.tr("Delete"), self)
        for check in (self.find_check, self.modify_check, self.delete_check):
            checks.addWidget(check)
            check.toggled.connect(self.on_part_changed)
        checks.addStretch(1)
        layout.addLayout(checks)
        self.view_group.idToggled.connect(self.on_view_toggled)
        self.fields.itemChanged.connect(self.on_part_changed)
        self.view_all.setChecked(True)

    def set_grant(self, rule: PrivacyRule, field_names: list[str]) -> None:
        with QSignalBlocker(self.view_group), QSignalBlocker(self.fields):
            listed = set(rule.view) if not isinstance(rule.view, str) else set()
            self.fields.clear()
            for name in field_names:
                item = QListWidgetItem(name, self.fields)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if name in listed else Qt.CheckState.Unchecked
                )
            button = {"all": self.view_all, "none": self.view_none}.get(
                rule.view if isinstance(rule.view, str) else "", self.view_listed
            )
            button.setChecked(True)
        for check, value in (
            (self.find_check, rule.find),
            (self.modify_check, rule.modify),
            (self.delete_check, rule.delete),
        ):
            with QSignalBlocker(check):
                check.setChecked(value)
        self.fields.setEnabled(self.view_listed.isChecked())

    def view(self) -> str | tuple[str, ...]:
        if self.view_all.isChecked():
            return "all"
        if self.view_none.isChecked():
            return "none"
        return tuple(
            self.fields.item(i).text()
            for i in range(self.fields.count())
            if self.fields.item(i).checkState() == Qt.CheckState.Checked
        )

    def apply_to(self, rule: PrivacyRule) -> PrivacyRule:
        return dataclasses.replace(
            rule,
            view=self.view(),
            find=self.find_check.isChecked(),
            modify=self.modify_check.isChecked(),
            delete=self.delete_check.isChecked(),
        )

    @Slot(int, bool)
    def on_view_toggled(self, button_id: int, checked: bool) -> None:
        if checked:
            self.fields.setEnabled(button_id == VIEW_LISTED)
            self.changed.emit()

    @Slot()
    def on_part_changed(self) -> None:
        self.changed.emit()


def describe_grant(rule: PrivacyRule) -> str:
    """`view all · find · modify` for the rules list."""
    if rule.view == "all":
        view = "view all"
    elif rule.view == "none" or not rule.view:
        view = "view nothing"
    else:
        view = "view " + ", ".join(rule.view)
    rights = [
        name
        for name, allowed in (("find", rule.find), ("modify", rule.modify), ("delete", rule.delete))
        if allowed
    ]
    return " · ".join([view, *rights])


class PrivacyEditor(QWidget):
    """Rules on the left, the selected rule and "everyone else" on the right."""

    saved = Signal(str)  # the data type's name
    status_message = Signal(str)

    def __init__(self, data_service: DataService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_service = data_service
        self.definition: DataTypeDef | None = None
        self.rules: list[PrivacyRule] = []
        self.dirty = False
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("privacySummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)

        left, rules_label, self.rule_list, buttons = list_pane(
            splitter,
            self.tr("Rules"),
            "privacyRuleList",
            self.on_rule_list_current_changed,
            [
                (self.tr("Add rule"), "addRuleButton", self.on_add_rule_clicked),
                (self.tr("Remove rule"), "removeRuleButton", self.on_remove_rule_clicked),
            ],
        )
        self.add_rule_button, self.remove_rule_button = buttons
        rules_label.setToolTip(
            self.tr(
                "A thing gets what every rule whose condition holds "
                "grants; when none holds, what everyone else gets."
            )
        )

        right = QWidget(splitter)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.rule_box = QGroupBox(self.tr("Rule"), right)
        form = QFormLayout(self.rule_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_edit = QLineEdit(self.rule_box)
        self.name_edit.setObjectName("ruleName")
        self.name_edit.textEdited.connect(self.on_rule_edited)
        form.addRow(self.tr("Name"), self.name_edit)
        self.condition_edit = ExpressionLineEdit(True, self.rule_box)
        self.condition_edit.setObjectName("ruleCondition")
        self.condition_edit.setPlaceholderText("thing.email == current_user.email")
        self.condition_edit.textChanged.connect(self.on_rule_edited)
        self.condition_error = QLabel(self.rule_box)
        self.condition_error.setObjectName("ruleConditionError")
        self.condition_error.setStyleSheet(ERROR_STYLE)
        self.condition_error.setWordWrap(True)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.condition_words = QLabel(self.rule_box)  # "Reads: thing's email is …"
        self.condition_words.setObjectName("ruleConditionWords")
        self.condition_words.setStyleSheet("color: palette(placeholder-text);")
        self.condition_words.setWordWrap(True)
        column.addWidget(self.condition_edit)
        column.addWidget(self.condition_words)
        column.addWidget(self.condition_error)
        form.addRow(self.tr("When"), column)
        self.rule_grant = GrantEditor(self.rule_box)
        self.rule_grant.setObjectName("ruleGrant")
        self.rule_grant.changed.connect(self.on_rule_edited)
        form.addRow(self.tr("Grants"), self.rule_grant)
        right_layout.addWidget(self.rule_box)

        self.others_box = QGroupBox(self.tr("Everyone else (when no rule matches)"), right)
        others_layout = QVBoxLayout(self.others_box)
        self.others_enabled = QCheckBox(self.tr("Give everyone else some access"), self.others_box)
        self.others_enabled.setObjectName("everyoneElseEnabled")
        self.others_enabled.toggled.connect(self.on_others_toggled)
        others_layout.addWidget(self.others_enabled)
        self.others_grant = GrantEditor(self.others_box)
        self.others_grant.setObjectName("everyoneElseGrant")
        self.others_grant.changed.connect(self.on_others_edited)
        others_layout.addWidget(self.others_grant)
        right_layout.addWidget(self.others_box)
        right_layout.addStretch(1)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 640])
        layout.addWidget(splitter, 1)

        bar = QHBoxLayout()
        self.problem = QLabel(self)
        self.problem.setObjectName("privacyProblem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        bar.addWidget(self.problem, 1)
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setObjectName("revertPrivacyButton")
        self.revert_button.clicked.connect(self.on_revert_clicked)
        bar.addWidget(self.revert_button)
        self.save_button = QPushButton(self.tr("Save privacy rules"), self)
        self.save_button.setObjectName("savePrivacyButton")
        self.save_button.clicked.connect(self.on_save_clicked)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)
        self.set_data_type(None)

    # --- loading ------------------------------------------------------------------

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.definition.fields] if self.definition else []

    def set_data_type(self, definition: DataTypeDef | None) -> None:
        """Show a data type's rules (discarding unsaved edits of another)."""
        self.definition = definition
        privacy = definition.privacy if definition else Privacy()
        self.rules = list(privacy.rules)
        self.condition_edit.set_words(
            scope_words(sorted(CONDITION_NAMES), {"thing": self.field_names})
        )
        other = privacy.everyone_else
        with QSignalBlocker(self.others_enabled):
            self.others_enabled.setChecked(other is not None)
        self.others_grant.set_grant(
            other or PrivacyRule("everyone else", "true", "none"), self.field_names
        )
        self.others_grant.setEnabled(other is not None)
        self._fill_rule_list(0 if self.rules else -1)
        for widget in (self.add_rule_button, self.others_box):
            widget.setEnabled(definition is not None)
        self._set_dirty(False)

    def _fill_rule_list(self, current: int) -> None:
        with QSignalBlocker(self.rule_list):
            self.rule_list.clear()
            for rule in self.rules:
                self.rule_list.addItem(self._rule_text(rule))
        self.rule_list.setCurrentRow(current)
        self.on_rule_list_current_changed(current)

    def _rule_text(self, rule: PrivacyRule) -> str:
        return f"{rule.name or self.tr('(no name)')}\n    {describe_grant(rule)}"

    def privacy(self) -> Privacy:
        """The rules as edited."""
        other = None
        if self.others_enabled.isChecked():
            other = self.others_grant.apply_to(PrivacyRule("everyone else", "true"))
        return Privacy(tuple(self.rules), other)

    # --- checking -----------------------------------------------------------------

    def problems(self) -> list[str]:
        """Every reason the rules cannot be saved, one line each."""
        out = []
        names = [r.name.strip() for r in self.rules]
        for number, rule in enumerate(self.rules, start=1):
            label = rule.name or self.tr("rule {n}").format(n=number)
            if not rule.name.strip():
                out.append(self.tr("Rule {n} needs a name").format(n=number))
            elif names.count(rule.name.strip()) > 1:
                out.append(self.tr("Two rules are called '{name}'").format(name=rule.name))
            for reason in condition_problems(rule.when, self.definition):
                out.append(f"{label}: {reason}")
        return out

    def _show_summary(self) -> None:
        if self.definition is None:
            self.summary.setText(self.tr("Choose a data type."))
        elif not self.rules and not self.others_enabled.isChecked():
            self.summary.setText(
                self.tr(
                    "<b>{type}</b> has no privacy rules: every run may find, read, modify and "
                    "delete its things. Add a rule to restrict that."
                ).format(type=self.definition.name)
            )
        else:
            self.summary.setText(
                self.tr(
                    "Runs see <b>{type}</b> things through these rules for the user they run as "
                    "(unless privacy rules are ignored): a thing gets what every matching rule "
                    "grants, or else what everyone else gets. This window always sees everything."
                ).format(type=self.definition.name)
            )

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        problems = self.problems()
        self.problem.setText(
            problems[0] if problems else (self.tr("Unsaved changes") if dirty else "")
        )
        self.problem.setStyleSheet(ERROR_STYLE if problems else "color: palette(mid);")
        self.save_button.setEnabled(dirty and not problems and self.definition is not None)
        self.revert_button.setEnabled(dirty)
        self._show_summary()

    # --- slots --------------------------------------------------------------------

    @Slot(int)
    def on_rule_list_current_changed(self, row: int) -> None:
        rule = self.rules[row] if 0 <= row < len(self.rules) else None
        self.rule_box.setEnabled(rule is not None)
        self.remove_rule_button.setEnabled(rule is not None)
        with QSignalBlocker(self.name_edit), QSignalBlocker(self.condition_edit):
            self.name_edit.setText(rule.name if rule else "")
            self.condition_edit.setText(rule.when if rule else "")
        self.rule_grant.set_grant(rule or PrivacyRule("", ""), self.field_names)
        self._show_condition_error()

    def _show_condition_error(self) -> None:
        row = self.rule_list.currentRow()
        reasons = (
            condition_problems(self.rules[row].when, self.definition)
            if 0 <= row < len(self.rules)
            else []
        )
        self.condition_error.setText("; ".join(reasons))
        self.condition_error.setVisible(bool(reasons))
        name = self.definition.name if self.definition else ""
        words = (
            None
            if reasons
            else describe(
                self.condition_edit.text(),
                {"thing": name},
                {name: self.definition} if self.definition else None,
            )
        )
        self.condition_words.setText(self.tr("Reads: {words}").format(words=words) if words else "")
        self.condition_words.setVisible(bool(words))
        self.condition_edit.setStyleSheet(
            "QLineEdit { border: 1px solid #dc2626; }" if reasons else ""
        )

    @Slot()
    def on_rule_edited(self) -> None:
        row = self.rule_list.currentRow()
        if not 0 <= row < len(self.rules):
            return
        rule = dataclasses.replace(
            self.rules[row], name=self.name_edit.text(), when=self.condition_edit.text()
        )
        self.rules[row] = self.rule_grant.apply_to(rule)
        self.rule_list.item(row).setText(self._rule_text(self.rules[row]))
        self._show_condition_error()
        self._set_dirty(True)

    @Slot()
    def on_add_rule_clicked(self) -> None:
        taken = {r.name for r in self.rules}
        number = len(self.rules) + 1
        while self.tr("Rule {n}").format(n=number) in taken:
            number += 1
        condition = (
            "thing.email == current_user.email"
            if "email" in self.field_names
            else "thing.id == current_user.id"
        )
        self.rules.append(
            PrivacyRule(self.tr("Rule {n}").format(n=number), condition, "all", find=True)
        )
        self._fill_rule_list(len(self.rules) - 1)
        self._set_dirty(True)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    @Slot()
    def on_remove_rule_clicked(self) -> None:
        row = self.rule_list.currentRow()
        if 0 <= row < len(self.rules):
            del self.rules[row]
            self._fill_rule_list(min(row, len(self.rules) - 1))
            self._set_dirty(True)

    @Slot(bool)
    def on_others_toggled(self, checked: bool) -> None:
        self.others_grant.setEnabled(checked)
        self._set_dirty(True)

    @Slot()
    def on_others_edited(self) -> None:
        self._set_dirty(True)

    @Slot()
    def on_revert_clicked(self) -> None:
        self.set_data_type(self.definition)

    @Slot()
    def on_save_clicked(self) -> None:
        self.save()

    def ask_unsaved(self, can_save: bool, reason: str) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for unsaved rules (tests replace this)."""
        assert self.definition is not None
        text = self.tr("The privacy rules of {type} have unsaved changes.").format(
            type=self.definition.name
        )
        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        if can_save:
            buttons |= QMessageBox.StandardButton.Save
        else:
            text += "\n" + self.tr("They cannot be saved yet: {reason}").format(reason=reason)
        return QMessageBox.question(
            self, self.tr("Unsaved privacy rules"), text, buttons, QMessageBox.StandardButton.Cancel
        )

    def settle(self) -> bool:
        """Before the rules leave the screen: True once nothing unsaved is left.

        Unsaved edits are saved or discarded as the person chooses; Cancel (or
        a save that fails) keeps them on screen and answers False.
        """
        if not self.dirty or self.definition is None:
            return True
        problems = self.problems()
        answer = self.ask_unsaved(not problems, problems[0] if problems else "")
        if answer == QMessageBox.StandardButton.Save and not problems:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.set_data_type(self.definition)
            return True
        return False

    def save(self) -> bool:
        if self.definition is None:
            return False
        problems = self.problems()
        if problems:
            self.problem.setText(problems[0])
            return False
        try:
            definition = self.data_service.save_privacy(self.definition.name, self.privacy())
        except CueflowError as exc:
            self.problem.setText(str(exc))
            return False
        self.definition = definition
        self._set_dirty(False)
        self.status_message.emit(
            self.tr("Saved the privacy rules of {type}").format(type=definition.name)
        )
        self.saved.emit(definition.name)
        return True


def condition_problems(
    source: str,
    definition: DataTypeDef | None = None,
    types: Mapping[str, DataTypeDef] | None = None,
) -> list[str]:
    """Why a rule's condition cannot be used (empty list when it can).

    With `definition`, `thing` is a thing of that type: its fields are checked.
    """
    if not source.strip():
        return ["a condition must be a non-empty expression"]
    reasons = expressions.check(source, CONDITION_NAMES, condition=True)
    if reasons or definition is None:
        return reasons
    known = {**(types or {}), definition.name: definition}
    return check_fields(source, {"thing": definition.name}, known, condition=True)
