"""``strada demo``: migrate, then build (or top up) the fictional demo network and say how to sign in."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from strada.demo.build import DemoError, Summary, build
from strada.demo.network import NETWORK

LOGIN_URL = "http://127.0.0.1:8000/accounts/login/"

HELP = gettext_lazy(
    "Build a fictional network for trying Strada: the secretariat (lsi), eight members "
    "(by md ua mk bg pl cz nl), three affiliates (aff1 aff2 aff3) and a partner (polaris), one "
    "account per role and organisation named <role>.<organisation code>, and synthetic clients "
    "registered by each organisation's caseworker. Runs the database migrations first. "
    "Re-running is safe: organisations and accounts that exist are kept as they are, except that "
    "every demo account's password is set to --password again (and its lockouts cleared); each "
    "organisation gets only the clients it lacks to reach its share of --clients (clients "
    "registered by hand count too), so nothing is "
    "duplicated and nothing is deleted. The same --seed gives the same people."
)


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(HELP)  # translated when asked for, in the active language
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--clients",
            type=int,
            default=400,
            help=_("Clients in the whole network, spread over members and affiliates (400)."),
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("Seed of the random data (2026).")
        )
        parser.add_argument(
            "--password",
            default="strada-demo",
            help=_("Password of every demo account (strada-demo)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clients"] < 0:
            raise CommandError(_("--clients cannot be negative."))
        if not options["password"]:
            raise CommandError(_("--password cannot be empty."))
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Database migrated. Building the demo network…"))
        try:
            summary = build(
                clients=options["clients"],
                seed=options["seed"],
                password=options["password"],
                progress=self._progress if options["verbosity"] >= 2 else None,
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self._report(summary, time.monotonic() - started)
        # The clients that earlier referrals and duplicates brought are not part of --clients.
        brought = summary.referrals.get("clients_earlier", 0)
        if sum(summary.clients_total.values()) - brought > options["clients"]:
            self.stdout.write(
                _("There were already more clients than --clients asks for; none was deleted.")
            )
        self._sign_in(options["password"])

    def _progress(self, code: str, done: int, total: int) -> None:
        self.stdout.write(
            _("  %(code)s: %(done)d of %(total)d clients")
            % {"code": code, "done": done, "total": total}
        )

    def _report(self, summary: Summary, seconds: float) -> None:
        write = self.stdout.write
        write(
            _("Organisations: %(created)d created, %(kept)d already there.")
            % {
                "created": len(summary.organisations_created),
                "kept": len(summary.organisations_kept),
            }
        )
        write(
            _("Accounts: %(created)d created, %(kept)d already there; all given the demo password.")
            % {"created": len(summary.users_created), "kept": len(summary.users_kept)}
        )
        added = sum(summary.clients_added.values())
        total = sum(summary.clients_total.values())
        write(
            _("Clients: %(added)d registered now, %(total)d in the demo organisations.")
            % {"added": added, "total": total}
        )
        write(
            "  "
            + "  ".join(f"{code} {summary.clients_total[code]}" for code in summary.clients_total)
        )
        rows = summary.case_rows
        write(
            _(
                "Cases: %(added)d opened now (%(closed)d of them closed by a supervisor), with "
                "%(events)d route events, %(services)d services, %(legal)d legal steps, "
                "%(compensations)d compensation claims and %(notes)d notes."
            )
            % {
                "added": sum(summary.cases_added.values()),
                "closed": rows["closed"],
                "events": rows["events"],
                "services": rows["services"],
                "legal": rows["legal_steps"],
                "compensations": rows["compensations"],
                "notes": rows["notes"],
            }
        )
        if summary.directory_entries_added:
            write(
                _("Directory: %(count)d fictional entries added.")
                % {"count": summary.directory_entries_added}
            )
        if summary.rounds.get("rounds_opened") or summary.rounds.get("submissions_created"):
            write(
                _("Reporting rounds: %(rounds)d opened, %(submissions)d national submissions made.")
                % {
                    "rounds": summary.rounds.get("rounds_opened", 0),
                    "submissions": summary.rounds.get("submissions_created", 0),
                }
            )
        if summary.referrals.get("referrals") or summary.referrals.get("duplicates_registered"):
            write(
                _(
                    "Referrals: %(referrals)d sent between organisations, in every state; "
                    "%(duplicates)d people registered by a second member, %(alerts)d duplicate "
                    "alerts."
                )
                % {
                    "referrals": summary.referrals.get("referrals", 0),
                    "duplicates": summary.referrals.get("duplicates_registered", 0),
                    "alerts": summary.referrals.get("alerts_total", 0),
                }
            )
        if summary.consents_withdrawn:
            write(
                _("Consents withdrawn (as some clients do): %(count)d.")
                % {"count": summary.consents_withdrawn}
            )
        write(
            _("Done in %(seconds).1f s (%(build).1f s without the migrations).")
            % {"seconds": seconds, "build": summary.seconds}
        )

    def _sign_in(self, password: str) -> None:
        write = self.stdout.write
        write("")
        write(
            self.style.WARNING(
                _("All of this is fictional data: every person, name and contact is made up.")
            )
        )
        write("")
        write(_("Sign in at %(url)s (after `strada runserver`)") % {"url": LOGIN_URL})
        write(_("Password of every account: %(password)s") % {"password": password})
        write("")
        width = max(len(org.name) for org in NETWORK.organisations) + 2
        write(f"  {_('code'):<8}{_('organisation'):<{width}}{_('accounts')}")
        for org in NETWORK.organisations:
            write(f"  {org.code:<8}{org.name:<{width}}{'  '.join(org.usernames())}")
        write("")
        write(
            _(
                "Try caseworker.nl (sees its clients' names), data_manager.nl (coded data only), "
                "analyst.lsi (network statistics, never identities) and network_admin.lsi."
            )
        )
        try:
            validate_password(password)
        except ValidationError:
            write(
                _(
                    "The demo password skips the password rules (at least 12 characters, not a "
                    "common one): this is allowed only for the demo accounts. Never use it elsewhere."
                )
            )
        if settings.STRADA_REQUIRE_MFA:
            write(
                _(
                    "Second factor: required. Caseworkers and supervisors must set up an "
                    "authenticator app at their first sign-in. To try the demo without one, start "
                    "Strada with STRADA_REQUIRE_MFA=0 (as `make demo` does); only then is the second "
                    "factor relaxed."
                )
            )
        else:
            write(
                self.style.WARNING(
                    _(
                        "Second factor: relaxed, because STRADA_REQUIRE_MFA=0. This is for the demo "
                        "only; a real installation must require it."
                    )
                )
            )
