import { CodeRow, GrantRow, RefreshRow } from './grants.service';

/**
 * One round trip per code exchange and per refresh: a data-modifying CTE reads the artifact and
 * its grant, consumes the artifact when every rule the database can check holds (client, not yet
 * used, not expired, redirect_uri, PKCE, resource), inserts the new refresh token when the grant is
 * still live, and revokes the grant when the artifact had already been used. It answers the rows as
 * they were before, so the caller can name the rule that failed when nothing was consumed.
 */

const GRANT_COLUMNS = `g.id AS g_id, g.client_id AS g_client_id, g.user_id AS g_user_id, g.scopes AS g_scopes,
  g.session_id AS g_session_id, g.auth_time AS g_auth_time, g.amr AS g_amr, g.acr AS g_acr, g.resource AS g_resource,
  g.revoked_at AS g_revoked_at, g.bin AS g_bin`;

export const REDEEM_CODE_SQL = `
WITH c AS (
  SELECT * FROM auth.authorization_codes WHERE code_hash = $1
), g AS (
  SELECT * FROM auth.grants WHERE id = (SELECT grant_id FROM c)
), consumed AS (
  UPDATE auth.authorization_codes a SET consumed_at = now()
  FROM c LEFT JOIN g ON true
  WHERE a.code_hash = c.code_hash AND a.consumed_at IS NULL
    AND c.client_id = $2 AND c.expires_at > now() AND c.redirect_uri = $3
    AND c.code_challenge IS NOT DISTINCT FROM $4::text
    AND ($5::text IS NULL OR g.resource IS NULL OR g.resource = $5::text)
    AND ($6::text[] IS NULL OR c.scopes && $6::text[])
  RETURNING a.code_hash
), issued AS (
  INSERT INTO auth.refresh_tokens (token_hash, grant_id, client_id, user_id, scopes, expires_at)
  SELECT $8::text, g.id, g.client_id, g.user_id, c.scopes, now() + make_interval(secs => $9::int)
  FROM consumed, c, g
  WHERE $7::boolean AND 'offline_access' = ANY (c.scopes) AND g.revoked_at IS NULL
  RETURNING token_hash
), reuse AS (
  UPDATE auth.grants SET revoked_at = now(), revoked_reason = 'authorization code reused'
  WHERE id = (SELECT grant_id FROM c WHERE client_id = $2 AND consumed_at IS NOT NULL) AND revoked_at IS NULL
  RETURNING id
)
SELECT c.code_hash, c.grant_id, c.client_id, c.redirect_uri, c.scopes, c.nonce, c.code_challenge, c.expires_at, c.consumed_at,
  c.expires_at <= now() AS expired,
  EXISTS (SELECT 1 FROM consumed) AS consumed_now,
  EXISTS (SELECT 1 FROM issued) AS refresh_issued,
  EXISTS (SELECT 1 FROM reuse) AS revoked_now,
  ${GRANT_COLUMNS}
FROM c LEFT JOIN g ON true`;

