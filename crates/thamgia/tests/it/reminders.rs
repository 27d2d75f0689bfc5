//! Reminders (đôn đốc): the coordinator reminds every overdue party at once;
//! the mails reach a real SMTP server (Debian's python3-aiosmtpd, writing a
//! maildir) once per reminder and recipient, even with two senders at once
//! or a claim left by a crashed one; the reminded see them in their inbox;
//! the batch's letter opens with its text; a district reminds its own units
//! only.

use crate::db_test;
use crate::helpers::{TempDir, TestApp, assert_holds, temp_dir};
use chrono::Duration;
use reqwest::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use thamgia_actions::Act;
use thamgia_actions::reminders::{RemindInput, send};
use thamgia_domain::access::Actor;
use thamgia_store::entity::reminder_mail;
use thamgia_store::reminders::{PENDING, SENDING, SENT};
use thamgia_web::clock::Clock;
use thamgia_web::mail::{Mailer, deliver};

/// An SMTP server on a free port of its own, writing each message it
/// accepts to a maildir; stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Python that has aiosmtpd: Debian's own first (a user's pyenv may
/// shadow it on the PATH).
fn python() -> &'static str {
    ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import aiosmtpd"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)")
}

impl Smtp {
    async fn start() -> Smtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = temp_dir();
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.0.join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd");
        // Dropped (killed and waited for) if it never listens.
        let smtp = Smtp { child, port, dir };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return smtp;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        drop(smtp);
        panic!("the SMTP server did not start");
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn mailer(&self) -> Mailer {
        Mailer::new(&self.url(), "Thamgia <no-reply@thamgia.invalid>").expect("mailer")
    }

    /// The messages received, as text.
    fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(rd) = std::fs::read_dir(self.dir.0.join("box").join(sub)) else {
                continue;
            };
            for e in rd.flatten() {
                out.push(std::fs::read_to_string(e.path()).expect("message"));
            }
        }
        out
    }

    /// How many messages went to `address`.
    fn to(&self, address: &str) -> usize {
        self.messages()
            .iter()
            .filter(|m| {
                m.lines()
                    .any(|l| l.starts_with("To:") && l.contains(address))
            })
            .count()
    }
}

/// One delivery round at `at`: it sends `sent` mails, and the server then
/// holds `total` messages.
async fn round(
    smtp: &Smtp,
    app: &TestApp,
    mailer: &Mailer,
    at: chrono::DateTime<chrono::Utc>,
    sent: usize,
    total: u64,
) {
    let d = deliver(&app.db.conn, mailer, at).await.expect("deliver");
    assert_eq!(d.sent, sent, "sent in this round");
    assert_eq!(smtp.messages().len() as u64, total, "messages received");
}

/// A forum of district `unit` in June 2026 without its report (overdue on
/// the test's 29/11/2026), with a recommendation to `agency` due 31/10/2026
/// and not answered: the forum's id.
async fn overdue_forum(app: &TestApp, token: &str, unit: &str, agency: &str) -> i64 {
    let forum = json!({
        "level": "district", "unit": unit, "year": 2026, "theme": format!("Trường học an toàn {unit}"),
        "starts_on": "2026-06-05", "ends_on": "2026-06-05", "venue": "Hội trường",
        "organiser_agency": "UBND-12", "girls": 20, "boys": 20, "age_6_10": 15,
        "age_11_15": 25, "adults_in_charge": 8
    });
    let (s, f) = app
        .api_send(Method::POST, token, "/api/v1/forums", &forum)
        .await;
    assert_eq!(s, 201, "{f}");
    let id = f["id"].as_i64().expect("id");
    let rec = json!({"text": format!("Các em muốn có thêm nhà vệ sinh sạch {unit}"),
        "topic": "school", "agency": agency, "deadline": "2026-10-31"});
    let path = format!("/api/v1/forums/{id}/recommendations");
    let (s, r) = app.api_send(Method::POST, token, &path, &rec).await;
    assert_eq!(s, 201, "{r}");
    id
}

