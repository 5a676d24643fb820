"""Shared fixtures: the bundled sample, scratch applicant folders, the CLI runner."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "demo"
RESOURCES = Path(__file__).resolve().parent / "resources"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample applicant (tests must never touch the original)."""
    target = tmp_path / "demo"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("output"))
    return target


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Tests never read or fill a user's cache: one private cache folder for the whole session (set
    before any module-scoped fixture builds; the suite converts each Office file once)."""
    from skilldoc.cache import CACHE_ENV

    folder = tmp_path_factory.mktemp("skilldoc-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _fresh_memos() -> None:
    """In-process memos (parsed workbooks, inspected PDFs) start empty in every test."""
    from skilldoc.cache import clear_memos

    clear_memos()


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice is a real part of the product: CI installs it, so its absence is a failure, not a skip."""
    from skilldoc.office import find_soffice

    path = find_soffice()
    assert path, "LibreOffice (soffice) is required: run scripts/install-system-deps.sh"
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:  # type: ignore[type-arg]
    """Under CI every dependency is installed by .ci/run: a skipped test there means a broken setup, so fail it."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI (a dependency .ci/run should install is missing): {report.longrepr}"
    return None
