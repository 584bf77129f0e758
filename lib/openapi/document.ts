/**
 * Builds the OpenAPI 3.1 document from the route registry (./routes.ts). Schemas come from the
 * routes' own zod schemas through zod 4's `z.toJSONSchema()` (JSON Schema 2020-12, which is
 * OpenAPI 3.1's schema dialect): request bodies and query strings as INPUT types (what a client
 * sends, defaults optional), responses as OUTPUT types.
 */
import { z } from 'zod';
import pkg from '../../package.json';
import { OpenAIError, ProblemDetails } from './common';
import { ChatCompletionChunk, ROUTES } from './routes';
import type { NamedSchema, RouteAuth, RouteSpec } from './registry';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Json;
  servers: Json[];
  tags: Json[];
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
  [k: string]: unknown;
}

const SECURITY_SCHEMES: Record<Exclude<RouteAuth, 'none'>, Json> = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'rk_live_…',
    description: 'A RADIANT API key (create one in the tenant portal), sent as `Authorization: Bearer <key>`.',
  },
  adminSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'authjs.session-token',
    description: 'An administrator session (sign in at /admin; `__Secure-authjs.session-token` over HTTPS). Writes must come from the same origin.',
  },
  tenantSession: {
    type: 'apiKey',
    in: 'cookie',
    name: 'authjs.session-token',
    description: 'A tenant user session (sign in at /portal; `__Secure-authjs.session-token` over HTTPS).',
  },
  metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN configured on the server.' },
};

const TAG_DESCRIPTIONS: Record<string, string> = {
  Gateway: 'OpenAI-compatible API for your programs (API key).',
  Approvals: 'Two-person approval workflow for risky changes.',
  Administrators: 'Platform staff and invitations.',
  Account: "The signed-in administrator's own account.",
  Audit: 'The append-only audit trail.',
  Tenants: 'Customer organisations, seen by administrators.',
  Billing: 'Invoices, billing runs, accounting periods, books, reconciliation and exports.',
  Notifications: "The signed-in administrator's in-app notifications and preferences.",
  Portal: 'The tenant portal API (tenant user session).',
  Operations: 'Health, metrics and this document.',
};

class Components {
  readonly schemas: Record<string, Json> = {};
  private readonly registered = new Map<string, { schema: z.ZodType; io: 'input' | 'output'; json: string }>();

