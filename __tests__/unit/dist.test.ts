// dist/ is what the runner executes: it must be exactly a fresh bundle of the committed sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

test.each([
  ['src/index.ts', 'index.js'],
  ['src/post.ts', 'post/index.js'],
])('a fresh bundle of %s equals dist/%s', (entry, built) => {
  const out = mkdtempSync(join(tmpdir(), 'osdm-bundle-'));
  execFileSync(join(root, 'node_modules', '.bin', 'ncc'), ['build', entry, '-o', out, '-t', '-q'], {
    cwd: root,
    stdio: 'pipe',
  });
  const fresh = readFileSync(join(out, 'index.js'), 'utf8');
  const committed = readFileSync(join(root, 'dist', built), 'utf8');
  // Compare sizes first for a readable failure, then the bytes.
  expect(committed.length).toBe(fresh.length);
  expect(committed === fresh).toBe(true);
});
