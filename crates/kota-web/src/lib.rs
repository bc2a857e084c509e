//! Kota web.
