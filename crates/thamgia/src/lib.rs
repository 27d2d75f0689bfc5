//! The `thamgia` command line's shared parts: the demo data set.

pub mod backup;
pub mod demo;
pub mod demo_activities;
pub mod demo_agency_reports;
pub mod demo_councils;
pub mod demo_forums;
pub mod demo_inspections;
pub mod demo_plans;
pub mod demo_population;
pub mod demo_recent;
pub mod demo_reminders;
pub mod demo_reports;
pub mod demo_review;
pub mod demo_voice;
pub mod units_import;

/// The shipped plan, compiled in so `demo` works from any directory.
pub const LAI_CHAU_PLAN: &str = include_str!("../../../plans/lai-chau-2016-2020.toml");

/// The shipped 2021–2030 plan (Decision 23/QĐ-TTg's participation goals).
pub const LAI_CHAU_PLAN_2021: &str = include_str!("../../../plans/lai-chau-2021-2030.toml");
