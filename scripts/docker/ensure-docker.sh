#!/usr/bin/env bash
# Makes a Docker engine and Compose usable here, or says why it cannot.
#
#   0  docker and compose work (a running engine was found, or one was installed and started)
#   3  skip: Docker cannot be made to work on this machine; the reason is the last line printed
#
# Order: a running engine is used as it is. Otherwise, as root with apt: install docker.io
# (and Debian's docker-compose when no `docker compose` v2 plugin exists), then start dockerd
# in the background, first with iptables (NAT, so builds can reach the npm registry), and if
# that engine cannot start, without it (containers on one bridge still reach each other).
# Set POWCOIN_DOCKER_NO_INSTALL=1 to only look, never install or start anything.
set -uo pipefail

SKIP=3
LOG=${POWCOIN_DOCKERD_LOG:-/var/log/powcoin-dockerd.log}
say() { printf 'ensure-docker: %s\n' "$*" >&2; }
skip() { say "SKIP: $*"; exit "$SKIP"; }

compose_works() { docker compose version >/dev/null 2>&1 || docker-compose version >/dev/null 2>&1; }
engine_works() { timeout 20 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_works && compose_works; then
  say "docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) is running; compose: $( (docker compose version --short 2>/dev/null || docker-compose version --short 2>/dev/null) | head -1)"
  exit 0
fi
[ "${POWCOIN_DOCKER_NO_INSTALL:-}" = 1 ] && skip "no working docker engine + compose and POWCOIN_DOCKER_NO_INSTALL=1"

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# 1. The engine and compose packages.
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
compose_works || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  can_install || skip "no Docker engine is running and ${need[*]} cannot be installed here (need root and apt-get; uid=$(id -u))"
  say "installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  # A cached package list may be old or missing: refresh once, and again only if the install fails.
  if ! { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq --no-install-recommends "${need[@]}" iptables ca-certificates >/dev/null 2>&1; }; then
    apt-get install -y --no-install-recommends "${need[@]}" iptables ca-certificates 2>&1 | tail -5 >&2
    skip "apt-get install ${need[*]} failed (is a Debian mirror reachable?)"
  fi
  command -v dockerd >/dev/null 2>&1 || skip "docker.io installed but no dockerd on PATH"
  compose_works || skip "neither 'docker compose' nor 'docker-compose' works after installing ${need[*]}"
fi

engine_works && { say "docker engine is running"; exit 0; }

# 2. Start the engine.
[ "$(id -u)" = 0 ] || skip "no Docker engine is running and only root can start dockerd here (uid=$(id -u))"
start_dockerd() {
  say "starting dockerd${*:+ $*} (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  # containerd: docker.io's dockerd starts its own when none runs.
  setsid nohup dockerd "$@" >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 60); do
    engine_works && { say "dockerd is up (pid $pid)"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill "$pid" 2>/dev/null; sleep 2; kill -9 "$pid" 2>/dev/null
  rm -f /var/run/docker.pid
  say "dockerd $* did not come up; its last lines:"; tail -5 "$LOG" >&2
  return 1
}
if start_dockerd; then :
elif start_dockerd --iptables=false --ip-masq=false; then
  say "running without iptables: containers on one network reach each other, but not the internet (builds use --network host)"
else
  skip "dockerd would not start, with or without iptables (see $LOG)"
fi
engine_works || skip "dockerd started but 'docker info' fails"
say "docker engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) is running; compose: $( (docker compose version --short 2>/dev/null || docker-compose version --short 2>/dev/null) | head -1)"
exit 0
