# ruff: noqa: E501 — the demo registry is a table, one system a line
"""The Bắc Ninh demo registry: about 60 systems and projects of the merged province, their data links,
and the review of the current year with a few reviews completed (the campaign is made for the year the demo
is loaded in).

Deterministic and idempotent (keyed by system code; figures derived from a hash of the code, not from
chance). Needs the units of `dxboard.core.demo.load_demo()`; a system whose owner unit is missing is
skipped. Everything is marked `is_demo`. Origin 27-2025 is the former Bắc Ninh province, 24-2025 the
former Bắc Giang: the pairs they both built are the merged-province duplicates.
"""

import datetime
import zlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dxboard.units.models import Unit

from .models import DataSet, Link, Review, ReviewCampaign, System

BN, BG = "27-2025", "24-2025"  # former Bắc Ninh, former Bắc Giang

# code, name, function, domain, owner, level, origin, stage
SYSTEMS = [
    ("lgsp", "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)", "data-sharing-platform", "platform", "SKHCN", "province", BN, "operating"),
    ("lgsp-bg", "Nền tảng tích hợp, chia sẻ dữ liệu LGSP Bắc Giang", "data-sharing-platform", "platform", "SNV", "province", BG, "operating"),
    ("ioc", "Trung tâm giám sát, điều hành thông minh (IOC) tỉnh", "ioc", "platform", "SKHCN", "province", BN, "operating"),
    ("ioc-bg", "Trung tâm điều hành thông minh IOC Bắc Giang", "ioc", "platform", "VPUBND", "province", BG, "operating"),
    ("qlvb", "Hệ thống quản lý văn bản và điều hành (eOffice)", "document-management", "documents", "VPUBND", "both", BN, "operating"),
    ("qlvb-bg", "Phần mềm quản lý văn bản và hồ sơ công việc Bắc Giang", "document-management", "documents", "SNV", "both", BG, "operating"),
    ("motcua", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh (một cửa điện tử)", "one-stop", "public_services", "TTPVHCC", "both", BN, "operating"),
    ("motcua-bg", "Hệ thống một cửa điện tử và dịch vụ công Bắc Giang", "one-stop", "public_services", "STP", "both", BG, "operating"),
    ("dvc", "Cổng dịch vụ công trực tuyến tỉnh", "public-service-portal", "public_services", "TTPVHCC", "province", None, "operating"),
    ("ctdt", "Cổng thông tin điện tử tỉnh Bắc Ninh", "web-portal", "government", "VPUBND", "province", BN, "operating"),
    ("ctdt-bg", "Cổng thông tin điện tử tỉnh Bắc Giang (cũ)", "web-portal", "government", "SVHTTDL", "province", BG, "operating"),
    ("hnth", "Hệ thống hội nghị truyền hình trực tuyến tỉnh", "video-conference", "platform", "VPUBND", "both", BN, "operating"),
    ("hnth-bg", "Hệ thống giao ban trực tuyến Bắc Giang", "video-conference", "platform", "SKHCN", "both", BG, "operating"),
    ("camera", "Hệ thống camera giám sát an ninh, trật tự và giao thông", "camera-surveillance", "security", "CAT", "province", BN, "operating"),
    ("camera-bg", "Camera giám sát giao thông đô thị Bắc Giang", "camera-surveillance", "security", "07210", "commune", BG, "operating"),
    ("pakn", "Ứng dụng phản ánh hiện trường Bắc Ninh Smart", "feedback-app", "public_services", "SKHCN", "both", BN, "operating"),
    ("pakn-bg", "Ứng dụng Bắc Giang số tiếp nhận phản ánh, kiến nghị", "feedback-app", "public_services", "VPUBND", "both", BG, "operating"),
    ("email", "Hệ thống thư điện tử công vụ", "email", "platform", "SKHCN", "both", None, "operating"),
    ("kyso", "Hệ thống ký số tập trung", "digital-signature", "platform", "SKHCN", "both", None, "operating"),
    ("dc-tinh", "Trung tâm dữ liệu tỉnh", "data-centre", "platform", "SKHCN", "province", None, "operating"),
    ("soc", "Trung tâm giám sát an toàn thông tin mạng (SOC)", "soc", "security", "SKHCN", "province", None, "operating"),
    ("csdl-cbccvc", "Cơ sở dữ liệu cán bộ, công chức, viên chức", "civil-servant-db", "government", "SNV", "both", None, "operating"),
    ("thidua", "Phần mềm quản lý thi đua, khen thưởng", "emulation-reward", "government", "SNV", "province", None, "operating"),
    ("luutru", "Hệ thống lưu trữ tài liệu điện tử", "e-archive", "documents", "SNV", "both", None, "accepted"),
    ("hotich", "Cơ sở dữ liệu hộ tịch điện tử", "civil-status", "government", "STP", "commune", None, "operating"),
    ("lltp", "Phần mềm quản lý lý lịch tư pháp", "judicial-records", "government", "STP", "province", None, "operating"),
    ("ngansach", "Hệ thống quản lý ngân sách và tài sản công", "public-finance", "finance", "STC", "both", None, "operating"),
    ("dautucong", "Cơ sở dữ liệu đầu tư công", "public-investment", "finance", "STC", "province", None, "operating"),
    ("csdl-datdai", "Cơ sở dữ liệu đất đai tỉnh", "land-db", "land", "SNNMT", "both", BN, "implementing"),
    ("csdl-diachinh-bg", "Cơ sở dữ liệu địa chính Bắc Giang", "land-db", "land", "SNNMT", "both", BG, "operating"),
    ("quantrac", "Hệ thống quan trắc môi trường tự động", "environment-monitoring", "land", "SNNMT", "province", None, "operating"),
    ("truyxuat", "Hệ thống truy xuất nguồn gốc nông sản", "traceability", "land", "SNNMT", "province", None, "operating"),
    ("ytexa", "Phần mềm quản lý trạm y tế xã", "commune-health", "health", "SYT", "commune", None, "operating"),
    ("benhan", "Bệnh án điện tử Bệnh viện Đa khoa tỉnh", "e-medical-records", "health", "SYT", "province", None, "implementing"),
    ("tiemchung", "Hệ thống quản lý tiêm chủng và bệnh truyền nhiễm", "immunisation", "health", "SYT", "both", None, "operating"),
    ("csdl-giaoduc", "Cơ sở dữ liệu ngành giáo dục", "education-db", "education", "SGDDT", "both", None, "operating"),
    ("hoctructuyen", "Nền tảng dạy và học trực tuyến", "e-learning", "education", "SGDDT", "both", None, "operating"),
    ("tuyensinh", "Hệ thống tuyển sinh đầu cấp trực tuyến", "enrolment", "education", "SGDDT", "both", BN, "operating"),
    ("tuyensinh-bg", "Phần mềm tuyển sinh trực tuyến Bắc Giang", "enrolment", "education", "SGDDT", "both", BG, "operating"),
    ("capphepxd", "Hệ thống cấp phép xây dựng trực tuyến", "building-permits", "transport", "SXD", "province", None, "operating"),
    ("gis-quyhoach", "Bản đồ số quy hoạch tỉnh (GIS)", "planning-gis", "transport", "SXD", "province", None, "accepted"),
    ("vantai", "Phần mềm quản lý phương tiện và vận tải", "transport-mgmt", "transport", "SXD", "province", None, "operating"),
    ("dulich", "Cổng du lịch thông minh Bắc Ninh", "tourism-portal", "social", "SVHTTDL", "province", BN, "operating"),
    ("dulich-bg", "Ứng dụng du lịch thông minh Bắc Giang", "tourism-portal", "social", "BPTTH", "province", BG, "operating"),
    ("disan", "Cơ sở dữ liệu di sản văn hóa", "heritage-db", "social", "SVHTTDL", "province", None, "operating"),
    ("tmdt", "Sàn thương mại điện tử tỉnh", "e-commerce", "economy", "SCT", "province", None, "operating"),
    ("kcn", "Hệ thống quản lý doanh nghiệp khu công nghiệp", "industrial-zones", "economy", "BQLKCN", "province", None, "operating"),
    ("khieunai", "Phần mềm quản lý khiếu nại, tố cáo", "complaints", "government", "TTRA", "both", None, "operating"),
    ("laodong", "Cơ sở dữ liệu lao động, việc làm", "labour-db", "social", "SNV", "both", None, "operating"),
    ("btxh", "Phần mềm quản lý đối tượng bảo trợ xã hội", "social-protection", "social", "SNV", "commune", None, "operating"),
    ("hdnd-khonggiay", "Phần mềm phục vụ kỳ họp HĐND không giấy", "paperless-meetings", "documents", "VPDBHDND", "province", None, "operating"),
    ("phonghop", "Hệ thống phòng họp không giấy UBND tỉnh", "paperless-meetings", "documents", "VPUBND", "province", None, "operating"),
    ("dpt", "Hệ thống sản xuất nội dung đa phương tiện", "media-production", "social", "BPTTH", "province", None, "operating"),
    ("ttdt-kinhbac", "Trang thông tin điện tử phường Kinh Bắc", "commune-portal", "government", "09187", "commune", BN, "operating"),
    ("ttdt-bacgiang", "Trang thông tin điện tử phường Bắc Giang", "commune-portal", "government", "07210", "commune", BG, "operating"),
    ("camera-vuninh", "Hệ thống camera an ninh khu dân cư phường Vũ Ninh", "camera-surveillance", "security", "09169", "commune", BN, "operating"),
    ("hokinhdoanh", "Phần mềm quản lý hộ kinh doanh phường Đa Mai", "household-business", "economy", "07228", "commune", BG, "operating"),
    ("khodulieu", "Dự án kho dữ liệu dùng chung tỉnh", "data-warehouse", "platform", "SKHCN", "province", None, "approved"),
    ("dothithongminh", "Dự án đô thị thông minh tỉnh giai đoạn 2026–2030", "smart-city", "platform", "SKHCN", "province", None, "planned"),
    ("mangcd", "Dự án nâng cấp mạng truyền số liệu chuyên dùng", "wan", "platform", "SKHCN", "both", None, "implementing"),
    ("motcua-huyen-bg", "Phần mềm một cửa điện tử cấp huyện Bắc Giang (cũ)", "one-stop", "public_services", "SNV", "commune", BG, "retired"),
]
PROJECTS = {"khodulieu", "dothithongminh", "mangcd", "csdl-datdai", "benhan"}
OPERATORS = {"lgsp-bg": "SKHCN", "ioc-bg": "SKHCN", "motcua": "SKHCN", "dvc": "SKHCN", "qlvb": "SKHCN",
             "camera": "SKHCN", "pakn": "TTPVHCC", "hnth": "SKHCN", "ctdt": "BPTTH"}
CONTRACTORS = ["VNPT Bắc Ninh", "Viettel Bắc Ninh", "FPT IS", "CMC TS", "MobiFone", "Công ty CP Tin học Lạc Việt"]
DATASETS = {
    "motcua": [("Hồ sơ thủ tục hành chính", True), ("Kết quả giải quyết TTHC", True)],
    "qlvb": [("Văn bản điện tử đi, đến", False), ("Hồ sơ công việc", False)],
    "csdl-cbccvc": [("Hồ sơ cán bộ, công chức, viên chức", True)],
    "hotich": [("Dữ liệu hộ tịch", True)],
    "csdl-datdai": [("Dữ liệu địa chính", True)],
    "csdl-diachinh-bg": [("Dữ liệu địa chính Bắc Giang", True)],
    "pakn": [("Phản ánh, kiến nghị của người dân", True)],
    "quantrac": [("Số liệu quan trắc môi trường", False)],
    "csdl-giaoduc": [("Dữ liệu học sinh, giáo viên", True)],
    "camera": [("Hình ảnh camera giám sát", True)],
    "tiemchung": [("Dữ liệu tiêm chủng", True)],
    "dautucong": [("Danh mục dự án đầu tư công", False)],
}
NDXP_TARGETS = "Cổng Dịch vụ công quốc gia", "CSDL quốc gia về dân cư", "Trục liên thông văn bản quốc gia"
# source, target (system code) or None, outside name, data set, channel
LINKS = [
    ("motcua", "dvc", "", "Trạng thái hồ sơ TTHC", "lgsp"),
    ("dvc", None, "Cổng Dịch vụ công quốc gia", "Hồ sơ và kết quả TTHC", "ndxp"),
    ("motcua", None, "CSDL quốc gia về dân cư", "Xác thực thông tin công dân", "ndxp"),
    ("hotich", "motcua", "", "Dữ liệu hộ tịch", "lgsp"),
    ("csdl-diachinh-bg", "motcua", "", "Dữ liệu địa chính", "lgsp"),
    ("qlvb", None, "Trục liên thông văn bản quốc gia", "Văn bản điện tử", "ndxp"),
    ("qlvb-bg", None, "Trục liên thông văn bản quốc gia", "Văn bản điện tử", "ndxp"),
    ("kyso", "qlvb", "", "Chữ ký số văn bản", "api"),
    ("kyso", "motcua", "", "Ký số kết quả TTHC", "api"),
    ("motcua", "ioc", "", "Chỉ số giải quyết TTHC", "lgsp"),
    ("pakn", "ioc", "", "Phản ánh hiện trường", "lgsp"),
    ("camera", "ioc", "", "Luồng camera và cảnh báo", "api"),
    ("quantrac", "ioc", "", "Số liệu quan trắc", "lgsp"),
    ("qlvb", "ioc", "", "Tình hình xử lý văn bản", "lgsp"),
    ("tiemchung", "ioc", "", "Số liệu tiêm chủng", "lgsp"),
    ("csdl-cbccvc", None, "CSDL quốc gia về cán bộ, công chức, viên chức", "Hồ sơ CBCCVC", "ndxp"),
    ("ytexa", None, "Hệ thống thông tin giám định BHYT", "Dữ liệu khám chữa bệnh", "ndxp"),
    ("csdl-giaoduc", None, "CSDL ngành giáo dục quốc gia", "Dữ liệu học sinh", "api"),
    ("tuyensinh", "csdl-giaoduc", "", "Kết quả tuyển sinh", "lgsp"),
    ("tuyensinh-bg", "csdl-giaoduc", "", "Kết quả tuyển sinh", "file"),
    ("ngansach", None, "Hệ thống TABMIS (Kho bạc Nhà nước)", "Dự toán, quyết toán", "file"),
    ("dautucong", None, "Hệ thống thông tin quốc gia về đầu tư công", "Kế hoạch đầu tư công", "api"),
    ("motcua-bg", "lgsp-bg", "", "Hồ sơ TTHC", "lgsp"),
    ("kcn", "motcua", "", "Hồ sơ doanh nghiệp KCN", "lgsp"),
    ("btxh", None, "CSDL quốc gia về bảo hiểm", "Đối tượng bảo trợ xã hội", "ndxp"),
    ("laodong", "ioc", "", "Số liệu lao động, việc làm", "lgsp"),
    ("khieunai", None, "CSDL quốc gia về khiếu nại, tố cáo", "Đơn thư khiếu nại", "ndxp"),
    ("capphepxd", "dvc", "", "Giấy phép xây dựng", "lgsp"),
    ("gis-quyhoach", "capphepxd", "", "Bản đồ quy hoạch", "api"),
    ("ioc-bg", None, "Hệ thống báo cáo quốc gia", "Chỉ tiêu kinh tế – xã hội", "ndxp"),
    ("pakn-bg", "ioc-bg", "", "Phản ánh, kiến nghị", "api"),
]
# code, verdict, scores (6), findings, follow-up, merge_with
REVIEWS = [
    ("lgsp", "keep", (5, 4, 4, 4, 3, 3), "Nền tảng dùng chung vận hành ổn định; cần thu hẹp LGSP Bắc Giang về một đầu mối.",
     "", None),
    ("lgsp-bg", "merge", (3, 2, 2, 2, 2, 0), "Trùng chức năng với LGSP tỉnh sau sáp nhập.",
     "Chuyển các kết nối sang LGSP tỉnh và dừng LGSP Bắc Giang.", "lgsp"),
    ("qlvb-bg", "merge", (3, 3, 3, 2, 2, 0), "Hai hệ thống quản lý văn bản song song trong cùng tỉnh.",
     "Hợp nhất dữ liệu văn bản vào eOffice của tỉnh.", "qlvb"),
    ("motcua-bg", "merge", (2, 3, 3, 2, 3, 0), "Trùng với hệ thống một cửa điện tử tỉnh; người dùng phải đăng nhập hai nơi.",
     "Chuyển hồ sơ đang xử lý sang hệ thống một cửa của tỉnh.", "motcua"),
    ("ctdt-bg", "retire", (1, 2, 1, 1, 2, 0), "Cổng cũ của tỉnh Bắc Giang, lượt truy cập giảm mạnh sau sáp nhập.",
     "Chuyển tin bài và chuyển hướng tên miền về Cổng thông tin tỉnh.", None),
    ("hnth", "upgrade", (3, 4, 5, 3, 3, 4), "Thiết bị đầu cuối cấp xã lạc hậu sau khi sắp xếp 99 xã, phường.",
     "Nâng cấp điểm cầu cho các xã, phường mới.", None),
]


def _h(code: str, salt: str, n: int) -> int:
    """A number 0..n-1 fixed by the code (deterministic stand-in for chance)."""
    return zlib.crc32(f"{code}:{salt}".encode()) % n


def _last_month_end(today: datetime.date) -> datetime.date:
    return today.replace(day=1) - datetime.timedelta(days=1)


def _fields(code, name, function, domain, level, stage, today: datetime.date) -> dict:
    big = domain == "platform" or function in ("one-stop", "document-management", "camera-surveillance", "ioc")
    year = 2017 + _h(code, "year", 7)
    live = stage in ("accepted", "operating", "retired")
    approved = Decimal((3 + _h(code, "budget", 40)) * (250 if big else 60))
    disbursed = approved if live else (approved * Decimal(_h(code, "disb", 80)) / 100).quantize(Decimal("0.1"))
    sec_level = 3 if big else 2 if level != "commune" else 1
    if function in ("data-centre", "soc", "data-sharing-platform"):
        sec_level = 4
    core = function in ("data-sharing-platform", "data-centre", "soc", "ioc", "one-stop", "document-management")
    approved_sec = live and (core or _h(code, "sec", 10) < 6)
    proposed_sec = live and not approved_sec and _h(code, "prop", 2) == 0
    target = {"province": 2_000, "commune": 400, "both": 8_000}[level] * (5 if big else 1)
    if domain == "public_services" or function in ("feedback-app", "tourism-portal", "e-commerce"):
        target = 300_000
    mau = int(target * (15 + _h(code, "use", 90)) / 100) if live else None
    fields = {
        "name": name, "function": function, "domain": domain, "level": level, "stage": stage,
        "kind": System.Kind.PROJECT if code in PROJECTS else System.Kind.SYSTEM,
        "purpose": f"{name}: phục vụ {'người dân, doanh nghiệp' if target >= 300_000 else 'cán bộ, công chức'} "
                   f"trên địa bàn tỉnh.",
        "go_live": datetime.date(year, 1 + _h(code, "month", 12), 1) if live else None,
        "retired_on": min(datetime.date(2025, 9, 30), today) if stage == "retired" else None,
        "decision_number": f"{100 + _h(code, 'dec', 800)}/QĐ-UBND",
        "decision_date": datetime.date(year - 1, 1 + _h(code, "dm", 12), 10),
        "funding": ["provincial", "provincial", "central", "oda", "commune"][_h(code, "fund", 5)]
        if level != "commune" else "commune",
        "budget_approved": approved, "budget_disbursed": disbursed,
        "delivery": "service" if _h(code, "deliv", 3) == 0 else "investment",
        "contractor": CONTRACTORS[_h(code, "contr", len(CONTRACTORS))],
        "hosting": ["provincial_dc", "provincial_dc", "cloud", "national_dc", "on_premises"][_h(code, "host", 5)],
        "security_level": sec_level if (approved_sec or proposed_sec) else None,
        "security_status": "approved" if approved_sec else "proposed" if proposed_sec else "none",
        "security_decision": f"{200 + _h(code, 'sd', 700)}/QĐ-SKHCN" if approved_sec else "",
        "security_assessed": datetime.date(2022 + _h(code, "sa", 4), 3 + _h(code, "sam", 9), 15) if approved_sec
        else None,
        "lgsp": live and _h(code, "lgsp", 10) < 6,
        "ndxp": live and _h(code, "ndxp", 10) < 3,
        "target_users": target if live else None,
        "monthly_active_users": mau,
        "monthly_transactions": mau * (2 + _h(code, "tx", 20)) if mau else None,
        "incidents_year": _h(code, "inc", 6) if live else None,
        "yearly_cost": (approved * Decimal("0.12")).quantize(Decimal("0.1")) if live else None,
        "usage_updated": _last_month_end(today) if live else None,  # figures of the month just ended
        "is_demo": True,
    }
    if function == "data-sharing-platform":
        fields["lgsp"] = True
        fields["ndxp"] = True
    return fields


def load_demo() -> int:
    """Load (or refresh) the demo registry; returns the number of systems. Safe to run again."""
    with transaction.atomic():
        units = {u.code: u for u in Unit.objects.all()}
        systems: dict[str, System] = {}
        for code, name, function, domain, owner, level, origin, stage in SYSTEMS:
            if owner not in units:
                continue
            fields = _fields(code, name, function, domain, level, stage, timezone.localdate())
            fields["owner"] = units[owner]
            operator = units.get(OPERATORS.get(code, ""))
            fields["operator"] = operator if operator != units[owner] else None
            fields["origin"] = units.get(origin) if origin else None
            for key in ("lgsp", "ndxp"):
                if any(s == code and ch == key for s, _t, _n, _d, ch in LINKS):
                    fields[key] = True
            systems[code], _created = System.objects.update_or_create(code=code, defaults=fields)
        for code, sets in DATASETS.items():
            if code in systems:
                for name, personal in sets:
                    DataSet.objects.get_or_create(system=systems[code], name=name,
                                                  defaults={"personal_data": personal})
        for source, target, outside, dataset, channel in LINKS:
            if source not in systems or (target and target not in systems):
                continue
            Link.objects.get_or_create(source=systems[source], target=systems.get(target) if target else None,
                                       target_name=outside, dataset=dataset, defaults={"channel": channel})
        year = timezone.localdate().year
        campaign, _created = ReviewCampaign.objects.get_or_create(
            year=year, defaults={"name": f"Rà soát hệ thống thông tin năm {year} (demo)",
                                 "deadline": datetime.date(year, 12, 15), "is_demo": True})
        for system in systems.values():
            if system.stage != "retired":
                Review.objects.get_or_create(campaign=campaign, system=system)
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.filter(username="admin").first()
        for code, verdict, scores, findings, follow_up, merge_with in REVIEWS:
            if code not in systems:
                continue
            review = Review.objects.get(campaign=campaign, system=systems[code])
            if review.status == Review.Status.DONE:
                continue  # reviewed already (by an earlier load, or by hand in the demo)
            for (field, value) in zip(("score_integration", "score_security", "score_usage", "score_cost",
                                       "score_quality", "score_duplication"), scores, strict=True):
                setattr(review, field, value)
            review.findings, review.verdict, review.follow_up = findings, verdict, follow_up
            review.merge_with = systems.get(merge_with) if merge_with else None
            # half a year after the campaign's deadline: never before the review that sets it
            review.follow_up_deadline = datetime.date(year + 1, 6, 30) if follow_up else None
            review.status = Review.Status.DONE
            review.reviewed_by = admin
            review.reviewed_at = timezone.now()
            review.save()
    return len(systems)
