//! The OpenAPI document: its description and security scheme here, every path and its schemas
//! from the mechanisms' routes (utoipa-axum), and their tags.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "gonghui API", description = "县总工会改革系统集成平台 — JSON API. Authenticate with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`. Errors: `{\"error\": {\"code\", \"message\", \"message_zh\", \"fields\"}}`. A record outside the caller's scope answers 404 exactly like one that does not exist."),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole document: the base above, the paths the routers collected, the mechanisms' tags,
/// and on every operation the error statuses any route can answer.
pub fn document(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi().merge_from(paths);
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for (method, op) in ops.into_iter().enumerate() {
            if let Some(op) = op {
                document_errors(op, method != 0);
            }
        }
    }
    doc.tags = Some(
        crate::mechanisms::ALL
            .iter()
            .flat_map(|m| m.tags.iter())
            .map(|(name, description)| TagBuilder::new().name(*name).description(Some(*description)).build())
            .collect(),
    );
    doc
}

/// The errors every route shares, in the one JSON shape (`ErrorBody`), added where a route's
/// own list leaves them out: what the extractors refuse (400 malformed, 415 not JSON, 413 too
/// large), authentication (401), role (403), missing or out of scope (404), validation (422), and
/// for writes a state that does not allow them (409).
fn document_errors(op: &mut utoipa::openapi::path::Operation, writes: bool) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let mut statuses: Vec<(&str, &str)> = vec![
        ("400", "Malformed request: a parameter or the body cannot be read"),
        ("401", "Not signed in, or the session has ended"),
        ("403", "The caller's role may not do this"),
        ("404", "No such record, or outside the caller's scope"),
        ("422", "Input refused; `fields` says which and why"),
    ];
    if writes {
        statuses.push(("409", "The record's state does not allow this now"));
    }
    if op.request_body.is_some() {
        statuses.push(("413", "The body is larger than the configured limit"));
        statuses.push(("415", "The body is not of the documented content type"));
    }
    let responses = &mut op.responses.responses;
    for (status, description) in statuses {
        responses.entry(status.to_string()).or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
                .into()
        });
    }
}
