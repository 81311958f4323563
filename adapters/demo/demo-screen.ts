import sharp from 'sharp';

export const DEMO_SCREEN_WIDTH = 1024;
export const DEMO_SCREEN_HEIGHT = 640;
const WIDTH = DEMO_SCREEN_WIDTH;
const HEIGHT = DEMO_SCREEN_HEIGHT;

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What a live session adds to the desktop: text typed by the technician, the pointer, a moving bar. */
export interface DemoLiveScreen {
  /** Typed text, lines separated by `\n`; the last lines are shown. */
  readonly typed: string;
  readonly pointer: { readonly x: number; readonly y: number };
  /** Whether a mouse button is down (the pointer is drawn filled). */
  readonly pressed: boolean;
  /** Frame counter: moves the progress bar, so every frame differs a little. */
  readonly tick: number;
}

const TYPED_LINES = 4;
const TYPED_LINE_CHARS = 60;

/** The window's content in a live session: seconds on the clock, and a notepad with what was typed. */
function liveWindow(live: DemoLiveScreen, at: Date): string {
  const lines = live.typed.split('\n').slice(-TYPED_LINES).map((line) => line.slice(-TYPED_LINE_CHARS));
  const text = lines
    .map((line, i) => `<text x="250" y="${330 + i * 24}" fill="#111827" font-size="18" font-family="DejaVu Sans Mono, monospace">${escapeXml(line)}</text>`)
    .join('');
  const bar = (live.tick * 12) % 560;
  return `<text x="520" y="240" fill="#2b3a55" font-size="56" text-anchor="middle">${at.toISOString().slice(11, 19)}</text>
    <rect x="240" y="300" width="560" height="130" fill="#ffffff" stroke="#c5cad3"/>
    <text x="250" y="292" fill="#56627a" font-size="13">Notepad: type in the session to write here</text>
    ${text}
    <rect x="240" y="262" width="560" height="8" fill="#dfe3ea"/><rect x="${240 + bar}" y="262" width="40" height="8" fill="#2f80ed"/>`;
}

function pointer(live: DemoLiveScreen): string {
  const { x, y } = live.pointer;
  return `<path d="M${x} ${y} l0 18 l5 -5 l4 9 l3 -1 l-4 -9 l7 0 z" fill="${live.pressed ? '#f59e0b' : '#ffffff'}" stroke="#111827" stroke-width="1.2"/>`;
}

/**
 * A synthetic desktop: a wallpaper, a window with the demo's name and the time, a task bar with a
 * clock. It changes every minute, as a real screen would, so the console's screenshot refresh shows.
 * In a live session (`live`), the clock shows seconds, a bar moves, and typed text and the pointer show.
 */
export function demoScreenSvg(name: string, at: Date, live?: DemoLiveScreen): string {
  const time = at.toISOString().slice(11, 16);
  const date = at.toISOString().slice(0, 10);
  const hue = (at.getUTCMinutes() * 6) % 360;
  const content = live
    ? liveWindow(live, at)
    : `<text x="520" y="290" fill="#2b3a55" font-size="64" text-anchor="middle">${time}</text>
    <text x="520" y="330" fill="#56627a" font-size="18" text-anchor="middle">${date} UTC</text>
    <text x="520" y="400" fill="#56627a" font-size="15" text-anchor="middle">This demo computer runs inside the Switchboard server.</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
  <defs><linearGradient id="wall" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="hsl(${hue},55%,32%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},55%,18%)"/>
  </linearGradient></defs>
  <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#wall)"/>
  <g font-family="DejaVu Sans, Arial, sans-serif">
    <rect x="40" y="40" width="72" height="72" rx="10" fill="#ffffff" opacity="0.85"/>
    <text x="76" y="135" fill="#ffffff" font-size="13" text-anchor="middle">Files</text>
    <rect x="40" y="160" width="72" height="72" rx="10" fill="#ffffff" opacity="0.85"/>
    <text x="76" y="255" fill="#ffffff" font-size="13" text-anchor="middle">Browser</text>
    <rect x="220" y="120" width="600" height="330" rx="8" fill="#f4f5f7"/>
    <rect x="220" y="120" width="600" height="36" rx="8" fill="#2b3a55"/>
    <text x="236" y="144" fill="#ffffff" font-size="15">${escapeXml(name)}</text>
    ${content}
    <rect x="0" y="${HEIGHT - 40}" width="${WIDTH}" height="40" fill="#111827" opacity="0.9"/>
    <text x="${WIDTH - 16}" y="${HEIGHT - 14}" fill="#ffffff" font-size="16" text-anchor="end">${time}</text>
  </g>
  ${live ? pointer(live) : ''}
</svg>`;
}

/** The synthetic screen as PNG. */
export function renderDemoScreen(name: string, at: Date): Promise<Buffer> {
  return sharp(Buffer.from(demoScreenSvg(name, at))).png({ compressionLevel: 9 }).toBuffer();
}

/** The live screen as raw RGB pixels (3 bytes each, row by row): the session cuts tiles from it. */
export async function renderDemoScreenRaw(name: string, at: Date, live: DemoLiveScreen): Promise<Buffer> {
  return sharp(Buffer.from(demoScreenSvg(name, at, live))).removeAlpha().raw().toBuffer();
}
