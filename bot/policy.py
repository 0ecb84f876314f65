"""Tuning numbers in one place, each with the reason it has its value.

Thresholds on MiniLM cosine similarity (all-MiniLM-L6-v2, unit vectors): unrelated ML
sentences score about 0.1-0.3, a paraphrase 0.6 or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: A clarifying point counts as answered by a fact at this cosine between any of its
#: wordings (without "Asks about") and the fact: low enough for "latency budget" against
#: "Latency budget: 60 ms p99 ...", high enough that a point about privacy is not answered
#: by a fact about scale.
LINT_FACT_MATCH = 0.40

#: A key point counts as covered at this strength (cosine blended with term overlap): the
#: level at which a paraphrase of the point, or one of its `also:` wordings, lands.
COVER_THRESHOLD = 0.50

#: Weight of the best cosine over a point's wordings against its term overlap; the
#: embedding carries meaning, the overlap rewards the point's own distinctive terms.
POINT_COSINE_WEIGHT = 0.75

#: A bare list of terms earns this share of its strength (keyword stuffing).
LIST_PENALTY = 0.4

#: A span states a red flag's mistake at this cosine to one of the flag's wordings: a near
#: paraphrase only. On the training transcripts, correct sentences on the same topic reach
#: 0.77 (MiniLM does not tell "downsample and correct" from "downsample as is"), so most
#: mistakes are found by the mistake cues in bot.cues instead.
FLAG_MATCH = 0.82

#: A red flag's own `cue:` terms state its mistake only in a sentence at least this close in
#: meaning to one of the flag's wordings: the terms give the claim, the cosine keeps it on the
#: flag's topic. On the training transcripts two thirds of the clean sentences that trip a
#: cue by chance score below 0.45, and all but two planted mistakes above it.
CUE_TOPIC = 0.45

#: ...and only when it is at least this much closer to the mistake than to the fix, so a
#: sentence stating the sound alternative is never read as the mistake.
FLAG_FIX_MARGIN = 0.05

#: Spans: sentences of at least this many words are matched ("LR baseline." says too little
#: to check); a sentence longer than LONG_SENTENCE_WORDS (speech without punctuation) is
#: matched as windows of WINDOW_WORDS words every WINDOW_STRIDE words, about one claim each.
MIN_SPAN_WORDS = 3
LONG_SENTENCE_WORDS = 45
WINDOW_WORDS = 24
WINDOW_STRIDE = 12

#: A candidate turn of at most this many words that says "I haven't thought about that"
#: declines the stage; a longer one goes on to say something.
DECLINE_MAX_WORDS = 25

#: An interviewer reply this close to one of the case's facts reveals it, so the candidate
#: turn before it asked something even without a question mark or a question's form.
FACT_ECHO = 0.55

#: A sentence said in another stage counts there only when it clearly belongs: this far
#: above the cover bar (a model-stage sentence is not evidence of clarifying just because
#: it mentions latency).
OTHER_STAGE_MARGIN = 0.08

#: A point whose best span reaches this strength was approached but not made: it is not
#: counted as covered, and not listed as missing either.
NEAR_MISS = 0.44

#: Distinct quotes in a stage for its full evidence feature: four sentences make a stage's
#: case; more adds nothing.
EVIDENCE_FULL = 4

#: A stage with one clear mistake scores at most 2, with two or more at most 1, as in the
#: labelling guide (tests/data/calibration/README.md): a wrong main choice is not "solid".
MISTAKE_CAPS = {0: 4, 1: 2, 2: 1}

#: Each hint costs this much of the total, at most MAX_HINT_PENALTY: help is fine to use,
#: but an answer reached with help is weaker evidence.
HINT_PENALTY = 1.5
MAX_HINT_PENALTY = 6.0

#: A staff-level trade-off counts as raised at this cosine between the probe and a sentence.
STAFF_PROBE_MATCH = 0.5

#: A candidate's figure is checked against the estimate closest in meaning when the cosine
#: of sentence and estimate reaches ESTIMATE_MATCH (the sentence is about that quantity), and
#: is wrong when ESTIMATE_OFF times or more from every figure of that estimate of the same
#: kind: a slipped zero, not rounding or a different peak factor.
ESTIMATE_MATCH = 0.50
ESTIMATE_OFF = 8.0

#: Words said in a stage for its full "words" feature (on a log scale): a one-line answer
#: is thin, several hundred words is a full discussion.
WORDS_FULL = 400

#: Note chunks are embedded from their first 96 word pieces (about 70 words): the heading
#: and first sentences carry a chunk's topic and BM25 still reads the whole chunk. Measured
#: (bench_retrieval, hybrid): Recall@5 0.981 against 0.972 at 256, and the full build on 2
#: cores falls from 62 s to 25 s.
DOCUMENT_TOKENS = 96

#: Local embedding sessions run side by side, one thread each: one per core of the 2-core
#: machines we target (more would only contend).
EMBEDDING_WORKERS = 2

#: Texts whose vectors a claim matcher keeps (about 1.5 KB each): several interviews' worth
#: of sentences, so grading reuses what the interviewer read; past it the cache starts over.
VECTOR_CACHE = 20_000


# ---- the interviewer -------------------------------------------------------------------


class Level(StrEnum):
    MID = "mid"
    SENIOR = "senior"
    STAFF = "staff"


@dataclass(frozen=True)
class LevelPolicy:
    """How demanding the interviewer is at one level."""

    #: Share of a stage's key points covered before the interviewer moves on by itself.
    coverage_bar: float
    #: Questions asked in one stage (probes, challenges, technique probes) before moving on.
    max_probes: int
    #: Whether the staff probes (cost, failure modes, other teams) join the generic ones.
    staff_probes: bool
    #: Which of the case's curveballs is played: the first, or the last (the hardest).
    curveball: int


LEVELS: dict[Level, LevelPolicy] = {
    # A mid-level candidate covers less before it is worth moving on; staff covers more and
    # gets one more question per stage, the staff probes and the hardest curveball.
    Level.MID: LevelPolicy(coverage_bar=0.45, max_probes=2, staff_probes=False, curveball=0),
    Level.SENIOR: LevelPolicy(coverage_bar=0.55, max_probes=2, staff_probes=False, curveball=0),
    Level.STAFF: LevelPolicy(coverage_bar=0.65, max_probes=3, staff_probes=True, curveball=-1),
}

#: A candidate question is answered by a fact at this cosine (plus the label bonus): below
#: it, "what's the scale" and "how many users" were answered with unrelated facts.
FACT_MATCH = 0.42

#: A turn is about a stage when its best point strength there reaches this; below it and
#: with nothing newly covered, the interviewer steers back.
RELEVANT = 0.36

#: A long answer that ends in a question no fact covers is an answer, not a question: past
#: this many words the candidate was explaining, and asked in passing.
QUESTION_TURN_WORDS = 60

#: A turn with no question mark is read for questions by their form only up to this many
#: words: a dictated clarifying question runs to about 35 words with its lead-in ("last one
#: i think, um, are there any rules about..."), while answers run longer.
UNMARKED_QUESTION_WORDS = 40

#: Past that, a dictated turn is still read for questions up to this length when it commits
#: to no design ("two things, what's the latency budget ... and then separately how many
#: searches a day"): a candidate asking two things aloud runs to about 60 words.
DICTATED_QUESTION_WORDS = 70

#: Points a turn must newly cover in a later stage (and beat the current stage by) for the
#: interviewer to follow the candidate there without a signpost.
JUMP_POINTS = 2

#: Techniques probed per stage: a candidate who names a second technique in a stage chose
#: it too (a loss, then an architecture), so two keep the talk on their own choices; a
#: third would turn the stage into a quiz.
TECHNIQUE_PROBES_PER_STAGE = 2

#: Words quoted back when the interviewer names the candidate's claim.
QUOTE_WORDS = 14

#: The longest gap between two turns that counts as interview time: beyond ten minutes the
#: candidate has left the tab (a break, a resume the next day), not been thinking.
MAX_TURN_SECONDS = 600.0

#: With a server model, the red flags offered to it for a turn: those at least this close in
#: meaning to one of the turn's sentences (a topic match, as for CUE_TOPIC but looser, since
#: the model decides), at most MODEL_FLAG_CANDIDATES of them (a short list keeps the prompt
#: small and the model's choice sharp).
MODEL_FLAG_TOPIC = 0.40
MODEL_FLAG_CANDIDATES = 6

#: Minutes of a drill started from a report: one stage's budget (5-10 minutes in a 45-minute
#: round) plus room for the follow-ups, inside the 10-15 minutes a short practice should take.
DRILL_MINUTES = 12.0
