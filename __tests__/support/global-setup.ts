// Starts the local stack once for the whole test run (or reuses a running one) and seeds the source.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStack } from '../../stack/stack.js';
import { seedSource } from '../../stack/seed-data.js';
import { stackDir } from '../../stack/layout.js';

export default async function globalSetup(): Promise<void> {
  const { env, started } = await ensureStack();
  (globalThis as any).__STACK_STARTED__ = started;
  Object.assign(process.env, env);
  const marker = join(stackDir, 'seeded');
  if (started || !existsSync(marker)) {
    const t = Date.now();
    const seeded = await seedSource(env.STACK_SOURCE_NODE);
    writeFileSync(marker, JSON.stringify(seeded));
    console.log(`\n[stack] seeded ${seeded.reduce((n, s) => n + s.documents, 0)} documents in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }
}
