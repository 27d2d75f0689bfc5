//! Excel in: the .xlsx template, and the reading and checking of a file of
//! activities and their spending from .xlsx (sheets "Hoạt động" and "Chi
//! tiêu") or .csv (one table, told apart by its header row), then its
//! application, at once or in the background. Shared by the page
//! (`pages/imports.rs`) and the JSON API (`api/imports.rs`); the child
//! population's file (`sheets/population.rs`) reads its table with the same
//! helpers.
//!
//! Every row is checked with the same rules as the forms and the API
//! (`domain::activities`), plus what only a file can get wrong: the same
//! activity twice, spending for an activity that is neither in the file nor
//! stored, an agency officer importing another agency's activities. A file
//! with any error imports nothing and lists every error by sheet, row (as
//! Excel numbers it), column (its Vietnamese header) and message. A good file
//! is applied in one transaction (`store::imports`); saving is by unit and
//! code, so the same file again duplicates nothing.
//!
//! Files of more than [`BACKGROUND_ROWS`] rows are applied by a background
//! task; its progress (rows done of the total) is kept in memory in
//! [`Jobs`] (per server, lost on restart).

pub mod population;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use thamgia_actions::Act;
use thamgia_domain::access::{Actor, Principal, Role};
use thamgia_domain::activities::{
    Activity, ActivityKind, ActivityText, ParticipantGroup, Spending, SpendingText, check_activity,
    check_spending, participant_field,
};
use thamgia_office::{Cell, Column, ColumnKind, FileKind, OfficeError, Row, Sheet, Value};
use thamgia_store::imports::{self, CheckedFile, ImportCounts};
use thamgia_store::{activities, agencies, plans, units};

/// Files with more rows than this are applied in the background.
pub const BACKGROUND_ROWS: usize = 200;

pub const SHEET_ACTIVITIES: &str = "Hoạt động";
pub const SHEET_SPENDING: &str = "Chi tiêu";
pub const SHEET_GUIDE: &str = "Hướng dẫn";

// ---------------------------------------------------------------- columns

/// One column of the template: its header and the field of the check it fills.
#[derive(Debug, Clone)]
pub struct Col {
    /// The Vietnamese header, as the template writes it.
    pub header: String,
    /// The English header, as an English export writes it; an import
    /// accepts either.
    pub header_en: String,
    pub field: String,
    pub kind: ColumnKind,
    pub width: f64,
    pub required: bool,
    pub help: &'static str,
}

/// A sheet to fill in: its columns over a thousand blank rows.
pub(crate) fn input_sheet(name: &str, columns: Vec<thamgia_office::Column>) -> Sheet {
    Sheet {
        name: name.into(),
        columns,
        blank_rows: 1000,
        ..Default::default()
    }
}

/// The first column of every sheet: the unit's code, with what it is on this sheet.
pub(crate) fn unit_col(help: &'static str) -> Col {
    col("Đơn vị (mã)", "unit", ColumnKind::Text, 12.0, true, help)
}

pub(crate) fn col(
    header: &str,
    field: &str,
    kind: ColumnKind,
    width: f64,
    required: bool,
    help: &'static str,
) -> Col {
    Col {
        header: header.into(),
        header_en: header_en(field),
        field: field.into(),
        kind,
        width,
        required,
        help,
    }
}

impl Col {
    /// The header in `lang`.
    pub fn header_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.header,
            Lang::En => &self.header_en,
        }
    }
}

/// The English header of a field of the activity, spending and population
/// tables (the file formats are defined here, in both languages).
fn header_en(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("participants.")
        && let Some((group, sex)) = rest.split_once('.')
        && let Some(g) = ParticipantGroup::parse(group)
    {
        let sex = if sex == "female" { "Female" } else { "Male" };
        return format!("{} – {sex}", g.name_en());
    }
    match field {
        "unit" => "Unit (code)",
        "code" => "Activity code",
        "project" => "Project (DA1, DA2, MH1…)",
        "kind" => "Kind of activity",
        "title" => "Activity name",
        "starts_on" => "From (dd/mm/yyyy)",
        "ends_on" => "To (dd/mm/yyyy)",
        "lead_agency" => "Lead agency (code)",
        "coordinating" => "Coordinating agencies (codes separated by ;)",
        "audience" => "People reached",
        "copies" => "Copies printed or issued",
        "description" => "Description",
        "activity" => "Activity code",
        "source" => "Funding source",
        "spent_on" => "Date spent (dd/mm/yyyy)",
        "amount" => "Amount (đồng)",
        "note" => "Note",
        "year" => "Year",
        "age" => "Age",
        "sex" => "Sex (Female/Male)",
        "children" => "Children",
        other => other,
    }
    .to_string()
}

