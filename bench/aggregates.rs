//! Benchmark of the maintained aggregates (`bench/aggregates.md`): fills a
//! database with the demo data plus N extra children's responses, then times
//! the inputs of `C1`, `A1`–`A3` and the funding totals read from the
//! aggregates against their recomputation from the raw records, the whole
//! `engine::figures`, and a response written through the write path (which
//! now also updates the aggregates).
//!
//! ```sh
//! cargo run --release -p thamgia --example aggregates_bench -- 200000
//! cargo run --release -p thamgia --example aggregates_bench -- 200000 postgres://postgres@127.0.0.1:5432/bench
//! ```
//!
//! The second argument, a PostgreSQL URL, must name an empty database (it is
//! filled, not dropped); without it a temporary SQLite file is used.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait, QueryFilter};
use std::time::Instant;
use thamgia_domain::voice::{Age, Profile, Sex, Source};
use thamgia_store::entity::{club, club_member, consultation, person, response, unit};
use thamgia_store::responses::{self, Submission};
use thamgia_store::{Db, aggregates, engine};

const YEAR: i32 = 2019;
/// The year of the 2021–2030 plan whose figures are timed (its `CT24` is a
/// `children_in_models` share).
const RECENT: i32 = 2024;
/// Extra children put on club rosters in bulk before the 2021–2030 figures
/// are timed.
const MEMBERS: usize = 20_000;
const ROUNDS: u32 = 20;

