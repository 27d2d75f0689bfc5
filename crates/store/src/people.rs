//! Identified children: the only children Thamgia stores by name (council and
//! club members, forum delegates), each only with a recorded consent.
//!
//! A person is created together with their consent, in one transaction, so a
//! name never exists without it. Withdrawing consent replaces the name and the
//! contact with a pseudonym (`Trẻ em #00042`) and erases the birth date to a
//! year, keeping the anonymous history (memberships, counts) intact.

use crate::audit::{self, Change};
use crate::entity::{consent, person, unit};
use crate::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use thamgia_domain::access::{Actor, Scope};
use thamgia_domain::models::{ConsentInput, ConsentMethod, pseudonym};

pub struct NewPerson {
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    pub unit_id: i32,
    pub school_or_commune: Option<String>,
    pub guardian_contact: Option<String>,
}

/// What the trail may say about a person: never the name or contact.
fn trail(p: &person::Model) -> serde_json::Value {
    serde_json::json!({
        "id": p.id,
        "unit_id": p.unit_id,
        "birth_year": p.birth_date.map(|d| d.year()),
        "pseudonymised": p.pseudonymised_at.is_some(),
    })
}

/// The consent's method as stored; the caller's `check_consent` refused any
/// other word.
/// The day the guardian gave the consent, which a consent cannot be stored
/// without (`Conflict` on `guardian_date`).
fn guardian_date(k: &ConsentInput) -> Result<NaiveDate> {
    k.guardian_date.ok_or(StoreError::Conflict {
        field: "guardian_date",
    })
}

fn consent_method(k: &ConsentInput) -> Result<ConsentMethod> {
    ConsentMethod::parse(&k.guardian_method).ok_or(StoreError::Conflict {
        field: "guardian_method",
    })
}

/// Stores a child with their consent. The caller has checked the consent with
/// `thamgia_domain::models::check_consent` against the child's age today.
pub async fn create_with_consent<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    p: NewPerson,
    k: &ConsentInput,
) -> Result<person::Model> {
    let guardian_date = guardian_date(k)?;
    let tx = crate::begin_write(c).await?;
    let row = person::ActiveModel {
        full_name: Set(p.full_name),
        birth_date: Set(Some(p.birth_date)),
        sex: Set(p.sex),
        ethnic: Set(p.ethnic),
        disability: Set(p.disability),
        unit_id: Set(p.unit_id),
        school_or_commune: Set(p.school_or_commune),
        guardian_contact: Set(p.guardian_contact),
        pseudonymised_at: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let change = Change::new("create", "person", row.id).after(&trail(&row));
    audit::record(&tx, actor, now, change).await?;
    insert_consent(&tx, actor, now, row.id, k, guardian_date).await?;
    tx.commit().await?;
    Ok(row)
}

/// Records a guardian's consent `k` for the person `person_id`, given on
/// `guardian_date`, audited as `create` (without names).
async fn insert_consent<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    person_id: i32,
    k: &ConsentInput,
    guardian_date: NaiveDate,
) -> Result<consent::Model> {
    let cons = consent::ActiveModel {
        person_id: Set(person_id),
        guardian_name: Set(k.guardian_name.trim().to_string()),
        guardian_relation: Set(k.guardian_relation.trim().to_string()),
        guardian_method: Set(consent_method(k)?),
        guardian_date: Set(guardian_date),
        child_agreed: Set(k.child_agreed),
        child_date: Set(k.child_date),
        purpose: Set(k.purpose.trim().to_string()),
        recorded_by: Set(actor.user_id),
        recorded_at: Set(now),
        withdrawn_at: Set(None),
        withdrawn_by: Set(None),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let change = Change::new("create", "consent", cons.id).after(&serde_json::json!({
        "person_id": person_id, "method": cons.guardian_method, "child_agreed": cons.child_agreed, "purpose": cons.purpose
    }));
    audit::record(tx, actor, now, change).await?;
    Ok(cons)
}

/// The person if their unit lies in the scope.
pub async fn get_in_scope<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i32,
) -> Result<(person::Model, unit::Model)> {
    crate::scoped::of_unit::<person::Entity, C>(c, scope, id, |p| p.unit_id).await
}

/// People in the scope, by name (pseudonymised ones last).
pub async fn list<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<person::Model>> {
    let (_, people) = crate::scoped::units_and_rows(c, scope, person::Column::UnitId).await?;
    let mut v = people.order_by_asc(person::Column::FullName).all(c).await?;
    v.sort_by_key(|p| p.pseudonymised_at.is_some());
    Ok(v)
}

