// Pages read and act through the gateway's own HTTP API, in process (fastify inject) with the
// session's token: the same validation, unit scopes, audit and error codes as any other client,
// and no second path to the data that could drift from the API's rules.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { sessionToken } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
  json<T>(): T;
}

export interface Api {
  get<T>(url: string): Promise<T>;
  /** Like get, but a 404 answers null (an object out of the caller's scope). */
  find<T>(url: string): Promise<T | null>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T>;
  /** The answer as it came (downloads, uploads); throws ApiError on 4xx/5xx. */
  raw(method: 'GET' | 'POST', url: string, opts?: { body?: Buffer | Readable | string; contentType?: string; accept?: string }): Promise<RawResponse>;
}

function fail(res: RawResponse): never {
  let code = 'YPQ_INTERNAL';
  let message = `HTTP ${res.statusCode}`;
  try {
    const b = res.json<{ code?: string; message?: string }>();
    code = b.code ?? code;
    message = b.message ?? message;
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.statusCode, code, message);
}

export function apiFor(app: FastifyInstance, req: FastifyRequest): Api {
  const headers = () => ({ authorization: `Bearer ${sessionToken(req)}`, 'x-request-id': String(req.id) });
  const call = async (method: string, url: string, payload?: unknown, extra: Record<string, string> = {}): Promise<RawResponse> => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers(), ...extra },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    return res as unknown as RawResponse;
  };
  return {
    async get<T>(url: string) {
      const res = await call('GET', url);
      if (res.statusCode >= 400) fail(res);
      return res.json<T>();
    },
    async find<T>(url: string) {
      const res = await call('GET', url);
      if (res.statusCode === 404) return null;
      if (res.statusCode >= 400) fail(res);
      return res.json<T>();
    },
    async send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
      const res = await call(method, url, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
      if (res.statusCode >= 400) fail(res);
      return (res.statusCode === 204 ? undefined : res.json<T>()) as T;
    },
    async raw(method, url, opts = {}) {
      const extra: Record<string, string> = {};
      if (opts.contentType) extra['content-type'] = opts.contentType;
      if (opts.accept) extra.accept = opts.accept;
      const res = await call(method, url, opts.body, extra);
      if (res.statusCode >= 400 && !(res.statusCode === 422 && method === 'POST')) fail(res);
      return res;
    },
  };
}
