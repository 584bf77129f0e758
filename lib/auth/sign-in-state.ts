/** What the sign-in server actions return to the form (plain data, client-safe). */
export interface SignInState {
  /** 'mfa': the password was right; ask for the TOTP / recovery code (second step). */
  status: 'idle' | 'error' | 'mfa';
  message?: string;
  fieldErrors?: { email?: string[]; password?: string[]; totp?: string[] };
}

export const INITIAL_SIGN_IN_STATE: SignInState = { status: 'idle' };

/** Only same-site paths inside the audience's area; anything else falls back to its home. */
export function safeCallbackUrl(value: unknown, area: '/admin' | '/portal'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return area;
  if (value !== area && !value.startsWith(`${area}/`) && !value.startsWith(`${area}?`)) return area;
  if (value.startsWith(`${area}/sign-in`)) return area;
  return value;
}
