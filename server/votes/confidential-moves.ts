/**
 * A secret vote's "has voted" (`secretVoted`) and count (`secretTallies`) are the server's own
 * entries: no client may write or delete them, so when an item is marked confidential (or made
 * public again) the client moves the item's rounds, and the server moves these after them
 * (`moveServerVoteEntries`: each entry goes to the document that holds its round). Run after
 * every stored write that may have moved a round (any write to `votes`, in either document, or
 * to an item's `confidentialGround`), on the stored documents, one meeting at a time; the
 * change is stored and delivered like any server change (server-change.ts).
 */
import { moveServerVoteEntries } from '../../src/lib/meeting/confidential.ts';
import type { Write } from '../../src/lib/meeting/writes.ts';
import type { Logger } from '../log.ts';
import { commitServerChange, loadStoredDocs, type ServerChangeDeps } from './server-change.ts';

/** Whether a stored write may have moved a round between the meeting document and its confidential part. */
export function mayMoveRounds(writes: readonly Write[]): boolean {
	return writes.some((write) => write.root === 'votes' || (write.root === 'items' && write.path[1] === 'confidentialGround'));
}

export function createConfidentialMoves(deps: ServerChangeDeps & { log: Logger }) {
	const running = new Map<string, Promise<void>>();
	const again = new Set<string>();

	async function run(meetingId: string): Promise<void> {
		const record = await deps.storage.meetings.getMeeting(meetingId);
		if (!record || record.frozenAt) return;
		const stored = await loadStoredDocs(deps.storage, meetingId);
		try {
			let moved = 0;
			await commitServerChange(deps, meetingId, stored.doc, (doc) => (moved = moveServerVoteEntries(doc)), stored.part);
			if (moved > 0) deps.log.info({ meetingId, moved }, 'secret vote entries moved with their rounds');
		} finally {
			stored.destroy();
		}
	}

	return {
		/** Schedules a check of the meeting (coalesced: one at a time per meeting, one more if asked meanwhile). */
		check(meetingId: string): Promise<void> {
			const current = running.get(meetingId);
			if (current) {
				again.add(meetingId);
				return current;
			}
			const done = (async () => {
				try {
					do {
						again.delete(meetingId);
						await run(meetingId);
					} while (again.has(meetingId));
				} catch (error) {
					deps.log.error({ err: error, meetingId }, 'moving secret vote entries failed');
				} finally {
					running.delete(meetingId);
				}
			})();
			running.set(meetingId, done);
			return done;
		}
	};
}
