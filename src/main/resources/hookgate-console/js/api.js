// The management API, as documented (src/main/resources/openapi/hookgate-api.yaml, docs/management-api.md):
// every call carries the signed-in token; every refusal becomes an ApiError holding the RFC 9457 problem.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** What the console shows: "403 Forbidden: <detail>". */
  get summary() {
    const title = this.problem.title || "";
    return `${this.status}${title ? " " + title : ""}: ${this.message}`;
  }
}

async function problemOf(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return {detail: text.trim().slice(0, 500) || response.statusText};
  }
}

export class Api {
  constructor(token) {
    this.token = token;
  }

  /** GET path?query; answers the parsed JSON. */
  get(path, query) {
    return this.call("GET", path, {query});
  }

  post(path, body, headers) {
    return this.call("POST", path, {body, headers});
  }

  put(path, body, headers) {
    return this.call("PUT", path, {body, headers});
  }

  /** Answers {status, etag, body}: the body parsed when JSON. */
  async call(method, path, {query, body, headers = {}} = {}) {
    const url = new URL(path, window.location.origin);
    for (const [k, v] of Object.entries(query || {})) {
      if (v !== undefined && v !== null && v !== "") {
        url.searchParams.set(k, v);
      }
    }
    const all = {"Authorization": `Bearer ${this.token}`, ...headers};
    if (body !== undefined) {
      all["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(url, {method, headers: all, body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store"});
    } catch (e) {
      throw new ApiError(0, {title: "No answer", detail: `the gateway did not answer (${e.message})`});
    }
    if (!response.ok) {
      throw new ApiError(response.status, await problemOf(response));
    }
    const type = response.headers.get("Content-Type") || "";
    const parsed = response.status === 204 ? null
      : type.includes("json") ? await response.json() : await response.text();
    return {status: response.status, etag: response.headers.get("ETag"), body: parsed};
  }
}

/** The health endpoints and /metrics need no token; a 503 from /health/ready is an answer, not a failure. */
export async function plain(path) {
  const response = await fetch(path, {cache: "no-store"});
  const type = response.headers.get("Content-Type") || "";
  return {status: response.status, body: type.includes("json") ? await response.json() : await response.text()};
}

/** The role of a token ("viewer" or "admin"), as GET /api/v1/whoami says; a wrong token is a 401 problem. */
export async function roleOf(api) {
  const answer = await api.get("/api/v1/whoami");
  return answer.body.role;
}
