//! 五率's time limits: every limit with its unit, number and basis; the county changes the local
//! ones, never the statutory ones; audited; staff only.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn limits_say_their_basis_and_only_local_practice_changes() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let (s, limits) = app.get(&admin, "/api/v1/legal/limits").await;
    assert_eq!(s, 200);
    let find = |v: &serde_json::Value, code: &str| {
        v.as_array().unwrap().iter().find(|l| l["code"] == code).cloned().unwrap_or_else(|| panic!("{code}: {v}"))
    };
    let opinion = find(&limits, "supervision.opinion_reply");
    assert_eq!((opinion["spelled"].as_str(), opinion["local"].as_bool()), (Some("15个工作日"), Some(true)));
    assert!(opinion["basis"].as_str().unwrap().contains("浙江"));
    let aid = find(&limits, "aid.decision");
    assert_eq!((aid["spelled"].as_str(), aid["firmness"].as_str()), (Some("7日"), Some("official")));

    // A county that follows 南昌's 60 days for the written reply.
    let put = async |code: &str, body: serde_json::Value| {
        app.send(reqwest::Method::PUT, &admin, &format!("/api/v1/legal/limits/{code}"), body).await
    };
    let (s, b) = put("supervision.opinion_reply", json!({"days": 60, "unit": "calendar"})).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!((b["spelled"].as_str(), b["default_days"].as_i64()), (Some("60日"), Some(15)));
    let (_, limits) = app.get(&admin, "/api/v1/legal/limits").await;
    assert_eq!(find(&limits, "supervision.opinion_reply")["spelled"], "60日");
    let (_, log) = app.get(&admin, "/api/v1/audit?action=legal.limit").await;
    assert!(log["items"][0]["detail"].as_str().unwrap().contains("15个工作日 → 60日"), "{log}");

    // The law's own limits, impossible numbers and units, unknown codes, other roles.
    let (s, b) = put("dispute.mediation_end", json!({"days": 30, "unit": "calendar"})).await;
    assert_eq!(s, 422);
    assert!(b["error"]["message_zh"].as_str().unwrap().contains("不能修改"), "{b}");
    assert_eq!(put("supervision.tip_reply", json!({"days": 0, "unit": "working"})).await.0, 422);
    assert_eq!(put("supervision.tip_reply", json!({"days": 10, "unit": "weeks"})).await.0, 422);
    assert_eq!(put("no.such", json!({"days": 10, "unit": "working"})).await.0, 404);
    let cadre = app.token("cadre_a").await;
    let (s, _) = app
        .send(
            reqwest::Method::PUT,
            &cadre,
            "/api/v1/legal/limits/supervision.tip_reply",
            json!({"days": 5, "unit": "working"}),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(app.get(&cadre, "/api/v1/legal/limits").await.0, 200);
    let member = app.token("member_a").await;
    assert_eq!(app.get(&member, "/api/v1/legal/limits").await.0, 403);
}
