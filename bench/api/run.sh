#!/usr/bin/env bash
# API load against the ceiling, and memory: wrk at 64 connections against a bare Kestrel endpoint (bench/ceiling)
# and against Anvil's hot reads (repository, issue list, tree root, file, commits page, search) on SQLite and on
# PostgreSQL, Release builds, rate limits off; plus Anvil's resident memory idle, under that load and after it.
# Prints a Markdown section on stdout (progress on stderr).
#
#   bench/api/run.sh        # WRK_THREADS=2 WRK_CONNECTIONS=64 WRK_DURATION=10s COMMITS=2000 ISSUES=60
#   BENCH_QUICK=1 bench/api/run.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v wrk >/dev/null || { echo "skipped: wrk is missing (apt-get install -y wrk)"; exit 0; }

if quick; then : "${WRK_DURATION:=2s}" "${COMMITS:=300}" "${ISSUES:=35}" "${WARM_DURATION:=2s}"; fi
WRK_THREADS=${WRK_THREADS:-2} WRK_CONNECTIONS=${WRK_CONNECTIONS:-64} WRK_DURATION=${WRK_DURATION:-10s}
COMMITS=${COMMITS:-2000} FILES=${FILES:-200} ISSUES=${ISSUES:-60} WARM_DURATION=${WARM_DURATION:-10s}
export WARM_DURATION

bench_init api
isolate_git
publish_ceiling
publish_anvil

# --- the ceiling, kept running so it can be measured next to each Anvil run -----------------------------------
CEILING_URL="http://127.0.0.1:$(free_port)"
ASPNETCORE_ENVIRONMENT=Production dotnet "$ANVIL_BENCH_CEILING_DLL" --urls "$CEILING_URL" >"$WORK/ceiling.log" 2>&1 &
CEILING_PID=$!
BENCH_PIDS+=("$CEILING_PID")
wait_http "$CEILING_URL/" "$CEILING_PID" || { cat "$WORK/ceiling.log" >&2; exit 1; }
sleep 1
CEILING_IDLE=$(rss_mib "$CEILING_PID")
warm "$CEILING_URL/"

ROWS=()
MEM_ROWS=()
CEIL_RPS=
measure_ceiling() { # label
    local p50 p99 bad
    step "wrk: ceiling ($1)"
    read -r CEIL_RPS p50 p99 bad CEIL_CPU < <(wrk_measure "$CEILING_URL/" "$CEILING_PID")
    ROWS+=("$(printf '| ceiling: bare Kestrel, small JSON (%s) | %s | %.2f | %.2f | 1.00 | %s | 1.00 | %s |' "$1" "$CEIL_RPS" "$p50" "$p99" "$CEIL_CPU" "$bad")")
}

