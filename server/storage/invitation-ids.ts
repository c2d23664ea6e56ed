/**
 * Invitation ids: not secret (they name a token in lists and own Yjs client ids), made by
 * the storage when a token is stored without one, and by migration 4 for older tokens.
 */
import { randomBytes } from 'node:crypto';

/** 12 random bytes as 16 base64url characters. */
export function newInvitationId(): string {
	return randomBytes(12).toString('base64url');
}
