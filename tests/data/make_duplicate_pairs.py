"""Writes tests/data/duplicate_pairs.jsonl: labelled pairs of records, same paper or not.

    python tests/data/make_duplicate_pairs.py           # (re)write the corpus
    python tests/data/make_duplicate_pairs.py --check   # exit 1 if the file is not what it makes

One JSON object a line: {"a": {"title", "abstract"}, "b": {...}, "same": bool, "kind": "label"}.
Built deterministically (seeded) from the 249 distinct papers of the sample dumps (FEEDS.md):
- same paper: a real entry against itself with the changes real listings show: title case,
  spacing, ":" vs " - ", a trailing period, a typo fixed, typographic quotes and dashes, NBSP;
  abstract cut short (35-92%), reflowed, a link's host changed, a typo fixed; and combinations;
  one or both abstracts missing (then the titles differ only in what normalization removes);
- different papers: real pairs with similar titles or of the same topic; a title changed by one
  meaningful word (Language/Vision, Small/Large, 7B/13B, Part I/Part II, ...) or a word added,
  paired with another real abstract; the very same title, or one a typo away, with another
  abstract; an abstract missing and a title a meaningful word away;
- some twenty hand-written tricky cases (`hand_written`).

The labels are the truth about the papers, not what `dedup.compare` says: the test measures the
detector against them. Regenerate after changing this script; never edit the output by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from readinglist.core.feedparse import read_dump  # noqa: E402
from tests.sample_feeds import sample_dir  # noqa: E402

SAMPLE_DIR = sample_dir()
OUT = Path(__file__).with_name("duplicate_pairs.jsonl")
SEED = 20240314

Paper = tuple[str, str]  # (title, abstract)
Pair = dict[str, Any]
Change = Callable[[random.Random, str], str | None]  # None: does not apply to this text


def load_papers() -> list[Paper]:
    """The distinct papers of the sample, in a stable order."""
    entries = [e for f in sorted(SAMPLE_DIR.glob("*.txt")) for e in read_dump(f).entries]
    return sorted({(e.title, e.abstract) for e in entries})


# --- Changes one listing of a paper shows against another ------------------------------------

_WORD = re.compile(r"\b[A-Za-z]{5,}\b")


def typo(rng: random.Random, text: str) -> str | None:
    """One typo in a word of five letters or more: a letter swapped, dropped, doubled or wrong."""
    words = list(_WORD.finditer(text))
    if not words:
        return None
    m = rng.choice(words)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 1)
    kind = rng.choice(["swap", "drop", "double", "wrong"])
    if kind == "swap" and w[i] != w[i + 1]:
        new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif kind == "drop":
        new = w[:i] + w[i + 1 :]
    elif kind == "double":
        new = w[:i] + w[i] + w[i:]
    else:
        letters = [c for c in "aeiourstnl" if c != w[i].lower()]
        new = w[:i] + rng.choice(letters) + w[i + 1 :]
    return text[: m.start()] + new + text[m.end() :]


def title_case(rng: random.Random, title: str) -> str | None:
    return rng.choice([title.lower(), title.upper(), title.title(), title[:1] + title[1:].lower()])


def title_spacing(rng: random.Random, title: str) -> str | None:
    spaces = [i for i, c in enumerate(title) if c == " "]
    if not spaces:
        return None
    i = rng.choice(spaces)
    return rng.choice(
        [
            title[:i] + "  " + title[i + 1 :],
            title[:i] + "\u00a0" + title[i + 1 :],
            " " + title + " ",
            title.replace(": ", " : ", 1) if ": " in title else title + "  ",
        ]
    )


def title_colon(rng: random.Random, title: str) -> str | None:
    if ": " not in title:
        return None
    return title.replace(": ", rng.choice([" - ", " – ", " — ", " -- ", ". "]), 1)


def title_period(rng: random.Random, title: str) -> str | None:
    return None if title.endswith(".") else title + "."


def title_typographic(rng: random.Random, title: str) -> str | None:
    if "-" in title:
        return title.replace("-", rng.choice(["‐", "–", "‑"]))
    if "'" in title:
        return title.replace("'", "’")
    return title.replace(" ", "\u00a0")


def title_hyphen(rng: random.Random, title: str) -> str | None:
    """'Pre-trained' becomes 'Pretrained' or 'Pre trained'."""
    hyphens = [m.start() for m in re.finditer(r"(?<=[A-Za-z])-(?=[A-Za-z])", title)]
    if not hyphens:
        return None
    i = rng.choice(hyphens)
    return title[:i] + rng.choice(["", " "]) + title[i + 1 :]


def abstract_cut(rng: random.Random, abstract: str) -> str | None:
    """Cut short to 35-92% of its length, maybe mid-word, maybe with an ellipsis."""
    if len(abstract) < 200:
        return None
    cut = int(len(abstract) * rng.uniform(0.35, 0.92))
    if rng.random() < 0.6:
        cut = abstract.rfind(" ", 0, cut)
    return abstract[:cut].rstrip() + rng.choice(["", "...", "…", " ...", " [...]"])


def abstract_reflow(rng: random.Random, abstract: str) -> str | None:
    style = rng.choice(["wrap", "crlf", "double"])
    if style == "double":
        return abstract.replace(". ", ".  ")
    lines = textwrap.wrap(
        abstract, rng.randint(60, 100), break_long_words=False, break_on_hyphens=False
    )
    return ("\r\n" if style == "crlf" else "\n").join(lines)


_HOSTS = {
    "github.com": "gitlab.com",
    "huggingface.co": "hf.co",
    "github.io": "gitee.io",
}
_URL = re.compile(r"https?://([^/\s]+)")


def abstract_link(rng: random.Random, abstract: str) -> str | None:
    """A link's host changed (and sometimes its scheme or path too)."""
    m = _URL.search(abstract)
    if not m:
        return None
    host = m.group(1)
    new_host = next((v for k, v in _HOSTS.items() if host.endswith(k)), "example.org")
    new = abstract[: m.start(1)] + new_host + abstract[m.end(1) :]
    if rng.random() < 0.3:
        new = new.replace("https://", "http://", 1)
    return new