/// Gives a demo account an e-mail address.
async fn address(app: &TestApp, username: &str, email: &str) {
    let u = thamgia_store::users::by_username(&app.db.conn, username)
        .await
        .expect("db")
        .expect("demo account");
    thamgia_store::users::update(
        &app.db.conn,
        &Actor::system("test"),
        app.clock.now(),
        u.id,
        thamgia_store::users::UserChanges {
            email: Some(Some(email.into())),
            ..Default::default()
        },
    )
    .await
    .expect("email");
}

/// The keys of what the caller may remind of.
async fn overdue_keys(app: &TestApp, token: &str) -> Vec<String> {
    let (s, list) = app.api_get(token, "/api/v1/reminders/overdue").await;
    assert_eq!(s, 200, "{list}");
    list.as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["key"].as_str().map(str::to_string))
        .collect()
}

async fn mails_in(app: &TestApp, state: &str) -> u64 {
    reminder_mail::Entity::find()
        .filter(reminder_mail::Column::State.eq(state))
        .count(&app.db.conn)
        .await
        .expect("count")
}

async fn send_json(base: &str, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("POST");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn remind_all_mails_each_recipient_once(app: TestApp) {
    let admin = app.token("admin").await;
    let forum = overdue_forum(&app, &admin, "106", "PGDDT-106").await;
    address(&app, "district106", "minh.tamduong@example.org").await;
    address(&app, "agency106", "mai.pgddt@example.org").await;
    // The address is kept on the account form too.
    let c = app.login("admin").await;
    let id = thamgia_store::users::by_username(&app.db.conn, "agency106")
        .await
        .expect("db")
        .expect("agency106")
        .id;
    let html = app.page(&c, &format!("/admin/users/{id}")).await;
    assert!(
        html.contains("mai.pgddt@example.org"),
        "the form shows the address"
    );

    let smtp = Smtp::start().await;
    let base = app
        .serve_also(thamgia_web::Config {
            smtp_url: Some(smtp.url()),
            ..app.config()
        })
        .await;
    let coordinator = app.token("coordinator").await;
    let keys = overdue_keys(&app, &coordinator).await;
    assert!(keys.contains(&format!("forum:{forum}")), "{keys:?}");
    assert!(
        keys.iter().any(|k| k.starts_with("recommendation:")),
        "{keys:?}"
    );

    let (s, sent) = send_json(
        &base,
        &coordinator,
        "/api/v1/reminders",
        &json!({"all": true}),
    )
    .await;
    assert_eq!(s, 201, "{sent}");
    let sent = sent.as_array().expect("reminders").clone();
    assert_eq!(sent.len(), keys.len(), "one reminder per overdue item");
    let batch = sent[0]["batch"].as_str().expect("batch").to_string();
    assert!(
        sent.iter().all(|r| r["batch"] == batch.as_str()),
        "one batch"
    );

    // Every mail goes, once: one per reminder and recipient with an address.
    let rows = reminder_mail::Entity::find()
        .count(&app.db.conn)
        .await
        .expect("count");
    assert!(
        rows >= 2,
        "the forum's and the recommendation's mails: {rows}"
    );
    for _ in 0..150 {
        if mails_in(&app, SENT).await == rows {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mails_in(&app, SENT).await, rows, "every mail marked sent");
    assert_eq!(smtp.messages().len() as u64, rows, "one message per mail");
    let forum_mails = reminder_mail::Entity::find()
        .filter(reminder_mail::Column::State.eq(SENT))
        .all(&app.db.conn)
        .await
        .expect("mails");
    let district = thamgia_store::users::by_username(&app.db.conn, "district106")
        .await
        .expect("db")
        .expect("district106");
    let to_district = forum_mails
        .iter()
        .filter(|m| m.user_id == district.id)
        .count();
    assert!(to_district >= 1);
    assert_eq!(smtp.to("minh.tamduong@example.org"), to_district);
    assert!(
        smtp.to("mai.pgddt@example.org") >= 1,
        "the agency's officer"
    );
    let text = smtp.messages().join("\n");
    assert!(text.contains("Subject:"), "{text}");
    // Words from the catalogs, never a key echoed back.
    assert!(!text.contains("reminder-"), "{text}");
    // Sending again sends nothing more.
    round(&smtp, &app, &smtp.mailer(), app.clock.now(), 0, rows).await;

    // The reminded see it in their inbox.
    let c = app.login("district106").await;
    let inbox = app.page(&c, "/").await;
    assert!(inbox.contains("Nhắc việc đã nhận"), "{inbox}");
    assert!(inbox.contains("Trường học an toàn 106"), "{inbox}");
    let c = app.login("agency106").await;
    let inbox = app.page(&c, "/").await;
    assert!(inbox.contains("nhà vệ sinh sạch 106"), "{inbox}");

    // The batch's letter, from the API and the page.
    let path = format!("/api/v1/reminders/batches/{batch}/letter");
    let xml = app.docx_xml(&coordinator, &path).await;
    assert_holds(
        &xml,
        "the letter lacks",
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "V/v đôn đốc thực hiện Kế hoạch",
            "Kính gửi: ",
            "Trường học an toàn 106",
            "nhà vệ sinh sạch 106",
            "Nơi nhận:",
        ],
    );
    let c = app.login("coordinator").await;
    let page = app.page(&c, "/reminders").await;
    assert!(page.contains(&format!("/reminders/batches/{batch}/letter.docx")));
    app.fetch(&c, &format!("/reminders/batches/{batch}/letter.docx"), 200)
        .await;
}
db_test!(remind_all_mails_each_recipient_once, needs = ["python3"]);

async fn two_senders_send_each_mail_once(app: TestApp) {
    let admin = app.token("admin").await;
    overdue_forum(&app, &admin, "106", "PGDDT-106").await;
    overdue_forum(&app, &admin, "108", "PGDDT-108").await;
    for (user, email) in [
        ("district106", "a106@example.org"),
        ("agency106", "b106@example.org"),
        ("agency108", "c108@example.org"),
    ] {
        address(&app, user, email).await;
    }
    // Two coordinators' "remind all" at once: both recorded, nothing lost.
    let coordinator = thamgia_store::users::by_username(&app.db.conn, "coordinator")
        .await
        .expect("db")
        .expect("coordinator");
    let p = thamgia_store::users::principal(&app.db.conn, &coordinator)
        .await
        .expect("principal");
    let act = Act::new(&app.db.conn, &p, app.clock.now());
    let all = RemindInput {
        items: vec![],
        all: true,
    };
    let (a, b) = tokio::join!(send(act, &all), send(act, &all));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.len(), b.len());
    assert_ne!(a[0].batch, b[0].batch);
    let rows = mails_in(&app, PENDING).await;
    assert!(rows >= 4, "{rows}");

    // A claim a crashed sender left 11 minutes ago is taken again; one of a
    // minute ago is another sender's, still running: left alone.
    let now = app.clock.now();
    let pending = reminder_mail::Entity::find()
        .filter(reminder_mail::Column::State.eq(PENDING))
        .all(&app.db.conn)
        .await
        .expect("mails");
    for (m, ago) in [(&pending[0], 11), (&pending[1], 1)] {
        reminder_mail::Entity::update_many()
            .col_expr(reminder_mail::Column::State, Expr::value(SENDING))
            .col_expr(reminder_mail::Column::Claim, Expr::value("crashed"))
            .col_expr(
                reminder_mail::Column::ClaimedAt,
                Expr::value(now - Duration::minutes(ago)),
            )
            .filter(reminder_mail::Column::ReminderId.eq(m.reminder_id))
            .filter(reminder_mail::Column::UserId.eq(m.user_id))
            .exec(&app.db.conn)
            .await
            .expect("claim");
    }

    let smtp = Smtp::start().await;
    let (one, two) = (smtp.mailer(), smtp.mailer());
    let (x, y) = tokio::join!(
        deliver(&app.db.conn, &one, now),
        deliver(&app.db.conn, &two, now)
    );
    let (x, y) = (x.expect("first sender"), y.expect("second sender"));
    assert_eq!(x.failed + y.failed, 0);
    assert_eq!(
        (x.sent + y.sent) as u64,
        rows - 1,
        "each mail by one sender"
    );
    assert_eq!(smtp.messages().len() as u64, rows - 1, "each mail once");
    assert_eq!(mails_in(&app, SENT).await, rows - 1);
    assert_eq!(
        mails_in(&app, SENDING).await,
        1,
        "the running claim is unsent"
    );
    // Later, the running claim's lease over, it goes once.
    round(&smtp, &app, &one, now + Duration::minutes(15), 1, rows).await;
    // The page shows a reminder whose party has no address as such.
    let c = app.login("coordinator").await;
    let page = app.page(&c, "/reminders").await;
    assert!(page.contains("Đã nhắc trong 90 ngày qua"), "{page}");
}
db_test!(two_senders_send_each_mail_once, needs = ["python3"]);

