/**
 * Build-time split of Paraglide's compiled messages (the `englishOnDemand` plugin in
 * vite.config.ts, client build only). Paraglide writes one module per message holding a
 * function per locale and its own locale switch, so every screen's first load carries the
 * English of each message it uses beside the Swedish. Here each message module keeps its
 * Swedish function behind one shared switch (`localized`, english.ts) that asks the English
 * table for English; all English functions go into one
 * module that the app loads at start only when English is the interface language
 * (hooks.client.ts). Swedish, the default, is then all a first load carries
 * (docs/benchmarks.md, part 12).
 *
 * Paraglide's output is generated, not hand-written: a module that does not have the
 * expected shape stops the build instead of being passed on half-split.
 */

/** `const <locale>_<name> = <function>\n};` as Paraglide 2 writes it; the function is group 2 without its last line. */
const localeFunction = (locale: string) => new RegExp(`^const ${locale}_(\\w+) = ([\\s\\S]*?)\\n\\};$`, 'm');
const SWEDISH_FUNCTION = localeFunction('sv');
const ENGLISH_FUNCTION = localeFunction('en');
const REGISTRY_IMPORT = /^import \* as registry from '\.\.\/registry\.js'$/m;

export interface LocaleFunction {
	name: string;
	/** The function expression, ready to stand as an argument or a property value. */
	source: string;
}

function functionOf(pattern: RegExp, code: string, file: string): LocaleFunction {
	const match = pattern.exec(code);
	if (!match) throw new Error(`${file}: no function matching ${pattern} in the shape Paraglide writes`);
	return { name: match[1], source: `${match[2]}\n}` };
}

/**
 * The message module as the browser gets it: the Swedish function wrapped by `localized`
 * (english.ts), which answers in English from the loaded table. Paraglide's own wrapper
 * (locale lookup, two branches, metadata casts) is written out in every module; here it is
 * one shared function, which is most of what the split saves besides the English text.
 */
export function swedishModule(code: string, file: string, englishModuleId: string): string {
	const swedish = functionOf(SWEDISH_FUNCTION, code, file);
	const { name } = functionOf(ENGLISH_FUNCTION, code, file);
	if (name !== swedish.name) throw new Error(`${file}: Swedish and English functions name different messages`);
	const registry = REGISTRY_IMPORT.exec(code)?.[0];
	return [
		`import { localized } from ${JSON.stringify(englishModuleId)};`,
		...(registry ? [registry] : []),
		`export const ${name} = /* @__PURE__ */ localized(${JSON.stringify(name)}, ${swedish.source});`,
		''
	].join('\n');
}

/** One module whose default export maps each message name to its English function. */
export function englishTableModule(modules: { code: string; file: string }[], registryId: string): string {
	const entries = modules.map(({ code, file }) => {
		const { name, source } = functionOf(ENGLISH_FUNCTION, code, file);
		return `\t${name}: ${source}`;
	});
	// Plural and number formatting (registry.plural("en", …)) stay in the English functions.
	return `import * as registry from ${JSON.stringify(registryId)};\nexport default {\n${entries.join(',\n')}\n};\n`;
}
