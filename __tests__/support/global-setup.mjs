// Jest loads global setup outside its TypeScript transform, so this file hands over to tsx.
// Starts the local stack once for the whole test run (or reuses a running one) and seeds the source.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { ensureSeeded, ensureStack } = await tsImport('../../stack/stack.ts', import.meta.url);
  const { env, started } = await ensureStack();
  globalThis.__STACK_STARTED__ = started;
  Object.assign(process.env, env);
  await ensureSeeded(env);
}
