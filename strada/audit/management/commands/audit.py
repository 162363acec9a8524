"""``strada audit verify``: walk the hash chain of the audit log and name the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from strada.audit.log import verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks that no event was changed, removed or reordered."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        commands.add_parser(
            "verify",
            help="Check the hash chain; exit with status 1 at the first broken link.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify()

    def _verify(self) -> None:
        verdict = verify()
        if verdict.ok:
            self.stdout.write(f"{verdict.checked} events checked. OK")
            return
        if verdict.broken_seq is not None:
            where = f"at event #{verdict.broken_seq}"
        elif verdict.last_seq is not None:
            where = f"after event #{verdict.last_seq}"
        else:
            where = "at the start"
        raise CommandError(
            f"{verdict.checked} events checked. Audit chain broken {where}: {verdict.problem}.",
            returncode=1,
        )
