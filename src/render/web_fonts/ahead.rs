//! The web fonts made ahead: while the briefing's PDF is typeset, the house
//! font's subsets for the site's characters are cut and packed, so the web
//! fonts, which have to wait for the web page (it shows the PDF's size), find
//! them made. Nothing here reaches the output: [`WebFontsOutput`] makes every
//! file, and finds in the memo of subsets what this cut for the same
//! characters. When the characters differ in the end (the web page's final
//! text holding one the early one lacked), the work here is lost, never the
//! result changed.
//!
//! [`WebFontsOutput`]: super::WebFontsOutput

use crate::diagnostic::{Error, Warning};
use crate::render::html::HtmlOutput;
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};

use super::{house_faces, pack, site_characters, svg::ChartFonts};

/// Cuts the web fonts ahead (see the module's doc). Runs after the pages from
/// data, in their run, since their pages' characters count.
pub struct WebFontsAhead;

impl Renderer for WebFontsAhead {
    fn name(&self) -> &'static str {
        "web fonts, ahead"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        // The web page as it will read but for the PDF's size and pages, which are
        // printable ASCII, a range the web fonts always hold.
        let mut page = OutputSet::default();
        if HtmlOutput.render(cx, &mut Facts::default(), &mut page, &mut Vec::new()).is_err() {
            // The web page's own run reports the error.
            return Ok(());
        }
        let mut chars = site_characters(out);
        chars.extend(site_characters(&page));
        let family = &cx.briefing.meta.style.font;
        let faces = house_faces(&cx.resources.fonts.fonts, family);
        let store = cx.cache.and_then(|cache| cache.store());
        // The project's fonts: the PDF may yet add a face found on the machine, when the
        // fallbacks would differ and be cut again.
        let fonts = &cx.resources.fonts.fonts;
        pack(&faces, fonts, &chars, store);
        if let Some(charts) = ChartFonts::new(family, &faces, fonts, store) {
            for figure in cx.figures {
                charts.embed(&figure.svg.text);
                charts.embed(&figure.narrow.text);
            }
        }
        Ok(())
    }
}
