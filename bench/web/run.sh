#!/usr/bin/env bash
# The web interface's pages: time to first byte and server CPU per request of the repository home, a 200-entry
# tree, a file, a commit's diff, the history and search, anonymous and signed in (session cookie), on a Release
# build with SQLite and a repository of 2,000 commits over 200 files; signed in, the issue and pull request pages
# (issue 23) over data seeded through the API: the issue list of ISSUES issues, an issue with COMMENTS comments and
# timeline events, a pull request of PR_FILES changed files (conversation, Files changed, Commits), the compare page
# of its branch, and the labels page; the HTML size of that tree page; and the CSS and JS a first visit downloads,
# gzipped. Prints a Markdown section on stdout (progress on stderr).
#
#   bench/web/run.sh              # COMMITS=2000 FILES=200 RUNS=300 ISSUES=300 COMMENTS=100 PR_FILES=50
#   BENCH_QUICK=1 bench/web/run.sh
#
# The generated repository is cached in bench/results/tmp/ (git-ignored), as bench/git does.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

if quick; then : "${RUNS:=60}" "${WARM_SECONDS:=2}" "${ISSUES:=40}" "${COMMENTS:=20}"; fi
COMMITS=${COMMITS:-2000} FILES=${FILES:-200} RUNS=${RUNS:-300} WARM_SECONDS=${WARM_SECONDS:-8}
ISSUES=${ISSUES:-300} COMMENTS=${COMMENTS:-100} PR_FILES=${PR_FILES:-50}
# Targets from issue 22.
P50_TARGET_MS=10 TREE_HTML_TARGET=100000 ASSETS_GZ_TARGET=50000

bench_init web
isolate_git
publish_anvil

# --- the benchmark repository, generated once -----------------------------------------------------------------
SRC="$REPO_ROOT/bench/results/tmp/web-source-$COMMITS-$FILES.git"
if [[ ! -d $SRC ]]; then
    step "generating $COMMITS commits over $FILES files into $SRC"
    mkdir -p "$(dirname "$SRC")"
    git init -q --bare -b main "$SRC.partial"
    python3 "$BENCH_DIR/browse/generate.py" history "$COMMITS" "$FILES" | git -C "$SRC.partial" fast-import --quiet
    mv "$SRC.partial" "$SRC"
fi

step "starting Anvil (SQLite)"
start_anvil web
anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 bench
git -C "$SRC" push -q "http://bench:bench-password-1@${ANVIL_URL#http://}/bench/bench.git" main
HEAD_SHA=$(git -C "$SRC" rev-parse main)
# A highlighted file: real C# (Anvil's own diff parser), in a repository of its own.
anvil_create_repo "$ANVIL_URL" code
CODE_SRC="$WORK/code-source"
git init -q -b main "$CODE_SRC"
cp "$REPO_ROOT/src/Anvil.Git/Reading/DiffParser.cs" "$CODE_SRC/"
git -C "$CODE_SRC" add -A
git -C "$CODE_SRC" -c user.name=Bench -c user.email=bench@example.com commit -q -m "C# to highlight"
git -C "$CODE_SRC" push -q "http://bench:bench-password-1@${ANVIL_URL#http://}/bench/code.git" main
COOKIE="Cookie: anvil_session=$ANVIL_TOKEN"
ACCEPT="Accept: text/html"

# --- issues and a pull request, through the API and the git CLI ----------------------------------------------
# api METHOD PATH [JSON]: one call to the GitHub-shaped API as the repository's owner; the answer on stdout.
api() {
    local out
    out=$(curl -sS --fail-with-body -X "$1" "$ANVIL_URL/api/v1/repos/bench/bench$2" -H "Authorization: Bearer $ANVIL_TOKEN" \
        -H 'Content-Type: application/json' ${3:+-d "$3"}) || { echo "$1 $2 failed: $out" >&2; return 1; }
    echo "$out"
}
step "seeding $ISSUES issues, $COMMENTS comments on one, a pull request of $PR_FILES files"
t0=$SECONDS
for l in "needs triage" "regression" "blocked" "performance" "security" "docs" "ui" "api" "git" "ci"; do
    api POST /labels "{\"name\":\"$l\",\"color\":\"$(printf '%06x' $((RANDOM * 511)))\",\"description\":\"Issues about $l\"}" >/dev/null
