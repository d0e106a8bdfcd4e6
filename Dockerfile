# One image for every service; the command picks the app (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/accounts/src/passwords/common-passwords.txt ./apps/accounts/src/passwords/
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/apps/embedded/main.js"]
