/**
 * Minutes: the meeting rendered in the Swedish layout of the seeds (structured blocks,
 * plain text, Markdown, DOCX), the protokollsutdrag of one item, and the canonical
 * export the approval fingerprint is computed over. See README.md.
 */
export * from './types.js';
export { buildMinutes, buildExtract } from './build.js';
export { notesToBlocks } from './notes.js';
export { renderText, assignmentLine, signaturePersonText } from './render-text.js';
export { renderMarkdown, escapeMarkdown } from './render-markdown.js';
export { renderDocx, minutesToDocx } from './render-docx.js';
export {
	CANONICAL_FORMAT,
	CANONICAL_NOW,
	canonicalBytes,
	canonicalExport,
	canonicalJson,
	fingerprint,
	sha256Hex,
	stateFingerprint,
	type CanonicalExport
} from './canonical.js';
export { PREVIOUS_VERSION_KEY, readPreviousVersionId, setPreviousVersionId } from './versions.js';
