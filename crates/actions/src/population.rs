//! The child population: figures of units by year, age and sex, replaced
//! all or nothing. The row checks (`thamgia_domain::population::check_figure`,
//! a unit code read in the row's year, a figure given once) serve the JSON
//! body and the .xlsx/.csv import alike; `pages/population.rs` and
//! `api/population.rs` call these functions.

use crate::catalog::Action;
use crate::{Act, ActionResult, Fields, invalid, invalid_one};
use sea_orm::DatabaseConnection;
use std::collections::{HashMap, HashSet};
use thamgia_domain::access::{Permission, Principal};
use thamgia_domain::activities::FieldError;
use thamgia_domain::population::{CheckedFigure, FigureText, check_figure};
use thamgia_domain::units::During;
use thamgia_store::population::{self, Figure, Replaced};
use thamgia_store::units;

/// The write actions of this module (`catalog::all`).
pub const ACTIONS: &[Action] = &[Action::unit(
    "population.replace",
    Permission::ManagePopulation,
)];

/// The most rows one request may replace.
pub const MAX_ROWS: usize = 20_000;

/// Checked rows of a file or a request, ready to save.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub source: String,
    pub figures: Vec<Figure>,
}

/// One row's errors, by field, before they are placed in a file or a request.
pub struct RowProblems {
    /// The row's place in its input (index for the API, row number in a file).
    pub at: usize,
    pub errors: Vec<FieldError>,
}

/// Checks rows (typed text) and reads their unit codes with their years
/// inside the principal's scope. Nothing is written.
pub async fn check_rows(
    db: &DatabaseConnection,
    p: &Principal,
    rows: &[(usize, FigureText)],
) -> ActionResult<Result<Vec<Figure>, Vec<RowProblems>>> {
    let scope = p.scope();
    let mut problems = Vec::new();
    let mut figures = Vec::new();
    let mut units_read: HashMap<(String, i32), Result<i32, &'static str>> = HashMap::new();
    let mut seen: HashSet<(i32, i32, u8, &'static str)> = HashSet::new();
    for (at, t) in rows {
        let checked: CheckedFigure = match check_figure(t) {
            Ok(c) => c,
            Err(errors) => {
                problems.push(RowProblems { at: *at, errors });
                continue;
            }
        };
        let key = (checked.unit.clone(), checked.year);
        let unit = match units_read.get(&key) {
            Some(r) => *r,
            None => {
                let r = match units::resolve(db, &scope, &checked.unit, Some(checked.year), None)
                    .await
                {
                    Ok(r) => {
                        let u = &r.unit;
                        if During::year(checked.year).covers(u.valid_from, u.valid_to) {
                            Ok(u.id)
                        } else {
                            Err("unit_not_in_year")
                        }
                    }
                    Err(thamgia_store::StoreError::NotFound) => Err("unknown_unit"),
                    Err(e) => return Err(e.into()),
                };
                units_read.insert(key, r);
                r
            }
        };
        let unit_id = match unit {
            Ok(id) => id,
            Err(code) => {
                problems.push(RowProblems {
                    at: *at,
                    errors: vec![FieldError {
                        field: "unit".into(),
                        code,
                    }],
                });
                continue;
            }
        };
        if !seen.insert((unit_id, checked.year, checked.age, checked.sex)) {
            problems.push(RowProblems {
                at: *at,
                errors: vec![FieldError {
                    field: "age".into(),
                    code: "duplicate_figure",
                }],
            });
            continue;
        }
        figures.push(Figure {
            unit_id,
            year: checked.year,
            age: checked.age,
            sex: checked.sex.to_string(),
            children: checked.children,
        });
    }
    Ok(if problems.is_empty() {
        Ok(figures)
    } else {
        Err(problems)
    })
}

/// Saves checked rows (`ManagePopulation`): each unit and year in them gets
/// exactly these figures. A locked year is the conflict `year_locked`.
pub async fn save(act: Act<'_>, prepared: &Prepared) -> ActionResult<Replaced> {
    act.require(Permission::ManagePopulation)?;
    Ok(population::replace(
        act.db,
        &act.actor(),
        act.now,
        &prepared.figures,
        false,
        &prepared.source,
    )
    .await?)
}

/// Replaces figures sent as rows of text (`source` names the sender in the
/// audit trail): every error of every row at once, keyed `rows[i].field`.
pub async fn replace(act: Act<'_>, rows: &[FigureText], source: &str) -> ActionResult<Replaced> {
    act.require(Permission::ManagePopulation)?;
    if rows.is_empty() {
        return Err(invalid_one("rows", "required"));
    }
    if rows.len() > MAX_ROWS {
        return Err(invalid_one("rows", "too_many"));
    }
    let texts: Vec<(usize, FigureText)> = rows.iter().cloned().enumerate().collect();
    let figures = match check_rows(act.db, act.p, &texts).await? {
        Ok(f) => f,
        Err(problems) => {
            let mut fields = Fields::new();
            for p in &problems {
                for e in &p.errors {
                    fields
                        .entry(format!("rows[{}].{}", p.at, e.field))
                        .or_insert_with(|| e.code.to_string());
                }
            }
            return Err(invalid(fields));
        }
    };
    let prepared = Prepared {
        source: source.to_string(),
        figures,
    };
    save(act, &prepared).await
}
