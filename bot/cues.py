"""Cue tables: the regular expressions every consumer shares, so the interviewer and the
grader agree on what a negation, a question, an assumption, a decline or a request is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.stages import Stage

#: A sentence that rejects or criticises what it names ("accuracy would be misleading",
#: "I wouldn't split at random", "instead of a nightly batch").
NEGATION = re.compile(
    r"\b(not|never|no|nor|don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|shouldn'?t|can'?t|cannot|"
    r"isn'?t|aren'?t|avoid\w*|instead of|rather than|misleading|meaningless|useless|"
    r"pointless|wrong|mistake|pitfall|trap|naive|beware|careful not|without|away from|"
    r"move off|get rid of|no longer|stop|replace|switch(ing)? from|ditch|drop)\b",
    re.I,
)

#: Words too common in ML answers to anchor a claim: a red flag and a sentence must share
#: a rarer term ("accuracy", "shuffle", "nightly") before one can be read as the other.
_COMMON = set(
    [
        "about",
        "above",
        "after",
        "again",
        "also",
        "answer",
        "because",
        "before",
        "being",
        "between",
        "both",
        "could",
        "data",
        "does",
        "each",
        "every",
        "first",
        "from",
        "have",
        "here",
        "into",
        "just",
        "like",
        "make",
        "model",
        "models",
        "more",
        "most",
        "much",
        "need",
        "only",
        "other",
        "over",
        "same",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "think",
        "this",
        "those",
        "through",
        "used",
        "uses",
        "using",
        "very",
        "want",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
        "system",
        "score",
        "scores",
        "metric",
        "metrics",
        "feature",
        "features",
        "train",
        "training",
        "predict",
        "prediction",
        "predictions",
        "label",
        "labels",
        "user",
        "users",
        "item",
        "items",
        "time",
        "good",
        "better",
        "best",
        "really",
        "going",
        "lets",
        "okay",
        "right",
    ]
)
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")

_FILLER = (
    r"(so|and|also|okay|ok|um+|uh+|like|right|then|just|well|first|second|next|quick question)"
)
#: A question by its form, with or without a question mark ("so what's the scale like").
QUESTION_FORM = re.compile(
    rf"^\W*({_FILLER}[\s,]+)*(what|what's|whats|how|how's|which|who|whom|whose|when|where|why|"
    r"is|are|was|were|do|does|did|can|could|should|would|will|have|has|"
    r"any(thing)?\b(?!.*\b(is|are|was|were|counts? as|goes to|gets|becomes|i'?d|i'?ll|i will|"
    r"we (count|treat|label|call|drop|keep))\b))\b"
    r"|\b(i'?d (like|want|love) to (know|understand|ask|check|clarify)|i want to (know|ask|"
    r"check|clarify)|i'?m (wondering|curious)|curious (about|whether|if)|wondering (if|"
    r"whether|about)|can you tell me|could you tell me|tell me (about|more|what|how)|"
    r"do we know|do we have|my (first |next )?question is|let me ask|"
    r"i'?m (basically |just |really )?asking)\b"
    # Spoken questions start after a lead-in clause ("just to get a sense of size, roughly
    # how many listings are we ranking"): an interrogative opening a later clause, when the
    # sentence does not go on to answer it ("..., how many we need, I'd take 500").
    r"|[,;]\s*((um+|uh+|so|and|like|roughly|approximately|just)[\s,]+)*"
    r"(how (many|much|big|fast|long|often|far)|are there|is there|do we (have|know|get)|"
    r"is it|what (is|are|does|do)|what's)\b"
    r"(?!.*\b(i'?d|i will|i'?ll|we'?ll|we will|so we|yes|which (is|comes|gives|means))\b)",
    re.I,
)

#: The candidate commits to a design ("I'd use", "we'll shard"): a dictated turn saying so is
#: an answer, even when it contains a question's form.
DESIGN_COMMITMENT = re.compile(
    r"\b(i'?d|i would|i will|i'?ll|we'?ll|we will|we can|we could|let'?s|my plan|"
    r"i'?m (going to|gonna)|i propose|i'?d go with)\b",
    re.I,
)

#: A requirement stated as an assumption instead of asked ("I'll assume 500M daily users").
ASSUMPTION = re.compile(
    r"\b(i'?ll assume|i'?m (going to|gonna) assume|let'?s assume|let me assume|assuming|"
    r"i'?d assume|i assume|my assumption|i'?ll take it (that|as)|i'?ll treat .{1,40} as given|"
    r"suppose we|let'?s say (we|it|there)|i'?ll go with the assumption)\b",
    re.I,
)

#: The candidate declines to answer ("I haven't thought about that").
DECLINE = re.compile(
    r"\b(i haven'?t (really )?thought about (that|it|this)|i'?m not sure|not sure|"
    r"i don'?t know|i do not know|no idea|i'?d (rather )?skip|(can|could) we skip|"
    r"pass on (that|this)|nothing (comes to mind|to add)|no comment|i have no (idea|clue))\b",
    re.I,
)

#: Words that say which stage a question or a signposting sentence is about.
STAGE_CUES: dict[Stage, re.Pattern] = {
    Stage.CLARIFY_REQUIREMENTS: re.compile(
        r"\b(clarify|clarifying|requirements?|questions? (for me|before)|what would you like to "
        r"(know|ask))\b",
        re.I,
    ),
    Stage.FRAME_ML_TASK: re.compile(
        r"\b(fram(e|ing)|ml (problem|task)|machine learning (problem|task)|formulat\w*|"
        r"what (exactly )?(does|would) the model predict|input and output|objective)\b",
        re.I,
    ),
    Stage.DATA_PREPARATION: re.compile(
        r"\b(data (prep\w*|pipeline)?|training data|training examples?|features?|feature "
        r"engineering|labels?|labell?ing|dataset)\b",
        re.I,
    ),
    Stage.MODEL_DEVELOPMENT: re.compile(
        r"\b(which model|what model|model (choice|development|architecture)|architecture|"
        r"to the model|baseline|loss( function)?|how would you train|train(ing)? (it|the model))\b",
        re.I,
    ),
    Stage.EVALUATION: re.compile(
        r"\b(evaluat\w*|metrics?|offline|online (test|experiment|metric)|a/?b test\w*|"
        r"experiment\w*|how (would|do) you (know|measure))\b",
        re.I,
    ),
    Stage.DEPLOYMENT_SERVING: re.compile(
        r"\b(serv(e|ing)|deploy\w*|production|in prod|roll ?out|infrastructure|inference)\b",
        re.I,
    ),
    Stage.MONITORING: re.compile(
        r"\b(monitor\w*|once it'?s live|after (launch|it'?s live)|alert\w*|drift|retrain\w*)\b",
        re.I,
    ),
}

#: The candidate says they are moving on ("let me jump to serving").
JUMP = re.compile(
    r"\b(jump(ing)? (ahead )?to|skip(ping)? (ahead )?to|mov(e|ing) on to|let me (go|turn|move) to|"
    r"let'?s (talk about|go to|move to|turn to)|switching to|on to)\b",
    re.I,
)

#: The interviewer goes back to an earlier stage on purpose.
RETURN = re.compile(r"\b(go(ing)? back to|back to|return to|revisit|come back to)\b", re.I)

#: Depth cues: the candidate says why, weighs options, puts numbers on it, commits.
DEPTH_CUES: dict[str, re.Pattern] = {
    "justification": re.compile(
        r"\b(because|since|so that|the reason|which means|that's why|this is why|otherwise|"
        r"in order to|given that|due to|cause)\b",
        re.I,
    ),
    "trade_off": re.compile(
        r"\b(trade-?offs?|on the other hand|at the cost of|downside|instead of|rather than|"
        r"versus|vs\.?|cheaper|more expensive|the risk is|but it|but that|however|pros?|cons?)\b",
        re.I,
    ),
    "number": re.compile(
        r"(\d|\b(million|billion|thousand|hundred|percent|ms|milliseconds|qps|per second)\b)",
        re.I,
    ),
    "choice": re.compile(
        r"\b(i'd|i would|i will|i'll|we'll|i'd pick|i choose|i'd go with|let's go with|"
        r"my choice|i'd start with|i'd use|we would use|i propose|i'd recommend|we'd)\b",
        re.I,
    ),
}

#: How a candidate drives the interview: a plan, signposts, check-ins, the clock.
DRIVING_CUES: dict[str, re.Pattern] = {
    "stated a plan": re.compile(
        r"\b(my plan|here's my plan|the plan is|i'll (start|begin) (with|by)|let me (outline|"
        r"structure|lay out)|i'd like to (structure|cover|go through|spend)|i'll walk through|"
        r"first,? i'll|i'll cover|(roughly )?in that order|in this order|structure (it|this) as|"
        r"then i'll|after that,? (i'll|go through|we)|before i design)\b",
        re.I,
    ),
    "signposted transitions": re.compile(
        r"\b(moving on|let's move (on|to)|next,? (let's|i'll)|now let's|let's (talk|turn) (about|"
        r"to)|that covers|switching to|on to (the )?(data|model|evaluation|serving|deployment|"
        r"monitoring)|to summari[sz]e|let me recap|let me (play|read) (that|it) back|"
        r"let me walk through|(offline|serving|monitoring|data) first|that's (the|my) (model|"
        r"data|evaluation|serving) (side|plan|story)|shall we)\b",
        re.I,
    ),
    "checked in": re.compile(
        r"(does that (make sense|sound (right|good|reasonable))|should i (go|dive|continue|"
        r"move)|would you like me to|do you want me to|shall i|is that (okay|ok|fine|"
        r"reasonable)|any (questions|concerns) (so far|before)|are you happy with|sound good\?|"
        r"i'll check in|let me know if|is that (the|what) you|does that match|happy to go deeper|"
        r"want me to go deeper|which would you prefer|okay with you|ok with you)",
        re.I,
    ),
    "managed the clock": re.compile(
        r"\b(in the interest of time|given (the )?time|time check|to save time|i'll be brief|"
        r"for time|minutes left|quickly cover|briefly)\b",
        re.I,
    ),
}


# ---- what the candidate asks the interviewer for ---------------------------------------

#: Asks for the rubric, a checklist or their score (declined until the report).
RUBRIC_REQUEST = re.compile(
    r"\b(rubric|grading (criteria|scheme)|model answer|ideal answer|sample answer|checklist|"
    r"what (did|have) i (miss|missed|left out)|what am i missing|what should i (say|cover|mention)|"
    r"(give|tell|show) me the (answer|solution|points|checklist)|what are you looking for|"
    r"expected answer|correct answer|right answer|how am i (doing|scoring)|what'?s my score|"
    r"list of (key )?points|key points for|(is there|do you have) a (list|template) (of|for))\b",
    re.I,
)

#: Asks for a hint in the chat (the hint button does the same).
HINT_REQUEST = re.compile(
    r"\b((can|could) (you|i) (maybe |please )?(give|get|have) (me )?(a |another |some )?"
    r"(small |quick |little |tiny )?(hint|nudge|pointer|clue)|any (hints?|pointers?|nudges?)|"
    r"(give|need) (me )?(a |some )?(small |quick |little )?(hint|nudge|clue)|i'?m stuck|"
    r"hint,? please|(a|quick|small) hint\b|^\W*(a bit |bit |kind of |a little )?stuck\b|"
    r"\b(hint|nudge|pointer|clue)s?\s*\?)",
    re.I,
)

#: The candidate says their design is complete.
DONE = re.compile(
    r"\b((that|this|i think that|i think this) (covers|is) (it|all|everything|my (whole |"
    r"full |entire )?design)|that covers (my|the) (whole |full |entire )?design|i'?m done|"
    r"i am done|i'?m finished|done on my (side|end)|"
    r"that'?s (the|my) (whole |full )?design(?= *[.!]| *$)|"
    r"that'?s (all|everything) (from me|i have)|i('ve| have) (nothing|no more|"
    r"nothing more) to add|let'?s (wrap|end|finish)( it)?( up)?|we can (wrap|end|finish))\b",
    re.I,
)

#: Asks to move on to the next stage.
MOVE_ON = re.compile(
    r"\b(shall we move|should we move|can we move|let's move on|move on to|ready to move|"
    r"next stage|let's go to)\b",
    re.I,
)

#: A question about a concept, not about the case ("what's NDCG again?").
CONCEPT_QUESTION = re.compile(
    r"^\s*(what('s| is| are| does)|can you (explain|remind|define)|could you (explain|remind)|"
    r"remind me|explain|define|how does|what was)\b",
    re.I,
)

#: A check-in at the end of an answer: not a question for the interviewer to answer.
CHECK_IN = re.compile(
    r"(does that (make sense|sound|match|work)|is that (ok|okay|fine|reasonable|right|what)|"
    r"sound (good|ok|okay|reasonable)\?|should i (go|dive|continue|move|keep)|shall i|"
    r"would you like me to|do you want me to|any (questions|concerns)|are you happy with|"
    r"(ok|okay|fine) with you\?|right\?$)",
    re.I,
)

#: A yes/no question about the design itself ("do we need calibrated probabilities?"): the
#: candidate's decision to make, not a fact to look up.
DESIGN_QUESTION = re.compile(
    r"^\W*((so|and|okay|ok|um+|uh+|well)[\s,]+)*(do|does|should|would|could|can|is|are|must)"
    r" (we|i|it|the (model|system|design|ranker|classifier|score|scores|output))\b",
    re.I,
)

#: Says nothing of substance: filler, a bare acknowledgement.
NO_CONTENT = re.compile(
    r"^\W*(ok(ay)?|fine|sure|yes|yeah|yep|no|nope|right|cool|great|good|hmm+|um+|uh+|idk|"
    r"dunno|whatever|next|pass|k|test|asdf|lol|\.+)\W*$",
    re.I,
)

#: The candidate's own choice, named at the start of an acknowledgement ("Two-tower
#: retrieval with in-batch negatives, okay."): what follows "I'd use", "I'll go with"...
CHOICE = re.compile(
    r"\b(?:i'?d|i would|i'?ll|i will|we'?d|we would|we'?ll|let'?s|i'?m going to|i plan to|"
    r"my plan is to|i propose to)\s+(?:probably\s+|first\s+|just\s+|simply\s+)?"
    r"(?:use|go with|pick|choose|start with|train|build|frame (?:this|it) as|treat (?:this|it) as"
    r"|model (?:this|it) as|split|serve|monitor|track|evaluate with|optimi[sz]e for)\s+"
    r"(?P<choice>[^.,;:!?()]{3,80})",
    re.I,
)


# ---- what an interviewer line must not contain (bot.phrasing, bench_interview) ------

#: Prompt scaffolding echoed back: role or section labels anywhere, chat-template tokens, tags.
SCAFFOLD = re.compile(
    r"\b(draft|interviewer|candidate|user|assistant|system|notes|rules)\b\W{0,2}:"
    r"|<\|\w*|</?(candidate|draft|notes)>|^#+\s",
    re.I,
)
#: Template or instruction wording: the prompt's rules, third-person talk about the roles.
INSTRUCTIONS = re.compile(
    r"\bthe (answer|question|line|reply|response|output) (must|should)\b|\bmust contain\b"
    r"|\bthe candidate['’]s\b|\bthe candidate (said|says|asks|mentioned|wrote|wants|is|has)\b"
    r"|\bthe interviewer\b|\binterviewer'?s\b|\bas (an|the) interviewer\b"
    r"|\b(the|this) draft\b|\bnext line\b|\bbackground notes\b|\bthe notes\b"
    r"|\brewrit\w*|\bre-?phras\w*|\breword\w*|\bparaphras\w*"
    r"|\b(in|at most|under|within) \d+ words\b|\d+ words or (fewer|less)\b|\bword limit\b"
    r"|[{}]|\bone question only\b|\bstay neutral\b|\byour task is\b|\bthe line is about\b",
    re.I,
)
#: Assistant chatter around the line instead of the line itself.
CHATTER = re.compile(
    r"\bas an ai\b|\blanguage model\b|^\s*(sure|certainly|of course)\b|\bhere'?s (a|the|my) "
    r"(line|version|question|rephras\w*)\b|\bhope this helps\b|\blet me know if\b",
    re.I,
)
#: Praise or a verdict on the answer (bare "good" is too common: "a good baseline" is fine).
PRAISE = re.compile(
    r"\b(great|excellent|awesome|impressive|perfect|fantastic|brilliant|wonderful|amazing"
    r"|nice(ly)?|well done|spot on|exactly right|sounds good|love (that|this|it|the|your|how)"
    r"|good (idea|point|question|thinking|call|catch|start|answer|job|work|choice)"
    r"|that'?s (a )?(good|smart|clever|solid|strong))\b",
    re.I,
)
#: The candidate's voice: first-person design talk at the start of a sentence, or "my design".
CANDIDATE_VOICE = re.compile(
    r"(^|[.!?;:\"(]\s*)(i would(?! like)|i'd(?! like| love to| be curious)|i will|i'll"
    r"|i'm going to|i am going to|i think|i'm not sure|i guess|first,? i"
    r"|we (could|would|can|will|should) (use|train|build|start|add|go|do|pick|try)"
    r"|we'd|we'll|one way (is|would be)|to answer|as (a|the) candidate|here'?s (my|how i))\b"
    r"|\bmy (design|approach|answer|solution|proposal|plan|pipeline|model|system)\b",
    re.I,
)


#: Where one sentence ends and the next begins: after ., ! or ?, or at a line break.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The text's sentences, stripped, without empty pieces."""
    return [s.strip() for s in SENTENCE_BREAK.split(text) if s.strip()]


