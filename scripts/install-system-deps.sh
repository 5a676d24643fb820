#!/usr/bin/env bash
# Install the Debian/Ubuntu packages skilldoc uses, only those that are missing:
#   LibreOffice (DOCX → PDF, office evidence files), CJK fonts (Noto CJK: stand-ins for 仿宋/宋体/黑体/楷体
#   in 申报书.pdf; WenQuanYi Zen Hei: evidence page stamps; DejaVu: ☑/☐).
# With --test also what only the tests and benchmarks use: poppler, qpdf, Droid Sans Fallback and Chromium
# (browser tests of skilldoc ui, scripts/screenshots.py).  .ci/run passes --test.
set -euo pipefail
tests=0
[ "${1:-}" = "--test" ] && tests=1
need=()
# dpkg -s also succeeds for a removed package whose configuration files remain: ask for the state.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
installed fonts-noto-cjk || need+=(fonts-noto-cjk)
installed fonts-wqy-zenhei || need+=(fonts-wqy-zenhei)
installed fonts-dejavu-core || need+=(fonts-dejavu-core)  # ☑/☐ in 申报书.pdf; Latin font in tests
if [ "$tests" = 1 ]; then
  # a CJK font many machines have (ImageMagick pulls it in): the stamp font must not change with it
  installed fonts-droid-fallback || need+=(fonts-droid-fallback)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
  # the workbench's browser tests and scripts/screenshots.py drive Debian's Chromium through Playwright
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "系统依赖已齐全。"
  exit 0
fi
echo "安装系统依赖：${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
