"""Files the fake holds: uploads from the bot, files sent by users, and Telegram-like ids."""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass
from typing import Any

from .validation import ApiError, bad_request

PHOTO_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
_THUMB_SIDES = (90, 320, 800)
_PHOTO_MAX_SIDE = 2560


@dataclass(slots=True)
class StoredFile:
    """A file Telegram would keep: its ids, bytes and download path."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str | None = None
    file_name: str | None = None

    def as_file(self) -> dict[str, Any]:
        """The Bot API `File` object for getFile."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "file_path": self.file_path}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image; None when it is not one of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP" and len(data) >= 30:
        if data[12:16] == b"VP8X":
            width = int.from_bytes(data[24:27], "little") + 1
            height = int.from_bytes(data[27:30], "little") + 1
            return width, height
        if data[12:16] == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return width & 0x3FFF, height & 0x3FFF
        return None
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None


class FileStore:
    """file_id -> StoredFile, with ids that look like Telegram's (opaque base64url strings)."""

    def __init__(self, bot_id: int) -> None:
        self._bot_id = bot_id
        self._files: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def _ids(self, kind: str) -> tuple[str, str]:
        self._counter += 1
        seed = f"{self._bot_id}:{kind}:{self._counter}".encode()
        digest = hashlib.sha256(seed).digest()
        prefix = {"photo": b"\x02\x00", "document": b"\x05\x00"}.get(kind, b"\x09\x00")
        file_id = base64.urlsafe_b64encode(prefix + digest + digest[:12]).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(b"\x01" + digest[:10]).decode().rstrip("=")
        return file_id, unique

    def add(self, kind: str, data: bytes, *, mime_type: str | None = None,
            file_name: str | None = None, extension: str = "") -> StoredFile:
        """Store bytes and give them fresh ids and a download path."""
        file_id, unique = self._ids(kind)
        folder = {"photo": "photos", "document": "documents"}.get(kind, kind + "s")
        path = f"{folder}/file_{self._counter}{extension}"
        stored = StoredFile(file_id, unique, data, path, mime_type, file_name)
        self._files[file_id] = stored
        self._by_path[path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this id, if the fake knows it."""
        return self._files.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        """The file served at `path` under the file URL."""
        return self._by_path.get(path)

    def resolve(self, value: str, kind: str) -> StoredFile:
        """A file the bot referenced by file_id or HTTP URL (URL contents are not fetched)."""
        if value in self._files:
            return self._files[value]
        if value.startswith(("http://", "https://")):
            return self.add(kind, b"", mime_type=None, file_name=value.rsplit("/", 1)[-1])
        raise bad_request("wrong file identifier/HTTP URL specified")

    def photo_sizes(self, data: bytes) -> list[dict[str, Any]]:
        """PhotoSize list for an uploaded photo: thumbnails plus the (capped) original."""
        if len(data) > PHOTO_MAX_BYTES:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        size = image_size(data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width <= 0 or height <= 0 or width + height > 10000 or max(width, height) > 20 * min(
            width, height
        ):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        sides = [s for s in _THUMB_SIDES if s < max(width, height)]
        sides.append(min(max(width, height), _PHOTO_MAX_SIDE))
        sizes: list[dict[str, Any]] = []
        for side in sides:
            scale = side / max(width, height)
            is_original = side == sides[-1]
            payload = data if is_original else data[: max(1, int(len(data) * scale * scale))]
            stored = self.add("photo", payload, mime_type="image/jpeg", extension=".jpg")
            sizes.append({
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(payload),
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            })
        return sizes
