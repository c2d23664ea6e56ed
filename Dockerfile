# Mötesrum as a container: built once here, run with plain node (docs/deploy.md).
#   docker build -t motesrum .
#   docker run -p 3000:3000 -v motesrum-data:/data motesrum
# The commands below are checked against package.json by tests/unit/container.test.ts.

# ---- build: everything, devDependencies included, then only what runs is kept
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary fits the platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# No .git in the image: the app version (the service worker's cache key) comes from here.
ARG APP_VERSION=container
ENV APP_VERSION=$APP_VERSION
RUN npm run build
RUN npm prune --omit=dev

# ---- runtime: the build and the production dependencies, as the unprivileged node user
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (docs/deploy.md, "Stopping"); allow it 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "build/server.js"]
