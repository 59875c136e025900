"""`qadesk serve`: collect static files and serve the app with gunicorn."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve qadesk over HTTP (gunicorn; static files by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"qadesk is serving on http://{host}:{port}/"))
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        argv = [
            "qadesk",
            "qadesk.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]

        class _App(WSGIApplication):
            def __init__(self) -> None:
                import sys

                sys.argv = argv
                super().__init__("%(prog)s [OPTIONS] [APP_MODULE]")

        _App().run()
