#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root):
# Debian's Chromium for the browser tests (no browser download is possible, so playwright-core
# drives /usr/bin/chromium), the tools that read the exports back (R for data.R, pandas with
# Debian's /usr/bin/python3 for data.dta, openpyxl for data.xlsx, R haven for data.sav and
# data.dta, R survey for the design syntax (design.R), GNU PSPP for data.sav, ReadStat's command
# line for data.dta's notes, pdftotext to read letters and printed instruments, xmllint to validate
# the REFI-QDA project of interview notes against its schema), then the project's npm dependencies
# exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium r-base-core r-cran-haven r-cran-survey python3-pandas python3-openpyxl pspp poppler-utils readstat libxml2-utils)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
test -x /usr/bin/chromium || { echo "install-test-deps: /usr/bin/chromium is missing after install" >&2; exit 1; }
/usr/bin/python3 -c 'import pandas' || { echo "install-test-deps: /usr/bin/python3 cannot import pandas" >&2; exit 1; }
command -v pspp >/dev/null || { echo "install-test-deps: pspp is missing after install" >&2; exit 1; }
command -v Rscript >/dev/null || { echo "install-test-deps: Rscript is missing after install" >&2; exit 1; }
Rscript -e 'library(haven)' >/dev/null 2>&1 || { echo "install-test-deps: R cannot load haven" >&2; exit 1; }
Rscript -e 'library(survey)' >/dev/null 2>&1 || { echo "install-test-deps: R cannot load survey" >&2; exit 1; }
/usr/bin/python3 -c 'import openpyxl' || { echo "install-test-deps: /usr/bin/python3 cannot import openpyxl" >&2; exit 1; }
command -v pdftotext >/dev/null || { echo "install-test-deps: pdftotext (poppler-utils) is missing after install" >&2; exit 1; }
command -v readstat >/dev/null || { echo "install-test-deps: readstat is missing after install" >&2; exit 1; }
command -v xmllint >/dev/null || { echo "install-test-deps: xmllint (libxml2-utils) is missing after install" >&2; exit 1; }

# better-sqlite3 compiles from source here (~1-2 min): no prebuilt binary can be downloaded.
npm ci --no-audit --no-fund
