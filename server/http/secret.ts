import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares hashes, so neither the length nor the content of the secret leaks through timing. */
export function secretMatches(given: string | null, secret: string): boolean {
	if (given === null) return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(secret));
}
