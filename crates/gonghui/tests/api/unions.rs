use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn union_detail_children_and_search() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let (s, u) = app.get(&token, "/api/v1/unions/A-001").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(u["name"], "阳光机械公司工会");
    assert_eq!(u["full_name"], "建湖县总工会 / 建阳镇总工会 / 阳光机械公司工会");
    assert_eq!(u["member_count"], 1);
    assert_eq!(u["parent_code"], "320925101");
    assert_eq!(u["headcount"], 120);
    assert_eq!(u["enterprises"][0]["industry"], "C");

    let (_, root) = app.get(&token, "/api/v1/unions/320925").await;
    assert_eq!(root["subtree_members"], 2);
    assert_eq!(root["children"], 2);
    assert_eq!(root["headcount"], 120, "headcount covers the subtree");

    let (s, kids) = app.get(&token, "/api/v1/unions/320925/children?per_page=1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(kids["total"], 2);
    assert_eq!(kids["items"].as_array().unwrap().len(), 1);
    let (_, kids) = app.get(&token, "/api/v1/unions/320925/children?q=九龙").await;
    assert_eq!(kids["total"], 1);
    assert_eq!(kids["items"][0]["code"], "320925102");

    let (_, found) = app.get(&token, "/api/v1/unions?q=纺织").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["full_name"], "建湖县总工会 / 九龙口镇总工会 / 湖光纺织公司工会");
}

#[tokio::test]
async fn create_union_with_rules() {
    let app = spawn_app().await;
    let cadre = app.token("cadre_a").await;
    let body = json!({"code": "A-002", "name": "建阳镇联合工会", "level": "grassroots", "parent_code": "320925101", "division_code": "320925101", "founded_on": "2024/3/1"});
    let (s, u) = app.post(&cadre, "/api/v1/unions", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["founded_on"], "2024-03-01");
    assert!(u["path"].as_str().unwrap().ends_with(&format!("/{}/", u["id"])));

    let (s, e) = app.post(&cadre, "/api/v1/unions", body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["fields"][0]["field"], "code");

    let bad = json!({"code": "", "name": "", "level": "planet", "parent_code": "320925101", "division_code": "12"});
    let (s, e) = app.post(&cadre, "/api/v1/unions", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["code", "name", "level", "division_code"]);

    // A town under a grassroots union is refused.
    let (s, _) = app
        .post(
            &app.token("admin").await,
            "/api/v1/unions",
            json!({"code": "T-9", "name": "某镇", "level": "town", "parent_code": "A-001"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // Leaders read; they do not write.
    let (s, _) = app
        .post(
            &app.token("leader").await,
            "/api/v1/unions",
            json!({"code": "L-1", "name": "x", "level": "grassroots", "parent_code": "320925101"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn enterprises_need_valid_credit_codes() {
    let app = spawn_app().await;
    let token = app.token("cadre_a1").await;
    let (s, e) = app
        .post(
            &token,
            "/api/v1/unions/A-001/enterprises",
            json!({"name": "阳光二厂", "credit_code": "91350100M000100Y44", "headcount": 10}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("校验位"));
    let (s, e) = app
        .post(
            &token,
            "/api/v1/unions/A-001/enterprises",
            json!({"name": "阳光二厂", "credit_code": "91350100m000100y43", "headcount": 10, "industry": "C"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    assert_eq!(e["credit_code"], "91350100M000100Y43");
}

#[tokio::test]
async fn moving_a_union_moves_its_subtree_and_members() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let (s, moved) = app.post(&admin, "/api/v1/unions/A-001/move", json!({"parent_code": "320925102"})).await;
    assert_eq!(s, StatusCode::OK, "{moved}");
    assert!(
        moved["path"]
            .as_str()
            .unwrap()
            .contains(&format!("/{}/", app.get(&admin, "/api/v1/unions/320925102").await.1["id"]))
    );
    // Town B's cadre now sees A-001 and its member; town A's no longer does.
    let b = app.token("cadre_b").await;
    assert_eq!(app.get(&b, &format!("/api/v1/members/{}", app.member_a)).await.0, StatusCode::OK);
    let a = app.token("cadre_a").await;
    assert_eq!(app.get(&a, &format!("/api/v1/members/{}", app.member_a)).await.0, StatusCode::NOT_FOUND);
    let (_, town_b) = app.get(&admin, "/api/v1/unions/320925102").await;
    assert_eq!(town_b["subtree_members"], 2);
    // Not under itself, and only county admins restructure.
    let (s, _) = app.post(&admin, "/api/v1/unions/320925102/move", json!({"parent_code": "A-001"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = app.post(&b, "/api/v1/unions/A-001/move", json!({"parent_code": "320925102"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