/// The columns of the sheet "Hoạt động", in order.
pub fn activity_columns() -> Vec<Col> {
    use ColumnKind::{Date, Int, Text};
    let mut v = vec![
        unit_col("Mã đơn vị thực hiện (xem danh sách bên phải), ví dụ 108."),
        col(
            "Mã hoạt động",
            "code",
            Text,
            16.0,
            true,
            "Mã riêng của đơn vị cho hoạt động, ví dụ HĐ-2019-01. Cùng đơn vị và mã thì nhập lại sẽ cập nhật, không tạo bản trùng.",
        ),
        col(
            "Dự án (DA1, DA2, MH1…)",
            "project",
            Text,
            12.0,
            true,
            "Mã dự án hoặc mô hình của kế hoạch (xem danh sách).",
        ),
        col(
            "Loại hoạt động",
            "kind",
            Text,
            20.0,
            true,
            "Một trong các loại trong danh sách, ví dụ Tập huấn.",
        ),
        col(
            "Tên hoạt động",
            "title",
            Text,
            40.0,
            true,
            "Tên đầy đủ của hoạt động (tối đa 300 ký tự).",
        ),
        col(
            "Từ ngày (dd/mm/yyyy)",
            "starts_on",
            Date,
            13.0,
            true,
            "Ngày bắt đầu, dạng dd/mm/yyyy, ví dụ 12/03/2019.",
        ),
        col(
            "Đến ngày (dd/mm/yyyy)",
            "ends_on",
            Date,
            13.0,
            false,
            "Ngày kết thúc; để trống nếu trong một ngày.",
        ),
        col(
            "Cơ quan chủ trì (mã)",
            "lead_agency",
            Text,
            16.0,
            true,
            "Mã cơ quan chủ trì (xem danh sách).",
        ),
        col(
            "Cơ quan phối hợp (mã, cách nhau bằng ;)",
            "coordinating",
            Text,
            24.0,
            false,
            "Mã các cơ quan phối hợp, cách nhau bằng dấu chấm phẩy.",
        ),
    ];
    for g in ParticipantGroup::ALL.iter().copied() {
        for (female, sex) in [(true, "Nữ"), (false, "Nam")] {
            v.push(Col {
                header: format!("{} – {sex}", g.name_vi()),
                header_en: header_en(&participant_field(g, female)),
                field: participant_field(g, female),
                kind: Int,
                width: 12.0,
                required: false,
                help: "Số người tham gia của nhóm theo giới tính (số nguyên, để trống là 0).",
            });
        }
    }
    v.push(col(
        "Số người được tiếp cận",
        "audience",
        Int,
        14.0,
        false,
        "Ước tính số người xem, nghe, đọc (phát thanh, truyền hình, bài viết).",
    ));
    v.push(col(
        "Số bản in/phát hành",
        "copies",
        Int,
        14.0,
        false,
        "Số bản ấn phẩm in hoặc phát hành.",
    ));
    v.push(col(
        "Mô tả",
        "description",
        Text,
        40.0,
        false,
        "Mô tả ngắn, kết quả chính (không ghi tên trẻ em).",
    ));
    v
}

