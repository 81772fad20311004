import path from 'node:path';
import { invalidRequest } from '../classify/request.js';
import { classifyScript } from '../classify/runbook.js';
import type { Classification } from '../classify/schema.js';
import type { Located, TfModule } from './configuration.js';
import type { Expr, HclBlock } from './hcl.js';
import { VAULT_IMAGE } from './upgrades.js';
import { evaluate, fillTemplateText, render, type Val } from './values.js';

/**
 * Commands Terraform runs on the machine that applies: `local-exec` provisioners (on any resource) and the
 * `program` of `data "external"`. Their text goes through the runbook classifier, whose fail-closed rules apply.
 */

const SHELLS = /^(ba|z|da|k|a)?sh$/;
export const MENTIONS_VAULT = /vault|openbao|\bbao\b|\bhvac\b|\/v1\//i;

const where = (file: string, line: number, address: string) => ({ file, line, address });

function classifyCommandText(
  text: string,
  address: string,
  file: string,
  line: number,
  env: Record<string, string>,
): Classification[] {
  return classifyScript(text, { file, env }).map((c) => ({
    ...c,
    input: `${address}: ${c.input}`,
    ...where(file, c.line ?? line, address),
  }));
}

const unreadable = (address: string, file: string, line: number, what: string): Classification => ({
  input: `${address}: ${what}`,
  ...invalidRequest(null, null, '', `${address} runs ${what}, which mentions Vault but cannot be read before apply`),
  ...where(file, line, address),
});

/** The environment a local-exec gives its command, where it is literal (VAULT_NAMESPACE matters). */
function environmentOf(block: HclBlock, mod: TfModule): Record<string, string> {
  const env = block.attributes.get('environment')?.expr;
  const v = env ? evaluate(env, mod) : null;
  const out: Record<string, string> = {};
  if (v?.known && v.value && typeof v.value === 'object' && !Array.isArray(v.value)) {
    for (const [k, x] of Object.entries(v.value)) if (typeof x === 'string') out[k] = x;
  }
  return out;
}

/** A path a configuration names, as a path of the repository (relative ones start at the module's folder). */
export const repoPath = (name: string, mod: TfModule): string =>
  path.posix.normalize(name.startsWith(`${mod.dir}/`) || mod.dir === '.' ? name : path.posix.join(mod.dir, name));

/** Whether a repository path (from repoPath) stays inside the repository: `../x` and `/x` cannot be read there. */
export const insideRepo = (p: string): boolean => !p.startsWith('/') && p !== '..' && !p.startsWith('../');

/** Reads a file of the repository; one outside it is not there to read (null), never a git error. */
const readInside = (read: ReadFile, p: string): Promise<string | null> =>
  insideRepo(p) ? read(p) : Promise.resolve(null);

/**
 * The expression with each `file(…)` and `templatefile(…)` whose file is in the repository replaced by the file's
 * text (a template's known variables filled in): a command kept in a file is read like one written inline.
 */
async function inlineFiles(expr: Expr, mod: TfModule, read: ReadFile): Promise<Expr> {
  switch (expr.t) {
    case 'call': {
      const args: Expr[] = [];
      for (const a of expr.args) args.push(await inlineFiles(a, mod, read));
      const name = args[0] && (expr.name === 'file' || expr.name === 'templatefile') ? evaluate(args[0], mod) : null;
      if (name?.known && typeof name.value === 'string') {
        const text = await readInside(read, repoPath(name.value, mod));
        const vars = expr.name === 'templatefile' && args[1] ? evaluate(args[1], mod) : null;
        if (text !== null) return { t: 'lit', v: vars?.known ? fillTemplateText(text, vars.value) : text };
      }
      return { ...expr, args };
    }
    case 'tpl': {
      const parts: Expr[] = [];
      for (const p of expr.parts) parts.push(await inlineFiles(p, mod, read));
      return { ...expr, parts };
    }
    case 'tuple': {
      const items: Expr[] = [];
      for (const i of expr.items) items.push(await inlineFiles(i, mod, read));
      return { ...expr, items };
    }
    default:
      return expr;
  }
}

/** The literal text an expression holds (a file's text inlined above included), to tell whether it mentions Vault. */
const literalText = (expr: Expr): string => {
  switch (expr.t) {
    case 'lit':
      return typeof expr.v === 'string' ? expr.v : '';
    case 'call':
      return expr.args.map(literalText).join(' ');
    case 'tpl':
      return expr.parts.map(literalText).join(' ');
    case 'tuple':
      return expr.items.map(literalText).join(' ');
    default:
      return '';
  }
};

