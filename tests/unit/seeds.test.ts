import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seedsDir, seedsFor } from '../fixtures/seeds.js';

describe('seedsFor: the seeds beside the repository', () => {
	afterEach(() => vi.restoreAllMocks());

	it('reads from SEEDS_DIR when it is set', () => {
		const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
		writeFileSync(join(dir, 'a.txt'), 'Minnesanteckningar');
		const seeds = seedsFor('x.test.ts', ['a.txt'], { SEEDS_DIR: dir });
		expect(seeds?.dir).toBe(dir);
		expect(seeds?.read('a.txt')).toBe('Minnesanteckningar');
	});

	it('defaults to ../shared/seeds beside the repository', () => {
		expect(seedsDir({})).toMatch(/[\\/]shared[\\/]seeds$/);
	});

	it('skips with one line naming the missing file and how to run the tests', () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
		expect(seedsFor('x.test.ts', ['absent.txt'], { SEEDS_DIR: dir })).toBeNull();
		expect(warn).toHaveBeenCalledOnce();
		expect(warn.mock.calls[0][0]).toMatch(/^SKIPPED x\.test\.ts: seeds not found \(absent\.txt in .*\)\. .*SEEDS_DIR/);
	});

	it('fails under CI=true, saying the seeds are missing', () => {
		const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
		expect(() => seedsFor('x.test.ts', ['absent.txt'], { SEEDS_DIR: dir, CI: 'true' })).toThrow(/seeds not found .*required in CI/);
	});
});
