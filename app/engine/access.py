"""How a run sees data: through the privacy rules of its `run_as` user,
unless privacy rules are ignored (PRODUCT §1)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from app.core.privacy import Grant, grant_for
from app.core.things import ResolvingLoader, ThingLoader, ThingView
from app.errors import NotFound, StepFailed


class RunAccess(ResolvingLoader):
    """A ThingLoader that applies privacy rules to everything a run loads."""

    def __init__(self, base: ThingLoader, current_user: ThingView | None, ignore: bool) -> None:
        self.base = base
        self.current_user = current_user  # the rules read it whole; expressions get user_view()
        self.ignore = ignore

    def grant(self, thing: ThingView) -> Grant | None:
        """None when privacy does not apply (ignored, or an open data type)."""
        if self.ignore or thing.data_type.privacy.is_open:
            return None
        return grant_for(thing.data_type, thing.with_loader(self.base), self.current_user)

    def view(self, thing: ThingView) -> ThingView:
        return self._view(thing, self.grant(thing))

    def _view(self, thing: ThingView, grant: Grant | None) -> ThingView:
        hidden = grant.hidden(thing.data_type) if grant else frozenset()
        return ThingView(thing.data_type, thing.id, thing.raw, self, hidden)

    def user_view(self) -> ThingView | None:
        """The run's user as its expressions see it: through the rules, like any thing."""
        return self.view(self.current_user) if self.current_user is not None else None

    def found(self, things: Iterable[ThingView], constrained: Collection[str]) -> list[ThingView]:
        """What a search may return: things the run may find, and only where it may
        view every field the search constrains (a constraint on a hidden field
        matches nothing, so a hidden value cannot be confirmed by guessing)."""
        out = []
        for thing in things:
            grant = self.grant(thing)
            if grant is not None and (not grant.find or not grant.view.issuperset(constrained)):
                continue
            out.append(self._view(thing, grant))
        return out

    def load(self, thing_id: str) -> ThingView | None:
        thing = self.base.load(thing_id)
        return self.view(thing) if thing is not None else None

    def check(self, thing_id: str, what: str) -> None:
        """Raise StepFailed unless the run may `modify` or `delete` this thing."""
        if self.ignore:
            return
        thing = self.base.load(thing_id)
        if thing is None:
            raise NotFound(f"no thing with ID '{thing_id}'")
        self.check_thing(thing, what)

    def check_thing(self, thing: ThingView, what: str) -> None:
        """check() for a thing the caller has just loaded (no second read)."""
        if self.ignore:
            return
        grant = self.grant(thing)
        if grant is not None and not getattr(grant, what):
            who = (
                f"{self.current_user.type_name} {self.current_user.id}"
                if self.current_user
                else "a run with no current user"
            )
            raise StepFailed(f"privacy rules do not let {who} {what} {thing.type_name} {thing.id}")

    def describe(self) -> dict[str, Any]:
        return {
            "run_as": self.current_user.id if self.current_user else None,
            "ignore_privacy": self.ignore,
        }
