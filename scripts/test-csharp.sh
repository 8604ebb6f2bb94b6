#!/usr/bin/env bash
# Builds and runs the C# client's xunit tests (clients/csharp) against the real proxy, which must be built first
# (`npm run build`; scripts/test-all.sh does that). Writes "<passed> <failed>" to .test-results/csharp-counts.
# Needs only the .NET SDK and the machine's NuGet source: packages are restored by the ordinary client.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/.test-results"
counts="$results/csharp-counts"
trx_dir="$results/csharp"
mkdir -p "$results"
# Until a run says otherwise, count the C# suite as one failure.
echo "0 1" > "$counts"

sln=$(ls clients/csharp/*.sln 2>/dev/null | head -n 1)
if [ -z "$sln" ]; then echo "test-csharp: no solution in clients/csharp"; exit 1; fi
if ! command -v dotnet >/dev/null 2>&1; then echo "test-csharp: dotnet (the .NET SDK) is not on PATH"; exit 1; fi
if [ ! -f dist/src/cli.js ]; then echo "test-csharp: dist/src/cli.js is missing: run 'npm run build' first"; exit 1; fi

export THRIFT_FAULT_PROXY_ROOT="$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

timeout 900 dotnet restore "$sln" || { echo "test-csharp: dotnet restore failed"; exit 1; }
timeout 900 dotnet build "$sln" --no-restore --configuration Release -nologo || { echo "test-csharp: dotnet build failed"; exit 1; }

rm -rf "$trx_dir"
timeout 900 dotnet test "$sln" --no-build --configuration Release \
  --logger "trx;LogFileName=csharp.trx" --logger "console;verbosity=normal" \
  --results-directory "$trx_dir" --blame-hang-timeout 3m
rc=$?

# The TRX report's <Counters .../> element carries the totals.
trx=$(find "$trx_dir" -name '*.trx' 2>/dev/null | head -n 1)
counter() { grep -o '<Counters [^>]*>' "$trx" | head -n 1 | sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p"; }
passed=0; failed=0
if [ -n "$trx" ]; then
  passed=$(counter passed); passed=${passed:-0}
  failed=$(counter failed); failed=${failed:-0}
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed $failed" > "$counts"
echo "csharp: ${passed} passed, ${failed} failed"
exit $rc
