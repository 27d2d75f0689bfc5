//! Units through time: Lai Châu's real units load all-or-nothing and once;
//! a code names a unit only with a date (03388 is Phường Quyết Tiến until
//! 30/6/2025 and Phường Đoàn Kết since); records made on 03388 in 2019 and in
//! 2026 stay on their own unit in the API, the dashboard, an import and an
//! export; the province's 2025 figure counts each record once; a district
//! officer of 2018 and a commune officer of 2026 see exactly their own units'
//! records.

use crate::db_test;
use crate::fixtures::{count, demo_records, unit_by_code};
use crate::helpers::{Answer, TestApp, item};
use chrono::NaiveDate;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use thamgia_domain::access::{Actor, Scope};
use thamgia_store::entity::{activity, consultation, matter, unit};
use thamgia_store::units;
use thamgia_web::clock::Clock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Loads both files of `plans/units/` and checks what they hold.
pub(crate) async fn load(app: &TestApp) {
    let [old, new] = thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("units");
    assert_eq!((old.created, old.updated, old.unchanged), (106, 0, 0));
    assert_eq!((new.created, new.updated, new.unchanged), (38, 0, 0));
    assert!(
        new.successions >= 38 + 8,
        "every new unit has a commune and a district before it: {new:?}"
    );
}

async fn read(app: &TestApp, code: &str, year: i32, date: Option<NaiveDate>) -> units::Resolved {
    units::resolve(&app.db.conn, &Scope::everything(), code, Some(year), date)
        .await
        .expect("resolve")
}

