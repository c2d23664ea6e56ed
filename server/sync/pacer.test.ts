import { afterEach, describe, expect, it, vi } from 'vitest';
import { Pacer } from './pacer.ts';

afterEach(() => {
	vi.useRealTimers();
});

describe('Pacer', () => {
	it('runs once at the end of the turn, then at most once per interval however often it is asked', () => {
		vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'performance'] });
		let runs = 0;
		const pacer = new Pacer(250, () => runs++);
		for (let i = 0; i < 5; i++) pacer.schedule();
		expect(runs).toBe(0);
		vi.advanceTimersToNextTimer();
		expect(runs).toBe(1);

		for (let i = 0; i < 5; i++) pacer.schedule();
		vi.advanceTimersByTime(249);
		expect(runs).toBe(1);
		vi.advanceTimersByTime(1);
		expect(runs).toBe(2);

		// Quiet for longer than the interval: the next request goes out with the turn again.
		vi.advanceTimersByTime(1000);
		pacer.schedule();
		vi.advanceTimersToNextTimer();
		expect(runs).toBe(3);
	});

	it('reads the interval at every schedule, so it can follow the load', () => {
		vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'performance'] });
		let runs = 0;
		let interval = 250;
		const pacer = new Pacer(() => interval, () => runs++);
		pacer.schedule();
		vi.advanceTimersToNextTimer();
		expect(runs).toBe(1);
		interval = 500;
		pacer.schedule();
		vi.advanceTimersByTime(499);
		expect(runs).toBe(1);
		vi.advanceTimersByTime(1);
		expect(runs).toBe(2);
	});

	it('runs nothing after cancel', () => {
		vi.useFakeTimers({ toFake: ['setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'performance'] });
		let runs = 0;
		const pacer = new Pacer(250, () => runs++);
		pacer.schedule();
		pacer.cancel();
		vi.advanceTimersByTime(1000);
		expect(runs).toBe(0);
	});
});
