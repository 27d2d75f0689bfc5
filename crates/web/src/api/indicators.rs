//! The plan's indicators for a unit's subtree in a year (INTERFACES.md),
//! each computed by its measure (`store::engine`, `docs/indicators.md`).

use super::Api;
use super::Query;
use super::paging::{Listing, Page};
use super::require;
use super::shapes::query_params;
use crate::error::{AppError, AppResult, ErrorBody};
use std::collections::BTreeMap;
use thamgia_domain::access::Permission;
use thamgia_store::{engine, units};

query_params! {
    IndicatorQuery {
        /// Official code of a unit in the caller's scope.
        unit,
        /// Calendar year, four digits.
        year,
        /// A day (`YYYY-MM-DD` or dd/mm/yyyy) to read a reused code on; by
        /// default the unit valid on 31/12 of the year is meant.
        date,
    }
}

/// The unit a figure is about, as `unit=CODE` was read for the year: codes
/// are reused (03388 is Phường Quyết Tiến until 30/6/2025 and Phường Đoàn
/// Kết since), so every figure says which unit it counts.
#[derive(Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ResolvedUnitDto {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_to: Option<chrono::NaiveDate>,
    /// The code named another unit too in the year asked about.
    pub code_reused: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    pub name_en: String,
    pub numerator: u64,
    pub denominator: u64,
    /// For `%`: numerator / denominator × 100, one decimal, null when the
    /// denominator is 0. For `count`: the numerator itself (the denominator is
    /// then the number of units that could count).
    /// A whole figure (a count, đồng) is written as an integer.
    #[serde(serialize_with = "whole_when_integral")]
    pub value: Option<f64>,
    /// The plan's target for this unit and year; null when no plan covers the year.
    #[serde(serialize_with = "whole_when_integral")]
    pub target: Option<f64>,
    /// `%`, `count` or `dong` (whole đồng).
    pub unit: String,
    /// `true` when the figure itself is hidden ("<5" on pages and in files):
    /// children's answers of 1–4, or whose breakdowns only hiding it protects.
    /// Its numerator and denominator are then 0 and its value null.
    pub suppressed: bool,
    /// The figure's parts (people trained by group and sex, activities by
    /// project, money by funding source, children's answers by age band,
    /// "age not given", sex and ethnic group); absent for indicators without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<Vec<BreakdownDto>>,
    /// Where the figure stands against its target: `met`, `on_track` (the
    /// year still running, at or above the share of the target its elapsed
    /// part calls for), `behind`, `no_target` or `no_data` (a percentage of zero records).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standing: Option<String>,
    /// The page listing the records behind the figure (they add up to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<String>,
    /// The unit counted (the one `unit=` named in the year or on the date).
    pub for_unit: ResolvedUnitDto,
    /// How the figure is computed: one word of the plan's closed vocabulary
    /// (`matters_consulted`, `forums_held`, `units_running_models`,
    /// `children_answers`, `children_in_models`, `people_trained`,
    /// `activities`, `money_spent`, `not_computed`; `docs/indicators.md`).
    pub measure: String,
    /// A share of children's answers: the answers of the year that gave no
    /// age, counted beside the share rather than dropped; null when 1–4
    /// (hidden) or for other measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_given: Option<u64>,
    /// A share of the child population whose numerator (answers, not
    /// children) exceeds the population: the value is capped at 100.
    pub capped: bool,
    /// A share of the child population computed over demo figures.
    pub population_demo: bool,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BreakdownDto {
    /// `teachers.female`, a project code, a funding source code.
    pub key: String,
    /// Vietnamese name.
    pub name: String,
    /// Null for a part of 1–4 children (C1), shown "<5".
    pub value: Option<i64>,
}

