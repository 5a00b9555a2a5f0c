#!/usr/bin/env bash
# A/B of hot reads between two commits: CPU time per request (µs, from /proc) of each build on SQLite, the builds
# measured in turns so both see the same machine. For checking that a change made requests cheaper; the figures
# that go with the targets come from bench/api/run.sh. Requests carry a token, so both builds compute every answer
# (anonymous answers come from the response cache); COMPARE_ANONYMOUS=1 measures anonymous requests instead.
#
#   bench/api/compare.sh OLD_REV [NEW_REV]     # NEW_REV defaults to the working tree
#   ROUNDS=3 WRK_DURATION=10s WARM_DURATION=30s bench/api/compare.sh 30381fe
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v wrk >/dev/null || { echo "skipped: wrk is missing (apt-get install -y wrk)"; exit 0; }
OLD=${1:?usage: bench/api/compare.sh OLD_REV [NEW_REV]}
NEW=${2:-}
ROUNDS=${ROUNDS:-3} WRK_DURATION=${WRK_DURATION:-10s} WARM_DURATION=${WARM_DURATION:-30s} ISSUES=${ISSUES:-30}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-16}
export WRK_DURATION WRK_CONNECTIONS

bench_init api-compare
isolate_git

build() { # rev dir → publishes that revision's server (the working tree when rev is empty) into dir
    local rev=$1 out=$2
    local src="$WORK/src-$rev"
    if [[ -z $rev ]]; then
        src=$REPO_ROOT
    else
        git clone -q "$REPO_ROOT" "$src" && git -C "$src" checkout -q "$rev"
    fi
    publish_release "$src/src/Anvil.Server" "$out"
}
step "publishing $OLD and ${NEW:-the working tree}"
build "$OLD" "$WORK/old"
build "$NEW" "$WORK/new"

declare -A URL PID AUTH
for side in old new; do
    ANVIL_BENCH_DLL="$WORK/$side/Anvil.Server.dll" start_anvil "$side"
    PID[$side]=$ANVIL_PID URL[$side]=$ANVIL_URL
    anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 bench
    AUTH[$side]=$([[ -n ${COMPARE_ANONYMOUS:-} ]] || echo "Authorization: Bearer $ANVIL_TOKEN")
    for i in $(seq 1 "$ISSUES"); do
        curl -fsS -o /dev/null -X POST "$ANVIL_URL/api/repositories/bench/bench/issues" -H "Authorization: Bearer $ANVIL_TOKEN" \
            -H 'Content-Type: application/json' -d "{\"title\":\"Issue $i\",\"body\":\"Steps $i\"}"
    done
done
paths=(/api/repositories/bench/bench /api/v1/repos/bench/bench /api/repositories/bench/bench/issues /api/v1/repos/bench/bench/issues)
step "warming (${WARM_DURATION} per path and build)"
for side in old new; do WRK_HEADER=${AUTH[$side]} warm "${paths[@]/#/${URL[$side]}}"; done

declare -A CPU
for round in $(seq 1 "$ROUNDS"); do
    for path in "${paths[@]}"; do
        for side in old new; do
            step "round $round: $side $path"
            read -r _ _ _ _ cpu < <(WRK_HEADER=${AUTH[$side]} wrk_measure "${URL[$side]}$path" "${PID[$side]}")
            CPU[$side,$path]+="$cpu "
        done
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "## Hot reads, $OLD vs ${NEW:-working tree} (CPU µs per request, median of $ROUNDS; SQLite; wrk -c$WRK_CONNECTIONS; $([[ -n ${COMPARE_ANONYMOUS:-} ]] && echo anonymous || echo 'with a token'))"
echo
echo "Load average $(load_avg) at the end; $(machine_line)."
echo
echo "| request | $OLD | ${NEW:-working tree} | new / old |"
echo "|---|---|---|---|"
for path in "${paths[@]}"; do
    o=$(median <<<"${CPU[old,$path]}") n=$(median <<<"${CPU[new,$path]}")
    printf '| GET %s | %s | %s | %.2f |\n' "$path" "$o" "$n" "$(echo "$n / $o" | bc -l)"
done