/// The columns of the sheet "Chi tiêu", in order.
pub fn spending_columns() -> Vec<Col> {
    use ColumnKind::{Date, Int, Text};
    vec![
        unit_col("Mã đơn vị của hoạt động."),
        col(
            "Mã hoạt động",
            "activity",
            Text,
            16.0,
            true,
            "Mã hoạt động, có trong trang Hoạt động của tệp hoặc đã có trên hệ thống.",
        ),
        col(
            "Nguồn kinh phí",
            "source",
            Text,
            36.0,
            true,
            "Tên hoặc mã nguồn kinh phí (xem danh sách).",
        ),
        col(
            "Ngày chi (dd/mm/yyyy)",
            "spent_on",
            Date,
            13.0,
            true,
            "Ngày chi, dạng dd/mm/yyyy.",
        ),
        col(
            "Số tiền (đồng)",
            "amount",
            Int,
            16.0,
            true,
            "Số tiền bằng đồng, số nguyên, ví dụ 12.500.000 (dấu chấm có thể bỏ).",
        ),
        col(
            "Ghi chú",
            "note",
            Text,
            40.0,
            false,
            "Nội dung chi (không bắt buộc).",
        ),
    ]
}

/// A header as compared: lower case, without parenthesised notes, one kind of dash.
pub(crate) fn norm(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in h.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            '–' | '—' if depth == 0 => out.push('-'),
            c if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Activities,
    Spending,
}

impl TableKind {
    fn sheet(self) -> &'static str {
        match self {
            TableKind::Activities => SHEET_ACTIVITIES,
            TableKind::Spending => SHEET_SPENDING,
        }
    }

    fn columns(self) -> Vec<Col> {
        match self {
            TableKind::Activities => activity_columns(),
            TableKind::Spending => spending_columns(),
        }
    }
}

/// Which table a header row is: activities name a title, spending an amount.
fn kind_of(header: &Row) -> Option<TableKind> {
    let names: HashSet<String> = header.cells.iter().map(|c| norm(&c.text())).collect();
    if names.contains("tên hoạt động") || names.contains("activity name") {
        Some(TableKind::Activities)
    } else if names.contains("số tiền") || names.contains("amount") {
        Some(TableKind::Spending)
    } else {
        None
    }
}

/// Whether a first cell is an export's totals row ("Tổng cộng (12 hoạt
/// động)", "Total (12 activities)"), which an import skips.
pub(crate) fn is_totals_label(s: &str) -> bool {
    s.starts_with("Tổng cộng") || s.starts_with("Total")
}

// ---------------------------------------------------------------- errors

/// One error of a file, as the page's table and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// "Hoạt động" or "Chi tiêu" (also for a .csv file).
    pub sheet: String,
    /// The row as Excel (or a text editor) numbers it; 0 for the whole file.
    pub row: usize,
    /// The column's letters (`F`), empty when the whole row or file is meant.
    pub column: String,
    /// The column's Vietnamese header.
    pub header: String,
    /// A snake_case code (`not_a_date`, `unknown_agency`, …).
    pub code: String,
    /// The error in Vietnamese.
    pub message: String,
}

impl RowError {
    /// `Hoạt động!F7`, the key the API uses in `fields`.
    pub fn cell(&self) -> String {
        if self.row == 0 {
            self.sheet.clone()
        } else {
            format!("{}!{}{}", self.sheet, self.column, self.row)
        }
    }
}

/// Why a file was not imported.
#[derive(Debug)]
pub enum Refused {
    /// The file itself: too large, not a spreadsheet, no rows, no known table.
    File(&'static str),
    /// Rows that failed their checks (nothing imported).
    Rows(Vec<RowError>),
}

impl From<OfficeError> for Refused {
    fn from(e: OfficeError) -> Self {
        Refused::File(e.code())
    }
}

pub(crate) fn message(lang: Lang, code: &str) -> String {
    lang.t(&format!("import-error-{}", code.replace('_', "-")))
}

// ---------------------------------------------------------------- checking

/// A file that passed every check, ready to apply.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub file_name: String,
    pub activities: Vec<Activity>,
    pub spending: Vec<Spending>,
}

impl Prepared {
    pub fn rows(&self) -> usize {
        self.activities.len() + self.spending.len()
    }
}

/// A table of the file with its kind, sheet name, columns and header
/// positions (shared by every import: activities here, the child population
/// in `sheets/population.rs`).
pub(crate) struct Found<'a, K> {
    pub kind: K,
    pub sheet: &'static str,
    pub cols: Vec<Col>,
    pub data: Vec<&'a Row>,
    /// column index → Col
    pub at: Vec<(usize, Col)>,
}

