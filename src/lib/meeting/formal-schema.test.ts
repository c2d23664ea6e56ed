import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildHeldFormalMeeting } from '../../../tests/fixtures/formal-meeting-held.js';
import { raiseHand } from './index.js';
import { MEETING_SCHEMA } from './schema.js';
import { schemaProblem, writesOfTransaction } from './writes.js';

/** The schema problem of everything in `doc`, applied as one update into a fresh document. */
function problemOf(doc: Y.Doc): string | null {
	const copy = new Y.Doc();
	let problem: string | null = 'no transaction seen';
	copy.on('afterTransaction', (transaction: Y.Transaction) => {
		problem = schemaProblem(MEETING_SCHEMA, writesOfTransaction(transaction));
	});
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return problem;
}

describe('formal procedure and the document schema', () => {
	it('every write of a held formal meeting fits the schema (hands, queue, speeches, propositions, votes, ballots, jäv, seats)', () => {
		const { doc, items, members } = buildHeldFormalMeeting();
		raiseHand(doc, items.personal, members[2]);
		expect(problemOf(doc)).toBeNull();
		// And the check is real: a hand of the wrong shape is caught.
		doc.getMap('hands').set(`${items.personal}:${members[3]}`, { raised: 'yes' });
		expect(problemOf(doc)).toMatch(/hands/);
	});
});
