"""The deployment files agree with the code: .env.example lists every setting, compose.yaml is
a valid Compose file that migrates before the bot starts, the Dockerfile runs unprivileged with
a health check, and secrets can come from files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from compose_spec import PyCompose

from bot.settings import ENV_PREFIX, Settings, load_settings, variable

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE_FILES = ("compose.yaml", "compose.secrets.yaml")
COMPOSE_ONLY = {"COMPOSE_PROJECT_NAME", "POSTGRES_PASSWORD"}


def compose(name: str) -> dict[str, Any]:
    """The file parsed and validated against the Compose specification (raises if invalid)."""
    return PyCompose.from_yaml((DEPLOY / name).read_text()).to_dict()


def listed() -> set[str]:
    """The variables .env.example names, commented out or not."""
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / ".env.example").read_text(),
                          re.MULTILINE))


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    settings = {variable(field) for field in Settings.model_fields}
    assert settings - listed() == set()
    assert listed() - settings - COMPOSE_ONLY == set()


def test_the_old_env_example_is_gone_so_there_is_one_list() -> None:
    assert not (DEPLOY / "env.example").exists()


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_the_compose_files_are_valid_compose_specification_files(name: str) -> None:
    assert compose(name)["services"]


def test_the_compose_validator_rejects_what_docker_would_reject() -> None:
    broken = (DEPLOY / "compose.yaml").read_text().replace(
        "service_completed_successfully", "service_finished")
    with pytest.raises(ValueError, match="condition"):
        PyCompose.from_yaml(broken)


def test_the_bot_starts_after_the_migration_job_succeeded_and_never_migrates_itself() -> None:
    services = compose("compose.yaml")["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["bot"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"}
    assert services["bot"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["bot"]["environment"]["RETROWALK_MIGRATE_ON_START"] == "false"
    for name in ("bot", "migrate"):
        url = services[name]["environment"]["RETROWALK_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url


def test_postgresql_keeps_its_data_in_a_named_volume_and_reports_its_health() -> None:
    spec = compose("compose.yaml")
    db = spec["services"]["db"]
    volume = db["volumes"][0]
    source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
    assert source in spec["volumes"]
    assert "pg_isready" in str(db["healthcheck"]["test"])


def test_every_service_dependency_and_setting_in_compose_exists() -> None:
    spec = compose("compose.yaml")
    fields = {variable(field) for field in Settings.model_fields}
    for service in spec["services"].values():
        assert set(service.get("depends_on", {})) <= set(spec["services"])
        assert {key for key in service.get("environment", {})
                if key.startswith(ENV_PREFIX)} <= fields


def test_docker_secrets_are_named_like_the_settings_they_fill() -> None:
    spec = compose("compose.secrets.yaml")
    fields = {variable(field).lower() for field in Settings.model_fields}
    assert set(spec["secrets"]) <= fields
    assert spec["services"]["bot"]["secrets"] == list(spec["secrets"])


def test_the_health_port_is_the_one_the_image_exposes_and_compose_publishes() -> None:
    bot = compose("compose.yaml")["services"]["bot"]
    port = bot["environment"]["RETROWALK_HEALTH_PORT"]
    assert any(str(published).endswith(f":{port}") for published in bot["ports"])
    assert re.search(rf"^EXPOSE {port}$", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)


def test_the_image_is_slim_runs_unprivileged_checks_health_and_runs_the_bot() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*healthcheck\.py", dockerfile, re.MULTILINE)
    assert 'ENTRYPOINT ["retrowalk"]' in dockerfile and 'CMD ["run"]' in dockerfile
    assert "-c constraints.txt" in (DEPLOY / "install.sh").read_text()


def test_docker_compose_accepts_the_files_when_it_is_installed(tmp_path: Path) -> None:
    """Docker's own check, where its CLI is here (it needs no daemon). The specification check
    above runs everywhere; this one is extra."""
    command = _docker_compose()
    if command is None:
        pytest.skip("no docker compose on this machine; the specification check ran instead")
    for name in (*COMPOSE_FILES, "Dockerfile", ".env.example"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=abc123\nRETROWALK_TELEGRAM_TOKEN=1:x\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "retrowalk_telegram_token").write_text("1:x")
    checked = subprocess.run([*command, "-f", "compose.yaml", "-f", "compose.secrets.yaml",
                              "config", "--quiet"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def _docker_compose() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) and subprocess.run(
                [*command, "version"], capture_output=True, timeout=30).returncode == 0:
            return command
    return None


def test_a_token_can_come_from_the_secrets_folder_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "retrowalk_telegram_token").write_text("111:from-file\n")
    (tmp_path / "retrowalk_health_port").write_text("9999")
    monkeypatch.setenv("RETROWALK_SECRETS_DIR", str(tmp_path))
    for name in ("RETROWALK_TELEGRAM_TOKEN", "RETROWALK_HEALTH_PORT"):
        monkeypatch.delenv(name, raising=False)
    from_file = load_settings(_env_file=None)
    assert from_file.telegram_secret() == "111:from-file"
    assert from_file.health_port == 9999
    monkeypatch.setenv("RETROWALK_TELEGRAM_TOKEN", "222:from-env")
    assert load_settings(_env_file=None).telegram_secret() == "222:from-env"


def test_the_health_port_is_on_beside_a_platform_and_off_in_the_terminal_by_default() -> None:
    default = Settings(_env_file=None)  # type: ignore[call-arg]
    assert default.health_port_for(platforms=True) == 9464
    assert default.health_port_for(platforms=False) == 0
    off = Settings(_env_file=None, health_port=0)  # type: ignore[call-arg]
    assert off.health_port_for(platforms=True) == 0


def test_a_secrets_folder_that_is_not_there_is_refused_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "jobs"], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, env={**env, "RETROWALK_SECRETS_DIR": str(tmp_path / "missing")})
    assert refused.returncode == 2
    assert refused.stderr.startswith("RETROWALK_SECRETS_DIR can't be used:")
    assert str(tmp_path / "missing") in refused.stderr and refused.stderr.count("\n") == 1
