// The answers a fault gives instead of the service's own, worded as each service words them.
import { randomBytes, randomUUID } from 'node:crypto';

export interface CannedReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const requestId = () => randomBytes(8).toString('hex').toUpperCase();

function s3Error(status: number, code: string, message: string): CannedReply {
  const id = requestId();
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': id },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${id}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`,
  };
}

/** S3 shedding load (503 SlowDown), as it does above a prefix's request rate. */
export const slowDown = () => s3Error(503, 'SlowDown', 'Please reduce your request rate.');

export const internalError = () => s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');

/**
 * A copy that failed after S3 had already answered 200: CopyObject, UploadPartCopy and
 * CompleteMultipartUpload can put the error in the body of a 200 (S3 API reference, CopyObject).
 */
export const copyErrorIn200 = (): CannedReply => ({ ...internalError(), status: 200 });

/** STS throttling, as its query protocol answers it. */
export function stsThrottling(): CannedReply {
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n    <Code>Throttling</Code>\n    <Message>Rate exceeded</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

/** A domain rejecting work it has no room for (a full snapshot thread pool, or the front end's throttle). */
export function tooManyRequests(): CannedReply {
  const reason =
    'rejected execution of coordinating operation [shard_detail=[], coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0]';
  return {
    status: 429,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({
      error: {
        root_cause: [{ type: 'rejected_execution_exception', reason }],
        type: 'rejected_execution_exception',
        reason,
      },
      status: 429,
    }),
  };
}

/** The managed domain's front end giving up on a request the node goes on running (the gateway's 504 body). */
export function gatewayTimeout(): CannedReply {
  return {
    status: 504,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify({ message: 'Request Timeout' }),
  };
}