  /** Adds a named schema (once) and returns its $ref. A schema used both as input and output
   * whose two JSON forms differ (defaults, transforms) gets a second component, `<name>Output`. */
  ref(n: NamedSchema, io: 'input' | 'output'): Json {
    const json = toJsonSchema(n.schema, io);
    const text = JSON.stringify(json);
    let name = n.name;
    const prev = this.registered.get(name);
    if (prev && prev.schema !== n.schema) throw new Error(`OpenAPI: two different schemas are both named "${name}"`);
    if (prev && prev.io !== io && prev.json !== text) {
      name = `${n.name}Output`;
      if (!this.registered.has(name)) {
        this.registered.set(name, { schema: n.schema, io, json: text });
        this.add(name, json);
      }
    } else if (!prev) {
      this.registered.set(name, { schema: n.schema, io, json: text });
      this.add(name, json);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Hoists nested $defs into components (OpenAPI resolves "#/..." against the document root). */
  private add(name: string, schema: Json): void {
    const defs = (schema.$defs ?? {}) as Record<string, Json>;
    delete schema.$defs;
    const rename = (d: string) => `${name}__${d}`;
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const out: Json = {};
      for (const [k, v] of Object.entries(node as Json)) {
        if (k === '$ref' && typeof v === 'string') {
          if (v === '#') out[k] = `#/components/schemas/${name}`;
          else if (v.startsWith('#/$defs/')) out[k] = `#/components/schemas/${rename(v.slice('#/$defs/'.length))}`;
          else out[k] = v;
        } else out[k] = rewrite(v);
      }
      return out;
    };
    this.schemas[name] = rewrite(schema) as Json;
    for (const [d, s] of Object.entries(defs)) this.schemas[rename(d)] = rewrite(s) as Json;
  }
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as Json;
  delete json.$schema;
  return json;
}

function operationId(r: RouteSpec): string {
  const parts = r.path
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')));
  const body = parts.map((p, i) => (i === 0 ? p : p.charAt(0).toUpperCase() + p.slice(1))).join('');
  return `${r.method.toLowerCase()}${body.charAt(0).toUpperCase()}${body.slice(1)}`;
}

function queryParameters(q: NamedSchema): Json[] {
  const json = toJsonSchema(q.schema, 'input');
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: required.has(name),
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function errorResponses(c: Components, r: RouteSpec): Record<string, Json> {
  const gateway = r.path.startsWith('/api/v1/');
  const ref = gateway ? c.ref(OpenAIError, 'output') : c.ref(ProblemDetails, 'output');
  const type = gateway ? 'application/json' : 'application/problem+json';
  const resp = (description: string) => ({ description, content: { [type]: { schema: ref } } });
  if (r.auth === 'none' || r.auth === 'metricsToken') return {};
  const out: Record<string, Json> = {
    '400': resp('Invalid input (field errors).'),
    '401': resp(gateway ? 'Missing, invalid, revoked or expired API key.' : 'Not signed in.'),
    '403': resp(gateway ? 'Tenant suspended, key scope or model access refused.' : 'Signed in, but not allowed.'),
    '404': resp('Not found.'),
    '500': resp('Unexpected error (the body carries the request id; details are only in the server log).'),
  };
  if (gateway) {
    out['429'] = resp('Rate limit (Retry-After and x-ratelimit-* headers) or monthly budget exhausted (code insufficient_quota).');
    out['502'] = resp('The upstream provider failed after retries and fallbacks.');
    out['503'] = resp('No provider available or not configured.');
  } else if (r.method !== 'GET') {
    out['409'] = resp('Conflict with the current state (e.g. a request already decided).');
  }
  return out;
}

function operation(c: Components, r: RouteSpec): Json {
  const op: Json = {
    operationId: operationId(r),
    summary: r.summary,
    tags: r.tags,
  };
  const desc = [r.description, r.permission ? `Requires: ${r.permission}.` : null].filter(Boolean).join('\n\n');
  if (desc) op.description = desc;
  if (r.permission) op['x-radiant-permission'] = r.permission;
  const params = [...pathParameters(r.path), ...(r.query ? queryParameters(r.query) : [])];
  if (params.length) op.parameters = params;
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: c.ref(r.body, 'input') } } };
  const responses: Record<string, Json> = {};
  for (const res of r.responses) {
    const type = res.contentType ?? 'application/json';
    const content: Record<string, Json> = { [type]: res.schema ? { schema: c.ref(res.schema, 'output') } : {} };
    if (r.streams && res.status === 200) {
      content['text/event-stream'] = {
        schema: { type: 'string', description: 'Server-Sent Events: `data: <ChatCompletionChunk JSON>` lines, then `data: [DONE]`.' },
        'x-radiant-event-schema': c.ref(ChatCompletionChunk, 'output'),
      };
    }
    responses[String(res.status)] = { description: res.description, content };
  }
  Object.assign(responses, errorResponses(c, r));
  op.responses = responses;
  op.security = r.auth === 'none' ? [] : [{ [r.auth]: [] }];
  return op;
}

/** Builds the document (pure; cheap enough to build per request, memoised anyway). */
export function buildOpenApiDocument(routes: readonly RouteSpec[] = ROUTES, opts: { serverUrl?: string } = {}): OpenApiDocument {
  const c = new Components();
  const paths: OpenApiDocument['paths'] = {};
  const usedTags = new Set<string>();
  for (const r of routes) {
    const item = (paths[r.path] ??= {});
    const m = r.method.toLowerCase();
    if (item[m]) throw new Error(`OpenAPI: ${r.method} ${r.path} is registered twice`);
    item[m] = operation(c, r);
    r.tags.forEach((t) => usedTags.add(t));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RADIANT API',
      version: pkg.version,
      description:
        'RADIANT is an AI model gateway with an admin and billing back office. `/api/v1` is OpenAI-compatible ' +
        "(API keys); `/api/admin` is the platform administrators' API and `/api/portal` the tenant portal's " +
        '(browser sessions). Generated from the zod schemas the routes validate with.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: opts.serverUrl ?? '/', description: 'This RADIANT instance' }],
    tags: [...usedTags].map((name) => ({ name, ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}) })),
    paths,
    components: { schemas: c.schemas, securitySchemes: SECURITY_SCHEMES },
  };
}

let memo: OpenApiDocument | null = null;

/** The document for this build (memoised: the registry is static). */
export function openApiDocument(): OpenApiDocument {
  memo ??= buildOpenApiDocument();
  return memo;
}
