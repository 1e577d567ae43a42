"""The deployment files parse, reference only settings that exist (read from the pydantic
model, so a renamed setting breaks this test), probe the health server where it listens, and
upgrade the schema before the bot starts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import SlackSettings
from bot.runtime.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# Staffroom's own settings and each platform adapter's.
SETTINGS = {
    name
    for owner in (Settings, SlackSettings, DiscordSettings)
    for names in owner.environment_variables().values()
    for name in names
}


def _kubernetes() -> list[dict[str, Any]]:
    documents = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return documents


def _kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in _kubernetes() if d["kind"] == kind]


def _containers(document: dict[str, Any]) -> list[dict[str, Any]]:
    spec = document["spec"]["template"]["spec"]
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def _env_file(path: Path) -> set[str]:
    return {
        line.split("=", 1)[0].strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


def test_the_settings_know_their_environment_variables() -> None:
    assert {"DATABASE_URL", "STAFFROOM_SECRET", "SLACK_BOT_TOKEN", "DISCORD_TOKEN"} <= SETTINGS
    assert "STAFFROOM_HEALTH_PORT" in SETTINGS and "STAFFROOM_DELIVERY_LEASE" in SETTINGS


def test_compose_upgrades_before_starting_and_uses_real_settings() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["bot"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["bot"]["env_file"] == ".env"
    for name in ("migrate", "bot"):
        assert set(services[name].get("environment", {})) <= SETTINGS
    assert _env_file(DEPLOY / ".env.example") <= SETTINGS
    assert set(compose["volumes"]) == {"postgres-data"}


def _named(kind: str, name: str) -> dict[str, Any]:
    [found] = [d for d in _kind(kind) if d["metadata"]["name"] == name]
    return found


def _sources(container: dict[str, Any]) -> set[str]:
    return {next(iter(source.values()))["name"] for source in container.get("envFrom", [])}


def test_kubernetes_manifests_reference_only_settings() -> None:
    [config] = _kind("ConfigMap")
    assert set(config["data"]) <= SETTINGS
    for secret in _kind("Secret"):
        assert set(secret["stringData"]) <= SETTINGS
    for workload in _kind("Deployment") + _kind("Job"):
        for container in _containers(workload):
            assert {item["name"] for item in container.get("env", [])} <= SETTINGS
            assert _sources(container) <= {"staffroom", "staffroom-discord"}


def test_only_one_pod_holds_the_discord_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes on one Discord shard would each answer every interaction: the replicated
    Slack Deployment never gets the token; the Discord one runs exactly one pod, replaced
    rather than rolled (a rolling update runs two side by side)."""
    assert "DISCORD_TOKEN" not in _named("Secret", "staffroom")["stringData"]
    assert set(_named("Secret", "staffroom-discord")["stringData"]) == {"DISCORD_TOKEN"}
    [slack] = _containers(_named("Deployment", "staffroom"))
    assert "staffroom-discord" not in _sources(slack)
    discord = _named("Deployment", "staffroom-discord")
    assert discord["spec"]["replicas"] == 1
    assert discord["spec"]["strategy"] == {"type": "Recreate"}
    [container] = _containers(discord)
    assert "staffroom-discord" in _sources(container)
    blanked = {item["name"]: item["value"] for item in container["env"]}
    # Every Slack credential the shared Secret may carry, or the Discord pod would start Slack
    # too (or refuse to start, with half of an OAuth install's settings).
    slack_credentials = (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
    )
    assert blanked == dict.fromkeys(slack_credentials, "")
    for name, value in blanked.items():
        monkeypatch.setenv(name, value)
    slack_settings = SlackSettings(_env_file=None)
    assert slack_settings.bot_token is None and slack_settings.signing_secret is None
    assert not slack_settings.configured()


def test_kubernetes_probes_hit_the_health_server_and_the_schema_is_upgraded_first() -> None:
    [config] = _kind("ConfigMap")
    deployment = _named("Deployment", "staffroom")
    [container] = _containers(deployment)
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports["health"] == int(config["data"]["STAFFROOM_HEALTH_PORT"])
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
    [job] = _kind("Job")
    assert _containers(job)[0]["args"] == ["db", "upgrade"]
    assert _containers(job)[0]["image"] == container["image"]
    [service] = _kind("Service")
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= set(ports)
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("unit", ["staffroom.service", "staffroom-backup.service"])
def test_systemd_units_use_real_settings(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    assigned = set(re.findall(r"^Environment=([A-Z_]+)=", text, re.MULTILINE))
    assert assigned and assigned <= SETTINGS
    if unit == "staffroom.service":
        assert text.index("ExecStartPre=/opt/staffroom/bin/staffroom db upgrade") < text.index(
            "ExecStart=/opt/staffroom/bin/staffroom run"
        )


def test_the_image_runs_as_a_user_and_checks_its_health() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER staffroom$", text, re.MULTILINE)
    assert "HEALTHCHECK" in text and "/healthz" in text and "STAFFROOM_HEALTH_PORT" in text
    assert text.count("FROM ") == 2  # build stage, runtime stage
