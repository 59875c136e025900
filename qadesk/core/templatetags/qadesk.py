"""Template helpers shared by every app."""

from functools import cache
from typing import Any

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qadesk.core.i18n import pick

register = template.Library()


@register.filter
def t(texts: dict[str, str] | str | None) -> str:
    """Render a multilingual JSON text in the active language."""
    return pick(texts)


@cache
def _choice_labels(model: type[models.Model], field_name: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(field_name).flatchoices)  # type: ignore[union-attr]


@register.filter
def choice_label(obj: models.Model, field_name: str) -> Any:
    """`obj.get_<field>_display()` for list rows: the same label, looked up in a dict built once per field (Django
    builds it again on every call, which fifty rows of three fields made a tenth of a list page's time)."""
    value = getattr(obj, field_name)
    return _choice_labels(type(obj), field_name).get(value, value)


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    """Look a key up in a dict from a template."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """Return the current query string with some parameters changed (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as h:mm:ss or m:ss (call figures)."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def choice_titles(codes: list[str] | None, options: list[dict[str, Any]] | None) -> list[str]:
    """Titles (in the active language) of the chosen codes among {code, title} options, e.g. root causes."""
    chosen = set(codes or [])
    return [pick(option.get("title")) or option["code"] for option in options or [] if option.get("code") in chosen]


@register.inclusion_tag("_worker_warning.html", takes_context=True)
def worker_warning(context: dict[str, Any], *, always: bool = False) -> dict[str, Any]:
    """A warning when no background worker runs: for admins on every page, or (always=True) where a job waits."""
    from qadesk.core.selectors import worker_status

    user = context.get("user")
    is_admin = bool(user and user.is_authenticated and (user.is_superuser or getattr(user, "role", "") == "admin"))
    if not (always or is_admin):
        return {"worker": None}
    return {"worker": worker_status()}


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, sort: str, hx_target: str = "", css: str = "") -> SafeString:
    """A sortable column header: a link that sorts by `key` (ascending first, descending when it already is), with
    `aria-sort` and an arrow on the current sort column. Keeps the other parameters, back to page 1."""
    descending = sort.startswith("-")
    current = (sort[1:] if descending else sort) == key
    target = f"-{key}" if current and not descending else key
    query = query_with(context, sort=target, page=None)
    aria = ("descending" if descending else "ascending") if current else "none"
    arrow = ("▼" if descending else "▲") if current else ""
    hx = format_html(' hx-get="?{}" hx-target="{}" hx-push-url="true"', query, hx_target) if hx_target else ""
    return format_html(
        '<th scope="col" class="sortable{}" aria-sort="{}"><a href="?{}"{}>{}<span aria-hidden="true">{}</span></a></th>',
        f" {css}" if css else "",
        aria,
        query,
        hx,
        label,
        arrow,
    )


@register.filter
def quick_label(field: Any) -> SafeString:
    """`{{ field.label_tag }}` as Django writes it for a form whose label_suffix is "" (`<label for="id_x">…</label>`),
    without a template per label: a list page's filter form has a dozen (benchmarks/README.md: Load)."""
    target = field.id_for_label
    if not target:
        return format_html("{}", field.label)
    return format_html('<label for="{}">{}</label>', target, field.label)


@register.inclusion_tag("core/_export_links.html", takes_context=True)
def export_links(context: dict[str, Any], url: str, form: str = "", **params: Any) -> dict[str, Any]:
    """ "Download CSV / Excel" links to an export address with the page's current filters (without its page number); with
    `form`, a click takes the filter form's values as they are now (js/qadesk.js), so filters changed in place count."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    for name, value in params.items():
        query[name] = value
    links = []
    for fmt in ("csv", "xlsx"):
        query["format"] = fmt
        links.append({"format": fmt, "href": f"{url}?{query.urlencode()}"})
    return {"links": links, "form": form, "base": url, "params": params}
