import type { PanelFile, SimPod } from './scenario';
import { htmlResponse, jsonResponse, type HandlerRequest, type HandlerResponse, type ServerState } from './state';
import { serveUsageLog } from './usage-log-route';

export const PROXY_DOMAIN = 'proxy.runpod.net';
/** Port the control panel listens on when the scenario does not set `panel.port`. */
export const DEFAULT_PANEL_PORT = 7777;

/** `<podId>-<containerPort>.proxy.runpod.net`; RunPod pod ids are lowercase letters and digits. */
const PROXY_HOST_PATTERN = /^([a-z0-9]+)-(\d{1,5})\.proxy\.runpod\.net$/;

/** Returns the pod id and container port that a proxy host name addresses, or undefined for other hosts. */
export function parseProxyHost(host: string): { podId: string; port: number } | undefined {
  const match = PROXY_HOST_PATTERN.exec(host.toLowerCase());
  if (match === null) {
    return undefined;
  }
  return { podId: match[1]!, port: Number(match[2]) };
}

/**
 * Serves `https://<podId>-<port>.proxy.runpod.net/...`: the pod's control panel when the pod is
 * RUNNING, has a runtime, exposes `<port>/http` and runs its panel on that port. Otherwise it
 * responds as RunPod's proxy does: 404 HTML for an unknown pod, 502 HTML when nothing listens.
 */
export function handleProxyRequest(request: HandlerRequest, state: ServerState): HandlerResponse {
  const target = parseProxyHost(request.host);
  if (target === undefined) {
    return htmlResponse(404, proxyErrorPage(404, 'Not Found', `${request.host} is not <podId>-<port>.${PROXY_DOMAIN}`));
  }
  const pod = state.findPod(target.podId);
  if (pod === undefined) {
    return htmlResponse(404, proxyErrorPage(404, 'Not Found', `pod ${target.podId} not found`));
  }

  const reason = unreachableReason(pod, target.port);
  if (reason !== undefined || pod.panel === undefined) {
    return htmlResponse(502, proxyErrorPage(502, 'Bad Gateway', reason ?? 'no control panel'));
  }
  return handlePanelRequest(request, pod.panel);
}

/** Says why the proxy cannot reach a panel on the pod's port, or returns undefined when it can. */
function unreachableReason(pod: SimPod, port: number): string | undefined {
  const { id, desiredStatus, runtime, ports } = pod.graphql;
  if (desiredStatus !== 'RUNNING') {
    return `pod ${id} is ${String(desiredStatus)}`;
  }
  if (runtime === null || runtime === undefined) {
    return `pod ${id} has no runtime: its container is not running`;
  }

  const exposed = typeof ports === 'string' ? ports.split(',').map((entry) => entry.trim()) : [];
  if (!exposed.includes(`${port}/http`)) {
    return `pod ${id} does not expose ${port}/http (ports: ${String(ports)})`;
  }
  if (pod.panel === undefined || (pod.panel.port ?? DEFAULT_PANEL_PORT) !== port) {
    return `nothing listens on port ${port} of pod ${id}`;
  }
  return undefined;
}

/**
 * Serves the Flask control panel's `/api/user_stats` and the exporter's `/usage-log`, which the
 * panel serves through pod/usage_responses.py, behind an optional bearer token.
 */
function handlePanelRequest(request: HandlerRequest, panel: NonNullable<SimPod['panel']>): HandlerResponse {
  if (panel.token !== undefined && !hasBearerToken(request.headers['authorization'], panel.token)) {
    return jsonResponse(401, { error: 'Unauthorized: send Authorization: Bearer <panel token>' }, { 'www-authenticate': 'Bearer' });
  }
  if (request.method !== 'GET') {
    return jsonResponse(405, { error: `Method ${request.method} not allowed: use GET` }, { allow: 'GET' });
  }

  const url = new URL(request.url, `https://${request.host}`);
  if (url.pathname === '/usage-log') {
    const file = findFile(panel, 'usage_log');
    return file === undefined ? notFound(url.pathname) : serveUsageLog(file.body, url.searchParams.getAll('since'), panel.exporterErrors === true);
  }
  if (url.pathname === '/api/user_stats') {
    const file = findFile(panel, 'user_stats');
    return file === undefined ? notFound(url.pathname) : rawJson(file.body);
  }
  return notFound(url.pathname);
}

function hasBearerToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && match[1] === token;
}

function findFile(panel: NonNullable<SimPod['panel']>, kind: PanelFile['kind']): PanelFile | undefined {
  return panel.files.find((file) => file.kind === kind);
}

function rawJson(body: string): HandlerResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function notFound(pathname: string): HandlerResponse {
  return jsonResponse(404, { error: `Not found: ${pathname}` });
}

/**
 * Renders an error page in the style of RunPod's proxy. The reason goes into an HTML comment so
 * that a failing test can show why the simulator rejected the request.
 * NOTE: the wording and markup of RunPod's real pages are not documented, only the status and
 * the HTML content type are.
 */
function proxyErrorPage(status: number, title: string, reason: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${status} ${title}</title></head>`,
    '<body>',
    `<h1>${status} ${title}</h1>`,
    '<p>The pod could not be reached through the RunPod proxy.</p>',
    `<!-- simulator: ${escapeHtmlComment(reason)} -->`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtmlComment(text: string): string {
  return text.replace(/--/g, '- -');
}
