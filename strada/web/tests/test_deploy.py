"""Production settings: the deployment check is clean, and missing keys stop Strada with advice."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _strada(
    args: list[str], env: dict[str, str], data_dir: Path
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("STRADA_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update({"STRADA_TESTING": "0", "STRADA_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, "-m", "strada", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _keys() -> dict[str, str]:
    return {
        "STRADA_SECRET_KEY": secrets.token_urlsafe(50),
        "STRADA_MASTER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def test_it_passes_the_deployment_check_with_production_settings(tmp_path):
    result = _strada(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {**_keys(), "STRADA_ALLOWED_HOSTS": "strada.example.org"},
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_master_key_and_says_how_to_make_one(tmp_path):
    env = _keys()
    del env["STRADA_MASTER_KEY"]
    result = _strada(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "STRADA_MASTER_KEY is not set" in result.stderr
    assert "strada init-keys" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_refuses_a_master_key_of_the_wrong_size(tmp_path):
    env = {**_keys(), "STRADA_MASTER_KEY": base64.urlsafe_b64encode(b"short").decode()}
    result = _strada(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "must decode to 32 bytes" in result.stderr


def test_it_makes_keys_with_init_keys_and_then_starts(tmp_path):
    made = _strada(["init-keys"], {}, tmp_path)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "master.key").stat().st_mode & 0o777 == 0o600
    assert _strada(["check"], {}, tmp_path).returncode == 0
