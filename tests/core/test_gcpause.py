"""The cyclic garbage collector is paused for an import and always comes back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist import Library
from readinglist.core.gcpause import cyclic_gc_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_pause_turns_the_collector_off_and_back_on() -> None:
    gc.enable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_pauses_end_with_the_last_whatever_the_order() -> None:
    gc.enable()
    first, second = cyclic_gc_paused(), cyclic_gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_an_error_inside_a_pause_brings_the_collector_back() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_an_import_runs_without_the_collector_and_restores_it(
    library: Library, sample_copy: Path
) -> None:
    gc.enable()
    during: list[bool] = []
    library.import_paths([sample_copy], progress=lambda *_: during.append(gc.isenabled()))
    assert during and not any(during)
    assert gc.isenabled()


def test_an_import_that_fails_restores_the_collector(library: Library, sample_copy: Path) -> None:
    gc.enable()

    def fail(*_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        library.import_paths([sample_copy], progress=fail)
    assert gc.isenabled()
