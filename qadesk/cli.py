"""The `qadesk` console script: a thin front door over Django management commands.

qadesk serve [--port 8000]          serve the app (gunicorn, static files by whitenoise) with a worker beside it
qadesk migrate                      create or upgrade the database
qadesk demo [--if-empty]            load the demo contact centre
qadesk connectors sync NAME         pull what changed from a helpdesk connector now (also: list)
qadesk import interactions FILE     import JSON Lines or CSV (--skip-invalid, --last-wins, --format,
                                    --create-missing sop, --invite, --new-revision)
qadesk import survey-responses FILE survey answers collected elsewhere (CSV/JSONL, --skip-invalid)
qadesk sop import FILE | export     the SOP catalogue as YAML or JSON files
qadesk survey export|import|templates  surveys as YAML or JSON files; install the six shipped templates
qadesk people invite NAME… | --all  logins for imported agents, with an e-mail to set a password
qadesk import complaints FILE       the complaint register from JSON Lines or CSV (--skip-invalid)
qadesk report complaints --by category  the complaint register report as JSON or CSV
qadesk report quality --by agent    quality report as JSON or CSV (also: precision, discrepancies,
                                    reviewer-discrepancies, verify [--fix], rebuild)
qadesk report kpis --by team         operational KPIs as JSON or CSV (--from, --to, --format)
qadesk report competence --by team    competence ratings as JSON or CSV (--from, --to, --format)
qadesk report costs --by channel  cost per incident, margin, customer value as JSON or CSV (--from, --to)
qadesk costs import KIND FILE       labour, support, revenue or segments rows from CSV or xlsx (docs/value.md)
qadesk import calls FILE            call records from the telephone system (CSV/JSONL, --skip-invalid)
qadesk report calls --by queue      the phone line's delivery figures as JSON or CSV
qadesk staffing erlang --calls N …  Erlang C: agents needed for a service level (docs/operations.md)
qadesk staffing forecast --day D    forecast per interval, agents needed vs agents who worked (json|csv)
qadesk report surveys --survey ID   CSAT, NPS, CES, response rate (--by agent|team|…, --format json|csv)
qadesk report executive --from D --to D  headline figures vs the period before, baselines, targets (json|csv|pdf)
qadesk report survey-gap --by team  our review scores vs the customer's ratings, discrepancies (--rating csat|nps)
qadesk calibration report ID        a calibration session's agreement figures
qadesk autoqa run | evaluate GOLD   automatic checks of the interactions due ([--from D --to D | --interaction
                                    ID]), or the detectors' precision/recall per criterion and language
qadesk autoqa report --by team      the automatic quality score (AQS) by group as JSON or CSV (--from, --to)
qadesk sample run PLAN | due        draw an audit sample now, or queue the automatic plans that are due
qadesk worker [--scheduler]         run background jobs (and queue the periodic ones)
qadesk scheduler [--once]           queue the periodic jobs as they fall due
qadesk scorecard export|import      scorecards as YAML or JSON files
qadesk token create USERNAME        personal API token (--expires-in-days N)
qadesk backup FILE                  back the database up while qadesk runs (SQLite or pg_dump)
qadesk axes_reset                   unlock every login locked by too many failures (also axes_reset_username NAME)
qadesk <any manage.py command>
"""

import os
import sys

ALIASES = {"import": "qimport", "report": "qreport"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["qadesk", *args])


if __name__ == "__main__":
    main()