# run_anvil LABEL [VAR=value…]: start Anvil, take its idle memory, seed a user, a repository with history and
# issues, warm every path, measure the ceiling, then each path while sampling memory.
run_anvil() {
    local label=$1 sampler peak idle idle_restart i rps p50 p99 bad cpu ratio cpu_ratio min_ratio= min_cpu_ratio= min_computed=
    shift
    step "Anvil on $label"
    start_anvil "anvil-$label" "$@"
    sleep 3 # start-up plus one request (the readiness probe), then settle
    idle=$(rss_mib "$ANVIL_PID")
    bench_summary "idle_rss_mib_$label" "$idle"
    # Again over the same data, as every start after the first finds it: no migration to apply.
    stop_pid "$ANVIL_PID"
    start_anvil "anvil-$label" "$@"
    sleep 3
    idle_restart=$(rss_mib "$ANVIL_PID")
    bench_summary "idle_restart_rss_mib_$label" "$idle_restart"
    anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 bench
    push_history "$WORK/seed-$label" "http://bench:bench-password-1@${ANVIL_URL#http://}/bench/bench.git" history "$COMMITS" "$FILES"
    for i in $(seq 1 "$ISSUES"); do
        curl -fsS -o /dev/null -X POST "$ANVIL_URL/api/repositories/bench/bench/issues" -H "Authorization: Bearer $ANVIL_TOKEN" \
            -H 'Content-Type: application/json' -d "{\"title\":\"Issue $i: the build fails\",\"body\":\"Steps to reproduce $i\"}"
    done
    local repo="$ANVIL_URL/api/repositories/bench/bench"
    local v1="$ANVIL_URL/api/v1/repos/bench/bench"
    # Every read on both surfaces: the Sigmagit API and its /api/v1 (GitHub's shapes) twin.
    local names=("GET repo" "GET repo (v1)" "issue list, first page" "issue list (v1)" "tree (root)" "contents of the root (v1)"
        "file (JSON)" "contents of a file (v1)" "commits, first page" "commits (v1)" "search (repositories)" "search repositories (v1)")
    local urls=("$repo" "$v1" "$repo/issues" "$v1/issues" "$repo/tree" "$v1/contents/" "$repo/file?path=src/file7.txt" "$v1/contents/src/file7.txt"
        "$repo/commits" "$v1/commits" "$ANVIL_URL/api/search?q=bench" "$ANVIL_URL/api/v1/search/repositories?q=bench")
    local signed_in="Authorization: Bearer $ANVIL_TOKEN"
    step "warming"
    warm "${urls[@]}"
    WRK_HEADER=$signed_in warm "${urls[@]}"
    measure_ceiling "before $label"
    # Sample VmRSS twice a second while wrk runs.
    (while kill -0 "$ANVIL_PID" 2>/dev/null; do rss_mib "$ANVIL_PID"; echo; sleep 0.5; done) >"$WORK/rss-$label.txt" &
    sampler=$!
    BENCH_PIDS+=("$sampler")
    # Each path twice: anonymous (the hot read a visitor makes, answered from the response cache after the first)
    # and signed in with a token (never cached: what every request would cost without the cache).
    local who
    for i in "${!urls[@]}"; do
        for who in anonymous signed-in; do
            step "wrk: $label ${names[$i]} ($who)"
            if [[ $who == anonymous ]]; then
                read -r rps p50 p99 bad cpu < <(wrk_measure "${urls[$i]}" "$ANVIL_PID")
            else
                # Computed answers read the database: on PostgreSQL its processes' CPU is the request's too.
                read -r rps p50 p99 bad cpu < <(WRK_HEADER=$signed_in wrk_measure "${urls[$i]}" "$ANVIL_PID $(pg_pids)")
                # Issue 21's targets are signed-in CPU per request, path by path (run-all.sh groups them).
                bench_summary "api_signed_in_cpu_${label}_$i" "$cpu"
            fi
            ratio=$(echo "scale=4; $rps / $CEIL_RPS" | bc)
            [[ $cpu == - ]] && cpu_ratio=0 || cpu_ratio=$(echo "scale=4; $CEIL_CPU / $cpu" | bc)
            ROWS+=("$(printf '| Anvil (%s): %s, %s | %s | %.2f | %.2f | %.3f | %s | %.3f | %s |' "$label" "${names[$i]}" "$who" "$rps" "$p50" "$p99" "$ratio" "$cpu" "$cpu_ratio" "$bad")")
            if [[ $who == anonymous ]]; then
                [[ -z $min_ratio || $(echo "$ratio < $min_ratio" | bc) == 1 ]] && min_ratio=$ratio
                [[ -z $min_cpu_ratio || $(echo "$cpu_ratio < $min_cpu_ratio" | bc) == 1 ]] && min_cpu_ratio=$cpu_ratio
            else
                [[ -z $min_computed || $(echo "$ratio < $min_computed" | bc) == 1 ]] && min_computed=$ratio
            fi
        done
    done
    stop_pid "$sampler"
    bench_summary "api_min_ratio_$label" "$min_ratio"
    bench_summary "api_min_cpu_ratio_$label" "$min_cpu_ratio"
    bench_summary "api_min_ratio_signed_in_$label" "$min_computed"
    peak=$(sort -n "$WORK/rss-$label.txt" | tail -1)
    bench_summary "load_rss_mib_$label" "$peak"
    sleep 5
    MEM_ROWS+=("| Anvil ($label) | $idle | $idle_restart | $peak | $(rss_mib "$ANVIL_PID") | $(rss_mib "$ANVIL_PID" VmHWM) |")
    stop_pid "$ANVIL_PID"
}

LOAD_BEFORE=$(load_avg)
run_anvil sqlite
if have_postgres; then
    step "starting PostgreSQL"
    start_postgres
    run_anvil postgres DATABASE_URL="$PG_URL"
    PG_NOTE=""
else
    PG_NOTE="PostgreSQL skipped: /usr/local/bin/initdb, pg_ctl or psql missing."
fi
MEM_ROWS=("| ceiling app | $CEILING_IDLE | – | – | $(rss_mib "$CEILING_PID") | $(rss_mib "$CEILING_PID" VmHWM) |" "${MEM_ROWS[@]}")

cat <<MD
## API load: Anvil against the ceiling

\`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency\`, GETs, rate limits off, Release builds,
every path warmed first. Each path is measured anonymous (a visitor's read: after the first, answered from the
response cache, which any committed change invalidates) and signed in with a token (never cached: the full cost of
computing the answer). The repository has $COMMITS commits over $FILES files and $ISSUES issues. The ceiling is
\`bench/ceiling\` (one minimal-API route returning a small JSON object on a bare Kestrel, same runtime), measured
right before each Anvil block; each ratio is to the ceiling of its own block. wrk shares the cores with the server.
"CPU/req" is the server process's CPU time per request (µs, from /proc), which does not depend on what else the
machine is doing (signed in on PostgreSQL: Anvil's plus the database server's processes', as issue 21's targets count it); "CPU ratio" is the ceiling's CPU/req over the row's, the throughput share Anvil would have on
cores of its own.
Load average: $LOAD_BEFORE before, $(load_avg) after. $PG_NOTE

| request | requests/s | p50 (ms) | p99 (ms) | ratio to ceiling | CPU/req (µs) | CPU ratio | non-2xx |
|---|---|---|---|---|---|---|---|
MD
printf '%s\n' "${ROWS[@]}"
cat <<MD

## Memory (RSS, MiB)

Idle: 3 s after start-up and one request (the readiness probe), before any data; on a fresh data directory (the
first start, which applies every migration) and restarted over it (every later start). Under load: the highest VmRSS
sampled every 0.5 s during the wrk runs above. After: 5 s after the load. Peak: the kernel's high-water mark
(VmHWM). Target: idle RSS < 150 MiB.

| server | idle, first start | idle, restarted | under load (max) | after load | peak (VmHWM) |
|---|---|---|---|---|---|
MD
printf '%s\n' "${MEM_ROWS[@]}"
