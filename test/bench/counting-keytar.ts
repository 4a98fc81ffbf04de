import { loadKeytar, type KeychainBackend } from '../../main/node/keychain/keychain-backend.js';

/**
 * Counts keychain calls on their way to the real keytar; it changes nothing they do. `onWritten`
 * hears of each completed write, with the time it completed.
 */
export function countingKeytar(onWritten?: (account: string, at: bigint) => void): {
  backend: () => Promise<KeychainBackend>;
  calls: Record<keyof KeychainBackend, number>;
} {
  const calls = { getPassword: 0, setPassword: 0, deletePassword: 0, findCredentials: 0 };
  const backend = async (): Promise<KeychainBackend> => {
    const real = await loadKeytar();
    return {
      getPassword: (s, a) => (calls.getPassword++, real.getPassword(s, a)),
      setPassword: async (s, a, p) => {
        calls.setPassword++;
        await real.setPassword(s, a, p);
        onWritten?.(a, process.hrtime.bigint());
      },
      deletePassword: (s, a) => (calls.deletePassword++, real.deletePassword(s, a)),
      findCredentials: (s) => (calls.findCredentials++, real.findCredentials(s)),
    };
  };
  return { backend, calls };
}
