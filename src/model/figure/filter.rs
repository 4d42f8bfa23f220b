//! The `filter` key: conditions such as `rank == 1 and year == 2025`,
//! parsed once and tested against each data row before anything is grouped
//! or drawn.
//!
//! The grammar is deliberately small — `FIELD OP VALUE` joined by ` and ` —
//! so a briefing author can read it aloud; anything richer belongs in the data.

use serde_json::Value;

/// A parsed filter: every condition must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    pub op: Op,
    pub value: Literal,
    /// Where the condition starts in the filter text, for error columns.
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    Text(String),
}

/// A filter that could not be read, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// A row whose value cannot be ordered against a number, e.g. `"n/a" > 3`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotANumber {
    pub field: String,
}

const OPS: &[(&str, Op)] =
    &[("==", Op::Eq), ("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];

impl Filter {
    pub fn parse(text: &str) -> Result<Self, SyntaxError> {
        let mut conditions = Vec::new();
        for (offset, part) in split_and(text) {
            conditions.push(parse_condition(part, offset)?);
        }
        Ok(Self { conditions })
    }

    /// Whether a row (looked up by field name) passes every condition.
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a Value>) -> Result<bool, NotANumber> {
        for condition in &self.conditions {
            if !condition.matches(get(&condition.field))? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl Condition {
    fn matches(&self, value: Option<&Value>) -> Result<bool, NotANumber> {
        let value = match value {
            // A missing value satisfies only `!=`, as "no value" differs from every value.
            None | Some(Value::Null) => return Ok(self.op == Op::Ne),
            Some(v) => v,
        };
        let ordering = match (&self.value, value) {
            (Literal::Number(n), Value::Number(v)) => v.as_f64().and_then(|v| v.partial_cmp(n)),
            (Literal::Number(n), Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(v) => v.partial_cmp(n),
                Err(_) if matches!(self.op, Op::Eq | Op::Ne) => return Ok(self.op == Op::Ne),
                Err(_) => return Err(NotANumber { field: self.field.clone() }),
            },
            (Literal::Number(_), _) if matches!(self.op, Op::Eq | Op::Ne) => return Ok(self.op == Op::Ne),
            (Literal::Number(_), _) => return Err(NotANumber { field: self.field.clone() }),
            (Literal::Text(t), v) => Some(text_of(v).as_str().cmp(t.as_str())),
        };
        let Some(ordering) = ordering else { return Ok(self.op == Op::Ne) };
        Ok(match self.op {
            Op::Eq => ordering.is_eq(),
            Op::Ne => ordering.is_ne(),
            Op::Lt => ordering.is_lt(),
            Op::Le => ordering.is_le(),
            Op::Gt => ordering.is_gt(),
            Op::Ge => ordering.is_ge(),
        })
    }
}

/// A data value as text, the way it reads in the data file.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Splits at ` and ` outside quoted values, keeping each part's byte offset.
fn split_and(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut quote = None;
    let mut start = 0;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            // Only a quote that opens a value counts, so an apostrophe in bare text (Xi'an) does not.
            None if (c == '"' || c == '\'') && text[..i].trim_end().ends_with(['=', '<', '>']) => quote = Some(c),
            None if text[i..].starts_with(" and ") => {
                parts.push((start, &text[start..i]));
                start = i + " and ".len();
                chars.nth(" and ".len() - 2);
            }
            None => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

fn parse_condition(part: &str, offset: usize) -> Result<Condition, SyntaxError> {
    let lead = part.len() - part.trim_start().len();
    let offset = offset + lead;
    let part = part.trim();
    if part.is_empty() {
        return Err(SyntaxError { message: "a condition is missing: check for a stray `and`".into(), offset });
    }
    let found = OPS
        .iter()
        .filter_map(|(token, op)| part.find(token).map(|i| (i, *token, *op)))
        .min_by_key(|(i, token, _)| (*i, std::cmp::Reverse(token.len())));
    let Some((at, token, op)) = found else {
        let message = if part.contains('=') {
            format!("`{part}` compares with `=`; write `==`")
        } else {
            format!("`{part}` is not a condition")
        };
        return Err(SyntaxError { message, offset });
    };
    let field = part[..at].trim();
    if field.is_empty() {
        return Err(SyntaxError { message: format!("`{part}` names no field before `{token}`"), offset });
    }
    let raw = part[at + token.len()..].trim();
    let value = if let Some(quoted) = unquote(raw) {
        Literal::Text(quoted.to_string())
    } else if raw.is_empty() {
        return Err(SyntaxError { message: format!("`{part}` has no value after `{token}`"), offset });
    } else if raw.starts_with(['"', '\'']) {
        return Err(SyntaxError { message: format!("the quote in `{raw}` is not closed"), offset });
    } else if raw.starts_with('=') {
        return Err(SyntaxError { message: format!("`{part}` has an extra `=`"), offset });
    } else {
        match raw.parse::<f64>() {
            Ok(n) if n.is_finite() => Literal::Number(n),
            _ => Literal::Text(raw.to_string()),
        }
    };
    Ok(Condition { field: field.to_string(), op, value, offset })
}

fn unquote(raw: &str) -> Option<&str> {
    for q in ['"', '\''] {
        if raw.len() >= 2 && raw.starts_with(q) && raw.ends_with(q) {
            return Some(&raw[1..raw.len() - 1]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(filter: &str, row: &Value) -> bool {
        Filter::parse(filter).unwrap().matches(|f| row.get(f)).unwrap()
    }

    #[test]
    fn conditions_join_with_and_and_compare_numbers_and_text() {
        let row = json!({"rank": 1, "year": 2025, "priority": "Domestic demand", "region": "east"});
        assert!(check("rank == 1 and year == 2025", &row));
        assert!(!check("rank == 1 and year == 2024", &row));
        assert!(check("region == east", &row), "bare text");
        assert!(check("priority == \"Domestic demand\"", &row), "quoted text with a space");
        assert!(check("priority == 'Domestic demand' and rank <= 3", &row));
        assert!(check("year >= 2025 and year < 2026 and rank != 2", &row));
        assert!(!check("region != east", &row));
    }

    #[test]
    fn and_inside_quotes_does_not_split() {
        let row = json!({"name": "Research and development"});
        assert!(check("name == 'Research and development'", &row));
    }

    #[test]
    fn missing_values_only_satisfy_not_equal() {
        let row = json!({"rank": null});
        assert!(!check("rank == 1", &row));
        assert!(!check("rank < 1", &row));
        assert!(check("rank != 1", &row));
    }

    #[test]
    fn ordering_text_against_a_number_is_reported() {
        let filter = Filter::parse("rank < 3").unwrap();
        let row = json!({"rank": "n/a"});
        assert_eq!(filter.matches(|f| row.get(f)), Err(NotANumber { field: "rank".into() }));
    }

    #[test]
    fn malformed_filters_say_what_is_wrong() {
        assert!(Filter::parse("year = 2025").unwrap_err().message.contains("write `==`"));
        assert!(Filter::parse("== 2025").unwrap_err().message.contains("names no field"));
        assert!(Filter::parse("year ==").unwrap_err().message.contains("no value"));
        assert!(Filter::parse("name == 'open").unwrap_err().message.contains("not closed"));
        let second = Filter::parse("year == 2025 and rank").unwrap_err();
        assert_eq!(second.offset, "year == 2025 and ".len());
    }
}
