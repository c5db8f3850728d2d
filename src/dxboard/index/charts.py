"""Charts drawn on the server from plain data (lists and dicts out of a snapshot's payload).

Nothing here touches the database: the views and the reports gather the data, these functions draw.
Each function returns SVG text (``fmt="svg"``, for pages, served as a separate image URL because
matplotlib writes ``style`` attributes the pages' CSP would refuse inline) or PNG bytes
(``fmt="png"``, for DOCX and PDF).

Output is deterministic: Agg/SVG canvases without pyplot, a fixed SVG hash salt, no dates in the
metadata, and the DejaVu Sans font shipped with matplotlib (it has the Vietnamese glyphs). In SVG the
text stays text (``svg.fonttype = none``) so that names can be searched and read by screen readers.
"""

import io
import math
import re
import threading
from collections.abc import Sequence
from html import escape
from typing import Literal

import matplotlib

matplotlib.use("Agg")  # never a GUI backend on a server

from matplotlib import colormaps  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

Format = Literal["svg", "png"]

CMAP = colormaps["RdYlGn"]  # red = low, green = high, as on dti.gov.vn
MISSING = "#d9d9d9"
INK = "#1f2933"
ACCENT = "#1d4f91"
DPI = 150
# Property names under which a boundary file may carry the commune's code (GSO code).
CODE_KEYS = ("code", "ma", "ma_xa", "ma_dvhc", "unit_code", "MA_XA", "MA_DVHC", "MaXa", "ADM3_PCODE", "id")

RC = {
    "svg.hashsalt": "dxboard",
    "svg.fonttype": "none",
    "svg.id": None,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": "#8a949e",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "path.simplify": True,
}
# rcParams are global to the process: one chart is drawn at a time.
_LOCK = threading.Lock()


# -- helpers ---------------------------------------------------------------------------------------
def vn_number(value: float | None, digits: int = 1) -> str:
    """72.5 → "72,5"; 3334900 → "3.334.900" (Vietnamese separators); None → "–"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _pct(value: float | None) -> str:
    return "–" if value is None else vn_number(value * 100, 1)


def _num(value) -> float:
    return float("nan") if value is None else float(value)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI)
    fig.patch.set_facecolor("white")
    return fig


def _render(draw, fmt: Format, titles: dict[str, str] | None = None):
    """Draw under the fixed settings and save. `titles` maps artist gids to hover text (SVG)."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown chart format {fmt!r}")
    with _LOCK, matplotlib.rc_context(RC):
        fig = draw()
        buffer = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "dxboard"})
        else:
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    if fmt == "png":
        return buffer.getvalue()
    svg = buffer.getvalue().decode("utf-8")
    for gid, text in (titles or {}).items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}">\n  <title>{escape(text)}</title>', 1)
    return svg


def _empty(fig: Figure, message: str = "Chưa có dữ liệu") -> Figure:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#6b7280", transform=ax.transAxes)
    return fig


def _short(text: str, width: int = 38) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- ranking bars ----------------------------------------------------------------------------------
def ranking_bars(rows: Sequence[dict], fmt: Format = "svg", title: str = "") -> str | bytes:
    """Horizontal bars, best unit on top, from `results.ranking()` rows (name, value on [0, 1], rank,
    points, interval with q05/q95 rank bounds)."""
    rows = list(rows)

    def draw():
        fig = _figure(8.0, min(max(1.6 + 0.26 * len(rows), 2.4), 30))
        if not rows:
            return _empty(fig)
        ax = fig.add_subplot()
        values = [_num(r.get("value")) * 100 for r in rows]
        positions = list(range(len(rows)))[::-1]
        colours = [MISSING if math.isnan(v) else CMAP(v / 100) for v in values]
        ax.barh(positions, [0 if math.isnan(v) else v for v in values], color=colours, edgecolor="#4b5563",
                linewidth=0.4, height=0.7)
        labels = []
        for row in rows:
            rank = row.get("rank")
            prefix = f"{int(rank)}. " if rank is not None else ""
            labels.append(prefix + _short(row.get("name", row.get("code", "")), 34))
        ax.set_yticks(positions, labels)
        for y, v, row in zip(positions, values, rows, strict=True):
            text = _pct(row.get("value"))
            interval = row.get("interval") or {}
            if interval.get("q05") is not None and interval.get("q95") is not None:
                text += f"  [{interval['q05']}–{interval['q95']}]"
            ax.text((0 if math.isnan(v) else v) + 1, y, text, va="center", fontsize=7.5)
        ax.set_xlim(0, 115)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel("Điểm chỉ số (thang 100); trong ngoặc: khoảng thứ hạng 5–95 %")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
        ax.set_axisbelow(True)
        if title:
            ax.set_title(title, fontsize=11, loc="left")
        fig.tight_layout()
        return fig

    return _render(draw, fmt)