async fn a_district_reminds_its_own_units_only(app: TestApp) {
    let admin = app.token("admin").await;
    let forum106 = overdue_forum(&app, &admin, "106", "PGDDT-106").await;
    let forum108 = overdue_forum(&app, &admin, "108", "PGDDT-108").await;
    let d108 = app.token("district108").await;
    let keys = overdue_keys(&app, &d108).await;
    assert!(keys.contains(&format!("forum:{forum108}")), "{keys:?}");
    assert!(!keys.contains(&format!("forum:{forum106}")), "{keys:?}");
    let other = json!({"items": [format!("forum:{forum106}")]});
    let (s, body) = app
        .api_send(Method::POST, &d108, "/api/v1/reminders", &other)
        .await;
    assert_eq!(s, 404, "{body}");
    let (s, body) = app
        .api_send(
            Method::POST,
            &d108,
            "/api/v1/reminders",
            &json!({"all": true}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert!(
        body.as_array()
            .expect("reminders")
            .iter()
            .all(|r| r["reference"] != forum106.to_string().as_str()),
        "{body}"
    );
    // Nothing of 106 was recorded by 108; the page refuses the same key.
    assert_eq!(
        thamgia_store::entity::reminder::Entity::find()
            .filter(thamgia_store::entity::reminder::Column::Reference.eq(forum106.to_string()))
            .count(&app.db.conn)
            .await
            .expect("count"),
        0
    );
    let c = app.login("district108").await;
    let csrf = app.csrf(&c, "/reminders").await;
    let remind = |forum: i64| {
        let (c, csrf) = (&c, csrf.clone());
        let app = &app;
        async move {
            let key = format!("item.forum:{forum}");
            let form = [("csrf", csrf.as_str()), (key.as_str(), "1")];
            app.post_form(c, "/reminders", &form)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(remind(forum106).await, 404);
    // Nothing chosen: the page says which field.
    let r = app
        .post_form(&c, "/reminders", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.expect("page");
    assert!(
        html.contains("Việc quá hạn: Trường này là bắt buộc."),
        "{html}"
    );
    // Its own forum, from the page: reminded, and 106's letter is not its.
    assert_eq!(remind(forum108).await, 303);
    let coordinator = app.token("coordinator").await;
    let (s, sent) = app
        .api_send(
            Method::POST,
            &coordinator,
            "/api/v1/reminders",
            &json!({"items": [format!("forum:{forum106}")]}),
        )
        .await;
    assert_eq!(s, 201);
    let batch = sent[0]["batch"].as_str().expect("batch");
    let (s, _) = app
        .api_get(&d108, &format!("/api/v1/reminders/batches/{batch}/letter"))
        .await;
    assert_eq!(s, 404);
    // Agency officers do not remind.
    let a108 = app.token("agency108").await;
    let (s, _) = app.api_get(&a108, "/api/v1/reminders/overdue").await;
    assert_eq!(s, 403);
}
db_test!(a_district_reminds_its_own_units_only);

async fn automatic_reminders_once_from_two_servers(app: TestApp) {
    let admin = app.token("admin").await;
    let forum = overdue_forum(&app, &admin, "106", "PGDDT-106").await;
    address(&app, "district106", "minh.tamduong@example.org").await;
    let now = app.clock.now();
    // The forum's report was due 20/06/2026: 162 days ago, the
    // recommendation 29: both over 28 days; none over 200.
    let none = thamgia_store::reminders::automatic(&app.db.conn, now, 200)
        .await
        .expect("round");
    assert!(
        none.iter()
            .all(|r| r.reference != forum.to_string() || r.kind != "forum"),
        "{none:?}"
    );
    // Two servers' rounds at once remind each item once.
    let (a, b) = tokio::join!(
        thamgia_store::reminders::automatic(&app.db.conn, now, 28),
        thamgia_store::reminders::automatic(&app.db.conn, now, 28)
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    let written: Vec<_> = a.iter().chain(b.iter()).collect();
    let forum_reminders = written
        .iter()
        .filter(|r| r.kind == "forum" && r.reference == forum.to_string())
        .count();
    assert_eq!(forum_reminders, 1, "{written:?}");
    assert!(written.iter().any(|r| r.kind == "recommendation"));
    assert!(written.iter().all(|r| r.sent_by.is_none()));
    // A later round (the next hour) writes nothing again.
    let again = thamgia_store::reminders::automatic(&app.db.conn, now + Duration::hours(1), 28)
        .await
        .expect("again");
    assert!(again.is_empty(), "{again:?}");
    // The district's officer is mailed once, and sees it in the inbox.
    let smtp = Smtp::start().await;
    round(&smtp, &app, &smtp.mailer(), now, 1, 1).await;
    assert_eq!(smtp.to("minh.tamduong@example.org"), 1);
    let c = app.login("district106").await;
    let inbox = app.page(&c, "/").await;
    assert!(inbox.contains("Trường học an toàn 106"), "{inbox}");
}
db_test!(
    automatic_reminders_once_from_two_servers,
    needs = ["python3"]
);

/// Before a due date: a forum ended five days ago (its report not due yet)
/// with a recommendation due in six days is listed as falling due soon, and
/// two servers' rounds at once remind each item once, by mail once, saying
/// it falls due; a later round writes nothing, and the reminder after the
/// due date is another one.
async fn reminders_before_a_due_date_once_from_two_servers(app: TestApp) {
    use thamgia_store::reminders::{Round, round as sweep};
    let admin = app.token("admin").await;
    let now = app.clock.now();
    let day = |d: i64| {
        (now + Duration::days(d))
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    };
    let forum = json!({
        "level": "district", "unit": "106", "year": 2026, "theme": "Đường đến trường 106",
        "starts_on": day(-5), "ends_on": day(-5), "venue": "Hội trường",
        "organiser_agency": "UBND-12", "girls": 20, "boys": 20, "age_6_10": 15,
        "age_11_15": 25, "adults_in_charge": 8
    });
    let (s, f) = app
        .api_send(Method::POST, &admin, "/api/v1/forums", &forum)
        .await;
    assert_eq!(s, 201, "{f}");
    let forum = f["id"].as_i64().expect("id");
    let rec = json!({"text": "Các em muốn có đèn đường đến trường", "topic": "school",
        "agency": "PGDDT-106", "deadline": day(6)});
    let (s, r) = app
        .api_send(
            Method::POST,
            &admin,
            &format!("/api/v1/forums/{forum}/recommendations"),
            &rec,
        )
        .await;
    assert_eq!(s, 201, "{r}");
    address(&app, "district106", "minh.tamduong@example.org").await;

    // Listed as coming on the coordinator's page, not as overdue.
    let c = app.login("coordinator").await;
    let html = app.page(&c, "/reminders").await;
    let soon = html
        .split("id=\"upcoming\"")
        .nth(1)
        .expect("the coming list");
    assert!(soon.contains("Đường đến trường 106"), "{soon}");
    assert!(soon.contains("Các em muốn có đèn đường đến trường"));
    assert!(
        !html
            .split("id=\"upcoming\"")
            .next()
            .expect("overdue")
            .contains("Đường đến trường 106")
    );

    // Nothing due within a day; within 30, both, once however many rounds.
    let none = sweep(&app.db.conn, now, Round::Before(1))
        .await
        .expect("round");
    assert!(
        none.iter().all(|r| r.reference != forum.to_string()),
        "{none:?}"
    );
    let (a, b) = tokio::join!(
        sweep(&app.db.conn, now, Round::Before(30)),
        sweep(&app.db.conn, now, Round::Before(30))
    );
    let (a, b) = (a.expect("first"), b.expect("second"));
    let written: Vec<_> = a.iter().chain(b.iter()).collect();
    let of = |kind: &str| {
        written
            .iter()
            .filter(|r| r.kind == kind && r.subject.contains("đến trường"))
            .count()
    };
    assert_eq!((of("forum"), of("recommendation")), (1, 1), "{written:?}");
    assert!(
        written
            .iter()
            .all(|r| thamgia_store::reminders::is_ahead(r))
    );
    let again = sweep(&app.db.conn, now + Duration::hours(1), Round::Before(30))
        .await
        .expect("again");
    assert!(again.is_empty(), "{again:?}");
    // Its letter and the inbox say the item falls due, not that it is late.
    let batch = &written
        .iter()
        .find(|r| r.kind == "forum" && r.subject.contains("đến trường"))
        .expect("the forum's reminder")
        .batch;
    let coordinator = app.token("coordinator").await;
    let xml = app
        .docx_xml(
            &coordinator,
            &format!("/api/v1/reminders/batches/{batch}/letter"),
        )
        .await;
    assert!(
        xml.contains("các việc sắp đến hạn sau"),
        "the letter's opening"
    );
    assert!(xml.contains("sắp đến hạn gửi"), "the forum's line");
    let inbox = app.page(&app.login("district106").await, "/").await;
    assert!(inbox.contains("Đường đến trường 106"), "{inbox}");

    // The district's officer is mailed once, even by two senders at once.
    let to_district = written
        .iter()
        .filter(|r| r.agency_id.is_none() && r.kind == "forum")
        .count();
    let smtp = Smtp::start().await;
    let mailer = smtp.mailer();
    let (x, y) = tokio::join!(
        deliver(&app.db.conn, &mailer, now),
        deliver(&app.db.conn, &mailer, now)
    );
    let sent = x.expect("first").sent + y.expect("second").sent;
    assert_eq!(smtp.messages().len(), sent);
    assert!(smtp.to("minh.tamduong@example.org") >= to_district);
    assert!(
        to_district >= 1,
        "the forum's reminder goes to the district"
    );
    round(
        &smtp,
        &app,
        &mailer,
        now + Duration::hours(1),
        0,
        sent as u64,
    )
    .await;

    // Once overdue, the reminder after the due date is another one.
    let later = now + Duration::days(40);
    let after = thamgia_store::reminders::automatic(&app.db.conn, later, 0)
        .await
        .expect("after");
    assert!(
        after.iter().any(|r| r.kind == "forum"
            && r.reference == forum.to_string()
            && !thamgia_store::reminders::is_ahead(r)),
        "{after:?}"
    );
}
db_test!(
    reminders_before_a_due_date_once_from_two_servers,
    needs = ["python3"]
);
