"""How a run sees data: through the privacy rules of its `run_as` user,
unless privacy rules are ignored (PRODUCT §1)."""

from __future__ import annotations

from typing import Any

from app.core.privacy import Grant, grant_for
from app.core.things import ResolvingLoader, ThingView
from app.errors import NotFound, StepFailed
from app.storage.catalog import DbThingLoader


class RunAccess(ResolvingLoader):
    """A ThingLoader that applies privacy rules to everything a run loads."""

    def __init__(self, base: DbThingLoader, current_user: ThingView | None, ignore: bool) -> None:
        self.base = base
        self.current_user = current_user
        self.ignore = ignore

    def grant(self, thing: ThingView) -> Grant | None:
        """None when privacy does not apply (ignored, or an open data type)."""
        if self.ignore or thing.data_type.privacy.is_open:
            return None
        return grant_for(thing.data_type, thing.with_loader(self.base), self.current_user)

    def view(self, thing: ThingView) -> ThingView:
        grant = self.grant(thing)
        hidden = grant.hidden(thing.data_type) if grant else frozenset()
        return ThingView(thing.data_type, thing.id, thing.raw, self, hidden)

    def load(self, thing_id: str) -> ThingView | None:
        thing = self.base.load(thing_id)
        return self.view(thing) if thing is not None else None

    def findable(self, thing: ThingView) -> bool:
        grant = self.grant(thing)
        return grant is None or grant.find

    def check(self, thing_id: str, what: str) -> None:
        """Raise StepFailed unless the run may `modify` or `delete` this thing."""
        if self.ignore:
            return
        thing = self.base.load(thing_id)
        if thing is None:
            raise NotFound(f"no thing with ID '{thing_id}'")
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
