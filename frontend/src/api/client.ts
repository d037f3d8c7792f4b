// The one way the app talks to the server: JSON over fetch with the session
// cookie, the CSRF token on unsafe requests and the chosen language in
// Accept-Language (so the server's error messages come back translated).

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** DRF-style field errors flattened to "path: message" lines (detail first). */
  get messages(): string[] {
    return errorMessages(this.body);
  }

  get fieldErrors(): FieldErrors {
    return collectFieldErrors(this.body);
  }
}

/** Network failure (server down, offline): no response at all. */
export class NetworkError extends Error {
  constructor() {
    super('network');
    this.name = 'NetworkError';
  }
}

let acceptLanguage = 'en';

export function setApiLanguage(lang: string): void {
  acceptLanguage = lang;
}

export function getCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Flatten DRF error bodies ({"a": {"b": ["m"]}} and {"a.b": ["m"]} alike) to path -> messages. */
export function collectFieldErrors(body: unknown, prefix = ''): FieldErrors {
  const out: FieldErrors = {};
  const add = (path: string, msg: string) => {
    (out[path] ??= []).push(msg);
  };
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') add(path, v);
    else if (Array.isArray(v)) {
      v.forEach((item, i) => (typeof item === 'string' ? add(path, item) : walk(item, `${path}[${i}]`)));
    } else if (isObject(v)) {
      for (const [k, inner] of Object.entries(v)) walk(inner, path ? `${path}.${k}` : k);
    }
  };
  walk(body, prefix);
  return out;
}

export function errorMessages(body: unknown): string[] {
  if (typeof body === 'string') return body ? [body] : [];
  const fields = collectFieldErrors(body);
  const lines: string[] = [];
  for (const [path, msgs] of Object.entries(fields)) {
    for (const m of msgs) lines.push(path === 'detail' || path === 'non_field_errors' || path === '' ? m : `${path}: ${m}`);
  }
  return lines;
}

export interface RequestOptions {
  /** keep the request alive while the page unloads */
  keepalive?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': acceptLanguage };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = getCookie('csrftoken');
    if (token) headers['X-CSRFToken'] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', keepalive: opts.keepalive, signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new NetworkError();
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  if (!res.ok) {
    const first = errorMessages(data)[0] ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, typeof data === 'string' && data.startsWith('<') ? null : data, first);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
};
