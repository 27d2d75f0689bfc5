//! Closing a consultation with its findings, and the answer to the
//! children. `pages/results.rs` and `api/results.rs` call these functions.

use crate::catalog::Action;
use crate::consultations::load_for_write;
use crate::{Act, ActionError};
use crate::{ActionResult, invalid, invalid_one};
use thamgia_domain::access::Permission;
use thamgia_domain::results as res;
use thamgia_domain::voice::Status;
use thamgia_store::StoreError;
use thamgia_store::consultations::{self, AnswerBack};
use thamgia_store::entity::consultation;

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::agency("results.close", Permission::AnswerChildren),
    Action::agency("results.save_answer", Permission::AnswerChildren),
];

/// A store conflict on the status becomes the status field's `code`.
fn status_conflict(e: StoreError, code: &str) -> ActionError {
    match e {
        StoreError::Conflict { field: "status" } => invalid_one("status", code),
        other => other.into(),
    }
}

/// Closes an open consultation with its findings: no more answers.
/// `status: not_open` when it is not open; stores nothing on any error.
pub async fn close(act: Act<'_>, id: i32, findings: &str) -> ActionResult<consultation::Model> {
    act.require(Permission::AnswerChildren)?;
    let (k, _) = load_for_write(act, id).await?;
    let checked = res::validate_findings(findings);
    let mut fields = checked.clone().err().unwrap_or_default();
    if k.status != Status::Open {
        fields.insert("status".into(), "not_open".into());
    }
    let findings = match checked {
        Ok(f) if fields.is_empty() => f,
        _ => return Err(invalid(fields)),
    };
    consultations::close(act.db, &act.actor(), act.now, k.id, findings)
        .await
        .map_err(|e| status_conflict(e, "not_open"))
}

/// The answer to the children as sent.
#[derive(Debug, Default, Clone)]
pub struct AnswerInput {
    /// What was decided, in words a child understands.
    pub decided: String,
    /// Which of the children's views were taken in.
    pub taken: String,
    /// Which were not, and why.
    pub not_taken: String,
    /// Publish it at `/c/{join_code}` (all three parts required), or save a draft.
    pub publish: bool,
}

/// Saves (and with `publish`, publishes) the answer to the children of a
/// closed consultation: `status` is `not_closed` or `already_published`
/// otherwise; stores nothing on any error.
pub async fn save_answer(
    act: Act<'_>,
    id: i32,
    f: &AnswerInput,
) -> ActionResult<consultation::Model> {
    act.require(Permission::AnswerChildren)?;
    let (k, _) = load_for_write(act, id).await?;
    let checked = res::validate_answer_back(&f.decided, &f.taken, &f.not_taken, f.publish);
    let mut fields = checked.clone().err().unwrap_or_default();
    if k.status != Status::Closed {
        fields.insert(
            "status".into(),
            if k.status == Status::Answered {
                "already_published"
            } else {
                "not_closed"
            }
            .into(),
        );
    }
    let (decided, taken, not_taken) = match checked {
        Ok(v) if fields.is_empty() => v,
        _ => return Err(invalid(fields)),
    };
    let a = AnswerBack {
        decided,
        taken,
        not_taken,
    };
    consultations::save_answer(act.db, &act.actor(), act.now, k.id, a, f.publish)
        .await
        .map_err(|e| status_conflict(e, "not_closed"))
}
