//! The period review of the province over 2016–2020 (`store::review`): each
//! year is the year's annual report as the report API serves it (frozen once
//! sent up, else live), and the span follows the span rule — sums of the
//! years for what adds up, shares recomputed from the summed numerators and
//! denominators, nothing for units counted in a year, hidden when a year is.

use crate::db_test;
use crate::fixtures::today;
use crate::helpers::{Answer, TestApp, assert_holds};
use serde_json::Value;
use std::collections::BTreeMap;
use thamgia_domain::results::percent;
use thamgia_office::{Cell, read_csv, read_xlsx};
use thamgia_store::{review, units};
use thamgia_web::clock::Clock;

async fn the_review_of_a_span_adds_up_its_years(app: TestApp) {
    crate::fixtures::demo_records(&app, false).await;
    let db = &app.db.conn;
    let u = units::by_code(db, "12")
        .await
        .expect("db")
        .expect("province");
    let r = review::build(db, &u, 2016, 2020, today(&app))
        .await
        .expect("review");
    assert_eq!(r.years.len(), 5);
    let token = app.token("coordinator").await;
    // Each year is the annual report's figures.
    let reports = yearly_figures(&app, &token, "12", 2016..=2020).await;
    for (y, data) in r.years.iter().zip(&reports) {
        assert_eq!(
            serde_json::to_value(&y.data).expect("json"),
            *data,
            "{}",
            y.year
        );
    }
    let indicators = serde_json::to_value(&r.indicators).expect("json");
    follows_the_span_rule(&indicators, &reports);
    // Money and activities over the span are the sums of the years.
    let spent: i64 = reports
        .iter()
        .map(|d| d["funding"]["spent"].as_i64().expect("spent"))
        .sum();
    assert_eq!(r.money.iter().map(|m| m.spent.total).sum::<i64>(), spent);
    let activities: i64 = reports
        .iter()
        .map(|d| d["activities"]["total"].as_i64().expect("total"))
        .sum();
    assert_eq!(r.activities.total, activities);
    assert!(
        activities > 0 && spent > 0,
        "the demo has activities and money"
    );
    let answered: i64 = reports
        .iter()
        .map(|d| d["recommendations"]["answered"].as_i64().expect("answered"))
        .sum();
    assert_eq!(r.recommendations_answered.total, answered);
}
db_test!(the_review_of_a_span_adds_up_its_years);

/// The `figures` of each year's report, as `GET /api/v1/reports/{unit}/{year}` serves them.
pub(crate) async fn yearly_figures(
    app: &TestApp,
    token: &str,
    unit: &str,
    years: std::ops::RangeInclusive<i32>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for year in years {
        let path = format!("/api/v1/reports/{unit}/{year}");
        out.push(app.api_ok(token, &path).await["figures"].clone());
    }
    out
}

