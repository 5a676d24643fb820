"""LibreOffice headless conversion: finding soffice, real conversions, failures, timeouts."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from skilldoc import office
from skilldoc.errors import ConversionError, ToolMissing


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    """A stand-in executable (a shell script) for failure paths LibreOffice cannot be made to take."""
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


posix_only = pytest.mark.skipif(os.name != "posix", reason="shell-script stand-in")
fontconfig_only = pytest.mark.skipif(not office._uses_fontconfig(), reason="LibreOffice uses fontconfig here only")


def make_docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("营业执照（副本）", level=1)
    document.add_paragraph(text)
    document.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "设备清单"
    sheet.append(["设备名称", "数量", "金额（万元）"])
    sheet.append(["数控车床", 12, 96.5])
    sheet.append(["焊接机器人", 3, 120])
    book.save(path)
    return path


# --- finding soffice -----------------------------------------------------------------


def test_env_var_wins(tmp_path, monkeypatch):
    fake = _fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    assert office.find_soffice() == str(fake)


def test_env_var_pointing_nowhere_is_ignored_and_named_when_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setenv(office.ENV_VAR, str(tmp_path / "no-such-soffice"))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    assert office.find_soffice() is None
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK\x03\x04")
    with pytest.raises(ToolMissing) as info:
        office.convert_to_pdf(src, tmp_path / "out")
    (problem,) = info.value.problems
    assert problem.location.file == str(src)
    assert "LibreOffice" in problem.message and "no-such-soffice" in problem.message
    assert "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in problem.hint
    assert "libreoffice.org" in problem.hint and office.ENV_VAR in problem.hint
    assert info.value.exit_code == 6
    assert not (tmp_path / "out").exists()


def test_usual_install_locations_are_searched(tmp_path, monkeypatch):
    monkeypatch.delenv(office.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    installed = _fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setattr(office, "_candidates", lambda: [tmp_path / "missing", installed])
    assert office.find_soffice() == str(installed)


# --- failures, with a stand-in --------------------------------------------------------


@posix_only
def test_isolated_profile_and_arguments(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    fake = _fake_soffice(tmp_path, f'for a in "$@"; do echo "$a" >> "{log}"; done\nexit 0\n')
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "报告 (1).docx"
    src.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ConversionError):  # the stand-in writes no PDF
        office.convert_to_pdf(src, tmp_path / "out")
    args = log.read_text("utf-8").splitlines()
    profile = [a for a in args if a.startswith("-env:UserInstallation=file:///")]
    assert len(profile) == 1 and "skilldoc-soffice-" in profile[0]
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf"
    assert args[-1].endswith("source.docx")  # a private copy, never the user's file
    assert str(src) not in args


@posix_only
def test_failure_names_the_file(tmp_path, monkeypatch):
    fake = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded'\nexit 1\n")
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "坏文件.docx"
    src.write_bytes(b"garbage")
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out")
    (problem,) = info.value.problems
    assert problem.location.file == str(src)
    assert "退出码 1" in problem.message and "could not be loaded" in problem.message
    assert info.value.exit_code == 8
    assert not list((tmp_path / "out").glob("*.pdf"))


@posix_only
def test_timeout_kills_the_whole_process_group(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f'sleep 60 &\necho $! > "{pidfile}"\nwait\n')
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    src = tmp_path / "slow.docx"
    src.write_bytes(b"PK\x03\x04")
    start = time.monotonic()
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out", timeout=1)
    assert time.monotonic() - start < 10
    assert "超时" in info.value.problems[0].message
    assert info.value.problems[0].location.file == str(src)
    child = int(pidfile.read_text().strip())
    for _ in range(50):  # the grandchild must be gone (killed with the group), not orphaned
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{child}/stat").exists() and Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process survived the timeout")


# --- the real LibreOffice --------------------------------------------------------------


@pytest.mark.slow
def test_real_docx_conversion(tmp_path, soffice):
    folder = tmp_path / "证明材料"
    folder.mkdir()
    src = make_docx(folder / "营业执照 说明.docx", "统一社会信用代码：91110000XXXXXXXX <&> {{ 不是模板 }}")
    before = _sha(src)
    listing = sorted(p.name for p in folder.iterdir())
    pdf = office.convert_to_pdf(src, tmp_path / "out")
    assert pdf == tmp_path / "out" / "营业执照 说明.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = "".join(reader.pages[0].extract_text().split())
    assert "营业执照" in text and "<&>" in text
    assert _sha(src) == before  # never modified
    assert sorted(p.name for p in folder.iterdir()) == listing  # no lock or temp files beside it
    assert not list((tmp_path / "out").glob(".*"))  # no partial files left


@pytest.mark.slow
def test_real_xlsx_conversion(tmp_path, soffice):
    src = make_xlsx(tmp_path / "设备.xlsx")
    before = _sha(src)
    pdf = office.convert_to_pdf(src, tmp_path / "out")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    assert "焊接机器人" in reader.pages[0].extract_text()
    assert _sha(src) == before


@pytest.mark.slow
def test_real_conversion_of_a_broken_file_fails_clearly(tmp_path, soffice):
    src = tmp_path / "broken.docx"
    src.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a zip header and nothing else
    with pytest.raises(ConversionError) as info:
        office.convert_to_pdf(src, tmp_path / "out", timeout=120)
    assert info.value.problems[0].location.file == str(src)


@pytest.mark.slow
def test_wps_named_file_is_converted_by_its_content(tmp_path, soffice):
    real = make_docx(tmp_path / "real.docx", "WPS 文字另存的文档")
    src = tmp_path / "总结.wps"
    src.write_bytes(real.read_bytes())
    pdf = office.convert_to_pdf(src, tmp_path / "out", suffix=".docx")
    assert "WPS" in PdfReader(pdf).pages[0].extract_text()


# --- several files in one run ----------------------------------------------------------

# A stand-in that "converts" every staged .docx by writing a tiny complete PDF, after $DELAY
# seconds (none for a file whose content says "broken"); with $HANG set it never finishes a run
# of several files.  Each run appends a line.
_BATCH_FAKE = """\
out=""; prev=""; files=""
for a in "$@"; do
  [ "$prev" = "--outdir" ] && out="$a"
  case "$a" in *.docx) files="$files $a";; esac
  prev="$a"
