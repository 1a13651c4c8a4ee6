# One image for the worker and the API; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false
# The whole tree, not only .ts: web/templates and web/static are read at run time (web/plugin.ts).
COPY . .
# Workflow spans need OpenTelemetry interceptors inside the bundle, and they run in every workflow
# even with tracing off: the image leaves them out unless asked (`--build-arg TRACING=1`).
ARG TRACING=
RUN npx tsx scripts/build-workflow-bundle.ts build/workflow-bundle.js ${TRACING:+--tracing}
ENV WORKFLOW_BUNDLE_PATH=/app/build/workflow-bundle.js
USER node
CMD ["node", "--import", "tsx", "worker.ts"]
