"""The metrics a provincial steering committee follows, shipped as editable defaults (a data migration
creates them once; the standing office edits them afterwards; `load_defaults` never overwrites).

Targets: Bắc Ninh's digital-transformation plans and the national programme (Decision 749/QĐ-TTg,
Decision 06/QĐ-TTg, Decree 42/2022). Figures reported in 2022: 3,334,900 electronic documents by
30/8/2022 (over 90 %); signed outgoing documents 91.2 % (province), 92.5 % (district), 96 % (commune).
"""

DEPT, DISTRICT, COMMUNE = "department", "district", "commune"
BOTH = [DEPT, DISTRICT, COMMUNE]  # districts report until their end on 30/6/2025
PLAN = "Kế hoạch chuyển đổi số tỉnh Bắc Ninh"
QD749 = "Quyết định 749/QĐ-TTg (Chương trình Chuyển đổi số quốc gia)"

# code, name vi, name en, numerator, denominator ("" = count or score), unit, frequency, unit kinds,
# source system, aggregation over time, direction, {year: target | {kind: target}}, target document
METRICS = [
    ("EDOC_SHARE", "Tỷ lệ văn bản gửi, nhận dưới dạng điện tử", "Share of documents exchanged electronically",
     "Số văn bản gửi, nhận dưới dạng điện tử", "Tổng số văn bản gửi, nhận (trừ văn bản mật)", "%", "weekly", BOTH,
     "Hệ thống quản lý văn bản và điều hành", "sum", "up", dict.fromkeys(range(2023, 2027), 0.9), PLAN),
    ("EDOC_COUNT", "Số văn bản điện tử gửi, nhận qua Trục liên thông", "Electronic documents exchanged",
     "Số văn bản điện tử gửi, nhận", "", "văn bản", "weekly", BOTH, "Trục liên thông văn bản quốc gia", "sum", "up",
     {}, ""),
    ("SIGN_SHARE", "Tỷ lệ văn bản đi được ký số", "Share of outgoing documents digitally signed",
     "Số văn bản đi được ký số", "Tổng số văn bản đi", "%", "weekly", BOTH, "Hệ thống quản lý văn bản và điều hành",
     "sum", "up", {y: dict.fromkeys(BOTH, 0.9 if y < 2025 else 0.95) for y in range(2023, 2027)},
     PLAN),
    ("WORKFILE_SHARE", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng", "Share of work files handled online",
     "Số hồ sơ công việc xử lý trên môi trường mạng", "Tổng số hồ sơ công việc", "%", "monthly", BOTH,
     "Hệ thống quản lý văn bản và điều hành", "sum", "up",
     {y: {DEPT: 0.9, DISTRICT: 0.8, COMMUNE: 0.8} for y in range(2023, 2027)}, QD749),
    ("DVC_FULL_SHARE", "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
     "Share of procedures offered as full online public services", "Số thủ tục cung cấp DVCTT toàn trình",
     "Tổng số thủ tục hành chính", "%", "monthly", [DEPT], "Hệ thống thông tin giải quyết TTHC tỉnh", "last", "up",
     {2023: 0.5, 2024: 0.6, 2025: 0.8, 2026: 0.8}, QD749),
    ("DVC_ONLINE_FILED", "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến", "Share of applications filed online",
     "Số hồ sơ nộp trực tuyến", "Tổng số hồ sơ tiếp nhận", "%", "weekly", BOTH,
     "Hệ thống thông tin giải quyết TTHC tỉnh", "sum", "up", {2023: 0.5, 2024: 0.5, 2025: 0.7, 2026: 0.8}, QD749),
    ("TTHC_ONTIME", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "Share of applications settled on time",
     "Số hồ sơ giải quyết đúng hạn", "Tổng số hồ sơ đã giải quyết", "%", "weekly", BOTH,
     "Hệ thống thông tin giải quyết TTHC tỉnh", "sum", "up", dict.fromkeys(range(2023, 2027), 0.98), PLAN),
    ("PAY_ONLINE", "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến", "Share of fees paid online",
     "Số hồ sơ thanh toán trực tuyến", "Tổng số hồ sơ có phí, lệ phí", "%", "monthly", BOTH,
     "Nền tảng thanh toán trực tuyến (Cổng DVC quốc gia)", "sum", "up",
     {2023: 0.3, 2024: 0.4, 2025: 0.5, 2026: 0.6}, QD749),
    ("DIGITISED", "Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa",
     "Share of applications and results digitised", "Số hồ sơ, kết quả được số hóa", "Tổng số hồ sơ, kết quả",
     "%", "monthly", BOTH, "Hệ thống thông tin giải quyết TTHC tỉnh", "sum", "up",
     {2023: 0.5, 2024: 0.8, 2025: 0.9, 2026: 1.0}, "Quyết định 06/QĐ-TTg"),
    ("FEEDBACK_ONTIME", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "Share of citizen feedback handled on time",
     "Số phản ánh xử lý đúng hạn", "Tổng số phản ánh đến hạn xử lý", "%", "weekly", BOTH,
     "Ứng dụng phản ánh, kiến nghị", "sum", "up", dict.fromkeys(range(2023, 2027), 0.9), PLAN),
    ("FEEDBACK_RECEIVED", "Số phản ánh, kiến nghị đơn vị tiếp nhận xử lý", "Citizen feedback received for handling",
     "Số phản ánh, kiến nghị được giao xử lý", "", "phản ánh", "weekly", BOTH, "Ứng dụng phản ánh, kiến nghị", "sum",
     "up", {}, ""),
    ("SERVICE_INDEX", "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
     "Service index for citizens and businesses (Decision 766/QĐ-TTg)", "Điểm chỉ số (thang 100)", "", "điểm",
     "weekly", BOTH, "Cổng Dịch vụ công quốc gia", "mean", "up", dict.fromkeys(range(2023, 2027), 80.0),
     "Quyết định 766/QĐ-TTg"),
    ("SIGN_HOLDERS", "Tỷ lệ cán bộ, công chức, viên chức được cấp chữ ký số cá nhân",
     "Share of officials holding a personal digital signature", "Số người được cấp chữ ký số",
     "Tổng số cán bộ, công chức, viên chức", "%", "monthly", BOTH, "Ban Cơ yếu Chính phủ", "last", "up",
     dict.fromkeys(range(2023, 2027), 0.95), PLAN),
    ("MOOC_DONE", "Tỷ lệ cán bộ hoàn thành khóa học trên nền tảng MOOCs", "Share of officials completing MOOC courses",
     "Số người hoàn thành", "Tổng số cán bộ, công chức, viên chức", "%", "quarterly", BOTH,
     "Nền tảng onetouch.mic.gov.vn",
     "last", "up", {2025: 0.8, 2026: 0.9}, PLAN),
    ("FIBRE_VILLAGES", "Tỷ lệ thôn, tổ dân phố có đường truyền cáp quang", "Share of villages with fibre",
     "Số thôn có cáp quang", "Tổng số thôn, tổ dân phố", "%", "quarterly", [COMMUNE], "Báo cáo doanh nghiệp viễn thông",
     "last", "up", dict.fromkeys(range(2023, 2027), 1.0), QD749),
    ("MOBILE_VILLAGES", "Tỷ lệ thôn, tổ dân phố được phủ sóng 4G/5G", "Share of villages covered by 4G/5G",
     "Số thôn được phủ sóng", "Tổng số thôn, tổ dân phố", "%", "quarterly", [COMMUNE],
     "Báo cáo doanh nghiệp viễn thông", "last", "up", dict.fromkeys(range(2023, 2027), 1.0), QD749),
    ("FIBRE_HOUSEHOLDS", "Tỷ lệ hộ gia đình có kết nối internet cáp quang", "Share of households with fibre internet",
     "Số hộ có cáp quang", "Tổng số hộ gia đình", "%", "quarterly", [COMMUNE], "Báo cáo doanh nghiệp viễn thông",
     "last", "up", {2023: 0.8, 2024: 0.85, 2025: 0.9, 2026: 0.95}, QD749),
    ("VNEID_L2", "Tỷ lệ người dân có tài khoản định danh điện tử (VNeID) mức 2",
     "Share of residents with a level-2 VNeID account", "Số người có tài khoản mức 2", "Số dân từ 14 tuổi",
     "%", "monthly", [COMMUNE], "Công an tỉnh (Đề án 06)", "last", "up", {2024: 0.7, 2025: 0.8, 2026: 0.9},
     "Quyết định 06/QĐ-TTg"),
    ("EHR_SHARE", "Tỷ lệ người dân có hồ sơ sức khỏe điện tử", "Share of residents with an electronic health record",
     "Số người có hồ sơ sức khỏe điện tử", "Tổng dân số", "%", "monthly", [COMMUNE], "Sở Y tế", "last", "up",
     {2024: 0.8, 2025: 0.9, 2026: 0.95}, QD749),
    ("EINVOICE", "Tỷ lệ doanh nghiệp, hợp tác xã sử dụng hóa đơn điện tử",
     "Share of firms and cooperatives using e-invoices", "Số doanh nghiệp, HTX dùng hóa đơn điện tử",
     "Tổng số doanh nghiệp, HTX đang hoạt động", "%", "quarterly", [COMMUNE], "Cục Thuế", "last", "up",
     dict.fromkeys(range(2023, 2027), 1.0), QD749),
]

