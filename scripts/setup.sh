#!/usr/bin/env bash
# Install what visitplan needs on Debian (system libraries and fonts), then visitplan itself
# with its test tools into .venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Faces (templates/css/fonts.css, visitplan/text/languages.yaml): fonts-noto-cjk is the
# source of Visitplan Sans SC (Simplified Chinese, built below); fonts-noto-core draws Latin,
# Vietnamese, Cyrillic (Noto Sans), Thai (Noto Sans Thai) and Arabic (Noto Naskh Arabic,
# Noto Sans Arabic); fonts-arphic-uming Traditional Chinese in Taiwan-standard forms (AR PL
# UMing TW); fonts-roboto-unhinted the names in Latin or Cyrillic letters on the pickup
# sign (Roboto Condensed); libthai lets Pango break Thai, written without spaces, at word boundaries.
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
    libthai0 libthai-data \
    fontconfig fonts-noto-cjk fonts-nanum fonts-ipafont-gothic \
    fonts-arphic-uming fonts-noto-core fonts-noto-color-emoji fonts-roboto-unhinted \
    poppler-utils chromium
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q ".[test]"
# Visitplan Sans SC, the Simplified Chinese face (Regular and Bold), built from Noto Sans
# CJK SC as a TrueType face of GB 2312 so a PDF embeds it in a few KB (scripts/make_fonts.py
# says why); skipped when it is there already.
if ! fc-list "Visitplan Sans SC" | grep -q Bold; then
    $SUDO .venv/bin/python scripts/make_fonts.py
fi