/// The one rule for naming a child in a roster (council, club, forum
/// delegates): the person exists, has not been pseudonymised, and a consent
/// stands at this moment. Otherwise `NotFound` or `Conflict { field: "consent" }`.
pub async fn require_consent<C: ConnectionTrait>(c: &C, person_id: i32) -> Result<person::Model> {
    let p = crate::scoped::found::<person::Entity, _>(c, person_id).await?;
    if p.pseudonymised_at.is_some() || active_consent(c, p.id).await?.is_none() {
        return Err(StoreError::Conflict { field: "consent" });
    }
    Ok(p)
}

/// The consent in force (not withdrawn), newest first.
pub async fn active_consent<C: ConnectionTrait>(
    c: &C,
    person_id: i32,
) -> Result<Option<consent::Model>> {
    Ok(consent::Entity::find()
        .filter(consent::Column::PersonId.eq(person_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .order_by_desc(consent::Column::Id)
        .one(c)
        .await?)
}

pub async fn consents<C: ConnectionTrait>(c: &C, person_id: i32) -> Result<Vec<consent::Model>> {
    Ok(consent::Entity::find()
        .filter(consent::Column::PersonId.eq(person_id))
        .order_by_desc(consent::Column::Id)
        .all(c)
        .await?)
}

/// The name to show: the real one while consent stands, else the pseudonym.
pub fn display_name(p: &person::Model) -> String {
    if p.pseudonymised_at.is_some() {
        pseudonym(p.id)
    } else {
        p.full_name.clone()
    }
}

/// Withdraws consent: marks every consent withdrawn and replaces the name,
/// contact and exact birth date everywhere (they live only in this row).
pub async fn withdraw<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    person_id: i32,
) -> Result<person::Model> {
    let tx = crate::begin_write(c).await?;
    let (before, _) = get_in_scope(&tx, scope, person_id).await?;
    consent::Entity::update_many()
        .col_expr(
            consent::Column::WithdrawnAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            consent::Column::WithdrawnBy,
            sea_orm::sea_query::Expr::value(actor.user_id),
        )
        .filter(consent::Column::PersonId.eq(person_id))
        .filter(consent::Column::WithdrawnAt.is_null())
        .exec(&tx)
        .await?;
    // Guardian names on the consent rows identify the child too.
    consent::Entity::update_many()
        .col_expr(
            consent::Column::GuardianName,
            sea_orm::sea_query::Expr::value("—"),
        )
        .filter(consent::Column::PersonId.eq(person_id))
        .exec(&tx)
        .await?;
    let mut am = before.clone().into_active_model();
    am.full_name = Set(pseudonym(person_id));
    am.guardian_contact = Set(None);
    am.school_or_commune = Set(None);
    // Keep only the year, which the anonymous age-band counts need.
    am.birth_date = Set(before
        .birth_date
        .and_then(|d| NaiveDate::from_ymd_opt(d.year(), 1, 1)));
    am.pseudonymised_at = Set(Some(now));
    let after = am.update(&tx).await?;
    crate::aggregates::person_changed(&tx, &after).await?;
    // A child whose consent is withdrawn no longer serves under their name:
    // open terms and memberships end today; the history (roles, dates) stays.
    crate::membership::end_open_of(&tx, actor, now, person_id).await?;
    let change = Change::new("withdraw_consent", "person", person_id)
        .before(&trail(&before))
        .after(&trail(&after));
    audit::commit(tx, actor, now, change).await?;
    Ok(after)
}

/// Records a further consent for a child who is still on record by name (a
/// new purpose, such as joining a club, or a renewal for a new term). The
/// caller has checked it with `check_consent`.
pub async fn add_consent<C: TransactionTrait + ConnectionTrait>(
    c: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    scope: &Scope,
    person_id: i32,
    k: &ConsentInput,
) -> Result<consent::Model> {
    let guardian_date = guardian_date(k)?;
    let tx = crate::begin_write(c).await?;
    let (p, _) = get_in_scope(&tx, scope, person_id).await?;
    if p.pseudonymised_at.is_some() {
        // The name is gone; a child who comes back is recorded anew.
        return Err(StoreError::Conflict { field: "person" });
    }
    let cons = insert_consent(&tx, actor, now, person_id, k, guardian_date).await?;
    tx.commit().await?;
    Ok(cons)
}

/// Of these people, the ones whose consent stands (not withdrawn).
pub async fn with_active_consent<C: ConnectionTrait>(
    c: &C,
    person_ids: &[i32],
) -> Result<std::collections::HashSet<i32>> {
    use sea_orm::QuerySelect;
    if person_ids.is_empty() {
        return Ok(Default::default());
    }
    let ids: Vec<i32> = consent::Entity::find()
        .select_only()
        .column(consent::Column::PersonId)
        .filter(consent::Column::PersonId.is_in(person_ids.iter().copied()))
        .filter(consent::Column::WithdrawnAt.is_null())
        .distinct()
        .into_tuple()
        .all(c)
        .await?;
    Ok(ids.into_iter().collect())
}

/// People inside a unit's subtree (itself inside the scope) who may be made
/// members: named, with a consent in force. Sorted the Vietnamese way.
pub async fn eligible<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    unit_path: &str,
) -> Result<Vec<(person::Model, unit::Model)>> {
    let units: Vec<unit::Model> = crate::units::list(c, scope)
        .await?
        .into_iter()
        .filter(|u| thamgia_domain::access::is_within(&u.path, unit_path))
        .collect();
    let people = person::Entity::find()
        .filter(person::Column::UnitId.is_in(units.iter().map(|u| u.id)))
        .filter(person::Column::PseudonymisedAt.is_null())
        .all(c)
        .await?;
    let ids: Vec<i32> = people.iter().map(|p| p.id).collect();
    let ok = with_active_consent(c, &ids).await?;
    let consented = people.into_iter().filter(|p| ok.contains(&p.id));
    let mut out = crate::scoped::with_unit(consented, &units, |p| p.unit_id);
    out.sort_by_cached_key(|(p, _)| name_sort_key(&p.full_name));
    Ok(out)
}

