#!/usr/bin/env bash
# Two `ent serve` behind nginx with packaging/nginx.conf as shipped (only its ports, name and
# certificate changed, to a self-signed one made here), on one database and Redis: a login
# through the proxy (Origin and Host kept), a message's live event reaching a stream held open
# through the proxy (unbuffered), and every request still answered once one instance is killed
# with SIGKILL.
#
# Usage: nginx.sh ENT_BINARY DATABASE_URL REDIS_URL REDIS_PREFIX (the database migrated and
# seeded with the demo university).
set -euo pipefail
ent=$1 database=$2 redis=$3 prefix=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "nginx: $*" >&2; exit 1; }
port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

dir=$(mktemp -d)
trap '[ ! -f "$dir/nginx.pid" ] || nginx -c "$dir/nginx.conf" -s stop 2>/dev/null; kill ${one:-} ${two:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
p1=$(port) p2=$(port) front=$(port)
base=https://localhost:$front
vars=(ENT_PROFILE=test "ENT_DATABASE__URL=$database" "ENT_REDIS__URL=$redis"
  "ENT_REDIS__PREFIX=$prefix" ENT_HTTP__BEHIND_PROXY=true "ENT_HTTP__PUBLIC_URL=$base")
(cd "$root" && exec env "${vars[@]}" ENT_HTTP__LISTEN="127.0.0.1:$p1" "$ent" serve) >"$dir/one.log" 2>&1 &
one=$!
(cd "$root" && exec env "${vars[@]}" ENT_HTTP__LISTEN="127.0.0.1:$p2" "$ent" serve) >"$dir/two.log" 2>&1 &
two=$!

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
sed -e "s/127.0.0.1:8081/127.0.0.1:$p1/; s/127.0.0.1:8082/127.0.0.1:$p2/" \
  -e "s/listen 443 ssl http2/listen 127.0.0.1:$front ssl http2/; s/listen 80;/listen 127.0.0.1:$(port);/" \
  -e "s|/etc/ssl/certs/ent.univ-tours.fr.pem|$dir/cert.pem|; s|/etc/ssl/private/ent.univ-tours.fr.key|$dir/key.pem|" \
  -e "s/ent.univ-tours.fr/localhost/g" "$root/packaging/nginx.conf" >"$dir/ent.conf"
cat >"$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  include $dir/ent.conf;
}
CONF
nginx -q -t -c "$dir/nginx.conf" || fail "nginx refuses packaging/nginx.conf"
nginx -c "$dir/nginx.conf"

http() { curl -sk --resolve "localhost:$front:127.0.0.1" "$@"; }
for _ in $(seq 100); do
  [ "$(http -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ] && break
  sleep 0.1
done
for p in "$p1" "$p2"; do curl -sf "http://127.0.0.1:$p/readyz" >/dev/null || fail "instance on $p is not ready"; done

sign_in() {
  http -i -X POST -H "origin: $base" -H 'content-type: application/json' \
    -d "{\"identifier\":\"$1\",\"password\":\"Loire#Campus-2026\",\"remember\":false}" "$base/api/session"
}
cookie_of() { sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1; }
lucas=$(sign_in 25000002)
lucas_cookie=$(cookie_of <<<"$lucas")
lucas_id=$(tail -1 <<<"$lucas" | jq -r .me.person_id)
[ -n "$lucas_cookie" ] && [ "$lucas_id" != null ] || fail "login through nginx: $lucas"
teacher=$(sign_in t1001)
teacher_cookie=$(cookie_of <<<"$teacher")
csrf=$(tail -1 <<<"$teacher" | jq -r .me.csrf_token)

# Lucas's live events, held open through nginx while his teacher writes to him.
http -N -H "cookie: $lucas_cookie" -H 'accept: text/event-stream' --max-time 8 \
  "$base/api/me/events" >"$dir/events" 2>/dev/null &
stream=$!
sleep 1
as_teacher=(-H "origin: $base" -H "cookie: $teacher_cookie" -H "x-csrf-token: $csrf" -H 'content-type: application/json')
conversation=$(http -X POST "${as_teacher[@]}" -d "{\"person\":\"$lucas_id\"}" "$base/api/me/conversations" | jq -r .id)
status=$(http -o /dev/null -w '%{http_code}' -X POST "${as_teacher[@]}" \
  -d '{"body":"Cours déplacé en B206","client_key":"nginx-1"}' "$base/api/conversations/$conversation/messages")
[ "$status" = 201 ] || fail "the message through nginx: $status"
for _ in $(seq 40); do grep -q 'Cours déplacé en B206' "$dir/events" && break; sleep 0.1; done
grep -q 'Cours déplacé en B206' "$dir/events" || fail "the live event did not come through nginx"
kill "$stream" 2>/dev/null || true

# One instance killed: nginx sends every request to the other.
{ kill -9 "$one" && wait "$one"; } 2>/dev/null || true
one=
answered=0
for _ in $(seq 20); do
  [ "$(http -o /dev/null -w '%{http_code}' -H "cookie: $lucas_cookie" "$base/api/session")" = 200 ] &&
    answered=$((answered + 1))
done
[ "$answered" = 20 ] || fail "after SIGKILL of one instance, $answered/20 answered"
echo "nginx: login, a live event through the proxy, and 20/20 requests answered after one instance was killed"
