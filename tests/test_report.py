from __future__ import annotations

import json
import re

import pytest

from bot.report import md_escape, to_html, to_json, to_markdown, write_report
from bot.transcript import Transcript

PAYLOADS = [
    "<script>alert('x')</script> I would use a two-tower model because it scales.",
    '<img src="https://evil.example/x.png" onerror="alert(1)"> I would log impressions.',
    "[click me](javascript:alert(1)) and I'd monitor drift because data changes.",
    "![tracker](https://evil.example/pixel.gif) I'd use NDCG because relevance is graded.",
]


@pytest.fixture
def hostile_report(engine):
    turns = [{"role": "interviewer", "content": "Design a news feed."}]
    for payload in PAYLOADS:
        turns += [
            {"role": "candidate", "content": payload},
            {"role": "interviewer", "content": "Go on?"},
        ]
    return engine.grade(Transcript(case="news-feed", turns=turns))


def test_html_report_renders_candidate_text_inert(hostile_report) -> None:
    html = to_html(hostile_report)
    assert "<script" not in html.lower()
    assert "onerror=" not in html.lower().replace("onerror=&#34;", "")
    assert not re.search(r"<img\b", html, re.I)
    assert 'href="javascript:' not in html.lower()


def test_html_report_needs_no_network(hostile_report) -> None:
    html = to_html(hostile_report)
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html, re.I)
    assert "<svg" in html, "the chart is embedded"
    assert "Content-Security-Policy" in html


def test_markdown_report_cannot_form_links_or_html(hostile_report) -> None:
    markdown = to_markdown(hostile_report)
    assert "<script>" not in markdown
    assert "](javascript:" not in markdown
    assert "![tracker](" not in markdown


def test_md_escape() -> None:
    assert md_escape("<b>[x](y)</b>") == r"\<b\>\[x\](y)\</b\>"


def test_report_files_are_written_complete(hostile_report, tmp_path) -> None:
    paths = write_report(hostile_report, tmp_path / "out" / "report")
    assert sorted(p.suffix for p in paths) == [".html", ".json", ".md"]
    assert json.loads((tmp_path / "out" / "report.json").read_text())["case"] == "news-feed"
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_json_round_trips(hostile_report) -> None:
    assert json.loads(to_json(hostile_report))["verdict"] == hostile_report.verdict


def test_the_whiteboard_is_drawn_in_the_reports_and_its_labels_stay_inert(engine) -> None:
    drawing = "req[Request] --> rank[<script>alert(1)</script> Ranker]\nrank -->|top 10| feed[Feed]"
    turns = [
        {"role": "interviewer", "content": "Design a news feed."},
        {"role": "candidate", "content": "My first sketch.", "diagram": "a[Request] --> b[Feed]"},
        {"role": "interviewer", "content": "Go on?"},
        {"role": "candidate", "content": "Here is the final drawing.", "diagram": drawing},
    ]
    report = engine.grade(Transcript(case="news-feed", turns=turns))
    assert report.diagram == drawing, "the report keeps the last drawing"
    html = to_html(report)
    svg = html[html.index("<svg", html.index("Whiteboard")) :]
    assert "<rect" in svg and "marker-end" in svg and ">top 10<" in svg
    assert "<script" not in html.lower()
    markdown = to_markdown(report)
    assert "## Whiteboard\n\n```mermaid\nreq[Request] --> rank[<script>" in markdown
