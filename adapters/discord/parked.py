"""Forms in progress, kept in memory between the steps Discord splits them into.

A modal holds five inputs and a modal's answer cannot open another modal, so a longer form is
filled in parts with a "Continue" button between them, and a form the core sends back with
errors reopens from a "Fix my answers" button. Between those steps the form and the answers so
far wait here, under a random token, for an hour at most. Nothing here is ever logged.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.kernel.replies import Form

LIFETIME_SECONDS = 3600.0
CAPACITY = 2000


@dataclass
class ParkedForm:
    """A form one person is filling in.

    Attributes:
        next_part: the part (from 0) the next modal shows.
        workspace: the server whose network the form belongs to (DMs have none of their own).
    """

    form: Form
    user_id: str
    workspace: str
    values: dict[str, str] = field(default_factory=dict)
    next_part: int = 0
    parked_at: float = 0.0


class ParkedForms:
    """A bounded, expiring map from token to form in progress."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._forms: OrderedDict[str, ParkedForm] = OrderedDict()

    def park(self, parked: ParkedForm, token: str | None = None) -> str:
        """Keep `parked` (again, under `token`, or under a new token); returns the token."""
        token = token or secrets.token_urlsafe(9)
        parked.parked_at = self._clock()
        self._forms[token] = parked
        self._forms.move_to_end(token)
        while len(self._forms) > CAPACITY:
            self._forms.popitem(last=False)
        return token

    def get(self, token: str, user_id: str) -> ParkedForm | None:
        """The form under `token` if it is this person's and has not expired."""
        parked = self._forms.get(token)
        if parked is None or parked.user_id != user_id:
            return None
        if self._clock() - parked.parked_at > LIFETIME_SECONDS:
            del self._forms[token]
            return None
        return parked

    def drop(self, token: str) -> None:
        self._forms.pop(token, None)
