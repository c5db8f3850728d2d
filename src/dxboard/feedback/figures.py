"""Handling figures per unit and category, as pure functions over assignments.

Every stay of a report with a unit counts once for that unit, whatever its outcome: a stay that ends
by re-routing, return to the intake office, rejection or merging counts as *not on time*, and in the
rejection / re-route shares (a return is a re-route the unit asked for). So a unit cannot improve its
on-time share by sending reports away.
"""

import dataclasses
import datetime
import math
from collections.abc import Iterable

SENT_AWAY = ("rerouted", "returned")  # stays that ended with the report going to another unit or back to intake


@dataclasses.dataclass
class Stay:
    unit: object
    category: object
    assigned_at: datetime.datetime
    deadline: datetime.datetime
    outcome: str  # open / answered / rerouted / returned / rejected / merged
    ended_at: datetime.datetime | None = None
    first_response_at: datetime.datetime | None = None
    paused_seconds: int = 0
    reopened: bool = False
    score: int | None = None


@dataclasses.dataclass
class Figures:
    received: int = 0
    finished: int = 0
    answered: int = 0
    on_time: int = 0
    counted: int = 0  # finished stays + open stays already past their deadline
    rejected: int = 0
    rerouted: int = 0
    reopened: int = 0
    on_time_pct: float | None = None
    avg_hours: float | None = None
    p90_hours: float | None = None
    first_response_hours: float | None = None
    satisfaction: float | None = None
    rejection_pct: float | None = None
    reroute_pct: float | None = None
    reopen_pct: float | None = None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def cached_table(seconds: int = 300) -> dict:
    """The province's table for the public page, recomputed at most every `seconds`."""
    from django.core.cache import cache

    found = cache.get("feedback:figures")
    if found is None:
        found = table(public=True)
        cache.set("feedback:figures", found, seconds)
    return found


def _hours(stay: Stay) -> float:
    return max(0.0, ((stay.ended_at - stay.assigned_at).total_seconds() - stay.paused_seconds) / 3600)


def compute(stays: Iterable[Stay], now: datetime.datetime | None = None) -> Figures:
    stays = list(stays)
    fig = Figures(received=len(stays))
    finished = [s for s in stays if s.outcome != "open"]
    # An open stay already past its deadline is late whatever happens next.
    overdue_open = [s for s in stays if s.outcome == "open" and now is not None and now > s.deadline]
    answered = [s for s in finished if s.outcome == "answered"]
    fig.finished, fig.answered = len(finished), len(answered)
    on_time = [s for s in answered if s.ended_at <= s.deadline]
    fig.on_time, fig.counted = len(on_time), len(finished) + len(overdue_open)
    fig.on_time_pct = _pct(fig.on_time, fig.counted)
    hours = [_hours(s) for s in answered]
    if hours:
        fig.avg_hours = round(sum(hours) / len(hours), 1)
        fig.p90_hours = round(percentile(hours, 0.9), 1)
    responded = [(s.first_response_at - s.assigned_at).total_seconds() / 3600 for s in stays if s.first_response_at]
    if responded:
        fig.first_response_hours = round(sum(responded) / len(responded), 1)
    scores = [s.score for s in answered if s.score is not None]
    if scores:
        fig.satisfaction = round(sum(scores) / len(scores), 2)
    fig.rejected = sum(s.outcome == "rejected" for s in finished)
    fig.rerouted = sum(s.outcome in SENT_AWAY for s in finished)
    fig.reopened = sum(s.reopened for s in answered)
    fig.rejection_pct = _pct(fig.rejected, len(finished))
    fig.reroute_pct = _pct(fig.rerouted, len(finished))
    fig.reopen_pct = _pct(fig.reopened, len(answered))
    return fig


def by(stays: Iterable[Stay], key, now=None) -> dict:
    groups: dict = {}
    for s in stays:
        groups.setdefault(key(s), []).append(s)
    return {k: compute(v, now) for k, v in groups.items()}


# -- from the database -----------------------------------------------------------------------------
def stays_from_db(start: datetime.date | None = None, end: datetime.date | None = None, *,
                  resolve: bool = False, **filters) -> list[Stay]:
    """Assignments as Stays (unit and category as ids, or as objects with `resolve`)."""
    from dxboard.units.models import Unit

    from .models import Assignment, Category, Rating

    qs = Assignment.objects.filter(**filters)
    if start:
        qs = qs.filter(assigned_at__date__gte=start)
    if end:
        qs = qs.filter(assigned_at__date__lte=end)
    rows = list(qs.values_list("pk", "unit_id", "report__category_id", "assigned_at", "deadline", "outcome",
                               "ended_at", "first_response_at", "paused_seconds", "reopened"))
    scores = dict(Rating.objects.filter(answer__assignment__in=qs).values_list("answer__assignment_id", "score"))
    units = categories = {}
    if resolve:
        units = Unit.objects.in_bulk({r[1] for r in rows})
        categories = Category.objects.in_bulk({r[2] for r in rows})
    return [Stay(unit=units.get(u, u), category=categories.get(c, c), assigned_at=at, deadline=dl, outcome=out,
                 ended_at=ended, first_response_at=first, paused_seconds=paused, reopened=reopened,
                 score=scores.get(pk))
            for pk, u, c, at, dl, out, ended, first, paused, reopened in rows]


