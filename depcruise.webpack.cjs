/** Only for dependency-cruiser (.dependency-cruiser.cjs): SvelteKit's `$lib` alias. */
const path = require('node:path');
module.exports = { resolve: { alias: { $lib: path.resolve(__dirname, 'src/lib') } } };
