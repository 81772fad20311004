import { z } from 'zod';
import type { VaultClient } from './client.js';
import { VaultUnreachableError } from './transport.js';

/**
 * The live plugin catalogue: `GET sys/plugins/catalog` lists every plugin (`data.detailed`, Vault 1.12+: type,
 * name, version, builtin), and `GET sys/plugins/catalog/:type/:name[?version=]` gives an external plugin's command
 * and sha256 (api-docs/system/plugins-catalog). Both need a token with read on sys/plugins/catalog.
 */

const ListSchema = z.object({
  data: z.object({
    detailed: z
      .array(z.object({ type: z.string(), name: z.string(), version: z.string().optional(), builtin: z.boolean() }))
      .optional(),
    auth: z.array(z.string()).optional(),
    database: z.array(z.string()).optional(),
    secret: z.array(z.string()).optional(),
  }),
});

const ReadSchema = z.object({
  data: z.object({
    name: z.string(),
    builtin: z.boolean().optional(),
    command: z.string().optional(),
    sha256: z.string().optional(),
    version: z.string().optional(),
  }),
});

/** One plugin of the catalogue: command and sha256 only for external plugins (built-in ones have none). */
export const CatalogueEntrySchema = z.strictObject({
  type: z.string(),
  name: z.string(),
  version: z.string(),
  builtin: z.boolean(),
  command: z.string().nullable(),
  sha256: z.string().nullable(),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>;

export type CatalogueRead = { ok: true; plugins: CatalogueEntry[] } | { ok: false; reason: string };

const refusal = (what: string, status: number): string =>
  status === 403
    ? `${what} was refused (403): the token needs read on sys/plugins/catalog`
    : `${what} answered HTTP ${status}`;

/** Reads the catalogue; never throws for Vault's answers (`ok: false` says why), only for an interrupt. */
export async function readPluginCatalogue(client: VaultClient): Promise<CatalogueRead> {
  try {
    const list = await client.request('GET', 'sys/plugins/catalog', { root: true });
    if (list.status !== 200) return { ok: false, reason: refusal('sys/plugins/catalog', list.status) };
    const parsed = ListSchema.safeParse(list.json);
    if (!parsed.success) return { ok: false, reason: 'sys/plugins/catalog did not answer in its documented shape' };
    const d = parsed.data.data;
    // Before 1.12 there is no `detailed`: every name is read, and the read says whether it is built in.
    const listed =
      d.detailed ??
      (['auth', 'database', 'secret'] as const).flatMap((type) =>
        (d[type] ?? []).map((name) => ({ type, name, version: '', builtin: false })),
      );
    const plugins: CatalogueEntry[] = [];
    for (const p of listed) {
      const version = p.version ?? '';
      if (p.builtin) {
        plugins.push({ type: p.type, name: p.name, version, builtin: true, command: null, sha256: null });
        continue;
      }
      const query = version ? `?version=${encodeURIComponent(version)}` : '';
      const where = `sys/plugins/catalog/${p.type}/${p.name}`;
      const read = await client.request('GET', `${where}${query}`, { root: true });
      if (read.status !== 200) return { ok: false, reason: refusal(where, read.status) };
      const r = ReadSchema.safeParse(read.json);
      if (!r.success) return { ok: false, reason: `${where} did not answer in its documented shape` };
      const builtin = r.data.data.builtin ?? false;
      plugins.push({
        type: p.type,
        name: p.name,
        version: r.data.data.version ?? version,
        builtin,
        command: builtin ? null : (r.data.data.command ?? null),
        sha256: builtin ? null : (r.data.data.sha256 ?? null),
      });
    }
    return { ok: true, plugins };
  } catch (error) {
    if (error instanceof VaultUnreachableError) return { ok: false, reason: error.message };
    throw error;
  }
}
