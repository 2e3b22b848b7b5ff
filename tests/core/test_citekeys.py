"""Citation keys: readable, ASCII, safe for BibTeX and biber, unique through `taken`."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.core.citekeys import KEY_PATTERN, key_base, make_citation_key, suffixes
from readinglist.core.feedparse import read_dump


def free(key: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("title", "year", "key"),
    [
        ("Scaling the Codebook Size of VQGAN to 100,000 with a Utilization Rate of 99%", 2024,
         "scalingCodebookSize2024"),
        ("Towards a Theory of Everything", 2023, "theoryEverything2023"),
        ("On the Origin of Species", None, "originSpecies"),
        ("GPT-4 Technical Report", 2023, "gptTechnicalReport2023"),
        ("3D Gaussian Splatting", 2023, "3dGaussianSplatting2023"),
        ("Über Ärger: Ça marche, Ångström-Øl, straße", 2024, "uberArgerCa2024"),
        ("Łódź œuvre", 2024, "lodzOeuvre2024"),
        ("Привет, мир", 2024, "paper2024"),
        ("深度学习", None, "paper"),
        ("", 2024, "paper2024"),
        ("2024 100 7", 2024, "paper2024"),
        ("The A of An", 2024, "paper2024"),
        ("Supercalifragilisticexpialidocious Words", 2024, "supercalifragiliWords2024"),
        ("LLaMA: {\\it Open} and $O(n^2)$ Efficient", 2024, "llamaOpenO2024"),
        ("$\\textit{Refiner}$: Restructure Retrieval", 2024, "refinerRestructureRetrieval2024"),
    ],
)  # fmt: skip
def test_keys_are_the_first_significant_words_and_the_year(
    title: str, year: int | None, key: str
) -> None:
    assert make_citation_key(title, year, free) == key
    assert KEY_PATTERN.fullmatch(key)


def test_taken_keys_get_suffixes_a_to_z_then_aa() -> None:
    used: set[str] = set()
    keys = []
    for _ in range(30):
        key = make_citation_key("Attention Is All You Need", 2017, lambda k: k in used)
        used.add(key)
        keys.append(key)
    assert keys[:3] == ["attentionNeed2017", "attentionNeed2017a", "attentionNeed2017b"]
    assert keys[26:29] == ["attentionNeed2017z", "attentionNeed2017aa", "attentionNeed2017ab"]
    assert len(set(keys)) == 30


def test_suffixing_is_deterministic_and_only_asks_taken() -> None:
    taken = {"attentionNeed2017", "attentionNeed2017a", "attentionNeed2017c"}
    asked: list[str] = []

    def is_taken(key: str) -> bool:
        asked.append(key)
        return key in taken

    assert make_citation_key("Attention Is All You Need", 2017, is_taken) == "attentionNeed2017b"
    assert asked == ["attentionNeed2017", "attentionNeed2017a", "attentionNeed2017b"]
    assert list(zip(range(28), suffixes(), strict=False))[-3:] == [
        (25, "z"),
        (26, "aa"),
        (27, "ab"),
    ]


def test_sample_titles_get_unique_keys_case_insensitively(sample_files: list[Path]) -> None:
    used: set[str] = set()
    titles = [e.title for f in sample_files for e in read_dump(f).entries]
    for title in titles:
        key = make_citation_key(title, 2024, lambda k: k.lower() in used)
        assert KEY_PATTERN.fullmatch(key) and key.isascii(), key
        assert key.lower() not in used
        used.add(key.lower())
    assert len(used) == len(titles) == 288
    # Titles listed several times, and different titles starting with the same words ("All You
    # Need is a Second Look: ..." twice), are told apart by suffixes.
    bases = {key_base(title, 2024).lower() for title in titles}
    assert sum(1 for k in used if not k.endswith("2024")) == len(titles) - len(bases)
    assert {"needsecondlook2024", "needsecondlook2024a", "refinerrestructureretrieval2024"} <= used


@given(
    title=st.text(),
    year=st.none() | st.integers(min_value=0, max_value=9999),
    taken=st.sets(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=30)),
)
def test_any_title_gets_a_safe_ascii_key(title: str, year: int | None, taken: set[str]) -> None:
    base = key_base(title, year)
    taken |= {base, base + "a"}
    key = make_citation_key(title, year, taken.__contains__)
    assert key.isascii() and KEY_PATTERN.fullmatch(key)
    assert key[0].isalnum()
    assert key not in taken
    assert key.startswith(base) and key[len(base) :].isalpha()
    assert key == make_citation_key(title, year, taken.__contains__)
