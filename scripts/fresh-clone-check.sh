#!/usr/bin/env bash
# Checks the README's first command from a fresh clone: `dotnet run --project src/Anvil.Server`, typed at the
# clone's root, answers on its port and keeps its data in ./data of that directory, which git ignores.
# (The second command, ./test.sh, is what CI runs on a fresh clone.)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'pkill -f "anvil-fresh-clone-check" 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$src" "$work/anvil"
cd "$work/anvil"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The marker argument lets the trap find the server (dotnet run starts it as a child process).
dotnet run --project src/Anvil.Server -- --urls "http://127.0.0.1:$port" --anvil-fresh-clone-check >"$work/run.log" 2>&1 &
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 2
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/run.log"; echo "FAIL: the server did not answer" >&2; exit 1; }
[ -f data/anvil.db ] && [ -f data/secret.key ] || { echo "FAIL: no ./data/anvil.db and ./data/secret.key in the clone's root" >&2; exit 1; }
[ ! -e src/Anvil.Server/data ] || { echo "FAIL: data landed in src/Anvil.Server/data" >&2; exit 1; }
[ -z "$(git status --porcelain)" ] || { git status --short; echo "FAIL: the run left files git does not ignore" >&2; exit 1; }
echo "ok: the server answered on port $port with its data in ./data, ignored by git"
