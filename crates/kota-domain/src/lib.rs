//! Kota domain types and rules.
