#!/usr/bin/env bash
# Issue-list latency at 1k vs 1M issues on PostgreSQL.
#
# Starts a throwaway PostgreSQL cluster and an Anvil server (Release build) against it, creates two
# repositories through the API (so the schema, default labels and counters are the server's own),
# bulk-inserts 1,000 and 1,000,000 issues straight into the tables with generate_series, and times
# the list endpoints with curl: first page, a deep offset page, a keyset page, a label-filtered page.
#
#   bench/issues/run.sh            # ISSUES_BIG=1000000 RUNS=40 by default
#   ISSUES_BIG=200000 RUNS=20 bench/issues/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BIG=${ISSUES_BIG:-1000000}
SMALL=${ISSUES_SMALL:-1000}
RUNS=${RUNS:-40}
PG_BIN=${ANVIL_PG_BIN:-/usr/local/bin}
PSQL=${PSQL:-$(command -v psql)}

work=$(mktemp -d /tmp/anvil-bench-issues.XXXXXX)
chmod 755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
pg_port=$(free_port)
http_port=$(free_port)
base="http://127.0.0.1:$http_port"
server_pid=""

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building (Release)"
dotnet build -c Release src/Anvil.Server -v quiet -nologo >/dev/null

echo "== starting PostgreSQL on $pg_port"
mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres:postgres "$work/pg"
as_pg "$PG_BIN/initdb" -D "$work/pg" -U anvil --auth=trust -E UTF8 --no-sync --locale=C >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w -t 60 \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_wal_size=4GB" \
  start >/dev/null
"$PSQL" -q -h 127.0.0.1 -p "$pg_port" -U anvil -d postgres -c "CREATE DATABASE anvil_bench"
sql() { "$PSQL" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U anvil -d anvil_bench -At "$@"; }

