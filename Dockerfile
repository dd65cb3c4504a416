# syntax=docker/dockerfile:1
# Multi-stage image: dependencies (with the generated Prisma client) are installed in one stage and copied
# into a slim runtime that runs as the unprivileged `node` user. The container applies pending migrations,
# then starts the server. Set DATABASE_URL, DISCORD_*, SESSION_SECRET (see .env.example).

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# postinstall runs `prisma generate` (client + DMMF for the admin panel); no native engine is downloaded.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    ADMIN_JS_TMP_DIR=/app/admin-bundle
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY --chown=node:node prisma ./prisma
COPY --chown=node:node scripts ./scripts
COPY --chown=node:node src ./src
COPY --from=deps --chown=node:node /app/src/generated ./src/generated
RUN mkdir -p /app/admin-bundle /app/data && chown node:node /app/admin-bundle /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# exec: node becomes PID 1's child of sh no more, so SIGTERM reaches it and it shuts down gracefully.
CMD ["sh", "-c", "node --import tsx scripts/db-migrate.ts && exec node --import tsx src/main.ts"]
