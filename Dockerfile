# RADIANT container image: docs/deploy.md explains the choices and the environment.
#
#   docker build -t radiant .
#   docker run --init -p 3000:3000 \
#     -e DATABASE_URL=postgres://radiant:...@db:5432/radiant -e REDIS_URL=redis://redis:6379 \
#     -e AUTH_SECRET=... -e RADIANT_SECRET_KEY=... -e METRICS_TOKEN=... radiant
#
# Without DATABASE_URL the embedded PostgreSQL (PGlite) keeps its data in the /data volume
# (one instance only). RADIANT_ENV=production: the image refuses to start without AUTH_SECRET and
# RADIANT_SECRET_KEY, loads no demo people, and prints how to create the first super_admin
# (`docker exec <container> npm run admin:create -- --email you@example.com`).

# ---- dependencies (cached until package.json / package-lock.json change) ----------------------
FROM node:20-slim AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# Dev dependencies are kept: `npm start` runs scripts/start.ts with tsx (the custom server that
# serves the gateway's fast path next to Next.js).
RUN npm ci

# ---- build ------------------------------------------------------------------------------------------
FROM node:20-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npx next build

# ---- runtime ----------------------------------------------------------------------------------------
FROM node:20-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    RADIANT_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0 \
    PORT=3000 \
    RADIANT_DATA_DIR=/data
RUN groupadd --system --gid 10001 radiant \
 && useradd --system --uid 10001 --gid radiant --home-dir /app --shell /usr/sbin/nologin radiant \
 && mkdir -p /data \
 && chown radiant:radiant /data
COPY --from=build --chown=radiant:radiant /app ./
USER radiant
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# npm forwards SIGTERM to the server, which stops taking requests, flushes metering and exits.
CMD ["npm", "start"]
