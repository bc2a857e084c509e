//! Test databases: empty, or a copy of one prepared once with the real network, and dropped
//! when their test ends (a panic included).
//!
//! The prepared database is named by a hash of what shapes it (the backend's migrations, the
//! seed file, the store and domain code that import it), so a change to any of them makes a
//! new one. On SQLite it is a file in Cargo's temporary folder for integration tests, copied
//! per test. On PostgreSQL it is a template database, cloned per test with `CREATE DATABASE …
//! TEMPLATE`; it is made under an advisory lock, so test processes started together make it
//! once. Each test process holds advisory locks on a connection of its own while it lives: one
//! on its tag, which names its databases, and a shared one on its template. Whoever makes a
//! template drops the templates and test databases nobody holds: those left stale by a change,
//! or by a process that was killed before it could drop them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use kota_store::Store;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

/// A database of a test's own.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    owned: Option<Owned>,
}

/// What the owner of a test database removes when it goes.
enum Owned {
    /// The temporary folder that holds an SQLite file.
    Folder(tempfile::TempDir),
    /// A database on the PostgreSQL server administered through `admin`.
    Postgres { admin: String, name: String },
}

impl TestDatabase {
    /// A new, empty database on the backend the environment names.
    pub async fn new() -> Self {
        match admin_url() {
            Some(admin) => {
                Self::create_postgres(
                    admin,
                    "template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
                )
                .await
            }
            None => Self::in_folder(tempfile::tempdir().expect("temporary folder")),
        }
    }

    /// A new database holding the real network, migrated: a copy of the prepared one.
    pub async fn seeded() -> Self {
        match admin_url() {
            Some(admin) => {
                let template = format!("\"{}\"", postgres_process(&admin).template);
                Self::create_postgres(admin, &template).await
            }
            None => {
                let dir = tempfile::tempdir().expect("temporary folder");
                std::fs::copy(sqlite_template(), dir.path().join("kota.db"))
                    .expect("copy the prepared database");
                Self::in_folder(dir)
            }
        }
    }

    /// Another handle on this database, which leaves it in place when it goes.
    pub fn shared(&self) -> Self {
        Self {
            url: self.url.clone(),
            owned: None,
        }
    }

    /// The store on it, migrated.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url)
            .await
            .expect("open the test database");
        store.migrate().await.expect("migrate the test database");
        store.with_audit_signer(super::audit_signer())
    }

    fn in_folder(dir: tempfile::TempDir) -> Self {
        Self {
            url: sqlite_url(&dir.path().join("kota.db")),
            owned: Some(Owned::Folder(dir)),
        }
    }

    /// A database created on the server from `template` (with its options).
    async fn create_postgres(admin: String, template: &str) -> Self {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let process = postgres_process(&admin);
        let name = format!(
            "{TEST_PREFIX}{:08x}_{}",
            process.tag,
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE \"{name}\" TEMPLATE {template}"))
            .execute(&mut conn)
            .await
            .expect("create a test database");
        conn.close().await.ok();
        Self {
            url: sibling_url(&admin, &name),
            owned: Some(Owned::Postgres { admin, name }),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(Owned::Postgres { admin, name }) = &self.owned else {
            return; // an SQLite folder goes with its `TempDir`
        };
        let dropped = apart(async {
            let mut conn = PgConnection::connect(admin).await?;
            drop_database(&mut conn, name).await?;
            conn.close().await
        });
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database {name}: {e}"),
            Err(_) => eprintln!("could not drop the test database {name}: the drop panicked"),
        }
    }
}

/// Names of test databases on PostgreSQL: this, the process's tag, `_`, a number.
const TEST_PREFIX: &str = "kota_test_";
/// Names of prepared templates on PostgreSQL: this and the content hash.
const TEMPLATE_PREFIX: &str = "kota_tmpl_";
/// Advisory lock classes (the first key of the two-key form), on the admin database.
const PREPARING: i32 = 0x4b4f_5441;
const USING_TEMPLATE: i32 = PREPARING + 1;
const ALIVE: i32 = PREPARING + 2;

