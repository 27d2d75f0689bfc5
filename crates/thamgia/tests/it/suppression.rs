//! Complementary suppression read from the real views, on both databases:
//! a consultation's results page against its API (every table shape: the
//! profile, answer × group tables of single and multiple choices, rankings
//! and faces, the group discussions' tally), the consultations list on the
//! page and in the API, and C1 on the dashboard, its records, the API and the
//! report's .xlsx/.docx/CSV. The same cells are hidden in each, none of 1–4
//! is shown, and no hidden count can be worked out from the totals and
//! siblings the same view shows.

use crate::db_test;
use crate::fixtures::{
    add_question, additive, labels, new_matter, option_cells, playground, question, submit_answers,
    submit_tally, unit_by_code,
};
use crate::helpers::{Answer, TestApp, item};
use chrono::NaiveDate;
use serde_json::Value;
use thamgia_domain::access::Actor;
use thamgia_domain::results::shows_no_small_count;
use thamgia_domain::voice::{JoinCode, MatterKind, QuestionKind, Sex, Source, ValidAnswer};
use thamgia_office::{read_csv, read_xlsx};
use thamgia_store::consultations;
use thamgia_web::clock::Clock;

struct K {
    id: i32,
    single: Vec<i32>,
    multiple: Vec<i32>,
    ranking: Vec<i32>,
    q: [i32; 4],
}

fn actor() -> Actor {
    Actor::system("test")
}

/// An open consultation in Tam Đường (106) with a single-choice, a
/// multiple-choice, a ranking and a face question of three options each.
async fn consultation(app: &TestApp, title: &str, seed: u32) -> K {
    let db = &app.db.conn;
    let now = app.clock.now();
    let today = now.date_naive();
    let u = unit_by_code(db, "106").await;
    let decided = NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
    let kind = MatterKind::SchoolDecision;
    let m = new_matter(app, "106", "PGDDT-106", title, kind, decided).await;
    let k = consultations::create(
        db,
        &actor(),
        now,
        playground(u.id, m, title, today),
        (0..20).map(|i| JoinCode::from_random([seed, seed / 31, seed / 961, i, i * 7, 5])),
    )
    .await
    .expect("consultation");
    let mut ids = vec![];
    for (kind, text) in [
        (QuestionKind::Single, "Em muốn sân chơi có gì?"),
        (QuestionKind::Multiple, "Em thích những trò nào?"),
        (QuestionKind::Ranking, "Xếp theo thứ tự em thích"),
        (QuestionKind::Faces3, "Em thấy sân chơi cũ thế nào?"),
    ] {
        let opts: &[&str] = if kind == QuestionKind::Faces3 {
            &[]
        } else {
            &["Xích đu", "Cầu trượt", "Bập bênh"]
        };
        let q = question(kind, text, false, labels(opts));
        ids.push(add_question(db, now, k.id, q).await);
    }
    consultations::open(db, &actor(), now, k.id)
        .await
        .expect("open");
    let qs = consultations::questions(db, k.id).await.expect("questions");
    let opts = |id: i32| -> Vec<i32> {
        qs.iter()
            .find(|(q, _)| q.id == id)
            .map(|(_, o)| o.iter().map(|o| o.id).collect())
            .expect("options")
    };
    K {
        id: k.id,
        single: opts(ids[0]),
        multiple: opts(ids[1]),
        ranking: opts(ids[2]),
        q: [ids[0], ids[1], ids[2], ids[3]],
    }
}

/// One child's online answers: a single choice, ticks, a ranking, a face.
struct Says {
    age: i64,
    sex: Sex,
    ethnic: &'static str,
    single: usize,
    ticks: Vec<usize>,
    ranking: [usize; 3],
    face: u8,
}

async fn child(app: &TestApp, k: &K, s: Says) {
    let answers = vec![
        (k.q[0], ValidAnswer::Options(vec![k.single[s.single]])),
        (
            k.q[1],
            ValidAnswer::Options(s.ticks.iter().map(|i| k.multiple[*i]).collect()),
        ),
        (
            k.q[2],
            ValidAnswer::Ranking(s.ranking.iter().map(|i| k.ranking[*i]).collect()),
        ),
        (k.q[3], ValidAnswer::Face(s.face)),
    ];
    let profile = crate::fixtures::child(s.age, s.sex, s.ethnic);
    submit_answers(app, k.id, Source::Online, profile, answers).await;
}

