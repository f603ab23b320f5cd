//! What the public pages (no sign-in) ask of the projector: only what it serves the public. The
//! requests go without the web application's token and say `approved=true`, so the projector
//! itself decides what is approved — an approved tertial's report and the events behind its
//! figures as of its approval, without authors — whatever the web application asks.

use serde_json::Value;

use super::{Backend, BackendError};

/// A public read's answer: the JSON, or `None` when the projector says there is nothing public
/// there (no such plan, a tertial not approved, a bad id: 401, 404 or 422).
type Public = Result<Option<Value>, BackendError>;

/// The most events listed behind one figure on the Underlag page (the newest; the page says how
/// many more there are).
pub const LISTED_PER_FIGURE: usize = 100;

impl Backend {
    /// The plans the projector lists to anyone, with when each tertial was approved.
    pub async fn public_plans(&self) -> Result<Vec<Value>, BackendError> {
        let v = self.public_get("/v1/plans".to_owned()).await?.unwrap_or_default();
        Ok(v["plans"].as_array().cloned().unwrap_or_default())
    }

    /// The report of `tertial` as approved (JSON: the summary and the rendered cells).
    pub async fn approved_report(&self, plan: &str, tertial: &str) -> Public {
        self.public_get(format!("/v1/plans/{plan}/report?tertial={tertial}&format=json&approved=true")).await
    }

    /// The events behind the figures of `activity` in the report of `tertial` as approved: the
    /// newest [`LISTED_PER_FIGURE`] of each figure, and how many there are.
    pub async fn approved_provenance(&self, plan: &str, tertial: &str, activity: &str) -> Public {
        self.public_get(format!(
            "/v1/plans/{plan}/provenance?activity={activity}&tertial={tertial}&approved=true&limit={LISTED_PER_FIGURE}"
        ))
        .await
    }

    async fn public_get(&self, path: String) -> Public {
        use reqwest::StatusCode;
        let url = format!("{}{path}", self.projector);
        let fail = |why: String| BackendError::Projector { url: url.clone(), why };
        let r = self.anonymous.get(&url).send().await.map_err(|e| fail(e.to_string()))?;
        match r.status() {
            StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY => Ok(None),
            s if s.is_success() => r.json().await.map(Some).map_err(|e| fail(e.to_string())),
            s => Err(fail(format!("answered {s}"))),
        }
    }
}
