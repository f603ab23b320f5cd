//! # lofte-web
//!
//! Lofte's web application, in Swedish, for the people who do the work: sign in with a link
//! mailed to the address the people directory knows, see what you owe ("Att göra"), log what
//! happened. Server-rendered HTML that works without JavaScript; it records through the ledger
//! on behalf of the person signed in (ADR 0019) and reads the projector, never their stores.
//!
//! - [`settings`]: what it is told (`[web]`); [`app`]: building and running it.
//! - [`store`]: sign-in links and sessions in sled, stored hashed; [`limits`]: how often links
//!   may be asked for.
//! - [`backend`]: the ledger (the one typed client) and the projector.
//! - [`history`] (pure): the auditors' index of the log, its filters and pages.
//! - [`todo`] (pure): "Att göra" from the plans' summaries; [`overview`] (pure): a coordinator's
//!   Översikt of a plan; [`people_form`] (pure): the People page's forms; [`html`]: the pages;
//!   [`http`]: the routes, cookies, CSRF and security headers.

pub mod app;
pub mod backend;
pub mod entries;
pub mod forms;
pub mod history;
pub mod html;
pub mod http;
pub mod limits;
pub mod overview;
pub mod people_form;
pub mod settings;
pub mod store;
pub mod todo;

pub use app::{App, AppError};
pub use settings::Settings;
