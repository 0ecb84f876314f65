"""The whiteboard: its syntax, what the interviewer asks about it, what the grader quotes."""

from __future__ import annotations

import pytest

from bot.diagram import DiagramError, diagram_gaps, parse_diagram, to_dot
from bot.errors import InputError
from bot.transcript import Transcript

FUNNEL = """flowchart LR
%% the serving path
req[Request] --> cg[Two-tower candidate generation over 2B videos]
cg -->|top 500| rank(Deep ranker)
fs[(Feature store)] -- user features --> rank; rank --> feed((Home feed))
"""


def test_boxes_arrows_and_labels_are_read() -> None:
    diagram = parse_diagram(FUNNEL)
    assert diagram.direction == "LR"
    assert [n.label for n in diagram.nodes] == [
        "Request",
        "Two-tower candidate generation over 2B videos",
        "Deep ranker",
        "Feature store",
        "Home feed",
    ]
    assert diagram.statements() == [
        "Request → Two-tower candidate generation over 2B videos",
        "Two-tower candidate generation over 2B videos → Deep ranker (top 500)",
        "Feature store → Deep ranker (user features)",
        "Deep ranker → Home feed",
    ]


def test_a_chain_draws_every_arrow_and_a_bare_id_is_its_own_label() -> None:
    diagram = parse_diagram("graph TD\na --> b --> c\nd")
    assert [(e.source, e.target) for e in diagram.edges] == [("a", "b"), ("b", "c")]
    assert diagram.statements()[-1] == "d"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("a[Request] -> b[Ranker]", "line 1: cannot read 'a[Request] -> b[Ranker]'"),
        ("flowchart LR\nx[Ranker] -->", "line 2: cannot read 'x[Ranker] -->'"),
        ("flowchart sideways", "line 1: direction 'sideways'"),
    ],
)
def test_a_line_that_cannot_be_read_is_one_clear_error(source: str, message: str) -> None:
    with pytest.raises(DiagramError) as caught:
        parse_diagram(source)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_labels_are_escaped_in_the_rendered_graph() -> None:
    dot = to_dot(parse_diagram('a[say "hi" <script>] --> b'))
    assert 'label="say \\"hi\\" <script>"' in dot
    assert dot.count("->") == 1


def test_a_ranker_over_a_large_catalogue_without_candidate_generation_is_asked_about() -> None:
    diagram = parse_diagram("req[Request] --> rank[Deep ranker] --> feed[Feed]")
    gaps = diagram_gaps(diagram, large_catalogue=True)
    assert gaps[0].name == "no candidate generation"
    assert '"Deep ranker"' in gaps[0].question
    assert not any(g.name == "no candidate generation" for g in diagram_gaps(diagram, False))
    assert not any(
        g.name == "no candidate generation" for g in diagram_gaps(parse_diagram(FUNNEL), True)
    )


def test_loose_boxes_and_a_model_nobody_watches_are_named() -> None:
    diagram = parse_diagram(
        "a[Request] --> r[Ranker]\nfs[Feature store] --> r\nr --> f[Feed]\nx[Cache]"
    )
    names = {g.name: g.question for g in diagram_gaps(diagram, False)}
    assert '"Cache" is not connected' in names["unconnected boxes"]
    assert '"Ranker"' in names["nothing watches the model"]
    assert "no feature path" not in names


def test_a_drawing_missing_candidate_generation_is_asked_about_on_the_next_turn(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    drawing = "req[Request] --> rank[Deep ranker]\nrank --> feed[Home feed]"
    reply = "".join(interview.respond("Here is my serving path.", diagram=drawing))
    assert '"Deep ranker"' in reply and "narrows the candidates" in reply
    again = "".join(interview.respond("It is the same drawing.", diagram=drawing))
    assert "narrows the candidates" not in again, "an unchanged drawing is not asked about twice"
    reloaded = engine.load_interview(interview.session_id)
    assert reloaded.state.diagram == drawing
    assert interview.turns()[-2].meta["diagram"] == drawing


def test_a_bad_diagram_is_refused_before_anything_is_saved(engine) -> None:
    interview = engine.new_interview("video-recommendation", clock="spoken")
    "".join(interview.open())
    before = len(interview.turns())
    with pytest.raises(InputError, match="line 1: cannot read"):
        "".join(interview.respond("My design.", diagram="Request -> Ranker"))
    assert len(interview.turns()) == before


def test_the_grader_quotes_the_diagram_as_the_candidates_own_words(engine) -> None:
    transcript = Transcript.model_validate(
        {
            "case": "video-recommendation",
            "turns": [
                {"role": "interviewer", "content": "Design the homepage recommendations."},
                {"role": "candidate", "content": "How many videos are there?"},
                {"role": "interviewer", "content": "How would you frame it as an ML problem?"},
                {"role": "candidate", "content": "I've drawn the funnel.", "diagram": FUNNEL},
            ],
        }
    )
    report = engine.grade(transcript)
    quoted = [q for stage in report.stages.values() for q in stage.evidence]
    assert any(q.startswith("diagram: ") and "→" in q for q in quoted), quoted
