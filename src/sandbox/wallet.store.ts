/**
 * The wallet simulator's ledger: credits keyed by idempotency key. `credit` is synchronous, so
 * the check-and-insert is atomic on Node's single thread: concurrent requests with one key credit once.
 */
import { Decimal } from 'decimal.js';

export interface CreditRequest {
  readonly playerId: string;
  /** Canonical decimal string (no exponent, no trailing zeros beyond the input's meaning). */
  readonly amount: string;
  readonly currency: string;
  readonly reference: string | null;
}

export interface WalletCredit extends CreditRequest {
  readonly transactionId: string;
  readonly status: 'COMPLETED';
  readonly idempotencyKey: string;
  readonly createdAt: string;
  /** The player's balance in this currency after the credit. */
  readonly balance: string;
}

export type CreditOutcome =
  | { readonly kind: 'created'; readonly credit: WalletCredit }
  | { readonly kind: 'replayed'; readonly credit: WalletCredit }
  | { readonly kind: 'conflict'; readonly credit: WalletCredit };

export interface WalletStats {
  readonly credits: number;
  readonly distinctKeys: number;
  readonly duplicatesRejected: number;
  readonly conflicts: number;
  /** Sum of all credited amounts, as a decimal string. */
  readonly total: string;
}

export class WalletStore {
  private readonly byKey = new Map<string, WalletCredit>();
  private readonly ledger: WalletCredit[] = [];
  private readonly balances = new Map<string, Decimal>();
  private duplicates = 0;
  private conflicts = 0;
  private total = new Decimal(0);

  constructor(private readonly now: () => Date) {}

  credit(key: string, req: CreditRequest): CreditOutcome {
    const existing = this.byKey.get(key);
    if (existing) {
      const same =
        existing.playerId === req.playerId &&
        new Decimal(existing.amount).eq(req.amount) &&
        existing.currency === req.currency &&
        existing.reference === req.reference;
      if (!same) {
        this.conflicts++;
        return { kind: 'conflict', credit: existing };
      }
      this.duplicates++;
      return { kind: 'replayed', credit: existing };
    }
    const balanceKey = `${req.playerId}\u0000${req.currency}`;
    const balance = (this.balances.get(balanceKey) ?? new Decimal(0)).plus(req.amount);
    this.balances.set(balanceKey, balance);
    this.total = this.total.plus(req.amount);
    const credit: WalletCredit = {
      ...req,
      transactionId: `wtx_${String(this.ledger.length + 1).padStart(8, '0')}`,
      status: 'COMPLETED',
      idempotencyKey: key,
      createdAt: this.now().toISOString(),
      balance: balance.toFixed(),
    };
    this.byKey.set(key, credit);
    this.ledger.push(credit);
    return { kind: 'created', credit };
  }

  list(playerId?: string): WalletCredit[] {
    return playerId === undefined ? [...this.ledger] : this.ledger.filter((c) => c.playerId === playerId);
  }

  stats(): WalletStats {
    return {
      credits: this.ledger.length,
      distinctKeys: this.byKey.size,
      duplicatesRejected: this.duplicates,
      conflicts: this.conflicts,
      total: this.total.toFixed(),
    };
  }
}