def table(start=None, end=None, now=None, *, public: bool = False) -> dict:
    """Figures per unit, per category and for the province. For the `public`, sensitive categories are
    counted in their group (CategoryGroup), as their reports are shown: a row of its own for a sensitive
    category would tell how many reports of domestic violence a small commune had."""
    from django.utils import timezone

    from .models import CategoryGroup

    now = now or timezone.now()
    stays = stays_from_db(start, end, resolve=True)

    def category(stay):
        return CategoryGroup(stay.category.group) if public and stay.category.sensitive else stay.category

    return {"units": sorted(by(stays, lambda s: s.unit, now).items(), key=lambda kv: kv[0].name),
            "categories": sorted(by(stays, category, now).items(), key=lambda kv: str(kv[0].name)),
            "total": compute(stays, now)}


INDICATOR_CODES = ("received", "on_time_pct", "avg_hours", "p90_hours", "first_response_hours", "satisfaction",
                   "rejection_pct", "reroute_pct", "reopen_pct")


def _figures_for(unit, period_start, period_end) -> Figures:
    from django.utils import timezone

    end_of_period = datetime.datetime.combine(period_end, datetime.time.max, tzinfo=timezone.get_current_timezone())
    now = min(timezone.now(), end_of_period)
    return compute(stays_from_db(period_start, period_end, unit=unit), now)


# percentage code → (numerator field, denominator field) of Figures
FRACTIONS = {"on_time_pct": ("on_time", "counted"), "rejection_pct": ("rejected", "finished"),
             "reroute_pct": ("rerouted", "finished"), "reopen_pct": ("reopened", "answered")}


def indicator_fraction(unit, code: str, period_start: datetime.date, period_end: datetime.date) -> tuple[int, int]:
    """(numerator, denominator) of a percentage code, for indicators scored as a fraction."""
    code = code.removeprefix("feedback.")
    if code not in FRACTIONS:
        raise KeyError(code)
    fig = _figures_for(unit, period_start, period_end)
    num, den = FRACTIONS[code]
    return getattr(fig, num), getattr(fig, den)


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """A campaign period ("2025" or "2025-06") as its first and last day."""
    if len(period) == 4:
        year = int(period)
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    year, month = (int(p) for p in period.split("-")[:2])
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def feed_submission(*, acting_user, submission, mapping: dict[str, str] | None = None) -> int:
    """Fill the answers of `submission` whose indicator has source `feedback` from the unit's handling
    figures over the campaign's period. `mapping` is {indicator code: figure code}; without it an
    indicator whose code is a figure code (INDICATOR_CODES) is fed. Fraction indicators get numerator
    and denominator; others the value. A unit with nothing to count is left unanswered. Goes through
    `index.actions.save_answer` (audited). Returns the number of answers saved."""
    from dxboard.index import actions as index_actions

    start, end = period_bounds(submission.campaign.period)
    saved = 0
    for answer in submission.answers.select_related("indicator"):
        indicator = answer.indicator
        if indicator.source != "feedback":
            continue
        figure = (mapping or {}).get(indicator.code) or indicator.code.lower().removeprefix("feedback.")
        if figure not in INDICATOR_CODES:
            continue
        if indicator.rule_type == "fraction" and figure in FRACTIONS:
            numerator, denominator = indicator_fraction(submission.unit, figure, start, end)
            if not denominator:
                continue
            fields = {"numerator": numerator, "denominator": denominator}
        else:
            value = indicator_value(submission.unit, figure, start, end)
            if value is None:
                continue
            fields = {"value": value}
        index_actions.save_answer(acting_user=acting_user, answer=answer, expected_version=answer.version,
                                  comment="Lấy từ phản ánh, kiến nghị của người dân", **fields)
        saved += 1
    return saved


def indicator_value(unit, code: str, period_start: datetime.date, period_end: datetime.date) -> float | None:
    """The value of an index indicator of source `feedback` for `unit` over a period (reports assigned
    in the period, counted to the period's end). `code` is one of INDICATOR_CODES, optionally prefixed
    `feedback.`."""
    code = code.removeprefix("feedback.")
    if code not in INDICATOR_CODES:
        raise KeyError(code)
    value = getattr(_figures_for(unit, period_start, period_end), code)
    return None if value is None else float(value)
