import { photoType } from './photo-type';

describe('photo types', () => {
  it('tells JPEG, PNG and WebP by their first bytes', () => {
    expect(photoType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(photoType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(photoType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('refuses everything else, whatever it claims to be', () => {
    expect(photoType(Buffer.from('GIF89a......'))).toBeNull();
    expect(photoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(photoType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(photoType(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(photoType(Buffer.alloc(0))).toBeNull();
  });
});
