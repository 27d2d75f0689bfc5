//! Benchmark: concurrent writers over HTTP (bench/concurrency.md).
//!
//! A real server (the same router as `thamgia serve`, in this process) over a
//! fresh database with the demo data; N clients, each with its own API token,
//! create matters through `POST /api/v1/matters` as fast as answers come back.
//! Every request must succeed: an error is printed and fails the run. Prints a
//! table row per client count and ends with `concurrency DATABASE VALUE`, the
//! writes per second with the most clients.
//!
//! `concurrency_bench [--full] [POSTGRES_ADMIN_URL]`: quick (1, 4, 16 clients,
//! 10 writes each) by default; `--full` is the recorded size (1, 4, 16, 64
//! clients, 50 writes each). PostgreSQL runs when an admin URL is given (a
//! database is created and dropped beside it).

use chrono::Utc;
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::time::Instant;
use thamgia_domain::access::Actor;
use thamgia_store::{Db, users};

async fn run(name: &str, url: &str, clients: &[usize], writes: usize) -> anyhow::Result<f64> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let now = Utc::now();
    thamgia::demo::fill(&db, now).await?;
    let config = thamgia_web::Config {
        listen: "127.0.0.1:0".into(),
        database_url: url.to_string(),
        ..Default::default()
    };
    let app = thamgia_web::build_with(
        config,
        db.clone(),
        Arc::new(thamgia_web::clock::SystemClock),
    )
    .await?;
    let base = format!("http://{}", app.addr);
    tokio::spawn(app.serve(std::future::pending()));
    let user = users::by_username(&db.conn, "district106")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo user district106"))?;
    let max = clients.iter().copied().max().unwrap_or(1);
    let mut tokens = Vec::new();
    for _ in 0..max {
        let t = format!("tg_{}", uuid::Uuid::new_v4().simple());
        users::create_token(&db.conn, &Actor::system("bench"), now, user.id, &t, "bench").await?;
        tokens.push(t);
    }
    println!("\n{name}: {writes} writes per client");
    println!("| clients | writes | errors | seconds | writes/s | slowest write (ms) |");
    println!("|---|---|---|---|---|---|");
    let (mut first, mut last) = (None, 0.0);
    for &n in clients {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (w, token) in tokens.iter().take(n).cloned().enumerate() {
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let c = reqwest::Client::new();
                let (mut errors, mut slowest) = (0usize, 0f64);
                for i in 0..writes {
                    let t = Instant::now();
                    let r = c
                        .post(format!("{base}/api/v1/matters"))
                        .bearer_auth(&token)
                        .json(&serde_json::json!({"kind": "school_decision",
                            "title": format!("Đo {n}-{w}-{i}"), "owner_agency": "PGDDT-106",
                            "unit": "106-THCS-BANBO", "stage": "drafting"}))
                        .send()
                        .await;
                    slowest = slowest.max(t.elapsed().as_secs_f64() * 1000.0);
                    match r {
                        Ok(r) if r.status().as_u16() == 201 => {}
                        Ok(r) => {
                            errors += 1;
                            eprintln!("{}: {}", r.status(), r.text().await.unwrap_or_default());
                        }
                        Err(e) => {
                            errors += 1;
                            eprintln!("{e}");
                        }
                    }
                }
                (errors, slowest)
            }));
        }
        let (mut errors, mut slowest) = (0, 0f64);
        for t in tasks {
            let (e, s) = t.await?;
            errors += e;
            slowest = slowest.max(s);
        }
        let secs = started.elapsed().as_secs_f64();
        let total = n * writes;
        last = total as f64 / secs;
        first.get_or_insert(last);
        println!("| {n} | {total} | {errors} | {secs:.2} | {last:.0} | {slowest:.0} |");
        if errors > 0 {
            anyhow::bail!("{name}: {errors} of {total} writes failed with {n} clients");
        }
    }
    db.conn.close_by_ref().await.ok();
    // The same run's single client is the baseline: below 1, concurrent
    // writers would get less done together than one writer alone.
    Ok(last / first.unwrap_or(last).max(f64::EPSILON))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full");
    let (clients, writes): (&[usize], usize) = if full {
        (&[1, 4, 16, 64], 50)
    } else {
        (&[1, 4, 16], 10)
    };
    let dir = std::env::temp_dir().join(format!("thamgia-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = run(
        "SQLite",
        &format!("sqlite://{}/bench.db", dir.display()),
        clients,
        writes,
    )
    .await;
    std::fs::remove_dir_all(&dir).ok();
    let mut lines = vec![format!("concurrency sqlite {:.2}", sqlite?)];
    if let Some(admin_url) = args.iter().find(|a| a.starts_with("postgres")) {
        let name = format!("tg_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Db::connect(admin_url).await?;
        admin
            .conn
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .ok_or_else(|| anyhow::anyhow!("the URL names no database"))?;
        let pg = run("PostgreSQL", &format!("{base}/{name}"), clients, writes).await;
        admin
            .conn
            .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .await?;
        lines.push(format!("concurrency postgresql {:.2}", pg?));
    }
    println!();
    for l in lines {
        println!("{l}");
    }
    Ok(())
}