done
# Issue 1: a long conversation, its comments interleaved with labelled, assigned, closed, reopened and renamed events.
DISCUSSION=$(json_get "$(api POST /issues '{"title":"A long discussion","body":"What the **timeline** of a busy issue costs to render.\n\n- one\n- two"}')" number)
for ((c = 1; c <= COMMENTS; c++)); do
    api POST "/issues/$DISCUSSION/comments" "{\"body\":\"Comment $c of the discussion, with *Markdown*, \`code\` and a list:\\n\\n- first point\\n- second point\\n\\n\`\`\`\\nlet x = $c;\\n\`\`\`\"}" >/dev/null
    ((c == COMMENTS / 5)) && api PATCH "/issues/$DISCUSSION" '{"labels":["bug","performance"]}' >/dev/null
    ((c == COMMENTS * 2 / 5)) && api PATCH "/issues/$DISCUSSION" '{"assignees":["bench"]}' >/dev/null
    ((c == COMMENTS * 3 / 5)) && api PATCH "/issues/$DISCUSSION" '{"state":"closed"}' >/dev/null && api PATCH "/issues/$DISCUSSION" '{"state":"open"}' >/dev/null
    ((c == COMMENTS * 4 / 5)) && api PATCH "/issues/$DISCUSSION" '{"title":"A long discussion of the timeline","labels":["performance"]}' >/dev/null
done
# The rest of the list: every 3rd labelled bug, every 5th assigned, every 10th closed.
for ((n = 2; n <= ISSUES; n++)); do
    labels='[]' assignees='[]'
    ((n % 3 == 0)) && labels='["bug"]'
    ((n % 5 == 0)) && assignees='["bench"]'
    api POST /issues "{\"title\":\"Issue number $n\",\"body\":\"Steps to reproduce issue $n\",\"labels\":$labels,\"assignees\":$assignees}" >/dev/null
    ((n % 10 == 0)) && api PATCH "/issues/$n" '{"state":"closed"}' >/dev/null
done
# A branch off main changing PR_FILES files over 5 commits (a few hunks each), pushed with git, and a pull request.
PR_SRC="$WORK/pr-source"
git clone -q "$SRC" "$PR_SRC"
git -C "$PR_SRC" checkout -q -b feature
for ((f = 0; f < PR_FILES; f++)); do
    sed -i -e '20s/$/, changed/' -e '100s/$/, changed/' -e '150d' "$PR_SRC/src/file$f.txt"
    printf 'an added line %d\n' 1 2 3 4 5 >>"$PR_SRC/src/file$f.txt"
    if (((f + 1) % (PR_FILES / 5 > 0 ? PR_FILES / 5 : 1) == 0 || f + 1 == PR_FILES)); then
        git -C "$PR_SRC" -c user.name=Bench -c user.email=bench@example.com commit -qam "Change files up to $f"
    fi
done
git -C "$PR_SRC" push -q "http://bench:bench-password-1@${ANVIL_URL#http://}/bench/bench.git" feature
PULL=$(json_get "$(api POST /pulls '{"title":"Change many files","body":"Touches many files.","head":"feature","base":"main"}')" number)
for ((c = 1; c <= 10; c++)); do
    api POST "/issues/$PULL/comments" "{\"body\":\"Pull request comment $c\"}" >/dev/null
done
PULL_HEAD=$(git -C "$PR_SRC" rev-parse HEAD)
for f in 0 1 2; do
    api POST "/pulls/$PULL/comments" "{\"body\":\"A line comment on file $f\",\"commit_id\":\"$PULL_HEAD\",\"path\":\"src/file$f.txt\",\"line\":20,\"side\":\"RIGHT\"}" >/dev/null
done
api POST "/pulls/$PULL/reviews" '{"event":"COMMENT","body":"A review of the whole change."}' >/dev/null
log "seeded in $((SECONDS - t0)) s"

