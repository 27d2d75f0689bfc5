//! Children's participation-rights clubs: set one up at a school or in a
//! community (at a level the governing plan lists) and record an activity.
//! Members are `membership` (with `Model::Club`).

use crate::catalog::Action;
use crate::models::{
    LEVEL_NOT_ALLOWED, count, date_or_today, held_day, level_refused, required_date, text,
    unit_in_scope,
};
use crate::recommendations::{RecommendationInput, Source};
use crate::{Act, ActionResult, Fields, invalid};
use chrono::{Datelike, NaiveDate};
use thamgia_domain::access::Permission;
use thamgia_domain::models::{ClubSetting, RecommendationSource};
use thamgia_store::clubs::{self, NewActivity, NewClub};
use thamgia_store::entity::{club, club_activity, recommendation, unit};
use thamgia_store::{StoreError, plans, units};

/// The write actions of this module (`catalog::all`; members: `membership`).
pub const ACTIONS: &[Action] = &[
    Action::unit("clubs.create", Permission::ManageModels),
    Action::unit("clubs.add_activity", Permission::RecordActivities),
    Action::unit("clubs.add_recommendation", Permission::ManageModels),
];

pub const MAX_NAME: usize = 200;
pub const MAX_TOPIC: usize = 300;
pub const MAX_PARTICIPANTS: i64 = 500;

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

/// Sets up a club (`ManageModels`).
pub async fn create(act: Act<'_>, f: &ClubInput) -> ActionResult<club::Model> {
    act.require(Permission::ManageModels)?;
    let n = check_new(act, f).await?;
    clubs::create(act.db, &act.actor(), act.now, n)
        .await
        .map_err(level_refused)
}

/// The club in the caller's scope with its district and host; `NotFound`
/// outside it.
pub async fn load(
    act: Act<'_>,
    id: i32,
) -> ActionResult<(club::Model, unit::Model, Option<unit::Model>)> {
    Ok(clubs::get_in_scope(act.db, &act.p.scope(), id).await?)
}

/// Records an activity (`RecordActivities`: facilitators too).
pub async fn add_activity(
    act: Act<'_>,
    id: i32,
    f: &ActivityInput,
) -> ActionResult<club_activity::Model> {
    act.require(Permission::RecordActivities)?;
    let (k, _, _) = load(act, id).await?;
    let n = check_activity(&k, f, act.now.date_naive())?;
    Ok(clubs::add_activity(act.db, &act.actor(), act.now, k.id, n).await?)
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
    let setting = if f.setting.trim().is_empty() {
        e.insert("setting".into(), "required".into());
        None
    } else {
        let s = ClubSetting::parse(f.setting.trim());
        if s.is_none() {
            e.insert("setting".into(), "unknown_option".into());
        }
        s
    };
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
    let name = text(&mut e, "name", &f.name, MAX_NAME);
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

pub fn check_activity(
    k: &club::Model,
    f: &ActivityInput,
    today: NaiveDate,
) -> ActionResult<NewActivity> {
    let mut e = Fields::new();
    let since = (k.founded_on, "before_founded");
    let held = held_day(&mut e, "held_on", &f.held_on, since, today);
    let topic = text(&mut e, "topic", &f.topic, MAX_TOPIC);
    let girls = count(&mut e, "girls", &f.girls, 0, MAX_PARTICIPANTS);
    let boys = count(&mut e, "boys", &f.boys, 0, MAX_PARTICIPANTS);
    if let (Some(g), Some(b)) = (girls, boys)
        && g + b == 0
    {
        e.insert("girls".into(), "total_zero".into());
    }
    match (held, girls, boys) {
        (Some(d), Some(g), Some(b)) if e.is_empty() => Ok(NewActivity {
            held_on: d,
            topic,
            girls: g,
            boys: b,
        }),
        _ => Err(invalid(e)),
    }
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
    use crate::models::testing::{d, refused as fields};

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
            created_at: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn an_activity_counts_girls_and_boys() {
        let today = d(2019, 12, 1);
        let e = fields(check_activity(&club(), &ActivityInput::default(), today));
        for f in ["held_on", "topic", "girls", "boys"] {
            assert_eq!(e[f], "required", "{f}");
        }
        let f = ActivityInput {
            held_on: "02/12/2019".into(),
            topic: "Quyền được tham gia".into(),
            girls: "0".into(),
            boys: "0".into(),
        };
        let e = fields(check_activity(&club(), &f, today));
        assert_eq!(e["held_on"], "in_the_future");
        assert_eq!(e["girls"], "total_zero");
        let f = ActivityInput {
            held_on: "01/09/2017".into(),
            girls: "-1".into(),
            boys: "x".into(),
            ..f
        };
        let e = fields(check_activity(&club(), &f, today));
        assert_eq!(e["held_on"], "before_founded");
        assert_eq!(e["girls"], "negative");
        assert_eq!(e["boys"], "not_a_number");
        let ok = ActivityInput {
            held_on: "15/10/2019".into(),
            topic: "Phòng chống đuối nước".into(),
            girls: "9".into(),
            boys: "7".into(),
        };
        let n = check_activity(&club(), &ok, today).expect("valid");
        assert_eq!((n.girls, n.boys), (9, 7));
    }
}
