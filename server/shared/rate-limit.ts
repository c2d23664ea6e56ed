/**
 * Rate limits shared by the HTTP API, the sync upgrade and every sync connection
 * (limits configured in server/config.ts).
 */

export interface RateLimit {
	/** Messages per second a connection may send on average. */
	perSecond: number;
	/** Messages a connection may send in one burst (the bucket size). */
	burst: number;
}

/**
 * A token bucket: `burst` messages at once, refilled at `perSecond`. Fast typing
 * plus awareness is a few dozen messages a second; a flood is far more.
 */
export class TokenBucket {
	readonly #perSecond: number;
	readonly #burst: number;
	readonly #now: () => number;
	#tokens: number;
	#last: number;

	constructor(perSecond: number, burst: number, now: () => number = performance.now.bind(performance)) {
		this.#perSecond = perSecond;
		this.#burst = burst;
		this.#now = now;
		this.#tokens = burst;
		this.#last = now();
	}

	/** Takes one token; false when the bucket is empty. */
	take(): boolean {
		const now = this.#now();
		this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#perSecond);
		this.#last = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}

/** One token bucket per client IP; idle buckets are forgotten so the map stays small. */
export class IpRateLimiter {
	readonly #config: RateLimit;
	readonly #buckets = new Map<string, { bucket: TokenBucket; used: number }>();
	readonly #now: () => number;
	/** A bucket idle this long is full again anyway, so it can be dropped. */
	readonly #idleMs: number;

	constructor(config: RateLimit, now: () => number = performance.now.bind(performance)) {
		this.#config = config;
		this.#now = now;
		this.#idleMs = Math.max(1000, (config.burst / config.perSecond) * 1000);
	}

	/** Takes one token for `ip`; false when its bucket is empty. */
	take(ip: string): boolean {
		const now = this.#now();
		if (this.#buckets.size > 10_000) this.#sweep(now);
		let entry = this.#buckets.get(ip);
		if (!entry) {
			entry = { bucket: new TokenBucket(this.#config.perSecond, this.#config.burst, this.#now), used: now };
			this.#buckets.set(ip, entry);
		}
		entry.used = now;
		return entry.bucket.take();
	}

	/** Seconds until one token is back (for Retry-After). */
	get retryAfterSeconds(): number {
		return Math.max(1, Math.ceil(1 / this.#config.perSecond));
	}

	#sweep(now: number): void {
		for (const [ip, entry] of this.#buckets) if (now - entry.used > this.#idleMs) this.#buckets.delete(ip);
	}
}
