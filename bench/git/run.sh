#!/usr/bin/env bash
# Git transport: Anvil's smart HTTP against `git http-backend` behind nginx + fcgiwrap, same repository, same
# machine. Generates a ~60 MB / 10k-commit repository with `git fast-import`, then times with hyperfine a full
# clone, a shallow clone, a push of the whole history into an empty repository and a fetch of one new commit,
# through each server. Prints a Markdown section on stdout (progress on stderr).
#
#   bench/git/run.sh              # RUNS=5 WARMUP=1 COMMITS=10000 BLOBS=52 BLOB_KIB=1024
#   BENCH_QUICK=1 bench/git/run.sh     # 1000 commits, 4 blobs, 2 runs
#
# The generated repository is cached in bench/results/tmp/ (git-ignored) so a second run skips the ~2 minutes it
# takes to make; BENCH_NO_CACHE=1 regenerates it in the temp dir instead.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

if quick; then : "${RUNS:=2}" "${COMMITS:=1000}" "${BLOBS:=4}"; fi
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
COMMITS=${COMMITS:-10000}
BLOBS=${BLOBS:-52}
BLOB_KIB=${BLOB_KIB:-1024}

for tool in hyperfine nginx fcgiwrap git python3; do
    command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null \
        || { echo "skipped: $tool is missing (apt-get install -y hyperfine nginx fcgiwrap)"; exit 0; }
done
export PATH=$PATH:/usr/sbin
HTTP_BACKEND=$(git --exec-path)/git-http-backend
[[ -x $HTTP_BACKEND ]] || { echo "skipped: $HTTP_BACKEND is missing"; exit 0; }

bench_init git
isolate_git

# --- the repository -------------------------------------------------------------------------------------------
source_repo() { # dir: generate, then repack with real deltas (fast-import's own are poor: ~165 MB → ~62 MB)
    git init -q --bare -b main "$1"
    python3 "$BENCH_DIR/git/generate.py" "$COMMITS" "$BLOBS" "$BLOB_KIB" | git -C "$1" fast-import --quiet
    git -C "$1" repack -adfq
}
SRC="$REPO_ROOT/bench/results/tmp/git-source-$COMMITS-$BLOBS-$BLOB_KIB.git"
[[ -n "${BENCH_NO_CACHE:-}" ]] && SRC="$WORK/source.git"
if [[ ! -f "$SRC/.complete" ]]; then
    step "generating the repository ($COMMITS commits, $BLOBS × $BLOB_KIB KiB incompressible blobs)"
    rm -rf "$SRC" && mkdir -p "$(dirname "$SRC")"
    t0=$SECONDS
    source_repo "$SRC"
    touch "$SRC/.complete"
    log "generated in $((SECONDS - t0)) s"
fi
PACK_MIB=$(git -C "$SRC" count-objects -v | awk '$1 == "size-pack:" {printf "%.1f", $2 / 1024}')
NCOMMITS=$(git -C "$SRC" rev-list --count main)
log "repository: $NCOMMITS commits, pack $PACK_MIB MiB"

# The pushed repository is the source plus one commit (adds a file); fetch.git stays one commit behind.
git clone -q --bare "$SRC" "$WORK/seed.git"
git clone -q --bare "$SRC" "$WORK/fetch-base.git"
(
    export GIT_INDEX_FILE="$WORK/seed.index" GIT_DIR="$WORK/seed.git"
    git read-tree main
    blob=$(printf 'One more commit for the fetch benchmark.\n' | git hash-object -w --stdin)
    git update-index --add --cacheinfo "100644,$blob,NEWS.txt"
    commit=$(GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench \
        GIT_COMMITTER_EMAIL=bench@example.com git commit-tree "$(git write-tree)" -p main -m "News")
    git update-ref refs/heads/main "$commit"
)
TIP=$(git -C "$WORK/seed.git" rev-parse main)

