//! The document: its RON schema, the bundled copy, loading, validation and the messages for a
//! file that cannot be loaded.
//!
//! The RON file is parsed into the serde types of `schema`, validated, cleaned of anything a
//! terminal would interpret, and flattened into an [`Outline`]: the one shape the rest of the
//! app reads. A file that fails gets a [`LoadError`], every problem located in it once.
//!
//! - `load`: from a path or a text to an outline, or to every problem in the way.
//! - `schema`: the serde types, and the one table of their fields the rest reads.
//! - `source`, `spans`: the file's lines and tokens, found once, and where each value is.
//! - `diagnose`, `validate`: the parser's complaint restated; what serde cannot check.
//! - `problem`, `messages`: the problems, their report, and its words in sv and en.
//! - `outline`: the tree of nodes the interface reads.

mod diagnose;
mod load;
mod messages;
mod outline;
mod problem;
mod schema;
mod source;
mod spans;
mod validate;

pub use load::{load, load_data, load_file, read};
pub use outline::{Block, Kind, Node, Outline};
pub use problem::{Issue, LoadError, Place, Problem, Shape};
pub use schema::{Contact, Document, Goal, MAX_DEPTH, Perspective, Vision};

/// The bundled document, compiled into the binary so it runs with no files beside it.
pub const BUNDLED: &str = include_str!("../data/smedjebacken.ron");

/// The name shown for the bundled document in messages.
pub const BUNDLED_NAME: &str = "data/smedjebacken.ron";

/// The largest data file accepted, so a mistaken path cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[cfg(test)]
mod tests;
