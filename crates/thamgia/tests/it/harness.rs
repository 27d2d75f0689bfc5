//! The suite's own harness (`harness = false`, libtest-mimic): the same
//! output, filters and `--list` as `cargo test`, but a case that cannot run
//! here is reported **ignored**, so the closing line says how many did not
//! run. Every `db_test!` gives two cases, `module::name::sqlite` and
//! `module::name::postgres`; `plain_test!` gives one, `module::name`.
//!
//! PostgreSQL, in this order: `THAMGIA_TEST_POSTGRES_URL`; a server on
//! 127.0.0.1:5432 whose role `postgres` (or `root`) may create databases; a
//! throwaway cluster made with the installed server binaries
//! (`/usr/lib/postgresql/*/bin`, run as the `postgres` system user when we
//! are root, since `initdb` refuses root) in a temporary folder on a free
//! port, stopped and removed at the end. None of these: the PostgreSQL cases
//! are ignored, or fail under `CI=true`. The same for the programs a test
//! `needs` (LibreOffice, pdftotext).

use libtest_mimic::{Arguments, Failed, Trial};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// How a case runs: on both databases, or once.
pub enum Run {
    Db { sqlite: fn(), postgres: fn() },
    Plain(fn()),
}

/// One declared test (see `db_test!` and `plain_test!`).
pub struct Case {
    pub module: &'static str,
    pub name: &'static str,
    pub run: Run,
    /// Programs the test cannot do without.
    pub needs: &'static [&'static str],
}

inventory::collect!(Case);

static POSTGRES: OnceLock<Option<String>> = OnceLock::new();

/// The admin URL of this run's PostgreSQL server, if one was found.
pub fn postgres_url() -> Option<String> {
    POSTGRES.get().cloned().flatten()
}