def words_of(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def key_terms(text: str) -> set[str]:
    """The words of a text that can anchor a claim (four letters or more, not common)."""
    return {w for w in words_of(text) if len(w) >= 4 and w not in _COMMON}


def is_negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def is_question(sentence: str) -> bool:
    """A question by its mark or by its form (spoken questions often have no mark)."""
    return "?" in sentence or bool(QUESTION_FORM.search(sentence.strip()))


#: A sentence describing the system as it is today ("Baseline: a daily-retrained LR"), which
#: the candidate is restating, not proposing: it is not read as their mistake.
STATUS_QUO = re.compile(
    r"^\W*(baseline|current (system|model|setup|pipeline|ranker|state)|currently|"
    r"today,? (the|we|they|it|there)|right now,? (the|they|it)|"
    r"(the|their|our) (current|existing|old|legacy|incumbent|prototype)\b|as of today)",
    re.I,
)


def describes_status_quo(sentence: str) -> bool:
    return bool(STATUS_QUO.search(sentence))


def is_assumption(sentence: str) -> bool:
    return bool(ASSUMPTION.search(sentence))


def stages_named(text: str) -> list[Stage]:
    """The stages a sentence names, in framework order."""
    return [stage for stage, pattern in STAGE_CUES.items() if pattern.search(text)]


#: A sentence that turns down what it names ("location history is off limits, so I won't
#: use it"): it is not making the mistake a knowledge note's `cue:` line describes.
REJECTION = re.compile(
    r"\b(not|never|no|don'?t|doesn'?t|won'?t|wouldn'?t|shouldn'?t|can'?t|cannot|mustn'?t|"
    r"isn'?t|aren'?t|avoid\w*|instead of|rather than|banned|forbidden|not allowed|"
    r"off[- ]limits|prohibited|exclud\w*|misleading|wrong|mistake|bad idea|away from|"
    r"get rid of|no longer|move off|if (we|you) (just|only|simply|naively)|otherwise|"
    r"push(ed)? back|pushback|argue against)\b",
    re.I,
)


class CueSyntaxError(ValueError):
    """A `cue:` or `unless:` line that cannot be read."""


@dataclass(frozen=True)
class TermCue:
    """A red flag's telltale terms, written in a knowledge note as a `cue:` line.

    Syntax: groups separated by `+`, each a list of phrases separated by `|`; a sentence
    matches when it holds at least one phrase of every group. Phrases match whole words,
    case-insensitively; a word ending in `*` matches any ending ("rebuild*" matches
    "rebuilds", "rebuilding"). Example: `nightly | once a day + rebuild* | recompute*`.

    A sentence that rejects what it names (`REJECTION`) does not match, unless the cue's own
    phrases are negative (the mistake is a refusal, as in "no need for an A/B test").
    """

    text: str
    groups: tuple[re.Pattern, ...]
    negative: bool

    @classmethod
    def parse(cls, text: str) -> TermCue:
        groups = _cue_groups(text)
        phrases = [p for g in groups for p in g]
        return cls(
            text=text,
            groups=tuple(_phrases(g) for g in groups),
            negative=any(NEGATION.search(p) for p in phrases),
        )

    def states(self, sentence: str) -> bool:
        if not self.negative and REJECTION.search(sentence):
            return False
        return all(g.search(sentence) for g in self.groups)


def _cue_groups(text: str) -> list[list[str]]:
    groups = [[p.strip() for p in g.split("|")] for g in text.split("+")]
    if any(not p for g in groups for p in g):
        raise CueSyntaxError(f"empty phrase in cue {text!r}: check its '|' and '+' marks")
    return groups


def check_cue_lines(cue_lines: list[str], unless_lines: list[str]) -> None:
    """CueSyntaxError for a line that cannot be read, without compiling anything (case files
    load on every start; the matcher compiles the cues of the one case in use)."""
    for line in cue_lines:
        _cue_groups(line)
    for line in unless_lines:
        if not all(p.strip() for p in line.split("|")):
            raise CueSyntaxError(f"empty phrase in {line!r}: check its '|' marks")


@dataclass(frozen=True)
class FlagCues:
    """A red flag's own `cue:` lines and its `unless:` veto (phrases as in a cue group)."""

    cues: tuple[TermCue, ...]
    unless: re.Pattern | None

    @classmethod
    def of(cls, cue_lines: list[str], unless_lines: list[str]) -> FlagCues:
        unless = term_pattern(" | ".join(unless_lines)) if unless_lines else None
        return cls(tuple(TermCue.parse(c) for c in cue_lines), unless)

    def state(self, sentence: str) -> TermCue | None:
        """The cue that reads the sentence as the flag's mistake, if any."""
        if self.unless is not None and self.unless.search(sentence):
            return None
        return next((cue for cue in self.cues if cue.states(sentence)), None)


def term_pattern(text: str) -> re.Pattern:
    """Phrases separated by `|`, as in a `cue:` group (the syntax of `unless:` lines)."""
    phrases = [p.strip() for p in text.split("|")]
    if not all(phrases):
        raise CueSyntaxError(f"empty phrase in {text!r}: check its '|' marks")
    return _phrases(phrases)


def _phrases(phrases: list[str]) -> re.Pattern:
    return re.compile("|".join(_phrase(p) for p in phrases), re.I)


def _phrase(phrase: str) -> str:
    words = phrase.split()
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    body = r"\s+".join(parts)
    start = r"\b" if re.match(r"\w", phrase) else ""
    end = r"\b" if re.search(r"\w$", phrase) else ""
    return start + body + end


@dataclass(frozen=True)
class MistakeCue:
    """A common mistake recognised by its form: every `claim` pattern matches the sentence
    and `unless` does not (the sentence names the sound alternative or rejects the idea).
    `topic` finds the red flags this cue detects, from the flags' own wordings. A cue that
    is `case_only` is a mistake only where a case says so (a nightly batch is fine for a
    nightly forecast), so it never falls back to a framework red flag."""

    name: str
    claim: tuple[re.Pattern, ...]
    unless: re.Pattern
    topic: re.Pattern
    case_only: bool = False

    def states(self, sentence: str) -> bool:
        return all(p.search(sentence) for p in self.claim) and not self.unless.search(sentence)


def _cue(*patterns: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in patterns)


_REJECTS = (
    r"\b(not|never|no|don'?t|doesn'?t|wouldn'?t|won'?t|shouldn'?t|isn'?t|avoid\w*|instead of|"
    r"rather than|misleading|meaningless|useless|mistake|wrong|pitfall|trap|naive|bad idea|"
    r"can'?t|cannot)\b"
)

MISTAKE_CUES: list[MistakeCue] = [
    MistakeCue(
        name="random_split",
        claim=_cue(
            r"\b(random(ly)?|shuffl\w*)\b",
            r"\b(split\w*|hold(ing)? out|held[- ]out|test set|validation|train(ing)?[, /]+"
            r"(validation|test)|\d0/\d0)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(time|temporal|chronolog\w*|by date|by day|by week|later|latest|"
            r"most recent|future|forward|out-of-time|rolling|backtest\w*|group\w* by|by user|"
            r"per user|(by|per|of) users?\b|users? (into|to) |traffic|a/?b|experiment|holdout|"
            r"control group|"
            r"label(l)?ing|annotat\w*|to review|audit)\b",
            re.I,
        ),
        topic=re.compile(r"\b(random|shuffl\w*)\b.*\bsplit|\bsplit\w*\b.*\b(random|shuffl)", re.I),
    ),
    MistakeCue(
        name="accuracy_metric",
        claim=_cue(
            r"\baccuracy\b.{0,60}\b(metric|measure|evaluat\w*|look at|optimi[sz]\w*|report\w*|"
            r"headline|primary|main|target|get|achiev\w*|\d+ ?%|percent)|\b(metric|evaluat\w*|"
            r"look at|optimi[sz]e|report|measure|judge)\w*\b.{0,40}\baccuracy\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(forecast\w*|wape|mape|mase|mae|rmse|error|bias|top-?\d+|@ ?\d|pr-?auc|"
            r"log ?loss|ndcg|"
            r"balanced accuracy|per[- ]class|calibrat\w*|annotator|label(l)?er|reviewer)\b",
            re.I,
        ),
        topic=re.compile(r"\baccuracy\b", re.I),
    ),
    MistakeCue(
        name="uncorrected_downsampling",
        claim=_cue(
            r"\b(down-?sampl\w*|sub-?sampl\w*|under-?sampl\w*|keep(ing)? (only )?(\d+|one)\b.{0,20}"
            r"negatives)",
            r"\b(straight|directly|as[- ]is|as (the )?probabilit\w*|as (the )?p\w*ctr|without "
            r"(any )?(correction|correcting|recalibrat\w*|adjust\w*)|no (correction|"
            r"recalibration|adjustment)|(no need|don'?t need) to (correct|recalibrate|adjust))\b",
        ),
        unless=re.compile(
            r"\b((then|and) (re)?calibrat\w*|recalibrate (them|it|the scores)|correct(ing)? for "
            r"(the )?(sampl\w*|rate)|re-?weight\w*|importance weight\w*|q ?= ?p)\b",
            re.I,
        ),
        topic=re.compile(r"\b(down-?sampl\w*|sampl\w* negatives|negative sampl\w*)\b", re.I),
    ),
    MistakeCue(
        name="nightly_batch",
        claim=_cue(
            r"\b(nightly|once a (day|night|week)|daily (batch|job|rebuild|refresh|run)|every night|"
            r"overnight|each night|weekly|every week|hourly (batch|job))\b",
            r"\b(rebuild\w*|recomput\w*|refresh\w*|batch|precomput\w*|re-?index\w*|index|update\w*|"
            r"filter\w*|job)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(stale|on top of|as well as|plus|in addition|add|also|too|streaming|"
            r"stream\w*|real-?time|minutes|seconds|incremental\w*|delta|near-?line)\b",
            re.I,
        ),
        topic=re.compile(
            r"\b(nightly|once a (day|night)|overnight)\b.{0,40}\b(only|instead|although|while|"
            r"freshness|minutes|hour|stale)|\b(only|instead|although)\b.{0,40}\b(nightly|once a "
            r"(day|night)|overnight)\b",
            re.I,
        ),
        case_only=True,
    ),
    MistakeCue(
        name="whole_catalogue_ranker",
        claim=_cue(
            r"\b(all|every|whole|entire|each of the)\b.{0,30}\b(\d[\d,.]* ?(million|billion|m|bn|b)"
            r"\b|catalog(ue)?|corpus|inventory)",
            r"\b(heavy|deep|big|full|large|cross-?encoder|ranker|ranking model|transformer)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(candidate generation|retriev\w*|two-?stage|first stage|filter\w*|"
            r"narrow\w*|prun\w*|top[- ]?\d+|few hundred|shortlist|cascade|offline|nightly|batch|"
            r"index\w*|embed\w*)\b",
            re.I,
        ),
        topic=re.compile(
            r"\b(whole|entire|all|every)\b.{0,40}\b(catalog(ue)?|corpus|"
            r"candidates|videos|ads|items|products|listings|per request)",
            re.I,
        ),
    ),
    MistakeCue(
        name="skips_online_test",
        claim=_cue(
            r"\b(no need (for|to run)|skip\w*|without|don'?t need|not necessary to run)\b.{0,25}"
            r"\b(a/?b|online (test|experiment)|experiment)",
            r"\b(ship|launch|deploy|roll(ing)? out|go live|push)\w*\b",
        ),
        unless=re.compile(
            r"\b(before|after|then|until|first|shadow|canary)\b.{0,30}\b(a/?b|"
            r"experiment|test)\b|\bnever skip\b",
            re.I,
        ),
        topic=re.compile(
            r"\b(offline (gains?|numbers|results|auc|metrics?) alone|no online|"
            r"without an? (online|a/b)|no need for an a/?b)\b",
            re.I,
        ),
    ),
    MistakeCue(
        name="future_feature",
        claim=_cue(
            r"\b(total|final|eventual|lifetime|overall|full)\b.{0,40}\b(reports?|clicks?|views?|"
            r"likes?|chargebacks?|counts?|engagement|outcome)\b",
            r"\b(in (its|the) first \d+|after (the|it|its)|over the (whole|next|following)|ends? "
            r"up|eventually|receives|gets|will get)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(as of|point[- ]in[- ]time|up to the|at (the )?"
            r"(time|moment) of|leak\w*|exclude\w*|label)\b",
            re.I,
        ),
        topic=re.compile(
            r"\b(after (the )?(prediction|decision|impression|moment)|future|"
            r"leak\w*|not (yet )?known)\b",
            re.I,
        ),
    ),
    MistakeCue(
        name="half_threshold",
        claim=_cue(
            r"\b(threshold|cut-?off)\w*\b.{0,25}\b0?\.5\b|\b0?\.5\b.{0,15}\b(threshold|"
            r"cut-?off)\b"
        ),
        unless=re.compile(
            _REJECTS + r"|\b(tun\w*|cost|precision|recall|calibrat\w*|"
            r"sweep|choose|chosen|pick)\b",
            re.I,
        ),
        topic=re.compile(r"\b0?\.5\b|\bthreshold\b.{0,40}\b(cost|error)", re.I),
    ),
    MistakeCue(
        name="unmatured_negatives",
        claim=_cue(
            r"\b(everything|anything|all|the rest)\b.{0,15}\belse\b.{0,30}\b(genuine|legit\w*|"
            r"non-?fraud|not fraud)\b|\b(up to|until|through|right up to) "
            r"(yesterday|today|this week|the latest)\b.{0,80}\b(genuine|negative|label)"
        ),
        unless=re.compile(_REJECTS + r"|\b(matur\w*|wait\w*|delay\w*|window|days old)\b", re.I),
        topic=re.compile(
            r"\b(matur\w*|label delay|as genuine|genuine negatives?|unlabel\w*)", re.I
        ),
    ),
    MistakeCue(
        name="self_rated_confidence",
        claim=_cue(
            r"\b(llm|model|generator|it)\b.{0,40}\b(rate|score|report|state|give|output)\w*\b"
            r".{0,30}\bconfiden\w*|self-?(reported|rated|assessed) confiden\w*"
        ),
        unless=re.compile(_REJECTS + r"|\b(calibrat\w* (it|them|against)|held-?out)\b", re.I),
        topic=re.compile(r"\bconfiden\w*", re.I),
    ),
    MistakeCue(
        name="clicks_as_relevance",
        claim=_cue(
            r"\bclick\w*\b.{0,30}\b(as|=|means?|is|are)\b.{0,12}\b(relevan\w*|ground truth)|"
            r"\bclicked (result|item|product|listing)s? (is|are)\b.{0,10}relevan"
        ),
        unless=re.compile(
            _REJECTS + r"|\b(position|propensit\w*|debias\w*|bias|interleav\w*|human)\b", re.I
        ),
        topic=re.compile(
            r"\b(position bias|clicks? (as|only|alone)|predict\w* clicks|click labels?)\b", re.I
        ),
    ),
    MistakeCue(
        name="optimise_clicks",
        claim=_cue(
            r"\b(optimi[sz]\w*|maximi[sz]\w*|target\w*|objective|train\w* (it )?(on|for)|"
            r"most direct signal|the goal)\b.{0,40}\b(clicks?|click-?through|ctr)\b"
        ),
        unless=re.compile(
            _REJECTS + r"|\b(guardrail\w*|proxy|intermediate|satisf\w*|retention|watch time|"
            r"long-?term|revenue|bid|conversion|purchase|calibrat\w*|auction|if we just|copy|bias|"
            r"bookings?|smoothed|counters?)\b",
            re.I,
        ),
        topic=re.compile(
            r"\bclicks?\b.{0,30}\b(only|alone)\b|\bclickbait\b|maximi[sz]\w* clicks", re.I
        ),
        case_only=True,
    ),
    MistakeCue(
        name="heavy_model_every_request",
        claim=_cue(
            r"\b(\d{2,3} ?b|\d{2,3}-?billion|frontier|largest|biggest|heaviest|full(-size)?|"
            r"hosted)\b.{0,40}\b(model|llm|ranker|classifier)\b",
            r"\b((every|each|per) (request|keystroke|query|post|suggestion|call)|for (everyone|"
            r"every user|all (users|requests|traffic))|best option|quality matters most)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(distil\w*|small\w*|fallback|cache\w*|offline|batch|teacher|"
            r"label\w*|evaluat\w*|judge)\b",
            re.I,
        ),
        topic=re.compile(
            r"\b(\d{2,3}b|heav\w*|largest|full (multimodal )?(model|classifier)|frontier|"
            r"general-purpose llm|every (request|suggestion|keystroke))\b",
            re.I,
        ),
        case_only=True,
    ),
    MistakeCue(
        name="third_party_data",
        claim=_cue(
            r"\b(third[- ]party|external|outside|openai|vendor'?s?)\b.{0,30}\b(api|llm|model|"
            r"provider|service)\b",
            r"\b(send|pass|call|use|forward|route)\w*\b",
        ),
        unless=re.compile(_REJECTS + r"|\b(self-?hosted|in-?house|on-?prem\w*|our own)\b", re.I),
        topic=re.compile(r"\b(third[- ]party|external|outside (provider|api))\b", re.I),
        case_only=True,
    ),
    MistakeCue(
        name="opted_out_data",
        claim=_cue(r"\bopted?[- ]?out\b", r"\b(include|use|train|still|fine|also)\w*\b"),
        unless=re.compile(
            _REJECTS + r"|\b(exclud\w*|remov\w*|drop\w*|filter\w*|respect\w*|without|slic\w*|"
            r"versus|vs|track\w*|monitor\w*|segment\w*|contextual)\b",
            re.I,
        ),
        topic=re.compile(r"\bopt(ed)?[- ]?out\w*\b", re.I),
        case_only=True,
    ),
    MistakeCue(
        name="squared_error_mean",
        claim=_cue(
            r"\b(mean squared error|mse|squared error|l2 loss|rmse)\b",
            r"\b(mean|average|plus or minus|point estimate)\b",
        ),
        unless=re.compile(
            _REJECTS + r"|\b(quantile|pinball|asymmetric|p90|percentile|baseline)\b", re.I
        ),
        topic=re.compile(r"\b(squared error|predicted mean|mean squared)\b", re.I),
        case_only=True,
    ),
    MistakeCue(
        name="synchronous_full_model",
        claim=_cue(
            r"\bsynchronous\w*\b|\bblock\w* (the )?(post|publish\w*|upload)",
            r"\b(full|whole|multimodal|classifier|model)\b",
        ),
        unless=re.compile(_REJECTS + r"|\b(hash\w*|async\w*|only the)\b", re.I),
        topic=re.compile(r"\bsynchron\w*|\bblock\w* publication|before any post", re.I),
        case_only=True,
    ),
]


def choice_named(text: str, max_words: int = 8) -> str | None:
    """The first choice the candidate names, cut to a few words, or None."""
    found = CHOICE.search(text)
    if not found:
        return None
    words = _CLAUSE_BREAK.split(found.group("choice"), maxsplit=1)[0].split()
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words[:max_words]) or None


