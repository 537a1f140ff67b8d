# syntax=docker/dockerfile:1
# One image for all four services (and the Salla simulator of the demo); the container command picks which:
#   node dist/apps/<gateway|salla-connector|odoo-connector|privacy-service>/src/main.js
# No HEALTHCHECK: Compose and Kubernetes probe /health/live and /health/ready themselves.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: dev dependencies + TypeScript -> dist/ -----------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No package needs an install script; skipping them keeps the build free of surprise downloads.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts/build-all.mjs ./scripts/build-all.mjs
COPY libs ./libs
COPY tools ./tools
COPY apps ./apps
RUN npm run build

# --- prod-deps: production dependencies only, resolved from the same lockfile ---------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_PORT=3000
WORKDIR /app
# Owned by root and read-only for the service user: the app never writes next to its code (the root
# filesystem is mounted read-only in Compose and Kubernetes; only /tmp is writable there).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The node image's unprivileged user; numeric so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
USER 1000:1000
EXPOSE 3000
# Services trap SIGTERM to drain Kafka work before exiting (terminationGracePeriodSeconds covers it).
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/gateway/src/main.js"]
