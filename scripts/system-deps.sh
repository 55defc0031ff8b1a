#!/usr/bin/env bash
# System packages the tests need that pip cannot give: a headless browser (Chromium, for
# the HTML report's screenshot test) with a font, and a Java runtime (for pyspark, the
# Spark linkage engine), and the ICU headers with pkg-config and a C++ compiler (PyICU, which
# the [ftm] extra's followthemoney needs, is built from source). Idempotent: installs only what is missing from the PATH. Needs
# root (CI runs as root) and Debian's apt.
set -euo pipefail
packages=()
if ! command -v chromium >/dev/null 2>&1; then
    packages+=(chromium fonts-dejavu-core)
fi
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    packages+=(openjdk-17-jre-headless)
fi
if ! pkg-config --exists icu-i18n 2>/dev/null; then
    packages+=(libicu-dev pkg-config)
fi
if ! command -v g++ >/dev/null 2>&1; then
    packages+=(g++)
fi
if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: missing ${packages[*]} and there is no apt-get; install Chromium" \
         "and a Java runtime 17+ with your system's package manager" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"
