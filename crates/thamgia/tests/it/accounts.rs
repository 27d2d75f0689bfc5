//! Sign-in, sessions, throttling, CSRF and account administration.

use crate::db_test;
use crate::helpers::{TestApp, assert_holds, assert_page, csrf_in};

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tg_session="))
        .map(str::to_string)
}

async fn session_cookie_is_strict_and_rotated_at_login(app: TestApp) {
    let c = app.client();
    let csrf = app.csrf(&c, "/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("username", "admin"),
        ("password", "laichau2016"),
    ];
    let r = app.post_form(&c, "/login", &form).await;
    let first = session_cookie(&r).expect("session cookie");
    assert!(
        first.contains("HttpOnly") && first.contains("SameSite=Lax") && first.contains("Max-Age="),
        "{first}"
    );
    // Signing in again from the same browser gives a new id and ends the old one.
    let (_, html) = app.get(&c, "/").await;
    let csrf2 = csrf_in(&html).expect("csrf");
    assert_ne!(csrf, csrf2, "the CSRF token is rotated with the session");
    let form = [
        ("csrf", csrf2.as_str()),
        ("username", "admin"),
        ("password", "laichau2016"),
    ];
    let r = app.post_form(&c, "/login", &form).await;
    let second = session_cookie(&r).expect("new session cookie");
    assert_ne!(first, second);
    let old = first.split(';').next().expect("cookie").to_string();
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(app.url("/plan"))
        .header("cookie", old)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 303, "the old session no longer works");
    // Sessions expire.
    app.clock.advance(chrono::Duration::hours(13));
    let (s, _) = app.get(&c, "/plan").await;
    assert_eq!(s, 303);
}
db_test!(session_cookie_is_strict_and_rotated_at_login);

async fn ten_wrong_passwords_are_throttled(app: TestApp) {
    let c = app.client();
    let mut statuses = vec![];
    for _ in 0..10 {
        let r = app.sign_in(&c, "district106", "wrong-password", None).await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[401; 5]);
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    // Even the right password is refused while throttled, with a Vietnamese message.
    let r = app.sign_in(&c, "district106", "laichau2016", None).await;
    assert_page(r, 429, "Đăng nhập sai quá nhiều lần").await;
    // Another account from another client is not affected...
    app.login("admin").await;
    // ...and the window passes.
    app.clock.advance(chrono::Duration::minutes(16));
    app.login("district106").await;
}
db_test!(ten_wrong_passwords_are_throttled);

