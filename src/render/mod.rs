//! Renderers: each turns the one document model into an output. Charts are
//! drawn once and shared, so the web page and the PDF show the same figure.

pub mod cache;
pub mod chart;
pub mod compendium;
pub mod figures;
pub mod html;
pub mod output;
pub mod page_index;
pub mod pages;
pub mod pdf;
pub mod profile_pdfs;
pub mod record;
pub mod refit;
pub mod sitemap;
pub mod social;
pub mod store;
pub mod templating;
pub mod typeset;
pub mod typst_markup;
pub mod typst_world;
pub mod web_fonts;

use serde_json::{Value, json};

use crate::model::{Block, Briefing, Piece};

/// What made the pages, for their `generator` meta tag.
pub fn generator() -> String {
    format!("briefing {}", env!("CARGO_PKG_VERSION"))
}

/// Whether a figure's values leave its print placement to the layout.
fn auto(figure: &Value) -> bool {
    figure.get("placement").is_none_or(|p| p == "auto")
}

/// The sections as template values, the same shape for both editions: each
/// section's `id`, `title`, `title_text` and `blocks`, with prose and titles
/// rendered by `render` into the key `markup` (`html` or `typst`) and figures
/// given as the edition's figure values. Sharing it keeps the two templates'
/// structure from drifting apart.
pub fn sections_context(
    briefing: &Briefing,
    figures: &[Value],
    markup: &str,
    mut render: impl FnMut(&[Piece]) -> String,
) -> Vec<Value> {
    briefing
        .sections
        .iter()
        .map(|section| {
            let blocks: Vec<Value> = section
                .blocks
                .iter()
                .enumerate()
                .map(|(b, block)| match block {
                    Block::Prose(pieces) => json!({"kind": "prose", markup: render(pieces)}),
                    // A figure followed by another, with no text between, may share its place in
                    // print when both are placed automatically.
                    Block::Figure(i) => json!({
                        "kind": "figure",
                        "figure": figures[*i],
                        "joins_next": match section.blocks.get(b + 1) {
                            Some(Block::Figure(next)) => auto(&figures[*i]) && auto(&figures[*next]),
                            _ => false,
                        },
                    }),
                })
                .collect();
            json!({
                "id": section.id,
                "label_ok": typst_markup::is_label(&section.id),
                "title": render(&section.title),
                "title_text": section.title_text,
                "blocks": blocks,
            })
        })
        .collect()
}
