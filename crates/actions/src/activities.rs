//! Activities: record one, change one, delete one, and their spending and
//! documents. The fields are read and checked by
//! `thamgia_domain::activities::check_activity` (the same rules as the Excel
//! import); here are the rules around it: the lead agency of an agency
//! officer, a code used once in a unit, the activity's ownership
//! (`Principal::may_manage`). `pages/activities.rs` and `api/activities.rs`
//! call these functions.

use crate::catalog::Action;
use crate::{Act, ActionError, ActionResult, Fields, invalid, invalid_one};
use chrono::Datelike;
use sea_orm::DatabaseConnection;
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::{
    Activity, ActivityKind, FieldError, Spending, SpendingText, check_activity, check_spending,
};
use thamgia_store::activities::{self, ActivityFilter, ActivityRow};
use thamgia_store::entity::{activity, activity_document, spending, unit};
use thamgia_store::{StoreError, units};

pub use thamgia_domain::activities::ActivityText as ActivityInput;

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("activities.create", Permission::ManageActivities),
    Action::agency("activities.update", Permission::ManageActivities),
    Action::agency("activities.delete", Permission::ManageActivities),
    Action::agency("activities.add_spending", Permission::ManageActivities),
    Action::agency("activities.delete_spending", Permission::ManageActivities),
    Action::agency("activities.add_document", Permission::ManageActivities),
];

/// The largest document accepted, in bytes.
pub const MAX_DOCUMENT: usize = 10 * 1024 * 1024;

/// The domain's errors as a field map (the first error of each field).
pub fn to_fields(errs: Vec<FieldError>) -> Fields {
    let mut f = Fields::new();
    for e in errs {
        f.entry(e.field).or_insert_with(|| e.code.to_string());
    }
    f
}

/// An activity in the caller's scope that the caller may change: `NotFound`
/// outside the scope, `Forbidden` when another agency leads it (agency
/// officers).
pub async fn load_managed(act: Act<'_>, id: i32) -> ActionResult<(activity::Model, unit::Model)> {
    act.require(Permission::ManageActivities)?;
    let (a, u) = activities::get_in_scope(act.db, &act.p.scope(), id).await?;
    if !act
        .p
        .may_manage(Permission::ManageActivities, a.lead_agency_id)
    {
        return Err(ActionError::Forbidden);
    }
    Ok((a, u))
}

/// Checks an activity for saving: every field (`check_activity`), the lead
/// agency of an agency officer, and a code not used by another activity of
/// the unit.
pub async fn check(
    act: Act<'_>,
    t: &ActivityInput,
    editing: Option<i32>,
) -> ActionResult<Activity> {
    let (db, p) = (act.db, act.p);
    let lookup = activities::lookup(db, &p.scope()).await?;
    let checked = check_activity(t, &lookup);
    let mut e = match &checked {
        Ok(_) => Fields::new(),
        Err(errs) => to_fields(errs.clone()),
    };
    if let Some(own) = p.own_agency()
        && !e.contains_key("lead_agency")
        && lookup.agencies.get(t.lead_agency.trim()) != Some(&own)
    {
        e.insert("lead_agency".into(), "not_your_agency".into());
    }
    if let Some(&unit_id) = lookup.units.get(t.unit.trim())
        && !t.code.trim().is_empty()
        && !e.contains_key("code")
        && let Some(other) = activities::by_code(db, unit_id, t.code.trim()).await?
        && Some(other.id) != editing
    {
        e.insert("code".into(), "code_taken".into());
    }
    match checked {
        Ok(a) if e.is_empty() => Ok(a),
        _ => Err(invalid(e)),
    }
}

/// Records an activity (`ManageActivities`; an agency officer leads it).
pub async fn create(act: Act<'_>, t: &ActivityInput) -> ActionResult<activity::Model> {
    act.require(Permission::ManageActivities)?;
    let checked = check(act, t, None).await?;
    let (row, _) = activities::save(act.db, &act.actor(), act.now, &checked).await?;
    Ok(row)
}

/// Replaces an activity's fields; a code another activity of the unit took
/// meanwhile is `code: code_taken`.
pub async fn update(act: Act<'_>, id: i32, t: &ActivityInput) -> ActionResult<()> {
    let (a, _) = load_managed(act, id).await?;
    let checked = check(act, t, Some(a.id)).await?;
    match activities::update(act.db, &act.actor(), act.now, a.id, &checked).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict { field: "code" }) => Err(invalid_one("code", "code_taken")),
        Err(e) => Err(e.into()),
    }
}

/// Deletes an activity with its participants, documents and spending.
pub async fn delete(act: Act<'_>, id: i32) -> ActionResult<()> {
    let (a, _) = load_managed(act, id).await?;
    activities::delete(act.db, &act.actor(), act.now, a.id).await?;
    Ok(())
}

// ---------------------------------------------------------------- spending

/// A spending as sent: the source (code or name), the date and the amount
/// as text (`1.250.000`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct SpendingInput {
    pub source: String,
    pub spent_on: String,
    pub amount: String,
    pub note: String,
}

/// Checks a spending against this activity (its unit and code are fixed).
pub async fn check_spending_for(
    db: &DatabaseConnection,
    p: &Principal,
    a: &activity::Model,
    u: &unit::Model,
    f: &SpendingInput,
) -> ActionResult<Spending> {
    let lookup = activities::lookup(db, &p.scope()).await?;
    check_spending(
        &SpendingText {
            unit: u.code.clone(),
            activity: a.code.clone(),
            source: f.source.clone(),
            spent_on: f.spent_on.clone(),
            amount: f.amount.clone(),
            note: f.note.clone(),
        },
        &lookup,
    )
    .map_err(|e| invalid(to_fields(e)))
}

