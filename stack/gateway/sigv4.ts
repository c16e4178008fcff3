// SigV4 checking the way the AWS front end of a domain does it: parse the Authorization header,
// check scope and clock, then recompute the signature with the AWS SDK's own signer over the
// request exactly as it arrived and compare. No hand-written crypto: if the SDK and a client
// disagree about canonicalisation, this gateway disagrees the same way AWS would.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import * as errors from './aws-errors.js';
import type { Refusal } from './aws-errors.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60_000;

export interface SignedRequestParts {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  signingDate: Date;
  sessionToken?: string;
}

export interface IncomingForSigning {
  method: string;
  /** The request target exactly as sent: raw path plus raw query string. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Reads the Authorization header; a refusal if it is not a usable SigV4 header. */
export function parseSignedRequest(
  request: IncomingForSigning,
  expected: { region: string; service: string },
  now: Date,
): SignedRequestParts | Refusal {
  const authorization = headerValue(request.headers, 'authorization') ?? '';
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const missing: string[] = [];
  const params = new Map<string, string>();
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    missing.push(
      "Authorization header requires 'Credential' parameter.",
      "Authorization header requires 'Signature' parameter.",
      "Authorization header requires 'SignedHeaders' parameter.",
    );
  } else {
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    if (!params.get('Credential')) missing.push("Authorization header requires 'Credential' parameter.");
    if (!params.get('Signature')) missing.push("Authorization header requires 'Signature' parameter.");
    if (!params.get('SignedHeaders')) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  }
  if (!amzDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0 || !amzDate) return errors.malformedAuthorization(missing);

  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = (
    params.get('Credential') ?? ''
  ).split('/');
  if (!accessKeyId || terminator !== 'aws4_request') {
    return errors.malformedAuthorization([
      `Credential should be scoped to a valid region. Credential should be scoped to correct service. Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    ]);
  }
  const regionWrong = region !== expected.region;
  const serviceWrong = service !== expected.service;
  if (regionWrong || serviceWrong) {
    return errors.wrongScope({ region: regionWrong ? region : undefined, service: serviceWrong ? service : undefined });
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    return errors.malformedAuthorization([
      `Invalid date: '${amzDate}'. X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z').`,
    ]);
  }
  if (scopeDate !== amzDate.slice(0, 8)) return errors.scopeDateMismatch(scopeDate, amzDate);
  const skew = signingDate.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) return errors.signatureExpired(amzDate, now);
  if (skew > MAX_SKEW_MS) return errors.signatureNotYetCurrent(amzDate, now);

  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: (params.get('SignedHeaders') ?? '').split(';').filter((name) => name.length > 0),
    signature: params.get('Signature') ?? '',
    amzDate,
    signingDate,
    sessionToken: headerValue(request.headers, 'x-amz-security-token'),
  };
}

export type SignatureCheck = { ok: true } | { ok: false; refusal: Refusal };

/** Recomputes the signature with the caller's secret and compares it with the one sent. */
export async function verifySignature(
  request: IncomingForSigning,
  parts: SignedRequestParts,
  secretAccessKey: string,
): Promise<SignatureCheck> {
  const signed = new Set(parts.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of parts.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  // The payload is hashed from the bytes received; a signed x-amz-content-sha256 must describe them.
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== bodyHash) {
    // Canonicalise with what arrived, so the error shows the hash of the bytes we got.
    headers['x-amz-content-sha256'] = bodyHash;
  }

  const { pathname, query } = splitTarget(request.url);
  const signer = new RecordingSigner({
    service: parts.service,
    region: parts.region,
    sha256: Sha256,
    // The SDK only adds x-amz-content-sha256 when told to; the client decides, not us.
    applyChecksum: false,
    credentials: {
      accessKeyId: parts.accessKeyId,
      secretAccessKey,
      // Only put the token in the canonical headers if the client signed it.
      sessionToken: signed.has('x-amz-security-token') ? parts.sessionToken : undefined,
    },
  });
  const host = headerValue(request.headers, 'host') ?? '';
  const toSign = new HttpRequest({
    method: request.method.toUpperCase(),
    protocol: 'http:',
    hostname: host.replace(/:\d+$/, ''),
    path: pathname,
    query,
    headers,
    body: request.body.length > 0 ? new Uint8Array(request.body) : undefined,
  });
  const result = await signer.sign(toSign, { signingDate: parts.signingDate, signableHeaders: signed });
  const computed = /Signature=([0-9a-f]+)/.exec(String(result.headers['authorization'] ?? ''))?.[1] ?? '';
  const sameSignature =
    computed.length === parts.signature.length && timingSafeEqual(Buffer.from(computed), Buffer.from(parts.signature));
  if (sameSignature) return { ok: true };
  return { ok: false, refusal: errors.signatureMismatch(signer.canonicalRequest, signer.stringToSign) };
}

/** The SDK's signer, keeping the canonical request and string-to-sign for the error body. */
class RecordingSigner extends SignatureV4 {
  canonicalRequest = '';
  stringToSign = '';

  protected override createCanonicalRequest(
    request: HttpRequest,
    canonicalHeaders: Record<string, string>,
    payloadHash: string,
  ): string {
    this.canonicalRequest = super.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    return this.canonicalRequest;
  }

  protected override async createStringToSign(
    longDate: string,
    credentialScope: string,
    canonicalRequest: string,
    algorithmIdentifier: string,
  ): Promise<string> {
    this.stringToSign = await super.createStringToSign(
      longDate,
      credentialScope,
      canonicalRequest,
      algorithmIdentifier,
    );
    return this.stringToSign;
  }
}

/**
 * The raw path stays raw (the signer escapes it again, as SigV4 asks for every service but S3);
 * query values are decoded because the signer re-encodes them itself.
 */
export function splitTarget(url: string): { pathname: string; query: Record<string, string | string[]> } {
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      if (pair.length === 0) continue;
      const eq = pair.indexOf('=');
      const key = decodeLenient(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeLenient(pair.slice(eq + 1));
      const existing = query[key];
      if (existing === undefined) query[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else query[key] = [existing, value];
    }
  }
  return { pathname: pathname || '/', query };
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}