# --- Anvil ----------------------------------------------------------------------------------------------------
step "starting Anvil (Release, SQLite)"
start_anvil git
USER_NAME=bench PASSWORD=bench-password-1
anvil_user_and_repo "$ANVIL_URL" "$USER_NAME" "$PASSWORD" bench
ANVIL_GIT="http://127.0.0.1:${ANVIL_URL##*:}/$USER_NAME"
# Pushes authenticate with a personal access token, as git credential helpers and CI do: a password costs a
# deliberately slow hash check on each of the push's two requests, which is not transport.
PAT=$(curl -fsS -X POST "$ANVIL_URL/api/users/me/tokens" -H "Authorization: Bearer $ANVIL_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["repo"]}')
PAT=$(json_get "$PAT" token)
ANVIL_PUSH="http://$USER_NAME:$PAT@127.0.0.1:${ANVIL_URL##*:}/$USER_NAME"
IDLE_RSS=$(rss_mib "$ANVIL_PID")
t0=$(date +%s.%N)
git -C "$WORK/seed.git" push -q "$ANVIL_PUSH/bench.git" main
log "seeded Anvil in $(echo "$(date +%s.%N) - $t0" | bc) s"
ANVIL_REPO_DIR="$ANVIL_DATA/repositories/$ANVIL_USER_ID/$ANVIL_REPO_ID.git"
[[ -d $ANVIL_REPO_DIR ]] || { echo "no repository at $ANVIL_REPO_DIR" >&2; exit 1; }

# --- git http-backend behind nginx + fcgiwrap -----------------------------------------------------------------
step "starting nginx + fcgiwrap + git http-backend"
mkdir -p "$WORK/http" "$WORK/nginx"
# Byte for byte the repository Anvil serves (same pack), so both servers do the same work.
cp -a "$ANVIL_REPO_DIR" "$WORK/http/bench.git"
git -C "$WORK/http/bench.git" config http.receivepack true
# fcgiwrap does not account its CGI children's CPU time to itself (it lets the kernel reap them), so the CGI it
# runs is this wrapper: git http-backend as a waited-for child, then `times` (the shell's own and its children's
# CPU time; not in a pipeline, whose subshell has no children) appended to a log. Costs one /bin/sh start per
# request, about a millisecond.
BASE_CPU_LOG="$WORK/http-backend-cpu.log"
: >"$BASE_CPU_LOG"
cat >"$WORK/http-backend.sh" <<WRAPPER
#!/bin/sh
$HTTP_BACKEND
rc=\$?
times >>$BASE_CPU_LOG
exit \$rc
WRAPPER
chmod +x "$WORK/http-backend.sh"
FCGI_SOCK="$WORK/fcgiwrap.sock"
fcgiwrap -c 4 -s "unix:$FCGI_SOCK" &
FCGI_PID=$!
for _ in $(seq 1 50); do [[ -S $FCGI_SOCK && $(pgrep -c -P "$FCGI_PID") -ge 4 ]] && break; sleep 0.1; done
FCGI_WORKERS=$(pgrep -P "$FCGI_PID" | tr '\n' ' ')
# Killed in reverse order: the master first (it would respawn workers), then the workers (they outlive it).
BENCH_PIDS+=($FCGI_WORKERS "$FCGI_PID")
NGINX_PORT=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes auto;
$([[ $(id -u) == 0 ]] && echo "user root;")
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    proxy_temp_path $WORK/nginx/proxy;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 0;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:$FCGI_SOCK;
            fastcgi_param SCRIPT_FILENAME $WORK/http-backend.sh;
            fastcgi_param GIT_PROJECT_ROOT $WORK/http;
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO \$uri;
            fastcgi_param GIT_PROTOCOL \$http_git_protocol;
            fastcgi_buffering off;
            fastcgi_request_buffering off;
            fastcgi_read_timeout 600s;
        }
    }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
BENCH_PIDS+=("$NGINX_PID")
BASE_GIT="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 1 100); do git ls-remote "$BASE_GIT/bench.git" >/dev/null 2>&1 && break; sleep 0.1; done
for url in "$ANVIL_GIT/bench.git" "$BASE_GIT/bench.git"; do
    got=$(git ls-remote "$url" refs/heads/main | cut -f1)
    [[ $got == "$TIP" ]] || { echo "$url serves main=$got, expected $TIP" >&2; cat "$WORK/nginx/error.log" >&2; exit 1; }
