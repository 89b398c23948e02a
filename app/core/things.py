"""Things as expressions see them: fields as attributes, plus `id`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from app.core.definitions import DataTypeDef
from app.core.types import ValueType
from app.errors import NotFound


class ThingLoader(Protocol):
    """Loads referenced things on demand (a thing field holds an ID)."""

    def load(self, thing_id: str) -> ThingView | None: ...


class ResolvingLoader:
    """A loader's `resolve`: a thing of a given type by ID, or NotFound."""

    def load(self, thing_id: str) -> ThingView | None:
        raise NotImplementedError

    def resolve(self, type_name: str, thing_id: str) -> ThingView:
        thing = self.load(thing_id)
        if thing is None or thing.type_name != type_name:
            raise NotFound(f"no {type_name} with ID '{thing_id}'")
        return thing


class ThingView:
    """A read-only view of one thing. A field hidden by privacy reads as none."""

    __slots__ = ("_data", "_hidden", "_loader", "data_type", "id")

    def __init__(
        self,
        data_type: DataTypeDef,
        thing_id: str,
        data: Mapping[str, Any],
        loader: ThingLoader | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.data_type = data_type
        self.id = thing_id
        self._data = data
        self._loader = loader
        self._hidden = hidden

    def with_loader(self, loader: ThingLoader) -> ThingView:
        """The same thing, loading references through `loader` (e.g. after its session ended)."""
        return ThingView(self.data_type, self.id, self._data, loader, self._hidden)

    @property
    def type_name(self) -> str:
        return self.data_type.name

    @property
    def raw(self) -> Mapping[str, Any]:
        """The stored JSON-safe field values (admin view, no privacy applied)."""
        return self._data

    def field_value(self, name: str) -> Any:
        """A field's value as a run may see it (none when hidden); AttributeError if no field.

        Expressions read things only through this and `id` (see
        core.expressions), never through the Python attributes of the view.
        """
        field = self.data_type.field(name) if isinstance(name, str) else None
        if field is None:
            raise AttributeError(f"{self.type_name} has no field '{name}'")
        if name in self._hidden:
            return None
        return self._decode(field.type, self._data.get(name))

    def __getattr__(self, name: str) -> Any:
        return self.field_value(name)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.field_value(name)
        except AttributeError:
            raise KeyError(name) from None

    # Not a sequence: iterating a thing must not go through __getitem__(0), (1), …
    __iter__ = None

    def _decode(self, vtype: ValueType, raw: Any) -> Any:
        if raw is None:
            return [] if vtype.is_list else None
        if vtype.is_list:
            return [self._decode(vtype.item, item) for item in raw]
        if vtype.base == "date":
            return datetime.fromisoformat(raw)
        if vtype.is_thing:
            return self._loader.load(raw) if self._loader else raw
        return raw

    def fields(self) -> dict[str, Any]:
        """Every visible field, decoded."""
        return {f.name: getattr(self, f.name) for f in self.data_type.fields}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ThingView):
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"<{self.type_name} {self.id}>"
