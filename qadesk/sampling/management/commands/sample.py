"""`qadesk sample due` enqueues the automatic plans whose period is due; `qadesk sample run PLAN_ID` draws one now."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qadesk.core.errors import ApplicationError
from qadesk.sampling.models import SamplingPlan
from qadesk.sampling.services import sampling_plan_enqueue, sampling_plan_run
from qadesk.sampling.tasks import enqueue_due_plans


class Command(BaseCommand):
    help = "Audit sampling: enqueue the due automatic plans now, or run one plan."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("due", help="Enqueue every active automatic plan whose ended period is not drawn or queued yet.")
        run = sub.add_parser("run", help="Draw one plan.")
        run.add_argument("plan_id", type=int)
        run.add_argument("--period-start", type=date.fromisoformat, help="First day of the period (default: last complete one).")
        run.add_argument("--background", action="store_true", help="Enqueue for the worker instead of drawing now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "due":
            for job in enqueue_due_plans():
                self.stdout.write(f"queued plan {job.params['plan']} period {job.params['period_start']} job {job.pk}")
            return
        chosen = SamplingPlan.objects.filter(pk=options["plan_id"]).first()
        if chosen is None:
            raise CommandError(f"no sampling plan {options['plan_id']}")
        plan = chosen
        if options["background"]:
            with transaction.atomic():
                job = sampling_plan_enqueue(plan=plan, actor=None, period_start=options["period_start"])
            self.stdout.write(f"queued job {job.pk}")
            return
        try:
            run = sampling_plan_run(plan=plan, actor=None, period_start=options["period_start"])
        except ApplicationError as exc:  # said in the job's log too; a broken rule is not a crash
            raise CommandError(str(exc.message)) from None
        if run is None:
            self.stdout.write("period already drawn: nothing to do")
        else:
            self.stdout.write(f"run {run.pk}: {run.drawn} drawn of {run.candidates}, {run.assigned} assigned")
