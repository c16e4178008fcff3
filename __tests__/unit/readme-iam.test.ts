// The IAM JSON in README.md is what a plan (src/iam/run-documents.ts) generates for the README's example names:
// a user who pastes it gets the documents the code (and the local stack, seeded by the same builder) relies on.
// Each JSON block is tagged by the HTML comment just above it (`<!-- iam: NAME -->`).

import { readFileSync } from 'node:fs';
import type { SideConfig } from '../../src/config.js';
import { Defaults } from '../../src/constants.js';
import { chainedRoleTrustPolicy, policyDocumentProblems, type PolicyDocument } from '../../src/iam/documents.js';
import { iamDocumentSet } from '../../src/iam/run-documents.js';

// The names every README example uses.
const ACCOUNT = '111122223333';
const WORKFLOW_ROLE = `arn:aws:iam::${ACCOUNT}:role/GitHubSearchMigration`;
const SNAPSHOT_ROLE = `arn:aws:iam::${ACCOUNT}:role/OpenSearchSnapshotRole`;
const BUCKETS = ['my-snapshots-us-east-1', 'my-snapshots-eu-west-1'];

const side = (domain: string, region: string, bucket: string): SideConfig => ({
  endpoint: `https://search-${domain}-abc123.${region}.es.amazonaws.com`,
  region,
  auth: { kind: 'sigv4' },
  snapshotRoleArn: SNAPSHOT_ROLE,
  bucket,
  basePath: Defaults.basePath,
  repository: Defaults.repository,
});

// What `mode: plan` generates for the README's run (the stack's roles are seeded by the same builder).
const documents = iamDocumentSet(
  {
    credentials: { roleToAssume: WORKFLOW_ROLE, audience: 'sts.amazonaws.com' },
    source: side('old-search', 'us-east-1', BUCKETS[0]!),
    target: side('new-search', 'eu-west-1', BUCKETS[1]!),
  },
  { subject: 'repo:my-org/search-infra:environment:production', from: 'token', notes: [] },
  {
    domains: {
      source: { account: ACCOUNT, name: 'old-search' },
      target: { account: ACCOUNT, name: 'new-search' },
    },
  },
).roles;
const role = (kind: string) => documents.find((r) => r.kind === kind)!;

const generated: Record<string, { kind: 'identity' | 'trust'; document: PolicyDocument }> = {
  'oidc-trust': { kind: 'trust', document: role('workflow-role').trustPolicy! },
  'caller-policy': { kind: 'identity', document: role('workflow-role').permissionsPolicy },
  'snapshot-role-trust': { kind: 'trust', document: role('snapshot-role').trustPolicy! },
  'snapshot-role-policy': { kind: 'identity', document: role('snapshot-role').permissionsPolicy },
  'chained-role-trust': { kind: 'trust', document: chainedRoleTrustPolicy(WORKFLOW_ROLE) },
};

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Every ```json block of the README, with the tag of the comment line right above it (if any). */
function jsonBlocks(markdown: string): Array<{ tag?: string; text: string; line: number }> {
  const blocks: Array<{ tag?: string; text: string; line: number }> = [];
  const fence = /^```json\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(fence)) {
    const before = markdown.slice(0, m.index).split('\n');
    const tag = /^<!-- iam: ([a-z-]+) -->$/.exec(before.at(-2) ?? '')?.[1];
    blocks.push({ ...(tag ? { tag } : {}), text: m[1]!, line: before.length });
  }
  return blocks;
}

const blocks = jsonBlocks(readme);

test('every JSON block of the README is a tagged IAM document, and every generated document is shown', () => {
  expect(blocks.filter((b) => b.tag === undefined).map((b) => `README.md:${b.line}`)).toEqual([]);
  expect(blocks.map((b) => b.tag).sort()).toEqual(Object.keys(generated).sort());
});

test.each(Object.keys(generated))('%s equals what a plan generates', (tag) => {
  const block = blocks.find((b) => b.tag === tag)!;
  const shown = JSON.parse(block.text) as unknown;
  expect(shown).toEqual(generated[tag]!.document);
  expect(policyDocumentProblems(shown, generated[tag]!.kind)).toEqual([]);
});

test('the examples name the roles the IAM documents are written for', () => {
  expect(readme).toContain(`role-to-assume: ${WORKFLOW_ROLE}`);
  expect(readme).toContain(`snapshot-role-arn: ${SNAPSHOT_ROLE}`);
  for (const bucket of BUCKETS) expect(readme).toContain(`bucket: ${bucket}`);
});

test('no example pastes an output into a shell script (outputs go through env:)', () => {
  // A `run:` line (or a line of a run: | block) holding ${{ … outputs … }} is the injection pattern.
  const lines = readme.split('\n');
  const offenders: string[] = [];
  let inRun = false;
  let runIndent = 0;
  lines.forEach((line, i) => {
    const run = /^(\s*)(?:- )?run: ?(.*)$/.exec(line);
    if (run) {
      inRun = run[2] === '|' || run[2] === '>';
      runIndent = run[1]!.length;
      if (/\$\{\{[^}]*\}\}/.test(run[2]!)) offenders.push(`README.md:${i + 1}: ${line.trim()}`);
      return;
    }
    if (inRun && (line.trim() === '' || line.search(/\S/) > runIndent)) {
      if (/\$\{\{[^}]*\}\}/.test(line)) offenders.push(`README.md:${i + 1}: ${line.trim()}`);
    } else inRun = false;
  });
  expect(offenders).toEqual([]);
});

test('every example uses the one repository name users can copy', () => {
  const uses = [...readme.matchAll(/uses: ([\w./-]+)@/g)].map((m) => m[1]!);
  const ours = uses.filter((u) => !u.startsWith('aws-actions/') && !u.startsWith('actions/'));
  expect(ours.length).toBeGreaterThanOrEqual(5);
  expect([...new Set(ours)]).toEqual(['opensearch-domain-migrate/opensearch-domain-migrate']);
});
