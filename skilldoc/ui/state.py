"""The workbench's memory between requests: the open folder, the last overview, the running build.

No HTTP here and no business rule: every figure comes from :mod:`skilldoc.api`.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import api, limits
from ..errors import Problem, SkilldocError
from ..fileio import write_atomically

CONFIG_ENV = "SKILLDOC_CONFIG_DIR"


def config_dir() -> Path:
    """Where the recent-folder list lives: %APPDATA%\\skilldoc, ~/Library/Application Support/skilldoc, ~/.config/skilldoc."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "skilldoc"


class RecentFolders:
    """The folders opened lately, newest first, in ``config_dir()/recent.json``."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or config_dir()) / "recent.json"

    def load(self) -> list[Path]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [Path(p) for p in data if isinstance(p, str)][: limits.WORKBENCH_RECENT]

    def add(self, folder: Path) -> None:
        folders = [folder] + [p for p in self.load() if p != folder]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            recent = [str(p) for p in folders[: limits.WORKBENCH_RECENT]]
            write_atomically(self.path, json.dumps(recent, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # remembering is a convenience; never fail opening a folder for it


@dataclass
class Step:
    label: str
    total: int = 0
    done: int = 0
    finished: bool = False


@dataclass
class BuildJob:
    options: dict[str, bool]
    steps: list[Step] = field(default_factory=list)
    running: bool = True
    ok: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    problems: list[Problem] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    seconds: float = 0.0
    number: int = 0


class BuildRunning(Exception):
    """A build is already running (one at a time)."""


class _StepProgress:
    """The library's progress protocol (``make(total, label)`` → context manager with ``update(n)``)."""

    def __init__(self, job: BuildJob) -> None:
        self.job = job

    def __call__(self, total: int, label: str) -> _StepProgress._Ctx:
        for step in self.job.steps:
            step.finished = True
        step = Step(label, total)
        self.job.steps.append(step)
        return _StepProgress._Ctx(step)

    class _Ctx:
        def __init__(self, step: Step) -> None:
            self.step = step

        def __enter__(self) -> _StepProgress._Ctx:
            return self

        def __exit__(self, *exc: object) -> None:
            self.step.finished = True

        def update(self, n: int) -> None:
            self.step.done += n


class Workbench:
    """One user's session: which folder is open, its latest overview, the build."""

    def __init__(self, folder: Path | None = None, *, recent: RecentFolders | None = None) -> None:
        self.folder: Path | None = None
        self.recent = recent or RecentFolders()
        self._overview: api.Overview | None = None  # type: ignore[name-defined]
        self._overview_lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.job: BuildJob | None = None
        self._jobs = 0
        if folder is not None:
            self.open(folder)

    # --- folder -------------------------------------------------------------------

    def open(self, folder: Path) -> None:
        """Open an applicant folder (InputError when it is not one)."""
        from ..project import locate

        root = locate(folder).root
        with self._overview_lock:
            self.folder = root
            self._overview = None
        if self.job is not None and not self.job.running:
            self.job = None
        self.recent.add(root)

    def version(self) -> str:
        assert self.folder is not None
        return api.folder_version(self.folder)

    def overview(self, *, fresh: bool = True) -> Any:
        """The overview of the open folder, recomputed when its files changed since the last one.

        ``fresh=False`` returns the last one when there is one (the editor's preview
        only needs the workbook values and page map, not the newest checks).
        """
        assert self.folder is not None
        folder = self.folder
        with self._overview_lock:
            current = self._overview
            if current is not None and current.root == folder and (
                    not fresh or current.version == api.folder_version(folder)):
                return current
            result = api.overview(folder)
            if self.folder == folder:
                self._overview = result
            return result

    # --- build --------------------------------------------------------------------

    def start_build(self, options: dict[str, bool]) -> BuildJob:
        """Start a build in a thread; BuildRunning when one is running."""
        assert self.folder is not None
        if not self._build_lock.acquire(blocking=False):
            raise BuildRunning
        self._jobs += 1
        job = BuildJob(options=dict(options), number=self._jobs)
        job.steps.append(Step("检查申报材料、规划证明材料页码"))
        self.job = job
        folder = self.folder
        thread = threading.Thread(target=self._run_build, args=(job, folder), name="skilldoc-build", daemon=True)
        try:
            thread.start()
        except BaseException:
            self._build_lock.release()
            raise
        return job

    def _run_build(self, job: BuildJob, folder: Path) -> None:
        """Run the build in a child process (pages stay responsive) and follow its messages."""
        import multiprocessing

        started = time.perf_counter()
        ctx = multiprocessing.get_context("spawn")  # the same on Windows, macOS and Linux
        messages = ctx.Queue()
        child = ctx.Process(target=build_in_child, args=(str(folder), job.options, messages),
                            name="skilldoc-build", daemon=True)
        progress = _StepProgress(job)
        current: _StepProgress._Ctx | None = None
        try:
            child.start()
            while True:
                try:
                    kind, *payload = messages.get(timeout=0.5)
                except queue.Empty:
                    if not child.is_alive():
                        job.summary = "生成进程意外退出（可能内存不足或被系统结束），原有的生成结果没有改动"
                        break
                    continue
                if kind == "step":
                    current = progress(payload[0], payload[1])
                elif kind == "update" and current is not None:
                    current.update(payload[0])
                elif kind == "done":
                    outputs, details, warnings = payload
                    job.outputs = {label: Path(p) for label, p in outputs.items()}
                    job.details, job.problems = details, warnings
                    job.summary, job.ok = "生成完成", True
                    break
                elif kind == "failed":
                    job.summary, job.problems = payload
                    break
        except Exception as exc:  # a bug: show it instead of hanging the page
            job.summary = f"内部错误：{type(exc).__name__}: {exc}"
        finally:
            child.join(timeout=30)
            for step in job.steps:
                step.finished = True
            job.seconds = time.perf_counter() - started
            job.running = False
            self._build_lock.release()

    @property
    def building(self) -> bool:
        return self._build_lock.locked()


def build_in_child(folder: str, options: dict[str, bool], messages: Any) -> None:
    """The build, in its own process: progress and the result go back through ``messages``."""

    class Progress:
        def __call__(self, total: int, label: str) -> Progress:
            messages.put(("step", total, label))
            return self

        def __enter__(self) -> Progress:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def update(self, n: int) -> None:
            messages.put(("update", n))

    try:
        result = api.build(Path(folder), pdf=options.get("pdf", False), duplex=options.get("duplex", False),
                           odd_items=options.get("duplex", False) and options.get("odd_items", False),
                           force=options.get("force", False), progress=Progress())
        messages.put(("done", {label: str(p) for label, p in result.outputs.items()},
                      {k: str(v) for k, v in result.details.items()}, list(result.warnings)))
    except SkilldocError as exc:
        messages.put(("failed", exc.summary, list(exc.problems)))
    except Exception as exc:  # a bug: report it rather than die silently
        messages.put(("failed", f"内部错误：{type(exc).__name__}: {exc}", []))
