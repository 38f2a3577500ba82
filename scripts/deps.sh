#!/usr/bin/env bash
# Installs the Debian packages jiuye needs to build, test and run, when they are missing.
# Safe to run again: it only calls apt-get when a package is absent. Needs root (or sudo).
# libgnutls28-dev: TLS in the HTTP server; gnutls-bin (certtool), curl and iproute2 (ss): the HTTP
# tests; wrk: bench/http.sh; python3: the API tests (tests/api, standard library only); nettle-dev:
# HMAC-SHA1 for TOTP (libsodium has no SHA-1). chromium + fonts-wqy-microhei (CJK glyphs in the
# screenshots): the browser tests of the pages (tests/web); oathtool: the demo's TOTP codes.
# Node.js and npm (the pages' build, from the npm registry) come with the machine; when absent,
# Debian's are installed (the Vite build needs Node.js >= 20.19: the Makefile says so).
# libcairo2-dev, libpango1.0-dev and fonts-noto-cjk: the printable PDF reports (src/service/pdf.c);
# poppler-utils (pdftotext, pdftoppm): their tests.
set -euo pipefail
packages=(build-essential cmake pkg-config libsqlite3-dev sqlite3 libjansson-dev
          libgnutls28-dev nettle-dev libsodium-dev libcmocka-dev libxlsxwriter-dev libpq-dev libzip-dev libexpat1-dev
          libcairo2-dev libpango1.0-dev fonts-noto-cjk poppler-utils
          postgresql curl gnutls-bin wrk iproute2 python3
          clang libclang-rt-14-dev   # clang + libFuzzer runtime: scripts/fuzz.sh
          chromium fonts-wqy-microhei oathtool)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "jiuye: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
