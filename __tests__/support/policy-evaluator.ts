// The stack's one IAM policy evaluator (stack/moto/policy.py: moto's, with IAM's rules where moto's differ)
// for tests that judge policy documents without a stack: one Python process per test file, a question and
// its answer per line. Call stopPolicyEvaluator() in afterAll.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decisionFrom, type Decision, type PolicyQuestion } from '../../stack/gateway/iam-directory.js';
import { projectRoot } from '../../stack/layout.js';

let child: ChildProcessWithoutNullStreams | undefined;
const waiting: Array<(line: string) => void> = [];

function evaluator(): ChildProcessWithoutNullStreams {
  if (child) return child;
  child = spawn('python3', [join(projectRoot, 'stack', 'moto', 'policy.py')]);
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  return child;
}

/** The decision the stack's IAM would give for these documents (JSON text, as IAM stores them). */
export function evaluatePolicies(documents: string[], question: PolicyQuestion): Promise<Decision> {
  const process = evaluator();
  return new Promise((resolve, reject) => {
    waiting.push((line) => {
      try {
        resolve(decisionFrom((JSON.parse(line) as { decision: string }).decision));
      } catch (err) {
        reject(err as Error);
      }
    });
    process.stdin.write(`${JSON.stringify({ documents, ...question })}\n`);
  });
}

export async function stopPolicyEvaluator(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running) return;
  running.stdin.end();
  if (running.exitCode === null) await new Promise((resolve) => running.once('exit', resolve));
}
