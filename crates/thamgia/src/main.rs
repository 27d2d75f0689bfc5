//! `thamgia`: one binary that serves Thamgia and administers its database.
//! Configuration comes from flags, then environment variables, then defaults.

mod report_export;
mod review_export;

use anyhow::{Context, anyhow};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;
use thamgia_domain::access::{Actor, Scope};
use thamgia_store::Db;
use thamgia_web::Config;

#[derive(Parser)]
#[command(
    name = "thamgia",
    version,
    about = "Thamgia: children's participation, planned, consulted, answered and reported"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// Database URL: sqlite://FILE (created if missing) or postgres://…
    #[arg(
        long,
        env = "THAMGIA_DATABASE_URL",
        default_value = "sqlite://thamgia.db",
        global = true
    )]
    database_url: String,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "THAMGIA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "THAMGIA_SECURE_COOKIES", default_value_t = false)]
    secure_cookies: bool,
    /// Reverse proxies (CIDR,...) whose X-Forwarded-For / Forwarded header
    /// names the client; from any other peer those headers are ignored.
    #[arg(long, env = "THAMGIA_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<thamgia_web::client_addr::Cidr>,
    /// Children's answers stored per minute from one client address.
    #[arg(
        long,
        env = "THAMGIA_CHILD_PER_CLIENT_PER_MINUTE",
        default_value_t = 300
    )]
    child_per_client_per_minute: u32,
    /// Children's answers stored per minute for one join code.
    #[arg(long, env = "THAMGIA_CHILD_PER_CODE_PER_MINUTE", default_value_t = 600)]
    child_per_code_per_minute: u32,
    /// Failed sign-ins of one account (from anywhere) before it is refused
    /// for the rest of the window.
    #[arg(long, env = "THAMGIA_SIGNIN_FAILURES_PER_ACCOUNT", default_value_t = 5)]
    signin_failures_per_account: u64,
    /// The sign-in throttle's sliding window, in minutes.
    #[arg(long, env = "THAMGIA_SIGNIN_WINDOW_MINUTES", default_value_t = 15)]
    signin_window_minutes: i64,
    /// Days after a consultation closes during which answers made while it
    /// was open (offline, on a facilitator's device) are still accepted.
    #[arg(long, env = "THAMGIA_LATE_SYNC_DAYS", default_value_t = 14)]
    late_sync_days: i64,
    /// The SMTP server reminders are mailed through: smtp://host:port
    /// (plain; add ?tls=required for STARTTLS) or smtps://user:pass@host.
    /// Without it reminders are recorded and shown, not mailed.
    #[arg(long, env = "THAMGIA_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender of reminder mails.
    #[arg(
        long,
        env = "THAMGIA_MAIL_FROM",
        default_value = "Thamgia <no-reply@thamgia.invalid>"
    )]
    mail_from: String,
    /// Remind automatically, from the top unit, of what is this many days
    /// past its due date (once per item; checked every hour). Off by default.
    #[arg(long, env = "THAMGIA_AUTO_REMIND_AFTER_DAYS")]
    auto_remind_after_days: Option<u32>,
    /// Remind automatically, from the top unit, of what falls due within
    /// this many days and is not overdue yet (once per item and due date,
    /// apart from the reminder after it; checked every hour). Off by default.
    #[arg(long, env = "THAMGIA_AUTO_REMIND_BEFORE_DAYS")]
    auto_remind_before_days: Option<u32>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (runs pending migrations first).
    Serve(ServeArgs),
    /// As `serve`, after filling an empty database with the Lai Châu plan and demo accounts.
    Demo(ServeArgs),
    /// Bring the database schema up to date and exit.
    Migrate(DbArgs),
    /// Check or import a plan file.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Load administrative units (communes, wards, their periods and predecessors).
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Export annual reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Export period reviews (sơ kết, tổng kết).
    Review {
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// Write a consistent copy of the database to FILE while the server runs
    /// (SQLite: a database file; PostgreSQL: a pg_dump archive for pg_restore).
    Backup {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Write a unit's annual report for a year (.xlsx, .docx under Decree 30/2020, or CSV);
    /// a submitted or approved report with its frozen figures. Exit 1 for an unknown unit.
    Export {
        /// Official code of the unit (12 for the province).
        #[arg(long)]
        unit: String,
        /// The report's year, four digits.
        #[arg(long)]
        year: String,
        #[command(flatten)]
        out: FileOut,
    },
}

/// The file an export writes, and the database it reads.
#[derive(clap::Args)]
struct FileOut {
    /// docx | xlsx | csv
    #[arg(long)]
    format: String,
    /// The file to write.
    #[arg(long)]
    output: std::path::PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Subcommand)]
