import type { HttpMethod } from './schema.js';

/**
 * What the real `vault` CLI sends for a command line: the requests, in order (Vault's api/*.go and command/*.go,
 * summarised in ../shared/reference/vault-sys-api.md §7). A subcommand that is not in this table is not guessed.
 */

export interface CliRequest {
  readonly method: HttpMethod;
  readonly path: string;
}

export type CliPlan =
  | { readonly kind: 'requests'; readonly requests: CliRequest[]; readonly namespace: string | undefined }
  /** The command works on the local machine only (prints, decodes, inspects a file). */
  | { readonly kind: 'local'; readonly what: string }
  /** The command only reads (through several requests the gate does not list one by one). */
  | { readonly kind: 'reads'; readonly what: string; readonly namespace?: string }
  /** An operation with no single request that still changes storage (offline storage migration). */
  | { readonly kind: 'offline'; readonly what: string }
  | { readonly kind: 'error'; readonly problem: string };

interface Parsed {
  readonly args: string[];
  readonly flags: ReadonlyMap<string, string>;
}

interface CommandSpec {
  /** Flags of this command that take no value (Go flag booleans); every other flag takes one. */
  readonly bools?: string;
  readonly run: (p: Parsed) => CliRequest[] | CliPlan;
}

/**
 * Boolean flags every command accepts (command/base.go, "HTTP Options" and "Output Options" of the CLI docs). The
 * others (-address, -agent-address, -ca-cert, -header, -mfa, -namespace, -wrap-ttl, -unlock-key, -format, …) take a
 * value, so `vault write -policy-override sys/mounts/x` reads sys/mounts/x as the path.
 */
const GLOBAL_BOOLS = new Set([
  'tls-skip-verify',
  'disable-redirects',
  'non-interactive',
  'policy-override',
  'output-curl-string',
  'output-policy',
  'detailed',
  'h',
  'help',
]);

const req = (method: HttpMethod, path: string): CliRequest => ({ method, path });
const err = (problem: string): CliPlan => ({ kind: 'error', problem });
const local = (what: string): CliPlan => ({ kind: 'local', what });
const has = (p: Parsed, name: string): boolean => {
  const v = p.flags.get(name);
  return v !== undefined && v !== 'false' && v !== '0' && v !== 'f' && v !== 'F' && v !== 'FALSE' && v !== 'False';
};
const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');

function needArgs(p: Parsed, n: number, usage: string): string | null {
  return p.args.length < n ? `needs ${usage}` : null;
}

/** `vault read PATH` and friends: one request on the path as given. */
const logical = (method: HttpMethod): CommandSpec => ({
  bools: 'force f',
  run: (p) => {
    const miss = needArgs(p, 1, 'a path');
    return miss ? err(miss) : [req(method, trimSlashes(p.args[0] as string))];
  },
});

const kvPath = (p: Parsed, arg: string | undefined): string | null => {
  const mount = p.flags.get('mount');
  if (arg === undefined) return null;
  return mount ? `${trimSlashes(mount)}/${trimSlashes(arg)}` : trimSlashes(arg);
};

/** `vault kv …`: the CLI first asks which mount the path is in (sys/internal/ui/mounts), then sends the request. */
const kv = (method: HttpMethod, part?: 'metadata'): CommandSpec => ({
  bools: 'force f',
  run: (p) => {
    const path = kvPath(p, p.args[0]);
    if (!path) return err('needs a path');
    // The CLI sends metadata requests to MOUNT/metadata/KEY (KV v2); the mount is the first segment, or -mount.
    const mount = p.flags.get('mount');
    const at = mount ? trimSlashes(mount).length : path.indexOf('/');
    const target = part && at > 0 ? `${path.slice(0, at)}/${part}/${path.slice(at + 1)}` : path;
    return [req('GET', `sys/internal/ui/mounts/${path}`), req(method, target)];
  },
});

