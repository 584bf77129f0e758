/**
 * Every documented route: /api/v1 (the gateway), /api/admin, /api/portal and the ops endpoints.
 * ADD AN ENTRY WHEN YOU ADD A ROUTE FILE (tests/ops/openapi.test.ts fails otherwise), naming the
 * zod schemas the route validates with. Responses without a zod schema in the code are listed
 * with a description only (give the domain module a zod response schema to document them).
 */
import { z } from 'zod';
import { costEntryInputSchema, revenueEntryInputSchema } from '../billing/books';
import { exportInputSchema } from '../billing/exports';
import { portalInvoiceSchema, portalInvoiceSummarySchema } from '../billing/portal';
import { portalUsageEventSchema, portalUsageSchema } from '../portal-views/usage';
import { adjustmentInputSchema, providerImportInputSchema } from '../billing/reconciliation';
import { anthropicMessagesRequestSchema } from '../gateway/adapters/anthropic-inbound';
import { chatCompletionRequestSchema, embeddingRequestSchema } from '../gateway/adapters/openai-types';
import { searchRequestSchema } from '../gateway/adapters/search-types';
import { apiKeyViewSchema, createApiKeySchema } from '../gateway/keys';
import { deactivationInputSchema, roleChangeInputSchema } from '../governance/admins';
import { decisionInputSchema, listInputSchema, proposeInputSchema } from '../governance/approvals';
import { auditFilterSchema } from '../governance/audit';
import { inviteInputSchema } from '../governance/invitations';
import { codeSchema } from '../governance/mfa';
import {
  listNotificationsQuerySchema,
  markReadResultSchema,
  notificationItemSchema,
  notificationListSchema,
  notificationSettingsViewSchema,
  updateNotificationSettingsSchema,
} from '../notifications/inbox';
import { clientOptimizationSchema, optimizeRequestSchema } from '../pricing/optimizer';
import { adminPricingQuerySchema } from '../pricing/service';
import { ModelListItemRef, ModelListRef } from './common';
import { chatCompletionChunkSchema, chatCompletionSchema, embeddingResponseSchema } from './gateway-schemas';
import { named, type RouteSpec } from './registry';

// ---- named schemas (component names) ---------------------------------------------------------

const ChatCompletionRequest = named('ChatCompletionRequest', chatCompletionRequestSchema);
const ChatCompletion = named('ChatCompletion', chatCompletionSchema);
export const ChatCompletionChunk = named('ChatCompletionChunk', chatCompletionChunkSchema);
const EmbeddingRequest = named('EmbeddingRequest', embeddingRequestSchema);
const EmbeddingResponse = named('EmbeddingResponse', embeddingResponseSchema);
const AnthropicMessagesRequest = named('AnthropicMessagesRequest', anthropicMessagesRequestSchema);
const SearchRequest = named('SearchRequest', searchRequestSchema);
const OptimizeRequest = named('OptimizeRequest', optimizeRequestSchema);
const ClientOptimization = named('ClientOptimization', clientOptimizationSchema);

