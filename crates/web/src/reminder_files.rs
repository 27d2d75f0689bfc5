//! The official letter of a batch of reminders (công văn đôn đốc), as .docx:
//! one file for the page's download and the API's.

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::mail;
use crate::report_files::{DOCX_TYPE, ExportFile};
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use thamgia_domain::access::Principal;
use thamgia_office::docx::{LetterDoc, letter_docx};
use thamgia_office::report_doc::DocHeader;
use thamgia_store::reminders;
use thamgia_store::{plans, units};

/// The official letter of one batch of reminders (công văn đôn đốc), issued
/// by the unit that sent them on the day they were sent, addressed to every
/// party reminded: `NotFound` when no reminder of the batch is in `p`'s scope.
pub async fn letter_file(
    db: &DatabaseConnection,
    p: &Principal,
    batch: &str,
) -> AppResult<ExportFile> {
    let rows = reminders::batch(db, &p.scope(), batch).await?;
    let Some(first) = rows.first() else {
        return Err(AppError::NotFound);
    };
    let from = units::by_id(db, first.from_unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let day = first.created_at.date_naive();
    let plan = plans::governing(db, &from.path, day.year()).await?;
    let (parent_body, issuing_body, symbol) =
        crate::report_files::issuer(plan.as_ref(), &from, day);
    let province = !parent_body.is_empty();
    let mut addressees: Vec<String> = Vec::new();
    let mut items = Vec::new();
    for r in &rows {
        let party = reminders::party_name(db, r).await?;
        // A unit is addressed through its People's Committee: "Ủy ban nhân
        // dân huyện Tam Đường".
        let addressed = if r.agency_id.is_none() {
            let mut name = party.chars();
            let lower: String = name
                .next()
                .into_iter()
                .flat_map(char::to_lowercase)
                .collect();
            format!("Ủy ban nhân dân {lower}{}", name.as_str())
        } else {
            party.clone()
        };
        if !addressees.contains(&addressed) {
            addressees.push(addressed);
        }
        items.push(format!(
            "- {party}: {}",
            mail::sentence(Lang::Vi, r, &party)
        ));
    }
    let issuer_name = issuing_body.lines().last().unwrap_or_default().to_string();
    // A batch sent before its due dates urges what falls due, not what is late.
    let opening = if reminders::is_ahead(first) {
        "reminder-letter-opening-soon"
    } else {
        "reminder-letter-opening"
    };
    let mut paragraphs = vec![Lang::Vi.t_args(opening, &[("issuer", issuer_name.clone())])];
    paragraphs.extend(items);
    paragraphs.push(Lang::Vi.t("reminder-letter-closing"));
    let mut recipients: Vec<String> = addressees.iter().map(|a| format!("{a};")).collect();
    recipients.push("Lưu: VT.".into());
    let doc = LetterDoc {
        header: DocHeader {
            parent_body,
            issuing_body,
            number: format!("Số:       /{symbol}-TE"),
            place: crate::report_files::place_of(&from),
            date: Some(day),
            summary: Lang::Vi.t("reminder-letter-summary"),
            signer_title: crate::report_files::signer_title(province),
            signer_name: String::new(),
            recipients,
        },
        addressees,
        paragraphs,
    };
    let bytes = letter_docx(&doc).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(ExportFile {
        bytes,
        name: format!(
            "cong-van-don-doc-{:04}{:02}{:02}.docx",
            day.year(),
            day.month(),
            day.day()
        ),
        content_type: DOCX_TYPE,
    })
}