NAMES=("repository home" "tree, src/ ($FILES entries)" "file" "file, highlighted ($(wc -l <"$CODE_SRC/DiffParser.cs") lines of C#)" "commit diff"
    "commit diff, split" "history, first page" "search (repositories)"
    "issue list ($ISSUES issues)" "issue, $COMMENTS comments and events" "pull request, conversation" "pull request, files changed ($PR_FILES files)"
    "pull request, commits" "compare main...feature" "labels")
PATHS=("/bench/bench" "/bench/bench/tree/main/src" "/bench/bench/blob/main/src/file7.txt" "/bench/code/blob/main/DiffParser.cs"
    "/bench/bench/commit/$HEAD_SHA" "/bench/bench/commit/$HEAD_SHA?diff=split" "/bench/bench/commits/main" "/search?q=bench"
    "/bench/bench/issues" "/bench/bench/issues/$DISCUSSION" "/bench/bench/pull/$PULL" "/bench/bench/pull/$PULL/files"
    "/bench/bench/pull/$PULL/commits" "/bench/bench/compare/main...feature" "/bench/bench/labels")
# Who each page is measured for: the issue and pull request pages (issue 23) signed in only.
VIEWERS=("anonymous signed-in" "anonymous signed-in" "anonymous signed-in" "anonymous signed-in" "anonymous signed-in"
    "anonymous signed-in" "anonymous signed-in" "anonymous signed-in"
    signed-in signed-in signed-in signed-in signed-in signed-in signed-in)
# ONLY=REGEX measures just the pages whose names match (the sizes below are measured either way).
if [[ -n ${ONLY:-} ]]; then
    for i in "${!NAMES[@]}"; do [[ ${NAMES[$i]} =~ $ONLY ]] || unset "NAMES[$i]" "PATHS[$i]" "VIEWERS[$i]"; done
fi

# Signed in really is signed in: the page names the viewer's account menu, not "Sign in".
page=$(curl -fsS -H "$ACCEPT" -H "$COOKIE" "$ANVIL_URL/bench/bench")
grep -q 'Sign out' <<<"$page" || { echo "the session cookie did not sign in" >&2; exit 1; }
# The seeded pages show what was seeded: every comment of the discussion, every file of the pull request.
page=$(curl -fsS -H "$ACCEPT" -H "$COOKIE" "$ANVIL_URL/bench/bench/issues/$DISCUSSION")
[[ $(grep -oE 'Comment [0-9]+ of the discussion' <<<"$page" | sort -u | wc -l) == "$COMMENTS" ]] || { echo "the issue page lacks comments" >&2; exit 1; }
for p in "pull/$PULL/files" "compare/main...feature"; do
    page=$(curl -fsS -H "$ACCEPT" -H "$COOKIE" "$ANVIL_URL/bench/bench/$p")
    [[ $(grep -oE 'src/file[0-9]+\.txt' <<<"$page" | sort -u | wc -l) == "$PR_FILES" ]] || { echo "$p does not show $PR_FILES files" >&2; exit 1; }
done

# Warm-up: each page fetched for WARM_SECONDS so the JIT reaches its optimized tier and the caches fill.
step "warming every page ($WARM_SECONDS s each)"
for i in "${!PATHS[@]}"; do
    p=${PATHS[$i]}
    for who in ${VIEWERS[$i]}; do
        headers=(-H "$ACCEPT")
        [[ $who == signed-in ]] && headers+=(-H "$COOKIE")
        code=$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "$ANVIL_URL$p")
        [[ $code == 200 ]] || { echo "warm-up: $p ($who) answered $code" >&2; exit 1; }
        end=$((SECONDS + WARM_SECONDS))
        while ((SECONDS < end)); do
            curl -s "${headers[@]}" $(printf -- "-o /dev/null $ANVIL_URL$p %.0s" $(seq 1 20))
        done
    done
done