/// The hidden flag of every count cell (`<td class="res-num">`) of the
/// results page, in the page's order; `None` for percentages and mean ranks.
fn page_cells(html: &str) -> Vec<String> {
    html.split("<td class=\"res-num\">")
        .skip(1)
        .map(|p| p.split("</td>").next().unwrap_or("").to_string())
        .collect()
}

/// What the page must show hidden, read from the API's document in the
/// template's order: `Some(hidden)` for a count, `None` for a percentage or a
/// mean rank (not counts).
fn api_cells(doc: &Value) -> Vec<Option<bool>> {
    let r = &doc["results"];
    let hidden = |c: &Value| Some(c["count"].is_null());
    let mut out = vec![];
    for b in r["profile"].as_array().into_iter().flatten() {
        for g in b["groups"].as_array().into_iter().flatten() {
            out.push(hidden(&g["total"]));
        }
    }
    for q in r["questions"].as_array().into_iter().flatten() {
        let ranking = q["kind"] == "ranking";
        for o in q["options"].as_array().into_iter().flatten() {
            out.push(hidden(&o["cell"]));
            out.push(None);
            if ranking {
                out.push(None);
            }
        }
        if q["kind"] == "text" {
            continue;
        }
        for b in q["breakdowns"].as_array().into_iter().flatten() {
            for g in b["groups"].as_array().into_iter().flatten() {
                out.push(hidden(&g["total"]));
                for c in g["cells"].as_array().into_iter().flatten() {
                    out.push(hidden(c));
                }
            }
        }
    }
    out
}

/// The page hides exactly the cells the API hides, and shows no 1–4.
fn same_cells(html: &str, doc: &Value) {
    let page = page_cells(html);
    let api = api_cells(doc);
    assert_eq!(page.len(), api.len(), "{page:?}");
    for (i, (p, a)) in page.iter().zip(&api).enumerate() {
        let Some(a) = a else { continue };
        assert_eq!(p == "&#60;5", *a, "cell {i}: page {p:?}");
        let lead: String = p.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = lead.parse::<u64>() {
            assert!(!(1..=4).contains(&n), "cell {i} shows {p:?}");
        }
    }
    let children = &doc["results"]["children"]["count"];
    let shown = children
        .as_u64()
        .map_or("&#60;5".to_string(), |n| n.to_string());
    assert!(
        html.contains(&format!("</dt><dd>{shown}</dd>")),
        "children {shown} on the page"
    );
}

