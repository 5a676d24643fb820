#!/usr/bin/env bash
# Install the Debian/Ubuntu packages skilldoc uses, only those that are missing:
#   LibreOffice (DOCX → PDF, office evidence files), CJK fonts, poppler (tests), qpdf (benchmark).
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
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