/// The plan's indicators for a unit's subtree and a year: `T1` (laws and
/// policies), `T2` (school decisions) and `T3` (community decisions) consulted
/// with children. A matter counts in the year of its decision, and as
/// consulted when one of its consultations closed with at least one child's
/// response (or group tally) and published its answer to the children.
/// For a year covered by a plan that defines them, also `M1` (province- and
/// district-level units that held a Children's Forum of their level), `M2`
/// (districts whose Children's Council held a dialogue), `M3` (districts with
/// at least one club that held an activity) — counts — and `T4` (% of the
/// districts running all three); and `A1` (people trained, by group and sex),
/// `A2` (activities, by project) and `A3` (spending in đồng, by source; its
/// target is the budget), each with a `breakdown`, and `C1` (children's
/// responses, by age band, sex and ethnic group; parts of 1–4 children are
/// null). Each figure carries its `standing` and `records`, the page that
/// lists the records behind it. See `docs/indicators.md`.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators",
    params(crate::api::paging::Paging, IndicatorQuery),
    responses((status = 200, body = [IndicatorDto]),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    Api { state, p }: Api,
    Query(q): Query<IndicatorQuery>,
    paging: Listing,
) -> AppResult<Page<IndicatorDto>> {
    require(&p, Permission::ViewPlan)?;
    let mut fields = BTreeMap::new();
    let (unit, year) =
        crate::report_files::read_unit_year(q.unit.as_deref(), q.year.as_deref(), &mut fields);
    let date = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => {
            let parsed = thamgia_domain::activities::parse_date(d);
            if parsed.is_none() {
                fields.insert("date".to_string(), "invalid_date".to_string());
            }
            parsed
        }
    };
    let (Some(unit), Some(year), true) = (unit, year, fields.is_empty()) else {
        return Err(AppError::Invalid {
            fields,
            detail: None,
        });
    };
    let db = &state.db.conn;
    let resolved = units::resolve(db, &p.scope(), unit, Some(year), date).await?;
    let u = resolved.unit;
    let for_unit = ResolvedUnitDto {
        code: u.code.clone(),
        name_vi: u.name_vi.clone(),
        name_en: u.name_en.clone(),
        valid_from: u.valid_from,
        valid_to: u.valid_to,
        code_reused: resolved.ambiguous,
    };
    let today = state.now().date_naive();
    // Children's answers are listed with the plan's indicators for the
    // years a plan covers.
    let planned = thamgia_store::plans::for_unit(db, &u.path, year)
        .await?
        .is_some();
    let out: Vec<IndicatorDto> = engine::figures(db, &u, year, today)
        .await?
        .into_iter()
        .filter(|f| planned || !f.counts_children())
        .map(|f| {
            let hidden = f.hidden();
            let i = f.indicator;
            let has_parts = !f.breakdown.is_empty() || engine::has_breakdown(&i.measure);
            IndicatorDto {
                records: Some(crate::links::records_href(&u.code, year, &i.code)),
                standing: Some(f.standing.as_str().to_string()),
                breakdown: has_parts.then(|| {
                    f.breakdown
                        .into_iter()
                        .map(|p| BreakdownDto {
                            key: p.key,
                            name: p.name_vi,
                            value: p.value,
                        })
                        .collect()
                }),
                code: i.code,
                name: i.name_vi,
                name_en: i.name_en,
                numerator: i.numerator,
                denominator: i.denominator,
                value: i.value,
                target: i.target,
                unit: i.unit,
                for_unit: for_unit.clone(),
                suppressed: hidden,
                measure: i.measure,
                not_given: i.not_given,
                capped: i.capped,
                population_demo: i.population_demo,
            }
        })
        .collect();
    paging.page(out)
}

/// Writes a whole figure as an integer (`120000000`, not `120000000.0`), so
/// amounts in đồng and counts read as the integers they are; a share with a
/// decimal stays a decimal.
fn whole_when_integral<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    // Below 2^53 every integer is exact in an f64.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < EXACT => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn years_are_four_digits() {
        assert_eq!(thamgia_domain::activities::parse_year("2018"), Some(2018));
        for bad in ["20x8", "18", "02018", "-201", "２０１８"] {
            assert_eq!(thamgia_domain::activities::parse_year(bad), None, "{bad}");
        }
    }

    #[derive(serde::Serialize)]
    struct Figure(#[serde(serialize_with = "super::whole_when_integral")] Option<f64>);

    #[test]
    fn whole_figures_are_integers() {
        let json = |x| serde_json::to_string(&Figure(x)).expect("json");
        assert_eq!(json(Some(120_000_000.0)), "120000000");
        assert_eq!(json(Some(12.5)), "12.5");
        assert_eq!(json(Some(0.0)), "0");
        assert_eq!(json(None), "null");
    }
}