const ApprovalListQuery = named('ApprovalListQuery', listInputSchema);
const ProposeChange = named('ProposeChange', proposeInputSchema);
const ApprovalDecision = named('ApprovalDecision', decisionInputSchema.omit({ id: true }));
const RoleChange = named('RoleChange', roleChangeInputSchema);
const MfaCode = named('MfaCode', codeSchema);
const Deactivation = named('Deactivation', deactivationInputSchema);
const OwnPassword = named('OwnPassword', z.object({ current: z.string(), password: z.string() }));
const AdminPricingQuery = named('AdminPricingQuery', adminPricingQuerySchema.in);
const AuditQuery = named('AuditQuery', auditFilterSchema.extend({ format: z.enum(['json', 'csv']).optional() }));
const Invite = named('Invite', inviteInputSchema);
const CreateApiKey = named('CreateApiKey', createApiKeySchema);
const ApiKey = named('ApiKey', apiKeyViewSchema);
const ApiKeyList = named(
  'ApiKeyList',
  z.object({ data: z.array(apiKeyViewSchema), next: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last.') }),
);
const CreatedApiKey = named('CreatedApiKey', z.object({ key: z.string().describe('The full key: shown ONCE, store it now.'), apiKey: apiKeyViewSchema }));

const BillingEntry = named(
  'BillingEntryInput',
  z.union([
    z.intersection(z.object({ book: z.literal('revenue') }), revenueEntryInputSchema),
    z.intersection(z.object({ book: z.literal('cost') }), costEntryInputSchema),
  ]),
);
const Adjustment = named('ReconciliationAdjustment', adjustmentInputSchema);
const ProviderInvoiceImport = named('ProviderInvoiceImport', providerImportInputSchema);
const ExportQuery = named('ExportQuery', exportInputSchema.omit({ type: true }));
const PortalInvoiceList = named('PortalInvoiceList', z.object({ items: z.array(portalInvoiceSummarySchema) }));
const PortalInvoice = named('PortalInvoice', portalInvoiceSchema);
const PortalUsage = named('PortalUsage', portalUsageSchema);
const PortalUsageRequests = named('PortalUsageRequests', z.object({ items: z.array(portalUsageEventSchema), next: z.string().nullable() }));

const NotificationQuery = named('NotificationListQuery', listNotificationsQuerySchema);
const NotificationList = named('NotificationList', notificationListSchema);
const Notification = named('Notification', notificationItemSchema);
const MarkReadResult = named('MarkReadResult', markReadResultSchema);
const NotificationSettingsView = named('NotificationSettingsView', notificationSettingsViewSchema);
const NotificationSettingsUpdate = named('NotificationSettingsUpdate', updateNotificationSettingsSchema);

const ok = (description: string, schema?: RouteSpec['responses'][number]['schema']) => ({ status: 200, description, ...(schema ? { schema } : {}) });
const created = (description: string, schema?: RouteSpec['responses'][number]['schema']) => ({ status: 201, description, ...(schema ? { schema } : {}) });

// ---- /api/v1: the gateway (API key) -----------------------------------------------------------

const chatDescription =
  'OpenAI Chat Completions wire format, in and out (the official `openai` client works with baseURL `/api/v1`). ' +
  'With `stream: true` the answer is Server-Sent Events: `data: <ChatCompletionChunk>` lines ending with `data: [DONE]` ' +
  '(`stream_options.include_usage` adds a final chunk with usage). `model: "auto"` lets the price optimizer pick ' +
  '(header `x-radiant-price-preference: minimize|balance|ignore`). Send `Idempotency-Key` to make retries safe. ' +
  'The answer carries `x-request-id` and `x-radiant-model`. Unknown request fields are passed through.';

const gatewayRoutes: RouteSpec[] = [
  {
    method: 'POST',
    path: '/api/v1/chat/completions',
    summary: 'Create a chat completion',
    description: chatDescription,
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: chat',
    body: ChatCompletionRequest,
    responses: [ok('The completion (or an SSE stream of chunks when stream is true).', ChatCompletion)],
    streams: true,
  },
  {
    method: 'POST',
    path: '/api/v1/chat',
    summary: 'Create a chat completion (alias)',
    description: `Alias of POST /api/v1/chat/completions. ${chatDescription}`,
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: chat',
    body: ChatCompletionRequest,
    responses: [ok('The completion (or an SSE stream of chunks when stream is true).', ChatCompletion)],
    streams: true,
  },
  {
    method: 'POST',
    path: '/api/v1/embeddings',
    summary: 'Create embeddings',
    description: 'OpenAI Embeddings wire format.',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: embeddings',
    body: EmbeddingRequest,
    responses: [ok('The embeddings.', EmbeddingResponse)],
  },
  {
    method: 'POST',
    path: '/api/v1/messages',
    summary: "Create a message (Anthropic's Messages API)",
    description:
      "Anthropic's Messages API wire format, in and out, for every chat model (Anthropic's official SDK works with baseURL `/api`). " +
      'Claude models are passed to Anthropic as sent; other models are translated and back. Key in `x-api-key` or `Authorization: Bearer`; ' +
      "`anthropic-version` accepted. With `stream: true` the answer is Anthropic's event stream (`event:` + `data:` lines). " +
      'Errors: `{ type: "error", error: { type, message }, request_id }` with Anthropic\'s statuses.',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: chat',
    body: AnthropicMessagesRequest,
    responses: [ok('The message `{ id, type: "message", role, model, content[], stop_reason, stop_sequence, usage }` (or its event stream).')],
    streams: true,
  },
  {
    method: 'POST',
    path: '/api/v1/images/generations',
    summary: 'Create images',
    description:
      "OpenAI's images API for every image model (dall-e-3, Stability, Black Forest Labs, Ideogram): prompt, n, size, quality, response_format (url | b64_json). " +
      'URLs are the provider\'s signed URL or, for providers that only return bytes, GET /api/v1/images/files/{id} on RADIANT. Metered per image. See docs/gateway.md "Images".',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: images',
    responses: [ok('`{ created, data: [{ url | b64_json, revised_prompt? }] }`.')],
  },
  {
    method: 'POST',
    path: '/api/v1/images/edits',
    summary: 'Edit an image',
    description:
      "OpenAI's image edits API (multipart: image PNG, mask PNG optional, prompt, model, n, size, response_format url | b64_json) for the models that take edits " +
      "(ideogram-v2, ideogram-v2-turbo; others answer 400 naming `model`). The mask's fully transparent pixels (or the image's, without a mask) mark where to edit; " +
      'files up to 10 MB. Metered per image. See docs/gateway.md "Image edits".',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: images',
    responses: [ok('`{ created, data: [{ url | b64_json }] }`.')],
  },
  {
    method: 'GET',
    path: '/api/v1/images/files/{id}',
    summary: 'An image RADIANT stored for its owner (one hour)',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: images',
    responses: [{ status: 200, description: 'The image bytes.', contentType: 'image/png' }],
  },
  {
    method: 'POST',
    path: '/api/v1/audio/speech',
    summary: 'Text to speech',
    description:
      "OpenAI's speech API (tts-1, tts-1-hd, ElevenLabs): input, voice, response_format, speed; the audio is streamed as it arrives. Metered per input character.",
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: audio',
    responses: [{ status: 200, description: 'The audio, streamed.', contentType: 'audio/mpeg' }],
    streams: true,
  },
  {
    method: 'POST',
    path: '/api/v1/audio/transcriptions',
    summary: 'Transcribe audio',
    description:
      "OpenAI's transcription API (multipart; whisper-1, Deepgram, AssemblyAI), files up to 25 MB; response_format json | text | verbose_json | srt | vtt. Metered per minute of the file's real duration.",
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: audio',
    responses: [ok('`{ text }` (or the requested format).')],
  },
  {
    method: 'POST',
    path: '/api/v1/videos',
    summary: 'Create a video job',
    description: "OpenAI's Videos API shape: { model, prompt, seconds, size, input_reference? }; answers the queued job. See docs/jobs.md.",
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('`{ id, object: "video", status: "queued", ... }`.')],
  },
  {
    method: 'GET',
    path: '/api/v1/videos',
    summary: "The tenant's video jobs (paginated)",
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('`{ object: "list", data, has_more }`.')],
  },
  {
    method: 'GET',
    path: '/api/v1/videos/{path}',
    summary: 'A video job, or its content',
    description: '`/{id}` the job; `/{id}/content` the video file (or `?variant=thumbnail`).',
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('The job, or the file.')],
  },
  {
    method: 'DELETE',
    path: '/api/v1/videos/{path}',
    summary: 'Cancel (or delete) a video job',
    description: 'A provider that cannot cancel a running task answers 409.',
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('The job.')],
  },
  {
    method: 'POST',
    path: '/api/v1/3d/generations',
    summary: 'Create a 3D job',
    description: 'The same shape as videos: { model, prompt, input_reference? }; content is the glb file plus a preview image where the provider gives one.',
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('The queued job.')],
  },
  {
    method: 'GET',
    path: '/api/v1/3d/generations',
    summary: "The tenant's 3D jobs (paginated)",
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('`{ object: "list", data, has_more }`.')],
  },
  {
    method: 'GET',
    path: '/api/v1/3d/generations/{path}',
    summary: 'A 3D job, or its content',
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('The job, or the file.')],
  },
  {
    method: 'DELETE',
    path: '/api/v1/3d/generations/{path}',
    summary: 'Cancel (or delete) a 3D job',
    tags: ['Jobs'],
    auth: 'apiKey',
    permission: 'key scope: videos',
    responses: [ok('The job.')],
  },
  {
    method: 'POST',
    path: '/api/v1/jobs/callbacks/{path}',
    summary: "A provider's task callback (webhook)",
    description: 'Called by video/3D providers that offer webhooks; verified per provider, never by tenants.',
    tags: ['Jobs'],
    auth: 'none',
    permission: 'provider signature',
    responses: [ok('Accepted.')],
  },
  {
    method: 'POST',
    path: '/api/v1/search',
    summary: 'Search the web',
    description: 'One request and answer shape for the search models (exa-search, tavily-search); metered per request. See docs/gateway.md "Web search".',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: search',
    body: SearchRequest,
    responses: [
      ok('`{ id, object: "search.result", created, model, query, results: [{ title, url, snippet, published_at, score, content?, provider }], provider }`.'),
    ],
  },
  {
    method: 'GET',
    path: '/api/v1/models',
    summary: 'List models',
    description: 'The models this key may use, in OpenAI list format, each with its price for the calling tenant (price only).',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: models',
    responses: [ok('The model list.', ModelListRef)],
  },
  {
    method: 'GET',
    path: '/api/v1/models/{model}',
    summary: 'Get one model',
    description: 'One model by name or alias. Names may contain "/" (the path parameter then spans several segments).',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: models',
    responses: [ok('The model.', ModelListItemRef)],
  },
  {
    method: 'POST',
    path: '/api/v1/pricing/optimize',
    summary: 'Pick a model by price',
    description: 'The price optimizer: ranks the models this key may use by PRICE for the given token estimates, capabilities and preference.',
    tags: ['Gateway'],
    auth: 'apiKey',
    permission: 'key scope: models',
    body: OptimizeRequest,
    responses: [ok('The ranked candidates and the selection.', ClientOptimization)],
  },
];

