import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

import type { RequestWarning } from './scenario';
import { jsonResponse, type HandlerRequest, type HandlerResponse, type ServerState } from './state';

export const RUNPOD_API_HOST = 'api.runpod.io';
export const GRAPHQL_PATH = '/graphql';

let schema: GraphQLSchema | undefined;

/** Builds the schema from `runpod-schema.graphql` on first use. */
export function runpodSchema(): GraphQLSchema {
  if (schema === undefined) {
    const sdl = readFileSync(path.join(__dirname, 'runpod-schema.graphql'), 'utf8');
    schema = buildSchema(sdl);
  }
  return schema;
}

interface GraphqlContext {
  state: ServerState;
  /** True when the request carried the scenario's API key; false when it carried none. */
  authenticated: boolean;
}

interface PodIdInput {
  input: { podId: string; gpuCount?: number | null };
}

/**
 * Serves `POST /graphql` on api.runpod.io the way RunPod does: 401 for a key that does not
 * exist, `myself: null` without a key, 400 for a request that is not valid GraphQL, and
 * otherwise 200 with `data` (and `errors` when a resolver fails).
 */
export async function handleGraphqlRequest(request: HandlerRequest, state: ServerState): Promise<HandlerResponse> {
  const url = new URL(request.url, `https://${RUNPOD_API_HOST}`);
  if (url.pathname !== GRAPHQL_PATH) {
    return graphqlErrorResponse(404, `Not found: ${url.pathname}. The GraphQL endpoint is POST ${GRAPHQL_PATH}.`);
  }
  if (request.method !== 'POST') {
    return jsonResponse(405, { errors: [{ message: `Method ${request.method} not allowed: use POST` }] }, { allow: 'POST' });
  }

  const warnings: RequestWarning[] = [];
  if (url.searchParams.has('api_key')) {
    warnings.push('api_key_in_url');
  }
  const response = await handleGraphqlPost(request, url, state, warnings);
  return warnings.length > 0 ? { ...response, warnings } : response;
}

async function handleGraphqlPost(
  request: HandlerRequest,
  url: URL,
  state: ServerState,
  warnings: RequestWarning[],
): Promise<HandlerResponse> {
  const authentication = authenticate(request.headers['authorization'], url.searchParams.get('api_key'), state.scenario.apiKey);
  if (authentication === 'invalid') {
    // NOTE: RunPod's 401 status is documented, its body is not: this one is a guess.
    return graphqlErrorResponse(401, 'Unauthorized: the API key is invalid');
  }

  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    // NOTE: whether RunPod rejects other media types is unverified; the product must send JSON anyway.
    return graphqlErrorResponse(400, `Invalid Content-Type "${mediaType}": send the body as application/json`);
  }

  const body = parseRequestBody(request.body);
  if (typeof body === 'string') {
    return graphqlErrorResponse(400, body);
  }

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    return jsonResponse(400, { errors: [error as GraphQLError] });
  }
  const validationErrors = validate(runpodSchema(), document);
  if (validationErrors.length > 0) {
    return jsonResponse(400, { errors: validationErrors });
  }
  if (selectsPodEnv(document)) {
    warnings.push('pod_env_requested');
  }

  const context: GraphqlContext = { state, authenticated: authentication === 'valid' };
  const result = await execute({
    schema: runpodSchema(),
    document,
    rootValue,
    contextValue: context,
    variableValues: body.variables,
    operationName: body.operationName,
  });

  // Without `data` the request never ran (bad variables, unknown operation name): a request error.
  const status = 'data' in result ? 200 : 400;
  return jsonResponse(status, result);
}

/**
 * Checks the key from `Authorization: Bearer <key>` or, when that header is absent, from
 * `?api_key=`. Any value other than the scenario's key is a key that never existed.
 */
function authenticate(
  authorization: string | undefined,
  apiKeyParameter: string | null,
  expectedKey: string,
): 'valid' | 'invalid' | 'absent' {
  let key: string;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match === null) {
      return 'invalid';
    }
    key = match[1]!;
  } else if (apiKeyParameter !== null) {
    key = apiKeyParameter;
  } else {
    return 'absent';
  }
  return key === expectedKey ? 'valid' : 'invalid';
}

