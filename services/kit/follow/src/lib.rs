//! # lofte-follow
//!
//! Following the `LOFTE` stream into sled views, as the projector and the notifier do, each with
//! its own durable consumer, views and settings: a [`Follower`] task, steered and read through a
//! [`FollowHandle`] (readiness, metrics, rebuilding).
//!
//! - `consumer`: the durable consumer with `AckPolicy::All`; the rebuild's ordered replay.
//! - `batch`: one batch gathered, deduplicated by `(ledger, seq)`, gaps back-filled
//!   (`backfill`, through the one ledger client), written and flushed, then acknowledged.
//! - [`views`]: every plan's events in sled, as LZ4-compressed segments (`segments`), under a
//!   generation (`generations`) so that a rebuild drops them at once.
//! - [`kept`]: each plan's fold kept in memory, brought forward from the views when read.
//! - [`progress`]: where the follower stands (state); [`metrics`]: what it counted.

mod backfill;
mod batch;
mod consumer;
pub mod error;
mod follower;
mod generations;
pub mod kept;
pub mod metrics;
pub mod progress;
pub mod readiness;
mod segments;
pub mod settings;
mod shared;
pub mod views;

pub use error::{BackfillError, FollowError, RebuildError};
pub use follower::{FollowHandle, Follower};
pub use kept::KeptFolds;
pub use readiness::{NotReady, Readiness};
pub use segments::SegmentError;
pub use settings::Settings;
pub use views::{ViewError, Views};
