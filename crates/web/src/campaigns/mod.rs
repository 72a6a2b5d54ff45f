//! 有需必送: the seasonal campaigns over the API and as pages. Its tab shows among 关爱's.

mod api;
mod pages;

use crate::AppState;
use crate::mechanisms::{Mechanism, Tab};
use crate::today;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::Capability;
use store::Actor;
use store::campaigns::{BulkDelivery, DeliveryForm, Signed, Target, Upload};

pub(crate) const MECHANISM: Mechanism = Mechanism {
    routes: || api::routes().merge(pages::routes()),
    uploads: || api::upload_routes().merge(pages::upload_routes()),
    nav: &[],
    tabs: &[Tab {
        key: "campaigns",
        href: "/care/campaigns",
        label: "四季送",
        needs: Some(Capability::StaffWork),
        order: 40,
    }],
    tiles: &[],
    records: &[(domain::campaign::SOURCE, |id| format!("/care/campaigns/{id}"))],
    tags: &[("campaigns", "四季送：对象名单、发放、覆盖率、签收表")],
};

pub(super) fn file_response(name: &str, content_type: String, data: Vec<u8>) -> Response {
    let disposition =
        format!("attachment; filename=\"file\"; filename*=UTF-8''{}", crate::auth::urlencode(name).replace('+', "%20"));
    ([(header::CONTENT_TYPE, content_type), (header::CONTENT_DISPOSITION, disposition)], data).into_response()
}

pub(super) async fn deliver_all(
    st: &AppState,
    actor: &Actor,
    id: i64,
    union: &str,
    on: Option<&str>,
) -> Result<BulkDelivery, store::StoreError> {
    let on = match on.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => domain::parse_date(s)
            .ok_or_else(|| domain::Invalid::new("delivered_on", "日期格式应为 2026-11-20", "bad date"))?,
        None => today(),
    };
    store::campaigns::deliver_all(&st.db, &st.calendar(), actor, id, union, on, today()).await
}

pub(super) async fn deliver(
    st: &AppState,
    actor: &Actor,
    id: i64,
    tid: i64,
    file: Option<(String, String, Vec<u8>)>,
    fields: &std::collections::HashMap<String, String>,
) -> Result<Target, store::StoreError> {
    let f = DeliveryForm { note: fields.get("note").cloned(), delivered_on: fields.get("delivered_on").cloned() };
    let photo = file.map(|(name, content_type, data)| Upload { name, content_type, data });
    store::campaigns::deliver(&st.db, &st.calendar(), actor, id, tid, &f, photo, today()).await
}

pub(super) async fn sign_list_xlsx(
    st: &AppState,
    actor: &Actor,
    id: i64,
    union: &str,
) -> Result<Response, store::StoreError> {
    let (c, union_name, rows) = store::campaigns::sign_list(&st.db, actor, id, union).await?;
    let columns: &[(&str, f64)] = &[
        ("序号", 6.0),
        ("姓名", 12.0),
        ("身份证号", 22.0),
        ("所在工会", 28.0),
        ("发放内容", 20.0),
        ("金额（元）", 12.0),
        ("领取人签名", 16.0),
        ("日期", 12.0),
    ];
    let what = c.goods.clone().unwrap_or_else(|| c.kind_label.clone());
    use crate::ui::Number;
    let text = |s: &str| Number::Text(s.to_string());
    let table: Vec<Vec<Number>> = rows
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vec![
                Number::Count(i as i64 + 1),
                text(&t.member_name),
                text(&t.id_masked),
                text(&t.union_name),
                text(&what),
                if t.amount_fen > 0 { Number::Yuan(t.amount_fen as f64 / 100.0) } else { Number::Empty },
                Number::Empty,
                text(t.delivered_on.as_deref().unwrap_or_default()),
            ]
        })
        .collect();
    crate::ui::xlsx_table("发放签收表", columns, &table, &format!("发放签收表-{}-{union_name}.xlsx", c.name))
}

pub(super) async fn attach(
    st: &AppState,
    actor: &Actor,
    id: i64,
    file: Option<(String, String, Vec<u8>)>,
    fields: &std::collections::HashMap<String, String>,
) -> Result<Signed, store::StoreError> {
    let Some((name, content_type, data)) = file else {
        return Err(domain::Invalid::new("file", "请选择签收表扫描件", "file is required").into());
    };
    let union = fields.get("union").map(String::as_str).unwrap_or("");
    store::campaigns::attach_signed(&st.db, actor, id, union, Upload { name, content_type, data }).await
}
