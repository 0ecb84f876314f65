"""The model phrases the interviewer's line; our code checks it and keeps the draft if not.

A phrased line must read as the interviewer (not the candidate, not the prompt), hold the
draft's one question, stay within a length bound, praise nothing, add no numbers, leak no
rubric text and repeat no earlier question. Anything else is replaced by the conductor's
own draft, so a false rejection costs only some variety, while a false pass reaches the
candidate: the cue tables lean towards rejecting. A cue that the curated draft itself
contains is never held against the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.cues import CANDIDATE_VOICE, CHATTER, INSTRUCTIONS, PRAISE, SCAFFOLD, sentences

MAX_WORDS = 60
MIN_WORDS = 4

#: The whole line must stay this close (MiniLM cosine) to the whole draft.
DRAFT_MATCH = 0.55
#: Each question in the line must reach this cosine to one of the draft's questions...
QUESTION_MATCH = 0.55
#: ...and, below SURE_QUESTION_MATCH, keep this share of that question's content words
#: (MiniLM puts "how would you label the logs?" at 0.62 to "how would you split the logs?").
QUESTION_OVERLAP = 0.4
SURE_QUESTION_MATCH = 0.75
#: A line this close to an earlier interviewer line repeats it.
REPEAT_MATCH = 0.95

# Numbers: digit groups, and magnitude words that state a quantity without digits.
_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*|\b(hundred|thousand|million|billion|trillion|percent|dozen)s?\b", re.I
)
# Words that carry no topic in a question.
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and any are as at be by can could did do does each for from how if in into is it "
        "its of on or our should so than that the their them then these they this those to was "
        "we were what when where which who why will with would you your",
    )
)

# (reason, cue table) pairs checked on every line, cheapest first.
_CUES = (
    ("prompt scaffold", SCAFFOLD),
    ("instruction text", INSTRUCTIONS),
    ("assistant chatter", CHATTER),
    ("praise", PRAISE),
    ("candidate's voice", CANDIDATE_VOICE),
)

_META_PREFIX = re.compile(
    r"^\s*((the )?interviewer('s)?( next line)?( is| says)?\s*:?|here is the line:?)\s*", re.I
)


def clean(text: str) -> str:
    """Strip a meta prefix and quotes, and keep the text up to the first question mark
    (a small model often rambles on after its question)."""
    text = " ".join(text.split())
    text = _META_PREFIX.sub("", text).strip().strip("\"'“”").strip()
    if "?" in text:
        text = text[: text.index("?") + 1]
    return text.strip("\"'“” ")


def problems(
    text: str,
    draft: str,
    rubric: Sequence[str],
    asked: Sequence[str],
    embeddings: Embeddings,
    allowed_text: str = "",
) -> list[str]:
    """Why a phrased line is unusable (empty list: it is fine)."""
    text, draft = _plain(text), _plain(draft)
    found = _form(text, draft) + _cues(text, draft)
    if _numbers(text) - _numbers(draft + " " + _plain(allowed_text)):
        found.append("invents a number")
    if _leaks(text, draft, rubric):
        found.append("leaks rubric text")
    return found or _meaning(text, draft, asked, embeddings)


def _plain(text: str) -> str:
    """Straight quotes and single spaces, so the cue tables see one spelling."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def _form(text: str, draft: str) -> list[str]:
    """Length and shape: a few words up to MAX_WORDS, ending in the one question."""
    found = []
    count = len(text.split())
    if count < MIN_WORDS:
        found.append("too short")
    elif count > MAX_WORDS:
        found.append("too long")
    if not text.endswith("?"):
        found.append("no question at the end")
    if text.count("?") > max(1, draft.count("?")):
        found.append("more than one question")
    return found


def _cues(text: str, draft: str) -> list[str]:
    """The reason of every cue table with a match that the draft does not contain."""
    return [reason for reason, cue in _CUES if _matches(cue, text) - _matches(cue, draft)]


def _matches(cue: re.Pattern[str], text: str) -> set[str]:
    return {m.group(0).strip(' .!?;:"(').lower() for m in cue.finditer(text)}


def _numbers(text: str) -> set[str]:
    return {m.group(0).lower().rstrip("s").replace(",", "") for m in _NUMBER.finditer(text)}


def _ngrams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _leaks(text: str, draft: str, rubric: Sequence[str]) -> bool:
    """Six words in a row from a rubric point that the draft does not already say."""
    draft_grams, line_grams = _ngrams(draft), _ngrams(text)
    return any((_ngrams(point) - draft_grams) & line_grams for point in rubric)


def _questions(text: str) -> list[str]:
    questions = [s for s in sentences(text) if s.endswith("?")]
    return questions or [text]


def _meaning(text: str, draft: str, asked: Sequence[str], embeddings: Embeddings) -> list[str]:
    """The embedding checks: same meaning and question as the draft, not a repeat."""
    mine, theirs = _questions(text), _questions(draft)
    vectors = np.array(embeddings.embed_documents([text, draft, *mine, *theirs, *asked]))
    line, whole_draft = vectors[0], vectors[1]
    mine_v = vectors[2 : 2 + len(mine)]
    theirs_v = vectors[2 + len(mine) : 2 + len(mine) + len(theirs)]
    earlier = vectors[2 + len(mine) + len(theirs) :]
    found = []
    if float(line @ whole_draft) < DRAFT_MATCH:
        found.append("drifts from the draft")
    if not all(_asks_one_of(q, v, theirs, theirs_v) for q, v in zip(mine, mine_v, strict=True)):
        found.append("asks a different question")
    if len(earlier) and float((earlier @ line).max()) > REPEAT_MATCH and text not in draft:
        found.append("repeats an earlier question")
    return found


def _asks_one_of(
    question: str, vector: np.ndarray, drafts: Sequence[str], draft_vectors: np.ndarray
) -> bool:
    """The question asks what one of the draft's questions asks: close in meaning, and,
    unless very close, keeping enough of that question's own content words."""
    for draft, similarity in zip(drafts, draft_vectors @ vector, strict=True):
        if similarity >= SURE_QUESTION_MATCH or (
            similarity >= QUESTION_MATCH and _overlap(question, draft) >= QUESTION_OVERLAP
        ):
            return True
    return False


def _overlap(question: str, draft: str) -> float:
    """Share of the draft question's content words (crudely stemmed) that the line keeps."""
    wanted = _content_words(draft)
    return len(wanted & _content_words(question)) / len(wanted) if wanted else 1.0


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {w.rstrip("s")[:5] for w in words if w not in _FUNCTION_WORDS}
