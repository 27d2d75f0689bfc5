//! Cross-reference checks over a whole plan: duplicate codes, references to units, agencies,
//! indicators and projects, cycles, and lead agencies.
//!
//! Empty strings are placeholders left by the reader for values it already reported; they are
//! skipped here so that one mistake is reported once.

use std::collections::{BTreeSet, HashMap};

use super::messages::{self as m, Template};
use super::read::{Cx, Paths};
use super::{Measure, Plan};

pub(super) fn validate(cx: &mut Cx, plan: &Plan, paths: &Paths) {
    let units = first_by_code(cx, plan.units.iter().map(|u| u.code.as_str()), &paths.units);
    let agencies = first_by_code(
        cx,
        plan.agencies.iter().map(|a| a.code.as_str()),
        &paths.agencies,
    );
    let indicators = first_by_code(
        cx,
        plan.indicators.iter().map(|i| i.code.as_str()),
        &paths.indicators,
    );
    let projects = first_by_code(
        cx,
        plan.projects.iter().map(|p| p.code.as_str()),
        &paths.projects,
    );
    first_by_code(
        cx,
        plan.duties.iter().map(|d| d.code.as_str()),
        &paths.duties,
    );
    first_by_code(
        cx,
        plan.funding_sources.iter().map(|f| f.code.as_str()),
        &paths.funding_sources,
    );

    let unit_ref = |cx: &mut Cx, path: &str, code: &str| {
        refer(cx, path, code, &units, &m::UNKNOWN_UNIT);
    };
    let agency_ref = |cx: &mut Cx, path: &str, code: &str| {
        refer(cx, path, code, &agencies, &m::UNKNOWN_AGENCY);
    };
    let indicator_ref = |cx: &mut Cx, path: &str, code: &str| {
        refer(cx, path, code, &indicators, &m::UNKNOWN_INDICATOR);
    };

    unit_ref(cx, "header.issuer_unit", &plan.header.issuer_unit);
    if plan.header.coordinators.is_empty() {
        agency_ref(cx, "header.coordinator", &plan.header.coordinator);
    }
    for (index, span) in plan.header.coordinators.iter().enumerate() {
        agency_ref(
            cx,
            &format!("header.coordinator[{index}].agency"),
            &span.agency,
        );
    }

    for (unit, path) in plan.units.iter().zip(&paths.units) {
        if let Some(parent) = &unit.parent {
            unit_ref(cx, &format!("{path}.parent"), parent);
        }
        for (index, successor) in unit.successors.iter().enumerate() {
            let successor_path = format!("{path}.successors[{index}]");
            if !unit.code.is_empty() && *successor == unit.code {
                cx.at(&successor_path, &m::SELF_SUCCESSOR, &[successor]);
            } else {
                unit_ref(cx, &successor_path, successor);
            }
        }
    }
    let unit_parents: Vec<(&str, Option<&str>)> = plan
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.parent.as_deref()))
        .collect();
    for (first, cycle) in cycles(&unit_parents, &units) {
        let path = format!("{}.parent", paths.units[first]);
        cx.at(&path, &m::UNIT_CYCLE, &[&cycle]);
    }

    for (agency, path) in plan.agencies.iter().zip(&paths.agencies) {
        unit_ref(cx, &format!("{path}.unit"), &agency.unit);
    }

    for (objective, path) in plan.objectives.iter().zip(&paths.objectives) {
        if let Some(indicator) = &objective.indicator {
            indicator_ref(cx, &format!("{path}.indicator"), indicator);
        }
    }

    for (indicator, target_paths) in plan.indicators.iter().zip(&paths.targets) {
        for (target, path) in indicator.targets.iter().zip(target_paths) {
            if let Some(unit) = &target.unit {
                unit_ref(cx, &format!("{path}.unit"), unit);
            }
        }
    }

    for (indicator, path) in plan.indicators.iter().zip(&paths.indicators) {
        if let Measure::PeopleTrained {
            project: Some(project),
        }
        | Measure::Activities {
            project: Some(project),
        } = &indicator.measure
        {
            let path = format!("{path}.params.project");
            refer(cx, &path, project, &projects, &m::UNKNOWN_PROJECT);
        }
    }

    check_projects(cx, plan, paths, &projects, &agencies, &indicators);

    for (duty, path) in plan.reporting.iter().zip(&paths.reporting) {
        let reporter_path = format!("{path}.reporter");
        // `level:<level>` names every unit of a level, whether the file lists one or the
        // units are loaded from elsewhere (plans/units/); the reader checked the level.
        if !duty.reporter.starts_with("level:") && duty.reporter != "all" {
            agency_ref(cx, &reporter_path, &duty.reporter);
            if !duty.reporter.is_empty() && duty.reporter == duty.recipient {
                cx.at(&reporter_path, &m::SELF_REPORT, &[&duty.reporter]);
            }
        }
        agency_ref(cx, &format!("{path}.recipient"), &duty.recipient);
        if let Some(via) = &duty.via {
            agency_ref(cx, &format!("{path}.via"), via);
        }
    }

    for (duty, path) in plan.duties.iter().zip(&paths.duties) {
        // `level:<level>` was checked by the reader.
        if duty.level().is_none() {
            agency_ref(cx, &format!("{path}.agency"), &duty.agency);
        }
        check_list(
            cx,
            &format!("{path}.indicators"),
            &duty.indicators,
            |cx, p, code| indicator_ref(cx, p, code),
        );
    }
}

