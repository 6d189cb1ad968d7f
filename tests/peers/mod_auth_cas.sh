#!/usr/bin/env bash
# Apache with mod_auth_cas protecting a page on loopback, judged against a running ENT:
# a browser (curl with a cookie jar, following redirects) signs in on the ENT, opens the page,
# and must be let in by mod_auth_cas as the person. (mod_auth_cas reads attributes only from
# SAML 1.1 validation, which ENT mobile does not offer: it gets the user alone.)
# Usage: mod_auth_cas.sh BASE_URL PORT IDENTIFIER PASSWORD
set -euo pipefail
BASE=$1 PORT=$2 IDENTIFIER=$3 PASSWORD=$4
source "$(cd "$(dirname "$0")" && pwd)/browser.sh"
DIR=$(mktemp -d)
chmod 755 "$DIR"
mkdir -p "$DIR/htdocs/private" "$DIR/cgi" "$DIR/cas-cache" "$DIR/logs"
# As root Apache serves as www-data; as anyone else, as themselves.
if [ "$(id -u)" = 0 ]; then
  chown www-data "$DIR/cas-cache"
  RUN_AS=$'User www-data\nGroup www-data'
else
  RUN_AS=
fi
cat > "$DIR/cgi/whoami" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
printf 'user=%s\n' "$REMOTE_USER"
CGI
chmod 755 "$DIR/cgi/whoami"
M=/usr/lib/apache2/modules
cat > "$DIR/httpd.conf" <<CONF
ServerRoot "$DIR"
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
PidFile $DIR/httpd.pid
ErrorLog $DIR/logs/error.log
LogLevel warn auth_cas:info
$RUN_AS
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authn_core_module $M/mod_authn_core.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_user_module $M/mod_authz_user.so
LoadModule alias_module $M/mod_alias.so
LoadModule cgi_module $M/mod_cgi.so
LoadModule auth_cas_module $M/mod_auth_cas.so
CASLoginURL $BASE/cas/login
CASValidateURL $BASE/cas/p3/serviceValidate
CASVersion 2
CASCookiePath $DIR/cas-cache/
CASDebug Off
ScriptAlias /private/whoami $DIR/cgi/whoami
<Location /private>
  AuthType CAS
  CASAuthNHeader On
  Require valid-user
</Location>
CONF
apache2 -f "$DIR/httpd.conf" -k start
trap 'apache2 -f "$DIR/httpd.conf" -k stop 2>/dev/null; sleep 0.5; rm -rf "$DIR"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

JAR=$DIR/jar
sign_in "$BASE" "$IDENTIFIER" "$PASSWORD"
PAGE=$(curl -s -L --max-redirs 5 -b "$JAR" -c "$JAR" "http://127.0.0.1:$PORT/private/whoami")
fail() { echo "FAIL mod_auth_cas: $1"; echo "$PAGE" | head -20; tail -5 "$DIR/logs/error.log"; exit 1; }
grep -qx "user=$IDENTIFIER" <<<"$PAGE" || fail "the protected page did not see $IDENTIFIER"
echo "ok   mod_auth_cas: the protected page opened as $IDENTIFIER"
# Signed out of the ENT, a new browser is sent to the ENT's login, never let in.
PAGE=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT/private/whoami")
[[ $PAGE == "302 $BASE/cas/login?service="* ]] || fail "a stranger was not sent to the login ($PAGE)"
echo "ok   mod_auth_cas: a browser without a session is sent to the ENT's login"
