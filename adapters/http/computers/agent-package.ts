import { existsSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AgentPlatform } from '../../../application/contracts/agent.protocol';
import { HttpProblem } from '../problem-details';
import { filesUnder, tarGz, type TarEntry } from './tar-gz';

/** Folder at the root of every download. */
export const PACKAGE_DIR = 'switchboard-agent';
/** The compiled agent's entry point inside dist/ (what `npm run build` produces from agent/src/main.ts). */
export const AGENT_ENTRY = 'dist/agent/src/main.js';

/**
 * What an auto-connect download or an add-computer link bakes in: the agent reads
 * `switchboard-agent/enrollment.json` at first start and enrolls without asking anything.
 */
export interface BakedEnrollment {
  readonly serverUrl: string;
  readonly method: 'enrollment-token' | 'add-computer-link';
  readonly token: string;
}

export const DOWNLOAD_PLATFORMS: readonly AgentPlatform[] = ['linux', 'darwin', 'win32'];

export const downloadFileName = (platform: AgentPlatform): string => `switchboard-agent-${platform}.tar.gz`;

const SH_LAUNCHER = `#!/bin/sh
# Switchboard agent launcher: runs the agent with the Node.js found on PATH (Node 20 or later).
HERE="$(cd "$(dirname "$0")/.." && pwd)"
exec node "$HERE/${AGENT_ENTRY}" "$@"
`;

const CMD_LAUNCHER = `@echo off\r
rem Switchboard agent launcher: runs the agent with the Node.js found on PATH (Node 20 or later).\r
node "%~dp0..\\${AGENT_ENTRY.replace(/\//g, '\\')}" %*\r
`;

function readme(platform: AgentPlatform, baked: boolean): string {
  const run = platform === 'win32' ? 'bin\\switchboard-agent.cmd' : 'bin/switchboard-agent';
  const lines = [
    'Switchboard agent',
    '=================',
    '',
    'Needs Node.js 20 or later on PATH. Install its dependencies once, in this folder:',
    '',
    '    npm install --omit=dev',
    '',
    baked
      ? `Then run ${run}: it enrolls this computer with the enrollment.json beside it and connects.`
      : `Then run ${run} --create-computer --username <email> --password <password> --relay-url <host> --relay-port <port>.`,
    '',
    platform === 'win32'
      ? 'Windows 10 and later extract this .tar.gz with the built-in tar: tar -xzf switchboard-agent-win32.tar.gz'
      : 'Extract with: tar -xzf ' + downloadFileName(platform),
    '',
  ];
  return lines.join(platform === 'win32' ? '\r\n' : '\n');
}

/**
 * The agent as a download for one OS: the compiled agent and the shared protocol from dist/, a
 * launcher, the runtime dependencies to install, and, when asked, the baked enrollment. One .tar.gz
 * for every OS (Windows 10+ has tar); signed installers per OS are not built here.
 */
export async function buildAgentPackage(root: string, platform: AgentPlatform, enrollment: BakedEnrollment | null, mtime: number): Promise<Buffer> {
  const agentDist = path.join(root, 'dist', 'agent');
  if (!existsSync(path.join(root, AGENT_ENTRY))) {
    throw new HttpProblem('AGENT_NOT_BUILT', 'The agent is not built on this server: run npm run build, then download again', 503);
  }
  const entries: TarEntry[] = [
    ...(await filesUnder(agentDist, `${PACKAGE_DIR}/dist/agent`, (relative) => relative.endsWith('.spec.js') || relative.endsWith('.map'))),
    ...(await filesUnder(path.join(root, 'dist', 'application', 'contracts'), `${PACKAGE_DIR}/dist/application/contracts`, (relative) => relative.endsWith('.spec.js'))),
    { name: `${PACKAGE_DIR}/package.json`, data: Buffer.from(`${JSON.stringify(await runtimePackage(root), null, 2)}\n`) },
    { name: `${PACKAGE_DIR}/README.txt`, data: Buffer.from(readme(platform, enrollment !== null)) },
    platform === 'win32'
      ? { name: `${PACKAGE_DIR}/bin/switchboard-agent.cmd`, data: Buffer.from(CMD_LAUNCHER) }
      : { name: `${PACKAGE_DIR}/bin/switchboard-agent`, data: Buffer.from(SH_LAUNCHER), mode: 0o755 },
  ];
  if (enrollment) {
    entries.push({ name: `${PACKAGE_DIR}/enrollment.json`, data: Buffer.from(`${JSON.stringify(enrollment, null, 2)}\n`), mode: 0o600 });
  }
  return tarGz(entries, mtime);
}

/** package.json of the download: the agent's runtime dependencies at the server's versions. */
async function runtimePackage(root: string): Promise<Record<string, unknown>> {
  const server = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
  const wanted = ['ws', 'sharp'];
  const dependencies = Object.fromEntries(wanted.filter((name) => server.dependencies?.[name]).map((name) => [name, server.dependencies![name]]));
  return { name: 'switchboard-agent', version: server.version ?? '0.0.0', private: true, main: AGENT_ENTRY, bin: { 'switchboard-agent': 'bin/switchboard-agent' }, dependencies };
}
