//! The checks a build runs over what it rendered, before anything is written:
//! links and anchors of the web edition (`links`), tables nothing reads
//! (`tables`), empty sections and images too small for print (`document`), and
//! when asked, the links out of the site (`external`). Each problem is a
//! warning named after its check; `briefing.yaml`'s `checks:` levels decide
//! what becomes of it (see [`crate::lint`]).
//!
//! The checks read the model and the rendered files and change neither: they
//! are the last stage before `write`.

pub mod document;
pub mod external;
pub mod links;
pub mod tables;

use crate::diagnostic::Warning;
use crate::model::Briefing;
use crate::project::Project;
use crate::render::output::OutputSet;

/// Runs every check over a rendered project; `external` also asks each address
/// out of the site whether it answers.
pub fn run(
    project: &Project,
    briefing: &Briefing,
    files: &OutputSet,
    external: Option<&external::Options>,
) -> Vec<Warning> {
    let site = links::Site::read(files);
    let mut warnings = site.broken(files, project);
    warnings.extend(tables::unused(project, briefing));
    warnings.extend(document::empty_sections(briefing));
    warnings.extend(document::small_images(project, briefing));
    if let Some(options) = external {
        warnings.extend(external::check(&site.external(), project, options));
    }
    warnings
}
