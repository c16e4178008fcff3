#!/usr/bin/env bash
# A second, independent loader: GitHub's own @github/local-action (npm) reads action.yml, stubs
# @actions/core, and runs src/main.ts's `run` with inputs from a .env file. Here it runs a plan whose inputs
# must be refused, and the script asserts the refusal and its message. No AWS, no stack: the inputs are
# refused before anything is touched. `npm run check:local-action`; CI runs it too.
#
# Pinned by version and fetched by npx rather than kept in devDependencies: it brings ~200 packages
# (@actions/artifact, @actions/cache, octokit, …) that nothing else here needs.
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_ACTION_VERSION=7.0.1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/refused.env" <<'EOF'
INPUT_MODE=plan
INPUT_SOURCE-ENDPOINT=http://search-old-abc123.us-east-1.es.amazonaws.com
INPUT_TARGET-ENDPOINT=https://search-new-def456.eu-west-1.es.amazonaws.com/_dashboards
INPUT_SOURCE-BUCKET=s3://old-snapshots/path
INPUT_TARGET-BUCKET=new-snapshots
INPUT_SNAPSHOT-ROLE-ARN=arn:aws:iam::111122223333:role/opensearch-snapshot
GITHUB_RUN_ID=4242
EOF

# The refused run must fail the step: src/main.ts sets process.exitCode = 1, which local-action's own process
# exits with. A log without local-action's "Action Outputs" section means local-action itself did not run.
set +e
npx --yes "@github/local-action@${LOCAL_ACTION_VERSION}" run . src/main.ts "$work/refused.env" >"$work/log" 2>&1
code=$?
set -e
if ! grep -qF 'Action Outputs' "$work/log"; then
  cat "$work/log"
  echo "local-action itself failed to run (exit $code)" >&2
  exit 1
fi
if [ "$code" -eq 0 ]; then
  sed -n '/Running Action/,$p' "$work/log"
  echo "the refused plan exited 0: the step would not have failed" >&2
  exit 1
fi

status=0
expect() {
  if grep -qF -- "$1" "$work/log"; then echo "ok: $1"; else echo "MISSING: $1" >&2; status=1; fi
}
expect '::error title=Invalid inputs::3 inputs need fixing (nothing was touched):'
expect 'source-endpoint: "http://search-old-abc123.us-east-1.es.amazonaws.com" uses http'
expect 'source-bucket: "s3://old-snapshots/path" is a URI or ARN'
expect 'target-endpoint: has a path ("/_dashboards")'
expect 'No outputs were set!'
if [ "$status" -ne 0 ]; then
  sed -n '/Running Action/,$p' "$work/log"
  exit 1
fi
echo "local-action ${LOCAL_ACTION_VERSION}: action.yml loaded, the refused plan failed the step (exit $code) with the expected message"