// ---- /api/admin -----------------------------------------------------------------------------------

const adminRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/admin/admins',
    summary: 'List administrators',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.read',
    responses: [ok('{ items: AdminView[] }')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/{id}/role',
    summary: "Propose an administrator's role change",
    description: 'Creates an approval request; a different super_admin must approve it.',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.propose_role',
    body: RoleChange,
    responses: [created('The approval request.')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/{id}/deactivate',
    summary: 'Propose deactivating an administrator',
    description:
      'Creates an approval request; another super_admin (not the subject) approves it. On approval the person cannot sign in and every session of theirs ends.',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.manage',
    body: Deactivation,
    responses: [created('The approval request.')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/me/password',
    summary: 'Change my password',
    description: 'Needs the current password. Every session of this administrator ends, this one too: sign in again.',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    body: OwnPassword,
    responses: [ok('{ changed: true, sessionsRevoked: true }')],
  },
  {
    method: 'GET',
    path: '/api/admin/admins/me/mfa',
    summary: 'My MFA status',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    responses: [ok('{ enabled, verifiedAt, enrolmentPending, recoveryCodesLeft, sessionVerified }')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/me/mfa/enrol',
    summary: 'Start TOTP enrolment',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    responses: [ok('{ secret, otpauthUrl, qrDataUrl }')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/me/mfa/verify',
    summary: 'Confirm TOTP enrolment',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    body: MfaCode,
    responses: [ok('{ recoveryCodes } (shown once)')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/me/mfa/disable',
    summary: 'Turn MFA off',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    body: MfaCode,
    responses: [ok('{ mfaEnabled: false }')],
  },
  {
    method: 'POST',
    path: '/api/admin/admins/me/mfa/recovery-codes',
    summary: 'Replace my recovery codes',
    tags: ['Account'],
    auth: 'adminSession',
    permission: 'account.self',
    body: MfaCode,
    responses: [ok('{ recoveryCodes }')],
  },
  {
    method: 'GET',
    path: '/api/admin/approvals',
    summary: 'List approval requests',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.read',
    query: ApprovalListQuery,
    responses: [ok('`{ items: ApprovalView[], next }`: one keyset page; pass `next` as `cursor` for the following one.')],
  },
  {
    method: 'POST',
    path: '/api/admin/approvals',
    summary: 'Propose a change (two-person rule)',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.propose',
    body: ProposeChange,
    responses: [created('The approval request (pending).')],
  },
  {
    method: 'GET',
    path: '/api/admin/approvals/actions',
    summary: 'Changes that can be proposed',
    description: 'Each action with its type, default risk and payload JSON Schema.',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.read',
    responses: [ok('{ items: [...] }')],
  },
  {
    method: 'GET',
    path: '/api/admin/approvals/{id}',
    summary: 'One approval request',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.read',
    responses: [ok('The request, preview, eligibility and history.')],
  },
  {
    method: 'POST',
    path: '/api/admin/approvals/{id}/approve',
    summary: 'Approve (and execute) a request',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.approve',
    body: ApprovalDecision,
    responses: [ok('The executed request.')],
  },
  {
    method: 'POST',
    path: '/api/admin/approvals/{id}/reject',
    summary: 'Reject a request',
    description: 'Notes are required.',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.approve',
    body: ApprovalDecision,
    responses: [ok('The rejected request.')],
  },
  {
    method: 'POST',
    path: '/api/admin/approvals/{id}/cancel',
    summary: 'Cancel my own request',
    tags: ['Approvals'],
    auth: 'adminSession',
    permission: 'approvals.propose',
    body: ApprovalDecision,
    responses: [ok('The cancelled request.')],
  },
  {
    method: 'GET',
    path: '/api/admin/pricing',
    summary: 'Admin pricing view of every model',
    description:
      'Cost, markup % and its source, price, margin and margin % per unit, estimated-cost details. Filters: category, provider, estimated, selfHosted, tenantId.',
    tags: ['Pricing'],
    auth: 'adminSession',
    permission: 'pricing.read',
    query: AdminPricingQuery,
    responses: [ok('{ items: AdminPricingRow[] }')],
  },
  {
    method: 'GET',
    path: '/api/admin/pricing/{modelId}',
    summary: "One model's admin pricing view",
    description: "By catalog id or client model name; `tenantId` resolves that tenant's overrides.",
    tags: ['Pricing'],
    auth: 'adminSession',
    permission: 'pricing.read',
    query: AdminPricingQuery,
    responses: [ok('AdminPricingRow')],
  },
  {
    method: 'GET',
    path: '/api/admin/audit',
    summary: 'Read the audit log',
    description: 'One keyset page, newest first (`dir=asc` for oldest first); `format=csv` streams every matching entry instead.',
    tags: ['Audit'],
    auth: 'adminSession',
    permission: 'audit.read',
    query: AuditQuery,
    responses: [ok('`{ items: AuditRow[], next }` (or text/csv); pass `next` as `cursor` for the following page.')],
  },
  {
    method: 'GET',
    path: '/api/admin/invitations',
    summary: 'List invitations',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.read',
    responses: [ok('{ items: InvitationView[] }')],
  },
  {
    method: 'POST',
    path: '/api/admin/invitations',
    summary: 'Invite an administrator',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.invite',
    body: Invite,
    responses: [{ status: 202, description: 'The proposal ({ approval }): the invitation and its link exist only after a super_admin approves it.' }],
  },
  {
    method: 'POST',
    path: '/api/admin/invitations/{id}/revoke',
    summary: 'Revoke an invitation',
    tags: ['Administrators'],
    auth: 'adminSession',
    permission: 'admins.invite',
    responses: [ok('The revoked invitation.')],
  },
  {
    method: 'GET',
    path: '/api/admin/metering/quarantine',
    summary: 'Quarantined usage events',
    description:
      'Rows the database refused, with the reason, payload, first seen and attempts, a page at a time (`status`, `limit` up to 500, `page` from 1). The console page: /admin/billing/metering. See docs/gateway.md, "Metering".',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('`{ items, total, page, pageSize, status, open }`.')],
  },
  {
    method: 'POST',
    path: '/api/admin/metering/quarantine/{id}/replay',
    summary: 'Replay a quarantined event (optionally repaired)',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The replayed item.')],
  },
  {
    method: 'POST',
    path: '/api/admin/metering/quarantine/{id}/discard',
    summary: 'Discard a quarantined event',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The discarded item.')],
  },
  {
    method: 'GET',
    path: '/api/admin/tenants',
    summary: 'Tenants (searched, filtered, keyset-paginated)',
    description: 'Query: q, status, tier, sort, dir, cursor, limit; `format=csv` streams the whole filtered set.',
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'tenants.read',
    responses: [ok('`{ items, nextCursor }` (or CSV).')],
  },
  {
    method: 'POST',
    path: '/api/admin/tenants',
    summary: 'Create a tenant and invite its first owner',
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'tenants.manage',
    responses: [created('The tenant and the owner invitation (its link when no SMTP is set).')],
  },
  {
    method: 'GET',
    path: '/api/admin/request-logs',
    summary: 'Request logs across tenants',
    description: 'Query: tenantId, model, status, q, from, to, cursor, limit. Only tenants that enabled request logging have any.',
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'request_logs.read',
    responses: [ok('`{ items, nextCursor }`.')],
  },
  {
    method: 'GET',
    path: '/api/admin/tenants/{id}/keys',
    summary: "A tenant's API keys",
    description: 'One keyset page. Query: q, status, sort=created|name, dir, limit=25|50|100, cursor.',
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'tenants.read',
    responses: [ok('The keys (prefix only).', ApiKeyList)],
  },
  {
    method: 'POST',
    path: '/api/admin/tenants/{id}/keys',
    summary: 'Create an API key for a tenant',
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'tenants.keys',
    body: CreateApiKey,
    responses: [created('The key, shown once.', CreatedApiKey)],
  },
  {
    method: 'POST',
    path: '/api/admin/tenants/{id}/keys/{keyId}/revoke',
    summary: "Revoke a tenant's API key",
    tags: ['Tenants'],
    auth: 'adminSession',
    permission: 'tenants.keys',
    responses: [ok('The revoked key.', ApiKey)],
  },
  // notifications (lib/notifications/inbox.ts)
  {
    method: 'GET',
    path: '/api/admin/notifications',
    summary: 'My notifications',
    tags: ['Notifications'],
    auth: 'adminSession',
    permission: 'account.self',
    query: NotificationQuery,
    responses: [ok('Newest first, with the unread count.', NotificationList)],
  },
  {
    method: 'POST',
    path: '/api/admin/notifications/{id}/read',
    summary: 'Mark one notification read',
    tags: ['Notifications'],
    auth: 'adminSession',
    permission: 'account.self',
    responses: [ok('The notification.', Notification)],
  },
  {
    method: 'POST',
    path: '/api/admin/notifications/read-all',
    summary: 'Mark all my notifications read',
    tags: ['Notifications'],
    auth: 'adminSession',
    permission: 'account.self',
    responses: [ok('How many were marked.', MarkReadResult)],
  },
  {
    method: 'GET',
    path: '/api/admin/notifications/settings',
    summary: 'My notification preferences',
    tags: ['Notifications'],
    auth: 'adminSession',
    permission: 'account.self',
    responses: [ok('Stored and effective preferences per event and channel.', NotificationSettingsView)],
  },
  {
    method: 'PUT',
    path: '/api/admin/notifications/settings',
    summary: 'Change my notification preferences',
    description: 'Merged into the stored settings per event and channel; `slackWebhookUrl` sets (or, with null, removes) your own Slack webhook. Audited.',
    tags: ['Notifications'],
    auth: 'adminSession',
    permission: 'account.self',
    body: NotificationSettingsUpdate,
    responses: [ok('The new preferences.', NotificationSettingsView)],
  },
];

// ---- /api/admin: billing and accounting (lib/billing) ------------------------------------------
// Several of these routes validate their query/body with zod schemas declared inside the route
// file (which Next does not let a route export); those are described in words until they move
// to lib/billing and can be named here.

const billingRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/admin/billing/entries',
    summary: 'Revenue or cost book entries',
    description: 'Query: book=revenue|cost (required), period=YYYY-MM (required), kind, limit (1-1000), offset.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('The entries.')],
  },
  {
    method: 'POST',
    path: '/api/admin/billing/entries',
    summary: 'Add a manual revenue or cost entry',
    description: 'A closed period refuses new entries (409).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    body: BillingEntry,
    responses: [created('The entry.')],
  },
  {
    method: 'GET',
    path: '/api/admin/billing/rollup',
    summary: 'Usage events waiting for the rollup',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('{ pendingEvents }')],
  },
  {
    method: 'POST',
    path: '/api/admin/billing/rollup',
    summary: 'Fold pending usage into the rollups and books now',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('What was rolled up.')],
  },
  {
    method: 'POST',
    path: '/api/admin/billing/run',
    summary: "Issue a period's invoices",
    description:
      'Body: { period: "YYYY-MM", tenantSlug?, wait? = false }. Answers 202 with the run as soon as it started; 409 when a run for the period is already going.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [{ status: 202, description: 'The billing run (follow it at /api/admin/billing/runs/{id}).' }],
  },
  {
    method: 'GET',
    path: '/api/admin/billing/runs',
    summary: 'Billing runs',
    description: 'Query: period=YYYY-MM, limit (1-200).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Runs with their progress, newest first.')],
  },
  {
    method: 'GET',
    path: '/api/admin/billing/runs/{id}',
    summary: "One billing run's progress",
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('The run.')],
  },
  {
    method: 'GET',
    path: '/api/admin/exports',
    summary: 'The export log',
    description: 'Query: period=YYYY-MM, limit (1-500).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Who exported what, row count, SHA-256.')],
  },
  {
    method: 'GET',
    path: '/api/admin/exports/{type}',
    summary: 'Download an accounting export (CSV)',
    description:
      'type: invoices | revenue | cost | margin (optionally with ".csv"). Recorded in the export log; headers x-export-id, x-checksum-sha256, x-row-count.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    query: ExportQuery,
    responses: [{ status: 200, description: 'The CSV file.', contentType: 'text/csv' }],
  },
  {
    method: 'GET',
    path: '/api/admin/invoices',
    summary: 'Invoices',
    description: 'Query: period=YYYY-MM, status, tenantId, q, limit (1-500), offset.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('The invoice list.')],
  },
  {
    method: 'GET',
    path: '/api/admin/invoices/{id}',
    summary: 'One invoice (JSON, PDF or CSV)',
    description: '`?format=pdf|csv` or `/{id}.pdf` / `/{id}.csv` download the document.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('The invoice with the usage cost behind it (or the file).')],
  },
  {
    method: 'POST',
    path: '/api/admin/invoices/{id}/mark-paid',
    summary: 'Mark an invoice paid',
    description: 'Body: { paidAt?: ISO date-time, reference? }.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The invoice.')],
  },
  {
    method: 'POST',
    path: '/api/admin/invoices/{id}/mark-failed',
    summary: 'Mark an invoice failed',
    description: 'Body: { note? }.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The invoice.')],
  },
  {
    method: 'POST',
    path: '/api/admin/invoices/{id}/refund',
    summary: 'Refund a paid invoice',
    description: 'Body: { note? }.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The invoice.')],
  },
  {
    method: 'POST',
    path: '/api/admin/invoices/{id}/void',
    summary: 'Void (and reissue) an invoice',
    description: 'Body: { reason (3-1000 chars), reissue = true }.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    responses: [ok('The voided invoice and its replacement.')],
  },
  {
    method: 'GET',
    path: '/api/admin/periods',
    summary: 'Accounting periods',
    description: 'Query: limit (1-240).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Periods, newest first, with their figures.')],
  },
  {
    method: 'GET',
    path: '/api/admin/periods/{id}',
    summary: 'One accounting period',
    description: 'By id or YYYY-MM.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('The period.')],
  },
  {
    method: 'POST',
    path: '/api/admin/periods/{id}/close',
    summary: 'Propose the month-end close',
    description: 'Body: { reason? }. Two-person approval (billing.close_period).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.propose',
    responses: [{ status: 202, description: 'The approval request.' }],
  },
  {
    method: 'GET',
    path: '/api/admin/reconciliation',
    summary: 'Reconciliation for a period',
    description: 'Query: period=YYYY-MM (required).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Late usage, adjustments and provider reconciliation.')],
  },
  {
    method: 'POST',
    path: '/api/admin/reconciliation',
    summary: 'Record a manual adjustment',
    description: 'Applied at once up to RADIANT_RECONCILIATION_APPROVAL_THRESHOLD, otherwise proposed for approval (202).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.propose',
    body: Adjustment,
    responses: [created('The adjustment.'), { status: 202, description: 'The approval request for a large adjustment.' }],
  },
  {
    method: 'GET',
    path: '/api/admin/reconciliation/provider-invoices',
    summary: 'Metered vs invoiced provider cost',
    description: 'Query: period=YYYY-MM (required).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Per provider.')],
  },
  {
    method: 'POST',
    path: '/api/admin/reconciliation/provider-invoices',
    summary: 'Import provider invoice totals',
    description: 'JSON { csv } | { rows }, or a text/csv body with the columns provider,period,amount.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.run',
    body: ProviderInvoiceImport,
    responses: [created('The import.')],
  },
  {
    method: 'GET',
    path: '/api/admin/reports/dashboard',
    summary: 'Revenue dashboard',
    description: 'Query: days (1-366, default 30), until=YYYY-MM-DD, limit (1-100, default 10).',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Revenue, cost and margin by day, top models and tenants.')],
  },
  {
    method: 'GET',
    path: '/api/admin/reports/margin',
    summary: 'Margin report',
    description: 'Query: period=YYYY-MM (required), groupBy=provider|model|tenant, reconcile=true, format=json|csv.',
    tags: ['Billing'],
    auth: 'adminSession',
    permission: 'billing.read',
    responses: [ok('Revenue, cost and margin (or CSV).')],
  },
];