export const ROTATE_REFRESH_SQL = `
WITH r AS (
  SELECT * FROM auth.refresh_tokens WHERE token_hash = $1
), g AS (
  SELECT * FROM auth.grants WHERE id = (SELECT grant_id FROM r)
), consumed AS (
  UPDATE auth.refresh_tokens t SET consumed_at = now()
  FROM r LEFT JOIN g ON true
  WHERE t.token_hash = r.token_hash AND t.consumed_at IS NULL
    AND r.client_id = $2 AND r.expires_at > now()
    AND ($3::text[] IS NULL OR (cardinality($3::text[]) > 0 AND $3::text[] <@ r.scopes))
    AND ($4::text IS NULL OR g.resource IS NULL OR g.resource = $4::text)
    AND ($5::text[] IS NULL OR COALESCE($3::text[], r.scopes) && $5::text[])
  RETURNING t.token_hash
), issued AS (
  INSERT INTO auth.refresh_tokens (token_hash, grant_id, client_id, user_id, scopes, expires_at)
  SELECT $6::text, g.id, g.client_id, g.user_id, r.scopes, now() + make_interval(secs => $7::int)
  FROM consumed, r, g
  WHERE g.revoked_at IS NULL
  RETURNING token_hash
), reuse AS (
  UPDATE auth.grants SET revoked_at = now(), revoked_reason = 'refresh token reused'
  WHERE id = (SELECT grant_id FROM r WHERE client_id = $2 AND consumed_at IS NOT NULL) AND revoked_at IS NULL
  RETURNING id
)
SELECT r.token_hash, r.grant_id, r.client_id, r.user_id, r.scopes, r.created_at, r.expires_at, r.consumed_at,
  r.expires_at <= now() AS expired,
  EXISTS (SELECT 1 FROM consumed) AS consumed_now,
  EXISTS (SELECT 1 FROM issued) AS refresh_issued,
  EXISTS (SELECT 1 FROM reuse) AS revoked_now,
  ${GRANT_COLUMNS}
FROM r LEFT JOIN g ON true`;

/** What the statement says happened, besides the rows as they were before it. */
export interface Redemption {
  expired: boolean;
  /** This request consumed the artifact (it won any race). */
  consumedNow: boolean;
  /** A new refresh token was stored. */
  refreshIssued: boolean;
  /** The artifact had been used before, and this statement revoked its grant. */
  revokedNow: boolean;
  grant: GrantRow | null;
}

type RawRow = Record<string, unknown>;

function grantOf(raw: RawRow): GrantRow | null {
  if (raw.g_id == null) return null;
  return {
    id: raw.g_id as string,
    client_id: raw.g_client_id as string,
    user_id: raw.g_user_id as string,
    scopes: raw.g_scopes as string[],
    session_id: (raw.g_session_id as string | null) ?? null,
    auth_time: raw.g_auth_time as Date,
    amr: (raw.g_amr as string[] | null) ?? [],
    acr: (raw.g_acr as string | null) ?? null,
    resource: (raw.g_resource as string | null) ?? null,
    revoked_at: (raw.g_revoked_at as Date | null) ?? null,
    bin: (raw.g_bin as string | null) ?? null,
  };
}

/** PGlite answers booleans as booleans; keep 't' in mind for drivers that do not. */
const bool = (v: unknown): boolean => v === true || v === 't' || v === 'true';

function redemptionOf(raw: RawRow): Redemption {
  return {
    expired: bool(raw.expired),
    consumedNow: bool(raw.consumed_now),
    refreshIssued: bool(raw.refresh_issued),
    revokedNow: bool(raw.revoked_now),
    grant: grantOf(raw),
  };
}

export function codeRedemptionOf(raw: RawRow): { code: CodeRow } & Redemption {
  const code: CodeRow = {
    code_hash: raw.code_hash as string,
    grant_id: raw.grant_id as string,
    client_id: raw.client_id as string,
    redirect_uri: raw.redirect_uri as string,
    scopes: raw.scopes as string[],
    nonce: (raw.nonce as string | null) ?? null,
    code_challenge: (raw.code_challenge as string | null) ?? null,
    expires_at: raw.expires_at as Date,
    consumed_at: (raw.consumed_at as Date | null) ?? null,
  };
  return { code, ...redemptionOf(raw) };
}

export function refreshRedemptionOf(raw: RawRow): { token: RefreshRow } & Redemption {
  const token: RefreshRow = {
    token_hash: raw.token_hash as string,
    grant_id: raw.grant_id as string,
    client_id: raw.client_id as string,
    user_id: raw.user_id as string,
    scopes: raw.scopes as string[],
    created_at: raw.created_at as Date,
    expires_at: raw.expires_at as Date,
    consumed_at: (raw.consumed_at as Date | null) ?? null,
  };
  return { token, ...redemptionOf(raw) };
}
