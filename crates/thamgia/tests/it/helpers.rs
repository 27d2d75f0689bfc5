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

fn config_for(db_url: &str) -> thamgia_web::Config {
    thamgia_web::Config {
        listen: "127.0.0.1:0".into(),
        database_url: db_url.into(),
        ..Default::default()
    }
}

/// Starts a server over `db` at `clock`; its base URL.
async fn serve(config: thamgia_web::Config, db: &Db, clock: &Arc<FixedClock>) -> String {
    let app = thamgia_web::build_with(config, db.clone(), clock.clone())
        .await
        .expect("build");
    let base = format!("http://{}", app.addr);
    tokio::spawn(app.serve(std::future::pending()));
    base
}

/// `api_send` with a fixed method, one function a method.
macro_rules! api_methods {
    ($($(#[$doc:meta])* $name:ident => $method:ident,)*) => {$(
        $(#[$doc])*
        pub async fn $name(
            &self,
            token: &str,
            path: &str,
            body: &serde_json::Value,
        ) -> (u16, serde_json::Value) {
            self.api_send(reqwest::Method::$method, token, path, body).await
        }
    )*};
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
        let base = serve(config_for(&db_url), &db, &clock).await;
        Some(TestApp {
            base,
            db,
            db_url,
            clock,
            _guard: guard,
        })
    }

    /// The configuration of the test's server: a free port, its database.
    pub fn config(&self) -> thamgia_web::Config {
        config_for(&self.db_url)
    }

    /// Another server over the same database and clock, with `config`; its
    /// base URL.
    pub async fn serve_also(&self, config: thamgia_web::Config) -> String {
        serve(config, &self.db, &self.clock).await
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

    /// The size of a page as it travels with `Accept-Encoding: gzip` (reqwest
    /// here does not decompress), and the content encoding used; it must
    /// answer 200.
    pub async fn transferred(&self, c: &reqwest::Client, path: &str) -> (usize, String) {
        let r = c
            .get(self.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("GET");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let enc = header(&r, "content-encoding");
        (r.bytes().await.expect("body").len(), enc)
    }

    /// Checks that each page answers `c` with `status`.
    pub async fn assert_statuses(&self, c: &reqwest::Client, status: u16, paths: &[&str]) {
        for path in paths {
            let (s, _) = self.get(c, path).await;
            assert_eq!(s, status, "{path}");
        }
    }

    /// A GET of `c`'s session that must answer `status`: the answer as it
    /// comes, for its headers and bytes.
    pub async fn fetch(&self, c: &reqwest::Client, path: &str, status: u16) -> reqwest::Response {
        let r = c.get(self.url(path)).send().await.expect("GET");
        assert_eq!(r.status().as_u16(), status, "{path}");
        r
    }

    /// A page that must answer 200: its HTML.
    pub async fn page(&self, c: &reqwest::Client, path: &str) -> String {
        let (s, html) = self.get(c, path).await;
        assert_eq!(s, 200, "{path}");
        html
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

    /// Posts a form of `c`'s session with its CSRF token first and checks
    /// the answer's status; returns the answer.
    pub async fn submit_form(
        &self,
        c: &reqwest::Client,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
        status: u16,
    ) -> reqwest::Response {
        let mut form = vec![("csrf", csrf)];
        form.extend_from_slice(fields);
        let r = self.post_form(c, path, &form).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        r
    }

    /// Chooses the language of `c`'s pages through the switch, then `next`.
    pub async fn switch_lang(
        &self,
        c: &reqwest::Client,
        csrf: &str,
        lang: &str,
        next: &str,
    ) -> reqwest::Response {
        let form = [("csrf", csrf), ("lang", lang), ("next", next)];
        self.post_form(c, "/lang", &form).await
    }

    /// Posts a multipart form of `c`'s session, the CSRF field and one file.
    pub async fn upload_form(
        &self,
        c: &reqwest::Client,
        path: &str,
        csrf: &str,
        file_name: &str,
        ctype: &str,
        bytes: &[u8],
    ) -> reqwest::Response {
        let (ct, body) = multipart(csrf, file_name, ctype, bytes);
        c.post(self.url(path))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    /// Signs in through the real form; returns the client.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        self.login_on(self.client(), username).await
    }

    /// Signs `c` in as `username` through the real form; returns it.
    pub async fn login_on(&self, c: reqwest::Client, username: &str) -> reqwest::Client {
        let r = self
            .sign_in(&c, username, thamgia::demo::DEMO_PASSWORD, Some("/"))
            .await;
        assert_eq!(r.status().as_u16(), 303, "sign-in of {username}");
        c
    }

    /// Posts the sign-in form (with a fresh CSRF token of `c`'s session),
    /// with `next` when given; the answer, whatever it is.
    pub async fn sign_in(
        &self,
        c: &reqwest::Client,
        username: &str,
        password: &str,
        next: Option<&str>,
    ) -> reqwest::Response {
        let csrf = self.csrf(c, "/login").await;
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
        ];
        form.extend(next.map(|n| ("next", n)));
        self.post_form(c, "/login", &form).await
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
        json_answer(
            reqwest::Client::new()
                .get(self.url(path))
                .bearer_auth(token),
        )
        .await
    }

    pub async fn api_send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let c = reqwest::Client::new();
        json_answer(
            c.request(method, self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    /// The indicators of a unit and year through the API (every one, on one page).
    pub async fn indicators(
        &self,
        token: &str,
        unit: &str,
        year: impl std::fmt::Display,
    ) -> (u16, serde_json::Value) {
        let path = format!("/api/v1/indicators?unit={unit}&year={year}&per_page=1000");
        self.api_get(token, &path).await
    }

    /// A GET without credentials: status and JSON body.
    pub async fn public_get(&self, path: &str) -> (u16, serde_json::Value) {
        json_answer(reqwest::Client::new().get(self.url(path))).await
    }

    /// A POST of JSON without credentials: status and JSON body.
    pub async fn public_post(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        json_answer(reqwest::Client::new().post(self.url(path)).json(body)).await
    }

    /// A POST of a raw body (a file) through the API, of `content_type` when
    /// given: status and JSON body.
    pub async fn api_upload(
        &self,
        token: &str,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> (u16, serde_json::Value) {
        let mut r = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(token);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        json_answer(r.body(body)).await
    }

    api_methods! {
        /// `api_send` with POST.
        api_post => POST,
        /// `api_send` with PUT.
        api_put => PUT,
        /// `api_send` with PATCH.
        api_patch => PATCH,
        /// `api_send` with DELETE.
        api_delete => DELETE,
    }

    /// A GET through the API that must answer 200: its JSON body.
    pub async fn api_ok(&self, token: &str, path: &str) -> serde_json::Value {
        self.api_get(token, path).await.expect_status(200)
    }

    /// A GET through the API: the answer as it comes.
    pub async fn api_answer(&self, token: &str, path: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
    }

    /// A file from the API: status, content type and bytes.
    pub async fn download(&self, token: &str, path: &str) -> (u16, String, Vec<u8>) {
        let r = self.api_answer(token, path).await;
        let s = r.status().as_u16();
        let ct = header(&r, "content-type");
        (s, ct, r.bytes().await.expect("body").to_vec())
    }

    /// A file from the API that must answer 200: its bytes.
    pub async fn download_ok(&self, token: &str, path: &str) -> Vec<u8> {
        let (s, _, bytes) = self.download(token, path).await;
        assert_eq!(s, 200, "{path}");
        bytes
    }

    /// The `word/document.xml` of a .docx the API must answer (200).
    pub async fn docx_xml(&self, token: &str, path: &str) -> String {
        document_xml(&self.download_ok(token, path).await)
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

/// A header of an answer as text (empty when it has none).
pub fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Where an answer sends the browser (empty when nowhere).
pub fn location(r: &reqwest::Response) -> String {
    header(r, "location")
}

/// Sends a request; its status and JSON body (`Null` when it has none).
async fn json_answer(r: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let r = r.send().await.expect("send");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// An API answer, `(status, JSON body)`.
pub trait Answer {
    /// The body, after checking the status (the body is the failure message).
    fn expect_status(self, want: u16) -> serde_json::Value;
}

impl Answer for (u16, serde_json::Value) {
    #[track_caller]
    fn expect_status(self, want: u16) -> serde_json::Value {
        let (status, body) = self;
        assert_eq!(status, want, "{body}");
        body
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[i + 19..];
    Some(rest[..rest.find('"')?].to_string())
}

/// Runs an async test body on a fresh server over a new database of
/// `backend` (what each case of `db_test!` does).
pub fn run_on<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    crate::harness::block_on(async {
        let app = TestApp::spawn(backend)
            .await
            .unwrap_or_else(|| panic!("{backend:?} app"));
        test(app).await;
    });
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
                $crate::helpers::run_on($crate::helpers::Backend::Sqlite, super::$name);
            }

            pub(crate) fn postgres() {
                $crate::helpers::run_on($crate::helpers::Backend::Postgres, super::$name);
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

/// Checks an answer's status, then that its page holds `text`.
pub async fn assert_page(r: reqwest::Response, status: u16, text: &str) {
    assert_eq!(r.status().as_u16(), status);
    let page = r.text().await.expect("body");
    assert!(page.contains(text), "the page lacks {text}: {page}");
}

/// Checks that `text` holds each of `needles`; a failure names the missing
/// one after `what`.
#[track_caller]
pub fn assert_holds(text: &str, what: &str, needles: &[&str]) {
    assert_each(text, what, needles, true);
}

/// Checks that `text` holds none of `needles`; a failure names the one
/// found after `what`.
#[track_caller]
pub fn assert_lacks(text: &str, what: &str, needles: &[&str]) {
    assert_each(text, what, needles, false);
}

#[track_caller]
fn assert_each(text: &str, what: &str, needles: &[&str], held: bool) {
    for needle in needles {
        assert_eq!(text.contains(needle), held, "{what} {needle}");
    }
}

/// The `key` of each item of a JSON list (empty where it has none).
pub fn column<'a>(list: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|i| i[key].as_str().unwrap_or(""))
        .collect()
}

/// The first item of a JSON list whose `key` is `value`.
#[track_caller]
pub fn item<'a, T>(list: &'a serde_json::Value, key: &str, value: T) -> &'a serde_json::Value
where
    serde_json::Value: PartialEq<T>,
    T: std::fmt::Display + Copy,
{
    list.as_array()
        .expect("a list")
        .iter()
        .find(|i| i[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value} in {list}"))
}

/// The item of a JSON list whose `code` is `code`.
pub fn by_code(list: &serde_json::Value, code: &str) -> serde_json::Value {
    item(list, "code", code).clone()
}

/// Checks that an API error body names each field with its error code.
#[track_caller]
pub fn assert_field_errors(body: &serde_json::Value, fields: &[(&str, &str)]) {
    for (field, code) in fields {
        assert_eq!(body["error"]["fields"][*field], *code, "{field}: {body}");
    }
}

/// The `word/document.xml` of a .docx.
pub fn document_xml(docx: &[u8]) -> String {
    use std::io::Read;
    assert!(docx.starts_with(b"PK\x03\x04"), "a .docx is a zip");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut f = z.by_name("word/document.xml").expect("word/document.xml");
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8");
    s
}

/// Text with the entities of HTML and XML written out.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// A form's fields with those of `over` replaced (and those it lacks added
/// at the end): a complete form with some fields changed.
pub fn overridden<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    over: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (k, v) in over {
        if let Some(x) = fields.iter_mut().find(|(fk, _)| fk == k) {
            x.1 = v;
        } else {
            fields.push((k, v));
        }
    }
    fields
}

/// A multipart form as a browser sends it: the CSRF field and one file.
pub fn multipart(csrf: &str, file_name: &str, ctype: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----thamgia-test-boundary-7f3a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {ctype}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
