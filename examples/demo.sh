#!/usr/bin/env bash
# The main job on the bundled examples, no Vault server needed: classify a runbook, inspect two snapshots,
# then ask the gate whether the runbook may run. Each step prints its exit code.
set -u
cd "$(dirname "$0")/.."
run() {
  echo "\$ vault-change-gate $*"
  node bin/vault-change-gate.js "$@"
  echo "(exit $?)"
  echo
}
run classify --script examples/upgrade-runbook.sh
run snapshot inspect examples/snapshots/vault-raft-2026-11-20.snap examples/snapshots/damaged.snap
run check --script examples/upgrade-runbook.sh --op "upgrade 1.16.2 -> 1.17.0" --snapshot-dir examples/snapshots
