//! A cadre of town B must get nothing of town A by any route: records answer 404 exactly as
//! missing ones do, and lists never contain them.

use crate::helpers::{id_no, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn other_subtree_answers_404_on_every_route() {
    let app = spawn_app().await;
    let b = app.token("cadre_b").await;
    let a_member = app.member_a;
    let missing = 999_999;

    for path in [
        "/api/v1/unions/A-001",
        "/api/v1/unions/320925101",
        "/api/v1/unions/A-001/children",
        "/api/v1/members?union=A-001",
    ] {
        let (s, body) = app.get(&b, path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let (s, _) = app.get(&b, "/api/v1/unions/NO-SUCH").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    for id in [a_member, missing] {
        let base = format!("/api/v1/members/{id}");
        let answers = [
            app.get(&b, &base).await,
            app.get(&b, &format!("{base}/history")).await,
            app.send(Method::PATCH, &b, &base, json!({"job": "x"})).await,
            app.post(&b, &format!("{base}/reveal"), json!({"reason": "想看看"})).await,
            app.post(&b, &format!("{base}/transfer"), json!({"to_union": "B-001"})).await,
            app.post(&b, &format!("{base}/status"), json!({"event": "left"})).await,
        ];
        for (i, (s, body)) in answers.iter().enumerate() {
            assert_eq!(*s, StatusCode::NOT_FOUND, "route {i} for member {id}: {body}");
            assert_eq!(body["error"]["code"], "not_found");
        }
    }
    let (s, _) = app.post(&b, "/api/v1/unions/A-001/enterprises", json!({"name": "x", "headcount": 1})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Writing into town A through a parent or union code is refused without saying more.
    let (s, e) = app
        .post(&b, "/api/v1/unions", json!({"code": "X-1", "name": "x", "level": "grassroots", "parent_code": "A-001"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "parent_code");
    let (s, e) = app
        .post(
            &b,
            "/api/v1/members",
            json!({"union": "A-001", "name": "某", "id_card_no": id_no("320925", "19800101", 7)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "union");

    // Lists and searches hold only town B.
    let lists = [
        "/api/v1/members?status=all&per_page=200".to_string(),
        "/api/v1/members?q=张".to_string(),
        format!("/api/v1/members?q={}", id_no("320925", "19880512", 31)),
        "/api/v1/members?q=13912340001".to_string(),
        "/api/v1/unions?q=工会".to_string(),
        "/api/v1/unions?q=阳光".to_string(),
    ];
    for path in &lists {
        let (s, body) = app.get(&b, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        let text = body.to_string();
        assert!(!text.contains("阳光") && !text.contains("建阳"), "{path} leaked: {text}");
        assert!(
            !body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["id"] == json!(a_member) && m.get("union_code").is_some()),
            "{path}"
        );
    }
    let (_, mine) = app.get(&b, "/api/v1/members").await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["id"], app.member_b);

    // Town B's root answers with counts of its own subtree only.
    let (_, town) = app.get(&b, "/api/v1/unions/320925102").await;
    assert_eq!(town["subtree_members"], 1);
    // The federation root is above the cadre's scope.
    let (s, _) = app.get(&b, "/api/v1/unions/320925").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_member_sees_only_their_own_record() {
    let app = spawn_app().await;
    let t = app.token("member_a").await;
    let (s, me) = app.get(&t, &format!("/api/v1/members/{}", app.member_a)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["name"], "张阳光");
    assert_eq!(app.get(&t, &format!("/api/v1/members/{}", app.member_b)).await.0, StatusCode::NOT_FOUND);
    let (_, list) = app.get(&t, "/api/v1/members?status=all").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], app.member_a);
    let (_, unions) = app.get(&t, "/api/v1/unions?q=工会").await;
    let names: Vec<&str> = unions["items"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["阳光机械公司工会"]);
    let (s, _) = app.send(Method::PATCH, &t, &format!("/api/v1/members/{}", app.member_a), json!({"job": "x"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get(&t, "/api/v1/audit").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn grassroots_cadre_is_limited_to_their_union() {
    let app = spawn_app().await;
    let t = app.token("cadre_a1").await;
    let (_, me) = app.get(&t, "/api/v1/me").await;
    assert_eq!(me["scope_union_code"], "A-001");
    assert_eq!(app.get(&t, "/api/v1/unions/320925101").await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&t, &format!("/api/v1/members/{}", app.member_b)).await.0, StatusCode::NOT_FOUND);
    let (_, list): (_, Value) = app.get(&t, "/api/v1/members").await;
    assert_eq!(list["total"], 1);
}
