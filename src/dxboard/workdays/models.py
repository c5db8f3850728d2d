"""The working-day calendar as data: public holidays and make-up working days, per year.

Saturdays and Sundays are days off unless a `makeup_workday` row says otherwise; a weekday is a
working day unless a `holiday` row says otherwise. Tết and the days swapped around it are decided
each year by the government, so they are loaded from data (see fixtures/vn-holidays.yaml), never
computed.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Day off")
        MAKEUP_WORKDAY = "makeup_workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.HOLIDAY)
    source = models.CharField(_("source"), max_length=300, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    @property
    def shown_name(self) -> str:
        """The name in the reader's language: the English one on an English page when it was entered."""
        english = (translation.get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name
