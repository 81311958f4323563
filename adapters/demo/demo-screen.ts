import sharp from 'sharp';

const WIDTH = 1024;
const HEIGHT = 640;

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A synthetic desktop: a wallpaper, a window with the demo's name and the time, a task bar with a
 * clock. It changes every minute, as a real screen would, so the console's screenshot refresh shows.
 */
export function demoScreenSvg(name: string, at: Date): string {
  const time = at.toISOString().slice(11, 16);
  const date = at.toISOString().slice(0, 10);
  const hue = (at.getUTCMinutes() * 6) % 360;
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
    <text x="520" y="290" fill="#2b3a55" font-size="64" text-anchor="middle">${time}</text>
    <text x="520" y="330" fill="#56627a" font-size="18" text-anchor="middle">${date} UTC</text>
    <text x="520" y="400" fill="#56627a" font-size="15" text-anchor="middle">This demo computer runs inside the Switchboard server.</text>
    <rect x="0" y="${HEIGHT - 40}" width="${WIDTH}" height="40" fill="#111827" opacity="0.9"/>
    <text x="${WIDTH - 16}" y="${HEIGHT - 14}" fill="#ffffff" font-size="16" text-anchor="end">${time}</text>
  </g>
</svg>`;
}

/** The synthetic screen as PNG. */
export function renderDemoScreen(name: string, at: Date): Promise<Buffer> {
  return sharp(Buffer.from(demoScreenSvg(name, at))).png({ compressionLevel: 9 }).toBuffer();
}
