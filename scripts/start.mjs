// `npm start`: runs the compiled service (dist/), rebuilding it first when a source is newer than
// the last build (scripts/compiled.mjs), and stops when its parent (npm) is gone.
import { ensureBuilt, followParent } from './compiled.mjs';

ensureBuilt('parley');
followParent();
await import('../dist/src/main.js');
