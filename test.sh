#!/usr/bin/env bash
# Runs every test, after installing what a fresh Debian machine lacks for them (run as root, as CI does;
# as another user it installs nothing and says what is missing).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v git >/dev/null || missing+=(git)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v npm >/dev/null || missing+=(npm)
# The email tests send to aiosmtpd, a real SMTP server, run by Debian's python.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
# The second GitHub client the API is tested with (beside Octokit): PyGithub, as Debian packages it for its python.
/usr/bin/python3 -c 'import github' 2>/dev/null || missing+=(python3-github)
# PostgreSQL: the project's own binaries in /usr/local/bin when present, else Debian's.
if [ ! -x /usr/local/bin/initdb ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# Backups of PostgreSQL instances use pg_dump and pg_restore.
command -v pg_dump >/dev/null || missing+=(postgresql-client)
# The web interface's browser tests drive Debian's Chromium.
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test.sh: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
# The S3 storage tests run against s3rver, an S3-compatible server from npm.
command -v s3rver >/dev/null || npm install -g --silent --no-audit --no-fund s3rver@3.7.1
# The web accessibility test injects axe-core from npm into the pages; kept outside the repository, found by path.
axe_version=4.14.1
axe_prefix="$HOME/.cache/anvil-axe"
grep -qs "\"version\": \"$axe_version\"" "$axe_prefix/node_modules/axe-core/package.json" ||
  npm install --prefix "$axe_prefix" --silent --no-audit --no-fund "axe-core@$axe_version"
export ANVIL_AXE_JS="$axe_prefix/node_modules/axe-core/axe.min.js"
# The PostgreSQL test fixture runs the cluster as 'postgres' when tests run as root (initdb refuses root).
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log=$(mktemp)
status=0
# Release: the Debug build runs every test with the JIT's optimizations off, and the tests spend most of the two cores
# in the server's own code. ANVIL_TEST_CONFIGURATION=Debug runs them as the IDE builds them.
dotnet test Anvil.slnx -c "${ANVIL_TEST_CONFIGURATION:-Release}" "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line over every test assembly.
awk '/(Passed|Failed)!  -/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
