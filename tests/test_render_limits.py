"""Hostile section templates: every one ends quickly, in bounded memory, with a message at its line.

Each hostile template is built here.  The in-process tests check the message, the line and the
time; the CLI tests run ``skilldoc check`` in a child process and measure the peak memory of
that process (``os.wait4``), so a guard that allocates first and refuses later would fail them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skilldoc import limits
from skilldoc.errors import InputError, Problem, Severity
from skilldoc.form import SECTIONS
from skilldoc.model import Application, Header, SectionSource
from skilldoc.render import render_sections

ROOT = Path(__file__).resolve().parent.parent

BIG = '{% set s = "x" * 1000000 %}'

# name → (template, expected line, words the message holds)
HOSTILE: dict[str, tuple[str, int, str]] = {
    "string repetition": ('第一行\n{{ "x" * 10**9 }}', 2, "1,000,000,000 个字符"),
    "list repetition": ("\n\n{{ ([0] * 10**9) | length }}", 3, "1,000,000,000 项"),
    "printf width": ('{{ "%0999999999d" % 1 }}', 1, "个字符"),
    "printf of a huge value": (BIG + '\n{{ "%s%s" % (s, s) }}', 2, "个字符"),
    "str method width": ('{{ "x".ljust(10**9) }}', 1, "个字符"),
    "str replace product": (BIG + '\n{{ s.replace("x", s) }}', 2, "个字符"),
    "str join product": (BIG + '\n{{ s.join(range(1000) | map("string")) }}', 2, "个字符"),
    "center filter": ('{{ "x" | center(1000000000) }}', 1, "个字符"),
    "indent filter product": ('{% set s = "\\n" * 100000 %}\n{{ s | indent(100000) }}', 2, "个字符"),
    "replace filter product": ('{% set s = "x" * 100000 %}\n{{ s | replace("x", s) }}', 2, "个字符"),
    "batch fill": ('{{ [1] | batch(1000000000, "x") | list }}', 1, "项"),
    "sum of lists": ("{{ ([[1]] * 100000) | sum(start=[]) }}", 1, "sum"),
    "doubling by ~": ('{% set ns = namespace(s="x") %}\n{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
                      "{% endfor %}", 2, "个字符"),
    "doubling by +": ('{% set ns = namespace(s=[1]) %}\n{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}'
                      "{% endfor %}", 2, "项"),
    "nested loops": ("{% for i in range(100000) %}\n{% for j in range(100000) %}.{% endfor %}{% endfor %}", 2,
                     "步"),
    "huge range": ("\n{% for i in range(10**12) %}.{% endfor %}", 2, "range"),
    "join of big parts": ('{{ range(100000) | join("x" * 100000) }}', 1, "个字符"),
    "exponential macro": ("{% macro f(n) %}\n{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}\n"
                          "{{ f(60) }}", 2, "40 层"),
    "endless recursion": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", 1, "40 层"),
    "recursive loop": ("{% for x in [1] recursive %}{{ loop([1, 1]) }}{% endfor %}", 1, "层"),
    "big integer power": ("{{ 10 ** (10 ** 8) }}", 1, "位的数字"),
    "big integer squaring": ("{% set ns = namespace(n=10) %}{% for i in range(40) %}"
                             "{% set ns.n = ns.n * ns.n %}{% endfor %}", 1, "位的数字"),
    "slices kept in a list": (BIG + '{% set ns = namespace(l=[]) %}\n{% for i in range(5000) %}'
                              "{% set ns.l = ns.l + [s[i:]] %}{% endfor %}", 2, "累计"),
    "printing a long list": ('{% set s = "x" * 100000 %}\n{{ [s] * 100000 }}', 2, "个字符"),
    "big string printed in a macro loop": (BIG + "{% macro m() %}\n{% for i in range(100000) %}{{ s }}{% endfor %}"
                                           "{% endmacro %}{{ m() }}", 2, "累计"),
    "literal text in a macro loop": ("{% macro m() %}{% for i in range(100000) %}" + "y" * 100000
                                     + "{% endfor %}{% endmacro %}{{ m() }}", 1, "累计"),
    "output too long": ("开头\n{% for i in range(100) %}" + "字" * 20000 + "{% endfor %}", 2, "生成的文字超过"),
    "self-similar lists compared": ("{% set ns = namespace(a=[1], b=[1]) %}{% for i in range(60) %}\n"
                                    "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}"
                                    "{{ ns.a == ns.b }}", 2, "嵌套超过"),
    "self-similar dicts compared": ("{% set ns = namespace(a={}, b={}) %}{% for i in range(60) %}\n"
                                    "{% set ns.a = dict(x=ns.a, y=ns.a) %}{% set ns.b = dict(x=ns.b, y=ns.b) %}"
                                    "{% endfor %}{{ ns.a == ns.b }}", 2, "嵌套超过"),
    "self-similar namespaces printed": ("{% set ns = namespace(a=1) %}{% for i in range(60) %}"
                                        "{% set ns.a = namespace(x=ns.a, y=ns.a) %}{% endfor %}\n{{ 'a' ~ ns.a }}", 2,
                                        "个字符"),
    "wordwrap of long text": (BIG + '\n{{ s | wordwrap(1) }}', 2, "个字符"),
    "str.format width": ('{{ "{:>999999999}".format(1) }}', 1, "format"),
}


def _source(text: str) -> SectionSource:
    return SectionSource(SECTIONS[0], Path("sections/1-申报背景.md"), text)


def _problems(text: str) -> list[Problem]:
    app = Application(Header({}), (), (), (), ())
    with pytest.raises(InputError) as info:
        render_sections(app, [_source(text)], {})
    return [p for p in info.value.problems if p.severity is Severity.ERROR]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_template_stops_at_its_line(name: str) -> None:
    text, line, words = HOSTILE[name]
    started = time.monotonic()
    problems = _problems(text)
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{name}: {elapsed:.1f} s"
    assert len(problems) == 1, [p.render() for p in problems]
    (problem,) = problems
    assert problem.location is not None and problem.location.file == "sections/1-申报背景.md"
    assert problem.location.line == line, problem.render()
    assert words in problem.message, problem.render()
    assert problem.code in ("render.limit", "render.security"), problem.code


def test_a_mistake_repeated_in_a_loop_is_listed_a_bounded_number_of_times() -> None:
    app = Application(Header({}), (), (), (), ())
    text = '第一行\n{% for i in range(100000) %}{{ 证明("X" ~ i) }}{% endfor %}'
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        render_sections(app, [_source(text)], {})
    assert time.monotonic() - started < 10
    problems = info.value.problems
    assert len(problems) == limits.TEMPLATE_MAX_PROBLEMS + 1
    assert all(p.code == "render.evidence" and p.location.line == 2 for p in problems[:-1])
    assert problems[-1].code == "render.too_many" and problems[-1].severity is Severity.ERROR


def test_the_time_limit_stops_a_slow_template(monkeypatch: pytest.MonkeyPatch) -> None:
    # each step is slow (a membership test over a long list), so the step count stays low
    monkeypatch.setattr(limits, "TEMPLATE_MAX_SECONDS", 0.5)
    text = '{% set big = range(100000) | list %}\n{% for i in range(100000) %}{{ -1 in big }}{% endfor %}'
    started = time.monotonic()
    (problem,) = _problems(text)
    assert time.monotonic() - started < 3
    assert problem.code == "render.limit" and "0.5 秒" in problem.message and problem.location.line == 2


@pytest.mark.parametrize("text, line, words", [
    ("第一行\n" + "{% if true %}" * 2000 + "x" + "{% endif %}" * 2000, 2, "嵌套超过 12 层"),
    ("{% for a in [1] %}" * 30 + "x" + "{% endfor %}" * 30, 1, "嵌套超过 12 层"),
    ("\n\n{{ " + "(" * 1000 + "1" + ")" * 1000 + " }}", 3, "括号嵌套"),
    ("{{ " + "[" * 100 + "]" * 100 + " }}", 1, "括号嵌套"),
    ("{{ 1" + " + 1" * 1000 + " }}", 1, "运算超过"),
    ("{{ x" + ".a" * 1000 + " }}", 1, "运算超过"),
    ("{{ " + "not " * 1000 + "1 }}", 1, "运算超过"),
    ("{{ 1" + "|abs" * 1000 + " }}", 1, "运算超过"),
    ("第一行\n" + "{{ 1 }}\n" * 100_000, 2_002, "超过 2,000 个"),  # compiling 100,000 tags: minutes, gigabytes
    ("第一行\n" + "{{ 1+1+1+1+1+1+1+1+1 }}" * 10_000, 2, "记号"),
])
def test_deep_nesting_is_a_template_error_at_its_line(text: str, line: int, words: str) -> None:
    (problem,) = _problems(text)
    assert problem.location is not None and problem.location.line == line, problem.render()
    assert words in problem.message and problem.code == "render.limit"


def test_nesting_within_the_limits_renders() -> None:
    app = Application(Header({}), (), (), (), ())
    depth = limits.TEMPLATE_MAX_NESTING
    text = "{% if true %}" * depth + "深" + "{% endif %}" * depth
    text += "{% for a in [1] %}" * depth + "{{ " + "(" * 15 + "a" + ")" * 15 + " + 1" * 50 + " }}" \
        + "{% endfor %}" * depth
    text += "{% set x = 1 %}" * 40  # {% set x = … %} opens no block
    rendered, _ = render_sections(app, [_source(text)], {})
    assert rendered[0].text == "深51"


def test_ordinary_loops_macros_and_text_are_untouched() -> None:
    app = Application(Header({}), (), (), (), ())
    text = ('{% macro 行(n) %}第{{ n }}行{% endmacro %}{% for i in range(3) %}{{ 行(i) }}{% if not loop.last %}、'
            '{% endif %}{% endfor %}{{ "a" ~ 1 ~ "<&>" }}{{ [1, 2] + [3] }}{{ "ab" * 2 }}{{ "%s%%" % 5 }}'
            '{{ "x,y".split(",") | join("/") }}{{ "abc"[1:] }}{{ 2 ** 10 }}{{ range(3) | list | length }}'
            '{{ {"k": "v"}.k }}{{ "a-b".replace("-", "+") }}{{ ["x", "y"] | map("upper") | join("、") }}'
            '{{ ["b", "a"] | map("upper") | list | sort | first }}{{ range(3) | select("odd") | list }}'
            '{% for a, b in [(1, "x"), (2, "y")] %}{{ a }}{{ b }}{% endfor %}{% set c, d = 5, [6] %}{{ c }}{{ d }}')
    rendered, warnings = render_sections(app, [_source(text)], {})
    assert rendered[0].text == "第0行、第1行、第2行a1<&>1、2、3abab5%x/ybc10243va+bX、YA11x2y56"
    assert warnings == []


# --- the whole command, in a child process: peak memory and time -----------------------


def _run_measured(folder: Path) -> tuple[int, str, float, float]:
    """Run ``skilldoc check FOLDER``; → exit code, stderr, peak RSS (MiB) of the child (``os.wait4``), seconds."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    with open(os.devnull, "wb") as null, (folder.parent / "stderr.txt").open("wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "skilldoc", "check", str(folder)], stdout=null, stderr=err,
                                env=env)
        deadline = started + 120
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    text = (folder.parent / "stderr.txt").read_text("utf-8", "replace")
    return proc.returncode, text, usage.ru_maxrss / 1024, seconds


