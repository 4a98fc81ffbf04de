import type { KeychainBackend } from '../../main/node/keychain/keychain-backend.js';

/**
 * Fault injection around the real keychain: while `down`, every call fails as libsecret does
 * with no D-Bus session (the message keytar passes on); otherwise it passes through to keytar.
 */
export class KeychainOutage implements KeychainBackend {
  down = true;
  constructor(private readonly real: KeychainBackend) {}
  #check(): void {
    if (this.down) throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
  }
  async getPassword(service: string, account: string) {
    this.#check();
    return this.real.getPassword(service, account);
  }
  async setPassword(service: string, account: string, password: string) {
    this.#check();
    return this.real.setPassword(service, account, password);
  }
  async deletePassword(service: string, account: string) {
    this.#check();
    return this.real.deletePassword(service, account);
  }
  async findCredentials(service: string) {
    this.#check();
    return this.real.findCredentials(service);
  }
}
