"""Write the API's OpenAPI document, so it can be committed and CI can detect drift."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1/ to a file (or stdout)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="Output file; stdout when omitted.")

    def handle(self, *args: Any, path: str | None, **options: Any) -> None:
        from qadesk.api import api

        document = json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if path:
            Path(path).write_text(document, encoding="utf-8")
        else:
            self.stdout.write(document, ending="")
