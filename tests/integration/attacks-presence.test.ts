/**
 * Attack corpus, issue 12 "presence has a budget": a presence state over a few KB is
 * dropped (never forwarded), and many presence messages from one sender within a tick
 * are coalesced, so one guest cannot amplify itself into a flood to every observer.
 * Measured from the outside: the bytes of awareness frames each observer receives.
 * The rate limit is lifted (ATTACK_ENV) so that coalescing, not the limiter, is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttackServer, type Peer, type World, openWorld, startAttackServer } from './attack-harness.ts';
import { waitFor } from './helpers.ts';

let server: AttackServer;

beforeAll(async () => {
	server = await startAttackServer();
});

afterAll(async () => {
	await server?.remove();
});

const OBSERVERS = 10;

async function observers(world: World, n: number): Promise<Peer[]> {
	const peers: Peer[] = [];
	for (let i = 0; i < n; i++) peers.push(await world.connect('observer', { label: `observer ${i}`, mirror: false }));
	return peers;
}

function resetCounters(peers: Peer[]): void {
	for (const peer of peers) {
		peer.awarenessBytes = 0;
		peer.awarenessFrames = 0;
		peer.largestAwarenessFrame = 0;
	}
}

/** A later, small state of the sender that every observer must get (broadcasts keep their order). */
async function smallStateArrives(world: World, sender: Peer, watchers: Peer[], clock: number, marker: string): Promise<void> {
	let from = sender;
	if (sender.closeCode !== null) from = await world.connect('guest', { label: 'guest again' });
	from.sendAwareness([{ client: from.doc.clientID, clock, state: { itemId: marker } }]);
	await waitFor(
		() => watchers.every((w) => (w.presence.get(from.doc.clientID) as { itemId?: string } | null | undefined)?.itemId === marker),
		`every observer has the sender's small state ${marker}`
	);
}

describe('presence size', () => {
	it.each([64 * 1024, 1_500_000])('a guest’s presence state of %i bytes is never forwarded', async (size) => {
		const world = await openWorld(server.origin());
		try {
			const watchers = await observers(world, 3);
			const guest = await world.connect('guest', { mirror: false });
			resetCounters(watchers);
			guest.sendAwareness([{ client: guest.doc.clientID, clock: 1, state: { itemId: 'stor', padding: 'p'.repeat(size) } }]);
			await smallStateArrives(world, guest, watchers, 2, 'liten');
			for (const watcher of watchers) {
				expect(watcher.largestAwarenessFrame, `${watcher.label}: largest awareness frame received`).toBeLessThan(16 * 1024);
				expect(watcher.awarenessBytes, `${watcher.label}: awareness bytes received`).toBeLessThan(16 * 1024);
			}
		} finally {
			await world.close();
		}
	});

	it('an honest member’s small presence state reaches every observer', async () => {
		const world = await openWorld(server.origin());
		try {
			const watchers = await observers(world, 3);
			const member = await world.connect('member', { mirror: false });
			member.sendAwareness([{ client: member.doc.clientID, clock: 1, state: { itemId: world.items.item1, typing: true } }]);
			await waitFor(() => watchers.every((w) => (w.presence.get(member.doc.clientID) as { typing?: boolean } | undefined)?.typing === true), 'member presence everywhere');
		} finally {
			await world.close();
		}
	});
});

describe('presence fan-out', () => {
	it(`300 presence messages from one guest in one burst reach ${OBSERVERS} observers coalesced: each gets at most a quarter of what was sent, and the last state`, async () => {
		const world = await openWorld(server.origin());
		try {
			const watchers = await observers(world, OBSERVERS);
			const guest = await world.connect('guest', { mirror: false });
			resetCounters(watchers);
			const messages = 300;
			let sent = 0;
			for (let clock = 1; clock <= messages; clock++) {
				const state = { itemId: `punkt-${clock}`, cursor: 'c'.repeat(1500) };
				sent += JSON.stringify(state).length;
				guest.sendAwareness([{ client: guest.doc.clientID, clock, state }]);
			}
			const latest = () => watchers.map((w) => (w.presence.get(guest.doc.clientID) as { itemId?: string } | undefined)?.itemId);
			await waitFor(() => latest().every((id) => id === `punkt-${messages}`), 'the last state reaches every observer', 15_000).catch(() => {});
			expect(latest(), 'coalescing keeps the latest state: every observer ends with the last one sent').toEqual(watchers.map(() => `punkt-${messages}`));
			// Anything still in flight arrives behind a later state.
			await smallStateArrives(world, guest, watchers, messages + 1, 'sist');
			const received = watchers.map((w) => w.awarenessBytes);
			for (const [i, bytes] of received.entries()) {
				expect(bytes, `observer ${i} received ${bytes} bytes of ${sent} sent`).toBeLessThan(sent / 4);
			}
		} finally {
			await world.close();
		}
	});
});
