//! Expressions over the rows of a data table, as analysts write them in
//! prose: conditions (`year == 2025 and first == 'Domestic demand'`) and
//! arithmetic (`gdp_2024_bn_yuan * growth_2024 / (100 + growth_2024)`).
//!
//! Field names are checked against the table when an expression is parsed,
//! so a misspelt field is an error listing the fields, never a silent zero.

use crate::project::data::Lookup;
use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
    Field(String),
    Negate(Box<Expr>),
    Not(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// A value an expression yields for one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Number(f64),
    Text(String),
    Bool(bool),
    Null,
}

impl Scalar {
    pub fn from_json(value: Option<&Value>) -> Self {
        match value {
            Some(Value::Number(n)) => Scalar::Number(n.as_f64().unwrap_or(f64::NAN)),
            Some(Value::String(s)) => Scalar::Text(s.clone()),
            Some(Value::Bool(b)) => Scalar::Bool(*b),
            Some(Value::Null) | None => Scalar::Null,
            Some(other) => Scalar::Text(other.to_string()),
        }
    }

    pub fn truthy(&self) -> bool {
        match self {
            Scalar::Number(n) => *n != 0.0 && !n.is_nan(),
            Scalar::Text(s) => !s.is_empty(),
            Scalar::Bool(b) => *b,
            Scalar::Null => false,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Scalar::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Scalar::Number(n) => format!("the number {n}"),
            Scalar::Text(s) => format!("the text {s:?}"),
            Scalar::Bool(b) => format!("{b}"),
            Scalar::Null => "nothing".into(),
        }
    }
}

/// Why an expression could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    /// Character offset in the expression of the part that is wrong.
    pub offset: usize,
    /// Set when the problem is a name that is not one of the table's fields.
    pub unknown_field: Option<String>,
}

/// Parses `source`, checking every field against `columns`.
pub fn parse(source: &str, columns: &[String]) -> Result<Expr, String> {
    parse_located(source, columns).map_err(|e| e.message)
}

/// [`parse`], saying where in `source` a problem is.
pub fn parse_located(source: &str, columns: &[String]) -> Result<Expr, ParseError> {
    let tokens = tokenize(source)?;
    let end = source.chars().count();
    let mut parser = Parser { tokens, position: 0, columns, right_side: false, end };
    let expr = parser.or()?;
    if let Some(token) = parser.tokens.get(parser.position) {
        return Err(ParseError {
            message: format!("unexpected `{}` in `{source}`", token.text),
            offset: token.offset,
            unknown_field: None,
        });
    }
    Ok(expr)
}

impl Expr {
    /// The fields the expression reads, in order of first mention.
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    /// Each text a field is compared with for equality (`region == 'East'`,
    /// either way round), as `(field, text)`.
    pub fn compared_texts(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.collect_compared(&mut out);
        out
    }

    fn collect_compared(&self, out: &mut Vec<(String, String)>) {
        match self {
            Expr::Binary(Op::Eq | Op::Ne, a, b) => match (a.as_ref(), b.as_ref()) {
                (Expr::Field(f), Expr::Text(t)) | (Expr::Text(t), Expr::Field(f)) => out.push((f.clone(), t.clone())),
                _ => {}
            },
            Expr::Negate(inner) | Expr::Not(inner) => inner.collect_compared(out),
            Expr::Binary(_, a, b) => {
                a.collect_compared(out);
                b.collect_compared(out);
            }
            _ => {}
        }
    }

    fn collect_fields(&self, out: &mut Vec<String>) {
        match self {
            Expr::Field(name) if !out.contains(name) => out.push(name.clone()),
            Expr::Negate(inner) | Expr::Not(inner) => inner.collect_fields(out),
            Expr::Binary(_, a, b) => {
                a.collect_fields(out);
                b.collect_fields(out);
            }
            _ => {}
        }
    }
}

