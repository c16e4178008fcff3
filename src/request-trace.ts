// Request-level traces for step debug logging (the ACTIONS_STEP_DEBUG secret, or "Re-run with debug
// logging", which the runner passes on as RUNNER_DEBUG=1): every request's service, method, path, status
// and attempt go to core.debug. Never a header, a query string or a body — those carry signatures,
// session tokens and documents. Off, nothing is added to the request path.
import * as core from '@actions/core';
import type { Client } from '@opensearch-project/opensearch';

interface WithMiddleware {
  middlewareStack: { add(middleware: unknown, options: { step: 'deserialize'; name: string }): void };
}

interface TracedRequest {
  method?: string;
  path?: string;
}

/** Traces each attempt of every request an AWS SDK client sends (the deserialize step runs once per attempt). */
export function traceSdkRequests<C extends WithMiddleware>(client: C, service: string): C {
  if (!core.isDebug()) return client;
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<{ response?: { statusCode?: number } }>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const request = (args as { request?: TracedRequest }).request;
        const what = `${service} ${context.commandName ?? 'request'}: ${request?.method ?? '?'} ${request?.path ?? ''}`;
        try {
          const out = await next(args);
          core.debug(`${what} → ${out.response?.statusCode ?? '?'}`);
          return out;
        } catch (err) {
          const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
          core.debug(`${what} → ${e.$metadata?.httpStatusCode ?? ''} ${e.name ?? 'error'}`.replace('  ', ' '));
          throw err;
        }
      },
    { step: 'deserialize', name: 'requestTrace' },
  );
  return client;
}

/** Traces every request of a domain client: method, path, status, and the client's own retries. */
export function traceDomainRequests(client: Client, label: string): Client {
  if (!core.isDebug()) return client;
  client.on('response', (err, result) => {
    const params = result?.meta?.request?.params as TracedRequest | undefined;
    const status = result?.statusCode ?? (err ? err.name : '?');
    const attempts = result?.meta?.attempts ?? 0;
    core.debug(
      `${label} domain: ${params?.method ?? '?'} ${params?.path ?? ''} → ${status}${attempts ? ` (after ${attempts} retries)` : ''}`,
    );
  });
  return client;
}
