"""`qadesk people invite [USERNAME …] [--all]`: logins and invitation e-mails for imported agents."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qadesk.accounts.models import Agent
from qadesk.accounts.selectors import people_to_invite
from qadesk.accounts.services import InviteReport, people_invite
from qadesk.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Create logins for agents (by helpdesk username) and e-mail them an invitation to set a password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["invite"])
        parser.add_argument("usernames", nargs="*", help="Agents' usernames.")
        parser.add_argument("--all", action="store_true", help="Every agent with an e-mail who has not set a password yet.")

    def handle(self, *args: Any, usernames: list[str], all: bool, **options: Any) -> None:
        if not usernames and not all:
            raise CommandError(_("Name the agents to invite, or use --all."))
        agents = list(people_to_invite() if all else Agent.objects.filter(username__in=usernames))
        unknown = sorted(set(usernames) - {agent.username for agent in agents})
        if unknown:
            raise CommandError(_("No agent named: {names}").format(names=", ".join(unknown)))
        try:
            report = people_invite(actor=None, agents=agents)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        print_invite_report(self, report)


def print_invite_report(command: BaseCommand, report: InviteReport) -> None:
    for username, reason in report.skipped:
        command.stderr.write(f"{username}: {reason}")
    command.stdout.write(
        _("invited {invited}, invited again {resent}, skipped {skipped}").format(
            invited=len(report.invited), resent=len(report.resent), skipped=len(report.skipped)
        )
    )