const mountEnable = (base: 'sys/mounts' | 'sys/auth' | 'sys/audit', bools: string): CommandSpec => ({
  bools,
  run: (p) => {
    const miss = needArgs(p, 1, 'a type');
    if (miss) return err(miss);
    const path = trimSlashes(p.flags.get('path') ?? (p.args[0] as string));
    return [req(base === 'sys/audit' ? 'PUT' : 'POST', `${base}/${path}`)];
  },
});

const onArg = (method: HttpMethod, prefix: string, usage = 'a path'): CommandSpec => ({
  run: (p) => {
    const miss = needArgs(p, 1, usage);
    return miss ? err(miss) : [req(method, `${prefix}/${trimSlashes(p.args[0] as string)}`)];
  },
});

const tune = (prefix: string): CommandSpec => ({
  run: (p) => (p.args[0] ? [req('POST', `${prefix}/${trimSlashes(p.args[0])}/tune`)] : err('needs a mount path')),
});

/** `secrets move` and `auth move` start an asynchronous remount, then poll its status (api/sys_mounts.go). */
const move: CommandSpec = {
  run: (p) =>
    p.args.length < 2
      ? err('needs a source and a destination')
      : [req('POST', 'sys/remount'), req('GET', 'sys/remount/status/migration-id')],
};

const runtime = (method: HttpMethod): CommandSpec => ({
  run: (p) =>
    p.args[0]
      ? [req(method, `sys/plugins/runtimes/catalog/${p.flags.get('type') ?? 'container'}/${p.args[0]}`)]
      : err('needs a runtime name'),
});

const fixed = (...requests: CliRequest[]): CommandSpec => ({ run: () => requests });

const rekey: CommandSpec = {
  bools: 'init cancel status verify backup backup-delete backup-retrieve',
  run: (p) => {
    const target = p.flags.get('target') ?? 'barrier';
    if (target !== 'barrier' && target !== 'recovery')
      return err(`has -target=${target}, which must be "barrier" or "recovery"`);
    const base = target === 'recovery' ? 'sys/rekey-recovery-key' : 'sys/rekey';
    const backup = target === 'recovery' ? 'sys/rekey/recovery-key-backup' : 'sys/rekey/backup';
    const verify = has(p, 'verify');
    if (has(p, 'init')) return [req('PUT', `${base}/init`)];
    if (has(p, 'cancel')) return [req('DELETE', verify ? `${base}/verify` : `${base}/init`)];
    if (has(p, 'status')) return [req('GET', verify ? `${base}/verify` : `${base}/init`)];
    if (has(p, 'backup-retrieve')) return [req('GET', backup)];
    if (has(p, 'backup-delete')) return [req('DELETE', backup)];
    return verify
      ? [req('GET', `${base}/verify`), req('PUT', `${base}/verify`)]
      : [req('GET', `${base}/init`), req('PUT', `${base}/update`)];
  },
};

const generateRoot: CommandSpec = {
  bools: 'init cancel status generate-otp dr-token recovery-token',
  run: (p) => {
    if (has(p, 'generate-otp')) return local('generates a one-time password locally');
    if (p.flags.has('decode')) return local('decodes an encoded root token locally');
    const base = has(p, 'dr-token')
      ? 'sys/replication/dr/secondary/generate-operation-token'
      : has(p, 'recovery-token')
        ? 'sys/generate-recovery-token'
        : 'sys/generate-root';
    if (has(p, 'init')) return [req('PUT', `${base}/attempt`)];
    if (has(p, 'cancel')) return [req('DELETE', `${base}/attempt`)];
    if (has(p, 'status')) return [req('GET', `${base}/attempt`)];
    return [req('GET', `${base}/attempt`), req('PUT', `${base}/update`)];
  },
};