/// Evaluates `expr` for one row.
pub fn evaluate<R: Lookup + ?Sized>(expr: &Expr, row: &R) -> Result<Scalar, String> {
    Ok(match expr {
        Expr::Number(n) => Scalar::Number(*n),
        Expr::Text(s) => Scalar::Text(s.clone()),
        Expr::Bool(b) => Scalar::Bool(*b),
        Expr::Null => Scalar::Null,
        Expr::Field(name) => Scalar::from_json(row.lookup(name)),
        Expr::Negate(inner) => match evaluate(inner, row)? {
            Scalar::Number(n) => Scalar::Number(-n),
            other => return Err(format!("cannot negate {}", other.describe())),
        },
        Expr::Not(inner) => Scalar::Bool(!evaluate(inner, row)?.truthy()),
        Expr::Binary(Op::And, a, b) => Scalar::Bool(evaluate(a, row)?.truthy() && evaluate(b, row)?.truthy()),
        Expr::Binary(Op::Or, a, b) => Scalar::Bool(evaluate(a, row)?.truthy() || evaluate(b, row)?.truthy()),
        Expr::Binary(op, a, b) => binary(*op, evaluate(a, row)?, evaluate(b, row)?)?,
    })
}

fn binary(op: Op, a: Scalar, b: Scalar) -> Result<Scalar, String> {
    use std::cmp::Ordering;
    // Numbers written as text ("5.0" in quotes) compare as numbers.
    let as_number = |s: &Scalar| match s {
        Scalar::Number(n) => Some(*n),
        Scalar::Text(t) => t.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    };
    let mixed = matches!((&a, &b), (Scalar::Number(_), Scalar::Text(_)) | (Scalar::Text(_), Scalar::Number(_)));
    let ordering = match (&a, &b) {
        _ if mixed => match (as_number(&a), as_number(&b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            // Text that is not a number cannot be ordered against one: say so rather than guess.
            _ if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) => {
                return Err(format!("cannot compare {} with {}", a.describe(), b.describe()));
            }
            _ => None,
        },
        (Scalar::Number(x), Scalar::Number(y)) => x.partial_cmp(y),
        (Scalar::Text(x), Scalar::Text(y)) => Some(x.cmp(y)),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(y)),
        (Scalar::Null, Scalar::Null) => Some(Ordering::Equal),
        _ => None,
    };
    Ok(match op {
        Op::Eq => Scalar::Bool(ordering == Some(Ordering::Equal)),
        Op::Ne => Scalar::Bool(ordering != Some(Ordering::Equal)),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            // Comparing a number with missing data is false, as a spreadsheet filter would treat a blank.
            let Some(ordering) = ordering else { return Ok(Scalar::Bool(false)) };
            Scalar::Bool(match op {
                Op::Lt => ordering == Ordering::Less,
                Op::Le => ordering != Ordering::Greater,
                Op::Gt => ordering == Ordering::Greater,
                _ => ordering != Ordering::Less,
            })
        }
        Op::Add | Op::Sub | Op::Mul | Op::Div => {
            let (Scalar::Number(x), Scalar::Number(y)) = (&a, &b) else {
                return Err(format!("cannot do arithmetic with {} and {}", a.describe(), b.describe()));
            };
            Scalar::Number(match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                _ => x / y,
            })
        }
        Op::And | Op::Or => unreachable!("handled by evaluate"),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Number(f64),
    Text(String),
    Ident(String),
    Symbol,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    /// Character offset of the token in the expression.
    offset: usize,
}

