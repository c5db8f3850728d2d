"""The results report of a campaign as an administrative document (DOCX and PDF), charts drawn here.

Layout after Decree 30/2020/NĐ-CP (công tác văn thư), Appendix I: A4, margins top/bottom 20 mm,
left 30 mm, right 15 mm; Times New Roman 13–14 pt; a two-column heading with the governing and the
issuing body (bold, a short rule under it) and the number on the left, the national motto (bold, a
rule under it) and the place and date in italics on the right; the kind of document and its subject
centred in bold; signature block on the right ("TM." + title), recipients ("Nơi nhận:") on the left.

Both renderers read one `ReportContent`, so the DOCX and the PDF say the same thing. The province
name comes from the units tree; the issuing body's name from the setting
`DXBOARD_REPORT_ISSUING_BODY` when present; the fixed words below are only the fallback.
"""

import dataclasses
import datetime
import io
import statistics
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from . import charts
from .models import Campaign, ResultSnapshot
from .results import DEFAULT_BANDS, grade_counts, not_submitted, ranking

FALLBACK_PROVINCE = "Tỉnh Bắc Ninh"
FALLBACK_BODY = "Ban Chỉ đạo chuyển đổi số"
SIGNER_ON_BEHALF = "TM. BAN CHỈ ĐẠO"
SIGNER_TITLE = "TRƯỞNG BAN"
SIGNER_NAME = "[Họ và tên]"
DOCUMENT_SYMBOL = "BC-BCĐ"
MOTTO_STATE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NBSP = "\u00a0"
ADMIN_PREFIXES = ("Tỉnh ", "Thành phố ", "tỉnh ", "thành phố ")


# -- content shared by both formats ----------------------------------------------------------------
@dataclasses.dataclass
class Figure:
    png: bytes
    caption: str


@dataclasses.dataclass
class Section:
    heading: str
    paragraphs: list[str] = dataclasses.field(default_factory=list)
    table: list[list[str]] | None = None  # first row = header
    figures: list[Figure] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ReportContent:
    governing: str  # "UBND TỈNH BẮC NINH"
    body: str  # "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ"
    number: str  # "Số:      /BC-BCĐ"
    place_date: str  # "Bắc Ninh, ngày 05 tháng 11 năm 2025"
    title: str
    subject: str
    sections: list[Section]
    closing: str
    recipients: list[str]
    signer: list[str]  # ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"]
    signer_name: str


def province_unit():
    from dxboard.units.models import Unit

    return Unit.objects.current().filter(kind="province").order_by("code").first()


def place_name(province_name: str) -> str:
    for prefix in ADMIN_PREFIXES:
        if province_name.startswith(prefix):
            return province_name[len(prefix):]
    return province_name


