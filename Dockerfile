# syntax=docker/dockerfile:1
# Parley in a container:
#   docker build -t parley .
#   docker run -p 3000:3000 -v parley-data:/data \
#     -e PARLEY_ADMIN_KEY=... -e X_CONSUMER_SECRET=... \
#     -e SALESFORCE_LOGIN_URL=https://acme.my.salesforce.com -e SALESFORCE_CLIENT_ID=... -e SALESFORCE_CLIENT_SECRET=... parley
# The image runs the production config (/app/parley.production.yaml): no sandboxes, no demo secrets;
# start-up stops naming each variable that is missing. Secrets may come from files: <NAME>_FILE.
# The demo instead (built-in Salesforce sandbox, documented demo secrets; sandboxes answer loopback
# clients only, so try it from inside the container or mount a config whose sandbox says public: true):
#   docker run -p 3000:3000 -e PARLEY_CONFIG=parley.yaml parley

# ---- build: compile the TypeScript into dist/ and keep only the production dependencies.
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native module from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so this layer is reused until the lockfile changes. --ignore-scripts keeps
# package.json's `prepare` (a build) from running before the sources are here; better-sqlite3's
# install script, the one the service needs, is then run on its own.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3
# The context is only what .dockerignore lets through: manifests, tsconfigs, the two configs, src/, connectors/, mappings/,
# and the build's data-copy script.
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && mkdir -p mappings

# ---- runtime: the compiled service, run by the unprivileged `node` user. The app files stay
# root-owned (read-only to the service); only the data volume is writable.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PARLEY_DATA_DIR=/data HOST=0.0.0.0 PORT=3000 PARLEY_CONFIG=/app/parley.production.yaml
WORKDIR /app
COPY --from=build /app/package.json /app/parley.yaml /app/parley.production.yaml ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/mappings ./mappings
# `npx parley …` (the ops command line) runs dist/src/cli through bin/parley.mjs.
COPY --from=build /app/bin ./bin
# Created and chowned before VOLUME: changes to a volume's path after its declaration are discarded.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch asks /health.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node as PID 1 is fine here: Parley handles SIGTERM/SIGINT itself (src/graceful-shutdown.ts) and starts no child processes.
# The same Node flags as `npm start` (a smaller young generation: less memory, no measured loss of throughput).
CMD ["node", "--max-semi-space-size=8", "dist/src/main.js"]
