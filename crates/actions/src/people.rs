//! Identified children (council and club members, forum delegates) and
//! their consents: enter a child with the consent (both or nothing), record a
//! further consent, withdraw. Every action needs `ViewNames` and
//! `ManageModels`. The one pre-check of a child chosen for a roster — in
//! scope, inside a unit, with a consent that stands — is
//! [`consenting_child`].

use crate::catalog::Action;
use crate::models::{checked, optional_date, required_date, unit_in_scope};
use crate::{Act, ActionResult, Fields, choice, invalid, invalid_one};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use thamgia_domain::access::Permission;
use thamgia_domain::ethnic;
use thamgia_domain::models::{self, age_on, check_consent};
use thamgia_domain::voice::{MAX_AGE, MIN_AGE, Sex};
use thamgia_store::entity::{person, unit};
use thamgia_store::people::{self, NewPerson};
use thamgia_store::{StoreError, clubs, councils};

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[
    Action::unit("people.create", Permission::ManageModels),
    Action::unit("people.add_consent", Permission::ManageModels),
    Action::unit("people.withdraw", Permission::ManageModels),
];

pub const MAX_NAME: usize = 100;
pub const MAX_SHORT: usize = 200;
pub const MAX_PURPOSE: usize = 500;

/// A checkbox as a form sends it (`yes`, `on`, `true`, `1`; absent: no),
/// or a JSON boolean.
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Tick {
        B(bool),
        S(String),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        Tick::B(b) => b,
        Tick::S(s) => checked(&s),
    })
}

/// A consent as typed in: dates as text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ConsentInput {
    pub guardian_name: String,
    pub guardian_relation: String,
    /// written | verbal | electronic
    pub guardian_method: String,
    pub guardian_date: String,
    /// The child agreed (a checkbox).
    #[serde(deserialize_with = "checkbox")]
    pub child_agreed: bool,
    pub child_date: String,
    pub purpose: String,
}

/// The order of a consent's fields on a form.
pub const CONSENT_ORDER: &[&str] = &[
    "guardian_name",
    "guardian_relation",
    "guardian_method",
    "guardian_date",
    "child_agreed",
    "child_date",
    "purpose",
];

/// A child with their consent, as typed in.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub full_name: String,
    /// dd/mm/yyyy (or yyyy-mm-dd).
    pub birth_date: String,
    /// girl | boy | other
    pub sex: String,
    /// Official ethnic group code; optional.
    pub ethnic: String,
    /// The child has a disability (a checkbox).
    #[serde(deserialize_with = "checkbox")]
    pub disability: bool,
    /// Code of a unit in scope.
    pub unit: String,
    pub school_or_commune: String,
    pub guardian_contact: String,
    /// The consent, in the same form.
    #[serde(flatten)]
    pub consent: ConsentInput,
}

/// The order of a new child's fields on a form.
pub const PERSON_ORDER: &[&str] = &then::<14>(
    &[
        "full_name",
        "birth_date",
        "sex",
        "ethnic",
        "unit",
        "school_or_commune",
        "guardian_contact",
    ],
    CONSENT_ORDER,
);

/// `a` then `b`, as one array of `N` (their two lengths).
const fn then<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() == N);
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < a.len() { a[i] } else { b[i - a.len()] };
        i += 1;
    }
    out
}

/// Enters a child with their consent (`ViewNames`, `ManageModels`).
pub async fn create(act: Act<'_>, f: &PersonInput) -> ActionResult<person::Model> {
    require(act)?;
    let (n, k) = check_new(act, f).await?;
    Ok(people::create_with_consent(act.db, &act.actor(), act.now, n, &k).await?)
}

/// A child in the caller's scope whom the caller may manage.
pub async fn load(act: Act<'_>, id: i32) -> ActionResult<(person::Model, unit::Model)> {
    require(act)?;
    Ok(people::get_in_scope(act.db, &act.p.scope(), id).await?)
}

/// Records a further consent for a child still on record by name; a
/// withdrawn child is `person: already_withdrawn`.
pub async fn add_consent(act: Act<'_>, id: i32, k: &ConsentInput) -> ActionResult<()> {
    let (person, _) = load(act, id).await?;
    if person.pseudonymised_at.is_some() {
        return Err(invalid_one("person", "already_withdrawn"));
    }
    let mut e = Fields::new();
    let today = act.now.date_naive();
    let input = check_consent_form(k, person.birth_date, &person.full_name, today, &mut e);
    if !e.is_empty() {
        return Err(invalid(e));
    }
    people::add_consent(act.db, &act.actor(), act.now, &act.p.scope(), id, &input).await?;
    Ok(())
}

