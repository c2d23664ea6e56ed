/**
 * The secret-vote part of the storage contract (server/storage/secret-ballot-types.ts): every
 * adapter runs it, e.g. `secretBallotStorageContract('pg', factory)`. One ballot per voter and
 * round, also when many arrive at once; nothing counted after the close; the close is idempotent;
 * rounds and meetings are apart.
 */
import { describe, expect, it } from 'vitest';
import { newMeetingId } from '../../server/auth/tokens.ts';
import type { StorageFactory } from './storage-contract.ts';

const ROUND = 'Round00000000001';
const OTHER_ROUND = 'Round00000000002';
const voter = (n: number) => `Voter${String(n).padStart(11, '0')}`;

export function secretBallotStorageContract(name: string, factory: StorageFactory): void {
	describe(`secret ballot storage contract: ${name}`, () => {
		it('counts one ballot per voter, apart from who voted, and nothing after the close', async () => {
			const storage = await factory.create();
			const { ballots } = storage;
			const id = newMeetingId();
			const other = newMeetingId();
			await storage.meetings.createMeeting({ id, title: 'Byggnadsnämnden' });
			await storage.meetings.createMeeting({ id: other, title: 'Miljönämnden' });

			expect(await ballots.castSecretBallot(id, ROUND, voter(1), 'yes')).toBe('cast');
			expect(await ballots.castSecretBallot(id, ROUND, voter(1), 'no')).toBe('already-voted');
			// Ten at once from one voter: one counted.
			const burst = await Promise.all(Array.from({ length: 10 }, () => ballots.castSecretBallot(id, ROUND, voter(2), 'no')));
			expect(burst.filter((outcome) => outcome === 'cast')).toHaveLength(1);
			expect(await ballots.castSecretBallot(id, ROUND, voter(3), 'abstain')).toBe('cast');
			// Another round and another meeting are counted apart, the same voter included.
			expect(await ballots.castSecretBallot(id, OTHER_ROUND, voter(1), 'no')).toBe('cast');
			expect(await ballots.castSecretBallot(other, ROUND, voter(1), 'no')).toBe('cast');

			expect(await ballots.closeSecretVote(id, ROUND)).toEqual({ yes: 1, no: 1, abstain: 1 });
			expect(await ballots.castSecretBallot(id, ROUND, voter(4), 'yes')).toBe('closed');
			expect(await ballots.closeSecretVote(id, ROUND)).toEqual({ yes: 1, no: 1, abstain: 1 });
			expect(await ballots.closeSecretVote(id, OTHER_ROUND)).toEqual({ yes: 0, no: 1, abstain: 0 });
			expect(await ballots.closeSecretVote(other, ROUND)).toEqual({ yes: 0, no: 1, abstain: 0 });
			// A round closed before anyone voted counts nothing.
			expect(await ballots.closeSecretVote(other, OTHER_ROUND)).toEqual({ yes: 0, no: 0, abstain: 0 });
			expect(await ballots.castSecretBallot(other, OTHER_ROUND, voter(1), 'yes')).toBe('closed');
			await storage.close();
		});
	});
}
