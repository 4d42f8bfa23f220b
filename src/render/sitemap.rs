//! `sitemap.xml`: every page of the site, for search engines. Sitemaps need
//! absolute URLs, so it is written only when `briefing.yaml` gives `base_url`.

use crate::diagnostic::{Error, Warning};
use crate::model::Briefing;
use crate::render::chart::xml_escape;
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};

/// The sitemap, or `None` without a `base_url`.
pub fn sitemap(briefing: &Briefing) -> Option<String> {
    let base = briefing.meta.base_url.as_ref()?;
    let mut urls = vec![base.clone()];
    for set in &briefing.page_sets {
        urls.push(format!("{base}{}/", set.config.path));
        urls.extend(set.entries.iter().map(|e| format!("{base}{}/{}/", set.config.path, e.slug)));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str(&format!(
            "  <url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&url),
            briefing.meta.date
        ));
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}

/// `sitemap.xml`, when the briefing has a `base_url`.
pub struct SitemapOutput;

impl Renderer for SitemapOutput {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        if let Some(sitemap) = sitemap(cx.briefing) {
            out.add("sitemap.xml", sitemap);
        }
        Ok(())
    }
}
