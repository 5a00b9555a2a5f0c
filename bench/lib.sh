# Shared by the bench/*/run.sh scripts (sourced, not run). Everything a script starts is registered here and
# stopped, and its temp dir removed, when the script exits for any reason. Traffic stays on 127.0.0.1.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_PIDS=()

# Anvil with every rate limit and cap off (0 disables each, see RateLimiting/TrafficLimits.cs): the benchmarks
# measure the server, not the limiter.
ANVIL_BENCH_ENV=(
    ASPNETCORE_ENVIRONMENT=Production
    ANVIL_RATELIMIT_PER_MINUTE=0 ANVIL_RATELIMIT_BURST=0
    ANVIL_RATELIMIT_API_ANON_PER_HOUR=0 ANVIL_RATELIMIT_API_AUTHED_PER_HOUR=0
    ANVIL_RATELIMIT_SIGNUPS_PER_HOUR=0 ANVIL_RATELIMIT_SIGNIN_FAILURES_PER_15_MIN=0 ANVIL_RATELIMIT_PAGES_PER_MINUTE=0
    ANVIL_WS_MAX_PER_IP=0 ANVIL_GIT_MAX_CONCURRENCY=0
)

# BENCH_QUICK=1: a smoke run (seconds per measurement, small data sets) that exercises every path of a script.
# Each script picks its own sizes with quick() below; explicit variables still win.
BENCH_QUICK=${BENCH_QUICK:-}
quick() { [[ -n $BENCH_QUICK && $BENCH_QUICK != 0 ]]; }

# bench_summary KEY VALUE: a key figure for run-all.sh's target table (a no-op when a script runs alone).
bench_summary() { [[ -n "${BENCH_SUMMARY:-}" ]] && echo "$1 $2" >>"$BENCH_SUMMARY"; return 0; }

# One line describing this machine and its current load, for every report.
machine_line() {
    local cpu
    cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
    printf '%s cores (%s), %s GiB RAM, load average %s' "$(nproc)" "${cpu:-unknown CPU}" \
        "$(awk '/^MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
load_avg() { cut -d' ' -f1 /proc/loadavg; }

bench_init() { # name → sets WORK
    WORK=$(mktemp -d "/tmp/anvil-bench-$1-XXXXXX")
    chmod 755 "$WORK"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_cleanup() {
    local i pid
    for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${BENCH_PIDS[$i]}
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BENCH_PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ -n "${PG_DIR:-}" ]] && as_postgres /usr/local/bin/pg_ctl -D "$PG_DIR" -m immediate stop >/dev/null 2>&1
    [[ -n "${WORK:-}" && -d "$WORK" ]] && rm -rf "$WORK"
    return 0
}

