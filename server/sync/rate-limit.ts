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
