#!/usr/bin/env bash
# Schemathesis over the whole API document, anonymous and then signed in as each demo role (the
# session cookie, the CSRF header and a same-origin Origin sent with every request), with a fixed
# seed and a bounded number of examples per operation. Fails on any 5xx, any status, content
# type, header or body the document does not declare, a 405 without Allow, and a resource that
# the document's links promise but that is gone.
#
# Left out, and why: negative_data_rejection and positive_data_acceptance judge the answer's
# number, not its truth to the document. A schema-valid random ticket, challenge or token is
# unknown, and the API says so with a documented 410 (`code-expired`) or 400 (`invalid-body`),
# which these two checks count as "valid data rejected"; and poem-openapi reads a JSON number or
# boolean given for a string as its text, so `"challenge": false` reaches the handler as "false"
# and gets the same documented answer as any unknown challenge.
#
# Usage: schemathesis.sh SCHEMATHESIS BASE_URL PASSWORD ROLE… (each ROLE an identifier; `-` is
# anonymous). The server must have its per-address limits lifted.
set -euo pipefail
st=$1 base=$2 password=$3
shift 3
# Schemathesis keeps what it finds under ./.schemathesis: somewhere outside the clone.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Calls that would end the very session the run is signed in with.
keep_session=(--exclude-operation-id logout --exclude-operation-id revoke_my_sessions
  --exclude-operation-id change_password)

for role in "$@"; do
  headers=(-H "origin: $base")
  if [ "$role" != - ]; then
    answer=$(curl -sS -i -X POST "$base/api/session" -H "origin: $base" \
      -H 'content-type: application/json' \
      -d "{\"identifier\":\"$role\",\"password\":\"$password\",\"remember\":false}")
    cookie=$(printf '%s\n' "$answer" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
    csrf=$(printf '%s\n' "$answer" | tail -1 | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
    [ -n "$cookie" ] && [ -n "$csrf" ] || { echo "$role could not sign in: $answer" >&2; exit 1; }
    headers+=(-H "cookie: $cookie" -H "x-csrf-token: $csrf")
  fi
  echo "schemathesis as ${role/#-/anonymous}"
  "$st" run "$base/api/openapi.json" --url "$base/api" --seed 1 --workers 1 \
    --phases examples,coverage,fuzzing --max-examples "${FUZZ_EXAMPLES:-5}" \
    --checks all --exclude-checks negative_data_rejection,positive_data_acceptance \
    --generation-database none --no-color "${headers[@]}" "${keep_session[@]}"
done
