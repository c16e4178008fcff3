// npm run stack:up | stack:down | stack:seed | stack:status
import { readStackEnv } from './layout.js';
import { ensureSeeded, runningPids, stackDown, stackUp } from './stack.js';

const command = process.argv[2];
try {
  if (command === 'up') await stackUp();
  else if (command === 'down') await stackDown();
  else if (command === 'seed') {
    const env = readStackEnv();
    if (!env.STACK_SOURCE_NODE) throw new Error('the stack is not running: `npm run stack:up` first');
    await ensureSeeded(env, { force: true });
  } else if (command === 'status') {
    console.log(JSON.stringify({ pids: runningPids(), env: readStackEnv() }, null, 2));
  } else {
    console.error('usage: tsx stack/cli.ts up|down|seed|status');
    process.exitCode = 2;
  }
} catch (err) {
  console.error(`[stack] ${(err as Error).message}`);
  process.exitCode = 1;
}
