import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CountryCode, getCountries } from 'libphonenumber-js';
import { CertificateLoginConfig, loadCertificateConfig } from './certificate-config';

/** Which process is reading the configuration: decides which variables are mandatory. */
export type RunMode = 'embedded' | 'auth' | 'accounts' | 'consent';

export interface AppConfig {
  mode: RunMode;
  /** Public issuer URL, without a trailing slash. */
  issuer: string;
  port: number;
  host: string;
  /** PostgreSQL URL; undefined means embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** NATS URL; undefined means the in-process bus (embedded mode only). */
  natsUrl?: string;
  adminToken: string;
  /** Where a generated admin token was written, for the start-up banner. */
  adminTokenFile?: string;
  keyEncryptionKey: Buffer;
  /** Salt of pairwise subject identifiers; changing it changes every pairwise `sub`. */
  pairwiseSalt: string;
  smsWebhookUrl?: string;
  smtpUrl?: string;
  /** Sender address of e-mail with codes. */
  smtpFrom: string;
  devOutbox: boolean;
  /** Region of phone numbers typed without a country code (ISO 3166 alpha-2). */
  phoneRegion: CountryCode;
  otp: OtpConfig;
  /** How long a bus request may take before it becomes temporarily_unavailable. */
  busTimeoutMs: number;
  /** Failed password checks allowed per identifier and per IP in a window, before a wait. */
  passwordThrottle: { perIdentifier: number; perIp: number; windowSeconds: number };
  /** Let client-chosen URLs (jwks_uri, sector_identifier_uri, back-channel logout) reach loopback and private addresses. */
  outboundAllowPrivate: boolean;
  /** Believe X-Forwarded-For (only behind a proxy that sets it); per-IP limits key on the result. */
  trustProxy: boolean;
  /** Cost factor of bcrypt for new password hashes. */
  bcryptCost: number;
  logLevel: string;
  /** Redis URL; when set, rate-limit counters live there instead of in PostgreSQL. */
  redisUrl?: string;
  /** Built-in rate limits of the protocol endpoints, per client IP and per client, in one window. */
  rateLimits: RateLimitsConfig;
  /** Wrong one-time codes allowed per destination and per IP in a window, across codes, before a wait. */
  otpCheckThrottle: { perDestination: number; perIp: number; windowSeconds: number };
  /** Registers the /demo relying party (on by default in embedded mode). */
  demo: boolean;
  keys: SigningKeysConfig;
  ttl: {
    /** Authorization codes: RFC 6749 recommends at most 10 minutes; 5 as Aitu. */
    code: number;
    /** Default access token lifetime when the client sets none. */
    accessToken: number;
    /** Default refresh token lifetime when the client sets none. */
    refreshToken: number;
    idToken: number;
    /** SSO session lifetime. */
    session: number;
    /** A login/consent interaction must finish within this time. */
    interaction: number;
  };
  /** Certificate login (CERT_*). */
  certificates: CertificateLoginConfig;
  /** Days a browser the user chose to trust skips the second factor. */
  trustedDeviceDays: number;
  /** Processes of the auth app (node:cluster): every core in distributed mode, one in embedded mode. */
  authWorkers: number;
  /** DNS servers (host or host:port) for domain verification TXT lookups; empty = the system's. */
  dnsServers: string[];
}

/** Rotation of the signing keys shared by all auth instances. */
export interface SigningKeysConfig {
  /** Seconds a key signs before the schedule replaces it; 0 turns the schedule off (rotate by hand only). */
  rotationInterval: number;
  /**
   * Seconds a new key sits in the JWKS before it signs, so relying parties that cache the JWKS
   * (ours says max-age=300) already hold it when they meet its first token.
   */
  prepublish: number;
  /** Seconds an auth instance trusts its copy of the keys before reading them again from the database. */
  reload: number;
}

/** Requests allowed in one window; 0 switches that counter off. */
export interface EndpointLimit {
  perIp: number;
  perClient: number;
}

export interface RateLimitsConfig {
  /** Length of the fixed counting window in seconds. */
  windowSeconds: number;
  token: EndpointLimit;
  deviceAuthorization: EndpointLimit;
  introspection: EndpointLimit;
  registration: EndpointLimit;
}

