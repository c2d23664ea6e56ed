/**
 * RedisFanout on its own, against the real Redis: what a room receives, in which
 * order, and when it is told to re-read the storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../server/log.ts';
import { ServerMetrics } from '../../server/metrics/metrics.ts';
import type { FanoutMessage } from '../../server/sync/fanout.ts';
import { RedisFanout } from '../../server/sync/redis-fanout.ts';
import { freePort, waitFor } from './helpers.ts';
import { type Cleanup, startProxy } from './multi-helpers.ts';
import { TEST_REDIS_URL, servicesAvailable } from './services.ts';

const available = await servicesAvailable('redis-fanout.test.ts', 'redis');

const cleanup: Cleanup = [];

afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

const log = createLogger('silent');

/** The receiving instances' metrics, read back by the tests. */
const metricsOf = new WeakMap<RedisFanout, ServerMetrics>();

function fanout(url: string, options: { keyPrefix?: string } = {}): RedisFanout {
	const metrics = new ServerMetrics();
	const created = new RedisFanout(url, { log, metrics, ...options });
	metricsOf.set(created, metrics);
	return created;
}

/** Two fan-outs on the same keys, as two instances would be. */
function pair(urlA = TEST_REDIS_URL, urlB = TEST_REDIS_URL): [RedisFanout, RedisFanout] {
	const keyPrefix = `motesrum-test-${randomBytes(4).toString('hex')}:`;
	const a = fanout(urlA, { keyPrefix });
	const b = fanout(urlB, { keyPrefix });
	cleanup.push(() => a.close(), () => b.close());
	return [a, b];
}

function record(target: RedisFanout, meetingId: string): FanoutMessage[] {
	const received: FanoutMessage[] = [];
	cleanup.push(target.subscribe(meetingId, (message) => received.push(message)));
	return received;
}

const kinds = (messages: FanoutMessage[]) => messages.map((m) => m.kind);

describe.skipIf(!available)('RedisFanout', () => {
	it('says resync once subscribed, then delivers the other instance’s updates in order and never its own', async () => {
		const [a, b] = pair();
		const atB = record(b, 'meeting-1');
		const atA = record(a, 'meeting-1');
		await waitFor(() => atB.length > 0 && atA.length > 0, 'resync after subscribing');
		expect(kinds(atB)[0]).toBe('resync');
		await waitFor(async () => (await a.health()) === 'ok' && (await b.health()) === 'ok', 'both connected');

		for (let i = 0; i < 50; i++) a.publish('meeting-1', { kind: 'update', update: new Uint8Array([i]) });
		a.publish('meeting-1', { kind: 'awareness', update: new Uint8Array([7, 7]) });
		await waitFor(() => atB.filter((m) => m.kind === 'update').length === 50, 'fifty updates');
		expect(atB.filter((m) => m.kind === 'update').map((m) => (m as { update: Uint8Array }).update[0])).toEqual(
			Array.from({ length: 50 }, (_, i) => i)
		);
		await waitFor(() => atB.some((m) => m.kind === 'awareness'), 'awareness');
		expect(kinds(atA).every((kind) => kind === 'resync')).toBe(true);
		// Every update received from the other instance had its lag measured, and none of its own.
		const lag = (fanout: RedisFanout) =>
			metricsOf.get(fanout)!.registry.getSingleMetricAsString('motesrum_sync_fanout_lag_seconds').then((text) => /_count (\d+)/.exec(text)?.[1]);
		expect(await lag(b)).toBe('50');
		expect(await lag(a)).toBe('0');
	});

	it('delivers nothing for another meeting or after unsubscribing', async () => {
		const [a, b] = pair();
		const received: FanoutMessage[] = [];
		const unsubscribe = b.subscribe('meeting-2', (m) => received.push(m));
		await waitFor(() => received.length > 0, 'resync');
		await new Promise((resolve) => setTimeout(resolve, 50));
		a.publish('meeting-3', { kind: 'update', update: new Uint8Array([1]) });
		unsubscribe();
		a.publish('meeting-2', { kind: 'update', update: new Uint8Array([2]) });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(kinds(received).every((kind) => kind === 'resync')).toBe(true);
	});

	it('says resync when a read comes back full: entries may have been trimmed before it', async () => {
		const keyPrefix = `motesrum-test-${randomBytes(4).toString('hex')}:`;
		const b = fanout(TEST_REDIS_URL, { keyPrefix });
		cleanup.push(() => b.close());
		const atB = record(b, 'meeting-4');
		await waitFor(async () => atB.length > 0 && (await b.health()) === 'ok', 'subscribed');
		const before = atB.length;
		// 150 entries from a peer in one transaction: the next read is a full batch.
		const raw = new Redis(TEST_REDIS_URL);
		cleanup.push(() => raw.quit());
		const multi = raw.multi();
		for (let i = 0; i < 150; i++) multi.xadd(`${keyPrefix}m:meeting-4:u`, '*', 'i', 'peer', 'k', 'u', 'd', Buffer.from([i]));
		await multi.exec();
		await waitFor(() => atB.filter((m) => m.kind === 'update').length === 150, 'all 150 updates');
		expect(kinds(atB.slice(before)).filter((k) => k === 'resync')).toHaveLength(1);
	});

	it('asks the peers to resync once Redis answers again after a publish failed', async () => {
		const proxy = await startProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
		cleanup.push(() => proxy.close());
		const [cut, steady] = pair(`redis://127.0.0.1:${proxy.port}`, TEST_REDIS_URL);
		const atSteady = record(steady, 'meeting-5');
		await waitFor(async () => (await cut.health()) === 'ok' && (await steady.health()) === 'ok' && atSteady.length > 0, 'connected and subscribed');
		await new Promise((resolve) => setTimeout(resolve, 50));
		const before = atSteady.length;

		proxy.cut();
		await waitFor(async () => (await cut.health()) === 'unavailable', 'the cut instance sees Redis gone');
		cut.publish('meeting-5', { kind: 'update', update: new Uint8Array([42]) });
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(atSteady).toHaveLength(before);

		proxy.restore();
		await waitFor(() => atSteady.length === before + 1, 'the steady instance is asked to resync', 5000);
		expect(atSteady.at(-1)).toEqual({ kind: 'resync' });
	});

	it('reports unavailable while Redis cannot be reached', async () => {
		const unreachable = fanout(`redis://127.0.0.1:${await freePort()}`);
		cleanup.push(() => unreachable.close());
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(await unreachable.health()).toBe('unavailable');
	});
});
