// Stops the stack when this test run started it; STACK_KEEP=1 leaves it up for the next run.
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  if (!globalThis.__STACK_STARTED__ || process.env.STACK_KEEP === '1') return;
  const { stackDown } = await tsImport('../../stack/stack.ts', import.meta.url);
  await stackDown();
}
