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
from .limits import SCORE_SHEETS_MAX

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
    "Missing command.": "缺少命令（ui、init、import、check、build、bundle、count、review 之一）。",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such option: {name}": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令“{name}”（可用：ui、init、import、check、build、bundle、count、vars、review）。",
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
    "{value} is not in the range {range}.": "{value} 超出允许的范围（{range}）。",
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
@click.option("--docx", is_flag=True, help="八个正文模板写成 Word 文档（sections/N-名称.docx），而不是文本文件（.md）。")
@handle_errors
def init(directory: Path, year: int | None, docx: bool) -> None:
    """创建申报文件夹：申报数据.xlsx、八个正文模板和证明材料文件夹。

    \b
    例：
      skilldoc init 我的申报
      skilldoc init 我的申报 --year 2022   # 按 2022 年填报（培训总量为 2019—2021 年）
      skilldoc init 我的申报 --docx        # 正文用 Word 撰写
    """
    from . import api

    result = api.init(directory, year=year, docx=docx)
    click.echo(f"已创建申报文件夹：{result.root}")
    for path in result.created:
        click.echo(f"  {path.relative_to(result.root)}")
    click.echo("下一步：填写 申报数据.xlsx，撰写 sections/ 下的正文，然后运行 skilldoc check。")


@cli.command(context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("directory", metavar="申报文件夹|申报书.docx", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="报告格式：text 供人阅读，json 供其他程序读取。")
@click.option("--limit", type=int, default=None, metavar="字数", help="每部分字数上限（默认 3000）。")
@click.option("--standard", "standards", multiple=True, metavar="标准",
              help="对照的遴选标准，可多次指定：national（默认，国家技能根基工程培训基地建设遴选参考标准）、"
                   "hr2022-62-new、hr2022-62-existing（人社部发〔2022〕62号 新建/已建项目），或一个 .toml 文件。")
@click.option("--rubric", default=None, metavar="评审细则",
              help="另外按评分细则估算：gaojineng-jidi（高技能人才培训基地认定评审细则）或一个 .toml 文件。")
@click.option("--variant", default=None, metavar="类型", help="评审细则的类型，如 线下基地（默认）、线上平台。")
@handle_errors
def check(directory: Path, fmt: str, limit: int | None, standards: tuple[str, ...], rubric: str | None,
          variant: str | None) -> None:
    """检查申报材料：各部分字数、必填项、数据一致性、证明材料与遴选参考标准。

    也可以直接检查一份申报书（.docx，不论是否由 skilldoc 生成）：从表格和正文读出的内容做同样的检查。

    \b
    例：
      skilldoc check 我的申报
      skilldoc check 我的申报 --format json > 检查报告.json
      skilldoc check 我的申报 --standard hr2022-62-new
      skilldoc check 申报书.docx
      skilldoc check 我的申报 --rubric gaojineng-jidi   # 按评审细则看数据可得的分数和缺少的佐证材料
    """
    from . import api
    from .checks.report import BUILD_ADVICE, format_json, format_text

    if variant and not rubric:
        raise click.UsageError("--variant 需与 --rubric 一起使用。")
    chosen = standards or ("national",)
    if directory.is_dir():
        report = api.check(directory, limit=limit, standards=chosen)
    else:
        report = api.check_docx(directory, limit=limit, standards=chosen)
    view = api.rubric_outlook(directory, rubric, variant=variant) if rubric else None
    if fmt == "json":
        if view is None:
            click.echo(format_json(report))
        else:
            from .review.rubric import outlook_dict

            data = json.loads(format_json(report))
            data["rubric"] = outlook_dict(view)
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        text = format_text(report, color=sys.stdout.isatty())
        if not directory.is_dir():  # a 申报书.docx is not built here
            text = "\n".join(line for line in text.splitlines() if line != BUILD_ADVICE)
        click.echo(text)
        if view is not None:
            from .review.rubric import format_outlook

            click.echo("")
            click.echo(format_outlook(view))
    if report.has_errors:  # evidence that cannot be used: 4, as build says; other findings: 5
        click.get_current_context().exit(api.EvidenceError.exit_code if report.evidence_failed
                                         else api.ChecksFailed.exit_code)


@cli.command(name="import", context_settings=CONTEXT_SETTINGS, options_metavar="[选项]")
@click.argument("source", metavar="申报书.docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", metavar="文件夹", type=click.Path(path_type=Path))
@click.option("--md", is_flag=True, help="正文写成文本文件（sections/N-名称.md），默认写成 Word 文档（.docx）。")
@handle_errors
def import_(source: Path, directory: Path, md: bool) -> None:
    """从手工填写的申报书（.docx）建立申报文件夹：表头各项、培训总量、职业（工种）和八个部分的正文。

    文件夹必须不存在或为空；原申报书不会被修改。读不出或只读出一部分的内容会列出（警告），请在工作簿中补全。

    \b
    例：
      skilldoc import 去年的申报书.docx 我的申报
      skilldoc import 申报书.docx 我的申报 --md
    """
    from . import api

    result = api.import_docx(source, directory, md=md)
    click.echo(f"已从 {result.source} 导入，读到的内容：")
    for item in result.found:
        click.echo(f"  {item.what}：{item.value}（{item.where}）")
    if result.literal_refs:
        click.echo("正文中手写的证明材料页码（已按原文保留，登记证明材料后可换成 {{ 证明(\"编号\") }}）：")
        for title, ref in result.literal_refs:
            click.echo(f"  {title}：{ref}")
    echo_problems(result.warnings)
    click.echo(f"已创建申报文件夹：{result.root}")
    for path in result.created:
        click.echo(f"  {path.relative_to(result.root)}")
    click.echo("下一步：在 申报数据.xlsx 中补全各职业（工种）的实训设备数量和总值、专家团队和证明材料（申报书表格中没有这些栏目），"
               "然后运行 skilldoc check。")


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
@click.argument("inputs", nargs=-1, required=True, metavar="申报...", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              metavar="文件夹", help="输出文件夹（审核汇总表.xlsx 等写在这里）。")
@click.option("--standard", "standards", multiple=True, metavar="标准",
              help="对照的遴选标准（同 skilldoc check），默认 national。")
@click.option("--limit", type=int, default=None, metavar="字数", help="每部分字数上限（默认 3000）。")
@click.option("--rubric", default=None, metavar="评审细则",
              help="评审细则：gaojineng-jidi（高技能人才培训基地认定评审细则）或一个 .toml 文件。")
@click.option("--variant", default=None, metavar="类型", help="评审细则的类型，如 线下基地（默认）、线上平台。")
@click.option("--score-sheets", type=click.IntRange(min=1, max=SCORE_SHEETS_MAX), default=None, metavar="N",
              help="生成 N 份专家评分表（评分表-专家01.xlsx …），需要 --rubric。")
@click.option("--scores", "scores", multiple=True, type=click.Path(exists=True, path_type=Path),
              metavar="评分表", help="收集专家填好的评分表：一个 .xlsx 或放着评分表的文件夹（可多次指定），"
                                  "生成 评分汇总表.xlsx，需要 --rubric。")
@click.option("--quota", type=click.IntRange(min=1), default=None, metavar="N",
              help="推荐名额（盟市 3，省 5）：生成 推荐汇总表.xlsx 和 推荐报告.docx。")
@click.option("--report-template", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="模板", help="推荐报告中每个推荐单位那段文字的 Jinja 模板（默认见 README）。")
@handle_errors
def review(inputs: tuple[Path, ...], out_dir: Path, standards: tuple[str, ...], limit: int | None,
           rubric: str | None, variant: str | None, score_sheets: int | None, scores: tuple[Path, ...],
           quota: int | None, report_template: Path | None) -> None:
    """审核多份申报：汇总表、专家评分表、评分汇总、按名额排序推荐。

    每个“申报”可以是申报文件夹、申报书 .docx，或包含多份申报的文件夹。某一份无法读取时，
    汇总表中该行写明原因，其余照常审核。

    \b
    例：
      skilldoc review 收到的申报/ -o 审核结果
      skilldoc review 收到的申报/ -o 审核结果 --rubric gaojineng-jidi --score-sheets 5
      skilldoc review 收到的申报/ -o 审核结果 --rubric gaojineng-jidi --scores 回收的评分表/ --quota 3
    """
    from . import api

    if (score_sheets or scores) and not rubric:
        raise click.UsageError("--score-sheets 和 --scores 需要同时给出 --rubric。")
    if variant and not rubric:
        raise click.UsageError("--variant 需与 --rubric 一起使用。")
    if report_template and not quota:
        raise click.UsageError("--report-template 需与 --quota 一起使用。")
    result = api.review(list(inputs), out_dir, standards=standards or ("national",), limit=limit, rubric=rubric,
                        variant=variant, score_sheets=score_sheets or 0, scores=list(scores), quota=quota,
                        report_template=report_template)
    click.echo(result.summary())
    if result.reviewed and not any(r.ok for r in result.reviewed):
        from .errors import InputError

        raise InputError("没有一份申报可以审核", [Problem(
            f"给出的 {len(result.reviewed)} 份申报都无法读取（原因见上，也写在审核汇总表中）", None,
            "检查路径是否正确：每份申报应是申报文件夹（含 申报数据.xlsx）或申报书 .docx", code="review.none")])


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
    warnings: list[Problem] = []
    counts = api.count(source, warnings)
    echo_problems(warnings)
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
