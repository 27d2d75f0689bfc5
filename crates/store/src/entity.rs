//! Table rows as sea-orm entities. One module per table; the SQL shape lives in
//! `migration`, these only describe it to the query builder.

macro_rules! entity {
    ($mod:ident, $table:literal, { $($body:tt)* }) => {
        pub mod $mod {
            use sea_orm::entity::prelude::*;
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
            #[sea_orm(table_name = $table)]
            pub struct Model { $($body)* }
            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}
            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(unit, "units", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: String,
    pub parent_id: Option<i32>,
    pub path: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
});

entity!(unit_successor, "unit_successors", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub successor_id: i32,
});

entity!(agency, "agencies", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub kind: String,
    pub unit_id: i32,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
});

entity!(user, "users", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub unit_id: i32,
    pub agency_id: Option<i32>,
    pub active: bool,
    pub locale: Option<String>,
    pub created_at: DateTimeUtc,
    /// Where reminders are mailed (migration 0024); never logged.
    #[serde(skip)]
    pub email: Option<String>,
});

entity!(session, "sessions", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
});

entity!(api_token, "api_tokens", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub token_hash: String,
    pub label: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
});

entity!(login_failure, "login_failures", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub client: String,
    pub at: DateTimeUtc,
});

entity!(plan, "plans", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub version: i32,
    pub fingerprint: String,
    pub name_vi: String,
    pub name_en: String,
    pub issuer_vi: String,
    pub issuer_en: String,
    pub issuer_unit_id: i32,
    pub document_date: Date,
    pub based_on_vi: Option<String>,
    pub based_on_en: Option<String>,
    pub period_start: i32,
    pub period_end: i32,
    pub subject_vi: String,
    pub subject_en: String,
    pub subject_min_age: i32,
    pub subject_max_age: i32,
    pub scope_vi: String,
    pub scope_en: String,
    pub coordinator_agency_id: i32,
    #[serde(skip)]
    pub document: String,
    #[serde(skip)]
    pub source: String,
    pub imported_at: DateTimeUtc,
    pub imported_by: String,
});

entity!(plan_unit, "plan_units", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    pub ord: i32,
});

entity!(plan_setting, "plan_settings", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub value: i64,
});

entity!(plan_text, "plan_texts", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub kind: String,
    pub ord: i32,
    pub text_vi: String,
    pub text_en: String,
    pub indicator_code: Option<String>,
});

entity!(indicator, "indicators", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub ord: i32,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub target: f64,
    pub definition_vi: String,
    pub definition_en: String,
    pub numerator_vi: Option<String>,
    pub numerator_en: Option<String>,
    pub denominator_vi: Option<String>,
    pub denominator_en: Option<String>,
});

entity!(indicator_target, "indicator_targets", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub year: Option<i32>,
    pub unit_id: Option<i32>,
    pub value: f64,
});

entity!(project, "projects", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub ord: i32,
    pub kind: String,
    pub parent_code: Option<String>,
    pub name_vi: String,
    pub name_en: String,
    pub goal_vi: String,
    pub goal_en: String,
    pub target_vi: Option<String>,
    pub target_en: Option<String>,
    pub indicator_codes: String,
});

entity!(project_agency, "project_agencies", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i32,
    pub role: String,
    pub ord: i32,
});

entity!(funding_source, "funding_sources", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub code: String,
    pub ord: i32,
    pub name_vi: String,
    pub name_en: String,
});

entity!(reporting_duty, "reporting_duties", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub plan_id: i32,
    pub ord: i32,
    pub reporter: String,
    pub recipient_agency_id: i32,
    pub via_agency_id: Option<i32>,
    pub frequency: String,
    pub text_vi: String,
    pub text_en: String,
});

entity!(audit, "audit_log", {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<i32>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The unit of the record (for reading by scope); none for records above
    /// any unit (a plan) or written before migration 0012.
    pub unit_id: Option<i32>,
});

