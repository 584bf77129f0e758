'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireTenantUser } from '@/lib/auth/session';
import { isAppError, ValidationError } from '@/lib/errors';
import { createWebhook, deleteWebhook, redeliver } from '@/lib/gateway/jobs/webhooks';

export interface WebhookFormState {
  secret?: string;
  url?: string;
  fieldErrors?: Record<string, string>;
  error?: string;
}

const ROLES = ['owner'] as const;

/** Register a webhook URL; the whsec_ secret is returned once, for the form to show. */
export async function createWebhookAction(_prev: WebhookFormState, form: FormData): Promise<WebhookFormState> {
  const ctx = await requireTenantUser(ROLES);
  const parsed = z.object({ url: z.string().trim().min(1, 'Enter a URL.'), description: z.string().trim().max(200).optional() }).safeParse({
    url: form.get('url') ?? '',
    description: form.get('description') ?? undefined,
  });
  if (!parsed.success) return { fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])) };
  try {
    const { webhook, secret } = await createWebhook({ tenantId: ctx.tenantId, url: parsed.data.url, description: parsed.data.description ?? null });
    revalidatePath('/portal/webhooks');
    return { secret, url: webhook.url };
  } catch (err) {
    if (err instanceof ValidationError) return { fieldErrors: Object.fromEntries(err.issues.map((i) => [i.path, i.message])) };
    if (isAppError(err)) return { error: 'The webhook could not be saved.' };
    throw err;
  }
}

export async function deleteWebhookAction(form: FormData): Promise<void> {
  const ctx = await requireTenantUser(ROLES);
  const id = z.uuid().safeParse(form.get('id'));
  if (id.success) await deleteWebhook(ctx.tenantId, id.data).catch(() => {});
  revalidatePath('/portal/webhooks');
}

export async function redeliverAction(form: FormData): Promise<void> {
  const ctx = await requireTenantUser(ROLES);
  const id = z.uuid().safeParse(form.get('id'));
  if (id.success) await redeliver(ctx.tenantId, id.data).catch(() => {});
  revalidatePath('/portal/webhooks');
}
