'use client';

/**
 * The console/portal frame: a top bar (product, user, sign out) and a grouped side nav that
 * collapses behind a "Menu" button on narrow screens. Items arrive already filtered by the
 * server (permissions); this component only renders and highlights the current page.
 */
import Image from 'next/image';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import {
  Boxes,
  Building2,
  ChartLine,
  CircleDollarSign,
  FileText,
  Gauge,
  KeyRound,
  LayoutDashboard,
  LogOut,
  Menu,
  Percent,
  Receipt,
  ScrollText,
  Server,
  ShieldCheck,
  Sparkles,
  Tags,
  TriangleAlert,
  Users,
  X,
  Clapperboard,
  Webhook,
} from 'lucide-react';
import { cn } from '../ui/cn';

const ICONS = {
  dashboard: LayoutDashboard,
  models: Boxes,
  markups: Percent,
  alerts: TriangleAlert,
  providers: Server,
  optimizer: Sparkles,
  tenants: Building2,
  usage: ChartLine,
  billing: Receipt,
  approvals: ShieldCheck,
  audit: ScrollText,
  admins: Users,
  prices: Tags,
  invoices: FileText,
  keys: KeyRound,
  overview: Gauge,
  money: CircleDollarSign,
  jobs: Clapperboard,
  webhooks: Webhook,
} as const;
export type NavIcon = keyof typeof ICONS;

export interface NavItem {
  href: string;
  label: string;
  icon: NavIcon;
  /** Match only the exact path (for section roots like /admin). */
  exact?: boolean;
}
export interface NavGroup {
  label: string;
  items: NavItem[];
}

function isActive(pathname: string, item: NavItem): boolean {
  return item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
}

export function AppShell({
  product,
  homeHref,
  groups,
  user,
  signOut,
  children,
}: {
  product: string;
  homeHref: string;
  groups: NavGroup[];
  user: { name: string; detail: string };
  signOut: () => Promise<void>;
  children: ReactNode;
}) {
  const pathname = usePathname() ?? '';
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname]);

  const nav = (
    <nav aria-label="Main" className="space-y-5 px-3 py-4">
      {groups.map((g) => (
        <div key={g.label}>
          <p className="px-2 text-[11px] font-semibold tracking-wider text-slate-400 uppercase">{g.label}</p>
          <ul className="mt-1 space-y-0.5">
            {g.items.map((item) => {
              const Icon = ICONS[item.icon];
              const active = isActive(pathname, item);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? 'page' : undefined}
                    className={cn(
                      'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm',
                      active ? 'bg-slate-800 font-medium text-white' : 'text-slate-300 hover:bg-slate-800/60 hover:text-white',
                    )}
                  >
                    <Icon aria-hidden className="size-4 shrink-0" />
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );

  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-slate-200 bg-white px-4">
        <button
          type="button"
          className="inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 lg:hidden"
          aria-expanded={open}
          aria-controls="side-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X aria-hidden className="size-4" /> : <Menu aria-hidden className="size-4" />}
          Menu
        </button>
        <Link href={homeHref} className="inline-flex items-center gap-2 text-sm font-bold tracking-widest text-brand-700">
          <Image src="/logo.svg" alt="" width={24} height={24} priority unoptimized />
          RADIANT <span className="font-medium tracking-normal text-slate-600">{product}</span>
        </Link>
        <div className="ml-auto flex items-center gap-3">
          <div className="hidden text-right sm:block">
            <p className="text-sm font-medium text-slate-900" data-testid="current-user">
              {user.name}
            </p>
            <p className="text-xs text-slate-600">{user.detail}</p>
          </div>
          <form action={signOut}>
            <button
              type="submit"
              className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 px-2.5 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
            >
              <LogOut aria-hidden className="size-4" />
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div className="flex min-h-[calc(100vh-3.5rem)]">
        <aside
          id="side-nav"
          className={cn(
            'fixed inset-y-0 top-14 z-20 w-60 shrink-0 overflow-y-auto bg-slate-900 lg:static lg:block lg:self-stretch lg:overflow-visible',
            open ? 'block' : 'hidden',
          )}
        >
          <div className="lg:sticky lg:top-14 lg:max-h-[calc(100vh-3.5rem)] lg:overflow-y-auto">{nav}</div>
        </aside>
        {open ? <div className="fixed inset-0 top-14 z-10 bg-slate-900/40 lg:hidden" aria-hidden onClick={() => setOpen(false)} /> : null}
        <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}
