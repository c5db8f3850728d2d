"""The organisation tree of a province, dated so that it can be read as of any day.

Units are never deleted or edited in place when the state reorganises: the old unit gets a
`valid_to`, the new one a `valid_from`, and a `UnitSuccession` links them. That is how a commune
of 2026 keeps the history of the wards it was made from on 1 July 2025.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxboard.core.querysets import RestrictedQuerySet
from dxboard.core.text import fold


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DEPARTMENT = "department", _("Department")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Agency")


class UnitQuerySet(RestrictedQuerySet):
    def as_of(self, day: datetime.date):
        """Units that existed on `day` (both bounds inclusive; an open bound means 'always')."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self):
        return self.as_of(datetime.date.today())

    def search(self, text: str):
        return self.filter(search_text__contains=fold(text))


class Unit(models.Model):
    # `code` is unique across time. Current units keep their official code (GSO code for
    # administrative units); a unit ended by a reform gets "-YEAR" appended, because official
    # codes are reused (ward 07210 of old Bắc Giang is not ward 07210 of new Bắc Ninh).
    code = models.CharField(_("code"), max_length=32, unique=True)
    official_code = models.CharField(_("official code"), max_length=16, blank=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    # The administrative type in words: "Xã", "Phường", "Đặc khu", "Thị trấn", "Huyện"…
    admin_type = models.CharField(_("administrative type"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    # Lower-case, diacritics removed: lets "bac ninh" find "Bắc Ninh" on SQLite and PostgreSQL alike.
    search_text = models.CharField(_("search text"), max_length=500, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()
    unit_path = "pk"

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.name_en} {self.code}")
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(datetime.date.today())


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Merger")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename or transfer")


class UnitSuccession(models.Model):
    """Predecessors → successor on a date. A split shows as one predecessor in several successions."""

    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessions",
                                  verbose_name=_("successor"))
    predecessors = models.ManyToManyField(Unit, related_name="successions", verbose_name=_("predecessors"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=SuccessionKind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "successor"

    class Meta:
        ordering = ["date", "successor__name"]
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [models.UniqueConstraint(fields=["successor", "date"], name="one_succession_per_unit_and_day")]

    def __str__(self) -> str:
        return f"{self.successor} ({self.date:%d/%m/%Y})"
