//! `.briefing-values.json`: the build's record of every value, claim and
//! figure the data produced (`model::record`), kept in the output folder for
//! the next build to compare against. No page links to it.

use crate::diagnostic::{Error, Warning};
use crate::model::record::RECORD_FILE;
use crate::render::output::{Facts, OutputSet, RenderContext, Renderer};

/// Writes the record.
pub struct RecordOutput;

impl Renderer for RecordOutput {
    fn name(&self) -> &'static str {
        "record"
    }

    fn render(
        &self,
        cx: &RenderContext<'_>,
        _: &mut Facts,
        out: &mut OutputSet,
        _: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let json = serde_json::to_string_pretty(&cx.briefing.record)
            .map_err(|e| Error::content(format!("could not write the build's record: {e}")))?;
        out.add(RECORD_FILE, json + "\n");
        Ok(())
    }
}
