#!/usr/bin/env bash
# Runs every benchmark under bench/ against one Release build and writes bench/results/latest.md: the date, the
# machine, a table of the targets (met or not), then each script's own section. Prints the result when done.
#
#   bench/run-all.sh                 # everything, full size (the git repository and 1M issues take a while)
#   BENCH_QUICK=1 bench/run-all.sh   # smoke run: small data sets, seconds per measurement
#   bench/run-all.sh api issues      # only these scripts (api, git, issues, browse, ws, web)
#   BENCH_OUT=/tmp/x.md bench/run-all.sh   # write somewhere else
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SCRIPTS=("$@")
[[ ${#SCRIPTS[@]} == 0 ]] && SCRIPTS=(api git issues browse ws web)
OUT=${BENCH_OUT:-$BENCH_DIR/results/latest.md}

bench_init all
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
MACHINE=$(machine_line)
publish_anvil || exit 1
publish_ceiling || exit 1
export ANVIL_BENCH_DLL ANVIL_BENCH_CEILING_DLL BENCH_QUICK
export BENCH_SUMMARY="$WORK/summary.txt"
: >"$BENCH_SUMMARY"

declare -A STATUS
for name in "${SCRIPTS[@]}"; do
    [[ -x "$BENCH_DIR/$name/run.sh" ]] || { echo "no such benchmark: $name" >&2; exit 2; }
    step "bench/$name/run.sh"
    t0=$SECONDS
    "$BENCH_DIR/$name/run.sh" >"$WORK/$name.md" 2> >(tee "$WORK/$name.log" >&2)
    rc=$?
    STATUS[$name]="exit $rc, $((SECONDS - t0)) s"
    if [[ $rc != 0 ]]; then
        { echo "## bench/$name/run.sh failed (exit $rc)"; echo; echo '```'; tail -20 "$WORK/$name.log"; echo '```'; } >"$WORK/$name.md"
    fi
done

# --- the target table, from the key figures the scripts left in $BENCH_SUMMARY -------------------------------
fig() { awk -v k="$1" '$1 == k {v = $2} END {print v}' "$BENCH_SUMMARY"; }
verdict() { # value op limit → met / missed / – (no figure)
    [[ -z $1 ]] && { echo "–"; return; }
    [[ $(echo "$1 $2 $3" | bc -l) == 1 ]] && echo "met" || echo "**missed**"
}
target_rows() {
    local v label
    for db in sqlite postgres; do
        v=$(fig "api_min_ratio_$db")
        echo "| hot reads ≥ 30 % of the bare-Kestrel ceiling ($db, anonymous, worst of the twelve, both surfaces) | ${v:+$(printf '%.1f %%' "$(echo "$v * 100" | bc -l)")} | $(verdict "$v" '>=' 0.30) |"
        v=$(fig "api_min_cpu_ratio_$db")
        echo "| (same, by CPU time per request: ceiling's / Anvil's, worst of the twelve, both surfaces) | ${v:+$(printf '%.1f %%' "$(echo "$v * 100" | bc -l)")} | $(verdict "$v" '>=' 0.30) |"
        v=$(fig "api_min_ratio_signed_in_$db")
        echo "| (no target) the same reads signed in, never cached ($db, worst of the twelve, both surfaces) | ${v:+$(printf '%.1f %%' "$(echo "$v * 100" | bc -l)")} | – |"
    done
    # Issue 21: signed-in CPU per request (Anvil plus, on PostgreSQL, the database), the worst path of each group;
    # the paths are bench/api's, numbered in its order.
    local group paths limit limit_pg limit_sqlite worst cpu
    for db in sqlite postgres; do
        for group in "GET repo, both surfaces|0 1|300|200" "issue list, first page, both surfaces|2 3|800|600" \
            "tree root, file, commits page, both surfaces|4 5 6 7 8 9|400|300" "repository search, both surfaces|10 11|500|400"; do
            IFS='|' read -r label paths limit_pg limit_sqlite <<<"$group"
            limit=$([[ $db == postgres ]] && echo "$limit_pg" || echo "$limit_sqlite")
            worst=
            for i in $paths; do
                cpu=$(fig "api_signed_in_cpu_${db}_$i")
                [[ -z $cpu || $cpu == - ]] && continue
                [[ -z $worst || $cpu -gt $worst ]] && worst=$cpu
            done
            echo "| $label, signed in, CPU per request ≤ $limit µs ($db, worst path) | ${worst:+$worst µs} | $(verdict "$worst" '<=' "$limit") |"
        done
    done
    for id in clone shallow push fetch; do
        case $id in clone) label="clone (full)" ;; shallow) label="clone (--depth 1)" ;; push) label="push" ;; fetch) label="fetch of one new commit" ;; esac
        v=$(fig "git_${id}_ratio")
        echo "| $label ≤ 1.05 × http-backend | ${v:+$v ×} ($(fig "git_${id}_anvil_s") s vs $(fig "git_${id}_base_s") s) | $(verdict "$v" '<=' 1.05) |"
    done
    local big
    big=$(fig issues_big)
    v=$(fig issues_first_ratio)
    echo "| issue list first page at ${big:-?} ≤ 1.5 × at 1k | ${v:+$v ×} ($(fig issues_first_big_ms) ms vs $(fig issues_first_small_ms) ms) | $(verdict "$v" '<=' 1.5) |"
    v=$(fig issues_v1first_ratio)
    echo "| v1 issue list first page at ${big:-?} ≤ 1.5 × at 1k | ${v:+$v ×} ($(fig issues_v1first_big_ms) ms vs $(fig issues_v1first_small_ms) ms) | $(verdict "$v" '<=' 1.5) |"
    v=$(fig issues_search_ratio)
    echo "| (no target) issue search matching every issue, ${big:-?} vs 1k | ${v:+$v ×} ($(fig issues_search_big_ms) ms vs $(fig issues_search_small_ms) ms) | – |"
    # Computed: a search asked again is a kept answer while nothing changes, which says nothing of the search itself.
    v=$(fig issues_searchnew_big_ms)
    local alone
    alone=$(fig "issues_searchnew_alone_${big}_ms")
    [[ -n $alone && -n $v && $(echo "$alone > $v" | bc -l) == 1 ]] && worst=$alone || worst=$v
    echo "| issue search, a word in every one of ${big:-?} issues ≤ 20 ms p50, computed (issue 21; together / alone in its database) | ${v:+$v ms}${alone:+ / $alone ms} | $(verdict "$worst" '<=' 20) |"
    v=$(fig issues_search_after_a_write_big_ms)
    echo "| (no target) the same search right after an issue is opened (together) | ${v:+$v ms} | – |"
    for db in sqlite postgres; do
        v=$(fig "idle_rss_mib_$db")
        echo "| idle RSS < 150 MiB ($db, first start on a fresh data directory) | ${v:+$v MiB} (under load: $(fig "load_rss_mib_$db") MiB) | $(verdict "$v" '<' 150) |"
        v=$(fig "idle_restart_rss_mib_$db")
        echo "| idle RSS < 150 MiB ($db, restarted over its data) | ${v:+$v MiB} | $(verdict "$v" '<' 150) |"
    done
    v=$(fig ws_sockets_open)
    echo "| idle WebSockets held by one server ≥ 10000 | ${v:+$v open, notification reached $(fig ws_notified)} | $(verdict "$v" '>=' 10000) |"
    v=$(fig web_worst_p50_ms)
    echo "| web pages' time to first byte p50 ≤ 10 ms warm (worst of six pages, anonymous and signed in) | ${v:+$v ms} | $(verdict "$v" '<=' 10) |"
    v=$(fig web_tree_html_bytes)
    echo "| HTML of a 200-entry tree page ≤ 100 KB | ${v:+$(echo "scale=1; $v / 1000" | bc) KB} | $(verdict "$v" '<=' 100000) |"
    v=$(fig web_assets_gz_bytes)
    echo "| CSS + JS on a first visit ≤ 50 KB gzipped | ${v:+$(echo "scale=1; $v / 1000" | bc) KB} | $(verdict "$v" '<=' 50000) |"
    v=$(fig tree_root_wide_ms)
    echo "| (no target) tree listing, $(fig tree_wide_files)-file repository: root / one directory of $(fig tree_per_dir) vs small repository root | ${v:+$v ms / $(fig tree_dir_wide_ms) ms vs $(fig tree_root_small_ms) ms} | – |"
}

{
    echo "# Anvil benchmarks"
    echo
    echo "- Date: $STARTED (finished $(date -u '+%H:%M UTC'))"
    echo "- Machine: $MACHINE at the start; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- Commit: $(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)$(git -C "$REPO_ROOT" diff --quiet HEAD -- src || echo ' (with uncommitted changes in src/)'), .NET $(dotnet --version), $(git --version)"
    echo "- Mode: $(quick && echo 'BENCH_QUICK=1 (smoke run: small data sets, short measurements; figures are indicative only)' || echo 'full')"
    echo "- Scripts: $(for n in "${SCRIPTS[@]}"; do printf '%s (%s); ' "$n" "${STATUS[$n]}"; done | sed 's/; $//')"
    echo
    echo "The machine is shared (other builds and test runs), so absolute figures are noisy; the targets are ratios"
    echo "measured in the same run, and each section gives its load average. Regenerate with \`bench/run-all.sh\`."
    echo
    echo "## Targets"
    echo
    echo "| target | measured | |"
    echo "|---|---|---|"
    target_rows
    for name in "${SCRIPTS[@]}"; do
        echo
        cat "$WORK/$name.md"
    done
} >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"

cat "$OUT"
