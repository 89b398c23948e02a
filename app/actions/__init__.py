"""Step types, one module per family, each listing its specs; `registry` collects them."""

from app.actions.registry import ActionSpec, InputSpec, actions, get

__all__ = ["ActionSpec", "InputSpec", "actions", "get"]
