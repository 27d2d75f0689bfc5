//! Reminders (đôn đốc): what is overdue below a caller's unit, the reminders
//! sent about it, and the e-mails that carry them.
//!
//! What is overdue is not computed again here: it gathers what the report
//! chain (`report_data::chain_status`), the answers owed to children
//! (`indicators::overdue_answers`), the recommendations (`recommendations::
//! list` with its overdue filter) and the forums (`forums::overdue_reports`)
//! already say, each as a party to remind — a unit, or an agency — with its
//! due date. A reminder and its mails (one row per recipient, `pending`) are
//! written in one transaction; the mails are sent after it commits, each
//! claimed first by one atomic `UPDATE … WHERE state = 'pending'` (or a claim
//! older than [`LEASE_MINUTES`], left by a crashed server), so two servers on
//! one database never send the same mail twice.

use crate::entity::{agency, reminder, reminder_mail, unit, user};
use crate::recommendations::{Reach, RecommendationFilter};
use crate::{Result, audit};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait, TryInsertResult,
};
use thamgia_domain::access::{Actor, Principal, Role, Scope};

/// A unit's annual report not submitted by its due date.
pub const REPORT: &str = "report";
/// An answer owed to the children of a closed consultation.
pub const ANSWER: &str = "answer";
/// A recommendation of children not answered by its deadline.
pub const RECOMMENDATION: &str = "recommendation";
/// A forum's report not sent within its days after the forum.
pub const FORUM: &str = "forum";
/// An agency's yearly report not submitted by its due date (`agency_reports`).
pub const AGENCY_REPORT: &str = "agency_report";
/// Every kind, in the order the page lists them.
pub const KINDS: [&str; 5] = [REPORT, AGENCY_REPORT, ANSWER, RECOMMENDATION, FORUM];

/// A claim older than this is taken to be a crashed sender's: sent again.
pub const LEASE_MINUTES: i64 = 10;

/// A mail waiting to be sent.
pub const PENDING: &str = "pending";
/// A mail a sender has claimed.
pub const SENDING: &str = "sending";
/// A mail the SMTP server accepted.
pub const SENT: &str = "sent";

/// The years whose annual reports are in play on `today`: last year's (due
/// early this year) and this year's.
pub fn report_years(today: NaiveDate) -> [i32; 2] {
    [today.year() - 1, today.year()]
}

/// One overdue item and the party to remind of it.
#[derive(Debug, Clone)]
pub struct Overdue {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// What it is about, within the kind: `unit id-year` of a report, the
    /// matter's, recommendation's or forum's id.
    pub reference: String,
    /// The unit reminded, or the unit of the agency reminded.
    pub unit: unit::Model,
    /// The agency reminded (answers and recommendations).
    pub agency: Option<agency::Model>,
    /// The item in a few words: the year, the matter's title, the
    /// recommendation's text, the forum's theme.
    pub subject: String,
    pub due_on: NaiveDate,
}

impl Overdue {
    /// The item's key in forms and the API: `kind:reference`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.reference)
    }
}

/// Everything overdue on `today` that `p` may remind of: in the caller's
/// subtree (the reports of the units below it), parties other than the
/// caller's own agency. Sorted by due date.
pub async fn overdue<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    today: NaiveDate,
) -> Result<Vec<Overdue>> {
    overdue_on(c, p, today, today).await
}

/// What falls due within `days` of `today` and is not overdue yet (reports
/// not sent, answers owed to children, recommendations not answered, forum
/// reports not sent), as [`overdue`] lists them: each source's own rule
/// asked about the day after the span, keeping what is due from today on.
pub async fn upcoming<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    today: NaiveDate,
    days: i64,
) -> Result<Vec<Overdue>> {
    let last = today + Duration::days(days.max(0));
    let now: std::collections::HashSet<String> = overdue(c, p, today)
        .await?
        .iter()
        .map(Overdue::key)
        .collect();
    Ok(overdue_on(c, p, today, last + Duration::days(1))
        .await?
        .into_iter()
        .filter(|o| o.due_on >= today && o.due_on <= last && !now.contains(&o.key()))
        .collect())
}