const leaseRevoke: CommandSpec = {
  bools: 'force f prefix sync',
  run: (p) => {
    const miss = needArgs(p, 1, 'a lease ID or prefix');
    if (miss) return err(miss);
    const id = trimSlashes(p.args[0] as string);
    const force = has(p, 'force') || has(p, 'f');
    if (force && !has(p, 'prefix')) return err('uses -force without -prefix');
    if (has(p, 'prefix')) return [req('PUT', `sys/leases/${force ? 'revoke-force' : 'revoke-prefix'}/${id}`)];
    return [req('PUT', `sys/leases/revoke/${id}`)];
  },
};

const pluginTypeName = (method: HttpMethod, bools = ''): CommandSpec => ({
  bools,
  run: (p) => {
    if (p.args.length >= 2) return [req(method, `sys/plugins/catalog/${p.args[0]}/${p.args[1]}`)];
    const miss = needArgs(p, 1, 'a plugin type and name');
    return miss ? err(miss) : [req(method, `sys/plugins/catalog/${p.args[0]}`)];
  },
});

const tokenCapabilities: CommandSpec = {
  bools: 'accessor',
  run: (p) => {
    if (p.args.length === 0) return err('needs a path');
    if (p.args.length === 1) return [req('POST', 'sys/capabilities-self')];
    return [req('POST', has(p, 'accessor') ? 'sys/capabilities-accessor' : 'sys/capabilities')];
  },
};

const reads = (what: string): CommandSpec => ({ run: () => ({ kind: 'reads', what }) });
const localSpec = (what: string, bools = ''): CommandSpec => ({ bools, run: () => local(what) });

/** `vault pki issue|reissue PARENT CHILD_MOUNT …` and `vault transit import PATH FILE`: requests outside /sys. */
const onMountArg = (at: number, suffix: string, usage: string): CommandSpec => ({
  bools: 'force f',
  run: (p) => {
    const arg = p.args[at];
    return arg ? [req('POST', `${trimSlashes(arg)}/${suffix}`)] : err(`needs ${usage}`);
  },
});

