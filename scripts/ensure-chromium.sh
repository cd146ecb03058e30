#!/bin/sh
# Makes sure Debian's chromium is installed, for the dashboard's browser test (playwright-core
# drives it; it downloads no browser of its own). Idempotent: does nothing when chromium is there.
# Prints the browser's path on success; exits non-zero with a reason when it cannot install it.
set -eu
BROWSER="${POWCOIN_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$BROWSER" ]; then
  echo "$BROWSER"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-chromium: $BROWSER is missing and installing it needs root: run 'sudo apt-get install -y chromium' (or set POWCOIN_CHROMIUM)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $BROWSER is missing and there is no apt-get to install it (Debian's chromium package is expected; or set POWCOIN_CHROMIUM)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Install first from the lists already there; refresh them only when that fails (stale or none).
if ! apt-get install -y --no-install-recommends chromium >&2; then
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
fi
if [ ! -x "$BROWSER" ]; then
  echo "ensure-chromium: apt-get finished but $BROWSER is still missing" >&2
  exit 1
fi
echo "$BROWSER"