/// A school's staff room or a carrier's NAT shares one address: others'
/// failures there (21 wrong passwords over many accounts) must not refuse a
/// right password; each account still has its own limit.
async fn a_right_password_is_not_refused_after_others_failed_from_the_same_address(app: TestApp) {
    let c = app.client();
    for i in 0..21 {
        let user = format!("nobody{i}");
        let r = app.sign_in(&c, &user, "x", None).await;
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    // From the same address, the right password signs in.
    app.login("admin").await;
    // Guessing one account is still stopped after 5, from the same address.
    let c = app.client();
    let mut statuses = vec![];
    for _ in 0..6 {
        let r = app.sign_in(&c, "district106", "wrong-guess", None).await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
}
db_test!(a_right_password_is_not_refused_after_others_failed_from_the_same_address);

async fn a_form_without_a_valid_csrf_token_changes_nothing(app: TestApp) {
    let c = app.login("admin").await;
    let before = thamgia_store::users::count(&app.db.conn)
        .await
        .expect("count");
    let fields = [
        ("username", "mallory1"),
        ("display_name", "M"),
        ("role", "admin"),
        ("unit", "12"),
        ("password", "long-enough-pass"),
    ];
    for csrf in [None, Some("0000"), Some("")] {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if let Some(t) = csrf {
            form.push(("csrf", t));
        }
        let r = app.post_form(&c, "/admin/users", &form).await;
        assert_page(r, 403, "Không có gì bị thay đổi").await;
    }
    // A cross-site Origin is refused even with the right token.
    let csrf = app.csrf(&c, "/admin/users/new").await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", &csrf));
    let r = c
        .post(app.url("/admin/users"))
        .header("origin", "http://evil.example")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 403);
    // Language switch and sign-out need the token too.
    let r = app
        .post_form(&c, "/lang", &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app.post_form(&c, "/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        thamgia_store::users::count(&app.db.conn)
            .await
            .expect("count"),
        before
    );
    let (_, html) = app.get(&c, "/").await;
    assert!(html.contains("<html lang=\"vi\">"), "language unchanged");
    // With the token, the same form works.
    let r = app.post_form(&c, "/admin/users", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        thamgia_store::users::count(&app.db.conn)
            .await
            .expect("count"),
        before + 1
    );
}
db_test!(a_form_without_a_valid_csrf_token_changes_nothing);

async fn admin_creates_and_edits_accounts_with_audit(app: TestApp) {
    let c = app.login("admin").await;
    let csrf = app.csrf(&c, "/admin/users/new").await;
    // Every bad field is named, in Vietnamese, and nothing is stored.
    let before = thamgia_store::users::count(&app.db.conn)
        .await
        .expect("count");
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/admin/users",
            &[
                ("username", "Bad Name"),
                ("display_name", "X"),
                ("role", "king"),
                ("unit", "999"),
                ("password", "short"),
            ],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert_holds(
        &html,
        "missing message:",
        &[
            "Tên đăng nhập gồm",
            "Mật khẩu cần ít nhất 10 ký tự",
            "Vai trò không hợp lệ",
            "Đơn vị không tồn tại",
        ],
    );
    assert_eq!(
        thamgia_store::users::count(&app.db.conn)
            .await
            .expect("count"),
        before
    );
    // A good one.
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/admin/users",
            &[
                ("username", "sinho.officer"),
                ("display_name", "Giàng A Lử"),
                ("role", "district_officer"),
                ("unit", "108"),
                ("agency", "PLDTBXH-108"),
                ("password", "mat-khau-dai-du"),
            ],
            303,
        )
        .await;
    let loc = r.headers()["location"].to_str().expect("loc").to_string();
    let id: i32 = loc.rsplit('/').next().expect("id").parse().expect("int");
    // The same username again is a conflict named on the field.
    let r = app
        .post_form(
            &c,
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "sinho.officer"),
                ("display_name", "X"),
                ("role", "viewer"),
                ("unit", "108"),
                ("password", "mat-khau-dai-du"),
            ],
        )
        .await;
    assert_page(r, 422, "Giá trị này đã được dùng").await;
    // Edit: deactivate. The audit trail has before and after.
    app.submit_form(
        &c,
        &csrf,
        &loc,
        &[
            ("display_name", "Giàng A Lử"),
            ("role", "viewer"),
            ("unit", "108"),
            ("agency", ""),
        ],
        303,
    )
    .await;
    let trail = thamgia_store::audit::for_record(&app.db.conn, "user", &id.to_string(), 10)
        .await
        .expect("audit");
    assert_eq!(trail.len(), 2, "create and update");
    let upd = &trail[0];
    assert_eq!(upd.action, "update");
    assert_eq!(upd.actor, "admin");
    assert!(
        upd.before
            .as_deref()
            .unwrap_or("")
            .contains("\"role\":\"district_officer\"")
    );
    assert!(
        upd.after
            .as_deref()
            .unwrap_or("")
            .contains("\"role\":\"viewer\"")
            && upd
                .after
                .as_deref()
                .unwrap_or("")
                .contains("\"active\":false")
    );
    assert!(
        !upd.after.as_deref().unwrap_or("").contains("argon2"),
        "no password hash in the trail"
    );
    // The deactivated account cannot sign in.
    let c2 = app.client();
    let r = app
        .sign_in(&c2, "sinho.officer", "mat-khau-dai-du", None)
        .await;
    assert_eq!(r.status().as_u16(), 401);
    // An admin cannot lock themself out.
    app.submit_form(
        &c,
        &csrf,
        "/admin/users/1",
        &[
            ("display_name", "A"),
            ("role", "admin"),
            ("unit", "12"),
            ("agency", ""),
        ],
        422,
    )
    .await;
}
db_test!(admin_creates_and_edits_accounts_with_audit);
