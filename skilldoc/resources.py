"""Locate files shipped with skilldoc, installed or run from a checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def template_path(*parts: str) -> Path:
    """A file under ``templates/`` (installed as the ``skilldoc.templates`` package)."""
    try:
        base = Path(str(resources.files("skilldoc.templates")))
    except ModuleNotFoundError:
        base = Path(__file__).resolve().parent.parent / "templates"
    candidate = base.joinpath(*parts)
    if not candidate.exists():  # running from a checkout without installing
        candidate = Path(__file__).resolve().parent.parent.joinpath("templates", *parts)
    return candidate


def standards_dir() -> Path:
    return Path(__file__).resolve().parent / "standards"