/// Hidden counts a reader could work out from what the API shows beside
/// them: a lone hidden cell of a table whose total and other cells are shown,
/// a percentage of a hidden total, the group discussions' children as the
/// children less those who answered individually, and the same for each
/// question.
fn derivable(doc: &Value) -> Vec<String> {
    let r = &doc["results"];
    let mut bad = vec![];
    let n = |c: &Value| c["count"].as_u64();
    // A lone hidden cell beside a shown total.
    let lone = |total: Option<u64>, cells: Vec<&Value>| {
        total.is_some() && cells.iter().filter(|c| n(c).is_none()).count() == 1
    };
    let s = &r["sources"];
    if lone(
        n(&r["children"]),
        vec![&s["online"], &s["paper"], &s["group"]],
    ) {
        bad.push("sources".into());
    }
    // Those who answered individually: a percentage gives them, and so does
    // a breakdown shown whole.
    let individual = |bs: &Value| -> Option<u64> {
        bs.as_array().into_iter().flatten().find_map(|b| {
            let gs: Vec<&Value> = b["groups"].as_array().into_iter().flatten().collect();
            let with_pct = gs
                .iter()
                .find(|g| g["total"]["percent"].as_f64().is_some_and(|p| p > 0.0));
            if let Some(g) = with_pct {
                let (c, p) = (n(&g["total"])?, g["total"]["percent"].as_f64()?);
                return Some((c as f64 * 100.0 / p).round() as u64);
            }
            gs.iter().map(|g| n(&g["total"])).sum()
        })
    };
    let i = individual(&r["profile"]);
    if s["group_discussions"].as_u64().unwrap_or(0) > 0
        && let (Some(c), Some(i)) = (n(&r["children"]), i)
        && (1..=4).contains(&(c - i))
    {
        bad.push(format!("children in tallies: {c} − {i}"));
    }
    for b in r["profile"].as_array().into_iter().flatten() {
        let gs: Vec<&Value> = b["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| &g["total"])
            .collect();
        let total = if gs.iter().any(|g| g["percent"].is_number()) {
            i
        } else {
            None
        };
        if lone(total, gs) {
            bad.push(format!("profile {}", b["dimension"]));
        }
    }
    for q in r["questions"].as_array().into_iter().flatten() {
        let id = &q["question_id"];
        let adds_up = additive(q);
        let answered = n(&q["answered"]);
        for o in q["options"].as_array().into_iter().flatten() {
            if answered.is_none() && o["cell"]["percent"].is_number() {
                bad.push(format!("q{id}: a percentage of a hidden total"));
            }
        }
        if adds_up {
            let cells = option_cells(q);
            if lone(answered, cells) {
                bad.push(format!("q{id} options"));
            }
        }
        let from_groups = n(&q["from_groups"]);
        let individual_q = match (answered, from_groups) {
            (Some(a), Some(g)) => Some(a - g),
            _ => None,
        };
        if let (Some(a), None, Some(iq)) = (answered, from_groups, individual(&q["breakdowns"]))
            && (1..=4).contains(&(a - iq))
        {
            bad.push(format!("q{id}: from groups {a} − {iq}"));
        }
        for b in q["breakdowns"].as_array().into_iter().flatten() {
            let gs: Vec<&Value> = b["groups"].as_array().into_iter().flatten().collect();
            if lone(individual_q, gs.iter().map(|g| &g["total"]).collect()) {
                bad.push(format!("q{id} {} totals", b["dimension"]));
            }
            if adds_up {
                for g in &gs {
                    let cells = g["cells"].as_array().into_iter().flatten().collect();
                    if lone(n(&g["total"]), cells) {
                        bad.push(format!("q{id} {} {}", b["dimension"], g["key"]));
                    }
                }
            }
        }
    }
    bad
}

async fn results_both_ways(app: &TestApp, k: &K) -> Value {
    let token = app.token("coordinator").await;
    let doc = app
        .api_ok(&token, &format!("/api/v1/consultations/{}/results", k.id))
        .await;
    assert!(shows_no_small_count(&doc), "a count of 1–4 in {doc}");
    assert_eq!(derivable(&doc), Vec::<String>::new(), "{doc}");
    let c = app.login("coordinator").await;
    let html = app
        .page(&c, &format!("/consultations/{}/results", k.id))
        .await;
    same_cells(&html, &doc);
    doc
}

async fn a_small_group_discussion_is_protected_like_any_cell(app: TestApp) {
    let k = consultation(&app, "Sân chơi và nhóm nhỏ", 7).await;
    for i in 0..7 {
        child(
            &app,
            &k,
            Says {
                age: 12,
                sex: Sex::Girl,
                ethnic: "08",
                single: usize::from(i >= 5),
                ticks: if i < 3 { vec![0, 1] } else { vec![0] },
                ranking: [0, 1, 2],
                face: 3,
            },
        )
        .await;
    }
    for i in 0..4 {
        child(
            &app,
            &k,
            Says {
                age: 8,
                sex: Sex::Boy,
                ethnic: "08",
                single: if i < 3 { 0 } else { 2 },
                ticks: vec![2],
                ranking: [1, 0, 2],
                face: 1,
            },
        )
        .await;
    }
    // Three children talked it over as a group.
    let counts = vec![(k.single[0], 2), (k.single[1], 1)];
    submit_tally(&app, k.id, "Nhóm bản Nà Tăm", (2, 1), (0, 3), counts).await;
    let doc = results_both_ways(&app, &k).await;
    let r = &doc["results"];
    // 14 children, 11 of them answered one by one (the profile adds up to
    // them): the 3 of the group are hidden, and so is the 14 that would give
    // them back, here and wherever the same number stands (the single
    // choice, which the group answered, loses its total and percentages).
    assert!(r["sources"]["group"]["count"].is_null());
    assert_eq!(r["sources"]["group_discussions"], 1);
    assert!(r["children"]["count"].is_null(), "14 = 11 + 3");
    let sex = &r["profile"][1];
    assert_eq!(sex["dimension"], "sex");
    assert!(
        sex["groups"][0]["total"]["count"].is_null(),
        "7 beside 4 boys"
    );
    let q = |id: i32| item(&r["questions"], "question_id", id).clone();
    let single = q(k.q[0]);
    assert!(single["from_groups"]["count"].is_null(), "3 from the group");
    assert!(single["answered"]["count"].is_null(), "14 as above");
    assert_eq!(q(k.q[1])["answered"]["count"], 11, "the group did not tick");

    // The consultations list: the API hides the 3 and the smallest other
    // count, the page the total as the results do.
    let token = app.token("coordinator").await;
    let (_, list) = app
        .api_get(&token, "/api/v1/consultations?per_page=1000")
        .await;
    let listed = item(&list, "id", k.id);
    assert_eq!(listed["responses"]["online"], 11);
    assert!(listed["responses"]["children_in_tallies"].is_null());
    let c = app.login("coordinator").await;
    let (_, html) = app.get(&c, "/consultations").await;
    let row = html
        .split("<tr>")
        .find(|r| r.contains(&format!("/consultations/{}\"", k.id)))
        .expect("row");
    assert!(row.contains("<td>&lt;5</td>"), "{row}");
}
db_test!(a_small_group_discussion_is_protected_like_any_cell);

async fn a_total_only_hiding_protects_is_hidden_everywhere_in_the_view(app: TestApp) {
    let k = consultation(&app, "Năm em, năm dân tộc", 11).await;
    // Five children of five ethnic groups: five cells of 1 beside their
    // total of 5 are pinned down whatever else is hidden, so the total goes,
    // and with it every place that shows it.
    for ethnic in ["01", "02", "03", "04", "08"] {
        child(
            &app,
            &k,
            Says {
                age: 12,
                sex: Sex::Girl,
                ethnic,
                single: 0,
                ticks: vec![0],
                ranking: [0, 1, 2],
                face: 3,
            },
        )
        .await;
    }
    let doc = results_both_ways(&app, &k).await;
    let r = &doc["results"];
    assert!(r["children"]["count"].is_null(), "{r}");
    let s = &r["sources"];
    assert!(
        ["online", "paper", "group"]
            .iter()
            .any(|x| s[x]["count"].is_null()),
        "online + paper + group would give the children back"
    );
    for q in r["questions"].as_array().expect("questions") {
        assert!(q["answered"]["count"].is_null(), "q{}", q["question_id"]);
        for o in q["options"].as_array().expect("options") {
            assert!(o["cell"]["percent"].is_null());
        }
        for b in q["breakdowns"].as_array().expect("breakdowns") {
            let gs = b["groups"].as_array().expect("groups");
            assert!(gs.iter().any(|g| g["total"]["count"].is_null()));
            assert!(gs.iter().all(|g| g["total"]["percent"].is_null()));
        }
    }
    for b in r["profile"].as_array().expect("profile") {
        let gs = b["groups"].as_array().expect("groups");
        assert!(
            gs.iter().any(|g| g["total"]["count"].is_null()),
            "{}",
            b["dimension"]
        );
    }
}
db_test!(a_total_only_hiding_protects_is_hidden_everywhere_in_the_view);

async fn c1_of_a_few_children_is_hidden_in_every_view(app: TestApp) {
    // Sìn Hồ (108) heard 3 children in 2019.
    crate::dashboard::consultation_with(&app, "108", None, "SH2019", 3).await;
    let token = app.token("coordinator").await;
    let list = app.indicators(&token, "108", 2019).await.expect_status(200);
    let c1 = item(&list, "code", "C1");
    assert_eq!(c1["suppressed"], true, "{c1}");
    assert!(c1["value"].is_null());
    assert_eq!(c1["numerator"], 0);
    let parts = c1["breakdown"].as_array().expect("parts");
    assert!(!parts.is_empty());
    assert!(parts.iter().all(|p| p["value"].is_null()), "{c1}");
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .filter(|i| i["code"] != "C1")
            .all(|i| i["suppressed"] == false)
    );

    // The dashboard's card and the records behind C1.
    let c = app.login("coordinator").await;
    let html = app
        .page(&c, "/dashboard/records?unit=108&year=2019&code=C1")
        .await;
    for id in ["figure-value", "figure-numerator", "records-total"] {
        assert!(
            html.contains(&format!("id=\"{id}\">&#60;5<")),
            "{id} is <5 on the records page"
        );
    }
    let html = app.page(&c, "/dashboard?unit=108&year=2019").await;
    let card = c1_card(&html);
    assert!(card.contains("&#60;5"), "{card}");

    // The report's files: C1's numbers are "<5", as its parts.
    let csv = app
        .download_ok(&token, "/api/v1/reports/108/2019/export?format=csv")
        .await;
    let t = read_csv(&csv).expect("csv");
    let line = t
        .rows
        .iter()
        .find(|r| r.get(0).text() == "C1")
        .expect("C1 line");
    for col in 2..=4 {
        assert_eq!(line.get(col).text(), "<5", "csv column {col}");
    }
    for r in t.rows.iter().filter(|r| r.get(0).text() == "C1").skip(1) {
        assert_eq!(r.get(3).text(), "<5", "csv part {:?}", r.get(1).text());
    }
    let xlsx = app
        .download_ok(&token, "/api/v1/reports/108/2019/export?format=xlsx")
        .await;
    let sheets = read_xlsx(&xlsx).expect("xlsx");
    for sheet in ["Chỉ tiêu", "Phân tổ"] {
        let rows: Vec<_> = sheets
            .iter()
            .find(|s| s.name == sheet)
            .expect("sheet")
            .rows
            .iter()
            .filter(|r| r.get(0).text() == "C1")
            .collect();
        assert!(!rows.is_empty(), "{sheet}");
        for r in rows {
            let cols = if sheet == "Chỉ tiêu" { 2..=4 } else { 3..=3 };
            for col in cols {
                assert_eq!(r.get(col).text(), "<5", "{sheet} column {col}");
            }
        }
    }
    let xml = app
        .docx_xml(&token, "/api/v1/reports/108/2019/export?format=docx")
        .await;
    let row = xml
        .split("</w:tr>")
        .find(|r| r.contains(">C1<"))
        .expect("the C1 row of the .docx");
    assert_eq!(row.matches("&lt;5").count(), 3, "{row}");
}
db_test!(c1_of_a_few_children_is_hidden_in_every_view);