/// What is overdue on `on` (the report years those of `today`).
async fn overdue_on<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    today: NaiveDate,
    on: NaiveDate,
) -> Result<Vec<Overdue>> {
    let scope = p.scope();
    let units = crate::scoped::units_by_id(c, &scope, None).await?;
    let mut out = Vec::new();
    if let Some(own) = crate::units::by_id(c, p.unit_id).await? {
        for year in report_years(today) {
            if crate::plans::covering_levels(c, &own.path, year)
                .await?
                .is_none()
            {
                continue;
            }
            let rows = crate::report_data::chain_status(c, &own, year, on).await?;
            for r in rows
                .into_iter()
                .filter(|r| r.overdue && r.unit.id != own.id)
            {
                out.push(Overdue {
                    kind: REPORT,
                    reference: format!("{}-{year}", r.unit.id),
                    subject: year.to_string(),
                    unit: r.unit,
                    agency: None,
                    due_on: r.due_on,
                });
            }
            let agencies = crate::agency_reports::chain_status(c, &own, year, today).await?;
            for r in agencies.into_iter().filter(|r| r.overdue) {
                out.push(Overdue {
                    kind: AGENCY_REPORT,
                    reference: format!("{}-{year}", r.agency.id),
                    subject: year.to_string(),
                    unit: r.unit,
                    agency: Some(r.agency),
                    due_on: r.due_on,
                });
            }
        }
    }
    for o in crate::indicators::overdue_answers(c, &scope, None, on).await? {
        if let Some(u) = units.get(&o.agency.unit_id) {
            out.push(Overdue {
                kind: ANSWER,
                reference: o.matter.id.to_string(),
                unit: u.clone(),
                subject: o.matter.title,
                agency: Some(o.agency),
                due_on: o.due,
            });
        }
    }
    let filter = RecommendationFilter {
        overdue_on: Some(on),
        ..Default::default()
    };
    for (r, _, a) in crate::recommendations::list(c, &Reach::of(p), &filter).await? {
        if let Some(u) = units.get(&a.unit_id) {
            out.push(Overdue {
                kind: RECOMMENDATION,
                reference: r.id.to_string(),
                unit: u.clone(),
                subject: r.text,
                agency: Some(a),
                due_on: r.deadline,
            });
        }
    }
    for l in crate::forums::overdue_reports(c, &scope, on).await? {
        out.push(Overdue {
            kind: FORUM,
            reference: l.forum.id.to_string(),
            subject: l.forum.theme,
            unit: l.unit,
            agency: None,
            due_on: l.due,
        });
    }
    // Nobody reminds their own agency.
    out.retain(|o| o.agency.as_ref().is_none_or(|a| p.agency_id != Some(a.id)));
    out.sort_by(|a, b| (a.due_on, a.kind, &a.reference).cmp(&(b.due_on, b.kind, &b.reference)));
    Ok(out)
}

/// The roles that answer for a unit's own duties (its report, its forums).
pub const UNIT_ROLES: [Role; 2] = [Role::Coordinator, Role::DistrictOfficer];

/// The active accounts of a party that have an e-mail address: an agency's
/// accounts, or a unit's coordinators and district (commune) officers.
pub async fn recipients<C: ConnectionTrait>(
    c: &C,
    unit_id: i32,
    agency_id: Option<i32>,
) -> Result<Vec<user::Model>> {
    let party = match agency_id {
        Some(a) => Condition::all().add(user::Column::AgencyId.eq(a)),
        None => Condition::all()
            .add(user::Column::UnitId.eq(unit_id))
            .add(user::Column::Role.is_in(UNIT_ROLES.map(|r| r.as_str()))),
    };
    Ok(user::Entity::find()
        .filter(party)
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Email.is_not_null())
        .filter(user::Column::Email.ne(""))
        .order_by_asc(user::Column::Id)
        .all(c)
        .await?)
}

/// Who sends a batch of reminders, and how.
#[derive(Debug, Clone)]
pub struct Sending<'a> {
    /// The account that sent them; `None` for the server's automatic ones.
    pub sent_by: Option<i32>,
    /// The unit they come from (the letter's issuer).
    pub from_unit_id: i32,
    /// Shared by the reminders sent together (one letter).
    pub batch: &'a str,
    /// Automatic: at most one reminder per item and due date, ever, however
    /// many servers run the same round (`auto_key` is unique).
    pub automatic: bool,
    /// Before the due date (the item is not overdue yet): an automatic one
    /// is another reminder than the one after it (its own `auto_key`).
    pub ahead: bool,
}

