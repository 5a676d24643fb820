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

# click's own words (help headings, usage errors) in Chinese.  click looks them up
# through gettext at the moment it prints them; its modules hold ``_``/``ngettext``
# as globals, which _install_chinese_click_messages() points at this table.
# Anything not listed stays as click wrote it.
CLICK_MESSAGES = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令（init、check、build、bundle、count、ui 之一）。",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such option: {name}": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令“{name}”（可用：init、check、build、bundle、count、vars、ui）。",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name} 后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是整数。",
    "{value!r} is not {choice}.": "“{value}”不是可选值 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选值（{choices}）之一。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是一个文件，这里需要的是文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}”是一个文件夹，这里需要的是文件名。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
}


def _zh(message: str) -> str:
    return CLICK_MESSAGES.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


def _install_chinese_click_messages() -> None:
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "_optparse", "types", "termui"):
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:
            continue
        if callable(getattr(module, "_", None)):
            module._ = _zh  # type: ignore[attr-defined]
        if callable(getattr(module, "ngettext", None)):
            module.ngettext = _zh_n  # type: ignore[attr-defined]
    import click.formatting

    click.formatting.term_len = _display_width  # align Chinese metavars


def _display_width(x: str) -> int:
    """Terminal columns: Chinese characters take two (click counts one, misaligning help tables).

    Replaces ``click.formatting.term_len``, so the parameter keeps click's name.
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in click.unstyle(x))


_install_chinese_click_messages()


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


@click.group(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]", subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", message="skilldoc %(version)s", help="显示版本号并退出。")
@click.option("-v", "--verbose", is_flag=True, help="出错时显示完整的调试信息（traceback）。")
def cli(verbose: bool) -> None:
    """skilldoc：国家技能根基工程培训基地申报书生成工具。

    \b
    典型流程：
      skilldoc init 我的申报        # 生成申报文件夹（工作簿、八个正文模板、证明材料文件夹）
      （填写 申报数据.xlsx，撰写 sections/ 下的正文，放入证明材料）
      skilldoc check 我的申报       # 检查字数、完整性与遴选标准
      skilldoc build 我的申报       # 生成 申报书.docx 与 证明材料.pdf

    每个命令的用法：skilldoc 命令 -h，例如 skilldoc build -h。
    """


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("directory", metavar="文件夹", type=click.Path(file_okay=False, path_type=Path))
@click.option("--year", type=int, default=None, metavar="年份", help="填报年份（默认今年）；培训总量取此前三年。")
@handle_errors
def init(directory: Path, year: int | None) -> None:
    """创建申报文件夹：申报数据.xlsx、八个正文模板和证明材料文件夹。

    \b
    例：
      skilldoc init 我的申报
      skilldoc init 我的申报 --year 2022   # 按 2022 年填报（培训总量为 2019—2021 年）
    """
    from . import api

    result = api.init(directory, year=year)
    click.echo(f"已创建申报文件夹：{result.root}")
    for path in result.created:
        click.echo(f"  {path.relative_to(result.root)}")
    click.echo("下一步：填写 申报数据.xlsx，撰写 sections/ 下的正文，然后运行 skilldoc check。")


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("directory", metavar="申报文件夹", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="报告格式：text 供人阅读，json 供其他程序读取。")
@click.option("--limit", type=int, default=None, metavar="字数", help="每部分字数上限（默认 3000）。")
@click.option("--standard", "standards", multiple=True, metavar="标准",
              help="对照的遴选标准，可多次指定：national（默认，国家技能根基工程培训基地建设遴选参考标准）、"
                   "hr2022-62-new、hr2022-62-existing（人社部发〔2022〕62号 新建/已建项目），或一个 .toml 文件。")
@handle_errors
def check(directory: Path, fmt: str, limit: int | None, standards: tuple[str, ...]) -> None:
    """检查申报材料：各部分字数、必填项、数据一致性、证明材料与遴选参考标准。

    \b
    例：
      skilldoc check 我的申报
      skilldoc check 我的申报 --format json > 检查报告.json
      skilldoc check 我的申报 --standard hr2022-62-new
    """
    from . import api
    from .checks.report import format_json, format_text

    report = api.check(directory, limit=limit, standards=standards or ("national",))
    if fmt == "json":
        click.echo(format_json(report))
    else:
        click.echo(format_text(report, color=sys.stdout.isatty()))
    if report.has_errors:
        click.get_current_context().exit(api.ChecksFailed.exit_code)


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("directory", metavar="申报文件夹", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="文件夹", help="输出文件夹（默认 申报文件夹/output）。")
@click.option("--force", is_flag=True, help="检查有错误时仍然生成。")
@click.option("--pdf", is_flag=True, help="另外生成 申报书.pdf 和 申报材料.pdf（需要 LibreOffice）。")
@click.option("--duplex", is_flag=True, help="双面打印：各部分从右页（奇数页）开始，页码印在外侧。")
@click.option("--odd-items", is_flag=True, help="与 --duplex 同用：每份证明材料也从右页开始（插入无页码的空白页）。")
@click.option("--stamp", default=None, metavar="格式",
              help="证明材料页码格式：{n} 为页码，{total} 为总页数，如 “— {n} —”（默认 “第 {n} 页”）。")
@click.option("--start", type=int, default=1, show_default=True, metavar="数字", help="证明材料起始页码。")
@handle_errors
def build(directory: Path, out_dir: Path | None, force: bool, pdf: bool, duplex: bool, odd_items: bool,
          stamp: str | None, start: int) -> None:
    """生成 申报书.docx 和 证明材料.pdf（先运行全部检查）。

    \b
    例：
      skilldoc build 我的申报                   # 生成到 我的申报/output/
      skilldoc build 我的申报 --pdf --duplex    # 另外生成双面打印用的 PDF
    """
    from . import api

    if odd_items and not duplex:
        raise click.UsageError("--odd-items 需与 --duplex 一起使用。")
    result = api.build(directory, out_dir=out_dir, force=force, pdf=pdf, duplex=duplex, odd_items=odd_items,
                       stamp=stamp, start=start, progress=_progress_factory())
    echo_problems(result.warnings)
    click.echo(result.summary())


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("files", nargs=-1, required=True, metavar="文件...", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="文件.pdf", help="输出的 PDF 文件。")
@click.option("--stamp", default="第 {n} 页", show_default=True, metavar="格式",
              help="页码格式：{n} 为页码，{total} 为总页数，如 “— {n} —”、“{n} / {total}”。")
@click.option("--start", type=int, default=1, show_default=True, metavar="页码", help="起始页码。")
@click.option("--no-toc", is_flag=True, help="不生成目录页。")
@click.option("--password", default=None, metavar="密码", help="加密 PDF 的打开密码（对所有输入文件尝试）。")
@handle_errors
def bundle(files: tuple[Path, ...], out: Path, stamp: str, start: int, no_toc: bool,
           password: str | None) -> None:
    """把任意文件（PDF、图片、Office 文档）合并为一个加页码、目录和书签的 PDF。

    \b
    例：
      skilldoc bundle 营业执照.pdf 证书.jpg 合同.docx -o 合并.pdf
      skilldoc bundle 扫描件/*.pdf -o 合并.pdf --stamp "— {n} —" --start 5
    """
    from . import api

    result = api.bundle_files(list(files), out, stamp=stamp, start=start, toc=not no_toc,
                              password=password, progress=_progress_factory())
    echo_problems(result.warnings)
    click.echo(result.summary())


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("source", required=False, default="-", metavar="[文件|-]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。")
@handle_errors
def count(source: str, fmt: str) -> None:
    """按 Word“字数统计”的规则统计字数（文本文件、.docx 或标准输入 -）。

    \b
    例：
      skilldoc count 我的申报/sections/1-申报背景.md
      skilldoc count 我的申报/output/申报书.docx
      skilldoc count            # 直接输入或粘贴文字，按 Ctrl+D（Windows：Ctrl+Z 后回车）结束
    """
    from . import api

    if source == "-" and sys.stdin.isatty():
        click.echo("请输入或粘贴文字，结束时按 Ctrl+D（Windows：Ctrl+Z 后回车）：", err=True)
    counts = api.count(source)
    if fmt == "json":
        click.echo(json.dumps(counts.as_dict(), ensure_ascii=False))
    else:
        for label, value in counts.as_dict().items():
            click.echo(f"{label} {value}")


@cli.command(name="vars", context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.option("--kind", type=click.Choice(["变量", "函数", "过滤器"]), default=None, metavar="种类",
              help="只列出一种：变量、函数或过滤器。")
@handle_errors
def vars_(kind: str | None) -> None:
    """列出正文模板中可用的变量、函数（如 证明）和过滤器（如 千分位），附含义和输出示例。

    \b
    例：
      skilldoc vars
      skilldoc vars --kind 函数
    """
    from .render import describe_context

    for entry in describe_context():
        if kind and entry.kind != kind:
            continue
        example = f"  → {entry.example}" if entry.example else ""
        click.echo(f"[{entry.kind}] {entry.name}：{entry.description}{example}")


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("directory", metavar="[申报文件夹]", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(1, 65535), default=None, metavar="端口", help="端口号（默认自动选一个空闲端口）。")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听地址。只有需要让同一网络的其他电脑访问时才改（如 0.0.0.0），仍需令牌。")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器。")
@handle_errors
def ui(directory: Path | None, port: int | None, host: str, no_browser: bool) -> None:
    """启动网页工作台：在浏览器中填写、检查、撰写正文、整理证明材料并生成申报书。

    \b
    例：
      skilldoc ui                 # 打开开始页：新建或打开申报文件夹
      skilldoc ui 我的申报        # 直接打开这个申报文件夹
    按 Ctrl+C 停止。
    """
    from .ui.server import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"警告：工作台将在 {host} 上监听，同一网络中的其他电脑也能连接（仍需令牌）。"
                    "令牌等同于打开申报文件夹的钥匙，请勿外传；不用时按 Ctrl+C 关闭。", fg="yellow", err=True)
    if directory is not None:
        from . import project

        project.locate(directory)  # a clear message now rather than in the browser
    try:
        serve(directory, host=host, port=port, open_browser=not no_browser, say=click.echo)
    except KeyboardInterrupt:  # uvicorn stops cleanly on Ctrl+C, then passes the signal on
        pass
    except OSError as exc:
        import errno

        from .pipeline import os_reason

        taken = exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048
        reason = "端口已被其他程序占用" if taken else os_reason(exc)
        raise click.ClickException(f"无法在 {host}:{port or '自动端口'} 启动：{reason}"
                                   "（换一个 --port，或不指定让程序自动选择）") from None
    click.echo("工作台已停止。")


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