/// Each indicator of a review (as JSON: the store's, the API's) against the
/// years' report figures (`figures` of `GET /api/v1/reports/{unit}/{year}`):
/// sums of the years, shares recomputed from the summed numerators and
/// denominators, nothing for units counted in a year, hidden when a year is.
pub(crate) fn follows_the_span_rule(indicators: &Value, reports: &[Value]) {
    let indicators = indicators.as_array().expect("indicators");
    assert!(!indicators.is_empty());
    let mut rules = std::collections::BTreeSet::new();
    for i in indicators {
        let code = i["code"].as_str().expect("code");
        let rule = i["span_rule"].as_str().expect("rule");
        let span_hidden = i["span_hidden"] == true;
        let span_value = i["span_value"].as_f64();
        rules.insert(rule.to_string());
        // The indicator's figure in each year's report.
        let years: Vec<&Value> = reports
            .iter()
            .filter_map(|d| {
                d["figures"]
                    .as_array()
                    .and_then(|fs| fs.iter().find(|f| f["code"] == code))
            })
            .collect();
        let sum = |k: &str| -> u64 { years.iter().map(|f| f[k].as_u64().unwrap_or(0)).sum() };
        let (n, d) = (sum("numerator"), sum("denominator"));
        let any_hidden = years.iter().any(|f| f["suppressed"] == true);
        match rule {
            _ if any_hidden => assert!(span_hidden && span_value.is_none(), "{code}"),
            "sum" if span_hidden => assert!((1..5).contains(&n), "{code}: {n}"),
            "sum" => assert_eq!(span_value, Some(n as f64), "{code}"),
            "share" if d == 0 => assert_eq!(span_value, None, "{code}"),
            "share" => {
                // A share of the child population never passes 100 %.
                let share = percent(n, d);
                let want = if i["measure"] == "children_answers" {
                    share.min(100.0)
                } else {
                    share
                };
                assert_eq!(span_value, Some(want), "{code}: {n}/{d}");
            }
            _ => assert_eq!(span_value, None, "{code}"),
        }
        assert_eq!(
            i["years"].as_array().map(Vec::len),
            Some(reports.len()),
            "{code}"
        );
    }
    // The plan's indicators exercise every rule that has a figure.
    for rule in ["sum", "share", "per_year"] {
        assert!(
            rules.contains(rule),
            "no indicator with the rule {rule}: {rules:?}"
        );
    }
}

