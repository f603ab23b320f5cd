//! Building a composed mail as a lettre message: plain text with an HTML alternative, the derived
//! Message-ID, a Date header, and a sender from config.

use lettre::{
    message::{Mailbox, MultiPart},
    Message,
};

use crate::compose::Composed;

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("not a mailbox: {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(#[from] lettre::error::Error),
}

/// The lettre message for `c`, from `from` (e.g. `Lofte <lofte@kommunen.example>`).
pub fn build(c: &Composed, from: &str) -> Result<Message, BuildError> {
    let from: Mailbox = from.parse().map_err(|_| BuildError::Address(from.to_owned()))?;
    let to: Mailbox = c.to.as_str().parse().map_err(|_| BuildError::Address(c.to.to_string()))?;
    Ok(Message::builder()
        .from(from)
        .to(to)
        .subject(c.subject.clone())
        .message_id(Some(c.message_id.clone()))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(c.text.clone(), c.html.clone()))?)
}
