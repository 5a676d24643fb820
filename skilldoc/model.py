"""The application as typed data: what the workbook says, with no I/O.

Built by :mod:`skilldoc.workbook`; read by the renderer, the checks and the
DOCX writer.  Header-table values are kept by field key (see
:data:`skilldoc.form.HEADER_FIELDS`); attribute access works too
(``app.header.org_name``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .form import HEADER_BY_KEY, Section

if TYPE_CHECKING:  # annotations only: `skilldoc bundle` imports this module and needs no markup parser
    from .markup import Block

Value = str | int | Decimal | dt.date | None


class Header(Mapping[str, Value]):
    """The header-table values keyed by :attr:`Field.key` (missing → None)."""

    def __init__(self, values: Mapping[str, Value]) -> None:
        unknown = set(values) - set(HEADER_BY_KEY)
        if unknown:
            raise KeyError(f"unknown header fields: {sorted(unknown)}")
        self._values = {k: values.get(k) for k in HEADER_BY_KEY}

    def __getitem__(self, key: str) -> Value:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, key: str) -> Value:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __repr__(self) -> str:
        return f"Header({self._values!r})"


@dataclass(frozen=True)
class YearTotal:
    """One year of the 培训总量 block, plus that year's quality figures."""

    year: int
    trained: int | None  # 培训数量（人次）
    advanced: int | None  # 高级工及以上数量（人次）
    pass_rate: Decimal | None = None  # 培训合格率, percent 0-100
    satisfaction: Decimal | None = None  # 满意率, percent 0-100


@dataclass(frozen=True)
class OccupationYear:
    year: int
    trained: int | None
    advanced: int | None


@dataclass(frozen=True)
class Occupation:
    """One 职业（工种） row: its training per year and its matched equipment."""

    name: str
    years: tuple[OccupationYear, ...]
    equipment_count: int | None = None
    equipment_value: Decimal | None = None  # 万元
    row: int = 0  # workbook row, for messages

    def year(self, year: int) -> OccupationYear | None:
        return next((y for y in self.years if y.year == year), None)


@dataclass(frozen=True)
class Expert:
    name: str
    occupation: str
    category: str  # one of form.EXPERT_CATEGORIES
    employer: str = ""
    title: str = ""
    row: int = 0


@dataclass(frozen=True)
class EvidenceItem:
    """One entry of the evidence list: an item made of one or more files."""

    code: str  # 编号, e.g. "E03"
    title: str  # 名称
    part: str  # 所属部分: form.HEADER_PART or a section title "3.师资队伍"
    files: tuple[Path, ...]  # absolute paths
    note: str = ""
    password: str | None = None
    row: int = 0  # workbook row, for messages


@dataclass(frozen=True)
class Application:
    """Everything the workbook holds, typed."""

    header: Header
    years: tuple[YearTotal, ...]  # oldest first
    occupations: tuple[Occupation, ...]
    experts: tuple[Expert, ...]
    evidence: tuple[EvidenceItem, ...]
    source: Path | None = None  # the workbook it came from
    # where each value came from, for messages: "header.<key>" / "year.<year>" → (sheet, cell)
    cells: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def latest_year(self) -> YearTotal | None:
        return self.years[-1] if self.years else None

    def experts_for(self, occupation: str) -> list[Expert]:
        return [e for e in self.experts if e.occupation == occupation]


@dataclass(frozen=True)
class SectionSource:
    """A section template file as found in the applicant folder."""

    section: Section
    path: Path
    text: str
    origins: tuple[str, ...] = ()  # a .docx section: per line of ``text``, its paragraph (第 N 段“…”)


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}—{self.last}"


PageMap = Mapping[str, PageRange]  # 编号 → stamped pages in 证明材料.pdf


@dataclass(frozen=True)
class Project:
    """An applicant folder, located (nothing read yet)."""

    root: Path
    workbook: Path
    sections_dir: Path
    evidence_dir: Path
    output_dir: Path


class RenderedSection(Protocol):
    """One section after rendering, as the checks and the DOCX writer read it.

    :class:`skilldoc.render.RenderedSection` (a frozen dataclass) is the real one; this
    read-only view lets those stages take it without importing the renderer (and jinja2).
    """

    @property
    def section(self) -> Section: ...

    @property
    def source(self) -> Path: ...  # the template file

    @property
    def text(self) -> str: ...  # rendered markup

    @property
    def blocks(self) -> Sequence[Block]: ...

    @property
    def cited(self) -> tuple[str, ...]: ...  # evidence 编号, in order of first citation
