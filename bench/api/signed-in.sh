#!/usr/bin/env bash
# Signed-in hot reads, the cost a team on a private forge pays on every request: server CPU per request (Anvil
# plus, on PostgreSQL, the database's processes) for both surfaces, on SQLite and on PostgreSQL, each measured
# REPEAT times (the machine is shared: the range says how noisy it was), and the anonymous GET repo for scale.
# Prints a Markdown section on stdout (progress on stderr).
#
#   bench/api/signed-in.sh          # REPEAT=3 WRK_DURATION=5s COMMITS=50 ISSUES=100
#   ANVIL_BENCH_DLL=/path/Anvil.Server.dll bench/api/signed-in.sh   # measure another build
#   DATABASES=postgres bench/api/signed-in.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v wrk >/dev/null || { echo "skipped: wrk is missing (apt-get install -y wrk)"; exit 0; }

REPEAT=${REPEAT:-3} COMMITS=${COMMITS:-50} FILES=${FILES:-20} ISSUES=${ISSUES:-100}
export WRK_THREADS=${WRK_THREADS:-2} WRK_CONNECTIONS=${WRK_CONNECTIONS:-16} WRK_DURATION=${WRK_DURATION:-5s}
export WARM_DURATION=${WARM_DURATION:-2s}

bench_init signed-in
isolate_git
publish_anvil

# cpu_per_request URL [header]: "rps cpu_us" with CPU summed over Anvil and the database.
cpu_per_request() {
    local url=$1 pids before after out n
    pids="$ANVIL_PID $(pg_pids)"
    before=$(cpu_seconds $pids)
    out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" ${2:+-H "$2"} "$url")
    after=$(cpu_seconds $pids)
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    bad=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
    [[ -z $bad ]] || { echo "non-2xx answers from $url: $bad" >&2; return 1; }
    awk -v n="$n" -v b="$before" -v a="$after" -v rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
        'BEGIN {printf "%.0f %.0f\n", rps, (a - b) * 1e6 / n}'
}

ROWS=()
run_anvil() { # label [VAR=value…]
    local label=$1 i r rps cpu cpus rpss
    shift
    step "Anvil on $label"
    start_anvil "anvil-$label" "$@"
    anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 bench
    push_history "$WORK/seed-$label" "http://bench:bench-password-1@${ANVIL_URL#http://}/bench/bench.git" history "$COMMITS" "$FILES"
    for i in $(seq 1 "$ISSUES"); do
        curl -fsS -o /dev/null -X POST "$ANVIL_URL/api/repositories/bench/bench/issues" -H "Authorization: Bearer $ANVIL_TOKEN" \
            -H 'Content-Type: application/json' -d "{\"title\":\"Issue $i: the build fails\",\"body\":\"Steps to reproduce $i\"}"
    done
    local repo="$ANVIL_URL/api/repositories/bench/bench" v1="$ANVIL_URL/api/v1/repos/bench/bench"
    local names=("GET repo" "GET repo (v1)" "issue list, first page" "issue list (v1)" "issue page" "search (repositories)" "search (issues, v1)")
    local urls=("$repo" "$v1" "$repo/issues" "$v1/issues" "$repo/issues/7" "$ANVIL_URL/api/search?q=bench"
        "$ANVIL_URL/api/v1/search/issues?q=build+repo:bench/bench")
    local signed_in="Authorization: Bearer $ANVIL_TOKEN"
    WRK_HEADER=$signed_in warm "${urls[@]}"
    warm "$repo"
    for i in "${!urls[@]}"; do
        cpus=() rpss=()
        for r in $(seq 1 "$REPEAT"); do
            step "wrk: $label ${names[$i]} (signed in) #$r"
            read -r rps cpu < <(cpu_per_request "${urls[$i]}" "$signed_in")
            cpus+=("$cpu") rpss+=("$rps")
        done
        ROWS+=("| $label | ${names[$i]}, signed in | $(printf '%s\n' "${cpus[@]}" | sort -n | paste -sd' ' | awk '{print $1 "–" $NF}') | $(printf '%s\n' "${rpss[@]}" | sort -n | paste -sd' ' | awk '{print $1 "–" $NF}') |")
    done
    cpus=() rpss=()
    for r in $(seq 1 "$REPEAT"); do
        read -r rps cpu < <(cpu_per_request "$repo")
        cpus+=("$cpu") rpss+=("$rps")
    done
    ROWS+=("| $label | GET repo, anonymous (response cache) | $(printf '%s\n' "${cpus[@]}" | sort -n | paste -sd' ' | awk '{print $1 "–" $NF}') | $(printf '%s\n' "${rpss[@]}" | sort -n | paste -sd' ' | awk '{print $1 "–" $NF}') |")
    stop_pid "$ANVIL_PID"
}

LOAD_BEFORE=$(load_avg)
[[ ${DATABASES:-sqlite postgres} == *sqlite* ]] && run_anvil sqlite
if have_postgres && [[ ${DATABASES:-sqlite postgres} == *postgres* ]]; then
    step "starting PostgreSQL"
    start_postgres
    run_anvil postgres DATABASE_URL="$PG_URL"
fi

cat <<MD
## Signed-in reads: server CPU per request

\`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION\`, each row measured $REPEAT times (lowest–highest), signed in
with a bearer token unless marked; $COMMITS commits, $ISSUES issues. CPU/req is Anvil's CPU time per request plus,
on PostgreSQL, the database server's (from /proc). Load average: $LOAD_BEFORE before, $(load_avg) after.

| database | request | CPU/req (µs) | requests/s |
|---|---|---|---|
MD
printf '%s\n' "${ROWS[@]}"
