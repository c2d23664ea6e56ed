/** Latency samples and the numbers reported from them. */

export class Samples {
	#values = new Float64Array(1024);
	#count = 0;

	get count(): number {
		return this.#count;
	}

	push(value: number): void {
		if (this.#count === this.#values.length) {
			const grown = new Float64Array(this.#values.length * 2);
			grown.set(this.#values);
			this.#values = grown;
		}
		this.#values[this.#count++] = value;
	}

	append(other: Samples): void {
		for (const value of other.#values.subarray(0, other.#count)) this.push(value);
	}

	clear(): void {
		this.#count = 0;
	}

	summary(): LatencySummary {
		const sorted = this.#values.slice(0, this.#count).sort();
		return {
			count: this.#count,
			p50: percentile(sorted, 0.5),
			p99: percentile(sorted, 0.99),
			max: this.#count > 0 ? sorted[this.#count - 1] : Number.NaN
		};
	}
}

export interface LatencySummary {
	count: number;
	/** Milliseconds. NaN when there are no samples. */
	p50: number;
	p99: number;
	max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank];
}

export function median(values: readonly number[]): number {
	return percentile(Float64Array.from(values).sort(), 0.5);
}

/** Rounds for tables: 3 significant decimals below 10, fewer above. */
export function round(value: number): number {
	if (!Number.isFinite(value)) return value;
	if (Math.abs(value) >= 100) return Math.round(value);
	if (Math.abs(value) >= 10) return Math.round(value * 10) / 10;
	return Math.round(value * 1000) / 1000;
}

/** ours / reference, rounded; > 1 means ours is slower or bigger. */
export function ratio(ours: number, reference: number): number {
	return round(ours / reference);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
	const deadline = performance.now() + timeoutMs;
	while (!check()) {
		if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(10);
	}
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inBatches<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			await task(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
