import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from '../sessions/sessions.service';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI 3 document of the REST APIs: the operations of controllers that carry an
 * `@ApiTags` (admin, account, partner, registration, and whatever API a later controller tags). The
 * protocol endpoints and pages are left out: OpenID Connect Discovery describes those.
 */
export function buildOpenApiDocument(app: INestApplication, issuer: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Identity platform REST APIs')
    .setDescription(
      'Admin, account (the cabinet), partner and registration APIs of the OpenID Connect provider. Errors are JSON: the admin, account and partner APIs answer ' +
        '`{"error","error_description","fields"}`, registration answers RFC 7591 errors. The OpenID Connect endpoints are described by ' +
        '/.well-known/openid-configuration.',
    )
    .setVersion('1')
    .addServer(issuer)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin_token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an initial access token from POST /admin/initial-access-tokens' }, 'initial_access_token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the registration_access_token returned at registration' }, 'registration_access_token')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_id and client_secret, as at the token endpoint (client_secret_post and JWT assertions work too)' }, 'client_secret_basic')
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: "the browser's SSO session; changes also need the X-CSRF-Token header" }, 'sso_session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an access token of ours: the account scope for /api/account, picture or photo for /api/v1/userdata/photo' }, 'access_token')
    .build();
  const document = SwaggerModule.createDocument(app, config, { autoTagControllers: false });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      if (item[method] && !item[method]!.tags?.length) delete item[method];
    }
    if (!METHODS.some((m) => item[m])) delete document.paths[path];
  }
  return document;
}