/// How an automatic reminder before a due date begins its `auto_key`.
pub const AHEAD: &str = "before:";

/// A reminder sent before its item's due date.
pub fn is_ahead(r: &reminder::Model) -> bool {
    r.auto_key.as_deref().is_some_and(|k| k.starts_with(AHEAD))
}

/// The key that makes an automatic reminder once per item, due date and
/// kind (before or after the due date).
fn auto_key(s: &Sending<'_>, o: &Overdue) -> Option<String> {
    let ahead = if s.ahead { AHEAD } else { "" };
    s.automatic
        .then(|| format!("{ahead}{}:{}", o.key(), o.due_on))
}

/// Records one reminder per item with a `pending` mail for each recipient,
/// in one transaction (with its audit records). An automatic item already
/// reminded is skipped: the result holds the reminders written.
pub async fn record<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    s: &Sending<'_>,
    items: &[Overdue],
) -> Result<Vec<reminder::Model>> {
    let tx = crate::begin_write(c).await?;
    let mut out = Vec::with_capacity(items.len());
    for o in items {
        let agency_id = o.agency.as_ref().map(|a| a.id);
        let am = reminder::ActiveModel {
            batch: Set(s.batch.to_string()),
            sent_by: Set(s.sent_by),
            from_unit_id: Set(s.from_unit_id),
            unit_id: Set(o.unit.id),
            agency_id: Set(agency_id),
            kind: Set(o.kind.to_string()),
            reference: Set(o.reference.clone()),
            subject: Set(o.subject.clone()),
            due_on: Set(o.due_on),
            created_at: Set(now),
            auto_key: Set(auto_key(s, o)),
            ..Default::default()
        };
        let id = match reminder::Entity::insert(am)
            .on_conflict_do_nothing_on([reminder::Column::AutoKey])
            .exec(&tx)
            .await?
        {
            TryInsertResult::Inserted(r) => r.last_insert_id,
            // Reminded already (by this server or another).
            TryInsertResult::Conflicted | TryInsertResult::Empty => continue,
        };
        let row = crate::scoped::found::<reminder::Entity, _>(&tx, id).await?;
        for u in recipients(&tx, o.unit.id, agency_id).await? {
            reminder_mail::ActiveModel {
                reminder_id: Set(row.id),
                user_id: Set(u.id),
                state: Set(PENDING.into()),
                claim: Set(None),
                claimed_at: Set(None),
                sent_at: Set(None),
            }
            .insert(&tx)
            .await?;
        }
        audit::created(&tx, actor, now, "reminder", row.id, &row).await?;
        out.push(row);
    }
    tx.commit().await?;
    Ok(out)
}

/// When the server's automatic round reminds of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// This many days (or fewer) before its due date, not overdue yet.
    Before(i64),
    /// This many days (or more) after its due date.
    After(i64),
}

/// The server's automatic round: every item overdue by at least
/// `after_days` below each top unit is reminded once, from that unit (its
/// coordinator's view of what is overdue). Run by any number of servers at
/// once, an item is still reminded once. The reminders written.
pub async fn automatic<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    after_days: i64,
) -> Result<Vec<reminder::Model>> {
    round(c, now, Round::After(after_days)).await
}

