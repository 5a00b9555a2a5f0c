#!/usr/bin/env bash
# Benchmarks the code-browsing API: builds Release, starts Anvil on SQLite with a throwaway data dir on a free
# port, seeds a public repository over smart HTTP with the real git CLI, then runs wrk against tree, file and
# commits endpoints and prints requests/s and latency for each.
#
#   bench/browse/run.sh            # DURATION=10s CONNECTIONS=64 THREADS=2 COMMITS=2000 FILES=200 by default
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COMMITS=${COMMITS:-2000}
FILES=${FILES:-200}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d -t anvil-bench-browse-XXXXXX)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v git >/dev/null || { echo "git is missing" >&2; exit 1; }

echo "== building Release"
dotnet build "$ROOT/src/Anvil.Server/Anvil.Server.csproj" -c Release -o "$WORK/bin" -nologo -v quiet >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"

echo "== starting Anvil on $BASE (SQLite, data in $WORK/data)"
(
    cd "$WORK"
    export ANVIL_DATA_DIR="$WORK/data" DATABASE_URL="" ASPNETCORE_ENVIRONMENT=Production \
        ANVIL_RATELIMIT_PER_MINUTE=0 ANVIL_RATELIMIT_BURST=0 \
        ANVIL_RATELIMIT_API_ANON_PER_HOUR=0 ANVIL_RATELIMIT_API_AUTHED_PER_HOUR=0
    exec dotnet "$WORK/bin/Anvil.Server.dll" --urls "$BASE" >"$WORK/server.log" 2>&1
) &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "$BASE/api/v1/meta" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
    sleep 0.2
done
curl -fsS "$BASE/api/v1/meta" >/dev/null || { echo "server did not come up" >&2; cat "$WORK/server.log"; exit 1; }

echo "== seeding: $COMMITS commits, $FILES files in one directory"
USER_NAME=bench
PASSWORD=bench-password-123
curl -fsS -X POST "$BASE/auth/sign-up" -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench@example.com\",\"username\":\"$USER_NAME\",\"password\":\"$PASSWORD\",\"name\":\"Bench\"}" >"$WORK/signup.json"
TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$WORK/signup.json")
curl -fsS -X POST "$BASE/api/repositories" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","visibility":"public"}' >/dev/null

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$WORK/home" GIT_TERMINAL_PROMPT=0 LC_ALL=C
mkdir -p "$HOME" "$WORK/seed"
git -C "$WORK/seed" init -q -b main
python3 - "$COMMITS" "$FILES" >"$WORK/import.txt" <<'PY'
import sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout
def data(text):
    b = text.encode()
    out.write(f"data {len(b)}\n"); out.write(text); out.write("\n")
for i in range(1, commits + 1):
    out.write(f"commit refs/heads/main\nmark :{i}\ncommitter Bench <bench@example.com> {1600000000 + i} +0000\n")
    data(f"commit {i}\n\nTouches src/file{i % files}.txt.")
    if i > 1:
        out.write(f"from :{i - 1}\n")
    if i == 1:
        for f in range(files):
            out.write(f"M 100644 inline src/file{f}.txt\n"); data("".join(f"line {n} of file {f}\n" for n in range(200)))
        out.write("M 100644 inline README.md\n"); data("# bench\n" * 50)
    out.write(f"M 100644 inline src/file{i % files}.txt\n"); data("".join(f"line {n} of file {i % files}, version {i}\n" for n in range(200)))
PY
git -C "$WORK/seed" fast-import --quiet <"$WORK/import.txt"
git -C "$WORK/seed" push -q "http://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$USER_NAME/bench.git" main

API="$BASE/api/repositories/$USER_NAME/bench"
# The first line is a baseline without git: the access check and JSON every browsing request also pays.
declare -a NAMES=(
    "baseline: repo (no git)"
    "tree (root)"
    "tree (src, $FILES entries)"
    "tree with lastCommit"
    "file (JSON)"
    "file (raw)"
    "commits (30)"
    "commits (skip 1000)"
    "v1 contents (file)"
)
declare -a URLS=(
    "$API"
    "$API/tree"
    "$API/tree?path=src"
    "$API/tree?path=src&lastCommit=1"
    "$API/file?path=src/file7.txt"
    "$API/file?path=src/file7.txt&return=1"
    "$API/commits"
    "$API/commits?skip=1000&limit=30"
    "$BASE/api/v1/repos/$USER_NAME/bench/contents/src/file7.txt"
)

for url in "${URLS[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    [[ "$code" == 200 ]] || { echo "warm-up of $url answered $code" >&2; exit 1; }
done

# Let the JIT reach its optimized tier and the caches fill before anything is measured.
for url in "${URLS[@]}"; do
    wrk -t1 -c8 -d2s "$url" >/dev/null
done

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION (load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
printf '%-28s %12s %10s %10s %10s %8s\n' endpoint "requests/s" "avg" "p50" "p99" "non-2xx"
for i in "${!URLS[@]}"; do
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${URLS[$i]}")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    avg=$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
    printf '%-28s %12s %10s %10s %10s %8s\n' "${NAMES[$i]}" "$rps" "$avg" "$p50" "$p99" "${errors:-0}"
done
