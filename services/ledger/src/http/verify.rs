//! `GET /v1/verify`: walk the whole log and name the first bad seq.

use std::sync::Arc;

use axum::{extract::State, Extension, Json};
use lofte_proto::verify::ChainBreak;
use lofte_service::auth::Principal;
use serde::Serialize;

use super::routes::AppState;
use crate::problem::Problem;

/// The result of walking the log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyReport {
    /// True if every record checked out and the stored head matches the last record.
    pub ok: bool,
    /// Records that verified before the first problem (all of them if `ok`).
    pub checked: u64,
    /// The head as stored.
    pub head_seq: u64,
    pub head_hash: String,
    /// The first problem, naming its seq.
    pub first_bad: Option<ChainBreak>,
}

/// Walks the chain: canonical bytes, gapless seq, prev_hash links, recomputed hashes.
#[utoipa::path(get, path = "/v1/verify", responses(
    (status = 200, description = "The verification report (ok or not)", body = VerifyReport)))]
pub async fn verify(
    State(st): State<Arc<AppState>>,
    Extension(who): Extension<Principal>,
) -> Result<Json<VerifyReport>, Problem> {
    crate::principal::may_read_log(&who)?;
    let store = st.store.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<VerifyReport, crate::store::StoreError> {
        let w = crate::walk::walk(&store, |_| {})?;
        Ok(VerifyReport {
            ok: w.first_bad.is_none(),
            checked: w.checked,
            head_seq: w.head.seq,
            head_hash: w.head.hash.to_string(),
            first_bad: w.first_bad,
        })
    })
    .await
    .map_err(Problem::internal)?
    .map_err(Problem::internal)?;
    Ok(Json(report))
}
