/** The part of `oidc-provider` (which ships no types) that e2e/oidc-idp.ts uses. */
declare module 'oidc-provider' {
  import type http from 'node:http';

  interface Grant {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  interface GrantConstructor {
    new (init: { clientId: string; accountId: string }): Grant;
  }
  interface KoaContextWithOidc {
    oidc: { session?: { accountId?: string }; client?: { clientId: string }; provider: { Grant: GrantConstructor } };
  }
  interface InteractionDetails {
    uid: string;
    prompt: { name: string };
    params: Record<string, unknown>;
    session?: { accountId: string };
  }
  interface Configuration {
    clients: Array<Record<string, unknown>>;
    claims: Record<string, string[] | null>;
    conformIdTokenClaims: boolean;
    pkce: { required: () => boolean };
    cookies: { keys: string[] };
    features: Record<string, { enabled: boolean }>;
    interactions: { url: (ctx: unknown, interaction: { uid: string }) => string };
    findAccount(ctx: unknown, id: string): Promise<{ accountId: string; claims(): Promise<Record<string, unknown>> }>;
    loadExistingGrant(ctx: KoaContextWithOidc): Promise<Grant | undefined>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: GrantConstructor;
    on(event: string, listener: (ctx: unknown, err: { message?: string; error_description?: string }) => void): void;
    callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
    interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: http.IncomingMessage,
      res: http.ServerResponse,
      result: Record<string, unknown>,
      opts?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
