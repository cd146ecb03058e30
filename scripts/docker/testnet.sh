#!/usr/bin/env bash
# The compose testnet's commands without npm: up [--monitoring] | status | pay FROM TO AMOUNT [--fund] |
# partition NODE | heal NODE | rpc NODE METHOD [ARGS] | down -- that is, `powcoin testnet --docker ...`
# (the same as npm run testnet:docker:<command>; see docs/testnet.md). Needs `npm ci` first (tsx).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --import tsx src/cli/main.ts testnet --docker "$@"
