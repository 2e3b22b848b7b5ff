r"""BibTeX export, and the decoder that reads our own field values back.

One ``@misc`` entry per paper. ``@misc`` is the one type that plain BibTeX styles and biber's
default data model both accept with nothing but a title; plain ignores the fields it does not know
(``abstract``, ``keywords``, ``annote``) quietly, and biber's data model knows them all::

    @misc{scalingCodebookSize2024,
      title = {Scaling the Codebook Size of {VQGAN} to 100,000 with a Utilization Rate of 99\%},
      year = {2024},
      month = mar,
      note = {Listed 2024-03-14, 2024-03-20},
      key = {scalingCodebookSize2024},
      keywords = {tokenizers, a\&b},
      abstract = {In the realm of image quantization ...},
      annote = {the user's note},
    }

- ``year`` and ``month`` (a standard month macro) give the first listing; ``note`` lists every
  listing date (plain prints it). A paper never listed (imports always list it) has no ``note``
  and the year and month it was added to the library: biber requires a year in ``@misc``.
- ``key`` only feeds plain's sorting, which otherwise warns "to sort, need author or key".
- ``keywords`` holds the tags separated by ", " (biblatex's separator); a comma inside a tag is
  written ``{,}``. ``annote`` (biber: ``annotation``) holds the user's note.

Escaping rule: a field holds the library's text *exactly*, so every character that means something
to BibTeX or LaTeX is escaped, including those of LaTeX fragments already in an abstract: a stored
``\%`` is written ``\textbackslash{}\%``, a stored ``{\it x}`` ``\textbraceleft{}\textbackslash{}it
x\textbraceright{}``. The output has no braces but balanced pairs that we open and close (literal
braces become ``\textbraceleft{}``/``\textbraceright{}``: BibTeX counts ``\{`` as a brace), no line
break, no run of white space and no white space at either end: a line break is ``\par{}``, a tab
``\quad{}``, a no-break space ``~``, a space that is not a single space between two other
characters ``{\ }``, other white space and control characters ``\symbol{N}``. Pairs that LaTeX
would join into a ligature (``--``, ``''``, ``,,`` ...) are kept apart with ``{}``.
In titles, words with a capital after their first letter ({LLaMA}, {VQGAN}, {GPT}-4) or with a
capital and a digit ({T5}, {V2}) and single capitals ({B}; "A" only when it is no article) are
braced so that styles which lower-case titles keep them.

Text is kept as UTF-8 unless ``ascii_only``; then other characters become LaTeX: ``{\'{e}}``,
``{\ss}``, ``{\S}``, ``---`` (em dash), two backquotes and two apostrophes (curly double quotes),
``\textquoteright{}``, ``{$\alpha$}``, and ``\symbol{N}`` (code point N) for any character without
a LaTeX form. XeLaTeX and LuaLaTeX typeset ``\symbol{N}`` from the font; pdfLaTeX stops at N > 255,
as it does at such characters left in UTF-8: no 8-bit engine can typeset emoji or Cyrillic unaided.
The text is composed first (NFC), so a letter followed by a combining accent is written as the
accented letter; the field then stands for the composed text.

Decoding is `decode_bibtex_field`: the exact inverse of the encoder. Given a field's raw value (as
pybtex, bibtexparser or biber read it, without the outer braces) it undoes the escapes above and
drops the grouping braces, giving back the stored text with its line ends folded to "\n" (the
library never stores "\r"; the encoder writes "\r\n" and "\r" as line breaks too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TextIO

from readinglist.core.citekeys import KEY_PATTERN
from readinglist.core.records import Paper

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Characters escaped in both modes: LaTeX's specials, characters OT1 fonts get wrong, white space.
_ALWAYS = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    "\n": r"\par{}", "\t": r"\quad{}", "\u00a0": "~", "\u2009": r"\,",
}  # fmt: skip
# With ascii_only: text symbols ...
_ASCII_TEXT = {
    "\u2014": "---", "\u2013": "--", "\u201c": "``", "\u201d": "''",
    "\u2018": r"\textquoteleft{}", "\u2019": r"\textquoteright{}", "\u2026": r"\ldots{}",
    "\u00b0": r"\textdegree{}", "\u00b5": r"\textmu{}",
    "\u00a9": r"\copyright{}", "\u00ae": r"\textregistered{}", "\u2122": r"\texttrademark{}",
    "\u2022": r"\textbullet{}", "\u2020": r"\dag{}", "\u2021": r"\ddag{}", "\u00a3": r"\pounds{}",
    "\u20ac": r"\texteuro{}", "\u00a1": r"\textexclamdown{}", "\u00bf": r"\textquestiondown{}",
    "\u00ab": r"\guillemotleft{}", "\u00bb": r"\guillemotright{}",
}  # fmt: skip
# ... letters (and the two symbols named by a capital) written in braces, {\ss}, {\S}: the
# braces keep bibliography styles from lower-casing the command's name in a title (\s, \p).
_ASCII_LETTERS = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                  "ł": "l", "Ł": "L", "ı": "i", "ȷ": "j", "§": "S", "¶": "P"}  # fmt: skip
# ... math symbols written {$\alpha$} ...
_MATH = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "varepsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "vartheta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma",
    "ς": "varsigma", "τ": "tau", "υ": "upsilon", "φ": "varphi", "ϕ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma", "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
    "×": "times", "÷": "div", "±": "pm", "∓": "mp", "·": "cdot", "≤": "leq", "≥": "geq",
    "≠": "neq", "≈": "approx", "∼": "sim", "≃": "simeq", "≡": "equiv", "∝": "propto",
    "≪": "ll", "≫": "gg", "→": "rightarrow", "←": "leftarrow", "↔": "leftrightarrow",
    "⇒": "Rightarrow", "⇐": "Leftarrow", "⇔": "Leftrightarrow", "↑": "uparrow",
    "↓": "downarrow", "∞": "infty", "∈": "in", "∉": "notin", "⊂": "subset", "⊆": "subseteq",
    "∪": "cup", "∩": "cap", "∀": "forall", "∃": "exists", "∂": "partial", "∇": "nabla",
    "∑": "sum", "∏": "prod", "∫": "int", "√": "surd", "∘": "circ", "⊕": "oplus",
    "⊗": "otimes", "′": "prime", "∅": "emptyset", "¬": "neg", "∧": "wedge", "∨": "vee",
    "ℓ": "ell",
}  # fmt: skip
# ... and accented Latin letters {\'{e}}: one ASCII letter plus one combining mark.
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
            "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H",
            "\u030c": "v", "\u0323": "d", "\u0327": "c", "\u0328": "k", "\u0331": "b"}  # fmt: skip
# Character pairs that TeX fonts join into one glyph; written with {} between them.
_LIGATURES = frozenset({"--", "``", "''", "?`", "!`", ",,"})
# A word to brace in titles: a capital after the first character, or a lone capital but "A".
_WORD = re.compile(r"[^\W_]+")


def bibtex_month(month: int) -> str:
    """The month macro (``jan`` ... ``dec``) that every standard style and biber define."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return _MONTHS[month - 1]


