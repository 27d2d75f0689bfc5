//! Exports of the plan's numbers and of the annual report: .xlsx, .docx
//! (laid out under Decree 30/2020) and CSV, from one code path shared by the
//! pages (`pages/report_exports.rs`), the API (`api/report_exports.rs`) and
//! `thamgia report export`.
//!
//! The figures come from the indicator engine only: a draft (or returned)
//! report and the indicator exports are built live by
//! `report_data::build`; a submitted or approved report is exported with the
//! figures frozen at its submission (`reports.figures`), so the file shows
//! what was sent up the chain. A unit outside the caller's scope is 404,
//! like everything else.

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Principal, Scope};
use thamgia_domain::plan::Plan;
use thamgia_domain::reports::{ReportStatus, Standing, editable};
use thamgia_office::report_doc::{
    BreakdownLine, DocCell, DocColumn, DocHeader, DocKind, DocPart, DocTable, IndicatorLine,
    ReportDoc,
};
use thamgia_store::engine::Figure;
use thamgia_store::entity::{report, unit};
use thamgia_store::report_data::{self, ReportData};
use thamgia_store::review::{self, IndicatorSpan, Review, Series};
use thamgia_store::{plans, reports, units};

pub use thamgia_actions::reviews::{Span, SpanInput};

/// The span of a command-line review: any unit (the command line sees
/// everything), the span checked as the page checks it.
pub async fn review_span_anywhere(db: &DatabaseConnection, s: &SpanInput) -> AppResult<Span> {
    Ok(thamgia_actions::reviews::span_in(db, &Scope::everything(), s).await?)
}

pub const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// A file format of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Docx,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "docx" => Some(Format::Docx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => crate::exports::XLSX_TYPE,
            Format::Docx => DOCX_TYPE,
            Format::Csv => CSV_TYPE,
        }
    }
}

/// A file ready to send or write.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub name: String,
    pub content_type: &'static str,
}

