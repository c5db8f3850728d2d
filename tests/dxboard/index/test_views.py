"""The index pages: what each persona sees, autosave with conflicts, evidence files, results."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dxboard.audit.models import AuditEntry
from dxboard.index import actions
from dxboard.index.models import Evidence, Framework

from .conftest import answer, fill, sent


def test_officer_sees_only_their_own_form(login, personas, sub_a, sub_b):
    client = login(personas["officer_a"])
    assert client.get(f"/index/submissions/{sub_a.pk}/").status_code == 200
    assert client.get(f"/index/submissions/{sub_b.pk}/").status_code == 404
    listing = client.get("/index/").content.decode()
    assert f"/index/submissions/{sub_a.pk}/" in listing and f"/index/submissions/{sub_b.pk}/" not in listing


@pytest.mark.parametrize(("persona", "status"), [("officer_b", 404), ("dept_officer", 404), ("anonymous", 302)])
def test_other_units_cannot_save_another_units_answer(login, personas, sub_a, persona, status):
    a = answer(sub_a, "B2")
    client = login(personas[persona])
    response = client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "7"})
    assert response.status_code == status
    assert answer(sub_a, "B2").value is None


def test_autosave_returns_the_answer_with_points_and_a_new_version(login, personas, sub_a):
    a = answer(sub_a, "B2")
    client = login(personas["officer_a"])
    html = client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "6"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert f'id="answer-{a.pk}"' in html and "<html" not in html
    assert f'name="version" value="{a.version + 1}"' in html
    assert answer(sub_a, "B2").self_points == 10.0


def test_a_stale_autosave_shows_a_conflict_and_keeps_the_other_value(login, personas, sub_a):
    a = answer(sub_a, "B2")
    client = login(personas["officer_a"])
    client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "6"}, HTTP_HX_REQUEST="true")
    stale = client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "1"}, HTTP_HX_REQUEST="true")
    html = stale.content.decode()
    assert 'role="alert"' in html and "B2" in html
    assert answer(sub_a, "B2").value == 6.0
    plain = client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "1"})
    assert plain.status_code == 409


def test_evidence_upload_is_checked_and_served_only_to_those_allowed(login, personas, sub_a, sub_b, settings,
                                                                     tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = answer(sub_a, "A1")
    client = login(personas["officer_a"])
    bad = SimpleUploadedFile("plan.jpg.php", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    client.post(f"/index/answers/{a.pk}/evidence/", {"summary": "x", "file": bad})
    assert not Evidence.objects.exists()
    buf = io.BytesIO()
    image = Image.new("RGB", (20, 20))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 0.0)}  # GPS
    image.save(buf, "JPEG", exif=exif)
    good = SimpleUploadedFile("ke-hoach.jpg", buf.getvalue(), content_type="image/jpeg")
    client.post(f"/index/answers/{a.pk}/evidence/", {"summary": "Kế hoạch", "document_number": "12/KH",
                                                      "file": good})
    evidence = Evidence.objects.get()
    stored = evidence.file.path
    assert str(tmp_path) in stored and "ke-hoach" not in stored  # stored under a random name
    assert Image.open(stored).getexif().get(0x8825) is None  # re-encoded: no GPS left
    response = client.get(f"/index/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    for persona, status in (("officer_b", 404), ("dept_officer", 404), ("reviewer", 200), ("leader", 200)):
        assert login(personas[persona]).get(f"/index/evidence/{evidence.pk}/").status_code == status


def test_reviewer_decides_through_the_page(login, personas, sub_a):
    fill(sub_a, personas["officer_a"])
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    client = login(personas["reviewer"])
    client.post(f"/index/submissions/{sub_a.pk}/action/", {"action": "start_review"})
    a = answer(sub_a, "B2")
    html = client.post(f"/index/answers/{a.pk}/review/", {"decision": "returned", "note": ""},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in html  # a return needs the reviewer's request
    client.post(f"/index/answers/{a.pk}/review/", {"decision": "returned", "note": "Cần danh sách tin bài"},
                HTTP_HX_REQUEST="true")
    client.post(f"/index/submissions/{sub_a.pk}/action/", {"action": "return"})
    sub_a.refresh_from_db()
    assert sub_a.status == "returned"
    page = login(personas["officer_a"]).get(f"/index/submissions/{sub_a.pk}/").content.decode()
    assert "Cần danh sách tin bài" in page


def test_campaign_dashboard_shows_waiting_on_and_is_scoped(login, personas, campaign, sub_a):
    page = login(personas["admin"]).get(f"/index/campaigns/{campaign.pk}/").content.decode()
    assert "Phường Bắc Giang" in page and "Phường Kinh Bắc" in page
    own = login(personas["officer_a"]).get(f"/index/campaigns/{campaign.pk}/").content.decode()
    assert "Phường Bắc Giang" in own and "Phường Kinh Bắc" not in own
    assert login(personas["dept_officer"]).get(f"/index/campaigns/{campaign.pk}/").status_code == 404


def test_results_and_scorecards(login, personas, campaign, sub_a):
    fill(sub_a, personas["officer_a"])
    sent(campaign)
    actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    page = login(personas["leader"]).get(f"/index/campaigns/{campaign.pk}/results/").content.decode()
    assert page.index("Phường Bắc Giang") < page.index("Phường Kinh Bắc")  # ranked first
    assert login(personas["officer_a"]).get(f"/index/campaigns/{campaign.pk}/results/").status_code == 404
    card = login(personas["admin"]).get(f"/index/campaigns/{campaign.pk}/units/07210/").content.decode()
    assert "40" in card and "A2" in card  # 40 points; A2 has 5 points still open
    # an officer sees their own scorecard only once results are provisional
    assert login(personas["officer_a"]).get(f"/index/campaigns/{campaign.pk}/units/07210/").status_code == 404


def test_framework_import_page(login, personas, db, tree):
    client = login(personas["admin"])
    from pathlib import Path

    content = (Path(__file__).resolve().parents[3] / "frameworks" / "dti-2022-province.yaml").read_bytes()
    preview = client.post("/index/frameworks/", {"file": SimpleUploadedFile("dti.yaml", content)})
    assert preview.status_code == 200 and 'id="confirm-import"' in preview.content.decode()
    (reading,) = preview.context["preview"].changes
    assert (reading.version, reading.latest) == (1, None) and reading.code in preview.content.decode()
    assert not Framework.objects.exists()  # the preview wrote nothing
    response = client.post("/index/frameworks/", {"token": preview.context["token"]})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "CQS" in page and "DTI" in page
    assert AuditEntry.objects.filter(action="index.import_framework").count() == 1
    # the same file again: nothing to confirm, nothing written
    again = client.post("/index/frameworks/", {"file": SimpleUploadedFile("dti.yaml", content)})
    assert again.context["preview"].changes[0].unchanged and not again.context.get("token")
    assert 'id="confirm-import"' not in again.content.decode() and Framework.objects.count() == 1
    bad = client.post("/index/frameworks/", {"file": SimpleUploadedFile("bad.yaml", b"nodes: [1, 2")})
    assert "bad.yaml" in bad.content.decode()
    assert login(personas["officer_a"]).get("/index/frameworks/").status_code == 404


def test_a_framework_with_an_error_in_a_known_cell_shows_that_row_and_column_and_writes_nothing(login, personas,
                                                                                               db, tree):
    client = login(personas["admin"])
    meta = (b"Level,iCode,iName,Direction,Weight,Parent,Type\n1,x,X,1,1,I,Indicator\n1,y,Y,1,heavy,I,Indicator\n"
            b"2,I,I,1,1,NA,Aggregate\n")
    page = client.post("/index/frameworks/", {"file": SimpleUploadedFile("meta.csv", meta)})
    assert page.status_code == 200
    html = page.content.decode()
    # row 3 as the spreadsheet numbers it, column E (Weight), the reason in Vietnamese only
    assert "<td>3</td><td>E · Weight</td><td>&#x27;heavy&#x27; không phải là số</td>" in html
    assert "meta.csv" in html and 'id="confirm-import"' not in html
    assert not Framework.objects.exists() and not AuditEntry.objects.filter(action="index.import_framework").exists()


def test_statistical_audit_page_with_what_if_weights(login, personas, campaign, sub_a, sub_b):
    fill(sub_a, personas["officer_a"])
    b2 = answer(sub_b, "B1")
    actions.save_answer(acting_user=personas["officer_b"], answer=b2, expected_version=b2.version, choice="chu_tich")
    sent(campaign)
    actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    client = login(personas["admin"])
    page = client.get(f"/index/campaigns/{campaign.pk}/audit/").content.decode()
    assert "Cronbach" in page and 'id="what-if"' in page
    # A: A=25/30, B=15/20 → 40/50; B: A=0/30, B=10/20. Weight A 0 → ranks by B only: A 0.75 > B 0.5
    from dxboard.index.audit_views import what_if

    rows = what_if(campaign.official.payload, {"A": 0.0, "B": 1.0})
    assert [(r["code"], r["score"]) for r in rows] == [("07210", 0.75), ("09187", 0.5)]
    rows = what_if(campaign.official.payload, {"A": 1.0, "B": 0.0})
    assert rows[0]["score"] == pytest.approx(25 / 30) and rows[1]["score"] == 0.0
    assert campaign.official.payload["units"]["07210"]["points"]["T"] == 40.0  # the official result is untouched
    assert login(personas["officer_a"]).get(f"/index/campaigns/{campaign.pk}/audit/").status_code == 404


def test_home_shows_each_role_what_to_do(login, personas, campaign, sub_a):
    officer = login(personas["officer_a"]).get("/").content.decode()
    assert f"/index/submissions/{sub_a.pk}/" in officer
    assert "/index/submissions/" not in login(personas["officer_b"]).get("/").content.decode().replace(
        f"/index/submissions/{campaign.submissions.get(unit__code='09187').pk}/", "")
    fill(sub_a, personas["officer_a"])
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    reviewer = login(personas["reviewer"]).get("/").content.decode()
    assert f"/index/submissions/{sub_a.pk}/" in reviewer
    leader = login(personas["leader"]).get("/").content.decode()
    assert f"/index/campaigns/{campaign.pk}/" in leader


def test_appeal_through_the_pages(login, personas, campaign, sub_a, sub_b):
    for s, officer in ((sub_a, "officer_a"), (sub_b, "officer_b")):
        fill(s, personas[officer])
        actions.submit(acting_user=personas[officer], submission=s)
        actions.start_review(acting_user=personas["admin"], submission=s)
        for a in s.answers.select_related("indicator", "submission__unit"):
            actions.review_answer(acting_user=personas["admin"], answer=a, decision="accepted")
        actions.accept_submission(acting_user=personas["admin"], submission=s)
    actions.publish_provisional(acting_user=personas["admin"], campaign=campaign)
    b2 = answer(sub_b, "B2")
    assert login(personas["officer_a"]).post(f"/index/answers/{b2.pk}/appeal/", {"text": "x"}).status_code == 404
    officer = login(personas["officer_b"])
    assert f"/index/answers/{b2.pk}/appeal/" in officer.get(f"/index/submissions/{sub_b.pk}/").content.decode()
    officer.post(f"/index/answers/{b2.pk}/appeal/", {"text": "Có 12 tin bài"})
    appeal = b2.appeals.get()
    assert login(personas["officer_b"]).post(f"/index/appeals/{appeal.pk}/decide/", {"upheld": "1"}).status_code == 404
    admin = login(personas["admin"])
    assert "Có 12 tin bài" in admin.get(f"/index/campaigns/{campaign.pk}/").content.decode()
    admin.post(f"/index/appeals/{appeal.pk}/decide/", {"upheld": "1", "decision": "Chấp nhận", "value": "12"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and answer(sub_b, "B2").verified_value == 12.0


def test_autosave_updates_the_progress_bars_out_of_band(login, personas, sub_a):
    a = answer(sub_a, "B2")
    client = login(personas["officer_a"])
    page = client.get(f"/index/submissions/{sub_a.pk}/").content.decode()
    assert page.count('id="progress"') == 1 and "hx-swap-oob" not in page
    html = client.post(f"/index/answers/{a.pk}/", {"version": a.version, "value": "6"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'id="progress" hx-swap-oob="true"' in html and "1/4" in html and "10/50" in html


def test_admin_maps_a_renamed_indicator_between_versions(login, personas, small_framework):
    from dxboard.index.frameworks import import_framework
    from dxboard.index.models import IndicatorMapping

    from .conftest import SMALL_FRAMEWORK

    v2, _ = import_framework(SMALL_FRAMEWORK.replace("code: B2", "code: B3").encode(), "small.yaml",
                             acting_user=None)
    assert not IndicatorMapping.objects.filter(new__code="B3").exists()  # a new code is not mapped by itself
    assert login(personas["officer_a"]).post(f"/index/frameworks/{v2.pk}/map/", {"old": "B2", "new": "B3"}
                                             ).status_code == 404
    login(personas["admin"]).post(f"/index/frameworks/{v2.pk}/map/", {"old": "B2", "new": "B3", "note": "đổi mã"})
    mapping = IndicatorMapping.objects.get(new__code="B3")
    assert (mapping.old.framework, mapping.old.code) == (small_framework, "B2")
    page = login(personas["admin"]).get(f"/index/frameworks/{v2.pk}/").content.decode()
    assert '<span class="code">B2</span> → <span class="code">B3</span>' in page


def test_grade_bands_are_configurable_per_campaign(login, personas, campaign, sub_a):
    client = login(personas["admin"])
    client.post(f"/index/campaigns/{campaign.pk}/grades/", {"band_min": ["0,9", "0", ""],
                                                            "band_vi": ["Xuất sắc", "Cần cố gắng", ""],
                                                            "band_en": ["Excellent", "Weak", ""]})
    campaign.refresh_from_db()
    assert campaign.grade_bands == [[0.9, "Xuất sắc", "Excellent"], [0.0, "Cần cố gắng", "Weak"]]
    fill(sub_a, personas["officer_a"])
    sent(campaign)
    snapshot = actions.compute_results(acting_user=personas["admin"], campaign=campaign, basis="self", official=True)
    from dxboard.index.results import ranking

    assert ranking(snapshot)[0]["grade"] == "Cần cố gắng"  # 0.8 < 0.9
    client.post(f"/index/campaigns/{campaign.pk}/grades/", {"band_min": ["2"], "band_vi": ["Quá cao"], "band_en": [""]})
    campaign.refresh_from_db()
    assert campaign.grade_bands[0][0] == 0.9  # refused, unchanged
    leader = login(personas["leader"])
    refused = leader.post(f"/index/campaigns/{campaign.pk}/grades/", {"band_min": ["0"], "band_vi": ["x"]})
    assert refused.status_code == 404


def test_the_office_queues_a_recomputation_and_is_told_it_is_queued(login, personas, published):
    from dxboard.audit.models import AuditEntry
    from dxboard.jobs.models import Job

    url = f"/index/campaigns/{published.pk}/action/"
    assert login(personas["officer_a"]).post(url, {"action": "recompute"}).status_code == 404
    assert not Job.objects.filter(kind="index.recompute").exists()
    response = login(personas["admin"]).post(url, {"action": "recompute"}, follow=True)
    page = response.content.decode()
    assert "Đã xếp hàng" in page and "Đã thực hiện." not in page
    job = Job.objects.get(kind="index.recompute")
    assert job.payload["campaign"] == published.pk and job.status == Job.Status.QUEUED
    assert job.requested_by == personas["admin"]
    assert f'id="job-{job.pk}"' in page and reverse("jobs:state", args=[job.pk]) in page  # the page follows it
    assert AuditEntry.objects.filter(action="index.request_recompute").count() == 1
    from dxboard.jobs.queue import work

    work()  # the worker has a handler for the kind and runs it
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.last_error


def test_compute_now_returns_to_the_new_ranking_and_says_how_many_units(login, personas, campaign, sub_a):
    fill(sub_a, personas["officer_a"])
    sent(campaign)
    url = f"/index/campaigns/{campaign.pk}/action/"
    response = login(personas["admin"]).post(url, {"action": "compute"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("index:results", args=[campaign.pk])
    page = response.content.decode()
    assert "Đã tính lại kết quả: 2 đơn vị." in page and "Đã thực hiện." not in page
    assert [r["code"] for r in response.context["rows"]] == ["07210", "09187"]


def test_accepting_every_answer_with_evidence_skips_the_others_and_is_audited(login, personas, sub_a):
    from dxboard.audit.models import AuditEntry
    from dxboard.index.models import Answer

    fill(sub_a, personas["officer_a"])  # evidence on A1 only
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    actions.start_review(acting_user=personas["reviewer"], submission=sub_a)
    client = login(personas["reviewer"])
    page = client.post(f"/index/submissions/{sub_a.pk}/action/", {"action": "accept_with_evidence"},
                       follow=True).content.decode()
    reviews = dict(sub_a.answers.values_list("indicator__code", "review"))
    assert reviews == {"A1": Answer.Review.ACCEPTED, "A2": Answer.Review.PENDING, "B1": Answer.Review.PENDING,
                       "B2": Answer.Review.PENDING}
    assert AuditEntry.objects.filter(action="index.review_answer").count() == 1
    assert "Đã chấp nhận 1 câu trả lời có minh chứng; 3 câu trả lời chưa có minh chứng" in page


def test_home_queues_returned_forms_with_the_reason_and_answers_to_review_with_counts(login, personas, sub_a):
    fill(sub_a, personas["officer_a"])
    actions.submit(acting_user=personas["officer_a"], submission=sub_a)
    reviewer_home = login(personas["reviewer"]).get("/").content.decode()
    assert "Hồ sơ chờ bạn thẩm định" in reviewer_home and "4 câu trả lời chờ quyết định" in reviewer_home
    actions.start_review(acting_user=personas["reviewer"], submission=sub_a)
    actions.review_answer(acting_user=personas["reviewer"], answer=answer(sub_a, "B2"), decision="returned",
                          note="Cần danh sách tin bài")
    actions.return_submission(acting_user=personas["reviewer"], submission=sub_a)
    officer_home = login(personas["officer_a"]).get("/").content.decode()
    assert "Cần danh sách tin bài" in officer_home and "Số tin bài" in officer_home
    assert "Hồ sơ chờ bạn thẩm định" not in login(personas["reviewer"]).get("/").content.decode()  # no empty panel


def test_a_framework_workbook_with_a_damaged_sheet_is_a_clear_error_and_a_sound_one_imports(
        login, personas, db, tree, tmp_path):
    from pathlib import Path

    import dxindex
    from dxboard.index.models import Framework
    from dxindex.io import write_framework
    from tests.workbooks import damaged_sheet

    source = Path(__file__).resolve().parents[3] / "frameworks" / "dti-2022-province.yaml"
    write_framework(dxindex.read_framework(source), tmp_path / "imeta.xlsx")
    damaged = damaged_sheet((tmp_path / "imeta.xlsx").read_bytes())
    client = login(personas["admin"])
    response = client.post("/index/frameworks/", {"file": SimpleUploadedFile("imeta.xlsx", damaged)})
    assert response.status_code == 200
    assert "Không đọc được tệp dưới dạng bảng tính Excel: nội dung một trang tính bị hỏng." in \
        response.content.decode()
    assert not Framework.objects.exists()
    sound = client.post("/index/frameworks/", {"file": SimpleUploadedFile(
        "imeta.xlsx", (tmp_path / "imeta.xlsx").read_bytes())})
    assert sound.status_code == 200 and sound.context["preview"].ok and not Framework.objects.exists()
    confirmed = client.post("/index/frameworks/", {"token": sound.context["token"]})
    assert confirmed.status_code == 302 and Framework.objects.count() == 1