/** The local-exec provisioners of a resource that run for this action (creation-time, or `when = destroy`). */
export async function provisionerCommands(
  address: string,
  loc: Located,
  mod: TfModule,
  action: 'create' | 'update' | 'delete',
  read: ReadFile,
): Promise<Classification[]> {
  const out: Classification[] = [];
  for (const p of loc.block.blocks) {
    if (p.type !== 'provisioner' || (p.labels[0] !== 'local-exec' && p.labels[0] !== 'remote-exec')) continue;
    const when = p.attributes.get('when')?.expr;
    const atDestroy =
      when !== undefined && (when.t === 'ref' ? when.text === 'destroy' : when.t === 'lit' && when.v === 'destroy');
    if (atDestroy !== (action === 'delete')) continue;
    if (p.labels[0] === 'remote-exec') {
      for (const c of await remoteExec(address, loc.file, p, mod, read)) out.push(c);
      continue;
    }
    const command = p.attributes.get('command');
    if (!command) continue;
    const expr = await inlineFiles(command.expr, mod, read);
    const rendered = render(expr, mod);
    const text =
      rendered?.text ?? `${command.value.kind === 'expression' ? command.value.text : ''} ${literalText(expr)}`;
    const interpreter = p.attributes.get('interpreter')?.expr;
    const interp = interpreter ? evaluate(interpreter, mod) : null;
    const argv =
      interp?.known && Array.isArray(interp.value)
        ? interp.value.filter((x): x is string => typeof x === 'string')
        : null;
    const shell = !interpreter || (argv !== null && argv[0] !== undefined && SHELLS.test(path.posix.basename(argv[0])));
    if (!rendered && MENTIONS_VAULT.test(text))
      out.push(unreadable(address, loc.file, command.line, 'a local-exec command'));
    else if (shell || (argv?.[0] && /^(vault|bao)$/.test(path.posix.basename(argv[0])))) {
      // An interpreter that is the vault binary gets the command as its arguments.
      const line = shell ? text : [...(argv as string[]), text].join(' ');
      for (const c of classifyCommandText(line, address, loc.file, command.line, environmentOf(p, mod))) out.push(c);
      for (const c of await scriptFiles(line.split(/\s+/), address, loc.file, command.line, mod, read)) out.push(c);
    } else if (MENTIONS_VAULT.test(text) || MENTIONS_VAULT.test(JSON.stringify(argv ?? interpreter))) {
      out.push(
        unreadable(
          address,
          loc.file,
          command.line,
          `a local-exec command with the interpreter ${argv ? argv.join(' ') : 'an expression'}`,
        ),
      );
    }
  }
  return out;
}

/**
 * `remote-exec` runs its `inline` lines as a shell script on the machine it connects to, or the local script files
 * it copies there (`script`, `scripts`).
 */
async function remoteExec(
  address: string,
  file: string,
  p: HclBlock,
  mod: TfModule,
  read: ReadFile,
): Promise<Classification[]> {
  const out: Classification[] = [];
  for (const name of ['script', 'scripts']) {
    const attr = p.attributes.get(name);
    if (!attr) continue;
    const v = evaluate(attr.expr, mod);
    const paths = v.known ? (Array.isArray(v.value) ? v.value : [v.value]) : null;
    if (!paths || !paths.every((x) => typeof x === 'string')) {
      const text = attr.value.kind === 'expression' ? attr.value.text : '';
      if (MENTIONS_VAULT.test(text)) out.push(unreadable(address, file, attr.line, `a remote-exec ${name}`));
      continue;
    }
    for (const x of paths as string[]) {
      const text = await readInside(read, repoPath(x, mod));
      if (text !== null) for (const c of classifyCommandText(text, address, file, attr.line, {})) out.push(c);
      else if (MENTIONS_VAULT.test(x)) out.push(unreadable(address, file, attr.line, `the remote-exec script ${x}`));
    }
  }
  const inline = p.attributes.get('inline');
  if (!inline) return out;
  const expr = await inlineFiles(inline.expr, mod, read);
  const v = evaluate(expr, mod);
  if (v.known && Array.isArray(v.value)) {
    for (const c of classifyCommandText(v.value.map((x) => String(x)).join('\n'), address, file, inline.line, {}))
      out.push(c);
    return out;
  }
  const text = `${inline.value.kind === 'expression' ? inline.value.text : ''} ${literalText(expr)}`;
  const parts = expr.t === 'tuple' ? expr.items.map((i) => render(i, mod)?.text ?? '') : [];
  if (parts.length > 0)
    for (const c of classifyCommandText(parts.join('\n'), address, file, inline.line, {})) out.push(c);
  else if (MENTIONS_VAULT.test(text)) out.push(unreadable(address, file, inline.line, 'a remote-exec script'));
  return out;
}

type ReadFile = (file: string) => Promise<string | null>;