/// The PostgreSQL server's admin URL, when the tests run on PostgreSQL.
fn admin_url() -> Option<String> {
    std::env::var("KOTA_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The URL of database `name` on the server of `admin`.
fn sibling_url(admin: &str, name: &str) -> String {
    let (base, _) = admin.rsplit_once('/').expect("the URL names a database");
    format!("{base}/{name}")
}

/// This test process on the PostgreSQL server.
struct PostgresProcess {
    /// Names this process's databases; other processes see it is alive by its lock.
    tag: u32,
    /// The prepared template.
    template: String,
}

/// Sets this process up on the server the first time it is asked: holds its locks, makes the
/// template unless it is there, and drops what nobody holds.
fn postgres_process(admin: &str) -> &'static PostgresProcess {
    static PROCESS: OnceLock<PostgresProcess> = OnceLock::new();
    PROCESS.get_or_init(|| {
        let hash = content_hash("postgres");
        let process = PostgresProcess {
            tag: uuid::Uuid::new_v4().as_fields().0,
            template: format!("{TEMPLATE_PREFIX}{hash}"),
        };
        hold_locks(admin, process.tag, hex_key(&hash, 16).expect("a hex hash"));
        apart(prepare_postgres(admin, &process)).unwrap_or_else(|p| std::panic::resume_unwind(p));
        process
    })
}

/// The lock key of a tag or hash of `digits` hex digits (its first eight); `None` when it is
/// not one, as in the names of databases made otherwise, which are left alone.
fn hex_key(hex: &str, digits: usize) -> Option<i32> {
    let hex =
        Some(hex).filter(|h| h.len() == digits && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    u32::from_str_radix(&hex[..8], 16)
        .ok()
        .map(|key| key as i32)
}

/// Takes this process's locks on a connection kept open until the process ends.
fn hold_locks(admin: &str, tag: u32, template: i32) {
    let admin = admin.to_owned();
    let (locked, held) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        runtime().block_on(async move {
            let conn = async {
                let mut conn = PgConnection::connect(&admin).await?;
                sqlx::query("SELECT pg_advisory_lock($1, $2), pg_advisory_lock_shared($3, $4)")
                    .bind(ALIVE)
                    .bind(tag as i32)
                    .bind(USING_TEMPLATE)
                    .bind(template)
                    .execute(&mut conn)
                    .await?;
                Ok::<_, sqlx::Error>(conn)
            }
            .await;
            let failed = conn.as_ref().err().map(ToString::to_string);
            locked.send(failed).ok();
            let _kept = conn;
            std::future::pending::<()>().await;
        });
    });
    if let Some(e) = held.recv().expect("the lock holder answers") {
        panic!("hold the test process's locks on the PostgreSQL server: {e}");
    }
}

/// Makes the template unless it is there, then drops stale templates and the databases of
/// test processes that ended without dropping them; all under the preparing lock.
async fn prepare_postgres(admin: &str, process: &PostgresProcess) {
    let mut conn = PgConnection::connect(admin)
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query("SELECT pg_advisory_lock($1, 0)")
        .bind(PREPARING)
        .execute(&mut conn)
        .await
        .expect("take the preparing lock");
    let template = &process.template;
    let ready: Option<bool> =
        sqlx::query_scalar("SELECT datistemplate FROM pg_database WHERE datname = $1")
            .bind(template)
            .fetch_optional(&mut conn)
            .await
            .expect("look for the template");
    if ready != Some(true) {
        // Half made by a process that was killed: start again.
        drop_database(&mut conn, template)
            .await
            .expect("drop a half-made template");
        execute(
            &mut conn,
            &format!(
                "CREATE DATABASE \"{template}\" TEMPLATE template0 ENCODING 'UTF8' \
                 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            ),
        )
        .await;
        seed(&sibling_url(admin, template)).await.close().await;
        // Nobody may connect to a template while it is copied: refuse connections for good.
        execute(
            &mut conn,
            &format!("ALTER DATABASE \"{template}\" WITH ALLOW_CONNECTIONS false IS_TEMPLATE true"),
        )
        .await;
    }
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database")
        .fetch_all(&mut conn)
        .await
        .expect("list the databases");
    for name in names {
        let holder = if let Some(hash) = name.strip_prefix(TEMPLATE_PREFIX) {
            hex_key(hash, 16).map(|key| (USING_TEMPLATE, key))
        } else if let Some((tag, number)) = name
            .strip_prefix(TEST_PREFIX)
            .and_then(|rest| rest.split_once('_'))
        {
            let numbered = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
            hex_key(tag, 8).filter(|_| numbered).map(|key| (ALIVE, key))
        } else {
            None
        };
        let Some((class, key)) = holder else { continue };
        if name == *template || !lock(&mut conn, "pg_try_advisory_lock", class, key).await {
            continue;
        }
        if class == USING_TEMPLATE {
            execute(
                &mut conn,
                &format!("ALTER DATABASE \"{name}\" IS_TEMPLATE false"),
            )
            .await;
        }
        if let Err(e) = drop_database(&mut conn, &name).await {
            eprintln!("could not drop the stale test database {name}: {e}");
        }
        lock(&mut conn, "pg_advisory_unlock", class, key).await;
    }
    lock(&mut conn, "pg_advisory_unlock", PREPARING, 0).await;
    conn.close().await.ok();
}

/// Calls an advisory lock function of the two-key form that answers whether it succeeded.
async fn lock(conn: &mut PgConnection, function: &str, class: i32, key: i32) -> bool {
    sqlx::query_scalar(&format!("SELECT {function}($1, $2)"))
        .bind(class)
        .bind(key)
        .fetch_one(conn)
        .await
        .expect("advisory lock")
}

async fn execute(conn: &mut PgConnection, sql: &str) {
    sqlx::query(sql).execute(conn).await.expect(sql);
}

/// Drops a database if it is there, closing its connections.
async fn drop_database(conn: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(conn)
        .await?;
    Ok(())
}

/// The prepared SQLite file, made the first time this process asks unless it is there.
fn sqlite_template() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let file = dir.join(format!("kota-template-{}.db", content_hash("sqlite")));
        if !file.exists() {
            apart(prepare_sqlite(dir, &file)).unwrap_or_else(|p| std::panic::resume_unwind(p));
        }
        file
    })
}