def abstract_typos(rng: random.Random, abstract: str) -> str | None:
    for _ in range(rng.choice([1, 1, 2])):
        abstract = typo(rng, abstract) or abstract
    return abstract


def abstract_typographic(rng: random.Random, abstract: str) -> str | None:
    new = abstract.replace("'", "’").replace(" - ", " — ").replace(", ", ",\u00a0", 3)
    new = re.sub(r'"([^"]*)"', "“\\1”", new)
    return new if new != abstract else None


TITLE_CHANGES: dict[str, Change] = {
    "title case": title_case,
    "title spacing": title_spacing,
    "title colon": title_colon,
    "title period": title_period,
    "title typo": typo,
    "title typographic": title_typographic,
    "title hyphen": title_hyphen,
}
# The changes after which the normalized title is exactly the same (no typo, no joined words).
EXACT_TITLE_CHANGES = ["title case", "title spacing", "title colon", "title period",
                       "title typographic"]  # fmt: skip
ABSTRACT_CHANGES: dict[str, Change] = {
    "abstract cut": abstract_cut,
    "abstract reflow": abstract_reflow,
    "abstract link": abstract_link,
    "abstract typo": abstract_typos,
    "abstract typographic": abstract_typographic,
}


def record(title: str, abstract: str) -> dict[str, str]:
    return {"title": title, "abstract": abstract}


def pair(rng: random.Random, a: Paper, b: Paper, same: bool, kind: str) -> Pair:
    if rng.random() < 0.5:  # either side may be the changed one
        a, b = b, a
    return {"a": record(*a), "b": record(*b), "same": same, "kind": kind}


