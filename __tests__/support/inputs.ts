// Inputs for the unit tests that read them: the smallest valid set — two AWS domains in two Regions, two
// buckets, one snapshot role. Each test spreads its own inputs over it.
export const MINIMAL_INPUTS: Readonly<Record<string, string>> = {
  'source-endpoint': 'https://search-old-abc123.us-east-1.es.amazonaws.com',
  'target-endpoint': 'https://search-new-def456.eu-west-1.es.amazonaws.com',
  'source-bucket': 'old-snapshots',
  'target-bucket': 'new-snapshots',
  'snapshot-role-arn': 'arn:aws:iam::111122223333:role/opensearch-snapshot',
};
