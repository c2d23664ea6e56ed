/**
 * The storage with its writes timed: the same object seen through a Proxy that measures
 * `appendUpdate` (what an edit waits for before "Sparat") and `compact` until they resolve.
 * Everything else, and `instanceof`, behaves as the storage itself; methods are bound to
 * it, since the adapters keep their connection in private fields.
 */
import type { MeetingStorage } from '../storage/types.ts';
import type { ServerMetrics } from './metrics.ts';

const TIMED = new Set(['appendUpdate', 'compact']);

export function timedStorage<T extends MeetingStorage>(storage: T, metrics: Pick<ServerMetrics, 'storageCommit'>): T {
	const methods = new Map<PropertyKey, unknown>();
	return new Proxy(storage, {
		get(target, property) {
			const value: unknown = Reflect.get(target, property, target);
			if (typeof value !== 'function') return value;
			let method = methods.get(property);
			if (!method) {
				const bound = (value as (...args: unknown[]) => unknown).bind(target);
				method = TIMED.has(String(property))
					? async (...args: unknown[]) => {
							const started = performance.now();
							try {
								return await bound(...args);
							} finally {
								metrics.storageCommit(String(property), (performance.now() - started) / 1000);
							}
						}
					: bound;
				methods.set(property, method);
			}
			return method;
		}
	});
}
