"""Step types, one module per family, declared in `registry`."""

from app.actions.registry import ActionSpec, InputSpec, actions, get

__all__ = ["ActionSpec", "InputSpec", "actions", "get"]
