/**
 * The split message modules answer exactly as Paraglide's own, in both languages, for every
 * message the project has: each is written to a scratch folder beside copies of Paraglide's
 * runtime and registry, imported, and called with the same inputs as the original.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { englishTableModule, swedishModule } from './english-split.ts';

const paraglide = path.resolve('src/lib/paraglide');
const messagesDir = path.join(paraglide, 'messages');
const files = fs
	.readdirSync(messagesDir)
	.filter((name) => name.endsWith('.js') && name !== '_index.js')
	.sort();

type Message = (inputs?: unknown, options?: { locale?: string }) => string;

/** Every input a message reads answers `value`: numbers drive the plural forms, and show up in the text. */
const inputs = (value: number) => new Proxy({}, { get: (_target, key) => (typeof key === 'string' ? value : undefined) });

describe('English split out of the message modules', () => {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-english-split-'));
	afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

	it('answers as Paraglide does in Swedish and English, for every message', async () => {
		expect(files.length).toBeGreaterThan(100);
		fs.mkdirSync(path.join(scratch, 'paraglide', 'messages'), { recursive: true });
		for (const name of ['runtime.js', 'registry.js']) fs.copyFileSync(path.join(paraglide, name), path.join(scratch, 'paraglide', name));
		const sources = files.map((name) => ({ file: name, code: fs.readFileSync(path.join(messagesDir, name), 'utf8') }));
		fs.writeFileSync(path.join(scratch, 'english-table.js'), englishTableModule(sources, './paraglide/registry.js'));
		// english.ts without the app's aliases: the same switch, the table imported up front.
		fs.writeFileSync(
			path.join(scratch, 'english.js'),
			[
				"import { getLocale } from './paraglide/runtime.js';",
				"import table from './english-table.js';",
				"export const localized = (name, swedish) => (inputs, options) => ((options?.locale ?? getLocale()) === 'en' ? table[name](inputs) : swedish(inputs));"
			].join('\n')
		);
		for (const { file, code } of sources) {
			fs.writeFileSync(path.join(scratch, 'paraglide', 'messages', file), swedishModule(code, file, '../../english.js'));
		}

		for (const file of files) {
			const original = Object.values(await import(pathToFileURL(path.join(messagesDir, file)).href))[0] as Message;
			const split = Object.values(await import(pathToFileURL(path.join(scratch, 'paraglide', 'messages', file)).href))[0] as Message;
			for (const locale of ['sv', 'en']) {
				for (const value of [1, 7]) {
					expect(split(inputs(value), { locale }), `${file} ${locale} ${value}`).toBe(original(inputs(value), { locale }));
				}
			}
		}
	});

	it('stops on a module that is not in the shape Paraglide writes', () => {
		expect(() => swedishModule('export const x = () => "x";', 'x.js', './english.js')).toThrow(/x\.js/);
	});
});
