/**
 * Example DRL rule sets (seed 002's promotion factors written as Drools rules). Used by the tests
 * and by the demo data.
 */

/** VIP with high income: a tiered VIP offer, with a richer variant for very high incomes. */
export const VIP_HIGH_INCOME = `package com.banyan.promotions.vip;

import com.banyan.model.Customer;

global com.banyan.model.PromotionResult result;

rule "VIP高收入客戶規則"
    salience 100
    no-loop true
when
    $c : Customer( accountType == "VIP", $inc : annualIncome >= 2000000, creditScore >= 700 )
then
    result.setEligible(true);
    result.setPromotionId("promo-vip-001");
    result.setPromotionName("VIP專屬優惠");
    result.setPromotionType("TIERED_DISCOUNT");
    result.setDiscountPercentage(10.0);
    result.setDiscountAmount($inc * 0.0025);
    result.setDescription("VIP 高收入客戶專屬優惠");
    result.put("tier", "VIP");
end

rule "VIP頂級收入加碼"
    salience 50
when
    Customer( accountType == "VIP", annualIncome >= 5000000 )
then
    result.put("bonus", "PLATINUM");
end
`;

/** Seed 002's 大額交易客戶: five or more transactions over 10 000. */
export const LARGE_TRANSACTION_CUSTOMER = `package com.banyan.promotions.transactions;

rule "大額交易客戶"
    salience 20
when
    $c : Customer( )
    Number( intValue >= 5 ) from accumulate( Transaction( amount > 10000 ) from $c.transactionHistory, count( 1 ) )
then
    result.setEligible(true);
    result.setPromotionId("promo-large-tx");
    result.setPromotionName("大額交易回饋");
    result.setPromotionType("FIXED_AMOUNT");
    result.setDiscountAmount(2000);
    result.put("segment", "LARGE_TRANSACTION");
end
`;

/** Seed 002's 風險客戶: not eligible. Lowest salience, so it fires last and its writes stand. */
export const RISK_CUSTOMER = `package com.banyan.promotions.risk;

rule "風險客戶"
    salience -100
when
    Customer( creditScore < 600 || accountBalance < 10000 )
then
    result.setEligible(false);
    result.setDiscountAmount(0);
    result.setDescription("風險客戶：不符合優惠資格");
    result.put("riskFlag", true);
end
`;

/** A realistic set: new-customer offer, regional offer, VIP offer and a risk override together. */
export const PROMOTION_RULE_SET = `package com.banyan.promotions;

import com.banyan.model.Customer;
import com.banyan.model.Transaction;

rule "新戶開戶規則"
    salience 10
when
    Customer( creditScore >= 650, transactionHistory.size() <= 3 )
then
    result.setEligible(true);
    result.setPromotionId("promo-new-001");
    result.setPromotionName("新戶開戶禮");
    result.setPromotionType("FIXED_AMOUNT");
    result.setDiscountAmount(1000);
end

rule "雙北地區優惠"
    salience 20
when
    Customer( region in ("台北市", "新北市"), transactionCount >= 50 )
then
    result.setEligible(true);
    result.setPromotionId("promo-region-001");
    result.setPromotionName("雙北活躍客戶回饋");
    result.setPromotionType("PERCENTAGE_DISCOUNT");
    result.setDiscountPercentage(5);
end

rule "VIP活躍客戶"
    salience 30
when
    $c : Customer( accountType == "VIP", transactionCount >= 30 )
    exists Transaction( amount >= 10000 ) from $c.transactionHistory
then
    result.setEligible(true);
    result.setPromotionId("promo-vip-active");
    result.setPromotionName("VIP活躍客戶優惠");
    result.setPromotionType("TIERED_DISCOUNT");
    result.setDiscountAmount($c.accountBalance * 0.01);
end

rule "風險客戶排除"
    salience -100
when
    Customer( creditScore < 600 || accountBalance < 10000 )
then
    result.setEligible(false);
    result.setDescription("風險客戶：不符合優惠資格");
end
`;

export const DRL_EXAMPLES = {
  vipHighIncome: VIP_HIGH_INCOME,
  largeTransactionCustomer: LARGE_TRANSACTION_CUSTOMER,
  riskCustomer: RISK_CUSTOMER,
  promotionRuleSet: PROMOTION_RULE_SET,
} as const;
