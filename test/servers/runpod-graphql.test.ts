import { readFileSync } from 'node:fs';
import path from 'node:path';

import { BUILTIN_API_KEY, builtinScenario } from './builtin-scenario';
import { launchServers, type ServerHandle } from './launch';
import { graphqlRequest, httpsRequest } from './test-client';

/** The query runpod-api.md lists as the fields worth reading. */
const DOCUMENTED_QUERY = `query {
  myself {
    id clientBalance currentSpendPerHr spendLimit
    pods {
      id name desiredStatus costPerHr adjustedCostPerHr gpuCount vcpuCount memoryInGb imageName podType
      ports lastStatusChange uptimeSeconds machineId
      machine { gpuDisplayName location }
      runtime {
        uptimeInSeconds
        ports { ip isIpPublic privatePort publicPort type }
        gpus { id gpuUtilPercent memoryUtilPercent }
        container { cpuPercent memoryPercent }
      }
    }
  }
}`;

const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', 'data', 'runpod', 'graphql-myself-pods.json'), 'utf8'));

let server: ServerHandle;

beforeAll(async () => {
  server = await launchServers(builtinScenario());
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  await server.setScenario(builtinScenario());
  await server.clearRequests();
});

describe('graphql auth', () => {
  it('valid key returns the fixture', async () => {
    const response = await graphqlRequest(server, { query: DOCUMENTED_QUERY, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual(fixture);
  });

  it('missing key returns myself null', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { id pods { id } } }' });

    expect(response.status).toBe(200);
    expect(response.body).toBe('{"data":{"myself":null}}');
  });

  it.each([
    ['unknown key', 'Bearer rp_never_existed'],
    ['empty bearer', 'Bearer '],
    ['key without scheme', BUILTIN_API_KEY],
    ['basic scheme', `Basic ${BUILTIN_API_KEY}`],
  ])('%s returns 401', async (_case, authorization) => {
    const response = await httpsRequest(server, {
      host: 'api.runpod.io',
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ myself { id } }' }),
    });

    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ errors: [{ message: 'Unauthorized: the API key is invalid' }] });
  });

  it('api_key query works and is flagged', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { id } }', path: `/graphql?api_key=${BUILTIN_API_KEY}` });
    const [recorded] = await server.requests();

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { myself: { id: 'user_2b9XqTnA7d' } } });
    expect(recorded?.url).toBe(`/graphql?api_key=${BUILTIN_API_KEY}`);
    expect(recorded?.warnings).toEqual(['api_key_in_url']);
  });

  it('wrong api_key query returns 401', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { id } }', path: '/graphql?api_key=rp_wrong' });

    expect(response.status).toBe(401);
  });

  it('bearer request has no warnings', async () => {
    await graphqlRequest(server, { query: '{ myself { id } }', apiKey: BUILTIN_API_KEY });
    const [recorded] = await server.requests();

    expect(recorded?.warnings).toBeUndefined();
  });
});

describe('graphql request errors', () => {
  it('misspelled field returns 400', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { clientBalanc } }', apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      errors: [
        {
          message: 'Cannot query field "clientBalanc" on type "User". Did you mean "clientBalance"?',
          locations: [{ line: 1, column: 12 }],
        },
      ],
    });
  });

  it.each([
    ['auditLogs', '{ myself { auditLogs { id } } }', 'Cannot query field "auditLogs" on type "User".'],
    ['pod field', '{ myself { pods { gpuUtil } } }', 'Cannot query field "gpuUtil" on type "Pod".'],
    ['missing selection', '{ myself { pods } }', 'Field "pods" of type "[Pod!]!" must have a selection of subfields. Did you mean "pods { ... }"?'],
  ])('invalid %s returns 400', async (_case, query, message) => {
    const response = await graphqlRequest(server, { query, apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).errors[0].message).toBe(message);
  });

  it('syntax error returns 400', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { id }', apiKey: BUILTIN_API_KEY });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).errors[0].message).toBe('Syntax Error: Expected Name, found <EOF>.');
  });

  it.each([
    ['invalid JSON', '{"query": ', /^Invalid JSON in the request body/],
    ['array body', '[]', /^Invalid request body: expected a JSON object/],
    ['missing query', '{}', /^Invalid request body: "query" must be a non-empty string$/],
    ['array variables', '{"query":"{ myself { id } }","variables":[]}', /^Invalid request body: "variables" must be an object$/],
  ])('%s returns 400', async (_case, body, message) => {
    const response = await httpsRequest(server, {
      host: 'api.runpod.io',
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BUILTIN_API_KEY}` },
      body,
    });

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body).errors[0].message).toMatch(message);
  });

  it('form body returns 400', async () => {
    const response = await httpsRequest(server, {
      host: 'api.runpod.io',
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${BUILTIN_API_KEY}` },
      body: 'query=%7B%20myself%20%7B%20id%20%7D%20%7D',
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).errors[0].message).toMatch(/^Invalid Content-Type/);
  });

  it('missing variable returns 400', async () => {
    const response = await graphqlRequest(server, {
      query: 'mutation Stop($podId: String!) { podStop(input: {podId: $podId}) { id } }',
      apiKey: BUILTIN_API_KEY,
    });

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).errors[0].message).toBe('Variable "$podId" of required type "String!" was not provided.');
  });

  it.each(['GET', 'PUT', 'DELETE'])('%s returns 405', async (method) => {
    const response = await httpsRequest(server, { host: 'api.runpod.io', path: '/graphql', method });

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('POST');
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('other path returns 404', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { id } }', apiKey: BUILTIN_API_KEY, path: '/v2/pods' });

    expect(response.status).toBe(404);
  });

  it('env read is flagged', async () => {
    const response = await graphqlRequest(server, { query: '{ myself { pods { id env } } }', apiKey: BUILTIN_API_KEY });
    const [recorded] = await server.requests();

    expect(response.status).toBe(200);
    expect(recorded?.warnings).toEqual(['pod_env_requested']);
  });
});

