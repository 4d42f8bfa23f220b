//! An index of a table's rows by the text in one field, built the first time
//! something asks for it and kept with the table. A profile's chart that
//! filters `code == '{{ page.slug }}'` then finds its rows without reading the
//! whole table, so a set of N profiles over a table of N rows costs N, not N².

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::Row;

/// The rows of one field, by value.
#[derive(Debug, Default)]
pub struct FieldIndex {
    /// Rows whose value is this text, in table order.
    pub by_text: HashMap<String, Vec<usize>>,
    /// Rows whose value is a number, which a comparison with text may still
    /// match (`"5"` equals 5): they are checked one by one.
    pub numbers: Vec<usize>,
}

impl FieldIndex {
    /// The rows `field == text` can hold for: those with that text and those with a number, in table order.
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut rows: Vec<usize> = self.by_text.get(text).map_or_else(Vec::new, Clone::clone);
        if !self.numbers.is_empty() {
            rows.extend(&self.numbers);
            rows.sort_unstable();
        }
        rows
    }
}

/// A table's field indexes, by field. Cloning a table starts it afresh.
#[derive(Debug, Default)]
pub struct Indexes(Mutex<HashMap<String, Arc<FieldIndex>>>);

impl Clone for Indexes {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl Indexes {
    /// The index of `field` over `rows`, built on first use.
    pub fn of(&self, field: &str, rows: &[Row]) -> Arc<FieldIndex> {
        let mut indexes = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        indexes
            .entry(field.to_string())
            .or_insert_with(|| {
                let mut index = FieldIndex::default();
                for (i, row) in rows.iter().enumerate() {
                    match row.fields.get(field) {
                        Some(Value::String(text)) => index.by_text.entry(text.clone()).or_default().push(i),
                        Some(Value::Number(_)) => index.numbers.push(i),
                        _ => {}
                    }
                }
                Arc::new(index)
            })
            .clone()
    }
}
