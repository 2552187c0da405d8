/** A thin client of the reference migration service's HTTP API; every call resolves (failures count, never throw). */

export interface ApiResult<T = unknown> {
  ok: boolean;
  status: number;
  body: T | undefined;
}

export interface Organisation {
  id: string;
  name: string;
  type: string;
}

export interface Project {
  id: string;
  name: string;
}

export interface Run {
  id: string;
  status: string;
}

export class MigrationApi {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiResult<T>> {
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let parsed: T | undefined;
      try {
        parsed = text ? (JSON.parse(text) as T) : undefined;
      } catch {
        parsed = undefined;
      }
      return { ok: res.ok, status: res.status, body: parsed };
    } catch {
      return { ok: false, status: 0, body: undefined };
    }
  }

  createOrganisation(name: string, type: string) {
    return this.call<Organisation>('POST', '/organisations', { name, type, instanceUrl: `https://${type}.example.my.salesforce.com` });
  }

  createProject(name: string, sourceOrgId: string, targetOrgId: string, template: string) {
    return this.call<Project>('POST', '/projects', { name, sourceOrgId, targetOrgId, template });
  }

  startRun(projectId: string, options: { records: number; failureRate: number; batchSize: number; failAt?: string }) {
    return this.call<Run>('POST', `/projects/${projectId}/runs`, options);
  }
}
