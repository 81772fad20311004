import type { Classification } from './schema.js';
import { classifyUpgrade } from './upgrade.js';

/**
 * Upgrades written as deployment commands in a runbook: a Helm upgrade of the Vault chart, a new image on a
 * Kubernetes workload, a package pinned to a version, a pulled image. Each is `upgrade TO` (the running version is
 * read from the cluster when the gate asks it). Returns null when the command changes no Vault version.
 */

// Not vault-k8s (the agent injector) nor vault-csi-provider: their versions are their own, and a new one changes no
// storage, so reading `vault-k8s:1.4.2` as Vault 1.4.2 would call an ordinary injector update a downgrade.
// OpenBao (the fork, openbao/openbao) is one too, as in Terraform's reading of images (terraform/upgrades.ts).
const VAULT_IMAGE = /(?:^|\/)(?:vault(?:-enterprise)?|openbao)(?::([^@\s]+))?(?:@sha256:[0-9a-f]+)?$/;
const VAULT_CHART = /(?:^|\/)(?:vault|openbao)(?:-\d[\w.+-]*)?(?:\.tgz)?$/;

/** `hashicorp/vault:1.17.0` → `1.17.0`; null when the image is not Vault's; '' when it has no tag. */
const imageTag = (image: string): string | null => {
  const m = VAULT_IMAGE.exec(image);
  return m ? (m[1] ?? '') : null;
};

const upgradeTo = (input: string, to: string, how: string): Classification => {
  const c = classifyUpgrade(input, undefined, to.replace(/^v(?=\d)/, ''));
  return c.verdict === 'invalid' ? c : { ...c, reason: `${how}: ${c.reason}` };
};

const DOWNGRADE_RULE = 'Vault does not support storage downgrades, so take a backup first';

function chartChange(input: string, version: string | undefined): Classification {
  const what = version ? `to chart version ${version}` : 'with its default or values-file image';
  return {
    input,
    verdict: 'backup-first',
    category: 'upgrade',
    method: null,
    path: null,
    namespace: '',
    from: null,
    reason:
      `Upgrading the Vault Helm chart ${what} is a chart change that can replace the Vault image (the Vault version is ` +
      'not named on the command line): Vault does not support storage downgrades, so take a backup first.',
  };
}

/** Flags of helm that take a value, so the release and chart are found among the plain arguments. */
const HELM_VALUES = new Set([
  '-f',
  '--values',
  '--set',
  '--set-string',
  '--set-file',
  '--set-json',
  '--version',
  '-n',
  '--namespace',
  '--kube-context',
  '--timeout',
  '--repo',
  '--kubeconfig',
  '-o',
  '--output',
  '--description',
  '--post-renderer',
  '--history-max',
]);