/// The coordinator's narrative of a review: a span outside the plan or the
/// unit is named, the text is kept in NFC, and eight first saves at once
/// leave one review.
async fn a_review_keeps_one_narrative_per_unit_and_span(app: TestApp) {
    use thamgia_actions::reviews::{NarrativeInput, SpanInput, save_narrative};
    use thamgia_actions::{Act, ActionError};
    let coordinator = crate::action_access::principal(&app, "coordinator").await;
    let now = app.clock.now();
    let act = Act::new(&app.db.conn, &coordinator, now);
    let span = |unit: &str, from: &str, to: &str| SpanInput {
        unit: unit.into(),
        from: from.into(),
        to: to.into(),
    };
    let words = NarrativeInput {
        results: "Ke\u{302}\u{301}t qua\u{309} giai đoạn 2016–2020".into(),
        ..Default::default()
    };
    for (s, field, code) in [
        (span("12", "2015", "2018"), "to", "outside_plan"),
        (span("12", "2019", "2017"), "from", "from_after_to"),
        (span("12", "", "2020"), "from", "required"),
        (span("12", "2016", "2021"), "to", "outside_plan"),
    ] {
        match save_narrative(act, &s, &words).await {
            Err(ActionError::Invalid { fields, .. }) => {
                assert_eq!(fields.get(field).map(String::as_str), Some(code), "{s:?}")
            }
            other => panic!("{s:?}: {other:?}"),
        }
    }
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (db, p) = (app.db.conn.clone(), coordinator.clone());
        tasks.push(tokio::spawn(async move {
            let words = NarrativeInput {
                results: format!("Bản {n}"),
                ..Default::default()
            };
            save_narrative(Act::new(&db, &p, now), &span("12", "2016", "2020"), &words)
                .await
                .map(|r| r.id)
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.expect("task").expect("saved"));
    }
    assert_eq!(ids.len(), 1, "one review: {ids:?}");
    let r = save_narrative(act, &span("12", "2016", "2020"), &words)
        .await
        .expect("saved");
    // Normalised to NFC at the edge.
    assert_eq!(r.results, "Kết quả giai đoạn 2016–2020");
    let u = units::by_code(&app.db.conn, "12")
        .await
        .expect("db")
        .expect("province");
    let back = thamgia_store::review::narrative_of(&app.db.conn, u.id, 2016, 2020)
        .await
        .expect("db")
        .expect("narrative");
    assert_eq!(back, r);
}
db_test!(a_review_keeps_one_narrative_per_unit_and_span);

/// The text of a piece of XML, its tags dropped.
fn plain(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in xml.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    crate::helpers::unescape(&out)
}

const SPAN_2016_2020: &str = "unit=12&from=2016&to=2020";

/// A figure as the files may write it, in one form: `<5` when hidden,
/// empty when none, a share with one decimal, a count whole.
fn canon(v: Option<f64>, hidden: bool, percent: bool) -> String {
    match v {
        _ if hidden => "<5".into(),
        None => String::new(),
        Some(x) if percent => format!("{x:.1}"),
        Some(x) => format!("{}", x.round() as i64),
    }
}

/// The API's indicators: code → each year's figure then the span's.
fn api_rows(indicators: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for i in indicators.as_array().expect("indicators") {
        let p = i["unit"] == "%";
        let mut row: Vec<String> = i["years"]
            .as_array()
            .expect("years")
            .iter()
            .map(|y| canon(y["value"].as_f64(), y["hidden"] == true, p))
            .collect();
        row.push(canon(i["span_value"].as_f64(), i["span_hidden"] == true, p));
        out.insert(i["code"].as_str().expect("code").to_string(), row);
    }
    out
}

/// The indicator table of a file (rows of cells after the header), read like
/// the API's: code → each year's figure then the span's.
fn file_rows(
    rows: &[Vec<Cell>],
    api: &BTreeMap<String, Vec<String>>,
    units: &BTreeMap<String, bool>,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for r in rows {
        let code = r.first().map(Cell::text).unwrap_or_default();
        let Some(want) = api.get(&code) else { continue };
        let p = units[&code];
        let cells: Vec<String> = (2..2 + want.len())
            .map(|k| match r.get(k).unwrap_or(&Cell::Empty) {
                Cell::Number(v) => canon(Some(*v), false, p),
                Cell::Text(t) if t.trim() == "<5" => "<5".into(),
                other => {
                    let t = other.text();
                    let v = (!t.is_empty())
                        .then(|| t.replace(',', ".").parse::<f64>().expect("a number"));
                    canon(v, false, p)
                }
            })
            .collect();
        out.entry(code).or_insert(cells);
    }
    out
}

/// The period review of 2016–2020 through the API, the page and its files:
/// the .xlsx and the CSV carry the API's figures (which follow the span rule
/// against the years' reports), the page the same and the demo's narrative,
/// the .docx the Decree 30 layout with the span and the narrative.
async fn the_review_s_files_carry_the_api_s_figures(app: TestApp) {
    crate::fixtures::demo_records(&app, false).await;
    let token = app.token("coordinator").await;
    let b = app
        .api_ok(&token, &format!("/api/v1/reviews?{SPAN_2016_2020}"))
        .await;
    assert_eq!(b["kind"], "final", "2020 ends the plan");
    let r = &b["review"];
    let reports = yearly_figures(&app, &token, "12", 2016..=2020).await;
    follows_the_span_rule(&r["indicators"], &reports);
    let spent: i64 = reports
        .iter()
        .map(|d| d["funding"]["spent"].as_i64().expect("spent"))
        .sum();
    assert!(spent > 0);
    // The demo's drafted narrative.
    let narrative = b["narrative"]["results"].as_str().expect("results");
    assert!(narrative.starts_with("Sau 5 năm"), "{narrative}");

    let api = api_rows(&r["indicators"]);
    let units: BTreeMap<String, bool> = r["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .map(|i| (i["code"].as_str().expect("code").into(), i["unit"] == "%"))
        .collect();
    // The workbook.
    let xlsx = app
        .download_ok(
            &token,
            &format!("/api/v1/reviews/export?{SPAN_2016_2020}&format=xlsx"),
        )
        .await;
    let sheets = read_xlsx(&xlsx).expect("xlsx");
    let sheet = |name: &str| {
        sheets
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("sheet {name}"))
    };
    let t = sheet("Chỉ số");
    let head: Vec<String> = t.rows[0].cells.iter().map(Cell::text).collect();
    assert_eq!(
        head[2..8],
        ["2016", "2017", "2018", "2019", "2020", "Cả giai đoạn"]
    );
    let rows: Vec<Vec<Cell>> = t.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(file_rows(&rows, &api, &units), api, ".xlsx");
    let money = sheet("Kinh phí theo nguồn");
    let totals = money.rows.last().expect("totals");
    assert_eq!(totals.get(1).text(), "Tổng cộng");
    assert_eq!(
        totals.get(8).text(),
        spent.to_string(),
        "spent over the span"
    );
    assert!(
        !sheets.iter().any(|s| s.name == "Chỉ tiêu"),
        "no year's indicator sheet"
    );
    // The CSV: the same figures, and the page's CSV is the API's.
    let csv = app
        .download_ok(
            &token,
            &format!("/api/v1/reviews/export?{SPAN_2016_2020}&format=csv"),
        )
        .await;
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let table = read_csv(&csv).expect("csv");
    let first: Vec<Vec<Cell>> = table
        .rows
        .iter()
        .take_while(|r| !r.get(0).text().starts_with("Mục tiêu"))
        .map(|r| r.cells.clone())
        .collect();
    assert_eq!(file_rows(&first, &api, &units), api, ".csv");
    let c = app.login("coordinator").await;
    let page_csv = c
        .get(app.url(&format!("/reviews/export.csv?{SPAN_2016_2020}")))
        .send()
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("body");
    assert_eq!(page_csv.as_ref(), csv.as_slice(), "the page's CSV");
    // The page: the span's figures and the narrative.
    let html = app.page(&c, &format!("/reviews?{SPAN_2016_2020}")).await;
    assert!(html.contains("Tổng kết giai đoạn 2016–2020"), "{html}");
    assert!(html.contains("Sau 5 năm"));
    let activities = r["activities"]["total"].as_i64().expect("activities");
    assert!(activities > 0);
    assert!(html.contains(&format!(
        "<strong>{}</strong>",
        thamgia_web::i18n::Lang::Vi.int(activities)
    )));
    // The document: Decree 30, the span and the narrative.
    let xml = app
        .docx_xml(
            &token,
            &format!("/api/v1/reviews/export?{SPAN_2016_2020}&format=docx"),
        )
        .await;
    let text = plain(&xml);
    assert_holds(
        &text,
        "the document lacks",
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Tổng kết thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em giai đoạn 2016–2020",
            "Kết quả các chỉ số từng năm và cả giai đoạn 2016–2020",
            "Sau 5 năm",
            "II. KHÓ KHĂN, VƯỚNG MẮC",
        ],
    );
}
db_test!(the_review_s_files_carry_the_api_s_figures);