CLI_CASES = {
    "string repetition": ('{{ "x" * 10**9 }}', "第 1 行", "个字符"),
    "nested loops": ("{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
                     "第 1 行", "步"),
    "exponential macro": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                          "{{ f(30) }}", "第 1 行", "步"),
    "slices kept in a list": (BIG + '{% set ns = namespace(l=[]) %}{% for i in range(5000) %}'
                              "{% set ns.l = ns.l + [s[i:]] %}{% endfor %}", "第 1 行", "累计"),
    "2,000 nested ifs": ("{% if true %}" * 2000 + "x" + "{% endif %}" * 2000, "第 1 行", "嵌套"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CLI_CASES))
def test_check_on_a_hostile_template_ends_quickly_in_bounded_memory(name: str, sample_dir: Path) -> None:
    text, line, words = CLI_CASES[name]
    (sample_dir / "sections" / "1-申报背景.md").write_text(text, encoding="utf-8")
    code, err, peak_mib, seconds = _run_measured(sample_dir)
    assert code == 3, err
    assert f"sections/1-申报背景.md {line}" in err and words in err, err
    assert "Traceback" not in err and "MemoryError" not in err
    assert peak_mib < 400, f"{name}: peak {peak_mib:.0f} MiB"
    assert seconds < 60, f"{name}: {seconds:.0f} s"


@pytest.mark.slow
def test_a_huge_section_file_is_refused_unread(sample_dir: Path) -> None:
    path = sample_dir / "sections" / "1-申报背景.md"
    with path.open("wb") as fh:  # sparse: 200 MB on disk costs nothing
        fh.truncate(200 * 1024 * 1024)
    code, err, peak_mib, _ = _run_measured(sample_dir)
    assert code == 3 and "sections/1-申报背景.md" in err and "文件过大" in err, err
    assert peak_mib < 400