/// The people in the scope with their units, sorted the Vietnamese way (by
/// given name, then the whole name), pseudonymised ones last.
pub async fn list_with_units<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
) -> Result<Vec<(person::Model, unit::Model)>> {
    let (units, people) = crate::scoped::units_and_rows(c, scope, person::Column::UnitId).await?;
    let people = people.all(c).await?;
    let mut out = crate::scoped::with_unit(people, &units, |p| p.unit_id);
    out.sort_by_cached_key(|(p, _)| {
        (
            p.pseudonymised_at.is_some(),
            if p.pseudonymised_at.is_some() {
                NameKey::default()
            } else {
                name_sort_key(&p.full_name)
            },
            p.id,
        )
    });
    Ok(out)
}

/// People by id (for membership lists).
pub async fn by_ids<C: ConnectionTrait>(
    c: &C,
    ids: &[i32],
) -> Result<std::collections::HashMap<i32, person::Model>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Vietnamese alphabetical order: a ă â b c d đ e ê … with the tones as a
/// second level (none, huyền, hỏi, ngã, sắc, nặng). Returns (letters, tones).
pub fn vi_sort_key(s: &str) -> (Vec<u32>, Vec<u32>) {
    const VOWELS: [&str; 12] = [
        "aàảãáạ",
        "ăằẳẵắặ",
        "âầẩẫấậ",
        "eèẻẽéẹ",
        "êềểễếệ",
        "iìỉĩíị",
        "oòỏõóọ",
        "ôồổỗốộ",
        "ơờởỡớợ",
        "uùủũúụ",
        "ưừửữứự",
        "yỳỷỹýỵ",
    ];
    const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
    let mut letters = vec![];
    let mut tones = vec![];
    for ch in s.chars().flat_map(char::to_lowercase) {
        let (base, tone) = VOWELS
            .iter()
            .find_map(|v| {
                v.chars()
                    .position(|x| x == ch)
                    .and_then(|t| v.chars().next().map(|b| (b, t as u32)))
            })
            .unwrap_or((ch, 0));
        let rank = ALPHABET
            .chars()
            .position(|a| a == base)
            .map_or(1000 + base as u32, |r| r as u32 + 1);
        letters.push(if base.is_whitespace() { 0 } else { rank });
        tones.push(tone);
    }
    (letters, tones)
}

/// How Vietnamese lists of people are ordered: by the given name (the last
/// word), then by the whole name.
pub type NameKey = ((Vec<u32>, Vec<u32>), (Vec<u32>, Vec<u32>));

pub fn name_sort_key(full_name: &str) -> NameKey {
    let given = full_name.split_whitespace().last().unwrap_or("");
    (vi_sort_key(given), vi_sort_key(full_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_order_by_given_name_then_tones() {
        let mut names = vec![
            "Lò Thị Ánh",
            "Giàng A Dế",
            "Tẩn Văn Páo",
            "Vàng Thị Đào",
            "Lò Văn Anh",
            "Sùng Thị Ảnh",
            "Nguyễn Văn Bình",
        ];
        names.sort_by_cached_key(|n| name_sort_key(n));
        assert_eq!(
            names,
            vec![
                "Lò Văn Anh",
                "Sùng Thị Ảnh",
                "Lò Thị Ánh",
                "Nguyễn Văn Bình",
                "Giàng A Dế",
                "Vàng Thị Đào",
                "Tẩn Văn Páo",
            ]
        );
        // đ comes after d, ư after u, regardless of byte order.
        assert!(vi_sort_key("đa") > vi_sort_key("dz"));
        assert!(vi_sort_key("ưa") > vi_sort_key("uz"));
    }
}
