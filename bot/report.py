"""The feedback report as Markdown, self-contained HTML, and JSON (the contract).

Candidate and model text is escaped everywhere: HTML through Jinja2's autoescape, Markdown
by escaping the characters that would form HTML, links or images.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jinja2

from bot.diagram import DiagramError, parse_diagram
from bot.diagram_svg import diagram_svg
from bot.grading import Report
from bot.stages import STAGES

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#!|<>])")
#: Streamlit's Markdown also renders strikethrough, LaTeX between dollars, and lists.
_STREAMLIT_SPECIAL = re.compile(r"([\\`*_\[\]#!|<>{}()~+$-])")


def md_escape(text: str, keep_lines: bool = False, streamlit: bool = False) -> str:
    """Plain text for Markdown: no HTML, links, images or emphasis can form."""
    special = _STREAMLIT_SPECIAL if streamlit else _MD_SPECIAL
    if keep_lines:
        return "  \n".join(special.sub(r"\\\1", line) for line in str(text).splitlines())
    return special.sub(r"\\\1", " ".join(str(text).split()))


def to_json(report: Report) -> str:
    return json.dumps(report.contract(), indent=2, ensure_ascii=False)


def to_markdown(report: Report) -> str:
    lines = [
        f"# Interview report: {md_escape(report.case_title or report.case)}",
        "",
        f"**Verdict:** {report.verdict.replace('_', ' ')} · **overall** "
        f"{report.overall_score:g}/100 · level {report.level} · graded by {report.graded_by}",
        "",
    ]
    if report.flags:
        lines += [f"**Flags:** {', '.join(report.flags)}", ""]
    lines += [f"- {md_escape(r)}" for r in report.verdict_reasons] + ["", "## Stage scores", ""]
    lines += ["| stage | score |", "| --- | --- |"]
    lines += [
        f"| {s.heading} | {'█' * report.stages[s].score}{'░' * (4 - report.stages[s].score)} "
        f"{report.stages[s].score}/4 |"
        for s in STAGES
    ]
    lines += ["", "## Practise next", ""]
    lines += [f"{i}. {md_escape(t)}" for i, t in enumerate(report.practise_next, 1)]
    for stage in STAGES:
        lines += _stage_markdown(report, stage)
    lines += _driving_markdown(report)
    lines += _diagram_markdown(report)
    return "\n".join(lines) + "\n"


def _diagram_markdown(report: Report) -> list[str]:
    """The whiteboard as a Mermaid block (rendered by GitHub and most Markdown viewers);
    backticks are dropped so the candidate's text cannot close the fence."""
    if not report.diagram:
        return []
    return ["", "## Whiteboard", "", "```mermaid", report.diagram.replace("`", "'"), "```"]


def _stage_markdown(report: Report, stage) -> list[str]:
    grade = report.stages[stage]
    lines = ["", f"## {stage.heading}: {grade.score}/4", ""]
    lines += [f"> {md_escape(q)}" for q in grade.evidence] or ["_No evidence in your answers._"]
    if grade.missing:
        lines += ["", "Missing:"] + [f"- {md_escape(m)}" for m in grade.missing]
    lines += ["", "What a strong answer covers:"] + [
        f"- {md_escape(p)}" for p in grade.strong_answer
    ]
    if grade.reading:
        lines += ["", "Reading: " + ", ".join(f"`{r}`" for r in grade.reading)]
    return lines


def _driving_markdown(report: Report) -> list[str]:
    driving = report.dimensions["driving"]
    lines = ["", f"## Driving the interview: {driving.score}/4", ""]
    lines += [f"> {md_escape(q)}" for q in driving.evidence]
    lines += [f"- {md_escape(n)}" for n in driving.notes]
    if report.staff_gaps:
        lines += ["", "## Staff-level trade-offs not raised", ""]
        lines += [f"- {md_escape(g)}" for g in report.staff_gaps]
    lines += ["", "## Help used", ""]
    lines += [f"- {h.get('kind')}: {md_escape(str(h.get('text', '')))}" for h in report.help_used]
    if not report.help_used:
        lines.append("None.")
    return lines


def bar_chart_svg(report: Report) -> str:
    """Stage scores as an inline SVG bar chart (the report must open offline, so no
    charting JavaScript from a CDN)."""
    width, row, left = 640, 28, 190
    height = row * (len(STAGES) + 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="Stage scores">'
    ]
    for i, stage in enumerate([*STAGES, "driving"]):
        score = (
            report.dimensions["driving"].score if stage == "driving" else report.stages[stage].score
        )
        label = "Driving the interview" if stage == "driving" else stage.heading
        y = 10 + i * row
        bar = (width - left - 50) * score / 4
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{html.escape(label)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{width - left - 50}" height="18" fill="#eef2f7"/>'
        )
        parts.append(f'<rect x="{left}" y="{y}" width="{bar:.0f}" height="18" fill="#3d6fb4"/>')
        parts.append(f'<text x="{width - 40}" y="{y + 15}" font-size="13">{score}/4</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(report: Report) -> str:
    template = _TEMPLATES.get_template("report.html.j2")
    return template.render(
        report=report,
        stages=[(s, report.stages[s]) for s in STAGES],
        driving=report.dimensions["driving"],
        chart=jinja2.utils.markupsafe.Markup(bar_chart_svg(report)),
        whiteboard=jinja2.utils.markupsafe.Markup(_whiteboard_svg(report)),
    )


def _whiteboard_svg(report: Report) -> str:
    """The drawing as SVG; its labels are escaped by diagram_svg."""
    if not report.diagram:
        return ""
    try:
        return diagram_svg(parse_diagram(report.diagram))
    except DiagramError:
        return ""


def write_report(report: Report, stem: Path) -> list[Path]:
    """Write `<stem>.json`, `.md` and `.html` atomically (a file is complete or absent)."""
    written = []
    stem.parent.mkdir(parents=True, exist_ok=True)
    for suffix, render in ((".json", to_json), (".md", to_markdown), (".html", to_html)):
        path = stem.with_suffix(suffix)
        tmp = path.with_suffix(suffix + ".tmp")
        tmp.write_text(render(report), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
