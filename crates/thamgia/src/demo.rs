//! The demo data set: the Lai Châu 2016–2020 plan and one account per role,
//! with sensible scopes. Later features add their own demo records here.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use thamgia_domain::access::{Actor, Scope};
use thamgia_store::Db;
use thamgia_store::units::ImportCounts;
use thamgia_web::accounts::{self, UserInput};

/// The password of every demo account (printed by `thamgia demo`).
pub const DEMO_PASSWORD: &str = "laichau2016";

/// A Tam Đường school for the demo facilitator. Schools have no official
/// statistics code, so the demo gives them the district code and a suffix.
pub const DEMO_SCHOOL: &str = "106-THCS-BANBO";

pub struct DemoAccount {
    pub username: &'static str,
    pub role: &'static str,
    pub unit: &'static str,
    pub agency: Option<&'static str>,
    pub display_name: &'static str,
}

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        role: "admin",
        unit: "12",
        agency: None,
        display_name: "Quản trị hệ thống",
    },
    DemoAccount {
        username: "coordinator",
        role: "coordinator",
        unit: "12",
        agency: Some("SLDTBXH"),
        display_name: "Nguyễn Thị Hoa (Sở LĐTB&XH)",
    },
    DemoAccount {
        username: "district106",
        role: "district_officer",
        unit: "106",
        agency: Some("PLDTBXH-106"),
        display_name: "Lò Văn Minh (Tam Đường)",
    },
    DemoAccount {
        username: "agency106",
        role: "agency_officer",
        unit: "106",
        agency: Some("PGDDT-106"),
        display_name: "Vàng Thị Mai (Phòng GD&ĐT Tam Đường)",
    },
    DemoAccount {
        username: "facilitator106",
        role: "facilitator",
        unit: DEMO_SCHOOL,
        agency: None,
        display_name: "Tẩn Văn Páo (THCS Bản Bo)",
    },
    DemoAccount {
        username: "district108",
        role: "district_officer",
        unit: "108",
        agency: Some("PLDTBXH-108"),
        display_name: "Giàng Thị Dợ (Sìn Hồ)",
    },
    DemoAccount {
        username: "agency108",
        role: "agency_officer",
        unit: "108",
        agency: Some("PGDDT-108"),
        display_name: "Lý Văn Sơn (Phòng GD&ĐT Sìn Hồ)",
    },
    DemoAccount {
        username: "viewer",
        role: "viewer",
        unit: "12",
        agency: None,
        display_name: "Lãnh đạo UBND tỉnh",
    },
];

/// Fills an empty database. Returns `false` (and changes nothing) when the
/// database already holds data.
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<bool> {
    if !db.is_empty().await? {
        return Ok(false);
    }
    let actor = Actor::system("demo");
    let plan = thamgia_domain::plan::check(crate::LAI_CHAU_PLAN)
        .map_err(|e| anyhow!("the shipped plan does not check: {}", e[0]))?;
    thamgia_store::plans::import(&db.conn, &actor, now, &plan, crate::LAI_CHAU_PLAN).await?;
    thamgia_store::units::create(
        &db.conn,
        &actor,
        now,
        thamgia_store::units::NewUnit {
            code: DEMO_SCHOOL.into(),
            name_vi: "Trường PTDTBT THCS Bản Bo".into(),
            name_en: "Bản Bo ethnic boarding lower secondary school".into(),
            level: "school".into(),
            parent_code: "106".into(),
            valid_from: None,
        },
    )
    .await?;
    create_accounts(&db.conn, &actor, now, ACCOUNTS)
        .await
        .context("creating demo accounts")?;
    crate::demo_review::fill(db, now).await?;
    Ok(true)
}

/// Creates the demo accounts, each with the demo password.
pub async fn create_accounts(
    c: &thamgia_store::sea_orm::DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    list: &[DemoAccount],
) -> anyhow::Result<()> {
    for a in list {
        accounts::create(
            c,
            actor,
            &Scope::everything(),
            now,
            UserInput {
                username: a.username.into(),
                display_name: a.display_name.into(),
                role: a.role.into(),
                unit: a.unit.into(),
                agency: a.agency.map(str::to_string),
                password: DEMO_PASSWORD.into(),
            },
        )
        .await
        .map_err(|e| anyhow!("demo account {}: {e:?}", a.username))?;
    }
    Ok(())
}

/// Loads Lai Châu's real units (`plans/units/`): the 106 communes under their
/// districts until 30/6/2025, then the 38 commune-level units from 1/7/2025
/// with their predecessors. The demo runs it after its records, which stay
/// on the units they were made on; loading twice changes nothing.
pub async fn load_units(db: &Db, now: DateTime<Utc>) -> anyhow::Result<[ImportCounts; 2]> {
    let actor = Actor::system("demo");
    let mut out = [ImportCounts::default(); 2];
    for (i, (name, file)) in [
        (
            "communes-lai-chau-2015-2025.csv",
            crate::units_import::COMMUNES_2015_2025,
        ),
        ("units-lai-chau-2025.csv", crate::units_import::UNITS_2025),
    ]
    .into_iter()
    .enumerate()
    {
        out[i] = crate::units_import::load(db, file.as_bytes(), &actor, now)
            .await?
            .map_err(|e| anyhow!("{name}: {}", e[0]))?;
    }
    crate::demo_population::fill(db, now).await?;
    Ok(out)
}
