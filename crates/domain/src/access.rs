//! Who may see and do what. This is the one place where access is decided.
//!
//! Every user holds one [`Role`] scoped to one unit's subtree. A unit's place in
//! the hierarchy is written as a *path* of unit ids (`/00000001/00000002/`:
//! ids, not official codes, because codes are reused — 03388 named one ward
//! until 30/6/2025 and another since), so "is this record inside my scope?" is
//! a prefix test ([`is_within`]). The store applies it inside SQL through one
//! function (`store::units::in_subtree`), the web layer to single objects
//! through [`Scope::contains`]. A record outside the scope is treated as if it
//! did not exist (404), so a district cannot even learn which ids its
//! neighbours use.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The six roles of INTERFACES.md, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coordinator,
    DistrictOfficer,
    AgencyOfficer,
    Facilitator,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Coordinator,
        Role::DistrictOfficer,
        Role::AgencyOfficer,
        Role::Facilitator,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::DistrictOfficer => "district_officer",
            Role::AgencyOfficer => "agency_officer",
            Role::Facilitator => "facilitator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Place in [`Role::ALL`]: 0 is the most powerful.
    pub fn rank(self) -> usize {
        Role::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or(Role::ALL.len())
    }

    /// Whether `self` has less power than `other`: an account may not move
    /// itself there (it could not climb back).
    pub fn is_below(self, other: Role) -> bool {
        self.rank() > other.rank()
    }

    /// Whether the role is allowed an action at all (inside its scope).
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Coordinator => !matches!(p, ManageUsers),
            Role::DistrictOfficer => matches!(
                p,
                ViewPlan
                    | ViewUnits
                    | ViewAgencies
                    | ManageMatters
                    | RunConsultations
                    | Moderate
                    | ViewResults
                    | AnswerChildren
                    | ManageModels
                    | RecordActivities
                    | ViewNames
                    | ViewModels
                    | AnswerRecommendations
                    | ViewActivities
                    | ManageActivities
                    | ManageBudget
                    | ViewReports
                    | ManageReports
                    | ManagePopulation
                    | Remind
                    | Inspect
            ),
            Role::AgencyOfficer => matches!(
                p,
                ViewPlan
                    | ViewUnits
                    | ViewAgencies
                    | ManageMatters
                    | RunConsultations
                    | ViewResults
                    | AnswerChildren
                    | ViewModels
                    | AnswerRecommendations
                    | ViewActivities
                    | ManageActivities
                    | ViewReports
                    | Inspect
                    | ReportForAgency
            ),
            Role::Facilitator => matches!(
                p,
                ViewPlan
                    | ViewUnits
                    | ViewAgencies
                    | RunConsultations
                    | ViewResults
                    | RecordActivities
                    | ViewModels
                    | ViewActivities
            ),
            Role::Viewer => {
                matches!(
                    p,
                    ViewPlan
                        | ViewUnits
                        | ViewAgencies
                        | ViewResults
                        | ViewModels
                        | ViewActivities
                        | ViewReports
                )
            }
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Actions that roles are granted. Later features add their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ViewPlan,
    ImportPlan,
    ViewUnits,
    ManageUnits,
    ViewAgencies,
    ManageAgencies,
    ManageUsers,
    ViewAudit,
    /// Register and update child-related matters (laws, school and community decisions).
    ManageMatters,
    /// Create consultations, write their questions, open them, type in paper forms and group tallies.
    RunConsultations,
    /// Read children's free text before approval, approve, redact, reject, flag safeguarding concerns.
    Moderate,
    /// Read results (always with small cells suppressed) and the answers to children.
    ViewResults,
    /// Close a consultation with findings and publish the answer to the children.
    AnswerChildren,
    /// See and resolve safeguarding alerts.
    Safeguard,
    /// Record forums, councils and clubs (and their recommendations).
    ManageModels,
    /// Record a club activity or a council dialogue (no names involved).
    RecordActivities,
    /// See and record identified children (council and club members, forum
    /// delegates) and their consents. Names never reach anyone else.
    ViewNames,
    /// Read forums, councils, clubs and recommendations (counts, never names).
    ViewModels,
    /// Move a recommendation along and answer it (agency officers: their own agency's).
    AnswerRecommendations,
    /// Read activities, annual plans, budgets and spending, and their totals.
    ViewActivities,
    /// Record activities (with participants, documents and spending), annual
    /// activity plans, and import them from Excel or CSV. Agency officers:
    /// activities their agency leads.
    ManageActivities,
    /// Set budget lines (by year, unit, source and project).
    ManageBudget,
    /// Read the annual reports of the scope, their figures and history.
    ViewReports,
    /// Write the unit's annual report (narrative) and submit it.
    ManageReports,
    /// Return or approve the reports of units below one's own (coordinator,
    /// admin); the coordinator also reopens an approved report.
    ReviewReports,
    /// Import and change the child population (children by unit, year, age
    /// and sex): province staff for every unit, district and commune officers
    /// for their own subtree.
    ManagePopulation,
    /// Write one's own agency's yearly report (a narrative per duty) and
    /// submit it to the coordinator: agency officers for their agency, the
    /// coordinator and admin for any agency of their scope.
    ReportForAgency,
    /// Remind the units below one's own (and, at the province, the agencies)
    /// of what they owe past its due date (đôn đốc): coordinator, admin, and
    /// district and commune officers for their own units.
    Remind,
    /// Inspect (kiểm tra) or supervise (giám sát) and follow the
    /// recommendations up: coordinator and admin for the province, district
    /// and commune officers for their own units, an agency officer for
    /// their own agency (the Fatherland Front supervises; an inspected
    /// agency records its follow-up notes).
    Inspect,
}