done
NGINX_WORKERS=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
base_cpu_seconds() { # nginx and fcgiwrap themselves, plus every git http-backend (with its children) so far
    echo "$(cpu_seconds $NGINX_PID $NGINX_WORKERS $FCGI_PID $FCGI_WORKERS) $(awk '{gsub(/[ms]/, " "); s += $1 * 60 + $2 + $3 * 60 + $4} END {printf "%.2f", s + 0}' "$BASE_CPU_LOG")" \
        | awk '{printf "%.2f", $1 + $2}'
}
server_cpu() { if [[ $1 == anvil ]]; then cpu_seconds "$ANVIL_PID"; else base_cpu_seconds; fi; }

# Anvil is a long-running server. In a fresh process most of its CPU during the first operations is the JIT
# recompiling hot paths at higher tiers (perf: libclrjit ~70 % of the server's own samples during the first clones),
# which is start-up, not transport; so both servers serve a few untimed clones and a push first.
step "warming both servers (${WARM_OPS:=3} clones and a push each)"
for url in "$ANVIL_GIT" "$BASE_GIT"; do
    for i in $(seq 1 "$WARM_OPS"); do
        rm -rf "$WORK/warm" && git clone -q --no-checkout "$url/bench.git" "$WORK/warm"
    done
done
rm -rf "$WORK/warm"
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $ANVIL_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"warm","visibility":"public"}' "$ANVIL_URL/api/repositories"
git -C "$WORK/seed.git" push -q "$ANVIL_PUSH/warm.git" main
git init -q --bare "$WORK/http/warm.git" && git -C "$WORK/http/warm.git" config http.receivepack true
git -C "$WORK/seed.git" push -q "$BASE_GIT/warm.git" main

LOAD_BEFORE=$(load_avg)
# --- the measurements -----------------------------------------------------------------------------------------
# measure ID SERVER PREPARE COMMAND: hyperfine, then "mean stddev min cpu_per_run" on stdout.
measure() {
    local id=$1 server=$2 prepare=$3 command=$4 before after
    before=$(server_cpu "$server")
    hyperfine --style basic --runs "$RUNS" --warmup "$WARMUP" --prepare "$prepare" \
        --export-json "$WORK/$id-$server.json" -n "$id ($server)" "$command" >&2
    after=$(server_cpu "$server")
    python3 - "$WORK/$id-$server.json" "$before" "$after" "$((RUNS + WARMUP))" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
cpu = (float(sys.argv[3]) - float(sys.argv[2])) / int(sys.argv[4])
print(f'{r["mean"]:.3f} {r["stddev"] or 0:.3f} {r["min"]:.3f} {cpu:.2f}')
PY
}

declare -A RESULT
scenario() { # id label anvil_prepare anvil_command base_prepare base_command
    step "$2"
    RESULT[$1,anvil]=$(measure "$1" anvil "$3" "$4")
    RESULT[$1,base]=$(measure "$1" base "$5" "$6")
}

scenario clone "clone (full)" \
    "rm -rf $WORK/c-anvil" "git clone -q --no-checkout $ANVIL_GIT/bench.git $WORK/c-anvil" \
    "rm -rf $WORK/c-base" "git clone -q --no-checkout $BASE_GIT/bench.git $WORK/c-base"
scenario shallow "clone (shallow, --depth 1)" \
    "rm -rf $WORK/s-anvil" "git clone -q --no-checkout --depth 1 $ANVIL_GIT/bench.git $WORK/s-anvil" \
    "rm -rf $WORK/s-base" "git clone -q --no-checkout --depth 1 $BASE_GIT/bench.git $WORK/s-base"
