import type { Env } from "../env.ts";
import { parseAccess, type AccessConfig } from "./access-config.ts";
import { activePolicyResult } from "../mask/policy/active-policy.ts";
import { parsePartitions } from "./partitions-spec.ts";
import { parseRetention, type RetentionPolicy } from "./retention-spec.ts";
import { isLoopbackHost, sameSite } from "./sites.ts";

/** The recorder's settings, parsed once per `env` object from wrangler vars and secrets. */
export type Config = {
  /** Where requests go. `null`: the proxied hostname's own origin (`fetch(request)`, the route pattern). */
  origin: URL | null;
  /**
   * ORIGIN mode only: send the visitor's `Host` to the origin instead of ORIGIN's host, for origins that
   * route virtual hosts or build absolute URLs from `Host` (nginx `proxy_set_header Host $host`).
   */
  forwardHost: boolean;
  /** Cookie names the origin uses for its sessions; any of them identifies a visitor's session. */
  sessionCookies: readonly string[];
  /** Path prefixes that are proxied but never recorded. */
  excludePaths: readonly string[];
  bodyCapBytes: number;
  ipv4PrefixBits: number;
  ipv6PrefixBits: number;
  recording: boolean;
  extraContentTypes: readonly string[];
  /** Keys every HMAC the recorder stores instead of a secret value. */
  secret: string;
  adminToken: string | null;
  /**
   * The parent host of replay origins: a page view replays at `<session>--<pageview>.<replayHost>`, an origin
   * of its own, so recorded scripts can never reach the console's cookies or the live site.
   */
  replayHost: string;
  /**
   * The console's and API's own host (CONSOLE_HOST): never the site's origin, never a replay origin, and on a
   * registrable domain of its own, so no script on a live or replayed page can reach the archive.
   */
  consoleHost: string;
  /**
   * Local dev: the console is on a loopback name (`console.localhost`). Only then are the documented demo
   * credentials accepted; a deployment on real hosts refuses them.
   */
  local: boolean;
  /** Cloudflare Access in front of the console, or null when it is not configured (API tokens only). */
  access: AccessConfig | null;
  /** Keys the commitments `prove` checks; separate from `secret`. Null: no commitments are made. */
  commitmentSecret: string | null;
  /** Most bytes one session may add to the archive before it is proxied without being recorded. */
  sessionQuotaBytes: number;
  /**
   * How many recording shards (Durable Objects) share the recording work. Each takes up to ~1,000
   * exchanges/s (the platform's soft limit per object): size it to peak traffic (docs/architecture.md).
   */
  recordingShards: number;
  /**
   * How long the visitor's isolate gathers exchanges before handing them over in one call
   * (capture/hand-off-batch.ts). Recording waits that much longer; the visitor waits for none of it.
   */
  handOffBatchMs: number;
  /**
   * How long sessions are kept, per site (RETENTION; config/retention-spec.ts). Null when RETENTION does not
   * parse: the retention job then deletes nothing until it is fixed.
   */
  retention: RetentionPolicy | null;
};

/**
 * A bad config never takes the site down: `passThrough` is the config to keep proxying with (recording off)
 * while ops read the errors on the health endpoint; it is null only when ORIGIN itself is unusable.
 */
export type ConfigResult =
  | { ok: true; config: Config }
  | {
      ok: false;
      errors: readonly string[];
      passThrough: Config | null;
      /**
       * Everything else as parsed, recording off: what the console and replay read with, so ops can sign in
       * and read the errors on health even when ORIGIN itself is unusable.
       */
      reading: Config;
    };

const MIN_SECRET_LENGTH = 16;
const cache = new WeakMap<Env, ConfigResult>();

export function loadConfig(env: Env): ConfigResult {
  const cached = cache.get(env);
  if (cached) return cached;
  const result = parseConfig(env);
  cache.set(env, result);
  return result;
}

