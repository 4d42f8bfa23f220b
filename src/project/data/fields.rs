//! A row's fields, stored compactly: one cell per column of its table, the
//! column names held once per table rather than once per row. A table of a
//! million rows keeps a million short arrays, not a million maps.

use std::collections::HashMap;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// A table's column names and where each is in a row.
#[derive(Debug, Default)]
pub struct Columns {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    pub fn new(names: Vec<String>) -> Arc<Self> {
        let index = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
        Arc::new(Self { names, index })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// Anything fields can be read from by name: a row, or a map made on the way (a group's totals).
pub trait Lookup {
    fn lookup(&self, name: &str) -> Option<&Value>;
}

impl Lookup for Map<String, Value> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

/// The fields of one row. A field the row does not have (a YAML row that
/// leaves a key out) is absent, which is not the same as present and missing (null).
#[derive(Debug, Clone)]
pub struct Fields {
    columns: Arc<Columns>,
    cells: Box<[Option<Value>]>,
}

impl Fields {
    /// The row whose cells, in the order of `columns`, are `cells`.
    pub fn new(columns: &Arc<Columns>, cells: Vec<Option<Value>>) -> Self {
        debug_assert_eq!(cells.len(), columns.names.len());
        Self { columns: Arc::clone(columns), cells: cells.into_boxed_slice() }
    }

    /// The row a map describes, its keys among `columns`.
    pub fn from_map(columns: &Arc<Columns>, mut map: Map<String, Value>) -> Self {
        let cells = columns.names.iter().map(|name| map.remove(name)).collect();
        Self::new(columns, cells)
    }

    /// Every cell, in the order of the table's columns (absent fields as `None`).
    pub fn cells(&self) -> &[Option<Value>] {
        &self.cells
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.columns.position(name).and_then(|i| self.cells[i].as_ref())
    }

    /// The fields the row has, in column order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.columns.names.iter().zip(self.cells.iter()).filter_map(|(name, cell)| Some((name, cell.as_ref()?)))
    }

    pub fn len(&self) -> usize {
        self.cells.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row as a map, for templates and messages.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter().map(|(name, value)| (name.clone(), value.clone())).collect()
    }
}

impl Lookup for Fields {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&Value::Null)
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
