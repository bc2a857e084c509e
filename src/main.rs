//! The `kota` command.
fn main() {}
