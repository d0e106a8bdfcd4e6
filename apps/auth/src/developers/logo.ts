/** A logo is at most 1 MB. */
export const LOGO_MAX_BYTES = 1024 * 1024;

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

/**
 * The picture's type from its first bytes, whatever it was declared as: PNG, JPEG or WebP, and
 * nothing else (SVG is text that can carry script, so it never passes).
 */
export function detectLogoType(data: Buffer): LogoType | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** How a stored logo is served: its detected type, never sniffed, never run as a page, cacheable. */
export function logoHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'",
    'Cache-Control': 'public, max-age=86400, immutable',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
}
