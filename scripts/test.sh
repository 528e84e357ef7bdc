#!/usr/bin/env bash
# The project's test command (npm test): installs Chromium when it is missing, then type checks,
# the build, the Jest suites and the pod exporter's Python tests, then one closing line with the
# totals. Run `npm ci` first on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output

# The sidebar tests drive Debian's Chromium through playwright-core, which downloads no browser.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The sidebar tests need /usr/bin/chromium. Install it with: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  echo "Installing Debian's chromium for the sidebar tests."
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

npm run --silent typecheck
# The dialog and sidebar scripts have their own settings (DOM, no Apps Script types).
npx tsc --noEmit -p src/ui/client/tsconfig.json
npm run --silent build

jest_status=0
npx jest --ci --json --outputFile=test-output/jest-results.json || jest_status=$?

python_status=0
python3 -m unittest discover -s pod -v 2>&1 | tee test-output/python-results.txt || python_status=$?

node -e '
  const fs = require("node:fs");
  const jest = JSON.parse(fs.readFileSync("test-output/jest-results.json", "utf8"));
  const python = fs.readFileSync("test-output/python-results.txt", "utf8");
  const ran = Number((/^Ran (\d+) tests?/m.exec(python) || [0, 0])[1]);
  const failure = /^FAILED \((.*)\)/m.exec(python);
  const pythonFailed = failure ? failure[1].split(",").reduce((sum, part) => sum + Number(part.split("=")[1] || 0), 0) : 0;
  const passed = jest.numPassedTests + ran - pythonFailed;
  const failed = jest.numFailedTests + pythonFailed;
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
'
[ "$jest_status" -eq 0 ] && [ "$python_status" -eq 0 ]
