/**
 * The wallet simulator's ledger. An account is (tenant, player, currency): two tenants' players
 * with the same id are different people and never share a balance. Idempotency keys are scoped by
 * tenant too, so one tenant can neither replay nor block another tenant's key. `credit` is
 * synchronous, so the check-and-insert is atomic on Node's single thread: concurrent requests with
 * one key credit once.
 */
import { Decimal } from 'decimal.js';

export interface CreditRequest {
  /** The tenant the player belongs to: part of the account and of the idempotency scope. */
  readonly tenantId: string;
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
    const scopedKey = `${req.tenantId}\u0000${key}`;
    const existing = this.byKey.get(scopedKey);
    if (existing) {
      const same =
        existing.tenantId === req.tenantId &&
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
    const balanceKey = `${req.tenantId}\u0000${req.playerId}\u0000${req.currency}`;
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
    this.byKey.set(scopedKey, credit);
    this.ledger.push(credit);
    return { kind: 'created', credit };
  }

  list(filter: { readonly tenantId?: string | undefined; readonly playerId?: string | undefined } = {}): WalletCredit[] {
    return this.ledger.filter(
      (c) => (filter.tenantId === undefined || c.tenantId === filter.tenantId) && (filter.playerId === undefined || c.playerId === filter.playerId),
    );
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