# What each metric is (models.Kind): how units add up. Every metric with a denominator is a rate.
KINDS = {"EDOC_COUNT": "count", "FEEDBACK_RECEIVED": "count", "SERVICE_INDEX": "score"}


def kind_of(code: str, denominator_label: str) -> str:
    return KINDS.get(code) or ("rate" if denominator_label else "count")


# Metrics checked against their target by default (alert when a unit's value falls below it).
ALERTED = ["SIGN_SHARE", "WORKFILE_SHARE", "TTHC_ONTIME", "FEEDBACK_ONTIME"]


def load_defaults(Metric, Target, AlertRule) -> int:  # noqa: N803 — models passed in (data migration)
    """Create the shipped metrics that do not exist yet; returns how many were created."""
    made = 0
    # Migrations before 0006 load the defaults into a metric table without a kind (0006 sets it).
    has_kind = any(f.name == "kind" for f in Metric._meta.get_fields())
    for position, (code, name, name_en, num, den, unit, freq, kinds, system, how, direction, targets,
                   document) in enumerate(METRICS):
        metric, created = Metric.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "numerator_label": num, "denominator_label": den,
            "unit_label": unit, "frequency": freq, "unit_kinds": kinds, "source_system": system,
            "time_aggregation": how, "direction": direction, "position": position * 10,
            "definition": f"{num}" + (f" / {den}" if den else ""),
            **({"kind": kind_of(code, den)} if has_kind else {})})
        if not created:
            continue
        made += 1
        for year, target in targets.items():
            for kind, value in (target.items() if isinstance(target, dict) else [("", target)]):
                Target.objects.create(metric=metric, year=year, unit_kind=kind, value=value, document=document)
        if code in ALERTED:
            AlertRule.objects.create(metric=metric)
    return made