async fn the_real_units_load_once_and_codes_read_by_date(app: TestApp) {
    let before = count(&app, unit::Entity).await;
    // A wrong file loads nothing and names the row and column.
    let bad = "code,name_vi,parent_code,valid_from\n\
               03386,Phường Quyết Thắng,105,\n\
               03999,Xã Không Có,999,\n\
               03998,Xã Sai Ngày,12,2025-02-30\n";
    let errors = thamgia::units_import::load(
        &app.db,
        bad.as_bytes(),
        &Actor::system("test"),
        app.clock.now(),
    )
    .await
    .expect("load")
    .expect_err("refused");
    let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(said, ["row 4, column valid_from: invalid_date"]);
    let bad = bad.replace("2025-02-30", "2025-07-01");
    let errors = thamgia::units_import::load(
        &app.db,
        bad.as_bytes(),
        &Actor::system("test"),
        app.clock.now(),
    )
    .await
    .expect("load")
    .expect_err("refused");
    let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(said, ["row 3, column parent_code: unknown_unit"]);
    assert_eq!(
        count(&app, unit::Entity).await,
        before,
        "nothing of the file stays"
    );

    load(&app).await;
    assert_eq!(count(&app, unit::Entity).await, before + 106 + 38);
    // Loading again changes nothing.
    let [old, new] = thamgia::demo::load_units(&app.db, app.clock.now())
        .await
        .expect("again");
    assert_eq!(
        (old.created, old.updated, old.unchanged, old.successions),
        (0, 0, 106, 0)
    );
    assert_eq!(
        (new.created, new.updated, new.unchanged, new.successions),
        (0, 0, 38, 0)
    );
    assert_eq!(count(&app, unit::Entity).await, before + 106 + 38);

    let c105 = unit_by_code(&app.db.conn, "105").await;
    let c12 = unit_by_code(&app.db.conn, "12").await;
    let y2019 = read(&app, "03388", 2019, None).await;
    assert_eq!(y2019.unit.name_vi, "Phường Quyết Tiến");
    assert_eq!(y2019.unit.parent_id, Some(c105.id));
    assert!(!y2019.ambiguous);
    let y2026 = read(&app, "03388", 2026, None).await;
    assert_eq!(y2026.unit.name_vi, "Phường Đoàn Kết");
    assert_eq!(y2026.unit.parent_id, Some(c12.id));
    assert_ne!(y2019.unit.id, y2026.unit.id);
    // Each unit's audit trail is its own, though both carry 03388.
    for (u, name) in [
        (&y2019.unit, "Phường Quyết Tiến"),
        (&y2026.unit, "Phường Đoàn Kết"),
    ] {
        let trail = thamgia_store::audit::for_record(&app.db.conn, "unit", &u.id.to_string(), 20)
            .await
            .expect("audit");
        assert!(!trail.is_empty(), "{name} has a trail");
        for e in &trail {
            let text = format!("{:?} {:?}", e.before, e.after);
            assert!(text.contains(&u.id.to_string()), "{name}: {text}");
        }
        assert!(
            trail
                .iter()
                .any(|e| e.action == "create" && format!("{:?}", e.after).contains(name)),
            "{name} was created"
        );
    }
    // In 2025 the code changed meaning: the unit of 31/12 unless a date is given.
    let y2025 = read(&app, "03388", 2025, None).await;
    assert_eq!(y2025.unit.id, y2026.unit.id);
    assert!(y2025.ambiguous);
    let march = read(&app, "03388", 2025, Some(d(2025, 3, 1))).await;
    assert_eq!(march.unit.id, y2019.unit.id);
    // Quyết Tiến's successor is Đoàn Kết; district 105's include it.
    let next = units::successors(&app.db.conn, y2019.unit.id)
        .await
        .expect("db");
    assert_eq!(
        next.iter().map(|u| u.id).collect::<Vec<_>>(),
        [y2026.unit.id]
    );
    assert!(
        units::successors(&app.db.conn, c105.id)
            .await
            .expect("db")
            .iter()
            .any(|u| u.id == y2026.unit.id)
    );
    // The API speaks codes: the ward of 2026 sits directly under the province.
    let token = app.token("admin").await;
    let u = app.api_ok(&token, "/api/v1/units/03388").await;
    assert_eq!(u["name_vi"], "Phường Đoàn Kết");
    assert_eq!(u["path"], "/12/03388/");
    assert_eq!(u["parent"], "12");

    // Codes are unique among units valid at the same time, also when two
    // writers try at once.
    let clash = units::create(
        &app.db.conn,
        &Actor::system("test"),
        app.clock.now(),
        units::NewUnit {
            code: "03388".into(),
            name_vi: "Phường Trùng Mã".into(),
            name_en: "Clash ward".into(),
            level: "commune".into(),
            parent_code: "12".into(),
            valid_from: Some(d(2026, 1, 1)),
        },
    )
    .await;
    assert!(
        matches!(
            clash,
            Err(thamgia_store::StoreError::Conflict { field: "code" })
        ),
        "{clash:?}"
    );
    let attempt = |name: &'static str| {
        let db = app.db.conn.clone();
        let now = app.clock.now();
        tokio::spawn(async move {
            units::create(
                &db,
                &Actor::system("test"),
                now,
                units::NewUnit {
                    code: "03999".into(),
                    name_vi: name.into(),
                    name_en: name.into(),
                    level: "commune".into(),
                    parent_code: "12".into(),
                    valid_from: Some(d(2026, 1, 1)),
                },
            )
            .await
        })
    };
    let (a, b) = (attempt("Xã Một"), attempt("Xã Hai"));
    let (a, b) = (a.await.expect("join"), b.await.expect("join"));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|x| **x).count(),
        1,
        "one of two concurrent units with one code: {a:?} {b:?}"
    );
    assert_eq!(
        units::all_by_code(&app.db.conn, "03999")
            .await
            .expect("db")
            .len(),
        1
    );
}

db_test!(the_real_units_load_once_and_codes_read_by_date);

/// Registers a decided community decision on 03388 through the API.
async fn matter_on_03388(app: &TestApp, token: &str, title: &str, decided: &str) -> Value {
    app.api_post(
        token,
        "/api/v1/matters",
        &json!({"kind": "community_decision", "title": title, "summary": "Quyết định của phường",
                    "owner_agency": "SLDTBXH", "unit": "03388", "stage": "decided",
                    "decision_date": decided}),
    )
    .await
    .expect_status(201)
}

async fn consultation_of(
    app: &TestApp,
    token: &str,
    matter: i64,
    opens: &str,
    closes: &str,
) -> i32 {
    let k = app
        .api_post(
            token,
            "/api/v1/consultations",
            &json!({"matter_id": matter, "title": "Ý kiến trẻ em về chợ phiên",
                    "method": "group_discussion", "age_min": 8, "age_max": 15,
                    "opens_on": opens, "closes_on": closes, "audience": ["03388"]}),
        )
        .await
        .expect_status(201);
    k["id"].as_i64().expect("id") as i32
}

async fn ids(app: &TestApp, token: &str, path: &str) -> Vec<i64> {
    let (s, list) = app.api_get(token, path).await;
    assert_eq!(s, 200, "{path}: {list}");
    let mut v: Vec<i64> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    v.sort_unstable();
    v
}