const commands: Record<string, CommandSpec> = {
  status: fixed(req('GET', 'sys/seal-status'), req('GET', 'sys/leader')),
  version: { run: () => local('prints the CLI version') },
  server: localSpec(
    'starts a Vault server process',
    'dev dev-ha dev-transactional dev-no-store-token dev-tls dev-three-node dev-four-cluster dev-auto-seal dev-skip-init ' +
      'dev-kv-v1 exit-on-core-shutdown recovery',
  ),
  agent: localSpec('starts a Vault Agent process', 'exit-after-auth'),
  'agent generate-config': localSpec('writes an agent configuration file locally'),
  proxy: localSpec('starts a Vault Proxy process', 'exit-after-auth'),
  'print token': localSpec('prints the cached token'),
  'license inspect': localSpec('inspects a license file locally'),
  'license get': reads('reads the license status (GET sys/license/status)'),
  debug: reads('collects server state for a bundle (GET sys/host-info, sys/metrics, sys/pprof/…)'),
  'events subscribe': reads('subscribes to the event stream (GET sys/events/subscribe/…)'),
  'pki health-check': reads('reads the PKI mount and its issuers to report its health'),
  'pki verify-sign': reads('reads two issuers to verify a signature'),
  'pki list-intermediates': reads('reads the issuers a parent issuer signed'),
  'pki issue': onMountArg(1, 'intermediate/generate/internal', 'a parent issuer and a child mount'),
  'pki reissue': onMountArg(
    2,
    'intermediate/generate/internal',
    'a parent issuer, a template issuer and a child mount',
  ),
  'transit import': onMountArg(0, 'import', 'a key path and a file'),
  'transit import-version': onMountArg(0, 'import_version', 'a key path and a file'),
  ssh: {
    bools: 'no-exec',
    run: (p) => [
      req('PUT', `${trimSlashes(p.flags.get('mount-point') ?? 'ssh')}/creds/${p.flags.get('role') ?? 'role'}`),
    ],
  },
  'hcp connect': localSpec('logs in to HCP and caches the address and token locally'),
  'hcp disconnect': localSpec('removes the cached HCP credentials'),
  login: {
    bools: 'no-print no-store token-only',
    run: (p) => {
      const method = p.flags.get('method') ?? 'token';
      if (method === 'token') return [req('GET', 'auth/token/lookup-self')];
      return [req('PUT', `auth/${trimSlashes(p.flags.get('path') ?? method)}/login`)];
    },
  },
  read: logical('GET'),
  list: logical('LIST'),
  write: logical('PUT'),
  delete: logical('DELETE'),
  patch: logical('PATCH'),
  'path-help': logical('GET'),
  unwrap: fixed(req('PUT', 'sys/wrapping/unwrap')),
  monitor: fixed(req('GET', 'sys/monitor')),
  'kv get': kv('GET'),
  'kv list': kv('LIST'),
  'kv put': kv('PUT'),
  'kv patch': kv('PATCH'),
  'kv delete': kv('DELETE'),
  'kv destroy': kv('PUT'),
  'kv undelete': kv('PUT'),
  'kv rollback': kv('PUT'),
  'kv metadata get': kv('GET', 'metadata'),
  'kv metadata put': kv('PUT', 'metadata'),
  'kv metadata patch': kv('PATCH', 'metadata'),
  'kv metadata delete': kv('DELETE', 'metadata'),
  'kv enable-versioning': tune('sys/mounts'),
  'secrets enable': mountEnable('sys/mounts', 'force-no-cache local seal-wrap external-entropy-access'),
  'secrets disable': onArg('DELETE', 'sys/mounts'),
  'secrets tune': tune('sys/mounts'),
  'secrets move': move,
  'secrets list': fixed(req('GET', 'sys/mounts')),
  'auth enable': mountEnable('sys/auth', 'local seal-wrap'),
  'auth disable': onArg('DELETE', 'sys/auth'),
  // Not sys/auth/:path/tune: the CLI tunes auth mounts through sys/mounts/auth/:path/tune (command/auth_tune.go).
  'auth tune': tune('sys/mounts/auth'),
  'auth move': move,
  'auth list': fixed(req('GET', 'sys/auth')),
  'auth help': { run: () => local('prints help for an auth method') },
  'audit enable': mountEnable('sys/audit', 'local'),
  'audit disable': onArg('DELETE', 'sys/audit'),
  'audit list': fixed(req('GET', 'sys/audit')),
  'policy write': onArg('PUT', 'sys/policies/acl', 'a policy name'),
  'policy delete': onArg('DELETE', 'sys/policies/acl', 'a policy name'),
  'policy read': onArg('GET', 'sys/policies/acl', 'a policy name'),
  'policy list': fixed(req('LIST', 'sys/policies/acl')),
  'policy fmt': { run: () => local('formats a policy file') },
  'lease renew': { bools: '', run: (p) => (p.args[0] ? [req('PUT', 'sys/leases/renew')] : err('needs a lease ID')) },
  'lease revoke': leaseRevoke,
  'lease lookup': { run: (p) => (p.args[0] ? [req('PUT', 'sys/leases/lookup')] : err('needs a lease ID')) },
  'namespace create': onArg('PUT', 'sys/namespaces', 'a namespace'),
  'namespace delete': onArg('DELETE', 'sys/namespaces', 'a namespace'),
  'namespace patch': onArg('PATCH', 'sys/namespaces', 'a namespace'),
  'namespace lookup': onArg('GET', 'sys/namespaces', 'a namespace'),
  'namespace list': fixed(req('LIST', 'sys/namespaces')),
  'namespace lock': {
    run: (p) => [
      req('PUT', p.args[0] ? `sys/namespaces/api-lock/lock/${trimSlashes(p.args[0])}` : 'sys/namespaces/api-lock/lock'),
    ],
  },
  'namespace unlock': {
    run: (p) => [
      req(
        'PUT',
        p.args[0] ? `sys/namespaces/api-lock/unlock/${trimSlashes(p.args[0])}` : 'sys/namespaces/api-lock/unlock',
      ),
    ],
  },
  'plugin register': pluginTypeName('PUT'),
  'plugin deregister': pluginTypeName('DELETE'),
  'plugin info': pluginTypeName('GET'),
  'plugin list': {
    run: (p) => [p.args[0] ? req('LIST', `sys/plugins/catalog/${p.args[0]}`) : req('GET', 'sys/plugins/catalog')],
  },
  'plugin reload': fixed(req('PUT', 'sys/plugins/reload/backend')),
  'plugin reload-status': fixed(req('GET', 'sys/plugins/reload/backend/status')),
  'plugin runtime register': runtime('PUT'),
  'plugin runtime deregister': runtime('DELETE'),
  'plugin runtime info': runtime('GET'),
  'plugin runtime list': fixed(req('LIST', 'sys/plugins/runtimes/catalog')),
  'token create': {
    bools: 'orphan no-default-policy renewable',
    run: (p) => {
      const role = p.flags.get('role');
      return [
        req(
          'POST',
          role ? `auth/token/create/${role}` : has(p, 'orphan') ? 'auth/token/create-orphan' : 'auth/token/create',
        ),
      ];
    },
  },
  'token lookup': {
    bools: 'accessor',
    run: (p) => [
      p.args[0]
        ? req('POST', has(p, 'accessor') ? 'auth/token/lookup-accessor' : 'auth/token/lookup')
        : req('GET', 'auth/token/lookup-self'),
    ],
  },
  'token revoke': {
    bools: 'accessor self',
    run: (p) => {
      if (has(p, 'self')) return [req('PUT', 'auth/token/revoke-self')];
      if (!p.args[0]) return err('needs a token, an accessor or -self');
      if (has(p, 'accessor')) return [req('PUT', 'auth/token/revoke-accessor')];
      const mode = p.flags.get('mode');
      // -mode=path revokes every token under a path, through the lease prefix revocation (command/token_revoke.go).
      if (mode === 'path') return [req('PUT', `sys/leases/revoke-prefix/${trimSlashes(p.args[0])}`)];
      return [req('PUT', mode === 'orphan' ? 'auth/token/revoke-orphan' : 'auth/token/revoke')];
    },
  },
  'token renew': {
    bools: 'accessor',
    run: (p) => [req('PUT', p.args[0] ? 'auth/token/renew' : 'auth/token/renew-self')],
  },
  'token capabilities': tokenCapabilities,
  'operator init': { bools: 'status', run: (p) => [req(has(p, 'status') ? 'GET' : 'PUT', 'sys/init')] },
  'operator seal': fixed(req('PUT', 'sys/seal')),
  'operator unseal': { bools: 'reset migrate', run: () => [req('PUT', 'sys/unseal')] },
  'operator step-down': fixed(req('PUT', 'sys/step-down')),
  'operator rotate': fixed(req('PUT', 'sys/rotate')),
  'operator key-status': fixed(req('GET', 'sys/key-status')),
  'operator members': fixed(req('GET', 'sys/ha-status')),
  'operator usage': fixed(req('GET', 'sys/internal/counters/activity')),
  'operator utilization': fixed(req('GET', 'sys/utilization-report')),
  'operator diagnose': { run: () => local('checks the server configuration locally') },
  'operator migrate': {
    bools: 'reset start',
    run: () => ({ kind: 'offline', what: 'migrates Vault data between storage backends offline' }),
  },
  'operator rekey': rekey,
  'operator generate-root': generateRoot,
  'operator raft list-peers': fixed(req('GET', 'sys/storage/raft/configuration')),
  'operator raft join': {
    bools: 'non-voter retry',
    run: (p) =>
      p.args[0] || p.flags.has('auto-join') ? [req('POST', 'sys/storage/raft/join')] : err('needs a leader address'),
  },
  'operator raft remove-peer': {
    bools: '',
    run: (p) => (p.args[0] ? [req('PUT', 'sys/storage/raft/remove-peer')] : err('needs a server ID')),
  },
  'operator raft snapshot save': {
    run: (p) => (p.args[0] ? [req('GET', 'sys/storage/raft/snapshot')] : err('needs a file')),
  },
  'operator raft snapshot restore': {
    bools: 'force',
    run: (p) =>
      p.args[0]
        ? [req('POST', has(p, 'force') ? 'sys/storage/raft/snapshot-force' : 'sys/storage/raft/snapshot')]
        : err('needs a file'),
  },
  'operator raft snapshot inspect': { run: () => local('inspects a snapshot file offline') },
  'operator raft autopilot state': fixed(req('GET', 'sys/storage/raft/autopilot/state')),
  'operator raft autopilot get-config': fixed(req('GET', 'sys/storage/raft/autopilot/configuration')),
  'operator raft autopilot set-config': {
    bools: 'cleanup-dead-servers disable-upgrade-migration',
    run: () => [req('POST', 'sys/storage/raft/autopilot/configuration')],
  },
};