def apply(rng: random.Random, paper: Paper, names: list[str]) -> tuple[Paper, list[str]]:
    """The paper with the named changes that apply to it, and their names."""
    title, abstract = paper
    done = []
    for name in names:
        if name in TITLE_CHANGES:
            new = TITLE_CHANGES[name](rng, title)
            if new is not None and new != title:
                title = new
                done.append(name)
        else:
            new = ABSTRACT_CHANGES[name](rng, abstract)
            if new is not None and new != abstract:
                abstract = new
                done.append(name)
    return (title, abstract), done


def same_pairs(rng: random.Random, papers: list[Paper]) -> list[Pair]:
    pairs = []
    title_names, abstract_names = list(TITLE_CHANGES), list(ABSTRACT_CHANGES)
    # Every paper once with one to three changes, then a hundred with heavier combinations.
    plan = [(p, rng.randint(1, 3)) for p in papers]
    plan += [(rng.choice(papers), rng.randint(3, 5)) for _ in range(100)]
    for paper, n in plan:
        names = rng.sample(title_names, rng.randint(0, min(2, n)))
        names += rng.sample(abstract_names, max(1, n - len(names)))
        changed, done = apply(rng, paper, names)
        if not done:
            continue
        # The other side is the real entry, sometimes with a change of its own.
        other = paper
        if rng.random() < 0.3:
            other, more = apply(rng, paper, [rng.choice(EXACT_TITLE_CHANGES)])
            done += [f"{name} (other side)" for name in more]
        pairs.append(pair(rng, other, changed, True, " + ".join(done)))
    # A link changed, the change FEEDS.md names: every paper with a link, with one more change.
    for paper in [p for p in papers if _URL.search(p[1])][:40]:
        more = rng.choice([*TITLE_CHANGES, *ABSTRACT_CHANGES])
        changed, done = apply(rng, paper, ["abstract link", more])
        pairs.append(pair(rng, paper, changed, True, " + ".join(done)))
    # One abstract missing: a listing without it, the title changed only as normalization undoes.
    for paper in rng.sample(papers, 30):
        changed, done = apply(rng, (paper[0], ""), rng.sample(EXACT_TITLE_CHANGES, 2))
        pairs.append(pair(rng, paper, changed, True, " + ".join(["one abstract missing", *done])))
    for paper in rng.sample(papers, 12):
        changed, done = apply(rng, (paper[0], ""), rng.sample(EXACT_TITLE_CHANGES, 1))
        kind = " + ".join(["no abstracts", *done])
        pairs.append(pair(rng, (paper[0], ""), changed, True, kind))
    return pairs


# --- Different papers ------------------------------------------------------------------------

# One meaningful word for another: a different paper, whatever the rest of the title.
SWAPS = [
    ("Language", "Vision"), ("Large", "Small"), ("Generation", "Understanding"),
    ("Training", "Inference"), ("Text", "Speech"), ("Image", "Video"), ("Encoder", "Decoder"),
    ("Long", "Short"), ("Efficient", "Robust"), ("Multilingual", "Monolingual"),
    ("Code", "Math"), ("Pre", "Post"), ("Compression", "Expansion"), ("Retrieval", "Ranking"),
    ("Multimodal", "Unimodal"), ("Models", "Agents"), ("Online", "Offline"),
    ("Supervised", "Unsupervised"), ("Dense", "Sparse"), ("Local", "Global"),
    ("Context", "Memory"), ("Quantization", "Pruning"), ("Scaling", "Shrinking"),
]  # fmt: skip
ADDED_WORDS = ["Tighter", "Robust", "Faster", "Unified", "Sparse", "Better", "Efficient"]
_NUMBER = re.compile(r"\d+")


def swap_word(rng: random.Random, title: str) -> tuple[str, str] | None:
    options = []
    for x, y in SWAPS:
        for old, new in ((x, y), (y, x)):
            if re.search(rf"\b{old}\b", title):
                options.append((old, new))
    if not options:
        return None
    old, new = rng.choice(options)
    return re.sub(rf"\b{old}\b", new, title, count=1), f"'{old}' -> '{new}'"


