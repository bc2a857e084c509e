//! Builds the store again when a migration is added or changed, so that `sqlx::migrate!`
//! always embeds every migration.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