fn figure(list: &Value, code: &str) -> (u64, u64) {
    let i = item(list, "code", code);
    (
        i["numerator"].as_u64().expect("numerator"),
        i["denominator"].as_u64().expect("denominator"),
    )
}

async fn records_of_03388_stay_on_their_own_unit(app: TestApp) {
    load(&app).await;
    let quyet_tien = units::resolve(
        &app.db.conn,
        &Scope::everything(),
        "03388",
        Some(2019),
        None,
    )
    .await
    .expect("2019")
    .unit;
    let doan_ket = units::resolve(
        &app.db.conn,
        &Scope::everything(),
        "03388",
        Some(2026),
        None,
    )
    .await
    .expect("2026")
    .unit;
    let admin = app.token("admin").await;

    // A matter and a consultation on 03388 in 2019, in the first half of
    // 2025, in the second half of 2025 and in 2026.
    let m2019 = matter_on_03388(&app, &admin, "Chợ phiên cuối tuần 2019", "2019-05-10").await;
    let m2025a = matter_on_03388(&app, &admin, "Giờ đóng cửa quán net 2025", "2025-04-01").await;
    let m2025b = matter_on_03388(&app, &admin, "Sân chơi tổ dân phố 2025", "2025-09-01").await;
    let m2026 = matter_on_03388(&app, &admin, "Chợ phiên cuối tuần 2026", "2026-03-02").await;
    for m in [&m2019, &m2025a, &m2025b, &m2026] {
        assert_eq!(m["unit"], "03388", "{m}");
    }
    let id = |m: &Value| m["id"].as_i64().expect("id");
    let k2019 = consultation_of(&app, &admin, id(&m2019), "2019-04-01", "2019-04-20").await;
    let k2026 = consultation_of(&app, &admin, id(&m2026), "2026-02-01", "2026-02-20").await;
    let stored = |mid: i64| {
        let db = app.db.conn.clone();
        async move {
            matter::Entity::find_by_id(mid as i32)
                .one(&db)
                .await
                .expect("db")
                .expect("matter")
                .unit_id
        }
    };
    assert_eq!(stored(id(&m2019)).await, quyet_tien.id);
    assert_eq!(stored(id(&m2025a)).await, quyet_tien.id);
    assert_eq!(stored(id(&m2025b)).await, doan_ket.id);
    assert_eq!(stored(id(&m2026)).await, doan_ket.id);
    for (k, on) in [(k2019, &quyet_tien), (k2026, &doan_ket)] {
        let row = consultation::Entity::find_by_id(k)
            .one(&app.db.conn)
            .await
            .expect("db")
            .expect("consultation");
        assert_eq!(row.unit_id, on.id, "consultation {k}");
        let audience = thamgia_store::consultations::audience_units(&app.db.conn, k)
            .await
            .expect("audience");
        assert_eq!(
            audience.iter().map(|u| u.id).collect::<Vec<_>>(),
            [on.id],
            "the audience 03388 is read on the opening day"
        );
    }

    // The API: each list of 03388 in a year holds that year's unit's matters.
    assert_eq!(
        ids(&app, &admin, "/api/v1/matters?unit=03388&year=2019").await,
        [id(&m2019)]
    );
    assert_eq!(
        ids(&app, &admin, "/api/v1/matters?unit=03388&year=2026").await,
        [id(&m2026)]
    );
    let t2019 = app
        .indicators(&admin, "03388", 2019)
        .await
        .expect_status(200);
    assert_eq!(figure(&t2019, "T3").1, 1);
    assert_eq!(t2019[0]["for_unit"]["name_vi"], "Phường Quyết Tiến");
    assert_eq!(t2019[0]["for_unit"]["code_reused"], false);
    let (_, t2026) = app.indicators(&admin, "03388", 2026).await;
    assert_eq!(figure(&t2026, "T3").1, 1);
    assert_eq!(t2026[0]["for_unit"]["name_vi"], "Phường Đoàn Kết");
    // 2025: Đoàn Kết by default, said so; Quyết Tiến on a date of the first half.
    let (_, t2025) = app.indicators(&admin, "03388", 2025).await;
    assert_eq!(t2025[0]["for_unit"]["name_vi"], "Phường Đoàn Kết");
    assert_eq!(t2025[0]["for_unit"]["code_reused"], true);
    assert_eq!(figure(&t2025, "T3").1, 1);
    let (_, t2025a) = app
        .api_get(
            &admin,
            "/api/v1/indicators?unit=03388&year=2025&date=2025-03-01&per_page=1000",
        )
        .await;
    assert_eq!(t2025a[0]["for_unit"]["name_vi"], "Phường Quyết Tiến");
    assert_eq!(figure(&t2025a, "T3").1, 1);
    // The province's 2025 figure counts each record once: district 105's
    // first half plus Đoàn Kết's second half.
    let (_, p2025) = app.indicators(&admin, "12", 2025).await;
    let (_, d2025) = app.indicators(&admin, "105", 2025).await;
    assert_eq!(figure(&d2025, "T3").1, 1);
    assert_eq!(figure(&p2025, "T3").1, 2);
    // District 105 counts the 2019 matter, not the 2026 one.
    let (_, d2019) = app.indicators(&admin, "105", 2019).await;
    assert_eq!(figure(&d2019, "T3").1, 1);
    let (_, d2026) = app.indicators(&admin, "105", 2026).await;
    assert_eq!(figure(&d2026, "T3").1, 0);

    // The dashboard names the unit of the year, and says which one it chose in 2025.
    let c = app.login("admin").await;
    let html = app.page(&c, "/dashboard?unit=03388&year=2019").await;
    assert!(html.contains("Phường Quyết Tiến") && !html.contains("id=\"unit-chosen\""));
    let (_, html) = app.get(&c, "/dashboard?unit=03388&year=2026").await;
    assert!(
        html.contains("Tổng quan — Phường Đoàn Kết · 2026"),
        "{html}"
    );
    // The units to choose from are those valid in the year.
    let (_, p2019) = app.get(&c, "/dashboard?unit=12&year=2019").await;
    let (_, p2026) = app.get(&c, "/dashboard?unit=12&year=2026").await;
    assert!(
        p2019.contains("<option value=\"106\">") && !p2019.contains("<option value=\"03390\">")
    );
    assert!(
        p2026.contains("<option value=\"03390\">") && !p2026.contains("<option value=\"106\">")
    );
    let (_, html) = app.get(&c, "/dashboard?unit=03388&year=2025").await;
    assert!(html.contains("id=\"unit-chosen\""), "{html}");
    assert!(html.contains("Mã 03388 trong năm 2025 là Phường Đoàn Kết (từ 01/07/2025)"));
    let (_, html) = app
        .get(&c, "/dashboard?unit=03388&year=2025&date=01/03/2025")
        .await;
    assert!(
        html.contains("Tổng quan — Phường Quyết Tiến · 2025"),
        "{html}"
    );

    // An export: the indicators of 03388 in 2019 are Quyết Tiến's (its 2019
    // decision), in 2026 Đoàn Kết's (its 2026 decision) — read as the
    // ward of today, 2019 would count nothing.
    for year in [2019, 2026] {
        let r = app
            .fetch(
                &c,
                &format!("/indicators/export.csv?unit=03388&year={year}"),
                200,
            )
            .await;
        let bytes = r.bytes().await.expect("body");
        let text = String::from_utf8_lossy(&bytes);
        let t3: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with("T3;"))
            .unwrap_or_else(|| panic!("{year}: {text}"))
            .split(';')
            .collect();
        assert_eq!((t3[2], t3[3]), ("0", "1"), "{year}: {text}");
    }

    // An import: an activity dated 2019 on 03388 lands on Quyết Tiến, not on
    // the ward that carries the code today.
    let coordinator = app.token("coordinator").await;
    let file = "Đơn vị (mã),Mã hoạt động,\"Dự án (DA1, DA2, MH1…)\",Loại hoạt động,Tên hoạt động,Từ ngày (dd/mm/yyyy),Cơ quan chủ trì (mã)\n\
                03388,QT-2019-01,DA1,\"Phát thanh, truyền hình\",Phát thanh về quyền tham gia ở phường,12/06/2019,SLDTBXH\n";
    let path = "/api/v1/imports?file_name=hoat-dong.csv";
    app.api_upload(
        &coordinator,
        path,
        Some("text/csv"),
        file.as_bytes().to_vec(),
    )
    .await
    .expect_status(200);
    let a = activity::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("db")
        .into_iter()
        .find(|a| a.code == "QT-2019-01")
        .expect("imported");
    assert_eq!(a.unit_id, quyet_tien.id);

    // Access: a district officer of 2018 (105) and a commune officer of 2026
    // (Đoàn Kết) each see exactly their own unit's records.
    for (username, unit) in [("quan105", "105"), ("phuong03388", "03388")] {
        app.officer(username, unit).await;
    }
    let district = app.token("quan105").await;
    let commune = app.token("phuong03388").await;
    assert_eq!(
        ids(&app, &district, "/api/v1/matters").await,
        [id(&m2019), id(&m2025a)]
    );
    assert_eq!(
        ids(&app, &commune, "/api/v1/matters").await,
        [id(&m2025b), id(&m2026)]
    );
    app.api_get(&district, &format!("/api/v1/matters/{}", id(&m2026)))
        .await
        .expect_status(404);
    app.api_get(&commune, &format!("/api/v1/matters/{}", id(&m2019)))
        .await
        .expect_status(404);
    app.api_ok(&commune, &format!("/api/v1/consultations/{k2026}"))
        .await;
    app.api_get(&commune, &format!("/api/v1/consultations/{k2019}"))
        .await
        .expect_status(404);
    app.api_get(&district, &format!("/api/v1/consultations/{k2026}"))
        .await
        .expect_status(404);
    // 03388 for the district's officer is the ward of their district.
    let t = app
        .indicators(&district, "03388", 2019)
        .await
        .expect_status(200);
    assert_eq!(t[0]["for_unit"]["name_vi"], "Phường Quyết Tiến");
    app.indicators(&commune, "105", 2019)
        .await
        .expect_status(404);
    let html = app.page(&app.login("phuong03388").await, "/matters").await;
    assert!(
        html.contains("Chợ phiên cuối tuần 2026") && !html.contains("Chợ phiên cuối tuần 2019")
    );
}