/// The signed-in user as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user_id: i32,
    pub username: String,
    pub role: Role,
    pub unit_id: i32,
    /// Path of the unit the role is scoped to, e.g. `/12/106/`.
    pub unit_path: String,
    pub agency_id: Option<i32>,
}

impl Principal {
    pub fn scope(&self) -> Scope {
        Scope {
            path: self.unit_path.clone(),
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.role.allows(p)
    }

    /// Whether this principal may change a record owned by `owner` (an
    /// agency; `None` for a record no agency owns). An agency officer acts for
    /// their own agency only — on a matter and on everything hanging from it
    /// (its consultations, their questions, inputs and answer), so a write
    /// never allows what creating the record refused. Other roles are bounded
    /// by their scope alone.
    pub fn may_act_for(&self, owner: Option<i32>) -> bool {
        match self.role {
            Role::AgencyOfficer => self.agency_id.is_some() && owner == self.agency_id,
            _ => true,
        }
    }

    /// The one agency an agency officer acts for (their records and choices
    /// are limited to it); `None` for every other role.
    pub fn own_agency(&self) -> Option<i32> {
        if self.role == Role::AgencyOfficer {
            self.agency_id
        } else {
            None
        }
    }

    /// Whether this principal may change a record an agency owns (a matter,
    /// an activity, an annual plan): the permission, and for an agency
    /// officer their own agency's records only. The one ownership rule.
    pub fn may_manage(&self, perm: Permission, owner_agency: i32) -> bool {
        self.can(perm) && self.own_agency().is_none_or(|own| own == owner_agency)
    }
}

/// A unit subtree. Every list query takes one; every single object is checked
/// against one before it is shown or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub path: String,
}

impl Scope {
    /// The whole tree: used by the command line, which runs as the operator.
    pub fn everything() -> Scope {
        Scope {
            path: "/".to_string(),
        }
    }

    /// Whether a unit (by its path) lies inside this subtree.
    pub fn contains(&self, unit_path: &str) -> bool {
        is_within(unit_path, &self.path)
    }

    /// Whether a unit is one of the scope's ancestors (seen as context: the
    /// province's departments are addressed by every district).
    pub fn is_ancestor(&self, unit_path: &str) -> bool {
        is_within(&self.path, unit_path) && self.path != unit_path
    }
}

/// The subtree rule: the unit at `path` lies inside the subtree rooted at
/// `root` (itself included). Paths end in `/`, so a sibling whose id merely
/// starts the same is outside.
pub fn is_within(path: &str, root: &str) -> bool {
    path.starts_with(root)
}

/// The same rule as a SQL `LIKE` pattern over the path column. Paths hold
/// only digits and `/`, so nothing in them needs escaping.
pub fn subtree_pattern(root: &str) -> String {
    format!("{root}%")
}

