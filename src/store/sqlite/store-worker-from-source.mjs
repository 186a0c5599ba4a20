// Worker entry when Parley runs from its TypeScript sources (npm start, tests): Node 20 does not
// carry the parent's loader hooks into worker threads, so register tsx here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./store-worker.ts');