db_test!(records_of_03388_stay_on_their_own_unit);

/// `GET /api/v1/indicators` for units 12 and 105–112 in 2016–2020 on the
/// full demo (children's voice, forums, councils and clubs, activities and
/// money, annual plans, reports), captured from the product before units
/// had periods (commit 5241aae, `thamgia demo`, admin token): `unit year`
/// then `code:numerator/denominator:target` per indicator.
const PINNED_2016_2020: &str = "\
12 2016 T1:3/6:100.0 T2:11/18:90.0 T3:9/14:90.0 M1:7/9:9.0 M2:3/8:8.0 M3:4/8:8.0 T4:3/8:100.0 A1:2024/27:670.0 A2:85/9:55.0 A3:1470100000/2183000000:2183000000.0 C1:1095/1095:None\n\
12 2017 T1:6/7:100.0 T2:10/19:90.0 T3:6/11:90.0 M1:8/9:9.0 M2:5/8:8.0 M3:6/8:8.0 T4:5/8:100.0 A1:2094/32:1040.0 A2:77/9:57.0 A3:1564900000/2365700000:2365700000.0 C1:904/904:None\n\
12 2018 T1:7/9:100.0 T2:13/19:90.0 T3:6/11:90.0 M1:8/9:9.0 M2:5/8:8.0 M3:7/8:8.0 T4:5/8:100.0 A1:2468/36:920.0 A2:85/9:61.0 A3:1752800000/2520400000:2520400000.0 C1:1227/1227:None\n\
12 2019 T1:4/6:100.0 T2:13/20:90.0 T3:7/12:90.0 M1:8/9:9.0 M2:6/8:8.0 M3:8/8:8.0 T4:5/8:100.0 A1:1689/25:750.0 A2:70/9:62.0 A3:1465800000/2055800000:2055800000.0 C1:1084/1084:None\n\
12 2020 T1:4/8:100.0 T2:14/18:90.0 T3:6/12:90.0 M1:9/9:9.0 M2:8/8:8.0 M3:8/8:8.0 T4:8/8:100.0 A1:2193/33:1210.0 A2:71/9:60.0 A3:1534500000/2305900000:2305900000.0 C1:1042/1042:None\n\
105 2016 T1:0/0:100.0 T2:2/2:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:637/7:90.0 A2:14/1:6.0 A3:335400000/448000000:448000000.0 C1:107/107:None\n\
105 2017 T1:1/1:100.0 T2:3/3:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:160/3:90.0 A2:10/1:7.0 A3:255200000/308000000:308000000.0 C1:219/219:None\n\
105 2018 T1:1/1:100.0 T2:1/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:305/5:150.0 A2:10/1:7.0 A3:294600000/402100000:402100000.0 C1:116/116:None\n\
105 2019 T1:1/1:100.0 T2:2/3:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:207/3:90.0 A2:8/1:6.0 A3:194100000/308600000:308600000.0 C1:196/196:None\n\
105 2020 T1:0/0:100.0 T2:2/2:90.0 T3:1/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:402/6:150.0 A2:10/1:8.0 A3:212400000/307200000:307200000.0 C1:186/186:None\n\
106 2016 T1:0/1:100.0 T2:3/3:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:175/3:90.0 A2:8/1:7.0 A3:179500000/261900000:261900000.0 C1:235/235:None\n\
106 2017 T1:1/1:100.0 T2:2/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:485/6:90.0 A2:11/1:6.0 A3:262400000/382500000:382500000.0 C1:167/167:None\n\
106 2018 T1:0/0:100.0 T2:2/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:190/2:40.0 A2:12/1:7.0 A3:120000000/192300000:192300000.0 C1:126/126:None\n\
106 2019 T1:0/1:100.0 T2:1/2:90.0 T3:0/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:264/5:90.0 A2:12/1:7.0 A3:290400000/381000000:381000000.0 C1:159/159:None\n\
106 2020 T1:1/1:100.0 T2:2/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:457/6:150.0 A2:11/1:8.0 A3:252400000/324200000:324200000.0 C1:93/93:None\n\
107 2016 T1:1/1:100.0 T2:1/2:90.0 T3:0/2:90.0 M1:0/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:111/2:90.0 A2:5/1:5.0 A3:69300000/115500000:115500000.0 C1:93/93:None\n\
107 2017 T1:1/1:100.0 T2:1/3:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:94/2:150.0 A2:4/1:7.0 A3:21400000/100600000:100600000.0 C1:116/116:None\n\
107 2018 T1:0/0:100.0 T2:2/2:90.0 T3:0/2:90.0 M1:0/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:92/1:40.0 A2:3/1:4.0 A3:48600000/121800000:121800000.0 C1:70/70:None\n\
107 2019 T1:0/0:100.0 T2:2/3:90.0 T3:0/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:81/1:40.0 A2:5/1:7.0 A3:45000000/103700000:103700000.0 C1:58/58:None\n\
107 2020 T1:0/1:100.0 T2:1/2:90.0 T3:0/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:155/2:150.0 A2:4/1:7.0 A3:84800000/194900000:194900000.0 C1:41/41:None\n\
108 2016 T1:0/0:100.0 T2:2/2:90.0 T3:1/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:280/4:40.0 A2:12/1:5.0 A3:267200000/388000000:388000000.0 C1:135/135:None\n\
108 2017 T1:0/0:100.0 T2:0/2:90.0 T3:0/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:455/6:90.0 A2:13/1:8.0 A3:289400000/405800000:405800000.0 C1:0/0:None\n\
108 2018 T1:0/1:100.0 T2:2/3:90.0 T3:0/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:363/6:90.0 A2:13/1:7.0 A3:306000000/458300000:458300000.0 C1:103/103:None\n\
108 2019 T1:0/0:100.0 T2:1/2:90.0 T3:0/1:90.0 M1:0/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:121/1:40.0 A2:8/1:8.0 A3:114100000/138000000:138000000.0 C1:22/22:None\n\
108 2020 T1:0/0:100.0 T2:2/2:90.0 T3:0/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:58/2:90.0 A2:10/1:8.0 A3:198900000/294700000:294700000.0 C1:68/68:None\n\
109 2016 T1:0/0:100.0 T2:1/3:90.0 T3:1/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:134/2:0.0 A2:10/1:4.0 A3:55500000/129100000:129100000.0 C1:157/157:None\n\
109 2017 T1:1/1:100.0 T2:1/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:189/4:90.0 A2:9/1:4.0 A3:149500000/250200000:250200000.0 C1:110/110:None\n\
109 2018 T1:0/1:100.0 T2:2/2:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:254/5:90.0 A2:11/1:7.0 A3:231800000/249000000:249000000.0 C1:247/247:None\n\
109 2019 T1:0/0:100.0 T2:2/3:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:284/5:150.0 A2:7/1:8.0 A3:190800000/231700000:231700000.0 C1:177/177:None\n\
109 2020 T1:1/1:100.0 T2:1/2:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:66/1:40.0 A2:6/1:5.0 A3:68700000/120800000:120800000.0 C1:148/148:None\n\
110 2016 T1:0/1:100.0 T2:0/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:229/3:90.0 A2:8/1:8.0 A3:134200000/196300000:196300000.0 C1:123/123:None\n\
110 2017 T1:1/1:100.0 T2:2/3:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:24/1:40.0 A2:6/1:5.0 A3:88300000/163000000:163000000.0 C1:135/135:None\n\
110 2018 T1:1/1:100.0 T2:1/3:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:542/7:150.0 A2:8/1:8.0 A3:272300000/419600000:419600000.0 C1:169/169:None\n\
110 2019 T1:0/0:100.0 T2:2/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:428/6:150.0 A2:11/1:7.0 A3:321200000/395000000:395000000.0 C1:147/147:None\n\
110 2020 T1:0/1:100.0 T2:2/2:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:320/5:90.0 A2:8/1:5.0 A3:185300000/267500000:267500000.0 C1:159/159:None\n\
111 2016 T1:0/0:100.0 T2:2/2:90.0 T3:2/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:103/2:40.0 A2:8/1:5.0 A3:159100000/201000000:201000000.0 C1:157/157:None\n\
111 2017 T1:0/0:100.0 T2:0/2:90.0 T3:0/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:199/2:150.0 A2:6/1:8.0 A3:130500000/202600000:202600000.0 C1:0/0:None\n\
111 2018 T1:1/1:100.0 T2:2/2:90.0 T3:0/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:206/3:90.0 A2:9/1:8.0 A3:149800000/236200000:236200000.0 C1:161/161:None\n\
111 2019 T1:1/1:100.0 T2:1/2:90.0 T3:1/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:205/3:90.0 A2:6/1:6.0 A3:114100000/170500000:170500000.0 C1:121/121:None\n\
111 2020 T1:0/1:100.0 T2:2/3:90.0 T3:0/2:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:180/3:90.0 A2:6/1:5.0 A3:178200000/261700000:261700000.0 C1:155/155:None\n\
112 2016 T1:0/0:100.0 T2:0/2:90.0 T3:0/1:90.0 M1:0/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:0/0:50.0 A2:5/1:7.0 A3:63100000/149800000:149800000.0 C1:0/0:None\n\
112 2017 T1:0/0:100.0 T2:1/2:90.0 T3:0/2:90.0 M1:0/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:58/1:40.0 A2:5/1:4.0 A3:76700000/152300000:152300000.0 C1:56/56:None\n\
112 2018 T1:1/1:100.0 T2:1/3:90.0 T3:1/2:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:0/1:1.0 T4:0/1:100.0 A1:186/2:90.0 A2:5/1:5.0 A3:119500000/172300000:172300000.0 C1:128/128:None\n\
112 2019 T1:0/1:100.0 T2:2/3:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:0/1:1.0 M3:1/1:1.0 T4:0/1:100.0 A1:0/0:100.0 A2:3/1:8.0 A3:29800000/104100000:104100000.0 C1:119/119:None\n\
112 2020 T1:0/0:100.0 T2:2/3:90.0 T3:1/1:90.0 M1:1/1:1.0 M2:1/1:1.0 M3:1/1:1.0 T4:1/1:100.0 A1:287/4:150.0 A2:4/1:6.0 A3:96400000/208800000:208800000.0 C1:123/123:None\n";

