//! Unit paths are rebuilt from unit ids (`/00000001/00000002/`) instead of
//! official codes (`/12/105/`). Codes are reused — on 1/7/2025 each of Lai
//! Châu's 38 new commune-level units took an old commune's code — so a path of
//! codes could not tell the old Phường Quyết Tiến (03388, until 30/6/2025)
//! from the new Phường Đoàn Kết (03388, since 1/7/2025). Ids never change
//! meaning. The subtree rule is the same prefix test
//! (`thamgia_domain::access::is_within`), so every scope keeps its members.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use std::collections::HashMap;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let select = Query::select()
            .columns(["id", "parent_id"])
            .from("units")
            .to_owned();
        let rows = db.query_all(&select).await?;
        let mut parent: HashMap<i32, Option<i32>> = HashMap::new();
        for r in rows {
            parent.insert(r.try_get("", "id")?, r.try_get("", "parent_id")?);
        }
        let mut paths: HashMap<i32, String> = HashMap::new();
        let ids: Vec<i32> = parent.keys().copied().collect();
        for id in ids {
            let path = path_of(id, &parent, &mut paths)?;
            let update = Query::update()
                .table("units")
                .value("path", path)
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        Ok(())
    }
}

/// A unit's path from its ancestors' (memoised; a cycle is an error).
fn path_of(
    id: i32,
    parent: &HashMap<i32, Option<i32>>,
    paths: &mut HashMap<i32, String>,
) -> Result<String, DbErr> {
    let mut chain = vec![id];
    let mut at = id;
    while let Some(Some(p)) = parent.get(&at) {
        if chain.contains(p) || chain.len() > parent.len() {
            return Err(DbErr::Custom(format!(
                "unit {id}: its parents form a cycle"
            )));
        }
        chain.push(*p);
        at = *p;
    }
    let mut path: Option<String> = None;
    for u in chain.into_iter().rev() {
        let p = match paths.get(&u) {
            Some(known) => known.clone(),
            None => {
                let p = thamgia_domain::access::child_path(path.as_deref(), u);
                paths.insert(u, p.clone());
                p
            }
        };
        path = Some(p);
    }
    path.ok_or_else(|| DbErr::Custom(format!("unit {id}: no path")))
}