/** Names that open a group of subcommands: `vault operator` alone is not an operation. */
const GROUPS = new Set([
  'print',
  'license',
  'events',
  'pki',
  'transit',
  'hcp',
  'kv',
  'kv metadata',
  'secrets',
  'auth',
  'audit',
  'policy',
  'lease',
  'namespace',
  'plugin',
  'plugin runtime',
  'token',
  'operator',
  'operator raft',
  'operator raft snapshot',
  'operator raft autopilot',
]);

const boolCache = new WeakMap<CommandSpec, ReadonlySet<string>>();
function boolsOf(spec: CommandSpec): ReadonlySet<string> {
  let set = boolCache.get(spec);
  if (!set) boolCache.set(spec, (set = new Set((spec.bools ?? '').split(' ').filter(Boolean))));
  return set;
}

function parseFlags(words: readonly string[], bools: ReadonlySet<string>): Parsed | { problem: string } {
  const flags = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--') {
      for (let k = i + 1; k < words.length; k++) args.push(words[k] as string);
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      // Go's flag package (every vault command parses its flags with it) stops at the first argument: a flag after
      // it is an argument, so `vault write sys/mounts/x type=kv -output-curl-string=true` sends the write (with a
      // field named "-output-curl-string") and `vault kv put sys/x a=b -mount=kv` writes sys/x.
      for (let k = i; k < words.length; k++) args.push(words[k] as string);
      break;
    }
    const body = w.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq !== -1) {
      flags.set(body.slice(0, eq), body.slice(eq + 1));
    } else if (bools.has(body) || GLOBAL_BOOLS.has(body)) {
      flags.set(body, 'true');
    } else {
      const value = words[i + 1];
      if (value === undefined) return { problem: `has the flag -${body} with no value` };
      flags.set(body, value);
      i++;
    }
  }
  return { args, flags };
}

