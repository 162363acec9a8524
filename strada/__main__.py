"""The ``strada`` command: Django's management commands, with Strada's own among them.

``strada demo`` and ``strada init-keys`` make missing key files before Django starts, so that a fresh
checkout needs nothing else; every other command refuses to start without keys (outside DEBUG).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _data_dir() -> Path:
    default = Path(__file__).resolve().parent.parent / "var"
    return Path(os.environ.get("STRADA_DATA_DIR", default)).resolve()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strada.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in {"demo", "init-keys"}:
        from strada.lib.keys import ensure_key_files

        for path in ensure_key_files(_data_dir()):
            print(f"Created key file {path}. Back it up apart from the database.")  # noqa: T201
        if command == "init-keys":
            return
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if command == "runserver":
            import django

            django.setup()
            from strada.orgs.keys import KeyMismatch, verify_master_key

            try:
                verify_master_key()
            except KeyMismatch as exc:
                sys.exit(f"strada: {exc}")
            except Exception:  # noqa: S110, BLE001 - the database may not be migrated yet
                pass
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"strada: {exc}")


if __name__ == "__main__":
    main()