entity!(matter, "matters", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: thamgia_domain::voice::MatterKind,
    pub title: String,
    pub summary: String,
    pub owner_agency_id: i32,
    pub unit_id: i32,
    pub stage: thamgia_domain::voice::Stage,
    pub decision_date: Option<Date>,
    pub year: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(consultation, "consultations", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub matter_id: Option<i32>,
    pub unit_id: i32,
    pub title: String,
    pub intro: String,
    pub method: thamgia_domain::voice::Method,
    pub age_min: i32,
    pub age_max: i32,
    pub opens_on: Date,
    pub closes_on: Date,
    pub facilitator_id: Option<i32>,
    pub join_code: String,
    pub status: thamgia_domain::voice::Status,
    pub findings: Option<String>,
    pub answer_decided: Option<String>,
    pub answer_taken: Option<String>,
    pub answer_not_taken: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub answer_published_at: Option<DateTimeUtc>,
    pub answer_unit_id: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(consultation_unit, "consultation_units", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultation_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
});

entity!(question, "questions", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consultation_id: i32,
    pub ord: i32,
    pub kind: String,
    pub text_vi: String,
    pub text_en: Option<String>,
    pub required: bool,
    /// At most this many choices (multiple-choice questions); none: no limit.
    pub max_choices: Option<i32>,
});

entity!(question_option, "question_options", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub question_id: i32,
    pub ord: i32,
    pub label_vi: String,
    pub label_en: Option<String>,
    pub emoji: Option<String>,
});

entity!(response, "responses", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consultation_id: i32,
    pub submission_id: String,
    pub content_hash: String,
    pub source: String,
    pub age: Option<i32>,
    pub sex: Option<String>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    pub unit_id: Option<i32>,
    pub entered_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(answer, "answers", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub response_id: i32,
    pub question_id: i32,
    pub option_id: Option<i32>,
    pub value: Option<i32>,
    pub text: Option<String>,
    pub moderation: Option<String>,
    pub redacted: bool,
    pub moderated_by: Option<i32>,
    pub moderated_at: Option<DateTimeUtc>,
});

entity!(group_tally, "group_tallies", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub consultation_id: i32,
    pub submission_id: String,
    pub label: String,
    pub girls: i32,
    pub boys: i32,
    pub age_6_10: i32,
    pub age_11_15: i32,
    pub entered_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(group_tally_count, "group_tally_counts", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tally_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: i32,
    pub count: i32,
});

entity!(safeguarding_alert, "safeguarding_alerts", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub answer_id: i32,
    pub consultation_id: i32,
    pub unit_id: i32,
    pub note: String,
    pub raised_by: Option<i32>,
    pub raised_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<i32>,
});

entity!(person, "people", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub full_name: String,
    pub birth_date: Option<Date>,
    pub sex: Option<String>,
    pub ethnic: Option<String>,
    pub disability: Option<bool>,
    pub unit_id: i32,
    pub school_or_commune: Option<String>,
    pub guardian_contact: Option<String>,
    pub pseudonymised_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(consent, "consents", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub person_id: i32,
    pub guardian_name: String,
    pub guardian_relation: String,
    pub guardian_method: thamgia_domain::models::ConsentMethod,
    pub guardian_date: Date,
    pub child_agreed: bool,
    pub child_date: Option<Date>,
    pub purpose: String,
    pub recorded_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_by: Option<i32>,
});

entity!(forum, "forums", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub level: thamgia_domain::models::ForumLevel,
    pub unit_id: i32,
    pub year: i32,
    pub theme: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub venue: String,
    pub organiser_agency_id: i32,
    pub girls: i32,
    pub boys: i32,
    pub age_6_10: i32,
    pub age_11_15: i32,
    pub ethnic_minority: i32,
    pub with_disability: i32,
    pub adults_in_charge: i32,
    pub volunteers: i32,
    pub guests: i32,
    pub report_submitted_on: Option<Date>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(forum_delegate, "forum_delegates", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub forum_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i32,
});

entity!(forum_ethnic_count, "forum_ethnic_counts", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub forum_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ethnic_code: String,
    pub children: i32,
});

entity!(forum_session, "forum_sessions", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub forum_id: i32,
    pub kind: String,
    pub title: String,
    pub held_on: Date,
    pub consultation_id: Option<i32>,
});

entity!(council, "councils", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub name: String,
    pub established_on: Date,
    pub ended_on: Option<Date>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(council_member, "council_members", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub council_id: i32,
    pub person_id: i32,
    pub role: thamgia_domain::models::CouncilRole,
    pub term_start: Date,
    pub term_end: Option<Date>,
});

