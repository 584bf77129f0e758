/**
 * The API reference page's view model (/docs/api): the OpenAPI document turned into plain data
 * (endpoints grouped by tag, JSON Schemas as readable trees). Pure; no React here.
 */
import type { OpenApiDocument } from './document';

type Json = Record<string, unknown>;

export interface SchemaNode {
  /** Human type: "string", "integer", "object", "array of Message", "one of", a component name. */
  type: string;
  /** Component this node refers to (links to #schema-<ref>). */
  ref?: string;
  description?: string;
  constraints: string[];
  properties?: Array<{ name: string; required: boolean; node: SchemaNode }>;
  items?: SchemaNode;
  variants?: SchemaNode[];
  additional?: boolean;
}

export interface EndpointView {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string | null;
  auth: string | null;
  parameters: Array<{ name: string; in: string; required: boolean; node: SchemaNode; description?: string }>;
  body: SchemaNode | null;
  responses: Array<{ status: string; description: string; contentTypes: string[]; node: SchemaNode | null }>;
}

export interface ReferenceView {
  title: string;
  version: string;
  description: string;
  groups: Array<{ tag: string; description: string | null; endpoints: EndpointView[] }>;
  schemas: Array<{ name: string; node: SchemaNode }>;
}

const MAX_DEPTH = 6;

function constraintsOf(s: Json): string[] {
  const c: string[] = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined) c.push(`${label} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  };
  if (s.const !== undefined) c.push(`= ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum)) c.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (typeof s.format === 'string') c.push(`format ${s.format}`);
  add('min', s.minimum);
  add('max', s.maximum);
  add('min length', s.minLength);
  add('max length', s.maxLength);
  add('min items', s.minItems);
  add('max items', s.maxItems);
  if (typeof s.pattern === 'string' && s.pattern.length <= 60) add('pattern', s.pattern);
  if (s.default !== undefined) c.push(`default ${JSON.stringify(s.default)}`);
  return c.filter((x) => !(typeof x === 'string' && x.includes('9007199254740991')));
}

export function describeSchema(schema: unknown, depth = 0): SchemaNode {
  if (!schema || typeof schema !== 'object') return { type: 'any', constraints: [] };
  const s = schema as Json;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    return { type: name, ref: name, constraints: [] };
  }
  const base: SchemaNode = { type: 'any', constraints: constraintsOf(s) };
  if (typeof s.description === 'string') base.description = s.description;
  const variants = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(variants)) {
    const nodes = variants.map((v) => describeSchema(v, depth + 1));
    const simple = nodes.every((n) => !n.properties && !n.items && !n.variants);
    return { ...base, type: simple ? nodes.map((n) => n.type).join(' | ') : 'one of', ...(simple ? {} : { variants: nodes }) };
  }
  const t = Array.isArray(s.type) ? (s.type as string[]).join(' | ') : typeof s.type === 'string' ? s.type : undefined;
  if (t === 'array' || s.items) {
    const items = describeSchema(s.items, depth + 1);
    const simple = !items.properties && !items.variants && !items.items;
    return { ...base, type: `array of ${items.type}`, ...(simple ? {} : { items }) };
  }
  if (t === 'object' || s.properties) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set((s.required ?? []) as string[]);
    const node: SchemaNode = { ...base, type: 'object' };
    if (depth < MAX_DEPTH && Object.keys(props).length) {
      node.properties = Object.entries(props).map(([name, p]) => ({ name, required: required.has(name), node: describeSchema(p, depth + 1) }));
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length === 0) node.additional = true;
    if (!node.properties && s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length) {
      node.type = `map of ${describeSchema(s.additionalProperties, depth + 1).type}`;
    }
    return node;
  }
  if (t === 'null') return { ...base, type: 'null' };
  return { ...base, type: t ?? (s.const !== undefined ? typeof s.const : 'any') };
}

const AUTH_LABEL: Record<string, string> = {
  apiKey: 'API key (Authorization: Bearer)',
  adminSession: 'Administrator session',
  tenantSession: 'Tenant user session',
  metricsToken: 'METRICS_TOKEN (Authorization: Bearer)',
};

export function referenceView(doc: OpenApiDocument): ReferenceView {
  const groups = new Map<string, EndpointView[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, opRaw] of Object.entries(item)) {
      const op = opRaw as Json;
      const security = (op.security ?? []) as Array<Record<string, unknown>>;
      const scheme = security[0] ? Object.keys(security[0])[0] : undefined;
      const params = ((op.parameters ?? []) as Json[]).map((p) => ({
        name: String(p.name),
        in: String(p.in),
        required: Boolean(p.required),
        node: describeSchema(p.schema),
        ...(typeof p.description === 'string' ? { description: p.description } : {}),
      }));
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(([status, r]) => {
        const content = (r.content ?? {}) as Record<string, Json>;
        const first = Object.values(content)[0];
        return {
          status,
          description: String(r.description ?? ''),
          contentTypes: Object.keys(content),
          node: first && first.schema ? describeSchema(first.schema) : null,
        };
      });
      const view: EndpointView = {
        id: String(op.operationId ?? `${method}-${path}`),
        method: method.toUpperCase(),
        path,
        summary: String(op.summary ?? ''),
        description: typeof op.description === 'string' ? op.description : null,
        auth: scheme ? (AUTH_LABEL[scheme] ?? scheme) : null,
        parameters: params,
        body: body?.['application/json']?.schema ? describeSchema(body['application/json'].schema) : null,
        responses,
      };
      const tag = ((op.tags ?? ['Other']) as string[])[0] ?? 'Other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)!.push(view);
    }
  }
  const tagInfo = new Map(((doc.tags ?? []) as Json[]).map((t) => [String(t.name), typeof t.description === 'string' ? t.description : null]));
  const info = doc.info as Json;
  return {
    title: String(info.title ?? 'API'),
    version: String(info.version ?? ''),
    description: String(info.description ?? ''),
    groups: [...groups.entries()].map(([tag, endpoints]) => ({ tag, description: tagInfo.get(tag) ?? null, endpoints })),
    schemas: Object.entries(doc.components.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => ({ name, node: describeSchema(s) })),
  };
}
