#!/usr/bin/env bash
# The compose testnet's commands without npm: up | status | pay FROM TO AMOUNT | partition NODE | heal NODE | down
# (the same as npm run testnet:docker:<command>; see docs/docker.md). Needs `npm ci` first (tsx).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import tsx scripts/docker/testnet.ts "$@"