def vn_date(day: datetime.date, place: str) -> str:
    """Decree 30: a day below 10 and the months January and February take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _pct(value) -> str:
    return charts.vn_number(None if value is None else value * 100, 1)


def _bands_text(bands) -> str:
    ordered = sorted(bands, key=lambda b: -b[0])
    parts = []
    for n, band in enumerate(ordered):
        low = charts.vn_number(band[0] * 100, 0)
        if n == 0:
            parts.append(f"{band[1]} từ {low} điểm trở lên")
        elif band[0] <= 0:
            parts.append(f"{band[1]} dưới {charts.vn_number(ordered[n - 1][0] * 100, 0)} điểm")
        else:
            parts.append(f"{band[1]} từ {low} đến dưới {charts.vn_number(ordered[n - 1][0] * 100, 0)} điểm")
    return "; ".join(parts)


def report_content(campaign: Campaign, snapshot: ResultSnapshot, day: datetime.date | None = None) -> ReportContent:
    """Everything the report says, gathered once (a few queries) for both renderers."""
    day = day or timezone.localdate()
    province = province_unit()
    province_name = province.name if province is not None else FALLBACK_PROVINCE
    place = (province.short_name if province is not None and province.short_name else "") or place_name(province_name)
    body = getattr(settings, "DXBOARD_REPORT_ISSUING_BODY", "") or FALLBACK_BODY
    payload = snapshot.payload
    framework = campaign.framework
    nodes = {n["code"]: n for n in payload.get("nodes", [])}
    root, main = payload["root"], list(payload.get("main", []))
    rows = ranking(snapshot)
    values = [r["value"] for r in rows if r["value"] is not None]
    bands = campaign.grade_bands or DEFAULT_BANDS
    method = payload.get("method", {})

    # I. basis and method
    decision = ""
    if framework.decision_number:
        decision = f", ban hành kèm theo Quyết định số {framework.decision_number}"
        if framework.decision_date:
            decision += f" ngày {framework.decision_date:%d/%m/%Y}"
    indicators = sum(1 for n in payload.get("nodes", []) if not n.get("aggregate"))
    total = framework.total_points or (nodes.get(root, {}).get("max"))
    method_paragraphs = [
        f"Việc đánh giá thực hiện theo {framework.name} (phiên bản {framework.version}{decision}), gồm "
        f"{len(main)} chỉ số chính và {indicators} chỉ tiêu thành phần"
        + (f", tổng điểm tối đa {charts.vn_number(total, 0)} điểm." if total else "."),
        "Điểm của mỗi đơn vị tính trên số liệu "
        + ("tự đánh giá đã được thẩm định" if snapshot.basis == "verified" else "tự đánh giá của đơn vị")
        + "; chỉ số của đơn vị bằng điểm đạt chia cho điểm tối đa của các chỉ tiêu áp dụng với đơn vị, "
        "quy về thang 100. Xếp loại: " + _bands_text(bands) + ".",
        f"Khoảng thứ hạng (5–95 %) được ước lượng bằng {method.get('rank_draws', 1000)} lần mô phỏng, "
        f"mỗi lần thay đổi ngẫu nhiên trọng số các chỉ số chính trong phạm vi ±"
        f"{charts.vn_number(100 * method.get('weight_noise', 0.25), 0)} %; khoảng càng hẹp thì thứ hạng "
        "càng ổn định.",
        f"Kết quả được tính ngày {timezone.localtime(snapshot.created):%d/%m/%Y} "
        f"(mã kiểm tra dữ liệu {snapshot.inputs_sha256[:12]}).",
    ]

    # II. participation
    apart = [u["name"] for u in not_submitted(snapshot)]
    incomplete = [r["name"] for r in rows if (r.get("missing") or {}).get("not_submitted")]
    participation = [
        f"Kỳ đánh giá có {len(rows) + len(apart)} đơn vị tham gia; {len(rows)} đơn vị đã gửi kết quả tự đánh giá "
        "và được xếp hạng."
    ]
    if apart:
        participation.append(f"Chưa nộp ({len(apart)} đơn vị, không xếp hạng, không tính vào xếp loại và bình quân): "
                             + ", ".join(apart) + ".")
    if incomplete:
        participation.append("Đơn vị còn chỉ tiêu chưa cung cấp số liệu (tính 0 điểm): "
                             + ", ".join(incomplete) + ".")

    # III. results
    summary = []
    if values:
        best, worst = rows[0], [r for r in rows if r["value"] is not None][-1]
        summary.append(
            f"Chỉ số bình quân đạt {_pct(statistics.fmean(values))} điểm, trung vị {_pct(statistics.median(values))} "
            f"điểm; cao nhất là {best['name']} ({_pct(best['value'])} điểm), thấp nhất là {worst['name']} "
            f"({_pct(worst['value'])} điểm).")
        counts = grade_counts(rows, bands)
        if counts:
            summary.append("Xếp loại: " + "; ".join(f"{label}: {n} đơn vị" for label, n in counts) + ".")
    means = {}
    for code in main:
        vals = [u["values"].get(code) for u in payload["units"].values() if u["values"].get(code) is not None]
        if vals:
            means[code] = statistics.fmean(vals)
    if means:
        high, low = max(means, key=means.get), min(means, key=means.get)
        summary.append(f"Theo chỉ số chính, bình quân cao nhất là {nodes.get(high, {}).get('name', high)} "
                       f"({_pct(means[high])} điểm), thấp nhất là {nodes.get(low, {}).get('name', low)} "
                       f"({_pct(means[low])} điểm).")
    table = [["STT", "Đơn vị", "Điểm", "Tỷ lệ (%)", "Hạng", "Khoảng thứ hạng", "Xếp loại"]]
    for n, r in enumerate(rows, start=1):
        interval = r.get("interval") or {}
        span = f"{interval['q05']}–{interval['q95']}" if interval.get("q05") is not None else ""
        table.append([str(n), r["name"], charts.vn_number(r["points"], 1), _pct(r["value"]),
                      "" if r["rank"] is None else str(int(r["rank"])), span, r["grade"]])
    figures = [Figure(charts.ranking_bars(rows, fmt="png"),
                      f"Hình 1. Chỉ số chuyển đổi số của các đơn vị, {campaign.name}")]
    if rows and len(main) >= 3:
        top = payload["units"][rows[0]["code"]]
        medians = {}
        for code in main:
            vals = [u["values"].get(code) for u in payload["units"].values() if u["values"].get(code) is not None]
            medians[code] = statistics.median(vals) if vals else None
        figures.append(Figure(
            charts.radar(main, {c: nodes.get(c, {}).get("name", c) for c in main}, top["values"], medians, fmt="png",
                         unit_label=top["name"], median_label="Trung vị các đơn vị"),
            f"Hình 2. Các chỉ số chính của {top['name']} so với trung vị các đơn vị"))

    sections = [
        Section("I. CĂN CỨ VÀ PHƯƠNG PHÁP ĐÁNH GIÁ", method_paragraphs),
        Section("II. TÌNH HÌNH THAM GIA", participation),
        Section("III. KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG", summary, table=table, figures=figures),
    ]
    body_upper = body.upper()
    return ReportContent(
        governing=f"UBND {province_name.upper()}",
        body=body_upper,
        number=f"Số:{NBSP * 8}/{DOCUMENT_SYMBOL}",  # the clerk writes the number in
        place_date=vn_date(day, place),
        title="BÁO CÁO",
        subject=f"Kết quả đánh giá, xếp hạng chuyển đổi số: {campaign.name}",
        sections=sections,
        closing=f"Trên đây là báo cáo kết quả {campaign.name} của {body} "
                f"{province_name[:1].lower() + province_name[1:]}./.",
        recipients=["UBND tỉnh (để báo cáo);", "Thành viên Ban Chỉ đạo;", "Các đơn vị được đánh giá;", "Lưu: VT."],
        signer=[SIGNER_ON_BEHALF, SIGNER_TITLE],
        signer_name=SIGNER_NAME,
    )


# -- DOCX ------------------------------------------------------------------------------------------
DOCX_FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_MM, RIGHT_MM = 62, TEXT_WIDTH_MM - 62


def _docx_rule(cell_or_doc, width_mm: float, column_mm: float):
    """A short centred horizontal line: an empty, tiny paragraph with a bottom border."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    paragraph = cell_or_doc.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max((column_mm - width_mm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # OOXML fixes the order of a paragraph's properties; Word refuses a file that breaks it
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                               "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                               "w:rPr", "w:sectPr", "w:pPrChange")
    return paragraph


