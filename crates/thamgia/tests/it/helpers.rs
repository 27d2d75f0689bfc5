//! A real server per test, on a fresh database: SQLite in a temporary file, or
//! a new PostgreSQL database on the server the harness found (`harness.rs`:
//! `THAMGIA_TEST_POSTGRES_URL`, a server on the default local port, or a
//! throwaway cluster). Where none can be had the PostgreSQL half is reported
//! ignored, and under `CI=true` it fails.

use chrono::{TimeZone, Utc};
use reqwest::redirect::Policy;
use std::sync::Arc;
use thamgia_store::Db;
use thamgia_web::clock::FixedClock;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub db_url: String,
    pub clock: Arc<FixedClock>,
    _guard: DbGuard,
}

/// Drops the per-test PostgreSQL database (or the SQLite folder) afterwards.
enum DbGuard {
    Sqlite(#[allow(dead_code)] TempDir),
    Postgres { admin_url: String, name: String },
}

pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (url, name) = (admin_url.clone(), name.clone());
            // A fresh runtime on its own thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let db = Db::connect(&url).await.ok()?;
                    use sea_orm::ConnectionTrait;
                    db.conn
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The admin URL of the PostgreSQL server the harness chose for this run.
pub fn postgres_url() -> Option<String> {
    crate::harness::postgres_url()
}

pub fn temp_dir() -> TempDir {
    let p = std::env::temp_dir().join(format!("thamgia-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&p).expect("temp dir");
    TempDir(p)
}

/// Creates an empty database and returns its URL and guard.
async fn fresh_database(backend: Backend) -> Option<(String, DbGuard)> {
    match backend {
        Backend::Sqlite => {
            let dir = temp_dir();
            let url = format!("sqlite://{}/t.db", dir.0.display());
            Some((url, DbGuard::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin_url = postgres_url()?;
            let name = format!("tg_{}", uuid::Uuid::new_v4().simple());
            let admin = Db::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            use sea_orm::ConnectionTrait;
            admin
                .conn
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            admin.conn.close_by_ref().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .expect("url has a database");
            Some((
                format!("{base}/{name}"),
                DbGuard::Postgres { admin_url, name },
            ))
        }
    }
}

impl TestApp {
    /// A server on port 0 over a fresh database holding the demo data (the
    /// Lai Châu plan and one account per role). `None`: PostgreSQL not configured.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, true).await
    }

    /// As `spawn`, with an empty (migrated) database when `demo` is false.
    pub async fn spawn_with(backend: Backend, demo: bool) -> Option<TestApp> {
        let (db_url, guard) = fresh_database(backend).await?;
        let db = Db::connect(&db_url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
                .single()
                .expect("time"),
        ));
        if demo {
            thamgia::demo::fill(&db, clock.now_utc())
                .await
                .expect("demo data");
        }
        let config = thamgia_web::Config {
            listen: "127.0.0.1:0".into(),
            database_url: db_url.clone(),
            ..Default::default()
        };
        let app = thamgia_web::build_with(config, db.clone(), clock.clone())
            .await
            .expect("build");
        let base = format!("http://{}", app.addr);
        tokio::spawn(app.serve(std::future::pending()));
        Some(TestApp {
            base,
            db,
            db_url,
            clock,
            _guard: guard,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    pub async fn get(&self, c: &reqwest::Client, path: &str) -> (u16, String) {
        let r = c.get(self.url(path)).send().await.expect("GET");
        let s = r.status().as_u16();
        (s, r.text().await.unwrap_or_default())
    }

    /// Fetches a page and returns the CSRF token of its first form.
    pub async fn csrf(&self, c: &reqwest::Client, path: &str) -> String {
        let (_, html) = self.get(c, path).await;
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    pub async fn post_form(
        &self,
        c: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        c.post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in through the real form; returns the client.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = self.client();
        let csrf = self.csrf(&c, "/login").await;
        let r = self
            .post_form(
                &c,
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", thamgia::demo::DEMO_PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "sign-in of {username}");
        c
    }

    /// A bearer token for a demo account.
    pub async fn token(&self, username: &str) -> String {
        let u = thamgia_store::users::by_username(&self.db.conn, username)
            .await
            .expect("db")
            .expect("user");
        let token = format!("tg_{}", uuid::Uuid::new_v4().simple());
        thamgia_store::users::create_token(
            &self.db.conn,
            &thamgia_domain::access::Actor::system("test"),
            self.clock.now_utc(),
            u.id,
            &token,
            "test",
        )
        .await
        .expect("token");
        token
    }

    pub async fn api_get(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let r = reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn api_send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let r = reqwest::Client::new()
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("send");
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// A file from the API: status, content type and bytes.
    pub async fn download(&self, token: &str, path: &str) -> (u16, String, Vec<u8>) {
        let r = reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        let s = r.status().as_u16();
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (s, ct, r.bytes().await.expect("body").to_vec())
    }

    /// A file from the API that must answer 200: its bytes.
    pub async fn download_ok(&self, token: &str, path: &str) -> Vec<u8> {
        let (s, _, bytes) = self.download(token, path).await;
        assert_eq!(s, 200, "{path}");
        bytes
    }

    /// Creates an officer account (role `district_officer`, the demo
    /// password) for the unit of `unit_code` — a district, or a commune since
    /// 1/7/2025.
    pub async fn officer(&self, username: &str, unit_code: &str) {
        use thamgia_web::clock::Clock;
        thamgia_web::accounts::create(
            &self.db.conn,
            &thamgia_domain::access::Actor::system("test"),
            &thamgia_domain::access::Scope::everything(),
            self.clock.now(),
            thamgia_web::accounts::UserInput {
                username: username.into(),
                display_name: username.into(),
                role: "district_officer".into(),
                unit: unit_code.into(),
                agency: None,
                password: thamgia::demo::DEMO_PASSWORD.into(),
            },
        )
        .await
        .expect("account");
    }

    /// One step of a unit's annual report through the API
    /// (`submit`, `approve`, `return`, `reopen`), which must answer 200;
    /// returns the report as the API answers it.
    pub async fn report_step(
        &self,
        token: &str,
        unit: &str,
        year: i32,
        step: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let path = format!("/api/v1/reports/{unit}/{year}/{step}");
        let (s, b) = self
            .api_send(reqwest::Method::POST, token, &path, &body)
            .await;
        assert_eq!(s, 200, "{step} {unit}/{year}: {b}");
        b
    }

    /// The unit's officer submits its report for the year and the
    /// coordinator approves it (locking the year); returns the approved report.
    pub async fn approve_report(&self, officer: &str, unit: &str, year: i32) -> serde_json::Value {
        let officer = self.token(officer).await;
        let coord = self.token("coordinator").await;
        self.report_step(&officer, unit, year, "submit", serde_json::json!({}))
            .await;
        self.report_step(&coord, unit, year, "approve", serde_json::json!({}))
            .await
    }
}

trait NowUtc {
    fn now_utc(&self) -> chrono::DateTime<Utc>;
}

impl NowUtc for Arc<FixedClock> {
    fn now_utc(&self) -> chrono::DateTime<Utc> {
        use thamgia_web::clock::Clock;
        self.now()
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[i + 19..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Declares an async test body `async fn name(app: TestApp)` to run on SQLite
/// and on PostgreSQL, as the cases `module::name::sqlite` and
/// `module::name::postgres`. `needs = [..]` names the programs the test cannot
/// do without (reported ignored where one is missing, failed under `CI=true`).
#[macro_export]
macro_rules! db_test {
    ($name:ident) => {
        $crate::db_test!($name, needs = []);
    };
    ($name:ident, needs = [$($tool:literal),*]) => {
        mod $name {
            pub(crate) fn sqlite() {
                $crate::harness::block_on(async {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite)
                        .await
                        .expect("sqlite app");
                    super::$name(app).await;
                });
            }

            pub(crate) fn postgres() {
                $crate::harness::block_on(async {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres)
                        .await
                        .expect("PostgreSQL app");
                    super::$name(app).await;
                });
            }
        }
        inventory::submit! {
            $crate::harness::Case {
                module: module_path!(),
                name: stringify!($name),
                run: $crate::harness::Run::Db { sqlite: $name::sqlite, postgres: $name::postgres },
                needs: &[$($tool),*],
            }
        }
    };
}

/// Declares a plain test `fn name()` (no database), run once as `module::name`.
#[macro_export]
macro_rules! plain_test {
    ($name:ident) => {
        inventory::submit! {
            $crate::harness::Case {
                module: module_path!(),
                name: stringify!($name),
                run: $crate::harness::Run::Plain($name),
                needs: &[],
            }
        }
    };
}