/// Records a spending against the activity. The stored spending, and
/// whether it is new (`false`: the same source, date, amount and note were
/// recorded before, and nothing was added).
pub async fn add_spending(
    act: Act<'_>,
    id: i32,
    f: &SpendingInput,
) -> ActionResult<(spending::Model, bool)> {
    let (a, u) = load_managed(act, id).await?;
    let s = check_spending_for(act.db, act.p, &a, &u, f).await?;
    match activities::add_spending(act.db, &act.actor(), act.now, a.id, &s).await? {
        Some(row) => Ok((row, true)),
        None => {
            let same = activities::spendings_of(act.db, a.id)
                .await?
                .into_iter()
                .find(|x| {
                    x.source_code == s.source
                        && x.spent_on == s.spent_on
                        && x.amount == s.amount.0
                        && x.note == s.note
                })
                .ok_or(ActionError::NotFound)?;
            Ok((same, false))
        }
    }
}

/// Deletes a spending of the activity (`NotFound` for another activity's).
pub async fn delete_spending(act: Act<'_>, id: i32, spending_id: i32) -> ActionResult<()> {
    let (a, _) = load_managed(act, id).await?;
    if !activities::spendings_of(act.db, a.id)
        .await?
        .iter()
        .any(|s| s.id == spending_id)
    {
        return Err(ActionError::NotFound);
    }
    activities::delete_spending(act.db, &act.actor(), act.now, spending_id).await?;
    Ok(())
}

// ---------------------------------------------------------------- documents

/// A document as sent: its name, the type its sender claims, the bytes.
#[derive(Debug, Default, Clone)]
pub struct DocumentInput {
    pub file_name: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// A file name safe to store and send back: the last path segment, no
/// control characters or quotes, at most 200 characters.
pub fn clean_file_name(s: &str) -> String {
    let last = s.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let t = cleaned.trim().to_string();
    if t.is_empty() || t == "." || t == ".." {
        "tai-lieu".into()
    } else {
        t
    }
}

/// The content type to store, or the field error: the rule (allow-list by
/// extension, executable types refused) is `thamgia_domain::documents`.
pub fn content_type_of(file_name: &str, given: Option<&str>) -> Result<String, &'static str> {
    thamgia_domain::documents::accept(file_name, given)
        .map(str::to_string)
        .map_err(|e| e.code())
}

/// Attaches a document to the activity: a name is required, the file must
/// hold at most [`MAX_DOCUMENT`] bytes and be of an accepted type (the type's
/// error is the one named when both are wrong).
pub async fn add_document(
    act: Act<'_>,
    id: i32,
    f: DocumentInput,
) -> ActionResult<activity_document::Model> {
    let (a, _) = load_managed(act, id).await?;
    let mut e = Fields::new();
    if f.file_name.trim().is_empty() {
        e.insert("name".into(), "required".into());
    }
    if f.data.is_empty() {
        e.insert("file".into(), "file_required".into());
    } else if f.data.len() > MAX_DOCUMENT {
        e.insert("file".into(), "file_too_large".into());
    }
    let name = clean_file_name(&f.file_name);
    let ct = content_type_of(&name, f.content_type.as_deref());
    if let Err(code) = &ct {
        e.insert("file".into(), (*code).into());
    }
    let ct = match ct {
        Ok(ct) if e.is_empty() => ct,
        _ => return Err(invalid(e)),
    };
    Ok(activities::add_document(act.db, &act.actor(), act.now, a.id, &name, &ct, f.data).await?)
}

// ---------------------------------------------------------------- reading

/// The row of the list holding one activity (agencies and participants with it).
pub async fn row_of(
    db: &DatabaseConnection,
    p: &Principal,
    a: &activity::Model,
    u: &unit::Model,
) -> ActionResult<ActivityRow> {
    let rows = activities::list(
        db,
        &p.scope(),
        &ActivityFilter {
            unit_path: Some(u.path.clone()),
            year: Some(a.starts_on.year()),
            project: Some(a.project_code.clone()),
            kind: Some(a.kind.as_str().into()),
            lead_agency_id: Some(a.lead_agency_id),
        },
    )
    .await?;
    rows.into_iter()
        .find(|r| r.activity.id == a.id)
        .ok_or(ActionError::NotFound)
}

/// The list's filter, checked: a unit outside the scope is `NotFound`.
pub async fn filter_of(
    db: &DatabaseConnection,
    p: &Principal,
    unit: &str,
    year: &str,
    project: &str,
    kind: &str,
) -> ActionResult<ActivityFilter> {
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y));
    // A code names a unit only with a date: the one of the year asked.
    let unit_path = if unit.trim().is_empty() {
        None
    } else {
        Some(
            units::resolve(db, &p.scope(), unit.trim(), year, None)
                .await?
                .unit
                .path,
        )
    };
    Ok(ActivityFilter {
        unit_path,
        year,
        project: Some(project.trim().to_uppercase()).filter(|s| !s.is_empty()),
        kind: ActivityKind::read(kind).map(|k| k.as_str().to_string()),
        lead_agency_id: None,
    })
}

/// Participants of an activity's row: (female, male).
pub fn people_of(r: &ActivityRow) -> (i64, i64) {
    r.participants.iter().fold((0, 0), |(f, m), p| {
        (f + i64::from(p.female), m + i64::from(p.male))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_file_names_and_refuses_types() {
        assert_eq!(clean_file_name("C:\\x\\..\\a\"b.pdf"), "ab.pdf");
        assert_eq!(
            content_type_of("a.html", Some("text/html")),
            Err("file_type_refused")
        );
        assert_eq!(
            content_type_of("a.bin", Some("application/x-custom")),
            Ok("application/octet-stream".to_string())
        );
    }
}
