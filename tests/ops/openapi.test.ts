/**
 * The OpenAPI document: valid OpenAPI 3.1 (with @readme/openapi-parser when installed, and a
 * structural check always), built from the routes' own zod schemas, and covering every route
 * file under app/api/v1 and app/api/admin (and every documented route has its file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { GET as openapiRoute } from '../../app/api/openapi.json/route';
import ApiReferencePage from '../../app/docs/api/page';
import { chatCompletionRequestSchema } from '../../lib/gateway/adapters/openai-types';
import { proposeInputSchema } from '../../lib/governance/approvals';
import { buildOpenApiDocument, openApiDocument, toJsonSchema, type OpenApiDocument } from '../../lib/openapi/document';
import { HTTP_METHODS, routeKey, routePathFromFile } from '../../lib/openapi/registry';
import { ROUTES } from '../../lib/openapi/routes';
import { optimizeRequestSchema } from '../../lib/pricing/optimizer';

const root = path.resolve(__dirname, '../..');
type Json = Record<string, unknown>;

/** Every route.ts under app/<dir>, with the HTTP methods it exports. */
function routeFiles(dir: string): Array<{ file: string; path: string; methods: string[] }> {
  const out: Array<{ file: string; path: string; methods: string[] }> = [];
  const walk = (abs: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^route\.(ts|tsx|js)$/.test(e.name)) {
        const src = fs.readFileSync(p, 'utf8');
        const methods = new Set<string>();
        const re = /export\s+(?:async\s+)?(?:function|const|let)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g;
        for (const m of src.matchAll(re)) methods.add(m[1]!);
        for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
          for (const part of m[1]!.split(',')) {
            const name = part
              .trim()
              .split(/\s+as\s+/)
              .pop()
              ?.trim();
            if (name && (HTTP_METHODS as readonly string[]).concat(['HEAD', 'OPTIONS']).includes(name)) methods.add(name);
          }
        }
        const rel = path.relative(path.join(root, 'app'), path.dirname(p));
        out.push({ file: path.relative(root, p), path: routePathFromFile(rel), methods: [...methods].sort() });
      }
    }
  };
  const abs = path.join(root, 'app', dir);
  if (fs.existsSync(abs)) walk(abs);
  return out;
}

function walkRefs(node: unknown, visit: (ref: string, where: string) => void, where = '#'): void {
  if (Array.isArray(node)) node.forEach((n, i) => walkRefs(n, visit, `${where}/${i}`));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string') visit(v, where);
      else walkRefs(v, visit, `${where}/${k}`);
    }
  }
}

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

function checkSchema(s: unknown, where: string, problems: string[]): void {
  if (s === true || s === false) return;
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    problems.push(`${where}: schema must be an object or boolean`);
    return;
  }
  const o = s as Json;
  const types = o.type === undefined ? [] : Array.isArray(o.type) ? o.type : [o.type];
  for (const t of types) if (typeof t !== 'string' || !JSON_TYPES.has(t)) problems.push(`${where}: bad type ${String(t)}`);
  if (o.required !== undefined && (!Array.isArray(o.required) || o.required.some((r) => typeof r !== 'string')))
    problems.push(`${where}: required must be a string array`);
  if (o.enum !== undefined && !Array.isArray(o.enum)) problems.push(`${where}: enum must be an array`);
  if (o.nullable !== undefined) problems.push(`${where}: "nullable" is OpenAPI 3.0, not 3.1`);
  if (o.properties) for (const [k, v] of Object.entries(o.properties as Json)) checkSchema(v, `${where}/properties/${k}`, problems);
  if (o.items !== undefined) checkSchema(o.items, `${where}/items`, problems);
  if (o.additionalProperties !== undefined && typeof o.additionalProperties !== 'boolean')
    checkSchema(o.additionalProperties, `${where}/additionalProperties`, problems);
  for (const k of ['oneOf', 'anyOf', 'allOf', 'prefixItems'] as const) {
    if (o[k] !== undefined) {
      if (!Array.isArray(o[k])) problems.push(`${where}/${k}: must be an array`);
      else (o[k] as unknown[]).forEach((x, i) => checkSchema(x, `${where}/${k}/${i}`, problems));
    }
  }
  if (o.$defs) problems.push(`${where}: nested $defs should have been hoisted into components`);
}

