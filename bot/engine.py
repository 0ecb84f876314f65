"""The engine facade: everything the CLI and the UI do goes through here."""

from __future__ import annotations

import hashlib
import threading
from functools import cached_property
from pathlib import Path

from bot.ask import Answer
from bot.ask import ask as ask_notes
from bot.claims import ClaimMatcher
from bot.config import Settings
from bot.embeddings import build_embeddings, embedding_id
from bot.errors import AccessError, InputError, NotFoundError
from bot.grading import LEVELS, Report, grade
from bot.index import resolve_knowledge_dir
from bot.interview import Interview, InterviewState, build_conductor, transcript_of
from bot.knowledge.cases import Case, get_case, load_cases
from bot.knowledge.notes import KnowledgeNote, framework_red_flags, read_note
from bot.llm import Chat
from bot.practice import DrillPlan, plan_drill, previous_attempt
from bot.retrieval import Retriever, open_retriever
from bot.stages import Stage
from bot.store import SessionInfo, SessionStore, open_store
from bot.transcript import Transcript

_MATCHERS: dict[tuple[str, str, str], ClaimMatcher] = {}
_MATCHERS_LOCK = threading.Lock()


class Engine:
    """Settings plus lazily built services (index, embeddings, store, chat model)."""

    def __init__(self, settings: Settings, chat: Chat | None = None) -> None:
        self.settings = settings
        self._chat = chat

    @cached_property
    def knowledge_root(self) -> Path:
        return resolve_knowledge_dir(self.settings)

    @cached_property
    def store(self) -> SessionStore:
        url = self.settings.database_url
        return open_store(self.settings.data_dir, url.get_secret_value() if url else None)

    @cached_property
    def retriever(self) -> Retriever:
        return open_retriever(self.settings)

    @cached_property
    def embeddings(self):
        return build_embeddings(self.settings)

    @property
    def chat(self) -> Chat:
        if self._chat is None:
            self._chat = Chat.from_settings(self.settings)
        return self._chat

    @property
    def capable_model(self) -> bool:
        """Only a configured server is trusted as a judge; the embedded model only phrases."""
        return self.settings.llm == "openai" or (
            self._chat is not None and self._chat.provider not in ("local", "fake")
        )

    @property
    def phrase_lines(self) -> bool:
        """Whether a model rephrases the interviewer's lines: `MLSD_PHRASING=on` or `off`;
        `auto` phrases with a configured server only, because fewer than half of the embedded
        model's lines pass validation (bench/bench_interview.py), and a rejected line costs
        its generation time for nothing."""
        if self.settings.phrasing != "auto":
            return self.settings.phrasing == "on"
        return self.capable_model

    def warm_up(self) -> None:
        """Load what the first turn needs (index, embeddings, the embedded model), so the
        UI can show progress for it instead of a slow first answer."""
        open_retriever(self.settings)
        if self.settings.llm == "local" and self._chat is None:
            from bot.llm_local import LlamaCppChatModel, _load

            model = self.chat.model
            if isinstance(model, LlamaCppChatModel):
                _load(model.model_path, model.n_ctx, model.n_threads)

    def cases(self) -> dict[str, Case]:
        return load_cases(self.knowledge_root)[0]

    def case(self, case_id: str) -> Case:
        return get_case(self.knowledge_root, case_id)

    def matcher(self, case: Case) -> ClaimMatcher:
        digest = hashlib.sha256(case.model_dump_json().encode()).hexdigest()
        key = (case.id, digest, embedding_id(self.settings))
        with _MATCHERS_LOCK:
            if key not in _MATCHERS:
                flags = framework_red_flags(self.knowledge_root)
                _MATCHERS[key] = ClaimMatcher(case, self.embeddings, flags)
            return _MATCHERS[key]

    def ask(self, question: str, case_id: str | None = None) -> Answer:
        chat = self.chat if self.settings.llm == "openai" else None
        return ask_notes(self.retriever, question, case=case_id, chat=chat)

    # ---- interviews ------------------------------------------------------------------

    def new_interview(
        self,
        case_id: str,
        level: str = "senior",
        minutes: float = 45,
        clock: str = "wall",
        owner: str | None = None,
        start_stage: Stage | None = None,
    ) -> Interview:
        """A new session; `start_stage` makes it a drill that starts at that stage."""
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
        case = self.case(case_id)
        state = InterviewState(case_id=case.id, level=level, minutes=minutes, drill=start_stage)  # type: ignore[arg-type]
        info = self.store.create(case.id, level, state.model_dump(mode="json"), owner=owner)
        return self._interview(info.id, case, state, clock)

    def session(self, session_id: str, user: str | None = None) -> SessionInfo:
        """A session's summary. With a signed-in `user` (a shared deployment), only one of
        theirs: another user's id is refused exactly as an unknown one is."""
        try:
            info = self.store.get(session_id)
        except NotFoundError:
            if user is None:
                raise
            info = None
        if user is not None and (info is None or info.owner != user):
            raise AccessError(
                f"No session {session_id[:40]!r} among yours; History lists the ones you have."
            )
        return info

    def sessions(self, user: str | None = None, limit: int = 100) -> list[SessionInfo]:
        """The newest sessions first: all of them, or only the signed-in user's."""
        return self.store.list(limit, owner=user)

    def report(self, session_id: str, user: str | None = None) -> dict | None:
        self.session(session_id, user)
        return self.store.report(session_id)

    def previous_report(self, session_id: str, user: str | None = None) -> dict | None:
        """The report of this user's previous graded attempt on the same case, if any."""
        earlier = previous_attempt(self.session(session_id, user), self.sessions(user, 1000))
        return self.store.report(earlier.id) if earlier else None

    def plan_drill(self, user: str | None, weakest_in: Report) -> DrillPlan:
        """The next drill: the report's weakest stage, on a case this user has not done lately."""
        return plan_drill(weakest_in, list(self.cases()), self.sessions(user, 1000))

    def note(self, source: str) -> KnowledgeNote:
        """A note of the knowledge folder by its citation path (nothing outside the folder)."""
        return read_note(self.knowledge_root, source)

    def load_interview(
        self, session_id: str, clock: str = "wall", user: str | None = None
    ) -> Interview:
        info = self.session(session_id, user)
        state = InterviewState.model_validate(self.store.state(session_id))
        return self._interview(info.id, self.case(info.case_id), state, clock)

    def _interview(self, session_id: str, case: Case, state: InterviewState, clock: str):
        return Interview(
            session_id=session_id,
            case=case,
            state=state,
            store=self.store,
            conductor=build_conductor(
                case,
                self.matcher(case),
                self.knowledge_root,
                self.retriever,
                judge=self.chat if self.capable_model else None,
            ),
            retriever=self.retriever,
            chat=self.chat,
            knowledge_root=self.knowledge_root,
            clock=clock,
            max_answer_chars=self.settings.max_answer_chars,
            phrase_lines=self.phrase_lines,
        )

    def transcript(self, interview: Interview) -> Transcript:
        data = transcript_of(
            interview.case.id, interview.state.level, interview.turns(), interview.state
        )
        return Transcript.model_validate(data)

    # ---- grading ---------------------------------------------------------------------

    def grade(self, transcript: Transcript, level: str | None = None) -> Report:
        level = level or transcript.level or "senior"
        if level not in LEVELS:
            raise InputError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
        case = self.case(transcript.case)
        report = grade(transcript, case, self.matcher(case), level)
        if self.capable_model:
            from bot.judge import refine

            report = refine(report, transcript, case, self.matcher(case), self.chat)
        return report

    def finish(self, interview: Interview) -> Report:
        """Grade the session and store the report with it."""
        if not interview.finished:
            interview.end()
        report = self.grade(self.transcript(interview), interview.state.level)
        self.store.save_report(interview.session_id, report.contract(), report.overall_score)
        return report
