//! Children's participation-rights clubs: set one up at a school or in a
//! community (at a level the governing plan lists) and record an activity.
//! Members are `membership` (with `Model::Club`).

use crate::catalog::Action;
use crate::models::{
    LEVEL_NOT_ALLOWED, MAX_CHILDREN_PRESENT, MAX_MODEL_NAME, count, date_or_today, held_day,
    level_refused, model_writes, required_date, text, unit_in_scope,
};
use crate::recommendations::{RecommendationInput, Source};
use crate::{Act, ActionResult, Fields, choice, invalid};
use chrono::{Datelike, NaiveDate};
use thamgia_domain::access::Permission;
use thamgia_domain::models::{ClubSetting, RecommendationSource};
use thamgia_store::clubs::{self, NewActivity, NewClub};
use thamgia_store::entity::{club, club_activity, recommendation, unit};
use thamgia_store::{StoreError, plans, units};

pub const MAX_TOPIC: usize = 300;

/// A new club as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ClubInput {
    /// Code of the district the club counts for.
    pub unit: String,
    /// school | community
    pub setting: String,
    /// Code of the school, commune or village hosting it (optional).
    pub host: String,
    pub name: String,
    pub founded_on: String,
}

/// An activity as sent.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ActivityInput {
    pub held_on: String,
    pub topic: String,
    pub girls: String,
    pub boys: String,
}

model_writes! {
    "clubs", clubs, club::Model, ClubInput, conflicts: level_refused,
    /// Records an activity (`RecordActivities`: facilitators too).
    add_activity(ActivityInput) -> club_activity::Model,
    check_activity(founded_on, "before_founded") -> NewActivity, activity,
}

/// The club in the caller's scope with its district and host; `NotFound`
/// outside it.
pub async fn load(
    act: Act<'_>,
    id: i32,
) -> ActionResult<(club::Model, unit::Model, Option<unit::Model>)> {
    Ok(clubs::get_in_scope(act.db, &act.p.scope(), id).await?)
}

async fn check_new(act: Act<'_>, f: &ClubInput) -> ActionResult<NewClub> {
    let (db, today) = (act.db, act.now.date_naive());
    let mut e = Fields::new();
    let mut unit = unit_in_scope(db, act.p, &mut e, "unit", &f.unit).await?;
    if unit
        .as_ref()
        .is_some_and(|u| !thamgia_domain::units::reports_to_province(&u.path))
    {
        e.insert("unit".into(), "not_a_district".into());
        unit = None;
    }
    let setting = choice(&mut e, "setting", &f.setting, true, ClubSetting::parse);
    let host = if f.host.trim().is_empty() {
        None
    } else {
        match units::get_in_scope(db, &act.p.scope(), f.host.trim()).await {
            Ok(h) => {
                if let Some(u) = &unit
                    && (h.id == u.id || !thamgia_domain::access::is_within(&h.path, &u.path))
                {
                    e.insert("host".into(), "host_outside_unit".into());
                }
                Some(h)
            }
            Err(StoreError::NotFound) => {
                e.insert("host".into(), "unknown_unit".into());
                None
            }
            Err(err) => return Err(err.into()),
        }
    };
    let name = text(&mut e, "name", &f.name, MAX_MODEL_NAME);
    let founded = required_date(&mut e, "founded_on", &f.founded_on);
    if founded.is_some_and(|d| d > today) {
        e.insert("founded_on".into(), "in_the_future".into());
    }
    // The club sits at its host, else at the unit it counts for: that
    // unit's level must be one the governing plan lets have clubs.
    let year = founded.unwrap_or(today).year();
    let at = match (&host, &unit) {
        (Some(h), _) if !e.contains_key("host") => Some(("host", h)),
        (None, Some(u)) => Some(("unit", u)),
        _ => None,
    };
    if let Some((field, u)) = at
        && !plans::holds(db, &u.path, &u.level, "club", year).await?
    {
        e.insert(field.into(), LEVEL_NOT_ALLOWED.into());
    }
    match (unit, setting, founded) {
        (Some(u), Some(s), Some(d)) if e.is_empty() => Ok(NewClub {
            unit_id: u.id,
            setting: s,
            host_unit_id: host.map(|h| h.id),
            name,
            founded_on: d,
        }),
        _ => Err(invalid(e)),
    }
}

