"""A server model as a second reader of red flags: it adds what the cues missed, validated."""

from __future__ import annotations

import json
import re

from bot.errors import ModelError
from bot.flag_check import ModelFlagCheck
from bot.interview.conductor import InterviewState
from bot.interview.session import build_conductor
from bot.paths import knowledge_dir
from bot.stages import Phase
from bot.testing import function_chat

SAID = (
    "The ranker scores every one of the two billion videos for each request, "
    "which keeps recall perfect."
)


def _first_offered(prompt: str) -> str:
    return re.search(r"^- (\S+): ", prompt, re.M).group(1)


def _state() -> InterviewState:
    return InterviewState(case_id="video-recommendation", phase=Phase.DEPLOYMENT_SERVING)


def test_a_flag_the_model_reads_is_challenged_with_the_candidates_words(engine) -> None:
    calls = []

    def model(messages) -> str:
        calls.append(messages[0].content)
        return json.dumps({"mistakes": [{"sentence": 1, "flag": _first_offered(calls[-1])}]})

    case = engine.case("video-recommendation")
    conductor = build_conductor(
        case, engine.matcher(case), knowledge_dir(), judge=function_chat(model)
    )
    decision = conductor.decide(_state(), SAID)
    assert decision.action == "challenge"
    assert decision.text.startswith('You said "The ranker scores every one of the two billion')
    assert "<sentences>" in calls[0] and SAID in calls[0], "the turn is sent as data"


def test_an_invalid_reply_is_re_asked_once_then_ignored(engine) -> None:
    replies = iter(
        [
            '{"mistakes": [{"sentence": 1, "flag": "made-up/id"}]}',
            '{"mistakes": [{"sentence": 9, "flag": "made-up/id"}]}',
        ]
    )
    case = engine.case("video-recommendation")
    check = ModelFlagCheck(function_chat(lambda messages: next(replies)), engine.matcher(case))
    assert check(SAID) == []
    assert next(replies, None) is None, "asked twice: the question and one re-ask"


def test_a_model_error_leaves_the_codes_reading(engine) -> None:
    def failing(messages) -> str:
        raise ModelError("the server is down")

    case = engine.case("video-recommendation")
    conductor = build_conductor(
        case, engine.matcher(case), knowledge_dir(), judge=function_chat(failing)
    )
    assert conductor.decide(_state(), SAID).action != "challenge"
