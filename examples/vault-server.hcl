# A minimal Vault server configuration for the demo: integrated storage (raft), a local listener without TLS.
# The demo saves it as a configuration bundle beside the demo snapshot, the second piece of a backup.
storage "raft" {
  path    = "/opt/vault/data"
  node_id = "vault-1"
}
listener "tcp" {
  address     = "127.0.0.1:8200"
  tls_disable = true
}
api_addr     = "http://127.0.0.1:8200"
cluster_addr = "http://127.0.0.1:8201"
ui           = true
