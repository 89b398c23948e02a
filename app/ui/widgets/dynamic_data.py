"""The "Insert dynamic data" button beside an expression input.

Its menu offers what is in scope for the step (from `app.engine.dynamic_data`):
parameters and their fields, results of earlier steps, the current user,
now, searches, each one click away; then, in a submenu of their own, the
operators that fit each one's type. Choosing inserts
a complete token (`{{ user.email }}`, or a bare expression in a condition)
at the cursor and commits the input, as finishing typing does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, Signal, Slot
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QLineEdit, QMenu, QToolButton, QWidget

from app.core.definitions import DataTypeDef, WorkflowDef
from app.engine.condition_words import describe, name_types
from app.engine.dynamic_data import DataEntry, DataGroup, token
from app.ui.widgets.expression_edit import LongTextEdit

FLAT_FIELDS = 8  # parameters with this many fields or fewer list them at the top
TIP_LIMIT = 2000  # a tooltip shows at most this much of a condition
TECHNICAL_GROUPS = ("Search",)  # groups offered under More, not at the top


def is_technical(entry: DataEntry) -> bool:
    """IDs (a thing's, the run's, the current user's): rarely what a beginner wants in
    an email, so they wait under More instead of leading the menu."""
    expression = entry.expression
    return expression == "run.id" or expression.endswith(".id") or ".id " in expression


class LeftwardMenu(QMenu):
    """A menu that opens below its button, its right edge on the button's right edge
    (the Insert data buttons sit at the window's right), kept inside the screen."""

    def __init__(self, anchor: QWidget) -> None:
        super().__init__(anchor)
        self.anchor = anchor

    def showEvent(self, event: QShowEvent) -> None:
        """Placed here, once its size is known (Qt opens it rightwards otherwise)."""
        super().showEvent(event)
        anchor = self.anchor
        corner = anchor.mapToGlobal(QPoint(anchor.width(), anchor.height()))
        size = self.sizeHint()
        screen = anchor.screen().availableGeometry()
        x = min(max(corner.x() - size.width(), screen.left()), screen.right() - size.width())
        y = corner.y()
        if y + size.height() > screen.bottom():  # no room below: above the button
            y = max(screen.top(), anchor.mapToGlobal(QPoint(0, 0)).y() - size.height())
        self.move(x, y)


class DynamicDataButton(QToolButton):
    """Opens the dynamic-data menu for one input and inserts what is chosen."""

    inserted = Signal(str)

    def __init__(
        self,
        target: QLineEdit | LongTextEdit | Callable[[str], None],
        kind: str,
        condition: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.target = target
        self.kind = kind  # the input's kind: only what fits it is offered
        self.condition = condition
        self.groups: list[DataGroup] = []
        self.setText(self.tr("Insert data"))
        self.setToolTip(
            self.tr(
                "Insert dynamic data: a parameter, the result of an earlier step, "
                "the current user, now …"
            )
        )
        self.setAccessibleName(self.tr("Insert dynamic data"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.data_menu = LeftwardMenu(self)
        self.data_menu.setObjectName("dynamicDataMenu")
        self.data_menu.aboutToShow.connect(self.on_menu_about_to_show)
        self.setMenu(self.data_menu)

    def set_groups(self, groups: list[DataGroup]) -> None:
        self.groups = groups

    @Slot()
    def on_menu_about_to_show(self) -> None:
        self.build_menu()

    def build_menu(self) -> QMenu:
        """(Re)fill the menu from the groups; returned for tests and callers.

        A value is one click where it is listed (a parameter at the top, a field
        in its parameter's submenu, or at the top too when the parameters have
        few fields); what changes or tests it ("… in capitals",
        "… + 1 day") waits in a "Change a value" submenu at the end, so the common
        case stays two or three clicks. A condition lists its tests in place."""
        self.data_menu.clear()
        more: list[tuple[str, list[tuple[str, str]]]] = []
        technical: list[tuple[str, list[DataEntry]]] = []  # IDs and searches: under More
        for group in self.groups:
            entries = [e for e in group.entries if e.offers(self.kind, condition=self.condition)]
            later = [e for e in entries if is_technical(e) or group.title in TECHNICAL_GROUPS]
            entries = [e for e in entries if e not in later]
            if later:
                technical.append((group.title, later))
            if not entries:
                continue
            self.data_menu.addSection(self.tr(group.title))
            flat = sum(len(self._fitting_fields(e)) for e in entries) <= FLAT_FIELDS
            for entry in entries:
                fields = self._fitting_fields(entry)
                if flat and fields and group is self.groups[0]:
                    # Few parameters' fields: each is one click from the top (not IDs).
                    ids = [f for f in fields if is_technical(f)]
                    if ids:
                        technical.append((group.title, ids))
                    more += self._add_flat(
                        self.data_menu, entry, [f for f in fields if f not in ids]
                    )
                else:
                    more += self._add_entry(self.data_menu, entry)
        if technical:
            self.data_menu.addSeparator()
            holder = self.data_menu.addMenu(self.tr("More (IDs, searches)"))
            holder.menuAction().setObjectName("moreData")
            for title, entries in technical:
                holder.addSection(self.tr(title))
                for entry in entries:
                    more += self._add_entry(holder, entry)
        self._add_more(self.data_menu, more)
        if self.data_menu.isEmpty():
            none = self.data_menu.addAction(self.tr("Nothing here fits this input"))
            none.setEnabled(False)
        return self.data_menu

    def _fitting_fields(self, entry: DataEntry) -> list[DataEntry]:
        return [f for f in entry.fields if f.offers(self.kind, condition=self.condition)]

    def _add_flat(
        self, menu: QMenu, entry: DataEntry, fields: list[DataEntry]
    ) -> list[tuple[str, list[tuple[str, str]]]]:
        """A parameter and its fields straight in `menu` (nested things stay submenus)."""
        choices = entry.choices(self.kind, condition=self.condition)
        more: list[tuple[str, list[tuple[str, str]]]] = []
        for label, expression in choices:
            if expression == entry.expression:
                self._add_token(menu, label, expression)
        changed = [c for c in choices if c[1] != entry.expression]
        if changed:
            more.append((entry.label, changed))
        for field in fields:
            more += self._add_entry(menu, field)
        return more

    def _add_entry(self, menu: QMenu, entry: DataEntry) -> list[tuple[str, list[tuple[str, str]]]]:
        """Add `entry` (and its fields) to `menu`; return what changes it, for later."""
        choices = entry.choices(self.kind, condition=self.condition)
        plain = [c for c in choices if c[1] == entry.expression]
        changed = [c for c in choices if c[1] != entry.expression]
        fields = [f for f in entry.fields if f.offers(self.kind, condition=self.condition)]
        if not fields and (self.condition or not plain):
            if len(choices) == 1:
                self._add_token(menu, *choices[0])
            elif choices:  # e.g. a list in a text input: its count, its first item …
                sub = menu.addMenu(entry.label)
                for label, expression in choices:
                    self._add_token(sub, label, expression)
            return []
        if not fields:
            self._add_token(menu, *plain[0])
            return [(entry.label, changed)] if changed else []
        sub = menu.addMenu(entry.label)
        for label, expression in plain:
            self._add_token(sub, label, expression)
        more = [(entry.label, changed)] if changed else []
        if plain:
            sub.addSeparator()
        for field in sorted(fields, key=is_technical):  # IDs last
            more += self._add_entry(sub, field)
        self._add_more(sub, more)
        return []

    def _add_more(self, menu: QMenu, more: list[tuple[str, list[tuple[str, str]]]]) -> None:
        if not more:
            return
        menu.addSeparator()
        holder = menu.addMenu(self.tr("Change a value (capitals, + days, formats …)"))
        holder.menuAction().setObjectName("changeAValue")
        for label, choices in more:
            sub = holder.addMenu(label)
            for choice_label, expression in choices:
                self._add_token(sub, choice_label, expression)

    def _add_token(self, menu: QMenu, label: str, expression: str) -> None:
        action = QAction(label, menu)
        action.setData(token(expression, condition=self.condition))
        action.triggered.connect(lambda _=False, a=action: self.insert(str(a.data())))
        menu.addAction(action)

    def insert(self, text: str) -> None:
        """Insert `text` at the cursor (a condition gets `and` before it) and commit."""
        target = self.target
        if not isinstance(target, QWidget):
            target(text)  # e.g. a mapping's selected value
            self.inserted.emit(text)
            return
        if isinstance(target, LongTextEdit):
            target.insertPlainText(text)
            target.editing_finished.emit()
        else:
            before = target.text()[: target.cursorPosition()]
            if self.condition and before.strip() and not before.rstrip().endswith(("and", "or")):
                text = " and " + text
            target.insert(text)
            target.editingFinished.emit()
        target.setFocus()
        self.inserted.emit(text)


def menu_actions(menu: QMenu) -> list[QAction]:
    """Every action of a menu and its submenus (depth first)."""
    out: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            out += menu_actions(sub)
        elif not action.isSeparator() and action.data() is not None:
            out.append(action)
    return out


@dataclass(frozen=True)
class OnlyWhenBadge:
    """A step card's "only when …" badge: its words, and the condition as written."""

    text: str
    tip: str


def only_when_badge(
    condition: str | None,
    workflow: WorkflowDef,
    data_types: Mapping[str, DataTypeDef],
    before_step: int,
) -> OnlyWhenBadge:
    """ "only when Result of step 1 is empty"; a condition with no words reads "only
    when a condition holds", the condition itself in the tooltip (never guessed)."""
    if not condition:
        return OnlyWhenBadge("", "")
    words = describe(condition, name_types(workflow, data_types, before_step), data_types)
    tip = QCoreApplication.translate("OnlyWhen", "Only when: {condition}").format(
        condition=condition if len(condition) <= TIP_LIMIT else condition[:TIP_LIMIT] + "…"
    )
    if words is None:
        return OnlyWhenBadge(
            QCoreApplication.translate("OnlyWhen", "only when a condition holds"), tip
        )
    text = QCoreApplication.translate("OnlyWhen", "only when {condition}").format(condition=words)
    return OnlyWhenBadge(text, tip)