// ---- /api/portal ----------------------------------------------------------------------------------

const portalRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/portal/keys',
    summary: 'My API keys',
    description:
      'One keyset page. Query: q (name or prefix), status, sort=created|name, dir, limit=25|50|100, cursor. `format=csv` streams every matching key.',
    tags: ['Portal'],
    auth: 'tenantSession',
    permission: 'tenant role: owner, member',
    responses: [ok('The keys (prefix only).', ApiKeyList)],
  },
  {
    method: 'POST',
    path: '/api/portal/keys',
    summary: 'Create an API key',
    tags: ['Portal'],
    auth: 'tenantSession',
    permission: 'tenant role: owner, member',
    body: CreateApiKey,
    responses: [created('The key, shown once.', CreatedApiKey)],
  },
  {
    method: 'POST',
    path: '/api/portal/keys/{id}/revoke',
    summary: 'Revoke an API key',
    tags: ['Portal'],
    auth: 'tenantSession',
    permission: 'tenant role: owner, member',
    responses: [ok('The revoked key.', ApiKey)],
  },
  {
    method: 'GET',
    path: '/api/portal/invoices',
    summary: 'My invoices',
    tags: ['Portal'],
    auth: 'tenantSession',
    permission: 'tenant role: owner, billing',
    responses: [ok('Issued invoices, prices only.', PortalInvoiceList)],
  },
  {
    method: 'GET',
    path: '/api/portal/invoices/{id}',
    summary: 'One of my invoices (JSON, PDF or CSV)',
    description: "`?format=pdf|csv` or `/{id}.pdf` / `/{id}.csv` download it. Another tenant's id is a 404.",
    tags: ['Portal'],
    auth: 'tenantSession',
    permission: 'tenant role: owner, billing',
    responses: [ok('The invoice.', PortalInvoice)],
  },
  {
    method: 'GET',
    path: '/api/portal/usage',
    summary: 'My usage and spend',
    description: 'Query: period=YYYY-MM (default: the current month).',
    tags: ['Portal'],
    auth: 'tenantSession',
    responses: [ok('Spend by day and by model, requests, tokens, budget left (prices only).', PortalUsage)],
  },
  {
    method: 'GET',
    path: '/api/portal/usage/requests',
    summary: 'My metered requests in a month',
    description:
      'Query: period=YYYY-MM (default: the current month), key (API key id), model (model id), status, sort=time|price, dir=asc|desc, limit=25|50|100, cursor (the `next` of the previous page). `format=csv` streams every matching row.',
    tags: ['Portal'],
    auth: 'tenantSession',
    responses: [ok('One page, newest first, prices only.', PortalUsageRequests)],
  },
  {
    method: 'GET',
    path: '/api/portal/notifications',
    summary: 'My notifications',
    tags: ['Portal'],
    auth: 'tenantSession',
    query: NotificationQuery,
    responses: [ok('Newest first, with the unread count.', NotificationList)],
  },
  {
    method: 'POST',
    path: '/api/portal/notifications/{id}/read',
    summary: 'Mark one notification read',
    tags: ['Portal'],
    auth: 'tenantSession',
    responses: [ok('The notification.', Notification)],
  },
  {
    method: 'POST',
    path: '/api/portal/notifications/read-all',
    summary: 'Mark all my notifications read',
    tags: ['Portal'],
    auth: 'tenantSession',
    responses: [ok('How many were marked.', MarkReadResult)],
  },
];

// ---- operations -------------------------------------------------------------------------------------

const opsRoutes: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/health',
    summary: 'Health',
    description: 'Version and database reachability; 503 when the database does not answer.',
    tags: ['Operations'],
    auth: 'none',
    responses: [ok('{ status, version, database, time }')],
  },
  {
    method: 'GET',
    path: '/api/metrics',
    summary: 'Prometheus metrics',
    description: 'Prometheus text exposition. 401 without or with a wrong token; 503 while METRICS_TOKEN is unset.',
    tags: ['Operations'],
    auth: 'metricsToken',
    responses: [{ status: 200, description: 'Prometheus text format 0.0.4.', contentType: 'text/plain' }],
  },
  { method: 'GET', path: '/api/openapi.json', summary: 'This document', tags: ['Operations'], auth: 'none', responses: [ok('The OpenAPI 3.1 document.')] },
];

export const ROUTES: readonly RouteSpec[] = [...gatewayRoutes, ...adminRoutes, ...billingRoutes, ...portalRoutes, ...opsRoutes];
