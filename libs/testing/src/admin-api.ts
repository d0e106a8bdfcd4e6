/** The admin REST API, as an operator's script would call it. */
export class AdminApi {
  constructor(private readonly base: string, private readonly token: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async createClient(metadata: Record<string, unknown>): Promise<any> {
    const res = await this.call('POST', '/admin/clients', metadata);
    if (res.status !== 201) throw new Error(`client not created: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async createUser(user: Record<string, unknown>): Promise<any> {
    const res = await this.call('POST', '/admin/users', user);
    if (res.status !== 201) throw new Error(`user not created: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }

  async createResource(resource: Record<string, unknown>): Promise<any> {
    const res = await this.call('POST', '/admin/resources', resource);
    if (res.status !== 201) throw new Error(`resource not created: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  }
}

/** Form-encoded POST to a protocol endpoint; returns status, JSON body and headers. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

export const basic = (id: string, secret: string) =>
  'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
