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

/// The whole document: the base above, the paths the routers collected, the mechanisms' tags.
pub fn document(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi().merge_from(paths);
    doc.tags = Some(
        crate::mechanisms::ALL
            .iter()
            .flat_map(|m| m.tags.iter())
            .map(|(name, description)| TagBuilder::new().name(*name).description(Some(*description)).build())
            .collect(),
    );
    doc
}
