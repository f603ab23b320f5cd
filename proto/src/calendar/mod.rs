//! The follow-up calendar: when each tertial's follow-up is due, and when reminders and
//! escalations go out. Pure: dates in, dates out (Europe/Stockholm local dates).
//!
//! - [`holidays`]: Swedish public holidays and de facto non-working eves, computed per year;
//! - [`occasions`]: due dates (declared or default, moved to the previous working day) and the
//!   reminder occasions around them.

pub mod holidays;
pub mod occasions;

pub use holidays::{easter, holidays, is_working_day, on_or_before_working_day};
pub use occasions::{due_date, occasions, Occasion, ReminderPolicy};
