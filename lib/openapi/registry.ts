/**
 * The route registry the OpenAPI document is built from. Each entry names the zod schemas the
 * route ACTUALLY validates with (imported from the domain modules, never re-typed here), so the
 * document cannot drift from the code. tests/ops/openapi.test.ts walks app/api/v1 and
 * app/api/admin and fails when a route file (or an exported method) has no entry, or an entry
 * has no route file.
 *
 * Paths are OpenAPI style: Next's `[id]` is `{id}`, a catch-all `[...model]` is `{model}` (which
 * may then contain "/", noted in the description).
 */
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** How a route authenticates (components.securitySchemes). */
export type RouteAuth = 'apiKey' | 'adminSession' | 'tenantSession' | 'metricsToken' | 'none';

export interface NamedSchema {
  /** Component name (components.schemas.<name>). */
  name: string;
  schema: z.ZodType;
}

export interface ResponseSpec {
  status: number;
  description: string;
  schema?: NamedSchema;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteSpec {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  /** Admin permission needed (lib/governance/permissions.ts), or tenant roles. */
  permission?: string;
  query?: NamedSchema;
  body?: NamedSchema;
  responses: ResponseSpec[];
  /** The 200 may also be a text/event-stream (stream: true in the body). */
  streams?: boolean;
}

export function named(name: string, schema: z.ZodType): NamedSchema {
  return { name, schema };
}

/** `/api/admin/approvals/[id]/approve` (file path under app/) -> `/api/admin/approvals/{id}/approve`. */
export function routePathFromFile(relDir: string): string {
  const segs = relDir
    .split(/[\\/]/)
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => {
      const catchAll = /^\[\[?\.\.\.(.+?)\]?\]$/.exec(s);
      if (catchAll) return `{${catchAll[1]}}`;
      const dyn = /^\[(.+)\]$/.exec(s);
      return dyn ? `{${dyn[1]}}` : s;
    });
  return `/${segs.join('/')}`;
}

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
