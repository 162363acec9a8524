"""Loading and creating the two secrets Strada needs: the Django secret key and the master key.

A secret is taken, in order, from the environment (``NAME``), from a file named by the environment
(``NAME_FILE``) or from a key file in the data directory. Nothing here falls back to a built-in value:
a missing key is an error that says how to make one.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret.key"
MASTER_KEY_FILE = "master.key"
MASTER_KEY_BYTES = 32


class MissingKey(Exception):
    """A required secret is in none of the places it may be."""


def _read(env: str, data_dir: Path, filename: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env].strip()
    named = os.environ.get(f"{env}_FILE")
    if named:
        return Path(named).read_text(encoding="ascii").strip()
    path = data_dir / filename
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    return None


def _how_to_make(env: str, filename: str, data_dir: Path) -> str:
    return (
        f"{env} is not set. Create one with `strada init-keys` (it writes {data_dir / filename}), "
        f"or set {env} / {env}_FILE. Keep the master key outside the database and its backups."
    )


def load_secret_key(data_dir: Path) -> str:
    value = _read("STRADA_SECRET_KEY", data_dir, SECRET_KEY_FILE)
    if not value:
        raise MissingKey(_how_to_make("STRADA_SECRET_KEY", SECRET_KEY_FILE, data_dir))
    return value


def decode_master_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MissingKey("STRADA_MASTER_KEY is not valid base64.") from exc
    if len(raw) != MASTER_KEY_BYTES:
        raise MissingKey(
            f"STRADA_MASTER_KEY must decode to {MASTER_KEY_BYTES} bytes, not {len(raw)}."
        )
    return raw


def load_master_key(data_dir: Path) -> bytes:
    value = _read("STRADA_MASTER_KEY", data_dir, MASTER_KEY_FILE)
    if not value:
        raise MissingKey(_how_to_make("STRADA_MASTER_KEY", MASTER_KEY_FILE, data_dir))
    return decode_master_key(value)


def new_master_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(MASTER_KEY_BYTES)).decode("ascii")


def ensure_key_files(data_dir: Path) -> list[Path]:
    """Create the key files that are missing (and not given by the environment); return the new ones."""
    data_dir.mkdir(parents=True, exist_ok=True)
    created = []
    wanted = [
        ("STRADA_SECRET_KEY", SECRET_KEY_FILE, lambda: secrets.token_urlsafe(50)),
        ("STRADA_MASTER_KEY", MASTER_KEY_FILE, new_master_key_text),
    ]
    for env, filename, make in wanted:
        if _read(env, data_dir, filename):
            continue
        path = data_dir / filename
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(make() + "\n")
        created.append(path)
    return created
