//! The documents of inspections: the minutes of one (biên bản kiểm tra,
//! biên bản giám sát, .docx under Decree 30) and the table "Kết quả kiểm
//! tra, giám sát" of a unit's annual report (left out when the unit had no
//! inspection that year, so the report stays as it was).

use crate::error::{AppError, AppResult};
use crate::report_files::{DOCX_TYPE, ExportFile, columns, table};
use sea_orm::DatabaseConnection;
use thamgia_domain::inspections::{FollowUpSide, InspectionKind};
use thamgia_office::docx::{MinutesDoc, minutes_docx};
use thamgia_office::report_doc::{DocCell, DocHeader, DocKind, DocPart, DocTable};
use thamgia_store::entity::unit;
use thamgia_store::inspections::{self, Followed, Listed};
use thamgia_store::plans;

/// "Kiểm tra" or "Giám sát".
pub fn kind_vi(k: InspectionKind) -> &'static str {
    match k {
        InspectionKind::Inspection => "Kiểm tra",
        InspectionKind::Supervision => "Giám sát",
    }
}

/// The inspected party's name: the agency's, else the unit's.
pub fn party_vi(l: &Listed) -> String {
    l.agency
        .as_ref()
        .map_or_else(|| l.unit.name_vi.clone(), |a| a.name_vi.clone())
}

/// Who inspects: the agency's name, else the unit's.
pub fn inspector_vi(l: &Listed) -> String {
    match (&l.inspector_agency, &l.inspector_unit) {
        (Some(a), _) => a.name_vi.clone(),
        (None, Some(u)) => u.name_vi.clone(),
        (None, None) => String::new(),
    }
}

fn d(x: chrono::NaiveDate) -> String {
    x.format("%d/%m/%Y").to_string()
}

/// A recommendation's state in Vietnamese words.
fn state_vi(s: thamgia_domain::inspections::RecommendationState) -> &'static str {
    use thamgia_domain::inspections::RecommendationState::*;
    match s {
        Open => "Đang thực hiện",
        DoneByParty => "Đơn vị báo đã thực hiện",
        Closed => "Đã đóng",
        Reopened => "Mở lại",
    }
}

/// The minutes of one inspection, issued by the inspecting agency (or the
/// inspecting unit's issuer) on the day of the visit.
pub async fn minutes_file(
    db: &DatabaseConnection,
    l: &Listed,
    recs: &[Followed],
    today: chrono::NaiveDate,
) -> AppResult<ExportFile> {
    let i = &l.inspection;
    let day = i.visited_on.unwrap_or(today);
    let by: &unit::Model = l.inspector_unit.as_ref().ok_or(AppError::NotFound)?;
    let plan = plans::governing(db, &by.path, i.year).await?;
    let (parent_body, issuing_body, _) = match &l.inspector_agency {
        Some(a) if i.kind == InspectionKind::Supervision => {
            (String::new(), a.name_vi.to_uppercase(), a.code.clone())
        }
        Some(a) => (
            format!("UBND {}", by.name_vi.to_uppercase()),
            a.name_vi.to_uppercase(),
            a.code.clone(),
        ),
        None => crate::report_files::issuer(plan.as_ref(), by, day),
    };
    let (title, team_word, party_word) = match i.kind {
        InspectionKind::Inspection => {
            ("BIÊN BẢN KIỂM TRA", "ĐOÀN KIỂM TRA", "ĐƠN VỊ ĐƯỢC KIỂM TRA")
        }
        InspectionKind::Supervision => {
            ("BIÊN BẢN GIÁM SÁT", "ĐOÀN GIÁM SÁT", "ĐƠN VỊ ĐƯỢC GIÁM SÁT")
        }
    };
    let party = party_vi(l);
    let mut opening = vec![format!(
        "Ngày {}, {} tiến hành {} tại {} về {}.",
        d(day),
        inspector_vi(l),
        kind_vi(i.kind).to_lowercase(),
        party,
        i.subject
    )];
    if !i.team.trim().is_empty() {
        opening.push(format!("Thành phần đoàn: {}", i.team));
    }
    if !i.participants.trim().is_empty() {
        opening.push(format!("Đại biểu tham dự: {}", i.participants));
    }
    let mut recommendations = Vec::new();
    for (n, f) in recs.iter().enumerate() {
        let r = &f.recommendation;
        recommendations.push(format!(
            "{}. {} (thời hạn: {}; {}).",
            n + 1,
            r.text,
            d(r.deadline),
            state_vi(r.state).to_lowercase()
        ));
        for note in &f.follow_ups {
            let who = match note.side {
                FollowUpSide::Party => "Đơn vị",
                FollowUpSide::Inspector => "Đoàn",
            };
            recommendations.push(format!("- {} ({}): {}", d(note.noted_on), who, note.note));
        }
    }
    if recommendations.is_empty() {
        recommendations.push("Không có kiến nghị.".into());
    }
    let doc = MinutesDoc {
        header: DocHeader {
            parent_body,
            issuing_body,
            number: "Số:       /BB".into(),
            place: crate::report_files::place_of(by),
            date: Some(day),
            summary: format!("Về việc {} {}", kind_vi(i.kind).to_lowercase(), i.subject),
            signer_title: String::new(),
            signer_name: String::new(),
            recipients: Vec::new(),
        },
        title: title.into(),
        sections: vec![
            ("I. THÀNH PHẦN VÀ NỘI DUNG".into(), opening),
            ("II. KẾT QUẢ".into(), vec![i.findings.clone()]),
            ("III. KIẾN NGHỊ".into(), recommendations),
        ],
        signers: (
            format!("ĐẠI DIỆN {team_word}"),
            format!("ĐẠI DIỆN {party_word}"),
        ),
    };
    let bytes = minutes_docx(&doc).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let word = match i.kind {
        InspectionKind::Inspection => "kiem-tra",
        InspectionKind::Supervision => "giam-sat",
    };
    Ok(ExportFile {
        bytes,
        name: format!("bien-ban-{word}-{}.docx", i.id),
        content_type: DOCX_TYPE,
    })
}

