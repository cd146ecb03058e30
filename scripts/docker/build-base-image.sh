#!/usr/bin/env bash
# Prints (as its last stdout line) a base image for docker/Dockerfile's BASE_IMAGE, making one
# when it has to. In order:
#   1. node:20-slim, when it is already here or `docker pull` gets it (the normal case);
#   2. powcoin/node-base:20, when an earlier run built it;
#   3. otherwise builds powcoin/node-base:20 locally: a minimal Debian rootfs (debootstrap
#      --variant=minbase, from the Debian mirror apt uses here) plus this machine's own node and
#      npm, turned into an image with `docker import`. For machines that reach no image registry.
# The local image also carries this machine's CA bundle (NODE_EXTRA_CA_CERTS, else SSL_CERT_FILE,
# else /etc/ssl/certs/ca-certificates.crt), so that `npm ci` in the build trusts what the host's
# npm trusts (a TLS-inspecting proxy, say); it is rebuilt when that bundle changes.
# Environment: POWCOIN_UPSTREAM_BASE (default node:20-slim), POWCOIN_LOCAL_BASE (default
# powcoin/node-base:20), POWCOIN_FORCE_LOCAL_BASE=1 to skip the pull, POWCOIN_DEBIAN_SUITE.
set -euo pipefail

UPSTREAM=${POWCOIN_UPSTREAM_BASE:-node:20-slim}
LOCAL=${POWCOIN_LOCAL_BASE:-powcoin/node-base:20}
say() { printf 'build-base-image: %s\n' "$*" >&2; }

if [ "${POWCOIN_FORCE_LOCAL_BASE:-}" != 1 ]; then
  if docker image inspect "$UPSTREAM" >/dev/null 2>&1; then say "using $UPSTREAM (already here)"; echo "$UPSTREAM"; exit 0; fi
  if timeout 90 docker pull -q "$UPSTREAM" >/dev/null 2>&1; then say "using $UPSTREAM (pulled)"; echo "$UPSTREAM"; exit 0; fi
  say "cannot pull $UPSTREAM (no registry reachable?); falling back to a local base image"
fi
ca_file=${NODE_EXTRA_CA_CERTS:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
[ -f "$ca_file" ] || ca_file=
ca_sum=$( [ -n "$ca_file" ] && sha256sum "$ca_file" | cut -c1-64 || echo none)
if docker image inspect "$LOCAL" >/dev/null 2>&1; then
  if [ "$(docker image inspect -f '{{index .Config.Labels "powcoin.ca-sha256"}}' "$LOCAL" 2>/dev/null)" = "$ca_sum" ]; then
    say "using $LOCAL (built earlier)"; echo "$LOCAL"; exit 0
  fi
  say "$LOCAL was built with another CA bundle than $ca_file; rebuilding it"
fi

[ "$(id -u)" = 0 ] || { say "building $LOCAL needs root (debootstrap)"; exit 1; }
node_bin=$(readlink -f "$(command -v node)")
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { say "this machine's node is $(node --version); powcoin needs >= 20.10"; exit 1; }
npm_dir=$(npm root -g 2>/dev/null)/npm
[ -f "$npm_dir/bin/npm-cli.js" ] || { say "cannot find npm's package (looked in $npm_dir)"; exit 1; }

# The mirror and suite apt uses on this machine (deb822 .sources or a one-line sources.list).
mirror=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -1 || true)
[ -n "$mirror" ] || mirror=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v -- '-security' | head -1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
suite=${POWCOIN_DEBIAN_SUITE:-$( (. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-}") )}
suite=${suite:-bookworm}

if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

work=$(mktemp -d /tmp/powcoin-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
say "debootstrap --variant=minbase $suite from $mirror (a few minutes)"
if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -20 "$work/debootstrap.log" >&2
  say "debootstrap failed"; exit 1
fi
say "adding node $(node --version) ($node_bin) and npm $(npm --version)"
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
if [ -n "$ca_file" ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  install -m 0644 "$ca_file" "$rootfs/etc/ssl/certs/ca-certificates.crt"
fi
# Slim it as node:*-slim is: no apt lists, caches, docs or manuals.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/tmp/* "$rootfs"/var/log/*.log
chroot "$rootfs" /usr/local/bin/node --version >/dev/null || { say "node does not run in the new rootfs"; exit 1; }

say "importing $rootfs as $LOCAL"
tar --numeric-owner -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$(node -p process.versions.node)" \
  ${ca_file:+--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'} \
  --change "LABEL powcoin.ca-sha256=$ca_sum" \
  --change 'CMD ["node"]' \
  --message "powcoin local base: debian $suite minbase + node $(node --version)" \
  - "$LOCAL" >/dev/null
say "built $LOCAL ($(docker image inspect -f '{{.Size}}' "$LOCAL" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "$LOCAL"
