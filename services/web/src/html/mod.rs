//! The pages, server-rendered in Swedish with maud (every value escaped): the shell every page
//! shares ([`layout`]), sign-in ([`signin`]) and "Att göra" ([`todo`]). No inline script or style:
//! the stylesheet is served by `lofte-web` itself (`/static/lofte.css`), so the Content-Security-
//! Policy needs no `unsafe-inline`.

pub mod audit;
pub mod coord;
pub mod layout;
pub mod log;
pub mod public;
pub mod signin;
pub mod submit;
pub mod todo;
pub mod words;

pub use layout::{page, Shell, Who};
