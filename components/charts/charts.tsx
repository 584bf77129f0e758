'use client';

/**
 * Chart wrappers on recharts (client-only). Every chart is a <figure> with a visible title, an
 * accessible name on the drawing, and the same numbers as a visually hidden table for screen
 * readers. Props are plain data (server components pass them); `format` picks the axis and
 * tooltip formatter: money amounts, counts or percents.
 *
 * Values arrive as numbers for drawing only (display); exact amounts stay in the tables.
 */
import { Area, AreaChart, Bar, BarChart as RBarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useId, type ReactNode } from 'react';
import { formatCompact } from '../ui/format';

export type ChartFormat = 'money' | 'count' | 'percent';
export interface Series {
  key: string;
  label: string;
  color?: string;
}
export type ChartDatum = Record<string, string | number | null>;

const PALETTE = ['#1d4ed8', '#059669', '#d97706', '#7c3aed', '#dc2626', '#0891b2', '#4b5563', '#db2777'];

function fmt(format: ChartFormat, v: unknown, compact = false): string {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return '—';
  if (format === 'percent') return `${n.toFixed(1)}%`;
  if (format === 'count') return compact ? formatCompact(n) : new Intl.NumberFormat('en-US').format(n);
  if (compact && Math.abs(n) >= 1000) return `$${formatCompact(n)}`;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: Math.abs(n) < 1 && n !== 0 ? 4 : 2,
  }).format(n);
}

function ChartFrame({
  title,
  description,
  data,
  xKey,
  series,
  format,
  height,
  children,
  actions,
}: {
  title: string;
  description?: string;
  data: ChartDatum[];
  xKey: string;
  series: Series[];
  format: ChartFormat;
  height: number;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="min-w-0" aria-labelledby={`${id}-t`} data-chart={title}>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <figcaption id={`${id}-t`} className="text-sm font-semibold text-slate-900">
          {title}
          {description ? <span className="block text-xs font-normal text-slate-600">{description}</span> : null}
        </figcaption>
        {actions}
      </div>
      {data.length === 0 ? (
        <div className="flex items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-600" style={{ height }}>
          No data for this range.
        </div>
      ) : (
        <div role="img" aria-label={`${title}: chart of ${series.map((s) => s.label).join(', ')} by ${xKey}`} style={{ width: '100%', height }}>
          {children}
        </div>
      )}
      {data.length > 0 ? (
        <table className="sr-only">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{xKey}</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.slice(0, 100).map((d, i) => (
              <tr key={i}>
                <th scope="row">{String(d[xKey] ?? '')}</th>
                {series.map((s) => (
                  <td key={s.key}>{fmt(format, d[s.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </figure>
  );
}

interface TimeSeriesProps {
  title: string;
  description?: string;
  data: ChartDatum[];
  xKey: string;
  series: Series[];
  format?: ChartFormat;
  height?: number;
  kind?: 'area' | 'line';
  stacked?: boolean;
  actions?: ReactNode;
}

export function TimeSeriesChart({
  title,
  description,
  data,
  xKey,
  series,
  format = 'money',
  height = 260,
  kind = 'area',
  stacked = false,
  actions,
}: TimeSeriesProps) {
  const axis = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
      <XAxis dataKey={xKey} tick={{ fontSize: 11, fill: '#475569' }} tickLine={false} minTickGap={16} />
      <YAxis tick={{ fontSize: 11, fill: '#475569' }} tickLine={false} width={64} tickFormatter={(v) => fmt(format, v, true)} />
      <Tooltip formatter={(v) => fmt(format, v)} contentStyle={{ fontSize: 12 }} />
      {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
    </>
  );
  return (
    <ChartFrame title={title} description={description} data={data} xKey={xKey} series={series} format={format} height={height} actions={actions}>
      <ResponsiveContainer width="100%" height="100%">
        {kind === 'line' ? (
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            {axis}
            {series.map((s, i) => (
              <Line
                key={s.key}
                type="monotone"
                dataKey={s.key}
                name={s.label}
                stroke={s.color ?? PALETTE[i % PALETTE.length]}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        ) : (
          <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            {axis}
            {series.map((s, i) => {
              const c = s.color ?? PALETTE[i % PALETTE.length];
              return (
                <Area
                  key={s.key}
                  type="monotone"
                  dataKey={s.key}
                  name={s.label}
                  stroke={c}
                  fill={c}
                  fillOpacity={0.15}
                  strokeWidth={2}
                  isAnimationActive={false}
                  {...(stacked ? { stackId: 'a' } : {})}
                />
              );
            })}
          </AreaChart>
        )}
      </ResponsiveContainer>
    </ChartFrame>
  );
}

export function BarChart({
  title,
  description,
  data,
  xKey,
  series,
  format = 'money',
  height = 260,
  horizontal = false,
  stacked = false,
  actions,
}: TimeSeriesProps & { horizontal?: boolean }) {
  return (
    <ChartFrame title={title} description={description} data={data} xKey={xKey} series={series} format={format} height={height} actions={actions}>
      <ResponsiveContainer width="100%" height="100%">
        <RBarChart data={data} layout={horizontal ? 'vertical' : 'horizontal'} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          {horizontal ? (
            <>
              <XAxis type="number" tick={{ fontSize: 11, fill: '#475569' }} tickFormatter={(v) => fmt(format, v, true)} />
              <YAxis type="category" dataKey={xKey} tick={{ fontSize: 11, fill: '#475569' }} width={170} interval={0} />
            </>
          ) : (
            <>
              <XAxis dataKey={xKey} tick={{ fontSize: 11, fill: '#475569' }} tickLine={false} minTickGap={8} />
              <YAxis tick={{ fontSize: 11, fill: '#475569' }} tickLine={false} width={64} tickFormatter={(v) => fmt(format, v, true)} />
            </>
          )}
          <Tooltip formatter={(v) => fmt(format, v)} contentStyle={{ fontSize: 12 }} />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s, i) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={s.color ?? PALETTE[i % PALETTE.length]}
              isAnimationActive={false}
              radius={horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0]}
              {...(stacked ? { stackId: 'a' } : {})}
            />
          ))}
        </RBarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
