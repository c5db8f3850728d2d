"""The integration graph drawn server-side as SVG (served from its own URL and shown with <img>).

Presentation attributes only (no <style>, no script): the Content Security Policy forbids inline
styles, and an SVG shown through <img> runs nothing anyway. Nodes are the systems that take part in
at least one link, on a circle with linked nodes near each other; outside systems (national databases…) are grey
boxes. Edge colour shows the channel.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

CHANNEL_COLOURS = {"lgsp": "#1f6feb", "ndxp": "#b3261e", "api": "#2e7d32", "file": "#8a6d00"}
DOMAIN_COLOURS = ["#dbe9ff", "#fde2e1", "#e3f4e4", "#fff2c2", "#eadcf8", "#d9f2f2", "#fbe0ef", "#e8e8e8"]


def _label(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(n: int, radius: float, cx: float, cy: float) -> list[tuple[float, float]]:
    return [(cx + radius * math.cos(2 * math.pi * i / n - math.pi / 2),
             cy + radius * math.sin(2 * math.pi * i / n - math.pi / 2)) for i in range(max(n, 0))]


def order(nodes: dict, edges: list) -> list[str]:
    """Nodes around the circle so that linked nodes sit near each other: component by component
    (largest first), each walked breadth-first from its busiest node; ties by label."""
    neighbours: dict[str, set[str]] = {k: set() for k in nodes}
    for a, b, *_rest in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)

    def rank(k):
        return (-len(neighbours[k]), nodes[k]["label"])

    seen: set[str] = set()
    components = []
    for start in sorted(nodes, key=rank):
        if start in seen:
            continue
        walk, queue = [], [start]
        seen.add(start)
        while queue:
            k = queue.pop(0)
            walk.append(k)
            for nxt in sorted(neighbours[k] - seen, key=rank):
                seen.add(nxt)
                queue.append(nxt)
        components.append(walk)
    components.sort(key=lambda c: -len(c))
    return [k for c in components for k in c]


def render(systems, links) -> str:
    """SVG text for `links` (Link objects) among `systems` (the systems the reader may see)."""
    visible = {s.pk: s for s in systems}
    links = [link for link in links if link.source_id in visible]
    nodes: dict[str, dict] = {}

    def node(key: str, label: str, domain: str, outside: bool) -> str:
        nodes.setdefault(key, {"label": label, "domain": domain, "outside": outside})
        return key

    edges = []
    for link in links:
        src = visible[link.source_id]
        a = node(f"s{src.pk}", src.name, src.domain, False)
        if link.target_id and link.target_id in visible:
            tgt = visible[link.target_id]
            b = node(f"s{tgt.pk}", tgt.name, tgt.domain, False)
        else:
            # a target outside the reader's scope shows as an outside box, without its registry details
            label = link.target_name or (link.target.name if link.target_id else "?")
            b = node(f"x:{label}", label, "~outside", True)
        edges.append((a, b, link.channel, link.dataset))
    keys = order(nodes, edges)
    n = len(keys)
    size = max(640, min(1100, 300 + 18 * n))
    cx = cy = size / 2
    radius = size / 2 - 175
    pos = dict(zip(keys, layout(n, radius, cx, cy), strict=True))
    domains = sorted({nodes[k]["domain"] for k in keys if not nodes[k]["outside"]})
    fill = {d: DOMAIN_COLOURS[i % len(DOMAIN_COLOURS)] for i, d in enumerate(domains)}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size:.0f} {size + 40:.0f}" '
           f'width="{size:.0f}" height="{size + 40:.0f}" font-family="sans-serif" font-size="11">',
           "<title>Integration graph</title>",
           "<defs>" + "".join(
               f'<marker id="arrow-{c}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
               f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
               for c, colour in CHANNEL_COLOURS.items()) + "</defs>",
           f'<rect x="0" y="0" width="{size:.0f}" height="{size + 40:.0f}" fill="#ffffff"/>']
    if not keys:
        out.append(f'<text x="{cx:.0f}" y="{cy:.0f}" text-anchor="middle" fill="#555">—</text></svg>')
        return "".join(out)
    for a, b, channel, dataset in edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        x2s, y2s = x2 - dx / dist * 14, y2 - dy / dist * 14
        colour = CHANNEL_COLOURS.get(channel, "#555")
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2s:.1f}" y2="{y2s:.1f}" stroke="{colour}" '
                   f'stroke-width="1.4" stroke-opacity="0.75" marker-end="url(#arrow-{channel})">'
                   f"<title>{escape(dataset)}</title></line>")
    for key in keys:
        x, y = pos[key]
        info = nodes[key]
        anchor = "start" if x >= cx else "end"
        tx = x + (12 if x >= cx else -12)
        if info["outside"]:
            out.append(f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="#d0d0d0" '
                       f'stroke="#555"/>')
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill[info["domain"]]}" stroke="#23395d"/>')
        out.append(f'<text x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#1a1a1a">'
                   f'<title>{escape(info["label"])}</title>{escape(_label(info["label"]))}</text>')
    legend_y = size + 20
    x = 20
    for channel, colour in CHANNEL_COLOURS.items():
        out.append(f'<line x1="{x}" y1="{legend_y}" x2="{x + 30}" y2="{legend_y}" stroke="{colour}" '
                   f'stroke-width="3"/><text x="{x + 36}" y="{legend_y + 4}" fill="#1a1a1a">{channel.upper()}</text>')
        x += 110
    out.append("</svg>")
    return "".join(out)
