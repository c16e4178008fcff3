// The verify phase's line in the phase table, rendered from its findings like the other phases' (issue 15 §3:
// "100000 documents" without separators, "1 indices").
import { verifyDetails } from '../../src/report/details.js';
import type { VerificationFacts } from '../../src/record.js';

test('verify: one index, documents with separators', () => {
  const row = (status: 'match' | 'excluded') => ({ status }) as VerificationFacts['indices'][number];
  const facts = {
    verified: true,
    indices: [row('match'), row('excluded')],
    sourceTotal: 100000,
    targetTotal: 100000,
    mismatched: [],
  } as unknown as VerificationFacts;
  expect(verifyDetails(facts)).toEqual(['1 index matches: 100,000 documents on each side, aliases equal']);
  expect(verifyDetails({ ...facts, indices: [row('match'), row('match')], mismatched: ['b'] })).toEqual([
    '1 of 2 indices differ: b',
  ]);
});
