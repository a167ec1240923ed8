'use strict';
// A local stand-in for Kili's label API, for hookgate's tests of the Kili pull source. The GraphQL protocol
// is spoken by code hookgate did not write: Apollo's subscriptions-transport-ws server (the legacy
// "graphql-ws" subprotocol Kili's SDK uses) and graphql-js. The schema is shaped like Kili's:
// subscription labelCreatedOrUpdated(projectID) and query labels(where, first, skip), at
// /api/label/v2/graphql, with the API key as "X-API-Key: <key>" (connection_init payload, HTTP header).
//
// Environment: PORT (0: any free port), API_KEY (the key accepted). Prints "listening <port>" when ready.
// Control endpoints for the tests, under /control:
//   POST /control/labels  {projectId, label, publish}  stores a label (and pushes it unless publish=false)
//   POST /control/drop    closes every WebSocket connection (the server stays up)
//   GET  /control/stats   connections, connection_init count, subscriptions started, labels queries
const http = require('http');
const { buildSchema, execute, subscribe, graphql } = require('graphql');
const { SubscriptionServer } = require('subscriptions-transport-ws');

const API_KEY = process.env.API_KEY || 'test-key';
const PATH = '/api/label/v2/graphql';

const schema = buildSchema(`
  scalar PageSize
  type User { id: ID! email: String firstname: String lastname: String }
  type Asset { id: ID! externalId: String }
  type Label {
    id: ID!
    createdAt: String
    labelType: String
    jsonResponse: String
    author: User
    labelOf: Asset
    isLatestLabelForUser: Boolean
    secondsToLabel: Int
  }
  input ProjectWhere { id: ID }
  input LabelWhere { project: ProjectWhere, createdAtGte: String, id: ID }
  type Query { labels(where: LabelWhere!, first: PageSize!, skip: Int!): [Label!]! }
  type Subscription { labelCreatedOrUpdated(projectID: ID!): Label }
`);

/** label lists by project, in the order stored */
const labels = new Map();
const listeners = new Set();
const stats = { connections: 0, inits: 0, rejected: 0, subscriptions: 0, labelQueries: 0 };

/** An async iterator of one project's pushed labels, as graphql-js's subscribe() wants. */
function labelStream(projectId) {
  const queue = [];
  let waiting = null;
  const listener = (p, label) => {
    if (p !== projectId) return;
    if (waiting) { const w = waiting; waiting = null; w({ value: { labelCreatedOrUpdated: label }, done: false }); }
    else queue.push(label);
  };
  listeners.add(listener);
  return {
    next() {
      if (queue.length) return Promise.resolve({ value: { labelCreatedOrUpdated: queue.shift() }, done: false });
      return new Promise((resolve) => { waiting = resolve; });
    },
    return() { listeners.delete(listener); if (waiting) waiting({ value: undefined, done: true }); return Promise.resolve({ value: undefined, done: true }); },
    throw(e) { listeners.delete(listener); return Promise.reject(e); },
    [Symbol.asyncIterator]() { return this; },
  };
}

const root = {
  labels: ({ where, first, skip }) => {
    stats.labelQueries++;
    const list = (labels.get(where.project && where.project.id) || [])
      .filter((l) => !where.createdAtGte || l.createdAt >= where.createdAtGte)
      .filter((l) => !where.id || l.id === where.id)
      .slice()
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    return list.slice(skip, skip + Number(first));
  },
  labelCreatedOrUpdated: ({ projectID }) => { stats.subscriptions++; return labelStream(projectID); },
};

function authorized(value) {
  return value === 'X-API-Key: ' + API_KEY;
}

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => resolve(body ? JSON.parse(body) : {}));
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

let subscriptionServer;
const server = http.createServer(async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === PATH) {
      if (!authorized(req.headers['authorization'])) {
        return send(res, 401, { errors: [{ message: 'Invalid API key' }] });
      }
      const body = await readBody(req);
      const result = await graphql({ schema, source: body.query, rootValue: root, variableValues: body.variables });
      return send(res, 200, result);
    }
    if (req.method === 'POST' && req.url === '/control/labels') {
      const { projectId, label, publish } = await readBody(req);
      const stored = Object.assign({ createdAt: new Date().toISOString() }, label);
      if (!labels.has(projectId)) labels.set(projectId, []);
      labels.get(projectId).push(stored);
      if (publish !== false) listeners.forEach((l) => l(projectId, stored));
      return send(res, 200, stored);
    }
    if (req.method === 'POST' && req.url === '/control/drop') {
      let dropped = 0;
      subscriptionServer.server.clients.forEach((c) => { c.terminate(); dropped++; });
      return send(res, 200, { dropped });
    }
    if (req.method === 'GET' && req.url === '/control/stats') {
      return send(res, 200, Object.assign({ open: subscriptionServer.server.clients.size }, stats));
    }
    send(res, 404, { error: 'not found' });
  } catch (e) {
    send(res, 500, { error: String(e) });
  }
});

subscriptionServer = SubscriptionServer.create({
  schema,
  rootValue: root,
  execute,
  subscribe,
  keepAlive: Number(process.env.KEEP_ALIVE_MS || 1000),
  onConnect: (payload) => {
    stats.inits++;
    const auth = payload && (payload.Authorization || (payload.headers && payload.headers.Authorization));
    if (!authorized(auth)) {
      stats.rejected++;
      throw new Error('Invalid API key');
    }
    return { authorized: true };
  },
}, { server, path: PATH });
subscriptionServer.server.on('connection', () => { stats.connections++; });

server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write('listening ' + server.address().port + '\n');
});
// The test ends the process by closing its stdin, so that no server outlives a crashed test JVM.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
