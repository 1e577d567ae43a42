"""Slack's side of the OAuth install, for the fake Slack (`fake_slack.FakeSlack.oauth`): `grant`
gives the code Slack would hand the installer's browser, `oauth.v2.access` exchanges it (once)
for a bot token of that workspace — with a refresh token when rotation is on, and refreshes
those — `auth.test` answers for the workspace of a token it gave, and `revoke` makes a
workspace's tokens refused as Slack does once it uninstalls."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

TEAM = "T0SCHOOLS"
BOT_USER = "U0STAFFBOT"


def bot_user_of(team: str) -> str:
    return BOT_USER if team == TEAM else f"U0BOT{team}"


@dataclass
class FakeOAuth:
    teams_by_token: dict[str, str] = field(default_factory=dict)
    codes: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, int]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._numbers = itertools.count(1)

    def grant(self, team: str, *, expires_in: int | None = None) -> str:
        """The code Slack gives an installer's browser for `team` (with rotating tokens when
        `expires_in` is set)."""
        code = f"code-{team}-{next(self._numbers)}"
        self.codes[code] = (team, expires_in)
        return code

    def tokens_of(self, team: str) -> list[str]:
        """The bot tokens `oauth.v2.access` handed out for `team`, oldest first."""
        return [token for token, owner in self.teams_by_token.items() if owner == team]

    def revoke(self, team: str) -> None:
        """Refuse every token of `team` from now on, as Slack does once it uninstalls."""
        self.revoked.update(self.tokens_of(team))

    def revoke_token(self, token: str) -> None:
        """Refuse one token from now on (Slack voids the old one when a workspace reinstalls)."""
        self.revoked.add(token)

    def refusal(self, method: str, params: dict[str, Any]) -> str | None:
        """The error Slack answers this call with, if it refuses it."""
        if params["_token"] in self.revoked:
            return "token_revoked"
        if method == "oauth.v2.access":
            if params.get("grant_type") == "refresh_token":
                known = params.get("refresh_token") in self.refresh_tokens
                return None if known else "invalid_refresh_token"
            return None if params.get("code") in self.codes else "invalid_code"
        return None

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """Slack's answer to `oauth.v2.access`, or `auth.test` with a token it gave; else None."""
        if method == "auth.test" and params["_token"] in self.teams_by_token:
            team = self.teams_by_token[params["_token"]]
            bot_id = "B0STAFFBOT" if team == TEAM else f"B0BOT{team}"
            return {"team_id": team, "user_id": bot_user_of(team), "bot_id": bot_id, "team": team}
        if method != "oauth.v2.access":
            return None
        if params.get("grant_type") == "refresh_token":
            team, expires_in = self.refresh_tokens.pop(params["refresh_token"])
            return self._token_for(team, expires_in)
        team, lifetime = self.codes.pop(params["code"])  # a code works once
        return {
            **self._token_for(team, lifetime),
            "scope": "commands,chat:write",
            "bot_user_id": bot_user_of(team),
            "app_id": "A0STAFFROOM",
            "team": {"id": team, "name": f"Workspace {team}"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALLER"},
        }

    def _token_for(self, team: str, expires_in: int | None) -> dict[str, Any]:
        token = f"xoxb-{team}-{next(self._numbers)}"
        self.teams_by_token[token] = team
        answer: dict[str, Any] = {"access_token": token, "token_type": "bot"}
        if expires_in is not None:
            refresh = f"xoxe-1-{team}-{next(self._numbers)}"
            self.refresh_tokens[refresh] = (team, expires_in)
            answer |= {"refresh_token": refresh, "expires_in": expires_in}
        return answer
