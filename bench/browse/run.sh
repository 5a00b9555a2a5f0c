#!/usr/bin/env bash
# Code browsing: wrk against tree, file and commits endpoints of a generated repository on a Release Anvil
# (SQLite), then the scale case: tree listing latency in a repository of 100k files next to the same listing in
# the small one. Prints a Markdown section on stdout (progress on stderr).
#
#   bench/browse/run.sh     # WRK_DURATION=10s WRK_CONNECTIONS=64 COMMITS=2000 FILES=200 WIDE_FILES=100000 RUNS=40
#   BENCH_QUICK=1 bench/browse/run.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v wrk >/dev/null || { echo "skipped: wrk is missing (apt-get install -y wrk)"; exit 0; }

if quick; then : "${WRK_DURATION:=2s}" "${COMMITS:=300}" "${WIDE_FILES:=10000}" "${RUNS:=10}" "${WARM_DURATION:=2s}"; fi
WRK_THREADS=${WRK_THREADS:-2} WRK_CONNECTIONS=${WRK_CONNECTIONS:-64} WRK_DURATION=${WRK_DURATION:-10s}
COMMITS=${COMMITS:-2000} FILES=${FILES:-200} WIDE_FILES=${WIDE_FILES:-100000} PER_DIR=${PER_DIR:-1000} RUNS=${RUNS:-40} WARM_DURATION=${WARM_DURATION:-5s}
export WARM_DURATION

bench_init browse
isolate_git
start_anvil browse
USER_NAME=bench PASSWORD=bench-password-123
anvil_user_and_repo "$ANVIL_URL" "$USER_NAME" "$PASSWORD" bench
anvil_create_repo "$ANVIL_URL" wide
PUSH="http://$USER_NAME:$PASSWORD@${ANVIL_URL#http://}/$USER_NAME"
step "seeding: $COMMITS commits over $FILES files; $WIDE_FILES files in one commit"
push_history "$WORK/seed" "$PUSH/bench.git" history "$COMMITS" "$FILES"
push_history "$WORK/wide" "$PUSH/wide.git" wide "$WIDE_FILES" "$PER_DIR"

API="$ANVIL_URL/api/repositories/$USER_NAME/bench"
WIDE="$ANVIL_URL/api/repositories/$USER_NAME/wide"
# The first line is a baseline without git: the access check and JSON every browsing request also pays.
NAMES=("repo (no git)" "tree (root)" "tree (src, $FILES entries)" "tree with lastCommit" "file (JSON)" "file (raw)"
    "commits (30)" "commits (skip 1000)" "v1 contents (file)")
URLS=("$API" "$API/tree" "$API/tree?path=src" "$API/tree?path=src&lastCommit=1" "$API/file?path=src/file7.txt"
    "$API/file?path=src/file7.txt&return=1" "$API/commits" "$API/commits?skip=$((COMMITS / 2))&limit=30"
    "$ANVIL_URL/api/v1/repos/$USER_NAME/bench/contents/src/file7.txt")
NAMES[7]="commits (skip $((COMMITS / 2)))"
# Signed in: anonymous answers come from the response cache, and this measures what browsing costs to compute.
export WRK_HEADER="Authorization: Bearer $ANVIL_TOKEN"
warm "${URLS[@]}"

LOAD_BEFORE=$(load_avg)
ROWS=()
for i in "${!URLS[@]}"; do
    step "wrk: ${NAMES[$i]}"
    read -r rps p50 p99 bad cpu < <(wrk_measure "${URLS[$i]}" "$ANVIL_PID")
    ROWS+=("| ${NAMES[$i]} | $rps | $p50 | $p99 | $cpu | $bad |")
done

# Scale: sequential latency (no concurrency) of the same listings in the small and the 100k-file repository.
SCALE_NAMES=("small repo: tree (root)" "small repo: tree (src, $FILES entries)"
    "$WIDE_FILES-file repo: tree (root, $(( (WIDE_FILES + PER_DIR - 1) / PER_DIR )) dirs)" "$WIDE_FILES-file repo: tree (one dir, $PER_DIR entries)"
    "$WIDE_FILES-file repo: v1 contents (root)" "$WIDE_FILES-file repo: file")
SCALE_URLS=("$API/tree" "$API/tree?path=src" "$WIDE/tree" "$WIDE/tree?path=d0000"
    "$ANVIL_URL/api/v1/repos/$USER_NAME/wide/contents" "$WIDE/file?path=d0000/file00007.txt")
mapfile -t TIMES < <(latency_ms "$RUNS" 5 -H "$WRK_HEADER" "${SCALE_URLS[@]}")
[[ ${#TIMES[@]} == "${#SCALE_URLS[@]}" ]] || { echo "timing failed" >&2; exit 1; }
SCALE=()
for i in "${!SCALE_URLS[@]}"; do
    read -r med p95 <<<"${TIMES[$i]}"
    SCALE+=("| ${SCALE_NAMES[$i]} | $med | $p95 |")
done
SMALL_ROOT=${TIMES[0]% *} WIDE_ROOT=${TIMES[2]% *} WIDE_DIR=${TIMES[3]% *}
bench_summary tree_root_small_ms "$SMALL_ROOT"
bench_summary tree_root_wide_ms "$WIDE_ROOT"
bench_summary tree_dir_wide_ms "$WIDE_DIR"
bench_summary tree_wide_files "$WIDE_FILES"
bench_summary tree_per_dir "$PER_DIR"

cat <<MD
## Code browsing (SQLite)

\`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency\`, signed in (never cached), against a public repository of $COMMITS
commits over $FILES files, Release build, every path warmed first. Load average before: $LOAD_BEFORE.

| request | requests/s | p50 (ms) | p99 (ms) | server CPU/req (µs) | non-2xx |
|---|---|---|---|---|---|
MD
printf '%s\n' "${ROWS[@]}"
cat <<MD

### Tree listing at scale

Sequential GETs on one keep-alive connection, round-robin over the requests ($RUNS timed rounds after 5 untimed),
the small repository above next to one of
$WIDE_FILES files in directories of $PER_DIR. Load average: $(load_avg).

| request | median (ms) | p95 (ms) |
|---|---|---|
MD
printf '%s\n' "${SCALE[@]}"
