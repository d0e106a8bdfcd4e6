import { HttpException } from '@nestjs/common';
import { Command, SubCommand } from 'nest-commander';
import * as x509 from '@peculiar/x509';
import { AdminTrustController } from '../../../auth/src/certificate/admin-trust.controller';
import { parseCertificate } from '../../../auth/src/certificate/certificate-parse';
import { CliError, describeError } from '../cli-error';
import { print, readSource } from '../input';
import { Platform } from '../platform';
import { AdminCommand, CommandGroup } from './admin-command';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

@SubCommand({
  name: 'import',
  arguments: '<pem>',
  description: 'trust the CA certificates of a PEM file (one or a bundle; - reads standard input) for certificate login, as POST /admin/trust-anchors',
})
export class TrustAnchorsImportCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run([file]: string[]): Promise<void> {
    const text = readSource(file);
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (!blocks.length) throw new CliError(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    const trust = await this.platform.get(AdminTrustController);
    const added: unknown[] = [];
    const alreadyTrusted: number[] = [];
    // Every block is checked (as the admin API checks it) before any is stored, so a bad bundle adds nothing.
    for (const [i, pem] of blocks.entries()) {
      const cert = parseCertificate(pem);
      if (!cert) throw new CliError(`certificate ${i + 1} of ${blocks.length}: not a valid X.509 certificate; nothing imported`);
      if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) throw new CliError(`certificate ${i + 1} of ${blocks.length} (${cert.subject}): not a CA certificate (basicConstraints cA); nothing imported`);
    }
    for (const [i, pem] of blocks.entries()) {
      try {
        added.push(await trust.addAnchor({ certificate: pem }));
      } catch (err) {
        if (err instanceof HttpException && err.getStatus() === 409) alreadyTrusted.push(i + 1);
        else throw new CliError(`certificate ${i + 1} of ${blocks.length}: ${describeError(err)}`);
      }
    }
    print({ added, already_trusted: alreadyTrusted });
  }
}

@SubCommand({ name: 'list', description: 'the trusted CA certificates' })
export class TrustAnchorsListCommand extends AdminCommand {
  constructor(private readonly platform: Platform) {
    super();
  }

  async run(): Promise<void> {
    print(await (await this.platform.get(AdminTrustController)).listAnchors());
  }
}

@Command({ name: 'trust-anchors', description: 'CA certificates trusted for certificate login', subCommands: [TrustAnchorsImportCommand, TrustAnchorsListCommand] })
export class TrustAnchorsCommand extends CommandGroup {}
