"""The Bắc Ninh demo: units with their history, and one demo account per role.

Deterministic and idempotent: running it twice neither fails nor duplicates. Each later module
adds its own step to DEMO_STEPS. Everything it makes is marked "(demo)".
"""

import dataclasses

from django.contrib.auth import get_user_model
from django.db import transaction

from dxboard.accounts import actions as account_actions
from dxboard.accounts.models import Role
from dxboard.units.loaders import load_province
from dxboard.units.models import Unit

DEMO_PASSWORD = "Demo-BacNinh-2025"  # noqa: S105 — printed on purpose: demo accounts only


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    note: str


# Units by official code: 24 = Tỉnh Bắc Ninh, 07210 = Phường Bắc Giang, 09187 = Phường Kinh Bắc.
DEMO_ACCOUNTS = [
    DemoAccount("admin", "Quản trị Sở KH&CN (demo)", Role.ADMIN, "24", "province admin; sets up 2FA at first login"),
    DemoAccount("lanhdao", "Lãnh đạo Ban Chỉ đạo (demo)", Role.LEADER, "24", "leader: reads dashboards"),
    DemoAccount("thamdinh", "Thành viên hội đồng thẩm định (demo)", Role.REVIEWER, "07210", "reviewer of two communes"),
    DemoAccount("cb.skhcn", "Cán bộ Sở KH&CN (demo)", Role.OFFICER, "SKHCN", "department officer"),
    DemoAccount("cb.bacgiang", "Cán bộ phường Bắc Giang (demo)", Role.OFFICER, "07210", "commune officer"),
    DemoAccount("cb.kinhbac", "Cán bộ phường Kinh Bắc (demo)", Role.OFFICER, "09187", "commune officer"),
]
EXTRA_MEMBERSHIPS = [("thamdinh", Role.REVIEWER, "09187")]


def _demo_units() -> None:
    load_province("Bắc Ninh", history=True)


def _demo_people() -> None:
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = account_actions.create_user(acting_user=None, username=account.username, password=DEMO_PASSWORD,
                                               full_name=account.full_name,
                                               email=f"{account.username}@demo.dxboard.invalid")
        account_actions.add_membership(acting_user=None, user=user, unit=Unit.objects.get(code=account.unit_code),
                                       role=account.role)
    for username, role, code in EXTRA_MEMBERSHIPS:
        account_actions.add_membership(acting_user=None, user=User.objects.get(username=username),
                                       unit=Unit.objects.get(code=code), role=role)


def _demo_index() -> None:
    from dxboard.index.demo import load_demo as load_index_demo

    load_index_demo()


def _demo_itprojects() -> None:
    from dxboard.itprojects.demo import load_demo as load_itprojects_demo

    load_itprojects_demo()


def _demo_steering() -> None:
    from dxboard.steering.demo import load_demo as load_steering_demo

    load_steering_demo()


def _demo_feedback() -> None:
    from dxboard.feedback.demo import load_demo as load_feedback_demo

    load_feedback_demo()


def _demo_kpi() -> None:
    from dxboard.kpi.demo import load_demo as load_kpi_demo

    load_kpi_demo()


DEMO_STEPS = [_demo_units, _demo_people, _demo_index, _demo_itprojects, _demo_steering, _demo_feedback, _demo_kpi]


@transaction.atomic
def load_demo() -> None:
    for step in DEMO_STEPS:
        step()
