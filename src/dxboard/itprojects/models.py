"""The registry of information systems and IT projects, the links along which they exchange data, and
the yearly review of each system by the standing office.

Row permissions: a system belongs to its owner unit (chủ quản, `unit_path = "owner"`). Its operator
unit (đơn vị vận hành) may read it and report usage figures (action `usage`), which
`SystemQuerySet.restrict` adds on top of the owner rule. Reviews are written by the standing office
only; the owner's officers read them.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dxboard.accounts.models import Role
from dxboard.core.querysets import RestrictedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 1, "null": True, "blank": True}  # million VND


class Stage(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    IMPLEMENTING = "implementing", _("Implementing")
    ACCEPTED = "accepted", pgettext_lazy("project stage", "Accepted")
    OPERATING = "operating", _("Operating")
    RETIRED = "retired", _("Retired")


STAGE_ORDER = [s.value for s in Stage]
IN_SERVICE = (Stage.ACCEPTED, Stage.OPERATING)


class Domain(models.TextChoices):
    GOVERNMENT = "government", _("Digital government (shared)")
    PUBLIC_SERVICES = "public_services", _("Public services")
    DOCUMENTS = "documents", _("Documents and administration")
    PLATFORM = "platform", _("Platforms and infrastructure")
    SECURITY = "security", _("Security and surveillance")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    LAND = "land", _("Land, environment and agriculture")
    FINANCE = "finance", _("Finance and planning")
    TRANSPORT = "transport", _("Transport and construction")
    SOCIAL = "social", _("Labour, society and culture")
    ECONOMY = "economy", _("Economy and trade")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    BOTH = "both", _("Province and communes")


class Funding(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    PROVINCIAL = "provincial", _("Provincial budget")
    COMMUNE = "commune", _("Commune budget")
    ODA = "oda", _("ODA / loans")
    OTHER = "other", _("Other")


class Delivery(models.TextChoices):
    INVESTMENT = "investment", _("Own investment")
    SERVICE = "service", _("Hired service")


class Hosting(models.TextChoices):
    PROVINCIAL_DC = "provincial_dc", _("Provincial data centre")
    NATIONAL_DC = "national_dc", _("National data centre")
    CLOUD = "cloud", _("Cloud")
    ON_PREMISES = "on_premises", _("Unit's own servers")


class SecurityStatus(models.TextChoices):
    NONE = "none", _("Not proposed")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


class SystemQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """The owner rule, plus: the operator unit's officers read the system and report its usage."""
        from dxboard.accounts.permissions import EVERYTHING, scope

        allowed = scope(user, action, self.model)
        if allowed is EVERYTHING:
            return self
        if not allowed:
            return self.none()
        if action in OPERATOR_ACTIONS:
            return self.filter(Q(owner__in=allowed) | Q(operator__in=allowed))
        return self.filter(owner__in=allowed)

    def in_service(self, as_of: datetime.date | None = None):
        """Systems accepted or operating; with `as_of`, those live on that day by their dates."""
        if as_of is None:
            return self.filter(stage__in=IN_SERVICE)
        return self.filter(Q(go_live__isnull=True, stage__in=IN_SERVICE) | Q(go_live__lte=as_of),
                           Q(retired_on__isnull=True) | Q(retired_on__gt=as_of))


OPERATOR_ACTIONS = {"view", "usage"}