fn check_projects(
    cx: &mut Cx,
    plan: &Plan,
    paths: &Paths,
    projects: &HashMap<&str, usize>,
    agencies: &HashMap<&str, usize>,
    indicators: &HashMap<&str, usize>,
) {
    let parents_of_models: BTreeSet<&str> = plan
        .projects
        .iter()
        .filter(|p| p.kind == "model")
        .filter_map(|p| p.parent.as_deref())
        .collect();
    // A model whose parent is unknown was reported already; its parent may be a project
    // without a lead, which would then be reported for the same mistake.
    let is_project = |code: &str| {
        projects
            .get(code)
            .is_some_and(|&index| plan.projects[index].kind == "project")
    };
    let lost_model = plan.projects.iter().any(|p| {
        p.kind == "model"
            && p.parent
                .as_deref()
                .is_some_and(|parent| !is_project(parent))
    });

    for (project, path) in plan.projects.iter().zip(&paths.projects) {
        if let Some(parent) = &project.parent {
            let parent_path = format!("{path}.parent");
            match projects.get(parent.as_str()) {
                Some(&index) if plan.projects[index].kind == "model" => {
                    cx.at(&parent_path, &m::PARENT_IS_MODEL, &[parent]);
                }
                Some(_) => {}
                None => refer(cx, &parent_path, parent, projects, &m::UNKNOWN_PROJECT),
            }
        }

        let lead_path = format!("{path}.lead");
        if let Some(lead) = &project.lead {
            refer(cx, &lead_path, lead, agencies, &m::UNKNOWN_AGENCY);
        } else {
            let contains_models = parents_of_models.contains(project.code.as_str());
            // Already reported: a blank or mistyped lead, a missing code or kind, or a model
            // whose parent is unknown and may be this project.
            let reported = cx.was_read(&lead_path)
                || project.code.is_empty()
                || project.kind.is_empty()
                || (project.kind == "project" && lost_model);
            if !contains_models && !reported {
                let line = cx.line_of(path);
                cx.push(line, &lead_path, &m::MISSING_LEAD, &[&project.code]);
            }
        }

        check_list(
            cx,
            &format!("{path}.coordinating"),
            &project.coordinating,
            |cx, p, code| {
                refer(cx, p, code, agencies, &m::UNKNOWN_AGENCY);
            },
        );
        check_list(
            cx,
            &format!("{path}.indicators"),
            &project.indicators,
            |cx, p, code| {
                refer(cx, p, code, indicators, &m::UNKNOWN_INDICATOR);
            },
        );
    }

    // Links to a model were reported above; only links between projects can form a cycle.
    let project_parents: Vec<(&str, Option<&str>)> = plan
        .projects
        .iter()
        .map(|p| {
            (
                p.code.as_str(),
                p.parent.as_deref().filter(|parent| is_project(parent)),
            )
        })
        .collect();
    for (first, cycle) in cycles(&project_parents, projects) {
        let path = format!("{}.parent", paths.projects[first]);
        cx.at(&path, &m::PROJECT_CYCLE, &[&cycle]);
    }
}

/// Checks each code of a list, and that none is listed twice.
fn check_list(
    cx: &mut Cx,
    path: &str,
    codes: &[String],
    mut check: impl FnMut(&mut Cx, &str, &str),
) {
    for (index, code) in codes.iter().enumerate() {
        let element_path = format!("{path}[{index}]");
        if !code.is_empty() && codes[..index].contains(code) {
            cx.at(&element_path, &m::LISTED_TWICE, &[code]);
        } else {
            check(cx, &element_path, code);
        }
    }
}

/// Maps each code to its first item, reporting later items with the same code.
fn first_by_code<'p>(
    cx: &mut Cx,
    codes: impl Iterator<Item = &'p str>,
    paths: &[String],
) -> HashMap<&'p str, usize> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (index, code) in codes.enumerate() {
        if code.is_empty() {
            continue;
        }
        match first.get(code) {
            Some(&earlier) => {
                let earlier_line = cx.line_of(&format!("{}.code", paths[earlier])).to_string();
                cx.at(
                    &format!("{}.code", paths[index]),
                    &m::DUPLICATE_CODE,
                    &[code, &earlier_line],
                );
            }
            None => {
                first.insert(code, index);
            }
        }
    }
    first
}

/// Reports a code that names nothing; empty placeholders are skipped.
fn refer(cx: &mut Cx, path: &str, code: &str, known: &HashMap<&str, usize>, template: &Template) {
    if !code.is_empty() && !known.contains_key(code) {
        cx.at(path, template, &[code]);
    }
}

/// The cycles among parent links, each once: the index of its member that comes first in the
/// file, and the cycle written `a → b → a` from that member.
fn cycles(items: &[(&str, Option<&str>)], index_of: &HashMap<&str, usize>) -> Vec<(usize, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; items.len()];
    let mut found = Vec::new();
    for start in 0..items.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut current = Some(start);
        while let Some(index) = current {
            match state[index] {
                State::Done => break,
                State::OnPath => {
                    if let Some(at) = path.iter().position(|&i| i == index) {
                        let members = &path[at..];
                        let first_in_file = members.iter().copied().min().unwrap_or(index);
                        let offset = members
                            .iter()
                            .position(|&i| i == first_in_file)
                            .unwrap_or(0);
                        let mut names: Vec<&str> = members[offset..]
                            .iter()
                            .chain(&members[..offset])
                            .map(|&i| items[i].0)
                            .collect();
                        names.push(items[first_in_file].0);
                        found.push((first_in_file, names.join(" → ")));
                    }
                    break;
                }
                State::New => {
                    state[index] = State::OnPath;
                    path.push(index);
                    current = items[index]
                        .1
                        .and_then(|parent| index_of.get(parent).copied());
                }
            }
        }
        for index in path {
            state[index] = State::Done;
        }
    }
    found.sort_by_key(|(first, _)| *first);
    found
}
