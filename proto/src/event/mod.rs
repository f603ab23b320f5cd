//! Every event kind Lofte records, with typed payloads. On the wire an event is adjacently
//! tagged: `{"kind": "dialogue_held", "data": {…}}`.

mod follow_up;
mod kinds;
mod occurrence;
mod plan;

pub use follow_up::*;
pub use kinds::*;
pub use occurrence::*;
pub use plan::*;
