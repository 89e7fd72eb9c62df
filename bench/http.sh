#!/usr/bin/env bash
# HTTP load bench: an authenticated, tenant-scoped read (`GET /v1/tasks/{id}`) against
# `GET /healthz`, on the same server in one run, with wrk.
#
#   bash bench/http.sh            # 10 s per route, 32 connections
#   DURATION=30s CONNECTIONS=64 bash bench/http.sh
#
# It builds the release binary, starts `orchard serve` on a fresh data dir (embedded
# defaults, port 18089) with the plans' rate limits left out (this measures the server, not
# the limiter: tests/api/ratelimit.rs and bench/flood.rs cover that), signs up an org,
# registers a local repository, submits a task, waits for it to end, then runs wrk on each
# route in turn and prints requests per second and the ratio (goal, issue 9: the
# authenticated read >= 50 % of /healthz). The server runs on CPU 0 and wrk on CPU 1
# (taskset), so that the load generator does not take the server's core; both routes get
# the same treatment. Installs wrk from Debian if it is missing.
# Results go to bench/RESULTS.md by hand, with the machine noted.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18089}"
API="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi
command -v git >/dev/null 2>&1 || { echo "bench/http.sh needs git" >&2; exit 1; }

cargo build --release --locked --bin orchard
bin="${CARGO_TARGET_DIR:-target}/release/orchard"

work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/orchard.toml" <<EOF
listen = "127.0.0.1:$PORT"
data_dir = "$work/data"

[repos]
allow_local = true

# One plan, no rate limit and no quotas: the bench measures the server.
[plans.free]
EOF

git init -q -b main "$work/seed"
echo "# Bench" >"$work/seed/README.md"
git -C "$work/seed" add .
git -C "$work/seed" -c user.name=bench -c user.email=bench@example.com commit -qm initial
git clone -q --bare "$work/seed" "$work/bench.git"

cpus="$(nproc)"
pin_server=() pin_load=()
if [ "${PIN:-1}" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    pin_server=(taskset -c 0)
    pin_load=(taskset -c 1)
fi

RUST_LOG=warn "${pin_server[@]}" "$bin" --config "$work/orchard.toml" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -sf "$API/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "$API/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf "$API/v1/auth/signup" -H 'content-type: application/json' \
    -d '{"org_name":"Bench","email":"bench@example.com","password":"correct horse battery"}' |
    json '["token"]')
repo=$(curl -sf "$API/v1/repos" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"url\":\"$work/bench.git\",\"provider\":\"generic\"}" | json '["id"]')
task=$(curl -sf "$API/v1/tasks" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"repo_id\":\"$repo\",\"instruction\":\"Describe the repository in ORCHARD.md\"}" | json '["task_id"]')
status=""
for _ in $(seq 1 300); do
    status=$(curl -sf "$API/v1/tasks/$task" -H "authorization: Bearer $token" | json '["status"]')
    case "$status" in succeeded | failed | cancelled) break ;; esac
    sleep 0.1
done
echo "task $task: $status"

# wrk's "Requests/sec:" line, and any non-2xx count.
load() {
    local out
    out=$("${pin_load[@]}" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "$out" >&2
        echo "non-2xx answers: the run is not valid" >&2
        exit 1
    fi
    awk '/Requests\/sec:/ { print $2 }' <<<"$out"
    awk '/^ +(50|99)%/ { printf "  p%s %s", $1, $2 } END { print "" }' <<<"$out" >&2
}

echo "wrk -t1 -c$CONNECTIONS -d$DURATION, server on ${pin_server[*]:-any CPU}, wrk on ${pin_load[*]:-any CPU}"
health=$(load "$API/healthz")
echo "GET /healthz:          $health req/s"
read_rps=$(load -H "authorization: Bearer $token" "$API/v1/tasks/$task")
echo "GET /v1/tasks/{id}:    $read_rps req/s"
python3 -c "print(f'authenticated read / healthz: {$read_rps / $health * 100:.1f} % (goal >= 50 %)')"
