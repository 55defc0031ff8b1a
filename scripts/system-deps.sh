#!/usr/bin/env bash
# System packages the tests need that pip cannot give: a headless browser (Chromium, for
# the HTML report's screenshot test) and a font for it. Idempotent: does nothing when
# chromium is already on the PATH. Needs root (CI runs as root) and Debian's apt.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: chromium is missing and there is no apt-get; install Chromium" \
         "with your system's package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