/// Loading Lai Châu's real units, and the 2021–2030 plan with its 2021–2026
/// records, leaves every 2016–2020 figure of the demo as it was: the records
/// stay on the districts they were made on, and the communes (of level
/// `commune`) add no unit that a denominator counts.
async fn the_demo_figures_of_2016_2020_do_not_move(app: TestApp) {
    let now = app.clock.now();
    demo_records(&app, true).await;
    load(&app).await;
    // The 2021–2030 plan and its records (districts to 2024, communes from
    // 7/2025) move nothing of 2016–2020 either.
    let recent = thamgia::demo_recent::fill(&app.db, now)
        .await
        .expect("2021–2026")
        .expect("first run");
    assert!(recent.responses > 0 && recent.reports > 0, "{recent:?}");
    let admin = app.token("admin").await;
    let mut got = String::new();
    for unit in ["12", "105", "106", "107", "108", "109", "110", "111", "112"] {
        for year in 2016..=2020 {
            let (s, list) = app.indicators(&admin, unit, year).await;
            assert_eq!(s, 200, "{unit} {year}: {list}");
            let cells: Vec<String> = list
                .as_array()
                .expect("array")
                .iter()
                .map(|i| {
                    let target = match i["target"].as_f64() {
                        Some(t) => format!("{t:?}"),
                        None => "None".to_string(),
                    };
                    format!(
                        "{}:{}/{}:{target}",
                        i["code"].as_str().unwrap_or(""),
                        i["numerator"],
                        i["denominator"]
                    )
                })
                .collect();
            got.push_str(&format!("{unit} {year} {}\n", cells.join(" ")));
        }
    }
    let (want, got): (Vec<&str>, Vec<&str>) =
        (PINNED_2016_2020.lines().collect(), got.lines().collect());
    assert_eq!(want.len(), got.len());
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "a 2016–2020 figure moved");
    }
}

