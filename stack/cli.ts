// npm run stack:up | stack:down | stack:seed [-- --profile production] | stack:status
import { parseArgs } from 'node:util';
import { readStackEnv } from './layout.js';
import { ensureProductionSeeded, ensureSeeded, runningPids, stackDown, stackUp } from './stack.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { profile: { type: 'string', default: 'default' } },
});
const command = positionals[0];
try {
  if (command === 'up') await stackUp();
  else if (command === 'down') await stackDown();
  else if (command === 'seed') {
    const env = readStackEnv();
    if (!env.STACK_SOURCE_NODE) throw new Error('the stack is not running: `npm run stack:up` first');
    if (values.profile === 'production') await ensureProductionSeeded(env, { force: true });
    else if (values.profile === 'default') await ensureSeeded(env, { force: true });
    else throw new Error(`unknown seed profile "${values.profile}" (default or production)`);
  } else if (command === 'status') {
    console.log(JSON.stringify({ pids: runningPids(), env: readStackEnv() }, null, 2));
  } else {
    console.error('usage: tsx stack/cli.ts up|down|seed [--profile default|production]|status');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`[stack] ${(err as Error).message}`);
  process.exitCode = 1;
}