# -- radar -----------------------------------------------------------------------------------------
def _aligned(codes: Sequence[str], values) -> list[float]:
    if isinstance(values, dict):
        return [_num(values.get(c)) for c in codes]
    return [_num(v) for v in values]


def radar(main_codes: Sequence[str], names, unit_values, median_values, fmt: Format = "svg",
          unit_label: str = "Đơn vị", median_label: str = "Trung vị") -> str | bytes:
    """The unit's value on each main index (on [0, 1]) against the median of all units.

    `names`, `unit_values` and `median_values` are either dicts keyed by main index code or lists in
    the order of `main_codes`."""
    codes = list(main_codes)
    labels = [names.get(c, c) for c in codes] if isinstance(names, dict) else [str(n) for n in names]
    unit = _aligned(codes, unit_values)
    median = _aligned(codes, median_values)

    def draw():
        fig = _figure(7.0, 6.0)
        if len(codes) < 3:
            return _empty(fig, "Cần ít nhất 3 chỉ số chính để vẽ biểu đồ radar")
        ax = fig.add_subplot(projection="polar")
        angles = [2 * math.pi * i / len(codes) for i in range(len(codes))]
        closed = angles + angles[:1]
        for series, colour, label, style in ((median, "#9ca3af", median_label, "--"),
                                             (unit, ACCENT, unit_label, "-")):
            pts = [0 if math.isnan(v) else v * 100 for v in series]
            pts += pts[:1]
            ax.plot(closed, pts, color=colour, linewidth=1.8, linestyle=style, label=label)
            ax.fill(closed, pts, color=colour, alpha=0.15 if style == "-" else 0.05)
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.set_xticks(angles, [f"{c}\n{_short(n, 22)}" for c, n in zip(codes, labels, strict=True)], fontsize=7.5)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100], ["20", "40", "60", "80", "100"], fontsize=7, color="#6b7280")
        ax.grid(color="#d1d5db", linewidth=0.6)
        ax.legend(loc="upper right", bbox_to_anchor=(1.18, 1.12), fontsize=8, frameon=False)
        fig.tight_layout()
        return fig

    return _render(draw, fmt)


