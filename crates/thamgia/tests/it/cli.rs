//! The `thamgia` binary itself: plan check/import, user add, token create.

use crate::db_test;
use crate::helpers::{TestApp, assert_holds, temp_dir};
use crate::plain_test;
use std::io::Write;
use std::process::{Command, Output, Stdio};

const PLAN_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../plans/lai-chau-2016-2020.toml"
);

/// Runs the binary (without the environment's database) and waits for it.
pub(crate) fn thamgia(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_thamgia"))
        .args(args)
        .env_remove("THAMGIA_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run thamgia");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn plan_check_accepts_the_shipped_plan_and_names_the_line_of_an_unknown_lead() {
    let out = thamgia(&["plan", "check", PLAN_FILE], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: lai-chau-2016-2020"));

    let dir = temp_dir();
    let src = std::fs::read_to_string(PLAN_FILE).expect("read");
    let bad = src.replacen("lead = \"TDTN\"", "lead = \"SO-KHONG-CO\"", 1);
    let line = bad
        .lines()
        .position(|l| l.contains("SO-KHONG-CO"))
        .expect("line")
        + 1;
    let path = dir.0.join("bad.toml");
    std::fs::write(&path, &bad).expect("write");
    let out = thamgia(&["plan", "check", path.to_str().expect("path")], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("bad.toml:{line}: projects["))
            && err.contains(".lead: unknown_agency"),
        "{err}"
    );

    let out = thamgia(&["plan", "check", "/no/such/file.toml"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = thamgia(&["--help"], None);
    assert!(out.status.success());
    for cmd in ["serve", "demo", "migrate", "plan", "user", "token"] {
        assert!(String::from_utf8_lossy(&out.stdout).contains(cmd));
    }
}
plain_test!(plan_check_accepts_the_shipped_plan_and_names_the_line_of_an_unknown_lead);

async fn plan_import_is_all_or_nothing_and_idempotent(app: TestApp) {
    let url = app.db_url.clone();
    let dir = temp_dir();
    let bad = std::fs::read_to_string(PLAN_FILE)
        .expect("read")
        .replacen("answer_due_days = 60", "answer_due_days = 30", 1)
        .replacen("lead = \"TDTN\"", "lead = \"SO-KHONG-CO\"", 1);
    let path = dir.0.join("bad.toml");
    std::fs::write(&path, bad).expect("write");
    let before = thamgia_store::plans::versions(&app.db.conn, "lai-chau-2016-2020")
        .await
        .expect("versions")
        .len();
    let out = thamgia(
        &[
            "plan",
            "import",
            path.to_str().expect("p"),
            "--database-url",
            &url,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing imported"));
    assert_eq!(
        thamgia_store::plans::versions(&app.db.conn, "lai-chau-2016-2020")
            .await
            .expect("v")
            .len(),
        before
    );
    let out = thamgia(&["plan", "import", PLAN_FILE, "--database-url", &url], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
}
db_test!(plan_import_is_all_or_nothing_and_idempotent);

async fn user_add_and_token_create(app: TestApp) {
    let url = app.db_url.clone();
    let out = thamgia(
        &[
            "user",
            "add",
            "--username",
            "phongtho.officer",
            "--role",
            "district_officer",
            "--unit",
            "109",
            "--password-stdin",
            "--database-url",
            &url,
        ],
        Some("mat-khau-rat-dai\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Bad input is refused field by field, and nothing is created.
    let out = thamgia(
        &[
            "user",
            "add",
            "--username",
            "x",
            "--role",
            "chief",
            "--unit",
            "999",
            "--password-stdin",
            "--database-url",
            &url,
        ],
        Some("short\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_holds(
        &err,
        "the error lacks",
        &[
            "username: invalid_username",
            "role: unknown_role",
            "unit: unknown_unit",
            "password: weak_password",
        ],
    );
    let out = thamgia(
        &[
            "token",
            "create",
            "--username",
            "phongtho.officer",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.lines().last().expect("last line").trim().to_string();
    let me = app.api_ok(&token, "/api/v1/me").await;
    assert_eq!(me["username"], "phongtho.officer");
    assert_eq!(me["unit"], "109");
    let out = thamgia(
        &[
            "token",
            "create",
            "--username",
            "nobody",
            "--database-url",
            &url,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
}
db_test!(user_add_and_token_create);

fn migrate_creates_a_database_and_serve_stops_on_sigterm() {
    let dir = temp_dir();
    let url = format!("sqlite://{}/fresh.db", dir.0.display());
    let out = thamgia(&["migrate", "--database-url", &url], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.0.join("fresh.db").exists());
    // serve binds, answers and shuts down cleanly on SIGTERM.
    let (mut child, _) = start_server(&url);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().expect("wait");
    assert!(status.success(), "graceful exit: {status:?}");
}
plain_test!(migrate_creates_a_database_and_serve_stops_on_sigterm);

/// A `thamgia serve` process on a free port over `url`, once it answers.
pub(crate) fn start_server(url: &str) -> (std::process::Child, String) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_thamgia"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
        ])
        .env_remove("THAMGIA_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    for _ in 0..300 {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            if buf.starts_with("HTTP/1.1 200") {
                return (child, format!("http://127.0.0.1:{port}"));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer /healthz");
}

/// `thamgia review export`: the three files of a unit's period review, the
/// CSV the API's byte for byte; a refused span or an unknown unit exits 1
/// naming the option, and writes nothing.
async fn review_export_writes_the_files_of_a_span(app: TestApp) {
    let url = app.db_url.clone();
    let dir = temp_dir();
    let token = app.token("coordinator").await;
    let run = |unit: &str, from: &str, to: &str, format: &str, out: &std::path::Path| {
        thamgia(
            &[
                "review",
                "export",
                "--unit",
                unit,
                "--from",
                from,
                "--to",
                to,
                "--format",
                format,
                "--output",
                out.to_str().expect("path"),
                "--database-url",
                &url,
            ],
            None,
        )
    };
    for format in ["docx", "xlsx", "csv"] {
        let path = dir.0.join(format!("tong-ket-12.{format}"));
        let out = run("12", "2016", "2020", format, &path);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&path).expect("file written");
        let api = app
            .download_ok(
                &token,
                &format!("/api/v1/reviews/export?unit=12&from=2016&to=2020&format={format}"),
            )
            .await;
        match format {
            "csv" => assert_eq!(bytes, api, "the API's CSV"),
            "docx" => assert!(crate::helpers::document_xml(&bytes).contains("2016–2020")),
            _ => assert!(thamgia_office::read_xlsx(&bytes).is_ok()),
        }
    }
    let missing = dir.0.join("none.docx");
    for (unit, from, to, format, says) in [
        ("99999", "2016", "2020", "docx", "--unit"),
        ("12", "2016", "2031", "docx", "--to: outside_plan"),
        ("12", "2019", "2017", "docx", "--from: from_after_to"),
        ("12", "2016", "2020", "pdf", "--format"),
    ] {
        let out = run(unit, from, to, format, &missing);
        assert_eq!(out.status.code(), Some(1), "{unit} {from} {to} {format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!missing.exists());
    }
}
db_test!(review_export_writes_the_files_of_a_span);
