//! The one error of an action. The web crate maps it to its HTTP error
//! (`AppError: From<ActionError>`): the API returns the codes as they are and
//! pages translate them (`error-<code>` in the catalogs).

use std::collections::BTreeMap;
use thamgia_store::StoreError;

/// Field name → snake_case error code.
pub type Fields = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("not_found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Input that failed validation: field name → error code.
    #[error("invalid_input")]
    Invalid {
        fields: Fields,
        detail: Option<serde_json::Value>,
    },
    /// A uniqueness rule, a state or a year lock (`year_locked`).
    #[error("conflict on {field}")]
    Conflict { field: String },
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type ActionResult<T> = Result<T, ActionError>;

/// Every field error at once.
pub fn invalid(fields: Fields) -> ActionError {
    ActionError::Invalid {
        fields,
        detail: None,
    }
}

/// One field's error.
pub fn invalid_one(field: &str, code: &str) -> ActionError {
    let mut f = Fields::new();
    f.insert(field.to_string(), code.to_string());
    invalid(f)
}

impl ActionError {
    /// The same error with its fields renamed (`from` → `to`), for an adapter
    /// whose input names a field differently (the API's `owner_agency` is the
    /// form's `agency`).
    pub fn rename_field(self, from: &str, to: &str) -> ActionError {
        match self {
            ActionError::Invalid { mut fields, detail } => {
                if let Some(v) = fields.remove(from) {
                    fields.insert(to.to_string(), v);
                }
                ActionError::Invalid { fields, detail }
            }
            other => other,
        }
    }
}

impl From<StoreError> for ActionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ActionError::NotFound,
            StoreError::Forbidden => ActionError::Forbidden,
            StoreError::Conflict { field } => ActionError::Conflict {
                field: field.to_string(),
            },
            StoreError::Db(e) => ActionError::Internal(anyhow::Error::new(e)),
        }
    }
}

/// A value chosen from a closed list (a kind, a level, a status …), read
/// with `parse`: empty is `None` — and `required` on `field` when
/// `required` — and a value `parse` does not know is `unknown_option`.
pub fn choice<T>(
    e: &mut Fields,
    field: &str,
    v: &str,
    required: bool,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        if required {
            e.insert(field.to_string(), "required".into());
        }
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        e.insert(field.to_string(), "unknown_option".into());
    }
    parsed
}