/// The automatic round of [`Round`]: before a due date, each item due
/// within the days is reminded once per due date (another reminder than
/// the one after it); after, as [`automatic`].
pub async fn round<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
    when: Round,
) -> Result<Vec<reminder::Model>> {
    let today = now.date_naive();
    let tops = unit::Entity::find()
        .filter(unit::Column::ParentId.is_null())
        .order_by_asc(unit::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::new();
    for top in tops {
        let p = Principal {
            user_id: 0,
            username: "system".into(),
            role: Role::Coordinator,
            unit_id: top.id,
            unit_path: top.path.clone(),
            agency_id: None,
        };
        let due: Vec<Overdue> = match when {
            Round::After(after_days) => overdue(c, &p, today)
                .await?
                .into_iter()
                .filter(|o| (today - o.due_on).num_days() >= after_days)
                .collect(),
            Round::Before(days) => upcoming(c, &p, today, days).await?,
        };
        if due.is_empty() {
            continue;
        }
        let ahead = matches!(when, Round::Before(_));
        let batch = format!(
            "auto{}{}{}",
            if ahead { "b" } else { "" },
            top.id,
            now.format("%Y%m%d%H%M%S")
        );
        let s = Sending {
            sent_by: None,
            from_unit_id: top.id,
            batch: &batch,
            automatic: true,
            ahead,
        };
        out.extend(record(c, &Actor::system("reminders"), now, &s, &due).await?);
    }
    Ok(out)
}

/// Reminders addressed to `p`: to their agency, and, for the roles that
/// answer for their unit ([`UNIT_ROLES`]), to their unit; since `since`,
/// the newest first.
pub async fn received<C: ConnectionTrait>(
    c: &C,
    p: &Principal,
    since: DateTime<Utc>,
) -> Result<Vec<reminder::Model>> {
    let mut party = Condition::any();
    if let Some(a) = p.agency_id {
        party = party.add(reminder::Column::AgencyId.eq(a));
    }
    if UNIT_ROLES.contains(&p.role) {
        party = party.add(
            Condition::all()
                .add(reminder::Column::UnitId.eq(p.unit_id))
                .add(reminder::Column::AgencyId.is_null()),
        );
    }
    if party.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reminder::Entity::find()
        .filter(party)
        .filter(reminder::Column::CreatedAt.gte(since))
        .order_by_desc(reminder::Column::CreatedAt)
        .order_by_desc(reminder::Column::Id)
        .all(c)
        .await?)
}

/// A sent reminder as listed: the party and how many of its mails went.
#[derive(Debug, Clone)]
pub struct Sent {
    pub reminder: reminder::Model,
    pub unit: unit::Model,
    pub agency: Option<agency::Model>,
    pub mails: usize,
    pub mails_sent: usize,
}

/// Reminders about parties in the scope since `since`, the newest first.
pub async fn sent<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    since: DateTime<Utc>,
) -> Result<Vec<Sent>> {
    let in_scope = crate::units::subtree_ids(&scope.path, crate::units::During::Always);
    let rows = reminder::Entity::find()
        .filter(reminder::Column::UnitId.in_subquery(in_scope))
        .filter(reminder::Column::CreatedAt.gte(since))
        .order_by_desc(reminder::Column::CreatedAt)
        .order_by_desc(reminder::Column::Id)
        .all(c)
        .await?;
    let mails = reminder_mail::Entity::find()
        .filter(reminder_mail::Column::ReminderId.is_in(rows.iter().map(|r| r.id)))
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(unit) = crate::units::by_id(c, r.unit_id).await? else {
            continue;
        };
        let agency = match r.agency_id {
            Some(a) => crate::agencies::by_id(c, a).await?,
            None => None,
        };
        let mine: Vec<_> = mails.iter().filter(|m| m.reminder_id == r.id).collect();
        out.push(Sent {
            mails: mine.len(),
            mails_sent: mine.iter().filter(|m| m.state == SENT).count(),
            reminder: r,
            unit,
            agency,
        });
    }
    Ok(out)
}

/// One reminder whose party lies in the scope (`NotFound` otherwise).
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(reminder::Model, unit::Model)> {
    crate::scoped::of_unit::<reminder::Entity, C>(c, scope, id, |r| r.unit_id).await
}

/// The reminders of one batch whose parties lie in the scope, in the
/// order they were written; empty when none is.
pub async fn batch<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    batch: &str,
) -> Result<Vec<reminder::Model>> {
    let in_scope = crate::units::subtree_ids(&scope.path, crate::units::During::Always);
    Ok(reminder::Entity::find()
        .filter(reminder::Column::Batch.eq(batch))
        .filter(reminder::Column::UnitId.in_subquery(in_scope))
        .order_by_asc(reminder::Column::Id)
        .all(c)
        .await?)
}

