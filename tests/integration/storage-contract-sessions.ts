/**
 * The sessions part of the MeetingStorage contract (sign-in, OIDC): every adapter runs it
 * beside `storageContract`, e.g. `sessionStorageContract('pg', factory)`.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LoginAttempt, SessionRecord } from '../../server/storage/session-types.ts';
import type { StorageFactory } from './storage-contract.ts';

const hash = () => randomBytes(32).toString('hex');

export function sessionStorageContract(name: string, factory: StorageFactory): void {
	describe(`MeetingStorage sessions contract: ${name}`, () => {
		it('keeps a session until it expires or is deleted, and returns it when deleted', async () => {
			const storage = await factory.create();
			const now = 1_800_000_000_000;
			const key = hash();
			const session: SessionRecord = {
				id: 'sess-1',
				subject: 'https://idp.example#u-1',
				email: 'malte.medlem@kommun.example',
				name: 'Malte Medlem',
				organiser: true,
				createdAt: now,
				expiresAt: now + 8 * 3_600_000
			};
			await storage.sessions.createSession(key, session);
			expect(await storage.sessions.getSession(key, now + 1000)).toEqual(session);
			expect(await storage.sessions.getSession(hash(), now)).toBeNull();
			// Expired: never returned, and purged.
			expect(await storage.sessions.getSession(key, session.expiresAt)).toBeNull();
			const other = hash();
			await storage.sessions.createSession(other, { ...session, id: 'sess-2', email: null, organiser: false });
			expect(await storage.sessions.getSession(other, now)).toMatchObject({ email: null, organiser: false });
			expect(await storage.sessions.deleteSession(other)).toMatchObject({ id: 'sess-2' });
			expect(await storage.sessions.deleteSession(other)).toBeNull();
			expect(await storage.sessions.getSession(other, now)).toBeNull();
			expect(await storage.sessions.purgeExpired(session.expiresAt)).toBe(1);
			expect(await storage.sessions.getSession(key, now)).toBeNull();
			await storage.close();
		});

		it('tells which of a set of session ids are still signed in', async () => {
			const storage = await factory.create();
			const now = 1_800_000_000_000;
			const base = { subject: 's', email: null, name: 'N', organiser: false, createdAt: now };
			const [kept, ended] = [hash(), hash()];
			await storage.sessions.createSession(kept, { ...base, id: 'kept', expiresAt: now + 60_000 });
			await storage.sessions.createSession(ended, { ...base, id: 'ended', expiresAt: now + 60_000 });
			await storage.sessions.createSession(hash(), { ...base, id: 'expires', expiresAt: now + 1_000 });
			await storage.sessions.deleteSession(ended);
			expect(await storage.sessions.liveSessionIds(['kept', 'ended', 'expires', 'never'], now)).toEqual(new Set(['kept', 'expires']));
			expect(await storage.sessions.liveSessionIds(['kept', 'expires'], now + 1_000)).toEqual(new Set(['kept']));
			expect(await storage.sessions.liveSessionIds([], now)).toEqual(new Set());
			await storage.close();
		});

		it('hands out a login in progress once, and never after it expired', async () => {
			const storage = await factory.create();
			const now = 1_800_000_000_000;
			const attempt: LoginAttempt = { state: 's', nonce: 'n', codeVerifier: 'v'.repeat(43), returnTo: '/m/abc', expiresAt: now + 600_000 };
			const key = hash();
			await storage.sessions.saveLogin(key, attempt);
			expect(await storage.sessions.takeLogin(key, now)).toEqual(attempt);
			expect(await storage.sessions.takeLogin(key, now)).toBeNull();
			const late = hash();
			await storage.sessions.saveLogin(late, attempt);
			expect(await storage.sessions.takeLogin(late, attempt.expiresAt)).toBeNull();
			await storage.close();
		});
	});
}
