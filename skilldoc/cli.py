"""Command line: thin click commands over :mod:`skilldoc.api`.

This is the one place where library errors become Chinese messages on stderr
and exit codes (see :mod:`skilldoc.errors`).  Tracebacks only with --verbose.
"""

from __future__ import annotations

import functools
import json
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import SEVERITY_LABEL, Problem, Severity, SkilldocError

EXIT_INTERNAL = 70

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def echo_problems(problems: Iterable[Problem]) -> None:
    """Print warnings and notes the library returned (errors come as exceptions)."""
    for p in problems:
        color = {"error": "red", "warning": "yellow"}.get(p.severity.value)
        label = SEVERITY_LABEL[p.severity]
        click.secho(f"{label}：{p.render()}", fg=color, err=True)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        verbose = bool(ctx.find_root().params.get("verbose"))
        try:
            return func(*args, **kwargs)
        except SkilldocError as exc:
            if verbose:
                traceback.print_exc()
            click.secho(f"错误：{exc.summary}", fg="red", bold=True, err=True)
            errors = [p for p in exc.problems if p.severity is Severity.ERROR]
            for p in exc.problems:
                color = "red" if p.severity is Severity.ERROR else "yellow"
                click.secho(f"  [{SEVERITY_LABEL[p.severity]}] {p.render()}", fg=color, err=True)
            if len(errors) > 1:
                click.echo(f"共 {len(errors)} 处错误。", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(130)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # a bug: say so, briefly, unless --verbose
            if verbose:
                traceback.print_exc()
            else:
                click.secho(f"内部错误：{type(exc).__name__}: {exc}", fg="red", err=True)
                click.echo("这是 skilldoc 的缺陷，请加 --verbose 重新运行并把输出报告给开发者。", err=True)
            ctx.exit(EXIT_INTERNAL)

    return wrapper


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", message="skilldoc %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="出错时显示完整的调试信息（traceback）。")
def cli(verbose: bool) -> None:
    """skilldoc：国家技能根基工程培训基地申报书生成工具。

    \b
    典型流程：
      skilldoc init 我的申报        # 生成申报文件夹（工作簿、八个正文模板、证明材料文件夹）
      （填写 申报数据.xlsx，撰写 sections/ 下的正文，放入证明材料）
      skilldoc check 我的申报       # 检查字数、完整性与遴选标准
      skilldoc build 我的申报       # 生成 申报书.docx 与 证明材料.pdf
    """


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, help="填报年份（默认今年）；培训总量取此前三年。")
@handle_errors
def init(directory: Path, year: int | None) -> None:
    """创建申报文件夹：申报数据.xlsx、八个正文模板和证明材料文件夹。"""
    from . import api

    result = api.init(directory, year=year)
    click.echo(f"已创建申报文件夹：{result.root}")
    for path in result.created:
        click.echo(f"  {path.relative_to(result.root)}")
    click.echo("下一步：填写 申报数据.xlsx，撰写 sections/ 下的正文，然后运行 skilldoc check。")


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="报告格式：text 供人阅读，json 供其他程序读取。")
@click.option("--limit", type=int, default=None, help="每部分字数上限（默认 3000）。")
@handle_errors
def check(directory: Path, fmt: str, limit: int | None) -> None:
    """检查申报材料：各部分字数、必填项、数据一致性、证明材料与遴选参考标准。"""
    from . import api
    from .checks.report import format_json, format_text

    report = api.check(directory, limit=limit)
    if fmt == "json":
        click.echo(format_json(report))
    else:
        click.echo(format_text(report, color=sys.stdout.isatty()))
    if report.has_errors:
        click.get_current_context().exit(api.ChecksFailed.exit_code)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出文件夹（默认 申报文件夹/output）。")
@click.option("--force", is_flag=True, help="检查有错误时仍然生成。")
@click.option("--pdf", is_flag=True, help="另外生成 申报书.pdf 和 申报材料.pdf（需要 LibreOffice）。")
@click.option("--duplex", is_flag=True, help="双面打印：各部分从右页（奇数页）开始，页码印在外侧。")
@handle_errors
def build(directory: Path, out_dir: Path | None, force: bool, pdf: bool, duplex: bool) -> None:
    """生成 申报书.docx 和 证明材料.pdf（先运行全部检查）。"""
    from . import api

    result = api.build(directory, out_dir=out_dir, force=force, pdf=pdf, duplex=duplex,
                       progress=_progress_factory())
    echo_problems(result.warnings)
    click.echo(result.summary())


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的 PDF 文件。")
@click.option("--stamp", default="第 {n} 页", show_default=True,
              help="页码格式：{n} 为页码，{total} 为总页数，如 “— {n} —”、“{n} / {total}”。")
@click.option("--start", type=int, default=1, show_default=True, help="起始页码。")
@click.option("--no-toc", is_flag=True, help="不生成目录页。")
@click.option("--password", default=None, help="加密 PDF 的打开密码（对所有输入文件尝试）。")
@handle_errors
def bundle(files: tuple[Path, ...], out: Path, stamp: str, start: int, no_toc: bool,
           password: str | None) -> None:
    """把任意文件（PDF、图片、Office 文档）合并为一个加页码、目录和书签的 PDF。"""
    from . import api

    result = api.bundle_files(list(files), out, stamp=stamp, start=start, toc=not no_toc,
                              password=password, progress=_progress_factory())
    echo_problems(result.warnings)
    click.echo(result.summary())


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("source", required=False, default="-")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。")
@handle_errors
def count(source: str, fmt: str) -> None:
    """按 Word“字数统计”的规则统计字数（文本文件、.docx 或标准输入 -）。"""
    from . import api

    counts = api.count(source)
    if fmt == "json":
        click.echo(json.dumps(counts.as_dict(), ensure_ascii=False))
    else:
        for label, value in counts.as_dict().items():
            click.echo(f"{label} {value}")


def _progress_factory() -> Callable[[int, str], Any] | None:
    """A progress callback (total, label) → context manager with update(n), for terminals only."""
    if not sys.stderr.isatty():
        return None

    def make(total: int, label: str) -> Any:
        return click.progressbar(length=total, label=label, file=sys.stderr)

    return make


def main() -> None:
    cli(prog_name="skilldoc")


if __name__ == "__main__":
    main()
