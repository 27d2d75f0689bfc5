//! Reminders (đôn đốc) over the API: what is overdue in the caller's scope,
//! reminding one or every overdue party (`thamgia_actions::reminders::send`,
//! the page's action; mails go after it commits), and a batch's official
//! letter as .docx (`reminder_files::letter_file`, as the page gives it).

use super::paging::{Listing, Page};
use super::{Api, Created, JsonBody, Path, created, require};
use crate::error::{AppResult, ErrorBody};
use crate::report_files::ExportFile;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thamgia_actions::Act;
use thamgia_actions::reminders::RemindInput;
use thamgia_domain::access::Permission;
use thamgia_store::entity::reminder;
use thamgia_store::reminders::{self, Overdue};

/// One overdue item and the party to remind.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueDto {
    /// The item's key, as `items` of a reminder takes it: `kind:reference`.
    pub key: String,
    /// `report`, `answer`, `recommendation` or `forum`.
    pub kind: String,
    /// The unit reminded, or the unit of the agency reminded.
    pub unit: String,
    /// The agency reminded (answers and recommendations).
    pub agency: Option<String>,
    pub subject: String,
    pub due_on: NaiveDate,
    pub days_overdue: i64,
}

fn overdue_dto(o: Overdue, today: NaiveDate) -> OverdueDto {
    OverdueDto {
        key: o.key(),
        kind: o.kind.to_string(),
        unit: o.unit.code,
        agency: o.agency.map(|a| a.code),
        subject: o.subject,
        days_overdue: (today - o.due_on).num_days(),
        due_on: o.due_on,
    }
}

/// What is overdue below the caller's unit, the earliest due first.
#[utoipa::path(get, path = "/api/v1/reminders/overdue", tag = "reminders",
    params(crate::api::paging::Paging),
    responses((status = 200, body = [OverdueDto]), (status = 403, body = ErrorBody)))]
pub async fn overdue(Api { state, p }: Api, paging: Listing) -> AppResult<Page<OverdueDto>> {
    require(&p, Permission::Remind)?;
    let today = state.now().date_naive();
    let rows = reminders::overdue(&state.db.conn, &p, today).await?;
    paging.page(rows.into_iter().map(|o| overdue_dto(o, today)).collect())
}

/// Which overdue items to remind of.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RemindBody {
    /// Keys from `/api/v1/reminders/overdue`.
    #[serde(default)]
    pub items: Vec<String>,
    /// Every overdue item at once (then `items` is not read).
    #[serde(default)]
    pub all: bool,
}

/// A reminder as recorded.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReminderDto {
    pub id: i32,
    /// The reminders sent together share it: one letter.
    pub batch: String,
    pub kind: String,
    pub reference: String,
    pub subject: String,
    pub due_on: NaiveDate,
}

impl From<reminder::Model> for ReminderDto {
    fn from(r: reminder::Model) -> Self {
        ReminderDto {
            id: r.id,
            batch: r.batch,
            kind: r.kind,
            reference: r.reference,
            subject: r.subject,
            due_on: r.due_on,
        }
    }
}

/// Reminds the chosen overdue parties (or all): one reminder per item,
/// shown in each party's inbox and mailed to its accounts with an address.
/// A key not overdue in the caller's scope is 404.
#[utoipa::path(post, path = "/api/v1/reminders", tag = "reminders", request_body = RemindBody,
    responses((status = 201, body = [ReminderDto]),
              (status = 422, description = "`items`: required (nothing chosen), unknown_option (not a key)", body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn send(Api { state, p }: Api, body: JsonBody) -> AppResult<Created<Vec<ReminderDto>>> {
    let act = Act::new(&state.db.conn, &p, state.now());
    act.require(Permission::Remind)?;
    let b: RemindBody = super::json(&body)?;
    let input = RemindInput {
        items: b.items,
        all: b.all,
    };
    let sent = thamgia_actions::reminders::send(act, &input).await?;
    crate::mail::deliver_later(&state);
    Ok(created(sent.into_iter().map(ReminderDto::from).collect()))
}

/// The official letter (công văn đôn đốc) of one batch, .docx under Decree
/// 30/2020; 404 when no reminder of the batch is in the caller's scope.
#[utoipa::path(get, path = "/api/v1/reminders/batches/{batch}/letter", tag = "reminders",
    params(("batch" = String, Path, description = "The batch of the reminders")),
    responses((status = 200, description = "The letter", content(
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
                (status = 403, body = ErrorBody)))]
pub async fn letter(Api { state, p }: Api, Path(batch): Path<String>) -> AppResult<ExportFile> {
    require(&p, Permission::Remind)?;
    crate::reminder_files::letter_file(&state.db.conn, &p, &batch).await
}
