"""A whiteboard drawn as a self-contained SVG for the HTML report (no Graphviz, no script).

Boxes sit in layers by their longest path from a box nothing points to; arrows are straight
lines between box edges. Every label is escaped: diagram text is the candidate's.
"""

from __future__ import annotations

import textwrap
from html import escape

from bot.diagram import Diagram

BOX_W, BOX_H, GAP_ALONG, GAP_ACROSS, PAD = 170, 46, 70, 24, 12
LINE_CHARS = 24


def layers(diagram: Diagram) -> dict[str, int]:
    """Each box's layer: one more than the deepest box pointing to it (cycles cut off)."""
    layer = {n.id: 0 for n in diagram.nodes}
    for _ in range(len(diagram.nodes)):
        changed = False
        for edge in diagram.edges:
            wanted = layer[edge.source] + 1
            if edge.source != edge.target and layer[edge.target] < wanted < len(layer):
                layer[edge.target] = wanted
                changed = True
        if not changed:
            break
    return layer


def diagram_svg(diagram: Diagram) -> str:
    if not diagram.nodes:
        return ""
    layer = layers(diagram)
    slots: dict[int, int] = {}
    place: dict[str, tuple[float, float]] = {}
    vertical = diagram.direction in ("TD", "TB", "BT")
    for node in diagram.nodes:
        along = layer[node.id]
        across = slots.get(along, 0)
        slots[along] = across + 1
        place[node.id] = _position(along, across, vertical)
    width = max(x for x, _ in place.values()) + BOX_W + PAD
    height = max(y for _, y in place.values()) + BOX_H + PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        'role="img" aria-label="whiteboard diagram" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    parts += [_arrow(place[e.source], place[e.target], e.label) for e in diagram.edges]
    parts += [_box(place[n.id], n.label) for n in diagram.nodes]
    parts.append("</svg>")
    return "\n".join(parts)


def _position(along: int, across: int, vertical: bool) -> tuple[float, float]:
    """Top-left corner of a box: layers run left to right (LR) or top to bottom (TD)."""
    if vertical:
        return PAD + across * (BOX_W + GAP_ACROSS), PAD + along * (BOX_H + GAP_ALONG)
    return PAD + along * (BOX_W + GAP_ALONG), PAD + across * (BOX_H + GAP_ACROSS)


def _box(at: tuple[float, float], label: str) -> str:
    x, y = at
    lines = textwrap.wrap(label, LINE_CHARS)[:2] or [""]
    top = y + BOX_H / 2 - (len(lines) - 1) * 7 + 4
    text = "".join(
        f'<tspan x="{x + BOX_W / 2:.0f}" y="{top + 14 * i:.0f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="8" '
        f'fill="#eef2f7" stroke="#4a6a8a"/><text text-anchor="middle">{text}</text>'
    )


def _arrow(source: tuple[float, float], target: tuple[float, float], label: str) -> str:
    (x1, y1), (x2, y2) = _centre(source), _centre(target)
    start, end = _border(x1, y1, x2, y2), _border(x2, y2, x1, y1)
    line = (
        f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
        'stroke="#555" marker-end="url(#arrow)"/>'
    )
    if not label:
        return line
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2 - 4
    return line + (
        f'<text x="{mx:.0f}" y="{my:.0f}" text-anchor="middle" fill="#333" font-size="11">'
        f"{escape(label[:40])}</text>"
    )


def _centre(at: tuple[float, float]) -> tuple[float, float]:
    return at[0] + BOX_W / 2, at[1] + BOX_H / 2


def _border(x: float, y: float, toward_x: float, toward_y: float) -> tuple[float, float]:
    """Where the line from a box's centre toward another point leaves the box."""
    dx, dy = toward_x - x, toward_y - y
    if dx == 0 and dy == 0:
        return x, y
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else float("inf"), (BOX_H / 2) / abs(dy) if dy else float("inf")
    )
    return x + dx * scale, y + dy * scale
