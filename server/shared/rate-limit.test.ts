import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit.ts';

describe('TokenBucket', () => {
	it('allows a burst, then the sustained rate', () => {
		let now = 0;
		const bucket = new TokenBucket(10, 5, () => now);
		for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
		now += 100; // one token at 10/s
		expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
	});

	it('never holds more than the burst', () => {
		let now = 0;
		const bucket = new TokenBucket(100, 3, () => now);
		now += 60_000;
		let taken = 0;
		while (bucket.take()) taken++;
		expect(taken).toBe(3);
	});
});
