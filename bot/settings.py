"""All settings, read once at start from RETROWALK_* environment variables (or a .env file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
DISCORD_API = "https://discord.com/api/v10"
ENV_PREFIX = "RETROWALK_"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Where Docker and Kubernetes mount secrets; read when it exists (one file per setting).
DEFAULT_SECRETS_DIR = Path("/run/secrets")
# The health and metrics port of `retrowalk run` with a platform, unless set (0 turns it off).
DEFAULT_HEALTH_PORT = 9464
# What a good value looks like, for the one-line message about a bad one.
EXAMPLES = {
    "database_url": "sqlite:////var/lib/retrowalk/retrowalk.db",
    "output_dir": "retrowalk-output",
    "log_level": "INFO",
    "log_format": "json",
    "health_port": "9464",
    "migrate_on_start": "false",
    "secrets_dir": "/run/secrets",
    "telegram_token_file": "/run/secrets/telegram_token",
    "telegram_api_url": TELEGRAM_API,
    "telegram_webhook_port": "8443",
    "telegram_webhook_listen": "0.0.0.0",
    "discord_token_file": "/run/secrets/discord_token",
    "discord_api_url": DISCORD_API,
    "discord_dev_guild": "123456789012345678",
    "plan_seconds": "30",
    "discord_shard_ids": "0,1",
    "discord_shard_count": "4",
}


class SettingError(Exception):
    """A setting that cannot be used: `variable` names it, `problem` says why."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{variable(field)}: {problem}")
        self.field = field
        self.problem = problem


def variable(field: str) -> str:
    """The environment variable of a settings field."""
    return f"{ENV_PREFIX}{field.upper()}"


class Settings(BaseSettings):
    """Settings; secrets have no default and are never logged."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    database_url: str | None = None
    output_dir: Path = Path("retrowalk-output")
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # None: on (9464) for `retrowalk run` with a platform, off in the terminal chat; 0: off.
    health_port: int | None = Field(default=None, ge=0, le=65535)
    health_listen: str = "0.0.0.0"
    migrate_on_start: bool = True
    # Read before the other settings (see load_settings); listed here so it is documented.
    secrets_dir: Path | None = None

    telegram_token: SecretStr | None = None
    telegram_token_file: Path | None = None
    telegram_api_url: str = TELEGRAM_API
    telegram_file_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_path: str = "telegram"
    telegram_webhook_secret: SecretStr | None = None

    discord_token: SecretStr | None = None
    discord_token_file: Path | None = None
    discord_api_url: str = DISCORD_API
    discord_gateway_url: str | None = None
    discord_dev_guild: int | None = None

    # Several processes on PostgreSQL (`retrowalk run --role ...`, bot/cluster.py).
    plan_seconds: int = 30
    # `--role gateway`: the Discord gateway shards this process runs ("0,1") of how many.
    discord_shard_ids: str | None = None
    discord_shard_count: int | None = None

    @field_validator("plan_seconds")
    @classmethod
    def _whole_seconds_in_a_minute(cls, value: int) -> int:
        if not 1 <= value <= 59:
            raise ValueError("use a number of seconds from 1 to 59")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
        return level

    def health_port_for(self, platforms: bool) -> int:
        """The health and metrics port to serve on (0: none): on by default only beside a
        platform, where something outside watches the process."""
        if self.health_port is None:
            return DEFAULT_HEALTH_PORT if platforms else 0
        return self.health_port

    def telegram_secret(self) -> str | None:
        """The Telegram token, from the variable or from a mounted secret file."""
        return _secret(self.telegram_token, self.telegram_token_file, "telegram_token_file")

    def discord_secret(self) -> str | None:
        """The Discord token, from the variable or from a mounted secret file."""
        return _secret(self.discord_token, self.discord_token_file, "discord_token_file")

    def discord_shards(self) -> tuple[list[int], int] | None:
        """The shard ids this process runs and the bot's shard count; None when unsharded."""
        if self.discord_shard_count is None and not self.discord_shard_ids:
            return None
        count = self.discord_shard_count
        if count is None or count < 1:
            raise SettingError("discord_shard_count", "give the bot's number of shards, 1 or more")
        try:
            ids = [int(part) for part in (self.discord_shard_ids or "").split(",") if part.strip()]
        except ValueError:
            raise SettingError("discord_shard_ids", "give shard numbers separated by commas") \
                from None
        if not ids:
            ids = list(range(count))
        if any(not 0 <= n < count for n in ids):
            raise SettingError("discord_shard_ids", f"each shard number is 0 to {count - 1}")
        return ids, count

    def telegram_files_url(self) -> str:
        """Where Telegram files are downloaded: next to the API unless set."""
        if self.telegram_file_url:
            return self.telegram_file_url
        if self.telegram_api_url.rstrip("/").endswith("/bot"):
            return self.telegram_api_url.rstrip("/")[: -len("/bot")] + "/file/bot"
        return TELEGRAM_FILES


def secrets_folder(environ: dict[str, str] | None = None) -> Path | None:
    """RETROWALK_SECRETS_DIR, else /run/secrets when it exists (Docker secrets), else none."""
    environ = dict(os.environ) if environ is None else environ
    chosen = environ.get(variable("secrets_dir"), "").strip()
    if chosen:
        return Path(chosen)
    return DEFAULT_SECRETS_DIR if DEFAULT_SECRETS_DIR.is_dir() else None


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment, a .env file and the secrets folder: a file there
    named like the variable (retrowalk_telegram_token) sets it, below the environment."""
    folder = secrets_folder()
    if folder is not None and not folder.is_dir():
        raise SettingError("secrets_dir", f"{folder} is not a folder")
    return Settings(_secrets_dir=folder, **overrides)


def _secret(value: SecretStr | None, file: Path | None, field: str) -> str | None:
    if value is not None and value.get_secret_value().strip():
        return value.get_secret_value().strip()
    if file is None:
        return None
    try:
        return file.read_text().strip() or None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingError(field, f"can't read {file} ({error.__class__.__name__})") from error
