// Global setup of `npm run test:production`: a stack of its own, seeded with the production profile.
// Its ports sit 30 above the default stack's (inside the same 200-port range: base+30 … base+132 never
// meets base+0 … base+102 at the same offsets), its state in .stack-production; both can be overridden
// (STACK_PRODUCTION_PORT_BASE, STACK_PRODUCTION_DIR) to reuse a stack seeded by hand.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

export default async function productionSetup() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const base = Number(process.env.STACK_PORT_BASE ?? 19200);
  process.env.STACK_PORT_BASE = process.env.STACK_PRODUCTION_PORT_BASE ?? String(base + 30);
  process.env.STACK_DIR = process.env.STACK_PRODUCTION_DIR ?? join(root, '.stack-production');
  // A thousand indices need more heap than the default 512m (the node would spend its time collecting).
  process.env.STACK_NODE_HEAP ??= '1536m';
  // Loaded only now: stack/layout.ts reads STACK_DIR and STACK_PORT_BASE when first imported.
  const { ensureProductionSeeded, ensureStack } = await tsImport('../../stack/stack.ts', import.meta.url);
  const { sizeForManyShards } = await tsImport('../../stack/seed-production.ts', import.meta.url);
  const { env, started } = await ensureStack();
  globalThis.__STACK_STARTED__ = started;
  Object.assign(process.env, env);
  const started2 = Date.now();
  const seed = await ensureProductionSeeded(env);
  console.log(
    `[production] ${seed.indices.length} indices seeded in ${seed.seconds}s (${seed.requests} requests); setup ${((Date.now() - started2) / 1000).toFixed(0)}s`,
  );
  // The target takes the thousand restored indices: the same room as the source.
  await sizeForManyShards(env.STACK_TARGET_NODE);
}