/// A district reads its own review and nobody else's (404), writes none
/// (403: the narrative is the coordinator's); the coordinator's narrative is
/// kept in NFC.
async fn a_district_reads_only_its_own_review(app: TestApp) {
    let district = app.token("district106").await;
    let own = "/api/v1/reviews?unit=106&from=2016&to=2020";
    app.api_ok(&district, own).await;
    let other = "/api/v1/reviews?unit=108&from=2016&to=2020";
    app.api_get(&district, other).await.expect_status(404);
    app.api_get(&district, &format!("/api/v1/reviews?{SPAN_2016_2020}"))
        .await
        .expect_status(404);
    let (s, _, _) = app
        .download(
            &district,
            &format!(
                "{}&format=docx",
                other.replace("reviews?", "reviews/export?")
            ),
        )
        .await;
    assert_eq!(s, 404);
    let words = serde_json::json!({"results": "Ke\u{302}\u{301}t qua\u{309}"});
    app.api_put(&district, own, &words).await.expect_status(403);
    let c = app.login("district106").await;
    app.assert_statuses(
        &c,
        404,
        &[
            "/reviews?unit=108&from=2016&to=2020",
            "/reviews/export.xlsx?unit=108&from=2016&to=2020",
        ],
    )
    .await;
    let csrf = app.csrf(&c, "/reviews?unit=106&from=2016&to=2020").await;
    app.submit_form(
        &c,
        &csrf,
        "/reviews/narrative",
        &[
            ("unit", "106"),
            ("from", "2016"),
            ("to", "2020"),
            ("results", "x"),
        ],
        403,
    )
    .await;
    // The coordinator writes the district's review.
    let coordinator = app.token("coordinator").await;
    let b = app
        .api_put(&coordinator, own, &words)
        .await
        .expect_status(200);
    assert_eq!(b["narrative"]["results"], "Kết quả");
    let b = app.api_ok(&district, own).await;
    assert_eq!(b["narrative"]["results"], "Kết quả");
}
db_test!(a_district_reads_only_its_own_review);

