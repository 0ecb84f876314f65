"""An interview session: the conductor, the store and the model, wired together.

The UI and the CLI both drive this class. Every candidate turn is committed before any model
call; the interviewer's turn is committed together with the conductor's state once it is
complete. `Interview.resume` continues a session exactly where it stopped, including a
candidate turn that was saved but never answered.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bot import clock
from bot.ask import ask as ask_notes
from bot.claims import ClaimMatcher
from bot.diagram import parse_diagram
from bot.errors import InputError, ModelError
from bot.flag_check import ModelFlagCheck
from bot.interview.conductor import Conductor, Decision, InterviewState
from bot.knowledge.cases import Case
from bot.knowledge.notes import concept_notes, framework_notes
from bot.llm import Chat, to_messages
from bot.phrasing import MAX_WORDS, clean, problems
from bot.policy import MAX_TURN_SECONDS
from bot.prompts import render
from bot.retrieval import Retriever
from bot.stages import DEFAULT_BUDGET_MINUTES, STAGES, Phase
from bot.store import SessionStore, Turn

log = logging.getLogger(__name__)
WORDS_PER_MINUTE_SPOKEN = 130
PHRASING_MAX_TOKENS = 80


def spoken_seconds(text: str) -> float:
    """How long saying `text` takes, plus a little thinking time."""
    return len(text.split()) / WORDS_PER_MINUTE_SPOKEN * 60 + 15


@dataclass
class Interview:
    """One session. `clock` is `wall` (real time) or `spoken` (estimated from the words)."""

    session_id: str
    case: Case
    state: InterviewState
    store: SessionStore
    conductor: Conductor
    retriever: Retriever
    chat: Chat | None
    knowledge_root: object
    clock: str = "wall"
    max_answer_chars: int = 8000
    phrase_lines: bool = False
    phrasing_rejections: int = 0
    phrasing_attempts: int = 0
    model_notice: str | None = None

    # ---- lifecycle ------------------------------------------------------------------

    def open(self) -> Iterator[str]:
        """The opening line (only for a new session)."""
        decision = self.conductor.opening(self.state)
        self.state.last_turn_at = clock.now()
        yield from self._deliver(decision, "")

    @property
    def finished(self) -> bool:
        return self.state.phase == Phase.DONE

    def turns(self) -> list[Turn]:
        return self.store.turns(self.session_id)

    def pending_answer(self) -> str | None:
        """A candidate turn that was saved but never answered (a crash in between)."""
        turns = self.turns()
        if turns and turns[-1].role == "candidate" and not self.finished:
            return turns[-1].content
        return None

    # ---- the candidate's turn --------------------------------------------------------

    def check_answer(self, text: str) -> str:
        """The answer, or InputError before anything is saved or called."""
        if not text or not text.strip():
            raise InputError("your answer is empty; type something (or /end to finish)")
        if len(text) > self.max_answer_chars:
            raise InputError(
                f"your answer is {len(text):,} characters; the limit is "
                f"{self.max_answer_chars:,}. Shorten it and send again (your draft is kept)"
            )
        return text.strip()

    def respond(self, text: str, diagram: str | None = None) -> Iterator[str]:
        """Save the candidate's answer (with the whiteboard, if given), then stream the
        interviewer's reply. A bad answer or diagram is refused before anything is saved."""
        text = self.check_answer(text)
        drawn = parse_diagram(diagram) if diagram and diagram.strip() else None
        if self.finished:
            raise InputError("this interview has ended; start a new one")
        self._tick(text)
        meta = {"diagram": diagram.strip()} if drawn is not None else {}
        self.store.add_turn(
            self.session_id,
            Turn(role="candidate", content=text, stage=self.state.stage, kind="answer", meta=meta),
        )
        yield from self._reply_to(text, meta.get("diagram"))

    def resume_pending(self) -> Iterator[str]:
        """Answer a candidate turn that was committed before a crash."""
        turns = self.turns()
        pending = self.pending_answer()
        if pending is not None:
            yield from self._reply_to(pending, turns[-1].meta.get("diagram"))

    def _reply_to(self, text: str, diagram: str | None = None) -> Iterator[str]:
        """The reply; the whiteboard is read only when it changed since the last turn."""
        changed = diagram is not None and diagram != self.state.diagram
        if changed:
            self.state.diagram = diagram
        drawn = parse_diagram(diagram) if changed else None
        yield from self._deliver(self.conductor.decide(self.state, text, drawn), text)

    def _tick(self, text: str) -> None:
        now = clock.now()
        if self.clock == "spoken":
            seconds = spoken_seconds(text)
        else:
            seconds = self.seconds_since_last_turn(now)
        self.state.last_turn_at = now
        self.conductor.elapsed(self.state, seconds)

    def seconds_since_last_turn(self, now: float | None = None) -> float:
        """Interview time since the last turn, by the stored clock (a gap over
        MAX_TURN_SECONDS is a break and counts only up to it)."""
        if self.state.last_turn_at is None or self.finished:
            return 0.0
        gap = (clock.now() if now is None else now) - self.state.last_turn_at
        return min(max(0.0, gap), MAX_TURN_SECONDS)

    # ---- commands -------------------------------------------------------------------

    def hint(self) -> Iterator[str]:
        yield from self._deliver(self.conductor.hint(self.state), "")

    def ask(self, question: str) -> Iterator[str]:
        """A concept question (`/ask`), answered from the notes and recorded as help."""
        question = self.check_answer(question)
        answer = ask_notes(self.retriever, question)
        sources = [c.source for c in answer.citations]
        text = answer.answer + (f" (from {', '.join(sources)})" if sources else "")
        decision = self.conductor.concept_decision(self.state, question, text, sources)
        yield from self._deliver(decision, "")

    def end(self) -> None:
        """End now; on the wall clock the time since the last turn counts for its stage."""
        if self.clock != "spoken" and not self.finished:
            self._tick("")
        self.conductor.end_now(self.state)
        self.store.save_state(self.session_id, self.state.model_dump(mode="json"))
        self.store.set_status(self.session_id, "ended")

    # ---- the interviewer's turn ------------------------------------------------------

    def _deliver(self, decision: Decision, candidate_text: str) -> Iterator[str]:
        """Phrase (maybe), stream, then commit the turn with the state."""
        phrased = decision.phrase and self.phrase_lines
        text = self._phrase(decision, candidate_text) if phrased else decision.text
        streamed = ""
        for piece in _pieces(text):
            streamed += piece
            yield piece
        meta = {"action": decision.action, "rule": decision.rule}
        if decision.help:
            meta["help"] = decision.help
        self.store.add_turn(
            self.session_id,
            Turn(
                role="interviewer",
                content=streamed,
                stage=decision.stage,
                kind=decision.kind,
                meta=meta,
            ),
            state=self.state.model_dump(mode="json"),
        )
        if decision.action == "end":
            self.store.set_status(self.session_id, "ended")

    def _phrase(self, decision: Decision, candidate_text: str) -> str:
        if self.chat is None or decision.stage is None:
            return decision.text
        self.phrasing_attempts += 1
        try:
            line = clean(self._generate_line(decision, candidate_text))
        except ModelError as error:
            log.warning("phrasing failed, using the draft: %s", error)
            self.model_notice = f"{error} (the interviewer used its own wording meanwhile)"
            return decision.text
        self.model_notice = None
        if not line:
            self.phrasing_rejections += 1
            return decision.text
        rubric = [p.text for s in STAGES for p in self.case.rubric(s)]
        earlier = [t.content for t in self.turns() if t.role == "interviewer"][-12:]
        issues = problems(
            line,
            decision.text,
            rubric,
            earlier,
            self.retriever.embeddings,
            allowed_text=candidate_text,
        )
        if issues:
            self.phrasing_rejections += 1
            log.info("phrasing rejected (%s): %r", "; ".join(issues), line)
            return decision.text
        return line

    def _generate_line(self, decision: Decision, candidate_text: str) -> str:
        """The model's line, abandoned early (empty) once it runs past the length bound."""
        assert self.chat is not None
        text = ""
        stream = self.chat.stream(
            self._phrasing_prompt(decision, candidate_text), max_tokens=PHRASING_MAX_TOKENS
        )
        for piece in stream:
            text += piece
            if len(text.split()) > MAX_WORDS or "\n\n" in text.strip():
                stream.close()
                return ""
        return text

    def _phrasing_prompt(self, decision: Decision, candidate_text: str):
        stage = decision.stage
        hits = self.retriever.search(
            f"{stage.heading} {candidate_text[:300]}", k=1, case=self.case.id, stage=stage
        )
        prompt = render(
            "interviewer_turn",
            interviewer_name="Alex",
            level=self.state.level,
            case_title=self.case.title,
            stage_heading=stage.heading,
            max_words=45,
            notes="\n".join(" ".join(h.text.split())[:240] for h in hits),
            candidate_message=candidate_text[-600:],
            draft=decision.text,
            about=decision.about or "",
        )
        return to_messages(render("interviewer_system"), [("user", prompt)])


