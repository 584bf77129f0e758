/**
 * A local OpenID provider for e2e/oidc.spec.ts, built from the `oidc-provider` package (the
 * certified Node implementation), so Auth.js's OIDC client meets a real issuer: discovery, PKCE,
 * state and nonce, a signed ID token. Its login page asks for an e-mail address and whether a
 * second factor was used, and finishes the interaction with `amr` ["pwd"] or ["pwd","otp"]
 * (RFC 8176). Addresses starting with "unverified" get `email_verified: false`.
 */
import http from 'node:http';

export interface LocalIdp {
  issuer: string;
  close(): Promise<void>;
}

const page = (uid: string) => `<!doctype html><html><head><title>Local IdP</title></head><body>
<h1>Local IdP sign-in</h1>
<form method="post" action="/interaction/${uid}/login">
  <label>E-mail <input name="login" type="email" required></label>
  <label><input name="mfa" type="checkbox" value="1"> I used a second factor</label>
  <button type="submit">Continue to RADIANT</button>
</form></body></html>`;

async function bodyOf(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startLocalIdp(opts: { port: number; redirectUri: string; clientId: string; clientSecret: string }): Promise<LocalIdp> {
  const { default: Provider } = await import('oidc-provider');
  const issuer = `http://127.0.0.1:${opts.port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // amr in the openid scope, so it is in every ID token (as Okta or Entra ID send it; RADIANT reads
    // it for OIDC_TRUST_AMR).
    claims: { amr: null, acr: null, auth_time: null, sid: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    // Auth.js reads the profile from the ID token: put the scope's claims there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['radiant-e2e-local-idp-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: !id.startsWith('unverified'), name: id.split('@')[0] };
        },
      };
    },
    // First-party client: no consent screen; every requested scope is granted.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // The IdP's refusals are the first thing to read when SSO fails: print them.
  for (const ev of ['grant.error', 'server_error', 'authorization.error']) {
    provider.on(ev, (_ctx: unknown, err: { message?: string; error_description?: string }) => {
      process.stderr.write(`local IdP ${ev}: ${err.message ?? ''} ${err.error_description ?? ''} ${(err as { error_detail?: string }).error_detail ?? ''}\n`);
    });
  }
  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const m = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'POST' && m[2]) {
        const form = await bodyOf(req);
        const amr = form.get('mfa') ? ['pwd', 'otp'] : ['pwd'];
        await provider.interactionFinished(req, res, { login: { accountId: String(form.get('login') ?? ''), amr } }, { mergeWithLastSubmission: false });
        return;
      }
      if (details.prompt.name === 'login') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid));
        return;
      }
      // consent (never needed with loadExistingGrant above, kept for safety)
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope('openid email profile');
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
