/**
 * The serving certificate (`pkg/server/dynamiccertificates`): from --tls-cert-file/--tls-private-key-file,
 * or self-signed once into --cert-dir; reloaded without a restart when the files change. The folder is
 * watched, not the files, because the kubelet updates a mounted Secret by swapping a `..data` symlink.
 */
import { watch } from 'node:fs';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Server } from 'node:https';

export interface ServingFiles {
  certFile: string;
  keyFile: string;
}

export interface ServingCertificate extends ServingFiles {
  cert: string;
  key: string;
  /** The first directory this start created for a self-signed certificate, for a failed start to remove. */
  createdDir?: string;
}

/**
 * `mkdir -p`, one directory at a time, returning the first one it made. Node's recursive mkdir reports a
 * read-only file system as ENOENT (it looks the path up again after the failure), which sent operators of
 * a pod with no /tmp volume looking for a missing directory; a plain mkdir reports EROFS.
 */
async function makeDirectories(dir: string, mode: number): Promise<string | undefined> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const exists = await stat(d).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (exists) break;
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    await mkdir(d, { mode }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  return missing[0];
}

export async function loadServingCertificate(opts: {
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  certDir: string;
}): Promise<ServingCertificate> {
  let files: ServingFiles;
  let createdDir: string | undefined;
  if (opts.tlsCertFile && opts.tlsPrivateKeyFile) {
    files = { certFile: opts.tlsCertFile, keyFile: opts.tlsPrivateKeyFile };
  } else {
    files = { certFile: join(opts.certDir, 'apiserver.crt'), keyFile: join(opts.certDir, 'apiserver.key') };
    const present = await access(files.certFile)
      .then(() => access(files.keyFile))
      .then(
        () => true,
        () => false,
      );
    if (!present) {
      const { createCertificate } = await import('../certificates/generate.js');
      const self = await createCertificate(undefined, {
        commonName: `localhost@${Math.floor(Date.now() / 1000)}`,
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1'],
        usage: 'serverAuth',
      });
      createdDir = await makeDirectories(opts.certDir, 0o700);
      await writeFile(files.certFile, self.cert, { mode: 0o644 });
      await writeFile(files.keyFile, self.key, { mode: 0o600 });
    }
  }
  const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
  return { ...files, cert, key, createdDir };
}

/**
 * Applies new certificate files to the running server, and tells `onReloaded` the certificate now served;
 * returns a function that stops watching.
 */
export function reloadOnChange(
  server: Server,
  files: ServingFiles,
  log: (msg: string, err?: unknown) => void,
  onReloaded: (cert: string) => void = () => {},
): () => void {
  let timer: NodeJS.Timeout | undefined;
  let last = '';
  const reload = async (): Promise<void> => {
    try {
      const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
      if (cert + key === last) return;
      server.setSecureContext({ cert, key });
      last = cert + key;
      onReloaded(cert);
      log('serving certificate reloaded');
    } catch (err) {
      // A half-written pair fails to load; the next change event retries, and the old pair keeps serving.
      log('serving certificate not reloaded', err);
    }
  };
  const dirs = [...new Set([dirname(files.certFile), dirname(files.keyFile)])];
  const watchers = dirs.map((d) =>
    watch(d, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 200);
    }),
  );
  void readFile(files.certFile, 'utf8').then(
    async (c) => {
      last = c + (await readFile(files.keyFile, 'utf8'));
    },
    () => {},
  );
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
