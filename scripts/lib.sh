# Shared by scripts/dev and scripts/test: install what is missing, start what is not running.
# Idempotent and quick when everything is already there.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/ent/target}
PG_HOST=127.0.0.1
PG_PORT=${ENT_PG_PORT:-5432}
REDIS_PORT=${ENT_REDIS_PORT:-6379}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs the Debian packages that are missing (one apt-get update, only if needed).
need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_toolchains() {
  command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
  command -v node >/dev/null || need_packages nodejs npm
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "Node.js 20 or newer is needed (found $(node -v))" >&2; exit 1; }
}

# PostgreSQL on 127.0.0.1:$PG_PORT with a role `ent` (password `ent`) allowed to create databases.
start_postgres() {
  need_packages postgresql postgresql-contrib
  if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    local version; version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_lsclusters -h | grep -q "^$version main" || as_root pg_createcluster "$version" main >/dev/null
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 50); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 0.2; done
  fi
  as_root runuser -u postgres -- psql -q -p "$PG_PORT" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE ent LOGIN CREATEDB PASSWORD ''ent'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ent') \gexec
SQL
}

# Creates database $1 owned by `ent` unless it exists.
create_database() {
  as_root runuser -u postgres -- psql -q -p "$PG_PORT" -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE DATABASE "$1" OWNER ent' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$1') \gexec
SQL
}

drop_database() {
  as_root runuser -u postgres -- psql -q -p "$PG_PORT" -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
}

# Redis on 127.0.0.1:$REDIS_PORT (no persistence: it only holds what may be rebuilt).
start_redis() {
  need_packages redis-server
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
      --logfile /tmp/ent-redis-"$REDIS_PORT".log
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

# The Python peers (aiosmtpd: a real SMTP server on loopback for the Rust tests; python-cas, a CAS
# client; schemathesis, the API's fuzzer), in a virtual environment outside the clone; exports
# ENTMOBILE_TEST_PYTHON, which the tests run, and ENTMOBILE_TEST_SCHEMATHESIS.
PEERS_VENV=$HOME/.cache/ent/py
need_test_peers() {
  local python=$PEERS_VENV/bin/python
  if ! "$python" -c 'import aiosmtpd, cas, schemathesis' 2>/dev/null; then
    say "installing the test peers (aiosmtpd, python-cas, schemathesis) in $PEERS_VENV"
    command -v python3 >/dev/null || need_packages python3
    # Debian's python3 makes virtual environments only with python3-venv.
    python3 -m venv --clear "$PEERS_VENV" 2>/dev/null || {
      need_packages python3-venv
      python3 -m venv --clear "$PEERS_VENV"
    }
    "$python" -m pip install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6' 'python-cas==1.6.0' \
      'schemathesis==4.32.5'
  fi
  export ENTMOBILE_TEST_PYTHON=$python ENTMOBILE_TEST_SCHEMATHESIS=$PEERS_VENV/bin/schemathesis
  # A Web Push service that decrypts and checks VAPID (npm web-push-testing).
  npm_ci_once "$ROOT/tests/peers" "the test peers (web-push-testing)"
  export ENTMOBILE_TEST_PUSH_SERVICE=$ROOT/tests/peers/node_modules/web-push-testing/src/bin/server.js
}

# npm ci only when package-lock.json changed since the last install.
npm_ci_once() {
  local dir=$1 what=$2
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json" 2>/dev/null && \
     ! [ "$dir/node_modules/.ent-lock" -nt "$dir/package-lock.json" ]; then
    say "installing $what"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$dir/node_modules/.ent-lock"
  fi
}

pwa_install() {
  npm_ci_once "$ROOT/pwa" "the PWA's packages"
}

# $1 distinct free TCP ports on 127.0.0.1, one a line (asked of the kernel, held together, released).
free_ports() {
  node -e '
    const net = require("net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
      console.log(servers.map((s) => s.address().port).join("\n"));
      servers.forEach((s) => s.close());
    });' "$1"
}

# Starts `ent serve` on a free port with a database and Redis prefix of its own (both removed
# on exit, with the server); sets BASE_URL. $1 is the ent binary; `seed-demo` as $2 fills the
# database with the demo university first. When SMS_RECEIVER_PORT / SMTP_RECEIVER_PORT are set,
# text messages go to http://127.0.0.1:$SMS_RECEIVER_PORT/sms and e-mail to an SMTP server on
# 127.0.0.1:$SMTP_RECEIVER_PORT (the browser tests run both receivers).
start_scratch_server() {
  RUN_ID=ent_run_$(date +%s)_$$
  SERVER_LOG=$(mktemp)
  create_database "$RUN_ID"
  trap stop_scratch_server EXIT
  local vars=(
    ENT_PROFILE=test
    "ENT_DATABASE__URL=postgres://ent:ent@127.0.0.1:$PG_PORT/$RUN_ID"
    "ENT_REDIS__URL=redis://127.0.0.1:$REDIS_PORT"
    "ENT_REDIS__PREFIX=$RUN_ID:"
    ENT_COURIERS__POLL_MS=200
    ENT_COURIERS__FIRST_BACKOFF_SECONDS=1
    # The browser tests' push service (web-push-testing) listens on loopback.
    ENT_PUSH__ALLOW_LOOPBACK=true
  )
  if [ -n "${SMS_RECEIVER_PORT:-}" ]; then
    vars+=(ENT_SMS__KIND=http "ENT_SMS__URL=http://127.0.0.1:$SMS_RECEIVER_PORT/sms"
      'ENT_SMS__BODY={"to": {{recipient}}, "text": {{text}}}')
  fi
  if [ -n "${SMTP_RECEIVER_PORT:-}" ]; then
    vars+=(ENT_EMAIL__KIND=smtp ENT_EMAIL__HOST=127.0.0.1 "ENT_EMAIL__PORT=$SMTP_RECEIVER_PORT"
      ENT_EMAIL__SECURITY=none 'ENT_EMAIL__FROM=ENT Tours <ne-pas-repondre@univ-tours.fr>')
  fi
  if [ "${2:-}" = seed-demo ]; then
    env "${vars[@]}" "$1" migrate >"$SERVER_LOG" 2>&1 &&
      env "${vars[@]}" "$1" seed-demo >>"$SERVER_LOG" 2>&1 ||
      { cat "$SERVER_LOG"; echo "the scratch database could not be seeded" >&2; exit 1; }
  fi
  env "${vars[@]}" "$1" serve --migrate >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$SERVER_LOG" && break; sleep 0.1; done
  BASE_URL=$(sed -n 's/^listening on //p' "$SERVER_LOG")
  [ -n "$BASE_URL" ] || { cat "$SERVER_LOG"; echo "the server did not start" >&2; exit 1; }
}

stop_scratch_server() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  drop_database "$RUN_ID" || true
  redis-cli -p "$REDIS_PORT" --scan --pattern "$RUN_ID:*" | xargs -r redis-cli -p "$REDIS_PORT" del >/dev/null
  rm -f "$SERVER_LOG"
}
