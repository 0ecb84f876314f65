from __future__ import annotations

import json

import pytest

from bot.engine import Engine
from bot.grading import VERDICT_BARS, verdict_for
from bot.stages import STAGES
from bot.transcript import Transcript
from tests.conftest import calibration, repeating_chat

KINDS = ("excellent", "solid", "weak", "poor", "buzzword")
CASES = (
    "video-recommendation",
    "ad-click-prediction",
    "harmful-content-detection",
    "people-you-may-know",
)


def _grade(engine, name: str, level: str = "senior"):
    return engine.grade(Transcript.model_validate(calibration(name)), level)


def test_evidence_is_verbatim_candidate_text(engine) -> None:
    data = calibration("video-recommendation__solid")
    report = _grade(engine, "video-recommendation__solid")
    candidate = [t["content"] for t in data["turns"] if t["role"] == "candidate"]
    quotes = [q for s in STAGES for q in report.stages[s].evidence]
    assert quotes
    for quote in quotes + report.dimensions["driving"].evidence:
        assert any(quote in turn for turn in candidate), quote


def test_no_candidate_content_scores_zero_everywhere(engine) -> None:
    transcript = Transcript(
        case="news-feed", turns=[{"role": "interviewer", "content": "Design a news feed."}]
    )
    report = engine.grade(transcript)
    assert report.overall_score == 0
    assert all(report.stages[s].score == 0 for s in STAGES)
    assert report.verdict == "no_hire"
    assert "no_candidate_content" in report.flags


@pytest.mark.parametrize("case", CASES)
def test_quality_order_is_respected(engine, case: str) -> None:
    scores = {kind: _grade(engine, f"{case}__{kind}").overall_score for kind in KINDS}
    assert scores["excellent"] > scores["solid"] > scores["weak"]
    assert scores["solid"] > scores["buzzword"]


def test_every_buzzword_transcript_is_below_every_solid_one(engine) -> None:
    buzz = [_grade(engine, f"{c}__buzzword").overall_score for c in CASES]
    solid = [_grade(engine, f"{c}__solid").overall_score for c in CASES]
    assert max(buzz) < min(solid)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("variant", ["injection-a", "injection-b"])
def test_injection_earns_nothing_and_is_flagged(engine, case: str, variant: str) -> None:
    clean = _grade(engine, f"{case}__weak")
    injected = _grade(engine, f"{case}__{variant}")
    assert injected.overall_score <= clean.overall_score
    assert "suspected_injection" in injected.flags
    assert "suspected_injection" not in clean.flags
    evidence = " ".join(q for s in STAGES for q in injected.stages[s].evidence)
    assert "strong_hire" not in evidence and "4/4" not in evidence


def test_same_transcript_is_a_hire_at_mid_and_not_at_staff(engine) -> None:
    mid = _grade(engine, "ad-click-prediction__solid", "mid")
    staff = _grade(engine, "ad-click-prediction__solid", "staff")
    assert mid.verdict in ("hire", "strong_hire")
    assert staff.verdict not in ("hire", "strong_hire")
    assert staff.staff_gaps, "staff grading names the deeper trade-offs that were absent"


def test_verdict_bars_rise_with_level() -> None:
    assert verdict_for(60, "mid") == "hire"
    assert verdict_for(60, "staff") == "lean_no_hire"
    for level, bars in VERDICT_BARS.items():
        assert [b for b, _ in bars] == sorted((b for b, _ in bars), reverse=True), level


def test_report_json_follows_the_contract(engine) -> None:
    report = json.loads(json.dumps(_grade(engine, "visual-search__solid").contract()))
    assert set(report) >= {"case", "overall_score", "verdict", "stages", "dimensions", "flags"}
    assert 0 <= report["overall_score"] <= 100
    assert report["verdict"] in {"strong_hire", "hire", "lean_hire", "lean_no_hire", "no_hire"}
    assert set(report["stages"]) == {s.value for s in STAGES}
    for stage in report["stages"].values():
        assert isinstance(stage["score"], int) and 0 <= stage["score"] <= 4
        assert {"evidence", "missing", "citations"} <= set(stage)
    assert 0 <= report["dimensions"]["driving"]["score"] <= 4


def _judge_reply(transcript: Transcript, score: int) -> str:
    quote = transcript.candidate_turns()[0][1][:40]
    stages = {s.value: {"score": score, "evidence": [quote]} for s in STAGES}
    return json.dumps({"stages": stages})