/// A span the plan does not hold, or not a span at all, is named field by
/// field (the API's codes, the page's Vietnamese), and a refused narrative
/// changes nothing.
async fn bad_spans_are_named_by_field(app: TestApp) {
    let token = app.token("coordinator").await;
    for (q, field, code) in [
        ("unit=12&from=2020&to=2016", "from", "from_after_to"),
        ("unit=12&from=2016&to=2021", "to", "outside_plan"),
        ("unit=12&from=&to=2020", "from", "required"),
        ("unit=12&from=20x6&to=2020", "from", "not_a_year"),
        ("unit=&from=2016&to=2020", "unit", "required"),
    ] {
        let b = app
            .api_get(&token, &format!("/api/v1/reviews?{q}"))
            .await
            .expect_status(422);
        assert_eq!(b["error"]["fields"][field], code, "{q}: {b}");
    }
    let (s, b) = app
        .api_get(
            &token,
            &format!("/api/v1/reviews/export?{SPAN_2016_2020}&format=pdf"),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(b["error"]["fields"]["format"], "invalid_format");
    // Too long a section: refused, nothing written.
    let path = "/api/v1/reviews?unit=12&from=2016&to=2018";
    let long = "a".repeat(thamgia_domain::reports::MAX_SECTION + 1);
    let b = app
        .api_put(&token, path, &serde_json::json!({"results": long}))
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["results"], "too_long");
    let b = app
        .api_put(
            &token,
            path,
            &serde_json::json!({"proposals": "Đề xuất\u{0}"}),
        )
        .await
        .expect_status(422);
    assert_eq!(b["error"]["fields"]["proposals"], "control_character");
    let b = app.api_ok(&token, path).await;
    assert_eq!(b["kind"], "midterm");
    assert_eq!(b["narrative"]["results"], "");
    // The page names the field in Vietnamese.
    let c = app.login("coordinator").await;
    let (s, html) = app.get(&c, "/reviews?unit=12&from=2019&to=2017").await;
    assert_eq!(s, 422);
    assert!(
        html.contains("Từ năm: năm bắt đầu phải trước hoặc bằng năm kết thúc"),
        "{html}"
    );
    let csrf = app.csrf(&c, "/reviews").await;
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/reviews/narrative",
            &[("unit", "12"), ("from", "2016"), ("to", "2030")],
            422,
        )
        .await;
    let html = r.text().await.expect("body");
    assert!(html.contains("Đến năm: giai đoạn phải nằm trong thời gian của kế hoạch"));
    // Saved: the page says so.
    let r = app
        .submit_form(
            &c,
            &csrf,
            "/reviews/narrative",
            &[
                ("unit", "12"),
                ("from", "2016"),
                ("to", "2018"),
                ("results", "Đã sơ kết"),
            ],
            303,
        )
        .await;
    let html = app.page(&c, &crate::helpers::location(&r)).await;
    assert!(html.contains("Đã lưu phần nhận xét"), "{html}");
    assert!(html.contains("Đã sơ kết"));
}
db_test!(bad_spans_are_named_by_field);
