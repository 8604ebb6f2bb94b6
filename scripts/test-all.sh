#!/usr/bin/env bash
# The one test command (npm test): proto lint + gen/ freshness, type check, build, jest, C# xunit.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
step() { printf '\n== %s\n' "$*"; }

step "buf lint + gen/ freshness"
if npm run -s generate; then
  if [ -n "$(git status --porcelain -- gen 2>/dev/null)" ]; then
    echo "gen/ is stale: run 'npm run generate' and commit the result"; git status --porcelain -- gen; fail=1
  fi
else
  echo "npm run generate failed"; fail=1
fi

step "typecheck (tsc --noEmit, strict)"
npx --no-install tsc -p tsconfig.json --noEmit || fail=1

step "build"
npm run -s build || fail=1

step "jest"
mkdir -p .test-results
timeout 2400 npx --no-install jest --ci --json --outputFile=.test-results/jest.json ${JEST_ARGS:-} || fail=1
jest_passed=$(node -e "try{const r=require('./.test-results/jest.json');console.log(r.numPassedTests)}catch{console.log(0)}")
jest_failed=$(node -e "try{const r=require('./.test-results/jest.json');console.log(r.numFailedTests)}catch{console.log(1)}")

cs_passed=0; cs_failed=0
if [ -f clients/csharp/ThriftFaultProxy.sln ] || ls clients/csharp/*.sln >/dev/null 2>&1; then
  step "C# xunit (dotnet test)"
  bash scripts/test-csharp.sh || fail=1
  if [ -f .test-results/csharp-counts ]; then read -r cs_passed cs_failed < .test-results/csharp-counts; fi
fi

total_passed=$((jest_passed + cs_passed)); total_failed=$((jest_failed + cs_failed))
[ "$fail" -ne 0 ] && [ "$total_failed" -eq 0 ] && total_failed=1
echo
echo "jest: ${jest_passed} passed, ${jest_failed} failed"
echo "xunit: ${cs_passed} passed, ${cs_failed} failed"
echo "total: ${total_passed} passed, ${total_failed} failed"
exit $fail
