#!/usr/bin/env bash
# The main job on the bundled examples, no Vault server needed: classify a runbook, inspect two snapshots, ask the
# gate whether the runbook may run (a NO-GO: the bundled snapshot is days old), then make a fresh demo snapshot and
# ask again (a GO). Each command is echoed so that it can be pasted as it is, and each step prints its exit code.
set -u
cd "$(dirname "$0")/.."

# An argument as a shell reads it back: plain words bare, anything else in single quotes.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
run() {
  local line='$ vault-change-gate' arg
  for arg in "$@"; do line+=" $(quote "$arg")"; done
  echo "$line"
  node bin/vault-change-gate.js "$@"
  echo "(exit $?)"
  echo
}

# Kept after the demo, so that the echoed commands can be pasted again; each run adds one fresh snapshot to it.
demo_dir=${VAULT_CHANGE_GATE_DEMO_DIR:-${TMPDIR:-/tmp}/vault-change-gate-demo}

run classify --script examples/upgrade-runbook.sh
run snapshot inspect examples/snapshots/vault-raft-2026-11-20.snap examples/snapshots/damaged.snap
echo '# NO-GO: the only valid snapshot here is days old, and an upgrade needs one from the last hour.'
run check --script examples/upgrade-runbook.sh --op 'upgrade 1.16.2 -> 1.17.0' --snapshot-dir examples/snapshots
echo '# A fresh demo snapshot (it holds no data: for trying the gate only), a configuration bundle, then the same check: GO.'
run snapshot demo "$demo_dir"
echo '# An upgrade needs the second piece of a backup too: the server configuration, saved beside the snapshot.'
run config-bundle save "$demo_dir" --server-config examples/vault-server.hcl
run check --script examples/upgrade-runbook.sh --op 'upgrade 1.16.2 -> 1.17.0' --snapshot-dir "$demo_dir"
