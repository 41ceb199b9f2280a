// Token keys: a local ES256 key generated into the data folder on first use (development and
// single-site installs), or a remote JWKS / configured public key for production verification.
import fs from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import type { Config } from '../config.js';

const ALG = 'ES256';

export interface KeyRing {
  /** Verify a compact JWS/JWT; throws on a bad signature, audience, issuer or expiry. */
  verify(token: string): Promise<jose.JWTPayload>;
  /** Sign claims with the local key (absent when only a remote key set is configured). */
  sign?(claims: jose.JWTPayload, ttl: string): Promise<string>;
  /** The public key set, published for receivers of signed webhooks and for other gateways. */
  publicJwks(): Promise<{ keys: jose.JWK[] }>;
}

async function localKey(dataDir: string): Promise<{ privateKey: CryptoKey; publicJwk: jose.JWK }> {
  const file = path.join(dataDir, 'signing-key.json');
  let jwk: jose.JWK;
  if (fs.existsSync(file)) {
    jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as jose.JWK;
  } else {
    const { privateKey } = await jose.generateKeyPair(ALG, { extractable: true });
    jwk = await jose.exportJWK(privateKey);
    jwk.kid = await jose.calculateJwkThumbprint(jwk);
    jwk.alg = ALG;
    fs.mkdirSync(dataDir, { recursive: true });
    // wx: two processes starting at once must not overwrite each other's key.
    try {
      fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as jose.JWK;
    }
  }
  const privateKey = (await jose.importJWK(jwk, ALG)) as CryptoKey;
  const { d: _d, ...pub } = jwk;
  return { privateKey, publicJwk: pub };
}

export async function loadKeyRing(cfg: Config): Promise<KeyRing> {
  const opts = { issuer: cfg.jwtIssuer, audience: cfg.jwtAudience, algorithms: [ALG, 'RS256', 'EdDSA'] };
  if (cfg.jwksUrl) {
    const set = jose.createRemoteJWKSet(new URL(cfg.jwksUrl));
    return {
      verify: async (t) => (await jose.jwtVerify(t, set, opts)).payload,
      publicJwks: async () => ({ keys: [] }),
    };
  }
  if (cfg.jwtPublicKey) {
    const alg = /BEGIN PUBLIC KEY/.test(cfg.jwtPublicKey) ? undefined : ALG;
    const key = await jose.importSPKI(cfg.jwtPublicKey, alg ?? ALG);
    const jwk = await jose.exportJWK(key);
    return {
      verify: async (t) => (await jose.jwtVerify(t, key, opts)).payload,
      publicJwks: async () => ({ keys: [{ ...jwk, alg: ALG }] }),
    };
  }
  const { privateKey, publicJwk } = await localKey(cfg.dataDir);
  const publicKey = await jose.importJWK(publicJwk, ALG);
  return {
    verify: async (t) => (await jose.jwtVerify(t, publicKey, opts)).payload,
    sign: async (claims, ttl) =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: publicJwk.kid })
        .setIssuer(cfg.jwtIssuer)
        .setAudience(cfg.jwtAudience)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(privateKey),
    publicJwks: async () => ({ keys: [publicJwk] }),
  };
}
