'use client';

import type { PersonView } from '@/lib/tenants/people';
import { columnHelper, DataTable } from '../data-table/data-table';
import { InvitePersonDialog, PersonActions } from '../admin/tenant-forms';
import type { FormAction } from '../forms/action-form';
import { StatusBadge } from '../ui/badge';
import { LocalTime } from '../ui/time';

const ROLE_HELP = 'Owners manage people, keys and settings; members their own keys and usage; billing people invoices and usage.';

export function PeopleView({
  people,
  invitations,
  selfId,
  actions,
}: {
  people: PersonView[];
  invitations: Array<{ id: string; email: string; role: string; expiresAt: string }>;
  selfId: string;
  actions: {
    invite: FormAction<{ email: string; acceptUrl: string | null }>;
    changeRole: FormAction<null>;
    remove: FormAction<null>;
    transfer: FormAction<null>;
  };
}) {
  const c = columnHelper<PersonView>();
  const columns = [
    c.accessor('email', {
      header: 'Person',
      cell: (x) => (
        <>
          <span className="font-medium">{x.row.original.name ?? x.getValue()}</span>
          {x.row.original.name ? <span className="block text-xs text-slate-600">{x.getValue()}</span> : null}
        </>
      ),
    }),
    c.accessor('status', { header: 'Status', cell: (x) => <StatusBadge status={x.getValue()} /> }),
    c.accessor((r) => r.lastLoginAt ?? '', { id: 'last', header: 'Last sign-in', cell: (x) => <LocalTime value={x.getValue() || null} /> }),
    c.display({
      id: 'role',
      header: 'Role',
      meta: { noCsv: true },
      cell: (x) =>
        x.row.original.id === selfId ? (
          <span>{x.row.original.role} (you)</span>
        ) : (
          <PersonActions
            userId={x.row.original.id}
            email={x.row.original.email}
            role={x.row.original.role}
            changeRole={actions.changeRole}
            remove={actions.remove}
            transfer={actions.transfer}
          />
        ),
    }),
  ];
  const i = columnHelper<(typeof invitations)[number]>();
  const invColumns = [
    i.accessor('email', { header: 'Invited' }),
    i.accessor('role', { header: 'Role' }),
    i.accessor('expiresAt', { header: 'Expires', cell: (x) => <LocalTime value={x.getValue()} mode="date" /> }),
  ];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-700">{ROLE_HELP}</p>
        <InvitePersonDialog action={actions.invite} />
      </div>
      <DataTable data={people} columns={columns} caption="People" testId="people-table" getRowId={(r) => r.id} />
      {invitations.length ? (
        <DataTable data={invitations} columns={invColumns} caption="Pending invitations" showCaption getRowId={(r) => r.id} search={false} columnMenu={false} />
      ) : null}
    </div>
  );
}