/**
 * Plans the requests of a `vault` command line. `words` is argv without the leading `vault`; `envNamespace` is
 * `VAULT_NAMESPACE` as the command sees it.
 */
interface CommandNode {
  spec?: CommandSpec;
  readonly children: Map<string, CommandNode>;
}

/** The command table as a tree of words, built once, so that finding a command costs a few Map lookups. */
let tree: CommandNode | null = null;
function commandTree(): CommandNode {
  if (tree) return tree;
  const root: CommandNode = { children: new Map() };
  const at = (path: string): CommandNode => {
    let n = root;
    for (const w of path.split(' ')) {
      let next = n.children.get(w);
      if (!next) n.children.set(w, (next = { children: new Map() }));
      n = next;
    }
    return n;
  };
  for (const g of GROUPS) at(g);
  for (const [name, spec] of Object.entries(commands)) at(name).spec = spec;
  return (tree = root);
}

/** Follows the command words of `words` (argv after `vault`) down the tree: the node reached and how many words. */
function walkCommand(words: readonly string[]): { node: CommandNode; depth: number } {
  let node = commandTree();
  let depth = 0;
  for (; depth < words.length; depth++) {
    const next = node.children.get(words[depth] as string);
    if (!next) break;
    node = next;
  }
  return { node, depth };
}

