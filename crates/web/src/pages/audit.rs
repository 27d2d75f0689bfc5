//! The audit trail, readable: `/audit` (page) and `/api/v1/audit` share the
//! query here. Admins and coordinators read the entries of records inside
//! their scope (`thamgia_store::audit::list`), shown as the trail's rules allow
//! (`thamgia_store::audit::shown`): no unmoderated text, no small count, no
//! name, no secret.

use super::{Chrome, PageErr, PageResult, Visit, render, require};
use askama::Template;
use axum::extract::Query;
use std::collections::BTreeMap;
use thamgia_domain::access::Permission;

use crate::audit_query::{AuditQuery, filter_of, read};

struct Row {
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    unit: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    q: AuditQuery,
    errors: BTreeMap<String, String>,
    rows: Vec<Row>,
    page: u64,
    prev: Option<String>,
    next: Option<String>,
}

impl AuditPage {
    fn err(&self, field: &str) -> Option<String> {
        self.errors
            .get(field)
            .map(|code| self.c.t(&format!("audit-err-{}", code.replace('_', "-"))))
    }

    fn val<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

/// Another page of the same list: the address as it is, every filter kept,
/// with `page` set (`web::pager`, as every list page).
pub async fn page(
    Visit { state, p, ctx }: Visit,
    Query(q): Query<AuditQuery>,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
) -> PageResult {
    let lang = ctx.lang;
    require(&p, Permission::ViewAudit, lang)?;
    let (rows, errors, page, more) = match filter_of(&state, &q).await {
        Ok((f, page)) => {
            let (rows, more) = read(&state, &p, &f, page).await.page(lang)?;
            (rows, BTreeMap::new(), page, more)
        }
        Err(e) => (vec![], e, 0, false),
    };
    let rows = rows
        .into_iter()
        .map(|(e, unit)| Row {
            at: e.at.format("%d/%m/%Y %H:%M").to_string(),
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            unit: unit.unwrap_or_default(),
            before: e.before.unwrap_or_default(),
            after: e.after.unwrap_or_default(),
        })
        .collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = render(&AuditPage {
        c: Chrome::new(&ctx, "audit-title"),
        prev: (page > 0).then(|| crate::pager::with_page(&uri, page as usize, None)),
        next: more.then(|| crate::pager::with_page(&uri, page as usize + 2, None)),
        q,
        errors,
        rows,
        page: page + 1,
    });
    *res.status_mut() = status;
    Ok(res)
}