/// The minutes of an inspection the principal sees (`NotFound` otherwise):
/// the page's and the API's file.
pub async fn minutes(
    db: &DatabaseConnection,
    p: &thamgia_domain::access::Principal,
    id: i32,
    today: chrono::NaiveDate,
) -> AppResult<ExportFile> {
    let (i, _) = inspections::get(db, p, id).await?;
    let l = inspections::describe(db, i).await?;
    let recs = inspections::recommendations(db, &[id]).await?;
    minutes_file(db, &l, &recs, today).await
}

/// The table of a unit's inspections in a year for its annual report, or
/// `None` when there were none.
pub async fn report_table(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
) -> AppResult<Option<DocTable>> {
    use DocKind::{Date, Int, Text};
    let found = inspections::of_unit_year(db, u.id, year).await?;
    if found.is_empty() {
        return Ok(None);
    }
    let mut rows = Vec::new();
    for (l, recs) in &found {
        let i = &l.inspection;
        let open = recs
            .iter()
            .filter(|f| f.recommendation.state.is_open())
            .count();
        rows.push(vec![
            DocCell::Text(kind_vi(i.kind).into()),
            DocCell::Text(party_vi(l)),
            DocCell::Text(inspector_vi(l)),
            DocCell::Text(i.subject.clone()),
            i.visited_on.map_or(DocCell::Empty, DocCell::Date),
            DocCell::Text(i.findings.clone()),
            DocCell::Int(i64::try_from(recs.len()).unwrap_or(0)),
            DocCell::Int(i64::try_from(open).unwrap_or(0)),
        ]);
    }
    Ok(Some(DocTable {
        columns: columns(
            &[
                "Hình thức",
                "Đơn vị được kiểm tra",
                "Đơn vị kiểm tra",
                "Nội dung",
                "Ngày",
                "Kết quả",
                "Kiến nghị",
                "Chưa đóng",
            ],
            &[10.0, 22.0, 22.0, 24.0, 11.0, 40.0, 9.0, 9.0],
            &[Text, Text, Text, Text, Date, Text, Int, Int],
        ),
        rows,
        ..table(
            "Kiểm tra, giám sát",
            "Kết quả kiểm tra, giám sát",
            DocPart::Inspections,
        )
    }))
}