def change_number(rng: random.Random, title: str) -> tuple[str, str] | None:
    numbers = list(_NUMBER.finditer(title))
    if not numbers:
        return None
    m = rng.choice(numbers)
    new = str(int(m.group()) + rng.choice([1, 2, 6])) if len(m.group()) < 6 else "1" + m.group()
    return title[: m.start()] + new + title[m.end() :], f"'{m.group()}' -> '{new}'"


def add_word(rng: random.Random, title: str) -> tuple[str, str] | None:
    words = title.split(" ")
    if len(words) < 4:
        return None
    i = rng.randrange(1, len(words))
    word = rng.choice(ADDED_WORDS)
    return " ".join([*words[:i], word, *words[i:]]), f"'{word}'"


def nearest(papers: list[Paper], scorer: Callable[..., float], field: int) -> list[int]:
    """For each paper, the index of the most similar other paper by title or abstract."""
    texts = [p[field].lower() for p in papers]
    result = []
    for i, text in enumerate(texts):
        found = process.extract(text, texts, scorer=scorer, limit=2)
        result.append(next(j for _, _, j in found if j != i))
    return result


def different_pairs(rng: random.Random, papers: list[Paper]) -> list[Pair]:
    pairs: list[Pair] = []
    n = len(papers)
    by_title = nearest(papers, fuzz.ratio, 0)
    used: set[tuple[int, int]] = set()

    def add(i: int, j: int, a: Paper, b: Paper, kind: str) -> None:
        used.add((min(i, j), max(i, j)))
        pairs.append(pair(rng, a, b, False, kind))

    # Real papers with similar titles, then of the same topic (most alike abstracts).
    lowered = [p[0].lower() for p in papers]
    scored = sorted(
        ((fuzz.ratio(lowered[i], lowered[j]), i, j) for i in range(n) for j in range(i + 1, n)),
        reverse=True,
    )
    for _, i, j in scored[:45]:
        add(i, j, papers[i], papers[j], "real papers, similar titles")
    abstracts = [p[1].lower() for p in papers]
    topic = sorted(
        (
            (fuzz.token_set_ratio(abstracts[i], abstracts[j]), i, j)
            for i in range(n)
            for j in range(i + 1, n)
            if papers[i][1] and papers[j][1]
        ),
        reverse=True,
    )
    topic = [t for t in topic if (t[1], t[2]) not in used][:45]
    for _, i, j in topic:
        add(i, j, papers[i], papers[j], "real papers, same topic")

    # A title one meaningful word, a number or an added word away, with another real abstract
    # (of the paper with the nearest title: the same topic, which is the hard case).
    makers: list[tuple[str, Callable[[random.Random, str], tuple[str, str] | None], int]] = [
        ("title word", swap_word, 80),
        ("title number", change_number, 30),
        ("title word added", add_word, 25),
    ]
    for label, make, count in makers:
        order = rng.sample(range(n), n)
        made = 0
        for i in order:
            title, abstract = papers[i]
            changed = make(rng, title)
            if changed is None or made >= count:
                continue
            j = by_title[i]
            other_abstract = papers[j][1]
            if rng.random() < 0.25:
                other_abstract = abstract_cut(rng, other_abstract) or other_abstract
            pairs.append(
                pair(rng, (title, abstract), (changed[0], other_abstract), False,
                     f"{label} {changed[1]}, other abstract")
            )  # fmt: skip
            made += 1
    # Part I / Part II of a series, each with its own abstract.
    for i in rng.sample(range(n), 20):
        title, abstract = papers[i]
        j = by_title[i]
        one, two = rng.choice([("I", "II"), ("II", "III"), ("1", "2"), ("One", "Two")])
        sep = rng.choice([": Part ", ", Part ", " - Part "])
        a, b = (title + sep + one, abstract), (title + sep + two, papers[j][1])
        pairs.append(pair(rng, a, b, False, f"title Part {one} vs Part {two}, other abstract"))
    # The very same title (or one that normalizes to it) with another paper's abstract.
    for i in rng.sample(range(n), 60):
        title, abstract = papers[i]
        j = by_title[i] if rng.random() < 0.5 else rng.choice([k for k in range(n) if k != i])
        other, _ = apply(rng, (title, papers[j][1]), [rng.choice(EXACT_TITLE_CHANGES)])
        kind = "same title, other abstract"
        if rng.random() < 0.25:
            other = (other[0], abstract_cut(rng, other[1]) or other[1])
            kind += " (cut short)"
        pairs.append(pair(rng, (title, abstract), other, False, kind))
    # A title with a typo and another paper's abstract: the titles are alike, only the abstracts
    # tell the papers apart.
    for i in rng.sample(range(n), 25):
        title, abstract = papers[i]
        j = by_title[i]
        a, b = (title, abstract), (typo(rng, title) or title, papers[j][1])
        pairs.append(pair(rng, a, b, False, "title typo, other abstract"))
    # An abstract missing: a title a meaningful word away, or another real paper's title.
    made = 0
    for i in rng.sample(range(n), n):
        title, abstract = papers[i]
        changed = swap_word(rng, title) or change_number(rng, title)
        if changed and made < 15:
            kind = f"one abstract missing, title {changed[1]}"
            pairs.append(pair(rng, (title, abstract), (changed[0], ""), False, kind))
            made += 1
    for i in rng.sample(range(n), 10):
        j = by_title[i]
        pairs.append(
            pair(rng, (papers[i][0], ""), papers[j], False, "one abstract missing, similar titles")
        )
    return pairs


