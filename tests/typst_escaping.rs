//! User text must reach the PDF literally: every character Typst treats as
//! markup is escaped by our Markdown-to-Typst converter.

mod common;

use std::fs;

use common::*;

#[test]
fn hostile_text_is_shown_literally_in_the_pdf() {
    // Every character Typst gives a meaning in markup, spaced so Markdown leaves them alone,
    // plus sequences that would otherwise be comments, headings, labels, maths or calls.
    let hostile = "Hostile: # * _ $ @ < > [ ] \\\\ = - + / ~ \\` and #let x = 1 and $x^2$ and \\<label> and @ref and // not a comment and /* nor this */ and http://example.org and 1. item and a\\_b";
    let markdown = format!(
        "# Title with #hash and $dollar\n\n{hostile}\n\n- list item with ] and [ brackets\n\n`code with \" and \\ and #`\n"
    );
    let project = project(&[("01.md", &markdown)], &[]);
    assert_success(&build(project.path(), &[]));
    let pdf = fs::read(project.path().join("output/test.pdf")).unwrap();
    let text = pdf_text(&pdf);
    for literal in [
        "Hostile: # * _ $ @ < > [ ] \\ = - + / ~ `",
        "#let x = 1",
        "$x^2$",
        "<label>",
        "@ref",
        "// not a comment",
        "/* nor this */",
        "http://example.org",
        "1. item",
        "a_b",
        "Title with #hash and $dollar",
        "list item with ] and [ brackets",
        "code with \" and \\ and #",
    ] {
        assert!(text.contains(literal), "PDF does not show {literal:?} literally:\n{text}");
    }
}