/// Width of one id in a path: zero-padded so that sorting paths as text
/// sorts siblings by id (a parent still comes before its children).
const ID_WIDTH: usize = 8;

/// Builds a unit's path from its parent's path and its own id.
pub fn child_path(parent_path: Option<&str>, id: i32) -> String {
    format!(
        "{}{:0width$}/",
        parent_path.unwrap_or("/"),
        id,
        width = ID_WIDTH
    )
}

/// The ids along a path, root first (the unit's own id last).
pub fn path_ids(path: &str) -> Vec<i32> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// Who did something, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Actor {
        Actor {
            user_id: None,
            label: label.to_string(),
        }
    }
}

impl From<&Principal> for Actor {
    fn from(p: &Principal) -> Actor {
        Actor {
            user_id: Some(p.user_id),
            label: p.username.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_is_a_prefix_and_siblings_are_outside() {
        let s = Scope {
            path: "/12/106/".into(),
        };
        assert!(s.contains("/12/106/"));
        assert!(s.contains("/12/106/10601/"));
        assert!(!s.contains("/12/107/"));
        assert!(!s.contains("/12/"));
        assert!(s.is_ancestor("/12/"));
        assert!(!s.is_ancestor("/12/106/"));
        // A code that merely starts the same is not inside: paths end in '/'.
        assert!(!s.contains("/12/1060/"));
    }

    #[test]
    fn only_admins_manage_users() {
        for r in Role::ALL {
            assert_eq!(r.allows(Permission::ManageUsers), r == Role::Admin);
            assert!(r.allows(Permission::ViewPlan));
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(Role::Coordinator.allows(Permission::ImportPlan));
        assert!(Role::Coordinator.allows(Permission::Safeguard));
        assert!(!Role::DistrictOfficer.allows(Permission::Safeguard));
        assert!(!Role::Facilitator.allows(Permission::Moderate));
        assert!(!Role::Viewer.allows(Permission::RunConsultations));
        assert!(!Role::Viewer.allows(Permission::ViewNames));
        assert!(!Role::Facilitator.allows(Permission::ViewNames));
        assert!(Role::AgencyOfficer.allows(Permission::AnswerRecommendations));
        assert!(!Role::DistrictOfficer.allows(Permission::ImportPlan));
        assert!(Role::DistrictOfficer.allows(Permission::ManagePopulation));
        assert!(!Role::AgencyOfficer.allows(Permission::ManagePopulation));
        assert!(!Role::Facilitator.allows(Permission::ManagePopulation));
        assert!(!Role::Viewer.allows(Permission::ManagePopulation));
    }

    #[test]
    fn an_agency_officer_acts_for_their_own_agency_only() {
        let mut p = Principal {
            user_id: 1,
            username: "a".into(),
            role: Role::AgencyOfficer,
            unit_id: 1,
            unit_path: "/12/106/".into(),
            agency_id: Some(7),
        };
        assert!(p.may_act_for(Some(7)));
        assert!(!p.may_act_for(Some(8)));
        assert!(!p.may_act_for(None));
        p.agency_id = None;
        assert!(
            !p.may_act_for(None),
            "an officer without an agency acts for none"
        );
        p.role = Role::DistrictOfficer;
        assert!(p.may_act_for(Some(8)) && p.may_act_for(None));
    }

    #[test]
    fn roles_are_ranked_from_admin_down() {
        assert!(Role::Coordinator.is_below(Role::Admin));
        assert!(Role::Viewer.is_below(Role::Facilitator));
        assert!(!Role::Admin.is_below(Role::Admin));
        assert!(!Role::Admin.is_below(Role::Viewer));
    }

    #[test]
    fn child_paths_nest() {
        let p = child_path(None, 1);
        assert_eq!(p, "/00000001/");
        let q = child_path(Some(&p), 12);
        assert_eq!(q, "/00000001/00000012/");
        assert_eq!(path_ids(&q), vec![1, 12]);
        assert!(is_within(&q, &p) && !is_within(&p, &q));
        // Siblings sort by id, whatever the number of digits.
        assert!(child_path(Some(&p), 9) < child_path(Some(&p), 10));
        assert_eq!(subtree_pattern(&p), "/00000001/%");
    }
}
