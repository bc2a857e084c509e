//! Kota storage.
