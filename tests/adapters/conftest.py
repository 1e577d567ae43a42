"""Fixtures shared by the tests that run more than one adapter (`test_readiness.py`): the
fake Slack and the Slack settings, as the Slack tests define them."""

from tests.adapters.slack.conftest import fake_slack, slack_settings

__all__ = ["fake_slack", "slack_settings"]
