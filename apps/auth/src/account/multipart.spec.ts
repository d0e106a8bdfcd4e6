import { isFile, parseMultipart } from './multipart';

const body = (boundary: string, parts: string[]) => Buffer.from(parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`, 'latin1');

describe('multipart form bodies', () => {
  it('reads text fields and files, keeping the first value of a repeated name', () => {
    const parsed = parseMultipart(
      body('XyZ', [
        'Content-Disposition: form-data; name="csrf"\r\n\r\ntoken-1',
        'Content-Disposition: form-data; name="csrf"\r\n\r\ntoken-2',
        'Content-Disposition: form-data; name="photo"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x01',
      ]),
      'multipart/form-data; boundary=XyZ',
    );
    expect(parsed?.csrf).toBe('token-1');
    const photo = parsed?.photo;
    expect(isFile(photo) && photo.contentType).toBe('image/png');
    expect(isFile(photo) && [...photo.data]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x01]);
  });

  it('refuses bodies without the boundary or cut short', () => {
    expect(parseMultipart(Buffer.from('whatever'), 'multipart/form-data')).toBeNull();
    expect(parseMultipart(Buffer.from('--a\r\nContent-Disposition: form-data; name="x"\r\n\r\nvalue'), 'multipart/form-data; boundary=a')).toBeNull();
    expect(parseMultipart(Buffer.from('no delimiter here'), 'multipart/form-data; boundary=a')).toBeNull();
  });
});