entity!(council_dialogue, "council_dialogues", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub council_id: i32,
    pub held_on: Date,
    pub year: i32,
    pub attendees: String,
    pub issues: String,
    pub children_present: i32,
    pub consultation_id: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(club, "clubs", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub setting: thamgia_domain::models::ClubSetting,
    pub host_unit_id: Option<i32>,
    pub name: String,
    pub founded_on: Date,
    pub closed_on: Option<Date>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(club_member, "club_members", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub club_id: i32,
    pub person_id: i32,
    pub is_leader: bool,
    pub joined_on: Date,
    pub left_on: Option<Date>,
});

entity!(club_activity, "club_activities", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub club_id: i32,
    pub held_on: Date,
    pub year: i32,
    pub topic: String,
    pub girls: i32,
    pub boys: i32,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(recommendation, "recommendations", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source: thamgia_domain::models::RecommendationSource,
    pub source_id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub text: String,
    pub topic: String,
    pub agency_id: i32,
    pub deadline: Date,
    pub status: thamgia_domain::models::RecommendationStatus,
    pub outcome: Option<thamgia_domain::models::Outcome>,
    pub answer: Option<String>,
    pub reason: Option<String>,
    pub feedback: Option<String>,
    pub answered_on: Option<Date>,
    pub answered_by: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(activity, "activities", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub code: String,
    pub project_code: String,
    pub kind: thamgia_domain::activities::ActivityKind,
    pub title: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub lead_agency_id: i32,
    pub audience: Option<i32>,
    pub copies: Option<i32>,
    pub description: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(activity_agency, "activity_agencies", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub agency_id: i32,
});

entity!(activity_participant, "activity_participants", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub grp: String,
    pub female: i32,
    pub male: i32,
});

entity!(activity_document, "activity_documents", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub activity_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    #[serde(skip)]
    pub content: Vec<u8>,
    pub uploaded_by: Option<i32>,
    pub uploaded_at: DateTimeUtc,
});

entity!(annual_plan, "annual_plans", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub agency_id: i32,
    pub year: i32,
    pub note: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(annual_plan_item, "annual_plan_items", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub annual_plan_id: i32,
    pub project_code: String,
    pub kind: String,
    pub title: String,
    pub month: Option<i32>,
    pub planned_participants: i32,
    pub planned_budget: i64,
    pub activity_id: Option<i32>,
});

entity!(budget_line, "budget_lines", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub source_code: String,
    pub project_code: String,
    pub amount: i64,
    pub note: Option<String>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(spending, "spendings", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub activity_id: i32,
    pub source_code: String,
    pub spent_on: Date,
    pub amount: i64,
    pub note: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(report, "reports", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub year: i32,
    pub status: thamgia_domain::reports::ReportStatus,
    pub doc_number: Option<String>,
    pub place: Option<String>,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub recipients: Option<String>,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
    pub figures: Option<String>,
    pub due_on: Date,
    pub first_submitted_on: Option<Date>,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(report_event, "report_events", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub action: thamgia_domain::reports::ReportAction,
    pub from_status: thamgia_domain::reports::ReportStatus,
    pub to_status: thamgia_domain::reports::ReportStatus,
    pub reason: Option<String>,
    pub actor_id: Option<i32>,
    pub actor_label: String,
    pub at: DateTimeUtc,
});

entity!(year_lock, "year_locks", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub report_id: i32,
    pub locked_at: DateTimeUtc,
});

entity!(agg_response, "agg_responses", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    /// A single year of age (`"6"` … `"15"`) or `unknown` (migration 0021).
    #[sea_orm(primary_key, auto_increment = false)]
    pub age: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sex: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ethnic: String,
    pub n: i64,
});

entity!(agg_activity, "agg_activities", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub n: i64,
});

entity!(agg_participant, "agg_participants", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub grp: String,
    pub female: i64,
    pub male: i64,
});

entity!(agg_money, "agg_money", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub source: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project: String,
    pub budget_lines: i64,
    pub budget: i64,
    pub spendings: i64,
    pub spent: i64,
});

entity!(matter_consulted, "matter_consulted", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub matter_id: i32,
});