def _docx_par(container, text: str, *, bold=False, italic=False, size=14, align="center", space_after=0,
              indent_first=False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if indent_first:
        fmt.first_line_indent = Cm(1)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    return paragraph


def _docx_no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def _docx_widths(table, widths_mm: list[float]) -> None:
    from docx.shared import Mm

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _docx_cell(cell):
    """An empty cell to write into (python-docx starts cells with one empty paragraph)."""
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


def _docx_page_numbers(section) -> None:
    """Page numbers centred in the header, from the second page on (Decree 30)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def render_docx(content: ReportContent) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), DOCX_FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    _docx_page_numbers(section)
    document.core_properties.title = f"{content.title} {content.subject}"
    document.core_properties.author = content.body
    document.core_properties.last_modified_by = content.body
    document.core_properties.created = document.core_properties.modified = timezone.now().replace(microsecond=0)

    # heading: governing and issuing body | national motto
    head = document.add_table(rows=2, cols=2)
    _docx_no_borders(head)
    _docx_widths(head, [LEFT_MM, RIGHT_MM])
    left, right = _docx_cell(head.cell(0, 0)), _docx_cell(head.cell(0, 1))
    _docx_par(left, content.governing, size=13)
    _docx_par(left, content.body, bold=True, size=13)
    _docx_rule(left, 25, LEFT_MM)
    _docx_par(right, MOTTO_STATE, bold=True, size=13)
    _docx_par(right, MOTTO, bold=True, size=14)
    _docx_rule(right, 60, RIGHT_MM)
    number, place = _docx_cell(head.cell(1, 0)), _docx_cell(head.cell(1, 1))
    _docx_par(number, content.number, size=13)
    _docx_par(place, content.place_date, italic=True, size=14)

    # kind of document and subject
    title = _docx_par(document, content.title, bold=True, size=14)
    title.paragraph_format.space_before = Pt(18)
    _docx_par(document, content.subject, bold=True, size=14)
    _docx_rule(document, 30, TEXT_WIDTH_MM)

    from PIL import Image as PILImage

    for part in content.sections:
        heading = _docx_par(document, part.heading, bold=True, size=14, align="justify", space_after=6,
                            indent_first=True)
        heading.paragraph_format.space_before = Pt(6)
        for text in part.paragraphs:
            _docx_par(document, text, size=14, align="justify", space_after=6, indent_first=True)
        if part.table:
            widths = [12, 58, 20, 20, 14, 24, 17]
            table = document.add_table(rows=len(part.table), cols=len(part.table[0]))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            _docx_widths(table, widths)
            # row by row: table.cell(i, j) rebuilds the whole cell grid on every call
            for i, (row, cells) in enumerate(zip(part.table, table.rows, strict=True)):
                for j, (text, cell) in enumerate(zip(row, cells.cells, strict=True)):
                    cell = _docx_cell(cell)
                    _docx_par(cell, text, bold=(i == 0), size=12, align="left" if (j == 1 and i) else "center")
            header = table.rows[0]._tr.get_or_add_trPr()
            from docx.oxml import OxmlElement

            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            header.append(repeat)
            document.add_paragraph()
        for figure in part.figures:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            with PILImage.open(io.BytesIO(figure.png)) as image:
                w, h = image.size
            width_mm, height_mm = 150.0, 150.0 * h / w
            if height_mm > 200:  # a long ranking stays on one page
                width_mm, height_mm = width_mm * 200 / height_mm, 200.0
            picture.add_run().add_picture(io.BytesIO(figure.png), width=Mm(width_mm), height=Mm(height_mm))
            _docx_par(document, figure.caption, italic=True, size=13, space_after=6)
    _docx_par(document, content.closing, size=14, align="justify", space_after=6, indent_first=True)

    # signature block and recipients
    sign = document.add_table(rows=1, cols=2)
    _docx_no_borders(sign)
    _docx_widths(sign, [LEFT_MM + 12, RIGHT_MM - 12])
    left, right = _docx_cell(sign.cell(0, 0)), _docx_cell(sign.cell(0, 1))
    first = _docx_par(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left")
    first.paragraph_format.space_before = Pt(6)
    for item in content.recipients:
        _docx_par(left, f"- {item}", size=11, align="left")
    for n, line in enumerate(content.signer):
        _docx_par(right, line, bold=True, size=14).paragraph_format.space_before = Pt(6 if n == 0 else 0)
    for _ in range(4):
        _docx_par(right, "", size=14)
    _docx_par(right, content.signer_name, bold=True, size=14)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_report(campaign: Campaign, snapshot: ResultSnapshot, day: datetime.date | None = None) -> bytes:
    return render_docx(report_content(campaign, snapshot, day))


# -- PDF -------------------------------------------------------------------------------------------
PDF_FONT = "DejaVuSerif"


def _pdf_fonts() -> str:
    """Register DejaVu Serif (shipped with matplotlib; Vietnamese glyphs) once; return the family name."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if PDF_FONT in pdfmetrics.getRegisteredFontNames():
        return PDF_FONT
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {(0, 0): "DejaVuSerif.ttf", (1, 0): "DejaVuSerif-Bold.ttf", (0, 1): "DejaVuSerif-Italic.ttf",
             (1, 1): "DejaVuSerif-BoldItalic.ttf"}
    for (bold, italic), filename in faces.items():
        name = PDF_FONT + {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Italic", (1, 1): "-BoldItalic"}[(bold, italic)]
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        addMapping(PDF_FONT, bold, italic, name)
    return PDF_FONT


def render_pdf(content: ReportContent) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import (
        HRFlowable,
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _pdf_fonts()
    # DejaVu Serif runs wider than Times New Roman: 12.5 pt here sets about as much per line as 14 pt there.
    base = ParagraphStyle("base", fontName=font, fontSize=12.5, leading=16.5, alignment=TA_JUSTIFY,
                          spaceAfter=5, firstLineIndent=10 * mm)

    def style(name, **kw):
        return ParagraphStyle(name, parent=base, **({"firstLineIndent": 0, "spaceAfter": 0} | kw))

    centre = style("centre", alignment=TA_CENTER, fontSize=11.5, leading=14.5)
    centre_bold = style("centre-bold", alignment=TA_CENTER, fontSize=11.5, leading=14.5, fontName=f"{font}-Bold")
    state = style("state", alignment=TA_CENTER, fontSize=10.5, leading=14.5, fontName=f"{font}-Bold")
    motto = style("motto", alignment=TA_CENTER, fontSize=12.5, leading=15, fontName=f"{font}-Bold")
    italic = style("italic", alignment=TA_CENTER, fontSize=12.5, leading=15, fontName=f"{font}-Italic")
    title = style("title", alignment=TA_CENTER, fontSize=13, leading=17, fontName=f"{font}-Bold")
    heading = ParagraphStyle("heading", parent=base, fontName=f"{font}-Bold", spaceBefore=4)
    cell = style("cell", fontSize=9.5, leading=12.5, alignment=TA_CENTER)
    cell_left = style("cell-left", fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    cell_head = style("cell-head", fontSize=9.5, leading=12.5, alignment=TA_CENTER, fontName=f"{font}-Bold")
    caption = style("caption", alignment=TA_CENTER, fontSize=11.5, leading=14, fontName=f"{font}-Italic",
                    spaceAfter=6)
    small = style("small", fontSize=10.5, leading=13, alignment=TA_LEFT)
    small_head = style("small-head", fontSize=11, leading=14, alignment=TA_LEFT, fontName=f"{font}-BoldItalic")

    def p(text, st):
        return Paragraph(escape(text), st)

    story = []
    head = Table(
        [[[p(content.governing, centre), p(content.body, centre_bold),
           HRFlowable(width=25 * mm, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=0)],
          [p(MOTTO_STATE, state), p(MOTTO, motto),
           HRFlowable(width=58 * mm, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=0)]],
         [p(content.number, centre), p(content.place_date, italic)]],
        colWidths=[LEFT_MM * mm, RIGHT_MM * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 1), (-1, 1), 6)]))
    story += [head, Spacer(1, 10 * mm), p(content.title, title), p(content.subject, title),
              HRFlowable(width=30 * mm, thickness=0.6, color=colors.black, spaceBefore=5, spaceAfter=8)]
    width = TEXT_WIDTH_MM * mm
    for part in content.sections:
        story.append(p(part.heading, heading))
        story += [p(text, base) for text in part.paragraphs]
        if part.table:
            data = [[p(text, cell_head if i == 0 else (cell_left if j == 1 else cell)) for j, text in enumerate(row)]
                    for i, row in enumerate(part.table)]
            table = Table(data, colWidths=[w * mm for w in (13, 47, 18, 18, 16, 27, 21)], repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2"))]))
            story += [Spacer(1, 2 * mm), table, Spacer(1, 4 * mm)]
        for figure in part.figures:
            reader = ImageReader(io.BytesIO(figure.png))
            w, h = reader.getSize()
            shown = min(150 * mm, width)
            height = shown * h / w
            if height > 200 * mm:  # a long ranking: keep it on one page
                shown, height = shown * 200 * mm / height, 200 * mm
            story.append(KeepTogether([Image(io.BytesIO(figure.png), width=shown, height=height),
                                       p(figure.caption, caption)]))
    closing = p(content.closing, base)
    recipients = [p("Nơi nhận:", small_head)] + [p(f"- {item}", small) for item in content.recipients]
    signer = [p(line, motto) for line in content.signer] + [Spacer(1, 22 * mm), p(content.signer_name, motto)]
    sign = Table([[recipients, signer]], colWidths=[(LEFT_MM + 12) * mm, (RIGHT_MM - 12) * mm])
    sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 8)]))
    story.append(KeepTogether([closing, sign]))

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 12)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm, leftMargin=30 * mm,
                            rightMargin=15 * mm, title=f"{content.title} {content.subject}", author=content.body,
                            invariant=1)
    doc.build(story, onLaterPages=page_number)
    return out.getvalue()


def pdf_report(campaign: Campaign, snapshot: ResultSnapshot, day: datetime.date | None = None) -> bytes:
    return render_pdf(report_content(campaign, snapshot, day))
