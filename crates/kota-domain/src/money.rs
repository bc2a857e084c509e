//! Amounts of money in one currency, and how readers see them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount in whole units of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Whole units of the currency.
    pub amount: i64,
    /// ISO 4217 currency code (e.g. `USD`).
    pub currency: String,
}

impl Money {
    /// The amount in full with thousands separators, for a page: `USD 12,000,000`.
    pub fn readable(&self) -> String {
        let digits = self.amount.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(d);
        }
        let sign = if self.amount < 0 { "-" } else { "" };
        format!("{} {sign}{grouped}", self.currency)
    }

    /// The amount rounded for a table: `12 M USD`, `1.5 bn USD`, `750 k USD`, `900 USD`.
    pub fn short(&self) -> String {
        let a = self.amount.unsigned_abs() as f64;
        let sign = if self.amount < 0 { "-" } else { "" };
        let (value, unit) = match a {
            a if a >= 1e9 => (a / 1e9, " bn"),
            a if a >= 1e6 => (a / 1e6, " M"),
            a if a >= 1e3 => (a / 1e3, " k"),
            a => (a, ""),
        };
        // One decimal below ten, none above: 1.5 M, 12 M, 250 M.
        let shown = if value < 10.0 && !unit.is_empty() {
            let v = format!("{value:.1}");
            v.strip_suffix(".0").map(str::to_owned).unwrap_or(v)
        } else {
            format!("{value:.0}")
        };
        format!("{sign}{shown}{unit} {}", self.currency)
    }

    /// Whether `code` is an ISO 4217 currency code (in any letter case).
    pub fn is_currency(code: &str) -> bool {
        iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase()).is_some()
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.readable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(amount: i64) -> Money {
        Money {
            amount,
            currency: "USD".into(),
        }
    }

    #[test]
    fn amounts_read_in_full_on_pages() {
        assert_eq!(m(12_000_000).readable(), "USD 12,000,000");
        assert_eq!(m(999).readable(), "USD 999");
        assert_eq!(m(1_000).readable(), "USD 1,000");
        assert_eq!(m(-25_500).readable(), "USD -25,500");
    }

    #[test]
    fn amounts_are_rounded_in_tables() {
        assert_eq!(m(12_000_000).short(), "12 M USD");
        assert_eq!(m(1_500_000).short(), "1.5 M USD");
        assert_eq!(m(2_000_000_000).short(), "2 bn USD");
        assert_eq!(m(750_000).short(), "750 k USD");
        assert_eq!(m(900).short(), "900 USD");
        assert_eq!(m(5_000_000).short(), "5 M USD");
    }
}
