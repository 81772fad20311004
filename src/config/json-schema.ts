import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** The JSON Schema of vault-change-gate.config.json, generated from the zod schema (the single source). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://github.com/vault-change-gate/vault-change-gate/schema/vault-change-gate.config.schema.json',
    title: 'vault-change-gate configuration',
  };
}