echo "== starting Anvil on $http_port"
ANVIL_DATA_DIR="$work/data" DATABASE_URL="postgres://anvil@127.0.0.1:$pg_port/anvil_bench" \
ANVIL_RATELIMIT_PER_MINUTE=0 ANVIL_RATELIMIT_BURST=0 ANVIL_RATELIMIT_API_ANON_PER_HOUR=0 ANVIL_RATELIMIT_API_AUTHED_PER_HOUR=0 \
ASPNETCORE_ENVIRONMENT=Production \
  dotnet src/Anvil.Server/bin/Release/net10.0/Anvil.Server.dll --urls "$base" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/api/v1/meta" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$base/api/v1/meta" >/dev/null || { cat "$work/server.log"; exit 1; }

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval('d'+sys.argv[1]))" "$1"; }
signup=$(curl -fs -X POST "$base/auth/sign-up" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","username":"bench","password":"bench-password-1","name":"Bench"}')
token=$(echo "$signup" | json '["token"]')
user_id=$(echo "$signup" | json '["user"]["id"]')
auth=(-H "Authorization: Bearer $token")
create_repo() {
  curl -fs -X POST "$base/api/repositories" "${auth[@]}" -H 'content-type: application/json' -d "{\"name\":\"$1\",\"visibility\":\"public\"}" | json '["repo"]["id"]'
}
small_id=$(create_repo small)
big_id=$(create_repo big)

seed() { # repo_id count
  local repo=$1 count=$2
  sql <<SQL
INSERT INTO "Issues" ("RepositoryId", "Number", "IsPullRequest", "Title", "Body", "State", "StateReason", "Locked", "AuthorId",
                      "ClosedAt", "ClosedById", "CreatedAt", "UpdatedAt")
SELECT $repo, n, false, 'Issue number ' || n, 'Steps to reproduce issue ' || n || E'\n\n1. open it\n2. watch it fail',
       CASE WHEN n % 10 = 0 THEN 1 ELSE 0 END, CASE WHEN n % 10 = 0 THEN 'completed' END, false, $user_id,
       CASE WHEN n % 10 = 0 THEN now() END, CASE WHEN n % 10 = 0 THEN $user_id END,
       now() - make_interval(secs => $count - n), now() - make_interval(secs => $count - n)
FROM generate_series(1, $count) AS n;
INSERT INTO "IssueLabels" ("IssueId", "LabelId")
SELECT i."Id", l."Id" FROM "Issues" i JOIN "Labels" l ON l."RepositoryId" = i."RepositoryId" AND l."NormalizedName" = 'bug'
WHERE i."RepositoryId" = $repo AND i."Number" % 3 = 0;
INSERT INTO "IssueComments" ("IssueId", "AuthorId", "Body", "CreatedAt", "UpdatedAt")
SELECT i."Id", $user_id, 'A comment', now(), now() FROM "Issues" i WHERE i."RepositoryId" = $repo AND i."Number" % 4 = 0;
-- What IssueService keeps in step on every change: the number sequence and the open/closed tallies.
UPDATE "Repositories" SET "LastIssueNumber" = $count WHERE "Id" = $repo;
INSERT INTO "IssueCounts" ("RepositoryId", "OpenIssues", "ClosedIssues", "OpenPullRequests", "ClosedPullRequests")
VALUES ($repo, $count - $count / 10, $count / 10, 0, 0)
ON CONFLICT ("RepositoryId") DO UPDATE SET "OpenIssues" = excluded."OpenIssues", "ClosedIssues" = excluded."ClosedIssues";
SQL
}
echo "== seeding $SMALL issues into small, $BIG into big"
t0=$(date +%s)
seed "$small_id" "$SMALL"
seed "$big_id" "$BIG"
sql -c 'VACUUM ANALYZE'
echo "   seeded in $(( $(date +%s) - t0 ))s; issues table: $(sql -c "SELECT pg_size_pretty(pg_total_relation_size('\"Issues\"'))")"

# Sanity: the API sees the seeded data, and the next issue continues the sequence.
next=$(curl -fs -X POST "$base/api/repositories/bench/big/issues" "${auth[@]}" -H 'content-type: application/json' -d '{"title":"after the seed"}' | json '["issue"]["number"]')
[ "$next" = "$((BIG + 1))" ] || { echo "expected number $((BIG + 1)), got $next"; exit 1; }

measure() { # label url
  local label=$1 url=$2 times
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null "${auth[@]}" "$url"; done
  times=$(for _ in $(seq 1 "$RUNS"); do curl -fs -o /dev/null -w '%{time_total}\n' "${auth[@]}" "$url"; done | sort -n)
  local median p95
  median=$(echo "$times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]*1000}')
  p95=$(echo "$times" | awk '{a[NR]=$1} END {i=int(NR*0.95); if (i<1) i=1; print a[i]*1000}')
  printf '%-44s %9.1f ms %9.1f ms\n' "$label" "$median" "$p95"
}

urls() { # repo count
  local repo=$1 n=$2 open deep
  open=$((n - n / 10)); deep=$((open / 2))
  echo "$repo: first page (open, 30)|$base/api/repositories/bench/$repo/issues"
  echo "$repo: first page (all, 100)|$base/api/repositories/bench/$repo/issues?state=all&limit=100"
  echo "$repo: v1 first page (Link with last)|$base/api/v1/repos/bench/$repo/issues"
  echo "$repo: deep page offset=$deep|$base/api/repositories/bench/$repo/issues?offset=$deep"
  echo "$repo: v1 deep page=$((deep / 30))|$base/api/v1/repos/bench/$repo/issues?page=$((deep / 30))"
  echo "$repo: keyset page before=$((n / 2))|$base/api/repositories/bench/$repo/issues?before=$((n / 2))"
  echo "$repo: labels=bug first page|$base/api/repositories/bench/$repo/issues?labels=bug"
  echo "$repo: get one issue|$base/api/repositories/bench/$repo/issues/$((n / 2))"
}
all_urls=$( (echo "baseline: GET /api/v1/meta (no database)|$base/api/v1/meta"; urls small "$SMALL"; urls big "$BIG") )
# Warm every path first (JIT tiers, connection pool, PostgreSQL cache), so the order of measurement does not matter.
for _ in $(seq 1 15); do
  while IFS='|' read -r _ url; do curl -fs -o /dev/null "${auth[@]}" "$url"; done <<< "$all_urls"
done

echo
printf '%-44s %12s %12s\n' "request ($RUNS runs each)" "median" "p95"
while IFS='|' read -r label url; do measure "$label" "$url"; done <<< "$all_urls"

# The database's share, without HTTP and scheduling noise: the page query the list runs first
# (numbers only, from the index), at the first page and at a deep offset.
echo
echo "== PostgreSQL plans of the page query (numbers from the index, then 30 rows by number)"
for repo in small big; do
  id=$([ "$repo" = small ] && echo "$small_id" || echo "$big_id")
  n=$([ "$repo" = small ] && echo "$SMALL" || echo "$BIG")
  for offset in 0 $(( (n - n / 10) / 2 )); do
    plan=$(sql -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT \"Number\" FROM \"Issues\" WHERE \"RepositoryId\" = $id AND NOT \"IsPullRequest\" AND \"State\" = 0 ORDER BY \"Number\" DESC LIMIT 31 OFFSET $offset")
    scan=$(echo "$plan" | grep -oE '(Index Only Scan|Index Scan|Seq Scan)[^(]*' | head -1)
    buffers=$(echo "$plan" | grep -m1 -oE 'Buffers: shared hit=[0-9]+' || true)
    exec=$(echo "$plan" | grep -oE 'Execution Time: [0-9.]+ ms')
    printf '%-6s offset=%-8s %-72s %-26s %s\n' "$repo" "$offset" "$scan" "$buffers" "$exec"
  done
done
