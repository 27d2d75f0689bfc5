//! The inbox: what is due for the signed-in official, by kind of work, each
//! item with its due date and one link to where it is done — reports due or
//! returned (and, for those who review, reports waiting and units late),
//! children's texts waiting for a moderator (by consultation, oldest first),
//! answers owed to children, recommendations to answer, safeguarding alerts,
//! the reminders (đôn đốc) the official's unit or agency received, and the
//! recommendations after an inspection whose follow-up is due.
//! It replaces the old home page of tiles; the menu carries the rest.

use super::{Chrome, PageErr, PageResult, Visit, render};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::models::RecommendationStatus;
use thamgia_domain::reports::ReportStatus;
use thamgia_store::recommendations::{Reach, RecommendationFilter};
use thamgia_store::{
    StoreError, indicators, recommendations, reminders, report_data, reports, responses,
};

/// At most this many items of a kind; the rest behind "see all".
const SHOWN: usize = 8;
/// A report shows from this many days before its due date.
const REPORT_NOTICE_DAYS: u64 = 45;
/// Reminders received show for this many days.
const REMINDER_DAYS: i64 = 60;

/// One thing to do.
pub struct Item {
    pub text: String,
    /// The due date as written (dd/mm/yyyy), when there is one.
    pub due: Option<String>,
    pub overdue: bool,
    pub href: String,
}

/// The items of one kind of work.
pub struct Group {
    pub title: String,
    pub items: Vec<Item>,
    /// How many there are in all (more than shown: a link to all).
    pub total: usize,
    pub all_href: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    c: Chrome,
    unit_name: String,
    groups: Vec<Group>,
    /// The official may remind others (`/reminders`).
    can_remind: bool,
}

fn group(lang: Lang, key: &str, mut items: Vec<Item>, all_href: &str) -> Option<Group> {
    if items.is_empty() {
        return None;
    }
    let total = items.len();
    items.truncate(SHOWN);
    Some(Group {
        title: lang.t(key),
        items,
        total,
        all_href: all_href.into(),
    })
}

fn item(lang: Lang, text: String, due: Option<NaiveDate>, today: NaiveDate, href: String) -> Item {
    Item {
        text,
        overdue: due.is_some_and(|d| d < today),
        due: due.map(|d| lang.date(d)),
        href,
    }
}

pub async fn show(Visit { state, p, ctx }: Visit) -> PageResult {
    let db = &state.db.conn;
    let lang = ctx.lang;
    let today = state.now().date_naive();
    let unit = thamgia_store::units::by_id(db, p.unit_id)
        .await
        .page(lang)?;
    let unit_name = unit
        .as_ref()
        .map(|u| lang.pick(&u.name_vi, &u.name_en).to_string())
        .unwrap_or_default();
    let mut groups = Vec::new();
    let items = reminder_items(&state, &p, lang, today).await.page(lang)?;
    groups.extend(group(lang, "inbox-group-reminders", items, "/"));
    let alerts = super::moderation::alert_count(&state, &p).await;
    if alerts > 0 {
        let n = i64::try_from(alerts).unwrap_or(0);
        let text = lang.t_counts("inbox-alerts", &[("n", n)], &[]);
        groups.extend(group(
            lang,
            "inbox-group-safeguarding",
            vec![item(lang, text, None, today, "/alerts".into())],
            "/alerts",
        ));
    }
    if let Some(u) = &unit {
        let items = report_items(&state, &p, u, lang, today).await.page(lang)?;
        groups.extend(group(lang, "inbox-group-reports", items, "/reports"));
    }
    if p.can(Permission::Moderate) {
        let items = moderation_items(&state, &p, lang, today).await.page(lang)?;
        groups.extend(group(lang, "inbox-group-moderation", items, "/moderation"));
    }
    if p.can(Permission::AnswerChildren) {
        let owed = indicators::overdue_answers(db, &p.scope(), p.own_agency(), today)
            .await
            .page(lang)?;
        let items = owed
            .into_iter()
            .map(|o| {
                let text = lang.t_args("inbox-answer-owed", &[("title", o.matter.title.clone())]);
                item(
                    lang,
                    text,
                    Some(o.due),
                    today,
                    format!("/matters/{}", o.matter.id),
                )
            })
            .collect();
        groups.extend(group(
            lang,
            "inbox-group-answers",
            items,
            "/answers/overdue",
        ));
    }
    if p.can(Permission::AnswerRecommendations) {
        let items = recommendation_items(&state, &p, lang, today)
            .await
            .page(lang)?;
        groups.extend(group(
            lang,
            "inbox-group-recommendations",
            items,
            "/recommendations",
        ));
    }
    if p.can(Permission::Inspect) {
        let items = inspection_items(&state, &p, lang, today).await.page(lang)?;
        groups.extend(group(
            lang,
            "inbox-group-inspections",
            items,
            "/inspections",
        ));
    }
    Ok(render(&InboxPage {
        c: Chrome::new(&ctx, "inbox-title"),
        unit_name,
        groups,
        can_remind: p.can(Permission::Remind),
    }))
}

