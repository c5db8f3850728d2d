"""The registry end to end through pages and the API: register, edit, usage, data sets and links,
portfolio, graph, duplicates, review; every change audited."""

import datetime

import pytest

from dxboard.audit.models import AuditEntry
from dxboard.itprojects import actions
from dxboard.itprojects.models import Link, Review, System

from .conftest import make_system

FORM = {"code": "eoffice-a", "name": "Quản lý văn bản phường", "kind": "system", "domain": "documents",
        "level": "commune", "stage": "operating", "security_status": "none"}


def test_officer_registers_and_edits_a_system(login, personas, tree):
    client = login(personas["officer_a"])
    page = client.get("/itprojects/systems/new/").content.decode()
    # the owner list offers the officer's own unit only
    assert f'value="{tree["A"].pk}"' in page and f'value="{tree["B"].pk}"' not in page.split('name="operator"')[0]
    response = client.post("/itprojects/systems/new/", {**FORM, "owner": tree["A"].pk})
    system = System.objects.get(code="eoffice-a")
    assert response.status_code == 302 and response["Location"] == f"/itprojects/systems/{system.pk}/"
    response = client.post(f"/itprojects/systems/{system.pk}/edit/", {
        **FORM, "owner": tree["A"].pk, "security_status": "approved", "security_level": "2",
        "budget_approved": "100", "budget_disbursed": "80"})
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.security_level == 2 and system.budget_disbursed == 80
    entries = AuditEntry.objects.filter(object_type="itprojects.system", object_id=str(system.pk))
    assert set(entries.values_list("action", flat=True)) == {"itprojects.create_system", "itprojects.update_system"}
    update = entries.get(action="itprojects.update_system")
    assert update.before["security_level"] is None and update.after["security_level"] == 2
    assert update.unit == tree["A"]


def test_officer_cannot_register_for_another_unit(login, personas, tree):
    client = login(personas["officer_a"])
    response = client.post("/itprojects/systems/new/", {**FORM, "owner": tree["B"].pk})
    assert response.status_code == 200 and not System.objects.exists()


def test_rules_are_refused_in_the_readers_language(login, personas, tree):
    client = login(personas["officer_a"])
    html = client.post("/itprojects/systems/new/", {**FORM, "owner": tree["A"].pk, "budget_approved": "10",
                                                    "budget_disbursed": "20"}).content.decode()
    assert "Số đã giải ngân không được vượt tổng mức được duyệt." in html and "cannot exceed" not in html
    assert not System.objects.exists()


def test_datasets_and_links_from_the_system_page(login, personas, systems):
    a, b = systems["A"], systems["B"]
    client = login(personas["officer_a"])
    client.post(f"/itprojects/systems/{a.pk}/datasets/", {"name": "Dữ liệu hộ tịch", "personal_data": "on"})
    client.post(f"/itprojects/systems/{a.pk}/links/", {"target": b.pk, "dataset": "Dữ liệu hộ tịch",
                                                       "channel": "lgsp"})
    client.post(f"/itprojects/systems/{a.pk}/links/", {"target_name": "CSDL quốc gia về dân cư",
                                                       "dataset": "Xác thực công dân", "channel": "ndxp"})
    assert a.datasets.get().personal_data
    assert sorted(Link.objects.filter(source=a).values_list("channel", flat=True)) == ["lgsp", "ndxp"]
    # a link needs a receiver
    client.post(f"/itprojects/systems/{a.pk}/links/", {"dataset": "x", "channel": "api"})
    assert Link.objects.filter(source=a).count() == 2
    # B's officer sees the incoming link on B's page, without A's details being editable
    html = login(personas["officer_b"]).get(f"/itprojects/systems/{b.pk}/").content.decode()
    assert "Thêm 1 kết nối đến" in html  # A is hidden from B: counted, not listed
    assert a.name not in html.split('id="links"')[1].split("<form")[0]  # (it is offered as a link target)
    assert AuditEntry.objects.filter(action="itprojects.add_link").count() == 2


def test_usage_page_by_operator(login, personas, tree):
    system = make_system(tree["D"], "shared", operator=tree["A"])
    client = login(personas["officer_a"])
    assert client.get(f"/itprojects/systems/{system.pk}/edit/").status_code == 404
    response = client.post(f"/itprojects/systems/{system.pk}/usage/", {
        "monthly_active_users": "150", "monthly_transactions": "3000", "incidents_year": "1", "yearly_cost": "36"})
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.monthly_transactions == 3000 and system.usage_updated is not None
    assert system.cost_per_transaction == pytest.approx(1.0)  # 36 million / 36,000 transactions a year


