#!/bin/sh
# Renders the scrape config with the testnet's RPC user (the nodes serve /metrics behind the RPC's
# basic auth) and hands the password over in a file only this user can read, then runs Prometheus.
set -eu
: "${POWCOIN_RPC_USER:?the RPC user of the nodes (docker/.env)}"
: "${POWCOIN_RPC_PASSWORD:?the RPC password of the nodes (docker/.env)}"
conf=/prometheus/prometheus.yml
umask 077
printf '%s' "$POWCOIN_RPC_PASSWORD" > /prometheus/rpc-password
# The user name goes in single quotes in YAML: double any quote it holds.
user=$(printf '%s' "$POWCOIN_RPC_USER" | sed "s/'/''/g; s/[\\/&|]/\\\\&/g")
sed "s|@RPC_USER@|$user|g; s|@SCRAPE_INTERVAL@|${POWCOIN_SCRAPE_INTERVAL:-10s}|g" /etc/prometheus/prometheus.yml.in > "$conf"
exec /usr/bin/prometheus \
  --config.file="$conf" \
  --storage.tsdb.path=/prometheus/data \
  --storage.tsdb.retention.time="${POWCOIN_PROMETHEUS_RETENTION:-7d}" \
  --web.listen-address=0.0.0.0:9090 \
  --web.console.libraries=/usr/share/prometheus/console_libraries \
  --web.console.templates=/usr/share/prometheus/consoles \
  "$@"
