import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { commitAtTurnEnd, corkForTurn, releaseAtTurnEnd } from './turn.ts';

/** A socket that records cork depth and what happened in order. */
function fakeSocket(log: string[]): Socket {
	let depth = 0;
	return {
		cork: () => void depth++,
		uncork: () => {
			depth--;
			if (depth === 0) log.push('written');
		}
	} as unknown as Socket;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the end of a turn', () => {
	it('commits, then releases, then writes the corked sockets, once each', async () => {
		const log: string[] = [];
		const socket = fakeSocket(log);
		corkForTurn(socket);
		corkForTurn(socket);
		releaseAtTurnEnd(() => log.push('released'));
		commitAtTurnEnd(async () => void log.push('committed'));
		expect(log).toEqual([]);
		await nextTurn();
		await nextTurn();
		expect(log).toEqual(['committed', 'released', 'written']);
	});

	it('holds a turn’s frames until its asynchronous commit resolves, while later turns go on', async () => {
		const log: string[] = [];
		const held = fakeSocket(log);
		const other = fakeSocket([]);
		let resolveCommit = () => {};
		commitAtTurnEnd(() => new Promise<void>((resolve) => (resolveCommit = resolve)));
		corkForTurn(held);
		releaseAtTurnEnd(() => log.push('released'));
		await nextTurn();
		// A later turn without appends corks the same socket and ends at once: nothing is written yet.
		corkForTurn(held);
		corkForTurn(other);
		await nextTurn();
		expect(log).toEqual([]);
		resolveCommit();
		await nextTurn();
		expect(log).toEqual(['released', 'written']);
	});

	it('a release that throws keeps neither the other releases nor the sockets back', async () => {
		const log: string[] = [];
		const socket = fakeSocket(log);
		corkForTurn(socket);
		releaseAtTurnEnd(() => {
			throw new Error('a bug');
		});
		releaseAtTurnEnd(() => log.push('released'));
		const thrown = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
		await nextTurn();
		expect(((await thrown) as Error).message).toBe('a bug');
		expect(log).toEqual(['released', 'written']);
	});
});
