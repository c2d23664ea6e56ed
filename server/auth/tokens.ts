/**
 * Meeting ids and access tokens. Raw tokens are handed out once and only their
 * SHA-256 hash is stored, so a leaked database does not grant access.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 16 random bytes as 22 base64url characters (the format isMeetingId accepts). */
export function newMeetingId(): string {
	return randomBytes(16).toString('base64url');
}

/** 32 random bytes as 43 base64url characters. */
export function newToken(): string {
	return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A plausible token: base64url, bounded length (so hashing garbage costs little). */
export function isTokenShaped(value: unknown): value is string {
	return typeof value === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(value);
}