/** Pre-0.9.2 commands, refused with the modern command named (the old CLI's flags and paths differ). */
const LEGACY: Readonly<Record<string, string>> = {
  mount: 'secrets enable',
  unmount: 'secrets disable',
  mounts: 'secrets list',
  remount: 'secrets move',
  'mount-tune': 'secrets tune',
  'auth-enable': 'auth enable',
  'auth-disable': 'auth disable',
  'audit-enable': 'audit enable',
  'audit-disable': 'audit disable',
  'audit-list': 'audit list',
  'policy-write': 'policy write',
  'policy-delete': 'policy delete',
  policies: 'policy list / policy read',
  init: 'operator init',
  unseal: 'operator unseal',
  seal: 'operator seal',
  'step-down': 'operator step-down',
  rekey: 'operator rekey',
  rotate: 'operator rotate',
  'key-status': 'operator key-status',
  'generate-root': 'operator generate-root',
  'token-create': 'token create',
  'token-lookup': 'token lookup',
  'token-renew': 'token renew',
  'token-revoke': 'token revoke',
  capabilities: 'token capabilities',
  renew: 'lease renew',
  revoke: 'lease revoke',
  'ssh-keygen': 'ssh',
};

export function planVaultCommand(words: readonly string[], envNamespace: string | undefined): CliPlan {
  const first = words[0];
  if (first === '-version' || first === '--version' || first === '-v') return local('prints the CLI version');
  if (first !== undefined && Object.hasOwn(LEGACY, first)) {
    return err(
      `is the pre-0.9 command "vault ${first}"; write it as "vault ${LEGACY[first]}", the gate reads only the modern CLI`,
    );
  }
  if (first === 'auth' && words[1]?.startsWith('-')) {
    return err('is the pre-0.9 "vault auth -method=…"; write it as "vault login -method=…"');
  }
  const { node, depth } = walkCommand(words);
  const i = depth;
  const name = words.slice(0, depth).join(' ');
  const spec = node.spec;
  if (!spec) {
    const word = words[i];
    if (word !== undefined && /[$`]/.test(word)) return err(`has an unexpanded variable (${word}) as its subcommand`);
    if (word === undefined)
      return err(name ? `names the group "vault ${name}" but no subcommand` : 'names no subcommand');
    return err(name ? 'is not a subcommand the gate knows' : 'is not a vault command the gate knows');
  }
  const bools = boolsOf(spec);
  const parsed = parseFlags(words.slice(i), bools);
  if ('problem' in parsed) return err(parsed.problem);
  if (has(parsed, 'output-curl-string')) return local('prints the equivalent curl command instead of sending it');
  if (has(parsed, 'output-policy')) return local('prints the policy the command needs instead of sending it');
  const planned = spec.run(parsed);
  if (!Array.isArray(planned)) return planned;
  const namespace = parsed.flags.get('namespace') ?? parsed.flags.get('ns') ?? envNamespace;
  return { kind: 'requests', requests: planned, namespace };
}

/** Whether `word` is a top-level vault command (operator, secrets, write, …): a `vault` word before it runs vault. */
export const isVaultSubcommand = (word: string | undefined): boolean =>
  word !== undefined && commandTree().children.has(word);

/** How many leading words of `words` (argv after `vault`) name the command: `operator rekey` is 2. */
export const commandDepth = (words: readonly string[]): number => walkCommand(words).depth;

let commandWords: Set<string> | null = null;
/** Whether `word` is part of some vault command's name (operator, raft, remove-peer, …): safe to echo. */
export const isCommandWord = (word: string): boolean => {
  commandWords ??= new Set([...Object.keys(commands), ...GROUPS, ...Object.keys(LEGACY)].flatMap((n) => n.split(' ')));
  return commandWords.has(word);
};
