//! The integration suite: one test binary (each file here is a module, not a
//! separate link). Every test talks to a real server over HTTP, on SQLite and
//! on PostgreSQL. It runs under its own harness (`harness.rs`): a case that
//! cannot run here is reported ignored, not passed.

mod fixtures;
mod harness;
mod helpers;

mod access;
mod accounts;
mod action_access;
mod activities;
mod agency_reports;
mod aggregates;
mod api;
mod audit;
mod child;
mod choices;
mod cli;
mod concurrent_writes;
mod consultation_writes;
mod consultations;
mod councils;
mod counts;
mod dashboard;
mod demo_recent;
mod durability;
mod forums;
mod funding;
mod handover;
mod imports;
mod inbox;
mod inspections;
mod levels;
mod measures;
mod offline;
mod openapi;
mod own_account;
mod pages;
mod paging;
mod plans;
mod population;
mod print;
mod question_builder;
mod reminders;
mod report_chain;
mod report_exports;
mod reports;
mod results;
mod review;
mod suppression;
mod text;
mod trust;
mod units_in_time;
mod words;

fn main() -> std::process::ExitCode {
    harness::main()
}