entity!(agg_matter, "agg_matters", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub total: i64,
    pub consulted: i64,
});

entity!(agg_model, "agg_models", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    pub forums: i64,
    pub dialogues: i64,
    pub club_activities: i64,
    pub active_clubs: i64,
});

// One council term or club membership as `children_in_models` counts it
// (migration 0022): the person, the unit of the council or club, the years
// the membership overlaps (`to_year` none while open) and the person's year
// of birth.
entity!(agg_model_member, "agg_model_members", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub model: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub member_id: i32,
    pub person_id: i32,
    pub unit_id: i32,
    pub from_year: i32,
    pub to_year: Option<i32>,
    pub birth_year: Option<i32>,
});

entity!(device, "devices", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub token_hash: String,
    pub label: String,
    pub created_at: DateTimeUtc,
    pub last_sync_at: Option<DateTimeUtc>,
    pub last_unsent: Option<i32>,
    pub last_offset_seconds: Option<i64>,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<i32>,
});

entity!(late_sync, "late_syncs", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub response_id: i32,
    pub device_id: Option<i32>,
    pub made_at: DateTimeUtc,
    pub synced_at: DateTimeUtc,
});

entity!(late_tally_sync, "late_tally_syncs", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub tally_id: i32,
    pub device_id: Option<i32>,
    pub made_at: DateTimeUtc,
    pub synced_at: DateTimeUtc,
});

entity!(child_population, "child_population", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub age: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sex: String,
    pub children: i64,
    pub demo: bool,
    pub updated_by: Option<i32>,
    pub updated_at: DateTimeUtc,
});

entity!(review, "reviews", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub from_year: i32,
    pub to_year: i32,
    pub results: String,
    pub difficulties: String,
    pub proposals: String,
    pub updated_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(reminder, "reminders", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub batch: String,
    pub sent_by: Option<i32>,
    pub from_unit_id: i32,
    pub unit_id: i32,
    pub agency_id: Option<i32>,
    pub kind: String,
    pub reference: String,
    pub subject: String,
    pub due_on: Date,
    pub created_at: DateTimeUtc,
    /// An automatic reminder's item and due date (unique: one each).
    pub auto_key: Option<String>,
});

entity!(reminder_mail, "reminder_mails", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub reminder_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    pub state: String,
    pub claim: Option<String>,
    pub claimed_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
});

entity!(inspection, "inspections", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub year: i32,
    pub kind: thamgia_domain::inspections::InspectionKind,
    /// The inspected unit (an inspected agency's own unit).
    pub unit_id: i32,
    /// The inspected agency, when an agency is inspected.
    pub agency_id: Option<i32>,
    pub inspector_unit_id: i32,
    pub inspector_agency_id: Option<i32>,
    pub team: String,
    pub subject: String,
    pub planned_on: Date,
    pub visited_on: Option<Date>,
    pub findings: String,
    /// The officials present (never children).
    pub participants: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(inspection_recommendation, "inspection_recommendations", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub inspection_id: i32,
    pub text: String,
    pub deadline: Date,
    pub state: thamgia_domain::inspections::RecommendationState,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(inspection_follow_up, "inspection_follow_ups", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub recommendation_id: i32,
    pub inspection_id: i32,
    pub noted_on: Date,
    pub side: thamgia_domain::inspections::FollowUpSide,
    pub note: String,
    pub state_after: thamgia_domain::inspections::RecommendationState,
    pub user_id: Option<i32>,
    pub created_at: DateTimeUtc,
});

entity!(agency_report, "agency_reports", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub agency_id: i32,
    pub year: i32,
    pub status: thamgia_domain::reports::ReportStatus,
    /// JSON object: duty code → the agency's narrative on it.
    pub narratives: String,
    pub figures: Option<String>,
    pub due_on: Date,
    pub first_submitted_on: Option<Date>,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by: Option<i32>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

entity!(agency_report_event, "agency_report_events", {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub report_id: i32,
    pub action: thamgia_domain::reports::ReportAction,
    pub from_status: thamgia_domain::reports::ReportStatus,
    pub to_status: thamgia_domain::reports::ReportStatus,
    pub reason: Option<String>,
    pub actor_id: Option<i32>,
    pub actor_label: String,
    pub at: DateTimeUtc,
});
