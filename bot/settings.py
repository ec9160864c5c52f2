"""All settings, read once at start from RETROWALK_* environment variables (or a .env file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
DISCORD_API = "https://discord.com/api/v10"


class Settings(BaseSettings):
    """Settings; secrets have no default and are never logged."""

    model_config = SettingsConfigDict(env_prefix="RETROWALK_", env_file=".env", extra="ignore")

    database_url: str | None = None
    output_dir: Path = Path("retrowalk-output")
    log_level: str = "INFO"

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

    def telegram_secret(self) -> str | None:
        """The Telegram token, from the variable or from a mounted secret file."""
        return _secret(self.telegram_token, self.telegram_token_file)

    def discord_secret(self) -> str | None:
        """The Discord token, from the variable or from a mounted secret file."""
        return _secret(self.discord_token, self.discord_token_file)

    def telegram_files_url(self) -> str:
        """Where Telegram files are downloaded: next to the API unless set."""
        if self.telegram_file_url:
            return self.telegram_file_url
        if self.telegram_api_url.rstrip("/").endswith("/bot"):
            return self.telegram_api_url.rstrip("/")[: -len("/bot")] + "/file/bot"
        return TELEGRAM_FILES


def _secret(value: SecretStr | None, file: Path | None) -> str | None:
    if value is not None and value.get_secret_value().strip():
        return value.get_secret_value().strip()
    if file is not None:
        return file.read_text().strip() or None
    return None
