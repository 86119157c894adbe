import { ArgumentError, NeuriteError } from '@neurite/core';
import { mod } from './field.js';
import { agree, bytesToKey, generateKeyPair } from './key-agreement.js';
import { planFixedPoint } from './bounds.js';
import { ringAddInPlace, type FixedPoint } from './fixed-point.js';
import { expandSeed } from './prg.js';
import { reconstruct, share, type Share } from './shamir.js';

/** Too few clients survived to reconstruct the secrets the unmasking needs. */
export class SecureAggregationError extends NeuriteError {
  override name = 'SecureAggregationError';
}

/** A Shamir share encrypted for its recipient with the pairwise key (one-time pad in the field). */
export interface SealedShare {
  from: number;
  to: number;
  /** share.y of the self-mask seed and of the secret key, each padded. */
  seed: bigint;
  key: bigint;
}

/** What a surviving client reveals for the unmasking: shares it holds, never its own secrets. */
export interface RevealedShares {
  from: number;
  /** For survivors: shares of their self-mask seeds. */
  seeds: Map<number, Share>;
  /** For dropped clients: shares of their secret keys. */
  keys: Map<number, Share>;
}

/**
 * A one-time pad in the field from a pairwise key: 768 pseudorandom bits
 * reduced mod 2^521 - 1, which leaves a bias of about 2^-247.
 */
function pad(key: bigint, label: string): bigint {
  let v = 0n;
  for (const word of expandSeed(key, label, 24)) v = (v << 32n) | BigInt(word);
  return mod(v);
}

/**
 * One client of the protocol of Bonawitz et al. (2017), honest-but-curious
 * version: a key pair for pairwise seeds (Diffie-Hellman), a self-mask
 * seed, Shamir shares of both sent to the others through the server
 * (sealed with the pairwise key), and the masked input
 *
 *     y_u = x_u + PRG(b_u) + sum_{v > u} PRG(s_uv) - sum_{v < u} PRG(s_uv)   (mod 2^32)
 *
 * The pairwise masks cancel in the sum; the server removes the self masks
 * of survivors and the pairwise masks of dropped clients from reconstructed
 * secrets. Pairwise seeds s_uv come from X25519 key agreement (RFC 7748);
 * secrets are shared over GF(2^521 - 1). Shares are sealed with a one-time
 * pad, not authenticated encryption: this is the honest-but-curious server
 * of the paper, not its actively malicious one.
 */
export class SecAggClient {
  readonly publicKey: bigint;
  private readonly secretKey: bigint;
  private readonly selfSeed: bigint;
  private received = new Map<number, { seed: Share; key: Share }>();
  private peers = new Map<number, bigint>();
  private agreedKeys = new Map<number, bigint>();
  /** Each client's x coordinate in the sharing (1-based position by id). */
  private shareIndex = new Map<number, number>();

  constructor(
    readonly id: number,
    private readonly randomBytes: (n: number) => Uint8Array,
  ) {
    const keys = generateKeyPair(randomBytes);
    this.secretKey = keys.secret;
    this.publicKey = keys.publicKey;
    this.selfSeed = bytesToKey(randomBytes(32));
  }

  /** The pairwise seed with a peer, computed once per peer (the key agreement is the costly part). */
  private agreed(peer: number): bigint {
    let k = this.agreedKeys.get(peer);
    if (k === undefined) {
      k = agree(this.secretKey, this.peers.get(peer)!);
      this.agreedKeys.set(peer, k);
    }
    return k;
  }

  /** Round 1: learn the others' public keys; share both secrets with threshold t, sealed for each recipient. */
  shareKeys(publicKeys: ReadonlyMap<number, bigint>, threshold: number): SealedShare[] {
    for (const [id, pk] of publicKeys) if (id !== this.id) this.peers.set(id, pk);
    const ids = [...publicKeys.keys()].sort((a, b) => a - b);
    const seedShares = share(this.selfSeed, ids.length, threshold, this.randomBytes);
    const keyShares = share(this.secretKey, ids.length, threshold, this.randomBytes);
    const out: SealedShare[] = [];
    ids.forEach((to, i) => {
      if (to === this.id) {
        this.received.set(this.id, { seed: seedShares[i], key: keyShares[i] });
        return;
      }
      const k = this.agreed(to);
      out.push({ from: this.id, to, seed: mod(seedShares[i].y + pad(k, `seal-seed:${this.id}`)), key: mod(keyShares[i].y + pad(k, `seal-key:${this.id}`)) });
    });
    this.shareIndex = new Map(ids.map((id, i) => [id, i + 1]));
    return out;
  }

