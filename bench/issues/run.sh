#!/usr/bin/env bash
# Issue-list and issue-search latency as a repository grows: 1k, 100k and 1M issues on PostgreSQL.
#
# Starts a throwaway PostgreSQL cluster and a Release Anvil against it, creates one repository per size through
# the API (so the schema, default labels and counters are the server's own), bulk-inserts the issues straight
# into the tables with generate_series, and times with curl (sequential, median and p95): the first page on both
# surfaces, a deep offset page, a keyset page, a label-filtered page, one issue, and issue search. Prints a
# Markdown section on stdout (progress on stderr), then the PostgreSQL plans of the page query.
#
#   bench/issues/run.sh                       # ISSUES_SIZES="1000 100000 1000000" RUNS=40
#   ISSUES_SIZES="1000 200000" RUNS=20 bench/issues/run.sh
#   BENCH_QUICK=1 bench/issues/run.sh         # 1k and 20k issues, 10 runs
#   SEPARATE=0 bench/issues/run.sh            # only the repositories together in one database
#
# Search is measured twice: with every size's repository in one database (each search must keep the other
# repositories' documents out before it ranks), and with each repository alone in a database of its own (a fresh
# Anvil on it), so what a repository's neighbours cost is plain.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
# pg_sql on the database PG_DB (default "anvil"): the separate layout seeds databases of their own.
pg_sql() { psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U anvil -d "${PG_DB:-anvil}" -At "$@"; }
have_postgres || { echo "skipped: /usr/local/bin/initdb, pg_ctl or psql missing"; exit 0; }

if quick; then : "${ISSUES_SIZES:=1000 20000}" "${RUNS:=10}"; fi
SIZES=(${ISSUES_SIZES:-1000 100000 1000000})
RUNS=${RUNS:-40}

bench_init issues
step "starting PostgreSQL"
start_postgres
start_anvil issues DATABASE_URL="$PG_URL"
anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 "issues-${SIZES[0]}"
auth=(-H "Authorization: Bearer $ANVIL_TOKEN")
declare -A REPO_ID
REPO_ID[${SIZES[0]}]=$ANVIL_REPO_ID
for n in "${SIZES[@]:1}"; do
    anvil_create_repo "$ANVIL_URL" "issues-$n"
    REPO_ID[$n]=$ANVIL_REPO_ID
done

# seed REPO_ID COUNT: COUNT issues (every 10th closed, every 3rd labelled bug, every 4th with a comment), their
# search documents and their comments' as the search feature indexes them, and what IssueService keeps in step on
# every change: the number sequence and the open/closed tallies.
seed() {
    local repo=$1 count=$2
    pg_sql <<SQL
INSERT INTO "Issues" ("RepositoryId", "Number", "IsPullRequest", "Title", "Body", "State", "StateReason", "Locked", "AuthorId",
                      "ClosedAt", "ClosedById", "CreatedAt", "UpdatedAt")
SELECT $repo, n, false, 'Issue number ' || n, 'Steps to reproduce issue ' || n || E'\n\n1. open it\n2. watch it fail',
       CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 10 = 0 THEN 'completed' END, false, $ANVIL_USER_ID,
       CASE WHEN n % 10 = 0 THEN now() END, CASE WHEN n % 10 = 0 THEN $ANVIL_USER_ID END,
       now() - make_interval(secs => $count - n), now() - make_interval(secs => $count - n)
FROM generate_series(1, $count) AS n;
INSERT INTO "IssueLabels" ("IssueId", "LabelId")
SELECT i."Id", l."Id" FROM "Issues" i JOIN "Labels" l ON l."RepositoryId" = i."RepositoryId" AND l."NormalizedName" = 'bug'
WHERE i."RepositoryId" = $repo AND i."Number" % 3 = 0;
INSERT INTO "IssueComments" ("IssueId", "AuthorId", "Body", "CreatedAt", "UpdatedAt")
SELECT i."Id", $ANVIL_USER_ID, 'A comment', now(), now() FROM "Issues" i WHERE i."RepositoryId" = $repo AND i."Number" % 4 = 0;
INSERT INTO "SearchDocuments" ("Kind", "RepositoryId", "UserId", "IssueId", "Title", "Body", "State", "UpdatedAt")
SELECT 'issue', i."RepositoryId", i."AuthorId", i."Id", i."Title", i."Body", CASE WHEN i."State" = 0 THEN 'open' ELSE 'closed' END, i."UpdatedAt"
FROM "Issues" i WHERE i."RepositoryId" = $repo;
-- The comments' documents (a search finds an issue by its comments): all newer than every issue, as comments on
-- old issues are, which a walk by recency to the newest issues must not step over.
INSERT INTO "SearchDocuments" ("Kind", "RepositoryId", "IssueId", "CommentId", "Title", "Body", "UpdatedAt")
SELECT 'comment', i."RepositoryId", c."IssueId", c."Id", '', c."Body", c."UpdatedAt"
FROM "IssueComments" c JOIN "Issues" i ON i."Id" = c."IssueId" WHERE i."RepositoryId" = $repo;
UPDATE "Repositories" SET "LastIssueNumber" = $count WHERE "Id" = $repo;
-- The comment counts kept on the issue rows (a build from before they were kept has no such column).
DO \$\$ BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'Issues' AND column_name = 'CommentCount') THEN
    UPDATE "Issues" SET "CommentCount" = 1 WHERE "RepositoryId" = $repo AND "Number" % 4 = 0;
  END IF;
