import type { HttpTestingController } from '@angular/common/http/testing';
import type { ComputerListResponse, ComputerRow } from '@contracts/computers-live.contracts';
import type { ComputerGroupView } from '@contracts/computers.contracts';

/** A computer as `GET /api/computers` lists it: an installed Linux agent online in Paris, owned by the viewer. */
export function computerRow(overrides: Partial<ComputerRow> = {}): ComputerRow {
  const id = overrides.id ?? 'c1';
  return {
    id,
    name: 'Reception PC',
    status: 'online',
    planStatus: 'ok',
    limitedUntil: null,
    os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
    hostname: 'reception',
    agentVersion: '1.0.0',
    loggedInUser: 'alice',
    installed: true,
    ip: '203.0.113.7',
    city: 'Paris',
    country: 'FR',
    location: '203.0.113.7, Paris, FR',
    groupId: null,
    groupPath: [],
    favourite: false,
    visibility: 'owner',
    owned: true,
    sharedWithMe: false,
    canManage: true,
    canAdminister: true,
    allowAgentConfigWithoutAdmin: false,
    lastConnectedAt: '2024-01-15T13:05:00.000Z',
    addedAt: '2024-01-01T09:00:00.000Z',
    section: { key: '', label: '' },
    screenshotAt: null,
    screenshotUrl: null,
    demo: false,
    ...overrides,
  };
}

export function listPage(overrides: Partial<ComputerListResponse> = {}): ComputerListResponse {
  return {
    favourites: [],
    items: [],
    demo: null,
    nextCursor: null,
    sort: 'name',
    direction: 'asc',
    groupBy: 'none',
    ...overrides,
  };
}

export function group(id: string, name: string, parent: ComputerGroupView | null = null): ComputerGroupView {
  return { id, name, parentId: parent?.id ?? null, path: [...(parent?.path ?? []), name], depth: parent ? parent.depth + 1 : 0 };
}

/** What every command answers. */
export const accepted = (id: string, position = '42') => ({ id, revision: 1, position });

/** The computers page, where sign-in lands, asks for its first page and the group tree: both answered, empty. */
export function answerComputersPage(http: HttpTestingController): void {
  http.expectOne((request) => request.method === 'GET' && request.url === '/api/computers').flush(listPage());
  http.expectOne((request) => request.method === 'GET' && request.url === '/api/computer-groups').flush({ groups: [] });
}
