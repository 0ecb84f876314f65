"""A shared deployment (`MLSD_AUTH=header`): each signed-in user reaches only their own
sessions, and someone else's session id is refused exactly like an unknown one."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.errors import AccessError, NotFoundError
from bot.testing import repeating_chat


@pytest.fixture
def shared(full_index_settings, tmp_path) -> Engine:
    settings = full_index_settings.model_copy(
        update={"data_dir": tmp_path / "data", "auth": "header"}
    )
    settings.data_dir.mkdir()
    (settings.data_dir / "index").symlink_to(full_index_settings.index_dir)
    return Engine(settings, chat=repeating_chat("Okay."))


def _interview_of(engine: Engine, user: str) -> str:
    interview = engine.new_interview("news-feed", clock="spoken", owner=user)
    "".join(interview.open())
    "".join(interview.respond(f"{user} asks: what is the scale?"))
    return interview.session_id


def test_each_user_sees_only_their_own_sessions(shared) -> None:
    alice, bob = _interview_of(shared, "alice"), _interview_of(shared, "bob")
    assert [s.id for s in shared.sessions("alice")] == [alice]
    assert [s.id for s in shared.sessions("bob")] == [bob]
    turns = shared.load_interview(alice, clock="spoken", user="alice").turns()
    assert "alice asks" in turns[1].content


def test_another_users_session_is_refused_like_an_unknown_one(shared) -> None:
    alice = _interview_of(shared, "alice")
    with pytest.raises(AccessError) as refused:
        shared.load_interview(alice, user="bob")
    with pytest.raises(AccessError) as unknown:
        shared.load_interview("0123456789ab", user="bob")
    assert str(refused.value).replace(alice, "ID") == str(unknown.value).replace(
        "0123456789ab", "ID"
    )
    assert "alice asks" not in str(refused.value)
    with pytest.raises(AccessError):
        shared.report(alice, user="bob")


def test_a_graded_report_is_scoped_too(shared) -> None:
    alice = _interview_of(shared, "alice")
    shared.finish(shared.load_interview(alice, clock="spoken", user="alice"))
    assert shared.report(alice, user="alice")["overall_score"] >= 0
    with pytest.raises(NotFoundError):
        shared.report(alice, user="bob")


def test_without_sign_in_one_user_sees_everything(engine) -> None:
    mine = _interview_of(engine, "alice")
    assert mine in {s.id for s in engine.sessions()}
    assert engine.load_interview(mine).session_id == mine
