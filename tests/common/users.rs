//! Users for tests: made directly through the store in any role and scope, with an API token,
//! and signed in through the real `/login` form (CSRF token included) by a client that keeps
//! its session cookie.

use kota_domain::access::Role;
use kota_store::{NewUser, ScopeKey, Store};
use uuid::Uuid;

use super::TestApp;

/// A password that meets the policy; every test user has it unless a test changes it.
pub const PASSWORD: &str = "lantern river tram 2024";

/// A user made for a test.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Their id.
    pub id: Uuid,
    /// Their login.
    pub email: String,
    /// Their display name.
    pub name: String,
    /// How others see them: name, role, place.
    pub label: String,
    /// Their password.
    pub password: String,
    /// The secret of an API token of theirs, for `Authorization: Bearer`.
    pub token: String,
}

/// The scope a role needs, for tests that do not care which: Bangkok, Thailand, or the first
/// partner by slug.
pub async fn default_scope(store: &Store, role: Role) -> ScopeKey {
    use kota_domain::account::ScopeKind;
    match ScopeKind::of(role) {
        ScopeKind::City => ScopeKey::City("bangkok".into()),
        ScopeKind::MemberState => ScopeKey::MemberState("TH".into()),
        ScopeKind::Partner => {
            let slug = store
                .sql_text_rows("SELECT slug FROM partners ORDER BY slug LIMIT 1")
                .await
                .expect("a partner")
                .remove(0)
                .remove(0);
            ScopeKey::Partner(slug)
        }
        ScopeKind::Network => ScopeKey::Network,
    }
}

/// The value of the first hidden `csrf_token` field of a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("the field ends") + start;
    html[start..end].to_owned()
}

/// A client that keeps cookies and does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// Makes a user with this role and scope (and an API token), directly through the store.
    pub async fn user_with_scope(&self, role: Role, scope: ScopeKey) -> TestUser {
        let tag = &Uuid::new_v4().simple().to_string()[..8];
        let email = format!("{}-{tag}@example.org", role.as_str().replace('_', "-"));
        let name = format!("Test {} {tag}", role.label());
        let user = self
            .store
            .create_user(&NewUser {
                email: email.clone(),
                name: name.clone(),
                password: PASSWORD.into(),
                role,
                scope,
            })
            .await
            .expect("make the test user");
        let issued = self
            .store
            .create_api_token(user.id, "tests")
            .await
            .expect("make a token");
        let label = user.principal().expect("a principal").public_label();
        TestUser {
            id: user.id,
            email,
            name,
            label,
            password: PASSWORD.into(),
            token: issued.secret,
        }
    }

    /// Makes a user with this role, in the scope [`default_scope`] gives it.
    pub async fn user(&self, role: Role) -> TestUser {
        let scope = default_scope(&self.store, role).await;
        self.user_with_scope(role, scope).await
    }

    /// The sign-in form's CSRF token for `client` (which gets a session by asking).
    pub async fn login_csrf(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("GET /login");
        assert_eq!(page.status().as_u16(), 200, "GET /login");
        csrf_in(&page.text().await.expect("login page"))
    }

    /// Submits the sign-in form for `client` with a login and password, as a browser does.
    pub async fn submit_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let csrf = self.login_csrf(client).await;
        client
            .post(self.url("/login"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// A client signed in as `user` through the `/login` form.
    pub async fn login(&self, user: &TestUser) -> reqwest::Client {
        let client = browser();
        let response = self
            .submit_login(&client, &user.email, &user.password)
            .await;
        assert_eq!(response.status().as_u16(), 303, "sign-in of {}", user.email);
        client
    }

    /// A page for a signed-in client, with the CSRF token of its forms.
    pub async fn page_with_csrf(&self, client: &reqwest::Client, path: &str) -> (String, String) {
        let response = client.get(self.url(path)).send().await.expect("GET page");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let html = response.text().await.expect("HTML");
        let csrf = csrf_in(&html);
        (html, csrf)
    }

    /// A second server on the same database, as when several `kota serve` share one.
    pub async fn another_server(&self) -> TestApp {
        let store = Store::connect(&self.db.url)
            .await
            .expect("open the same database");
        TestApp::serve(self.db.shared(), store).await
    }
}

impl TestApp {
    /// `POST path` with a JSON body, as `who` (their API token).
    pub async fn post_as(
        &self,
        who: &TestUser,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(&who.token)
            .json(&body)
            .send()
            .await
            .expect("POST as a user")
    }

    /// `GET path` as `who` (their API token), which must answer 200: the JSON.
    pub async fn get_json_as<T: serde::de::DeserializeOwned>(
        &self,
        who: &TestUser,
        path: &str,
    ) -> T {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(&who.token)
            .send()
            .await
            .expect("GET as a user");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().await.expect("JSON")
    }

    /// A page for a signed-in client, which must answer 200: its HTML.
    pub async fn html_for(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.expect("GET page");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.text().await.expect("HTML")
    }
}

/// Where a redirect points (empty when it is none).
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The status `client` (with its session) gets for `GET path`.
pub async fn status_of(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}