  /**
   * Round 2: open the shares sent to me; answer with my input (ring
   * elements) masked. Pairwise masks are added for the `participants` that
   * completed round 1 (default: every client whose key I saw). `words` is
   * the ring's width per value (see FixedPoint): the masks carry within it.
   */
  maskedInput(sealed: readonly SealedShare[], input: Uint32Array, participants?: readonly number[], words = 1): Uint32Array {
    const x = this.shareIndex.get(this.id)!;
    for (const s of sealed) {
      if (s.to !== this.id) continue;
      const k = this.agreed(s.from);
      this.received.set(s.from, { seed: { x, y: mod(s.seed - pad(k, `seal-seed:${s.from}`)) }, key: { x, y: mod(s.key - pad(k, `seal-key:${s.from}`)) } });
    }
    const y = input.slice();
    ringAddInPlace(y, expandSeed(this.selfSeed, 'self', y.length), 1, words);
    const peers = participants ? participants.filter((v) => v !== this.id) : [...this.peers.keys()];
    for (const v of peers) {
      if (!this.peers.has(v)) throw new ArgumentError(`secure aggregation: client ${this.id} has no public key of participant ${v}`);
      ringAddInPlace(y, expandSeed(this.agreed(v), 'pair', y.length), this.id < v ? 1 : -1, words);
    }
    return y;
  }

  /** Round 3: for each client of round 1, the share of its self seed if it survived, of its secret key if it dropped. */
  reveal(survivors: ReadonlySet<number>): RevealedShares {
    const seeds = new Map<number, Share>();
    const keys = new Map<number, Share>();
    for (const [from, s] of this.received) {
      if (survivors.has(from)) seeds.set(from, s.seed);
      else keys.set(from, s.key);
    }
    return { from: this.id, seeds, keys };
  }
}

/**
 * The server of the protocol. It holds public keys, sealed shares it cannot
 * open, masked inputs and (after round 3) the secrets of round 3; it never
 * holds any client's input in the clear, only the sum.
 */
export class SecAggServer {
  readonly publicKeys = new Map<number, bigint>();
  readonly masked = new Map<number, Uint32Array>();
  /** `length` values of `words` 32-bit words each (the ring Z/2^(32·words)). */
  constructor(
    readonly threshold: number,
    readonly length: number,
    readonly words = 1,
  ) {}

  /** The sum of the survivors' inputs in the ring, from at least `threshold` revealed share sets. */
  unmask(revealed: readonly RevealedShares[]): Uint32Array {
    if (revealed.length < this.threshold) throw new SecureAggregationError(`secure aggregation: ${revealed.length} clients answered the unmasking, ${this.threshold} needed - the sum cannot be recovered this round`);
    const survivors = [...this.masked.keys()];
    const dropped = [...this.publicKeys.keys()].filter((u) => !this.masked.has(u));
    const size = this.length * this.words;
    const sum = new Uint32Array(size);
    for (const y of this.masked.values()) {
      if (y.length !== size) throw new SecureAggregationError(`secure aggregation: a masked input of ${y.length} words, ${size} expected - every client must mask with the round's fixed-point layout`);
      ringAddInPlace(sum, y, 1, this.words);
    }
    const gather = (pick: (r: RevealedShares) => Share | undefined) => revealed.map(pick).filter((s): s is Share => s !== undefined).slice(0, this.threshold);
    for (const u of survivors) {
      const shares = gather((r) => r.seeds.get(u));
      if (shares.length < this.threshold) throw new SecureAggregationError(`secure aggregation: only ${shares.length} shares of client ${u}'s self mask, ${this.threshold} needed`);
      ringAddInPlace(sum, expandSeed(reconstruct(shares), 'self', size), -1, this.words);
    }
    for (const u of dropped) {
      const shares = gather((r) => r.keys.get(u));
      if (shares.length < this.threshold) throw new SecureAggregationError(`secure aggregation: only ${shares.length} shares of dropped client ${u}'s key, ${this.threshold} needed`);
      const sk = reconstruct(shares);
      // Survivor v added +PRG(s_uv) when v < u and -PRG(s_uv) when v > u: take those masks back out.
      for (const v of survivors) ringAddInPlace(sum, expandSeed(agree(sk, this.publicKeys.get(v)!), 'pair', size), v < u ? -1 : 1, this.words);
    }
    return sum;
  }
}

