// One process for the stack's Node services: a managed-domain gateway in front of each node and the
// GitHub-style OIDC token endpoint. Started detached by `stack:up`; writes its addresses when ready.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_BODY_BYTES, startGateway } from './gateway/index.js';
import { startOidcServer } from './oidc.js';
import { ACCOUNT_ID, fsRepositoryRoot, stackDir, stackLayout } from './layout.js';
import { MOTO_ADMIN } from './aws-seed.js';
import { sideEngines } from './engines.js';

const layout = stackLayout();
const engines = sideEngines();
const requestToken = process.env.STACK_OIDC_REQUEST_TOKEN;
if (!requestToken) throw new Error('STACK_OIDC_REQUEST_TOKEN is not set');

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
// STACK_MAX_BODY_BYTES at `stack:up` models a larger instance type on both domains (100 MiB: 104857600).
const maxBodyBytes = Number(process.env.STACK_MAX_BODY_BYTES ?? DEFAULT_MAX_BODY_BYTES);
if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0))
  throw new Error(`STACK_MAX_BODY_BYTES must be a positive number of bytes, not ${process.env.STACK_MAX_BODY_BYTES}`);
const gateways = await Promise.all(
  [layout.source, layout.target].map((side) =>
    startGateway({
      port: side.gatewayPort,
      nodeUrl: `http://127.0.0.1:${side.nodePort}`,
      region: side.region,
      motoUrl: layout.motoUrl,
      accountId: ACCOUNT_ID,
      // As on AWS: cluster_name says `<account>:stack-<side>`, and callers need es:ESHttp* on that domain's ARN.
      domainName: `stack-${side.name}`,
      distribution: engines[side.name].distribution,
      fsRepositoryRoot: engines[side.name].snapshots === 'fs' ? fsRepositoryRoot(side.name) : undefined,
      s3Admin: MOTO_ADMIN,
      maxBodyBytes,
      log: (line) => log(`[${side.name} gateway] ${line}`),
    }),
  ),
);
const oidc = await startOidcServer({ port: layout.oidcPort, requestToken, repository: 'example-org/example-repo' });
writeFileSync(
  join(stackDir, 'services.json'),
  JSON.stringify({ sourceGateway: gateways[0].url, targetGateway: gateways[1].url, oidcRequestUrl: oidc.requestUrl }),
);
log('services ready');

const shutdown = async () => {
  await Promise.allSettled([...gateways.map((g) => g.close()), oidc.close()]);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
