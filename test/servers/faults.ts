import { RUNPOD_API_HOST, GRAPHQL_PATH } from './runpod-graphql';
import type { Fault } from './scenario';

/** The message RunPod's GraphQL API sends when its backend fails. */
export const RUNPOD_BACKEND_ERROR_MESSAGE = 'Something went wrong. Please try again later or contact support.';

export interface FaultOptions {
  path?: string;
  times?: number;
  delayMs?: number;
}

/** Returns RunPod's backend fault: HTTP 200 with `myself: null` and an `errors` entry. */
export function graphqlBackendErrorFault(options: Omit<FaultOptions, 'path'> = {}): Fault {
  const body = { data: { myself: null }, errors: [{ message: RUNPOD_BACKEND_ERROR_MESSAGE, path: ['myself'] }] };
  return { host: RUNPOD_API_HOST, path: GRAPHQL_PATH, status: 200, body: JSON.stringify(body), contentType: 'application/json', ...options };
}

/**
 * Returns a fault with an HTML error page, as Cloudflare sends for a WAF block (403), a rate
 * limit (429), a gateway error (502) or a timeout (524).
 * NOTE: the markup is a stand-in, because only the status and the HTML content type are documented.
 */
export function htmlErrorFault(host: string, status: number, options: FaultOptions = {}): Fault {
  const body = [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>Error ${status}</title></head>`,
    `<body><h1>Error ${status}</h1><p>The request could not be completed.</p></body></html>`,
    '',
  ].join('\n');
  return { host, status, body, contentType: 'text/html; charset=utf-8', ...options };
}

/** Returns a fault that redirects to `location` with status 302. */
export function redirectFault(host: string, location: string, options: FaultOptions = {}): Fault {
  return { host, status: 302, body: '', headers: { location }, ...options };
}