export interface SecureSumOptions {
  /** Shares needed to reconstruct a secret (default: a majority, floor(n/2) + 1). */
  threshold?: number;
  /** Clients that drop after sharing their keys and before sending a masked input. */
  dropBeforeMasking?: readonly number[];
  /** Clients that send a masked input but do not answer the unmasking. */
  dropBeforeUnmasking?: readonly number[];
  fixedPoint?: FixedPoint;
  randomBytes: (id: number) => (n: number) => Uint8Array;
  /** Called with the server after the run, for tests that inspect what it held. */
  inspect?: (server: SecAggServer) => void;
}

/**
 * Runs the four rounds for clients holding real vectors and returns the sum
 * of the inputs of those that sent masked inputs, exact in fixed point.
 */
export function secureSum(inputs: ReadonlyMap<number, ArrayLike<number>>, options: SecureSumOptions): { sum: Float64Array; included: number[] } {
  const ids = [...inputs.keys()].sort((a, b) => a - b);
  if (ids.length < 2) throw new ArgumentError('secureSum: needs at least 2 clients');
  const length = inputs.get(ids[0])!.length;
  let maxValue = 0;
  for (const [id, x] of inputs) {
    if (x.length !== length) throw new ArgumentError(`secureSum: client ${id} sends ${x.length} values, client ${ids[0]} ${length} - every client must send a vector of the same length`);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new ArgumentError(`secureSum: client ${id}'s input holds ${x[i]} at ${i} - only finite values can be summed`);
      maxValue = Math.max(maxValue, Math.abs(x[i]));
    }
  }
  // This simulation sees every input, so the bound is the inputs' own; a ring too narrow for it is refused, not wrapped.
  const needed = planFixedPoint({ clients: ids.length, maxValue, fractionBits: options.fixedPoint?.fractionBits ?? 16, from: 'the largest input' });
  const fp = options.fixedPoint ?? needed;
  if (needed.words > fp.words) throw new ArgumentError(`secureSum: ${ids.length} inputs up to ${maxValue} may sum beyond the ring of ${fp.words} word(s) (±${fp.range}) - use new FixedPoint(${fp.fractionBits}, ${needed.words}) or fewer fraction bits`);
  const t = options.threshold ?? Math.floor(ids.length / 2) + 1;
  const server = new SecAggServer(t, length, fp.words);
  const clients = ids.map((id) => new SecAggClient(id, options.randomBytes(id)));
  for (const c of clients) server.publicKeys.set(c.id, c.publicKey);
  const sealed = clients.flatMap((c) => c.shareKeys(server.publicKeys, t));
  const early = new Set(options.dropBeforeMasking ?? []);
  for (const c of clients) if (!early.has(c.id)) server.masked.set(c.id, c.maskedInput(sealed.filter((s) => s.to === c.id), fp.encode(inputs.get(c.id)!), undefined, fp.words));
  const survivors = new Set(server.masked.keys());
  const late = new Set(options.dropBeforeUnmasking ?? []);
  const revealed = clients.filter((c) => survivors.has(c.id) && !late.has(c.id)).map((c) => c.reveal(survivors));
  const ring = server.unmask(revealed);
  options.inspect?.(server);
  return { sum: fp.decode(ring), included: [...survivors] };
}
