// Runs the copy engine alone in its own process, so the benchmark can time it as it times the
// AWS CLI and read its peak RSS. Configuration comes as JSON in BENCH_CHILD; the last line of
// stdout is the result as JSON.
import { s3Client } from '../../src/aws/clients.js';
import { copyRepository } from '../../src/aws/copy/index.js';
import { Defaults } from '../../src/constants.js';

interface ChildConfig {
  endpoint: string;
  source: { bucket: string; prefix: string; region: string };
  destination: { bucket: string; prefix: string; region: string };
  concurrency?: number;
  multipartThreshold?: number;
  partSize?: number;
}

const config = JSON.parse(process.env.BENCH_CHILD ?? '{}') as ChildConfig;
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
};
const client = (region: string) =>
  // The action's client, with the action's default request timeout: what the benchmark times is what ships.
  s3Client({
    region,
    endpoint: config.endpoint,
    forcePathStyle: true,
    credentials,
    concurrency: config.concurrency,
    requestTimeoutMs: Defaults.requestTimeoutSeconds * 1000,
  });

const started = process.hrtime.bigint();
const result = await copyRepository({
  source: { client: client(config.source.region), bucket: config.source.bucket, prefix: config.source.prefix },
  destination: {
    client: client(config.destination.region),
    bucket: config.destination.bucket,
    prefix: config.destination.prefix,
  },
  concurrency: config.concurrency,
  multipartThreshold: config.multipartThreshold,
  partSize: config.partSize,
  onProgress: process.env.BENCH_PROGRESS ? (p) => process.stderr.write(`${JSON.stringify(p)}\n`) : undefined,
});
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
// maxRSS is in KiB on Linux.
console.log(JSON.stringify({ result, wallMs, maxRssKb: process.resourceUsage().maxRSS }));
