//! The unit each audit entry concerns, so the trail can be read by scope like
//! every other list: a district coordinator sees the entries of records in
//! their district only. Filled at write time by `audit::record`; entries
//! written before this migration get the unit of their record when the record
//! carries one itself and still exists (the rest stay empty and are shown to
//! readers of the whole province only).

use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Record kinds whose own table holds `unit_id`.
const DIRECT: &[(&str, &str)] = &[
    ("activity", "activities"),
    ("annual_plan", "annual_plans"),
    ("budget_line", "budget_lines"),
    ("club", "clubs"),
    ("consultation", "consultations"),
    ("council", "councils"),
    ("forum", "forums"),
    ("matter", "matters"),
    ("person", "people"),
    ("recommendation", "recommendations"),
    ("report", "reports"),
    ("user", "users"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_log")
                .add_column(ColumnDef::new("unit_id").integer().null())
                .take(),
        )
        .await?;
        m.create_index(index("audit_log", "audit_unit", &["unit_id", "id"]))
            .await?;
        let db = m.get_connection();
        // Units and agencies are recorded by their code.
        db.execute_unprepared(
            "UPDATE audit_log SET unit_id = \
             (SELECT u.id FROM units u WHERE u.code = audit_log.entity_id) WHERE entity = 'unit'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE audit_log SET unit_id = \
             (SELECT a.unit_id FROM agencies a WHERE a.code = audit_log.entity_id) \
             WHERE entity = 'agency'",
        )
        .await?;
        for (entity, table) in DIRECT {
            // Matching on the id as text keeps PostgreSQL from casting entity
            // ids of other kinds.
            db.execute_unprepared(&format!(
                "UPDATE audit_log SET unit_id = \
                 (SELECT t.unit_id FROM {table} t WHERE CAST(t.id AS TEXT) = audit_log.entity_id) \
                 WHERE entity = '{entity}' AND unit_id IS NULL"
            ))
            .await?;
        }
        Ok(())
    }
}
