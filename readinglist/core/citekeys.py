"""Citation keys: short, readable, ASCII names for papers in exported bibliographies.

Style: the first three significant words of the title in lower camel case, then the year, e.g.
"Scaling the Codebook Size of VQGAN to 100,000 ..." listed in 2024 -> ``scalingCodebookSize2024``.

- Words are runs of letters and digits after LaTeX markup is read as text (``$\\textit{Refiner}$``
  gives "Refiner") and transliteration to ASCII (accents dropped through Unicode decomposition,
  ß -> ss, æ -> ae, ø -> o, ...); anything else separates words.
- Stop words (a, an, the, on, of, towards, ...) and bare numbers are skipped; each word is cut to
  16 characters. A title with no usable word gives ``paper`` (``paper2024``).
- When ``taken(key)`` says a key is in use, the suffixes a, b, ..., z, aa, ab, ... are tried in
  that order (``scalingCodebookSize2024a``), so the result depends only on the title, the year
  and the answers of ``taken``. Case-insensitive uniqueness is the caller's business: make
  ``taken`` compare case-insensitively if it matters.

Keys only hold ASCII letters and digits, a subset of what BibTeX, biber and LaTeX's ``\\cite``
all accept (`KEY_PATTERN` below also allows ``-``, ``_`` and ``:`` for keys a user typed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from itertools import count, product
from string import ascii_lowercase

from readinglist.core.latex import latex_to_text

# What the exporters accept as a key: safe in BibTeX, biber and \cite alike.
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:-]*")

WORDS_IN_KEY = 3
MAX_WORD_LENGTH = 16
_STOP_WORDS = frozenset({
    "a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "by", "with", "without", "via",
    "and", "or", "nor", "but", "as", "is", "are", "be", "been", "was", "were", "being", "its",
    "it", "this", "that", "these", "those", "into", "onto", "over", "under", "about", "towards",
    "toward", "through", "beyond", "vs", "versus", "do", "does", "can", "how", "what", "when",
    "where", "why", "which", "who", "whom", "your", "you", "we", "our", "us", "their", "not",
    "no", "all", "any", "more", "most",
})  # fmt: skip
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i"}
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+")


def to_ascii(text: str) -> str:
    """Drop accents and transliterate the common Latin letters that do not decompose."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def key_base(title: str, year: int | None) -> str:
    """The key before any disambiguating suffix."""
    words = [
        word[:MAX_WORD_LENGTH]
        for word in _WORD.findall(to_ascii(latex_to_text(title)))
        if not word.isdigit() and word.lower() not in _STOP_WORDS
    ][:WORDS_IN_KEY]
    if not words:
        words = ["paper"]
    camel = words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    return camel if year is None else f"{camel}{year}"


def suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ..., zz, aaa, ..."""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def make_citation_key(title: str, year: int | None, taken: Callable[[str], bool]) -> str:
    """A readable ASCII key for a paper, unique as far as `taken` tells."""
    base = key_base(title, year)
    if not taken(base):
        return base
    for suffix in suffixes():
        key = base + suffix
        if not taken(key):
            return key
    raise AssertionError("unreachable: suffixes() never ends")
