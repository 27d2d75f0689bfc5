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
});