class System(models.Model):
    """An information system or IT project (hệ thống thông tin / dự án CNTT)."""

    class Kind(models.TextChoices):
        SYSTEM = "system", _("Information system")
        PROJECT = "project", _("IT project")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SYSTEM)
    purpose = models.TextField(_("purpose"), blank=True)
    function = models.SlugField(_("function"), max_length=60, blank=True,
                                help_text=_("A short key for the job the system does, e.g. document-management."))
    owner = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="systems_owned",
                              verbose_name=_("owner unit"))
    operator = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="systems_operated",
                                 null=True, blank=True, verbose_name=_("operator unit"))
    origin = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                               verbose_name=_("origin (before a merger)"),
                               help_text=_("The former unit that built the system, e.g. the old province."))
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    level = models.CharField(_("level served"), max_length=10, choices=Level.choices, default=Level.PROVINCE)
    stage = models.CharField(_("stage"), max_length=14, choices=Stage.choices, default=Stage.PLANNED)
    go_live = models.DateField(_("in service since"), null=True, blank=True)
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    # investment
    decision_number = models.CharField(_("investment decision number"), max_length=80, blank=True)
    decision_date = models.DateField(_("investment decision date"), null=True, blank=True)
    funding = models.CharField(_("funding source"), max_length=12, choices=Funding.choices, blank=True)
    budget_approved = models.DecimalField(_("approved budget (million VND)"), **MONEY)
    budget_disbursed = models.DecimalField(_("disbursed (million VND)"), **MONEY)
    delivery = models.CharField(_("investment or service"), max_length=12, choices=Delivery.choices, blank=True)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    hosting = models.CharField(_("hosting"), max_length=16, choices=Hosting.choices, blank=True)
    # security (Decree 85/2016)
    security_level = models.PositiveSmallIntegerField(_("security level (1–5)"), null=True, blank=True)
    security_status = models.CharField(_("security level status"), max_length=10, choices=SecurityStatus.choices,
                                       default=SecurityStatus.NONE)
    security_decision = models.CharField(_("security level decision"), max_length=80, blank=True)
    security_assessed = models.DateField(_("last security assessment"), null=True, blank=True)
    # integration
    lgsp = models.BooleanField(_("connected to the provincial LGSP"), default=False)
    ndxp = models.BooleanField(_("connected to the national NDXP"), default=False)
    national_databases = models.CharField(_("national databases used"), max_length=300, blank=True)
    apis = models.TextField(_("APIs offered"), blank=True)
    # usage and cost
    target_users = models.PositiveIntegerField(_("target users"), null=True, blank=True)
    monthly_active_users = models.PositiveIntegerField(_("monthly active users"), null=True, blank=True)
    monthly_transactions = models.PositiveIntegerField(_("monthly transactions"), null=True, blank=True)
    incidents_year = models.PositiveIntegerField(_("incidents this year"), null=True, blank=True)
    yearly_cost = models.DecimalField(_("yearly cost (million VND)"), **MONEY)
    usage_updated = models.DateField(_("usage figures as of"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SystemQuerySet.as_manager()
    unit_path = "owner"
    grants = {Role.OFFICER: {"view", "add", "change", "delete", "usage"}, Role.REVIEWER: {"view"},
              Role.LEADER: {"view"}}

    class Meta:
        ordering = ["name"]
        verbose_name = _("IT system")
        verbose_name_plural = _("IT systems")
        constraints = [
            models.CheckConstraint(condition=Q(security_level__isnull=True)
                                   | Q(security_level__gte=1, security_level__lte=5), name="itsystem_security_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def security_approved(self) -> bool:
        return self.security_status == SecurityStatus.APPROVED and self.security_level is not None

    @property
    def cost_per_transaction(self):
        """Yearly cost (million VND) per transaction, in thousand VND; None without both figures."""
        if self.yearly_cost is None or not self.monthly_transactions:
            return None
        return float(self.yearly_cost) * 1000 / (12 * self.monthly_transactions)


class DataSet(models.Model):
    """A data set a system holds."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="datasets", verbose_name=_("IT system"))
    name = models.CharField(_("name"), max_length=200)
    personal_data = models.BooleanField(_("holds personal data"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "system__owner"
    grants = {Role.OFFICER: {"view", "add", "change", "delete"}, Role.REVIEWER: {"view"}, Role.LEADER: {"view"}}

    class Meta:
        ordering = ["system", "name"]
        constraints = [models.UniqueConstraint(fields=["system", "name"], name="itdataset_name_per_system")]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    LGSP = "lgsp", _("Provincial LGSP")
    NDXP = "ndxp", _("National NDXP")
    API = "api", _("Direct API")
    FILE = "file", _("File transfer")


class Link(models.Model):
    """`source` sends a data set to `target` (a registered system, or an outside system by name)."""

    source = models.ForeignKey(System, on_delete=models.CASCADE, related_name="links_out",
                               verbose_name=_("sending system"))
    target = models.ForeignKey(System, on_delete=models.CASCADE, related_name="links_in", null=True, blank=True,
                               verbose_name=_("receiving system"))
    target_name = models.CharField(_("outside system"), max_length=200, blank=True,
                                   help_text=_("For a system outside the registry, e.g. a national database."))
    dataset = models.CharField(_("data set"), max_length=200)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "source__owner"
    grants = DataSet.grants

    class Meta:
        ordering = ["source", "pk"]
        verbose_name = _("data link")
        verbose_name_plural = _("data links")
        constraints = [models.CheckConstraint(condition=Q(target__isnull=False) | ~Q(target_name=""),
                                              name="itlink_has_target")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target or self.target_name}: {self.dataset}"

    @property
    def target_label(self) -> str:
        return str(self.target) if self.target_id else self.target_name


class ReviewCampaign(models.Model):
    """The yearly review: one review per system in the registry when it opened."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("campaign status", "Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveIntegerField(_("year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")

    def __str__(self) -> str:
        return self.name


class Verdict(models.TextChoices):
    KEEP = "keep", _("Keep")
    UPGRADE = "upgrade", _("Upgrade")
    MERGE = "merge", _("Merge")
    RETIRE = "retire", _("Retire")


# (field name, label); each scored 0–5 by the standing office.
CRITERIA = [
    ("score_integration", _("Integration and data sharing")),
    ("score_security", _("Security level approved and up to date")),
    ("score_usage", _("Usage against target users")),
    ("score_cost", _("Cost per transaction")),
    ("score_quality", _("Citizen-facing quality")),
    ("score_duplication", _("No duplication")),
]
MAX_SCORE = 5


def _score(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True)


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Not reviewed yet")
        DRAFT = "draft", _("Being reviewed")
        DONE = "done", _("Reviewed")

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="reviews",
                                 verbose_name=_("review campaign"))
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("IT system"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    score_integration = _score(CRITERIA[0][1])
    score_security = _score(CRITERIA[1][1])
    score_usage = _score(CRITERIA[2][1])
    score_cost = _score(CRITERIA[3][1])
    score_quality = _score(CRITERIA[4][1])
    score_duplication = _score(CRITERIA[5][1])
    findings = models.TextField(_("findings"), blank=True)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices, blank=True)
    merge_with = models.ForeignKey(System, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("merge with"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_deadline = models.DateField(_("follow-up deadline"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=pgettext_lazy("IT review", "reviewed by"))
    reviewed_at = models.DateTimeField(pgettext_lazy("IT review", "reviewed at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "system__owner"
    # Officers and reviewers read their systems' reviews; only the standing office (admin) writes them.
    grants = {Role.OFFICER: {"view"}, Role.REVIEWER: {"view"}, Role.LEADER: {"view"}}

    class Meta:
        ordering = ["campaign", "system__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "system"], name="itreview_once_per_campaign")]
        verbose_name = _("system review")
        verbose_name_plural = _("system reviews")

    def __str__(self) -> str:
        return f"{self.campaign} — {self.system}"

    @property
    def scores(self) -> list[tuple[str, str, int | None]]:
        return [(field, label, getattr(self, field)) for field, label in CRITERIA]

    @property
    def total(self) -> float | None:
        """Mean score as a share of the maximum (0–1), over the criteria scored."""
        given = [v for _f, _l, v in self.scores if v is not None]
        return round(sum(given) / (MAX_SCORE * len(given)), 3) if given else None