/// Withdraws a child's consent, once (`person: already_withdrawn`), and
/// only when confirmed (`confirm: confirm_required`).
pub async fn withdraw(act: Act<'_>, id: i32, confirmed: bool) -> ActionResult<()> {
    let (person, _) = load(act, id).await?;
    if person.pseudonymised_at.is_some() {
        return Err(invalid_one("person", "already_withdrawn"));
    }
    if !confirmed {
        return Err(invalid_one("confirm", "confirm_required"));
    }
    people::withdraw(act.db, &act.actor(), act.now, &act.p.scope(), id).await?;
    Ok(())
}

fn require(act: Act<'_>) -> ActionResult<()> {
    act.require(Permission::ViewNames)?;
    act.require(Permission::ManageModels)
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// The child chosen (by id, as typed) for a council, club or forum: in the
/// caller's scope, inside `within` (a unit's path) when given, with a consent
/// that stands. Errors go under `person`.
pub async fn consenting_child(
    act: Act<'_>,
    person_text: &str,
    within: Option<&str>,
    e: &mut Fields,
) -> ActionResult<Option<person::Model>> {
    let Some(id) = person_text.trim().parse::<i32>().ok() else {
        e.insert(
            "person".into(),
            if person_text.trim().is_empty() {
                "required"
            } else {
                "unknown_person"
            }
            .into(),
        );
        return Ok(None);
    };
    let (person, pu) = match people::get_in_scope(act.db, &act.p.scope(), id).await {
        Ok(x) => x,
        Err(StoreError::NotFound) => {
            e.insert("person".into(), "unknown_person".into());
            return Ok(None);
        }
        Err(err) => return Err(err.into()),
    };
    if within.is_some_and(|path| !thamgia_domain::access::is_within(&pu.path, path)) {
        e.insert("person".into(), "person_outside_unit".into());
        return Ok(None);
    }
    if person.pseudonymised_at.is_some() || people::active_consent(act.db, id).await?.is_none() {
        e.insert("person".into(), "no_consent".into());
        return Ok(None);
    }
    Ok(Some(person))
}

/// Checks a consent for a child born on `birth` (unknown: the guardian's part
/// only) and whose name must not appear in the purpose (the purpose goes to
/// the audit trail, which a withdrawal cannot rewrite).
pub fn check_consent_form(
    k: &ConsentInput,
    birth: Option<NaiveDate>,
    child_name: &str,
    today: NaiveDate,
    e: &mut Fields,
) -> models::ConsentInput {
    let guardian_date = optional_date(e, "guardian_date", &k.guardian_date);
    let child_date = optional_date(e, "child_date", &k.child_date);
    let input = models::ConsentInput {
        guardian_name: k.guardian_name.trim().to_string(),
        guardian_relation: k.guardian_relation.trim().to_string(),
        guardian_method: k.guardian_method.trim().to_string(),
        guardian_date,
        child_agreed: k.child_agreed,
        child_date,
        purpose: k.purpose.trim().to_string(),
    };
    // Without a readable birth date, check what does not depend on the age.
    let youngest = today
        .with_year(today.year() - i32::from(MIN_AGE))
        .unwrap_or(today);
    if let Err(list) = check_consent(&input, birth.unwrap_or(youngest), today) {
        for (f, code) in list {
            if f == "birth_date" {
                continue;
            }
            let code = if f == "guardian_method" && input.guardian_method.is_empty() {
                "required"
            } else {
                code
            };
            e.entry(f.to_string()).or_insert_with(|| code.to_string());
        }
    }
    for (f, v, max) in [
        ("guardian_name", &input.guardian_name, MAX_NAME),
        ("guardian_relation", &input.guardian_relation, MAX_SHORT),
        ("purpose", &input.purpose, MAX_PURPOSE),
    ] {
        if too_long(v, max) {
            e.insert(f.into(), "too_long".into());
        }
    }
    let name = child_name.trim().to_lowercase();
    if !name.is_empty() && input.purpose.to_lowercase().contains(&name) {
        e.insert("purpose".into(), "purpose_contains_name".into());
    }
    input
}

/// Checks a new child and their consent: every field, every error at once.
async fn check_new(
    act: Act<'_>,
    f: &PersonInput,
) -> ActionResult<(NewPerson, models::ConsentInput)> {
    let today = act.now.date_naive();
    let mut e = Fields::new();
    let full_name = f.full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() {
        e.insert("full_name".into(), "required".into());
    } else if too_long(&full_name, MAX_NAME) {
        e.insert("full_name".into(), "too_long".into());
    }
    let birth = required_date(&mut e, "birth_date", &f.birth_date);
    if let Some(b) = birth {
        let age = age_on(b, today);
        if age < i32::from(MIN_AGE) || age > i32::from(MAX_AGE) {
            e.insert("birth_date".into(), "age_out_of_range".into());
        }
    }
    let sex = choice(&mut e, "sex", &f.sex, true, Sex::parse);
    let ethnic_code = f.ethnic.trim();
    if !ethnic_code.is_empty() && ethnic::name(ethnic_code).is_none() {
        e.insert("ethnic".into(), "unknown_option".into());
    }
    let unit = unit_in_scope(act.db, act.p, &mut e, "unit", &f.unit).await?;
    let school = f.school_or_commune.trim().to_string();
    if too_long(&school, MAX_SHORT) {
        e.insert("school_or_commune".into(), "too_long".into());
    }
    let contact = f.guardian_contact.trim().to_string();
    if too_long(&contact, MAX_SHORT) {
        e.insert("guardian_contact".into(), "too_long".into());
    }
    let k = check_consent_form(&f.consent, birth, &full_name, today, &mut e);
    match (birth, unit) {
        (Some(b), Some(u)) if e.is_empty() => Ok((
            NewPerson {
                full_name,
                birth_date: b,
                sex: sex.map(|s| s.as_str().to_string()),
                ethnic: (!ethnic_code.is_empty()).then(|| ethnic_code.to_string()),
                disability: Some(f.disability),
                unit_id: u.id,
                school_or_commune: (!school.is_empty()).then_some(school),
                guardian_contact: (!contact.is_empty()).then_some(contact),
            },
            k,
        )),
        _ => Err(invalid(e)),
    }
}

/// A child's membership of a council or club, for their page and the API.
pub struct Membership {
    /// `council` | `club`.
    pub kind: &'static str,
    /// Id of the council or club.
    pub id: i32,
    pub name: String,
    /// A council role, or `leader` | `member` in a club.
    pub role: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// A child's memberships of councils, then clubs.
pub async fn memberships(db: &DatabaseConnection, person_id: i32) -> ActionResult<Vec<Membership>> {
    let mut out = vec![];
    for (m, k) in councils::memberships_of(db, person_id).await? {
        out.push(Membership {
            kind: "council",
            id: k.id,
            name: k.name,
            role: m.role.as_str().into(),
            from: m.term_start,
            to: m.term_end,
        });
    }
    for (m, k) in clubs::memberships_of(db, person_id).await? {
        out.push(Membership {
            kind: "club",
            id: k.id,
            name: k.name,
            role: if m.is_leader { "leader" } else { "member" }.into(),
            from: m.joined_on,
            to: m.left_on,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::testing::d;

    #[test]
    fn a_consent_needs_the_child_from_seven_and_never_names_the_child() {
        let today = d(2026, 11, 29);
        let k = ConsentInput {
            guardian_name: "Lò Thị Hiền".into(),
            guardian_relation: "mẹ".into(),
            guardian_method: "written".into(),
            guardian_date: "20/11/2026".into(),
            child_agreed: false,
            child_date: String::new(),
            purpose: "Thành viên Hội đồng trẻ em huyện Tam Đường".into(),
        };
        let mut e = Fields::new();
        check_consent_form(&k, Some(d(2016, 1, 1)), "Lò Văn An", today, &mut e);
        assert_eq!(e["child_agreed"], "child_consent_required");
        assert_eq!(e["child_date"], "required");
        let mut e = Fields::new();
        check_consent_form(&k, Some(d(2020, 6, 1)), "Lò Văn An", today, &mut e);
        assert!(e.is_empty(), "{e:?}");
        let named = ConsentInput {
            purpose: "Lò Văn An vào Hội đồng trẻ em".into(),
            ..k.clone()
        };
        let mut e = Fields::new();
        check_consent_form(&named, Some(d(2020, 6, 1)), "Lò Văn An", today, &mut e);
        assert_eq!(e["purpose"], "purpose_contains_name");
        let mut e = Fields::new();
        check_consent_form(&ConsentInput::default(), None, "", today, &mut e);
        for f in [
            "guardian_name",
            "guardian_relation",
            "guardian_method",
            "guardian_date",
            "purpose",
        ] {
            assert_eq!(e[f], "required", "{f}");
        }
    }
}
