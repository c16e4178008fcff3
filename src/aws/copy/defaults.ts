// Defaults of the copy, each with its reason.

const MiB = 1024 * 1024;

/**
 * Requests in flight. A server-side copy is latency-bound: the runner spends about a millisecond
 * of CPU on a request that then waits a cross-region round trip (~80 ms) plus S3's copy time.
 * By Little's law 64 in flight move ~600 small objects a second, far below S3's 3,500 writes a
 * second per prefix and within one Node core; more mostly buys SlowDown answers.
 */
export const DEFAULT_CONCURRENCY = 64;

/**
 * Above this an object is copied in parts. One CopyObject of 64 MiB already takes a second or
 * more cross-region; parts let a large segment file use many slots instead of stalling the tail
 * of the copy on one long request. Below it, one request is cheaper than three or more.
 */
export const DEFAULT_MULTIPART_THRESHOLD = 64 * MiB;

/** Part size before growing for the 10,000-part limit: large enough to keep request counts low. */
export const DEFAULT_PART_SIZE = 32 * MiB;

/** How often onProgress hears from a running copy: often enough to see movement, calm in a log. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
