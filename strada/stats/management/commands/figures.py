"""``strada figures catalogue``: create the default indicators that are missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from strada.stats.catalogue import ensure_catalogue


class Command(BaseCommand):
    help = "Statistics tools. 'catalogue' creates the default indicators that are missing."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        commands.add_parser(
            "catalogue", help="Create the missing default indicators and print how many."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "catalogue":
            created = ensure_catalogue()
            self.stdout.write(f"{created} indicators created.")