/// The fields of an activity besides its day: the new activity when the day
/// and they are readable.
fn activity(e: &mut Fields, f: &ActivityInput, held: Option<NaiveDate>) -> Option<NewActivity> {
    let topic = text(e, "topic", &f.topic, MAX_TOPIC);
    let girls = count(e, "girls", &f.girls, 0, MAX_CHILDREN_PRESENT);
    let boys = count(e, "boys", &f.boys, 0, MAX_CHILDREN_PRESENT);
    if let (Some(g), Some(b)) = (girls, boys)
        && g + b == 0
    {
        e.insert("girls".into(), "total_zero".into());
    }
    Some(NewActivity {
        held_on: held?,
        topic,
        girls: girls?,
        boys: boys?,
    })
}

/// Where a club's recommendation raised on a day comes from.
pub fn club_source(k: &club::Model, raised_on: NaiveDate) -> Source {
    Source {
        source: RecommendationSource::Club,
        id: k.id,
        unit_id: k.unit_id,
        year: raised_on.year(),
        earliest_deadline: raised_on,
    }
}

/// Records a recommendation the club's children raised on a day
/// (`ManageModels`): the day's errors and the recommendation's together.
pub async fn add_recommendation(
    act: Act<'_>,
    id: i32,
    raised_on: &str,
    f: &RecommendationInput,
) -> ActionResult<recommendation::Model> {
    act.require(Permission::ManageModels)?;
    let (k, _, _) = load(act, id).await?;
    let today = act.now.date_naive();
    let raised = check_raised_on(&k, raised_on, today);
    let src = club_source(&k, *raised.as_ref().unwrap_or(&today));
    let checked = crate::recommendations::check_new(act.db, act.p, &src, f).await;
    let n = match (raised, checked) {
        (Ok(_), Ok(n)) => n,
        (r, c) => {
            let mut fields = r.err().unwrap_or_default();
            match c {
                Err(crate::ActionError::Invalid { fields: f, .. }) => fields.extend(f),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
            return Err(invalid(fields));
        }
    };
    Ok(thamgia_store::recommendations::create(act.db, &act.actor(), act.now, n).await?)
}

/// The day a club recommendation was raised (empty: today), checked against
/// the club: not in the future, not before it was founded.
pub fn check_raised_on(
    k: &club::Model,
    raised_on: &str,
    today: NaiveDate,
) -> Result<NaiveDate, Fields> {
    let mut e = Fields::new();
    let d = date_or_today(&mut e, "raised_on", raised_on, today);
    match d {
        Some(d) if d > today => {
            e.insert("raised_on".into(), "in_the_future".into());
        }
        Some(d) if d < k.founded_on => {
            e.insert("raised_on".into(), "before_founded".into());
        }
        _ => {}
    }
    match d {
        Some(d) if e.is_empty() => Ok(d),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::testing::{d, epoch, record_check};

    fn club() -> club::Model {
        club::Model {
            id: 1,
            unit_id: 1,
            setting: ClubSetting::School,
            host_unit_id: None,
            name: "CLB Quyền tham gia trẻ em Trường THCS Bản Bo".into(),
            founded_on: d(2017, 9, 5),
            closed_on: None,
            created_by: None,
            created_at: epoch(),
        }
    }

    #[test]
    fn an_activity_counts_girls_and_boys() {
        let topic = ("topic", "Quyền được tham gia");
        let zero = [
            ("held_on", "02/12/2019"),
            topic,
            ("girls", "0"),
            ("boys", "0"),
        ];
        let early = [
            ("held_on", "01/09/2017"),
            topic,
            ("girls", "-1"),
            ("boys", "x"),
        ];
        let n = record_check(
            |f, today| check_activity(&club(), f, today),
            &["held_on", "topic", "girls", "boys"],
            &[
                (
                    &zero,
                    &[("held_on", "in_the_future"), ("girls", "total_zero")],
                ),
                (
                    &early,
                    &[
                        ("held_on", "before_founded"),
                        ("girls", "negative"),
                        ("boys", "not_a_number"),
                    ],
                ),
            ],
            &[
                ("held_on", "15/10/2019"),
                ("topic", "Phòng chống đuối nước"),
                ("girls", "9"),
                ("boys", "7"),
            ],
        );
        assert_eq!((n.girls, n.boys), (9, 7));
    }
}
