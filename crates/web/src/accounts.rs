//! Creating and changing accounts, with the same rules whether the request
//! comes from the admin page, the API or the command line.

use crate::error::AppError;
use crate::password;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use thamgia_domain::access::{Actor, Role, Scope};
use thamgia_domain::account::{Username, check_password};
use thamgia_store::entity::user;
use thamgia_store::{agencies, units, users};

/// Input for a new account, as typed.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct UserInput {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub role: String,
    /// Official code of the unit whose subtree the role covers.
    pub unit: String,
    /// Agency code; required for `agency_officer`.
    #[serde(default)]
    pub agency: Option<String>,
    pub password: String,
}

/// Checks every field, collecting all problems, and creates the account.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    now: DateTime<Utc>,
    input: UserInput,
) -> Result<user::Model, AppError> {
    let mut errors = BTreeMap::new();
    let username = Username::parse(&input.username)
        .map_err(|e| errors.insert("username".to_string(), e.code().to_string()))
        .ok();
    if let Err(e) = check_password(&input.password) {
        errors.insert("password".into(), e.code().into());
    }
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        errors.insert("role".into(), "unknown_role".into());
    }
    let unit = units::get_in_scope(db, scope, input.unit.trim()).await.ok();
    if unit.is_none() {
        errors.insert("unit".into(), "unknown_unit".into());
    }
    let agency_code = input
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let agency = match agency_code {
        Some(code) => match agencies::get_in_scope(db, scope, code).await {
            Ok((a, _)) => Some(a),
            Err(_) => {
                errors.insert("agency".into(), "unknown_agency".into());
                None
            }
        },
        None => None,
    };
    if role == Some(Role::AgencyOfficer) && agency_code.is_none() {
        errors.insert("agency".into(), "required".into());
    }
    let display_name = input.display_name.trim().to_string();
    if display_name.chars().count() > 120 {
        errors.insert("display_name".into(), "too_long".into());
    }
    let (Some(username), Some(role), Some(unit), true) = (username, role, unit, errors.is_empty())
    else {
        return Err(AppError::Invalid {
            fields: errors,
            detail: None,
        });
    };
    let hash = password::hash(&input.password)?;
    let display_name = if display_name.is_empty() {
        username.as_str().to_string()
    } else {
        display_name
    };
    Ok(users::create(
        db,
        actor,
        now,
        users::NewUser {
            username: username.as_str().to_string(),
            display_name,
            password_hash: hash,
            role,
            unit_id: unit.id,
            agency_id: agency.map(|a| a.id),
        },
    )
    .await?)
}

/// Changes to an account, as typed; empty means "leave as is".
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub unit: Option<String>,
    /// An agency code; the empty string removes the agency.
    pub agency: Option<String>,
    pub active: Option<bool>,
    pub password: Option<String>,
    /// Where reminders are mailed; the empty string removes it.
    pub email: Option<String>,
}

/// The longest e-mail address (RFC 5321).
pub const MAX_EMAIL: usize = 254;

/// An e-mail address as typed: `None` for an empty one, the address when it
/// looks like one (`name@domain`, no spaces), else the error code `invalid`.
pub fn check_email(typed: &str) -> Result<Option<String>, &'static str> {
    let e = typed.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let well_formed = e.chars().count() <= MAX_EMAIL
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if well_formed {
        Ok(Some(e.to_string()))
    } else {
        Err("invalid")
    }
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    scope: &Scope,
    now: DateTime<Utc>,
    id: i32,
    input: UserUpdate,
) -> Result<user::Model, AppError> {
    let (current, _) = users::get_in_scope(db, scope, id).await?;
    let mut errors = BTreeMap::new();
    let mut ch = users::UserChanges::default();
    if let Some(d) = input.display_name.map(|d| d.trim().to_string()) {
        if d.is_empty() || d.chars().count() > 120 {
            errors.insert("display_name".into(), "invalid".into());
        } else {
            ch.display_name = Some(d);
        }
    }
    if let Some(r) = input.role.filter(|r| !r.trim().is_empty()) {
        match Role::parse(r.trim()) {
            Some(r) => ch.role = Some(r),
            None => {
                errors.insert("role".into(), "unknown_role".into());
            }
        }
    }
    if let Some(u) = input.unit.filter(|u| !u.trim().is_empty()) {
        match units::get_in_scope(db, scope, u.trim()).await {
            Ok(u) => ch.unit_id = Some(u.id),
            Err(_) => {
                errors.insert("unit".into(), "unknown_unit".into());
            }
        }
    }
    if let Some(a) = input.agency {
        if a.trim().is_empty() {
            ch.agency_id = Some(None);
        } else {
            match agencies::get_in_scope(db, scope, a.trim()).await {
                Ok((a, _)) => ch.agency_id = Some(Some(a.id)),
                Err(_) => {
                    errors.insert("agency".into(), "unknown_agency".into());
                }
            }
        }
    }
    let role_after = ch.role.or(Role::parse(&current.role));
    let agency_after = ch.agency_id.unwrap_or(current.agency_id);
    if role_after == Some(Role::AgencyOfficer) && agency_after.is_none() {
        errors.insert("agency".into(), "required".into());
    }
    if let Some(p) = input.password.filter(|p| !p.is_empty()) {
        match check_password(&p) {
            Ok(()) => ch.password_hash = Some(password::hash(&p)?),
            Err(e) => {
                errors.insert("password".into(), e.code().into());
            }
        }
    }
    if let Some(e) = input.email {
        match check_email(&e) {
            Ok(e) => ch.email = Some(e),
            Err(code) => {
                errors.insert("email".into(), code.into());
            }
        }
    }
    ch.active = input.active;
    if actor.user_id == Some(id) {
        // An account that lowers its role or leaves its unit loses the power
        // to undo it: someone else must make such a change.
        if ch.active == Some(false) {
            errors.insert("active".into(), "cannot_deactivate_self".into());
        }
        if let (Some(new), Some(cur)) = (ch.role, Role::parse(&current.role))
            && new.is_below(cur)
        {
            errors.insert("role".into(), "cannot_lower_own_role".into());
        }
        if ch.unit_id.is_some_and(|u| u != current.unit_id) {
            errors.insert("unit".into(), "cannot_move_self".into());
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid {
            fields: errors,
            detail: None,
        });
    }
    // Which change would lose the last administrator, to name its field.
    let field = if ch.role.is_some_and(|r| r.as_str() != current.role) {
        "role"
    } else if ch.active == Some(false) {
        "active"
    } else {
        "unit"
    };
    match users::update(db, actor, now, id, ch).await {
        Err(thamgia_store::StoreError::Conflict {
            field: "last_admin",
        }) => Err(AppError::invalid(field, "last_admin")),
        r => Ok(r?),
    }
}