/// Finds the columns `cols` in the header row of `rows` (headers compared
/// loosely, see [`norm`]); a required column missing is an error of the
/// header row. The data rows follow, without a totals row.
pub(crate) fn locate<'a, K>(
    kind: K,
    sheet: &'static str,
    cols: Vec<Col>,
    rows: &'a [Row],
    errors: &mut Vec<RowError>,
    lang: Lang,
) -> Option<Found<'a, K>> {
    let header = rows.first()?;
    let mut at = Vec::new();
    for (i, cell) in header.cells.iter().enumerate() {
        let n = norm(&cell.text());
        if let Some(c) = cols
            .iter()
            .find(|c| norm(&c.header) == n || norm(&c.header_en) == n)
            && !at.iter().any(|(_, x): &(usize, Col)| x.field == c.field)
        {
            at.push((i, c.clone()));
        }
    }
    for c in cols.iter().filter(|c| c.required) {
        if !at.iter().any(|(_, x)| x.field == c.field) {
            errors.push(RowError {
                sheet: sheet.into(),
                row: header.number,
                column: String::new(),
                header: c.header.clone(),
                code: "missing_column".into(),
                message: message(lang, "missing_column"),
            });
        }
    }
    let data = rows[1..]
        .iter()
        // A totals row of an export read back is not data.
        .filter(|r| {
            !r.cells
                .iter()
                .find(|c| !c.is_empty())
                .is_some_and(|c| is_totals_label(&c.text()))
        })
        .collect();
    Some(Found {
        kind,
        sheet,
        cols,
        data,
        at,
    })
}

/// The values of a row by field (dates read from serial numbers too).
pub(crate) fn values<K>(found: &Found<'_, K>, row: &Row) -> HashMap<String, String> {
    found
        .at
        .iter()
        .map(|(i, c)| {
            let cell: &Cell = row.get(*i);
            let v = if c.kind == ColumnKind::Date {
                cell.date_text()
            } else {
                cell.text()
            };
            (c.field.clone(), v)
        })
        .collect()
}

pub(crate) fn take(v: &mut HashMap<String, String>, k: &str) -> String {
    v.remove(k).unwrap_or_default()
}

pub(crate) fn error_at<K>(
    found: &Found<'_, K>,
    row: &Row,
    field: &str,
    code: &str,
    lang: Lang,
) -> RowError {
    let hit = found.at.iter().find(|(_, c)| c.field == field);
    RowError {
        sheet: found.sheet.into(),
        row: row.number,
        column: hit
            .map(|(i, _)| thamgia_office::column_letters(*i))
            .unwrap_or_default(),
        header: hit.map(|(_, c)| c.header.clone()).unwrap_or_else(|| {
            found
                .cols
                .iter()
                .find(|c| c.field == field)
                .map(|c| c.header.clone())
                .unwrap_or_default()
        }),
        code: code.into(),
        message: message(lang, code),
    }
}

/// A file's check: what it would write, or why it is refused.
pub type Checked<P> = Result<Result<P, Refused>, AppError>;

fn is_agency_officer(p: &Principal) -> Option<i32> {
    if p.role == Role::AgencyOfficer {
        Some(p.agency_id.unwrap_or(-1))
    } else {
        None
    }
}

