import { redactCurlArgs } from './redact.js';
import { classifyRequest } from './request.js';
import type { Classification } from './schema.js';

/** curl options that take a value, so their value is never mistaken for the URL. */
const VALUE_OPTIONS = new Set([
  '-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json',
  '-F', '--form', '-T', '--upload-file', '-o', '--output', '-u', '--user', '-A', '--user-agent', '-e', '--referer',
  '--cacert', '--capath', '--cert', '--key', '-E', '-m', '--max-time', '--connect-timeout', '-w', '--write-out',
  '--resolve', '--connect-to', '-x', '--proxy', '-b', '--cookie', '-c', '--cookie-jar', '-K', '--config',
  '--retry', '--retry-delay', '--retry-max-time', '-r', '--range', '-C', '--continue-at', '--url', '--interface',
  '--limit-rate', '-y', '-Y', '--oauth2-bearer',
]);
const DATA_OPTIONS = new Set(['-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '-F', '--form']);

/**
 * Classifies a `curl` call to Vault's HTTP API (`…/v1/…`): the method from `-X`/`--request` (else what curl would
 * send: POST with data, HEAD with `-I`, PUT with `-T`), the namespace from an `X-Vault-Namespace` header.
 * Returns null when no argument addresses `/v1/`.
 */
export function classifyCurl(given: string, args: readonly string[]): Classification | null {
  const input = redactCurlArgs(args) ?? given;
  let method: string | null = null;
  let implied = 'GET';
  let url: string | null = null;
  let namespace: string | undefined;
  let forceGet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    let opt = a;
    let value: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      opt = a.slice(0, a.indexOf('='));
      value = a.slice(a.indexOf('=') + 1);
    } else if (/^-[XHdFTo]./.test(a)) {
      opt = a.slice(0, 2);
      value = a.slice(2);
    } else if (VALUE_OPTIONS.has(a)) {
      value = args[++i];
    }
    if (opt === '-X' || opt === '--request') method = value ?? null;
    else if (opt === '-H' || opt === '--header') {
      const m = /^\s*x-vault-namespace\s*:\s*(.*)$/i.exec(value ?? '');
      if (m) namespace = (m[1] as string).trim();
    } else if (DATA_OPTIONS.has(opt)) implied = 'POST';
    else if (opt === '-T' || opt === '--upload-file') implied = 'PUT';
    else if (opt === '-I' || opt === '--head') implied = 'HEAD';
    else if (opt === '-G' || opt === '--get') forceGet = true;
    else if (opt === '--url' && value !== undefined && url === null) url = value;
    else if (!a.startsWith('-') && url === null && /\/v1(\/|$|\?)/.test(a)) url = a;
  }
  if (url === null) return null;
  const at = url.search(/\/v1(\/|$|\?)/);
  const path = url.slice(at);
  const verb = method ?? (forceGet ? 'GET' : implied);
  return { input, ...classifyRequest(verb, path, namespace) };
}