# measure PATH [header]…: RUNS sequential GETs on one keep-alive connection (one curl, the URL repeated), each
# transfer's time to first byte and total; prints "ttfb_p50 ttfb_p90 total_p50 cpu_us bytes" (ms, µs per request,
# bytes of the last answer). CPU is the server's utime+stime over the run, divided by RUNS.
measure() {
    local path=$1 args=() before after i
    shift
    for ((i = 0; i < RUNS; i++)); do args+=(-o /dev/null "$ANVIL_URL$path"); done
    before=$(cpu_seconds "$ANVIL_PID")
    curl -s -H "$ACCEPT" "$@" -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}\n' "${args[@]}" >"$WORK/times.txt"
    after=$(cpu_seconds "$ANVIL_PID")
    awk '$1 != 200 {bad++} END {exit bad > 0}' "$WORK/times.txt" || { echo "$path: non-200 answers" >&2; return 1; }
    python3 - "$WORK/times.txt" "$before" "$after" "$RUNS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
ttfb = sorted(float(r[1]) * 1000 for r in rows)
total = sorted(float(r[2]) * 1000 for r in rows)
q = lambda xs, p: xs[min(len(xs) - 1, int(len(xs) * p))]
cpu = (float(sys.argv[3]) - float(sys.argv[2])) * 1e6 / int(sys.argv[4])
print(f"{q(ttfb, .5):.2f} {q(ttfb, .9):.2f} {q(total, .5):.2f} {cpu:.0f} {rows[-1][3]}")
PY
}

LOAD_BEFORE=$(load_avg)
ROWS=()
WORST_P50=0
MISSED=0
for i in "${!PATHS[@]}"; do
    for who in ${VIEWERS[$i]}; do
        step "curl ×$RUNS: ${NAMES[$i]} ($who)"
        if [[ $who == anonymous ]]; then
            read -r p50 p90 total cpu bytes < <(measure "${PATHS[$i]}")
        else
            read -r p50 p90 total cpu bytes < <(measure "${PATHS[$i]}" -H "$COOKIE")
        fi
        met=met
        [[ $(echo "$p50 <= $P50_TARGET_MS" | bc -l) == 1 ]] || { met="**missed**"; MISSED=$((MISSED + 1)); }
        [[ $(echo "$p50 > $WORST_P50" | bc -l) == 1 ]] && WORST_P50=$p50
        ROWS+=("$(printf '| %s, %s | `%s` | %s | %s | %s | %s | %s | %s |' "${NAMES[$i]}" "$who" "${PATHS[$i]}" "$p50" "$p90" "$total" "$cpu" "$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1024}')" "$met")")
    done
done
bench_summary web_worst_p50_ms "$WORST_P50"

# --- sizes: the 200-entry tree page, and what a first visit downloads besides the HTML ------------------------
step "sizes"
curl -fsS -H "$ACCEPT" -H "$COOKIE" -o "$WORK/tree.html" "$ANVIL_URL/bench/bench/tree/main/src"
TREE_BYTES=$(stat -c %s "$WORK/tree.html")
TREE_GZ=$(gzip -9c "$WORK/tree.html" | wc -c)
TREE_ENTRIES=$(grep -o 'href="/bench/bench/blob/main/src/file[0-9]*\.txt"' "$WORK/tree.html" | sort -u | wc -l)
bench_summary web_tree_html_bytes "$TREE_BYTES"
ASSET_ROWS=()
ASSETS_RAW=0 ASSETS_GZ=0 ASSETS_WIRE=0
# The stylesheet and scripts the home page links (the icon is not CSS or JS).
mapfile -t ASSETS < <(curl -fsS -H "$ACCEPT" "$ANVIL_URL/bench/bench" | grep -oE '<(link rel="stylesheet"|script)[^>]*(href|src)="[^"]+"' | grep -oE '(href|src)="[^"]+"' | cut -d'"' -f2 | sed 's/&amp;/\&/g')
for a in "${ASSETS[@]}"; do
    curl -fsS -o "$WORK/asset" "$ANVIL_URL$a"
    wire=$(curl -fsS -H 'Accept-Encoding: gzip, br' -o /dev/null -w '%{size_download}' "$ANVIL_URL$a")
    encoding=$(curl -fsS -H 'Accept-Encoding: gzip, br' -o /dev/null -D - "$ANVIL_URL$a" | awk -F': ' 'tolower($1) == "content-encoding" {gsub(/\r/, "", $2); print $2}')
    raw=$(stat -c %s "$WORK/asset")
    gz=$(gzip -9c "$WORK/asset" | wc -c)
    ASSETS_RAW=$((ASSETS_RAW + raw)) ASSETS_GZ=$((ASSETS_GZ + gz)) ASSETS_WIRE=$((ASSETS_WIRE + wire))
    ASSET_ROWS+=("| \`${a%%\?*}\` | $raw | $gz | $wire (${encoding:-identity}) |")
