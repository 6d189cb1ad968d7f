# What the shell peers share: a curl "browser" signed in on the ENT, its cookies in $JAR.
# sign_in BASE IDENTIFIER PASSWORD → sets CSRF.
sign_in() {
  local body
  body=$(curl -sf -c "$JAR" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"$2\",\"password\":\"$3\"}" "$1/api/session")
  CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$body")
  # curl keeps Secure cookies for https only; a browser sends them to 127.0.0.1 as well.
  sed -i 's/\t\/\tTRUE\t/\t\/\tFALSE\t/' "$JAR"
}
