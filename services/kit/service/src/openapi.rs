//! What every service's OpenAPI document says about access: the bearer token scheme, and the
//! answers the authentication layer may give on any route (`401`, `403`, `429`) as
//! `application/problem+json`. Add it with `#[openapi(modifiers(&lofte_service::openapi::Security))]`.

use utoipa::openapi::{
    content::ContentBuilder,
    header::HeaderBuilder,
    path::Operation,
    response::{Response, ResponseBuilder},
    schema::{ObjectBuilder, Type},
    security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    OpenApi, Ref, RefOr,
};

/// The name of the security scheme in the documents.
pub const SCHEME: &str = "bearer";

/// Routes open to everyone whatever their token (liveness, readiness, metrics, the document).
const OPEN_PATHS: [&str; 4] = ["/healthz", "/readyz", "/metrics", "/openapi.json"];

/// The modifier: the bearer scheme, per-operation security, and the access answers.
#[derive(Debug)]
pub struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("lofte_ + 64 hex digits")
                    .description(Some(
                        "A token from `lofte token create`; anonymous requests read approved reports only.",
                    ))
                    .build(),
            ),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let guarded = !OPEN_PATHS.contains(&path.as_str());
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch] {
                if let Some(op) = op.as_mut() {
                    add_access(op, guarded);
                }
            }
        }
    }
}

fn add_access(op: &mut Operation, guarded: bool) {
    // Anonymous (`{}`) or a bearer token: which of them a route accepts is its own business, and
    // it answers 401 or 403 otherwise.
    op.security = Some(vec![SecurityRequirement::default(), SecurityRequirement::new(SCHEME, Vec::<String>::new())]);
    let responses = &mut op.responses.responses;
    responses
        .entry("401".into())
        .or_insert_with(|| problem("No, unknown or revoked bearer token (WWW-Authenticate: Bearer)", false));
    if guarded {
        responses.entry("403".into()).or_insert_with(|| {
            problem("The token's role or organisation may not do this, or the plan is not there for it", false)
        });
    }
    responses.entry("429".into()).or_insert_with(|| problem("Too many requests for this token; see Retry-After", true));
}

fn problem(description: &str, retry_after: bool) -> RefOr<Response> {
    let mut b = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
    );
    if retry_after {
        b = b.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer))
                .description(Some("Seconds to wait"))
                .build(),
        );
    }
    RefOr::T(b.build())
}

#[cfg(test)]
mod tests {
    use utoipa::{Modify, OpenApi as _};

    use super::*;

    #[utoipa::path(get, path = "/v1/things", responses((status = 200, description = "Things")))]
    #[allow(dead_code)]
    async fn things() {}

    #[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Alive")))]
    #[allow(dead_code)]
    async fn healthz() {}

    #[derive(utoipa::OpenApi)]
    #[openapi(paths(things, healthz), components(schemas(crate::ProblemDoc)))]
    struct Doc;

    #[test]
    fn every_operation_declares_the_scheme_and_the_access_answers() {
        let mut doc = Doc::openapi();
        Security.modify(&mut doc);
        let v = serde_json::to_value(&doc).unwrap();
        assert_eq!(v["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        let things = &v["paths"]["/v1/things"]["get"];
        assert_eq!(things["security"], serde_json::json!([{}, {"bearer": []}]));
        for status in ["401", "403", "429"] {
            let ct = &things["responses"][status]["content"]["application/problem+json"];
            assert_eq!(ct["schema"]["$ref"], "#/components/schemas/Problem", "{status}");
        }
        assert!(things["responses"]["429"]["headers"]["Retry-After"].is_object());
        let health = &v["paths"]["/healthz"]["get"]["responses"];
        assert!(health["403"].is_null(), "an open route never answers 403");
        assert!(health["401"].is_object());
    }
}
