"""A fresh, throw-away Strada for one benchmark: temp data directory, database, org and caseworker.

Must run before anything imports Django models: it sets the environment the settings read, then
calls ``django.setup()``. SQLite keeps the settings' durability (WAL, synchronous=FULL, IMMEDIATE).
With ``--database-url`` a fresh PostgreSQL database is created on that server and dropped after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


@dataclass
class Bench:
    data_dir: Path
    vendor: str
    org: Any
    user: Any
    pg_admin_url: str = ""
    pg_dbname: str = ""

    def close(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.pg_dbname:
            import psycopg

            with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_dbname}"')
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _fresh_postgres(url: str) -> tuple[str, str, str]:
    """Create an empty database next to the one the URL names; return (its url, admin url, name)."""
    import psycopg

    name = f"strada_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), url, name


def start(database_url: str = "", data_dir: Path | None = None) -> Bench:
    """``data_dir``: an empty directory to use (and keep: don't ``close()`` the bench) instead of
    a temporary one."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="strada-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "strada.settings"
    os.environ["STRADA_DATA_DIR"] = str(data_dir)
    os.environ["STRADA_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["STRADA_TESTING"] = "0"
    os.environ.pop("DATABASE_URL", None)
    pg_admin = pg_name = ""
    if database_url:
        os.environ["DATABASE_URL"], pg_admin, pg_name = _fresh_postgres(database_url)

    from strada.lib.keys import ensure_key_files

    ensure_key_files(data_dir)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    # Production serves static files from a manifest (hashed names): make it, as a deployment does.
    call_command("collectstatic", verbosity=0, interactive=False)
    settings.STRADA_REQUIRE_MFA = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    from strada.orgs.actions import do_create_organisation, do_create_user

    org = do_create_organisation(
        None, code="bench", name="La Strada Bench", kind="member", country="NL"
    )
    user = do_create_user(
        None, organisation=org, username="caseworker", role="caseworker", password=None
    )
    return Bench(data_dir, connection.vendor, org, user, pg_admin, pg_name)
