"""Month names as dates write them in each language.

Django's own Italian catalogue capitalises month names ("4 Dicembre 2026"), while Italian writes them in lower case
inside a date ("4 dicembre 2026"), as French does. The project's catalogues take precedence over Django's
(LOCALE_PATHS), so naming the same msgids here lets locale/it give the lower-case forms that the `F` date format uses.
"""

from django.utils.dateformat import DateFormat
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language, gettext_noop

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


# Month abbreviations: Django's `M` date format capitalises whatever the catalogue gives ("4 Dic 2026"), which Italian
# and French do not do inside a date ("4 dic 2026", "4 déc. 2026"). Where the active language writes month names in
# lower case, `M` keeps the catalogue's abbreviation as it is; elsewhere (English) it stays capitalised. Installed once,
# by CoreConfig.ready, so every template's `date:"j M Y"` and every formats.date_format call follow it.
LOWER_CASE_MONTH_LANGUAGES = frozenset({"it", "fr"})


def month_abbreviation(date_format: DateFormat) -> str:
    """The `M` format: the month's three-letter abbreviation as the active language writes it inside a date."""
    name = str(MONTHS_3[date_format.data.month])  # type: ignore[union-attr]  # `M` is only used on dates
    language = (get_language() or "").split("-")[0]
    return name if language in LOWER_CASE_MONTH_LANGUAGES else name.title()


def install_month_abbreviations() -> None:
    DateFormat.M = month_abbreviation  # type: ignore[method-assign,assignment]