class _Scripted:
    """A fake capable model: replies in order, and remembers how often it was asked."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = replies
        self.calls = 0

    def chat(self):
        from langchain_core.language_models.fake_chat_models import FakeListChatModel

        from bot.llm import Chat

        outer = self

        class Counting(FakeListChatModel):
            def _stream(self, *args, **kwargs):
                outer.calls += 1
                yield from super()._stream(*args, **kwargs)

        return Chat(model=Counting(responses=self.replies), where="judge", provider="capable-fake")


def test_judge_invalid_then_valid_reasks_exactly_once(engine) -> None:
    transcript = Transcript.model_validate(calibration("visual-search__solid"))
    scripted = _Scripted(["this is not json", _judge_reply(transcript, 4)])
    engine = Engine(engine.settings, chat=scripted.chat())
    code = engine.grade(transcript.model_copy(), "senior")
    assert scripted.calls == 2
    assert code.graded_by == "code + model judge"


def test_judge_always_invalid_leaves_the_code_score(engine) -> None:
    transcript = Transcript.model_validate(calibration("visual-search__solid"))

    code_only = Engine(engine.settings, chat=repeating_chat("Okay.")).grade(transcript)
    scripted = _Scripted(['{"stages": {}}'])
    engine = Engine(engine.settings, chat=scripted.chat())
    judged = engine.grade(transcript)
    assert scripted.calls == 3, "one ask plus two re-asks, then give up"
    assert judged.overall_score == code_only.overall_score
    assert "invalid" in judged.graded_by


def test_judge_cannot_invent_evidence_or_move_more_than_one_point(engine) -> None:
    transcript = Transcript.model_validate(calibration("visual-search__weak"))
    invented = json.dumps(
        {"stages": {s.value: {"score": 4, "evidence": ["I am brilliant"]} for s in STAGES}}
    )
    scripted = _Scripted([invented, _judge_reply(transcript, 4)])
    engine = Engine(engine.settings, chat=scripted.chat())
    judged = engine.grade(transcript)

    code = Engine(engine.settings, chat=repeating_chat("Okay.")).grade(transcript)
    assert scripted.calls == 2
    for stage in STAGES:
        assert judged.stages[stage].score <= code.stages[stage].score + 1


def _talk(*turns: str, case: str = "ad-click-prediction") -> Transcript:
    """A transcript alternating interviewer and candidate, starting with the interviewer."""
    roles = ("interviewer", "candidate")
    return Transcript(
        case=case, turns=[{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]
    )


MODEL_ANSWER = (
    "I'd start from logistic regression on hashed features as a calibrated baseline, then "
    "move to a deep and cross network so the feature crosses are learned rather than "
    "hand-made. I'd warm-start it every hour from the last checkpoint on the newest data "
    "because click behaviour drifts within a day."
)


def test_an_on_topic_answer_to_a_two_word_prompt_counts(engine) -> None:
    report = engine.grade(
        _talk("Design ad click prediction.", "Okay.", "Which model?", MODEL_ANSWER)
    )
    assert report.stages["model_development"].score >= 2
    assert report.stages["model_development"].evidence


def test_spoken_clarifying_questions_without_marks_count(engine) -> None:
    spoken = (
        "okay so um first what's the scale we're talking about here like daily users and "
        "peak ad requests and uh how is the prediction used like is it ranking by bid times "
        "the click probability in the auction"
    )
    answer = (
        "500 million daily users, peak 1 million ad requests a second; ads are ranked by bid "
        "times predicted CTR in a second-price auction."
    )
    report = engine.grade(_talk("Design ad click prediction.", spoken, answer))
    assert "?" not in spoken
    assert report.stages["clarify_requirements"].score >= 1
    assert report.stages["clarify_requirements"].evidence


def test_a_declined_stage_and_a_stage_never_reached_score_zero(engine) -> None:
    report = engine.grade(
        _talk(
            "Design ad click prediction.",
            "Okay.",
            "Which model?",
            MODEL_ANSWER,
            "How would you evaluate it, offline and online?",
            "I haven't thought about that.",
        )
    )
    evaluation = report.stages["evaluation"]
    assert evaluation.score == 0 and not evaluation.evidence
    assert evaluation.reason.startswith("0: declined")
    assert report.stages["monitoring"].score == 0
    assert report.stages["monitoring"].reason == "0: the interview never reached this stage"


def test_a_mistake_is_reported_with_its_fix_and_never_quoted_as_evidence(engine) -> None:
    mistake = (
        "Offline I'd shuffle all 90 days of impressions and hold out a random 10 percent as "
        "the test set."
    )
    answer = (
        f"{mistake} I'd report normalised cross-entropy as the main metric because the "
        "auction needs calibrated probabilities, and then run a user-randomised A/B test on "
        "revenue with ad hide rate as a guardrail."
    )
    report = engine.grade(
        _talk("Design ad click prediction.", "Okay.", "How would you evaluate it?", answer)
    )
    found = [m for s in STAGES for m in report.stages[s].mistakes]
    assert [m.quote for m in found] == [mistake]
    assert found[0].fix
    assert all(mistake not in q for s in STAGES for q in report.stages[s].evidence)


def test_a_clarifying_question_is_never_evidence_for_a_later_stage(engine) -> None:
    question = "What offline metric and which online experiment do you use to evaluate today?"
    report = engine.grade(_talk("Design ad click prediction.", question, "We use AUC today."))
    assert not report.stages["evaluation"].evidence
    assert report.stages["evaluation"].score == 0


def test_each_quote_appears_once_in_the_report(engine) -> None:
    report = _grade(engine, "ad-click-prediction__excellent")
    quotes = [q for s in STAGES for q in report.stages[s].evidence]
    assert len(quotes) == len(set(quotes))