# Each push goes to a freshly created empty repository: on Anvil through the API (delete, create), on the
# baseline with git init.
scenario push "push (whole repository into an empty one)" \
    "curl -fsS -o /dev/null -X DELETE -H 'Authorization: Bearer $ANVIL_TOKEN' $ANVIL_URL/api/repositories/$USER_NAME/push; curl -fsS -o /dev/null -X POST -H 'Authorization: Bearer $ANVIL_TOKEN' -H 'Content-Type: application/json' -d '{\"name\":\"push\",\"visibility\":\"public\"}' $ANVIL_URL/api/repositories" \
    "git -C $WORK/seed.git push -q $ANVIL_PUSH/push.git main" \
    "rm -rf $WORK/http/push.git && git init -q --bare $WORK/http/push.git && git -C $WORK/http/push.git config http.receivepack true" \
    "git -C $WORK/seed.git push -q $BASE_GIT/push.git main"
scenario fetch "fetch (one new commit)" \
    "rm -rf $WORK/f-anvil && cp -a $WORK/fetch-base.git $WORK/f-anvil" \
    "git -C $WORK/f-anvil fetch -q $ANVIL_GIT/bench.git +refs/heads/main:refs/remotes/origin/main" \
    "rm -rf $WORK/f-base && cp -a $WORK/fetch-base.git $WORK/f-base" \
    "git -C $WORK/f-base fetch -q $BASE_GIT/bench.git +refs/heads/main:refs/remotes/origin/main"
[[ $(git -C "$WORK/f-anvil" rev-parse origin/main) == "$TIP" && $(git -C "$WORK/f-base" rev-parse origin/main) == "$TIP" ]] \
    || { echo "fetch did not bring the new commit" >&2; exit 1; }

# --- report ---------------------------------------------------------------------------------------------------
cat <<MD
## Git transport: Anvil vs git http-backend

Repository: $NCOMMITS commits, pack $PACK_MIB MiB ($BLOBS incompressible blobs of $BLOB_KIB KiB plus text), git $(git --version | cut -d' ' -f3).
Baseline: \`git http-backend\` via fcgiwrap behind nginx (no auth, streaming both ways, protocol v2 passed through).
Anvil: Release build on SQLite, clones anonymous, pushes with Basic auth (a personal access token) in the URL.
Both servers first serve $WARM_OPS untimed clones and a push; then hyperfine, $RUNS runs after $WARMUP warm-up each; clones are \`--no-checkout\` (transport and index-pack, not
writing files). "server CPU" is the CPU seconds per operation the server side used (Anvil's process with its git
children; nginx + fcgiwrap with theirs), measured from /proc. Load average: $LOAD_BEFORE before, $(load_avg) after.
Target: Anvil ≤ 1.05 × http-backend.

| operation | Anvil mean ± sd (s) | http-backend mean ± sd (s) | ratio (mean) | ratio (min) | server CPU Anvil / http-backend (s) |
|---|---|---|---|---|---|
MD
for id in clone shallow push fetch; do
    case $id in
        clone) label="clone (full)" ;; shallow) label="clone (--depth 1)" ;; push) label="push (all, to empty)" ;; fetch) label="fetch (1 new commit)" ;;
    esac
    read -r am asd amin acpu <<<"${RESULT[$id,anvil]}"
    read -r bm bsd bmin bcpu <<<"${RESULT[$id,base]}"
    printf '| %s | %s ± %s | %s ± %s | %.2f | %.2f | %s / %s |\n' "$label" "$am" "$asd" "$bm" "$bsd" \
        "$(echo "$am / $bm" | bc -l)" "$(echo "$amin / $bmin" | bc -l)" "$acpu" "$bcpu"
    bench_summary "git_${id}_ratio" "$(printf '%.2f' "$(echo "$am / $bm" | bc -l)")"
    bench_summary "git_${id}_anvil_s" "$am"
    bench_summary "git_${id}_base_s" "$bm"
done
echo
echo "Anvil RSS: $IDLE_RSS MiB before the git runs, $(rss_mib "$ANVIL_PID") MiB after, peak (VmHWM) $(rss_mib "$ANVIL_PID" VmHWM) MiB."
