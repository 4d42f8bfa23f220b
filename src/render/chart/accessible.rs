//! The finishing of a chart's SVG text: tidy font sizes, and the accessible
//! wrapper (`role="img"`, `<title>`, `<desc>`) screen readers announce.

use crate::model::Figure;

/// plotters writes font sizes as `size / 1.24` in full float precision
/// (`13.000000000000002`); round them so the SVG reads as written.
pub(super) fn tidy_font_sizes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find("font-size=\"") {
        let start = i + "font-size=\"".len();
        out.push_str(&rest[..start]);
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        match rest[start..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{}", (size * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Adds `role="img"`, `<title>` and `<desc>` to plotters' SVG, so screen
/// readers announce the chart by its title and description.
pub(super) fn make_accessible(svg: &str, figure: &Figure) -> String {
    let Some(open_end) = svg.find("<svg").and_then(|start| svg[start..].find('>').map(|end| start + end)) else {
        return svg.to_string();
    };
    let id = format!("fig-{}", figure.id);
    let (head, rest) = svg.split_at(open_end);
    let head = head.replace("<svg ", &format!("<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" "));
    format!(
        "{head}>\n<title id=\"{id}-title\">Figure {}: {}</title>\n<desc id=\"{id}-desc\">{}</desc>{}",
        figure.number,
        xml_escape(&figure.spec.title),
        xml_escape(&figure.description()),
        &rest[1..]
    )
}

pub fn xml_escape(text: &str) -> String {
    crate::model::escape::markup_text(text)
}