impl IntoResponse for ExportFile {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, self.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", self.name),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// A year as four digits (the one rule, `domain::activities::parse_year`).
pub use thamgia_domain::activities::parse_year;

/// The standing in Vietnamese words (never colour alone): the pages' own
/// words, from the catalog, so one standing has one name everywhere.
pub fn standing_vi(s: Standing) -> String {
    Lang::Vi.t(&format!(
        "dashboard-standing-{}",
        s.as_str().replace('_', "-")
    ))
}

/// A report's state in Vietnamese words, as the pages name it.
pub fn status_vi(s: Option<ReportStatus>) -> String {
    Lang::Vi.t(&format!(
        "report-status-{}",
        s.map_or("none", ReportStatus::as_str)
    ))
}

/// The data an export of `u`'s report for `year` shows: the figures frozen at
/// submission once the report left the author's hands, otherwise live.
pub async fn report_data_of(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
) -> AppResult<(ReportData, Option<report::Model>)> {
    let r = reports::of_unit_year(db, u.id, year).await?;
    if let Some(r) = &r {
        let status = r.status;
        if !editable(status)
            && let Some(d) = r.figures.as_deref().and_then(ReportData::from_json)
        {
            return Ok((d, Some(r.clone())));
        }
    }
    Ok((report_data::build(db, u, year, today).await?, r))
}

/// The export of a unit's annual report for a year.
pub async fn report_file(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
    format: Format,
) -> AppResult<ExportFile> {
    let (data, r) = report_data_of(db, u, year, today).await?;
    let plan = plans::governing(db, &u.path, year).await?;
    let mut doc = report_doc(&data, r.as_ref(), plan.as_ref(), u);
    doc.tables
        .extend(crate::inspection_files::report_table(db, u, year).await?);
    write(&doc, format, &format!("bao-cao-{}-{year}", clean(&u.code)))
}

/// The export of the indicators alone (live), as .xlsx or CSV.
pub async fn indicators_file(
    db: &DatabaseConnection,
    u: &unit::Model,
    year: i32,
    today: NaiveDate,
    format: Format,
) -> AppResult<ExportFile> {
    let figures = thamgia_store::engine::figures(db, u, year, today).await?;
    let plan = plans::governing(db, &u.path, year).await?;
    let mut doc = empty_doc(u, year, plan.as_ref(), year_end(year));
    doc.status = "Số liệu tại thời điểm xuất".into();
    fill_figures(&mut doc, &figures);
    write(&doc, format, &format!("chi-so-{}-{year}", clean(&u.code)))
}

/// The unit for a command-line export: any unit (the command line sees everything).
/// A reused code is read in the year (`units::resolve`: the unit valid on
/// 31/12, else the last one valid during the year).
pub async fn unit_anywhere(
    db: &DatabaseConnection,
    code: &str,
    year: Option<i32>,
) -> AppResult<unit::Model> {
    Ok(
        units::resolve(db, &Scope::everything(), code.trim(), year, None)
            .await?
            .unit,
    )
}

fn write(doc: &ReportDoc, format: Format, stem: &str) -> AppResult<ExportFile> {
    let bytes = match format {
        Format::Xlsx => thamgia_office::report_xlsx::report_xlsx(doc),
        Format::Docx => thamgia_office::docx::report_docx(doc),
        Format::Csv if doc.period.is_some() => Ok(thamgia_office::report_doc::tables_csv(doc)),
        Format::Csv => Ok(thamgia_office::report_doc::indicators_csv(doc)),
    }
    .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    Ok(ExportFile {
        bytes,
        name: format!("{stem}.{}", format.extension()),
        content_type: format.content_type(),
    })
}

fn clean(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The place named in the date line: the unit's name without its kind
/// ("Tỉnh Lai Châu" → "Lai Châu").
pub(crate) fn place_of(u: &unit::Model) -> String {
    let name = u.name_vi.trim();
    for prefix in [
        "Thành phố ",
        "Tỉnh ",
        "Huyện ",
        "Thị xã ",
        "Xã ",
        "Phường ",
        "Thị trấn ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    name.to_string()
}

/// The issuing body's lines and the symbol after "BC-": the province's report
/// is issued by the agency coordinating the plan on `day` (the report's date,
/// else the year's end: DOLISA until 28/02/2025, the Department of Health
/// since, in the 2021–2030 plan) under the provincial People's Committee; a
/// district's by its People's Committee (which has no superior body line
/// under Decree 30).
pub(crate) fn issuer(
    plan: Option<&Plan>,
    u: &unit::Model,
    day: NaiveDate,
) -> (String, String, String) {
    let committee = plan.and_then(|p| {
        p.agencies
            .iter()
            .find(|a| a.unit == u.code && a.kind == "people_committee")
    });
    let coordinator = plan.and_then(|p| {
        let code = p.coordinator_on(day);
        p.agencies
            .iter()
            .find(|a| a.code == code && a.unit == u.code)
    });
    if let Some(a) = coordinator {
        return (
            format!("UBND {}", u.name_vi.to_uppercase()),
            a.name_vi.to_uppercase(),
            a.code.clone(),
        );
    }
    let body = committee.map_or_else(
        || format!("ỦY BAN NHÂN DÂN {}", u.name_vi.to_uppercase()),
        |a| a.name_vi.to_uppercase(),
    );
    // "ỦY BAN NHÂN DÂN" on its own line above the unit's name, as signed.
    let body = match body.strip_prefix("ỦY BAN NHÂN DÂN ") {
        Some(rest) => format!("ỦY BAN NHÂN DÂN\n{rest}"),
        None => body,
    };
    (String::new(), body, "UBND".into())
}

/// "Nơi nhận", from the plan's reporting duties that hold during `year`,
/// never from names in code: the province's consolidated report (issued by
/// the agency coordinating on `day`) goes to the bodies that agency reports
/// to, the agencies concerned and the People's Committees of the levels that
/// report that year; a unit's report to the body its level reports to
/// (`Plan::level_duty_in`: of its `level:<level>` duties, the one that holds
/// latest in the year — so a district's 2024 report goes to DOLISA, a
/// commune's 2026 report to the Department of Health), else the coordinator
/// of `day`. Ends with the archive line.
fn recipients(
    plan: Option<&Plan>,
    province: bool,
    level: &str,
    year: i32,
    day: NaiveDate,
) -> Vec<String> {
    let Some(p) = plan else {
        return vec!["Lưu: VT.".to_string()];
    };
    let short = |code: &str| {
        p.agency(code)
            .map(|a| a.short_vi.clone().unwrap_or_else(|| a.name_vi.clone()))
    };
    let coordinator = p.coordinator_on(day);
    let duties = p.duties_in(year);
    let mut out: Vec<String> = Vec::new();
    let mut push = |line: String| {
        if !out.contains(&line) {
            out.push(line);
        }
    };
    if province {
        for d in duties.iter().filter(|d| d.reporter == coordinator) {
            if let Some(name) = short(&d.recipient) {
                push(format!("{name} (b/c);"));
            }
        }
        push("Các sở, ban, ngành liên quan;".to_string());
        for lvl in duties.iter().filter_map(|d| d.level()) {
            push(format!("UBND {};", Lang::Vi.levels_plural(lvl)));
        }
    } else {
        let to = p
            .level_duty_in(level, year)
            .map_or(coordinator, |d| d.recipient.as_str());
        if let Some(name) = short(to) {
            push(format!("{name} (b/c);"));
        }
    }
    push("Lưu: VT.".to_string());
    out
}

/// Who signs a document: the coordinating department's director at the
/// province, else for the People's Committee.
pub(crate) fn signer_title(province: bool) -> String {
    if province {
        "GIÁM ĐỐC".to_string()
    } else {
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".to_string()
    }
}

/// The empty document of `u`'s report for `year`, issued and addressed as
/// of `day` (its date, else the year's end).
fn empty_doc(u: &unit::Model, year: i32, plan: Option<&Plan>, day: NaiveDate) -> ReportDoc {
    let (parent_body, issuing_body, symbol) = issuer(plan, u, day);
    let province = !parent_body.is_empty();
    let signer_title = signer_title(province);
    let recipients = recipients(plan, province, &u.level, year, day);
    ReportDoc {
        unit_code: u.code.clone(),
        unit_name: u.name_vi.clone(),
        year,
        ..ReportDoc::with_header(DocHeader {
            parent_body,
            issuing_body,
            number: thamgia_office::report_doc::number_line(None, &symbol),
            place: place_of(u),
            // Dated when sent; a draft's date is left blank.
            date: None,
            summary: format!(
                "Kết quả thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em năm {year}"
            ),
            signer_title,
            signer_name: String::new(),
            recipients,
        })
    }
}

/// The last day of a year, the day a report without a date is issued as of.
fn year_end(year: i32) -> NaiveDate {
    thamgia_domain::units::last_day(year).unwrap_or_default()
}

fn fill_figures(doc: &mut ReportDoc, figures: &[Figure]) {
    for f in figures {
        let i = &f.indicator;
        doc.indicators.push(IndicatorLine {
            code: i.code.clone(),
            name: i.name_vi.clone(),
            numerator: i.numerator,
            denominator: i.denominator,
            value: i.value,
            target: i.target,
            unit: i.unit.clone(),
            standing: standing_vi(f.standing),
            hidden: f.hidden(),
        });
        for p in &f.breakdown {
            doc.breakdowns.push(BreakdownLine {
                code: i.code.clone(),
                key: p.key.clone(),
                name: p.name_vi.clone(),
                value: p.value,
            });
        }
    }
}

fn col(h: &str, w: f64, k: DocKind) -> DocColumn {
    DocColumn::new(h, w, k)
}

/// Money by source or by project. Source codes (`central`) are internal:
/// the .docx shows the source's name only (`codes_in_docx` false), and the
/// totals' label stands in the name's column.
fn money_table(
    sheet: &str,
    heading: &str,
    first: &str,
    lines: &[report_data::MoneyLine],
    codes_in_docx: bool,
) -> DocTable {
    let rows: Vec<Vec<DocCell>> = lines
        .iter()
        .map(|m| {
            vec![
                m.code.clone().into(),
                m.name_vi.clone().into(),
                DocCell::Int(m.budget),
                DocCell::Int(m.spent),
                DocCell::Int(m.budget - m.spent),
                if m.overspent() { "Có" } else { "" }.into(),
            ]
        })
        .collect();
    let (b, s) = lines
        .iter()
        .fold((0, 0), |(b, s), m| (b + m.budget, s + m.spent));
    DocTable {
        sheet: sheet.into(),
        heading: heading.into(),
        part: DocPart::Funding,
        columns: vec![
            if codes_in_docx {
                col("Mã", 10.0, DocKind::Text)
            } else {
                col("Mã", 10.0, DocKind::Text).workbook_only()
            },
            col(first, 40.0, DocKind::Text),
            col("Dự toán (đồng)", 16.0, DocKind::Int),
            col("Đã chi (đồng)", 16.0, DocKind::Int),
            col("Còn lại (đồng)", 16.0, DocKind::Int),
            col("Vượt dự toán", 10.0, DocKind::Text),
        ],
        rows,
        totals: Some(vec![
            if codes_in_docx {
                "Tổng cộng".into()
            } else {
                DocCell::Empty
            },
            if codes_in_docx {
                DocCell::Empty
            } else {
                "Tổng cộng".into()
            },
            DocCell::Int(b),
            DocCell::Int(s),
            DocCell::Int(b - s),
            if s > b { "Có" } else { "" }.into(),
        ]),
    }
}

/// Columns from their headers, widths and kinds, in order.
pub(crate) fn columns(heads: &[&str], widths: &[f64], kinds: &[DocKind]) -> Vec<DocColumn> {
    heads
        .iter()
        .zip(widths)
        .zip(kinds)
        .map(|((h, w), k)| col(h, *w, *k))
        .collect()
}

/// An empty table: its sheet, caption and part of the document.
pub(crate) fn table(sheet: &str, heading: &str, part: DocPart) -> DocTable {
    DocTable {
        sheet: sheet.into(),
        heading: heading.into(),
        part,
        columns: Vec::new(),
        rows: Vec::new(),
        totals: None,
    }
}

fn forum_level_vi(level: &str) -> String {
    match level {
        "national" => "Toàn quốc",
        "province" => "Tỉnh",
        "district" => "Huyện",
        "commune" => "Xã",
        _ => "Khác",
    }
    .into()
}

fn count(n: u64) -> DocCell {
    DocCell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The tables of the report's body, from its data.
fn tables(d: &ReportData, codes: &[String]) -> Vec<DocTable> {
    use DocKind::{Date, Dec, Int, Text};
    let mut out = Vec::new();
    let a = &d.activities;
    out.push(DocTable {
        columns: columns(
            &["Mã dự án", "Dự án, mô hình", "Số hoạt động"],
            &[10.0, 50.0, 14.0],
            &[Text, Text, Int],
        ),
        rows: a
            .by_project
            .iter()
            .map(|p| {
                vec![
                    p.code.clone().into(),
                    p.name_vi.clone().into(),
                    DocCell::Int(p.count),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Tổng cộng".into(),
            DocCell::Empty,
            DocCell::Int(a.total),
        ]),
        ..table(
            "Hoạt động theo dự án",
            &format!("Hoạt động năm {} theo dự án", d.year),
            DocPart::Activities,
        )
    });
    out.push(DocTable {
        columns: columns(
            &["Nhóm người tham gia", "Nữ", "Nam", "Tổng số"],
            &[36.0, 12.0, 12.0, 12.0],
            &[Text, Int, Int, Int],
        ),
        rows: a
            .trained
            .iter()
            .map(|t| {
                vec![
                    t.name_vi.clone().into(),
                    DocCell::Int(t.female),
                    DocCell::Int(t.male),
                    DocCell::Int(t.female + t.male),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Tổng cộng".into(),
            DocCell::Int(a.trained_female),
            DocCell::Int(a.trained_male),
            DocCell::Int(a.trained_female + a.trained_male),
        ]),
        ..table(
            "Người tham gia",
            &format!(
                "Người được tập huấn theo nhóm và giới tính ({} lớp tập huấn)",
                a.courses
            ),
            DocPart::Activities,
        )
    });
    out.push(money_table(
        "Kinh phí theo nguồn",
        "Kinh phí theo nguồn",
        "Nguồn kinh phí",
        &d.funding.by_source,
        false,
    ));
    out.push(money_table(
        "Kinh phí theo dự án",
        "Kinh phí theo dự án",
        "Dự án, mô hình",
        &d.funding.by_project,
        true,
    ));
    let children: i64 = d.forums.iter().map(|f| f.children).sum();
    out.push(DocTable {
        columns: columns(
            &[
                "Ngày",
                "Cấp",
                "Đơn vị",
                "Chủ đề",
                "Số trẻ em",
                "Điểm chưa đúng Thông tư 29",
            ],
            &[12.0, 10.0, 24.0, 40.0, 12.0, 14.0],
            &[Date, Text, Text, Text, Int, Int],
        ),
        rows: d
            .forums
            .iter()
            .map(|f| {
                vec![
                    DocCell::Date(f.starts_on),
                    forum_level_vi(&f.level).into(),
                    f.unit_name_vi.clone().into(),
                    f.theme.clone().into(),
                    DocCell::Int(f.children),
                    DocCell::Int(i64::from(f.warnings)),
                ]
            })
            .collect(),
        totals: Some(vec![
            format!("Tổng cộng ({} diễn đàn)", d.forums.len()).into(),
            DocCell::Empty,
            DocCell::Empty,
            DocCell::Empty,
            DocCell::Int(children),
            DocCell::Empty,
        ]),
        ..table("Diễn đàn", "Diễn đàn trẻ em", DocPart::Models)
    });
    let c = &d.councils;
    let k = &d.clubs;
    let with_dialogue = if c.with_dialogue.is_empty() {
        "Không có".to_string()
    } else {
        c.with_dialogue.join(", ")
    };
    out.push(DocTable {
        sheet: "Hội đồng, câu lạc bộ".into(),
        heading: "Hội đồng trẻ em và câu lạc bộ quyền tham gia".into(),
        part: DocPart::Models,
        columns: vec![
            col("Nội dung", 44.0, DocKind::Text),
            col("Số lượng", 30.0, DocKind::Int),
        ],
        rows: vec![
            vec!["Số hội đồng trẻ em".into(), count(c.total)],
            vec!["Số buổi đối thoại của hội đồng".into(), count(c.dialogues)],
            vec!["Nơi hội đồng có đối thoại".into(), with_dialogue.into()],
            vec!["Số câu lạc bộ".into(), count(k.total)],
            vec!["Số câu lạc bộ có hoạt động".into(), count(k.active)],
            vec!["Số buổi sinh hoạt câu lạc bộ".into(), count(k.activities)],
            vec!["Thành viên nữ".into(), DocCell::Int(k.girls)],
            vec!["Thành viên nam".into(), DocCell::Int(k.boys)],
        ],
        totals: None,
    });
    let r = &d.recommendations;
    let rate = |answered: u64, total: u64| {
        if total == 0 {
            DocCell::Empty
        } else {
            DocCell::Dec((answered as f64 * 1000.0 / total as f64).round() / 10.0)
        }
    };
    out.push(DocTable {
        columns: columns(
            &[
                "Cơ quan",
                "Số kiến nghị",
                "Đã trả lời",
                "Quá hạn",
                "Tỷ lệ trả lời (%)",
            ],
            &[36.0, 12.0, 12.0, 12.0, 12.0],
            &[Text, Int, Int, Int, Dec],
        ),
        rows: r
            .by_agency
            .iter()
            .map(|x| {
                vec![
                    x.name_vi.clone().into(),
                    count(x.total),
                    count(x.answered),
                    count(x.overdue),
                    x.answer_rate.map_or(DocCell::Empty, DocCell::Dec),
                ]
            })
            .collect(),
        totals: Some(vec![
            "Tổng cộng".into(),
            count(r.received),
            count(r.answered),
            count(r.overdue),
            rate(r.answered, r.received),
        ]),
        ..table(
            "Kiến nghị",
            "Kiến nghị của trẻ em và việc trả lời, theo cơ quan",
            DocPart::Recommendations,
        )
    });
    if !d.districts.is_empty() {
        let mut columns = vec![
            col("Mã", 8.0, DocKind::Text),
            col("Huyện, thành phố", 22.0, DocKind::Text),
            col("Trạng thái", 16.0, DocKind::Text),
            col("Hạn nộp", 12.0, DocKind::Date),
            col("Gửi lần đầu", 12.0, DocKind::Date),
            col("Đúng hạn", 10.0, DocKind::Text),
        ];
        for code in codes {
            columns.push(col(code, 9.0, DocKind::Dec));
        }
        let rows = d
            .districts
            .iter()
            .map(|p| {
                let mut v: Vec<DocCell> = vec![
                    p.unit_code.clone().into(),
                    p.unit_name_vi.clone().into(),
                    status_vi(p.status).into(),
                    DocCell::Date(p.due_on),
                    p.first_submitted_on.map_or(DocCell::Empty, DocCell::Date),
                    if p.first_submitted_on.is_none() {
                        ""
                    } else if p.on_time {
                        "Có"
                    } else {
                        "Không"
                    }
                    .into(),
                ];
                for code in codes {
                    let f = p
                        .figures
                        .as_ref()
                        .and_then(|fs| fs.iter().find(|f| &f.indicator.code == code));
                    v.push(f.map_or(DocCell::Empty, |f| {
                        if f.hidden() {
                            DocCell::Text(thamgia_domain::suppression::HIDDEN_LABEL.into())
                        } else {
                            thamgia_office::report_doc::value_cell(
                                f.indicator.value,
                                f.indicator.unit == "%",
                            )
                        }
                    }));
                }
                v
            })
            .collect();
        out.push(DocTable {
            sheet: "Các huyện".into(),
            heading: "Báo cáo của các đơn vị trực thuộc (số liệu đã phê duyệt)".into(),
            part: DocPart::Districts,
            columns,
            rows,
            totals: None,
        });
    }
    if !d.agencies.is_empty() {
        out.push(agencies_table(&d.agencies));
    }
    out
}

/// The agencies' reports: each agency owing one, its state and dates, and its
/// narrative on each duty (of a report that reached the coordinator).
fn agencies_table(parts: &[thamgia_store::agency_reports::AgencyPart]) -> DocTable {
    let columns = vec![
        col("Mã", 10.0, DocKind::Text),
        col("Cơ quan", 26.0, DocKind::Text),
        col("Trạng thái", 16.0, DocKind::Text),
        col("Hạn nộp", 12.0, DocKind::Date),
        col("Gửi lần đầu", 12.0, DocKind::Date),
        col("Kết quả theo nhiệm vụ", 60.0, DocKind::Text),
    ];
    let rows = parts
        .iter()
        .map(|p| {
            let narratives = p
                .narratives
                .iter()
                .map(|(duty, text)| format!("{duty}: {text}"))
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                p.agency_code.clone().into(),
                p.agency_name_vi.clone().into(),
                status_vi(p.status).into(),
                DocCell::Date(p.due_on),
                p.first_submitted_on.map_or(DocCell::Empty, DocCell::Date),
                narratives.into(),
            ]
        })
        .collect();
    DocTable {
        sheet: "Các cơ quan".into(),
        heading: "Báo cáo của các sở, ban, ngành, đoàn thể".into(),
        part: DocPart::Districts,
        columns,
        rows,
        totals: None,
    }
}

/// The document of a report: header details from the report (or defaults
/// from the plan and the unit), figures and tables from its data.
pub fn report_doc(
    d: &ReportData,
    r: Option<&report::Model>,
    plan: Option<&Plan>,
    u: &unit::Model,
) -> ReportDoc {
    let status = r.map(|r| r.status);
    // The document's date: the day it was (last) sent up; a draft has none.
    let dated = r
        .and_then(|r| r.submitted_at)
        .filter(|_| status.is_some_and(|s| s != ReportStatus::Draft))
        .map(|at| at.date_naive());
    let mut doc = empty_doc(u, d.year, plan, dated.unwrap_or_else(|| year_end(d.year)));
    doc.status = status_vi(status);
    fill_figures(&mut doc, &d.figures);
    let codes: Vec<String> = d.figures.iter().map(|f| f.indicator.code.clone()).collect();
    doc.tables = tables(d, &codes);
    if let Some(r) = r {
        let h = &mut doc.header;
        let some = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        // A draft carries no number; the symbol is always the issuer's.
        if status.is_some_and(|s| s != ReportStatus::Draft) {
            h.number = thamgia_office::report_doc::number_line(
                r.doc_number.as_deref(),
                h.number
                    .rsplit_once("/BC-")
                    .map_or("UBND", |(_, symbol)| symbol),
            );
        }
        if let Some(p) = some(&r.place) {
            h.place = p;
        }
        if let Some(t) = some(&r.signer_title) {
            h.signer_title = t;
        }
        // In the decree's form: "KT." for a deputy, "TM." for a committee.
        let committee = h.parent_body.is_empty();
        let (collective, head) = if committee {
            (Some("Ủy ban nhân dân"), "Chủ tịch")
        } else {
            (None, "Giám đốc")
        };
        h.signer_title =
            thamgia_office::report_doc::signer_lines(collective, head, &h.signer_title).join("\n");
        if let Some(n) = some(&r.signer_name) {
            h.signer_name = n;
        }
        if let Some(list) = some(&r.recipients) {
            h.recipients = list
                .lines()
                .map(|l| {
                    l.trim()
                        .trim_start_matches(['-', '–', '•'])
                        .trim()
                        .to_string()
                })
                .filter(|l| !l.is_empty())
                .collect();
        }
        h.date = dated;
        doc.results = r.results.clone();
        doc.difficulties = r.difficulties.clone();
        doc.proposals = r.proposals.clone();
    }
    doc
}

// ---------------------------------------------------------------- the review

/// The export of a period review (sơ kết, tổng kết) of `s.unit` over
/// `s.from`–`s.to`: the figures of `store::review::build` (the span rule
/// applied) and the coordinator's narrative, as the page shows them.
pub async fn review_file(
    db: &DatabaseConnection,
    s: &Span,
    today: NaiveDate,
    format: Format,
) -> AppResult<ExportFile> {
    let r = review::build(db, &s.unit, s.from, s.to, today).await?;
    let narrative = review::narrative_of(db, s.unit.id, s.from, s.to).await?;
    let plan = plans::governing(db, &s.unit.path, s.to).await?;
    let doc = review_doc(&r, narrative.as_ref(), plan.as_ref(), &s.unit);
    let stem = format!("tong-ket-{}-{}-{}", clean(&s.unit.code), s.from, s.to);
    write(&doc, format, &stem)
}

/// "Tổng kết" when the span reaches the plan's last year, else "Sơ kết".
pub fn review_kind_vi(plan: Option<&Plan>, to: i32) -> &'static str {
    if plan.is_some_and(|p| p.header.period_end == to) {
        "Tổng kết"
    } else {
        "Sơ kết"
    }
}

/// How a span figure is made, in the document's words.
pub fn span_rule_vi(rule: &str) -> &'static str {
    match rule {
        "sum" => "Cộng các năm",
        "share" => "Tính lại trên tổng tử số, mẫu số",
        "per_year" => "Chỉ tính theo từng năm",
        _ => "Không tính",
    }
}

/// A figure as a cell: `<5` when hidden, empty when there is none.
fn figure_cell(value: Option<f64>, hidden: bool, percent: bool) -> DocCell {
    if hidden {
        DocCell::Text(thamgia_domain::suppression::HIDDEN_LABEL.into())
    } else {
        thamgia_office::report_doc::value_cell(value, percent)
    }
}

fn year_columns(r: &Review, first: Vec<DocColumn>, kind: DocKind, last: &[&str]) -> Vec<DocColumn> {
    let mut columns = first;
    columns.extend((r.from..=r.to).map(|y| col(&y.to_string(), 11.0, kind)));
    columns.extend(last.iter().map(|h| col(h, 14.0, kind)));
    columns
}

/// A count over the span: each year's, then the sum of the years when it
/// adds up (`None` for what is counted in a year: councils, clubs).
fn series_row(label: &str, s: &Series, adds_up: bool) -> Vec<DocCell> {
    let mut row: Vec<DocCell> = vec![label.into()];
    row.extend(s.years.iter().map(|n| DocCell::Int(*n)));
    row.push(if adds_up {
        DocCell::Int(s.total)
    } else {
        DocCell::Empty
    });
    row
}

/// The share of recommendations answered, each year and over the span
/// (recomputed from the span's counts, never an average of the years').
pub fn answer_rates(r: &Review) -> Vec<Option<f64>> {
    let rate = |answered: i64, received: i64| {
        (received > 0).then(|| {
            thamgia_domain::results::percent(
                u64::try_from(answered).unwrap_or(0),
                u64::try_from(received).unwrap_or(0),
            )
        })
    };
    let (a, g) = (&r.recommendations_answered, &r.recommendations_received);
    let mut out: Vec<Option<f64>> = a
        .years
        .iter()
        .zip(&g.years)
        .map(|(a, g)| rate(*a, *g))
        .collect();
    out.push(rate(a.total, g.total));
    out
}

/// The review's tables: indicators by year and over the span, their
/// milestones, money by source, the models' history and recommendations.
fn review_tables(r: &Review) -> Vec<DocTable> {
    let head = || {
        vec![
            col("Mã", 8.0, DocKind::Text),
            col("Chỉ số", 44.0, DocKind::Text),
        ]
    };
    // Each indicator's code and name, then its cells.
    let lines = |cells: &dyn Fn(&IndicatorSpan, bool) -> Vec<DocCell>| -> Vec<Vec<DocCell>> {
        r.indicators
            .iter()
            .map(|i| {
                let mut row: Vec<DocCell> = vec![i.code.clone().into(), i.name_vi.clone().into()];
                row.extend(cells(i, i.unit == "%"));
                row
            })
            .collect()
    };
    let values = lines(&|i, p| {
        let years = i.years.iter().map(|y| figure_cell(y.value, y.hidden, p));
        let span = [
            figure_cell(i.span_value, i.span_hidden, p),
            span_rule_vi(i.span_rule).into(),
        ];
        years.chain(span).collect()
    });
    let targets = lines(&|i, p| {
        let years = i.years.iter().map(|y| figure_cell(y.target, false, p));
        years
            .chain([figure_cell(i.span_target, false, p)])
            .collect()
    });
    let mut money_cols = vec![
        col("Mã", 10.0, DocKind::Text).workbook_only(),
        col("Nguồn kinh phí", 36.0, DocKind::Text),
        col("Dự toán cả giai đoạn (đồng)", 16.0, DocKind::Int),
    ];
    money_cols = year_columns(r, money_cols, DocKind::Int, &["Đã chi cả giai đoạn (đồng)"]);
    let money_row = |code: DocCell, name: DocCell, budget: i64, spent: &[i64], total: i64| {
        let mut row = vec![code, name, DocCell::Int(budget)];
        row.extend(spent.iter().map(|n| DocCell::Int(*n)));
        row.push(DocCell::Int(total));
        row
    };
    let spent_by_year: Vec<i64> = (0..r.years.len())
        .map(|k| r.money.iter().map(|m| m.spent.years[k]).sum())
        .collect();
    let history = vec![
        series_row("Số hoạt động", &r.activities, true),
        series_row("Số người được tập huấn", &r.people_trained, true),
        series_row("Số diễn đàn trẻ em", &r.forums, true),
        series_row("Số hội đồng trẻ em", &r.councils, false),
        series_row("Số buổi đối thoại của hội đồng", &r.dialogues, true),
        series_row("Số câu lạc bộ", &r.clubs, false),
        series_row("Số buổi sinh hoạt câu lạc bộ", &r.club_activities, true),
    ];
    let mut rates: Vec<DocCell> = vec!["Tỷ lệ trả lời (%)".into()];
    rates.extend(
        answer_rates(r)
            .into_iter()
            .map(|v| figure_cell(v, false, true)),
    );
    let span = format!("giai đoạn {}–{}", r.from, r.to);
    // A table of counts by year: what, each year, the span.
    let counts = |t: DocTable, rows: Vec<Vec<DocCell>>| DocTable {
        columns: year_columns(
            r,
            vec![col("Nội dung", 36.0, DocKind::Text)],
            DocKind::Int,
            &["Cả giai đoạn"],
        ),
        rows,
        ..t
    };
    vec![
        DocTable {
            sheet: "Chỉ số".into(),
            heading: format!("Kết quả các chỉ số từng năm và cả {span}"),
            part: DocPart::Indicators,
            columns: year_columns(
                r,
                head(),
                DocKind::Dec,
                &["Cả giai đoạn", "Cách tính cả giai đoạn"],
            ),
            rows: values,
            totals: None,
        },
        DocTable {
            sheet: "Mục tiêu".into(),
            heading: format!("Mục tiêu (mốc) các chỉ số từng năm và cả {span}"),
            part: DocPart::Indicators,
            columns: year_columns(r, head(), DocKind::Dec, &["Cả giai đoạn"]),
            rows: targets,
            totals: None,
        },
        DocTable {
            sheet: "Kinh phí theo nguồn".into(),
            heading: format!("Kinh phí theo nguồn, {span}"),
            part: DocPart::Funding,
            columns: money_cols,
            rows: r
                .money
                .iter()
                .map(|m| {
                    money_row(
                        m.code.clone().into(),
                        m.name_vi.clone().into(),
                        m.budget.total,
                        &m.spent.years,
                        m.spent.total,
                    )
                })
                .collect(),
            totals: Some(money_row(
                DocCell::Empty,
                "Tổng cộng".into(),
                r.money.iter().map(|m| m.budget.total).sum(),
                &spent_by_year,
                r.money.iter().map(|m| m.spent.total).sum(),
            )),
        },
        counts(
            table(
                "Hoạt động, mô hình",
                &format!("Hoạt động và các mô hình qua các năm, {span}"),
                DocPart::Models,
            ),
            history,
        ),
        counts(
            table(
                "Kiến nghị",
                &format!("Kiến nghị của trẻ em và việc trả lời, {span}"),
                DocPart::Recommendations,
            ),
            vec![
                series_row("Số kiến nghị nhận được", &r.recommendations_received, true),
                series_row("Số kiến nghị đã trả lời", &r.recommendations_answered, true),
                rates,
            ],
        ),
    ]
}

/// The document of a period review, laid out as the annual report is
/// (Decree 30): issued as of the span's last year's end, the narrative the
/// coordinator wrote.
pub fn review_doc(
    r: &Review,
    n: Option<&thamgia_store::entity::review::Model>,
    plan: Option<&Plan>,
    u: &unit::Model,
) -> ReportDoc {
    let mut doc = empty_doc(u, r.to, plan, year_end(r.to));
    doc.period = Some((r.from, r.to));
    doc.status = "Dự thảo".into();
    doc.header.summary = format!(
        "{} thực hiện Kế hoạch thúc đẩy quyền tham gia của trẻ em giai đoạn {}–{}",
        review_kind_vi(plan, r.to),
        r.from,
        r.to
    );
    doc.tables = review_tables(r);
    if let Some(n) = n {
        doc.results = n.results.clone();
        doc.difficulties = n.difficulties.clone();
        doc.proposals = n.proposals.clone();
    }
    doc
}

// ---------------------------------------------------------------- the target

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct UnitYear {
    pub unit: Option<String>,
    pub year: Option<String>,
}

/// A unit code and a year as a query carries them: both required, the year
/// four digits; what is refused goes into `fields` (`required`,
/// `invalid_year`).
pub fn read_unit_year<'a>(
    unit: Option<&'a str>,
    year: Option<&str>,
    fields: &mut std::collections::BTreeMap<String, String>,
) -> (Option<&'a str>, Option<i32>) {
    let mut refuse = |field: &str, code: &str| {
        fields.insert(field.to_string(), code.to_string());
    };
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    if unit.is_none() {
        refuse("unit", "required");
    }
    let year = match year.map(str::trim).filter(|y| !y.is_empty()) {
        None => {
            refuse("year", "required");
            None
        }
        Some(y) => {
            let parsed = parse_year(y);
            if parsed.is_none() {
                refuse("year", "invalid_year");
            }
            parsed
        }
    };
    (unit, year)
}

/// The unit and year of an indicator export: both required (422 otherwise),
/// the unit in the caller's scope (404 otherwise).
pub async fn indicator_target(
    state: &AppState,
    p: &Principal,
    q: &UnitYear,
) -> AppResult<(unit::Model, i32)> {
    let mut fields = std::collections::BTreeMap::new();
    let (unit, year) = read_unit_year(q.unit.as_deref(), q.year.as_deref(), &mut fields);
    let (Some(unit), Some(year)) = (unit, year) else {
        return Err(AppError::Invalid {
            fields,
            detail: None,
        });
    };
    let u = units::resolve(&state.db.conn, &p.scope(), unit, Some(year), None)
        .await?
        .unit;
    Ok((u, year))
}
