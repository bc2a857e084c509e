//! Test helpers that boot the real application on a free port with a database of its own,
//! seeded with the real network and dropped when the test ends.
//!
//! The backend comes from `KOTA_TEST_DATABASE_URL`: unset, each test gets an SQLite file in a
//! temporary folder; set to a PostgreSQL URL (e.g. `postgres://postgres@127.0.0.1:5432/test`),
//! each test gets a new database created on that server with a UTF-8 ctype.

#![allow(dead_code)]

pub mod calendar;
mod database;
pub mod inbox;
pub mod users;

pub use database::TestDatabase;

use std::net::SocketAddr;

use kota_store::Store;

/// The network file built into `kota`.
pub const ASCN: &str = include_str!("../../data/ascn/ascn_seed.json");

/// The signer of audit checkpoints every test database is written with (the prepared
/// database's import included), from a fixed test key.
pub fn audit_signer() -> std::sync::Arc<kota_domain::audit::checkpoint::AuditSigner> {
    std::sync::Arc::new(kota_domain::audit::checkpoint::AuditSigner::from_secret(
        &[7; 32],
    ))
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
        let db = TestDatabase::seeded().await;
        let store = db.store().await;
        Self::serve(db, store).await
    }

    /// Boots the application on a store as it is.
    pub async fn serve(db: TestDatabase, store: Store) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("local address");
        let app = kota_web::app(kota_web::AppState::new(store.clone()));
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

    /// The `ETag` a GET of `path` answers with (what a change sends as `If-Match`).
    pub async fn etag(&self, path: &str) -> String {
        self.get(path).await.headers()["etag"]
            .to_str()
            .expect("etag")
            .to_owned()
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

/// The `kota` binary, ready to run (its audit signing key in the tests' scratch folder, not
/// in the working directory).
pub fn kota() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kota"));
    cmd.env(
        "KOTA_AUDIT_KEY",
        concat!(env!("CARGO_TARGET_TMPDIR"), "/audit-signing.key"),
    );
    cmd
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
/// the store's rules look only at the principal); its place is called "Test place".
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
        place: matches!(
            bound,
            Bound::CityOfficer { .. }
                | Bound::NationalRepresentative { .. }
                | Bound::PartnerRepresentative { .. }
        )
        .then(|| "Test place".to_owned()),
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

/// The key a path would name a record by.
pub fn key(text: &str) -> kota_domain::ids::Key {
    kota_domain::ids::Key::parse(text).expect("a valid key")
}