fn tokenize(source: &str) -> Result<Vec<Token>, ParseError> {
    let error = |message: String, offset: usize| ParseError { message, offset, unknown_field: None };
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let number = text.parse().map_err(|_| error(format!("`{text}` is not a number"), start))?;
            tokens.push(Token { kind: Kind::Number(number), text, offset: start });
        } else if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            let mut text = String::new();
            while i < chars.len() && chars[i] != c {
                text.push(chars[i]);
                i += 1;
            }
            if i == chars.len() {
                let rest: String = chars[start..].iter().collect();
                return Err(error(format!("the quote in `{rest}` is not closed"), start));
            }
            i += 1;
            tokens.push(Token { kind: Kind::Text(text.clone()), text: format!("{c}{text}{c}"), offset: start });
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            tokens.push(Token { kind: Kind::Ident(text.clone()), text, offset: start });
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let symbol = if ["==", "!=", "<=", ">="].contains(&two.as_str()) {
                two
            } else if "()+-*/<>".contains(c) {
                c.to_string()
            } else if c == '=' {
                return Err(error("write `==` to compare, not `=`".into(), i));
            } else {
                return Err(error(format!("unexpected `{c}`"), i));
            };
            let offset = i;
            i += symbol.chars().count();
            tokens.push(Token { kind: Kind::Symbol, text: symbol, offset });
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    columns: &'a [String],
    /// Parsing the right-hand side of a comparison, where a bare word may be text (`region == East`).
    right_side: bool,
    /// The expression's length in characters, where an error at its end points.
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.position).map(|t| t.text.as_str())
    }

    fn eat(&mut self, text: &str) -> bool {
        if self.peek() == Some(text) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.eat("or") {
            left = Expr::Binary(Op::Or, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.eat("and") {
            left = Expr::Binary(Op::And, Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat("not") { Ok(Expr::Not(Box::new(self.not()?))) } else { self.comparison() }
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some("==") => Op::Eq,
            Some("!=") => Op::Ne,
            Some("<") => Op::Lt,
            Some("<=") => Op::Le,
            Some(">") => Op::Gt,
            Some(">=") => Op::Ge,
            _ => return Ok(left),
        };
        self.position += 1;
        self.right_side = true;
        let right = self.sum();
        self.right_side = false;
        Ok(Expr::Binary(op, Box::new(left), Box::new(right?)))
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some("+") => Op::Add,
                Some("-") => Op::Sub,
                _ => return Ok(left),
            };
            self.position += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some("*") => Op::Mul,
                Some("/") => Op::Div,
                _ => return Ok(left),
            };
            self.position += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat("-") { Ok(Expr::Negate(Box::new(self.unary()?))) } else { self.atom() }
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let Some(token) = self.tokens.get(self.position).cloned() else {
            return Err(ParseError {
                message: "the expression ends where a value was expected".into(),
                offset: self.end,
                unknown_field: None,
            });
        };
        let error = |message: String| ParseError { message, offset: token.offset, unknown_field: None };
        self.position += 1;
        match token.kind {
            Kind::Number(n) => Ok(Expr::Number(n)),
            Kind::Text(s) => Ok(Expr::Text(s)),
            Kind::Ident(name) => match name.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "null" | "none" => Ok(Expr::Null),
                _ if self.columns.contains(&name) => Ok(Expr::Field(name)),
                // A plain word compared against is text, as chart filters allow; anything with
                // digits or underscores looks like a misspelt field and stays an error.
                _ if self.right_side && name.chars().all(|c| c.is_alphabetic() || c == '-') => Ok(Expr::Text(name)),
                _ => Err(ParseError {
                    message: format!(
                        "`{name}` is not a field; the fields are {} (to compare with text, quote it: '{name}')",
                        self.columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                    ),
                    offset: token.offset,
                    unknown_field: Some(name),
                }),
            },
            Kind::Symbol if token.text == "(" => {
                let inner = self.or()?;
                if !self.eat(")") {
                    return Err(error("a `(` is never closed".into()));
                }
                Ok(inner)
            }
            Kind::Symbol => Err(error(format!("expected a value, found `{}`", token.text))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn row(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn conditions_and_arithmetic_evaluate_per_row() {
        let columns = vec!["year".to_string(), "first".to_string(), "gdp".to_string(), "growth".to_string()];
        let r = row(&[
            ("year", Value::from(2025)),
            ("first", Value::from("Domestic demand")),
            ("gdp", Value::from(100.0)),
            ("growth", Value::from(5.0)),
        ]);
        let cond = parse("year == 2025 and first == 'Domestic demand'", &columns).unwrap();
        assert_eq!(evaluate(&cond, &r).unwrap(), Scalar::Bool(true));
        let weight = parse("gdp * growth / (100 + growth)", &columns).unwrap();
        assert_eq!(evaluate(&weight, &r).unwrap(), Scalar::Number(100.0 * 5.0 / 105.0));
        let not = parse("not year > 2025 or first != \"x\"", &columns).unwrap();
        assert_eq!(evaluate(&not, &r).unwrap(), Scalar::Bool(true));
    }

    #[test]
    fn text_missing_values_and_numbers_written_as_text_compare_sensibly() {
        let columns: Vec<String> = ["name", "rank", "score"].iter().map(|c| c.to_string()).collect();
        let check = |source: &str, r: &Map<String, Value>| evaluate(&parse(source, &columns).unwrap(), r);
        let r = row(&[
            ("name", Value::from("Research and development")),
            ("rank", Value::Null),
            ("score", Value::from("5.0")),
        ]);
        assert_eq!(check("name == 'Research and development'", &r), Ok(Scalar::Bool(true)), "and inside quotes");
        assert_eq!(check("rank == 1", &r), Ok(Scalar::Bool(false)), "a missing value equals nothing");
        assert_eq!(check("rank < 1", &r), Ok(Scalar::Bool(false)));
        assert_eq!(check("rank != 1", &r), Ok(Scalar::Bool(true)), "but differs from everything");
        assert_eq!(check("score >= 5", &r), Ok(Scalar::Bool(true)), "a number written as text is a number");
        let r = row(&[("name", Value::from("A")), ("rank", Value::from("n/a")), ("score", Value::from(1))]);
        assert!(check("rank < 3", &r).unwrap_err().contains("cannot compare the text \"n/a\" with the number 3"));
        assert_eq!(check("rank == 3", &r), Ok(Scalar::Bool(false)), "equality needs no order");
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_explained() {
        let columns = vec!["region".to_string()];
        let err = parse("region == east_1", &columns).unwrap_err();
        assert!(err.contains("`east_1` is not a field") && err.contains("quote it: 'east_1'"), "{err}");
        assert_eq!(parse("region == East", &columns).unwrap(), parse("region == 'East'", &columns).unwrap());
        assert!(parse("East == region", &columns).is_err(), "a bare word is text only on the right");
        assert!(parse("region = 'east'", &columns).unwrap_err().contains("write `==`"));
        assert_eq!(parse_located("region == 'a' and region = 'b'", &columns).unwrap_err().offset, 25);
        assert!(parse("(region == 'east'", &columns).unwrap_err().contains("never closed"));
        assert!(parse("region == 'open", &columns).unwrap_err().contains("not closed"));
        assert!(parse("region ==", &columns).unwrap_err().contains("ends where a value was expected"));
        let columns: Vec<String> = vec!["rank".into(), "year".into()];
        let unknown = parse_located("rank == 1 and yaer == 2025", &columns).unwrap_err();
        assert_eq!((unknown.unknown_field.as_deref(), unknown.offset), (Some("yaer"), 14));
    }
}

/// A text a condition compares a field with, though no row of the table holds it there.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmatched {
    pub field: String,
    pub text: String,
    /// The values the field does hold that are closest to `text`, best first.
    pub closest: Vec<String>,
}

/// The compared texts of `expr` that occur in no row of `rows` — almost always a
/// misspelling that would otherwise match nothing in silence. A text compared with
/// several fields (`first == 'Reform' or second == 'Reform'`) needs to occur in one.
pub fn unmatched<'a, R: Lookup + 'a>(expr: &Expr, rows: impl Iterator<Item = &'a R> + Clone) -> Vec<Unmatched> {
    let mut by_text: Vec<(String, Vec<String>)> = Vec::new();
    for (field, text) in expr.compared_texts() {
        match by_text.iter_mut().find(|(t, _)| *t == text) {
            Some((_, fields)) if !fields.contains(&field) => fields.push(field),
            Some(_) => {}
            None => by_text.push((text, vec![field])),
        }
    }
    let mut out = Vec::new();
    for (text, fields) in by_text {
        let mut values: Vec<String> = Vec::new();
        let mut found = false;
        for row in rows.clone() {
            for field in &fields {
                let Some(Value::String(value)) = row.lookup(field) else { continue };
                found |= *value == text;
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
        if found || values.is_empty() {
            continue;
        }
        let lower = text.to_lowercase();
        values.sort_by(|a, b| {
            let score = |v: &String| strsim::normalized_damerau_levenshtein(&lower, &v.to_lowercase());
            score(b).total_cmp(&score(a)).then_with(|| a.cmp(b))
        });
        values.truncate(3);
        out.push(Unmatched { field: fields.join("`, `"), text, closest: values });
    }
    out
}

impl Unmatched {
    /// The warning's words: what was compared and what exists.
    pub fn message(&self, table: &str) -> (String, String) {
        let listed: Vec<String> = self.closest.iter().map(|v| format!("`{v}`")).collect();
        (
            format!("the condition compares `{}` with '{}', which no row of `{table}` has", self.field, self.text),
            format!(
                "the closest values of `{}` are {}; check the spelling and capitals",
                self.field,
                listed.join(", ")
            ),
        )
    }
}