async fn c1_hides_the_same_parts_in_every_view(app: TestApp) {
    // Tam Đường (106): six children in 2019, three aged 6–10 and three
    // 11–15, three girls and three boys, all of one ethnic group.
    crate::dashboard::consultation_with(&app, "106", None, "TD2019X", 6).await;
    let token = app.token("coordinator").await;
    let list = app.indicators(&token, "106", 2019).await.expect_status(200);
    let c1 = item(&list, "code", "C1").clone();
    assert_eq!(c1["suppressed"], false);
    assert_eq!(c1["numerator"], 6);
    let api: Vec<(String, Option<i64>)> = c1["breakdown"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| {
            (
                p["key"].as_str().expect("key").to_string(),
                p["value"].as_i64(),
            )
        })
        .collect();
    let hidden = api.iter().filter(|(_, v)| v.is_none()).count();
    assert_eq!(hidden, 4, "3 | 3 twice: {api:?}");
    assert!(
        api.iter()
            .any(|(k, v)| k.starts_with("ethnic.") && *v == Some(6))
    );
    let as_text = |v: &Option<i64>| v.map_or("<5".to_string(), |n| n.to_string());

    // The report's CSV and workbook: the same parts, the same "<5".
    let csv = app
        .download_ok(&token, "/api/v1/reports/106/2019/export?format=csv")
        .await;
    let t = read_csv(&csv).expect("csv");
    let xlsx = app
        .download_ok(&token, "/api/v1/reports/106/2019/export?format=xlsx")
        .await;
    let sheets = read_xlsx(&xlsx).expect("xlsx");
    let parts = &sheets
        .iter()
        .find(|s| s.name == "Phân tổ")
        .expect("sheet")
        .rows;
    for (key, v) in &api {
        let line = t
            .rows
            .iter()
            .find(|r| r.get(0).text() == "C1" && r.get(1).text() == *key)
            .unwrap_or_else(|| panic!("csv part {key}"));
        assert_eq!(line.get(3).text(), as_text(v), "csv {key}");
        let row = parts
            .iter()
            .find(|r| r.get(0).text() == "C1" && r.get(1).text() == *key)
            .unwrap_or_else(|| panic!("xlsx part {key}"));
        assert_eq!(row.get(3).text(), as_text(v), "xlsx {key}");
    }
    // The dashboard's card: as many "<5" as the API has hidden parts.
    let c = app.login("coordinator").await;
    let (_, html) = app.get(&c, "/dashboard?unit=106&year=2019").await;
    let card = c1_card(&html);
    assert_eq!(card.matches("&#60;5").count(), hidden, "{card}");
}
db_test!(c1_hides_the_same_parts_in_every_view);

/// The C1 card of a dashboard page: its HTML up to the next card.
fn c1_card(html: &str) -> &str {
    html.split("id=\"card-C1\"")
        .nth(1)
        .expect("a C1 card")
        .split("id=\"card-")
        .next()
        .unwrap_or("")
}
