//! Demo agency reports (every agency reports, issue 16): the yearly reports
//! of the departments, unions and district offices to the coordinator for
//! 2016–2020, written after every other demo record (an approval locks the
//! agency's activities of the year).
//!
//! 2016–2018: every agency owing a report submitted it in January and the
//! coordinator approved it. 2019: most approved; the Department of Culture,
//! Sports and Tourism's was returned with a reason; the Youth Union's and the
//! Women's Union's wait for review (the Women's Union's sent late); Tam
//! Đường's education office (PGDDT-106, the demo agency officer's) has NO
//! 2019 report, so the agency-reports journey can draft and submit it; Sìn
//! Hồ's offices wait for review, so their 2019 activities stay open (the
//! import journey records them). 2020: approved, but for Sìn Hồ's offices
//! (submitted) and Than Uyên's (111, drafts).

use chrono::{DateTime, TimeZone, Utc};
use thamgia_domain::access::Actor;
use thamgia_domain::reports::{ReportAction, ReportRole};
use thamgia_store::agency_reports::{self as store, Move, Narratives};
use thamgia_store::{Db, units};

/// How many agency reports were made, and approved.
#[derive(Debug, Default, Clone, Copy)]
pub struct AgencyReportsSummary {
    pub reports: usize,
    pub approved: usize,
}

/// The agency with no 2019 report.
pub const MISSING_2019: &str = "PGDDT-106";

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Draft,
    Submitted,
    Returned,
    Approved,
}

/// Where an agency's report of a year ends, and the day of January of the
/// next year it was sent (`None`: no report).
fn end_of(agency: &str, year: i32) -> Option<(End, u32)> {
    let day = 8 + (agency.len() as u32 + year as u32) % 6;
    Some(match (agency, year) {
        (MISSING_2019, 2019) => return None,
        ("SVHTTDL", 2019) => (End::Returned, 20),
        ("TDTN", 2019) => (End::Submitted, 12),
        ("HLHPN", 2019) => (End::Submitted, 30),
        (a, 2019 | 2020) if a.ends_with("-108") => (End::Submitted, day),
        (a, 2020) if a.ends_with("-111") => (End::Draft, 0),
        _ => (End::Approved, day),
    })
}

fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, 0, 0)
        .single()
        .unwrap_or_default()
}

/// What an agency writes on a duty: one of a few plain paragraphs.
fn narrative(agency: &str, year: i32, n: usize) -> String {
    match n % 3 {
        0 => format!(
            "Năm {year}, {agency} đã chủ động triển khai nhiệm vụ theo kế hoạch, lồng ghép vào \
             chương trình công tác của ngành; các hoạt động được ghi nhận đầy đủ trên hệ thống."
        ),
        1 => format!(
            "Trong năm {year}, {agency} phối hợp với Sở Lao động - TB&XH và các địa phương thực \
             hiện nhiệm vụ. Khó khăn chính là kinh phí còn hạn chế và cán bộ làm công tác trẻ em \
             phải kiêm nhiệm nhiều việc."
        ),
        _ => format!(
            "{agency} cơ bản hoàn thành nhiệm vụ năm {year}; đề nghị tiếp tục bố trí kinh phí \
             và tập huấn kỹ năng lắng nghe ý kiến trẻ em cho cán bộ cơ sở."
        ),
    }
}

/// Fills the agency reports of 2016–2020.
pub async fn fill(db: &Db, now: DateTime<Utc>) -> anyhow::Result<AgencyReportsSummary> {
    let c = &db.conn;
    let mut out = AgencyReportsSummary::default();
    let Some(province) = units::by_code(c, "12").await? else {
        return Ok(out);
    };
    let reviewer = Actor::system("demo: Nguyễn Thị Hoa (Sở LĐTB&XH)");
    for year in 2016..=2020 {
        let rows = store::chain_status(c, &province, year, now.date_naive()).await?;
        for row in rows {
            let a = &row.agency;
            let Some((end, day)) = end_of(&a.code, year) else {
                continue;
            };
            let author = Actor::system(&format!("demo: cán bộ {}", a.name_vi));
            let due = row.due_on;
            let written = at(year + 1, 1, day.max(2), 8);
            let r = store::get_or_create(c, &author, written, a.id, year, due).await?;
            out.reports += 1;
            let name = a.short_vi.clone().unwrap_or_else(|| a.name_vi.clone());
            let figures = store::figures(c, a, &row.unit, year, now.date_naive()).await?;
            let narratives: Narratives = figures
                .duties
                .iter()
                .enumerate()
                .map(|(i, d)| (d.code.clone(), narrative(&name, year, i + a.code.len())))
                .collect();
            store::save_narratives(c, &author, written, r.id, &narratives).await?;
            if end == End::Draft {
                continue;
            }
            let submit = Move {
                action: ReportAction::Submit,
                role: ReportRole::Author,
                reason: None,
                figures: Some(figures.to_json()),
            };
            let _ = store::act(c, &author, at(year + 1, 1, day, 9), r.id, submit).await?;
            let review = |action, reason| Move {
                action,
                role: ReportRole::Coordinator,
                reason,
                figures: None,
            };
            let _ = match end {
                End::Approved => {
                    out.approved += 1;
                    let m = review(ReportAction::Approve, None);
                    store::act(c, &reviewer, at(year + 1, 2, 3, 10), r.id, m).await?
                }
                End::Returned => {
                    let reason = "Đề nghị bổ sung kết quả thúc đẩy sự tham gia của trẻ em trong \
                                  gia đình và số người được tuyên truyền.";
                    let m = review(ReportAction::Return, Some(reason));
                    store::act(c, &reviewer, at(year + 1, 1, day + 5, 10), r.id, m).await?
                }
                End::Submitted | End::Draft => continue,
            };
        }
    }
    Ok(out)
}
