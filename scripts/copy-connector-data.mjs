// Part of `npm run build`: tsc compiles connectors/**/*.ts into dist/connectors/ but copies no data
// files, and a connector may ship some beside its code (the `standard` source's payload profiles,
// connectors/standard/profiles/*.yaml; the SAP C4C metadata, connectors/sap-c4c/metadata/*.xml). Copies every YAML and XML file under connectors/ to the same place
// under dist/, so a compiled connector finds its data where the source tree keeps it (the Docker
// image has dist/ only).
import { cpSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
cpSync(`${root}connectors`, `${root}dist/connectors`, {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || /\.(ya?ml|xml)$/.test(path),
});