def test_portfolio_page_graph_and_duplicates(login, personas, tree):
    a1 = make_system(tree["A"], "vb-a", name="Phần mềm quản lý văn bản Bắc Giang", function="document-management",
                     origin=tree["old_province"], security_status="approved", security_level=2, lgsp=True)
    b1 = make_system(tree["B"], "vb-b", name="Hệ thống quản lý văn bản và điều hành", function="document-management")
    actions.add_link(acting_user=personas["admin"], source=a1, target=b1, dataset="Văn bản <đến>", channel="lgsp")
    client = login(personas["leader"])
    html = client.get("/itprojects/portfolio/").content.decode()
    assert 'id="security-share">50%' in html
    assert 'src="/itprojects/graph.svg"' in html
    svg = client.get("/itprojects/graph.svg")
    assert svg["Content-Type"].startswith("image/svg+xml")
    body = svg.content.decode()
    assert body.startswith("<svg") and "<style" not in body and "<script" not in body
    assert "Văn bản &lt;đến&gt;" in body and "Phần mềm quản lý văn bản" in body
    links = client.get("/itprojects/graph/").content.decode()
    assert "<th>Hệ thống nguồn</th><th>Hệ thống nhận</th>" in links and "Từ ngày" not in links
    dup = client.get("/itprojects/duplicates/").content.decode()
    assert "vb-a" not in dup and a1.name in dup and b1.name in dup
    # officer A's graph shows B's system only as an outside box label, and A's portfolio counts A only
    officer = login(personas["officer_a"])
    assert 'id="security-share">100%' in officer.get("/itprojects/portfolio/").content.decode()