/** A careful structural check of the OpenAPI 3.1 rules the document relies on. */
function structuralProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (doc.openapi !== '3.1.0') problems.push('openapi must be 3.1.0');
  const info = doc.info as Json;
  if (typeof info.title !== 'string' || typeof info.version !== 'string') problems.push('info.title and info.version are required strings');
  const schemes = doc.components.securitySchemes;
  for (const [name, s] of Object.entries(schemes)) {
    const t = (s as Json).type;
    if (!['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(t))) problems.push(`securityScheme ${name}: bad type`);
    if (t === 'apiKey' && !['query', 'header', 'cookie'].includes(String((s as Json).in))) problems.push(`securityScheme ${name}: bad "in"`);
    if (t === 'http' && typeof (s as Json).scheme !== 'string') problems.push(`securityScheme ${name}: scheme required`);
  }
  const opIds = new Set<string>();
  const declaredTags = new Set((doc.tags as Json[]).map((t) => String(t.name)));
  for (const [p, item] of Object.entries(doc.paths)) {
    if (!p.startsWith('/')) problems.push(`${p}: paths must start with /`);
    const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, opRaw] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${p}`;
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) problems.push(`${where}: bad method`);
      const op = opRaw as Json;
      const id = String(op.operationId);
      if (opIds.has(id)) problems.push(`${where}: duplicate operationId ${id}`);
      opIds.add(id);
      const params = (op.parameters ?? []) as Json[];
      const seen = new Set<string>();
      for (const prm of params) {
        const key = `${String(prm.in)}:${String(prm.name)}`;
        if (seen.has(key)) problems.push(`${where}: duplicate parameter ${key}`);
        seen.add(key);
        if (!['query', 'header', 'path', 'cookie'].includes(String(prm.in))) problems.push(`${where}: parameter ${key} has a bad "in"`);
        if (prm.in === 'path' && prm.required !== true) problems.push(`${where}: path parameter ${key} must be required`);
        if (prm.in === 'path' && !templated.includes(String(prm.name))) problems.push(`${where}: path parameter ${key} not in the path`);
        if (!prm.schema && !prm.content) problems.push(`${where}: parameter ${key} needs a schema`);
        else checkSchema(prm.schema, `${where} parameter ${key}`, problems);
      }
      for (const t of templated) if (!seen.has(`path:${t}`)) problems.push(`${where}: path template {${t}} is not declared`);
      const body = op.requestBody as Json | undefined;
      if (body && (!body.content || Object.keys(body.content as Json).length === 0)) problems.push(`${where}: requestBody needs content`);
      const responses = op.responses as Json | undefined;
      if (!responses || Object.keys(responses).length === 0) problems.push(`${where}: no responses`);
      for (const [code, r] of Object.entries(responses ?? {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${where}: bad response code ${code}`);
        if (typeof (r as Json).description !== 'string') problems.push(`${where} ${code}: description required`);
      }
      for (const req of (op.security ?? []) as Json[])
        for (const name of Object.keys(req)) if (!schemes[name]) problems.push(`${where}: unknown security scheme ${name}`);
      for (const t of (op.tags ?? []) as string[]) if (!declaredTags.has(t)) problems.push(`${where}: undeclared tag ${t}`);
    }
  }
  for (const [name, s] of Object.entries(doc.components.schemas)) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) problems.push(`components.schemas.${name}: bad name`);
    checkSchema(s, `#/components/schemas/${name}`, problems);
  }
  walkRefs(doc, (ref, where) => {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
    if (!m || !doc.components.schemas[m[1]!]) problems.push(`${where}: unresolved $ref ${ref}`);
  });
  return problems;
}