interface GraphqlRequestBody {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** Returns the parsed body, or a message saying what is wrong with it. */
function parseRequestBody(text: string): GraphqlRequestBody | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return `Invalid JSON in the request body: ${(error as Error).message}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'Invalid request body: expected a JSON object with "query"';
  }

  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    return 'Invalid request body: "query" must be a non-empty string';
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return 'Invalid request body: "variables" must be an object';
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return 'Invalid request body: "operationName" must be a string';
  }

  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: (operationName ?? undefined) as string | undefined,
  };
}

function selectsPodEnv(document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(runpodSchema());
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === 'env' && typeInfo.getParentType()?.name === 'Pod') {
          found = true;
        }
      },
    }),
  );
  return found;
}

function graphqlErrorResponse(status: number, message: string): HandlerResponse {
  return jsonResponse(status, { errors: [{ message }] });
}

/** Text RunPod writes into `lastStatusChange`, such as `Exited by User: Fri Dec 04 2026 19:55:00 GMT+0000 (...)`. */
function statusChangeText(action: string): string {
  return `${action} by User: ${new Date().toString()}`;
}

/**
 * Root resolvers. Nested fields use graphql-js's default resolver, which reads the property of
 * the same name from the pod objects in the scenario.
 */
const rootValue = {
  myself(_args: unknown, context: GraphqlContext) {
    if (!context.authenticated) {
      return null;
    }
    const { account, pods } = context.state.scenario;
    return { ...account, pods: pods.map((pod) => pod.graphql) };
  },

  podStop({ input }: PodIdInput, context: GraphqlContext) {
    const pod = requirePodForMutation(input.podId, context);

    // NOTE: the stopped pod keeps its costPerHr here, as the EXITED pod in the fixture does;
    // RunPod's REST docs say a stopped pod's cost reads 0. Tests that need 0 set it with updatePod.
    if (pod.graphql.runtime !== null && pod.graphql.runtime !== undefined) {
      context.state.stoppedRuntimes.set(input.podId, pod.graphql.runtime);
    }
    pod.graphql = {
      ...pod.graphql,
      desiredStatus: 'EXITED',
      runtime: null,
      lastStatusChange: statusChangeText('Exited'),
    };
    return pod.graphql;
  },

  podResume({ input }: PodIdInput, context: GraphqlContext) {
    const pod = requirePodForMutation(input.podId, context);

    // The runtime that podStop cleared comes back with its uptime reset. A pod that never had
    // one keeps runtime null, as RunPod shows while the container starts.
    const previous = context.state.stoppedRuntimes.get(input.podId) ?? pod.graphql.runtime ?? null;
    context.state.stoppedRuntimes.delete(input.podId);
    const runtime = previous === null ? null : { ...(previous as Record<string, unknown>), uptimeInSeconds: 0 };

    pod.graphql = {
      ...pod.graphql,
      desiredStatus: 'RUNNING',
      runtime,
      lastStatusChange: statusChangeText('Resumed'),
      ...(typeof input.gpuCount === 'number' ? { gpuCount: input.gpuCount } : {}),
    };
    return pod.graphql;
  },

  podTerminate({ input }: PodIdInput, context: GraphqlContext) {
    requirePodForMutation(input.podId, context);
    const { scenario } = context.state;
    scenario.pods = scenario.pods.filter((pod) => pod.graphql.id !== input.podId);
    context.state.stoppedRuntimes.delete(input.podId);
    return null;
  },
};

function requirePodForMutation(podId: string, context: GraphqlContext) {
  // NOTE: RunPod's messages for these two errors are not documented; these are guesses.
  if (!context.authenticated) {
    throw new GraphQLError('Unauthorized: send the API key as Authorization: Bearer <key>');
  }
  const pod = context.state.findPod(podId);
  if (pod === undefined) {
    throw new GraphQLError(`Pod not found: ${podId}`);
  }
  return pod;
}
