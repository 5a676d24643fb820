"""Every shipped standard loads, quotes its policy text verbatim, and judges the sample as its figures say."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skilldoc.checks.standards import available_standards, load_standard
from skilldoc.cli import cli
from skilldoc.errors import ChecksFailed

POLICY = Path(__file__).resolve().parent.parent / "policy"  # policy/README.md
SEEDS = POLICY


def _norm(text: str) -> str:
    return "".join(text.split()).translate(str.maketrans("（），．", "(),."))


@pytest.fixture(scope="module")
def seed_text() -> str:
    assert SEEDS.is_dir(), f"policy seeds missing: {SEEDS}"
    return _norm("".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))


def test_shipped_standards() -> None:
    assert {"national", "hr2022-62-new", "hr2022-62-existing"} <= set(available_standards())


@pytest.mark.parametrize("key", available_standards())
def test_rules_quote_the_policy_text(key: str, seed_text: str) -> None:
    standard = load_standard(key)
    assert standard.rules
    for rule in standard.rules:
        assert _norm(rule.clause) in _norm(rule.text), rule.id
        for line in rule.text.splitlines():
            assert _norm(line) in seed_text, f"{key}/{rule.id}: not verbatim: {line[:40]}"


def test_sample_against_the_62_standards(sample_dir: Path) -> None:
    runner = CliRunner()
    new = runner.invoke(cli, ["check", str(sample_dir), "--standard", "hr2022-62-new"])
    assert new.exit_code == 0, new.output
    existing = runner.invoke(cli, ["check", str(sample_dir), "--format", "json",
                                   "--standard", "hr2022-62-existing"])
    assert existing.exit_code == ChecksFailed.exit_code
    import json

    report = json.loads(existing.output)
    failed = sorted(t["rule_id"] for t in report["thresholds"] if not t["passed"])
    assert failed == ["annual_training", "high_skill_training"]
