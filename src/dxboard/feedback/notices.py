"""What the office's notices about a report say (in the platform and by e-mail).

An e-mail leaves the platform: it passes mail relays and shows on phone lock screens, and a reminder goes
up to leaders of the parent unit. So a report in a sensitive category is named by its category group and
its text stays in the platform; the notice only points to it."""

from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message, named

from .models import Report

EXCERPT = 300


def subject(report: Report) -> Message:
    """"<code>: <category>", the category named in each reader's language (its group if sensitive)."""
    category = report.category
    if category.sensitive:
        return Message(gettext_noop("%(code)s: a protected report"), {"code": report.code})
    return Message(gettext_noop("%(code)s: %(category)s"),
                   {"code": report.code, "category": named(category.name, category.name_en)})


def excerpt(report: Report, text: str | None = None):
    """The start of the citizen's text (or of `text`, e.g. a reason to reopen), never of a sensitive one."""
    if report.category.sensitive:
        return Message(gettext_noop("A report in a protected category: read it in the platform."))
    return (report.description if text is None else text)[:EXCERPT]
