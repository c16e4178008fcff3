// Stops the stack when this test run started it; STACK_KEEP=1 leaves it up for the next run.
import { stackDown } from '../../stack/stack.js';

export default async function globalTeardown(): Promise<void> {
  if ((globalThis as any).__STACK_STARTED__ && process.env.STACK_KEEP !== '1') await stackDown();
}