enum ReviewCommand {
    /// Write a unit's review over a span of its plan (.docx under Decree
    /// 30/2020, .xlsx or CSV). Exit 1 for an unknown unit or a refused span.
    Export {
        /// Official code of the unit (12 for the province).
        #[arg(long)]
        unit: String,
        /// The span's first and last years, four digits.
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[command(flatten)]
        out: FileOut,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Validate a plan file; errors name the line and field; exit 1 on any error.
    Check { file: std::path::PathBuf },
    /// Check and load a plan file; nothing is loaded when anything is wrong.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UnitsCommand {
    /// Load a units file (.csv or .xlsx; columns code, name_vi, parent_code and
    /// optionally name_en, kind, level, valid_from, valid_to, predecessor_communes,
    /// predecessor_districts): all rows or none, errors name the row and column,
    /// loading the same file again changes nothing.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from the first line of stdin.
    Add {
        #[arg(long)]
        username: String,
        /// admin | coordinator | district_officer | agency_officer | facilitator | viewer
        #[arg(long)]
        role: String,
        /// Official code of the unit whose subtree the role covers.
        #[arg(long)]
        unit: String,
        /// Agency code (required for agency_officer).
        #[arg(long)]
        agency: Option<String>,
        /// Full name shown on pages.
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from stdin (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token for `Authorization: Bearer`, alone on the last line.
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("THAMGIA_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("THAMGIA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db: &DbArgs) -> anyhow::Result<Db> {
    let d = Db::connect(&db.database_url)
        .await
        .with_context(|| "cannot open the database")?;
    d.migrate().await.context("cannot migrate the database")?;
    Ok(d)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let now = chrono::Utc::now();
    match cli.command {
        Command::Serve(a) => serve(a, false).await,
        Command::Demo(a) => serve(a, true).await,
        Command::Backup { file, db } => {
            thamgia::backup::run(&db.database_url, &file).await?;
            println!("backup written to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(db) => {
            open(&db).await?;
            println!("database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan {
            command: PlanCommand::Check { file },
        } => {
            let (_, ok) = check_file(&file)?;
            Ok(if ok.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Plan {
            command: PlanCommand::Import { file, db },
        } => {
            let (source, plan) = check_file(&file)?;
            let Some(plan) = plan else {
                eprintln!("nothing imported");
                return Ok(ExitCode::FAILURE);
            };
            let d = open(&db).await?;
            let outcome =
                thamgia_store::plans::import(&d.conn, &Actor::system("cli"), now, &plan, &source)
                    .await?;
            match outcome {
                thamgia_store::plans::ImportOutcome::Imported { version, .. } => {
                    println!("imported {} version {version}", plan.header.code)
                }
                thamgia_store::plans::ImportOutcome::Unchanged { version, .. } => {
                    println!(
                        "unchanged: {} version {version} already holds this content",
                        plan.header.code
                    )
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Units {
            command: UnitsCommand::Import { file, db },
        } => {
            let d = open(&db).await?;
            thamgia::units_import::run(&d, &file, now).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    unit,
                    agency,
                    display_name,
                    password_stdin: _,
                    db,
                },
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let d = open(&db).await?;
            let input = thamgia_web::accounts::UserInput {
                username,
                display_name,
                role,
                unit,
                agency,
                password,
            };
            match thamgia_web::accounts::create(
                &d.conn,
                &Actor::system("cli"),
                &Scope::everything(),
                now,
                input,
            )
            .await
            {
                Ok(u) => {
                    println!("created {} ({})", u.username, u.role);
                    Ok(ExitCode::SUCCESS)
                }
                Err(thamgia_web::error::AppError::Invalid { fields, .. }) => {
                    for (f, code) in fields {
                        eprintln!("error: {f}: {code}");
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(thamgia_web::error::AppError::Conflict { field }) => {
                    eprintln!("error: {field}: taken");
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(anyhow!("{e}")),
            }
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    username,
                    label,
                    db,
                },
        } => {
            let d = open(&db).await?;
            let u = thamgia_store::users::by_username(&d.conn, &username)
                .await?
                .ok_or_else(|| anyhow!("no account named {username}"))?;
            let token = format!("tg_{}", thamgia_web::auth::random_token());
            thamgia_store::users::create_token(
                &d.conn,
                &Actor::system("cli"),
                now,
                u.id,
                &token,
                &label,
            )
            .await?;
            println!("API token for {username} (shown once; store it safely):");
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            command: ReportCommand::Export { unit, year, out },
        } => {
            let d = open(&out.db).await?;
            report_export::run(&d, &unit, &year, &out.format, &out.output, now.date_naive()).await
        }
        Command::Review {
            command:
                ReviewCommand::Export {
                    unit,
                    from,
                    to,
                    out,
                },
        } => {
            let d = open(&out.db).await?;
            let span = thamgia_web::report_files::SpanInput { unit, from, to };
            review_export::run(&d, span, &out.format, &out.output, now.date_naive()).await
        }
    }
}

/// Reads and checks a plan file, printing every error as `FILE:LINE: field: code: message`.
fn check_file(
    file: &std::path::Path,
) -> anyhow::Result<(String, Option<thamgia_domain::plan::Plan>)> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    match thamgia_domain::plan::check(&source) {
        Ok(plan) => {
            println!(
                "ok: {} — {} units, {} agencies, {} indicators, {} projects and models",
                plan.header.code,
                plan.units.len(),
                plan.agencies.len(),
                plan.indicators.len(),
                plan.projects.len()
            );
            Ok((source, Some(plan)))
        }
        Err(errors) => {
            for e in &errors {
                eprintln!(
                    "{}:{}: {}: {}: {}",
                    file.display(),
                    e.line,
                    e.field,
                    e.code,
                    e.message
                );
            }
            eprintln!("{} error(s) in {}", errors.len(), file.display());
            Ok((source, None))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

async fn serve(a: ServeArgs, demo: bool) -> anyhow::Result<ExitCode> {
    let config = Config {
        listen: a.listen.clone(),
        database_url: a.db.database_url.clone(),
        secure_cookies: a.secure_cookies,
        trusted_proxies: a.trusted_proxies.clone(),
        child_per_client_per_minute: a.child_per_client_per_minute,
        child_per_code_per_minute: a.child_per_code_per_minute,
        signin_failures_per_account: a.signin_failures_per_account,
        signin_window_minutes: a.signin_window_minutes,
        late_sync_days: a.late_sync_days,
        smtp_url: a.smtp_url.clone(),
        mail_from: a.mail_from.clone(),
        auto_remind_after_days: a.auto_remind_after_days.map(i64::from),
        auto_remind_before_days: a.auto_remind_before_days.map(i64::from),
        ..Config::default()
    };
    let app = thamgia_web::build(config).await?;
    if demo {
        let filled = thamgia::demo::fill(&app.state.db, chrono::Utc::now()).await?;
        if filled {
            let started = std::time::Instant::now();
            let v = thamgia::demo_voice::fill(&app.state.db, chrono::Utc::now(), 2016).await?;
            tracing::info!(
                matters = v.matters,
                consultations = v.consultations,
                responses = v.responses,
                secs = started.elapsed().as_secs(),
                "demo records for children's voice"
            );
            let f = thamgia::demo_forums::fill(&app.state.db, chrono::Utc::now(), 2019).await?;
            tracing::info!(
                forums = f.forums,
                recommendations = f.recommendations,
                "demo forums"
            );
            let k = thamgia::demo_councils::fill(&app.state.db, chrono::Utc::now(), 2018).await?;
            tracing::info!(
                councils = k.councils,
                clubs = k.clubs,
                dialogues = k.dialogues,
                "demo councils and clubs"
            );
            let started = std::time::Instant::now();
            let a = thamgia::demo_activities::fill(&app.state.db, chrono::Utc::now(), 2020).await?;
            tracing::info!(
                activities = a.activities,
                spendings = a.spendings,
                budget_lines = a.budget_lines,
                overspent = a.overspent,
                secs = started.elapsed().as_secs(),
                "demo activities and money"
            );
            let pl = thamgia::demo_plans::fill(&app.state.db, chrono::Utc::now(), 2021).await?;
            tracing::info!(
                plans = pl.plans,
                items = pl.items,
                linked = pl.linked,
                "demo annual activity plans"
            );
            let r = thamgia::demo_reports::fill(&app.state.db, chrono::Utc::now()).await?;
            tracing::info!(
                reports = r.reports,
                approved = r.approved,
                "demo annual reports"
            );
            let a = thamgia::demo_agency_reports::fill(&app.state.db, chrono::Utc::now()).await?;
            tracing::info!(
                reports = a.reports,
                approved = a.approved,
                "demo agency reports"
            );
            let [old, new] = thamgia::demo::load_units(&app.state.db, chrono::Utc::now()).await?;
            tracing::info!(
                communes_until_2025 = old.created + old.unchanged,
                communes_since_2025 = new.created + new.unchanged,
                successions = old.successions + new.successions,
                "Lai Châu's units"
            );
            let started = std::time::Instant::now();
            if let Some(n) = thamgia::demo_recent::fill(&app.state.db, chrono::Utc::now()).await? {
                tracing::info!(
                    commune_agencies = n.agencies,
                    matters = n.matters,
                    consultations = n.consultations,
                    responses = n.responses,
                    forums = n.forums,
                    dialogues = n.dialogues,
                    clubs = n.clubs,
                    club_members = n.club_members,
                    annual_plans = n.annual_plans,
                    reports = n.reports,
                    secs = started.elapsed().as_secs(),
                    "demo records of 2021–2026 (the 2021–2030 plan)"
                );
            }
            let code = thamgia::demo_voice::fill_open_at(
                &app.state.db,
                chrono::Utc::now(),
                thamgia::demo_recent::COMMUNE_SCHOOL,
            )
            .await?;
            tracing::info!(code, "demo consultation open for children");
            let n = thamgia::demo_inspections::fill(&app.state.db, chrono::Utc::now()).await?;
            tracing::info!(inspections = n, "demo inspections of 2019");
            let n = thamgia::demo_reminders::fill(&app.state.db, chrono::Utc::now()).await?;
            tracing::info!(reminders = n, "demo reminders from the coordinator");
            thamgia_web::mail::deliver_later(&app.state);
        }
        println!();
        println!(
            "Thamgia demo — {}",
            if filled {
                "database filled with the Lai Châu 2016–2020 and 2021–2030 plans and demo accounts"
            } else {
                "database already had data; left as it was"
            }
        );
        println!("Open http://{}/", app.addr);
        println!(
            "A child's page, open to answers: http://{}/c/{}",
            app.addr,
            thamgia::demo_voice::OPEN_CODE
        );
        println!(
            "Demo accounts (password: {}):",
            thamgia::demo::DEMO_PASSWORD
        );
        for acc in thamgia::demo::ACCOUNTS
            .iter()
            .chain(thamgia::demo_recent::ACCOUNTS)
        {
            println!("  {:<16} {:<17} unit {}", acc.username, acc.role, acc.unit);
        }
        println!(
            "Children join at http://{}/c with the code {} (open now; {} is still a draft)",
            app.addr,
            thamgia::demo_voice::OPEN_CODE,
            thamgia::demo_voice::DRAFT_CODE
        );
        println!();
    } else {
        println!("Thamgia listening on http://{}/", app.addr);
    }
    tracing::info!(addr = %app.addr, "listening");
    app.serve(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