db_test!(the_demo_figures_of_2016_2020_do_not_move);

/// Schools and villages move to their commune's successor on 1/7/2025, as a
/// new unit of the same code; their past stays with the old commune's
/// district.
async fn schools_move_to_their_communes_successor(app: TestApp) {
    let now = app.clock.now();
    let actor = Actor::system("test");
    let old = thamgia::units_import::load(
        &app.db,
        thamgia::units_import::COMMUNES_2015_2025.as_bytes(),
        &actor,
        now,
    )
    .await
    .expect("load")
    .expect("communes");
    assert_eq!((old.created, old.moved), (106, 0));
    units::create(
        &app.db.conn,
        &actor,
        now,
        units::NewUnit {
            code: "03388-TH-01".into(),
            name_vi: "Trường Tiểu học Quyết Tiến".into(),
            name_en: "Quyết Tiến primary school".into(),
            level: "school".into(),
            parent_code: "03388".into(),
            valid_from: None,
        },
    )
    .await
    .expect("school");
    let admin = app.token("admin").await;
    let school_decision = |decided: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let m = app
                .api_post(
                    &admin,
                    "/api/v1/matters",
                    &json!({"kind": "school_decision", "title": format!("Nội quy lớp học {decided}"),
                            "owner_agency": "SGDDT", "unit": "03388-TH-01", "stage": "decided",
                            "decision_date": decided}),
                )
                .await
                .expect_status(201);
            m["id"].as_i64().expect("id") as i32
        }
    };
    let m2019 = school_decision("2019-09-05").await;

    let new = thamgia::units_import::load(
        &app.db,
        thamgia::units_import::UNITS_2025.as_bytes(),
        &actor,
        now,
    )
    .await
    .expect("load")
    .expect("2025 units");
    assert_eq!((new.created, new.moved), (38, 1));
    let rows = units::all_by_code(&app.db.conn, "03388-TH-01")
        .await
        .expect("db");
    assert_eq!(rows.len(), 2);
    let (before, after) = (&rows[0], &rows[1]);
    assert_eq!(before.valid_to, Some(d(2025, 6, 30)));
    assert_eq!(after.valid_from, Some(d(2025, 7, 1)));
    let doan_ket = units::resolve(
        &app.db.conn,
        &Scope::everything(),
        "03388",
        Some(2026),
        None,
    )
    .await
    .expect("2026")
    .unit;
    assert_eq!(after.parent_id, Some(doan_ket.id));
    assert_eq!(
        units::successors(&app.db.conn, before.id)
            .await
            .expect("db")
            .iter()
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        [after.id]
    );
    // Records keep their unit: the 2019 decision is the old school's, in district 105.
    let m2026 = school_decision("2026-09-05").await;
    let on = |id: i32| {
        let db = app.db.conn.clone();
        async move {
            matter::Entity::find_by_id(id)
                .one(&db)
                .await
                .expect("db")
                .expect("matter")
                .unit_id
        }
    };
    assert_eq!(on(m2019).await, before.id);
    assert_eq!(on(m2026).await, after.id);
    let (_, d2019) = app.indicators(&admin, "105", 2019).await;
    assert_eq!(figure(&d2019, "T2").1, 1);
    let (_, w2026) = app.indicators(&admin, "03388", 2026).await;
    assert_eq!(figure(&w2026, "T2").1, 1);
    // Loading again moves nothing more.
    let again = thamgia::units_import::load(
        &app.db,
        thamgia::units_import::UNITS_2025.as_bytes(),
        &actor,
        now,
    )
    .await
    .expect("load")
    .expect("again");
    assert_eq!((again.created, again.moved), (0, 0));
}

db_test!(schools_move_to_their_communes_successor);
