#!/usr/bin/env bash
# How many idle WebSockets one Anvil holds, and whether they stay useful: N sockets for one user at /ws, kept idle,
# then a ping on a sample and one notification that must reach every socket. Reports RSS idle and with N sockets.
#
#   bench/ws/run.sh                 # 10,000 sockets (WS_SOCKETS), idle 30 s (WS_IDLE_SECONDS)
#   WS_SOCKETS=20000 bench/ws/run.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_init ws
N=${WS_SOCKETS:-$(quick && echo 500 || echo 10000)}
IDLE=${WS_IDLE_SECONDS:-$(quick && echo 5 || echo 30)}
ulimit -n "$(ulimit -Hn)" # the server and the client each hold one descriptor per socket

step "installing the ws client library (npm)"
(cd "$WORK" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund ws@8 >/dev/null)
cp "$BENCH_DIR/ws/client.mjs" "$WORK/client.mjs"

publish_anvil
start_anvil ws
idle=$(rss_mib "$ANVIL_PID")
anvil_user_and_repo "$ANVIL_URL" holder bench-password-1 sockets
HOLDER_TOKEN=$ANVIL_TOKEN
curl -fsS -o /dev/null -X POST "$ANVIL_URL/api/repositories/holder/sockets/issues" -H "Authorization: Bearer $HOLDER_TOKEN" \
    -H 'Content-Type: application/json' -d '{"title":"Sockets"}'
out=$(curl -fsS -X POST "$ANVIL_URL/auth/sign-up" -H 'Content-Type: application/json' \
    -d '{"email":"commenter@example.com","username":"commenter","password":"bench-password-1","name":"C"}')
COMMENTER_TOKEN=$(json_get "$out" token)
# Another user comments with a mention: one notification for the holder, pushed to every one of the holder's sockets.
NOTIFY="curl -fsS -o /dev/null -X POST '$ANVIL_URL/api/repositories/holder/sockets/issues/1/comments' -H 'Authorization: Bearer $COMMENTER_TOKEN' -H 'Content-Type: application/json' -d '{\"body\":\"@holder look\"}'"

step "opening $N sockets, idle ${IDLE} s"
load_before=$(load_avg)
( cd "$WORK" && node client.mjs "${ANVIL_URL/http/ws}" "$HOLDER_TOKEN" "$N" "$IDLE" "$NOTIFY" >"$WORK/client.out" ) &
CLIENT=$!
peak=0
while kill -0 "$CLIENT" 2>/dev/null; do
    r=$(rss_mib "$ANVIL_PID"); [[ -n $r && $r -gt $peak ]] && peak=$r
    grep -q '"phase":"idle"' "$WORK/client.out" 2>/dev/null && [[ -z "${held:-}" ]] && held=$(rss_mib "$ANVIL_PID")
    sleep 0.5
done
wait "$CLIENT"
res=$(grep '"phase":"done"' "$WORK/client.out")
f() { python3 -c "import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print('–' if v is None else (round(v,2) if isinstance(v,float) else v))" "$res" "$1"; }
per_socket=$(python3 -c "print(round(($held - $idle) * 1024 / max(1, $(f openAfterIdle)), 1))")

cat <<MD
## Idle WebSockets (SQLite)

One Release Anvil, limits off (\`ANVIL_WS_MAX_PER_IP=0\`), one user holding every socket from four loopback source
addresses (Node \`ws\`, 200 handshakes in flight). After $IDLE s idle: a ping on a sample of sockets, then another
user's comment mentioning the holder — one notification that every open socket must receive.
$(machine_line). Load average $load_before before.

| sockets requested | connected | open after ${IDLE} s idle | pongs / sample | notification received by | fan-out time to the last (s) | RSS idle (MiB) | RSS with sockets (MiB) | peak (MiB) | KiB per socket |
|---|---|---|---|---|---|---|---|---|---|
| $N | $(f connected) | $(f openAfterIdle) | $(f pongs) / $(f sample) | $(f notified) | $(f fanOutSeconds) | $idle | ${held:-–} | $peak | $per_socket |
MD
bench_summary ws_sockets_open "$(f openAfterIdle)"
bench_summary ws_notified "$(f notified)"
