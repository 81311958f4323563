import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AgentPlatform } from '@contracts/agent.protocol';
import type { ComputerDetailsRow, ComputerListResponse } from '@contracts/computers-live.contracts';
import type { ComputerGroupsView, ListComputersOptions } from '@contracts/computers.contracts';
import { Observable, firstValueFrom } from 'rxjs';

import { fileNameOf } from '../shared/save-blob';

export const COMPUTERS_URL = '/api/computers';
export const COMPUTER_GROUPS_URL = '/api/computer-groups';
export const ADD_COMPUTER_LINK_URL = `${COMPUTERS_URL}/add-computer-link`;
export const PLATFORMS: readonly AgentPlatform[] = ['win32', 'darwin', 'linux'];

/** What every command answers: the id it acted on and the log position to read our own write at. */
export interface CommandAccepted {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

/** POST /api/computers/add-computer-link: the token is shown once, in `url`. */
export interface AddComputerLink {
  readonly token: string;
  readonly url: string;
  readonly expiresAt: string;
  readonly downloads: Readonly<Record<AgentPlatform, string>>;
  readonly position: string;
}

/** A downloaded agent, ready to be saved under the server's file name. */
export interface AgentDownload {
  readonly blob: Blob;
  readonly fileName: string;
}

export const computerUrl = (id: string): string => `${COMPUTERS_URL}/${encodeURIComponent(id)}`;
const groupUrl = (id: string): string => `${COMPUTER_GROUPS_URL}/${encodeURIComponent(id)}`;

/** The file name the server proposes in Content-Disposition, else the conventional one. */
export function downloadFileName(contentDisposition: string | null, platform: AgentPlatform): string {
  return fileNameOf(contentDisposition, `switchboard-agent-${platform}.tar.gz`);
}

/** A refused blob request carries its problem+json as a Blob: read it, so the problem's code can be explained. */
async function withJsonBody(error: unknown): Promise<unknown> {
  if (!(error instanceof HttpErrorResponse) || !(error.error instanceof Blob)) return error;
  try {
    const body: unknown = JSON.parse(await error.error.text());
    return new HttpErrorResponse({ error: body, headers: error.headers, status: error.status, statusText: error.statusText, url: error.url ?? undefined });
  } catch {
    return error;
  }
}

/** The computers REST API (adapters/http/computers) as the console calls it; the interceptor adds the bearer token. */
@Injectable({ providedIn: 'root' })
export class ComputersApi {
  private readonly http = inject(HttpClient);

  /** One page; an Observable so that a newer search can cancel the request in flight. */
  list(options: ListComputersOptions, minPosition?: string): Observable<ComputerListResponse> {
    let params = new HttpParams();
    for (const [name, value] of Object.entries(options)) {
      if (value !== undefined) params = params.set(name, String(value));
    }
    if (minPosition) params = params.set('minPosition', minPosition);
    return this.http.get<ComputerListResponse>(COMPUTERS_URL, { params });
  }

  details(id: string, minPosition?: string): Promise<ComputerDetailsRow> {
    return firstValueFrom(this.http.get<ComputerDetailsRow>(computerUrl(id), minPosition ? { params: { minPosition } } : {}));
  }

  groups(minPosition?: string): Observable<ComputerGroupsView> {
    return this.http.get<ComputerGroupsView>(COMPUTER_GROUPS_URL, minPosition ? { params: { minPosition } } : {});
  }

  rename(id: string, name: string): Promise<CommandAccepted> {
    return this.send(this.http.patch<CommandAccepted>(computerUrl(id), { name }));
  }

  moveToGroup(id: string, groupId: string | null): Promise<CommandAccepted> {
    return this.send(this.http.put<CommandAccepted>(`${computerUrl(id)}/group`, { groupId }));
  }

  setFavourite(id: string, favourite: boolean): Promise<CommandAccepted> {
    const url = `${computerUrl(id)}/favourite`;
    return this.send(favourite ? this.http.put<CommandAccepted>(url, {}) : this.http.delete<CommandAccepted>(url));
  }

  /** `user` is a username (email) or a user id of the account. */
  share(id: string, user: string): Promise<CommandAccepted> {
    return this.send(this.http.post<CommandAccepted>(`${computerUrl(id)}/shares`, { user }));
  }

  unshare(id: string, user: string): Promise<CommandAccepted> {
    return this.send(this.http.delete<CommandAccepted>(`${computerUrl(id)}/shares/${encodeURIComponent(user)}`));
  }

  setVisibility(id: string, visibility: 'owner' | 'everyone'): Promise<CommandAccepted> {
    return this.send(this.http.put<CommandAccepted>(`${computerUrl(id)}/visibility`, { visibility }));
  }

  setAgentConfigPolicy(id: string, allowAgentConfigWithoutAdmin: boolean): Promise<CommandAccepted> {
    return this.send(this.http.put<CommandAccepted>(`${computerUrl(id)}/settings`, { allowAgentConfigWithoutAdmin }));
  }

  remove(id: string): Promise<CommandAccepted> {
    return this.send(this.http.delete<CommandAccepted>(computerUrl(id)));
  }

  addGroup(name: string, parentId: string | null): Promise<CommandAccepted> {
    return this.send(this.http.post<CommandAccepted>(COMPUTER_GROUPS_URL, { name, parentId }));
  }

  renameGroup(id: string, name: string): Promise<CommandAccepted> {
    return this.send(this.http.patch<CommandAccepted>(groupUrl(id), { name }));
  }

  moveGroup(id: string, parentId: string | null): Promise<CommandAccepted> {
    return this.send(this.http.put<CommandAccepted>(`${groupUrl(id)}/parent`, { parentId }));
  }

  deleteGroup(id: string): Promise<CommandAccepted> {
    return this.send(this.http.delete<CommandAccepted>(groupUrl(id)));
  }

  addComputerLink(): Promise<AddComputerLink> {
    return firstValueFrom(this.http.post<AddComputerLink>(ADD_COMPUTER_LINK_URL, {}));
  }

  /**
   * The agent for one OS. Auto-connect needs the bearer token, which a plain link cannot carry, so the
   * console fetches the archive and saves it itself.
   */
  async download(platform: AgentPlatform, autoConnect: boolean): Promise<AgentDownload> {
    const url = `${COMPUTERS_URL}/downloads/${platform}`;
    const request = this.http.get(url, { params: autoConnect ? { autoConnect: '1' } : {}, responseType: 'blob', observe: 'response' });
    try {
      const response = await firstValueFrom(request);
      return { blob: response.body ?? new Blob(), fileName: downloadFileName(response.headers.get('Content-Disposition'), platform) };
    } catch (error) {
      throw await withJsonBody(error);
    }
  }

  /** The screenshot as a blob (the route wants the bearer token, which an <img> cannot send). */
  screenshot(url: string): Observable<Blob> {
    return this.http.get(url, { responseType: 'blob' });
  }

  private send(request: Observable<CommandAccepted>): Promise<CommandAccepted> {
    return firstValueFrom(request);
  }
}
