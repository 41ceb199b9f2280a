# Multi-stage: compile TypeScript, then a slim runtime with production dependencies only.
# The image runs the gateway against an external PostgreSQL given as DATABASE_URL.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY fixtures ./fixtures
RUN npm run build && cp -r src/db/migrations dist/src/db/migrations && cp -r src/web/assets dist/src/web/assets

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production YIPANQI_USE_DIST=1 HOST=0.0.0.0 PORT=8080 YIPANQI_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["node", "bin/yipanqi.mjs"]
CMD ["serve"]
