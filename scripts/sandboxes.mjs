// `npm run sandboxes`: every built-in connector's sandbox alone on HOST:PORT (src/sandboxes/main.ts),
// from the compiled build in dist/, rebuilt first when a source is newer than it (scripts/compiled.mjs);
// it stops (SIGTERM: the sandboxes write their last snapshots) when its parent (npm) is gone.
import { ensureBuilt, followParent } from './compiled.mjs';

ensureBuilt('parley sandboxes');
followParent();
await import('../dist/src/sandboxes/main.js');