END \$\$;
INSERT INTO "IssueCounts" ("RepositoryId", "OpenIssues", "ClosedIssues", "OpenPullRequests", "ClosedPullRequests")
VALUES ($repo, $count - $count / 10, $count / 10, 0, 0)
ON CONFLICT ("RepositoryId") DO UPDATE SET "OpenIssues" = excluded."OpenIssues", "ClosedIssues" = excluded."ClosedIssues";
SQL
}
t0=$SECONDS
for n in "${SIZES[@]}"; do
    step "seeding $n issues"
    seed "${REPO_ID[$n]}" "$n"
done
pg_sql -c 'VACUUM ANALYZE' >/dev/null
SEED_SECONDS=$((SECONDS - t0))
log "seeded in $SEED_SECONDS s; issues table $(pg_sql -c "SELECT pg_size_pretty(pg_total_relation_size('\"Issues\"'))"), search documents $(pg_sql -c "SELECT pg_size_pretty(pg_total_relation_size('\"SearchDocuments\"'))")"

# Sanity: the API sees the seeded data, and the next issue continues the sequence.
big=${SIZES[-1]}
next=$(curl -fsS -X POST "$ANVIL_URL/api/repositories/bench/issues-$big/issues" "${auth[@]}" -H 'Content-Type: application/json' \
    -d '{"title":"after the seed"}')
[[ $(json_get "$next" issue.number) == $((big + 1)) ]] || { echo "expected number $((big + 1)): $next" >&2; exit 1; }

