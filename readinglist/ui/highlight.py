"""Which parts of a title or abstract to highlight for a search query.

Search itself is the core's (`Library.search`, typo tolerant); this only marks the words a reader
would recognise as the match: words starting with or containing a query term, and words within a
typo or two of one (so "transfomer" highlights "Transformer"). Plain Python, no Qt, so it is cheap
to call from a delegate's paint for the few rows on screen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_TERM = 2  # a single letter would highlight half of every title


def query_terms(query: str) -> tuple[str, ...]:
    """The words of a query worth highlighting, case-folded, without repeats."""
    words = (w.casefold() for w in _WORD.findall(query))
    return tuple(dict.fromkeys(w for w in words if len(w) >= MIN_TERM))


def _allowed_typos(term: str) -> int:
    return 0 if len(term) < 4 else 1 if len(term) < 8 else 2


@lru_cache(maxsize=65536)
def _word_matches(word: str, terms: tuple[str, ...]) -> bool:
    for term in terms:
        if word.startswith(term) or (len(term) >= 3 and term in word):
            return True
        typos = _allowed_typos(term)
        if (
            typos
            and abs(len(word) - len(term)) <= typos
            and Levenshtein.distance(word, term, score_cutoff=typos) <= typos
        ):
            return True
        # A typo in a prefix: "transfo" for "transformers".
        if len(term) >= 6 and len(word) > len(term):
            head = word[: len(term)]
            if Levenshtein.distance(head, term, score_cutoff=typos) <= typos:
                return True
    return False


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) character ranges of the words of `text` that match any term, in order."""
    if not terms:
        return []
    key = tuple(terms)
    return [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if _word_matches(m.group().casefold(), key)
    ]