/** cf.resolveOverride takes a DNS name: not an IP literal, and not a loopback name no zone can hold. */
function resolvableByName(hostname: string): boolean {
  return !/^[\d.]+$|^\[|^localhost$|\.localhost$/i.test(hostname);
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Parses vars into a Config, collecting every problem so ops see them all at once (health endpoint, logs). */
export function parseConfig(env: Env): ConfigResult {
  const errors: string[] = [];

  let origin: URL | null = null;
  const rawOrigin = (env.ORIGIN ?? "").trim();
  if (rawOrigin !== "") {
    try {
      origin = new URL(rawOrigin);
      if (origin.protocol !== "http:" && origin.protocol !== "https:") {
        errors.push(`ORIGIN must be an http(s) URL, got protocol "${origin.protocol}"`);
      }
    } catch {
      errors.push(`ORIGIN is not a valid URL: "${rawOrigin}"`);
    }
  }

  const forwardHostRaw = (env.FORWARD_HOST ?? "off").trim().toLowerCase();
  let forwardHost = forwardHostRaw === "on";
  if (forwardHostRaw !== "on" && forwardHostRaw !== "off") {
    errors.push(
      `FORWARD_HOST must be "on" (send the visitor's Host to ORIGIN) or "off" (send ORIGIN's host), got "${env.FORWARD_HOST}"`,
    );
  } else if (forwardHost && origin && !resolvableByName(origin.hostname)) {
    // See upstream-request.ts: the visitor's Host reaches ORIGIN only through cf.resolveOverride, which takes
    // a host name in the site's zone; locally workerd ignores it and the recorder would fetch itself.
    errors.push(
      `FORWARD_HOST=on needs ORIGIN to name a host in the site's Cloudflare zone (Workers send the visitor's Host by resolving it as ORIGIN's host, cf.resolveOverride); got "${origin.hostname}". Use FORWARD_HOST=off and X-Forwarded-Host instead`,
    );
    forwardHost = false;
  }

  const bodyCapBytes = Number(env.BODY_CAP_BYTES ?? "10485760");
  if (!Number.isInteger(bodyCapBytes) || bodyCapBytes < 0) {
    errors.push(`BODY_CAP_BYTES must be a whole number of bytes, got "${env.BODY_CAP_BYTES}"`);
  }

  const [v4 = "24", v6 = "48", ...extra] = list(env.IP_TRUNCATE ?? "24,48");
  const ipv4PrefixBits = Number(v4);
  const ipv6PrefixBits = Number(v6);
  if (
    extra.length > 0 ||
    !Number.isInteger(ipv4PrefixBits) ||
    ipv4PrefixBits < 0 ||
    ipv4PrefixBits > 32 ||
    !Number.isInteger(ipv6PrefixBits) ||
    ipv6PrefixBits < 0 ||
    ipv6PrefixBits > 128
  ) {
    errors.push(`IP_TRUNCATE must be "<ipv4 bits 0-32>,<ipv6 bits 0-128>", got "${env.IP_TRUNCATE}"`);
  }

  const recordingRaw = (env.RECORDING ?? "on").trim().toLowerCase();
  if (recordingRaw !== "on" && recordingRaw !== "off") {
    errors.push(`RECORDING must be "on" or "off", got "${env.RECORDING}"`);
  }
  const recording = recordingRaw !== "off";

  const secret = env.VERBATIM_SECRET ?? "";
  if (recording && secret.length < MIN_SECRET_LENGTH) {
    errors.push(
      `VERBATIM_SECRET must be set (at least ${MIN_SECRET_LENGTH} characters) to record: it keys the hashes stored instead of cookie values`,
    );
  }

  const excludePaths = list(env.EXCLUDE_PATHS);
  for (const path of excludePaths) {
    if (!path.startsWith("/")) errors.push(`EXCLUDE_PATHS entries must start with "/", got "${path}"`);
  }

  const sessionCookies = list(env.SESSION_COOKIES);
  for (const name of sessionCookies) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      errors.push(`SESSION_COOKIES has an invalid cookie name "${name}" (RFC 6265 token)`);
    }
  }

  const partitions = parsePartitions(
    env.INDEX_PARTITIONS,
    (name) => (env as unknown as Record<string, unknown>)[name],
  );
  if (!partitions.ok) errors.push(partitions.error);

  const retention = parseRetention(env.RETENTION);
  if (!retention.ok) errors.push(retention.error);

  const coalesceRaw = (env.RECORD_COALESCE_MS ?? "500").trim();
  if (!/^\d{1,5}$/.test(coalesceRaw) || Number(coalesceRaw) > 10_000) {
    errors.push(
      `RECORD_COALESCE_MS must be a whole number of milliseconds from 0 to 10000, got "${env.RECORD_COALESCE_MS}"`,
    );
  }

  const policy = activePolicyResult();
  if (!policy.ok)
    for (const error of policy.errors)
      errors.push(`masking policy (wrangler.toml [alias] verbatim-policy): ${error}`);

  const replayHost = (env.REPLAY_HOST ?? "replay.localhost").trim().toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(replayHost)) {
    errors.push(`REPLAY_HOST must be a host name such as replay.example.com, got "${env.REPLAY_HOST}"`);
  }

  const consoleHost = (env.CONSOLE_HOST ?? "console.localhost").trim().toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(consoleHost)) {
    errors.push(`CONSOLE_HOST must be a host name such as verbatim.example.net, got "${env.CONSOLE_HOST}"`);
  } else if (sameSite(consoleHost, replayHost)) {
    errors.push(
      `CONSOLE_HOST (${consoleHost}) and REPLAY_HOST (${replayHost}) share a registrable domain (Public Suffix List): a replayed script would be same-site with the console. Put replays on a domain of their own`,
    );
  }
  const local = isLoopbackHost(consoleHost);

  const access = parseAccess(env, local, errors);

  const commitmentSecret = env.COMMITMENT_SECRET ?? "";
  if (commitmentSecret !== "" && commitmentSecret.length < MIN_SECRET_LENGTH)
    errors.push(`COMMITMENT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  else if (commitmentSecret !== "" && commitmentSecret === secret)
    errors.push("COMMITMENT_SECRET must differ from VERBATIM_SECRET: commitments have a key of their own");

  const quotaRaw = (env.SESSION_QUOTA_BYTES ?? "104857600").trim();
  const sessionQuotaBytes = Number(quotaRaw);
  const quotaOk = /^\d{1,15}$/.test(quotaRaw) && sessionQuotaBytes >= 1024;
  if (!quotaOk)
    errors.push(
      `SESSION_QUOTA_BYTES must be a whole number of bytes, at least 1024, got "${env.SESSION_QUOTA_BYTES}"`,
    );

  const shardsRaw = (env.RECORDING_SHARDS ?? "8").trim();
  const recordingShards = Number(shardsRaw);
  if (!/^\d{1,4}$/.test(shardsRaw) || recordingShards < 1 || recordingShards > 1024) {
    errors.push(`RECORDING_SHARDS must be a whole number from 1 to 1024, got "${env.RECORDING_SHARDS}"`);
  }

  const batchRaw = (env.HANDOFF_BATCH_MS ?? "50").trim();
  const handOffBatchMs = Number(batchRaw);
  const batchOk = /^\d{1,4}$/.test(batchRaw) && handOffBatchMs <= 1000;
  if (!batchOk) {
    errors.push(
      `HANDOFF_BATCH_MS must be a whole number of milliseconds from 0 to 1000, got "${env.HANDOFF_BATCH_MS}"`,
    );
  }

  const extraContentTypes = list(env.EXTRA_CONTENT_TYPES).map((type) => type.toLowerCase());
  for (const type of extraContentTypes) {
    if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+*-]+$/.test(type)) {
      errors.push(`EXTRA_CONTENT_TYPES has an invalid media type "${type}"`);
    }
  }

  const config: Config = {
    origin,
    forwardHost,
    sessionCookies,
    excludePaths,
    bodyCapBytes: Number.isInteger(bodyCapBytes) && bodyCapBytes >= 0 ? bodyCapBytes : 10485760,
    ipv4PrefixBits: Number.isInteger(ipv4PrefixBits) ? ipv4PrefixBits : 24,
    ipv6PrefixBits: Number.isInteger(ipv6PrefixBits) ? ipv6PrefixBits : 48,
    recording,
    extraContentTypes,
    secret,
    adminToken: env.ADMIN_TOKEN && env.ADMIN_TOKEN.length > 0 ? env.ADMIN_TOKEN : null,
    replayHost,
    consoleHost,
    local,
    access,
    commitmentSecret: commitmentSecret.length >= MIN_SECRET_LENGTH ? commitmentSecret : null,
    sessionQuotaBytes: quotaOk ? sessionQuotaBytes : 104857600,
    recordingShards:
      /^\d{1,4}$/.test(shardsRaw) && recordingShards >= 1 && recordingShards <= 1024 ? recordingShards : 8,
    handOffBatchMs: batchOk ? handOffBatchMs : 50,
    retention: retention.ok ? retention.policy : null,
  };
  if (errors.length === 0) return { ok: true, config };
  const originBroken = errors.some((e) => e.startsWith("ORIGIN"));
  const reading = { ...config, recording: false };
  return { ok: false, errors, passThrough: originBroken ? null : reading, reading };
}
