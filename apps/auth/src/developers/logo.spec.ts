import { detectLogoType } from './logo';

describe('detectLogoType', () => {
  it('knows PNG, JPEG and WebP by their first bytes', () => {
    expect(detectLogoType(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('image/png');
    expect(detectLogoType(Buffer.from('ffd8ffe000104a464946', 'hex'))).toBe('image/jpeg');
    expect(detectLogoType(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
  });

  it('refuses SVG, GIF and anything else whatever it claims to be', () => {
    expect(detectLogoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull();
    expect(detectLogoType(Buffer.from('GIF89a....'))).toBeNull();
    expect(detectLogoType(Buffer.alloc(0))).toBeNull();
  });
});
