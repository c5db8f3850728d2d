"""Values for index indicators whose data source is the IT registry (`source: itprojects`).

The index module calls `indicator_value(unit, code, as_of)`; the unit's systems are those owned by the
unit or by units under it (for the province: every system). The registry keeps the current record of
each system; `as_of` selects the systems in service on that day by their dates (in service since,
retired on) and dates the security-assessment and review checks.
"""

from __future__ import annotations

import datetime

from . import portfolio

CODES = {
    "security_approved_share": "Share of systems in service with an approved security level",
    "security_current_share": "Share of systems in service with an approved, up-to-date security level",
    "lgsp_share": "Share of systems in service connected to the provincial LGSP",
    "ndxp_share": "Share of systems in service connected to the national NDXP",
    "sharing_share": "Share of systems in service sharing data with another system",
    "reviewed_share": "Share of systems in service reviewed in the last year",
    "systems_in_service": "Number of systems in service",
}


def unit_systems(unit):
    from dxboard.accounts.permissions import _subtree

    from .models import System

    return System.objects.filter(owner__in=_subtree({unit.pk}))


def _as_live(queryset, as_of: datetime.date) -> list:
    """The systems in service on `as_of`, with their stage read as of that day (in service)."""
    systems = list(queryset.in_service(as_of))
    for s in systems:
        s.stage = "operating"
    return systems


# Numerator key in `portfolio.coverage()` for each share (denominator: systems in service).
COUNTS = {"security_approved_share": "security_approved", "security_current_share": "security_current",
          "lgsp_share": "lgsp", "ndxp_share": "ndxp", "sharing_share": "sharing"}

# Which registry figure feeds which indicator of the frameworks shipped in frameworks/ (by framework
# code, then indicator code). A province's own framework passes its own mapping to `feed_submission`.
DEFAULT_MAPPING = {
    "province-department-template": {"HT2": "lgsp_share", "AT1": "security_approved_share"},
    "province-commune-template": {"AT1": "security_approved_share"},
}


def indicator_fraction(unit, code: str, as_of: datetime.date | None = None) -> tuple[int, int]:
    """(numerator, denominator) behind a share, for indicators with a fraction rule."""
    as_of = as_of or datetime.date.today()
    queryset = unit_systems(unit)
    live = _as_live(queryset, as_of)
    if code == "reviewed_share":
        late = portfolio.overdue(live, portfolio.last_reviewed(queryset), as_of)
        return len(live) - len(late), len(live)
    if code not in COUNTS:
        raise KeyError(code)
    figures = portfolio.coverage(live, portfolio.sharing_ids(queryset), as_of)
    return figures[COUNTS[code]], figures["in_service"]


def feed_submission(*, acting_user, submission, mapping: dict[str, str] | None = None,
                    as_of: datetime.date | None = None) -> int:
    """Fill the answers of `submission` whose indicator has source `itprojects` and a registry figure in
    `mapping` ({indicator code: figure code}; by default DEFAULT_MAPPING for the framework). Goes through
    `index.actions.save_answer` (the standing office's right to fill module-fed answers; audited).
    A unit without any system in service is left unanswered. Returns the number of answers saved."""
    from dxboard.index import actions as index_actions

    if mapping is None:
        mapping = DEFAULT_MAPPING.get(submission.campaign.framework.code, {})
    saved = 0
    for answer in submission.answers.select_related("indicator"):
        indicator = answer.indicator
        if indicator.source != "itprojects" or indicator.code not in mapping:
            continue
        figure = mapping[indicator.code]
        if indicator.rule_type == "fraction" and (figure in COUNTS or figure == "reviewed_share"):
            numerator, denominator = indicator_fraction(submission.unit, figure, as_of)
            if not denominator:
                continue
            fields = {"numerator": numerator, "denominator": denominator}
        else:
            value = indicator_value(submission.unit, figure, as_of)
            if value is None:
                continue
            fields = {"value": value}
        index_actions.save_answer(acting_user=acting_user, answer=answer, expected_version=answer.version,
                                  comment="Lấy từ danh mục hệ thống thông tin", **fields)
        saved += 1
    return saved


def indicator_value(unit, code: str, as_of: datetime.date | None = None) -> float | None:
    """The value of indicator `code` for `unit` on `as_of` (today by default); None when the unit has no
    system in service (the index treats it as missing). Unknown codes raise KeyError."""
    if code not in CODES:
        raise KeyError(code)
    as_of = as_of or datetime.date.today()
    queryset = unit_systems(unit)
    live = _as_live(queryset, as_of)
    if code == "systems_in_service":
        return float(len(live))
    if code == "reviewed_share":
        late = portfolio.overdue(live, portfolio.last_reviewed(queryset), as_of)
        return round(1 - len(late) / len(live), 4) if live else None
    figures = portfolio.coverage(live, portfolio.sharing_ids(queryset), as_of)
    return figures[code]
