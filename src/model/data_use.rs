//! Which tables templates and prose read whole, as `data.<name>`.
//!
//! Every table is offered to templates as `data.<name>`, but handing a
//! million-row table to each template context would cost more than the rest
//! of the build. So the template expressions (inside `{{ }}` and `{% %}`) of
//! the prose, the settings and the templates are read first, and only the
//! tables they name are handed over. An expression that reads `data` as a
//! whole (`{% for name, table in data %}`) gets every table, as before.

use std::collections::BTreeSet;

/// The tables to hand to templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataUse {
    All,
    Tables(BTreeSet<String>),
}

impl DataUse {
    /// What the template expressions in `texts` read of `data`.
    pub fn scan<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut named = BTreeSet::new();
        for text in texts {
            for expression in expressions(text) {
                if !names_in(expression, &mut named) {
                    return Self::All;
                }
            }
        }
        Self::Tables(named)
    }

    pub fn includes(&self, table: &str) -> bool {
        match self {
            Self::All => true,
            Self::Tables(names) => names.contains(table),
        }
    }
}

/// The text inside each `{{ … }}` and `{% … %}` of `text`.
pub fn expressions(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('{')?;
            let close = match rest[open + 1..].chars().next() {
                Some('{') => "}}",
                Some('%') => "%}",
                _ => {
                    rest = &rest[open + 1..];
                    continue;
                }
            };
            let body = &rest[open + 2..];
            let end = body.find(close).unwrap_or(body.len());
            rest = &body[(end + close.len()).min(body.len())..];
            return Some(&body[..end]);
        }
    })
}

/// Adds the tables `expression` reads as `data.NAME` or `data["NAME"]`;
/// false when it reads `data` in any other way, which may touch every table.
fn names_in(expression: &str, named: &mut BTreeSet<String>) -> bool {
    let bytes = expression.as_bytes();
    let wordy = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (at, _) in expression.match_indices("data") {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = &expression[at + 4..];
        // `a.data`, `metadata`, `data_points`: not the data variable.
        if before.is_some_and(|b| wordy(b) || b == b'.') || after.bytes().next().is_some_and(wordy) {
            continue;
        }
        // `data=` is a named argument, `"data"` text.
        if after.trim_start().starts_with('=') && !after.trim_start().starts_with("==") {
            continue;
        }
        if let Some(name) = after.strip_prefix('.') {
            let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            named.insert(name);
        } else if let Some(key) = after.strip_prefix('[') {
            let key = key.trim_start();
            let quote = key.chars().next().filter(|c| *c == '"' || *c == '\'');
            match quote.and_then(|q| key[1..].find(q).map(|end| key[1..1 + end].to_string())) {
                Some(name) => named.insert(name),
                None => return false,
            };
        } else if inside_quotes(expression, at) {
            continue;
        } else {
            return false;
        }
    }
    true
}

/// Whether byte `at` of `expression` is inside a quoted string.
fn inside_quotes(expression: &str, at: usize) -> bool {
    let mut quote = None;
    for c in expression[..at].chars() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            _ => {}
        }
    }
    quote.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(names: &[&str]) -> DataUse {
        DataUse::Tables(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn names_read_through_data_are_found_in_expressions_only() {
        let text = "The data says {{ data.provinces[0].name }} and {{ data['phrase_mentions'] | length }}; \
                    {% set x = count(table=\"big\") %} metadata {{ briefing.data_note }} {{ \"data\" }}";
        assert_eq!(DataUse::scan([text]), tables(&["phrase_mentions", "provinces"]));
        assert_eq!(DataUse::scan(["{% for name, t in data %}{{ name }}{% endfor %}"]), DataUse::All);
        assert_eq!(DataUse::scan(["{{ data[key] }}"]), DataUse::All);
        assert!(!DataUse::scan(["no expressions, only data"]).includes("provinces"));
    }
}