# Stops a process this script started and forgets it (so the exit cleanup never signals a reused pid).
stop_pid() {
    local pid=$1 kept=() p
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${BENCH_PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    BENCH_PIDS=("${kept[@]}")
}

log() { echo "   $*" >&2; }
step() { echo "== $*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # url pid
    for _ in $(seq 1 240); do
        curl -fs -o /dev/null "$1" && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.25
    done
    return 1
}

# publish_release PROJECT_DIR OUT_DIR: a quiet Release publish; its log is printed only when it fails.
publish_release() {
    dotnet publish -c Release "$1" -o "$2" -nologo -v quiet >"$2.log" 2>&1 || { cat "$2.log" >&2; return 1; }
}

# The Release build the scripts run: bench/run-all.sh publishes once and exports ANVIL_BENCH_DLL; a script run
# on its own publishes into its temp dir (once: call this in the script's own shell, not in $(...)).
publish_anvil() {
    if [[ -z "${ANVIL_BENCH_DLL:-}" ]]; then
        step "publishing Anvil (Release)"
        publish_release "$REPO_ROOT/src/Anvil.Server" "$WORK/anvil-bin" || return 1
        ANVIL_BENCH_DLL="$WORK/anvil-bin/Anvil.Server.dll"
    fi
}

# Likewise the bare-Kestrel ceiling (bench/ceiling), exported as ANVIL_BENCH_CEILING_DLL.
publish_ceiling() {
    if [[ -z "${ANVIL_BENCH_CEILING_DLL:-}" ]]; then
        step "publishing bench/ceiling (Release)"
        publish_release "$BENCH_DIR/ceiling" "$WORK/ceiling-bin" || return 1
        ANVIL_BENCH_CEILING_DLL="$WORK/ceiling-bin/Anvil.Bench.Ceiling.dll"
    fi
}

# start_anvil NAME [VAR=value…]: a Release Anvil with its own data dir on a free port. Sets ANVIL_PID, ANVIL_URL,
# ANVIL_DATA.
start_anvil() {
    local name=$1 port
    shift
    publish_anvil || return 1
    port=$(free_port)
    ANVIL_DATA="$WORK/$name-data"
    ANVIL_URL="http://127.0.0.1:$port"
    mkdir -p "$ANVIL_DATA"
    env "${ANVIL_BENCH_ENV[@]}" ANVIL_DATA_DIR="$ANVIL_DATA" "$@" \
        dotnet "$ANVIL_BENCH_DLL" --urls "$ANVIL_URL" >"$WORK/$name.log" 2>&1 &
    ANVIL_PID=$!
    BENCH_PIDS+=("$ANVIL_PID")
    wait_http "$ANVIL_URL/api/v1/meta" "$ANVIL_PID" || { tail -30 "$WORK/$name.log" >&2; return 1; }
}

# anvil_user_and_repo URL USER PASSWORD REPO: signs up USER and creates the public REPO. Sets ANVIL_TOKEN,
# ANVIL_USER_ID, ANVIL_REPO_ID.
anvil_user_and_repo() {
    local url=$1 user=$2 password=$3 repo=$4 out
    out=$(curl -fsS -X POST "$url/auth/sign-up" -H 'Content-Type: application/json' \
        -d "{\"email\":\"$user@example.com\",\"username\":\"$user\",\"password\":\"$password\",\"name\":\"Bench\"}") || return 1
    ANVIL_TOKEN=$(json_get "$out" token)
    ANVIL_USER_ID=$(json_get "$out" user.id)
    anvil_create_repo "$url" "$repo"
}

anvil_create_repo() { # url name → sets ANVIL_REPO_ID
    local out
    out=$(curl -fsS -X POST "$1/api/repositories" -H "Authorization: Bearer $ANVIL_TOKEN" \
        -H 'Content-Type: application/json' -d "{\"name\":\"$2\",\"visibility\":\"public\"}") || return 1
    ANVIL_REPO_ID=$(json_get "$out" repo.id)
}

json_get() { # json dotted.path
    python3 -c 'import json,sys
v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v = v[k]
print(v)' "$1" "$2"
}

# Resident memory of a process in MiB: rss_mib PID [VmRSS|VmHWM].
rss_mib() {
    awk -v f="${2:-VmRSS}:" '$1 == f {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null
}

# CPU seconds (user + system, including children it has reaped) used by the given processes so far.
cpu_seconds() {
    local ticks
    ticks=$(getconf CLK_TCK)
    for pid in "$@"; do
        # Fields after the parenthesised command name: utime stime cutime cstime are 12–15 of the remainder.
        # A process may be gone by now (a database backend or autovacuum worker that ended): it counts nothing, and
        # must not fail the caller (set -e in a process substitution would end it without output).
        sed -E 's/^.*\) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}' || true
    done | awk -v t="$ticks" '{s += $1} END {printf "%.3f", s / t}'
}

as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# start_postgres: a throwaway cluster in $WORK/pg on a free port, database "anvil" owned by user "anvil",
# durability off (it is thrown away). Sets PG_URL, PG_PORT and pg_sql (psql on that database).
start_postgres() {
    local port
    port=$(free_port)
    PG_DIR="$WORK/pg"
    mkdir -p "$PG_DIR"
    [[ $(id -u) == 0 ]] && chown postgres:postgres "$PG_DIR"
    as_postgres /usr/local/bin/initdb -D "$PG_DIR" -U anvil --auth=trust -E UTF8 --no-sync --locale=C >/dev/null || return 1
    as_postgres /usr/local/bin/pg_ctl -D "$PG_DIR" -l "$PG_DIR/log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB -c max_wal_size=4GB" \
        start >/dev/null || return 1
    psql -q -h 127.0.0.1 -p "$port" -U anvil -d postgres -c "CREATE DATABASE anvil" >/dev/null || return 1
    PG_PORT=$port
    PG_URL="postgres://anvil@127.0.0.1:$port/anvil"
}
# The PostgreSQL server's processes (postmaster and its backends) while start_postgres's cluster runs, so what a
# request costs the database counts too.
pg_pids() {
    [[ -n "${PG_DIR:-}" && -f "$PG_DIR/postmaster.pid" ]] || return 0
    local master
    master=$(head -1 "$PG_DIR/postmaster.pid")
    echo "$master" $(ps -o pid= --ppid "$master")
}
pg_sql() { psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U anvil -d anvil -At "$@"; }
have_postgres() { [[ -x /usr/local/bin/initdb && -x /usr/local/bin/pg_ctl ]] && command -v psql >/dev/null; }

# push_history DIR URL COMMITS FILES: a generated history (bench/browse/generate.py) pushed over smart HTTP.
push_history() {
    local dir=$1 url=$2
    shift 2
    git init -q -b main "$dir"
    python3 "$BENCH_DIR/browse/generate.py" "$@" | git -C "$dir" fast-import --quiet
    git -C "$dir" push -q "$url" main
}

# git without user or system configuration, never prompting.
isolate_git() {
    export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$WORK/home" GIT_TERMINAL_PROMPT=0 LC_ALL=C
    mkdir -p "$HOME"
}

# warm URL…: every URL must answer 200; then a short wrk on each so the JIT reaches its optimized tier and the
# caches fill before anything is measured.
# WRK_HEADER="Name: value" adds one request header to warm and wrk_measure (a token: an answer never cached).
warm() {
    local url code
    for url in "$@"; do
        code=$(curl -s -o /dev/null -w '%{http_code}' ${WRK_HEADER:+-H "$WRK_HEADER"} "$url")
        [[ $code == 200 ]] || { echo "warm-up: $url answered $code" >&2; return 1; }
    done
    for url in "$@"; do wrk -t1 -c8 -d"${WARM_DURATION:-2s}" ${WRK_HEADER:+-H "$WRK_HEADER"} "$url" >/dev/null; done
}

# latency_ms RUNS WARMUP [-H header]… URL…: sequential latency, round-robin over the URLs (bench/latency.py);
# "median_ms p95_ms" per URL.
latency_ms() { python3 "$BENCH_DIR/latency.py" "$@"; }

# wrk_measure URL ["PID…"]: runs wrk and prints "rps p50_ms p99_ms non2xx cpu_us" (latencies in milliseconds;
# cpu_us: CPU time the processes PID… (one word, space-separated) used per request during the run, "-" without).
# CPU per request does not depend on what else the machine is doing, requests per second do.
wrk_measure() {
    local out before after
    [[ -n ${2:-} ]] && before=$(cpu_seconds $2)
    out=$(wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-64}" -d"${WRK_DURATION:-10s}" --latency ${WRK_HEADER:+-H "$WRK_HEADER"} "$1") || return 1
    [[ -n ${2:-} ]] && after=$(cpu_seconds $2)
    awk -v before="${before:-}" -v after="${after:-}" '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        /requests in/ {n = $1}
        /^Requests\/sec/ {rps = $2}
        $1 == "50%" {p50 = ms($2)}
        $1 == "99%" {p99 = ms($2)}
        /Non-2xx or 3xx responses/ {bad = $5}
        END {
            cpu = (before == "" || n == 0) ? "-" : sprintf("%.0f", (after - before) * 1e6 / n)
            printf "%.0f %.2f %.2f %s %s\n", rps, p50, p99, (bad == "" ? 0 : bad), cpu
        }' <<<"$out"
}