@lru_cache(maxsize=4096)
def _encode_char(ch: str, ascii_only: bool) -> str:
    piece = _ALWAYS.get(ch)
    if piece is not None:
        return piece
    if ch.isspace() or unicodedata.category(ch) == "Cc":
        return rf"\symbol{{{ord(ch)}}}"
    if ch.isascii() or not ascii_only:
        return ch
    piece = _ASCII_TEXT.get(ch)
    if piece is not None:
        return piece
    if ch in _ASCII_LETTERS:
        return rf"{{\{_ASCII_LETTERS[ch]}}}"
    if ch in _MATH:
        return rf"{{$\{_MATH[ch]}$}}"
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 2 and decomposed[0].isascii() and decomposed[0].isalpha():
        accent = _ACCENTS.get(decomposed[1])
        # U+212B ANGSTROM SIGN decomposes like Å but would not come back from it
        if accent is not None and unicodedata.normalize("NFC", decomposed) == ch:
            return rf"{{\{accent}{{{decomposed[0]}}}}}"
    return rf"\symbol{{{ord(ch)}}}"


# After a lone "A", words that show it is a label ("Part A and Part B"), not the article.
_AFTER_A_LABEL = frozenset({"and", "or", "nor", "vs", "versus", "to", "of", "in", "on", "for",
                            "with", "is", "are", "as", "at", "by"})  # fmt: skip
_NEXT_WORD = re.compile(r" ([^\W\d_]+)")


def _needs_case_protection(word: str, text: str, start: int, end: int) -> bool:
    """Whether styles that lower-case titles would change what `word` (text[start:end]) means:
    a capital after its first letter (LLM, ZeroQuant), a capital with a digit (T5, V2, A100),
    a lone capital (Part B), "A" too unless it is the article ("A Study", "of A Study")."""
    if len(word) == 1:
        if not word.isupper():
            return False
        if word != "A":
            return True
        before = text[:start].rstrip()
        if not before or before.endswith(":"):
            return False  # the first word, or after a colon: styles keep its capital
        after = _NEXT_WORD.match(text, end)
        return after is None or after.group(1).lower() in _AFTER_A_LABEL
    # The checks by character only where the whole-word ones (in C) leave a doubt: most words
    # are lowercase or capitalised letters.
    rest = word[1:]
    if not rest.islower() and any(ch.isupper() for ch in rest):
        return True
    return word[0].isupper() and not word.isalpha() and any(ch.isdigit() for ch in word)