done
bench_summary web_assets_gz_bytes "$ASSETS_GZ"

verdict() { [[ $(echo "$1 <= $2" | bc -l) == 1 ]] && echo met || echo "**missed**"; }
kb() { awk -v b="$1" 'BEGIN {printf "%.1f KB", b / 1000}'; }

cat <<MD
## Web pages: time to first byte, CPU per request, sizes

A Release build on SQLite, rate limits off; the repository has $COMMITS commits over $FILES files (generated by
\`bench/browse/generate.py history\`, pushed over smart HTTP). Each page is first fetched for $WARM_SECONDS s
(warm-up), then fetched $RUNS times in a row on one keep-alive connection by one \`curl\` (concurrency 1):
"TTFB" is curl's \`time_starttransfer\`, "total" its \`time_total\`. Anonymous requests carry no cookie; signed-in
ones carry the \`anvil_session\` cookie of the repository's owner. "CPU/req" is the server process's user + system
time over the run divided by the requests (µs, from /proc), which does not depend on what else the machine does;
the latencies do (load average $LOAD_BEFORE before, $(load_avg) after; curl shares the cores with the server).

The issue and pull request pages are measured signed in only, over data seeded through the API and pushed with
\`git\`: $ISSUES issues (every 3rd labelled, every 5th assigned, every 10th closed) and 10 more labels; issue
#$DISCUSSION has $COMMENTS Markdown comments among labelled, assigned, closed, reopened and renamed events; pull
request #$PULL changes $PR_FILES files (3 hunks each) over 5 commits on \`feature\` and has 10 comments, 3 line comments
and a review.

| page | path | TTFB p50 (ms) | TTFB p90 (ms) | total p50 (ms) | CPU/req (µs) | HTML (KiB) | p50 ≤ $P50_TARGET_MS ms |
|---|---|---|---|---|---|---|---|
MD
printf '%s\n' "${ROWS[@]}"
cat <<MD

First visit: the stylesheet and scripts the pages link (the favicon aside), each as served and gzipped (\`gzip -9\`,
what a compressing proxy would send). "On the wire" is what Anvil itself sends to a client accepting gzip and br.

| asset | bytes | gzipped | on the wire |
|---|---|---|---|
MD
printf '%s\n' "${ASSET_ROWS[@]}"
cat <<MD
| **total** | $ASSETS_RAW | $ASSETS_GZ | $ASSETS_WIRE |

| target | measured | |
|---|---|---|
| every page's TTFB p50 ≤ $P50_TARGET_MS ms warm (${#ROWS[@]} pages × viewers) | worst $WORST_P50 ms, $MISSED missed | $( ((MISSED == 0)) && echo met || echo "**missed**") |
| HTML of a $TREE_ENTRIES-entry tree ≤ 100 KB | $(kb "$TREE_BYTES") ($(kb "$TREE_GZ") gzipped) | $(verdict "$TREE_BYTES" "$TREE_HTML_TARGET") |
| CSS + JS on first visit ≤ 50 KB compressed | $(kb "$ASSETS_GZ") gzipped ($(kb "$ASSETS_RAW") uncompressed, $(kb "$ASSETS_WIRE") on the wire) | $(verdict "$ASSETS_GZ" "$ASSETS_GZ_TARGET") |
MD
