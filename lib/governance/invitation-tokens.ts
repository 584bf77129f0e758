/** Invitation tokens: random, single use, stored only as their SHA-256. Kept apart from the
 * invitation verbs so the `admin.invite` executor does not import the approval workflow. */
import crypto from 'node:crypto';

export function hashInvitationToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newInvitationToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}