done
echo "$files" >> "{log}"
set -- $files
if [ $# -gt 1 ] && [ -n "$HANG" ]; then sleep 60; fi
sleep "${{DELAY:-0}}"
for f in "$@"; do
  grep -q broken "$f" && continue
  printf '%%PDF-1.4\\n%%%%EOF\\n' > "$out/$(basename "$f" .docx).pdf"
done
"""


@posix_only
def test_batch_is_one_run_with_a_timeout_that_scales_with_the_files(tmp_path, monkeypatch):
    log = tmp_path / "runs.txt"
    monkeypatch.setenv(office.ENV_VAR, str(_fake_soffice(tmp_path, _BATCH_FAKE.format(log=log))))
    monkeypatch.setenv("DELAY", "2")
    sources = []
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.docx").write_bytes(b"PK\x03\x04")
        sources.append((tmp_path / f"{name}.docx", None))
    # 0.5 + 1 × 3 = 3.5 s for the run: enough for the stand-in's 2 s (a fixed 1.5 s would not be)
    results = office.convert_many(sources, tmp_path / "out", timeout_per_file=1, base_timeout=0.5)
    assert results == {src: tmp_path / "out" / f"{src.stem}.pdf" for src, _ in sources}
    assert len(log.read_text().splitlines()) == 1
    assert all("source-00" in arg for arg in log.read_text().split())  # private copies only


@posix_only
def test_a_hung_batch_is_killed_and_each_file_retried_alone(tmp_path, monkeypatch):
    log = tmp_path / "runs.txt"
    monkeypatch.setenv(office.ENV_VAR, str(_fake_soffice(tmp_path, _BATCH_FAKE.format(log=log))))
    monkeypatch.setenv("HANG", "1")
    sources = [(tmp_path / "好.docx", None), (tmp_path / "broken.docx", None), (tmp_path / "也好.docx", None)]
    for src, _ in sources:
        src.write_bytes(b"PK\x03\x04 " + src.stem.encode())
    start = time.monotonic()
    results = office.convert_many(sources, tmp_path / "out", timeout_per_file=0.5, base_timeout=1)
    assert time.monotonic() - start < 15
    assert results[tmp_path / "好.docx"] == tmp_path / "out" / "好.pdf"
    assert results[tmp_path / "也好.docx"] == tmp_path / "out" / "也好.pdf"
    error = results[tmp_path / "broken.docx"]
    assert isinstance(error, ConversionError)
    (problem,) = error.problems
    assert problem.location.file == str(tmp_path / "broken.docx") and problem.code == "office.failed"
    assert len(log.read_text().splitlines()) == 4  # the batch, then each file alone
    assert not (tmp_path / "out" / "broken.pdf").exists()


def test_many_without_libreoffice_is_one_problem_naming_every_file(tmp_path, monkeypatch):
    monkeypatch.delenv(office.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(office, "_candidates", lambda: [])
    sources = [(tmp_path / "甲.docx", None), (tmp_path / "乙.xlsx", None)]
    with pytest.raises(ToolMissing) as info:
        office.convert_many(sources, tmp_path / "out")
    (problem,) = info.value.problems
    assert problem.location.file == str(tmp_path / "甲.docx")
    assert "2 个文件" in problem.message and "甲.docx" in problem.message and "乙.xlsx" in problem.message
    assert not (tmp_path / "out").exists()


def _text(pdf: Path) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


@pytest.mark.slow
def test_real_batch_same_stems_and_a_corrupt_file(tmp_path, soffice):
    first, second = tmp_path / "甲单位", tmp_path / "乙单位"
    first.mkdir()
    second.mkdir()
    one = make_docx(first / "任命文件.docx", "任命甲方张三为主任 ALPHA")
    two = make_docx(second / "任命文件.docx", "任命乙方李四为主任 BRAVO")
    sheet = make_xlsx(first / "设备.xlsx")
    broken = second / "损坏.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    sources = [one, two, sheet, broken]
    before = {p: _sha(p) for p in sources}
    listing = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    start = time.monotonic()
    results = office.convert_many([(p, None) for p in sources], tmp_path / "out")
    elapsed = time.monotonic() - start
    assert "ALPHA" in _text(results[one]) and "BRAVO" not in _text(results[one])
    assert "BRAVO" in _text(results[two]) and "ALPHA" not in _text(results[two])
    assert results[one] != results[two]
    assert "焊接机器人" in _text(results[sheet])
    error = results[broken]
    assert isinstance(error, ConversionError)
    assert [p.location.file for p in error.problems] == [str(broken)]
    assert {p: _sha(p) for p in sources} == before  # never modified
    listing_after = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                           if (tmp_path / "out") not in p.parents and p != tmp_path / "out")
    assert listing_after == listing  # nothing written beside the inputs
    assert not list((tmp_path / "out").glob(".*"))
    assert elapsed < 60


# --- Chinese font substitutes (fontconfig) ---------------------------------------------


def test_fonts_conf_includes_the_base_and_maps_every_name(tmp_path):
    base = tmp_path / "系统 & <fonts>.conf"
    root = ET.fromstring(office.fonts_conf_text(base))
    assert root.tag == "fontconfig"
    (include,) = root.findall("include")
    assert include.text == str(base) and include.get("ignore_missing") == "yes"
    aliases = {a.findtext("family"): [f.text for f in a.findall("accept/family")] for a in root.findall("alias")}
    for names, faces, _bold in office.CJK_FONT_SUBSTITUTES:
        for name in names:
            assert aliases[name] == list(faces)
    assert aliases["仿宋_GB2312"][0] == "Noto Serif CJK SC"
    assert aliases["黑体"][0] == "Noto Sans CJK SC"
    assert aliases["楷体_GB2312"][0] == "AR PL UKai CN"
    assert all(a.get("binding") == "same" for a in root.findall("alias"))
    bold = {m.findtext("test/string") for m in root.findall("match")}
    assert bold == {"方正小标宋简体", "方正小标宋_GBK", "小标宋"}
    assert ET.fromstring(office.fonts_conf_text(None)).find("include") is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_fonts_conf_is_well_formed_for_any_base_path(name):
    base = Path("/etc") / name.replace("/", "_")
    root = ET.fromstring(office.fonts_conf_text(base))
    assert root.find("include").text == str(base)


def test_base_config_is_the_users_own_then_the_system_one(tmp_path, monkeypatch):
    own = tmp_path / "mine.conf"
    own.write_text("<fontconfig/>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(own))
    assert office._base_fonts_conf() == own
    monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "missing.conf"))
    monkeypatch.setattr(office, "_SYSTEM_FONTS_CONF", (str(tmp_path / "none.conf"), str(own)))
    assert office._base_fonts_conf() == own
    monkeypatch.setattr(office, "_SYSTEM_FONTS_CONF", ())
    assert office._base_fonts_conf() is None


@posix_only
@fontconfig_only
def test_soffice_gets_a_private_fonts_conf(tmp_path, monkeypatch):
    log = tmp_path / "env.txt"
    fake = _fake_soffice(tmp_path, f'echo "$FONTCONFIG_FILE" > "{log}"\ncat "$FONTCONFIG_FILE" >> "{log}"\nexit 0\n')
    monkeypatch.setenv(office.ENV_VAR, str(fake))
    user_conf = tmp_path / "user-fonts.conf"
    user_conf.write_text("<fontconfig/>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(user_conf))
    src = tmp_path / "a.docx"
    src.write_bytes(b"PK\x03\x04")
    with pytest.raises(ConversionError):  # the stand-in writes no PDF
        office.convert_to_pdf(src, tmp_path / "out")
    path, text = log.read_text("utf-8").split("\n", 1)
    assert "skilldoc-soffice-" in path and path.endswith("fonts.conf")
    assert not Path(path).exists()  # removed with the private folder
    assert f">{user_conf}</include>" in text and "<family>仿宋_GB2312</family>" in text
    assert user_conf.read_text("utf-8") == "<fontconfig/>"  # the user's configuration is untouched


@fontconfig_only
def test_fontconfig_resolves_the_form_fonts_to_simplified_chinese_faces(tmp_path):
    fc_match = shutil.which("fc-match")
    assert fc_match, "fontconfig (fc-match) is required: run scripts/install-system-deps.sh"
    conf = tmp_path / "fonts.conf"
    conf.write_text(office.fonts_conf_text(office._base_fonts_conf()), encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))

    def match(pattern: str) -> str:
        return subprocess.run([fc_match, "-f", "%{family[0]}:%{weight}", pattern], env=env,
                              capture_output=True, text=True, check=True).stdout

    assert match("仿宋_GB2312:lang=zh-cn") == "Noto Serif CJK SC:80"
    assert match("黑体:lang=zh-cn") == "Noto Sans CJK SC:80"
    assert match("楷体_GB2312:lang=zh-cn") == (f"{_KAI}:80" if _KAI else "Noto Serif CJK SC:80")
    assert match("方正小标宋简体:lang=zh-cn") == "Noto Serif CJK SC:200"  # bold
    # the system's own aliases still apply: a Latin font resolves as without our file (Liberation Serif
    # where fonts-liberation is installed, DejaVu Serif or another face where it is not)
    plain = subprocess.run([fc_match, "-f", "%{family[0]}:%{weight}", "Times New Roman"],
                           capture_output=True, text=True, check=True).stdout
    assert match("Times New Roman") == plain and "CJK" not in plain


def _installed_kai() -> str | None:
    """The Kai face 楷体 is mapped to when one is installed (CI has none: 楷体 becomes the serif face)."""
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    families = {name for line in listed.splitlines() for name in line.split(",")}
    return next((face for face in ("AR PL UKai CN", "LXGW WenKai", "AR PL KaitiM GB") if face in families), None)


_KAI = _installed_kai()

# The form fonts, each with text that includes characters whose Simplified-Chinese glyph differs
# from the Japanese one in the Noto CJK collections (直 骨 能 管 写 要 …).
_FONT_RUNS = (
    ("仿宋_GB2312", "仿宋正文：直角骨能管"),
    ("黑体", "黑体标题：要写说话直"),
    ("楷体_GB2312", "楷体标题：反复关门"),
    ("方正小标宋简体", "申报书：直骨能管"),
)


def _make_font_docx(path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for font, text in _FONT_RUNS:
        run = document.add_paragraph().add_run(text)
        run.font.size = docx.shared.Pt(16)
        rpr = run._r.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
            fonts.set(qn(attr), font)
        lang = OxmlElement("w:lang")  # as in the real template: East Asian text is zh-CN
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)
    document.save(str(path))
    return path


def _pdffonts(pdf: Path) -> list[str]:
    """Embedded font names (subset tag removed) as pdffonts lists them."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split()[0].split("+", 1)[-1] for line in lines[2:] if line.strip()]


def _glyphs_by_font(pdf: Path) -> dict[str, dict[str, int]]:
    """For each embedded font (subset tag removed): character → CID of the glyph drawn.

    LibreOffice 7.x embeds a CFF (Noto CJK) subset as a Type 1 font whose
    encoding names each glyph ``cid<N>``; the ToUnicode map gives the character.
    """
    found: dict[str, dict[str, int]] = {}
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            if "CJK" not in name:
                continue
            descriptor = font["/FontDescriptor"].get_object()
            assert font["/Subtype"] == "/Type1" and "/FontFile" in descriptor, (
                f"{name}: LibreOffice embedded it as {font['/Subtype']}; teach this test that format")
            program = descriptor["/FontFile"].get_object().get_data()
            clear = program[: program.index(b"eexec")].decode("latin-1")
            codes = {int(code): int(cid) for code, cid in re.findall(r"dup (\d+) /cid(\d+) put", clear)}
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                    if int(code, 16) in codes:
                        found.setdefault(name, {})[bytes.fromhex(text).decode("utf-16-be")] = codes[int(code, 16)]
    return found


def _face_cids(family: str, weight: str) -> dict[str, int]:
    """The installed face's own character → CID map (Noto CJK names glyphs ``cid<N>``)."""
    from fontTools.ttLib import TTCollection

    path = subprocess.run(["fc-match", "-f", "%{file}", f"{family}:{weight}"],
                          capture_output=True, text=True, check=True).stdout
    collection = TTCollection(path, lazy=True)
    try:
        for face in collection.fonts:
            if face["name"].getDebugName(1) == family:
                cmap = face.getBestCmap()
                return {chr(cp): int(glyph[3:]) for cp, glyph in cmap.items() if glyph.startswith("cid")}
    finally:
        collection.close()
    raise AssertionError(f"{family} is not in {path}")


@pytest.mark.slow
@fontconfig_only
def test_form_fonts_become_simplified_chinese_faces_of_the_right_style(tmp_path, soffice):
    pdf = office.convert_to_pdf(_make_font_docx(tmp_path / "字体.docx"), tmp_path / "out")
    names = _pdffonts(pdf)
    # 仿宋_GB2312 → Noto Serif CJK (宋体 style), 小标宋 → its bold, 黑体 → Noto Sans CJK,
    # 楷体 → a Kai face if one is installed, else Noto Serif CJK.  (Every face of a Noto CJK
    # collection shares one CFF named "…CJKjp…": the name does not tell the Japanese face from
    # the Chinese one; the glyphs below do.)
    serif, serif_bold, sans = ("NotoSerifCJKjp-Regular-VKana", "NotoSerifCJKjp-Bold-VKana",
                               "NotoSansCJKjp-Regular-VKana")
    assert {serif, serif_bold, sans} <= set(names), names
    assert len(set(names) - {serif, serif_bold, sans}) == (1 if _KAI else 0), names  # the Kai face, if any
    drawn = _glyphs_by_font(pdf)
    expected = [(serif, "Noto Serif CJK", "Regular", _FONT_RUNS[0][1]),
                (serif_bold, "Noto Serif CJK", "Bold", _FONT_RUNS[3][1]),
                (sans, "Noto Sans CJK", "Regular", _FONT_RUNS[1][1])]
    if not _KAI:
        expected.append((serif, "Noto Serif CJK", "Regular", _FONT_RUNS[2][1]))
    for embedded, family, weight, text in expected:
        sc, jp = _face_cids(f"{family} SC", weight), _face_cids(f"{family} JP", weight)
        if text != _FONT_RUNS[2][1]:
            differing = [ch for ch in text if sc[ch] != jp[ch]]
            assert len(differing) >= 3, "the sample text must include characters whose SC and JP glyphs differ"
        for ch in text:
            assert drawn[embedded][ch] == sc[ch], f"{embedded}: {ch} is not drawn with the {family} SC glyph"


def test_module_does_not_import_pypdf():
    source = Path(office.__file__).read_text("utf-8")
    assert "pypdf" not in source
    assert sys.modules["skilldoc.office"] is office
