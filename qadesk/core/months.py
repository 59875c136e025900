"""Month names as dates write them in each language.

Django's own Italian catalogue capitalises month names ("4 Dicembre 2026"), while Italian writes them in lower case
inside a date ("4 dicembre 2026"), as French does. The project's catalogues take precedence over Django's
(LOCALE_PATHS), so naming the same msgids here lets locale/it give the lower-case forms that the `F` date format uses.
"""

from django.utils.translation import gettext_noop

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