# White space other than the plain space, spelt out: a class of known characters is what the
# regular expression engine checks fastest.
_OTHER_SPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c != " ")


def _field_pattern(ascii_only: bool, title: bool, keyword: bool) -> re.Pattern[str]:
    """What `encode_field` must look at; every other character is written as itself.

    A character that can start or end a ligature ("-", ",", quotes) is looked at only beside
    another such character, or beside one that is written as a command in ASCII output (an
    em dash becomes "---"): only then can a ligature boundary fall between two pieces. The
    pattern opens with a lookahead for the characters any match can start with, so that the
    engine skips the rest of an abstract at once. (Looking at every comma and hyphen, and
    trying every alternative at every character, took most of a BibTeX export's time.)
    """
    ligature_chars = "-`'?!,"
    ligature = re.escape(ligature_chars)
    # Characters written as something that starts or ends like a ligature (U+2009 is "\,").
    written_so = "".join(c for c, v in _ALWAYS.items() if {v[0], v[-1]} & set(ligature_chars))
    neighbours = ligature + re.escape(written_so)
    special = re.escape("".join(_ALWAYS)) + re.escape(_OTHER_SPACE) + "\x00-\x1f\x7f-\x9f"
    if ascii_only:
        special += "\x80-\U0010ffff"
        neighbours += "\x80-\U0010ffff"
    if keyword:
        special += ","  # always braced
    parts = [
        r"(?P<space> (?:\Z|(?=\s)|(?<=^ )|(?<=\s )))",  # a space not alone between two characters
        f"(?P<char>[{special}]|[{ligature}](?=[{neighbours}])"
        f"|[{ligature}](?<=[{neighbours}][{ligature}]))",
    ]
    first = f"[ {special}{ligature}]"
    if title:
        parts.insert(0, r"(?P<word>[^\W_]+)")
        first += r"|[^\W_]"
    return re.compile(f"(?={first})(?:{'|'.join(parts)})")


_FIELD_PATTERNS = {
    (a, t, k): _field_pattern(a, t, k) for a in (False, True) for t in (False, True)
    for k in (False, True)
}  # fmt: skip


