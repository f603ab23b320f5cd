//! Auditors: Händelsehistorik, an event and its chain, provenance, as of, verify.
