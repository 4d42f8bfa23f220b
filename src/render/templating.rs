//! Tera engines over the project's templates, one per output language.
//!
//! Tera 2 resolves filters and functions when a template is loaded, so they
//! are registered before any template is added. The web engine escapes for
//! HTML; the print engine escapes for Typst markup, so `{{ briefing.title }}`
//! is safe in either without the template author thinking about it.

use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostic::{Error, Location};
use crate::project::TemplateSet;
use crate::render::typst_markup::{escape_markup, string_literal};

/// Which output a Tera engine renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// `templates/web/*.html`, HTML-escaped.
    Web,
    /// `templates/print/*.typ`, Typst-escaped.
    Print,
}

impl Flavour {
    fn prefix(self) -> &'static str {
        match self {
            Flavour::Web => "web/",
            Flavour::Print => "print/",
        }
    }
}

/// A Tera engine holding every template of one flavour.
pub struct Engine<'a> {
    tera: Tera,
    templates: &'a TemplateSet,
    flavour: Flavour,
}

impl<'a> Engine<'a> {
    /// `spell_below` is the house's `numbers.spell_out_below`, for the number filters.
    pub fn new(templates: &'a TemplateSet, flavour: Flavour, spell_below: u32) -> Result<Self, Error> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        crate::model::house_style::register_filters(&mut tera, spell_below);
        match flavour {
            Flavour::Web => tera.autoescape_on([".html", ".xml"]),
            Flavour::Print => {
                tera.set_escape_fn(|input: &str, output: &mut dyn std::io::Write| {
                    output.write_all(escape_markup(input).as_bytes())
                });
                tera.autoescape_on([".typ"]);
            }
        }
        let mut sources = Vec::new();
        for (name, file) in templates.under(flavour.prefix()) {
            let Ok(text) = std::str::from_utf8(&file.bytes) else {
                return Err(Error::content(format!("template {} is not UTF-8 text", templates.describe(name))));
            };
            sources.push((name.to_string(), text.to_string()));
        }
        tera.add_raw_templates(sources).map_err(|e| template_error(templates, &e))?;
        Ok(Self { tera, templates, flavour })
    }

    /// Template `name` as users see it (its project file, or the built-in name) and its text.
    pub fn source(&self, name: &str) -> (String, String) {
        (self.templates.describe(name), self.templates.text(name).unwrap_or("").to_string())
    }

    /// Renders template `name` (relative to `templates/`) with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Error> {
        debug_assert!(name.starts_with(self.flavour.prefix()));
        self.tera.render(name, context).map_err(|e| template_error(self.templates, &e))
    }
}

fn register_filters(tera: &mut Tera) {
    // `{{ x | typst_string }}`: a Typst string literal, for values inside Typst code.
    tera.register_filter("typst_string", |value: &str, _: Kwargs, _: &State| {
        Value::safe_string(&string_literal(value))
    });
    // `{{ x | typst_markup }}`: explicit markup escaping, for templates that turn autoescape off.
    tera.register_filter("typst_markup", |value: &str, _: Kwargs, _: &State| Value::safe_string(&escape_markup(value)));
}

/// Turns a Tera error into ours, naming the template file and line.
fn template_error(templates: &TemplateSet, err: &tera::Error) -> Error {
    match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = report.filename();
            let file = templates.describe(name);
            let text = templates.text(name).unwrap_or("");
            let span = report.span();
            Error::content(format!("template error: {}", report.message()))
                .at(Location::at_line(file, text, span.start_line, span.start_col + 1))
                .with_help(if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
                    "check the tag's syntax: {{ value }}, {% if … %} … {% endif %}, {% for … %} … {% endfor %}"
                } else {
                    "check the names this template uses against the template variables listed in the README"
                })
        }
        // Load-time checks (unknown filters, functions, tests) arrive as pre-rendered reports.
        _ => match crate::diagnostic::parse_tera_report(&err.to_string()) {
            Some((message, name, line, column)) => Error::content(format!("template error: {message}"))
                .at(Location::at_line(templates.describe(&name), templates.text(&name).unwrap_or(""), line, column))
                .with_help("the filters and functions templates can use are listed in the README"),
            None => {
                Error::content(format!("template error: {err}")).with_help("see the template variables in the README")
            }
        },
    }
}
