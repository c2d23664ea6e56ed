// One shell per screen that must open fast from the device: the service worker answers a
// navigation to /m/<id> with this page's prerendered, client-only HTML (/m/_shell), which
// names the meeting screen's own chunks, so the browser fetches them beside the entry
// instead of after the router has started (docs/benchmarks.md, part 9). Every real
// meeting id is still rendered per request; `_shell` is not a possible id (ids are 22
// characters of base64url).
export const prerender = 'auto';
export const entries = () => [{ id: '_shell' }];
