/**
 * The import rules the folders' READMEs state, checked by `npm run check:imports` (part of
 * `npm run check`). A rule here and the README it comes from change together.
 */
const notTest = '(?<!\\.test\\.ts)$';

/** A server folder may not import these (the layers of server/README.md, from the edge down). */
const serverLayers = [
	['shared', 'server/(?!shared/)'],
	['storage', 'server/(?!storage/|log\\.ts$|shared/)'],
	['auth', 'server/(http|sync|minutes|groups|ops|metrics)/'],
	['minutes', 'server/(http|sync|ops|groups)/'],
	['groups', 'server/(http|sync|ops|minutes)/'],
	['sync', 'server/(http|minutes|groups|ops)/'],
	['ops', 'server/(http|minutes|groups)/'],
	['votes', 'server/(http|minutes|groups|ops)/'],
	['files', 'server/(http|sync|minutes|groups|ops|votes)/'],
	['metrics', 'server/(http|minutes|groups|ops|sync/(?!fanout))'],
	// The primary and workers of WORKERS > 1: below index.ts only (startServer is passed in).
	['cluster', 'server/(minutes|groups|ops|votes|files|auth)/']
];

/** What each src/lib folder may not import (src/README.md and each folder's README). */
const libRules = [
	['meeting', 'src/(routes|lib/(?!meeting/))'],
	['groups', 'src/(routes|lib/(?!groups/|meeting/))'],
	['minutes', 'src/(routes|lib/(sync|api|components|pwa|groups)/)'],
	['protocol', 'src/(routes|lib/(sync|api|components|pwa|paraglide|i18n)/)'],
	['sync', 'src/(routes|lib/(api|components|pwa|minutes|groups)/)'],
	['api', 'src/(routes|lib/(sync|components|pwa|meeting|minutes|groups)/)'],
	['pwa', 'src/(routes|lib/(sync|api|components|meeting|minutes|groups)/)']
];

module.exports = {
	forbidden: [
		{
			name: 'no-circle-in-server',
			comment: 'server/README.md: no circle among the server modules',
			severity: 'error',
			from: { path: '^server/' },
			to: { circular: true }
		},
		{
			name: 'no-circle-in-src',
			comment: 'src/README.md: the domain model reads upwards from its value types (types.ts), never round in a loop',
			severity: 'error',
			from: { path: '^src/' },
			to: { circular: true }
		},
		...serverLayers.map(([folder, target]) => ({
			name: `server-${folder}-layer`,
			comment: `server/README.md (Layers): ${folder}/ never imports upwards`,
			severity: 'error',
			from: { path: `^server/${folder}/` },
			to: { path: `^${target}` }
		})),
		{
			name: 'server-index-is-the-top',
			comment: 'server/index.ts composes; nothing in server/ imports it',
			severity: 'error',
			from: { path: '^server/(?!index\\.ts$)' },
			to: { path: '^server/index\\.ts$' }
		},
		{
			name: 'src-never-imports-server',
			comment: 'server/README.md: the browser bundle must not pull in server code',
			severity: 'error',
			from: { path: '^src/' },
			to: { path: '^server/' }
		},
		{
			name: 'server-runtime-deps',
			comment: 'server/README.md: every npm package the server imports is in dependencies (the bundle keeps them external)',
			severity: 'error',
			from: { path: `^server/.*${notTest}` },
			to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] }
		},
		...libRules.map(([folder, target]) => ({
			name: `lib-${folder}-imports`,
			comment: `src/lib/${folder}/README.md: what it may import`,
			severity: 'error',
			from: { path: `^src/lib/${folder}/.*${notTest}` },
			to: { path: `^${target}` }
		})),
		{
			name: 'components-not-below',
			comment: 'src/README.md: lib/meeting, lib/sync and the server never import components',
			severity: 'error',
			from: { path: '^(src/lib/(meeting|sync|protocol|minutes|groups)|server)/' },
			to: { path: '^src/lib/components/' }
		},
		{
			name: 'only-tests-import-tests',
			comment: 'tests/README.md: nothing outside tests/ imports from it (unit tests beside the code may; bench/README.md allows the fixtures)',
			severity: 'error',
			from: { path: `^(src|server|testkit|bench)/.*${notTest}`, pathNot: '^bench/' },
			to: { path: '^tests/' }
		},
		{
			name: 'bench-only-fixtures-from-tests',
			comment: 'bench/README.md: bench imports tests/fixtures (the seed meeting) and nothing else under tests/; shared helpers are in testkit/',
			severity: 'error',
			from: { path: '^bench/' },
			to: { path: '^tests/(?!fixtures/)' }
		},
		{
			name: 'nothing-imports-bench',
			comment: 'bench/README.md: nothing may import bench/',
			severity: 'error',
			from: { pathNot: '^bench/' },
			to: { path: '^bench/' }
		},
		{
			name: 'testkit-for-tests-and-bench',
			comment: 'testkit/README.md: imported by tests/ and bench/ only; imports neither, nor server/',
			severity: 'error',
			from: { path: '^(src|server)/' },
			to: { path: '^testkit/' }
		},
		{
			name: 'testkit-imports',
			comment: 'testkit/README.md',
			severity: 'error',
			from: { path: '^testkit/' },
			to: { path: '^(tests|bench|server)/' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '(^|/)(node_modules|\\.svelte-kit|build)/|^src/lib/paraglide/' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		webpackConfig: { fileName: 'depcruise.webpack.cjs' },
		enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.svelte', '.json'] }
	}
};
