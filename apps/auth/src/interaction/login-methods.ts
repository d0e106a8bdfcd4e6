import { Client } from '../oidc/clients/clients.service';

/** The ways in a client allows (allowed_login_methods); password only when the client is gone. */
export function loginMethods(client: Client | null): { password: boolean; phone: boolean; email: boolean; certificate: boolean; federated: boolean } {
  const allowed = client?.metadata.allowed_login_methods ?? ['password'];
  return {
    password: allowed.includes('password'),
    phone: allowed.includes('phone_otp'),
    email: allowed.includes('email_otp'),
    // Kontur: mobile (native) apps never sign in by certificate.
    certificate: allowed.includes('certificate') && client?.metadata.application_type !== 'native',
    federated: allowed.includes('federated'),
  };
}
