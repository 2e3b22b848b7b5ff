"""Build the search query corpus: queries a person might type, each with the paper they meant.

    python tests/data/make_search_queries.py        # rewrites tests/data/search_queries.jsonl

Queries come from the sample dumps' papers (deterministically: a fixed seed, papers in file
order), plus a few hand-written ones at the end. Each line is {"query", "title", "kind"}:

- typo: a run of title words with one letter swapped, dropped or replaced in one word
- typo2: the same with two words misspelt
- prefix: two or three title words cut short, as while typing ("quanti codeb")
- abstract-words: two to four distinctive words of the abstract (the rarest in the corpus)
- abstract-typo: the same with one of them misspelt
- word-order: three to five title words shuffled
- partial-title: a run of three to five title words
- accents: title words in random case with accents added ("Quàntization")

`make_queries` is also used by benchmarks/search_speed.py on generated libraries.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "search_queries.jsonl"
SEED = 20250314
PER_KIND = 24

_TERM = re.compile(r"[^\W_]+")  # a word as the search index sees it
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ACCENTED = {"a": "àáâä", "e": "éèêë", "i": "íìîï", "o": "óòôö", "u": "úùûü", "c": "ç", "n": "ñ"}
# Common words a person would not type to find one paper.
_DULL = set(
    re.findall(
        r"\w+",
        "the and for with from into via over under using based towards toward that this these "
        "those their our are was were has have had can not but its than then also such more most "
        "very which when where while what how why who all any each both other some only",
    )
)

KINDS = ("typo", "typo2", "prefix", "abstract-words", "abstract-typo", "word-order",
         "partial-title", "accents")  # fmt: skip

# Written by hand: shorthand and mixed kinds; each with how its paper's title starts.
HAND_WRITTEN = [
    ("vqgan codebook 100000", "Scaling the Codebook Size of VQGAN"),
    ("scaling codebok size vqgan", "Scaling the Codebook Size of VQGAN"),
    ("second look arbitrary shaped text", "All You Need is a Second Look: Towards Arbitrary"),
    ("densing law", "Densing Law of LLMs"),
    ("landmark atention random access", "Landmark Attention: Random-Access"),
    ("longlora", "LongLoRA: Efficient Fine-tuning"),
    ("LLM in a flash", "LLM in a flash: Efficient"),
    ("zero memory optimizations trillion", "ZeRO: Memory Optimizations"),
    ("kazakh question answering", "KazQAD: Kazakh Open-Domain"),
    ("medical decision trees", "Text2MDT: Extracting Medical Decision Trees"),
    ("komodo indonesia languages", "Komodo: A Linguistic Expedition"),
    ("mixture of experts llava", "MoE-LLaVA: Mixture of Experts"),
    ("data mixture regression", "RegMix: Data Mixture as Regression"),
    ("stuffed mamba state collapse", "Stuffed Mamba: State Collapse"),
    ("Does your data spark joy?", "Does your data spark joy?"),
    ("NATURALCODEBENCH humaneval", "NaturalCodeBench: Examining"),
    ("fastvlm vision encoding", "FastVLM: Efficient Vision Encoding"),
    ("hamming distances text to pattern", "Faster Algorithms for Text-to-Pattern"),
    ("nash optimization self improve", "Direct Nash Optimization"),
    ("byte-level token merging", "MrT5: Dynamic Token Merging"),
    ("evolutionary search model compression", "EvoPress: Towards Optimal Dynamic"),
    ("llm as a judge coding preferences", "CodeUltraFeedback: An LLM-as-a-Judge"),
    ("quantization aware training efficientqat", "EfficientQAT: Efficient"),
    ("magicscroll storytelling", "MagicScroll: Nontypical"),
    ("finbloom financial", "FinBloom: Knowledge Grounding"),
    ("Compressing pre-trained models of code 3 MB", "Compressing Pre-trained Models of Code"),
    ("{\\it quantization} of llms", "Understanding the Impact of Post-Training Quantization"),
    ('"second look" -detection NEAR(text) OR', "All You Need is a Second Look: Towards Arbitrary"),
    ("AND OR NOT bailong qlora", "Bailong: Bilingual Transfer Learning"),
    ("ÉMDM effïcient MOTION diffusion", "EMDM: Efficient Motion Diffusion"),
]


def typo(word: str, rng: random.Random) -> str:
    """One letter swapped with its neighbour, dropped or replaced (never at the first letter)."""
    i = rng.randrange(1, len(word) - 1)
    how = rng.choice(("swap", "drop", "replace"))
    if how == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if how == "drop":
        return word[:i] + word[i + 1 :]
    letter = rng.choice([c for c in _LETTERS if c != word[i].lower()])
    return word[:i] + letter + word[i + 1 :]


def accent(word: str, rng: random.Random) -> str:
    chars = [rng.choice(_ACCENTED[c]) if c in _ACCENTED and rng.random() < 0.5 else c for c in word]
    if chars == list(word):
        for i, c in enumerate(word):
            if c in _ACCENTED:
                chars[i] = _ACCENTED[c][0]
                break
    cased = "".join(chars)
    return rng.choice((cased.lower(), cased.upper(), cased.capitalize(), cased))


def title_words(title: str) -> list[str]:
    return _WORD.findall(title)


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w.lower() not in _DULL and len(w) > 2]


def _run(words: Sequence[str], rng: random.Random, low: int, high: int) -> list[str]:
    size = min(len(words), rng.randint(low, high))
    start = rng.randrange(0, len(words) - size + 1)
    return list(words[start : start + size])


def _typoed(words: list[str], rng: random.Random, count: int) -> list[str] | None:
    spots = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if len(spots) < count:
        return None
    out = list(words)
    for i in rng.sample(spots, count):
        out[i] = typo(out[i], rng)
    return out


def _query(kind: str, title: str, abstract: str, rng: random.Random,
           rarity: Callable[[str], int], rare_below: int) -> str | None:  # fmt: skip
    drafted = _draft(kind, title, abstract, rng, rarity)
    if drafted is None:
        return None
    query, source = drafted
    # A person looking for one paper types at least one word that few papers have.
    # A hyphenated word counts as common as its most common part ("Long-Context").
    if min(max(map(rarity, _TERM.findall(w.lower())), default=0) for w in source) >= rare_below:
        return None
    return query


def _draft(kind: str, title: str, abstract: str, rng: random.Random,
           rarity: Callable[[str], int]) -> tuple[str, list[str]] | None:  # fmt: skip
    """A query of this kind and the words it was made from (before typos or cutting)."""
    words = title_words(title)
    content = _content(words)
    if kind in ("typo", "typo2"):
        run = _run(words, rng, 3, 6)
        changed = _typoed(run, rng, 1 if kind == "typo" else 2)
        return (" ".join(changed), run) if changed and len(_content(run)) >= 2 else None
    if kind == "prefix":
        long = [w for w in content if len(w) >= 6 and w.isalpha()]
        if len(long) < 2:
            return None
        picked = rng.sample(long, min(len(long), rng.randint(2, 3)))
        return " ".join(w[: rng.randint(4, len(w) - 2)].lower() for w in picked), picked
    if kind in ("abstract-words", "abstract-typo"):
        distinct = {
            w.lower() for w in _content(title_words(abstract)) if len(w) >= 5 and w.isalpha()
        }
        pool = sorted(distinct, key=lambda w: (rarity(w), w))[:10]
        if len(pool) < 4:
            return None
        picked = rng.sample(pool, rng.randint(2, 4))
        typed = [typo(picked[0], rng), *picked[1:]] if kind == "abstract-typo" else picked
        return " ".join(typed), picked
    if kind == "word-order":
        if len(content) < 3:
            return None
        picked = rng.sample(content, min(len(content), rng.randint(3, 5)))
        return " ".join(picked), picked
    if kind == "partial-title":
        run = _run(words, rng, 3, 5)
        return (" ".join(run), run) if len(_content(run)) >= 2 else None
    if kind == "accents":
        run = _run(content, rng, 2, 4)
        return (" ".join(accent(w, rng) for w in run), run) if len(run) >= 2 else None
    raise ValueError(kind)


def make_queries(papers: Sequence[tuple[str, str]], per_kind: int, seed: int,
                 rarity: Callable[[str], int], rare_below: int | None = None
                 ) -> list[dict[str, str]]:  # fmt: skip
    """`per_kind` queries of each kind about papers picked at random (title, abstract).

    `rarity(word)` is the word's document count, to pick an abstract's distinctive words. Each
    query has a word in fewer than `rare_below` papers (default: a thirtieth of them): what a
    person types to find one paper rather than a topic.
    """
    rng = random.Random(seed)
    rare_below = rare_below or max(4, len(papers) // 30)
    out: list[dict[str, str]] = []
    for kind in KINDS:
        made, tries = 0, 0
        while made < per_kind and tries < per_kind * 50:
            tries += 1
            title, abstract = papers[rng.randrange(len(papers))]
            query = _query(kind, title, abstract, rng, rarity, rare_below)
            if query:
                out.append({"query": query, "title": title, "kind": kind})
                made += 1
    return out


def sample_papers() -> list[tuple[str, str]]:
    """The distinct papers of the sample dumps (first listing of each title), in file order."""
    sys.path.insert(0, str(ROOT))
    from readinglist.core.feedparse import read_dump
    from tests.conftest import SAMPLE_FILES

    seen: dict[str, str] = {}
    for path in SAMPLE_FILES:
        for entry in read_dump(path).entries:
            seen.setdefault(entry.title, entry.abstract)
    return list(seen.items())


def main() -> None:
    papers = sample_papers()
    df: Counter[str] = Counter()
    for title, abstract in papers:
        df.update(set(_TERM.findall(f"{title} {abstract}".lower())))
    queries = make_queries(papers, PER_KIND, SEED, lambda w: df[w])
    for query, start in HAND_WRITTEN:
        [title] = [t for t, _ in papers if t.startswith(start)]
        queries.append({"query": query, "title": title, "kind": "hand-written"})
    with OUT.open("w", encoding="utf-8") as out:
        for q in queries:
            out.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{len(queries)} queries written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
