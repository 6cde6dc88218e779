# CheckProof Directory. In containers use a real PostgreSQL (DATABASE_URL); the embedded one is for
# laptops. TLS ends at a reverse proxy in front (docs/deploy.md).

# Build: every dependency (TypeScript, Vite), then the server and the console into dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY src ./src
COPY web ./web
COPY bench ./bench
COPY faults ./faults
RUN npm run build

# Production dependencies only, installed from the lock file apart from the build's tree.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Runtime: dist and production dependencies, as the image's unprivileged `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# The code is root's and read-only to the service; DATA_DIR (the development admin token, the
# embedded cluster) is the only place it writes.
ENV DATA_DIR=/var/lib/checkproof
RUN mkdir -p /var/lib/checkproof && chown node:node /var/lib/checkproof
USER node
EXPOSE 3000
# No curl in the image: Node's fetch asks the readiness probe (database reachable, not draining).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
