import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import fs from 'node:fs';
import path from 'node:path';
import { englishTableModule, swedishModule } from './src/lib/i18n/english-split.ts';

const ENGLISH_TABLE = 'virtual:motesrum/messages-en';

/**
 * The browser's message modules keep Swedish only; English is one module of its own that
 * the app loads at start when it is the interface language; each message keeps its Swedish
 * behind one shared locale switch (src/lib/i18n/english-split.ts).
 */
function englishOnDemand(): Plugin {
	const paraglide = path.resolve('src/lib/paraglide');
	const messages = path.join(paraglide, 'messages');
	const isMessage = (id: string) => path.dirname(id) === messages && id.endsWith('.js') && path.basename(id) !== '_index.js';
	return {
		name: 'motesrum:english-on-demand',
		// The server build (the prerendered shells) never renders a message in English on its own.
		applyToEnvironment: (environment) => environment.config.consumer === 'client',
		resolveId: (id) => (id === ENGLISH_TABLE ? '\0' + ENGLISH_TABLE : undefined),
		load(id) {
			if (id !== '\0' + ENGLISH_TABLE) return;
			const files = fs.readdirSync(messages).map((name) => path.join(messages, name)).filter(isMessage).sort();
			for (const file of files) this.addWatchFile(file);
			return englishTableModule(
				files.map((file) => ({ file, code: fs.readFileSync(file, 'utf8') })),
				path.join(paraglide, 'registry.js')
			);
		},
		transform(code, id) {
			if (!isMessage(id)) return;
			return { code: swedishModule(code, id, path.resolve('src/lib/i18n/english.ts')), map: null };
		}
	};
}

export default defineConfig({
	plugins: [
		// Under vitest the messages are compiled once by `npm run i18n`; the plugin's file
		// watcher would otherwise keep the test process from exiting.
		...(process.env.VITEST
			? []
			: [
					paraglideVitePlugin({
						project: './project.inlang',
						outdir: './src/lib/paraglide',
						strategy: ['cookie', 'baseLocale']
					}),
					englishOnDemand()
				]),
		sveltekit()
	],
	build: {
		rolldownOptions: {
			output: {
				// Everything but the DOCX export in one chunk: on a phone link (≈ 0.5 s a round
				// trip, six connections) every further wave of small chunks costs a round trip.
				// The export stays a lazy chunk of its own: it is as large as the rest together
				// and only the minutes screen's download button needs it.
				codeSplitting: {
					groups: [{ name: 'shared', minShareCount: 2 }]
				}
			}
		}
	},
	test: {
		include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 20_000,
		hookTimeout: 30_000
	}
});