/// Runs a test body on its own runtime (two workers, as `#[tokio::test]` had).
pub fn block_on<F: Future<Output = ()>>(f: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Whether `libtest` would run a case of this name (filter and `--skip`).
fn selected(args: &Arguments, name: &str) -> bool {
    let matches = |pat: &str| {
        if args.exact {
            name == pat
        } else {
            name.contains(pat)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}

/// Whether a program can be started here (asked once per program and run).
pub fn have(program: &str) -> bool {
    static SEEN: std::sync::Mutex<Vec<(String, bool)>> = std::sync::Mutex::new(Vec::new());
    if let Some((_, found)) = SEEN
        .lock()
        .expect("lock")
        .iter()
        .find(|(p, _)| p == program)
    {
        return *found;
    }
    let found = starts(program);
    SEEN.lock()
        .expect("lock")
        .push((program.to_string(), found));
    found
}

fn starts(program: &str) -> bool {
    let arg = if program == "pdftotext" {
        "-v"
    } else {
        "--version"
    };
    Command::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

pub fn main() -> ExitCode {
    let args = Arguments::from_args();
    let cases: Vec<&'static Case> = inventory::iter::<Case>.into_iter().collect();
    let full = |c: &Case| {
        let module = c.module.split_once("::").map_or("", |(_, m)| m);
        if module.is_empty() {
            c.name.to_string()
        } else {
            format!("{module}::{}", c.name)
        }
    };
    let mut names: Vec<(String, &'static Case)> = cases.iter().map(|c| (full(c), *c)).collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));

    // Look for PostgreSQL and the programs only when a case that needs them
    // will run (not for `--list`, nor a filter that selects SQLite only).
    let will_run = |n: &str| !args.list && selected(&args, n);
    let wants_postgres = names
        .iter()
        .any(|(n, c)| matches!(c.run, Run::Db { .. }) && will_run(&format!("{n}::postgres")));
    let mut cluster = None;
    let postgres = if wants_postgres {
        let (url, how) = find_postgres(&mut cluster);
        match &url {
            Some(u) => eprintln!("PostgreSQL: {u} ({how})"),
            None => eprintln!("PostgreSQL: {how}"),
        }
        url
    } else {
        None
    };
    POSTGRES.set(postgres.clone()).ok();

    let mut missing_tools: Vec<&str> = vec![];
    let mut checked: Vec<&str> = vec![];
    for (n, c) in &names {
        let runs = match c.run {
            Run::Plain(_) => will_run(n),
            Run::Db { .. } => {
                will_run(&format!("{n}::sqlite")) || will_run(&format!("{n}::postgres"))
            }
        };
        if !runs {
            continue;
        }
        for t in c.needs {
            if !checked.contains(t) {
                checked.push(t);
                if !have(t) {
                    missing_tools.push(t);
                }
            }
        }
    }
    if !missing_tools.is_empty() {
        eprintln!(
            "Not installed: {}; the tests that need them are {}",
            missing_tools.join(", "),
            if in_ci() { "failed" } else { "ignored" }
        );
    }

    let mut trials: Vec<Trial> = vec![];
    let mut no_postgres = 0;
    for (name, case) in names {
        let lacking: Vec<&str> = case
            .needs
            .iter()
            .copied()
            .filter(|t| missing_tools.contains(t))
            .collect();
        let blocked =
            (!lacking.is_empty()).then(|| format!("not installed: {}", lacking.join(", ")));
        match case.run {
            Run::Plain(f) => trials.push(trial(name, f, blocked.clone())),
            Run::Db {
                sqlite,
                postgres: pg,
            } => {
                trials.push(trial(format!("{name}::sqlite"), sqlite, blocked.clone()));
                let blocked = blocked.or_else(|| {
                    postgres
                        .is_none()
                        .then(|| "no PostgreSQL server (see the line above)".to_string())
                });
                if postgres.is_none() && will_run(&format!("{name}::postgres")) {
                    no_postgres += 1;
                }
                trials.push(trial(format!("{name}::postgres"), pg, blocked));
            }
        }
    }

    trials.sort_by(|a, b| a.name().cmp(b.name()));
    if no_postgres > 0 && !in_ci() {
        eprintln!(
            "{no_postgres} PostgreSQL cases will be reported ignored: set THAMGIA_TEST_POSTGRES_URL, \
             start PostgreSQL on 127.0.0.1:5432 or install its server binaries"
        );
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(c) = cluster.take() {
        stop_cluster(c);
    }
    conclusion.exit_code()
}

/// A trial; `blocked` says why it cannot run here (ignored, or failed in CI).
fn trial(name: String, f: fn(), blocked: Option<String>) -> Trial {
    match blocked {
        None => Trial::test(name, move || {
            f();
            Ok(())
        }),
        Some(why) if in_ci() => Trial::test(name, move || {
            Err(Failed::from(format!(
                "CI=true and {why}: this test must run in CI"
            )))
        }),
        Some(why) => Trial::test(name, move || Err(Failed::from(why))).with_ignored_flag(true),
    }
}

/// A throwaway PostgreSQL cluster: its folder and binaries.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
}

fn find_postgres(cluster: &mut Option<Cluster>) -> (Option<String>, String) {
    if let Ok(u) = std::env::var("THAMGIA_TEST_POSTGRES_URL")
        && !u.is_empty()
    {
        return (Some(u), "THAMGIA_TEST_POSTGRES_URL".into());
    }
    let local = std::net::SocketAddr::from(([127, 0, 0, 1], 5432));
    if std::net::TcpStream::connect_timeout(&local, Duration::from_secs(1)).is_ok() {
        for role in ["postgres", "root"] {
            let url = format!("postgres://{role}@127.0.0.1:5432/postgres");
            if may_create_databases(&url) {
                return (Some(url), "the server on the default port".into());
            }
        }
    }
    match start_cluster() {
        Ok((url, c)) => {
            let how = format!("a throwaway cluster in {}", c.dir.display());
            *cluster = Some(c);
            (Some(url), how)
        }
        Err(why) => (
            None,
            format!(
                "none: THAMGIA_TEST_POSTGRES_URL is not set, no role postgres or root may create \
                 databases on 127.0.0.1:5432, and {why}"
            ),
        ),
    }
}

/// Whether the role of `url` can connect and create a database.
fn may_create_databases(url: &str) -> bool {
    let url = url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            use sea_orm::ConnectionTrait;
            let db = tokio::time::timeout(Duration::from_secs(5), thamgia_store::Db::connect(&url))
                .await
                .ok()?
                .ok()?;
            let name = format!("tg_probe_{}", uuid::Uuid::new_v4().simple());
            db.conn
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .ok()?;
            db.conn
                .execute_unprepared(&format!("DROP DATABASE \"{name}\""))
                .await
                .ok()?;
            db.conn.close_by_ref().await.ok();
            Some(())
        })
    })
    .join()
    .ok()
    .flatten()
    .is_some()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// A server binary, run as the `postgres` system user when we are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

fn run_quietly(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// `initdb` and `pg_ctl start` in a temporary folder, on a free port.
fn start_cluster() -> Result<(String, Cluster), String> {
    let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| "no PostgreSQL server binaries are installed".to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    // The newest version: folders are named by major version.
    bins.sort_by_key(|b| {
        b.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    let bin = bins
        .pop()
        .ok_or_else(|| "no PostgreSQL server binaries are installed".to_string())?;
    let dir = std::env::temp_dir().join(format!("thamgia-pg-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("temp dir: {e}"))?;
    let as_postgres = is_root();
    let cluster = Cluster {
        dir: dir.clone(),
        bin,
        as_postgres,
    };
    let started = (|| -> Result<String, String> {
        if as_postgres {
            run_quietly(
                {
                    let mut c = Command::new("chown");
                    c.arg("postgres:postgres").arg(&dir);
                    c
                },
                "chown",
            )?;
        }
        let data = dir.join("data");
        let mut initdb = cluster.command("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
            .arg("--no-sync");
        run_quietly(initdb, "initdb")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("free port: {e}"))?
            .port();
        let mut start = cluster.command("pg_ctl");
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
                dir.display()
            ))
            .args(["-w", "start"]);
        run_quietly(start, "pg_ctl start")?;
        Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
    })();
    match started {
        Ok(url) => Ok((url, cluster)),
        Err(e) => {
            stop_cluster(cluster);
            Err(format!("a throwaway cluster could not start ({e})"))
        }
    }
}

fn stop_cluster(c: Cluster) {
    let data = c.dir.join("data");
    if data.join("postmaster.pid").exists() {
        let mut stop = c.command("pg_ctl");
        stop.arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"]);
        let _ = run_quietly(stop, "pg_ctl stop");
    }
    let _ = std::fs::remove_dir_all(&c.dir);
}

/// Under `harness = false` a `#[test]` function is silently never run: every
/// test of this suite is declared with `db_test!` or `plain_test!`.
fn no_test_attribute_is_left() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let mut left = vec![];
    for e in std::fs::read_dir(&dir).expect("tests/it").flatten() {
        let text = std::fs::read_to_string(e.path()).expect("read");
        for (i, l) in text.lines().enumerate() {
            let l = l.trim_start();
            if l.starts_with("#[test]") || l.starts_with("#[tokio::test") {
                left.push(format!("{}:{}", e.path().display(), i + 1));
            }
        }
    }
    assert!(
        left.is_empty(),
        "declare these with db_test! or plain_test!: {left:?}"
    );
}
crate::plain_test!(no_test_attribute_is_left);