# -- heat map --------------------------------------------------------------------------------------
def heatmap(units: Sequence[str], indicators: Sequence[str], matrix: Sequence[Sequence[float | None]],
            fmt: Format = "svg") -> str | bytes:
    """Units (rows) × indicators (columns); cells on [0, 1] coloured red → green, grey when missing."""
    units, indicators = list(units), list(indicators)
    data = [[_num(v) for v in row] for row in matrix]
    if len(data) != len(units) or any(len(row) != len(indicators) for row in data):
        raise ValueError("matrix shape does not match units × indicators")

    def draw():
        width = min(max(4.0 + 0.55 * len(indicators), 6.0), 24)
        fig = _figure(width, min(max(1.8 + 0.28 * len(units), 3.0), 32))
        if not units or not indicators:
            return _empty(fig)
        import numpy as np

        ax = fig.add_subplot()
        grid = np.ma.masked_invalid(np.array(data, dtype=float))
        cmap = CMAP.with_extremes(bad=MISSING)
        image = ax.imshow(grid, cmap=cmap, norm=Normalize(0, 1), aspect="auto", interpolation="nearest")
        ax.set_xticks(range(len(indicators)), [_short(i, 24) for i in indicators], rotation=45, ha="right",
                      fontsize=7.5)
        ax.set_yticks(range(len(units)), [_short(u, 34) for u in units], fontsize=7.5)
        if len(units) * len(indicators) <= 400:
            for i, row in enumerate(data):
                for j, v in enumerate(row):
                    ax.text(j, i, _pct(None if math.isnan(v) else v), ha="center", va="center", fontsize=6.5,
                            color="white" if not math.isnan(v) and (v < 0.2 or v > 0.85) else INK)
        ax.tick_params(length=0)
        colorbar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        colorbar.set_ticks([0, 0.25, 0.5, 0.75, 1], labels=["0", "25", "50", "75", "100"])
        colorbar.ax.tick_params(labelsize=7)
        fig.tight_layout()
        return fig

    return _render(draw, fmt)


# -- time series -----------------------------------------------------------------------------------
def time_series(periods: Sequence[str], series: dict[str, Sequence[float | None]], fmt: Format = "svg",
                ylabel: str = "Điểm chỉ số (thang 100)") -> str | bytes:
    """One line per series over the periods; values on [0, 1], gaps where None."""
    periods = [str(p) for p in periods]

    def draw():
        fig = _figure(8.0, 4.2)
        if not periods or not series:
            return _empty(fig)
        ax = fig.add_subplot()
        colours = colormaps["tab10"]
        x = list(range(len(periods)))
        for n, (name, values) in enumerate(series.items()):
            ys = [_num(v) * 100 for v in values]
            if len(ys) != len(periods):
                raise ValueError(f"series {name!r} has {len(ys)} values for {len(periods)} periods")
            ax.plot(x, ys, marker="o", markersize=4, linewidth=1.6, color=colours(n % 10), label=_short(name, 30))
        ax.set_xticks(x, periods)
        ax.set_ylim(0, 100)
        ax.set_ylabel(ylabel)
        ax.grid(color="#e5e7eb", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=7.5, frameon=False)
        fig.tight_layout()
        return fig

    return _render(draw, fmt)