/// Reads and checks a whole file. Nothing is written.
pub async fn check_file(act: Act<'_>, name: &str, bytes: &[u8], lang: Lang) -> Checked<Prepared> {
    let (db, p) = (act.db, act.p);
    let (kind, tables) = match thamgia_office::read(bytes) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e.into())),
    };
    let mut errors = Vec::new();
    let mut found: Vec<Found<'_, TableKind>> = Vec::new();
    for t in &tables {
        let by_name = match norm(&t.name).as_str() {
            "hoạt động" | "activities" => Some(TableKind::Activities),
            "chi tiêu" | "spending" => Some(TableKind::Spending),
            _ => None,
        };
        let Some(header) = t.rows.first() else {
            continue;
        };
        let k = kind_of(header).or(by_name);
        match k {
            Some(k) if !found.iter().any(|f| f.kind == k) => {
                if let Some(f) = locate(k, k.sheet(), k.columns(), &t.rows, &mut errors, lang) {
                    found.push(f);
                }
            }
            _ => {}
        }
    }
    if found.is_empty() {
        return Ok(Err(Refused::File(if kind == FileKind::Csv {
            "unknown_table"
        } else {
            "no_rows"
        })));
    }
    if found.iter().all(|f| f.data.is_empty()) {
        return Ok(Err(Refused::File("no_rows")));
    }
    if !errors.is_empty() {
        return Ok(Err(Refused::Rows(errors)));
    }
    let scope = p.scope();
    let lookup = activities::lookup(db, &scope).await?;
    let unit_ids: Vec<i32> = lookup.units.values().copied().collect();
    let stored = imports::existing(db, &unit_ids).await?;
    let own_agency = is_agency_officer(p);
    let mut prepared = Prepared {
        file_name: name.to_string(),
        activities: Vec::new(),
        spending: Vec::new(),
    };
    // (unit code, activity code) → lead agency id (None when the row was invalid).
    let mut in_file: HashMap<(String, String), Option<i32>> = HashMap::new();
    if let Some(f) = found.iter().find(|f| f.kind == TableKind::Activities) {
        for row in &f.data {
            let mut v = values(f, row);
            let mut t = ActivityText {
                code: take(&mut v, "code"),
                project: take(&mut v, "project"),
                kind: take(&mut v, "kind"),
                title: take(&mut v, "title"),
                unit: take(&mut v, "unit"),
                starts_on: take(&mut v, "starts_on"),
                ends_on: take(&mut v, "ends_on"),
                lead_agency: take(&mut v, "lead_agency"),
                coordinating: take(&mut v, "coordinating"),
                audience: take(&mut v, "audience"),
                copies: take(&mut v, "copies"),
                description: take(&mut v, "description"),
                ..Default::default()
            };
            for g in ParticipantGroup::ALL.iter().copied() {
                let fe = take(&mut v, &participant_field(g, true));
                let ma = take(&mut v, &participant_field(g, false));
                if !fe.is_empty() || !ma.is_empty() {
                    t.participants.insert(g.as_str().to_string(), (fe, ma));
                }
            }
            let key = (t.unit.trim().to_string(), t.code.trim().to_string());
            let duplicate = !key.1.is_empty() && in_file.contains_key(&key);
            if duplicate {
                errors.push(error_at(f, row, "code", "duplicate_row", lang));
            }
            match check_activity(&t, &lookup) {
                Ok(a) => {
                    if let Some(own) = own_agency {
                        if a.lead_agency_id != own {
                            errors.push(error_at(f, row, "lead_agency", "not_your_agency", lang));
                        } else if stored
                            .get(&(a.unit_id, a.code.clone()))
                            .is_some_and(|e| e.lead_agency_id != own)
                        {
                            errors.push(error_at(f, row, "code", "not_your_activity", lang));
                        }
                    }
                    if !duplicate {
                        in_file.insert(key, Some(a.lead_agency_id));
                    }
                    prepared.activities.push(a);
                }
                Err(es) => {
                    if !duplicate {
                        in_file.insert(key, None);
                    }
                    for e in es {
                        errors.push(error_at(f, row, &e.field, e.code, lang));
                    }
                }
            }
        }
    }
    if let Some(f) = found.iter().find(|f| f.kind == TableKind::Spending) {
        for row in &f.data {
            let mut v = values(f, row);
            let t = SpendingText {
                unit: take(&mut v, "unit"),
                activity: take(&mut v, "activity"),
                source: take(&mut v, "source"),
                spent_on: take(&mut v, "spent_on"),
                amount: take(&mut v, "amount"),
                note: take(&mut v, "note"),
            };
            match check_spending(&t, &lookup) {
                Ok(s) => {
                    let key = (t.unit.trim().to_string(), s.activity.clone());
                    let lead = match in_file.get(&key) {
                        Some(lead) => Some(*lead),
                        None => stored
                            .get(&(s.unit_id, s.activity.clone()))
                            .map(|e| Some(e.lead_agency_id)),
                    };
                    match lead {
                        None => errors.push(error_at(f, row, "activity", "unknown_activity", lang)),
                        Some(Some(lead)) if own_agency.is_some_and(|own| own != lead) => {
                            errors.push(error_at(f, row, "activity", "not_your_activity", lang))
                        }
                        _ => {}
                    }
                    prepared.spending.push(s);
                }
                Err(es) => {
                    for e in es {
                        errors.push(error_at(f, row, &e.field, e.code, lang));
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(Ok(prepared))
    } else {
        Ok(Err(Refused::Rows(errors)))
    }
}

// ---------------------------------------------------------------- jobs

/// One import: its progress while it runs and its outcome afterwards.
#[derive(Debug, Clone)]
pub struct Job {
    pub owner: i32,
    pub file_name: String,
    pub total: usize,
    pub done: Arc<AtomicUsize>,
    /// `None` while running; `Err` says why it stopped.
    pub outcome: Option<Result<ImportCounts, Failure>>,
    pub started: DateTime<Utc>,
}

/// Why an import stopped, so its page and the API can always say it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The error's code as the API names it (`year_locked`, `not_found`,
    /// `internal_error`, …).
    pub code: &'static str,
    /// The log's reference of an internal error.
    pub reference: Option<String>,
    /// Rows saved by the batches committed before it stopped.
    pub saved: usize,
}

impl Failure {
    fn new(e: &AppError, saved: usize) -> Failure {
        Failure {
            code: e.code(),
            reference: e.log_internal(),
            saved,
        }
    }

    /// The reason in `lang`, with what was saved and what to do.
    pub fn message(&self, lang: Lang, total: usize) -> String {
        let reason = match self.code {
            "internal_error" => lang.t_args(
                "import-failed",
                &[("reference", self.reference.clone().unwrap_or_default())],
            ),
            "year_locked" => lang.t("import-failed-year-locked"),
            "not_found" => lang.t("import-failed-not-found"),
            _ => lang.t_args("import-failed-other", &[("code", self.code.to_string())]),
        };
        let saved = if self.saved == 0 {
            lang.t("import-failed-nothing-saved")
        } else {
            lang.t_args(
                "import-failed-partly-saved",
                &[
                    ("saved", lang.int(self.saved as i64)),
                    ("total", lang.int(total as i64)),
                ],
            )
        };
        format!("{reason} {saved}")
    }
}

/// Imports by id, in memory on this server (kept an hour after they finish).
#[derive(Debug, Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<String, Job>>>);

impl Jobs {
    fn insert(&self, id: &str, job: Job, now: DateTime<Utc>) {
        if let Ok(mut m) = self.0.lock() {
            m.retain(|_, j| j.outcome.is_none() || now - j.started < chrono::Duration::hours(1));
            m.insert(id.to_string(), job);
        }
    }

    fn finish(&self, id: &str, outcome: Result<ImportCounts, Failure>) {
        if let Ok(mut m) = self.0.lock()
            && let Some(j) = m.get_mut(id)
        {
            j.outcome = Some(outcome);
        }
    }

    /// The job `id` when `user_id` started it.
    pub fn get(&self, id: &str, user_id: i32) -> Option<Job> {
        let m = self.0.lock().ok()?;
        m.get(id).filter(|j| j.owner == user_id).cloned()
    }
}

/// Applies a checked file: at once when small, else in a background task.
/// Returns the job id (finished already for a small file).
pub async fn start(
    state: &AppState,
    p: &Principal,
    prepared: Prepared,
) -> Result<String, AppError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let now = state.now();
    let done = Arc::new(AtomicUsize::new(0));
    state.imports.insert(
        &id,
        Job {
            owner: p.user_id,
            file_name: prepared.file_name.clone(),
            total: prepared.rows(),
            done: done.clone(),
            outcome: None,
            started: now,
        },
        now,
    );
    let actor = Actor::from(p);
    if prepared.rows() <= BACKGROUND_ROWS {
        match apply(state, &actor, now, &id, &prepared, &done).await {
            Ok(c) => state.imports.finish(&id, Ok(c)),
            Err((e, saved)) => {
                state.imports.finish(
                    &id,
                    Err(Failure {
                        code: e.code(),
                        reference: None,
                        saved,
                    }),
                );
                return Err(e);
            }
        }
    } else {
        let state = state.clone();
        let job = id.clone();
        tokio::spawn(async move {
            let outcome = match apply(&state, &actor, now, &job, &prepared, &done).await {
                Ok(c) => Ok(c),
                Err((e, saved)) => Err(Failure::new(&e, saved)),
            };
            state.imports.finish(&job, outcome);
        });
    }
    Ok(id)
}

async fn apply(
    state: &AppState,
    actor: &Actor,
    now: DateTime<Utc>,
    id: &str,
    prepared: &Prepared,
    done: &Arc<AtomicUsize>,
) -> Result<ImportCounts, (AppError, usize)> {
    let file = CheckedFile {
        reference: id,
        file_name: &prepared.file_name,
        activities: &prepared.activities,
        spending: &prepared.spending,
    };
    let d = done.clone();
    let progress = move |n: usize| d.store(n, Ordering::Relaxed);
    imports::apply(&state.db.conn, actor, now, &file, &progress)
        .await
        .map_err(|stopped| (AppError::from(stopped.error), stopped.saved))
}

// ---------------------------------------------------------------- template

/// The template workbook for what the user may see: empty "Hoạt động" and
/// "Chi tiêu" sheets with drop-down lists, and "Hướng dẫn" explaining each
/// column with one example and the codes of units, agencies, projects and
/// funding sources.
pub async fn template(db: &DatabaseConnection, p: &Principal) -> Result<Vec<u8>, AppError> {
    let scope = p.scope();
    let unit_list = units::list(db, &scope).await?;
    let agency_list = agencies::list(db, &scope).await?;
    let mut projects: Vec<(String, String)> = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for plan in plans::list_latest(db).await? {
        let Ok(doc) = serde_json::from_str::<thamgia_domain::plan::Plan>(&plan.document) else {
            continue;
        };
        for x in &doc.projects {
            if !projects.iter().any(|(c, _)| *c == x.code) {
                projects.push((x.code.clone(), x.name_vi.clone()));
            }
        }
        for s in &doc.funding_sources {
            if !sources.iter().any(|(c, _)| *c == s.code) {
                sources.push((s.code.clone(), s.name_vi.clone()));
            }
        }
    }
    let kinds: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.name_vi()).collect();
    // The guide: columns A–C explain, E–F projects, H kinds, J–K sources,
    // M–N units, P–Q agencies; the lists feed the drop-downs.
    let range = |col: &str, n: usize| format!("='{SHEET_GUIDE}'!${col}$2:${col}${}", n.max(1) + 1);
    let mut acts: Vec<Column> = activity_columns()
        .into_iter()
        .map(|c| Column::new(c.header, c.width, c.kind))
        .collect();
    acts[2] = acts[2].clone().with_list(range("E", projects.len()));
    acts[3] = acts[3].clone().with_list(range("H", kinds.len()));
    let mut spend: Vec<Column> = spending_columns()
        .into_iter()
        .map(|c| Column::new(c.header, c.width, c.kind))
        .collect();
    spend[2] = spend[2].clone().with_list(range("K", sources.len()));
    let mut explain: Vec<[String; 3]> = Vec::new();
    for (sheet, cols) in [
        (SHEET_ACTIVITIES, activity_columns()),
        (SHEET_SPENDING, spending_columns()),
    ] {
        for c in cols {
            let need = if c.required { "Bắt buộc. " } else { "" };
            explain.push([sheet.to_string(), c.header, format!("{need}{}", c.help)]);
        }
    }
    explain.push(Default::default());
    explain.push([
        "Ví dụ".into(),
        SHEET_ACTIVITIES.into(),
        "108 | HĐ-2019-01 | DA2 | Tập huấn | Tập huấn kỹ năng tham vấn trẻ em cho giáo viên | 12/03/2019 | 13/03/2019 | PLDTBXH-108 | PGDDT-108; UBND-108 | Giáo viên – Nữ: 21, Giáo viên – Nam: 9".into(),
    ]);
    explain.push([
        "Ví dụ".into(),
        SHEET_SPENDING.into(),
        "108 | HĐ-2019-01 | Ngân sách địa phương | 13/03/2019 | 12.500.000 | Tài liệu, giải khát"
            .into(),
    ]);
    explain.push([
        "Lưu ý".into(),
        String::new(),
        "Tệp có lỗi sẽ không được nhập dòng nào; hệ thống liệt kê mọi lỗi theo dòng và cột. Nhập lại cùng tệp không tạo bản trùng. Có thể lưu trang Hoạt động hoặc Chi tiêu thành tệp .csv (UTF-8) để nhập riêng.".into(),
    ]);
    let units_rows: Vec<(String, String)> = unit_list
        .iter()
        .map(|u| (u.code.clone(), u.name_vi.clone()))
        .collect();
    let agency_rows: Vec<(String, String)> = agency_list
        .iter()
        .map(|(a, _)| (a.code.clone(), a.name_vi.clone()))
        .collect();
    let height = [
        explain.len(),
        projects.len(),
        kinds.len(),
        sources.len(),
        units_rows.len(),
        agency_rows.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let cell = |v: Option<&String>| v.map_or(Value::Empty, |s| Value::Text(s.clone()));
    let mut guide_rows = Vec::new();
    for i in 0..height {
        let e = explain.get(i);
        let pr = projects.get(i);
        let so = sources.get(i);
        let un = units_rows.get(i);
        let ag = agency_rows.get(i);
        guide_rows.push(vec![
            cell(e.map(|x| &x[0])),
            cell(e.map(|x| &x[1])),
            cell(e.map(|x| &x[2])),
            Value::Empty,
            cell(pr.map(|x| &x.0)),
            cell(pr.map(|x| &x.1)),
            Value::Empty,
            kinds
                .get(i)
                .map_or(Value::Empty, |k| Value::Text((*k).to_string())),
            Value::Empty,
            cell(so.map(|x| &x.0)),
            cell(so.map(|x| &x.1)),
            Value::Empty,
            cell(un.map(|x| &x.0)),
            cell(un.map(|x| &x.1)),
            Value::Empty,
            cell(ag.map(|x| &x.0)),
            cell(ag.map(|x| &x.1)),
        ]);
    }
    let guide_cols = vec![
        Column::text("Trang tính", 12.0),
        Column::text("Cột", 30.0),
        Column::text("Cách điền", 70.0),
        Column::text("", 2.0),
        Column::text("Mã dự án", 10.0),
        Column::text("Tên dự án, mô hình", 40.0),
        Column::text("", 2.0),
        Column::text("Loại hoạt động", 22.0),
        Column::text("", 2.0),
        Column::text("Mã nguồn", 16.0),
        Column::text("Nguồn kinh phí", 36.0),
        Column::text("", 2.0),
        Column::text("Mã đơn vị", 16.0),
        Column::text("Tên đơn vị", 30.0),
        Column::text("", 2.0),
        Column::text("Mã cơ quan", 16.0),
        Column::text("Tên cơ quan", 40.0),
    ];
    let sheets = [
        input_sheet(SHEET_ACTIVITIES, acts),
        input_sheet(SHEET_SPENDING, spend),
        Sheet {
            name: SHEET_GUIDE.into(),
            columns: guide_cols,
            rows: guide_rows,
            ..Default::default()
        },
    ];
    thamgia_office::write_xlsx(&sheets).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::safe_file_name;

    #[test]
    fn headers_compare_loosely() {
        assert_eq!(norm("Từ ngày (dd/mm/yyyy)"), "từ ngày");
        assert_eq!(norm(" Giáo viên – Nữ "), "giáo viên - nữ");
        assert_eq!(norm("Giáo viên - Nữ"), "giáo viên - nữ");
        let cols = activity_columns();
        assert_eq!(cols.len(), 9 + 12 + 3);
        // The brief's example: F is the start date.
        assert_eq!(cols[5].field, "starts_on");
        assert_eq!(thamgia_office::column_letters(5), "F");
        assert_eq!(
            safe_file_name("C:\\Users\\a\\hoat-dong.xlsx"),
            "hoat-dong.xlsx"
        );
    }
}
