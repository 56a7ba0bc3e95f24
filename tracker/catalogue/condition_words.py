"""Reading a logged condition's name: which benign causes it names, and whether it is over.

One normaliser serves names, synonyms and negation words alike (docs/clinical-rules.md,
"Matching logged conditions"), so "Stomach ulcers", "peptic ulcer disease" and "PUD" all
name the same cause, while "non-smoker", "Smoking: never" and "hepatitis B negative"
name none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tracker.catalogue.condition_synonyms import (
    CONDITION_SYNONYMS,
    ENDED_WORDS,
    MALIGNANT_WORDS,
    NEGATING_PHRASES,
    NEGATIONS_AFTER,
    NEGATIONS_BEFORE,
    POLYP_ELSEWHERE,
    POLYP_LINK_WORDS,
    POLYP_WORD,
)

# Punctuation that closes a clause: a negation before a match does not reach across it.
_CLAUSE_BREAKS = frozenset(",;:?")
# The only punctuation a negation after a match may stand behind ("smoker? no"); brackets
# are transparent, so "hepatitis B (negative)" reads like "hepatitis B: negative".
_AFTER_PUNCTUATION = frozenset(":?-()[]")
_NEGATION_REACH_WORDS = 2
# Ligatures first (NFKD keeps them), then British spellings to American ones.
_SPELLINGS = (("æ", "ae"), ("œ", "oe"), ("anaem", "anem"), ("oesophag", "esophag"))
_LETTER_DIGIT_HYPHEN = re.compile(r"(?<=[a-z])-(?=[0-9])|(?<=[0-9])-(?=[a-z])")
_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


@dataclass(frozen=True)
class _Token:
    text: str
    is_word: bool


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    for british, american in _SPELLINGS:
        folded = folded.replace(british, american)
    return _LETTER_DIGIT_HYPHEN.sub("", folded)


def _word(word: str) -> str:
    """A plural's final "s" dropped: "ulcers" -> "ulcer", but "hepatitis" and "mass" kept."""
    if len(word) >= 4 and word.endswith("s") and not word.endswith(("is", "us", "ss")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(_word(token), True) if token[0].isalnum() else _Token(token, False)
        for token in _TOKEN.findall(_fold(text))
    ]


def normalise(text: str) -> str:
    """The words of ``text`` as matching sees them: "Stomach ulcers" -> "stomach ulcer"."""
    return " ".join(token.text for token in _tokens(text) if token.is_word)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(normalise(text).split())


_SYNONYM_PHRASES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = tuple(
    (entry.code, tuple(_phrase(synonym) for synonym in entry.synonyms))
    for entry in CONDITION_SYNONYMS
)
_MALIGNANT = frozenset(normalise(word) for word in MALIGNANT_WORDS)
_NEGATING = tuple(_phrase(phrase) for phrase in NEGATING_PHRASES)
_BEFORE = frozenset(normalise(word) for word in NEGATIONS_BEFORE)
_AFTER = frozenset(normalise(word) for word in NEGATIONS_AFTER)
_ENDED = tuple(_phrase(phrase) for phrase in ENDED_WORDS)
_POLYP = normalise(POLYP_WORD)
_POLYP_SITES = frozenset(normalise(word) for word in POLYP_ELSEWHERE)
_POLYP_LINKS = frozenset(normalise(word) for word in POLYP_LINK_WORDS)


@dataclass(frozen=True)
class ConditionMatch:
    """What a condition's name says: the causes it names (not negated), and if it is over."""

    codes: tuple[str, ...]
    ended: bool
    # The name says malignant, metastatic, mets, metastases or cancer: never a benign cause.
    malignant: bool = False


class _Name:
    """A name's tokens, with the positions of its words for the negation rules."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.positions = [i for i, token in enumerate(self.tokens) if token.is_word]
        self.words = [self.tokens[i].text for i in self.positions]

    def starts_of(self, phrase: tuple[str, ...]) -> list[int]:
        size = len(phrase)
        return [
            start
            for start in range(len(self.words) - size + 1)
            if tuple(self.words[start : start + size]) == phrase
        ]

    def has(self, phrase: tuple[str, ...]) -> bool:
        return bool(self.starts_of(phrase))

    def _punctuation_between(self, first_word: int, second_word: int) -> set[str]:
        low, high = sorted((self.positions[first_word], self.positions[second_word]))
        return {token.text for token in self.tokens[low + 1 : high] if not token.is_word}

    def negated_before(self, start: int) -> bool:
        for distance in range(1, _NEGATION_REACH_WORDS + 1):
            index = start - distance
            if index < 0 or self._punctuation_between(index, start) & _CLAUSE_BREAKS:
                return False
            if self.words[index] in _BEFORE:
                return True
        return False

    def negated_after(self, end: int) -> bool:
        for distance in range(1, _NEGATION_REACH_WORDS + 1):
            index = end + distance
            if index >= len(self.words):
                return False
            if not self._punctuation_between(end, index) <= _AFTER_PUNCTUATION:
                return False
            if self.words[index] in _AFTER:
                return True
        return False

    def _near(self, start: int, step: int) -> list[str]:
        """Up to two words on one side of ``start``, skipping linking words ("in the")."""
        found: list[str] = []
        index = start + step
        while 0 <= index < len(self.words) and len(found) < _NEGATION_REACH_WORDS:
            if self.words[index] not in _POLYP_LINKS:
                found.append(self.words[index])
            index += step
        return found

    def polyp_elsewhere(self, start: int) -> bool:
        """A site other than the colon within two words either side ("uterus polyp")."""
        near = self._near(start, -1) + self._near(start, 1)
        return any(word in _POLYP_SITES for word in near)

    def names(self, phrase: tuple[str, ...]) -> bool:
        """Whether ``phrase`` occurs at least once with no negation or other site beside it."""
        for start in self.starts_of(phrase):
            end = start + len(phrase) - 1
            if phrase == (_POLYP,) and self.polyp_elsewhere(start):
                continue
            if not self.negated_before(start) and not self.negated_after(end):
                return True
        return False


# Distinct condition names remembered: the trend engine asks again for every flag of every
# series (a clinic's review asked 19,000 times for 8,000 events); bounded, so memory is too.
MATCH_CACHE_NAMES = 4_096


@lru_cache(maxsize=MATCH_CACHE_NAMES)
def match_condition(name: str) -> ConditionMatch:
    """The benign causes a logged condition's name counts for, in catalogue order."""
    parsed = _Name(name)
    ended = any(parsed.has(phrase) for phrase in _ENDED)
    if _MALIGNANT & set(parsed.words):
        return ConditionMatch((), ended, malignant=True)
    if any(parsed.has(phrase) for phrase in _NEGATING):
        return ConditionMatch((), ended)
    codes = tuple(
        code
        for code, phrases in _SYNONYM_PHRASES
        if any(parsed.names(phrase) for phrase in phrases)
    )
    return ConditionMatch(codes, ended)
