//! Renderers: each turns the one document model into an output. Charts are
//! drawn once and shared, so the web page and the PDF show the same figure.

pub mod chart;
pub mod figures;
pub mod html;
pub mod pages;
pub mod pdf;
pub mod sitemap;
pub mod social;
pub mod templating;
pub mod typst_markup;
pub mod typst_world;