# --- Hand-written tricky cases ---------------------------------------------------------------

_SECOND_LOOK = "All You Need is a Second Look: Towards Arbitrary-Shaped Text Detection"
_LOW_BIT = (
    "Low-Bit Quantization Favors Undertrained LLMs: Scaling Laws for Quantized LLMs with 100T"
    " Training Tokens"
)
_LLAMA = (
    "We release {size}, a {size} parameter language model pretrained on 2 trillion tokens of"
    " public data. It outperforms open models of its size on most benchmarks we tested, and we"
    " describe the training recipe, the data mixture and the safety tuning in detail."
)
_SERIES = (
    "This is the {part} part of a series on the theory of scaling laws. We derive the exponents"
    " of the loss as a function of model size, data and compute, and compare them with the"
    " measurements of large training runs across several orders of magnitude."
)
_VISION = (
    "Pretrained transformers have transformed {field}. We introduce a family of {field} models"
    " trained with a simple contrastive objective on web-scale data, and show that they transfer"
    " to many downstream tasks with little or no fine-tuning, matching specialised systems."
)
_GENERIC = (
    "We propose a simple method for efficient adaptation of large pretrained models. It adds a"
    " small number of trainable parameters per layer and keeps the rest frozen, reducing memory"
    " use by a factor of three while matching full fine-tuning on standard benchmarks."
)


