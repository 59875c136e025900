"""Definition documents (scorecard versions, surveys, the SOP catalogue) as the text their files hold: YAML by default,
JSON for a path ending in .json. One writer for every `export` command and download, so the files look alike."""

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import OutputWrapper


def document_text(document: Any, *, as_json: bool = False) -> str:
    """The document as YAML (keys in their order, non-ASCII as it is) or as indented JSON."""
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return str(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


def document_write(document: Any, *, path: str | None, stdout: OutputWrapper) -> None:
    """Write the document to `path` (JSON when it ends in .json, else YAML) or, without a path, as YAML to stdout."""
    text = document_text(document, as_json=bool(path and path.endswith(".json")))
    if path:
        Path(path).write_text(text, encoding="utf-8")
    else:
        stdout.write(text, ending="")