def _pieces(text: str) -> Iterator[str]:
    """Stream a validated line word by word."""
    words = text.split(" ")
    for i, word in enumerate(words):
        yield word if i == len(words) - 1 else word + " "


def build_conductor(
    case: Case,
    matcher: ClaimMatcher,
    knowledge_root,
    retriever: Retriever | None = None,
    judge: Chat | None = None,
) -> Conductor:
    """The conductor for one case, reading the framework's and the concepts' notes; with a
    capable model as `judge`, it also reads red flags the code's cues do not know."""
    notes = framework_notes(knowledge_root)
    budgets = {
        s: notes[s].budget_minutes if s in notes else DEFAULT_BUDGET_MINUTES[s] for s in STAGES
    }
    concepts = list(concept_notes(knowledge_root).values())
    answerer = _concept_answerer(retriever) if retriever is not None else None
    flag_check = ModelFlagCheck(judge, matcher) if judge is not None else None
    return Conductor(case, matcher, notes, concepts, budgets, answerer, flag_check)


def _concept_answerer(retriever: Retriever):
    """Answers a concept question from the notes with its sources, or None when the notes
    do not cover it (then the interviewer treats the turn as an answer)."""

    def answer(question: str) -> tuple[str, list[str]] | None:
        found = ask_notes(retriever, question)
        if not found.covered:
            return None
        sources = [c.source for c in found.citations]
        return f"{found.answer} (from {', '.join(sources)})", sources

    return answer


def transcript_of(case_id: str, level: str, turns: list[Turn], state: InterviewState) -> dict:
    """The contract's transcript JSON, with our extra keys (readers ignore unknown keys)."""
    return {
        "case": case_id,
        "level": level,
        "turns": [
            {
                "role": t.role,
                "content": t.content,
                "stage": t.stage.value if t.stage else None,
                "kind": t.kind,
                **({"diagram": t.meta["diagram"]} if t.meta.get("diagram") else {}),
            }
            for t in turns
        ],
        "help_used": state.help_used,
        **({"drill": state.drill.value} if state.drill else {}),
        "time_per_stage": {s.value: round(state.stages[s].seconds / 60, 1) for s in STAGES},
    }