/** One-time codes by SMS and e-mail. Defaults are Aitu Passport's rules (PROTOCOL-FACTS.md). */
export interface OtpConfig {
  /** Seconds a code lives. */
  ttl: number;
  /** Wrong entries a code survives; the next one needs a new code. */
  maxAttempts: number;
  /** Seconds before a new code may go to the same destination for the same purpose. */
  resendInterval: number;
  /**
   * Ceilings on codes sent, against SMS pumping (paid messages sent to premium numbers by bots):
   * per destination and per client IP address, per rolling hour and day.
   */
  perDestination: { hour: number; day: number };
  perIp: { hour: number; day: number };
  /** SMS gateway: how long one attempt may take, and how many attempts after the first on 5xx or timeout. */
  smsTimeoutMs: number;
  smsRetries: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

function region(env: Env, name: string, fallback: CountryCode): CountryCode {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const code = raw.toUpperCase() as CountryCode;
  if (!getCountries().includes(code)) throw new ConfigError(`${name} must be a two-letter country code such as KZ, got "${raw}"`);
  return code;
}

/** Reads a secret from the environment or, in embedded mode, from (or into) a file under DATA_DIR. */
function secret(
  env: Env,
  name: string,
  mode: RunMode,
  dataDir: string | undefined,
  file: string,
  make: () => string,
): { value: string; file?: string } {
  const raw = env[name];
  if (raw) return { value: raw };
  if (mode !== 'embedded' || !dataDir) {
    throw new ConfigError(`${name} is required outside embedded mode`);
  }
  if (dataDir.startsWith('memory://')) return { value: make() };
  const path = join(dataDir, file);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), file: path };
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(path, value + '\n', { mode: 0o600 });
  return { value, file: path };
}

/**
 * Reads and validates the configuration once at boot. Throws ConfigError naming the variable
 * at fault; callers print it and exit.
 */