def test_registry_list_filters_and_htmx(login, personas, systems):
    systems["B"].stage = "planned"
    systems["B"].save()
    client = login(personas["admin"])
    html = client.get("/itprojects/?stage=planned").content.decode()
    assert systems["B"].name in html and systems["A"].name not in html
    fragment = client.get("/itprojects/?q=sys-a", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and systems["A"].name in fragment


def test_api_lists_filters_and_portfolio(login, personas, systems):
    client = login(personas["leader"])
    data = client.get("/api/v1/itprojects/systems/?owner=07210").json()
    assert [s["code"] for s in data["results"]] == ["sys-a"]
    assert data["results"][0]["owner"] == "07210"
    figures = client.get("/api/v1/itprojects/portfolio/").json()
    assert figures["coverage"]["in_service"] == 3 and figures["totals"]["count"] == 3
    assert client.get("/api/v1/itprojects/portfolio/?as_of=nope").status_code == 400


def test_usage_through_the_api(login, personas, systems):
    client = login(personas["officer_a"])
    response = client.patch(f"/api/v1/itprojects/systems/{systems['A'].pk}/usage/",
                            {"monthly_active_users": 77}, content_type="application/json")
    assert response.status_code == 200 and response.json()["monthly_active_users"] == 77


# -- review ------------------------------------------------------------------------------------------------
def test_review_on_the_page_completes_and_notifies_the_owner(login, personas, systems, campaign):
    from dxboard.accounts.models import Membership
    from dxboard.core.models import Notification

    assert campaign.reviews.count() == 3
    review = campaign.reviews.get(system=systems["A"])
    client = login(personas["admin"])
    base = {"score_integration": 2, "score_security": 3, "score_usage": 4, "score_cost": 3, "score_quality": 3,
            "score_duplication": 1, "findings": "Trùng chức năng", "verdict": "merge", "merge_with": systems["B"].pk,
            "follow_up": "Hợp nhất vào hệ thống của phường B", "follow_up_deadline": "2027-03-31"}
    # a merge without a deadline is refused
    html = client.post(f"/itprojects/review/{review.pk}/", {**base, "follow_up_deadline": "", "complete": "1"}
                       ).content.decode()
    assert "Kết luận khác “duy trì” cần có việc tiếp theo và thời hạn." in html
    response = client.post(f"/itprojects/review/{review.pk}/", {**base, "complete": "1"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.DONE and review.total == pytest.approx(16 / 30, abs=1e-3)
    assert review.reviewed_by == personas["admin"]
    assert Notification.objects.filter(user=personas["officer_a"]).exists()
    assert Membership.objects.filter(user=personas["officer_a"]).exists()
    payload = actions.follow_up_payload(review)
    assert payload["lead_unit"] == systems["A"].owner and payload["deadline"] == datetime.date(2027, 3, 31)
    assert payload["text"] == base["follow_up"] and systems["A"].name in payload["title"]
    # the owner reads the result
    html = login(personas["officer_a"]).get(f"/itprojects/review/{review.pk}/").content.decode()
    assert 'id="verdict">' in html and systems["B"].name in html
    assert AuditEntry.objects.filter(action="itprojects.complete_review", object_id=str(review.pk)).exists()


def test_review_through_the_api(login, personas, systems, campaign):
    review = campaign.reviews.get(system=systems["B"])
    client = login(personas["admin"])
    response = client.patch(f"/api/v1/itprojects/reviews/{review.pk}/",
                            {"score_usage": 9}, content_type="application/json")
    assert response.status_code == 400
    response = client.patch(f"/api/v1/itprojects/reviews/{review.pk}/",
                            {"score_usage": 5, "verdict": "keep", "complete": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    listed = client.get("/api/v1/itprojects/reviews/?year=2026&status=done").json()["results"]
    assert [r["system"] for r in listed] == ["sys-b"]
    assert actions.follow_up_payload(Review.objects.get(pk=review.pk)) is None  # keep, no follow-up
    assert client.get("/api/v1/itprojects/review-campaigns/").json()["results"][0]["year"] == 2026


def test_closed_campaign_refuses_changes(personas, systems, campaign):
    actions.close_review_campaign(acting_user=personas["admin"], campaign=campaign)
    with pytest.raises(actions.ActionError):
        actions.save_review(acting_user=personas["admin"], review=campaign.reviews.first(), verdict="keep")


def test_overdue_list_on_the_portfolio(login, personas, systems, campaign):
    review = campaign.reviews.get(system=systems["A"])
    actions.save_review(acting_user=personas["admin"], review=review, verdict="keep", complete=True)
    html = login(personas["admin"]).get("/itprojects/portfolio/").content.decode()
    overdue = html.split('id="overdue"')[1]
    assert systems["B"].name in overdue and systems["A"].name not in overdue.split("<h2>")[0]


@pytest.mark.django_db
def test_demo_registry_loads_twice_the_same(tree):
    """The demo against the hand-made tree: systems whose units are missing are skipped."""
    from dxboard.itprojects import demo

    first = demo.load_demo()
    counts = (System.objects.count(), Link.objects.count(), Review.objects.count())
    assert demo.load_demo() == first
    assert (System.objects.count(), Link.objects.count(), Review.objects.count()) == counts
    assert System.objects.filter(is_demo=True).count() == first


def test_systems_registered_after_the_campaign_opened_can_be_added(login, personas, tree, systems, campaign):
    late = make_system(tree["A"], "late")
    make_system(tree["A"], "gone", stage="retired")
    client = login(personas["admin"])
    assert client.post(f"/itprojects/reviews/{campaign.year}/add-missing/").status_code == 302
    assert set(campaign.reviews.values_list("system__code", flat=True)) == {"sys-a", "sys-b", "sys-d", late.code}
    assert login(personas["officer_a"]).post(f"/itprojects/reviews/{campaign.year}/add-missing/").status_code == 404


def test_a_review_follow_up_becomes_a_steering_task_once(login, personas, systems, campaign):
    from dxboard.steering.models import Task
    from dxboard.workdays.loader import load_holidays

    load_holidays()
    review = campaign.reviews.get(system=systems["A"])
    actions.save_review(acting_user=personas["admin"], review=review, complete=True, score_integration=2,
                        score_security=3, score_usage=4, score_cost=3, score_quality=3, score_duplication=1,
                        findings="Trùng chức năng", verdict="merge", merge_with=systems["B"],
                        follow_up="Hợp nhất vào hệ thống của phường B", follow_up_deadline=datetime.date(2027, 3, 31))
    assert login(personas["officer_a"]).post(f"/itprojects/review/{review.pk}/steering-task/").status_code == 404
    client = login(personas["admin"])
    assert "steering-task" in client.get(f"/itprojects/review/{review.pk}/").content.decode()
    response = client.post(f"/itprojects/review/{review.pk}/steering-task/")
    task = Task.objects.get()
    assert response["Location"] == f"/steering/tasks/{task.pk}/"
    assert (task.lead_unit, task.deadline, task.content) == (systems["A"].owner, datetime.date(2027, 3, 31),
                                                             "Hợp nhất vào hệ thống của phường B")
    assert "2026" in task.plan.title
    client.post(f"/itprojects/review/{review.pk}/steering-task/")
    assert Task.objects.count() == 1  # idempotent


def test_the_office_home_lists_the_reviews_still_to_complete(login, personas, campaign):
    from django.test import RequestFactory

    from dxboard.itprojects.models import Review
    from dxboard.itprojects.panels import home_panels

    def panels(user):
        request = RequestFactory().get("/")
        request.user = user
        return {p.title: p for p in home_panels(request)}

    queue = panels(personas["admin"])["Hệ thống cần hoàn thành rà soát"]
    assert queue.todo == 3 and len(queue.context["reviews"]) == 3
    Review.objects.filter(pk=campaign.reviews.first().pk).update(status=Review.Status.DONE)
    assert panels(personas["admin"])["Hệ thống cần hoàn thành rà soát"].todo == 3 - 1
    assert "Hệ thống cần hoàn thành rà soát" not in panels(personas["leader"])
    Review.objects.update(status=Review.Status.DONE)
    assert "Hệ thống cần hoàn thành rà soát" not in panels(personas["admin"])  # nothing left: no panel
    assert "3 hệ thống chưa rà soát xong" not in login(personas["admin"]).get("/").content.decode()
