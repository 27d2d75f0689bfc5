//! The audit trail's query, shared by the page (`pages/audit.rs`) and the
//! API (`api/audit.rs`): who may read it, the filters as the address gives
//! them, and one page of entries of records inside the reader's scope,
//! shown as the trail's rules allow (`thamgia_store::audit::shown`).

use crate::api::shapes::query_params;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use std::collections::{BTreeMap, HashMap};
use thamgia_domain::access::{Permission, Principal};
use thamgia_store::audit::Filter;
use thamgia_store::entity::audit;

/// Entries per page.
pub(crate) const PER_PAGE: u64 = 50;

query_params! {
    /// The query both the page and the API take; all optional. Dates are
    /// `yyyy-mm-dd` or `dd/mm/yyyy`, `to` inclusive.
    AuditQuery {
        /// Record kind: `activity`, `matter`, `consultation`, `unit`, …
        entity,
        /// Record id (or code, for units and agencies); needs `entity`.
        record,
        /// Username of the account that made the change.
        account,
        /// First day (inclusive).
        from,
        /// Last day (inclusive).
        to,
        /// Page, from 1.
        page,
    }
}

pub(crate) fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filter and the page (from 0), or the fields in error.
pub(crate) async fn filter_of(
    state: &AppState,
    q: &AuditQuery,
) -> Result<(Filter, u64), BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let mut f = Filter {
        entity: given(&q.entity).map(str::to_string),
        entity_id: given(&q.record).map(str::to_string),
        ..Default::default()
    };
    if f.entity_id.is_some() && f.entity.is_none() {
        errors.insert("entity".into(), "required".into());
    }
    if let Some(name) = given(&q.account) {
        // An unknown account has written nothing: no entries, not an error
        // (which would tell who exists outside the reader's scope).
        f.actor_user_id = Some(
            match thamgia_store::users::by_username(&state.db.conn, &name.to_lowercase()).await {
                Ok(Some(u)) => u.id,
                Ok(None) => -1,
                Err(_) => {
                    errors.insert("account".into(), "unavailable".into());
                    -1
                }
            },
        );
    }
    let day = |field: &str, v: &Option<String>, errors: &mut BTreeMap<String, String>| {
        let s = given(v)?;
        match thamgia_domain::activities::parse_date(s) {
            Some(d) => Some(d),
            None => {
                errors.insert(field.into(), "not_a_date".into());
                None
            }
        }
    };
    let from = day("from", &q.from, &mut errors);
    let to = day("to", &q.to, &mut errors);
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        errors.insert("to".into(), "before_from".into());
    }
    f.from = from
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    f.until = to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    let page = match given(&q.page) {
        None => 0,
        Some(p) => match p.parse::<u64>() {
            Ok(n) if (1..=100_000).contains(&n) => n - 1,
            _ => {
                errors.insert("page".into(), "not_a_page".into());
                0
            }
        },
    };
    if errors.is_empty() {
        Ok((f, page))
    } else {
        Err(errors)
    }
}

/// One page of entries for a reader, with the codes of their units.
pub(crate) async fn read(
    state: &AppState,
    p: &Principal,
    f: &Filter,
    page: u64,
) -> AppResult<(Vec<(audit::Model, Option<String>)>, bool)> {
    let db = &state.db.conn;
    let scope = p.scope();
    let (rows, more) = thamgia_store::audit::list(db, &scope, f, page, PER_PAGE).await?;
    let codes: HashMap<i32, String> = thamgia_store::units::within(db, &scope, None)
        .await?
        .into_iter()
        .map(|u| (u.id, u.code))
        .collect();
    Ok((
        rows.into_iter()
            .map(|e| {
                let code = e.unit_id.and_then(|u| codes.get(&u).cloned());
                (e, code)
            })
            .collect(),
        more,
    ))
}

pub(crate) fn may_read(p: &Principal) -> Result<(), AppError> {
    if p.can(Permission::ViewAudit) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
