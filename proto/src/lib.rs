//! # lofte-proto
//!
//! The shared language of Lofte's services. Pure: no I/O, no clocks, no randomness except the
//! UUIDv7 a caller asks for.
//!
//! - [`ids`], [`text`], [`quantity`], [`date`], [`until`], [`tertial`]: the small types everything is made
//!   of — slugs, bounded text, approximate figures and hours, local business dates, tertials.
//! - [`plan`]: the plan model (promises, activities, targets, actors) and the plan state folded
//!   from plan events.
//! - [`event`]: every event kind and its payload; [`envelope`]: what is stored and published;
//!   [`command`]: what a client sends, parsed with the field at fault named.
//! - [`chain`]: canonical encoding and the SHA-256 chain; [`verify`]: walking a log;
//!   [`upcast`]: lifting old payloads.
//! - [`planfile`]: the TOML plan file format and its translation into plan events.
//! - [`fold`]: a plan's events → its tertial follow-up (cells, target progress, late amendments);
//!   [`report`]: that follow-up as the partners publish it (Markdown, HTML, CSV, JSON), in Swedish.
//! - [`calendar`]: follow-up due dates (Swedish holidays computed) and reminder occasions.
//! - [`subject`]: NATS subjects.

pub mod auth;
pub mod calendar;
pub mod chain;
pub mod command;
pub mod date;
pub mod envelope;
pub mod event;
pub mod fold;
pub mod ids;
pub mod people;
pub mod plan;
pub mod planfile;
pub mod quantity;
pub mod report;
mod schema;
pub mod subject;
pub mod tertial;
pub mod text;
pub mod until;
pub mod upcast;
pub mod verify;

pub use chain::Hash;
pub use command::{Command, FieldError, NewEvent};
pub use envelope::Envelope;
pub use event::{Event, Kind};
pub use tertial::Tertial;
