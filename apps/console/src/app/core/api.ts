import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom, type Observable } from 'rxjs';
import { toApiError } from './api-error';

export const API_BASE = '/api/v1';

type Query = Record<string, string | number | boolean | null | undefined>;

function params(query: Query | undefined): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined && value !== '') {
      result = result.set(key, String(value));
    }
  }
  return result;
}

/**
 * The one place the console talks HTTP to the gateway. Promise-based (pages await one answer);
 * failures are always `ApiError`.
 */
@Injectable({ providedIn: 'root' })
export class Api {
  private readonly http = inject(HttpClient);

  get<T>(path: string, query?: Query): Promise<T> {
    return this.run(this.http.get<T>(API_BASE + path, { params: params(query) }));
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.run(this.http.post<T>(API_BASE + path, body));
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.run(this.http.put<T>(API_BASE + path, body));
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.run(this.http.patch<T>(API_BASE + path, body));
  }

  delete(path: string): Promise<void> {
    return this.run(this.http.delete<void>(API_BASE + path));
  }

  private async run<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (error) {
      throw toApiError(error);
    }
  }
}
