import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FrameCounter, PendingEdits } from './pending.ts';

/** A document that records its local updates. */
function editor(clientID: number) {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const text = doc.getText('notes');
	return {
		type(chars: string) {
			for (const char of chars) text.insert(text.length, char);
			return updates.splice(0);
		},
		erase(count: number) {
			text.delete(0, count);
			return updates.splice(0);
		}
	};
}

describe('PendingEdits', () => {
	it('counts content edits until the saved vector covers their clocks', () => {
		const pending = new PendingEdits();
		const alice = editor(7);
		for (const update of alice.type('abc')) pending.addLocal(update, 7, null);
		expect(pending.count).toBe(3);
		expect(pending.acknowledged).toBe(false);

		pending.addSaved(new Map([[7, 2]]));
		expect(pending.count).toBe(1);
		expect(pending.acknowledged).toBe(true);

		pending.addSaved(new Map([[7, 1], [8, 100]]));
		expect(pending.count).toBe(1);
		pending.addSaved(new Map([[7, 3]]));
		expect(pending.count).toBe(0);
	});

	it('does not count an edit the saved vector already covers', () => {
		const pending = new PendingEdits();
		pending.addSaved(new Map([[7, 10]]));
		const [update] = editor(7).type('a');
		pending.addLocal(update, 7, null);
		expect(pending.count).toBe(0);
	});

	it('confirms a deletion by the acknowledgement of the frame that carried it', () => {
		const pending = new PendingEdits();
		const alice = editor(7);
		for (const update of alice.type('ab')) pending.addLocal(update, 7, null);
		const [deletion] = alice.erase(1);
		const socket = new FrameCounter();
		socket.sent = 4;
		pending.addLocal(deletion, 7, { counter: socket, seq: 5 });
		expect(pending.count).toBe(3);

		socket.acknowledged = 4;
		pending.acknowledgedFrames(socket);
		expect(pending.count).toBe(3);
		socket.acknowledged = 5;
		pending.acknowledgedFrames(socket);
		expect(pending.count).toBe(2);
	});

	it('moves unsent and unconfirmed deletions onto the next connection sync step 2', () => {
		const pending = new PendingEdits();
		const alice = editor(7);
		alice.type('abc');
		const [offline] = alice.erase(1);
		const [lost] = alice.erase(1);
		const dead = new FrameCounter();
		pending.addLocal(offline, 7, null);
		pending.addLocal(lost, 7, { counter: dead, seq: 1 });

		const next = new FrameCounter();
		pending.sentSyncStep2(next, 2);
		dead.acknowledged = 1;
		pending.acknowledgedFrames(dead);
		expect(pending.count).toBe(2);
		next.acknowledged = 1;
		pending.acknowledgedFrames(next);
		expect(pending.count).toBe(2);
		next.acknowledged = 2;
		pending.acknowledgedFrames(next);
		expect(pending.count).toBe(0);
	});

	it('ignores acknowledgements on a connection whose order was broken by a refusal', () => {
		const pending = new PendingEdits();
		const alice = editor(7);
		alice.type('a');
		const socket = new FrameCounter();
		pending.addLocal(alice.erase(1)[0], 7, { counter: socket, seq: 1 });
		socket.unreliable = true;
		socket.acknowledged = 1;
		pending.acknowledgedFrames(socket);
		expect(pending.count).toBe(1);
	});

	it('reports changed clients for persisting and restores them after a reload', () => {
		const pending = new PendingEdits();
		const alice = editor(7);
		for (const update of alice.type('abc')) pending.addLocal(update, 7, null);
		pending.addLocal(alice.erase(1)[0], 7, null);
		pending.addSaved(new Map([[7, 1]]));
		const changes = pending.takeChanges();
		expect(changes).toEqual(new Map([[7, { clocks: [2, 3], deletes: 1 }]]));
		expect(pending.takeChanges().size).toBe(0);

		const reloaded = new PendingEdits();
		reloaded.restore(pending.savedVector, changes);
		expect(reloaded.count).toBe(3);
		expect(reloaded.acknowledged).toBe(true);
		reloaded.addSaved(new Map([[7, 3]]));
		expect(reloaded.count).toBe(1);
		expect(reloaded.takeChanges()).toEqual(new Map([[7, { clocks: [], deletes: 1 }]]));
	});

	it('is not acknowledged after restoring without a saved vector', () => {
		const pending = new PendingEdits();
		pending.restore(null, new Map([[3, { clocks: [4], deletes: 0 }]]));
		expect(pending.acknowledged).toBe(false);
		expect(pending.count).toBe(1);
	});
});
