// HTTP proxies, as self-hosted runners inside a VPC use them: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either
// case, lowercase first, as curl and most tools read them), or the `http-proxy` input, which stands in for
// the two *_PROXY variables while NO_PROXY still exempts its hosts. Every client of the run asks here:
// STS, S3 and IAM through agents on the SDK's request handler, the domains through the OpenSearch client's
// own `proxy` option, and the OIDC token request through @actions/http-client, which reads the same variables.
import * as core from '@actions/core';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { getProxyForUrl } from 'proxy-from-env';

/** The `http-proxy` input becomes the process's proxy variables, so every client (and @actions/core) sees it. */
export function useProxyInput(proxy: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (!proxy) return;
  const password = new URL(proxy).password;
  if (password) core.setSecret(decodeURIComponent(password));
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy']) env[name] = proxy;
}

/** The proxy for requests to `url`, or undefined when none is set or NO_PROXY names the host. */
export function proxyFor(url: string): string | undefined {
  return getProxyForUrl(url) || undefined;
}

/**
 * Where an AWS service's requests go, for the proxy decision: the SDK's own endpoint variables first (as the
 * SDK reads them), else the service's public endpoint. S3 requests may go to `<bucket>.s3.<region>…`: a
 * NO_PROXY entry with a leading dot (`.amazonaws.com`) covers both.
 */
export function awsEndpoint(
  service: 'S3' | 'STS' | 'IAM',
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const configured = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  if (configured) return configured;
  if (service === 'IAM') return 'https://iam.amazonaws.com';
  return `https://${service.toLowerCase()}.${region}.amazonaws.com`;
}

/** The SDK request handler's agents for an endpoint: proxied when a proxy applies, plain otherwise. */
export function sdkAgents(endpoint: string, agentOptions: { maxSockets?: number } = {}) {
  const proxy = proxyFor(endpoint);
  if (!proxy) return { httpAgent: agentOptions, httpsAgent: agentOptions };
  const options = { keepAlive: true, ...agentOptions, proxy };
  return { httpAgent: new HttpProxyAgent(options), httpsAgent: new HttpsProxyAgent(options) };
}
