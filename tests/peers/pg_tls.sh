#!/usr/bin/env bash
# PostgreSQL over TLS with a certificate this script makes: a cluster of its own (initdb, on a
# free port, removed at exit) that takes TLS connections only, its certificate for `localhost`
# signed by a CA made here. `ent migrate` and `ent serve` must connect with
# `sslmode=verify-full&sslrootcert=<the CA>` and with `sslmode=require`, and must refuse a
# certificate from another CA, one that does not name the host, and a URL without TLS.
#
# Usage: pg_tls.sh ENT_BINARY REDIS_URL REDIS_PREFIX
set -euo pipefail
ent=$1 redis=$2 prefix=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fail() { echo "pg_tls: $*" >&2; exit 1; }

dir=$(mktemp -d)
chmod 755 "$dir"
pg=$dir/pg  # the cluster's: data, log and socket, postgres's own
mkdir "$pg" && chown postgres "$pg"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
trap 'as_postgres "$bin/pg_ctl" -D "$pg/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

# A CA, the server's certificate for localhost (not for 127.0.0.1) and a CA nobody signed with.
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=ent-test-ca \
  -keyout ca.key -out ca.pem 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other-ca \
  -keyout other.key -out other.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile san.ext -out server.pem 2>/dev/null
chown postgres server.key server.pem && chmod 600 server.key

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
as_postgres "$bin/initdb" -D "$pg/data" -U postgres --auth=trust >/dev/null
cat >> "$pg/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg'
ssl = on
ssl_cert_file = '$dir/server.pem'
ssl_key_file = '$dir/server.key'
CONF
cat > "$pg/data/pg_hba.conf" <<HBA
local all all trust
hostssl all all 127.0.0.1/32 trust
host all all 127.0.0.1/32 reject
HBA
as_postgres "$bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w start >/dev/null

# `env …` for a database URL: a simple command, so that in the background $! is the server's.
with_url() {
  run=(env -u ENT_DATABASE__URL ENT_PROFILE=test ENT_CONFIG_DIR="$root/config"
    "ENT_DATABASE__URL=$1" "ENT_REDIS__URL=$redis" "ENT_REDIS__PREFIX=$prefix"
    ENT_DATABASE__CONNECT_TIMEOUT_MS=3000)
}
ent_with() { with_url "$1"; "${run[@]}" "${@:2}"; }
accepted() { ent_with "$1" "$ent" migrate >/dev/null 2>"$dir/err" || { cat "$dir/err"; fail "refused: $1"; }; }
refused() {
  if ent_with "$1" "$ent" migrate >/dev/null 2>"$dir/err"; then fail "accepted: $1"; fi
  grep -q "$2" "$dir/err" || { cat "$dir/err"; fail "$1: expected «$2»"; }
}

url=postgres://postgres@localhost:$port/postgres
accepted "$url?sslmode=verify-full&sslrootcert=$dir/ca.pem"
accepted "$url?sslmode=require"
accepted "$url?sslmode=require&sslrootcert=$dir/ca.pem"
refused "$url?sslmode=verify-full&sslrootcert=$dir/other.pem" "UnknownIssuer\|unknown issuer"
refused "postgres://postgres@127.0.0.1:$port/postgres?sslmode=verify-full&sslrootcert=$dir/ca.pem" \
  "not valid for name"
refused "$url" "rejects connection"
refused "$url?sslmode=disable" "rejects connection"
refused "$url?sslmode=verify-full" "needs sslrootcert"
refused "$url?sslmode=verify-ca" "is not offered"
refused "$url?sslmode=verify-full&sslrootcert=$dir/missing.pem" "sslrootcert $dir/missing.pem"

# The pool connects the same way: the server is ready over TLS.
listen=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
with_url "$url?sslmode=verify-full&sslrootcert=$dir/ca.pem"
"${run[@]}" ENT_HTTP__LISTEN="127.0.0.1:$listen" "$ent" serve >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$listen/readyz" >/dev/null && break; sleep 0.1; done
ready=$(curl -s "http://127.0.0.1:$listen/readyz" || true)
# The server's connections, seen from PostgreSQL's side: every one over TLS.
sessions=$(as_postgres "$bin/psql" -h "$pg" -p "$port" -U postgres -Atc \
  "select count(*) filter (where s.ssl) || '/' || count(*) from pg_stat_activity a
   join pg_stat_ssl s using (pid) where a.client_addr is not null" postgres)
kill "$server"; wait "$server" || true
[ "$ready" = '{"postgres":"up","redis":"up"}' ] || { cat "$dir/serve.log"; fail "/readyz over TLS: $ready"; }
case $sessions in 0/*) fail "the server's connections are not over TLS: $sessions" ;; esac
[ "${sessions%/*}" = "${sessions#*/}" ] || fail "some connections without TLS: $sessions"
echo "pg_tls: verify-full and require connect, another CA, another host name and plain TCP are refused; /readyz up, the server's connections over TLS ($sessions)"