/// Prepares the SQLite file in a folder of its own, then puts it in place at once (a
/// process started at the same time may do the same: either file serves), and removes the
/// files older contents made.
async fn prepare_sqlite(dir: &Path, file: &Path) {
    let work = tempfile::tempdir_in(dir).expect("temporary folder");
    let made = work.path().join("kota.db");
    let store = seed(&sqlite_url(&made)).await;
    // Everything into the main file, so that a copy of it alone is whole.
    store
        .sql_execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .expect("checkpoint the prepared database");
    store.close().await;
    for entry in std::fs::read_dir(dir).expect("list the temporary folder") {
        let old = entry.expect("a folder entry").path();
        let name = old.file_name().unwrap_or_default().to_string_lossy();
        if old != file && name.starts_with("kota-template-") && name.ends_with(".db") {
            std::fs::remove_file(&old).ok();
        }
    }
    std::fs::rename(&made, file).expect("put the prepared database in place");
}

/// Migrates the database at `url` and imports the real network into it, as tests find it.
async fn seed(url: &str) -> Store {
    let store = Store::connect(url)
        .await
        .expect("open the database to prepare")
        .with_audit_signer(super::audit_signer());
    store
        .migrate()
        .await
        .expect("migrate the prepared database");
    let data = kota_domain::seed::parse("ascn_seed.json", super::ASCN)
        .expect("the built-in network is valid");
    store
        .import(&data, &kota_store::Actor::system("test"))
        .await
        .expect("load the network");
    store
}

/// A hash (16 hex digits) of what shapes a prepared database on `backend`: its migrations,
/// the seed file, the sources of the store and domain crates, which import it, and these test
/// helpers, which prepare it.
fn content_hash(backend: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        &format!("crates/kota-store/migrations/{backend}"),
        "crates/kota-store/src",
        "crates/kota-domain/src",
        "tests/common",
    ] {
        files_under(&root.join(dir), &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    hash.update(super::ASCN);
    for file in files {
        let content = std::fs::read(&file).expect("read a source file");
        let name = file.strip_prefix(root).unwrap_or(&file).to_string_lossy();
        for part in [name.as_bytes(), &content] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("list a source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Runs `work` to its end on a thread and runtime of its own, so that synchronous code (a
/// `Drop`, a once-per-process set-up) can wait for it on any runtime.
fn apart<T: Send>(work: impl Future<Output = T> + Send) -> std::thread::Result<T> {
    std::thread::scope(|s| s.spawn(|| runtime().block_on(work)).join())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