function helm(input: string, args: readonly string[]): Classification | null {
  // `helm rollback vault 3` puts an earlier chart (and image) back: a version change the line does not name.
  if (args[0] === 'rollback' && /vault/.test(args.find((a, k) => k > 0 && !a.startsWith('-')) ?? '')) {
    const reason = `Rolling the Vault Helm release back can change the Vault image to an older one: ${DOWNGRADE_RULE}.`;
    return { ...chartChange(input, undefined), reason };
  }
  if (args[0] !== 'upgrade') return null;
  const plain: string[] = [];
  const sets: string[] = [];
  let version: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    const opt = a.startsWith('--') && eq !== -1 ? a.slice(0, eq) : a;
    const value = opt !== a ? a.slice(eq + 1) : HELM_VALUES.has(a) ? args[++i] : undefined;
    if (opt === '--set' || opt === '--set-string') sets.push(...(value ?? '').split(','));
    else if (opt === '--version') version = value;
    else if (!a.startsWith('-')) plain.push(a);
  }
  const chart = plain[1];
  if (chart === undefined || !VAULT_CHART.test(chart.replace(/^oci:\/\//, ''))) return null;
  const tag = sets.map((s) => /^server\.image\.tag=(.+)$/.exec(s)?.[1]).find((t) => t !== undefined);
  if (tag) return upgradeTo(input, tag, `The Helm release's Vault image becomes ${tag}`);
  return chartChange(input, version);
}

/** `kubectl set image statefulset/vault vault=hashicorp/vault:1.17.0`, or a patch that sets a Vault image. */
function kubectlSetImage(input: string, args: readonly string[]): Classification | null {
  if (args.includes('patch')) {
    for (const a of args) {
      for (const m of a.matchAll(/"?image"?\s*:\s*"?([^"\s,}]+)/g)) {
        const tag = imageTag(m[1] as string);
        if (tag) return upgradeTo(input, tag, `The patch sets the Vault image ${m[1]}`);
      }
    }
    return null;
  }
  const at = args.indexOf('set');
  if (at === -1 || args[at + 1] !== 'image') return null;
  for (const a of args.slice(at + 2)) {
    const eq = a.indexOf('=');
    if (a.startsWith('-') || eq === -1) continue;
    const tag = imageTag(a.slice(eq + 1));
    if (tag) return upgradeTo(input, tag, `The workload's Vault image becomes ${a.slice(eq + 1)}`);
  }
  return null;
}

/** `apt-get install vault=1.17.0-1`, `yum install vault-1.17.0`, `dnf install -y vault-enterprise-1.17.0+ent`. */
function packageInstall(input: string, tool: string, args: readonly string[]): Classification | null {
  if (!args.some((a) => a === 'install' || a === 'upgrade' || a === 'update' || a === 'reinstall')) return null;
  for (const a of args) {
    const m = tool.startsWith('apt')
      ? /^vault(?:-enterprise)?=(\d[^\s]*)$/.exec(a)
      : /^vault(?:-enterprise)?-(\d+\.\d+[^\s]*)$/.exec(a);
    if (!m) continue;
    // Debian/RPM revisions (`-1`, `-1.x86_64`) are the package's, not Vault's.
    const version = (m[1] as string).replace(/-\d+(\.[\w]+)*$/, '').replace(/\.(x86_64|aarch64|noarch)$/, '');
    return upgradeTo(input, version, `The package ${a} installs Vault ${version}`);
  }
  // `apt-get install --only-upgrade vault`, `yum update vault`, `brew upgrade vault`: the newest packaged version.
  const upgrading = args.some((a) => a === 'upgrade' || a === 'update' || a === '--only-upgrade');
  const named = args.find((a) => /^vault(-enterprise)?(@[\d.]+)?$/.test(a));
  if (upgrading && named) {
    const reason = `Upgrading the ${named} package to the newest version in its repository: ${DOWNGRADE_RULE}.`;
    return { ...chartChange(input, undefined), reason };
  }
  return null;
}

/** `docker pull hashicorp/vault:1.17.0` (a restart then runs it). */
function imagePull(input: string, args: readonly string[]): Classification | null {
  if (args[0] !== 'pull' && !(args[0] === 'image' && args[1] === 'pull')) return null;
  const image = args.filter((a) => !a.startsWith('-')).at(-1) ?? '';
  const tag = imageTag(image);
  if (!tag || tag === 'latest') return null;
  return upgradeTo(input, tag, `The pulled image ${image} replaces Vault when the container restarts`);
}

export function runbookUpgrade(input: string, words: readonly string[]): Classification | null {
  const tool = (words[0] ?? '').slice((words[0] ?? '').lastIndexOf('/') + 1);
  const args = words.slice(1);
  switch (tool) {
    case 'helm':
      return helm(input, args);
    case 'kubectl':
    case 'oc':
      return kubectlSetImage(input, args);
    case 'apt-get':
    case 'apt':
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'brew':
      return packageInstall(input, tool, args);
    case 'docker':
    case 'podman':
    case 'nerdctl':
      return imagePull(input, args);
    default:
      return null;
  }
}
