//! Pickers: a union, a member or a staff member chosen by name instead of by code. The pages'
//! `pick.js` asks these (with the session cookie) as the user types, and puts the chosen code
//! into the form; a code typed by someone who knows it is sent as it is.

use crate::AppState;
use crate::auth::PageUser;
use crate::ui::{PageQuery, fail};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use store::Paging;

/// One choice: what goes into the form, what the list shows, and a line that tells like
/// names apart (the union's full path; a member's union and masked ID number).
#[derive(Serialize)]
pub(crate) struct Choice {
    value: String,
    label: String,
    detail: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct PickQuery {
    #[serde(default)]
    q: String,
}

impl PickQuery {
    /// The words typed, if any: nothing typed, nothing offered.
    fn words(&self) -> Option<&str> {
        Some(self.q.trim()).filter(|q| !q.is_empty())
    }
}

type Choices = Result<Json<Vec<Choice>>, Response>;

/// Unions whose name contains the words, within the caller's scope.
pub(crate) async fn unions(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<PickQuery>,
) -> Choices {
    let Some(q) = p.words() else { return Ok(Json(Vec::new())) };
    let page = store::unions::search(&st.db, &s.actor, q, Paging::new(None, Some(12))).await.map_err(fail)?;
    Ok(Json(
        page.items
            .into_iter()
            .map(|u| Choice { value: u.union.code, label: u.union.name, detail: u.full_name })
            .collect(),
    ))
}

/// Members by the start of their name, their phone, or the last four characters of their ID
/// number, within the caller's scope.
pub(crate) async fn members(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<PickQuery>,
) -> Choices {
    let Some(q) = p.words() else { return Ok(Json(Vec::new())) };
    let query = store::members::MemberQuery { q: Some(q.to_string()), per_page: Some(12), ..Default::default() };
    let page = store::members::search(&st.db, &s.actor, &query).await.map_err(fail)?;
    Ok(Json(
        page.items
            .into_iter()
            .map(|m| Choice {
                detail: format!("{} · {}", m.union_name, m.id_card_masked),
                value: m.id.to_string(),
                label: m.name,
            })
            .collect(),
    ))
}

/// Staff an item may be forwarded to, by name.
pub(crate) async fn staff(
    State(st): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<PickQuery>,
) -> Choices {
    let Some(q) = p.words() else { return Ok(Json(Vec::new())) };
    let list = store::users::staff_to_pick(&st.db, &s.actor, q).await.map_err(fail)?;
    Ok(Json(
        list.into_iter()
            .map(|u| Choice {
                value: u.username,
                label: u.name,
                detail: match u.department {
                    Some(d) => format!("{} · {d}", u.union_name),
                    None => u.union_name,
                },
            })
            .collect(),
    ))
}

pub(crate) async fn script() -> axum::response::Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/pick.js"),
    )
        .into_response()
}
