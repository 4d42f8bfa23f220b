//! The social-media card (Open Graph / Twitter): a 1200×630 PNG with the
//! organisation, the title and the date beside the briefing's lead figure,
//! drawn as SVG and rasterised with the project's own fonts.

use crate::diagnostic::{Error, Warning};
use crate::model::Meta;
use crate::render::chart::png::Rasteriser;
use crate::render::chart::{text_width, wrap, xml_escape};
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};

/// Card size in SVG units; rendered at 2× to 1200×630 pixels.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 315.0;

/// The card's SVG: text on the left, the lead figure (if any) scaled into the right.
pub fn card_svg(meta: &Meta, lead_figure: Option<&str>) -> String {
    let accent = &meta.style.accent;
    let ink = &meta.style.ink;
    let font = xml_escape(&format!("{}, sans-serif", meta.style.font));
    let text_width_max = if lead_figure.is_some() { 300.0 } else { 520.0 };
    let mut size = 30.0;
    let mut lines = wrap(&meta.title, text_width_max, size, 3);
    while lines.iter().any(|l| text_width(l, size) > text_width_max) && size > 20.0 {
        size -= 2.0;
        lines = wrap(&meta.title, text_width_max, size, 3);
    }
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\
         <rect width=\"{WIDTH}\" height=\"8\" fill=\"{accent}\"/>\
         <text x=\"32\" y=\"48\" font-family=\"{font}\" font-size=\"12\" font-weight=\"bold\" letter-spacing=\"1.2\" fill=\"{accent}\">{}</text>",
        xml_escape(&meta.organisation.to_uppercase())
    );
    let mut y = 92.0;
    for line in &lines {
        svg.push_str(&format!(
            "<text x=\"32\" y=\"{y}\" font-family=\"{font}\" font-size=\"{size}\" font-weight=\"bold\" fill=\"{ink}\">{}</text>",
            xml_escape(line)
        ));
        y += size * 1.2;
    }
    if let Some(subtitle) = &meta.subtitle {
        for line in wrap(subtitle, text_width_max, 14.0, 3) {
            y += 4.0;
            svg.push_str(&format!(
                "<text x=\"32\" y=\"{y}\" font-family=\"{font}\" font-size=\"14\" fill=\"#4f5861\">{}</text>",
                xml_escape(&line)
            ));
            y += 14.0;
        }
    }
    svg.push_str(&format!(
        "<text x=\"32\" y=\"{}\" font-family=\"{font}\" font-size=\"13\" fill=\"#4f5861\">{}</text>",
        HEIGHT - 28.0,
        xml_escape(&meta.date_display)
    ));
    if let Some(figure) = lead_figure {
        // Nest the chart as an inner <svg>: it keeps its own viewBox and scales into the slot.
        let inner = figure.trim_start_matches(|c| c != '<');
        let inner = inner.replacen(
            "<svg ",
            "<svg x=\"356\" y=\"24\" width=\"220\" height=\"267\" preserveAspectRatio=\"xMidYMid meet\" ",
            1,
        );
        svg.push_str(&strip_size(&inner));
    }
    svg.push_str("</svg>");
    svg
}

/// Removes the inner chart's own `width`/`height` (after ours), so ours apply.
fn strip_size(svg: &str) -> String {
    let Some(end) = svg.find('>') else { return svg.to_string() };
    let (head, rest) = svg.split_at(end);
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    for attribute in head.split(' ') {
        let name = attribute.split('=').next().unwrap_or("");
        if (name == "width" || name == "height") && !seen.insert(name.to_string()) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(attribute);
    }
    out + rest
}

/// The card as a 1200×630 PNG.
pub fn card_png(
    meta: &Meta,
    lead_figure: Option<&str>,
    rasteriser: &Rasteriser,
) -> Result<Vec<u8>, crate::diagnostic::Error> {
    rasteriser.png(&card_svg(meta, lead_figure))
}

/// The sharing card, `social.png`, with the lead figure beside the title.
pub struct SocialCardOutput;

impl Renderer for SocialCardOutput {
    fn name(&self) -> &'static str {
        "sharing card"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let lead_figure = cx.figures.first().map(|f| f.svg.text.as_str());
        let draw = || card_png(&cx.briefing.meta, lead_figure, cx.rasteriser);
        let png = match cx.cache {
            Some(cache) => {
                let meta = serde_json::to_vec(&cx.briefing.meta).unwrap_or_default();
                let shown = [meta.as_slice(), lead_figure.unwrap_or("").as_bytes(), cx.rasteriser.fingerprint()];
                cache.image(crate::render::cache::key(&shown), draw)?
            }
            None => draw()?,
        };
        out.add("social.png", png);
        Ok(())
    }
}
