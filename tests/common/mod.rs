//! Test helpers that boot the real application on a free port with a fresh database of its
//! own, seeded with the real network.
//!
//! The backend comes from `KOTA_TEST_DATABASE_URL`: unset, each test gets an SQLite file in a
//! temporary folder; set to a PostgreSQL URL (e.g. `postgres://postgres@127.0.0.1:5432/test`),
//! each test gets a new database created on that server with a UTF-8 ctype.

#![allow(dead_code)]

pub mod users;

use std::net::SocketAddr;

use kota_store::Store;
use sqlx::Connection;

/// The network file built into `kota`.
pub const ASCN: &str = include_str!("../../data/ascn/ascn_seed.json");

/// A database of a test's own.
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A new, empty database on the backend the environment names.
    pub async fn new() -> Self {
        match std::env::var("KOTA_TEST_DATABASE_URL") {
            Ok(admin) if admin.starts_with("postgres") => {
                let name = format!("kota_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to the PostgreSQL test server");
                sqlx::query(&format!(
                    "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                ))
                .execute(&mut conn)
                .await
                .expect("create a test database");
                conn.close().await.ok();
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .expect("the URL names a database");
                Self {
                    url: format!("{base}/{name}"),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("kota.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                }
            }
        }
    }

    /// The store on it, migrated.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url)
            .await
            .expect("open the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

/// The real application, serving on a free loopback port.
pub struct TestApp {
    /// Where it listens.
    pub address: SocketAddr,
    /// Its store, for checks behind the HTTP surface.
    pub store: Store,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// Its database.
    pub db: TestDatabase,
}

impl TestApp {
    /// Boots the application with the real network loaded.
    pub async fn spawn() -> Self {
        let db = TestDatabase::new().await;
        let store = db.store().await;
        let data = kota_domain::seed::parse("ascn_seed.json", ASCN)
            .expect("the built-in network is valid");
        store
            .import(&data, &kota_store::Actor::system("test"))
            .await
            .expect("load the network");
        Self::serve(db, store).await
    }

    /// Boots the application on a store as it is.
    pub async fn serve(db: TestDatabase, store: Store) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("local address");
        let app = kota_web::app(kota_web::AppState {
            store: store.clone(),
        });
        tokio::spawn(async move {
            kota_web::serve(listener, app, std::future::pending())
                .await
                .expect("serve");
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self {
            address,
            store,
            client,
            db,
        }
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET a path and read its JSON, asserting the status.
    pub async fn get_json(&self, path: &str, status: u16) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// GET a page and read its HTML, asserting the status.
    pub async fn get_html(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        let ct = content_type(&response);
        assert!(ct.starts_with("text/html"), "GET {path}: content type {ct}");
        response.text().await.expect("HTML body")
    }
}

/// Asserts a response is an RFC 9457 problem with this status, and returns it.
pub async fn problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(content_type(&response), "application/problem+json");
    let body: serde_json::Value = response.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// The content type of a response (empty when it has none).
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The `kota` binary, ready to run.
pub fn kota() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_kota"))
}

/// Runs `kota seed` (with `--file` when given) against a database URL.
pub fn kota_seed(file: Option<&std::path::Path>, database_url: &str) -> std::process::Output {
    let mut cmd = kota();
    cmd.arg("seed");
    if let Some(file) = file {
        cmd.arg("--file").arg(file);
    }
    cmd.args(["--database-url", database_url])
        .output()
        .expect("run kota")
}

/// A principal of `role` acting for the city, state or partner given (no user row needed:
/// the store's rules look only at the principal).
pub fn principal(
    role: kota_domain::access::Role,
    scope: Scope<'_>,
) -> kota_domain::access::Principal {
    use kota_domain::access::Scope as Bound;
    let bound = match (role, scope) {
        (_, Scope::City(city_id)) => Bound::CityOfficer { city_id },
        (_, Scope::State(iso2)) => Bound::NationalRepresentative {
            state_iso2: iso2.to_owned(),
        },
        (_, Scope::Partner(partner_id)) => Bound::PartnerRepresentative { partner_id },
        (kota_domain::access::Role::Admin, Scope::Network) => Bound::Admin,
        (_, Scope::Network) => Bound::Coordinator,
    };
    assert_eq!(bound.role(), role, "the scope fits the role");
    kota_domain::access::Principal {
        user_id: uuid::Uuid::new_v4(),
        email: format!("{}@example.org", role.as_str()),
        name: format!("Test {}", role.label()),
        scope: bound,
    }
}

/// What a principal belongs to.
pub enum Scope<'a> {
    /// A city.
    City(uuid::Uuid),
    /// A member state.
    State(&'a str),
    /// A partner.
    Partner(uuid::Uuid),
    /// Nothing in particular (coordinators, admins).
    Network,
}

/// Runs raw SQL on the test database, as an operator with database access would.
pub async fn raw_sql(store: &kota_store::Store, sql: &str) -> Result<(), kota_store::StoreError> {
    store.sql_execute(sql).await
}

/// Numbers that any write changes: row counts and version sums of every editable table, and
/// the length of the audit log. Equal before and after: nothing was written.
pub async fn fingerprint(store: &Store) -> Vec<i64> {
    let queries = [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM cities",
        "SELECT COALESCE(SUM(version), 0) FROM cities",
        "SELECT COUNT(*) FROM projects",
        "SELECT COALESCE(SUM(version), 0) FROM projects",
        "SELECT COUNT(*) FROM project_updates",
        "SELECT COUNT(*) FROM action_plans",
        "SELECT COALESCE(SUM(version), 0) FROM partners",
        "SELECT COALESCE(SUM(version), 0) FROM focus_areas",
        "SELECT COUNT(*) FROM api_tokens",
    ];
    let mut out = Vec::new();
    for q in queries {
        out.push(store.sql_i64(q).await.expect(q));
    }
    out
}