# -- map -------------------------------------------------------------------------------------------
def feature_code(properties: dict | None) -> str | None:
    """The unit code a boundary feature carries, under one of the usual property names."""
    for key in CODE_KEYS:
        value = (properties or {}).get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygons (each a list of rings) of a Polygon or MultiPolygon geometry; others give []."""
    kind = (geometry or {}).get("type")
    coords = (geometry or {}).get("coordinates") or []
    if kind == "Polygon":
        return [coords]
    if kind == "MultiPolygon":
        return list(coords)
    return []


def _polygon_path(polygons) -> MplPath | None:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            ring = [(float(p[0]), float(p[1])) for p in ring if len(p) >= 2]
            if len(ring) >= 3:
                parts.append(MplPath(ring + [ring[0]], closed=True))
    return MplPath.make_compound_path(*parts) if parts else None


def commune_map(points: Sequence[tuple], geojson: dict | None = None, fmt: Format = "svg",
                title: str = "") -> str | bytes:
    """The communes coloured by value (on [0, 1]).

    `points` holds (lat, lon, value, name) or (lat, lon, value, name, code). With a GeoJSON
    FeatureCollection whose features carry a unit code (see CODE_KEYS), the polygons are filled
    (choropleth) and matched to points by code; without it, dots are drawn on the centroids. No tiles,
    nothing fetched."""
    entries = []
    for item in points:
        lat, lon, value, name = item[:4]
        code = str(item[4]) if len(item) > 4 and item[4] is not None else None
        entries.append((None if lat is None else float(lat), None if lon is None else float(lon),
                        None if value is None else float(value), str(name), code))
    features = [f for f in (geojson or {}).get("features", []) if isinstance(f, dict)] if geojson else []
    titles: dict[str, str] = {}

    def draw():
        fig = _figure(7.5, 7.0)
        placed = [e for e in entries if e[0] is not None and e[1] is not None]
        if not placed and not features:
            return _empty(fig, "Chưa có tọa độ hoặc ranh giới của các đơn vị")
        ax = fig.add_subplot()
        norm = Normalize(0, 1)
        by_code = {e[4]: e for e in entries if e[4]}
        lats: list[float] = []
        if features:
            patches, colours = [], []
            for n, feature in enumerate(features):
                path = _polygon_path(_rings(feature.get("geometry")))
                if path is None:
                    continue
                code = feature_code(feature.get("properties"))
                entry = by_code.get(code) if code else None
                value = entry[2] if entry else None
                patch = PathPatch(path)
                gid = f"area-{n}"
                patch.set_gid(gid)
                patches.append(patch)
                colours.append(MISSING if value is None else CMAP(norm(value)))
                label = entry[3] if entry else (feature.get("properties") or {}).get("name", code or "")
                titles[gid] = f"{label}: {_pct(value)}"
                lats.extend(v[1] for v in path.vertices[::10])
            for patch, colour in zip(patches, colours, strict=True):
                patch.set_facecolor(colour)
                patch.set_edgecolor("white")
                patch.set_linewidth(0.5)
                ax.add_patch(patch)
            ax.autoscale_view()
        else:
            for n, (lat, lon, value, name, _code) in enumerate(placed):
                colour = MISSING if value is None else CMAP(norm(value))
                dot = ax.scatter([lon], [lat], s=70, color=[colour], edgecolors="#374151", linewidths=0.5,
                                 zorder=3)
                gid = f"dot-{n}"
                dot.set_gid(gid)
                titles[gid] = f"{name}: {_pct(value)}"
                lats.append(lat)
            lons = [e[1] for e in placed]
            pad_x = max((max(lons) - min(lons)) * 0.08, 0.02)
            pad_y = max((max(lats) - min(lats)) * 0.08, 0.02)
            ax.set_xlim(min(lons) - pad_x, max(lons) + pad_x)
            ax.set_ylim(min(lats) - pad_y, max(lats) + pad_y)
        if len(placed) <= 40:
            for lat, lon, _value, name, _code in placed:
                ax.annotate(_short(name, 26), (lon, lat), xytext=(4, 4), textcoords="offset points", fontsize=6.5,
                            zorder=4)
        mid = sum(lats) / len(lats) if lats else 21.0
        ax.set_aspect(1 / max(math.cos(math.radians(mid)), 0.1))
        ax.set_xlabel("Kinh độ")
        ax.set_ylabel("Vĩ độ")
        ax.tick_params(labelsize=7)
        mappable = ScalarMappable(norm=norm, cmap=CMAP)
        colorbar = fig.colorbar(mappable, ax=ax, fraction=0.035, pad=0.02)
        colorbar.set_ticks([0, 0.25, 0.5, 0.75, 1], labels=["0", "25", "50", "75", "100"])
        colorbar.set_label("Điểm chỉ số (thang 100)", fontsize=8)
        colorbar.ax.tick_params(labelsize=7)
        if title:
            ax.set_title(title, fontsize=11, loc="left")
        fig.tight_layout()
        return fig

    return _render(draw, fmt, titles)


def has_script(svg: str) -> bool:
    """True when an SVG holds anything that could run: script elements, event handlers, javascript: links."""
    return bool(re.search(r"<script|\son[a-z]+\s*=|javascript:", svg, re.IGNORECASE))


__all__ = ["ranking_bars", "radar", "heatmap", "time_series", "commune_map", "feature_code", "vn_number",
           "has_script"]
