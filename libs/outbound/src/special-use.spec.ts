import { isSpecialUseAddress } from './special-use';

describe('special-use addresses', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '224.0.0.1'])(
    'refuses %s',
    (address) => expect(isSpecialUseAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => expect(isSpecialUseAddress(address)).toBe(false));
});
