"""Operating figures (KPIs) of the shared systems: metric definitions with yearly targets, the source
systems that push or are pulled, the observations (one per metric × unit × period × source, the old
value kept on correction), and alert rules with the alerts they raised.

A rate is always stored as numerator and denominator; `value` is derived (numerator / denominator, or
the numerator for a count or a score). A metric's kind says how units add up (rollup.py): a rate is
Σ numerators / Σ denominators, a count a sum, a score (an index on a 0–100 scale) the mean of the units.

Row permissions: observations and alerts belong to their unit (`unit_path = "unit"`); definitions,
source systems and pull endpoints belong to the standing office (admin writes; everyone signed in reads
the definitions).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dxboard.core.querysets import RestrictedQuerySet

from . import periods


class Frequency(models.TextChoices):
    WEEKLY = periods.WEEKLY, _("Weekly")
    MONTHLY = periods.MONTHLY, _("Monthly")
    QUARTERLY = periods.QUARTERLY, _("Quarterly")
    YEARLY = periods.YEARLY, _("Yearly")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Kind(models.TextChoices):
    """What a figure is, hence how the figures of several units (or periods) make one."""

    RATE = "rate", pgettext_lazy("metric kind", "Rate")
    COUNT = "count", _("Count")
    SCORE = "score", _("Score or index")


# How the province's figure is made of its units', in words for the metric's page.
PROVINCE_BASIS = {
    Kind.RATE: _("Sum of the units' numerators / sum of their denominators"),
    Kind.COUNT: _("Sum of the units' figures"),
    Kind.SCORE: _("Arithmetic mean of the units' scores (each unit weighs the same)"),
}


# How a span of periods (a year out of weeks) is made of its periods, in words.
OVER_TIME_BASIS = {
    ("sum", Kind.RATE): _("Sum of the periods' numerators / sum of their denominators"),
    ("sum", Kind.COUNT): _("Sum of the periods' figures"),
    ("last", None): _("The latest period's figure"),
    ("mean", None): _("Arithmetic mean of the periods' figures"),
}


class Aggregation(models.TextChoices):
    """How a unit's series is summarised over a span of time."""

    SUM = "sum", _("Rate of sums (Σ numerators / Σ denominators)")
    LAST = "last", _("Last value")
    MEAN = "mean", _("Mean of the period values")


class Metric(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    numerator_label = models.CharField(_("numerator"), max_length=300)
    denominator_label = models.CharField(_("denominator"), max_length=300, blank=True,
                                         help_text=_("Empty for a count or a score."))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.RATE,
                            help_text=_("A rate has a denominator; a count and a score have none."))
    unit_label = models.CharField(_("unit of measure"), max_length=40, default="%")
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.UP)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    unit_kinds = models.JSONField(_("reported by unit kinds"), default=list, blank=True)
    source_system = models.CharField(_("source system"), max_length=200, blank=True)
    time_aggregation = models.CharField(_("aggregation over time"), max_length=8, choices=Aggregation.choices,
                                        default=Aggregation.SUM)
    # Source codes, preferred first, ahead of the sources' own priorities (priority.py).
    source_order = models.JSONField(_("preferred sources"), default=list, blank=True,
                                    help_text=_("Source codes, preferred first; other sources follow by priority."))
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("metric")

    def __str__(self) -> str:
        return self.label()

    @property
    def is_rate(self) -> bool:
        return self.kind == Kind.RATE

    @property
    def province_basis(self):
        """How the province's figure is made of its units', in words."""
        return PROVINCE_BASIS[self.kind]

    @property
    def over_time(self) -> str:
        """The aggregation over time actually used: scores are never added up over periods."""
        if self.kind == Kind.SCORE and self.time_aggregation == Aggregation.SUM:
            return Aggregation.MEAN
        return self.time_aggregation

    @property
    def over_time_basis(self):
        how = self.over_time
        return OVER_TIME_BASIS.get((how, self.kind)) or OVER_TIME_BASIS[(how, None)]

    def label(self):
        """The metric's name in the reader's language (the English one, when there is one, on English pages)."""
        return self.name_en if self.name_en and (get_language() or "").startswith("en") else self.name

    def better(self, value: float, than: float) -> bool:
        """Is `value` at least as good as `than`?"""
        return value >= than if self.direction == Direction.UP else value <= than

    def target_for(self, year: int, unit_kind: str = ""):
        """The target of `year` for `unit_kind` (or the one for every kind); None when there is none."""
        found = {t.unit_kind: t for t in self.targets.all() if t.year == year}
        return found.get(unit_kind) or found.get("")


