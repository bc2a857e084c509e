# shellcheck shell=bash
# Shared by the proof suites (scripts/e2e, fuzz-api, crash-test, load, scale-out): the release
# binary, fresh databases, accounts, and `kota serve` processes started and stopped. Source it,
# then `trap proof_cleanup EXIT`: every server started is stopped and every database and folder
# made is removed when the suite ends, however it ends.

KOTA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case ${CARGO_TARGET_DIR:-} in
  "") KOTA_TARGET=$KOTA_ROOT/target ;;
  /*) KOTA_TARGET=$CARGO_TARGET_DIR ;;
  *) KOTA_TARGET=$KOTA_ROOT/$CARGO_TARGET_DIR ;;
esac
KOTA_BIN=$KOTA_TARGET/release/kota
# Reports land under target/proof/<suite>/ of the work tree, whatever CARGO_TARGET_DIR is.
PROOF_OUT=$KOTA_ROOT/target/proof
PG_ADMIN_URL=${KOTA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
export PGOPTIONS="-c client_min_messages=warning"
# Every account the suites make has this password; the databases are thrown away afterwards.
PROOF_PASSWORD='proof-suite-password-1'

declare -gA SERVER_PID=() SERVER_URL=() SERVER_LOG=()
PROOF_DATABASES=()
PROOF_DIRS=()

proof_step() { printf '\n--> %s\n' "$*" >&2; }
proof_fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# Builds the release binary (a no-op when it is up to date).
kota_build() {
  (cd "$KOTA_ROOT" && cargo build --release --quiet --bin kota)
  [ -x "$KOTA_BIN" ] || proof_fail "no binary at $KOTA_BIN"
}

# proof_dir NAME: a fresh, empty report folder target/proof/NAME; prints its path.
proof_dir() {
  local dir=$PROOF_OUT/$1
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# These three set the variable named first (they cannot be called in $(...), which would
# forget what they registered for removal).

# temp_dir VAR: a scratch folder, removed at the end.
temp_dir() {
  local _td_made
  _td_made=$(mktemp -d "${TMPDIR:-/tmp}/kota-proof.XXXXXX")
  PROOF_DIRS+=("$_td_made")
  printf -v "$1" '%s' "$_td_made"
}

# sqlite_db VAR: the URL of a fresh SQLite database in a scratch folder.
sqlite_db() {
  local _sd_folder
  temp_dir _sd_folder
  printf -v "$1" 'sqlite://%s/kota.db' "$_sd_folder"
}

# pg_db VAR NAME: the URL of a fresh PostgreSQL database (UTF-8 ctype), dropped at the end.
pg_db() {
  local name="kota_proof_${2}_$$"
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$name\" TEMPLATE template0 ENCODING 'UTF8' \
    LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  PROOF_DATABASES+=("$name")
  printf -v "$1" '%s/%s' "${PG_ADMIN_URL%/*}" "$name"
}

# kota_user DB_URL EMAIL ROLE [--city SLUG | --state ISO2 | --partner SLUG]
kota_user() {
  local db=$1 email=$2 role=$3
  shift 3
  printf '%s\n' "$PROOF_PASSWORD" |
    "$KOTA_BIN" user add --database-url "$db" --email "$email" --name "Proof ${role//_/ }" \
      --role "$role" "$@" >/dev/null
}

# kota_token DB_URL EMAIL: prints a new API token of the user.
kota_token() {
  "$KOTA_BIN" token create --database-url "$1" --email "$2" --name proof 2>/dev/null
}

# serve_start NAME DB_URL [MORE ARGS]: starts `kota serve` on a free loopback port and waits
# until it listens; its address is then ${SERVER_URL[NAME]} and its log ${SERVER_LOG[NAME]}.
serve_start() {
  serve_launch "$@"
  serve_wait "$1"
}

# serve_launch NAME DB_URL [MORE ARGS]: starts `kota serve` without waiting (see serve_wait).
serve_launch() {
  local name=$1 db=$2
  shift 2
  mkdir -p "$PROOF_OUT/logs"
  # A log per server name and run; a restart (same name) appends to it.
  [ -n "${SERVER_LOG[$name]:-}" ] || : >"$PROOF_OUT/logs/$name.log"
  SERVER_LOG[$name]=$PROOF_OUT/logs/$name.log
  : >"$PROOF_OUT/logs/$name.out"
  "$KOTA_BIN" serve --bind 127.0.0.1:0 --database-url "$db" "$@" \
    >"$PROOF_OUT/logs/$name.out" 2>>"${SERVER_LOG[$name]}" &
  SERVER_PID[$name]=$!
}

# serve_wait NAME: waits until a launched server listens, and sets ${SERVER_URL[NAME]}.
serve_wait() {
  local name=$1 address=""
  for _ in $(seq 600); do
    address=$(sed -n 's|^Kota is serving the network at \(http://[0-9.:]*\)/.*|\1|p' \
      "$PROOF_OUT/logs/$name.out")
    [ -n "$address" ] && break
    if ! kill -0 "${SERVER_PID[$name]}" 2>/dev/null; then
      tail -n 20 "${SERVER_LOG[$name]}" >&2
      proof_fail "server $name stopped before listening (log: ${SERVER_LOG[$name]})"
    fi
    sleep 0.2
  done
  [ -n "$address" ] || proof_fail "server $name did not listen within 120 s (log: ${SERVER_LOG[$name]})"
  # shellcheck disable=SC2034 # read by the suites
  SERVER_URL[$name]=$address
}

# serve_stop NAME: stops a server gracefully (SIGTERM) and waits for it.
serve_stop() {
  local pid=${SERVER_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "SERVER_PID[$1]"
}

# serve_stop_within NAME SECONDS: stops a server gracefully, but kills it (SIGKILL) when it has
# not stopped within SECONDS (a server wedged under load must not hang the suite).
serve_stop_within() {
  local pid=${SERVER_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $(($2 * 5))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "server $1 did not stop within $2 s of SIGTERM: killed" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "SERVER_PID[$1]"
}

# serve_kill NAME: kills a server outright (SIGKILL), as a crash would.
serve_kill() {
  local pid=${SERVER_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset "SERVER_PID[$1]"
}

proof_cleanup() {
  local name db dir
  for name in "${!SERVER_PID[@]}"; do serve_stop "$name"; done
  for db in "${PROOF_DATABASES[@]}"; do
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  for dir in "${PROOF_DIRS[@]}"; do rm -rf "$dir"; done
}