def encode_field(
    text: str, *, ascii_only: bool = False, title: bool = False, keyword: bool = False
) -> str:
    """A field value (without its outer braces) that `decode_bibtex_field` turns back into text.

    ``title`` braces capitals for styles that lower-case titles; ``keyword`` braces commas so that
    the value can be one item of a comma-separated list. One regular expression finds what needs
    writing differently; the rest (most of an abstract) is copied as it is.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ascii_only and not text.isascii():
        # Composed first: "e" + U+0301 is {\'{e}}, as "é" is, not a \symbol pdfLaTeX rejects.
        # The field then stands for the same text in its composed form (NFC).
        text = unicodedata.normalize("NFC", text)
    last_end, last_char = -1, ""

    def piece_for(match: re.Match[str]) -> str:
        nonlocal last_end, last_char
        kind, found = match.lastgroup, match.group()
        if kind == "word":
            piece = found
            if ascii_only and not found.isascii():
                piece = "".join(_encode_char(ch, True) for ch in found)
            if _needs_case_protection(found, text, match.start(), match.end()):
                piece = "{" + piece + "}"
        elif kind == "space":
            piece = r"{\ }"
        elif found == "," and keyword:
            piece = "{,}"
        else:
            piece = _encode_char(found, ascii_only)
        if match.start() == last_end and last_char + piece[0] in _LIGATURES:
            piece = "{}" + piece  # two pieces side by side that TeX would join
        last_end, last_char = match.end(), piece[-1]
        return piece

    return _FIELD_PATTERNS[ascii_only, title, keyword].sub(piece_for, text)


# The inverse tables of the decoder.
_COMMANDS = {value[1:-2]: ch for ch, value in (_ALWAYS | _ASCII_TEXT).items() if value[-2:] == "{}"}
_COMMANDS |= {"S": "§", "P": "¶"}  # as earlier exports wrote them: \S{}, \P{}
_ESCAPED = {value[1:]: ch for ch, value in _ALWAYS.items() if len(value) == 2}
_ESCAPED |= {" ": " ", "{": "{", "}": "}"}  # {\ } is ours; \{ and \} for hand-written files
_SHORT = {value: ch for ch, value in (_ALWAYS | _ASCII_TEXT).items() if value[0] in "-`'~"}
_DECODE_LETTERS = {value: ch for ch, value in _ASCII_LETTERS.items()}
_DECODE_MATH = {value: ch for ch, value in _MATH.items()}
_DECODE_ACCENTS = {value: mark for mark, value in _ACCENTS.items()}
_TOKEN = re.compile(
    r"""\{\\(?P<accent>[`'^"~=.]|[udrHvckb])\{(?P<base>[A-Za-z])\}\}
      | \{\\(?P<letter>[A-Za-z]+)\}
      | \{\$\\(?P<math>[A-Za-z]+)\$\}
      | \\symbol\{(?P<code>[0-9]{1,7})\}
      | \\(?P<command>[A-Za-z]+)\{\}
      | \\(?P<escaped>[^A-Za-z])
      | (?P<short>---|--|``|''|~)
      | (?P<brace>[{}])""",
    re.VERBOSE,
)


def _decode_token(match: re.Match[str]) -> str:
    whole = match.group()
    kind = match.lastgroup
    if kind == "base":  # the accent form: lastgroup names the last group that matched
        mark = _DECODE_ACCENTS[match.group("accent")]
        return unicodedata.normalize("NFC", match.group("base") + mark)
    if kind == "letter":
        return _DECODE_LETTERS.get(match.group("letter"), whole)
    if kind == "math":
        return _DECODE_MATH.get(match.group("math"), whole)
    if kind == "code":
        code = int(match.group("code"))
        return chr(code) if code <= 0x10FFFF else whole
    if kind == "command":
        return _COMMANDS.get(match.group("command"), whole)
    if kind == "escaped":
        return _ESCAPED.get(match.group("escaped"), whole)
    if kind == "short":
        return _SHORT[whole]
    return ""  # a grouping brace


def decode_bibtex_field(value: str) -> str:
    """The text a field value written by this module stands for (see the module's docstring).

    It understands exactly what the encoder writes (and ``\\{``, ``\\}``); other LaTeX is left as it
    is, apart from grouping braces, which are dropped.
    """
    return _TOKEN.sub(_decode_token, value)


def split_bibtex_keywords(value: str) -> list[str]:
    """The decoded items of a ``keywords`` value: split at the commas not in braces nor escaped."""
    if not value:
        return []
    items: list[str] = []
    depth = start = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 1  # skip the escaped character (\, is a thin space, not a separator)
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(value[start:i])
            start = i + 1
        i += 1
    items.append(value[start:])
    return [decode_bibtex_field(item.removeprefix(" ")) for item in items]


def format_entry(paper: Paper, key: str, *, ascii_only: bool = False) -> str:
    """One ``@misc`` entry, ending with a blank line."""
    if not KEY_PATTERN.fullmatch(key) or not key.isascii():
        raise ValueError(f"citation key {key!r} is not safe for BibTeX and biber")
    fields = [("title", "{" + encode_field(paper.title, ascii_only=ascii_only, title=True) + "}")]
    # biber requires a year (or date) in @misc; a paper never listed gives the day it was added.
    first = paper.first_date or paper.created_at.date()
    fields.append(("year", f"{{{first.year}}}"))
    fields.append(("month", bibtex_month(first.month)))
    if paper.sightings:
        dates = sorted({s.date for s in paper.sightings})
        fields.append(("note", "{Listed " + ", ".join(d.isoformat() for d in dates) + "}"))
    fields.append(("key", "{" + key + "}"))
    if paper.tags:
        tags = (encode_field(tag, ascii_only=ascii_only, keyword=True) for tag in paper.tags)
        fields.append(("keywords", "{" + ", ".join(tags) + "}"))
    if paper.abstract:
        fields.append(("abstract", "{" + encode_field(paper.abstract, ascii_only=ascii_only) + "}"))
    if paper.note:
        fields.append(("annote", "{" + encode_field(paper.note, ascii_only=ascii_only) + "}"))
    body = "".join(f"  {name} = {value},\n" for name, value in fields)
    return f"@misc{{{key},\n{body}}}\n\n"


def write_bibtex(
    papers: Iterable[tuple[Paper, str]], out: TextIO, *, ascii_only: bool = False
) -> int:
    """Write one entry per (paper, citation key) to `out`; return how many were written.

    `out` is opened by the caller, in UTF-8 (the output is pure ASCII with ``ascii_only``).
    Raises `ValueError` for a citation key outside `KEY_PATTERN`, before writing that entry.
    """
    count = 0
    for paper, key in papers:
        out.write(format_entry(paper, key, ascii_only=ascii_only))
        count += 1
    return count