class Target(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="targets", verbose_name=_("metric"))
    year = models.PositiveSmallIntegerField(_("year"))
    unit_kind = models.CharField(_("unit kind"), max_length=16, blank=True, help_text=_("Empty: every kind."))
    value = models.FloatField(_("target"), help_text=_("A share between 0 and 1 for a rate."))
    document = models.CharField(_("source document"), max_length=300, blank=True)

    class Meta:
        ordering = ["metric", "year", "unit_kind"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["metric", "year", "unit_kind"], name="kpi_target_unique")]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.year} {self.unit_kind or '*'}: {self.value}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SourceSystem(models.Model):
    """A system that reports figures (push with its token, or pulled from its endpoint)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    token_hash = models.CharField(_("access token hash"), max_length=64, blank=True, db_index=True, editable=False)
    token_prefix = models.CharField(_("access token start"), max_length=8, blank=True, editable=False)
    metrics = models.ManyToManyField(Metric, blank=True, related_name="source_systems",
                                     verbose_name=_("metrics it may write"))
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    # When two sources report the same metric × unit × period, the lower number is the one counted.
    priority = models.PositiveSmallIntegerField(_("priority"), default=100,
                                                help_text=_("Lower is preferred when two sources report the same "
                                                            "figure (upload 200, manual entry 300, demo 900)."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")

    def __str__(self) -> str:
        return self.name

    def new_token(self) -> str:
        """Set a fresh token and return it (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_prefix = token[:6]
        return token

    # DRF asks its `request.user` this; a source system is "authenticated" but never a person.
    is_authenticated = True


MANUAL = "manual"
UPLOAD = "upload"


class Observation(models.Model):
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="observations",
                               verbose_name=_("metric"))
    # No single-column index on unit (kpi_obs_unit leads with it), superseded_by or entered_by: every
    # index costs on a push of 10,000 rows.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="kpi_observations",
                             db_index=False, verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    numerator = models.FloatField(_("numerator"))
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True)
    # A source system's code, or "manual" / "upload".
    source = models.CharField(_("source"), max_length=40)
    is_current = models.BooleanField(_("current (not corrected)"), default=True)
    # Among the current rows of one metric × unit × period (one per source), the one every reader
    # counts: the highest-priority source (priority.py keeps it, a unique index guarantees one).
    is_preferred = models.BooleanField(_("counted"), default=False)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      db_index=False, verbose_name=_("corrected by"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False, verbose_name=_("entered by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"

    class Meta:
        ordering = ["metric", "unit", "period_start"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "period_start", "source"], condition=Q(is_current=True),
                                    name="kpi_observation_current_unique"),
            # Exactly one counted value per metric × unit × period, and the roll-up path: one metric over
            # a span of periods. On PostgreSQL, migration 0004 rebuilds it covering (INCLUDE numerator,
            # denominator): the SUM of a roll-up is then an index-only scan. (SQLite has no INCLUDE.)
            models.UniqueConstraint(fields=["metric", "period_start", "unit"], condition=Q(is_preferred=True),
                                    name="kpi_obs_preferred"),
        ]
        indexes = [
            models.Index(fields=["unit", "metric", "period_start"], name="kpi_obs_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.label()} — {self.unit} — {periods.label(self.period)}"

    @staticmethod
    def compute_value(numerator, denominator):
        if denominator is None:
            return numerator
        return numerator / denominator if denominator else None


class PullEndpoint(models.Model):
    """A JSON endpoint of a source system, fetched by the worker every `every_minutes`. It answers
    `{"observations": [...]}` in the format of the push API."""

    source = models.ForeignKey(SourceSystem, on_delete=models.CASCADE, related_name="endpoints",
                               verbose_name=_("source system"))
    url = models.URLField(_("URL"))
    every_minutes = models.PositiveIntegerField(_("every (minutes)"), default=60 * 24)
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("pull endpoint")
        verbose_name_plural = _("pull endpoints")

    def __str__(self) -> str:
        return self.url


class FetchLog(models.Model):
    endpoint = models.ForeignKey(PullEndpoint, on_delete=models.CASCADE, related_name="fetches",
                                 verbose_name=_("pull endpoint"))
    started = models.DateTimeField(_("started at"), auto_now_add=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    ok = models.BooleanField(_("succeeded"), default=False)
    status_code = models.PositiveSmallIntegerField(_("HTTP status code"), null=True, blank=True)
    stored = models.PositiveIntegerField(_("figures stored"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name = _("fetch")
        verbose_name_plural = _("fetches")

    def __str__(self) -> str:
        return f"{self.endpoint_id} #{self.attempt} {'ok' if self.ok else 'failed'}"


class AlertRule(models.Model):
    """Off track: a unit's value worse than `threshold` (or, without one, than its target for the year)."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="alert_rules",
                               verbose_name=_("metric"))
    threshold = models.FloatField(_("threshold"), null=True, blank=True, help_text=_("Empty: the year's target."))
    is_active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.metric.label()


class Alert(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts",
                             verbose_name=_("alert rule"))
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="kpi_alerts",
                             verbose_name=_("unit"))
    period = models.CharField(_("period"), max_length=10)
    value = models.FloatField(_("value"))
    threshold = models.FloatField(_("threshold"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    grants = {"officer": {"view"}, "reviewer": {"view"}, "leader": {"view"}}

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["rule", "unit", "period"], name="kpi_alert_once")]

    def __str__(self) -> str:
        return f"{self.rule} — {self.unit} — {periods.label(self.period)}"
