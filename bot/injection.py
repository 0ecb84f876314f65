"""Spotting candidate text that tries to steer the grader or the interviewer.

Candidate text is data. Before matching, text is normalised (Unicode NFKC folds full-width
letters; zero-width and other invisible characters are removed), base64 blobs are decoded,
and HTML comments and code blocks are examined too. A flagged sentence earns nothing and the
report carries the flag `suspected_injection`.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from functools import lru_cache

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069]")
#: Characters no honest interview answer contains: bidirectional overrides and Unicode tags.
_SMUGGLING = re.compile(r"[\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]")
#: Cyrillic and Greek letters that look like Latin ones.
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁɡАЕОРСУХІЈЅВНКМТαονρτυεκΑΒΕΗΙΚΜΝΟΡΤΧΥ",
    "aeopcyxijsdgAEOPCYXIJSBHKMTaovptuekABEHIKMNOPTXY",
)
_B64 = re.compile(r"[A-Za-z0-9+/]{24,}={0,2}")

_PATTERNS = [
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your)\b"
    r".{0,30}\b(instructions?|rules?|prompts?|rubric|guidelines)",
    r"\bsystem\s*(note|override|instruction)s?\b",
    r"\b(developer|admin|committee|grader|evaluator)\s*(note|message|prompt|override|"
    r"instruction)s?\b",
    r"\[\s*(system|admin|note to|instruction)",
    r"^\s*(system|assistant|grader)\s*:\s*(you|ignore|disregard|forget|the candidate|this "
    r"(candidate|answer)|give|award|assign|score|grade|rate|override|new instructions?|final|"
    r"verdict)\b",
    r"\byou are now\b",
    r"\b(act|behave|role-?play|pretend)\b.{0,25}\b(as|to be)\b.{0,40}\b(grader|evaluator|"
    r"interviewer|judge|assessor)",
    r"\b(lenient|generous)\s+(grader|evaluator|judge|mode|grading)",
    r"\b(give|award|assign|score|rate|grade|mark)\b.{0,40}\b(4\s*/\s*4|full marks|maximum|"
    r"top score|perfect score|strong[_ ]hire|score (of )?4|4 (on|in|for) (every|all|each))",
    r"\b(verdict|overall_score|stage_scores?)\b\s*[\"']?\s*[:=]",
    r"[\"']?(overall_score|verdict)[\"']?\s*:\s*[\"']?(\d|strong_hire|hire)",
    r"\bpre-?approved\b",
    r"\bhiring committee (has|have)\b",
    r"\bgrader\s*:",
    r"\b(evaluation_mode|min_stage_score|grading_mode)\b",
    r"\bdecode (this|it|the following)\b.{0,40}\b(follow|obey|execute|do)\b",
    r"\bnew instructions?\b",
    r"\b(ignore|disregard|bypass|forget)\b.{0,30}\b(rubric|scoring|grading|guidelines|"
    r"what you were told|your (rules|instructions))\b",
    r"\bsupersedes? the (old|previous|earlier)",
    r"\b(message|note|memo|instructions?|notice)s? (from|for|to) the (hiring committee|"
    r"interviewer|grader|evaluator|assessor|grading|automated|recruit\w*)",
    r"\b(internal|private|confidential|secret) note\b",
    r"<<\s*/?\s*sys\s*>>",
    r"\bevaluation (policy|mode|rules?) (has )?(changed|updated|is now)",
    r"[\"'](overall_score|verdict|max_score|stage_scores?|final_grade|grade)[\"']\s*:",
    r"[\"']stage[\"']\s*:\s*[\"'][a-z_ ]+[\"']\s*,\s*[\"']score[\"']",
    r"[\"']role[\"']\s*:\s*[\"'](assistant|system)[\"']",
    r"\b(strong_hire|lean_hire|no_hire|overall_score)\b",
    r"\byou are (now )?(a |an |the )?[A-Za-z]*(bot|gpt|dan)\b",
    r"\byou are (now )?(a|an|the) (lenient |generous |friendly )?(grader|evaluator|interviewer|"
    r"assessor|judge|advocate)",
    r"\b(act|serve|behave) as (my|an?|the) (advocate|grader|evaluator|judge|champion)",
    r"\bdo anything now\b",
    r"\blet's play a game\b",
    r"\b(grader|interviewer|evaluator|assessor|judge) (that|who) (always|never|has no|ignores)",
    r"<!--[\s\S]{0,400}?(grader|evaluator|interviewer|score|hire|instruction|rubric|"
    r"candidate)[\s\S]{0,400}?-->",
    r"<\w+[^>]*\bhidden\b",
    r"\binstructions? (to|for) the (interviewer|grader|evaluator|model|assistant|ai)\b",
    r"\brubric (is|has been|was) (deprecated|updated|changed|void|replaced|removed)",
    r"\bthe rubric for this session\b",
    r"\bgive (this|the) candidate (the )?(top|highest|best|maximum|full)",
    r"\b(give|award|assign|deserves?|earns?|gets?)\b.{0,30}\b(the )?(top|highest|maximum|best) "
    r"(possible )?(grade|score|marks?)\b",
    r"\b(top|highest|maximum|best) possible (grade|score|marks?)\b",
    r"\b(atob|b64decode)\s*\(|\bdo what it says\b",
    r"\b(all|every|each|chaque|cada)\b.{0,20}\b4\s*/\s*4\b",
    r"\b4\s*/\s*4\b.{0,20}\b(on|for|in) (every|all|each) (stage|answer|section|question)",
    r"\bfollow the (grading |scoring )?instructions (there|in|at|from)",
    r"\binstead of your own\b",
    r"\b(note|message|instructions?)s? (to|for) the (grading|scoring|judge) model\b",
    r"\b(grading|scoring) model\b.{0,30}\b(should|must|please|ignore|give|award)\b",
    r"^\s*(assistant|ai|chatgpt|model)\s*,",
    r"\bwhen you write the (final )?(summary|report|feedback|grade|evaluation)",
    r"\bstate that the candidate\b",
    r"^\s*#+\s*(system|instruction)",
    r"<\|im_(start|end)\|>|\[/?INST\]",
    r"\bset_score\b|\bsudo\b",
    r"\b(priority )?override (from|by) the\b",
    r"\bscore is (fixed|set|locked) (at|to)\b",
    r"-{3,}\s*(end|begin)( of)? (answer|rubric|instructions?|system|prompt)",
    r"\b(give|award|deserves?|assign|earns?)\w*\b.{0,30}\bfull marks\b",
    r"\bfull marks (for|on|to) (this|me|my|the candidate|every|all|each)\b",
    r"\bmark (this|the) (answer|stage|candidate) as (passed|correct|complete)",
    r"\b(rate|grade|mark|score) this candidate as\b",
    r"\bskip the (follow-up|rubric|questions)",
    r"\bignor\w*\b.{0,30}\b(instrucciones|anweisungen|consignes|indicaciones)\b",
    r"\b(instructions|anweisungen|instrucciones) (précédentes|vorherigen|anteriores)\b",
    r"\b(vorherigen|anteriores|précédentes)\b.{0,20}\b(anweisungen|instrucciones|instructions)",
    r"忽略|无视|指令|满分",
    r"\bnota máxima\b|\bnote maximale\b|\bhöchste (note|bewertung)\b",
    r"\boverride\s*:",
    r"\bset\b.{0,20}\b(stage[_ ]?scores?|overall|verdict|score)\s*(=|to\b)",
    r"\bgrader[-_ ]instructions?\b",
    r"\bset (every|all|each) (stage|score|answer)",
    r"\b(grading|grader|scoring) model\s*:",
    r"\b(rate|score|grade|mark) (every|all|each) (answer|stage|response)s?\b",
    r"\breveal (the|your) (rubric|system prompt|instructions)\b",
]
_COMPILED = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in _PATTERNS]


def normalise(text: str) -> str:
    """Fold Unicode look-alikes (full-width, Cyrillic, Greek) and drop invisible characters."""
    folded = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    return _INVISIBLE.sub("", folded)


def _decoded_blobs(text: str) -> list[str]:
    decoded = []
    for blob in _B64.findall(text):
        try:
            raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
            candidate = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if sum(ch.isprintable() for ch in candidate) >= 0.9 * len(candidate):
            decoded.append(candidate)
    return decoded


def _hits(text: str) -> bool:
    return any(pattern.search(text) for pattern in _COMPILED)


@lru_cache(maxsize=8192)
def looks_like_injection(text: str) -> bool:
    """True when the text (or a base64 blob inside it) tries to instruct a model."""
    if _SMUGGLING.search(text):
        return True
    clean = normalise(text)
    if _hits(clean):
        return True
    return any(_hits(normalise(blob)) for blob in _decoded_blobs(clean))


def hidden_parts(text: str) -> list[str]:
    """Parts to drop before grading: HTML comments and code blocks (where instructions hide),
    and bracketed or braced asides that look like instructions to a model."""
    comments = re.findall(r"<!--.*?-->", text, re.DOTALL)
    fences = re.findall(r"```.*?```", text, re.DOTALL)
    asides = re.findall(r"\[[^\[\]]*\]|\([^()]*\)|\{[^{}]*\}", text, re.DOTALL)
    return comments + fences + [a for a in asides if looks_like_injection(a)]
