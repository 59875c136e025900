"""The WSGI application gunicorn serves (`qadesk serve`), ready before its first request.

Django imports the URLconf (every view, the API and its schemas) on the first request, and builds the reverse-URL
tables once per language on the first page in that language: seconds on a busy 2-core machine, which the first
visitor of each gunicorn worker waited for (benchmarks/README.md: Load). The worker does it while it starts instead.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (built on first access, per language)


_warm_up()
