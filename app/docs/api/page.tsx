/**
 * /docs/api — the API reference, server-rendered from the same OpenAPI document as
 * /api/openapi.json (lib/openapi). No client JavaScript and no external assets.
 */
import type { Metadata } from 'next';
import { openApiDocument } from '@/lib/openapi/document';
import { referenceView, type EndpointView, type SchemaNode } from '@/lib/openapi/reference';

export const metadata: Metadata = { title: 'API reference' };
export const dynamic = 'force-static';

const METHOD_STYLE: Record<string, string> = {
  GET: 'bg-emerald-100 text-emerald-800',
  POST: 'bg-blue-100 text-blue-800',
  PUT: 'bg-amber-100 text-amber-800',
  PATCH: 'bg-amber-100 text-amber-800',
  DELETE: 'bg-red-100 text-red-800',
};

function TypeLabel({ node }: { node: SchemaNode }) {
  if (node.ref) {
    return (
      <a href={`#schema-${node.ref}`} className="font-mono text-brand-700 underline">
        {node.type}
      </a>
    );
  }
  return <span className="font-mono text-slate-700">{node.type}</span>;
}

function Schema({ node, depth = 0 }: { node: SchemaNode; depth?: number }) {
  return (
    <div className={depth > 0 ? 'ml-4 border-l border-slate-200 pl-3' : ''}>
      {depth === 0 && (
        <div className="text-sm">
          <TypeLabel node={node} />
          {node.constraints.length > 0 && <span className="ml-2 text-xs text-slate-500">{node.constraints.join(' · ')}</span>}
          {node.description && <p className="text-xs text-slate-600">{node.description}</p>}
        </div>
      )}
      {node.properties && (
        <ul className="mt-1 space-y-1">
          {node.properties.map((p) => (
            <li key={p.name} className="text-sm">
              <code className="font-mono font-semibold">{p.name}</code>
              {p.required ? <span className="ml-1 text-xs text-red-700">required</span> : <span className="ml-1 text-xs text-slate-400">optional</span>}
              <span className="ml-2">
                <TypeLabel node={p.node} />
              </span>
              {p.node.constraints.length > 0 && <span className="ml-2 text-xs text-slate-500">{p.node.constraints.join(' · ')}</span>}
              {p.node.description && <p className="text-xs text-slate-600">{p.node.description}</p>}
              {(p.node.properties || p.node.items || p.node.variants) && <Schema node={p.node} depth={depth + 1} />}
            </li>
          ))}
          {node.additional && <li className="text-xs text-slate-500">Other fields are accepted and passed through.</li>}
        </ul>
      )}
      {node.items && (
        <div className="mt-1">
          <span className="text-xs text-slate-500">each item:</span>
          <Schema node={node.items} depth={depth + 1} />
        </div>
      )}
      {node.variants && (
        <ol className="mt-1 space-y-1">
          {node.variants.map((v, i) => (
            <li key={i} className="text-sm">
              <span className="text-xs text-slate-500">variant {i + 1}: </span>
              <TypeLabel node={v} />
              {v.constraints.length > 0 && <span className="ml-2 text-xs text-slate-500">{v.constraints.join(' · ')}</span>}
              {(v.properties || v.items || v.variants) && <Schema node={v} depth={depth + 1} />}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function Endpoint({ e }: { e: EndpointView }) {
  return (
    <section id={e.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="flex flex-wrap items-center gap-2 text-base font-semibold">
        <span className={`rounded px-2 py-0.5 font-mono text-xs ${METHOD_STYLE[e.method] ?? 'bg-slate-100'}`}>{e.method}</span>
        <code className="font-mono">{e.path}</code>
        <span className="font-normal text-slate-600">— {e.summary}</span>
      </h3>
      {e.auth && <p className="mt-1 text-xs text-slate-500">Auth: {e.auth}</p>}
      {e.description && <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{e.description}</p>}
      {e.parameters.length > 0 && (
        <div className="mt-3">
          <h4 className="text-sm font-semibold">Parameters</h4>
          <ul className="mt-1 space-y-1">
            {e.parameters.map((p) => (
              <li key={`${p.in}-${p.name}`} className="text-sm">
                <code className="font-mono font-semibold">{p.name}</code>{' '}
                <span className="text-xs text-slate-500">
                  ({p.in}
                  {p.required ? ', required' : ''})
                </span>{' '}
                <TypeLabel node={p.node} />
                {p.node.constraints.length > 0 && <span className="ml-2 text-xs text-slate-500">{p.node.constraints.join(' · ')}</span>}
                {p.description && <p className="text-xs text-slate-600">{p.description}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {e.body && (
        <div className="mt-3">
          <h4 className="text-sm font-semibold">Request body (application/json)</h4>
          <Schema node={e.body} />
        </div>
      )}
      <div className="mt-3">
        <h4 className="text-sm font-semibold">Responses</h4>
        <ul className="mt-1 space-y-1">
          {e.responses.map((r) => (
            <li key={r.status} className="text-sm">
              <span className="font-mono font-semibold">{r.status}</span> <span className="text-slate-700">{r.description}</span>
              {r.contentTypes.length > 0 && <span className="ml-2 text-xs text-slate-500">{r.contentTypes.join(', ')}</span>}
              {r.node && (
                <span className="ml-2">
                  <TypeLabel node={r.node} />
                </span>
              )}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export default function ApiReferencePage() {
  const view = referenceView(openApiDocument());
  return (
    <main className="mx-auto max-w-5xl px-4 py-8">
      <header className="mb-6">
        <h1 className="text-2xl font-bold">
          {view.title} <span className="text-base font-normal text-slate-500">v{view.version}</span>
        </h1>
        <p className="mt-2 text-sm text-slate-700">{view.description}</p>
        <p className="mt-2 text-sm">
          Machine-readable:{' '}
          <a className="text-brand-700 underline" href="/api/openapi.json">
            /api/openapi.json
          </a>{' '}
          (OpenAPI 3.1).
        </p>
      </header>
      <nav aria-label="Sections" className="mb-8 rounded-lg border border-slate-200 bg-white p-4">
        <ul className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          {view.groups.map((g) => (
            <li key={g.tag}>
              <a className="font-semibold text-brand-700 underline" href={`#tag-${g.tag}`}>
                {g.tag}
              </a>{' '}
              <span className="text-slate-500">({g.endpoints.length})</span>
            </li>
          ))}
          <li>
            <a className="font-semibold text-brand-700 underline" href="#schemas">
              Schemas
            </a>
          </li>
        </ul>
      </nav>
      {view.groups.map((g) => (
        <section key={g.tag} id={`tag-${g.tag}`} className="mb-10">
          <h2 className="text-xl font-bold">{g.tag}</h2>
          {g.description && <p className="mb-3 text-sm text-slate-600">{g.description}</p>}
          <div className="space-y-4">
            {g.endpoints.map((e) => (
              <Endpoint key={`${e.method} ${e.path}`} e={e} />
            ))}
          </div>
        </section>
      ))}
      <section id="schemas" className="mb-10">
        <h2 className="mb-3 text-xl font-bold">Schemas</h2>
        <div className="space-y-4">
          {view.schemas.map((s) => (
            <section key={s.name} id={`schema-${s.name}`} className="rounded-lg border border-slate-200 bg-white p-4">
              <h3 className="font-mono text-base font-semibold">{s.name}</h3>
              <Schema node={s.node} />
            </section>
          ))}
        </div>
      </section>
    </main>
  );
}