export function loadConfig(mode: RunMode, env: Env = process.env): AppConfig {
  const issuerRaw = url(env, 'ISSUER', ['http:', 'https:']) ?? 'http://localhost:3000';
  const issuer = issuerRaw.replace(/\/+$/, '');
  if (new URL(issuer).search || new URL(issuer).hash) {
    throw new ConfigError('ISSUER must not carry a query or fragment');
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const natsUrl = url(env, 'NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']);
  if (mode !== 'embedded') {
    if (!databaseUrl) throw new ConfigError(`DATABASE_URL is required for the ${mode} service`);
    if (!natsUrl) throw new ConfigError(`NATS_URL is required for the ${mode} service (the in-process bus exists only in embedded mode)`);
  }
  const dataDir = env.DATA_DIR?.startsWith('memory://') ? env.DATA_DIR : resolve(env.DATA_DIR || './.data');
  const embeddedData = databaseUrl ? undefined : dataDir;

  const admin = secret(env, 'ADMIN_TOKEN', mode, embeddedData, 'admin-token', () => randomBytes(24).toString('base64url'));
  const kek = secret(env, 'KEY_ENCRYPTION_KEY', mode, embeddedData, 'key-encryption-key', () => randomBytes(32).toString('base64'));
  // Only auth derives pairwise subjects; the other services never need the salt.
  const pairwise = mode === 'accounts' || mode === 'consent' ? { value: '' } : secret(env, 'PAIRWISE_SALT', mode, embeddedData, 'pairwise-salt', () => randomBytes(32).toString('base64url'));
  const keyEncryptionKey = Buffer.from(kek.value, 'base64');
  if (keyEncryptionKey.length !== 32) {
    throw new ConfigError('KEY_ENCRYPTION_KEY must be 32 random bytes, base64-encoded');
  }
  if (admin.value.length < 16) throw new ConfigError('ADMIN_TOKEN must be at least 16 characters');

  return {
    mode,
    issuer,
    port: int(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    natsUrl,
    adminToken: admin.value,
    adminTokenFile: admin.file,
    keyEncryptionKey,
    pairwiseSalt: pairwise.value,
    smsWebhookUrl: url(env, 'SMS_WEBHOOK_URL', ['http:', 'https:']),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    smtpFrom: env.SMTP_FROM || `no-reply@${new URL(issuer).hostname}`,
    devOutbox: flag(env, 'DEV_OUTBOX', mode === 'embedded'),
    phoneRegion: region(env, 'PHONE_DEFAULT_REGION', 'KZ'),
    otp: {
      ttl: int(env, 'OTP_TTL', 330, 30),
      maxAttempts: int(env, 'OTP_MAX_ATTEMPTS', 5, 1),
      resendInterval: int(env, 'OTP_RESEND_INTERVAL', 120, 0),
      // With a 120 s interval one destination could get 30 an hour; a person needs a handful.
      perDestination: { hour: int(env, 'OTP_MAX_PER_DESTINATION_HOUR', 5, 1), day: int(env, 'OTP_MAX_PER_DESTINATION_DAY', 10, 1) },
      // Higher, since many people share an address behind a mobile carrier's or an office's NAT.
      perIp: { hour: int(env, 'OTP_MAX_PER_IP_HOUR', 30, 1), day: int(env, 'OTP_MAX_PER_IP_DAY', 200, 1) },
      smsTimeoutMs: int(env, 'SMS_WEBHOOK_TIMEOUT_MS', 5000, 100),
      smsRetries: int(env, 'SMS_WEBHOOK_RETRIES', 3, 0),
    },
    busTimeoutMs: int(env, 'BUS_TIMEOUT_MS', 3000, 100),
    outboundAllowPrivate: flag(env, 'OUTBOUND_ALLOW_PRIVATE', false),
    trustProxy: flag(env, 'TRUST_PROXY', false),
    bcryptCost: int(env, 'BCRYPT_COST', 11, 4),
    passwordThrottle: {
      perIdentifier: int(env, 'PASSWORD_FAILURES_PER_IDENTIFIER', 10, 1),
      perIp: int(env, 'PASSWORD_FAILURES_PER_IP', 100, 1),
      windowSeconds: int(env, 'PASSWORD_FAILURE_WINDOW', 900, 10),
    },
    logLevel: env.LOG_LEVEL || 'info',
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    rateLimits: rateLimits(env),
    // Each code already dies after 5 wrong entries; these cap the guesses spread over many codes.
    otpCheckThrottle: {
      perDestination: int(env, 'OTP_FAILURES_PER_DESTINATION', 15, 1),
      perIp: int(env, 'OTP_FAILURES_PER_IP', 60, 1),
      windowSeconds: int(env, 'OTP_FAILURE_WINDOW', 900, 10),
    },
    demo: flag(env, 'DEMO', mode === 'embedded'),
    keys: {
      rotationInterval: int(env, 'KEY_ROTATION_INTERVAL', 90 * 24 * 3600, 0),
      // An hour: well over the JWKS max-age (300 s) plus one reload of every instance.
      prepublish: int(env, 'KEY_PREPUBLISH_SECONDS', 3600, 0),
      reload: int(env, 'KEY_RELOAD_SECONDS', 60, 1),
    },
    ttl: {
      code: int(env, 'CODE_TTL', 300, 1),
      accessToken: int(env, 'ACCESS_TOKEN_TTL', 3600, 1),
      refreshToken: int(env, 'REFRESH_TOKEN_TTL', 30 * 24 * 3600, 1),
      idToken: int(env, 'ID_TOKEN_TTL', 1800, 1),
      session: int(env, 'SESSION_TTL', 14 * 24 * 3600, 60),
      interaction: int(env, 'INTERACTION_TTL', 3600, 60),
    },
    certificates: loadCertificateConfig(env, (message) => new ConfigError(message)),
    // A month, as most providers offer; 0 hides the "trust this browser" choice.
    trustedDeviceDays: int(env, 'TRUSTED_DEVICE_DAYS', 30, 0),
    authWorkers: mode === 'embedded' ? 1 : int(env, 'AUTH_WORKERS', availableParallelism(), 1),
    dnsServers: dnsServers(env, 'DNS_SERVERS'),
  };
}

/**
 * Defaults sized for real traffic: a busy backend or a NAT full of people stays well under them,
 * a guesser or a runaway loop meets them within a minute. A load test from one address raises
 * them (or sets 0, which skips the counter and its round trip entirely).
 */
function rateLimits(env: Env): RateLimitsConfig {
  const limit = (name: string, perIp: number, perClient: number): EndpointLimit => ({
    perIp: int(env, `RATE_LIMIT_${name}_PER_IP`, perIp, 0),
    perClient: int(env, `RATE_LIMIT_${name}_PER_CLIENT`, perClient, 0),
  });
  const off = !flag(env, 'RATE_LIMITS', true);
  const limits: RateLimitsConfig = {
    windowSeconds: int(env, 'RATE_LIMIT_WINDOW', 60, 1),
    // 50 a second from one address, 200 a second for one client, sustained over the minute.
    token: limit('TOKEN', 3000, 12000),
    // A device asks for a code when a person starts a sign-in: a few a minute is plenty.
    deviceAuthorization: limit('DEVICE_AUTHORIZATION', 60, 600),
    // Resource servers introspect on every call they get.
    introspection: limit('INTROSPECTION', 6000, 30000),
    // Registration needs a token anyway; this caps a leaked one, or a partner's runaway script.
    // Per client means per initial access token (POST) or per registered client (RFC 7592 calls).
    registration: limit('REGISTRATION', 300, 300),
  };
  if (off) {
    for (const key of ['token', 'deviceAuthorization', 'introspection', 'registration'] as const) limits[key] = { perIp: 0, perClient: 0 };
  }
  return limits;
}

function dnsServers(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((s) => !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|[0-9a-fA-F:]+)(:\d{1,5})?$/.test(s));
  if (bad) throw new ConfigError(`${name}: "${bad}" is not a host or host:port`);
  return list;
}
