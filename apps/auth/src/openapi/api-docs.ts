import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi-document';

/** Swagger UI's own files, served from our origin so the page's CSP needs no other host. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: '/api-docs/json', dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Identity platform REST APIs</title>
<link rel="stylesheet" href="/api-docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"><p>The document itself: <a href="/api-docs/json">/api-docs/json</a></p></div>
<script src="/api-docs/swagger-ui-bundle.js"></script>
<script src="/api-docs/swagger-ui-standalone-preset.js"></script>
<script src="/api-docs/init.js"></script>
</body>
</html>
`;

/** Scripts and styles from our origin only; Swagger UI sets styles through the DOM and shows inline SVG images. */
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * `/api-docs` (Swagger UI) and `/api-docs/json` (the OpenAPI 3 document). The document is built
 * at the first request, when every controller is known.
 */
export function registerApiDocs(app: INestApplication, fastify: FastifyInstance, issuer: string): void {
  let document: OpenAPIObject | undefined;
  // The package's main module evaluates the whole Swagger UI bundle (about 35 MB of resident
  // memory in every process); only its folder is needed, to serve the files from.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const root = (require('swagger-ui-dist/absolute-path.js') as () => string)();
  fastify.get('/api-docs/json', async (_req, reply) => {
    document ??= buildOpenApiDocument(app, issuer);
    return reply.header('Cache-Control', 'no-cache').send(document);
  });
  fastify.get('/api-docs', async (_req, reply) =>
    reply.headers({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': DOCS_CSP, 'Cache-Control': 'no-cache' }).send(PAGE),
  );
  fastify.get('/api-docs/init.js', async (_req, reply) => reply.header('Content-Type', 'application/javascript; charset=utf-8').send(INIT));
  for (const [file, type] of Object.entries(ASSETS)) {
    let body: Buffer | undefined;
    fastify.get(`/api-docs/${file}`, async (_req, reply) => {
      body ??= readFileSync(join(root, file));
      return reply.headers({ 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' }).send(body);
    });
  }
}
