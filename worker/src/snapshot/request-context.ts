import { deviceClass, type DeviceClass } from "./device-class.ts";
import { truncateIp } from "./ip-truncate.ts";

/** What drives personalisation, kept so support can explain why a customer saw what they saw. */
export type RequestContext = {
  userAgent: string | null;
  device: DeviceClass;
  acceptLanguage: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  postalCode: string | null;
  timezone: string | null;
  /** Truncated per policy (e.g. 203.0.113.0/24), never the full address. */
  clientNetwork: string | null;
};

type CfGeo = {
  country?: unknown;
  region?: unknown;
  city?: unknown;
  postalCode?: unknown;
  timezone?: unknown;
};

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function clientIpOf(request: Request): string | null {
  return request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip");
}

export function requestContext(request: Request, v4Bits: number, v6Bits: number): RequestContext {
  const cf = (request.cf ?? {}) as CfGeo;
  const userAgent = request.headers.get("user-agent");
  return {
    userAgent,
    device: deviceClass(userAgent),
    acceptLanguage: request.headers.get("accept-language"),
    country: str(cf.country),
    region: str(cf.region),
    city: str(cf.city),
    postalCode: str(cf.postalCode),
    timezone: str(cf.timezone),
    clientNetwork: truncateIp(clientIpOf(request), v4Bits, v6Bits),
  };
}