# Requests per size: "key|label|path". Keys with a summary figure are named; the search matches every issue's body
# ("reproduce") so it ranks and counts the whole repository, and one title ("number N") for a selective query.
requests() { # n
    local n=$1 repo="bench/issues-$1" open deep
    open=$((n - n / 10)); deep=$((open / 2))
    echo "first|first page (open, 30)|/api/repositories/$repo/issues"
    echo "-|first page (all, 100)|/api/repositories/$repo/issues?state=all&limit=100"
    echo "v1first|v1 first page (Link with last)|/api/v1/repos/$repo/issues"
    echo "-|deep page, offset=$deep|/api/repositories/$repo/issues?offset=$deep"
    echo "-|keyset page, before=$((n / 2))|/api/repositories/$repo/issues?before=$((n / 2))"
    echo "-|labels=bug, first page|/api/repositories/$repo/issues?labels=bug"
    echo "-|one issue|/api/repositories/$repo/issues/$((n / 2))"
    echo "search|search, every issue matches (\"reproduce\")|/api/v1/search/issues?q=reproduce+repo:$repo"
    echo "searchone|search, one title (\"number $((n / 2))\")|/api/v1/search/issues?q=number+$((n / 2))+repo:$repo"
    # The same searches computed every time: a search page is kept while nothing changes (RecentReads), so the rows
    # above mostly measure a kept answer; a page of its own each round (30 each, within the 1,000 while rounds ≤ 33)
    # is never kept, and costs what the first page costs (one title: the same search, its page past the only match).
    echo "searchnew|search, every issue matches, computed (page {round})|/api/v1/search/issues?q=reproduce+repo:$repo&page={round}"
    echo "searchonenew|search, one title, computed (page {round})|/api/v1/search/issues?q=number+$((n / 2))+repo:$repo&page={round}"
}
ALL=$( (echo "-|baseline: GET /api/v1/meta (no database)|/api/v1/meta"; for n in "${SIZES[@]}"; do requests "$n" | sed "s/^/$n|/"; done) )
ALL=$(sed -E 's/^(-\|baseline)/0|\1/' <<<"$ALL")
LOAD_BEFORE=$(load_avg)
step "timing ${RUNS} rounds over every request"
mapfile -t LINES <<<"$ALL"
URLS=()
for line in "${LINES[@]}"; do URLS+=("$ANVIL_URL${line##*|}"); done
mapfile -t TIMES < <(latency_ms "$RUNS" 5 "${auth[@]}" "${URLS[@]}")
[[ ${#TIMES[@]} == "${#URLS[@]}" ]] || { echo "timing failed" >&2; exit 1; }
ROWS=()
declare -A MED
for i in "${!LINES[@]}"; do
    IFS='|' read -r n key label _ <<<"${LINES[$i]}"
    read -r med p95 <<<"${TIMES[$i]}"
    [[ $n == 0 ]] && size="–" || size=$n
    ROWS+=("| $size | $label | $med | $p95 |")
    [[ $key != - ]] && MED[$key,$n]=$med
done

# A search right after a write: any committed change ends what is kept, and an issue opened moves the newest issues
# that a search for a word said nearly everywhere starts from.
step "timing the search right after a write"
read -r AFTER_MED AFTER_P95 < <(latency_ms "$RUNS" 5 "${auth[@]}" --post "/api/repositories/bench/issues-$big/issues" \
    '{"title":"opened before a search"}' "$ANVIL_URL/api/v1/search/issues?q=reproduce+repo:bench/issues-$big")
ROWS+=("| $big | search, every issue matches, right after an issue is opened | $AFTER_MED | $AFTER_P95 |")
bench_summary issues_search_after_a_write_big_ms "$AFTER_MED"

small=${SIZES[0]}
RATIOS=()
for key in first v1first search searchone searchnew searchonenew; do
    r=$(echo "scale=2; ${MED[$key,$big]} / ${MED[$key,$small]}" | bc)
    RATIOS+=("$key $r")
    bench_summary "issues_${key}_ratio" "$r"
    bench_summary "issues_${key}_small_ms" "${MED[$key,$small]}"
    bench_summary "issues_${key}_big_ms" "${MED[$key,$big]}"
done
bench_summary issues_big "$big"

cat <<MD
## Issues at scale (PostgreSQL)

Sequential GETs on one keep-alive connection against a Release Anvil on PostgreSQL, round-robin over every
request ($RUNS timed rounds after 5 untimed), median and p95 in ms, repositories of ${SIZES[*]} issues seeded with generate_series (every 10th closed,
every 3rd labelled, every 4th commented, each with its search document). Load average: $LOAD_BEFORE before,
$(load_avg) after. Target: first page at $big ≤ 1.5 × at $small.

| issues | request | median (ms) | p95 (ms) |
|---|---|---|---|
MD
printf '%s\n' "${ROWS[@]}"
echo
echo "Ratio $big / $small (medians): $(printf '%s, ' "${RATIOS[@]}" | sed -E 's/first /first page /; s/v1first /v1 first page /; s/searchone /search one title /; s/search ([0-9])/search all \1/; s/, $//')."
echo
echo "Seeding ${SIZES[*]} issues together (generate_series, then VACUUM ANALYZE) took $SEED_SECONDS s."
echo
echo "PostgreSQL plans of the page query (issue numbers from the index, then 30 rows by number):"
echo
echo '```'
for n in "${SIZES[@]}"; do
    for offset in 0 $(((n - n / 10) / 2)); do
        plan=$(pg_sql -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT \"Number\" FROM \"Issues\" WHERE \"RepositoryId\" = ${REPO_ID[$n]} AND NOT \"IsPullRequest\" AND \"State\" = 0 ORDER BY \"Number\" DESC LIMIT 31 OFFSET $offset")
        scan=$(grep -oE '(Index Only Scan|Index Scan|Seq Scan)[^(]*' <<<"$plan" | head -1)
        buffers=$(grep -m1 -oE 'Buffers: shared hit=[0-9]+' <<<"$plan" || true)
        exec=$(grep -oE 'Execution Time: [0-9.]+ ms' <<<"$plan")
        printf '%-8s offset=%-7s %-72s %-26s %s\n' "$n" "$offset" "$scan" "$buffers" "$exec"
    done
done
echo '```'

[[ ${SEPARATE:-1} == 0 ]] && exit 0

# --- each repository alone in its own database --------------------------------------------------------------
stop_pid "$ANVIL_PID"
SEP_ROWS=()
for n in "${SIZES[@]}"; do
    step "separate database: $n issues"
    psql -q -h 127.0.0.1 -p "$PG_PORT" -U anvil -d postgres -c "CREATE DATABASE anvil_$n" >/dev/null
    start_anvil "issues-alone-$n" DATABASE_URL="postgres://anvil@127.0.0.1:$PG_PORT/anvil_$n"
    anvil_user_and_repo "$ANVIL_URL" bench bench-password-1 "issues-$n"
    t0=$SECONDS
    PG_DB=anvil_$n seed "$ANVIL_REPO_ID" "$n"
    PG_DB=anvil_$n pg_sql -c 'VACUUM ANALYZE' >/dev/null
    seeded=$((SECONDS - t0))
    log "seeded $n alone in $seeded s"
    mapfile -t lines < <(requests "$n" | grep -E '^(first|search|searchone|searchnew|searchonenew)\|')
    urls=()
    for line in "${lines[@]}"; do urls+=("$ANVIL_URL${line##*|}"); done
    mapfile -t times < <(latency_ms "$RUNS" 5 -H "Authorization: Bearer $ANVIL_TOKEN" "${urls[@]}")
    for i in "${!lines[@]}"; do
        IFS='|' read -r key label _ <<<"${lines[$i]}"
        read -r med p95 <<<"${times[$i]}"
        SEP_ROWS+=("| $n | $label | $med | $p95 | $seeded |")
        [[ $key == search* ]] && bench_summary "issues_${key}_alone_${n}_ms" "$med"
    done
    stop_pid "$ANVIL_PID"
done
cat <<MD

### Each repository in a database of its own

The same requests with each repository alone in its own database (its own Anvil on it), $RUNS timed rounds.
Load average $(load_avg) at the end.

| issues | request | median (ms) | p95 (ms) | seeding (s) |
|---|---|---|---|---|
MD
printf '%s\n' "${SEP_ROWS[@]}"