/// Mails not sent yet: pending, or claimed before `stale_before` (a sender
/// that crashed), the oldest first.
pub async fn unsent<C: ConnectionTrait>(
    c: &C,
    stale_before: DateTime<Utc>,
) -> Result<Vec<reminder_mail::Model>> {
    Ok(reminder_mail::Entity::find()
        .filter(claimable(stale_before))
        .order_by_asc(reminder_mail::Column::ReminderId)
        .order_by_asc(reminder_mail::Column::UserId)
        .all(c)
        .await?)
}

fn claimable(stale_before: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(reminder_mail::Column::State.eq(PENDING))
        .add(
            Condition::all()
                .add(reminder_mail::Column::State.eq(SENDING))
                .add(reminder_mail::Column::ClaimedAt.lt(stale_before)),
        )
}

fn one_mail(m: &reminder_mail::Model) -> Condition {
    Condition::all()
        .add(reminder_mail::Column::ReminderId.eq(m.reminder_id))
        .add(reminder_mail::Column::UserId.eq(m.user_id))
}

/// Claims one mail for the sender `claim`: true when this call took it
/// (one atomic `UPDATE`; of two servers, one wins).
pub async fn claim<C: ConnectionTrait>(
    c: &C,
    m: &reminder_mail::Model,
    claim: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let stale_before = now - Duration::minutes(LEASE_MINUTES);
    let r = reminder_mail::Entity::update_many()
        .col_expr(reminder_mail::Column::State, Expr::value(SENDING))
        .col_expr(reminder_mail::Column::Claim, Expr::value(claim))
        .col_expr(reminder_mail::Column::ClaimedAt, Expr::value(now))
        .filter(one_mail(m))
        .filter(claimable(stale_before))
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a claimed mail sent (only while the claim is still ours).
pub async fn mark_sent<C: ConnectionTrait>(
    c: &C,
    m: &reminder_mail::Model,
    claim: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    reminder_mail::Entity::update_many()
        .col_expr(reminder_mail::Column::State, Expr::value(SENT))
        .col_expr(reminder_mail::Column::SentAt, Expr::value(now))
        .filter(one_mail(m))
        .filter(reminder_mail::Column::Claim.eq(claim))
        .exec(c)
        .await?;
    Ok(())
}

/// Gives a claimed mail back (the SMTP server refused it): pending again.
pub async fn release<C: ConnectionTrait>(
    c: &C,
    m: &reminder_mail::Model,
    claim: &str,
) -> Result<()> {
    reminder_mail::Entity::update_many()
        .col_expr(reminder_mail::Column::State, Expr::value(PENDING))
        .col_expr(
            reminder_mail::Column::Claim,
            Expr::value(Option::<String>::None),
        )
        .filter(one_mail(m))
        .filter(reminder_mail::Column::Claim.eq(claim))
        .exec(c)
        .await?;
    Ok(())
}

/// What a mail says and where it goes: the reminder, the recipient, the
/// sending unit and the party's name (an agency's, else the unit's).
pub struct MailParts {
    pub reminder: reminder::Model,
    pub to: user::Model,
    pub from_unit: unit::Model,
    pub party_vi: String,
}

pub async fn mail_parts<C: ConnectionTrait>(
    c: &C,
    m: &reminder_mail::Model,
) -> Result<Option<MailParts>> {
    let Some(r) = reminder::Entity::find_by_id(m.reminder_id).one(c).await? else {
        return Ok(None);
    };
    let Some(to) = user::Entity::find_by_id(m.user_id).one(c).await? else {
        return Ok(None);
    };
    let Some(from_unit) = crate::units::by_id(c, r.from_unit_id).await? else {
        return Ok(None);
    };
    let party_vi = party_name(c, &r).await?;
    Ok(Some(MailParts {
        reminder: r,
        to,
        from_unit,
        party_vi,
    }))
}

/// The Vietnamese name of the party a reminder went to.
pub async fn party_name<C: ConnectionTrait>(c: &C, r: &reminder::Model) -> Result<String> {
    if let Some(a) = r.agency_id
        && let Some(a) = crate::agencies::by_id(c, a).await?
    {
        return Ok(a.name_vi);
    }
    Ok(crate::units::by_id(c, r.unit_id)
        .await?
        .map(|u| u.name_vi)
        .unwrap_or_default())
}
