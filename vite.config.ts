import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';

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
					})
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
