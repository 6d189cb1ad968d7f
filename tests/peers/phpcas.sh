#!/usr/bin/env bash
# phpCAS (Debian's php-cas) protecting a PHP page on loopback, judged against a running ENT: a
# browser (curl with a cookie jar, following redirects) signs in on the ENT and opens the page;
# phpCAS must see the person and their attributes; after « Se déconnecter » on the ENT, the
# Single Logout request must end the page's own session.
# Usage: phpcas.sh BASE_URL PORT IDENTIFIER PASSWORD
set -euo pipefail
BASE=$1 PORT=$2 IDENTIFIER=$3 PASSWORD=$4
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/browser.sh"
DIR=$(mktemp -d)
JAR=$DIR/jar
mkdir "$DIR/sessions"
ENT_BASE=$BASE php -d session.save_path="$DIR/sessions" -d include_path=".:/usr/share/php" \
  -S "127.0.0.1:$PORT" -t "$HERE/phpcas" >"$DIR/php.log" 2>&1 &
PHP_PID=$!
trap 'kill $PHP_PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
fail() { echo "FAIL phpCAS: $1"; echo "$PAGE" | head -c 600; echo; tail -5 "$DIR/php.log"; exit 1; }

sign_in "$BASE" "$IDENTIFIER" "$PASSWORD"
PAGE=$(curl -s -L --max-redirs 5 -b "$JAR" -c "$JAR" "http://127.0.0.1:$PORT/")
grep -q "\"user\":\"$IDENTIFIER\"" <<<"$PAGE" || fail "the page did not see $IDENTIFIER"
grep -q '"memberOf":\[' <<<"$PAGE" || fail "the attributes (a multi-valued memberOf) did not reach the page"
echo "ok   phpCAS: the page opened as $IDENTIFIER, with the attributes"

curl -sf -X DELETE -b "$JAR" -H "X-CSRF-Token: $CSRF" "$BASE/api/session" >/dev/null
# The logout request goes through the outbox: the page's session ends within a few seconds.
for _ in $(seq 100); do
  PAGE=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "http://127.0.0.1:$PORT/")
  [ "$PAGE" = 302 ] && break
  sleep 0.2
done
[ "$PAGE" = 302 ] || fail "Single Logout did not end the page's session"
echo "ok   phpCAS: Single Logout ended the page's session"
