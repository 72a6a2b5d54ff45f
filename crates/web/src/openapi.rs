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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    /// Every type the document describes by name, with where it is declared: a derived
    /// `ToSchema`'s struct or enum name, or its `#[schema(as = …)]`.
    fn schema_names(dir: &Path, out: &mut BTreeMap<String, Vec<String>>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                schema_names(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let mut pending = false;
            let mut alias: Option<String> = None;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    pending = true;
                    alias = None;
                } else if pending && line.starts_with("#[schema(as = ") {
                    alias = line.trim_start_matches("#[schema(as = ").split([')', ',']).next().map(str::to_string);
                } else if pending && (line.starts_with("pub struct ") || line.starts_with("pub enum ")) {
                    let name =
                        line.split_whitespace().nth(2).unwrap_or("").split(['{', '<', '(', ';']).next().unwrap_or("");
                    let name = alias.take().unwrap_or_else(|| name.to_string());
                    out.entry(name).or_default().push(path.display().to_string());
                    pending = false;
                }
            }
        }
    }

    /// utoipa keeps one schema per name: two types of one name would have one describe the
    /// other's requests or responses. Each gets its own (`#[schema(as = …)]` where needed).
    #[test]
    fn every_schema_has_its_own_name() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut names = BTreeMap::new();
        for c in ["domain", "store", "web"] {
            schema_names(&crates.join(c).join("src"), &mut names);
        }
        assert!(names.len() > 50, "the scan found the schemas: {}", names.len());
        let shared: Vec<_> = names.iter().filter(|(_, at)| at.len() > 1).collect();
        assert!(shared.is_empty(), "schema names declared twice: {shared:?}");
    }
}
