import { ModgateError } from '../../errors/index.js';

/** The parts of an AWS SDK v3 error this module reads (it is an Error with these fields). */
interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : {};
}

/** The HTTP status of an S3 answer, or undefined when none came (network failure). */
export function s3Status(err: unknown): number | undefined {
  const status = shape(err).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** "No such key": a read or delete of a missing object (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isS3Missing(err: unknown): boolean {
  const name = shape(err).name;
  if (name === 'NoSuchKey' || name === 'NotFound') return true;
  return s3Status(err) === 404 && name !== 'NoSuchBucket';
}

/** A Range that starts at or past the end of the object (416 InvalidRange). */
export function isS3InvalidRange(err: unknown): boolean {
  return shape(err).name === 'InvalidRange' || s3Status(err) === 416;
}

/**
 * Names of answers that mean the store cannot serve right now or refuses this server — a
 * missing bucket, denied or unknown credentials, throttling — rather than a bug in modgate:
 * `unavailable`, so /readyz and 503 tell the operator (as disk's EACCES/ENOSPC do).
 */
const UNAVAILABLE_NAMES = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'ServiceUnavailable',
  'InternalError',
  'TimeoutError',
  'CredentialsProviderError',
]);

/** Node network error codes: the store is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Converts a failure of `op` on `key` into a ModgateError naming both, with the cause
 * attached; a ModgateError passes through unchanged. Unreachable store, 5xx, throttling and
 * refused credentials are `unavailable`; everything else is `internal`. The SDK's messages
 * never hold the secret key (requests are signed, the signature is not echoed), and this
 * message holds only the error's name, status and message.
 */
export function s3Error(op: string, key: string, err: unknown): ModgateError {
  if (err instanceof ModgateError) return err;
  const { name, code } = shape(err);
  const status = s3Status(err);
  const unavailable =
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    status === 403 ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    (status === undefined && shape(err).$fault !== 'client');
  const label = typeof name === 'string' && name !== 'Error' ? `${name}: ` : '';
  const reason = err instanceof Error ? err.message : String(err);
  const statusText = status === undefined ? '' : ` (HTTP ${status})`;
  return new ModgateError(
    unavailable ? 'unavailable' : 'internal',
    `s3 storage: ${op} ${key}: ${label}${reason}${statusText}`,
    { cause: err },
  );
}
