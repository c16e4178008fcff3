// Defaults of the copy, each with its reason.

const MiB = 1024 * 1024;

/**
 * Requests in flight. A server-side copy is latency-bound: the runner spends about a millisecond of
 * CPU on a request (most of it in the SDK) that then waits a cross-region round trip plus S3's fetch
 * from the source region (~160 ms for a small blob). By Little's law 128 in flight move ~800 small
 * objects a second, about as many as one core of the runner can send, and stay well under S3's 3,500
 * writes a second per prefix (the budget halves itself if S3 says SlowDown anyway). In the
 * benchmark's ceiling run (bench/README.md) 128 kept ~800 copies a second going and copied 3,038
 * objects in 7.4 s on 5.6 s of CPU, where `aws s3 sync` tuned to the same 128 took 9.7 s and 9.0 s.
 */
export const DEFAULT_CONCURRENCY = 128;

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
