#!/usr/bin/env bash
# One command per scenario: raises the open-file limit to its hard maximum (10,000 viewers need 10,000+ sockets in
# this process and as many in the server, which inherits the limit), builds the tester, and runs it. The tester
# builds TailHub in Release itself (unless --no-build) and writes load-tests/results/{scenario}-{time}.md/.json
# plus latest.md/latest.json.
#   load-tests/run.sh sweep            load-tests/run.sh all --small
#   load-tests/run.sh run -n 1000 -r 1000 -d 20
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 25000 ]; then
  echo "note: ulimit -n is $(ulimit -n); 10,000 viewers need about 10,100 per process (raise the hard limit as root for more)" >&2
fi
dotnet build -c Release load-tests/TailHub.LoadTests.csproj -nologo -v q >/dev/null
exec dotnet artifacts/bin/TailHub.LoadTests/Release/net10.0/TailHub.LoadTests.dll "$@"
