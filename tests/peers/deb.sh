#!/usr/bin/env bash
# Installs the Debian package on this machine and starts the service the way its systemd unit
# says — the unit's Environment and EnvironmentFile, ExecStartPre, then ExecStart, as an
# unprivileged user (this machine has no systemd to run the unit itself) — against the real
# PostgreSQL and Redis; checks /readyz, that SIGTERM ends it cleanly, and that purging the
# package leaves nothing behind.
#
# Usage: deb.sh PACKAGE.deb DATABASE_URL REDIS_URL REDIS_PREFIX PORT
set -euo pipefail
deb=$1 database=$2 redis=$3 prefix=$4 port=$5
fail() { echo "package: $*" >&2; exit 1; }

dpkg -s ent >/dev/null 2>&1 && fail "an ent package is already installed here: not touching it"
trap '[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true; dpkg --purge ent >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb" >/dev/null

unit=$(dpkg -L ent | grep '/systemd/system/ent.service$') || fail "no ent.service in the package"
for file in /usr/bin/ent /usr/share/ent/pwa/index.html /usr/share/ent/pwa/sw.js \
  /usr/share/ent/config/default.toml /etc/ent/production.toml /etc/ent/default.toml; do
  [ -e "$file" ] || fail "$file is missing"
done
for hardening in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes Restart=on-failure \
  'ExecStartPre=/usr/bin/ent migrate'; do
  grep -qx "$hardening" "$unit" || fail "$unit lacks $hardening"
done

# The keys made at installation: root's alone, four of them, none the published one.
[ "$(stat -c %a /etc/ent/ent.env)" = 600 ] || fail "/etc/ent/ent.env is readable by others"
for key in ACCOUNTS__SECRET ACCOUNTS__TWO_FACTOR_KEY PUSH__VAPID_PRIVATE_KEY CARD__SIGNING_KEY; do
  value=$(sed -n "s/^ENT_$key=//p" /etc/ent/ent.env)
  [ -n "$value" ] || fail "/etc/ent/ent.env has no ENT_$key"
  grep -qF "\"$value\"" /usr/share/ent/config/default.toml && fail "ENT_$key is the development key"
done

# What an administrator adds: where the database and Redis are, the address it serves.
cat >> /etc/ent/ent.env <<ENV
ENT_DATABASE__URL=$database
ENT_REDIS__URL=$redis
ENT_REDIS__PREFIX=$prefix
ENT_HTTP__LISTEN=127.0.0.1:$port
ENT_HTTP__PUBLIC_URL=http://127.0.0.1:$port
ENV

# The unit's environment, then its commands, as systemd would run them.
environment=()
for assignment in $(sed -n 's/^Environment=//p' "$unit"); do environment+=("$assignment"); done
env_file=$(sed -n 's/^EnvironmentFile=//p' "$unit")
while IFS= read -r line; do
  case $line in '#'* | '') ;; *) environment+=("$line") ;; esac
done < "$env_file"
as_service=(setpriv --reuid=nobody --regid=nogroup --clear-groups env -i "${environment[@]}")
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
# shellcheck disable=SC2086 # the unit's command lines are words
"${as_service[@]}" $pre >/dev/null || fail "$pre failed"
log=$(mktemp)
# setpriv and env exec: $pid is the server's own, as systemd's main PID would be.
# shellcheck disable=SC2086
"${as_service[@]}" $start >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$start exited"; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$log"; fail "/readyz never answered"; }
curl -sf "http://127.0.0.1:$port/" | grep -q '<html' || fail "the PWA is not served"
# Logs go to the journal as JSON, one object a line (after the plain `listening on …`).
grep -v '^listening on ' "$log" | grep -qv '^{"timestamp":' && { cat "$log"; fail "the log is not JSON"; }

kill -TERM "$pid"
timeout 30 tail --pid="$pid" -f /dev/null || fail "SIGTERM did not end it within TimeoutStopSec"
wait "$pid" && code=0 || code=$?
[ "$code" = 0 ] || { cat "$log"; fail "it exited $code on SIGTERM"; }
pid=

dpkg --purge ent >/dev/null
for gone in /usr/bin/ent /usr/share/ent /etc/ent; do
  [ -e "$gone" ] && fail "$gone is left after purge"
done
rm -f "$log"
echo "package: installed, migrated, served /readyz as its unit says, stopped on SIGTERM, purged"