#: Where the named choice ends and the candidate's reasoning begins.
_CLAUSE_BREAK = re.compile(
    r"\b(?:because|since|so|which|as|then|but|if|when|where|while|given|due)\b", re.I
)
#: Words a cut-off phrase must not end on.
_DANGLING = {"a", "an", "the", "and", "or", "of", "to", "with", "for", "on", "in", "by", "that"}


#: What a whiteboard box is, by its label: the diagram checks in bot.diagram read these.
DIAGRAM_BOXES: dict[str, re.Pattern] = {
    "ranker": re.compile(
        r"\b(rank\w*|scor\w*|model|predict\w*|classifier|dnn|deep|transformer|llm|"
        r"inference|detector)\b",
        re.I,
    ),
    "candidates": re.compile(
        r"\b(candidate\w*|retriev\w*|recall|ann|knn|nearest|two[- ]tower|shortlist\w*|"
        r"pre-?filter\w*|index\w*|faiss|hnsw|sourc\w*|generation|blocking|lookup)\b",
        re.I,
    ),
    "features": re.compile(r"\b(feature\w*|embedding\w*|profile\w*|counter\w*)\b", re.I),
    "watching": re.compile(
        r"\b(monitor\w*|log\w*|alert\w*|dashboard\w*|metric\w*|drift|observ\w*|"
        r"feedback|event\w*|kafka|stream\w*)\b",
        re.I,
    ),
}

#: A case whose notes speak of narrowing a large catalogue: its diagram needs a candidate
#: generation step in front of the model.
LARGE_CATALOGUE = re.compile(
    r"\b(candidate generation|retrieval stage|two[- ]tower|nearest[- ]neighbou?r|ann index|"
    r"retrieve[sd]? (a few|the top|candidates))\b",
    re.I,
)