/** Shell scripts a command names (`./scripts/rotate.sh`, `bash ${path.module}/x.sh`), read from the repository. */
async function scriptFiles(
  words: readonly string[],
  address: string,
  file: string,
  line: number,
  mod: TfModule,
  read: ReadFile,
): Promise<Classification[]> {
  const out: Classification[] = [];
  for (const w of words.map((x) => x.replace(/^["']|["']$/g, '')).filter((x) => /\.(sh|bash)$/.test(x))) {
    if (w.startsWith('/')) {
      if (MENTIONS_VAULT.test(w)) out.push(unreadable(address, file, line, `the script ${w}`));
      continue;
    }
    const text = await readInside(
      read,
      path.posix.normalize(w.startsWith(`${mod.dir}/`) ? w : path.posix.join(mod.dir, w)),
    );
    if (text === null) {
      if (MENTIONS_VAULT.test(w)) out.push(unreadable(address, file, line, `the script ${w}`));
    } else for (const c of classifyCommandText(text, address, file, line, {})) out.push(c);
  }
  return out;
}

const quote = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** `data "external"`: its program runs at every plan and apply; a script file it names is read too. */
export async function externalProgram(
  address: string,
  loc: Located,
  mod: TfModule,
  read: ReadFile,
): Promise<Classification[]> {
  const program = loc.block.attributes.get('program');
  if (!program) return [];
  const v = evaluate(program.expr, mod);
  const argv: string[] | null =
    v.known && Array.isArray(v.value) && v.value.every((x: Val) => typeof x === 'string')
      ? (v.value as string[])
      : null;
  if (!argv) {
    const text = program.value.kind === 'expression' ? program.value.text : '';
    return MENTIONS_VAULT.test(text) ? [unreadable(address, loc.file, program.line, 'an external program')] : [];
  }
  const [first = '', ...rest] = argv;
  if (SHELLS.test(path.posix.basename(first)) && rest[0] === '-c' && rest[1] !== undefined)
    return classifyCommandText(rest[1], address, loc.file, program.line, {});
  if (argv.some((w) => /\.(sh|bash)$/.test(w))) return scriptFiles(argv, address, loc.file, program.line, mod, read);
  const line = argv.map(quote).join(' ');
  const found = classifyCommandText(line, address, loc.file, program.line, {});
  if (found.length === 0 && MENTIONS_VAULT.test(line) && !SHELLS.test(path.posix.basename(first))) {
    return [unreadable(address, loc.file, program.line, `the external program ${first}`)];
  }
  return found;
}

const strings = (v: Val | undefined): string[] | null =>
  v === undefined || v === null
    ? []
    : Array.isArray(v) && v.every((x) => typeof x === 'string')
      ? (v as string[])
      : null;

/**
 * What a container runs, from its image, `command`/`entrypoint` and `args`: a Kubernetes container (`command`
 * replaces the entrypoint, `args` are its arguments) or a Docker one (`entrypoint`, then `command` as arguments). A
 * Vault image with no entrypoint of its own runs `vault` with the arguments. Null when it cannot be told.
 */
function containerArgv(c: { [key: string]: Val }, docker: boolean): string[] | null {
  const image = typeof c.image === 'string' ? c.image.trim() : '';
  const entry = strings(docker ? c.entrypoint : c.command);
  const args = strings(docker ? c.command : c.args);
  if (entry === null || args === null) return null;
  if (entry.length) return [...entry, ...args];
  return VAULT_IMAGE.test(image) && args.length ? ['vault', ...args] : null;
}

/**
 * Containers a resource starts (a Kubernetes Job, Pod or Deployment, a `kubernetes_manifest`, a `docker_container`)
 * whose command runs vault: read by the runbook classifier, like a provisioner. `vault server` and `vault agent`
 * are local; a Job running `vault operator init` or `vault secrets enable` is not.
 */
export function containerCommands(
  address: string,
  type: string,
  values: Val,
  file: string,
  line: number,
): Classification[] {
  const out: Classification[] = [];
  const docker = type === 'docker_container' || type === 'docker_service';
  const visit = (v: Val): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const argv = typeof v.image === 'string' ? containerArgv(v, docker) : null;
      if (argv) for (const c of classifyCommandText(argv.map(quote).join(' '), address, file, line, {})) out.push(c);
      Object.values(v).forEach(visit);
    }
  };
  visit(values);
  return out;
}

/** A resource's attributes and nested blocks as one value (blocks as lists of objects, as in a plan). */
export function blockValue(block: HclBlock, mod: TfModule): { [key: string]: Val } {
  const out: { [key: string]: Val } = {};
  for (const [name, a] of block.attributes) {
    const v = evaluate(a.expr, mod);
    if (v.known) out[name] = v.value;
  }
  for (const b of block.blocks) {
    const list = (out[b.type] ??= []);
    if (Array.isArray(list)) list.push(blockValue(b, mod));
  }
  return out;
}