def hand_written(papers: list[Paper]) -> list[Pair]:
    by_title = dict(papers)
    second_look = [p for p in papers if p[0].lower().startswith("all you need is a second look")]
    low_bit = by_title[_LOW_BIT]
    cases: list[tuple[Paper, Paper, bool, str]] = [
        # FEEDS.md: two papers with near-identical titles and different abstracts.
        (second_look[0], second_look[1], False, "FEEDS.md: second look papers"),
        (second_look[0], (second_look[1][0].upper(), second_look[1][1][:600]), False,
         "FEEDS.md: second look papers, one cut short"),
        # FEEDS.md: the same paper with a link's host changed.
        ((_LOW_BIT, low_bit), (_LOW_BIT, low_bit.replace("huggingface.co", "hf.co")), True,
         "FEEDS.md: link host changed"),
        ((_LOW_BIT, low_bit), (_LOW_BIT.replace(": ", " - ").lower() + ".",
         low_bit.replace("https://huggingface.co/Xu-Ouyang", "https://github.com/Xu-Ouyang/lowbit")),
         True, "FEEDS.md: link changed, title punctuation"),
        # Model sizes and series parts with near-identical abstracts: still different papers.
        (("Llama-Lite 7B: An Open Foundation Model", _LLAMA.format(size="7B")),
         ("Llama-Lite 13B: An Open Foundation Model", _LLAMA.format(size="13B")), False,
         "7B vs 13B, templated abstracts"),
        (("Scaling Theory, Part I", _SERIES.format(part="first")),
         ("Scaling Theory, Part II", _SERIES.format(part="second")), False,
         "Part I vs Part II, series abstracts"),
        (("Contrastive Pretraining for Vision Models", _VISION.format(field="vision")),
         ("Contrastive Pretraining for Language Models", _VISION.format(field="language")), False,
         "Vision vs Language, templated abstracts"),
        (("Lightweight Adapters for Small Models", _GENERIC),
         ("Lightweight Adapters for Large Models", _GENERIC.replace("three", "four")), False,
         "Small vs Large, near-identical abstracts"),
        (("Unified Models for Image Generation", _VISION.format(field="image generation")),
         ("Unified Models for Image Understanding", _VISION.format(field="image understanding")),
         False, "Generation vs Understanding"),
        # The same title for two papers: the abstracts tell them apart.
        (("Attention Is All You Need", _GENERIC), ("Attention is all you need.", _SERIES.format(
         part="first")), False, "same title, different abstracts"),
        # Same paper, written differently.
        (("$\\textit{Refiner}$: Restructure Retrieval Content", _GENERIC),
         ("Refiner: Restructure Retrieval Content", _GENERIC), True, "LaTeX in the title"),
        (("Schrödinger Bridges for Généralisation", _GENERIC),
         ("Schrodinger Bridges for Generalisation", _GENERIC), True, "accents"),
        (("“Quoted” Words — and Dashes", _GENERIC), ('"Quoted" Words - and Dashes', _GENERIC),
         True, "typographic quotes and dashes"),
        (("Sparse Adapters", _GENERIC.replace("efficient", "{\\it efficient}")),
         ("Sparse Adapters", _GENERIC), True, "LaTeX markup in the abstract"),
        (("A Lanugage Model for Code", _GENERIC),
         ("A Language Model for Code.", textwrap.fill(_GENERIC, 70)), True,
         "title typo fixed, abstract reflowed"),
        (("Pre-trained Adapters", _GENERIC.replace("memory", "memroy")),
         ("Pretrained Adapters", _GENERIC), True, "title spacing, abstract typo fixed"),
        (("Efficient Adapters for Everyone", _GENERIC[: int(len(_GENERIC) * 0.4)] + "…"),
         ("EFFICIENT ADAPTERS FOR EVERYONE", _GENERIC), True, "abstract cut to 40%"),
        (("Efficient Adapters for Everyone", ""), ("Efficient Adapters for Everyone.", ""), True,
         "no abstracts, same title"),
        # Near-identical titles, different work.
        (("GPT-4 Technical Report", _GENERIC), ("GPT-4o Technical Report", _VISION.format(
         field="speech")), False, "GPT-4 vs GPT-4o"),
        (("Text Detection in the Wild", _VISION.format(field="text detection")),
         ("Test Detection in the Wild", _GENERIC), False, "one letter apart, other abstract"),
        (("Efficient Adapters for Everyone", _GENERIC),
         ("Efficient Adapters for Everyone", _GENERIC[:180] + _SERIES.format(part="third")),
         False, "same title, abstracts share only the opening"),
        (("Efficient Adapters for Everyone", ""),
         ("Efficient Adapters for Everyone: Part II", _GENERIC), False,
         "one abstract missing, Part II"),
    ]  # fmt: skip
    return [
        {"a": record(*a), "b": record(*b), "same": same, "kind": f"hand: {kind}"}
        for a, b, same, kind in cases
    ]


def build() -> list[Pair]:
    papers = load_papers()
    rng = random.Random(SEED)
    return same_pairs(rng, papers) + different_pairs(rng, papers) + hand_written(papers)


def render(pairs: list[Pair]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    pairs = build()
    text = render(pairs)
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    same = sum(p["same"] for p in pairs)
    print(f"wrote {len(pairs)} pairs ({same} same, {len(pairs) - same} different) to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