/// Median of `ROUNDS` runs of `f`, in milliseconds.
async fn time<F, Fut, T>(mut f: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = thamgia_store::Result<T>>,
{
    let mut v = vec![];
    for _ in 0..ROUNDS {
        let t = Instant::now();
        f().await?;
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    v.sort_by(f64::total_cmp);
    Ok(v[v.len() / 2])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(100_000), |s| s.parse())?;
    let dir = std::env::temp_dir().join(format!("thamgia-bench-{}", uuid::Uuid::new_v4().simple()));
    let url = match args.next() {
        Some(u) => u,
        None => {
            std::fs::create_dir_all(&dir)?;
            format!("sqlite://{}/bench.db", dir.display())
        }
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 29, 8, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("time"))?;
    thamgia::demo::fill(&db, now).await?;
    thamgia::demo_voice::fill(&db, now, 2016).await?;
    thamgia::demo_forums::fill(&db, now, 2019).await?;
    thamgia::demo_councils::fill(&db, now, 2018).await?;
    thamgia::demo_activities::fill(&db, now, 2020).await?;
    let c = &db.conn;
    let consultations = consultation::Entity::find().all(c).await?;
    let start = Utc
        .with_ymd_and_hms(YEAR, 1, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("time"))?;

    // N responses in bulk, then the aggregates filled again from the raw rows
    // (the migration's own statements).
    let t = Instant::now();
    for (b, chunk) in (0..n).collect::<Vec<_>>().chunks(1_000).enumerate() {
        let tx = thamgia_store::begin_write(c).await?;
        let rows = chunk.iter().map(|i| {
            let k = &consultations[i % consultations.len()];
            response::ActiveModel {
                consultation_id: Set(k.id),
                submission_id: Set(format!("bench-{b}-{i}")),
                content_hash: Set(String::new()),
                source: Set("online".into()),
                age: Set(Some(6 + (*i % 10) as i32)),
                sex: Set(Some(["girl", "boy"][i % 2].into())),
                ethnic: Set(Some(format!("{:02}", 1 + i % 12))),
                disability: Set(None),
                unit_id: Set(None),
                entered_by: Set(None),
                created_at: Set(start + Duration::minutes((*i % 500_000) as i64)),
                ..Default::default()
            }
        });
        response::Entity::insert_many(rows).exec(&tx).await?;
        tx.commit().await?;
    }
    let fill = t.elapsed().as_secs_f64();
    let t = Instant::now();
    aggregates::rebuild(c).await?;
    let rebuild = t.elapsed().as_secs_f64();

    let province = unit::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .find(|u| u.parent_id.is_none())
        .ok_or_else(|| anyhow::anyhow!("no province"))?;
    let path = province.path.clone();
    let ids: Vec<i32> = unit::Entity::find()
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let total: u64 = engine::children_counts(c, &province, YEAR).await?.total;
    assert_eq!(
        aggregates::subtotals(c, &path, YEAR).await?,
        aggregates::recompute(c, &path, YEAR).await?
    );

    let c1_agg = time(|| engine::children_counts(c, &province, YEAR)).await?;
    let c1_raw = time(|| engine::recompute_children_counts(c, &province, YEAR)).await?;
    let all_agg = time(|| aggregates::subtotals(c, &path, YEAR)).await?;
    let all_raw = time(|| aggregates::recompute(c, &path, YEAR)).await?;
    let money_agg = time(|| aggregates::money(c, &ids, None)).await?;
    let money_raw = time(|| aggregates::recompute_money(c, &ids, None)).await?;
    let matters_agg = time(|| aggregates::matters(c, &path, YEAR)).await?;
    let matters_raw = time(|| aggregates::recompute_matters(c, &ids, YEAR)).await?;
    let models_agg = time(|| aggregates::models(c, &path, YEAR)).await?;
    let models_raw = time(|| aggregates::recompute_models(c, &ids, YEAR)).await?;
    let figures = time(|| engine::figures(c, &province, YEAR, now.date_naive())).await?;

    // Writes through the write path (response + aggregate, one transaction).
    let k = &consultations[0];
    let writes = 200;
    let t = Instant::now();
    for i in 0..writes {
        responses::submit(
            c,
            start,
            Submission {
                consultation_id: k.id,
                submission_id: format!("bench-write-{i}"),
                content_hash: String::new(),
                source: Source::Online,
                profile: Profile {
                    age: Age::parse(9),
                    sex: Some(Sex::Girl),
                    ethnic: Some("03".into()),
                    disability: None,
                    unit: None,
                },
                profile_unit_id: None,
                answers: vec![],
                entered_by: None,
            },
        )
        .await?;
    }
    let write_ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(writes);

    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!("backend {backend}; {n} extra responses; C1 {YEAR} province = {total}");
    println!("fill {fill:.1} s; aggregates::rebuild {rebuild:.2} s");
    println!("median of {ROUNDS} runs, province subtree, year {YEAR}:");
    println!("| what | aggregates (ms) | recomputation (ms) | ratio |");
    println!("|---|---|---|---|");
    for (what, a, r) in [
        ("C1 (children_counts)", c1_agg, c1_raw),
        (
            "everything maintained, C1 to T4 (subtotals)",
            all_agg,
            all_raw,
        ),
        ("funding cells, all years (money)", money_agg, money_raw),
        (
            "T1–T3 matters and consulted (matters)",
            matters_agg,
            matters_raw,
        ),
        (
            "M1–M3, T4 forums, dialogues, clubs (models)",
            models_agg,
            models_raw,
        ),
    ] {
        println!("| {what} | {a:.2} | {r:.2} | {:.0}× |", r / a.max(0.001));
    }
    println!("engine::figures (every figure, from aggregates): {figures:.2} ms");
    println!("responses::submit with its aggregate update: {write_ms:.2} ms per response");

    // The 2021–2030 plan (children_in_models among its measures) over the
    // units of 2025 and the 2021–2026 records, with MEMBERS extra children on
    // the rosters of the clubs (joined over 2019–2025, half of them left a
    // year later), filled in bulk and counted in with `aggregates::rebuild`.
    thamgia::demo::load_units(&db, now).await?;
    thamgia::demo_recent::fill(&db, now).await?;
    let clubs = club::Entity::find().all(c).await?;
    for (b, chunk) in (0..MEMBERS).collect::<Vec<_>>().chunks(1_000).enumerate() {
        let tx = thamgia_store::begin_write(c).await?;
        let people = chunk.iter().map(|i| person::ActiveModel {
            full_name: Set(format!("Bench {b}-{i}")),
            birth_date: NaiveDate::from_ymd_opt(2008 + (*i % 12) as i32, 1 + (*i % 12) as u32, 1)
                .map(|d| Set(Some(d)))
                .unwrap_or(Set(None)),
            unit_id: Set(clubs[i % clubs.len()].unit_id),
            created_at: Set(now),
            ..Default::default()
        });
        person::Entity::insert_many(people).exec(&tx).await?;
        let made = person::Entity::find()
            .filter(sea_orm::ColumnTrait::like(
                &person::Column::FullName,
                format!("Bench {b}-%"),
            ))
            .all(&tx)
            .await?;
        let members = made.iter().enumerate().map(|(i, p)| {
            let joined = NaiveDate::from_ymd_opt(2019 + (i % 7) as i32, 9, 5).expect("date");
            club_member::ActiveModel {
                club_id: Set(clubs[(i * 7 + b) % clubs.len()].id),
                person_id: Set(p.id),
                is_leader: Set(false),
                joined_on: Set(joined),
                left_on: Set((i % 2 == 0)
                    .then(|| NaiveDate::from_ymd_opt(joined.year() + 1, 6, 1).expect("date"))),
                ..Default::default()
            }
        });
        club_member::Entity::insert_many(members).exec(&tx).await?;
        tx.commit().await?;
    }
    aggregates::rebuild(c).await?;
    let in_models = engine::children_in_models(c, &province, RECENT, 11, 15).await?;
    let in_models_ms = time(|| engine::children_in_models(c, &province, RECENT, 11, 15)).await?;
    let recent = time(|| engine::figures(c, &province, RECENT, now.date_naive())).await?;
    println!(
        "2021–2030 plan, province, {RECENT}, {MEMBERS} extra club members: \
         children_in_models 11–15 = {in_models}"
    );
    println!("engine::children_in_models (11–15): {in_models_ms:.2} ms");
    println!("engine::figures (2021–2030 plan, every figure): {recent:.2} ms");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
