"""The menu of actions a step can do: a search field, then the actions grouped
by family with their icons (from each ActionSpec's `family` and `icon`).

Choosing one emits `chosen` with the action's name; the menu does not know
where the step goes (the editor remembers which "+" opened it).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget, QWidgetAction

from app.actions import registry
from app.ui.action_words import action_words
from app.ui.widgets.flow_style import FAMILIES, action_icon, family_title


class _SearchEdit(QLineEdit):
    """Down / Enter go to the first action shown, so the keyboard alone chooses."""

    def __init__(self, menu: ActionMenu) -> None:
        super().__init__(menu)
        self.menu = menu

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shown = self.menu.shown_actions()
            if shown:
                shown[0].trigger()
                self.menu.close()
            return
        if event.key() == Qt.Key.Key_Down:
            shown = self.menu.shown_actions()
            if shown:
                self.menu.setActiveAction(shown[0])
                self.menu.setFocus()
            return
        super().keyPressEvent(event)


class ActionMenu(QMenu):
    """Every action, grouped by family, with a search field on top."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addStepMenu")
        self.search = _SearchEdit(self)
        self.search.setObjectName("actionSearch")
        self.search.setPlaceholderText(self.tr("Search actions…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self.on_search_changed)
        search_action = QWidgetAction(self)
        search_action.setDefaultWidget(self.search)
        self.addAction(search_action)
        self.sections: dict[str, QAction] = {}
        self.actions_by_family: dict[str, list[QAction]] = {}
        specs = registry.actions().values()
        for family in FAMILIES:
            members = sorted((s for s in specs if s.family == family), key=lambda s: s.label)
            if not members:
                continue
            self.sections[family] = self.addSection(family_title(family))
            for spec in members:
                icon = action_icon(spec.icon, spec.family)
                action = QAction(icon, action_words(spec.label), self)
                action.setObjectName(f"addStep_{spec.name}")
                action.setData(spec.name)
                action.setToolTip(action_words(spec.result) if spec.result else "")
                action.triggered.connect(lambda _=False, name=spec.name: self.chosen.emit(name))
                self.addAction(action)
                self.actions_by_family.setdefault(family, []).append(action)

    def shown_actions(self) -> list[QAction]:
        return [a for family in self.actions_by_family.values() for a in family if a.isVisible()]

    @Slot(str)
    def on_search_changed(self, text: str) -> None:
        """Show the actions whose label, name or family holds every typed word."""
        words = text.lower().split()
        for family, members in self.actions_by_family.items():
            any_shown = False
            for action in members:
                haystack = f"{action.text()} {action.data()} {family_title(family)}".lower()
                shown = all(word in haystack for word in words)
                action.setVisible(shown)
                any_shown = any_shown or shown
            self.sections[family].setVisible(any_shown)

    def popup(self, pos: QPoint, at: QAction | None = None) -> None:
        """Open at `pos`, moved up (or left) so the whole list, *Other* included,
        stays inside the window it belongs to — or the screen, if the window is
        shorter than the list."""
        self.search.clear()  # the whole list: its full height
        size = self.sizeHint()
        owner = self.parentWidget()
        screen = QGuiApplication.screenAt(pos) or QGuiApplication.primaryScreen()
        bounds = screen.availableGeometry() if screen is not None else QRect()
        if owner is not None:
            window = owner.window().frameGeometry()
            if window.height() >= size.height() and window.width() >= size.width():
                bounds = window if bounds.isNull() else window.intersected(bounds)
        if not bounds.isNull():
            x = max(bounds.left(), min(pos.x(), bounds.right() + 1 - size.width()))
            y = max(bounds.top(), min(pos.y(), bounds.bottom() + 1 - size.height()))
            pos = QPoint(x, y)
        super().popup(pos, at)

    def showEvent(self, event: QShowEvent) -> None:
        self.search.clear()
        super().showEvent(event)
        self.search.setFocus()