describe('graphql mutations', () => {
  const POD_QUERY = '{ myself { pods { id desiredStatus costPerHr runtime { uptimeInSeconds ports { privatePort } } } } }';

  async function podState(podId: string) {
    const response = await graphqlRequest(server, { query: POD_QUERY, apiKey: BUILTIN_API_KEY });
    const pods = JSON.parse(response.body).data.myself.pods as { id: string }[];
    return pods.find((pod) => pod.id === podId);
  }

  function mutate(query: string, variables?: Record<string, unknown>) {
    return graphqlRequest(server, { query, variables, apiKey: BUILTIN_API_KEY });
  }

  it('podStop exits pod', async () => {
    const response = await mutate('mutation Stop($podId: String!) { podStop(input: {podId: $podId}) { id desiredStatus } }', {
      podId: 'a1b2c3d4e5',
    });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { podStop: { id: 'a1b2c3d4e5', desiredStatus: 'EXITED' } } });
    expect(await podState('a1b2c3d4e5')).toEqual({ id: 'a1b2c3d4e5', desiredStatus: 'EXITED', costPerHr: 0.27, runtime: null });
  });

  it('podStop closes the panel', async () => {
    await mutate('mutation { podStop(input: {podId: "a1b2c3d4e5"}) { id } }');
    const response = await httpsRequest(server, { host: 'a1b2c3d4e5-7777.proxy.runpod.net', path: '/usage-log' });

    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('podResume restores runtime', async () => {
    await mutate('mutation { podStop(input: {podId: "a1b2c3d4e5"}) { id } }');
    const response = await mutate('mutation { podResume(input: {podId: "a1b2c3d4e5", gpuCount: 1}) { id desiredStatus } }');
    const panel = await httpsRequest(server, { host: 'a1b2c3d4e5-7777.proxy.runpod.net', path: '/usage-log' });

    expect(JSON.parse(response.body)).toEqual({ data: { podResume: { id: 'a1b2c3d4e5', desiredStatus: 'RUNNING' } } });
    expect(await podState('a1b2c3d4e5')).toEqual({
      id: 'a1b2c3d4e5',
      desiredStatus: 'RUNNING',
      costPerHr: 0.27,
      runtime: { uptimeInSeconds: 0, ports: [{ privatePort: 7777 }, { privatePort: 8188 }, { privatePort: 22 }] },
    });
    expect(panel.status).toBe(200);
  });

  it('podTerminate removes pod', async () => {
    const response = await mutate('mutation { podTerminate(input: {podId: "u1v2w3x4y5"}) }');
    const scenario = await server.getScenario();

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { podTerminate: null } });
    expect(await podState('u1v2w3x4y5')).toBeUndefined();
    expect(scenario.pods.map((pod) => pod.graphql.id)).toEqual(['a1b2c3d4e5', 'f6g7h8i9j0', 'k1l2m3n4o5', 'p6q7r8s9t0']);
  });

  it('unknown pod returns error', async () => {
    const response = await mutate('mutation { podStop(input: {podId: "zzzzzzzzzz"}) { id } }');

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      data: { podStop: null },
      errors: [{ message: 'Pod not found: zzzzzzzzzz', locations: [{ line: 1, column: 12 }], path: ['podStop'] }],
    });
  });

  it('mutation without key fails', async () => {
    const response = await graphqlRequest(server, { query: 'mutation { podTerminate(input: {podId: "a1b2c3d4e5"}) }' });

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).errors[0].message).toMatch(/^Unauthorized/);
    expect(await podState('a1b2c3d4e5')).toBeDefined();
  });
});