describe('OpenAPI document', () => {
  const doc = openApiDocument();

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(structuralProblems(doc)).toEqual([]);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc); // plain JSON, nothing lost
  });

  it('validates with @readme/openapi-parser when it is installed', async () => {
    const name = '@readme/openapi-parser';
    let parser: { validate(api: unknown): Promise<unknown> } | null = null;
    try {
      parser = (await import(/* @vite-ignore */ name)) as { validate(api: unknown): Promise<unknown> };
    } catch {
      console.warn(`[openapi] ${name} is not installed: only the structural check ran (npm i -D ${name})`);
    }
    if (!parser) return;
    const result = (await parser.validate(structuredClone(doc))) as { valid?: boolean; errors?: unknown } | undefined;
    if (result && typeof result === 'object' && 'valid' in result) expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    if (result && typeof result === 'object' && 'valid' in result) expect(result.valid).toBe(true);
  });

  it('uses the very zod schemas the routes validate with (no hand-written copies)', () => {
    const s = doc.components.schemas;
    expect(s.ChatCompletionRequest).toEqual(toJsonSchema(chatCompletionRequestSchema, 'input'));
    expect(s.OptimizeRequest).toEqual(toJsonSchema(optimizeRequestSchema, 'input'));
    expect(s.ProposeChange).toEqual(toJsonSchema(proposeInputSchema, 'input'));
    const chat = doc.paths['/api/v1/chat/completions']!.post as Json;
    expect(JSON.stringify(chat.requestBody)).toContain('#/components/schemas/ChatCompletionRequest');
    expect(Object.keys(((chat.responses as Json)['200'] as Json).content as Json)).toEqual(['application/json', 'text/event-stream']);
    // Query parameters come from the list schema, with their constraints.
    const list = doc.paths['/api/admin/approvals']!.get as Json;
    const limit = (list.parameters as Json[]).find((p) => p.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { enum: [25, 50, 100], default: 50 } });
  });

  it('covers every route file under app/api/v1 and app/api/admin, and documents no route that has no file', () => {
    const documented = new Set(ROUTES.map((r) => routeKey(r.method, r.path)));
    const files = [...routeFiles('api/v1'), ...routeFiles('api/admin')];
    expect(files.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const f of files) {
      expect(f.methods.length, `${f.file} exports no HTTP method`).toBeGreaterThan(0);
      for (const m of f.methods)
        if (!documented.has(routeKey(m, f.path))) missing.push(`${routeKey(m, f.path)}  (${f.file}) -> add it to lib/openapi/routes.ts`);
    }
    expect(missing).toEqual([]);

    const all = [...files, ...routeFiles('api/portal'), ...routeFiles('api/metrics'), ...routeFiles('api/openapi.json'), ...routeFiles('api/health')];
    const existing = new Set(all.flatMap((f) => f.methods.map((m) => routeKey(m, f.path))));
    const stale = ROUTES.map((r) => routeKey(r.method, r.path)).filter((k) => !existing.has(k));
    expect(stale, 'documented routes without a route file').toEqual([]);
    // And every documented route is in the document.
    for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()], routeKey(r.method, r.path)).toBeDefined();
  });

  it('refuses two different schemas under one component name', () => {
    const a = { name: 'Dup', schema: z.object({ a: z.string() }) };
    const b = { name: 'Dup', schema: z.object({ b: z.string() }) };
    const base = { tags: ['T'], auth: 'none' as const, responses: [{ status: 200, description: 'ok' }] };
    expect(() =>
      buildOpenApiDocument([
        { ...base, method: 'POST', path: '/a', summary: 'a', body: a },
        { ...base, method: 'POST', path: '/b', summary: 'b', body: b },
      ]),
    ).toThrow(/two different schemas/);
  });

  it('is served at /api/openapi.json and rendered at /docs/api without external assets', async () => {
    const res = openapiRoute();
    expect(res.status).toBe(200);
    const served = (await res.json()) as OpenApiDocument;
    expect(served.openapi).toBe('3.1.0');
    expect(Object.keys(served.paths)).toEqual(Object.keys(doc.paths));

    const html = renderToStaticMarkup(createElement(ApiReferencePage));
    for (const r of ROUTES) expect(html, r.path).toContain(r.path.replace(/&/g, '&amp;'));
    expect(html).toContain('id="schema-ChatCompletionRequest"');
    expect(html).toContain('messages');
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
  });
});
