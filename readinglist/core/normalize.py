"""Reading titles and abstracts as text to compare: pure functions, no database, no Qt.

What a duplicate decision sees of a listing (`dedup.py`): case, accents, punctuation and
spacing folded away, LaTeX read as its words, links as the placeholder word "url", and the
symbols of a title as words however written ($\\alpha$ and α are "alpha"). Changing what a
title or an abstract reads as changes the blocking keys: see `dedup.KEY_VERSION`.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache

# Apostrophes are deleted rather than turned into spaces, so "LLM's" and "LLMs" read alike; every
# other punctuation mark separates words, so "Title: Subtitle" equals "Title - Subtitle".
_APOSTROPHES = "'`´‘’‛ʼ′"
# ASCII text (nearly all) is folded by one bytes.translate, a 256-byte table in C, 5x faster than
# str.translate. Anything but a letter or digit becomes a space, as in `_fold_char`.
_ASCII_KEEP_CASE = bytes(i if chr(i).isalnum() or i > 127 else 32 for i in range(256))
ASCII_LOWER = _ASCII_KEEP_CASE.translate(
    bytes.maketrans(string.ascii_uppercase.encode(), string.ascii_lowercase.encode())
)
ASCII_DELETE = _APOSTROPHES.encode("ascii", "ignore")
# Accents after NFKD. Other combining marks separate words: consistent, so harmless.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")

# LaTeX: style commands carry no words ("{\it word}" is "word"); other commands are symbols whose
# name is the word ("\times", "\alpha"). Escapes such as "\%" are punctuation like any other.
LATEX_STYLE = re.compile(
    r"\\(?:text(?:bf|it|sc|tt|rm|sf|sl|up|md|normal)?|math(?:rm|bf|it|cal|bb|sf|tt|frak|scr)"
    r"|emph|it|bf|em|rm|sf|tt|sc|sl|bm|boldsymbol|operatorname|mbox|hbox|displaystyle"
    r"|url|href|left|right|[bB]igg?[lr]?)(?![A-Za-z])"
)
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+)")

# A link keeps nothing, not even its host: abstracts are relisted with a link to another host
# (github.com, huggingface.co). A link is a token with a scheme, www., or host and path (a.io/x).
_LINK = re.compile(r"(?i)[^\w]*(?:[a-z][a-z0-9+.-]*://|www\.|(?:[a-z0-9-]+\.)+[a-z]{2,}/)")
URL_WORD = "url"  # what a link becomes; the trailing-words key skips it
_LONGEST_LINK = 500  # bounds the scans for a link's ends


def _positions(text: str, needle: str) -> list[int]:
    found: list[int] = []
    at = text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _replace_links(text: str) -> str:
    """Every link replaced with `URL_WORD`. A regular expression scanning the whole abstract
    costs tens of µs; only the tokens around a "/" or "www." are looked at."""
    hints = _positions(text, "/")
    if "www." in text:
        hints = sorted(hints + _positions(text, "www."))
    pieces: list[str] = []
    done = 0  # text[:done] is in pieces already
    for at in hints:
        if at < done:  # inside a link replaced already
            continue
        low, high = max(done, at - _LONGEST_LINK), at + _LONGEST_LINK
        start = 1 + max(
            text.rfind(" ", low, at), text.rfind("\n", low, at), text.rfind("\t", low, at), low - 1
        )
        ends = [e for e in (text.find(c, at, high) for c in " \n\t") if e >= 0]
        end = min(ends) if ends else min(high, len(text))
        if _LINK.match(text, start, end):
            pieces += (text[done:start], f" {URL_WORD} ")
            done = end
    return "".join(pieces) + text[done:] if pieces else text


def latex_words(text: str) -> str:
    text = LATEX_STYLE.sub(" ", text)
    return _LATEX_COMMAND.sub(r" \1 ", text)


@lru_cache(maxsize=65536)  # a text has few distinct non-ASCII characters
def _fold_char(char: str) -> str:
    """A non-ASCII character: deleted (apostrophe, accent), kept (letter, digit), else a space
    (typographic quotes and dashes, non-breaking spaces)."""
    if char in _APOSTROPHES or _ACCENTS.match(char):
        return ""
    return char if char.isalnum() else " "


@lru_cache(maxsize=65536)
def _fold_piece(piece: str, lower: bool) -> str:
    """A run of non-ASCII characters (and the ASCII character before it) folded. Casefolding
    and decomposition feed each other, so this repeats until stable: folding is idempotent."""
    for _ in range(4):
        before = piece
        piece = unicodedata.normalize("NFKC", piece)
        if lower:
            piece = piece.casefold()
        piece = "".join(map(_fold_char, unicodedata.normalize("NFKD", piece)))
        if piece == before:
            break
    return piece


# The usual non-ASCII: non-breaking space, typographic apostrophes, quotes and dashes.
_COMMON_NON_ASCII = [(c, "" if c in _APOSTROPHES else " ") for c in "\u00a0‘’“”–—"]


def fold(text: str, lower: bool = True) -> str:
    """Unicode, case, accent and punctuation folding shared by titles and abstracts."""
    if not text.isascii():
        for char, replacement in _COMMON_NON_ASCII:  # in bulk, as `_fold_char` would fold them
            if char in text:
                text = text.replace(char, replacement)
        # Only non-ASCII runs need Unicode work (the whole text costs 30-80 µs an abstract).
        # NFKC/NFKD leave ASCII alone and compose a base only with what follows: a run plus
        # the character before it (a possible base) folds on its own.
        pieces: list[str] = []
        done = 0
        for match in _NON_ASCII.finditer(text):
            start = max(match.start() - 1, done)
            pieces += (text[done:start], _fold_piece(text[start : match.end()], lower))
            done = match.end()
        text = "".join(pieces) + text[done:]
    # Non-ASCII bytes (letters by now) pass unchanged; whitespace is collapsed.
    table = ASCII_LOWER if lower else _ASCII_KEEP_CASE
    return b" ".join(text.encode().translate(table, ASCII_DELETE).split()).decode()


def normalize_title(title: str) -> str:
    """A title reduced to lowercase unaccented words separated by single spaces.

    A symbol reads the same however it is written: "$\\alpha$-VQGAN" and "α-VQGAN" are
    "alpha vqgan", "100$\\times$", "100×" and "100x" are "100x"."""
    if "\\" in title:
        title = _LATEX_TIMES.sub("x", title)
        title = _LATEX_SYMBOL.sub(lambda m: f" {_SYMBOL_WORDS[m.group(1)]} ", title)
        title = latex_words(_LATEX_VAR.sub(r"\\\1", title))
    if _DECIMAL.search(title):
        title = _DECIMAL.sub(r"\1p\2", title)  # 1.5M is not 15M: the point stays, as a letter
    if not title.isascii() or "<" in title or ">" in title or "=" in title:
        title = _SYMBOL.sub(lambda m: f" {_SYMBOL_WORDS[m.group()]} ", title)
    if title.isascii():
        return fold(title)
    text = fold(title.replace("×", "x"))
    if _GREEK.search(text):  # after folding: it makes Greek letters of some (µ is μ)
        text = " ".join(_GREEK.sub(lambda m: _greek_name(m.group()), text).split())
    return text


def plain_ascii(title: str) -> bool:
    """Whether `normalize_title` only folds case and punctuation here: the fast paths'
    test (no LaTeX, no symbol read as a word, no decimal point)."""
    return (
        title.isascii()
        and "\\" not in title
        and "<" not in title
        and ">" not in title
        and "=" not in title
        and _DECIMAL.search(title) is None
    )


# "100$\\times$" is "100x": the math around it goes too, or it would split the word.
_LATEX_TIMES = re.compile(r"\s*\$?\s*\\times(?![A-Za-z])\s*\$?")
# Symbols that mean something in a title ("1+1>2", "k ≤ n", "∞Bench"), however written: as a
# word, so that two titles differing in one differ in a word. Folding would make them spaces.
_SYMBOL_WORDS = {
    "<": "lt", ">": "gt", "=": "eq", "≤": "leq", "≥": "geq", "≠": "neq", "≈": "approx",
    "±": "pm", "∞": "infty", "→": "to", "←": "gets", "√": "sqrt", "∇": "nabla", "ℓ": "ell",
    # LaTeX's names for the same symbols
    "lt": "lt", "gt": "gt", "le": "leq", "leq": "leq", "ge": "geq", "geq": "geq", "ne": "neq",
    "neq": "neq", "approx": "approx", "pm": "pm", "infty": "infty", "rightarrow": "to",
    "to": "to", "leftarrow": "gets", "gets": "gets", "sqrt": "sqrt", "nabla": "nabla",
    "ell": "ell", "star": "*", "ast": "*",
}  # fmt: skip
_SYMBOL = re.compile("[<>=≤≥≠≈±∞→←√∇ℓ]")
_LATEX_SYMBOL = re.compile(
    r"\\(lt|gt|le|leq|ge|geq|ne|neq|approx|pm|infty|rightarrow|to|leftarrow|gets|sqrt|nabla"
    r"|ell|star|ast)(?![A-Za-z])"
)
# A decimal point between digits ("1.5M", "3.1"): kept, or "1.5M" and "15M" would be one word.
_DECIMAL = re.compile(r"(\d)\.(\d)")
# LaTeX's variant letters are the letter ("$\\varepsilon$" as "ε"; Unicode names say EPSILON).
_LATEX_VAR = re.compile(r"\\var(epsilon|phi|theta|pi|rho|sigma|kappa)(?![A-Za-z])")
_GREEK = re.compile("[\u0370-\u03ff]")


@lru_cache(maxsize=256)
def _greek_name(letter: str) -> str:
    """A Greek letter as the word LaTeX names it ("α" is " alpha "), else itself."""
    name = unicodedata.name(letter, "").split(" WITH ")[0].split()
    words = [w for w in name if w not in ("GREEK", "SMALL", "CAPITAL", "LETTER", "SYMBOL",
                                          "FINAL", "LUNATE")]  # fmt: skip
    if name[:1] != ["GREEK"] or len(words) != 1:
        return letter
    word = words[0].lower()
    return f" {'lambda' if word == 'lamda' else word} "  # Unicode says LAMDA, LaTeX \\lambda


def abstract_words(text: str) -> list[bytes]:
    """The words of normalize_abstract(text) as UTF-8: what keys hash and `compare` aligns."""
    if "\\" in text:  # first, so that "\url{https://...}" leaves a link standing alone
        text = latex_words(text)
    text = _replace_links(text)
    if text.isascii():  # the fast path of `fold`, without joining words only to split them
        return text.encode("ascii").translate(ASCII_LOWER, ASCII_DELETE).split()
    return fold(text).encode().split()


def normalize_abstract(text: str) -> str:
    """An abstract reduced like a title, with each link replaced by the placeholder word "url"."""
    return b" ".join(abstract_words(text)).decode()