/// Reminders sent to the official's agency (or unit, when bound to no
/// agency) in the last [`REMINDER_DAYS`], the newest first, each linking to
/// where the work is done.
async fn reminder_items(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<Item>, StoreError> {
    let db = &state.db.conn;
    let since = state.now() - chrono::Duration::days(REMINDER_DAYS);
    let mut out = Vec::new();
    for r in reminders::received(db, p, since).await? {
        let from = thamgia_store::units::by_id(db, r.from_unit_id)
            .await?
            .map(|u| lang.pick(&u.name_vi, &u.name_en).to_string())
            .unwrap_or_default();
        let party = reminders::party_name(db, &r).await?;
        let about = crate::mail::sentence(lang, &r, &party);
        let href = match r.kind.as_str() {
            reminders::ANSWER => format!("/matters/{}", r.reference),
            reminders::RECOMMENDATION => format!("/recommendations/{}", r.reference),
            reminders::FORUM => format!("/forums/{}", r.reference),
            reminders::AGENCY_REPORT => match (r.agency_id, r.reference.split_once('-')) {
                (Some(id), Some((_, year))) => {
                    thamgia_store::agencies::by_id(db, id).await?.map_or_else(
                        || "/reports".to_string(),
                        |a| format!("/agency-reports/{}/{year}", a.code),
                    )
                }
                _ => "/reports".to_string(),
            },
            _ => "/reports".to_string(),
        };
        let text = lang.t_args("inbox-reminder", &[("unit", from), ("about", about)]);
        out.push(item(lang, text, Some(r.due_on), today, href));
    }
    Ok(out)
}

/// Recommendations after an inspection whose follow-up is due (overdue or
/// within 14 days), for the inspected party and the inspector alike, each
/// linking to its inspection.
async fn inspection_items(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<Item>, StoreError> {
    let due = thamgia_store::inspections::due(&state.db.conn, p, today).await?;
    Ok(due
        .into_iter()
        .map(|d| {
            let l = &d.inspection;
            let party = match &l.agency {
                Some(a) => lang.pick(&a.name_vi, &a.name_en),
                None => lang.pick(&l.unit.name_vi, &l.unit.name_en),
            };
            let text = lang.t_args(
                "inbox-inspection-item",
                &[
                    ("party", party.to_string()),
                    ("text", d.recommendation.text.clone()),
                ],
            );
            let href = format!(
                "/inspections/{}#rec-{}",
                l.inspection.id, d.recommendation.id
            );
            item(lang, text, Some(d.recommendation.deadline), today, href)
        })
        .collect())
}

async fn report_items(
    state: &AppState,
    p: &Principal,
    u: &thamgia_store::entity::unit::Model,
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<Item>, StoreError> {
    let db = &state.db.conn;
    let mut out = Vec::new();
    for year in reminders::report_years(today) {
        // A year no plan covers owes no report: the chain is the plan's.
        if thamgia_store::plans::covering_levels(db, &u.path, year)
            .await?
            .is_none()
        {
            continue;
        }
        let href = format!("/reports/{}/{year}", u.code);
        if p.can(Permission::ManageReports) && report_data::in_chain(db, u, year).await? {
            let r = reports::of_unit_year(db, u.id, year).await?;
            let status = r.as_ref().map(|r| r.status);
            let due = match &r {
                Some(r) => r.due_on,
                None => report_data::due_on(db, &u.path, year).await?,
            };
            let y = year.to_string();
            match status {
                Some(ReportStatus::Returned) => out.push(item(
                    lang,
                    lang.t_args("inbox-report-returned", &[("year", y)]),
                    Some(due),
                    today,
                    href.clone(),
                )),
                None | Some(ReportStatus::Draft)
                    if due
                        .checked_sub_days(Days::new(REPORT_NOTICE_DAYS))
                        .is_some_and(|from| today >= from) =>
                {
                    out.push(item(
                        lang,
                        lang.t_args("inbox-report-due", &[("year", y)]),
                        Some(due),
                        today,
                        href.clone(),
                    ));
                }
                _ => {}
            }
        }
        if p.can(Permission::ReviewReports) {
            let rows = report_data::chain_status(db, u, year, today).await?;
            for r in rows.iter().filter(|r| r.unit.id != u.id) {
                if r.status == Some(ReportStatus::Submitted) {
                    let name = lang.pick(&r.unit.name_vi, &r.unit.name_en).to_string();
                    out.push(item(
                        lang,
                        lang.t_args(
                            "inbox-report-to-review",
                            &[("year", year.to_string()), ("unit", name)],
                        ),
                        None,
                        today,
                        format!("/reports/{}/{year}", r.unit.code),
                    ));
                }
            }
            let late: Vec<_> = rows.iter().filter(|r| r.overdue).collect();
            if let Some(first) = late.first() {
                let n = i64::try_from(late.len()).unwrap_or(0);
                out.push(item(
                    lang,
                    lang.t_counts(
                        "inbox-reports-late",
                        &[("n", n)],
                        &[("year", year.to_string())],
                    ),
                    Some(first.due_on),
                    today,
                    format!("/reports?year={year}"),
                ));
            }
        }
    }
    Ok(out)
}

/// Texts waiting for a moderator, one item per consultation, the one with
/// the oldest waiting text first.
async fn moderation_items(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<Item>, StoreError> {
    let pending = responses::pending_texts(&state.db.conn, &p.scope()).await?;
    // Consultation id → (oldest text id, title, count); texts come oldest first.
    let mut by: BTreeMap<i32, (i32, String, i64)> = BTreeMap::new();
    for (a, k) in &pending {
        by.entry(k.id).or_insert((a.id, k.title.clone(), 0)).2 += 1;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by_key(|(_, (oldest, _, _))| *oldest);
    Ok(rows
        .into_iter()
        .map(|(id, (_, title, n))| {
            let text = lang.t_counts("inbox-texts-waiting", &[("n", n)], &[("title", title)]);
            item(
                lang,
                text,
                None,
                today,
                format!("/moderation?consultation={id}"),
            )
        })
        .collect())
}

/// Recommendations not yet answered that this official may answer, the
/// nearest deadline first.
async fn recommendation_items(
    state: &AppState,
    p: &Principal,
    lang: Lang,
    today: NaiveDate,
) -> Result<Vec<Item>, StoreError> {
    let rows = recommendations::list(
        &state.db.conn,
        &Reach::of(p),
        &RecommendationFilter::default(),
    )
    .await?;
    let mut open: Vec<_> = rows
        .into_iter()
        .filter(|(r, _, _)| r.status != RecommendationStatus::Answered)
        .filter(|(r, _, _)| p.own_agency().is_none_or(|own| own == r.agency_id))
        .collect();
    open.sort_by_key(|(r, _, _)| (r.deadline, r.id));
    Ok(open
        .into_iter()
        .map(|(r, _, a)| {
            let agency = lang.pick(&a.name_vi, &a.name_en).to_string();
            let text = lang.t_args(
                "inbox-recommendation",
                &[("text", short(&r.text)), ("agency", agency)],
            );
            item(
                lang,
                text,
                Some(r.deadline),
                today,
                format!("/recommendations/{}", r.id),
            )
        })
        .collect())
}

/// The first words of a text, for a line of the inbox.
fn short(text: &str) -> String {
    const MAX: usize = 90;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    }
}
