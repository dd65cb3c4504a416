# syntax=docker/dockerfile:1
# Three stages: `build` compiles TypeScript to dist/ and pre-bundles the admin panel's components with
# AdminJS's bundler (npm run build); `deps` installs production dependencies only (with the generated
# Prisma client); the slim runtime gets node_modules and dist/ and nothing else (no TypeScript, no tsx
# loader run, no dev tooling), and runs as the unprivileged `node` user. The server applies pending
# migrations at start (under an advisory lock, so several instances may start at once). Set DATABASE_URL, DISCORD_*, SESSION_SECRET (see .env.example).

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# postinstall runs `prisma generate` (client + DMMF for the admin panel); no native engine is downloaded.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Every start migrates first (under an advisory lock): a slow migration on a big database can take minutes
# (docs/decisions/operating.md, "Slow at scale"). Failed checks in the start period do not count, and the first
# passing one marks the container healthy at once, so a long period delays nothing for a normal start; it keeps a
# migrating instance from being reported unhealthy (and restarted by an orchestrator that acts on it) mid-migration.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10m CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# node itself is PID 1 (no shell in between), so SIGTERM reaches its graceful shutdown. The same node flags as
# `npm run start:prod` (test/unit/start-commands.test.ts keeps them equal; docs/decisions/process-roles.md, "Memory").
CMD ["node", "--max-semi-space-size=16", "--enable-source-maps", "dist/src/main.js"]
