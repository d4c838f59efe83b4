//! Persistent state in a redb database (`--state DIR` → `DIR/state.redb`).
//!
//! One redb write transaction per [`Backend::apply`], committed with redb's
//! default immediate durability: after a crash the database holds exactly the
//! last committed batch (redb's copy-on-write commit is atomic), never half of
//! one. redb orders `&[u8]` keys byte-wise, the same canonical order the state
//! root and diffs use.

use super::backend::{Backend, Change};
use super::error::StateError;
use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use std::path::{Path, PathBuf};

const STATE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state");

/// File name of the database inside the state directory.
pub const DB_FILE: &str = "state.redb";

pub struct RedbBackend {
    db: Database,
    path: PathBuf,
}

impl RedbBackend {
    /// Open (or create) the state in directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StateError::Db(format!(
                "cannot create state directory {}: {e}",
                dir.display()
            ))
        })?;
        let path = dir.join(DB_FILE);
        if !path.exists() {
            // Create the database under a temporary name and rename it into place:
            // a process killed while redb initialises a new file must not leave a
            // half-written store at the real path (it could never be opened again).
            let tmp = dir.join(format!("{DB_FILE}.creating-{}", std::process::id()));
            let _ = std::fs::remove_file(&tmp);
            {
                let db = Database::create(&tmp)
                    .map_err(|e| StateError::Db(format!("{}: {e}", tmp.display())))?;
                // Create the table up front so readers never see "table does not exist".
                let txn = db.begin_write().map_err(StateError::db)?;
                txn.open_table(STATE).map_err(StateError::db)?;
                txn.commit().map_err(StateError::db)?;
            }
            std::fs::rename(&tmp, &path).map_err(|e| {
                StateError::Db(format!(
                    "cannot move new store into {}: {e}",
                    path.display()
                ))
            })?;
        }
        let db = Database::create(&path)
            .map_err(|e| StateError::Db(format!("{}: {e}", path.display())))?;
        let txn = db.begin_write().map_err(StateError::db)?;
        txn.open_table(STATE).map_err(StateError::db)?;
        txn.commit().map_err(StateError::db)?;
        Ok(RedbBackend { db, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Backend for RedbBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let txn = self.db.begin_read().map_err(StateError::db)?;
        let table = txn.open_table(STATE).map_err(StateError::db)?;
        let v = table.get(key).map_err(StateError::db)?;
        Ok(v.map(|g| g.value().to_vec()))
    }

    fn apply(&mut self, changes: &[Change]) -> Result<(), StateError> {
        let txn = self.db.begin_write().map_err(StateError::db)?;
        {
            let mut table = txn.open_table(STATE).map_err(StateError::db)?;
            for (k, v) in changes {
                match v {
                    Some(v) => {
                        table
                            .insert(k.as_slice(), v.as_slice())
                            .map_err(StateError::db)?;
                    }
                    None => {
                        table.remove(k.as_slice()).map_err(StateError::db)?;
                    }
                }
            }
        }
        // Dropping `txn` on an early return above aborts it: nothing is written.
        txn.commit().map_err(StateError::db)
    }

    fn len(&self) -> Result<u64, StateError> {
        let txn = self.db.begin_read().map_err(StateError::db)?;
        let table = txn.open_table(STATE).map_err(StateError::db)?;
        table.len().map_err(StateError::db)
    }

    fn scan(&self, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        let txn = self.db.begin_read().map_err(StateError::db)?;
        let table = txn.open_table(STATE).map_err(StateError::db)?;
        for item in table.iter().map_err(StateError::db)? {
            let (k, v) = item.map_err(StateError::db)?;
            visit(k.value(), v.value());
        }
        Ok(())
    }
}
