#!/usr/bin/env bash
# Example runbook: upgrade a three-node Vault raft cluster from 1.16.2 to 1.17.0.
# `vault-change-gate classify --script examples/upgrade-runbook.sh` lists what each step needs.
set -euo pipefail

vault status
vault operator raft list-peers
vault operator raft snapshot save "backup-$(date +%s).snap"

# Stop autopilot from cleaning up nodes while they restart.
vault operator raft autopilot set-config \
  -cleanup-dead-servers=false

vault write sys/loggers/core level=debug
curl --fail -sS -H "X-Vault-Token: $VAULT_TOKEN" "$VAULT_ADDR/v1/sys/storage/raft/autopilot/state"

vault operator step-down
vault secrets tune -default-lease-ttl=1h kv/
vault policy write ops - <<POLICY
path "sys/mounts/*" { capabilities = ["update"] }
POLICY
vault lease revoke -prefix aws/creds/ci
